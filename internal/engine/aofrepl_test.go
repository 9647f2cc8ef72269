package engine

import (
	"errors"
	"io/fs"
	"syscall"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/persist"
	"github.com/vestadb/vesta/internal/stream"
	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/errorfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

const posID = "89abcdef0123456789abcdef0123456789abcdef"

// replFixture is a fixture with a replication history: ReplInfo gives the
// stream's offset, ReplRestore records what it is handed.
func replFixture(t *testing.T, fsys vfs.FS) (*fixture, *[]persist.ReplInfo) {
	t.Helper()
	f := newFixture(fsys, true)
	var restored []persist.ReplInfo
	f.e.o.ReplInfo = func() *persist.ReplInfo { return &persist.ReplInfo{ID: posID, Offset: f.st.Offset(), StreamDB: 3} }
	f.e.o.ReplRestore = func(info persist.ReplInfo) { restored = append(restored, info) }
	f.mu.Lock()
	t.Cleanup(f.mu.Unlock)
	if err := f.e.Load(); err != nil {
		t.Fatal(err)
	}
	return f, &restored
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

func propagateSome(f *fixture) {
	for _, k := range []string{"a", "b", "c"} {
		f.st.Propagate([]stream.Op{{DB: 3, Args: [][]byte{[]byte("SET"), []byte(k), []byte("v")}}}, time.Now())
	}
}

func posExists(t *testing.T, fsys vfs.FS) bool {
	t.Helper()
	_, err := fsys.Stat("/data/appendonlydir/appendonly.aof" + aof.ReplPosSuffix)
	return err == nil
}

// A clean Close records the position; the next Load continues it and
// removes the file before appending, durably.
func TestAOFReplPosCleanRestart(t *testing.T) {
	mem := newDataFS(t)
	f, _ := replFixture(t, mem)
	propagateSome(f)
	off := f.st.Offset()
	if off == 0 {
		t.Fatal("the stream did not move")
	}
	if err := f.e.Close(); err != nil {
		t.Fatal(err)
	}
	// Durable: a power loss right after the shutdown keeps it.
	c := mem.CrashClone()
	if !posExists(t, c) {
		t.Fatal("no position file after Close and a crash")
	}
	f2, restored := replFixture(t, c)
	if len(*restored) != 1 || (*restored)[0] != (persist.ReplInfo{ID: posID, Offset: off, StreamDB: 3}) {
		t.Fatalf("restored %+v, want offset %d", *restored, off)
	}
	if len(f2.rec.cmds) == 0 {
		t.Fatal("the AOF did not load")
	}
	if posExists(t, c.CrashClone()) {
		t.Fatal("the position file survives the startup that used it")
	}
	// A crash later finds nothing to continue.
	f2.st.Rebase(off)
	propagateSome(f2)
	_, restored3 := replFixture(t, c.CrashClone())
	if len(*restored3) != 0 {
		t.Fatalf("a crash after the restart restored %+v", *restored3)
	}
}

// kill -9: no Close, no file, a new history.
func TestAOFReplPosCrash(t *testing.T) {
	mem := newDataFS(t)
	f, _ := replFixture(t, mem)
	propagateSome(f)
	c := mem.CrashClone()
	if posExists(t, c) {
		t.Fatal("a position file without a clean shutdown")
	}
	if _, restored := replFixture(t, c); len(*restored) != 0 {
		t.Fatalf("restored %+v after a crash", *restored)
	}
}

// An AOF that changed after the position was recorded is not continued,
// and the stale file is removed.
func TestAOFReplPosMismatch(t *testing.T) {
	mem := newDataFS(t)
	f, _ := replFixture(t, mem)
	propagateSome(f)
	if err := f.e.Close(); err != nil {
		t.Fatal(err)
	}
	w, err := mem.OpenAppend("/data/appendonlydir/appendonly.aof.1.incr.aof")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("*2\r\n$3\r\nDEL\r\n$1\r\na\r\n"))
	w.Close()
	if _, restored := replFixture(t, mem); len(*restored) != 0 {
		t.Fatalf("restored %+v from a changed AOF", *restored)
	}
	if posExists(t, mem) {
		t.Fatal("the stale position file is still there")
	}
}

// A failed AOF write means the AOF may not hold what the stream counted:
// nothing is recorded. A failure writing the file itself is survived.
func TestAOFReplPosWriteErrors(t *testing.T) {
	mem := newDataFS(t)
	sw := errorfs.Always(errorfs.And(errorfs.OfKind(errorfs.OpWrite), errorfs.PathContains("incr")), syscall.ENOSPC)
	efs := errorfs.New(mem, sw)
	f, _ := replFixture(t, efs)
	sw.On()
	propagateSome(f)
	f.mu.Unlock()
	_ = f.e.DurabilityWait()()
	f.mu.Lock()
	sw.Off()
	_ = f.e.Close()
	if posExists(t, mem) {
		t.Fatal("a position recorded after AOF write errors")
	}

	mem2 := newDataFS(t)
	posFail := errorfs.Always(errorfs.PathContains(aof.ReplPosSuffix), syscall.EIO)
	f2, _ := replFixture(t, errorfs.New(mem2, posFail))
	propagateSome(f2)
	posFail.On()
	if err := f2.e.Close(); err != nil {
		t.Fatalf("Close failed because of the position file: %v", err)
	}
	if _, err := mem2.Stat("/data/appendonlydir/appendonly.aof" + aof.ReplPosSuffix); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("position file after a failed write: %v", err)
	}
}
