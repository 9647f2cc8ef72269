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
// walk and how long the walk took, with and without Yield.
func BenchmarkWalkerUnderLoad(b *testing.B) {
	ks := keyspace.New(16)
	db := ks.DBs[0]
	for i := range 500_000 {
		db.AddString([]byte("key:"+strconv.Itoa(i)), []byte("value:"+strconv.Itoa(i)))
	}
	for _, yield := range []bool{false, true} {
		b.Run("yield="+strconv.FormatBool(yield), func(b *testing.B) {
			var l lockWatch
			var lk sync.Locker = &l
			if !yield {
				lk = plainLock{&l}
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
