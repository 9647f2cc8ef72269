package server

import (
	"fmt"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/resp"
)

// Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, CLIENT.

func clientOf(c *command.Ctx) *client { return c.Client.(*client) }

func (s *Server) registerConnCommands(t *command.Table) {
	t.Define("ping", func(c *command.Ctx) {
		if len(c.Args) > 2 {
			c.Error("ERR wrong number of arguments for 'ping' command")
			return
		}
		if cl, ok := c.Client.(*client); ok && c.W.Proto == 2 && cl.pubsubCount() > 0 {
			// In the RESP2 subscribed context PING answers like a
			// message, also when EXEC runs it after a SUBSCRIBE.
			c.W.Array(2)
			c.W.BulkString("pong")
			if len(c.Args) == 2 {
				c.W.Bulk(c.Args[1])
			} else {
				c.W.BulkString("")
			}
			return
		}
		if len(c.Args) == 2 {
			c.W.Bulk(c.Args[1])
		} else {
			c.W.Simple("PONG")
		}
	})
	t.Define("echo", func(c *command.Ctx) { c.W.Bulk(c.Args[1]) })
	t.Define("quit", func(c *command.Ctx) {
		c.W.OK()
		clientOf(c).closeAfterReply = true
	})
	t.Define("select", func(c *command.Ctx) {
		n, ok := c.Int32Arg(1)
		if !ok {
			return
		}
		if n < 0 || n >= int64(len(s.ks.DBs)) {
			c.Error(command.ErrDBIndex)
			return
		}
		cl := clientOf(c)
		cl.db = s.ks.DBs[n]
		c.W.OK()
	})
	t.Define("auth", s.cmdAuth)
	t.Define("hello", s.cmdHello)
	t.Define("client|id", func(c *command.Ctx) { c.W.Int(clientOf(c).id) })
	t.Define("client|setname", func(c *command.Ctx) {
		if s.setClientName(c, clientOf(c), c.Args[2]) {
			c.W.OK()
		}
	})
	t.Define("client|getname", func(c *command.Ctx) {
		cl := clientOf(c)
		if cl.name == "" {
			c.W.Null()
			return
		}
		c.W.BulkString(cl.name)
	})
	t.Define("client|info", func(c *command.Ctx) {
		c.W.Verbatim(s.clientInfoString(clientOf(c))+"\n", "txt")
	})
	t.Define("client|list", s.cmdClientList)
	t.Define("client|unblock", s.cmdClientUnblock)
	t.Define("client|pause", s.cmdClientPause)
	t.Define("client|unpause", s.cmdClientUnpause)
	t.Define("reset", func(c *command.Ctx) {
		cl := clientOf(c)
		cl.multi = nil
		s.unwatchAll(cl)
		s.unsubscribeAll(cl)
		s.trackingOff(cl)
		if cl.monitor {
			cl.monitor = false
			delete(s.monitors, cl)
		}
		cl.db = s.ks.DBs[0]
		cl.name = ""
		cl.replyMode = replyOn
		cl.noEvict = false
		c.W.Proto = 2
		s.setDefaultAuth(cl)
		c.W.Simple("RESET")
	})
	t.Define("client|kill", s.cmdClientKill)
	t.Define("client|no-evict", func(c *command.Ctx) {
		switch {
		case command.EqFold(c.Args[2], "on"):
			clientOf(c).noEvict = true
		case command.EqFold(c.Args[2], "off"):
			clientOf(c).noEvict = false
		default:
			c.SyntaxError()
			return
		}
		c.W.OK()
	})
	t.Define("client|reply", func(c *command.Ctx) {
		cl := clientOf(c)
		switch {
		case command.EqFold(c.Args[2], "on"):
			cl.replyMode = replyOn
			c.W.OK()
		case command.EqFold(c.Args[2], "off"):
			cl.replyMode = replyOff
		case command.EqFold(c.Args[2], "skip"):
			if cl.replyMode == replyOn {
				cl.replyMode = replySkip
			}
		default:
			c.SyntaxError()
		}
	})
	t.Define("client|help", func(c *command.Ctx) {
		// Redis 7.0.15's text, byte for byte.
		command.ReplyHelp(c, "CLIENT", []string{
			"CACHING (YES|NO)",
			"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
			"GETREDIR",
			"    Return the client ID we are redirecting to when tracking is enabled.",
			"GETNAME",
			"    Return the name of the current connection.",
			"ID",
			"    Return the ID of the current connection.",
			"INFO",
			"    Return information about the current client connection.",
			"KILL <ip:port>",
			"    Kill connection made from <ip:port>.",
			"KILL <option> <value> [<option> <value> [...]]",
			"    Kill connections. Options are:",
			"    * ADDR (<ip:port>|<unixsocket>:0)",
			"      Kill connections made from the specified address",
			"    * LADDR (<ip:port>|<unixsocket>:0)",
			"      Kill connections made to specified local address",
			"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
			"      Kill connections by type.",
			"    * USER <username>",
			"      Kill connections authenticated by <username>.",
			"    * SKIPME (YES|NO)",
			"      Skip killing current connection (default: yes).",
			"LIST [options ...]",
			"    Return information about client connections. Options:",
			"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
			"      Return clients of specified type.",
			"UNPAUSE",
			"    Stop the current client pause, resuming traffic.",
			"PAUSE <timeout> [WRITE|ALL]",
			"    Suspend all, or just write, clients for <timeout> milliseconds.",
			"REPLY (ON|OFF|SKIP)",
			"    Control the replies sent to the current connection.",
			"SETNAME <name>",
			"    Assign the name <name> to the current connection.",
			"UNBLOCK <clientid> [TIMEOUT|ERROR]",
			"    Unblock the specified blocked client.",
			"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
			"         [OPTIN] [OPTOUT] [NOLOOP]",
			"    Control server assisted client side caching.",
			"TRACKINGINFO",
			"    Report tracking status for the current connection.",
			"NO-EVICT (ON|OFF)",
			"    Protect current client connection from eviction.",
		})
	})
	// CLIENT SETINFO arrived in Redis 7.2; client libraries (go-redis among
	// them) send it on connect, so Vesta accepts it.
	t.Add(&command.Spec{
		Name: "client|setinfo", Arity: 4, Flags: command.NoScript | command.Loading | command.Stale,
		ACL: []string{"slow", "connection"}, Since: "7.2.0", Group: "connection",
		Summary: "Record the client library name or version for CLIENT LIST.",
		Args: []command.Arg{{Name: "attr", Type: "oneof", KeySpecIdx: -1, Args: []command.Arg{
			{Name: "libname", Type: "string", Token: "LIB-NAME", KeySpecIdx: -1},
			{Name: "libver", Type: "string", Token: "LIB-VER", KeySpecIdx: -1},
		}}},
		Run: func(c *command.Ctx) {
			cl := clientOf(c)
			val := string(c.Args[3])
			if strings.ContainsAny(val, " \n\r") {
				c.Error(fmt.Sprintf("ERR %s cannot contain spaces, newlines or special characters.", c.Args[2]))
				return
			}
			switch {
			case command.EqFold(c.Args[2], "lib-name"):
				cl.libName = val
			case command.EqFold(c.Args[2], "lib-ver"):
				cl.libVer = val
			default:
				c.Error(fmt.Sprintf("ERR Unrecognized option '%s'", c.Args[2]))
				return
			}
			c.W.OK()
		},
	})
}

