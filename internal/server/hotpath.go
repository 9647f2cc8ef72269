package server

import "time"

// Hot-path helpers of the connection loop (docs/BENCHMARKS.md, "Where the
// CPU goes"): what the loop needs between batches is computed once per
// batch under the lock, so that a read takes no server lock.

// noteReadTimeout records the read deadline the connection loop sets
// before its next read: the timeout setting, except for clients that may
// stay idle (MONITOR, Pub/Sub, replicas), as Redis's clientsCronHandleTimeout
// exempts them. Called under mu, at connection setup and at the end of
// each batch; a CONFIG SET timeout reaches a connection at its next batch
// (a read already waiting keeps the deadline it had, as before).
func (cl *client) noteReadTimeout() {
	cl.readTimeout = 0
	if cl.s.cfg.Timeout > 0 && !(cl.monitor || cl.pubsubCount() > 0 || cl.rc.replica != nil) {
		cl.readTimeout = time.Duration(cl.s.cfg.Timeout) * time.Second
	}
}

// propArena holds the arguments of the operations a command queues for
// propagation. Every stream consumer encodes what it is fed at once (the
// AOF writer, the replication backlog), so once the queue is propagated
// the arena is reused: a write command propagates without allocating.
type propArena struct {
	buf  []byte
	argv [][]byte
}

// maxArena is the arena capacity kept after a propagation; a larger one
// (a big MSET) is left to the collector.
const maxArena = 64 << 10

// clone copies args into the arena. An empty argument stays a non-nil
// empty slice, as with cloneArgs. Growing either slice moves later copies
// to a new array; earlier ones keep pointing into the old one, which stays
// valid.
func (p *propagation) clone(args [][]byte) [][]byte {
	a := &p.arena
	start := len(a.argv)
	for _, arg := range args {
		if a.buf == nil || cap(a.buf)-len(a.buf) < len(arg) {
			// A new array: copies already made keep the old one.
			a.buf = make([]byte, 0, max(2*cap(a.buf), len(arg), 256))
		}
		off := len(a.buf)
		a.buf = append(a.buf, arg...)
		a.argv = append(a.argv, a.buf[off:len(a.buf):len(a.buf)])
	}
	return a.argv[start:len(a.argv):len(a.argv)]
}

// release empties the arena once nothing queued refers to it.
func (p *propagation) release() {
	if len(p.ops) > 0 {
		return
	}
	a := &p.arena
	if cap(a.buf) > maxArena || cap(a.argv) > maxArena/8 {
		a.buf, a.argv = nil, nil
		return
	}
	clear(a.argv) // drop references into the old arrays
	a.buf, a.argv = a.buf[:0], a.argv[:0]
}

// clock is time.Now for the per-command clock readings (commandstats and
// slowlog times, the propagation time) at half the cost: it reads only the
// monotonic clock (one vDSO call; time.Now makes two) and places it on the
// wall clock through the full reading the current or last batch took
// (lockWatch.lockNow). Durations between its results are exact; their wall
// time can lag a clock step made since that batch. Under mu.
func (s *Server) clock() time.Time {
	a := s.mu.now
	if a.IsZero() {
		return time.Now()
	}
	return a.Add(time.Since(a))
}
