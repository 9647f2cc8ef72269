package command

func init() {
	summaries["lolwut"] = "Draw some computer art and show the Redis version."
}
