package command

func init() {
	for name, s := range map[string]string{
		"acl":         "A container of the access control list commands.",
		"acl|cat":     "List the command categories, or the commands of one category.",
		"acl|deluser": "Delete users and close their connections.",
		"acl|dryrun":  "Tell whether a user could run a command, without running it.",
		"acl|genpass": "Return a random password of the given number of bits (256 by default), in hex.",
		"acl|getuser": "Show a user's flags, password hashes, and command, key and channel permissions.",
		"acl|help":    "Show the ACL subcommands.",
		"acl|list":    "Show every user as a rule line, as the ACL file holds it.",
		"acl|load":    "Replace all users by those of the ACL file, or change nothing if a line is wrong.",
		"acl|log":     "Show the most recent denied commands, keys, channels and failed logins, or clear them.",
		"acl|save":    "Write all users to the ACL file durably.",
		"acl|setuser": "Create a user or change its rules; a wrong rule changes nothing.",
		"acl|users":   "List the user names.",
		"acl|whoami":  "Return the user of the current connection.",
	} {
		summaries[name] = s
	}
}
