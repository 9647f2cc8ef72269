package aof

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/errorfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// newTestWriter opens /d/f.aof on fs.
func newTestWriter(t *testing.T, fs vfs.FS, p Policy) *Writer {
	t.Helper()
	if err := fs.MkdirAll("/d", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fs.SyncDir("/"); err != nil {
		t.Fatal(err)
	}
	f, err := fs.Create("/d/f.aof")
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.SyncDir("/d"); err != nil {
		t.Fatal(err)
	}
	return NewWriter(fs, f, "f.aof", 0, p)
}

func readAll(t *testing.T, fs vfs.FS) []string {
	t.Helper()
	data, err := vfs.ReadFile(fs, "/d/f.aof")
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := cmds(t, string(data), false)
	if err != nil {
		t.Fatalf("the AOF does not parse: %v", err)
	}
	return got
}

func feed(w *Writer, args ...string) int64 {
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	w.Feed(0, b, time.Now())
	return w.Offset()
}

// Ensure that under always an acknowledged command survives a power cut,
// and that concurrent flushes share fsyncs (group commit).
// The group commit covers every acknowledged write whether the waiters
// yield before leading (Flush: goroutine clients), do not (FlushBatched:
// the event loop) or both kinds wait on the same writer.
func TestWriterAlwaysGroupCommit(t *testing.T) {
	for _, mode := range []string{"Flush", "FlushBatched", "mixed"} {
		t.Run(mode, func(t *testing.T) { testAlwaysGroupCommit(t, mode) })
	}
}

func testAlwaysGroupCommit(t *testing.T, mode string) {
	mem := memfs.New()
	// A slow fsync, like a real disk's, lets commands pile up behind it.
	efs := errorfs.New(mem, errorfs.InjectorFunc(func(op errorfs.Op) error {
		if op.Kind == errorfs.OpSync {
			time.Sleep(time.Millisecond)
		}
		return nil
	}))
	w := newTestWriter(t, efs, Always)
	var feedMu sync.Mutex // stands for the server lock
	var wg sync.WaitGroup
	const clients, each = 16, 50
	acked := make(chan string, clients*each)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				v := fmt.Sprintf("c%d-%d", c, i)
				feedMu.Lock()
				target := feed(w, "SET", v, v)
				feedMu.Unlock()
				flush := w.Flush
				if mode == "FlushBatched" || (mode == "mixed" && c%2 == 0) {
					flush = w.FlushBatched
				}
				if err := flush(target); err != nil {
					t.Error(err)
					return
				}
				acked <- v
			}
		}()
	}
	wg.Wait()
	close(acked)
	syncs := efs.Count(errorfs.OpSync)
	if syncs > clients*each/4 {
		t.Errorf("%d fsyncs for %d commands: no group commit", syncs, clients*each)
	}
	t.Logf("%d commands, %d fsyncs", clients*each, syncs)
	crashed := mem.CrashClone()
	got := map[string]bool{}
	for _, c := range readAll(t, crashed) {
		got[c] = true
	}
	for v := range acked {
		if !got["SELECT 0"] || !got["SET "+v+" "+v] {
			t.Fatalf("acknowledged SET %s lost after a power cut", v)
		}
	}
}

// Ensure that a failing write is not acknowledged, leaves no partial
// command in the file, refuses further flushes, and that the retry writes
// everything in order once the disk recovers.
func TestWriterWriteFailureAndRecovery(t *testing.T) {
	for _, short := range []bool{false, true} {
		t.Run(fmt.Sprintf("short=%v", short), func(t *testing.T) {
			mem := memfs.New()
			var err error = syscall.ENOSPC
			if short {
				err = errorfs.ShortWrite(5, syscall.ENOSPC)
			}
			full := errorfs.Always(errorfs.OfKind(errorfs.OpWrite), err)
			full.Off()
			w := newTestWriter(t, errorfs.New(mem, full), Always)
			if err := w.Flush(feed(w, "SET", "a", "1")); err != nil {
				t.Fatal(err)
			}
			full.On()
			target := feed(w, "SET", "b", "2")
			if err := w.Flush(target); !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Flush with a full disk: %v, want ENOSPC", err)
			}
			if w.Err() == nil {
				t.Fatal("Err is nil while the disk is full")
			}
			if got := readAll(t, mem); len(got) != 2 {
				t.Fatalf("file holds %q after a failed write, want only the first command", got)
			}
			feed(w, "SET", "c", "3")
			full.Off()
			if err := w.Retry(); err != nil {
				t.Fatalf("Retry after the disk recovered: %v", err)
			}
			if w.Err() != nil {
				t.Fatalf("Err = %v after recovery", w.Err())
			}
			want := []string{"SELECT 0", "SET a 1", "SET b 2", "SET c 3"}
			if got := readAll(t, mem.CrashClone()); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("after recovery the durable file holds %q, want %q", got, want)
			}
		})
	}
}

// Ensure that a failed fdatasync is not retried blindly: the file goes back
// to its last synced size and the retained bytes are written again.
func TestWriterFsyncFailure(t *testing.T) {
	mem := memfs.New()
	bad := errorfs.Always(errorfs.OfKind(errorfs.OpSync), syscall.EIO)
	bad.Off()
	w := newTestWriter(t, errorfs.New(mem, bad), Always)
	if err := w.Flush(feed(w, "SET", "a", "1")); err != nil {
		t.Fatal(err)
	}
	bad.On()
	if err := w.Flush(feed(w, "SET", "b", "2")); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Flush with failing fsync: %v, want EIO", err)
	}
	if w.Synced() >= w.Offset() {
		t.Fatal("synced offset advanced past a failed fsync")
	}
	bad.Off()
	if err := w.Retry(); err != nil {
		t.Fatal(err)
	}
	want := []string{"SELECT 0", "SET a 1", "SET b 2"}
	if got := readAll(t, mem.CrashClone()); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("durable file %q, want %q", got, want)
	}
}

