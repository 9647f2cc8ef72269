package vfs_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// implementations returns every FS under test with a writable, existing
// directory to work in. memfs must behave like the operating system for
// everything that is not about crashes.
func implementations(t *testing.T) map[string]func(t *testing.T) (vfs.FS, string) {
	return map[string]func(t *testing.T) (vfs.FS, string){
		"os": func(t *testing.T) (vfs.FS, string) { return vfs.Default, t.TempDir() },
		"memfs": func(t *testing.T) (vfs.FS, string) {
			m := memfs.New()
			if err := m.MkdirAll("/data", 0o755); err != nil {
				t.Fatal(err)
			}
			return m, "/data"
		},
	}
}

// conformance is one behaviour every FS must show.
type conformance struct {
	name string
	run  func(t *testing.T, fsys vfs.FS, dir string)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErrno(t *testing.T, what string, err error, want syscall.Errno) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got error %v, want %v", what, err, want)
	}
}

func writeFile(t *testing.T, fsys vfs.FS, name, data string) {
	t.Helper()
	f, err := fsys.Create(name)
	must(t, err)
	_, err = io.WriteString(f, data)
	must(t, err)
	must(t, f.Close())
}

func wantContents(t *testing.T, fsys vfs.FS, name, want string) {
	t.Helper()
	got, err := vfs.ReadFile(fsys, name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	if string(got) != want {
		t.Errorf("%s: got %q, want %q", name, got, want)
	}
}

var conformanceTests = []conformance{
	{"create write read", func(t *testing.T, fsys vfs.FS, dir string) {
		name := filepath.Join(dir, "a")
		writeFile(t, fsys, name, "hello")
		wantContents(t, fsys, name, "hello")
	}},
	{"create truncates", func(t *testing.T, fsys vfs.FS, dir string) {
		name := filepath.Join(dir, "a")
		writeFile(t, fsys, name, "hello world")
		writeFile(t, fsys, name, "bye")
		wantContents(t, fsys, name, "bye")
	}},
	{"append always writes at the end", func(t *testing.T, fsys vfs.FS, dir string) {
		name := filepath.Join(dir, "a")
		f, err := fsys.OpenAppend(name) // creates
		must(t, err)
		_, err = io.WriteString(f, "ab")
		must(t, err)
		_, err = f.Seek(0, io.SeekStart)
		must(t, err)
		_, err = io.WriteString(f, "cd")
		must(t, err)
		must(t, f.Close())
		f, err = fsys.OpenAppend(name)
		must(t, err)
		_, err = io.WriteString(f, "ef")
		must(t, err)
		must(t, f.Close())
		wantContents(t, fsys, name, "abcdef")
	}},
	{"seek past end zero-fills", func(t *testing.T, fsys vfs.FS, dir string) {
		name := filepath.Join(dir, "a")
		f, err := fsys.Create(name)
		must(t, err)
		_, err = f.Seek(3, io.SeekStart)
		must(t, err)
		_, err = io.WriteString(f, "x")
		must(t, err)
		pos, err := f.Seek(-2, io.SeekEnd)
		must(t, err)
		if pos != 2 {
			t.Errorf("seek end-2: got %d, want 2", pos)
		}
		_, err = io.WriteString(f, "y")
		must(t, err)
		must(t, f.Close())
		wantContents(t, fsys, name, "\x00\x00yx")
	}},
	{"read, seek and read at", func(t *testing.T, fsys vfs.FS, dir string) {
		name := filepath.Join(dir, "a")
		writeFile(t, fsys, name, "0123456789")
		f, err := fsys.Open(name)
		must(t, err)
		defer f.Close()
		buf := make([]byte, 4)
		n, err := f.Read(buf)
		if n != 4 || err != nil || string(buf) != "0123" {
			t.Errorf("read: got %d %v %q, want 4 <nil> \"0123\"", n, err, buf)
		}
		n, err = f.ReadAt(buf, 8)
		if n != 2 || err != io.EOF || string(buf[:n]) != "89" {
			t.Errorf("read at 8: got %d %v %q, want 2 EOF \"89\"", n, err, buf[:n])
		}
		n, err = f.ReadAt(buf, 10)
		if n != 0 || err != io.EOF {
			t.Errorf("read at end: got %d %v, want 0 EOF", n, err)
		}
		pos, err := f.Seek(0, io.SeekCurrent)
		if pos != 4 || err != nil {
			t.Errorf("position after ReadAt: got %d %v, want 4", pos, err)
		}
		rest, err := io.ReadAll(f)
		if string(rest) != "456789" || err != nil {
			t.Errorf("rest: got %q %v, want \"456789\"", rest, err)
		}
		n, err = f.Read(buf)
		if n != 0 || err != io.EOF {
			t.Errorf("read at EOF: got %d %v, want 0 EOF", n, err)
		}
	}},
	{"access modes", func(t *testing.T, fsys vfs.FS, dir string) {
		name := filepath.Join(dir, "a")
		writeFile(t, fsys, name, "abc")
		r, err := fsys.Open(name)
		must(t, err)
		_, err = r.Write([]byte("x"))
		wantErrno(t, "write on read-only file", err, syscall.EBADF)
		wantErrno(t, "truncate on read-only file", r.Truncate(0), syscall.EINVAL)
		must(t, r.Sync()) // fsync works on a read-only descriptor
		must(t, r.Close())
		w, err := fsys.OpenAppend(name)
		must(t, err)
		_, err = w.Read(make([]byte, 1))
		wantErrno(t, "read on write-only file", err, syscall.EBADF)
		must(t, w.Close())
	}},
	{"close twice", func(t *testing.T, fsys vfs.FS, dir string) {
		f, err := fsys.Create(filepath.Join(dir, "a"))
		must(t, err)
		must(t, f.Close())
		if err := f.Close(); !errors.Is(err, os.ErrClosed) {
			t.Errorf("second close: got %v, want %v", err, os.ErrClosed)
		}
		if _, err := f.Write([]byte("x")); !errors.Is(err, os.ErrClosed) {
			t.Errorf("write after close: got %v, want %v", err, os.ErrClosed)
		}
	}},
	{"truncate", func(t *testing.T, fsys vfs.FS, dir string) {
		name := filepath.Join(dir, "a")
		writeFile(t, fsys, name, "abcdef")
		must(t, fsys.Truncate(name, 3))
		wantContents(t, fsys, name, "abc")
		must(t, fsys.Truncate(name, 5))
		wantContents(t, fsys, name, "abc\x00\x00")
		f, err := fsys.OpenAppend(name)
		must(t, err)
		must(t, f.Truncate(1))
		_, err = io.WriteString(f, "Z")
		must(t, err)
		must(t, f.Close())
		wantContents(t, fsys, name, "aZ")
		wantErrno(t, "truncate missing", fsys.Truncate(filepath.Join(dir, "nope"), 0), syscall.ENOENT)
	}},
	{"stat and name", func(t *testing.T, fsys vfs.FS, dir string) {
		name := filepath.Join(dir, "a")
		writeFile(t, fsys, name, "abcdef")
		fi, err := fsys.Stat(name)
		must(t, err)
		if fi.Name() != "a" || fi.Size() != 6 || fi.IsDir() {
			t.Errorf("stat: got name=%q size=%d dir=%v, want a 6 false", fi.Name(), fi.Size(), fi.IsDir())
		}
		fi, err = fsys.Stat(dir)
		must(t, err)
		if !fi.IsDir() {
			t.Errorf("stat dir: got IsDir false, want true")
		}
		f, err := fsys.OpenAppend(name)
		must(t, err)
		defer f.Close()
		if f.Name() != name {
			t.Errorf("Name: got %q, want %q", f.Name(), name)
		}
		_, err = io.WriteString(f, "g")
		must(t, err)
		fi, err = f.Stat()
		must(t, err)
		if fi.Size() != 7 {
			t.Errorf("file stat size: got %d, want 7", fi.Size())
		}
		_, err = fsys.Stat(filepath.Join(dir, "nope"))
		wantErrno(t, "stat missing", err, syscall.ENOENT)
	}},
	{"not exist errors", func(t *testing.T, fsys vfs.FS, dir string) {
		missing := filepath.Join(dir, "nope")
		_, err := fsys.Open(missing)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("open missing: got %v, want fs.ErrNotExist", err)
		}
		_, err = fsys.Create(filepath.Join(missing, "a"))
		wantErrno(t, "create in missing dir", err, syscall.ENOENT)
		wantErrno(t, "remove missing", fsys.Remove(missing), syscall.ENOENT)
		wantErrno(t, "rename missing", fsys.Rename(missing, filepath.Join(dir, "b")), syscall.ENOENT)
		wantErrno(t, "sync missing dir", fsys.SyncDir(missing), syscall.ENOENT)
		_, err = fsys.ReadDir(missing)
		wantErrno(t, "read missing dir", err, syscall.ENOENT)
	}},
	{"rename", func(t *testing.T, fsys vfs.FS, dir string) {
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		writeFile(t, fsys, a, "new")
		writeFile(t, fsys, b, "old")
		must(t, fsys.Rename(a, b))
		wantContents(t, fsys, b, "new")
		_, err := fsys.Stat(a)
		wantErrno(t, "old name after rename", err, syscall.ENOENT)
		must(t, fsys.Rename(b, b))
		wantContents(t, fsys, b, "new")

		d := filepath.Join(dir, "d")
		must(t, fsys.MkdirAll(filepath.Join(d, "e"), 0o755))
		wantErrno(t, "rename file over a dir", fsys.Rename(b, d), syscall.EEXIST)
		wantErrno(t, "rename dir over file", fsys.Rename(d, b), syscall.ENOTDIR)
		must(t, fsys.Rename(b, filepath.Join(d, "e", "b")))
		wantContents(t, fsys, filepath.Join(d, "e", "b"), "new")
	}},
	{"open file survives rename and remove", func(t *testing.T, fsys vfs.FS, dir string) {
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		writeFile(t, fsys, a, "data")
		f, err := fsys.Open(a)
		must(t, err)
		defer f.Close()
		must(t, fsys.Rename(a, b))
		must(t, fsys.Remove(b))
		got, err := io.ReadAll(f)
		if string(got) != "data" || err != nil {
			t.Errorf("read removed file: got %q %v, want \"data\"", got, err)
		}
	}},
	{"mkdir, readdir and remove", func(t *testing.T, fsys vfs.FS, dir string) {
		d := filepath.Join(dir, "x", "y")
		must(t, fsys.MkdirAll(d, 0o755))
		must(t, fsys.MkdirAll(d, 0o755)) // exists: no error
		writeFile(t, fsys, filepath.Join(d, "b"), "1")
		writeFile(t, fsys, filepath.Join(d, "a"), "22")
		must(t, fsys.MkdirAll(filepath.Join(d, "c"), 0o755))
		ents, err := fsys.ReadDir(d)
		must(t, err)
		var got []string
		for _, e := range ents {
			s := e.Name()
			if e.IsDir() {
				s += "/"
			}
			got = append(got, s)
		}
		if want := []string{"a", "b", "c/"}; !equalStrings(got, want) {
			t.Errorf("readdir: got %q, want %q", got, want)
		}
		err = fsys.MkdirAll(filepath.Join(d, "a", "z"), 0o755)
		wantErrno(t, "mkdir under a file", err, syscall.ENOTDIR)
		wantErrno(t, "remove non-empty dir", fsys.Remove(filepath.Join(dir, "x")), syscall.ENOTEMPTY)
		_, err = fsys.Create(d)
		wantErrno(t, "create over dir", err, syscall.EISDIR)
		for _, n := range []string{"a", "b", "c"} {
			must(t, fsys.Remove(filepath.Join(d, n)))
		}
		must(t, fsys.Remove(d))
		must(t, fsys.SyncDir(filepath.Join(dir, "x")))
	}},
	{"read a directory", func(t *testing.T, fsys vfs.FS, dir string) {
		f, err := fsys.Open(dir)
		must(t, err)
		defer f.Close()
		_, err = f.Read(make([]byte, 8))
		wantErrno(t, "read dir", err, syscall.EISDIR)
		must(t, f.Sync())
	}},
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Ensure that memfs and the OS file system behave the same outside crashes.
func TestConformance(t *testing.T) {
	for implName, setup := range implementations(t) {
		for _, tt := range conformanceTests {
			t.Run(implName+"/"+tt.name, func(t *testing.T) {
				fsys, dir := setup(t)
				tt.run(t, fsys, dir)
			})
		}
	}
}
