package server

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/repl"
)

// FAILOVER, the coordinated failover of Redis 7.0 (replication.c's
// failoverCommand, updateFailoverStatus, abortFailover), and the role
// changes around it.
//
// On the master: FAILOVER pauses writes (a pause of its own, which CLIENT
// UNPAUSE does not end), and the cron waits until the target replica (or,
// without TO, any replica) acknowledged the whole stream
// (waiting-for-sync). The master then becomes a replica of the target
// (failover-in-progress) and its link sends PSYNC <replid> <offset>
// FAILOVER; once the target answers +CONTINUE or +FULLRESYNC the failover
// is over and the pause ends (the held writes then get READONLY). A
// rejected PSYNC, FAILOVER ABORT or the TIMEOUT (without FORCE) end it and
// the server is a master again. With FORCE, the TIMEOUT's end starts the
// handoff whether the target caught up or not.
//
// On the target: PSYNC <replid> <offset> FAILOVER from a client, when
// replid is this replica's, promotes it (REPLICAOF NO ONE) before the PSYNC
// is served: the old master's history is this one's second id, so the old
// master continues with +CONTINUE.
//
// Whenever the server starts following a master (REPLICAOF, the failover),
// the clients blocked in BLPOP, WAIT, ... are unblocked with -UNBLOCKED and
// disconnected, as Redis's disconnectAllBlockedClients does; those a pause
// holds are left alone.

type failoverPhase uint8

const (
	noFailover failoverPhase = iota
	failoverWaitSync
	failoverInProgress
)

// failoverState is the server's failover (under mu).
type failoverState struct {
	phase  failoverPhase
	host   string // target; "" until chosen (FAILOVER without TO)
	port   int64
	end    int64 // unix ms of the TIMEOUT's end; 0 without one
	force  bool
	paused bool // the failover's write pause is on
}

func (s *Server) registerFailoverCommands(t *command.Table) {
	t.Define("failover", s.cmdFailover)
}

// failoverStateString is INFO's master_failover_state.
func (s *Server) failoverStateString() string {
	switch s.fo.phase {
	case failoverWaitSync:
		return "waiting-for-sync"
	case failoverInProgress:
		return "failover-in-progress"
	}
	return "no-failover"
}

// cmdFailover implements FAILOVER [TO host port [FORCE]] [ABORT]
// [TIMEOUT ms], with Redis 7.0's checks in its order.
func (s *Server) cmdFailover(c *command.Ctx) {
	if len(c.Args) == 2 && command.EqFold(c.Args[1], "abort") {
		if s.fo.phase == noFailover {
			c.Error("ERR No failover in progress.")
			return
		}
		s.abortFailover("Failover manually aborted")
		c.W.OK()
		return
	}
	var timeout, port int64
	var host []byte
	force := false
	for j := 1; j < len(c.Args); j++ {
		switch {
		case command.EqFold(c.Args[j], "timeout") && j+1 < len(c.Args) && timeout == 0:
			v, ok := command.ParseInt(c.Args[j+1])
			if !ok {
				c.Error(command.ErrNotInt)
				return
			}
			if v <= 0 {
				c.Error("ERR FAILOVER timeout must be greater than 0")
				return
			}
			timeout = v
			j++
		case command.EqFold(c.Args[j], "to") && j+2 < len(c.Args) && host == nil:
			v, ok := command.ParseInt(c.Args[j+2])
			if !ok {
				c.Error(command.ErrNotInt)
				return
			}
			host, port = c.Args[j+1], v
			j += 2
		case command.EqFold(c.Args[j], "force") && !force:
			force = true
		default:
			c.SyntaxError()
			return
		}
	}
	switch {
	case s.fo.phase != noFailover:
		c.Error("ERR FAILOVER already in progress.")
		return
	case s.replica.link != nil:
		c.Error("ERR FAILOVER is not valid when server is a replica.")
		return
	case len(s.repl.Replicas()) == 0:
		c.Error("ERR FAILOVER requires connected replicas.")
		return
	case force && (timeout == 0 || host == nil):
		c.Error("ERR FAILOVER with force option requires both a timeout and target HOST and IP.")
		return
	}
	fo := failoverState{phase: failoverWaitSync, force: force}
	if host != nil {
		r := s.findReplica(string(host), port)
		if r == nil {
			c.Error("ERR FAILOVER target HOST and PORT is not a replica.")
			return
		}
		if !r.IsOnline() {
			c.Error("ERR FAILOVER target replica is not online.")
			return
		}
		fo.host, fo.port = string(host), port
		s.log.Info("FAILOVER requested to " + fo.target() + ".")
	} else {
		s.log.Info("FAILOVER requested to any replica.")
	}
	if timeout > 0 {
		now := time.Now().UnixMilli()
		fo.end = math.MaxInt64
		if timeout < math.MaxInt64-now {
			fo.end = now + timeout
		}
	}
	s.fo = fo
	s.failoverPause()
	c.W.OK()
}

func (fo *failoverState) target() string {
	return fo.host + ":" + strconv.FormatInt(fo.port, 10)
}

// findReplica is the replica announced (or connected) from host with
// listening port port, as Redis's findReplica matches it.
func (s *Server) findReplica(host string, port int64) *repl.Replica {
	for _, r := range s.repl.Replicas() {
		ip, p := r.Addr()
		if strings.EqualFold(host, ip) && p == port {
			return r
		}
	}
	return nil
}