// Ensure that under everysec the background sync makes written data
// durable within about a second without any client flushing.
func TestWriterEverySec(t *testing.T) {
	mem := memfs.New()
	w := newTestWriter(t, mem, EverySec)
	w.StartBackgroundSync()
	defer w.Close()
	target := feed(w, "SET", "k", "v")
	if err := w.Flush(target); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for w.Synced() < target && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if w.Synced() < target {
		t.Fatal("everysec did not sync within 3 seconds")
	}
	if got := readAll(t, mem.CrashClone()); len(got) != 2 {
		t.Fatalf("durable file %q", got)
	}
}

// Ensure that Switch moves writing to a new file that starts with SELECT,
// and that the old file holds everything fed before.
func TestWriterSwitch(t *testing.T) {
	mem := memfs.New()
	w := newTestWriter(t, mem, Always)
	feed(w, "SET", "a", "1")
	nf, err := mem.Create("/d/g.aof")
	if err != nil {
		t.Fatal(err)
	}
	old, err := w.Switch(nf, "g.aof", 0)
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	if err := w.Flush(feed(w, "SET", "b", "2")); err != nil {
		t.Fatal(err)
	}
	data, _ := vfs.ReadFile(mem, "/d/g.aof")
	got, _, _ := cmds(t, string(data), false)
	if fmt.Sprint(got) != fmt.Sprint([]string{"SELECT 0", "SET b 2"}) {
		t.Fatalf("new file holds %q", got)
	}
	if got := readAll(t, mem); fmt.Sprint(got) != fmt.Sprint([]string{"SELECT 0", "SET a 1"}) {
		t.Fatalf("old file holds %q", got)
	}
}

func TestWriterTimestamps(t *testing.T) {
	mem := memfs.New()
	w := newTestWriter(t, mem, No)
	w.SetTimestamps(true)
	now := time.Unix(1795324319, 0)
	w.Feed(0, [][]byte{[]byte("SET"), []byte("a"), []byte("1")}, now)
	w.Feed(0, [][]byte{[]byte("SET"), []byte("b"), []byte("1")}, now)
	w.Feed(1, [][]byte{[]byte("SET"), []byte("c"), []byte("1")}, now.Add(time.Second))
	if err := w.Flush(w.Offset()); err != nil {
		t.Fatal(err)
	}
	data, _ := vfs.ReadFile(mem, "/d/f.aof")
	if !bytes.HasPrefix(data, []byte("#TS:1795324319\r\n*2\r\n$6\r\nSELECT")) || bytes.Count(data, []byte("#TS:")) != 2 {
		t.Fatalf("timestamps: %q", data)
	}
	var ts []int64
	r := NewReader(bytes.NewReader(data), 0)
	r.Annotations = func(text []byte, off int64) { ts = append(ts, off) }
	for {
		if _, err := r.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if len(ts) != 2 || ts[0] != 0 {
		t.Fatalf("annotation offsets %v", ts)
	}
}

func BenchmarkWriterFeed(b *testing.B) {
	w := NewWriter(memfs.New(), nil, "x", 0, No)
	args := [][]byte{[]byte("SET"), []byte("key:000000000042"), []byte("xxx")}
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		w.Feed(0, args, now)
		if w.Buffered() > 1<<20 {
			w.mu.Lock()
			w.buf = w.buf[:0]
			w.mu.Unlock()
		}
	}
}

// Ensure that a Flush whose command an fdatasync in progress already
// covers returns when that sync ends, instead of waiting behind the next
// group's sync (the waiters are woken together, not handed the I/O lock
// one by one).
func TestWriterCoveredWaiterSkipsNextSync(t *testing.T) {
	mem := memfs.New()
	entered := make(chan struct{}, 4)
	release := make(chan struct{}, 4)
	efs := errorfs.New(mem, errorfs.InjectorFunc(func(op errorfs.Op) error {
		if op.Kind == errorfs.OpSync && op.Path == "/d/f.aof" {
			entered <- struct{}{}
			<-release
		}
		return nil
	}))
	w := newTestWriter(t, efs, Always)
	waitSync := func() {
		select {
		case <-entered:
		case <-time.After(5 * time.Second):
			t.Fatal("no fdatasync started")
		}
	}
	flush := func(target int64) chan error {
		done := make(chan error, 1)
		go func() { done <- w.Flush(target) }()
		return done
	}

	a := feed(w, "SET", "a", "1")
	c := feed(w, "SET", "c", "3") // covered by A's sync
	doneA := flush(a)
	waitSync() // A's group (a, c) is syncing
	b := feed(w, "SET", "b", "2")
	doneB := flush(b) // needs the next group
	time.Sleep(20 * time.Millisecond)
	doneC := flush(c)
	time.Sleep(20 * time.Millisecond)

	release <- struct{}{} // A's sync ends; B leads the next one
	for _, d := range []chan error{doneA, doneC} {
		select {
		case err := <-d:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a Flush covered by the finished sync is still waiting")
		}
	}
	waitSync() // B's group
	select {
	case <-doneB:
		t.Fatal("B returned before its fdatasync finished")
	default:
	}
	release <- struct{}{}
	if err := <-doneB; err != nil {
		t.Fatal(err)
	}
}
