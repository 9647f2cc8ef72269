package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/acl"
	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/vfs"
)

// ACL glue: the users of internal/acl applied to connections. The rule
// model, the check and the text forms live in internal/acl; here are the
// commands (ACL, AUTH, HELLO AUTH), the check processCommand, EXEC and
// scripts run, and what a change to a user does to its connections.

// initACL builds the user store over the command table and applies
// requirepass to the default user. Called by New.
func (s *Server) initACL() {
	s.acl = acl.NewStore(acl.NewRegistry(s.table))
	s.acl.PubsubAll = s.cfg.ACLPubsubAll()
	s.acl.Log.MaxLen = s.cfg.ACLLogMaxLen()
	s.acl.UpdateDefaultPassword(s.cfg.RequirePass)
	s.cfg.UserLines = s.acl.List
	s.cfg.OnApply("requirepass", func(c *config.Config) error {
		s.acl.UpdateDefaultPassword(c.RequirePass)
		return nil
	})
	s.cfg.OnApply("acllog-max-len", func(c *config.Config) error {
		s.acl.Log.MaxLen = c.ACLLogMaxLen()
		return nil
	})
	s.cfg.OnApply("acl-pubsub-default", func(c *config.Config) error {
		s.acl.PubsubAll = c.ACLPubsubAll()
		return nil
	})
}

// errACLConflict is Redis's refusal of users in both places.
const errACLConflict = "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. " +
	"This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or " +
	"declare users directly in your redis.conf, but not both."

// loadUsersAtStartup loads the users of the configuration file, or those
// of the aclfile (Redis's ACLLoadUsersAtStartup). An error stops the
// server before it serves anyone.
func (s *Server) loadUsersAtStartup() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	file := s.cfg.ACLFile()
	if file != "" && len(s.cfg.Users) > 0 {
		return fmt.Errorf("%s", errACLConflict)
	}
	if err := s.acl.LoadConfigured(s.cfg.Users); err != nil {
		s.log.Error(err.Error())
		return fmt.Errorf("Critical error while loading ACLs. Exiting.")
	}
	if file != "" {
		if msg := s.loadACLFile(nil); msg != "" {
			return fmt.Errorf("Aborting Redis startup because of ACL errors: %s", msg)
		}
	}
	return nil
}

// loadACLFile replaces every user by those of the aclfile, or changes
// nothing and returns why. Connections of the replaced users (all but
// default) are closed, as in Redis; me, the client running ACL LOAD, after
// its reply.
func (s *Server) loadACLFile(me *client) string {
	file := s.cfg.ACLFile()
	data, err := os.ReadFile(s.aclPath())
	if err != nil {
		return fmt.Sprintf("Error loading ACLs, opening file '%s': %s", file, strerrorOf(err))
	}
	users, msg := s.acl.ParseFile(string(data), file)
	if msg != "" {
		return msg
	}
	for _, u := range s.acl.Replace(users) {
		s.killUserClients(u, me)
	}
	return ""
}

// strerrorOf is the C library's text of a file error.
func strerrorOf(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		err = pe.Err
	}
	s := err.Error()
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

// saveACLFile writes every user to the aclfile durably (acl.SaveFile).
func (s *Server) saveACLFile() error {
	return acl.SaveFile(vfs.OS{}, s.aclPath(), s.acl.Text())
}

// aclPath is where the aclfile is: a relative path is relative to dir, the
// working directory of a Redis server (messages show it as configured).
func (s *Server) aclPath() string {
	file := s.cfg.ACLFile()
	if filepath.IsAbs(file) || s.cfg.Dir == "" {
		return file
	}
	return filepath.Join(s.cfg.Dir, file)
}

