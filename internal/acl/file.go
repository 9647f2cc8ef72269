package acl

import (
	"fmt"
	"strings"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/vfs"
)

// ParseFile reads an aclfile's text into a new set of users, the way
// Redis's ACLLoadFromFile does: each non-blank line is "user <name>
// rules...", split on single spaces. Every bad line is reported; with any
// error the result is nil and the message (Redis's, naming file and line)
// says why.
func (st *Store) ParseFile(text, filename string) (map[string]*User, string) {
	users := map[string]*User{}
	var errs strings.Builder
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		line = strings.Trim(line, " \t\r\n")
		if line == "" {
			continue
		}
		argv := strings.Split(line, " ")
		if argv[0] != "user" || len(argv) < 2 {
			fmt.Fprintf(&errs, "%s:%d should start with user keyword followed by the username. ", filename, n)
			continue
		}
		if hasSpaces(argv[1]) {
			fmt.Fprintf(&errs, "'%s:%d: username '%s' contains invalid characters. ", filename, n, argv[1])
			continue
		}
		if users[argv[1]] != nil {
			fmt.Fprintf(&errs, "WARNING: Duplicate user '%s' found on line %d. ", argv[1], n)
			continue
		}
		u := newUser(st.Reg, argv[1], st.PubsubAll)
		users[argv[1]] = u
		merged, _, ok := MergeSelectorArgs(argv[2:])
		if !ok {
			// Redis 7.0.15 crashes here; Vesta reports the line.
			fmt.Fprintf(&errs, "%s:%d: Unmatched parenthesis in selector definition. ", filename, n)
			continue
		}
		for _, op := range merged {
			op = strings.Trim(op, "\t\r\n")
			if err := u.apply(st.Reg, op, st.PubsubAll); err != nil {
				if IsUnknown(err) {
					fmt.Fprintf(&errs, "%s:%d: Error in applying operation '%s': %s. ", filename, n, cstr(op), err)
				} else {
					fmt.Fprintf(&errs, "%s:%d: %s. ", filename, n, err)
				}
			}
		}
	}
	if errs.Len() > 0 {
		errs.WriteString("WARNING: ACL errors detected, no change to the previously active ACL rules was performed")
		return nil, errs.String()
	}
	return users, ""
}

// Text is the aclfile form of every user, one "user <name> <rules>" line
// each, in name order (ACL SAVE, and ACL LIST without the newlines).
func (st *Store) Text() []byte {
	var b strings.Builder
	for _, line := range st.List() {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// List is ACL LIST: "user <name> <rules>" for every user, in name order.
func (st *Store) List() []string {
	names := st.Names()
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "user " + n + " " + st.Reg.Describe(st.users[n])
	}
	return out
}

// CheckConfigUser validates the arguments of a configuration file "user"
// directive (name and rules), as Redis's ACLAppendUserForLoading: unknown
// commands and categories are tolerated here (they are reported when the
// users are loaded). seen holds the names already declared. It returns the
// error text of the line, "" when it is valid.
func CheckConfigUser(args []string, seen map[string]bool) string {
	if seen[args[0]] {
		return fmt.Sprintf("Error in user declaration '%s': %s", args[0], errDuplicate)
	}
	merged, bad, ok := MergeSelectorArgs(args[1:])
	if !ok {
		// Redis names argv[bad] of the whole line, quirk included.
		return fmt.Sprintf("Error in user declaration '%s': %s", lineArg(args, bad), "Wrong format")
	}
	r := emptyRegistry()
	u := newUser(r, args[0], false)
	for j, op := range merged {
		if err := u.apply(r, op, false); err != nil && !IsUnknown(err) {
			return fmt.Sprintf("Error in user declaration '%s': %s", lineArg(args, j), err)
		}
	}
	seen[args[0]] = true
	return ""
}

// lineArg is argv[i] of the directive line "user name rules...", which
// Redis names in its error (i counts the rules, so it names the wrong
// argument: "user" for the first rule, the name for the second).
func lineArg(args []string, i int) string {
	line := append([]string{"user"}, args...)
	if i < len(line) {
		return line[i]
	}
	return ""
}

// LoadConfigured applies the users of the configuration file, in order
// (ACLLoadConfiguredUsers): the default user is reset first. The error is
// the message Redis logs before exiting.
func (st *Store) LoadConfigured(lines [][]string) error {
	for _, args := range lines {
		name := args[0]
		if hasSpaces(name) {
			return fmt.Errorf("Spaces not allowed in ACL usernames")
		}
		u := st.users[name]
		if u == nil {
			u = newUser(st.Reg, name, st.PubsubAll)
			st.users[name] = u
		} else {
			_ = u.apply(st.Reg, "reset", st.PubsubAll)
		}
		merged, _, ok := MergeSelectorArgs(args[1:])
		if !ok {
			return fmt.Errorf("Unmatched parenthesis in selector definition of the user named '%s'", name)
		}
		for _, op := range merged {
			if err := u.apply(st.Reg, op, st.PubsubAll); err != nil {
				return fmt.Errorf("Error loading ACL rule '%s' for the user named '%s': %s", cstr(op), name, err)
			}
		}
	}
	return nil
}

func init() { config.CheckUser = CheckConfigUser }

// SaveFile replaces the aclfile with data durably: a temporary file in the
// same directory, written and fsynced, renamed over the file, and the
// directory fsynced. A crash at any point leaves the old file or the new
// one, never a mixture.
func SaveFile(fsys vfs.FS, path string, data []byte) error {
	return vfs.WriteFileAtomic(fsys, path, data)
}
