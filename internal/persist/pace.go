package persist

import "time"

// Pacing a background walker while clients are busy.
//
// A walker that runs flat out (BGSAVE, BGREWRITEAOF, a full sync) takes a
// core and holds the server lock half the time: on the two-core bench
// machine the event loop then made about one pass a millisecond, and
// writes during a BGSAVE ran at a quarter of their usual rate, 0.6× what
// redis-server keeps during its forked save. So while clients are busy
// the walker keeps to a share of the wall time: after a step it sleeps
// until the time it has worked (waiting for the lock, stepping, writing
// out) is at most walkerShare of the time since the clients became busy.
// Sleeps are a millisecond or more (a Go timer sleeps at least about that
// long here), so the walker works in bursts of as long.
//
// A save while clients are busy takes about 1/walkerShare of its flat-out
// time under the same load, or less; with nobody busy it runs flat out.
// The lock waits count as work: under a heavy load the walker waits for
// the loop at every step, and counting only its own steps let it take
// more of the time than the clients could spare (pipelined SETs during a
// BGSAVE: 372k a second and a save of 1.45 s, against 450k and 2.36 s).
// Measured in docs/BENCHMARKS.md ("Pacing the snapshot walker").

// ActivityCounter is what the pacer needs from the lock: a count of the
// work clients have done (the commands executed), read while holding the
// lock. It may start again from 0. The server lock implements it
// (internal/server/lockwait.go).
type ActivityCounter interface {
	Activity() uint64
}

const (
	// walkerShare is the share of wall time the walker works while
	// clients are busy. A half kept writes during a BGSAVE at Redis's
	// rate with the save at half of Redis's time; a third gave 1.2×
	// Redis's rate and the save still shorter than Redis's.
	walkerShare = 0.33
	// busyWindow is how often the pacer decides whether clients are busy.
	busyWindow = 4 * time.Millisecond
	// busyCommands is how many commands clients must run in a busyWindow
	// to count as busy (10,000 a second): an INFO poll every 10 ms, the
	// odd client or a replica's acknowledgements do not slow a save.
	busyCommands = 40
	// paceMemory bounds how far back the pacer's account goes, so that a
	// walker slowed by something else does not then burst for long.
	paceMemory = 50 * time.Millisecond
	// minPause is the shortest sleep: a Go timer sleeps at least about a
	// millisecond here anyway.
	minPause = time.Millisecond
	// maxPause bounds one sleep.
	maxPause = 10 * time.Millisecond
)

// pacer keeps the account. It is used by the walker's goroutine only.
type pacer struct {
	now   func() time.Time
	sleep func(time.Duration)

	busy   bool
	from   time.Time     // start of the account while busy
	worked time.Duration // work since from

	windowAt   time.Time // start of the current busy window
	windowWork uint64    // the activity count at windowAt
}

// pacerSleep is how a pacer sleeps (a test counts the sleeps instead).
var pacerSleep = time.Sleep

func newPacer() *pacer {
	return &pacer{now: time.Now, sleep: pacerSleep}
}

// look is called by the walker under the lock after each acquisition,
// with the lock's activity count.
func (p *pacer) look(work uint64) {
	now := p.now()
	if p.windowAt.IsZero() || work < p.windowWork { // the first look, or a reset count
		p.windowAt, p.windowWork = now, work
		return
	}
	span := now.Sub(p.windowAt)
	if span < busyWindow {
		return
	}
	busy := (work-p.windowWork)*uint64(busyWindow) >= busyCommands*uint64(span)
	if busy && !p.busy {
		p.from, p.worked = now, 0
	}
	p.busy = busy
	p.windowAt, p.windowWork = now, work
}

// done is called after each step with the time the step took (from
// asking for the lock to the end of its write), and sleeps when the
// walker is ahead of its share.
func (p *pacer) done(work time.Duration) {
	if !p.busy {
		return
	}
	p.worked += work
	now := p.now()
	elapsed := now.Sub(p.from)
	if elapsed > paceMemory { // keep the newest part of the account
		keep := float64(paceMemory) / float64(elapsed)
		p.worked = time.Duration(float64(p.worked) * keep)
		p.from = now.Add(-paceMemory)
		elapsed = paceMemory
	}
	ahead := time.Duration(float64(p.worked)/walkerShare) - elapsed
	if ahead < minPause {
		return
	}
	p.sleep(min(ahead, maxPause))
}
