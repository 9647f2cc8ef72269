package server

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/stream"
)

// TestPropArena: arguments copied into the arena keep their values while
// later copies grow it, an empty argument stays non-nil, and after release
// the arena is reused without allocating.
func TestPropArena(t *testing.T) {
	var p propagation
	var want [][][]byte
	for i := range 200 {
		args := [][]byte{[]byte("SET"), fmt.Appendf(nil, "key:%d", i), bytes.Repeat([]byte("v"), i*7), {}}
		got := p.clone(args)
		p.ops = append(p.ops, stream.Op{Args: got})
		want = append(want, args)
		args[1][0] = 'X' // the caller's buffer changes: the copy must not
	}
	for i, op := range p.ops {
		w := want[i]
		w[1][0] = 'k'
		if len(op.Args) != len(w) {
			t.Fatalf("op %d: %d args, want %d", i, len(op.Args), len(w))
		}
		for j := range w {
			if !bytes.Equal(op.Args[j], w[j]) {
				t.Fatalf("op %d arg %d: %q, want %q", i, j, op.Args[j], w[j])
			}
		}
		if op.Args[3] == nil {
			t.Fatalf("op %d: the empty argument became nil", i)
		}
	}
	p.release() // ops still queued: nothing happens
	if len(p.arena.argv) == 0 {
		t.Fatal("release emptied the arena while ops were queued")
	}
	p.ops = p.ops[:0]
	p.release()
	args := [][]byte{[]byte("INCR"), []byte("counter")}
	if n := testing.AllocsPerRun(100, func() {
		p.ops = append(p.ops, stream.Op{Args: p.clone(args)})
		p.ops = p.ops[:0]
		p.release()
	}); n != 0 {
		t.Fatalf("%v allocations per clone after release, want 0", n)
	}
}

// TestClock: clock follows time.Now (monotonic and wall) once a batch took
// the lock, and before that falls back to it.
func TestClock(t *testing.T) {
	var s Server
	before := time.Now()
	if c := s.clock(); c.Before(before) {
		t.Fatalf("clock before any batch %v is before %v", c, before)
	}
	s.mu.lockNow()
	s.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	c := s.clock()
	now := time.Now()
	if d := now.Sub(c); d < 0 || d > 10*time.Millisecond {
		t.Fatalf("clock %v is %v behind time.Now %v", c, d, now)
	}
	if d := now.Round(0).Sub(c.Round(0)); d < -10*time.Millisecond || d > 10*time.Millisecond {
		t.Fatalf("clock's wall time %v is %v off time.Now's %v", c, d, now)
	}
	if c.Sub(before) < 20*time.Millisecond {
		t.Fatalf("clock advanced %v, want at least the 20ms slept", c.Sub(before))
	}
}

func BenchmarkClock(b *testing.B) {
	var s Server
	s.mu.lockNow()
	b.Run("time.Now", func(b *testing.B) {
		for b.Loop() {
			_ = time.Now()
		}
	})
	b.Run("clock", func(b *testing.B) {
		for b.Loop() {
			_ = s.clock()
		}
	})
}