// aclCheck is processCommand's ACL step (Redis's ACLCheckAllPerm right
// after the authentication check): it returns the NOPERM reply of a denied
// command and logs it, "" when it may run.
func (s *Server) aclCheck(cl *client, spec *command.Spec, args [][]byte) string {
	if cl.user == nil || cl.user.Open() {
		return ""
	}
	if cl.multi != nil && spec.Has(command.NoMulti) {
		return "" // "Command not allowed inside a transaction" comes first
	}
	reason, pos := s.acl.Check(cl.user, s.acl.Reg.Of(spec), args)
	if reason == acl.OK {
		return ""
	}
	ctx := acl.CtxToplevel
	if cl.multi != nil {
		ctx = acl.CtxMulti
	}
	cl.lastCmd = spec.Name
	s.aclLog(cl, cl.user.Name, reason, ctx, spec, args, pos)
	switch reason {
	case acl.DeniedCmd:
		return "NOPERM this user has no permissions to run the '" + spec.Name + "' command"
	case acl.DeniedKey:
		return "NOPERM this user has no permissions to access one of the keys used as arguments"
	default:
		return "NOPERM this user has no permissions to access one of the channels used as arguments"
	}
}

// aclExecCheck checks a queued command again when EXEC runs it (the rules
// may have changed since it was queued) and replies the error itself.
func (s *Server) aclExecCheck(cl *client, spec *command.Spec, args [][]byte) bool {
	if cl.user == nil || cl.user.Open() {
		return true
	}
	reason, pos := s.acl.Check(cl.user, s.acl.Reg.Of(spec), args)
	if reason == acl.OK {
		return true
	}
	var why string
	switch reason {
	case acl.DeniedCmd:
		why = "no permission to execute the command or subcommand"
	case acl.DeniedKey:
		why = "no permission to touch the specified keys"
	default:
		why = "no permission to access one of the channels used as arguments"
	}
	s.aclLog(cl, cl.user.Name, reason, acl.CtxMulti, spec, args, pos)
	cl.w.Error("NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. " +
		"This command is no longer allowed for the following reason: " + why)
	s.rejected(spec)
	return false
}

// aclScriptAllowed is the ACL step of redis.call: a denied command gets
// Redis's script error on the script client and is logged with the
// calling client.
func (s *Server) aclScriptAllowed(h *scriptHost, spec *command.Spec, args [][]byte) bool {
	u := h.fake.user
	if u == nil || u.Open() {
		return true
	}
	reason, pos := s.acl.Check(u, s.acl.Reg.Of(spec), args)
	if reason == acl.OK {
		return true
	}
	s.aclLog(h.caller, u.Name, reason, acl.CtxLua, spec, args, pos)
	switch reason {
	case acl.DeniedCmd:
		h.fake.w.Error("ERR The user executing the script can't run this command or subcommand")
	case acl.DeniedKey:
		h.fake.w.Error("ERR The user executing the script can't access at least one of the keys mentioned in the command arguments")
	default:
		h.fake.w.Error("ERR The user executing the script can't publish to the channel mentioned in the command")
	}
	s.rejected(spec)
	return false
}

// aclLog adds an ACL LOG entry for a denial by cl (the script's caller for
// a script).
func (s *Server) aclLog(cl *client, user string, reason, ctx int, spec *command.Spec, args [][]byte, pos int) {
	e := acl.LogEntry{Reason: reason, Context: ctx, Username: user, Ctime: time.Now().UnixMilli()}
	switch reason {
	case acl.DeniedCmd:
		e.Object = spec.Name
	case acl.DeniedKey, acl.DeniedChannel:
		if pos < len(args) {
			e.Object = string(args[pos])
		}
	}
	e.ClientInfo = s.logClientInfo(cl)
	s.acl.Log.Add(e)
}

// logClientInfo is the client-info of a log entry: CLIENT LIST's line of
// the client, whose command inside EXEC is EXEC, as in Redis.
func (s *Server) logClientInfo(cl *client) string {
	if cl == nil || cl.conn == nil {
		return ""
	}
	if cl.inExec {
		saved := cl.lastCmd
		cl.lastCmd = "exec"
		defer func() { cl.lastCmd = saved }()
	}
	return s.clientInfoString(cl)
}

// authenticate checks credentials and, when they are right, makes cl that
// user; a failure is logged (reason auth, object the command's name as
// sent).
func (s *Server) authenticate(cl *client, cmdName []byte, user string, pass []byte) bool {
	u := s.acl.Get(user)
	if u != nil && u.CheckPassword(pass) {
		cl.user = u
		cl.authenticated = true
		return true
	}
	ctx := acl.CtxToplevel
	if cl.multi != nil || cl.inExec {
		ctx = acl.CtxMulti // queued in MULTI, run by EXEC
	}
	e := acl.LogEntry{Reason: acl.DeniedAuth, Context: ctx, Username: user, Object: string(cmdName),
		Ctime: time.Now().UnixMilli(), ClientInfo: s.logClientInfo(cl)}
	s.acl.Log.Add(e)
	return false
}

