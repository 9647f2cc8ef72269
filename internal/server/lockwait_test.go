package server

import (
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/persist"
)

// plainLock hides Yield: the walker as it was before lockwait.go.
type plainLock struct{ sync.Locker }

func spin(d time.Duration) {
	for t := time.Now(); time.Since(t) < d; {
	}
}

// BenchmarkWalkerUnderLoad runs a snapshot walker against a goroutine that
// takes the server lock the way the event loop does (hold, release, I/O,
// again) and reports the contender's passes per millisecond during the
// walk and how long the walk took: without Yield, with it, and with the
// walker also pacing itself by the contender's command count
// (persist/pace.go).
func BenchmarkWalkerUnderLoad(b *testing.B) {
	ks := keyspace.New(16)
	db := ks.DBs[0]
	for i := range 500_000 {
		db.AddString([]byte("key:"+strconv.Itoa(i)), []byte("value:"+strconv.Itoa(i)))
	}
	for _, mode := range []string{"plain", "yield", "yield+pace"} {
		b.Run(mode, func(b *testing.B) {
			var l lockWatch
			var lk sync.Locker = &l
			if mode == "plain" {
				lk = plainLock{&l}
			}
			var commands int64 // the contender's, under l
			if mode == "yield+pace" {
				l.commands = &commands
			}
			var passes, walk atomic.Int64
			for range b.N {
				stop := make(chan struct{})
				done := make(chan struct{})
				var n int64
				go func() {
					defer close(done)
					for {
						select {
						case <-stop:
							return
						default:
						}
						l.Lock()
						spin(30 * time.Microsecond)
						commands += 30 // a pass's worth
						l.Unlock()
						n++
						spin(30 * time.Microsecond)
					}
				}()
				t0 := time.Now()
				l.Lock()
				j := persist.StartSnapshot(lk, ks, io.Discard, persist.SaveOptions{Compression: true, Checksum: true})
				l.Unlock()
				if err := j.Run(true); err != nil {
					b.Fatal(err)
				}
				walk.Add(int64(time.Since(t0)))
				close(stop)
				<-done
				passes.Add(n)
			}
			b.ReportMetric(float64(passes.Load())/(float64(walk.Load())/1e6), "passes/ms")
			b.ReportMetric(float64(walk.Load())/float64(b.N)/1e6, "walk-ms")
		})
	}
}

// TestYieldLetsWaiterGoFirst: Yield returns only once the goroutine that
// waited for the lock has taken it, or after yieldMax.
func TestYieldLetsWaiterGoFirst(t *testing.T) {
	for range 20 {
		var l lockWatch
		l.Lock()
		var got atomic.Bool
		release := make(chan struct{})
		go func() {
			l.Lock()
			got.Store(true)
			<-release
			l.Unlock()
		}()
		for l.wait.n.Load() == 0 {
			time.Sleep(10 * time.Microsecond)
		}
		l.Unlock()
		t0 := time.Now()
		l.Yield()
		took := time.Since(t0)
		granted := l.wait.grants.Load() == 1
		if !granted && took < yieldMax {
			t.Fatalf("Yield returned after %v with the waiter still waiting", took)
		}
		close(release)
		l.Lock()
		if granted && !got.Load() {
			// The waiter held the lock when Yield returned.
			t.Fatal("the walker's Lock went ahead of the waiter")
		}
		l.Unlock()
	}
	// Nobody waits: Yield does not wait either.
	var l lockWatch
	t0 := time.Now()
	for range 1000 {
		l.Yield()
	}
	if d := time.Since(t0); d >= 100*yieldMax { // waiting each time would take 1000*yieldMax
		t.Fatalf("1000 Yields without waiters took %v", d)
	}
}
