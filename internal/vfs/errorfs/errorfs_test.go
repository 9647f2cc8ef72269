package errorfs_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"testing"

	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/errorfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// setup returns a memfs holding /d/a ("abc") and /d/sub/, wrapped by inj.
func setup(t *testing.T, inj errorfs.Injector) (*errorfs.FS, *memfs.FS) {
	t.Helper()
	m := memfs.New()
	must(t, m.MkdirAll("/d/sub", 0o755))
	f, err := m.Create("/d/a")
	must(t, err)
	_, err = io.WriteString(f, "abc")
	must(t, err)
	must(t, f.Close())
	return errorfs.New(m, inj), m
}

// Ensure that every operation is shown to the injector with the right kind
// and path, fails with the injected errno, and is not carried out.
func TestEveryOperationInjects(t *testing.T) {
	type call func(fsys vfs.FS, f vfs.File) error
	tests := []struct {
		kind errorfs.OpKind
		path string
		call call
		// unchanged checks on the inner FS that the operation did not happen.
		unchanged func(t *testing.T, m *memfs.FS)
	}{
		{errorfs.OpCreate, "/d/a", func(fsys vfs.FS, _ vfs.File) error { _, err := fsys.Create("/d/a"); return err },
			wantContents("/d/a", "abc")},
		{errorfs.OpOpenAppend, "/d/new", func(fsys vfs.FS, _ vfs.File) error { _, err := fsys.OpenAppend("/d/new"); return err },
			wantAbsent("/d/new")},
		{errorfs.OpOpen, "/d/a", func(fsys vfs.FS, _ vfs.File) error { _, err := fsys.Open("/d/a"); return err }, nil},
		{errorfs.OpRead, "/d/a", func(_ vfs.FS, f vfs.File) error { _, err := f.Read(make([]byte, 2)); return err }, nil},
		{errorfs.OpRead, "/d/a", func(_ vfs.FS, f vfs.File) error { _, err := f.ReadAt(make([]byte, 2), 0); return err }, nil},
		{errorfs.OpWrite, "/d/a", func(_ vfs.FS, f vfs.File) error { _, err := f.Write([]byte("xyz")); return err },
			wantContents("/d/a", "abc")},
		{errorfs.OpSync, "/d/a", func(_ vfs.FS, f vfs.File) error { return f.Sync() }, nil},
		{errorfs.OpClose, "/d/a", func(_ vfs.FS, f vfs.File) error { return f.Close() }, nil},
		{errorfs.OpTruncate, "/d/a", func(_ vfs.FS, f vfs.File) error { return f.Truncate(1) },
			wantContents("/d/a", "abc")},
		{errorfs.OpTruncate, "/d/a", func(fsys vfs.FS, _ vfs.File) error { return fsys.Truncate("/d/a", 1) },
			wantContents("/d/a", "abc")},
		{errorfs.OpStat, "/d/a", func(_ vfs.FS, f vfs.File) error { _, err := f.Stat(); return err }, nil},
		{errorfs.OpStat, "/d/a", func(fsys vfs.FS, _ vfs.File) error { _, err := fsys.Stat("/d/a"); return err }, nil},
		{errorfs.OpReadDir, "/d", func(fsys vfs.FS, _ vfs.File) error { _, err := fsys.ReadDir("/d"); return err }, nil},
		{errorfs.OpMkdir, "/d/x/y", func(fsys vfs.FS, _ vfs.File) error { return fsys.MkdirAll("/d/x/y", 0o755) },
			wantAbsent("/d/x")},
		{errorfs.OpRename, "/d/a", func(fsys vfs.FS, _ vfs.File) error { return fsys.Rename("/d/a", "/d/b") },
			wantContents("/d/a", "abc")},
		{errorfs.OpRemove, "/d/a", func(fsys vfs.FS, _ vfs.File) error { return fsys.Remove("/d/a") },
			wantContents("/d/a", "abc")},
		{errorfs.OpSyncDir, "/d", func(fsys vfs.FS, _ vfs.File) error { return fsys.SyncDir("/d") }, nil},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%d-%s", i, tt.kind), func(t *testing.T) {
			var seen []errorfs.Op
			var mu sync.Mutex
			sw := errorfs.Always(errorfs.OfKind(tt.kind), syscall.EIO)
			sw.Off()
			record := errorfs.InjectorFunc(func(op errorfs.Op) error {
				mu.Lock()
				defer mu.Unlock()
				seen = append(seen, op)
				return nil
			})
			efs, m := setup(t, errorfs.Any(record, sw))
			f, err := efs.OpenAppend("/d/a")
			must(t, err)
			defer f.Close()
			r, err := efs.Open("/d/a")
			must(t, err)
			defer r.Close()
			if tt.kind == errorfs.OpRead {
				f = r
			}
			before := efs.Count(tt.kind)
			mu.Lock()
			seen = nil
			mu.Unlock()

			sw.On()
			err = tt.call(efs, f)
			sw.Off()
			if !errors.Is(err, syscall.EIO) {
				t.Fatalf("got error %v, want EIO", err)
			}
			if got := efs.Count(tt.kind) - before; got != 1 {
				t.Errorf("count of %s: got %d more, want 1", tt.kind, got)
			}
			if len(seen) != 1 || seen[0].Kind != tt.kind || seen[0].Path != tt.path {
				t.Errorf("injector saw %v, want one %s of %s", seen, tt.kind, tt.path)
			}
			if sw.Hits() != 1 {
				t.Errorf("switch hits: got %d, want 1", sw.Hits())
			}
			if tt.unchanged != nil {
				tt.unchanged(t, m)
			}
		})
	}
}

