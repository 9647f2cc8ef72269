package command

func init() {
	for name, s := range map[string]string{
		"ssubscribe":           "Listen for messages published to shard channels.",
		"sunsubscribe":         "Stop listening to some or all shard channels.",
		"spublish":             "Send a message to the subscribers of a shard channel.",
		"pubsub|shardchannels": "List the shard channels that have subscribers.",
		"pubsub|shardnumsub":   "Count the subscribers of shard channels.",
	} {
		summaries[name] = s
	}
}
