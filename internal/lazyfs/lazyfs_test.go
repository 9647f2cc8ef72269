package lazyfs_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/vestadb/vesta/internal/lazyfs"
)

// requireFUSE skips the test when FUSE cannot be mounted directly (not root
// or no /dev/fuse), except in CI, which runs as root with /dev/fuse.
func requireFUSE(t testing.TB) {
	t.Helper()
	why := ""
	if os.Geteuid() != 0 {
		why = "not root"
	} else if f, err := os.OpenFile("/dev/fuse", os.O_RDWR, 0); err != nil {
		why = err.Error()
	} else {
		f.Close()
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("lazyfs needs root and /dev/fuse in CI: %s", why)
	}
	t.Skipf("lazyfs needs root and /dev/fuse: %s", why)
}

// mount mounts backing on a fresh directory and unmounts it (cleanly)
// when the test ends, unless the test cut the power first.
func mount(t *testing.T, backing string) *lazyfs.FS {
	t.Helper()
	requireFUSE(t)
	m, err := lazyfs.Mount(backing, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Unmount(); err != nil && !errors.Is(err, lazyfs.ErrNotMounted) {
			t.Errorf("unmount: %v", err)
		}
	})
	return m
}

// step is one action on a mounted file system.
type step func(t *testing.T, root string)

