package server

import (
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/errorfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

func aofConfig(preamble bool) func(c *config.Config) {
	return func(c *config.Config) {
		c.Dir = "/data"
		c.AppendOnly = true
		c.AppendFsync = config.FsyncAlways
		c.AOFUseRDBPreamble = preamble
	}
}

func newDataFS(t *testing.T) *memfs.FS {
	t.Helper()
	mem := memfs.New()
	if err := mem.MkdirAll("/data", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := mem.SyncDir("/"); err != nil {
		t.Fatal(err)
	}
	return mem
}

// armedInjector fails, when armed, the n-th mutating operation (0-based),
// after capturing what a power cut at that instant would leave.
type armedInjector struct {
	mu     sync.Mutex
	mem    *memfs.FS
	armed  bool
	n      int
	seen   int
	ops    []errorfs.Op
	clone  *memfs.FS
	failed bool
}

func (a *armedInjector) MaybeError(op errorfs.Op) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.armed || op.Kind.IsRead() || op.Kind == errorfs.OpStat || op.Kind == errorfs.OpReadDir || op.Kind == errorfs.OpClose {
		return nil
	}
	a.ops = append(a.ops, op)
	i := a.seen
	a.seen++
	if i == a.n {
		a.clone = a.mem.CrashClone()
		a.failed = true
		return syscall.EIO
	}
	return nil
}

// fillData writes a dataset through a client and returns its digest.
func fillData(t *testing.T, ts *testServer) string {
	t.Helper()
	c := ts.dial(t)
	for i := 0; i < 300; i++ {
		c.expect("+OK", "SET", fmt.Sprintf("k%d", i), fmt.Sprintf("v%d", i))
	}
	c.expect("+OK", "SELECT", "2")
	c.expect("+OK", "SET", "t", "x", "EX", "100000")
	return c.do("DEBUG", "DIGEST")
}

// digestOf starts a server on fs and returns DEBUG DIGEST, or the load error.
func digestOf(t *testing.T, fs vfs.FS, preamble bool) (string, error) {
	t.Helper()
	ts := startServerFS(t, fs, aofConfig(preamble))
	select {
	case <-ts.done:
		return "", ts.runErr
	default:
	}
	d := ts.dial(t).do("DEBUG", "DIGEST")
	ts.stop()
	return d, nil
}

// Ensure that a crash or an I/O failure at any step of BGREWRITEAOF leaves
// an AOF directory that loads the full dataset, and that a failed rewrite
// leaves a server that keeps working and persisting.
func TestRewriteFailureAtEveryStep(t *testing.T) {
	for _, preamble := range []bool{true, false} {
		t.Run(fmt.Sprintf("preamble=%v", preamble), func(t *testing.T) {
			// Count the mutating operations of one rewrite.
			mem := newDataFS(t)
			inj := &armedInjector{mem: mem, n: -1}
			ts := startServerFS(t, errorfs.New(mem, inj), aofConfig(preamble))
			want := fillData(t, ts)
			inj.mu.Lock()
			inj.armed = true
			inj.mu.Unlock()
			ts.dial(t).expect("+Background append only file rewriting started", "BGREWRITEAOF")
			ts.waitBackground(t)
			inj.mu.Lock()
			inj.armed = false
			steps := len(inj.ops)
			inj.mu.Unlock()
			ts.stop()
			if steps < 5 {
				t.Fatalf("a rewrite did only %d mutating operations: %v", steps, inj.ops)
			}
			if got, err := digestOf(t, mem, preamble); err != nil || got != want {
				t.Fatalf("after a clean rewrite: %v %s, want %s", err, got, want)
			}

			for i := 0; i < steps; i++ {
				mem := newDataFS(t)
				inj := &armedInjector{mem: mem, n: i}
				ts := startServerFS(t, errorfs.New(mem, inj), aofConfig(preamble))
				want := fillData(t, ts)
				inj.mu.Lock()
				inj.armed = true
				inj.mu.Unlock()
				reply := ts.dial(t).do("BGREWRITEAOF")
				ts.waitBackground(t)
				inj.mu.Lock()
				op, clone := inj.ops[len(inj.ops)-1], inj.clone
				inj.armed = false
				inj.mu.Unlock()

				// A power cut just before the operation.
				if clone == nil {
					t.Fatalf("step %d never reached (reply %s)", i, reply)
				}
				if got, err := digestOf(t, clone, preamble); err != nil || got != want {
					t.Fatalf("crash before step %d (%v): load %v, digest %s, want %s", i, op, err, got, want)
				}

				// The failure itself: the server keeps going, and what it
				// writes next is durable too.
				c := ts.dial(t)
				c.expect("+OK", "SET", "after", "failure")
				want2 := c.do("DEBUG", "DIGEST")
				crash := mem.CrashClone()
				ts.stop()
				if got, err := digestOf(t, crash, preamble); err != nil || got != want2 {
					t.Fatalf("failure at step %d (%v, reply %s), then a crash: load %v, digest %s, want %s", i, op, reply, err, got, want2)
				}
			}
			t.Logf("checked a crash and a failure at each of %d steps", steps)
		})
	}
}

// syncFailer fails, while armed, every fsync of the files whose name ends
// with suffix.
type syncFailer struct {
	mu     sync.Mutex
	armed  bool
	suffix string
	failed int
}

func (f *syncFailer) MaybeError(op errorfs.Op) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.armed && op.Kind == errorfs.OpSync && strings.HasSuffix(op.Path, f.suffix) {
		f.failed++
		return syscall.EIO
	}
	return nil
}

