package server

import (
	"strconv"
	"time"

	"github.com/vestadb/vesta/internal/command"
)

// The slow log (Redis's slowlog.c): commands whose execution took at least
// slowlog-log-slower-than microseconds, newest first, at most
// slowlog-max-len of them.

// Limits of what an entry keeps of a command line, as in Redis.
const (
	slowlogMaxArgs  = 32  // SLOWLOG_ENTRY_MAX_ARGC
	slowlogMaxBytes = 128 // SLOWLOG_ENTRY_MAX_STRING
)

type slowlogEntry struct {
	id       int64
	unix     int64
	usec     int64
	args     [][]byte
	peer     string
	clientNm string
}

type slowlog struct {
	entries []slowlogEntry // oldest first
	nextID  int64
}

var argRedacted = []byte("(redacted)")

// slowlogPush records a command that took usec microseconds, if the log
// is on and the command was slow enough. Called under mu.
func (s *Server) slowlogPush(cl *client, args [][]byte, usec int64, start time.Time) {
	min := s.cfg.SlowlogLogSlowerThan
	if min < 0 || usec < min {
		return
	}
	peer := cl.addr
	if cl == s.scripting.client {
		// A script's command: Redis's Lua client has no connection, so
		// its peer id is "?:0" (MONITOR calls it "lua").
		peer = "?:0"
	}
	e := slowlogEntry{
		id:       s.slow.nextID,
		unix:     start.Add(time.Duration(usec) * time.Microsecond).Unix(),
		usec:     usec,
		args:     slowlogArgs(args),
		peer:     peer,
		clientNm: cl.name,
	}
	s.slow.nextID++
	s.slow.entries = append(s.slow.entries, e)
	if over := int64(len(s.slow.entries)) - s.cfg.SlowlogMaxLen; over > 0 {
		n := copy(s.slow.entries, s.slow.entries[over:])
		clear(s.slow.entries[n:])
		s.slow.entries = s.slow.entries[:n]
	}
}

// slowlogArgs copies what an entry keeps of a command line: at most 32
// arguments, the last of them replaced by "... (N more arguments)" when
// there were more, each cut at 128 bytes with "... (N more bytes)"; the
// passwords of AUTH and HELLO ... AUTH are shown as "(redacted)", as Redis
// redacts them.
func slowlogArgs(args [][]byte) [][]byte {
	n := min(len(args), slowlogMaxArgs)
	out := make([][]byte, n)
	redact := redactedArgs(args)
	for j := 0; j < n; j++ {
		a := args[j]
		switch {
		case n != len(args) && j == n-1:
			out[j] = []byte("... (" + strconv.Itoa(len(args)-n+1) + " more arguments)")
		case redact[j]:
			out[j] = argRedacted
		case len(a) > slowlogMaxBytes:
			b := make([]byte, 0, slowlogMaxBytes+32)
			b = append(b, a[:slowlogMaxBytes]...)
			b = append(b, "... ("...)
			b = strconv.AppendInt(b, int64(len(a)-slowlogMaxBytes), 10)
			b = append(b, " more bytes)"...)
			out[j] = b
		default:
			out[j] = append([]byte{}, a...)
		}
	}
	return out
}

// redactedArgs marks the arguments Redis 7.0 hides from the slow log and
// MONITOR: everything after AUTH, the two after HELLO's AUTH option, and
// the user name and rules of ACL SETUSER.
func redactedArgs(args [][]byte) map[int]bool {
	if len(args) == 0 {
		return nil
	}
	switch {
	case command.EqFold(args[0], "auth"):
		m := map[int]bool{}
		for j := 1; j < len(args); j++ {
			m[j] = true
		}
		return m
	case command.EqFold(args[0], "acl") && len(args) >= 3 && command.EqFold(args[1], "setuser"):
		m := map[int]bool{}
		for j := 2; j < len(args); j++ {
			m[j] = true
		}
		return m
	case command.EqFold(args[0], "hello"):
		for j := 2; j+2 < len(args); j++ {
			if command.EqFold(args[j], "auth") {
				return map[int]bool{j + 1: true, j + 2: true}
			}
		}
	}
	return nil
}

func (s *Server) registerDiagCommands(t *command.Table) {
	s.registerMemoryCommands(t)
	t.Define("slowlog|get", func(c *command.Ctx) {
		if len(c.Args) > 3 {
			c.SubcommandError()
			return
		}
		count := int64(10)
		if len(c.Args) == 3 {
			n, ok := command.ParseInt(c.Args[2])
			if !ok || n < -1 {
				c.Error("ERR count should be greater than or equal to -1")
				return
			}
			count = n
		}
		es := s.slow.entries
		if count == -1 || count > int64(len(es)) {
			count = int64(len(es))
		}
		c.W.Array(int(count))
		for i := 0; i < int(count); i++ {
			e := &es[len(es)-1-i]
			c.W.Array(6)
			c.W.Int(e.id)
			c.W.Int(e.unix)
			c.W.Int(e.usec)
			c.W.Array(len(e.args))
			for _, a := range e.args {
				c.W.Bulk(a)
			}
			c.W.BulkString(e.peer)
			c.W.BulkString(e.clientNm)
		}
	})
	t.Define("slowlog|len", func(c *command.Ctx) { c.W.Int(int64(len(s.slow.entries))) })
	t.Define("slowlog|reset", func(c *command.Ctx) {
		clear(s.slow.entries)
		s.slow.entries = s.slow.entries[:0]
		c.W.OK()
	})
	t.Define("slowlog|help", func(c *command.Ctx) {
		command.ReplyHelp(c, "SLOWLOG", []string{
			"GET [<count>]",
			"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
			"    Entries are made of:",
			"    id, timestamp, time in microseconds, arguments array, client IP and port,",
			"    client name",
			"LEN",
			"    Return the length of the slowlog.",
			"RESET",
			"    Reset the slowlog.",
		})
	})
}
