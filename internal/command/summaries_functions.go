package command

func init() {
	for name, s := range map[string]string{
		"fcall":            "Call a function of a loaded library.",
		"fcall_ro":         "Call a read-only function of a loaded library.",
		"function|load":    "Load a library of functions from its Lua source.",
		"function|delete":  "Delete a library and its functions.",
		"function|flush":   "Delete every library.",
		"function|list":    "List the libraries, their functions and flags.",
		"function|dump":    "Serialize every library into a payload for FUNCTION RESTORE.",
		"function|restore": "Load libraries from a FUNCTION DUMP payload.",
		"function|stats":   "Show the running function and the library counts.",
		"function|kill":    "Stop the running function if it has not written.",
		"function|help":    "Show helpful text about the different subcommands",
	} {
		summaries[name] = s
	}
}