// setDefaultAuth gives a connection the default user, authenticated when it
// needs no password (Redis's clientSetDefaultAuth).
func (s *Server) setDefaultAuth(cl *client) {
	d := s.acl.Default()
	cl.user = d
	cl.authenticated = d.NoPass() && d.Enabled()
}

// defaultNeedsAuth reports whether connections must authenticate: the
// default user has a password or is off (Redis's authRequired).
func (s *Server) defaultNeedsAuth() bool {
	d := s.acl.Default()
	return !d.NoPass() || !d.Enabled()
}

// killUserClients closes the connections authenticated as u (deleted,
// replaced or disabled); me, the client running the command, closes
// after its reply.
func (s *Server) killUserClients(u *acl.User, me *client) {
	for _, cl := range s.sortedClients() {
		if cl.user != u || !cl.authenticated {
			continue
		}
		s.setDefaultAuth(cl)
		cl.authenticated = false
		s.killClient(cl, me)
	}
}

// killRevokedSubscribers closes the Pub/Sub clients of user u that hold a
// subscription the new rules no longer allow (ACLKillPubsubClientsIfNeeded).
func (s *Server) killRevokedSubscribers(newU, u *acl.User, me *client) {
	upcoming, revoked := acl.ChannelsRevoked(newU, u)
	if !revoked {
		return
	}
	for _, cl := range s.sortedClients() {
		if cl.user != u || cl.clientType() != "pubsub" {
			continue
		}
		kill := false
		for p := range cl.psubs {
			if !acl.ChannelInList(upcoming, []byte(p), true) {
				kill = true
			}
		}
		for ch := range cl.subs {
			if !acl.ChannelInList(upcoming, []byte(ch), false) {
				kill = true
			}
		}
		for ch := range cl.ssubs {
			if !acl.ChannelInList(upcoming, []byte(ch), false) {
				kill = true
			}
		}
		if kill {
			s.killClient(cl, me)
		}
	}
}

const errNoACLFile = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command " +
	"and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration."

