package vfs_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/errorfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

func TestWriteFileAtomic(t *testing.T) {
	for implName, setup := range implementations(t) {
		t.Run(implName, func(t *testing.T) {
			fsys, dir := setup(t)
			name := filepath.Join(dir, "m")
			must(t, vfs.WriteFileAtomic(fsys, name, []byte("one")))
			wantContents(t, fsys, name, "one")
			must(t, vfs.WriteFileAtomic(fsys, name, []byte("two")))
			wantContents(t, fsys, name, "two")
			ents, err := fsys.ReadDir(dir)
			must(t, err)
			if len(ents) != 1 || ents[0].Name() != "m" {
				t.Errorf("dir after two writes: got %v, want only m", ents)
			}
		})
	}
}

func TestWriteFileAtomicFunc(t *testing.T) {
	m := memfs.New()
	must(t, m.MkdirAll("/d", 0o755))
	err := vfs.WriteFileAtomicFunc(m, "/d/dump.rdb", "temp-42.rdb", func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		for i := range 3 {
			fmt.Fprintf(bw, "%d,", i)
		}
		return bw.Flush()
	})
	must(t, err)
	wantContents(t, m, "/d/dump.rdb", "0,1,2,")

	// A relative name in the current directory works.
	must(t, vfs.WriteFileAtomic(m, "top", []byte("x")))
	wantContents(t, m, "/top", "x")

	// The callback's error is returned and the temp file is removed.
	boom := errors.New("boom")
	err = vfs.WriteFileAtomicFunc(m, "/d/dump.rdb", "temp-43.rdb", func(io.Writer) error { return boom })
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "vfs: write /d/temp-43.rdb") {
		t.Errorf("failing callback: got %v, want wrapped boom naming the write step", err)
	}
	if _, err := m.Stat("/d/temp-43.rdb"); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("temp file after failure: got %v, want ENOENT", err)
	}
	wantContents(t, m, "/d/dump.rdb", "0,1,2,")

	for _, bad := range []string{"dump.rdb", "x/temp", "../temp"} {
		err := vfs.WriteFileAtomicFunc(m, "/d/dump.rdb", bad, func(io.Writer) error { return nil })
		if !errors.Is(err, vfs.ErrBadTempName) {
			t.Errorf("temp name %q: got %v, want ErrBadTempName", bad, err)
		}
	}
}

// Ensure that a successful WriteFileAtomic survives a crash.
func TestWriteFileAtomicDurable(t *testing.T) {
	m := memfs.New()
	must(t, m.MkdirAll("/d", 0o755))
	must(t, m.SyncDir("/"))
	must(t, vfs.WriteFileAtomic(m, "/d/m", []byte("v1")))
	wantContents(t, m.CrashClone(), "/d/m", "v1")
	must(t, vfs.WriteFileAtomic(m, "/d/m", []byte("v2")))
	c := m.CrashClone()
	wantContents(t, c, "/d/m", "v2")
	if _, err := c.Stat("/d/temp-m"); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("temp after crash: got %v, want ENOENT", err)
	}
}

// Ensure that a failure at any step leaves the old contents in place (live
// and after a crash), removes the temporary file, and names the step.
func TestWriteFileAtomicFailAtEveryStep(t *testing.T) {
	run := func(inj errorfs.Injector) (*memfs.FS, error) {
		m := memfs.New()
		must(t, m.MkdirAll("/d", 0o755))
		must(t, m.SyncDir("/"))
		must(t, vfs.WriteFileAtomic(m, "/d/m", []byte("old")))
		return m, vfs.WriteFileAtomic(errorfs.New(m, inj), "/d/m", []byte("new"))
	}
	counter := errorfs.Count(nil)
	if _, err := run(counter); err != nil {
		t.Fatal(err)
	}
	steps := []string{"create", "write", "sync", "close", "rename", "sync dir"}
	if counter.N() != len(steps) {
		t.Fatalf("ops in one write: got %d, want %d (%v)", counter.N(), len(steps), steps)
	}
	for i, step := range steps {
		t.Run(step, func(t *testing.T) {
			m, err := run(errorfs.OnIndex(i, nil, syscall.EIO))
			if !errors.Is(err, syscall.EIO) {
				t.Fatalf("got %v, want EIO", err)
			}
			if !strings.HasPrefix(err.Error(), "vfs: "+step+" /d") {
				t.Errorf("error %q does not start with %q", err, "vfs: "+step+" /d")
			}
			if _, err := m.Stat("/d/temp-m"); !errors.Is(err, syscall.ENOENT) {
				t.Errorf("temp file left behind: stat got %v, want ENOENT", err)
			}
			wantLive := "old"
			if step == "sync dir" {
				wantLive = "new" // renamed, but not yet durable
			}
			wantContents(t, m, "/d/m", wantLive)
			wantContents(t, m.CrashClone(), "/d/m", "old")
		})
	}
}