// setClientName validates and sets a client name, replying the error
// itself on failure.
func (s *Server) setClientName(c *command.Ctx, cl *client, name []byte) bool {
	for _, b := range name {
		if b < '!' || b > '~' {
			c.Error("ERR Client names cannot contain spaces, newlines or special characters.")
			return false
		}
	}
	cl.name = string(name)
	return true
}

func (s *Server) cmdAuth(c *command.Ctx) {
	if len(c.Args) > 3 {
		c.SyntaxError()
		return
	}
	cl := clientOf(c)
	user, pass := "default", c.Args[1]
	if len(c.Args) == 3 {
		user, pass = string(c.Args[1]), c.Args[2]
	}
	if len(c.Args) == 2 && s.acl.Default().NoPass() {
		c.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
		return
	}
	if !s.authenticate(cl, c.Args[0], user, pass) {
		c.Error("WRONGPASS invalid username-password pair or user is disabled.")
		return
	}
	c.W.OK()
}

func (s *Server) cmdHello(c *command.Ctx) {
	cl := clientOf(c)
	ver := int64(0)
	i := 1
	if len(c.Args) >= 2 {
		v, ok := command.ParseInt(c.Args[1])
		if !ok {
			c.Error("ERR Protocol version is not an integer or out of range")
			return
		}
		if v < 2 || v > 3 {
			c.Error("NOPROTO unsupported protocol version")
			return
		}
		ver = v
		i = 2
	}
	var name []byte
	setName := false
	for ; i < len(c.Args); i++ {
		more := len(c.Args) - i - 1
		switch {
		case command.EqFold(c.Args[i], "AUTH") && more >= 2:
			if !s.authenticate(cl, c.Args[0], string(c.Args[i+1]), c.Args[i+2]) {
				c.Error("WRONGPASS invalid username-password pair or user is disabled.")
				return
			}
			i += 2
		case command.EqFold(c.Args[i], "SETNAME") && more >= 1:
			name = c.Args[i+1]
			setName = true
			i++
		default:
			c.Error(fmt.Sprintf("ERR Syntax error in HELLO option '%s'", c.Args[i]))
			return
		}
	}
	if cl.needAuth() {
		c.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
		return
	}
	if setName && !s.setClientName(c, cl, name) {
		return
	}
	if ver != 0 {
		c.W.Proto = int(ver)
	}
	c.W.Map(7)
	c.W.BulkString("server")
	c.W.BulkString("redis")
	c.W.BulkString("version")
	c.W.BulkString(Version)
	c.W.BulkString("proto")
	c.W.Int(int64(c.W.Proto))
	c.W.BulkString("id")
	c.W.Int(cl.id)
	c.W.BulkString("mode")
	c.W.BulkString("standalone")
	c.W.BulkString("role")
	c.W.BulkString("master")
	c.W.BulkString("modules")
	c.W.Array(0)
}

