package config

import "errors"

// ACL settings. The rules of "user" directives are checked by CheckUser,
// which internal/acl installs (the configuration package cannot know the
// rule syntax without importing the command table).

// CheckUser validates a "user" directive's arguments (name, then rules)
// given the names already declared; it returns Redis's error text, "" when
// the line is valid. Nil accepts every line.
var CheckUser func(args []string, seen map[string]bool) string

// ErrUser is the kind of a bad "user" directive.
var ErrUser = errors.New("bad user directive")

func (c *Config) addUser(args []string) error {
	if c.load.users == nil {
		c.load.users = map[string]bool{}
	}
	if CheckUser != nil {
		if msg := CheckUser(args, c.load.users); msg != "" {
			return &reasonError{msg, ErrUser}
		}
	}
	c.load.users[args[0]] = true
	c.Users = append(c.Users, append([]string(nil), args...))
	return nil
}

// ACLFile is the aclfile parameter: the path of the ACL file, "" for none.
func (c *Config) ACLFile() string { return c.stored["aclfile"] }

// ACLLogMaxLen is acllog-max-len: how many entries the ACL LOG keeps.
func (c *Config) ACLLogMaxLen() int64 {
	n, _ := parseInt(c.stored["acllog-max-len"])
	return n
}

// ACLPubsubAll is acl-pubsub-default: true when new users get allchannels.
func (c *Config) ACLPubsubAll() bool { return c.stored["acl-pubsub-default"] == "allchannels" }

// rewriteUsers writes the "user" lines in CONFIG REWRITE, as Redis's
// rewriteConfigUserOption: none when an aclfile holds the users (the old
// lines are removed), otherwise one per current user, the default user
// included.
func (c *Config) rewriteUsers(st *rewriteState) {
	switch {
	case c.ACLFile() != "":
	case c.UserLines != nil:
		for _, line := range c.UserLines() {
			st.rewriteLine("user", line, true)
		}
	default:
		return // no server to ask: the lines stay as they are
	}
	st.markProcessed("user")
}
