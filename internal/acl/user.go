package acl

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"strings"
)

// RuleError is a rule that could not be applied, with Redis's reason
// (ACLSetUserStringError).
type RuleError struct{ Reason string }

func (e *RuleError) Error() string { return e.Reason }

var (
	errUnknown         = &RuleError{"Unknown command or category name in ACL"}
	errSyntax          = &RuleError{"Syntax error"}
	errKeyAfterAll     = &RuleError{"Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns"}
	errChannelAfterAll = &RuleError{"Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels"}
	errNoSuchPass      = &RuleError{"The password you are trying to remove from the user does not exist"}
	errBadHash         = &RuleError{"The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"}
	errDuplicate       = &RuleError{"Duplicate user found. A user can only be defined once in config files"}
	errFirstArgSub     = &RuleError{"Allowing first-arg of a subcommand is not supported"}
)

// IsUnknown reports whether err is the error of an unknown command or
// category (which Redis tolerates while it reads the configuration file).
func IsUnknown(err error) bool { return errors.Is(err, errUnknown) }

// User flags.
const (
	flagEnabled uint8 = 1 << iota
	flagDisabled
	flagNoPass
	flagSkipSanitize
	flagSanitize
)

var userFlagNames = []struct {
	f    uint8
	name string
}{
	{flagEnabled, "on"}, {flagDisabled, "off"}, {flagNoPass, "nopass"},
	{flagSkipSanitize, "skip-sanitize-payload"}, {flagSanitize, "sanitize-payload"},
}

// User is an ACL user. Connections point to their User; a change by ACL
// SETUSER is made in place, so that they see it.
type User struct {
	Name      string
	flags     uint8
	passwords []string // SHA-256 hex digests
	selectors []*Selector
	// open is set when the user may run anything: one selector allowing
	// every command, key and channel. The check skips everything then.
	open bool
}

func newUser(r *Registry, name string, pubsubAll bool) *User {
	s := newSelector(r, pubsubAll)
	return &User{Name: name, flags: flagDisabled, selectors: []*Selector{s}}
}

// clone copies a user (ACLCopyUser into a fresh user).
func (u *User) clone() *User {
	c := &User{Name: u.Name, flags: u.flags, open: u.open}
	c.passwords = append([]string(nil), u.passwords...)
	for _, s := range u.selectors {
		c.selectors = append(c.selectors, s.clone())
	}
	return c
}

// copyFrom replaces u's rules by src's, keeping u's name and identity.
func (u *User) copyFrom(src *User) {
	c := src.clone()
	u.flags, u.passwords, u.selectors, u.open = c.flags, c.passwords, c.selectors, c.open
}

func (u *User) refresh() {
	u.open = false
	for _, s := range u.selectors {
		if s.flags&(allKeys|allChannels|allCommands) == allKeys|allChannels|allCommands {
			u.open = true
		}
	}
}

// Open reports whether the user may run every command on every key and
// channel (the check has nothing to do).
func (u *User) Open() bool { return u.open }

// Enabled reports whether the user may authenticate.
func (u *User) Enabled() bool { return u.flags&flagDisabled == 0 && u.flags&flagEnabled != 0 }

// NoPass reports whether any password authenticates the user.
func (u *User) NoPass() bool { return u.flags&flagNoPass != 0 }

