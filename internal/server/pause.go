package server

import (
	"time"

	"github.com/vestadb/vesta/internal/command"
)

// CLIENT PAUSE and CLIENT UNPAUSE, as Redis 7.0 has them.
//
// While a pause is on, a client whose command the pause covers is held:
// processCommand (pauseHold) records the command as the client's block
// state and the client waits like a client blocked on a key, reading and
// buffering what it sends meanwhile. When the pause ends (CLIENT UNPAUSE,
// or the timer of the pause's end) the held clients are released in the
// order they were held and each processes its command again. A WRITE pause
// covers the commands that may change the dataset or replicate (write and
// may_replicate commands: EVAL, EVALSHA, FCALL, PFCOUNT, PUBLISH, ...) and
// an EXEC whose transaction holds one; an ALL pause covers every command,
// the pausing client's next ones included. Replicas are never paused.
// CLIENT UNBLOCK does not release a held client (it answers 0; Redis
// 7.0.15 crashes on it, 7.2 answers 0).
// While any pause is on, the dataset stays still: lazy expiry answers as
// if an expired key were gone without deleting it and the active expiry
// cycle does not run (clientsPaused is the check eviction uses too).

type pauseMode uint8

const (
	pauseOff pauseMode = iota
	pauseWrite
	pauseAll
)

// pauseState is the server's pause (under mu).
type pauseState struct {
	mode  pauseMode
	end   int64       // unix ms at which the pause ends
	timer *time.Timer // ends the pause at end
	held  []*client   // clients whose commands wait, in order
}

// clientsPaused reports whether a pause is on. Called under mu.
func (s *Server) clientsPaused() bool { return s.pause.mode != pauseOff }

// pauseCovers reports whether the current pause holds spec for cl.
func (s *Server) pauseCovers(cl *client, spec *command.Spec) bool {
	switch s.pause.mode {
	case pauseOff:
		return false
	case pauseAll:
		return cl.rc.replica == nil
	}
	if cl.rc.replica != nil {
		return false
	}
	if mayWrite(spec) {
		return true
	}
	if spec.Name == "exec" && cl.multi != nil {
		for _, q := range cl.multi.cmds {
			if mayWrite(q.spec) {
				return true
			}
		}
	}
	return false
}

// mayWrite is Redis's is_may_replicate_command for one command.
func mayWrite(spec *command.Spec) bool {
	return spec.Flags&(command.Write|command.MayReplicate) != 0 || mayReplicate[spec.Name]
}

// pauseHold holds cl's command if a pause covers it, and reports whether
// it did. Called by processCommand under mu, after the checks that refuse
// a command and before MULTI queues it, where Redis checks the pause.
func (s *Server) pauseHold(cl *client, spec *command.Spec, args [][]byte) bool {
	if s.pause.mode == pauseOff || !s.pauseCovers(cl, spec) {
		return false
	}
	cl.lastCmd = spec.Name
	cl.block = &blockState{held: cloneArgs(args)}
	s.blockedClients++
	s.pause.held = append(s.pause.held, cl)
	return true
}

// pauseClients starts or extends a pause: the stronger mode and the later
// end of the current pause and the new one win, as in Redis. An end that
// is already past (a timeout of 0, or one that overflows) ends the pause
// at once.
func (s *Server) pauseClients(end int64, mode pauseMode) {
	if mode > s.pause.mode {
		s.pause.mode = mode
	}
	s.ks.KeepExpired = true
	if s.pause.timer == nil || end > s.pause.end {
		s.pause.end = end
	}
	if s.pause.timer != nil {
		s.pause.timer.Stop()
	}
	d := time.Duration(s.pause.end-time.Now().UnixMilli()) * time.Millisecond
	s.pause.timer = time.AfterFunc(max(d, 0), s.pauseTimerFired)
}

// pauseTimerFired ends a pause whose end has come.
func (s *Server) pauseTimerFired() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pause.timer == nil {
		return
	}
	if time.Now().UnixMilli() < s.pause.end {
		// Extended since the timer was set.
		return
	}
	s.unpauseClients()
}

// unpauseClients ends the pause and releases the held clients, in the
// order they were held: each client's goroutine, woken, processes its
// command itself (resumeHeld), so that only that goroutine ever touches
// its batch buffer outside the lock. Called under mu.
func (s *Server) unpauseClients() {
	if s.pause.mode == pauseOff {
		return
	}
	s.pause.mode = pauseOff
	s.ks.KeepExpired = false
	if s.pause.timer != nil {
		s.pause.timer.Stop()
		s.pause.timer = nil
	}
	held := s.pause.held
	s.pause.held = nil
	for _, cl := range held {
		if b := cl.block; b != nil && b.held != nil {
			cl.resume = b.held
			s.unblock(cl)
		}
	}
	s.failoverRepause() // a FAILOVER's own pause outlives CLIENT UNPAUSE
}

// resumeHeld processes the command a pause held for cl, once the pause
// ended; it may be held again by a new pause, or block. Called by the
// client's goroutine under mu, after waitUnblocked.
func (s *Server) resumeHeld(cl *client) {
	args := cl.resume
	if args == nil {
		return
	}
	cl.resume = nil
	now := time.Now()
	s.batchNow = now.UnixMilli()
	cl.lastActive = now
	s.processCommand(cl, args)
	// Its reply waits for the durability of everything written so far
	// before it is sent (handleInput), as a served blocked command's does.
	cl.marks = cl.marks[:0]
}

// dropHeld removes a client that leaves from the held list. Under mu.
func (s *Server) dropHeld(cl *client) {
	for i, x := range s.pause.held {
		if x == cl {
			s.pause.held = append(s.pause.held[:i], s.pause.held[i+1:]...)
			return
		}
	}
}

// cmdClientPause implements CLIENT PAUSE timeout [WRITE|ALL].
func (s *Server) cmdClientPause(c *command.Ctx) {
	if len(c.Args) > 4 {
		c.SubcommandError()
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
	mode := pauseAll
	if len(c.Args) == 4 {
		switch {
		case command.EqFold(c.Args[3], "WRITE"):
			mode = pauseWrite
		case command.EqFold(c.Args[3], "ALL"):
		default:
			c.Error("ERR CLIENT PAUSE mode must be WRITE or ALL")
			return
		}
	}
	end := int64(0)
	if ms > 0 {
		// Redis adds the time without an overflow check: a timeout that
		// overflows ends in the past, so the pause ends at once.
		end = int64(uint64(ms) + uint64(time.Now().UnixMilli()))
	}
	s.pauseClients(end, mode)
	c.W.OK()
}

// cmdClientUnpause implements CLIENT UNPAUSE.
func (s *Server) cmdClientUnpause(c *command.Ctx) {
	s.unpauseClients()
	c.W.OK()
}