func (s *Server) registerACLCommands(t *command.Table) {
	t.Define("acl|setuser", func(c *command.Ctx) {
		rules := make([]string, 0, len(c.Args)-3)
		for _, a := range c.Args[3:] {
			rules = append(rules, string(a))
		}
		name := string(c.Args[2])
		tmp, err := s.acl.Prepare(name, rules)
		if err != nil {
			c.Error("ERR " + err.Error())
			return
		}
		me := clientOf(c)
		if old := s.acl.Get(name); old != nil {
			s.killRevokedSubscribers(tmp, old, me)
			wasOn := old.Enabled()
			u := s.acl.Commit(tmp)
			if wasOn && !u.Enabled() {
				s.killUserClients(u, me)
			}
		} else {
			s.acl.Commit(tmp)
		}
		c.W.OK()
	})
	t.Define("acl|deluser", func(c *command.Ctx) {
		for _, a := range c.Args[2:] {
			if string(a) == "default" {
				c.Error("ERR " + acl.ErrDeleteDefault.Error())
				return
			}
		}
		n := 0
		for _, a := range c.Args[2:] {
			if u := s.acl.Delete(string(a)); u != nil {
				s.killUserClients(u, clientOf(c))
				n++
			}
		}
		c.W.Int(int64(n))
	})
	t.Define("acl|getuser", func(c *command.Ctx) {
		u := s.acl.Get(string(c.Args[2]))
		if u == nil {
			c.W.Null()
			return
		}
		c.W.Map(6)
		c.W.BulkString("flags")
		flags := u.Flags()
		c.W.Set(len(flags))
		for _, f := range flags {
			c.W.BulkString(f)
		}
		c.W.BulkString("passwords")
		replyBulkStrings(c.W, u.Passwords()...)
		sels := u.Selectors()
		s.replySelector(c, sels[0])
		c.W.BulkString("selectors")
		c.W.Array(len(sels) - 1)
		for _, sel := range sels[1:] {
			c.W.Map(3)
			s.replySelector(c, sel)
		}
	})
	t.Define("acl|users", func(c *command.Ctx) { replyBulkStrings(c.W, s.acl.Names()...) })
	t.Define("acl|list", func(c *command.Ctx) { replyBulkStrings(c.W, s.acl.List()...) })
	t.Define("acl|whoami", func(c *command.Ctx) {
		cl := clientOf(c)
		if cl.user == nil {
			c.W.Null()
			return
		}
		c.W.BulkString(cl.user.Name)
	})
	t.Define("acl|load", func(c *command.Ctx) {
		if s.cfg.ACLFile() == "" {
			c.Error(errNoACLFile)
			return
		}
		if msg := s.loadACLFile(clientOf(c)); msg != "" {
			c.Error("ERR " + msg)
			return
		}
		c.W.OK()
	})
	t.Define("acl|save", func(c *command.Ctx) {
		if s.cfg.ACLFile() == "" {
			c.Error(errNoACLFile)
			return
		}
		if err := s.saveACLFile(); err != nil {
			s.log.Warn("Saving the ACL file for ACL SAVE failed", "err", err)
			c.Error("ERR There was an error trying to save the ACLs. Please check the server logs for more information")
			return
		}
		c.W.OK()
	})
	t.Define("acl|cat", func(c *command.Ctx) {
		if len(c.Args) == 2 {
			replyBulkStrings(c.W, acl.Categories...)
			return
		}
		if len(c.Args) != 3 {
			c.SubcommandError()
			return
		}
		flag := acl.CategoryFlag(string(c.Args[2]))
		if flag == 0 {
			c.Error(fmt.Sprintf("ERR Unknown category '%.128s'", command.CString(c.Args[2])))
			return
		}
		replyBulkStrings(c.W, s.acl.Reg.InCategory(flag)...)
	})
	t.Define("acl|genpass", func(c *command.Ctx) {
		if len(c.Args) > 3 {
			c.SubcommandError()
			return
		}
		bits := int64(256)
		if len(c.Args) == 3 {
			n, ok := command.ParseInt(c.Args[2])
			if !ok {
				c.Error("ERR value is not an integer or out of range")
				return
			}
			bits = n
		}
		if bits <= 0 || bits > 4096 {
			c.Error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
			return
		}
		chars := (bits + 3) / 4
		buf := make([]byte, (chars+1)/2)
		if _, err := rand.Read(buf); err != nil {
			c.Error("ERR " + err.Error())
			return
		}
		c.W.BulkString(hex.EncodeToString(buf)[:chars])
	})
	t.Define("acl|log", s.cmdACLLog)
	t.Define("acl|dryrun", func(c *command.Ctx) {
		u := s.acl.Get(string(c.Args[2]))
		if u == nil {
			c.Error(fmt.Sprintf("ERR User '%s' not found", command.CString(c.Args[2])))
			return
		}
		args := c.Args[3:]
		spec, _ := s.table.Lookup(args)
		var cmd *acl.Cmd
		if spec != nil {
			cmd = s.acl.Reg.Of(spec)
		} else {
			cmd = s.redisOnlyCommand(args)
		}
		if cmd == nil {
			c.Error(fmt.Sprintf("ERR Command '%s' not found", command.CString(args[0])))
			return
		}
		if a := cmd.Spec.Arity; (a > 0 && len(args) != a) || len(args) < -a {
			c.Error(fmt.Sprintf("ERR wrong number of arguments for '%s' command", cmd.Spec.Name))
			return
		}
		reason, pos := s.acl.Check(u, cmd, args)
		switch reason {
		case acl.OK:
			c.W.OK()
		case acl.DeniedCmd:
			c.W.BulkString("This user has no permissions to run the '" + cmd.Spec.Name + "' command")
		case acl.DeniedKey:
			c.W.BulkString("This user has no permissions to access the '" + string(args[pos]) + "' key")
		default:
			c.W.BulkString("This user has no permissions to access the '" + string(args[pos]) + "' channel")
		}
	})
	t.Define("acl|help", func(c *command.Ctx) {
		command.ReplyHelp(c, "ACL", []string{
			"CAT [<category>]",
			"    List all commands that belong to <category>, or all command categories",
			"    when no category is specified.",
			"DELUSER <username> [<username> ...]",
			"    Delete a list of users.",
			"DRYRUN <username> <command> [<arg> ...]",
			"    Returns whether the user can execute the given command without executing the command.",
			"GETUSER <username>",
			"    Get the user's details.",
			"GENPASS [<bits>]",
			"    Generate a secure 256-bit user password. The optional `bits` argument can",
			"    be used to specify a different size.",
			"LIST",
			"    Show users details in config file format.",
			"LOAD",
			"    Reload users from the ACL file.",
			"LOG [<count> | RESET]",
			"    Show the ACL log entries.",
			"SAVE",
			"    Save the current config to the ACL file.",
			"SETUSER <username> <attribute> [<attribute> ...]",
			"    Create or modify a user with the specified attributes.",
			"USERS",
			"    List all the registered usernames.",
			"WHOAMI",
			"    Return the current connection username.",
		})
	})
}

