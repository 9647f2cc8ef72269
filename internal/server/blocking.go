package server

import (
	"errors"
	"net"
	"time"

	"github.com/vestadb/vesta/internal/command"
)

// Blocking commands (BLPOP, BZPOPMIN, BLMOVE, …).
//
// A command that finds nothing to pop calls Block: the client is recorded as
// waiting on its keys, stops executing further requests, and its goroutine
// waits in conn.Read (so it still notices a disconnect and buffers pipelined
// requests) with the block deadline as read deadline. Every modification of a
// key that clients wait on marks the key ready; after each top-level command
// the server serves the ready keys' clients in the order they blocked, under
// the lock, by calling their serve functions. A served client is woken by
// setting its read deadline to now.

type blockKey struct {
	db  int
	key string
}

type blockState struct {
	keys     []blockKey
	deadline time.Time
	nullBulk bool
	serve    func(c *command.Ctx, key []byte) bool
	// onTimeout, if set, writes the timeout reply (WAIT).
	onTimeout func()
	// The blocked command, its arguments and the time its first run took,
	// for commandstats and the slow log when it is served (stats_cmd.go).
	spec *command.Spec
	args [][]byte
	usec int64
}

// Block implements command.Env.
func (s *Server) Block(c *command.Ctx, keys [][]byte, deadline time.Time, nullBulk bool, serve func(c *command.Ctx, key []byte) bool) {
	cl := clientOf(c)
	b := &blockState{deadline: deadline, nullBulk: nullBulk, serve: serve, spec: c.Spec, args: cloneArgs(c.Args)}
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[string(k)] {
			continue
		}
		seen[string(k)] = true
		bk := blockKey{c.DB.ID, string(k)}
		b.keys = append(b.keys, bk)
		s.blocking[bk] = append(s.blocking[bk], cl)
	}
	cl.block = b
	s.blockedClients++
}

// InExec implements command.Env.
func (s *Server) InExec(c *command.Ctx) bool {
	cl, ok := c.Client.(*client)
	return !ok || cl.inExec
}

// markReady notes that a key clients block on may now serve them.
func (s *Server) markReady(db int, key []byte) {
	bk := blockKey{db, string(key)}
	if _, ok := s.blocking[bk]; !ok || s.readySet[bk] {
		return
	}
	s.readySet[bk] = true
	s.ready = append(s.ready, bk)
}

// streamWaiters reports whether a client blocked on key waits for a
// stream (XREAD, XREADGROUP).
func (s *Server) streamWaiters(db int, key []byte) bool {
	for _, cl := range s.blocking[blockKey{db, string(key)}] {
		if b := cl.block; b != nil && b.spec != nil && (b.spec.Name == "xread" || b.spec.Name == "xreadgroup") {
			return true
		}
	}
	return false
}

// serveBlocked serves clients blocked on ready keys, in blocking order,
// until no key is ready. Serving may make other keys ready (BLMOVE pushes).
// Called under mu at the end of a top-level command.
func (s *Server) serveBlocked() {
	for len(s.ready) > 0 {
		ready := s.ready
		s.ready = nil
		clear(s.readySet)
		for _, bk := range ready {
			for i := 0; i < len(s.blocking[bk]); {
				cl := s.blocking[bk][i]
				c := &cl.ctx
				c.Reset()
				c.Args = nil
				c.Spec = nil
				c.DB = s.ks.DBs[bk.db]
				dirty := s.ks.Dirty
				errs, start := s.errs.total, time.Now()
				s.prop.depth++
				served := cl.block.serve(c, []byte(bk.key))
				s.prop.depth--
				if !served {
					i++
					continue
				}
				s.blockedDone(cl, time.Since(start).Microseconds(), s.errs.total > errs, slowlogServed)
				s.errs.seen = s.errs.total
				if args, ok, force := c.Propagated(); ok && len(args) > 0 && (s.ks.Dirty > dirty || force) {
					s.AlsoPropagate(bk.db, args)
				}
				s.propagatePending()
				s.unblock(cl)
			}
		}
	}
}

// unblock removes a client from every key it waits on and wakes it.
func (s *Server) unblock(cl *client) {
	b := cl.block
	if b == nil {
		return
	}
	for _, bk := range b.keys {
		list := s.blocking[bk]
		for i, x := range list {
			if x == cl {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(s.blocking, bk)
		} else {
			s.blocking[bk] = list
		}
	}
	cl.block = nil
	delete(s.waiters, cl)
	s.blockedClients--
	_ = cl.conn.SetReadDeadline(time.Now()) // interrupt its Read
}

// timeoutBlocked replies to a blocked client whose deadline passed.
func (s *Server) timeoutBlocked(cl *client) {
	if cl.block == nil {
		return
	}
	if cl.block.onTimeout != nil {
		cl.block.onTimeout()
	} else if cl.block.nullBulk {
		cl.w.Null()
	} else {
		cl.w.NullArray()
	}
	s.blockedDone(cl, 0, false, slowlogNone)
	s.unblock(cl)
}

// waitUnblocked waits while the client is blocked, reading (and buffering)
// whatever the client sends meanwhile. It returns false if the connection
// closed.
func (cl *client) waitUnblocked() bool {
	s := cl.s
	for {
		s.mu.Lock()
		b := cl.block
		s.mu.Unlock()
		if b == nil {
			_ = cl.conn.SetReadDeadline(time.Time{})
			return true
		}
		_ = cl.conn.SetReadDeadline(b.deadline)
		// An unblock between the check above and SetReadDeadline would be
		// lost; look again now that the deadline is set.
		s.mu.Lock()
		still := cl.block != nil
		s.mu.Unlock()
		if !still {
			continue
		}
		n, err := cl.conn.Read(cl.parser.Space())
		if n > 0 {
			cl.parser.Advance(n)
			s.stats.netInput.Add(int64(n))
		}
		if err == nil {
			continue
		}
		if isTimeout(err) {
			s.mu.Lock()
			if cl.block != nil && !cl.block.deadline.IsZero() && !time.Now().Before(cl.block.deadline) {
				s.timeoutBlocked(cl)
			}
			s.mu.Unlock()
			continue
		}
		s.mu.Lock()
		s.unblock(cl)
		s.mu.Unlock()
		return false
	}
}

// cmdClientUnblock implements CLIENT UNBLOCK id [TIMEOUT|ERROR].
func (s *Server) cmdClientUnblock(c *command.Ctx) {
	if len(c.Args) > 4 {
		c.SubcommandError()
		return
	}
	id, ok := command.ParseInt(c.Args[2])
	if !ok {
		c.Error(command.ErrNotInt)
		return
	}
	asError := false
	if len(c.Args) == 4 {
		switch {
		case command.EqFold(c.Args[3], "TIMEOUT"):
		case command.EqFold(c.Args[3], "ERROR"):
			asError = true
		default:
			c.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
			return
		}
	}
	target := s.clients[id]
	if target == nil || target.block == nil {
		c.W.Int(0)
		return
	}
	// Redis 7.0 counts the unblocked command as failed either way.
	if asError {
		target.w.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK")
	} else if target.block.nullBulk {
		target.w.Null()
	} else {
		target.w.NullArray()
	}
	s.blockedDone(target, 0, true, slowlogNoArgs)
	s.unblock(target)
	c.W.Int(1)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
