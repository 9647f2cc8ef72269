package server

import (
	"math"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/repl"
)

// Replication, the master side (package repl does the work): the commands
// a replica sends (REPLCONF, PSYNC, SYNC), ROLE, WAIT, and the glue to the
// connection. A connection that sent PSYNC or SYNC becomes a replica: its
// goroutine keeps reading (REPLCONF ACK) and executing under the lock, its
// replies are dropped, and the replica's sender goroutine owns the socket's
// output once the replies before PSYNC are written (client.handleInput).

// replClient is a client's replication state.
type replClient struct {
	conf    repl.Conf     // what REPLCONF announced
	replica *repl.Replica // set by SYNC/PSYNC (under mu)
	started bool          // its sender runs: replies are dropped
	woff    int64         // the stream offset after its last write (WAIT)
	// The reply of a WAIT that ended, written by the client's own
	// goroutine (writeWaitReply): another goroutine must not write into
	// the client's buffer while it may be flushing the replies before
	// WAIT outside the lock.
	waitReply int64
	waitDone  bool
	// unblockErr, when set, is the error a client unblocked by a role
	// change gets instead (failover.go), written by its own goroutine.
	unblockErr string
}

// waitReq is a client blocked in WAIT.
type waitReq struct {
	offset int64
	n      int64
}

func (s *Server) newRepl() *repl.Master {
	return repl.New(repl.Options{
		Mu: &s.mu, Stream: &s.stream, Config: s.cfg, Log: s.log, Snap: s.eng,
		Crashed:       func(where string, r any) { s.crash(where, nil, r) },
		OnAck:         s.serveWaits,
		Functions:     s.FunctionCodes,
		FailoverState: s.failoverStateString,
	})
}

func (s *Server) registerReplCommands(t *command.Table) {
	t.Define("replconf", func(c *command.Ctx) {
		cl := clientOf(c)
		s.repl.Replconf(c, &cl.rc.conf, cl.rc.replica)
	})
	sync := func(c *command.Ctx) {
		cl := clientOf(c)
		if cl.rc.replica != nil {
			return // already a replica: ignored, as in Redis
		}
		if s.psyncFailover(c) {
			return
		}
		if cl.w.Len() > 0 || (cl.async && cl.queuedOutput()) {
			// Replies of earlier commands of the batch are not written
			// yet (Redis's clientHasPendingReplies). Output the writer
			// goroutine has already taken does not count: a replica sends
			// PSYNC only after reading the replies to its handshake, which
			// may reach it before the writer has counted them as written.
			c.Error("ERR SYNC and PSYNC are invalid with pending output")
			return
		}
		cl.leaveLoop() // the stream is written by goroutines (loop.go)
		cl.rc.replica = s.repl.Sync(c, cl.conn, cl.id, cl.rc.conf)
	}
	t.Define("psync", sync)
	t.Define("sync", sync)
	t.Define("role", func(c *command.Ctx) {
		if s.roleReplica(c) {
			return
		}
		var online []*repl.Replica
		for _, r := range s.repl.Replicas() {
			if r.IsOnline() {
				online = append(online, r)
			}
		}
		c.W.Array(3)
		c.W.BulkString("master")
		c.W.Int(s.stream.Offset())
		c.W.Array(len(online))
		for _, r := range online {
			ip, port := r.Addr()
			c.W.Array(3)
			c.W.BulkString(ip)
			c.W.BulkInt(port)
			c.W.BulkInt(r.AckOffset())
		}
	})
	t.Define("wait", s.cmdWait)
}

// cmdWait implements WAIT numreplicas timeout: the number of replicas that
// acknowledged the client's last write, blocking until numreplicas did or
// the timeout (milliseconds, 0 forever) passed.
func (s *Server) cmdWait(c *command.Ctx) {
	if s.waitOnReplica(c) {
		return
	}
	cl := clientOf(c)
	n, ok := command.ParseInt(c.Args[1])
	if !ok {
		c.Error(command.ErrNotInt)
		return
	}
	ms, ok := command.ParseInt(c.Args[2])
	if !ok {
		c.Error("ERR timeout is not an integer or out of range")
		return
	}
	if ms < 0 {
		c.Error("ERR timeout is negative")
		return
	}
	now := time.Now()
	if ms > math.MaxInt64-now.UnixMilli() {
		c.Error("ERR timeout is out of range")
		return
	}
	off := cl.rc.woff
	acks := s.repl.CountAcks(off)
	if int64(acks) >= n || s.InExec(c) {
		c.W.Int(int64(acks))
		return
	}
	var deadline time.Time
	if ms > 0 {
		deadline = now.Add(time.Duration(ms) * time.Millisecond)
	}
	s.Block(c, nil, deadline, false, nil)
	cl.block.onTimeout = func() { cl.rc.waitReply, cl.rc.waitDone = int64(s.repl.CountAcks(off)), true }
	s.waiters[cl] = waitReq{offset: off, n: n}
	s.repl.RequestAck()
}

// serveWaits answers the WAITs that enough replicas acknowledged. Under
// mu, after an ACK.
func (s *Server) serveWaits() {
	for cl, w := range s.waiters {
		if acks := s.repl.CountAcks(w.offset); int64(acks) >= w.n {
			cl.rc.waitReply, cl.rc.waitDone = int64(acks), true
			s.blockedDone(cl, 0, false, slowlogServed)
			s.unblock(cl)
		}
	}
}

// writeWaitReply writes the reply of a WAIT that ended. The client's own
// goroutine calls it under mu once it is no longer blocked.
func (cl *client) writeWaitReply() {
	if msg := cl.rc.unblockErr; msg != "" {
		cl.rc.unblockErr = ""
		cl.w.Error(msg)
		cl.closeAfterReply = true
		return
	}
	if cl.rc.waitDone {
		cl.w.Int(cl.rc.waitReply)
		cl.rc.waitDone = false
	}
}