// failoverCron moves a failover that waits for its target on: the target
// caught up, or the TIMEOUT passed. Under mu, from the cron.
func (s *Server) failoverCron(now time.Time) {
	fo := &s.fo
	if fo.phase != failoverWaitSync {
		return
	}
	if fo.end != 0 && fo.end <= now.UnixMilli() {
		if fo.force {
			s.log.Info("FAILOVER to " + fo.target() + " time out exceeded, failing over.")
			s.failoverHandoff()
			return
		}
		s.abortFailover("Replica never caught up before timeout")
		return
	}
	off := s.stream.Offset()
	var r *repl.Replica
	if fo.host != "" {
		r = s.findReplica(fo.host, fo.port)
	} else {
		for _, x := range s.repl.Replicas() {
			if x.AckOffset() == off {
				r = x
				ip, p := x.Addr()
				fo.host, fo.port = ip, p
				break
			}
		}
	}
	if r != nil && r.AckOffset() == off {
		s.log.Info("Failover target " + fo.target() + " is synced, failing over.")
		s.failoverHandoff()
	}
}

// failoverHandoff demotes the master to a replica of the target, whose
// link sends PSYNC ... FAILOVER. Under mu.
func (s *Server) failoverHandoff() {
	s.fo.phase = failoverInProgress
	s.replicaOf(s.fo.host, int(s.fo.port))
}

// abortFailover ends a failover that did not complete: a server that was
// already handing off is a master again. Under mu.
func (s *Server) abortFailover(reason string) {
	fo := &s.fo
	if fo.phase == noFailover {
		return
	}
	if fo.host != "" {
		s.log.Info("FAILOVER to " + fo.target() + " aborted: " + reason)
	} else {
		s.log.Info("FAILOVER to any replica aborted: " + reason)
	}
	if fo.phase == failoverInProgress && s.replica.link != nil {
		s.replicaOfNoOne()
	}
	s.clearFailover()
}

// clearFailover forgets the failover and ends its pause. Under mu.
func (s *Server) clearFailover() {
	s.fo = failoverState{paused: s.fo.paused}
	s.failoverUnpause()
}

// failoverLinkHooks tell a replica's link whether its PSYNC is a
// failover's handoff, and hear how the target answered it.
func (s *Server) failoverLinkHooks() repl.FailoverHooks {
	return repl.FailoverHooks{
		Active: func() bool { return s.fo.phase == failoverInProgress },
		Result: func(accepted bool, reason string) {
			if s.fo.phase != failoverInProgress {
				return
			}
			if accepted {
				s.clearFailover()
				return
			}
			s.abortFailover(reason)
		},
	}
}

// failoverPause pauses writes for the failover, on top of any CLIENT
// PAUSE. Under mu.
func (s *Server) failoverPause() {
	s.fo.paused = true
	if s.pause.mode < pauseWrite {
		s.pause.mode = pauseWrite
	}
	s.ks.KeepExpired = true
}

// failoverUnpause ends the failover's pause; a CLIENT PAUSE still running
// (it has a timer) keeps its own mode, which covers writes too. Under mu.
func (s *Server) failoverUnpause() {
	if !s.fo.paused {
		return
	}
	s.fo.paused = false
	if s.pause.timer == nil {
		s.unpauseClients()
	}
}

// failoverRepause keeps writes paused when CLIENT UNPAUSE (or the end of
// a CLIENT PAUSE) released the clients during a failover: they process
// their commands again and writes are held anew. Under mu.
func (s *Server) failoverRepause() {
	if s.fo.paused {
		s.pause.mode = pauseWrite
		s.ks.KeepExpired = true
	}
}

// failoverRefusal is REPLICAOF's refusal during a failover, "" otherwise.
func (s *Server) failoverRefusal() string {
	if s.fo.phase != noFailover {
		return "ERR REPLICAOF not allowed while failing over."
	}
	return ""
}

// psyncFailover handles what PSYNC and SYNC check before a
// synchronisation starts: PSYNC <replid> <offset> FAILOVER promotes this
// replica when replid is its own, and no replica is served while this
// server fails over. It reports whether it replied with an error. Under
// mu.
func (s *Server) psyncFailover(c *command.Ctx) bool {
	if len(c.Args) > 3 && command.EqFold(c.Args[0], "psync") && command.EqFold(c.Args[3], "failover") {
		s.log.Warn("Failover request received for replid " + string(c.Args[1]) + ".")
		if s.replica.link == nil {
			c.Error("ERR PSYNC FAILOVER can't be sent to a master.")
			return true
		}
		if !strings.EqualFold(string(c.Args[1]), s.repl.Replid()) {
			c.Error("ERR PSYNC FAILOVER replid must match my replid.")
			return true
		}
		s.replicaOfNoOne()
		s.log.Info("MASTER MODE enabled (failover request from '" + s.clientInfoString(clientOf(c)) + "')")
	}
	if s.fo.phase != noFailover {
		c.Error("NOMASTERLINK Can't SYNC while failing over")
		return true
	}
	return false
}

const msgUnblockedRole = "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)"

// unblockForRoleChange unblocks every client blocked in a command (BLPOP,
// XREAD, WAIT, ...) with -UNBLOCKED and closes it after that reply, as
// Redis does when the server starts following a master: what they wait
// for may never come from a replica. Clients a pause holds are left
// alone. Under mu.
func (s *Server) unblockForRoleChange() {
	for _, cl := range s.clients {
		b := cl.block
		if b == nil || b.held != nil || cl.rc.replica != nil {
			continue
		}
		// The client's own goroutine writes the error (writeWaitReply).
		cl.rc.unblockErr = msgUnblockedRole
		cl.rc.waitDone = false
		s.blockedDone(cl, 0, true, slowlogNoArgs)
		s.unblock(cl)
	}
}
