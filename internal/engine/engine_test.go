package engine

import (
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/persist"
	"github.com/vestadb/vesta/internal/stream"
	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// recorder is a Host whose AOF executor records the commands it is given.
type recorder struct{ cmds []string }

func (r *recorder) AOFExec() persist.Executor   { return r }
func (r *recorder) Crashed(where string, v any) { panic(v) }
func (r *recorder) Objects() persist.ObjectLoader {
	return nil
}
func (r *recorder) Exec(args [][]byte) error {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = string(a)
	}
	r.cmds = append(r.cmds, strings.Join(parts, " "))
	return nil
}
func (r *recorder) DiscardMulti() {}

type fixture struct {
	mu  sync.Mutex
	st  stream.Stream
	ks  *keyspace.Keyspace
	e   *Engine
	rec *recorder
}

func newFixture(fs vfs.FS, appendonly bool) *fixture {
	cfg := config.Default()
	cfg.Dir = "/data"
	cfg.Save = nil
	cfg.AppendOnly = appendonly
	cfg.AppendFsync = config.FsyncAlways
	f := &fixture{ks: keyspace.New(cfg.Databases), rec: &recorder{}}
	f.e = New(Options{Mu: &f.mu, KS: f.ks, Config: cfg, FS: fs,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Stream: &f.st, Host: f.rec})
	return f
}

// Ensure that the engine consumes the propagation stream while the AOF is
// on: what is appended to the stream is durable once the durability wait
// returns, loads back in order, and nothing listens to the stream when AOF
// is off.
func TestStreamReachesTheAOF(t *testing.T) {
	mem := memfs.New()
	if err := mem.MkdirAll("/data", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := mem.SyncDir("/"); err != nil {
		t.Fatal(err)
	}
	f := newFixture(mem, true)
	f.mu.Lock()
	if err := f.e.Load(); err != nil {
		t.Fatal(err)
	}
	if !f.st.Active() || !f.e.AOFOn() {
		t.Fatal("the AOF does not consume the stream after Load")
	}
	now := time.Now()
	f.st.Propagate([]stream.Op{{DB: 0, Args: [][]byte{[]byte("SET"), []byte("k"), []byte("v")}}}, now)
	f.st.Propagate([]stream.Op{
		{DB: 3, Args: [][]byte{[]byte("INCR"), []byte("n")}},
		{DB: 3, Args: [][]byte{[]byte("DEL"), []byte("x")}},
	}, now)
	wait := f.e.DurabilityWait()
	f.mu.Unlock()
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	// What the wait covered survives a power cut.
	crash := mem.CrashClone()
	f.mu.Lock()
	if err := f.e.Close(); err != nil {
		t.Fatal(err)
	}
	if f.st.Active() {
		t.Fatal("the stream still has a consumer after Close")
	}
	f.mu.Unlock()

	g := newFixture(crash, true)
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.e.Load(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(g.rec.cmds, "; ")
	want := "SELECT 0; SET k v; SELECT 3; MULTI; INCR n; DEL x; EXEC"
	if got != want {
		t.Fatalf("loaded %q, want %q", got, want)
	}
	if err := g.e.Close(); err != nil {
		t.Fatal(err)
	}

	h := newFixture(crash, false)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.e.Load(); err != nil {
		t.Fatal(err)
	}
	if h.st.Active() || h.e.AOFOn() {
		t.Fatal("the stream has a consumer with appendonly no")
	}
}

// Ensure that a background save records the stream offset of its cut: the
// end of the last command appended before it, whatever comes after.
func TestSnapshotCutOffset(t *testing.T) {
	mem := memfs.New()
	if err := mem.MkdirAll("/data", 0o755); err != nil {
		t.Fatal(err)
	}
	f := newFixture(mem, true)
	f.mu.Lock()
	if err := f.e.Load(); err != nil {
		t.Fatal(err)
	}
	set := []stream.Op{{DB: 0, Args: [][]byte{[]byte("SET"), []byte("k"), []byte("v")}}}
	f.st.Propagate(set, time.Now())
	cut := f.st.Offset()
	if cut == 0 {
		t.Fatal("the offset did not move")
	}
	if _, err := f.e.BGSave(false, false); err != nil {
		t.Fatal(err)
	}
	bg := f.e.rdb.bg
	f.st.Propagate(set, time.Now())
	if bg == nil || bg.offset != cut {
		t.Fatalf("BGSAVE cut at offset %v, want %d", bg, cut)
	}
	f.mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.mu.Lock()
		busy := f.e.Busy()
		if !busy {
			err := f.e.Close()
			f.mu.Unlock()
			if err != nil {
				t.Fatal(err)
			}
			break
		}
		f.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatal("BGSAVE did not finish")
		}
		time.Sleep(time.Millisecond)
	}
	if !f.e.rdb.lastOK {
		t.Fatal("BGSAVE failed")
	}
}
