package command

func init() {
	for name, s := range map[string]string{
		"eval":          "Execute a Lua script server side",
		"eval_ro":       "Execute a read-only Lua script server side",
		"evalsha":       "Execute a Lua script server side",
		"evalsha_ro":    "Execute a read-only Lua script server side",
		"script|debug":  "Set the debug mode for executed scripts.",
		"script|kill":   "Kill the script currently in execution.",
		"script|help":   "Show helpful text about the different subcommands",
		"script|exists": "Check existence of scripts in the script cache.",
		"script|load":   "Load the specified Lua script into the script cache.",
		"script|flush":  "Remove all the scripts from the script cache.",
	} {
		summaries[name] = s
	}
}
