package command

func init() {
	for name, s := range map[string]string{
		"xadd":                  "Append an entry to a stream, creating it if needed, and optionally trim it.",
		"xrange":                "Get the entries of a stream within a range of IDs.",
		"xrevrange":             "Get the entries of a stream within a range of IDs, from the highest.",
		"xlen":                  "Get the number of entries in a stream.",
		"xdel":                  "Delete entries from a stream by ID.",
		"xtrim":                 "Trim a stream to a length or from a minimum ID.",
		"xsetid":                "Set a stream's last ID, entries-added counter and max deleted ID.",
		"xread":                 "Read entries after given IDs from one or more streams, optionally blocking.",
		"xreadgroup":            "Read entries from streams as a consumer of a group, optionally blocking.",
		"xack":                  "Acknowledge pending entries of a consumer group.",
		"xpending":              "Get the pending entries of a consumer group.",
		"xclaim":                "Take over pending entries of a consumer group.",
		"xautoclaim":            "Take over pending entries idle for a while, scanning from an ID.",
		"xgroup":                "Manage the consumer groups of a stream.",
		"xgroup|create":         "Create a consumer group.",
		"xgroup|createconsumer": "Create a consumer in a consumer group.",
		"xgroup|delconsumer":    "Delete a consumer and its pending entries.",
		"xgroup|destroy":        "Delete a consumer group.",
		"xgroup|setid":          "Set a consumer group's last delivered ID.",
		"xgroup|help":           "Show the XGROUP subcommands.",
		"xinfo":                 "Get information about streams, consumer groups and consumers.",
		"xinfo|stream":          "Get information about a stream.",
		"xinfo|groups":          "Get the consumer groups of a stream.",
		"xinfo|consumers":       "Get the consumers of a consumer group.",
		"xinfo|help":            "Show the XINFO subcommands.",
	} {
		summaries[name] = s
	}
}