// redisOnlyCommand finds a Redis 7.0 command Vesta does not implement, for
// ACL DRYRUN (its permissions can still be asked about).
func (s *Server) redisOnlyCommand(args [][]byte) *acl.Cmd {
	name := string(args[0])
	c := s.acl.Reg.Lookup(name)
	if c == nil {
		return nil
	}
	if len(c.Subs) > 0 && len(args) >= 2 {
		return s.acl.Reg.Lookup(name + "|" + string(args[1]))
	}
	return c
}

func (s *Server) replySelector(c *command.Ctx, sel *acl.Selector) {
	c.W.BulkString("commands")
	c.W.BulkString(sel.CommandRules(s.acl.Reg))
	c.W.BulkString("keys")
	c.W.BulkString(sel.KeysString())
	c.W.BulkString("channels")
	c.W.BulkString(sel.ChannelsString())
}

func (s *Server) cmdACLLog(c *command.Ctx) {
	if len(c.Args) > 3 {
		c.SubcommandError()
		return
	}
	count := int64(10)
	if len(c.Args) == 3 {
		if command.EqFold(c.Args[2], "reset") {
			s.acl.Log.Reset()
			c.W.OK()
			return
		}
		n, ok := command.ParseInt(c.Args[2])
		if !ok {
			c.Error("ERR value is not an integer or out of range")
			return
		}
		count = max(n, 0)
	}
	entries := s.acl.Log.Entries
	if count > int64(len(entries)) {
		count = int64(len(entries))
	}
	now := time.Now().UnixMilli()
	c.W.Array(int(count))
	for _, e := range entries[:count] {
		c.W.Map(7)
		c.W.BulkString("count")
		c.W.Int(e.Count)
		c.W.BulkString("reason")
		c.W.BulkString(e.ReasonString())
		c.W.BulkString("context")
		c.W.BulkString(e.ContextString())
		c.W.BulkString("object")
		c.W.BulkString(e.Object)
		c.W.BulkString("username")
		c.W.BulkString(e.Username)
		c.W.BulkString("age-seconds")
		c.W.Double(float64(now-e.Ctime) / 1000)
		c.W.BulkString("client-info")
		c.W.BulkString(e.ClientInfo)
	}
}

// userName is the user= field of CLIENT LIST.
func (cl *client) userName() string {
	if cl.user == nil {
		return "default"
	}
	return cl.user.Name
}

// ACLAllowed answers redis.acl_check_cmd: whether the user running the
// script may run the command with these arguments (nothing is logged).
func (h *scriptHost) ACLAllowed(args [][]byte) bool {
	spec, _ := h.s.table.Lookup(args)
	u := h.fake.user
	if spec == nil || u == nil {
		return true
	}
	r, _ := h.s.acl.Check(u, h.s.acl.Reg.Of(spec), args)
	return r == acl.OK
}

// FullKeyAccess implements SORT's check of BY and GET patterns: the
// client's user may read any key (command.Env's optional method).
func (s *Server) FullKeyAccess(c *command.Ctx) bool {
	cl, ok := c.Client.(*client)
	if !ok || cl.user == nil {
		return true
	}
	return s.acl.FullRead(cl.user, s.acl.Reg.Of(c.Spec), c.Args)
}