// clientInfoString is one line of CLIENT LIST, with Redis 7.0's fields.
func (s *Server) clientInfoString(cl *client) string {
	now := time.Now()
	cmd := cl.lastCmd
	if cmd == "" {
		cmd = "NULL"
	}
	m := s.clientMemory(cl) // client_mem.go
	var b strings.Builder
	fmt.Fprintf(&b, "id=%d addr=%s laddr=%s fd=%d name=%s age=%d idle=%d flags=%s db=%d sub=%d psub=%d ssub=%d multi=%d "+
		"qbuf=%d qbuf-free=%d argv-mem=%d multi-mem=%d rbs=%d rbp=%d obl=%d oll=%d omem=%d tot-mem=%d events=r cmd=%s user=%s redir=%d resp=%d",
		cl.id, cl.addr, cl.laddr, 8, cl.name,
		int64(now.Sub(cl.created).Seconds()), int64(now.Sub(cl.lastActive).Seconds()),
		cl.flagsString(), cl.db.ID, len(cl.subs), len(cl.psubs), len(cl.ssubs), m.multi,
		m.qbuf, m.qbufFree, m.argvMem, m.multiMem, m.rbs, m.rbp, m.obl, m.oll, m.omem, m.totMem, cmd, cl.userName(), cl.trackingRedir(), cl.w.Proto)
	if cl.libName != "" || cl.libVer != "" {
		fmt.Fprintf(&b, " lib-name=%s lib-ver=%s", cl.libName, cl.libVer)
	}
	return b.String()
}

// cmdClientList implements CLIENT LIST [TYPE type | ID id ...]: the two
// filters do not combine, and IDs are listed in argument order, repeats
// included, as in Redis 7.0.
func (s *Server) cmdClientList(c *command.Ctx) {
	var b strings.Builder
	switch {
	case len(c.Args) == 4 && command.EqFold(c.Args[2], "TYPE"):
		typ, ok := clientTypeByName(c.Args[3])
		if !ok {
			c.Error(fmt.Sprintf("ERR Unknown client type '%s'", c.Args[3]))
			return
		}
		for _, cl := range s.sortedClients() {
			if cl.clientType() == typ {
				b.WriteString(s.clientInfoString(cl))
				b.WriteByte('\n')
			}
		}
	case len(c.Args) > 3 && command.EqFold(c.Args[2], "ID"):
		for _, a := range c.Args[3:] {
			id, ok := command.ParseInt(a)
			if !ok {
				c.Error("ERR Invalid client ID")
				return
			}
			if cl := s.clients[id]; cl != nil {
				b.WriteString(s.clientInfoString(cl))
				b.WriteByte('\n')
			}
		}
	case len(c.Args) != 2:
		c.SyntaxError()
		return
	default:
		for _, cl := range s.sortedClients() {
			b.WriteString(s.clientInfoString(cl))
			b.WriteByte('\n')
		}
	}
	c.W.Verbatim(b.String(), "txt")
}

