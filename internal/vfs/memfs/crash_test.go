package memfs_test

import (
	"bytes"
	"errors"
	"io/fs"
	"testing"

	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// step is one action of a durability scenario.
type step func(t *testing.T, m *memfs.FS)

func mkdir(dir string) step {
	return func(t *testing.T, m *memfs.FS) {
		t.Helper()
		if err := m.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// write creates (or truncates) name and writes data, syncing the file if
// sync is set.
func write(name, data string, sync bool) step {
	return func(t *testing.T, m *memfs.FS) {
		t.Helper()
		f, err := m.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
		if sync {
			if err := f.Sync(); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// appendTo appends data to name, syncing if sync is set.
func appendTo(name, data string, sync bool) step {
	return func(t *testing.T, m *memfs.FS) {
		t.Helper()
		f, err := m.OpenAppend(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
		if sync {
			if err := f.Sync(); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func syncDir(dir string) step {
	return func(t *testing.T, m *memfs.FS) {
		t.Helper()
		if err := m.SyncDir(dir); err != nil {
			t.Fatal(err)
		}
	}
}

func rename(from, to string) step {
	return func(t *testing.T, m *memfs.FS) {
		t.Helper()
		if err := m.Rename(from, to); err != nil {
			t.Fatal(err)
		}
	}
}

func remove(name string) step {
	return func(t *testing.T, m *memfs.FS) {
		t.Helper()
		if err := m.Remove(name); err != nil {
			t.Fatal(err)
		}
	}
}

func truncate(name string, size int64, sync bool) step {
	return func(t *testing.T, m *memfs.FS) {
		t.Helper()
		if err := m.Truncate(name, size); err != nil {
			t.Fatal(err)
		}
		if sync {
			f, err := m.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Sync(); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
	}
}

// readAll returns the contents of name, or ok=false if it does not exist.
func readAll(t *testing.T, fsys vfs.FS, name string) (string, bool) {
	t.Helper()
	data, err := vfs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false
	}
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return string(data), true
}

const absent = "<absent>"

func TestCrashClone(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		// want maps a path to its contents after the crash, or absent.
		want map[string]string
	}{
		{
			name:  "write without sync is lost",
			steps: []step{write("a", "x", false), syncDir("/")},
			want:  map[string]string{"a": ""},
		},
		{
			name:  "synced file in unsynced dir is absent",
			steps: []step{write("a", "x", true)},
			want:  map[string]string{"a": absent},
		},
		{
			name:  "synced file in synced dir survives",
			steps: []step{write("a", "x", true), syncDir("/")},
			want:  map[string]string{"a": "x"},
		},
		{
			name:  "dir sync before file sync still covers the data",
			steps: []step{write("a", "x", false), syncDir("/"), appendTo("a", "y", true)},
			want:  map[string]string{"a": "xy"},
		},
		{
			name:  "only the synced prefix of appends survives",
			steps: []step{write("a", "one", true), syncDir("/"), appendTo("a", "two", false)},
			want:  map[string]string{"a": "one"},
		},
		{
			name:  "rename without dir sync keeps the old name",
			steps: []step{write("a", "x", true), syncDir("/"), rename("a", "b")},
			want:  map[string]string{"a": "x", "b": absent},
		},
		{
			name:  "rename with dir sync moves the name",
			steps: []step{write("a", "x", true), syncDir("/"), rename("a", "b"), syncDir("/")},
			want:  map[string]string{"a": absent, "b": "x"},
		},
		{
			name: "rename over a target without dir sync keeps the old target",
			steps: []step{
				write("m", "old", true), syncDir("/"),
				write("temp-m", "new", true), rename("temp-m", "m"),
			},
			want: map[string]string{"m": "old", "temp-m": absent},
		},
		{
			name: "rename over a target with dir sync installs the new file",
			steps: []step{
				write("m", "old", true), syncDir("/"),
				write("temp-m", "new", true), rename("temp-m", "m"), syncDir("/"),
			},
			want: map[string]string{"m": "new", "temp-m": absent},
		},
		{
			name: "rename of an unsynced file with dir sync has no data",
			steps: []step{
				write("temp-m", "new", false), rename("temp-m", "m"), syncDir("/"),
			},
			want: map[string]string{"m": ""},
		},
		{
			name:  "remove without dir sync comes back",
			steps: []step{write("a", "x", true), syncDir("/"), remove("a")},
			want:  map[string]string{"a": "x"},
		},
		{
			name:  "remove with dir sync is gone",
			steps: []step{write("a", "x", true), syncDir("/"), remove("a"), syncDir("/")},
			want:  map[string]string{"a": absent},
		},
		{
			name:  "new dir needs its parent synced",
			steps: []step{mkdir("d"), write("d/a", "x", true), syncDir("d")},
			want:  map[string]string{"d/a": absent},
		},
		{
			name:  "new dir with parent and itself synced",
			steps: []step{mkdir("d/e"), write("d/e/a", "x", true), syncDir("d/e"), syncDir("d"), syncDir("/")},
			want:  map[string]string{"d/e/a": "x"},
		},
		{
			name:  "unsynced truncate is lost",
			steps: []step{write("a", "abcdef", true), syncDir("/"), truncate("a", 2, false)},
			want:  map[string]string{"a": "abcdef"},
		},
		{
			name:  "synced truncate survives",
			steps: []step{write("a", "abcdef", true), syncDir("/"), truncate("a", 2, true)},
			want:  map[string]string{"a": "ab"},
		},
		{
			name:  "create over a synced file without sync keeps the old data",
			steps: []step{write("a", "old", true), syncDir("/"), write("a", "new!", false)},
			want:  map[string]string{"a": "old"},
		},
		{
			name:  "truncate then append then sync",
			steps: []step{write("a", "abcdef", true), syncDir("/"), truncate("a", 2, false), appendTo("a", "XY", true)},
			want:  map[string]string{"a": "abXY"},
		},
		{
			name: "rename across dirs synced only at the target leaves two names",
			steps: []step{
				mkdir("d1"), mkdir("d2"), syncDir("/"),
				write("d1/a", "x", true), syncDir("d1"),
				rename("d1/a", "d2/a"), syncDir("d2"),
			},
			want: map[string]string{"d1/a": "x", "d2/a": "x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := memfs.New()
			for _, s := range tt.steps {
				s(t, m)
			}
			c := m.CrashClone()
			for name, want := range tt.want {
				got, ok := readAll(t, c, name)
				if !ok {
					got = absent
				}
				if got != want {
					t.Errorf("after crash %s = %q, want %q\nbefore crash:\n%s", name, got, want, m)
				}
			}
		})
	}
}

// Ensure that the crash clone is itself durable and independent of the
// original file system.
func TestCrashCloneIndependent(t *testing.T) {
	m := memfs.New()
	write("a", "x", true)(t, m)
	syncDir("/")(t, m)
	c := m.CrashClone()

	appendTo("a", "y", false)(t, c)
	if got, _ := readAll(t, m, "a"); got != "x" {
		t.Errorf("original after writing clone: got %q, want %q", got, "x")
	}
	appendTo("a", "z", true)(t, m)
	if got, _ := readAll(t, c, "a"); got != "xy" {
		t.Errorf("clone after writing original: got %q, want %q", got, "xy")
	}
	// Everything in a fresh clone is durable: cloning it again loses nothing.
	cc := c.CrashClone()
	if got, _ := readAll(t, cc, "a"); got != "x" {
		t.Errorf("clone of clone: got %q, want %q", got, "x")
	}
}

// Ensure that a file with two durable names stays one inode after a crash.
func TestCrashCloneKeepsIdentity(t *testing.T) {
	m := memfs.New()
	for _, s := range []step{
		mkdir("d1"), mkdir("d2"), syncDir("/"),
		write("d1/a", "x", true), syncDir("d1"),
		rename("d1/a", "d2/a"), syncDir("d2"),
	} {
		s(t, m)
	}
	c := m.CrashClone()
	appendTo("d1/a", "y", false)(t, c)
	if got, _ := readAll(t, c, "d2/a"); got != "xy" {
		t.Errorf("d2/a after appending to d1/a: got %q, want %q", got, "xy")
	}
}

func TestCrashCloneTornWrites(t *testing.T) {
	const synced, unsynced = "base-", "0123456789"
	build := func() *memfs.FS {
		m := memfs.New()
		write("aof", synced, true)(t, m)
		syncDir("/")(t, m)
		appendTo("aof", unsynced, false)(t, m)
		return m
	}
	m := build()
	seen := map[int]bool{}
	for seed := uint64(0); seed < 200; seed++ {
		cfg := memfs.CrashConfig{TornWrites: true, Seed: seed}
		got, ok := readAll(t, m.CrashCloneWith(cfg), "aof")
		if !ok {
			t.Fatalf("seed %d: file absent", seed)
		}
		if !bytes.HasPrefix([]byte(synced+unsynced), []byte(got)) || len(got) < len(synced) {
			t.Fatalf("seed %d: got %q, want a prefix of %q at least %q", seed, got, synced+unsynced, synced)
		}
		seen[len(got)-len(synced)] = true
		// The same seed gives the same result, also on an identical FS.
		again, _ := readAll(t, build().CrashCloneWith(cfg), "aof")
		if again != got {
			t.Fatalf("seed %d: got %q then %q, want the same", seed, got, again)
		}
	}
	for keep := 0; keep <= len(unsynced); keep++ {
		if !seen[keep] {
			t.Errorf("no seed kept %d unsynced bytes; want every length from 0 to %d", keep, len(unsynced))
		}
	}
	// Without TornWrites nothing unsynced survives.
	if got, _ := readAll(t, m.CrashClone(), "aof"); got != synced {
		t.Errorf("plain clone: got %q, want %q", got, synced)
	}
}

// Ensure that torn writes never resurrect an unsynced directory entry.
func TestCrashCloneTornWritesKeepDirsDurable(t *testing.T) {
	m := memfs.New()
	write("a", "x", true)(t, m)
	for seed := uint64(0); seed < 20; seed++ {
		c := m.CrashCloneWith(memfs.CrashConfig{TornWrites: true, Seed: seed})
		if _, ok := readAll(t, c, "a"); ok {
			t.Fatalf("seed %d: unsynced entry survived", seed)
		}
	}
}