func wantContents(name, want string) func(t *testing.T, m *memfs.FS) {
	return func(t *testing.T, m *memfs.FS) {
		t.Helper()
		got, err := vfs.ReadFile(m, name)
		must(t, err)
		if string(got) != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
}

func wantAbsent(name string) func(t *testing.T, m *memfs.FS) {
	return func(t *testing.T, m *memfs.FS) {
		t.Helper()
		if _, err := m.Stat(name); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: got stat error %v, want not exist", name, err)
		}
	}
}

// Ensure that errors look like the os package's, so code under test can
// inspect them the same way.
func TestErrorShape(t *testing.T) {
	efs, _ := setup(t, errorfs.Always(nil, syscall.ENOSPC))
	_, err := efs.Create("/d/x")
	var pe *os.PathError
	if !errors.As(err, &pe) || pe.Op != "create" || pe.Path != "/d/x" || pe.Err != syscall.ENOSPC {
		t.Errorf("create: got %#v, want *os.PathError{create /d/x ENOSPC}", err)
	}
	err = efs.Rename("/d/a", "/d/b")
	var le *os.LinkError
	if !errors.As(err, &le) || le.Old != "/d/a" || le.New != "/d/b" || le.Err != syscall.ENOSPC {
		t.Errorf("rename: got %#v, want *os.LinkError{/d/a /d/b ENOSPC}", err)
	}
	// A nil error means EIO.
	efs, _ = setup(t, errorfs.Always(nil, nil))
	if err := efs.SyncDir("/d"); !errors.Is(err, syscall.EIO) {
		t.Errorf("default error: got %v, want EIO", err)
	}
}

func TestOnIndex(t *testing.T) {
	idx := errorfs.OnIndex(2, errorfs.OfKind(errorfs.OpSyncDir), syscall.EIO)
	efs, _ := setup(t, idx)
	for i := range 5 {
		if i == 1 {
			must(t, efs.Remove("/d/a")) // not selected: does not advance the index
		}
		err := efs.SyncDir("/d")
		if wantFail := i == 2; (err != nil) != wantFail {
			t.Errorf("syncdir %d: got error %v, want failure %v", i, err, wantFail)
		}
		if got, want := idx.Fired(), i >= 2; got != want {
			t.Errorf("after syncdir %d: Fired() = %v, want %v", i, got, want)
		}
	}
}

func TestSwitchToggles(t *testing.T) {
	full := errorfs.Always(errorfs.WriteOps, syscall.ENOSPC)
	efs, _ := setup(t, full)
	if _, err := efs.Stat("/d/a"); err != nil {
		t.Errorf("read op while disk full: got %v, want nil", err)
	}
	if _, err := efs.Create("/d/x"); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("create while disk full: got %v, want ENOSPC", err)
	}
	full.Off()
	if full.Enabled() {
		t.Errorf("Enabled after Off: got true, want false")
	}
	f, err := efs.Create("/d/x")
	must(t, err)
	full.On()
	if _, err := f.Write([]byte("x")); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("write after On: got %v, want ENOSPC", err)
	}
	full.Off()
	_, err = f.Write([]byte("y"))
	must(t, err)
	must(t, f.Close())
}