// clientTypeByName maps a client type argument (CLIENT LIST, CLIENT KILL)
// to the name clientType reports; "slave" is "replica".
func clientTypeByName(name []byte) (string, bool) {
	t := strings.ToLower(string(name))
	switch t {
	case "normal", "master", "replica", "pubsub":
		return t, true
	case "slave":
		return "replica", true
	}
	return "", false
}

// clientType is the class of a client for CLIENT LIST/KILL TYPE: pubsub
// while it holds a subscription, normal otherwise (Vesta has no replicas
// masters). Under mu.
func (cl *client) clientType() string {
	if cl.rc.replica != nil {
		return "replica"
	}
	if cl.pubsubCount() > 0 {
		return "pubsub"
	}
	return "normal"
}

func (s *Server) sortedClients() []*client {
	out := make([]*client, 0, len(s.clients))
	for _, cl := range s.clients {
		out = append(out, cl)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].id < out[j-1].id; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func (s *Server) cmdClientKill(c *command.Ctx) {
	me := clientOf(c)
	if len(c.Args) == 3 {
		// Old form: CLIENT KILL addr:port.
		for _, cl := range s.clients {
			if cl.addr == string(c.Args[2]) {
				s.killClient(cl, me)
				c.W.OK()
				return
			}
		}
		c.Error("ERR No such client")
		return
	}
	if len(c.Args)%2 != 0 {
		c.SyntaxError()
		return
	}
	var (
		id          int64
		addr, laddr *string // nil: no filter (an empty address matches no client)
		typ         string
		user        string
		skipMe      = true
	)
	for i := 2; i < len(c.Args); i += 2 {
		v := c.Args[i+1]
		switch {
		case command.EqFold(c.Args[i], "ID"):
			n, ok := command.ParseInt(v)
			if !ok || n <= 0 {
				c.Error("ERR client-id should be greater than 0")
				return
			}
			id = n
		case command.EqFold(c.Args[i], "ADDR"):
			a := string(v)
			addr = &a
		case command.EqFold(c.Args[i], "LADDR"):
			a := string(v)
			laddr = &a
		case command.EqFold(c.Args[i], "TYPE"):
			t, ok := clientTypeByName(v)
			if !ok {
				c.Error(fmt.Sprintf("ERR Unknown client type '%s'", command.CString(v)))
				return
			}
			typ = t
		case command.EqFold(c.Args[i], "USER"):
			user = string(v)
			if s.acl.Get(user) == nil {
				c.Error(fmt.Sprintf("ERR No such user '%s'", command.CString(v)))
				return
			}
		case command.EqFold(c.Args[i], "SKIPME"):
			switch {
			case command.EqFold(v, "yes"):
				skipMe = true
			case command.EqFold(v, "no"):
				skipMe = false
			default:
				c.SyntaxError()
				return
			}
		default:
			c.SyntaxError()
			return
		}
	}
	killed := 0
	for _, cl := range s.sortedClients() {
		if (id != 0 && cl.id != id) || (addr != nil && cl.addr != *addr) || (laddr != nil && cl.laddr != *laddr) ||
			(typ != "" && typ != cl.clientType()) || (user != "" && cl.userName() != user) || (cl == me && skipMe) {
			continue
		}
		s.killClient(cl, me)
		killed++
	}
	c.W.Int(int64(killed))
}

// killClient closes a client; the caller's own connection closes after its
// reply. The client leaves the server at once, as Redis frees it within
// the command; output already queued for it is still sent if the socket
// takes it within killDrainTimeout. Called under mu.
func (s *Server) killClient(cl, me *client) {
	if cl == me {
		cl.closeAfterReply = true
		return
	}
	cl.killed = true
	s.detach(cl)
	if cl.async {
		// Stop its reading (its goroutine then unlinks it and closes the
		// socket once the writer is done) but let the writer finish.
		_ = cl.conn.SetWriteDeadline(time.Now().Add(killDrainTimeout))
		cl.closeOutput()
		if hc, ok := cl.conn.(interface{ CloseRead() error }); ok && hc.CloseRead() == nil {
			return
		}
	}
	_ = cl.conn.SetReadDeadline(time.Now())
	cl.conn.Close()
}

// replyBulkStrings is a helper for array-of-bulk replies.
func replyBulkStrings(w *resp.Writer, ss ...string) {
	w.Array(len(ss))
	for _, x := range ss {
		w.BulkString(x)
	}
}
