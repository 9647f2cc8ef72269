package command

func init() {
	for name, s := range map[string]string{
		"slowlog|get":   "Return the newest entries of the slow log.",
		"slowlog|len":   "Return how many entries the slow log holds.",
		"slowlog|reset": "Empty the slow log.",
		"slowlog|help":  "Show the SLOWLOG subcommands.",
	} {
		summaries[name] = s
	}
}