func mkdir(dir string) step {
	return func(t *testing.T, root string) {
		t.Helper()
		if err := os.Mkdir(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// write creates (or truncates) name, writes data and closes it, with an
// fdatasync before the close when sync is set.
func write(name, data string, sync bool) step {
	return func(t *testing.T, root string) {
		t.Helper()
		f, err := os.Create(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		finish(t, f, data, sync)
	}
}

// appendTo appends data with O_APPEND, as the AOF does.
func appendTo(name, data string, sync bool) step {
	return func(t *testing.T, root string) {
		t.Helper()
		f, err := os.OpenFile(filepath.Join(root, name), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		finish(t, f, data, sync)
	}
}

func finish(t *testing.T, f *os.File, data string, sync bool) {
	t.Helper()
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
	if sync {
		if err := unix.Fdatasync(int(f.Fd())); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// syncDir fsyncs a directory ("." is the root).
func syncDir(dir string) step {
	return func(t *testing.T, root string) {
		t.Helper()
		d, err := os.Open(filepath.Join(root, dir))
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if err := d.Sync(); err != nil {
			t.Fatal(err)
		}
	}
}

func rename(from, to string) step {
	return func(t *testing.T, root string) {
		t.Helper()
		if err := os.Rename(filepath.Join(root, from), filepath.Join(root, to)); err != nil {
			t.Fatal(err)
		}
	}
}

func remove(name string) step {
	return func(t *testing.T, root string) {
		t.Helper()
		if err := os.Remove(filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
}

// truncate truncates an open file and fsyncs it when sync is set.
func truncate(name string, size int64, sync bool) step {
	return func(t *testing.T, root string) {
		t.Helper()
		f, err := os.OpenFile(filepath.Join(root, name), os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
		finish(t, f, "", sync)
	}
}

const absent = "<absent>"

// read returns the contents of name under root, or absent.
func read(t *testing.T, root, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, name))
	if errors.Is(err, fs.ErrNotExist) {
		return absent
	}
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return string(data)
}

func TestPowerCut(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		// want maps a path to its contents after the cut, or absent.
		want map[string]string
	}{
		{
			name:  "close does not make a write durable",
			steps: []step{write("a", "x", false), syncDir(".")},
			want:  map[string]string{"a": ""},
		},
		{
			name:  "synced file in unsynced dir is absent",
			steps: []step{write("a", "x", true)},
			want:  map[string]string{"a": absent},
		},
		{
			name:  "synced file in synced dir survives",
			steps: []step{write("a", "x", true), syncDir(".")},
			want:  map[string]string{"a": "x"},
		},
		{
			name:  "dir sync before file sync still covers the data",
			steps: []step{write("a", "x", false), syncDir("."), appendTo("a", "y", true)},
			want:  map[string]string{"a": "xy"},
		},
		{
			name:  "only the synced prefix of appends survives",
			steps: []step{write("a", "one", true), syncDir("."), appendTo("a", "two", false), appendTo("a", "three", false)},
			want:  map[string]string{"a": "one"},
		},
		{
			name:  "rename without dir sync keeps the old name",
			steps: []step{write("a", "x", true), syncDir("."), rename("a", "b")},
			want:  map[string]string{"a": "x", "b": absent},
		},
		{
			name:  "rename with dir sync moves the name",
			steps: []step{write("a", "x", true), syncDir("."), rename("a", "b"), syncDir(".")},
			want:  map[string]string{"a": absent, "b": "x"},
		},
		{
			name: "rename over a target without dir sync keeps the old target",
			steps: []step{
				write("m", "old", true), syncDir("."),
				write("temp-m", "new", true), rename("temp-m", "m"),
			},
			want: map[string]string{"m": "old", "temp-m": absent},
		},
		{
			name: "atomic replace: write temp, fsync, rename, fsync dir",
			steps: []step{
				write("m", "old", true), syncDir("."),
				write("temp-m", "new", true), rename("temp-m", "m"), syncDir("."),
			},
			want: map[string]string{"m": "new", "temp-m": absent},
		},
		{
			name:  "rename of an unsynced file with dir sync has no data",
			steps: []step{write("temp-m", "new", false), rename("temp-m", "m"), syncDir(".")},
			want:  map[string]string{"m": ""},
		},
		{
			name:  "unlink without dir sync comes back",
			steps: []step{write("a", "x", true), syncDir("."), remove("a")},
			want:  map[string]string{"a": "x"},
		},
		{
			name:  "unlink with dir sync is gone",
			steps: []step{write("a", "x", true), syncDir("."), remove("a"), syncDir(".")},
			want:  map[string]string{"a": absent},
		},
		{
			name:  "new dir needs its parent synced",
			steps: []step{mkdir("d"), write("d/a", "x", true), syncDir("d")},
			want:  map[string]string{"d/a": absent, "d": absent},
		},
		{
			name:  "new dir with parent and itself synced",
			steps: []step{mkdir("d"), mkdir("d/e"), write("d/e/a", "x", true), syncDir("d/e"), syncDir("d"), syncDir(".")},
			want:  map[string]string{"d/e/a": "x"},
		},
		{
			name:  "unsynced truncate is lost",
			steps: []step{write("a", "abcdef", true), syncDir("."), truncate("a", 2, false)},
			want:  map[string]string{"a": "abcdef"},
		},
		{
			name:  "synced truncate survives",
			steps: []step{write("a", "abcdef", true), syncDir("."), truncate("a", 2, true)},
			want:  map[string]string{"a": "ab"},
		},
		{
			name:  "O_TRUNC over a synced file without sync keeps the old data",
			steps: []step{write("a", "old", true), syncDir("."), write("a", "new!", false)},
			want:  map[string]string{"a": "old"},
		},
		{
			name:  "truncate then append then sync",
			steps: []step{write("a", "abcdef", true), syncDir("."), truncate("a", 2, false), appendTo("a", "XY", true)},
			want:  map[string]string{"a": "abXY"},
		},
		{
			name: "rename across dirs synced only at the target leaves two names",
			steps: []step{
				mkdir("d1"), mkdir("d2"), syncDir("."),
				write("d1/a", "x", true), syncDir("d1"),
				rename("d1/a", "d2/a"), syncDir("d2"),
			},
			want: map[string]string{"d1/a": "x", "d2/a": "x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			backing := t.TempDir()
			m := mount(t, backing)
			for _, s := range tt.steps {
				s(t, m.Mountpoint())
			}
			before := m.String()
			if _, err := m.PowerCut(); err != nil {
				t.Fatal(err)
			}
			// The backing directory is the disk: check it, and a fresh mount.
			m2 := mount(t, backing)
			for name, want := range tt.want {
				if got := read(t, backing, name); got != want {
					t.Errorf("backing %s after cut: got %q, want %q\nbefore the cut:\n%s", name, got, want, before)
				}
				if got := read(t, m2.Mountpoint(), name); got != want {
					t.Errorf("remounted %s after cut: got %q, want %q\nbefore the cut:\n%s", name, got, want, before)
				}
			}
		})
	}
}

// Ensure that what a remount loads is durable: a second cut with no syncs
// in between loses nothing, and a clean unmount keeps unsynced data.
func TestRemount(t *testing.T) {
	backing := t.TempDir()
	m := mount(t, backing)
	root := m.Mountpoint()
	for _, s := range []step{
		mkdir("d"), write("d/a", "synced", true), syncDir("d"), syncDir("."),
		appendTo("d/a", "+lost", false), write("b", "lost", false),
	} {
		s(t, root)
	}
	if _, err := m.PowerCut(); err != nil {
		t.Fatal(err)
	}
	m = mount(t, backing)
	if _, err := m.PowerCut(); err != nil {
		t.Fatal(err)
	}
	m = mount(t, backing)
	root = m.Mountpoint()
	if got := read(t, root, "d/a"); got != "synced" {
		t.Fatalf("d/a after two cuts: got %q, want %q", got, "synced")
	}
	if got := read(t, root, "b"); got != absent {
		t.Fatalf("b after two cuts: got %q, want it absent", got)
	}
	appendTo("d/a", "+kept", false)(t, root)
	write("c", "kept", false)(t, root)
	if err := m.Unmount(); err != nil {
		t.Fatal(err)
	}
	if got := read(t, backing, "d/a"); got != "synced+kept" {
		t.Fatalf("d/a after clean unmount: got %q, want %q", got, "synced+kept")
	}
	if got := read(t, backing, "c"); got != "kept" {
		t.Fatalf("c after clean unmount: got %q, want %q", got, "kept")
	}
}

func TestCutStats(t *testing.T) {
	m := mount(t, t.TempDir())
	root := m.Mountpoint()
	for _, s := range []step{
		write("a", "12345", true), write("b", "x", true), syncDir("."),
		appendTo("a", "678", false), // 3 bytes lost
		write("c", "new", true),     // undurable entry
		rename("b", "b2"),           // two undurable changes: b2 appears, b vanishes
	} {
		s(t, root)
	}
	st := m.Stats()
	if st.FileSyncs != 3 || st.DirSyncs != 1 {
		t.Errorf("stats: got %+v, want 3 file syncs and 1 dir sync", st)
	}
	cs, err := m.PowerCut()
	if err != nil {
		t.Fatal(err)
	}
	want := lazyfs.CutStats{UnsyncedFiles: 1, LostBytes: 3, LostEntries: 2}
	if cs != want {
		t.Errorf("cut stats: got %+v, want %+v", cs, want)
	}
}

func TestTornWrites(t *testing.T) {
	const synced, unsynced = "base-", "0123456789"
	seen := map[int]bool{}
	for seed := uint64(0); seed < 60; seed++ {
		backing := t.TempDir()
		m := mount(t, backing)
		root := m.Mountpoint()
		write("aof", synced, true)(t, root)
		syncDir(".")(t, root)
		// Two appends: a cut may tear across or inside either.
		appendTo("aof", unsynced[:4], false)(t, root)
		appendTo("aof", unsynced[4:], false)(t, root)
		cs, err := m.PowerCutWith(lazyfs.CutConfig{TornWrites: true, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		got := read(t, backing, "aof")
		if !bytes.HasPrefix([]byte(synced+unsynced), []byte(got)) || len(got) < len(synced) {
			t.Fatalf("seed %d: got %q, want a prefix of %q at least %q long", seed, got, synced+unsynced, synced)
		}
		kept := len(got) - len(synced)
		if cs.TornBytes != int64(kept) || cs.LostBytes != int64(len(unsynced)-kept) {
			t.Fatalf("seed %d: kept %d bytes, stats %+v", seed, kept, cs)
		}
		seen[kept] = true
	}
	for keep := 0; keep <= len(unsynced); keep++ {
		if !seen[keep] {
			t.Errorf("no seed kept %d unsynced bytes; want every length from 0 to %d", keep, len(unsynced))
		}
	}
}

// Ensure that a process still using the mount after the cut gets EIO, and
// that nothing it does reaches the backing directory.
func TestOperationsFailAfterCut(t *testing.T) {
	backing := t.TempDir()
	m := mount(t, backing)
	root := m.Mountpoint()
	write("a", "x", true)(t, root)
	syncDir(".")(t, root)
	f, err := os.OpenFile(filepath.Join(root, "a"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := m.PowerCut(); err != nil {
		t.Fatal(err) // the open file makes the mount busy: it is detached
	}
	if _, err := f.WriteString("late"); err == nil {
		t.Fatal("write after the cut: got success, want an error")
	}
	if err := f.Sync(); err == nil {
		t.Fatal("fsync after the cut: got success, want an error")
	}
	if got := read(t, backing, "a"); got != "x" {
		t.Fatalf("backing a: got %q, want %q", got, "x")
	}
	if _, err := m.PowerCut(); !errors.Is(err, lazyfs.ErrNotMounted) {
		t.Fatalf("second cut: got %v, want ErrNotMounted", err)
	}
}

func TestSyncFault(t *testing.T) {
	tests := []struct {
		name   string
		fault  lazyfs.SyncFault
		repair func(f *os.File) error // after the failed fsync, before "three"
		want   string
	}{
		{
			name:  "unsynced bytes stay dirty: a retry syncs them",
			fault: lazyfs.SyncFault{Errno: syscall.EIO},
			want:  "onetwothree",
		},
		{
			name:  "forgotten bytes are lost on retry",
			fault: lazyfs.SyncFault{Errno: syscall.EIO, ForgetsWrites: true},
			want:  "one\x00\x00\x00three",
		},
		{
			name:  "forgotten bytes written again survive",
			fault: lazyfs.SyncFault{Errno: syscall.EIO, ForgetsWrites: true},
			repair: func(f *os.File) error {
				if err := f.Truncate(3); err != nil {
					return err
				}
				_, err := f.WriteString("two")
				return err
			},
			want: "onetwothree",
		},
		{
			name:  "forgotten bytes partly overwritten",
			fault: lazyfs.SyncFault{Errno: syscall.EIO, ForgetsWrites: true},
			repair: func(f *os.File) error {
				// pwrite(2) ignores the offset under O_APPEND: use a
				// second descriptor.
				g, err := os.OpenFile(f.Name(), os.O_WRONLY, 0)
				if err != nil {
					return err
				}
				defer g.Close()
				_, err = g.WriteAt([]byte("W"), 4)
				return err
			},
			want: "one\x00W\x00three",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			backing := t.TempDir()
			m := mount(t, backing)
			root := m.Mountpoint()
			write("a", "one", true)(t, root)
			syncDir(".")(t, root)
			m.SetSyncFault(tt.fault)
			f, err := os.OpenFile(filepath.Join(root, "a"), os.O_RDWR|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString("two"); err != nil {
				t.Fatal(err)
			}
			if err := unix.Fdatasync(int(f.Fd())); !errors.Is(err, syscall.EIO) {
				t.Fatalf("fdatasync: got %v, want EIO", err)
			}
			d, err := os.Open(root)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if err := d.Sync(); !errors.Is(err, syscall.EIO) {
				t.Fatalf("directory fsync: got %v, want EIO", err)
			}
			// Reads still see the bytes whose sync failed.
			if got := read(t, root, "a"); got != "onetwo" {
				t.Fatalf("read after the failed sync: got %q, want %q", got, "onetwo")
			}
			m.SetSyncFault(lazyfs.SyncFault{})
			if tt.repair != nil {
				if err := tt.repair(f); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := f.WriteString("three"); err != nil {
				t.Fatal(err)
			}
			if err := unix.Fdatasync(int(f.Fd())); err != nil {
				t.Fatalf("fdatasync after recovery: %v", err)
			}
			f.Close()
			d.Close()
			if _, err := m.PowerCut(); err != nil {
				t.Fatal(err)
			}
			if got := read(t, backing, "a"); got != tt.want {
				t.Fatalf("a after cut: got %q, want %q", got, tt.want)
			}
		})
	}
}

// Ensure that namespace operations behave as on a local file system.
func TestNamespace(t *testing.T) {
	m := mount(t, t.TempDir())
	root := m.Mountpoint()
	p := func(name string) string { return filepath.Join(root, name) }
	write("a", "x", false)(t, root)
	write("b", "y", false)(t, root)
	mkdir("d")(t, root)
	write("d/c", "z", false)(t, root)
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"rename onto a non-empty dir", os.Rename(p("a"), p("d")), syscall.EEXIST},
		{"rmdir of a non-empty dir", syscall.Rmdir(p("d")), syscall.ENOTEMPTY},
		{"unlink of a dir", syscall.Unlink(p("d")), syscall.EISDIR},
		{"rename a dir into itself", os.Rename(p("d"), p("d/e")), syscall.EINVAL},
		{"noreplace onto an existing name", unix.Renameat2(unix.AT_FDCWD, p("a"), unix.AT_FDCWD, p("b"), unix.RENAME_NOREPLACE), syscall.EEXIST},
		{"mkdir over a file", os.Mkdir(p("a"), 0o755), syscall.EEXIST},
		{"exclusive create over a file", excl(p("a")), syscall.EEXIST},
		{"lookup of a missing name", func() error { _, err := os.Stat(p("nope")); return err }(), syscall.ENOENT},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, tt.err, tt.want)
		}
	}
	if err := unix.Renameat2(unix.AT_FDCWD, p("a"), unix.AT_FDCWD, p("b"), unix.RENAME_EXCHANGE); err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if a, b := read(t, root, "a"), read(t, root, "b"); a != "y" || b != "x" {
		t.Fatalf("after exchange: a=%q b=%q, want a=%q b=%q", a, b, "y", "x")
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, fmt.Sprintf("%s:%v", e.Name(), e.IsDir()))
	}
	if got, want := fmt.Sprint(names), "[a:false b:false d:true]"; got != want {
		t.Fatalf("readdir: got %s, want %s", got, want)
	}
	// A removed file stays usable through an open descriptor.
	f, err := os.OpenFile(p("a"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	remove("a")(t, root)
	if _, err := f.WriteAt([]byte("Y2"), 0); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2)
	if _, err := f.ReadAt(buf, 0); err != nil || string(buf) != "Y2" {
		t.Fatalf("read of an unlinked file: got %q, %v; want %q", buf, err, "Y2")
	}
	// Sparse growth reads as zeros.
	if err := os.Truncate(p("b"), 4); err != nil {
		t.Fatal(err)
	}
	if got := read(t, root, "b"); got != "x\x00\x00\x00" {
		t.Fatalf("grown file: got %q, want %q", got, "x\x00\x00\x00")
	}
}

func excl(name string) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err == nil {
		f.Close()
	}
	return err
}

// Ensure that concurrent appenders that fdatasync keep at least what they
// synced, and never more than they wrote, in order.
func TestConcurrentAppendsCut(t *testing.T) {
	backing := t.TempDir()
	m := mount(t, backing)
	root := m.Mountpoint()
	const writers, records = 4, 200
	for w := 0; w < writers; w++ {
		write(fmt.Sprintf("f%d", w), "", true)(t, root)
	}
	syncDir(".")(t, root)
	synced := make([]int, writers) // bytes known synced per file
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := os.OpenFile(filepath.Join(root, fmt.Sprintf("f%d", w)), os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				errs <- err
				return
			}
			defer f.Close()
			size := 0
			for i := 0; i < records; i++ {
				rec := fmt.Sprintf("rec-%04d;", i)
				if _, err := f.WriteString(rec); err != nil {
					errs <- err
					return
				}
				size += len(rec)
				if i%3 == 0 {
					if err := unix.Fdatasync(int(f.Fd())); err != nil {
						errs <- err
						return
					}
					synced[w] = size
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if _, err := m.PowerCut(); err != nil {
		t.Fatal(err)
	}
	for w := 0; w < writers; w++ {
		got := read(t, backing, fmt.Sprintf("f%d", w))
		var all bytes.Buffer
		for i := 0; i < records; i++ {
			fmt.Fprintf(&all, "rec-%04d;", i)
		}
		if len(got) != synced[w] || !bytes.HasPrefix(all.Bytes(), []byte(got)) {
			t.Errorf("f%d: got %d bytes, want the first %d bytes written", w, len(got), synced[w])
		}
	}
}
