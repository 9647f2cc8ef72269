package command

func init() {
	for name, s := range map[string]string{
		"slowlog|get":         "Return the newest entries of the slow log.",
		"slowlog|len":         "Return how many entries the slow log holds.",
		"slowlog|reset":       "Empty the slow log.",
		"slowlog|help":        "Show the SLOWLOG subcommands.",
		"memory|usage":        "Estimate the memory a key and its value use.",
		"memory|doctor":       "Report memory problems.",
		"memory|malloc-stats": "Show the allocator's statistics.",
		"memory|purge":        "Return free memory to the operating system.",
		"memory|help":         "Show the MEMORY subcommands.",
		"memory|stats":        "Report the server's memory use.",
	} {
		summaries[name] = s
	}
}