// Flags returns the flag names in Redis's order.
func (u *User) Flags() []string {
	var out []string
	for _, f := range userFlagNames {
		if u.flags&f.f != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

// Passwords returns the SHA-256 hex digests of the user's passwords.
func (u *User) Passwords() []string { return u.passwords }

// Selectors returns the root selector first, then the others.
func (u *User) Selectors() []*Selector { return u.selectors }

// HashPassword is the SHA-256 hex digest Redis stores for a password.
func HashPassword(p []byte) string {
	sum := sha256.Sum256(p)
	return hex.EncodeToString(sum[:])
}

func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if (c < 'a' || c > 'f') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// CheckPassword reports whether pass authenticates the user (enabled, and
// nopass or a matching password), comparing in constant time.
func (u *User) CheckPassword(pass []byte) bool {
	if !u.Enabled() {
		return false
	}
	if u.NoPass() {
		return true
	}
	h := HashPassword(pass)
	ok := 0
	for _, p := range u.passwords {
		ok |= subtle.ConstantTimeCompare([]byte(h), []byte(p))
	}
	return ok == 1
}

// apply applies one rule to the user (ACLSetUser). An empty rule does
// nothing.
func (u *User) apply(r *Registry, op string, pubsubAll bool) error {
	defer u.refresh()
	if op == "" {
		return nil
	}
	switch {
	case strings.EqualFold(op, "on"):
		u.flags = u.flags&^flagDisabled | flagEnabled
	case strings.EqualFold(op, "off"):
		u.flags = u.flags&^flagEnabled | flagDisabled
	case strings.EqualFold(op, "skip-sanitize-payload"):
		u.flags = u.flags&^flagSanitize | flagSkipSanitize
	case strings.EqualFold(op, "sanitize-payload"):
		u.flags = u.flags&^flagSkipSanitize | flagSanitize
	case strings.EqualFold(op, "nopass"):
		u.flags |= flagNoPass
		u.passwords = nil
	case strings.EqualFold(op, "resetpass"):
		u.flags &^= flagNoPass
		u.passwords = nil
	case op[0] == '>' || op[0] == '#':
		var h string
		if op[0] == '>' {
			h = HashPassword([]byte(op[1:]))
		} else {
			if !validHash(op[1:]) {
				return errBadHash
			}
			h = op[1:]
		}
		found := false
		for _, p := range u.passwords {
			if p == h {
				found = true
			}
		}
		if !found {
			u.passwords = append(u.passwords, h)
		}
		u.flags &^= flagNoPass
	case op[0] == '<' || op[0] == '!':
		var h string
		if op[0] == '<' {
			h = HashPassword([]byte(op[1:]))
		} else {
			if !validHash(op[1:]) {
				return errBadHash
			}
			h = op[1:]
		}
		for i, p := range u.passwords {
			if p == h {
				u.passwords = append(u.passwords[:i:i], u.passwords[i+1:]...)
				return nil
			}
		}
		return errNoSuchPass
	case op[0] == '(' && op[len(op)-1] == ')':
		s, err := parseSelector(r, op, pubsubAll)
		if err != nil {
			return err
		}
		u.selectors = append(u.selectors, s)
	case strings.EqualFold(op, "clearselectors"):
		u.selectors = u.selectors[:1]
	case strings.EqualFold(op, "reset"):
		for _, rule := range []string{"resetpass", "resetkeys", "resetchannels"} {
			_ = u.apply(r, rule, pubsubAll)
		}
		if pubsubAll {
			_ = u.apply(r, "allchannels", pubsubAll)
		}
		for _, rule := range []string{"off", "sanitize-payload", "clearselectors", "-@all"} {
			_ = u.apply(r, rule, pubsubAll)
		}
	default:
		return u.selectors[0].apply(r, op)
	}
	return nil
}

// MergeSelectorArgs joins the rules of a selector spread over several
// arguments ("(+get" "~key)") into one (ACLMergeSelectorArguments). On an
// unmatched parenthesis it returns the index of the argument that opened
// it and false.
func MergeSelectorArgs(args []string) ([]string, int, bool) {
	out := make([]string, 0, len(args))
	open := -1
	var sel strings.Builder
	for j, op := range args {
		if len(op) > 0 && op[0] == '(' && op[len(op)-1] != ')' {
			sel.Reset()
			sel.WriteString(op)
			open = j
			continue
		}
		if open != -1 {
			sel.WriteByte(' ')
			sel.WriteString(op)
			if len(op) > 0 && op[len(op)-1] == ')' {
				open = -1
				out = append(out, sel.String())
			}
			continue
		}
		out = append(out, op)
	}
	if open != -1 {
		return nil, open, false
	}
	return out, 0, true
}