// Ensure that a short write on a full disk is reported and leaves the old
// file intact.
func TestWriteFileAtomicDiskFull(t *testing.T) {
	m := memfs.New()
	must(t, m.MkdirAll("/d", 0o755))
	must(t, vfs.WriteFileAtomic(m, "/d/m", []byte("old")))
	full := errorfs.Always(errorfs.OfKind(errorfs.OpWrite), errorfs.ShortWrite(-1, syscall.ENOSPC))
	efs := errorfs.New(m, full)
	err := vfs.WriteFileAtomic(efs, "/d/m", []byte("a longer new value"))
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("got %v, want ENOSPC", err)
	}
	wantContents(t, m, "/d/m", "old")
	full.Off()
	must(t, vfs.WriteFileAtomic(efs, "/d/m", []byte("new")))
	wantContents(t, m, "/d/m", "new")
}

func TestSlowSyncCallback(t *testing.T) {
	var got []string
	fsys := vfs.OS{
		SlowSync:   time.Nanosecond,
		OnSlowSync: func(name string, took time.Duration) { got = append(got, filepath.Base(name)) },
	}
	dir := t.TempDir()
	must(t, vfs.WriteFileAtomic(fsys, filepath.Join(dir, "m"), []byte("x")))
	want := []string{"temp-m", filepath.Base(dir)}
	if !equalStrings(got, want) {
		t.Errorf("slow syncs reported: got %q, want %q", got, want)
	}
	// Below the threshold nothing is reported.
	got = nil
	fsys.SlowSync = time.Hour
	must(t, vfs.WriteFileAtomic(fsys, filepath.Join(dir, "m"), []byte("y")))
	if len(got) != 0 {
		t.Errorf("with a one-hour threshold: got %q, want none", got)
	}
}

func BenchmarkWriteFileAtomicMemFS(b *testing.B) {
	m := memfs.New()
	data := []byte("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := vfs.WriteFileAtomic(m, "/appendonly.aof.manifest", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOSFileSync(b *testing.B) {
	f, err := vfs.Default.Create(filepath.Join(b.TempDir(), "aof"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	line := []byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Write(line); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}

// Ensure that CreateAtomic creates the temporary file at once, that Abort
// removes it and leaves the target as it was, and that Commit replaces the
// target.
func TestCreateAtomic(t *testing.T) {
	m := memfs.New()
	must(t, m.MkdirAll("/d", 0o755))
	must(t, vfs.WriteFileAtomic(m, "/d/dump.rdb", []byte("old")))
	a, err := vfs.CreateAtomic(m, "/d/dump.rdb", "temp-bg-1.rdb")
	must(t, err)
	if _, err := m.Stat("/d/temp-bg-1.rdb"); err != nil {
		t.Fatalf("temporary file not created: %v", err)
	}
	_, err = a.File().Write([]byte("half"))
	must(t, err)
	a.Abort()
	if _, err := m.Stat("/d/temp-bg-1.rdb"); err == nil {
		t.Fatal("Abort left the temporary file")
	}
	wantContents(t, m, "/d/dump.rdb", "old")

	a, err = vfs.CreateAtomic(m, "/d/dump.rdb", "temp-bg-1.rdb")
	must(t, err)
	_, err = a.File().Write([]byte("new"))
	must(t, err)
	must(t, a.Commit())
	wantContents(t, m, "/d/dump.rdb", "new")
	if _, err := vfs.CreateAtomic(m, "/d/dump.rdb", "dump.rdb"); !errors.Is(err, vfs.ErrBadTempName) {
		t.Fatalf("temporary name equal to the target: got %v", err)
	}
	if _, err := vfs.CreateAtomic(m, "/nodir/dump.rdb", ""); err == nil {
		t.Fatal("CreateAtomic in a missing directory succeeded")
	}
}
