package persist

import (
	"io"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/keyspace"
)

// TestPacer drives the pacer with a fake clock: a walker whose steps each
// take `step`, while clients run `rate` commands a millisecond, must keep
// to walkerShare of the time when the rate makes the clients busy and
// never sleep otherwise.
func TestPacer(t *testing.T) {
	for _, tc := range []struct {
		name      string
		step      time.Duration
		rate      float64 // commands per millisecond
		wantShare float64 // the walker's share of the time, ±0.05; 1 = never slept
	}{
		{"idle", 50 * time.Microsecond, 0, 1},
		{"an INFO poll every 10 ms", 50 * time.Microsecond, 0.1, 1},
		{"a client now and then", 200 * time.Microsecond, 5, 1},
		{"just busy", 50 * time.Microsecond, 10.5, walkerShare},
		{"pipelined load, short steps", 50 * time.Microsecond, 800, walkerShare},
		{"busy, long steps", 400 * time.Microsecond, 50, walkerShare},
		{"busy, steps of a window", 4 * time.Millisecond, 50, walkerShare},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := time.Unix(1000, 0)
			start := clock
			var slept time.Duration
			var cmds float64
			p := newPacer()
			p.now = func() time.Time { return clock }
			p.sleep = func(d time.Duration) {
				if d < minPause || d > maxPause {
					t.Fatalf("sleep of %v", d)
				}
				d += 100 * time.Microsecond // a timer oversleeps
				slept += d
				clock = clock.Add(d)
				cmds += tc.rate * float64(d) / float64(time.Millisecond)
			}
			var work time.Duration
			for work < 2*time.Second {
				cmds += tc.rate * float64(tc.step) / float64(time.Millisecond)
				p.look(uint64(cmds))
				clock = clock.Add(tc.step)
				work += tc.step
				p.done(tc.step)
			}
			share := float64(work) / float64(clock.Sub(start))
			t.Logf("share %.3f, slept %v", share, slept)
			if tc.wantShare == 1 {
				if slept != 0 {
					t.Fatalf("slept %v in %v of work", slept, work)
				}
				return
			}
			if share < tc.wantShare-0.05 || share > tc.wantShare+0.05 {
				t.Fatalf("share %.3f, want %.2f (slept %v)", share, tc.wantShare, slept)
			}
		})
	}
}

// TestPacerCountReset: CONFIG RESETSTAT sets the command count back to 0
// in the middle of a save; an idle server must not look busy then.
func TestPacerCountReset(t *testing.T) {
	clock := time.Unix(1000, 0)
	p := newPacer()
	p.now = func() time.Time { return clock }
	p.sleep = func(d time.Duration) { t.Fatalf("slept %v", d) }
	count := uint64(1_000_000)
	for i := range 1000 {
		if i == 500 {
			count = 0
		}
		p.look(count)
		clock = clock.Add(100 * time.Microsecond)
		p.done(100 * time.Microsecond)
	}
}

// activityLock is a server lock whose command count moves by step at
// every look.
type activityLock struct {
	sync.Mutex
	count, step uint64
}

func (l *activityLock) Activity() uint64 {
	l.count += l.step
	return l.count
}

// TestRunPacesWhileBusy: a background snapshot paces itself through a
// lock that counts busy clients, and does not when the count stands
// still or the lock counts nothing.
func TestRunPacesWhileBusy(t *testing.T) {
	ks := keyspace.New(1)
	for i := range 2000 {
		ks.DBs[0].AddString([]byte("key:"+strconv.Itoa(i)), []byte("v"))
	}
	defer func(f func(time.Duration)) { pacerSleep = f }(pacerSleep)
	for _, tc := range []struct {
		name   string
		lock   sync.Locker
		paused bool
	}{
		{"busy", &activityLock{step: 1_000_000}, true},
		{"idle", &activityLock{}, false},
		{"no count", &sync.Mutex{}, false},
	} {
		sleeps := 0
		pacerSleep = func(time.Duration) { sleeps++ }
		tc.lock.Lock()
		// The delay sleeps at least a timer's tick after each step of 8
		// buckets: the walk lasts a quarter of a second, many of the
		// pacer's windows.
		j := StartSnapshot(tc.lock, ks, io.Discard, SaveOptions{KeySaveDelay: time.Microsecond})
		tc.lock.Unlock()
		if err := j.Run(true); err != nil {
			t.Fatal(err)
		}
		if (sleeps > 0) != tc.paused {
			t.Errorf("%s: %d pauses", tc.name, sleeps)
		}
	}
}
