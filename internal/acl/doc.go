// Package acl is Vesta's model of Redis 7.0's access control lists: users
// (flags, passwords, selectors), the rules that change them (ACL SETUSER's
// modifiers), the command categories, the permission check a command goes
// through before it runs, the ACL LOG, and the text form of users that the
// aclfile, ACL LIST and CONFIG REWRITE use.
//
// It knows nothing of connections: internal/server asks it whether a user
// may run a command (Store.Check), and applies what it answers (NOPERM
// replies, disconnections, log entries).
//
//   - registry.go: the commands and their categories, as ACL rules see them
//   - selector.go: key, channel and command permissions (one selector)
//   - user.go: users, their flags and passwords, and rule application
//   - describe.go: the text form of users (ACL LIST, GETUSER, aclfile)
//   - check.go: the permission check of a command call
//   - store.go: the set of users, ACL SETUSER/DELUSER semantics
//   - file.go: aclfile and configuration user lines, parsing and writing
//   - log.go: the ACL LOG
//
// Everything here is called under the server's lock; nothing is
// synchronised internally.
package acl
