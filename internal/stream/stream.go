// Package stream is the propagation stream: the one ordered sequence of
// write commands the server propagates, Redis's replication stream. Every
// command in it has a byte offset (Redis's master_repl_offset): the offset
// after a command is the offset before it plus the length of its RESP
// encoding, preceded by a SELECT when it runs in another database than the
// command before it.
//
// The stream itself keeps no bytes. Its consumers receive each command as it
// is appended and encode it the way their medium wants: the AOF writer (see
// package aof) adds #TS annotations and its own SELECTs. A replication
// backlog and replicas attach as further consumers; a snapshot taken under
// the server lock records [Stream.Offset] as the exact offset of its cut, so
// that a replica loading it continues from the first command after.
//
// All methods are called under the server lock.
package stream

import "time"

// Op is one propagated command, executed in database DB (-1: it needs no
// SELECT before it, as EXEC).
type Op struct {
	DB   int
	Args [][]byte
}

// Consumer receives the commands of the stream in order, with one time for
// all the commands of a group (so that a timestamp never falls inside
// MULTI/EXEC).
type Consumer interface {
	Feed(db int, args [][]byte, now time.Time)
}

// GroupConsumer is a consumer told where a transaction (MULTI … EXEC, as
// Propagate wraps several operations) begins and ends, so that it never
// makes part of one durable: the AOF writer's flushes, which run without
// the server lock, stop at the transaction's start until it is complete,
// as Redis writes the AOF only between commands.
type GroupConsumer interface {
	Consumer
	BeginGroup()
	EndGroup()
}

// Stream is the propagation stream. The zero value is an empty stream at
// offset 0 with no consumers.
type Stream struct {
	consumers []Consumer
	offset    int64
	dbKnown   bool
	db        int // database of the last SELECT counted in offset
	proxy     bool
}

// RawConsumer is a consumer that, on a replica, receives the master's
// stream byte for byte (the backlog that feeds sub-replicas) instead of
// the commands the replica executes.
type RawConsumer interface {
	Consumer
	FeedRaw(raw []byte)
}

// SetProxy switches the stream to a replica's mode (on) or back to a
// master's. On a replica the offset is the master's: it moves only by the
// bytes received from the master ([Stream.Raw]), which raw consumers get
// as they are; what commands propagate (the master's commands executed
// here, or writes to a writable replica) reaches the other consumers (the
// AOF) without moving the offset, as Redis 7.0 feeds a replica's AOF but
// never its sub-replicas from its own commands. Leaving proxy mode makes
// the next command count a SELECT.
func (s *Stream) SetProxy(on bool) {
	s.proxy = on
	s.dbKnown = false
}

// Proxying reports whether the stream is in a replica's mode.
func (s *Stream) Proxying() bool { return s.proxy }

// Raw appends bytes of the master's stream on a replica: the offset moves
// by their length and raw consumers receive them. It returns the offset
// after them.
func (s *Stream) Raw(raw []byte) int64 {
	s.offset += int64(len(raw))
	s.dbKnown = false
	for _, c := range s.consumers {
		if rc, ok := c.(RawConsumer); ok {
			rc.FeedRaw(raw)
		}
	}
	return s.offset
}

var (
	argMULTI = []byte("MULTI")
	argEXEC  = []byte("EXEC")
)

// Active reports whether anything consumes the stream. Without consumers
// the server does not collect what commands propagate, and the offset does
// not move (as Redis's master_repl_offset stays put without AOF, backlog
// or replicas).
func (s *Stream) Active() bool { return len(s.consumers) > 0 }

// Attach adds a consumer; it receives the commands appended from now on.
func (s *Stream) Attach(c Consumer) {
	for _, x := range s.consumers {
		if x == c {
			return
		}
	}
	s.consumers = append(s.consumers, c)
}

// Detach removes a consumer (a no-op if it is not attached).
func (s *Stream) Detach(c Consumer) {
	for i, x := range s.consumers {
		if x == c {
			s.consumers = append(s.consumers[:i], s.consumers[i+1:]...)
			return
		}
	}
}

// Offset is the offset the stream reached: the end of the last command
// appended. It only grows.
func (s *Stream) Offset() int64 { return s.offset }

// Append appends one command and returns the offset after it.
func (s *Stream) Append(db int, args [][]byte, now time.Time) int64 {
	if s.proxy {
		for _, c := range s.consumers {
			if _, raw := c.(RawConsumer); !raw {
				c.Feed(db, args, now)
			}
		}
		return s.offset
	}
	if db >= 0 && (!s.dbKnown || db != s.db) {
		s.offset += selectLen(db)
		s.db, s.dbKnown = db, true
	}
	s.offset += RESPLen(args)
	for _, c := range s.consumers {
		c.Feed(db, args, now)
	}
	return s.offset
}

// AppendTo appends a command that only consumer c receives, the offset
// moving as for any other: the PING and REPLCONF GETACK a master sends its
// replicas, which Redis counts in the replication offset but never writes
// to the AOF. It returns the offset after it.
func (s *Stream) AppendTo(c Consumer, db int, args [][]byte, now time.Time) int64 {
	if db >= 0 && (!s.dbKnown || db != s.db) {
		s.offset += selectLen(db)
		s.db, s.dbKnown = db, true
	}
	s.offset += RESPLen(args)
	c.Feed(db, args, now)
	return s.offset
}

// Propagate appends the commands one top-level command propagated: one
// alone as is, several wrapped in MULTI/EXEC (MULTI in the database of the
// first one), all with the same time. It returns the offset after them.
func (s *Stream) Propagate(ops []Op, now time.Time) int64 {
	switch len(ops) {
	case 0:
		return s.offset
	case 1:
		return s.Append(ops[0].DB, ops[0].Args, now)
	}
	for _, c := range s.consumers {
		if g, ok := c.(GroupConsumer); ok {
			g.BeginGroup()
		}
	}
	s.Append(ops[0].DB, [][]byte{argMULTI}, now)
	for _, o := range ops {
		s.Append(o.DB, o.Args, now)
	}
	off := s.Append(-1, [][]byte{argEXEC}, now)
	for _, c := range s.consumers {
		if g, ok := c.(GroupConsumer); ok {
			g.EndGroup()
		}
	}
	return off
}

// Rebase sets the offset, at startup before anything is appended: a master
// restarted from a snapshot continues the offsets its replicas know.
func (s *Stream) Rebase(off int64) { s.offset = off }

// ForgetDB makes the next command count a SELECT, as a new replica's
// stream starts with one.
func (s *Stream) ForgetDB() { s.dbKnown = false }

// RESPLen is the length of args encoded as a RESP array of bulk strings.
func RESPLen(args [][]byte) int64 {
	n := 1 + digits(len(args)) + 2
	for _, a := range args {
		n += 1 + digits(len(a)) + 2 + len(a) + 2
	}
	return int64(n)
}

// selectLen is RESPLen of SELECT db, without building it.
func selectLen(db int) int64 {
	d := digits(db)
	return int64(1+1+2) + int64(1+1+2+len("SELECT")+2) + int64(1+digits(d)+2+d+2)
}

func digits(n int) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}