func TestShortWrite(t *testing.T) {
	tests := []struct {
		keep int
		data string
		want string
	}{
		{keep: 3, data: "abcdef", want: "abc"},
		{keep: 0, data: "abcdef", want: ""},
		{keep: -1, data: "abcdef", want: "abc"},
		{keep: 100, data: "abcdef", want: "abcde"}, // always short
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.keep), func(t *testing.T) {
			sw := errorfs.Always(errorfs.OfKind(errorfs.OpWrite), errorfs.ShortWrite(tt.keep, nil))
			sw.Off()
			efs, m := setup(t, sw)
			f, err := efs.Create("/d/x")
			must(t, err)
			sw.On()
			n, err := f.Write([]byte(tt.data))
			sw.Off()
			if n != len(tt.want) || !errors.Is(err, syscall.ENOSPC) {
				t.Errorf("write: got %d, %v; want %d, ENOSPC", n, err, len(tt.want))
			}
			var sh *errorfs.ShortWriteError
			if errors.As(err, &sh) {
				t.Errorf("error %v should be the plain errno, not a *ShortWriteError", err)
			}
			must(t, f.Close())
			wantContents("/d/x", tt.want)(t, m)
		})
	}
	// For other kinds the short-write error is just its errno.
	efs, _ := setup(t, errorfs.Always(nil, errorfs.ShortWrite(1, syscall.EDQUOT)))
	err := efs.Remove("/d/a")
	var pe *os.PathError
	if !errors.As(err, &pe) || pe.Err != syscall.EDQUOT {
		t.Errorf("remove: got %v, want EDQUOT", err)
	}
}

// Ensure that Close releases the inner file even when it reports an error.
func TestCloseFailureStillCloses(t *testing.T) {
	sw := errorfs.Always(errorfs.OfKind(errorfs.OpClose), syscall.EIO)
	efs, _ := setup(t, sw)
	f, err := efs.Open("/d/a")
	must(t, err)
	if err := f.Close(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("close: got %v, want EIO", err)
	}
	sw.Off()
	if err := f.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("second close: got %v, want os.ErrClosed (inner file already closed)", err)
	}
}

func TestFilters(t *testing.T) {
	ops := []errorfs.Op{
		{Kind: errorfs.OpOpen, Path: "/d/appendonly.aof.manifest"},
		{Kind: errorfs.OpWrite, Path: "/d/appendonly.aof.1.incr.aof", Len: 3},
		{Kind: errorfs.OpRename, Path: "/d/temp-x", NewPath: "/d/appendonly.aof.manifest"},
		{Kind: errorfs.OpSyncDir, Path: "/d"},
	}
	tests := []struct {
		name   string
		filter errorfs.Filter
		want   []bool
	}{
		{"nil", nil, []bool{true, true, true, true}},
		{"all", errorfs.AllOps, []bool{true, true, true, true}},
		{"reads", errorfs.ReadOps, []bool{true, false, false, false}},
		{"writes", errorfs.WriteOps, []bool{false, true, true, true}},
		{"kind", errorfs.OfKind(errorfs.OpRename, errorfs.OpSyncDir), []bool{false, false, true, true}},
		{"path", errorfs.PathContains("manifest"), []bool{true, false, true, false}},
		{"and", errorfs.And(errorfs.WriteOps, errorfs.PathContains("manifest")), []bool{false, false, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := errorfs.Count(tt.filter)
			want := 0
			for i, op := range ops {
				before := c.N()
				must(t, c.MaybeError(op))
				if got := c.N() > before; got != tt.want[i] {
					t.Errorf("%v: selected %v, want %v", op, got, tt.want[i])
				}
				if tt.want[i] {
					want++
				}
			}
			if c.N() != want {
				t.Errorf("count: got %d, want %d", c.N(), want)
			}
		})
	}
}

func TestKindNames(t *testing.T) {
	seen := map[string]bool{}
	for k := errorfs.OpCreate; k <= errorfs.OpSyncDir; k++ {
		name := k.String()
		if name == "" || seen[name] {
			t.Errorf("kind %d: got name %q, want a unique non-empty name", k, name)
		}
		seen[name] = true
	}
	if got := errorfs.OpKind(200).String(); got != "OpKind(200)" {
		t.Errorf("unknown kind: got %q, want %q", got, "OpKind(200)")
	}
}

// Ensure the injectors are safe for concurrent use (run with -race).
func TestConcurrent(t *testing.T) {
	sw := errorfs.Always(errorfs.OfKind(errorfs.OpWrite), syscall.ENOSPC)
	cnt := errorfs.Count(nil)
	efs, _ := setup(t, errorfs.Any(cnt, sw, errorfs.OnIndex(50, nil, nil)))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := efs.Create(fmt.Sprintf("/d/f%d", g))
			if err != nil {
				return // the index may hit this create
			}
			defer f.Close()
			for i := range 100 {
				if i%10 == 0 {
					sw.Off()
				} else if i%10 == 5 {
					sw.On()
				}
				_, _ = f.Write([]byte("x"))
			}
		}()
	}
	wg.Wait()
	if cnt.N() == 0 || efs.Count(errorfs.OpWrite) == 0 {
		t.Errorf("got counter %d and %d writes, want both non-zero", cnt.N(), efs.Count(errorfs.OpWrite))
	}
	if got := efs.Counts()[errorfs.OpCreate]; got != 4 {
		t.Errorf("creates: got %d, want 4", got)
	}
}