func (f *syncFailer) arm(on bool) {
	f.mu.Lock()
	f.armed = on
	f.mu.Unlock()
}

// Ensure that a rewrite that cannot flush the current incr file does not
// leave a manifest whose last incr file is not the one the writer keeps
// appending to: a torn tail of the file being written must remain a
// tolerated torn tail of the last file, not a refused torn middle file.
func TestRewriteFlushFailureKeepsLastIncr(t *testing.T) {
	mem := newDataFS(t)
	inj := &syncFailer{suffix: ".1.incr.aof"}
	ts := startServerFS(t, errorfs.New(mem, inj), func(c *config.Config) {
		aofConfig(true)(c)
		c.AppendFsync = config.FsyncEverySec
	})
	c := ts.dial(t)
	fillData(t, ts)
	inj.arm(true)
	// Written but not fsynced (the background fsync fails too).
	c.expect("+OK", "SET", "unsynced", "1")
	reply := c.do("BGREWRITEAOF")
	ts.waitBackground(t)
	inj.arm(false)
	inj.mu.Lock()
	failed := inj.failed
	inj.mu.Unlock()
	if failed == 0 {
		t.Fatalf("no fsync of the incr file failed (BGREWRITEAOF replied %s)", reply)
	}
	// The cron retries the failed fsync; writes are refused until then.
	deadline := time.Now().Add(10 * time.Second)
	for c.do("SET", "after", "failure") != "+OK" {
		if time.Now().After(deadline) {
			t.Fatal("writes still refused after the fsync failure was cleared")
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.expect("+OK", "SET", "last", "x")
	ts.stop()

	// Tear the last command off the file the writer appended to.
	path := "/data/appendonlydir/appendonly.aof.1.incr.aof"
	st, err := mem.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := mem.Truncate(path, st.Size()-3); err != nil {
		t.Fatal(err)
	}
	ts = startServerFS(t, mem, aofConfig(true))
	select {
	case <-ts.done:
		t.Fatalf("a torn tail of the incr file being written was refused: %v", ts.runErr)
	default:
	}
	c = ts.dial(t)
	c.expect("$1", "GET", "unsynced")
	c.expect("$failure", "GET", "after")
	c.expect("nil", "GET", "last")
}
