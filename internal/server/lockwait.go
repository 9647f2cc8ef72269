package server

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/vestadb/vesta/internal/persist"
)

// Sharing the server lock with background walkers.
//
// A snapshot walker (persist.Job.Run: BGSAVE, BGREWRITEAOF, a transfer to
// replicas) takes the server lock for one short step, releases it, writes
// the bytes out and takes it again. sync.Mutex lets a goroutine that
// releases and retakes the lock at once barge ahead of one that was woken
// for it, until that one has waited a whole millisecond (the mutex's
// starvation mode): the walker then held the lock about 80% of the time
// and the event loop, which needs it once per pass, served a fraction of
// its usual rate. So the lock counts the goroutines blocked on it, and
// Yield lets the walker wait, between two steps, until one of them has had
// its turn: steps and client passes alternate while clients wait, and the
// walker runs flat out when nobody does.

// lockWaiters counts who waits for the server lock.
type lockWaiters struct {
	n      atomic.Int32  // goroutines blocked in acquire
	grants atomic.Uint64 // acquisitions by a goroutine that had to wait
	want   atomic.Bool   // a Yield waits for the next grant
	turn   chan struct{} // signals that grant (capacity 1)
	once   sync.Once     // makes turn
}

// yieldMax bounds one Yield: a waiter that was woken normally runs within
// microseconds, and the walker must not stall when the machine is busy.
const yieldMax = time.Millisecond

// acquire takes the mutex, counting the wait when there is one.
func (l *lockWatch) acquire() {
	if l.mu.TryLock() {
		return
	}
	l.wait.n.Add(1)
	l.mu.Lock()
	l.wait.grants.Add(1)
	l.wait.n.Add(-1)
	if l.wait.want.Load() {
		select {
		case l.wait.turn <- struct{}{}:
		default:
		}
	}
}

// Yield is called without the lock by a background walker between two
// steps (persist.Yielder): when goroutines wait for the lock, it returns
// once one of them has taken it (or after yieldMax), so that the walker's
// next Lock queues behind it instead of barging ahead. It sleeps rather
// than spins: on a busy machine a spinning walker would take the CPU the
// waiter needs. One snapshot walks at a time (the keyspace allows one).
func (l *lockWatch) Yield() {
	w := &l.wait
	if w.n.Load() == 0 {
		return
	}
	w.once.Do(func() { w.turn = make(chan struct{}, 1) }) // before want is set: acquire reads it after
	select {
	case <-w.turn: // a stale signal from an earlier Yield that timed out
	default:
	}
	g := w.grants.Load()
	w.want.Store(true)
	defer w.want.Store(false)
	if w.n.Load() == 0 || w.grants.Load() != g {
		return
	}
	t := time.NewTimer(yieldMax)
	defer t.Stop()
	select {
	case <-w.turn:
	case <-t.C:
	}
}

// The walkers find these through the sync.Locker they are given.
var (
	_ persist.ActivityCounter = (*lockWatch)(nil)
	_ persist.Yielder         = (*lockWatch)(nil)
)

// Activity is the number of commands executed so far; call it holding the
// lock (persist.ActivityCounter: a walker paces itself while clients keep
// the server busy). CONFIG RESETSTAT sets it back to 0.
func (l *lockWatch) Activity() uint64 {
	if l.commands == nil {
		return 0
	}
	return uint64(*l.commands)
}
