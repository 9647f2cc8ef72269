package vfs_test

import (
	"errors"
	"io"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// FuzzConformance runs a random sequence of operations, decoded from the
// input, against memfs and the OS file system side by side, and requires
// the same results: the same errno (or none), the same bytes read, the same
// sizes and directory listings.
func FuzzConformance(f *testing.F) {
	f.Add([]byte{0, 0, 3, 1, 0, 2, 8, 0, 0})
	f.Add([]byte{5, 4, 0, 1, 0, 3, 2, 0, 5, 6, 4, 1, 9, 1, 7, 4})
	f.Add([]byte{0, 1, 9, 4, 1, 0, 2, 1, 4, 3, 4, 6, 8, 4, 2, 5, 0, 4, 7, 1})
	f.Add([]byte{5, 6, 2, 6, 0, 3, 6, 4, 3, 6, 6, 3, 7, 6, 4, 9, 6, 3})
	f.Fuzz(func(t *testing.T, prog []byte) {
		if len(prog) > 300 {
			prog = prog[:300]
		}
		osDir := t.TempDir()
		mem := memfs.New()
		impls := []struct {
			fs   vfs.FS
			root string
		}{{vfs.Default, osDir}, {mem, "/"}}
		// Names include a nested directory so that ENOTDIR, EISDIR and
		// ENOTEMPTY paths are reached.
		names := []string{"a", "b", "d", "d/a", "d/e", "d/e/b", "a/x"}
		arg := func(i int) byte {
			if i < len(prog) {
				return prog[i]
			}
			return 0
		}
		for pc := 0; pc < len(prog); pc += 3 {
			op, x, y := arg(pc)%10, int(arg(pc+1))%len(names), arg(pc+2)
			var results [2]string
			for k, impl := range impls {
				p := func(i int) string { return filepath.Join(impl.root, names[i]) }
				results[k] = runOp(impl.fs, op, p(x), p(int(y)%len(names)), int(y))
			}
			if results[0] != results[1] {
				t.Fatalf("op %d (%d %s %d): os gave %q, memfs gave %q\nmemfs:\n%s",
					pc/3, op, names[x], y, results[0], results[1], mem)
			}
		}
	})
}

// runOp performs one operation and describes its outcome.
func runOp(fsys vfs.FS, op byte, p, q string, n int) string {
	data := []byte("0123456789abcdef")[:n%16]
	switch op {
	case 0: // create and write
		f, err := fsys.Create(p)
		if err != nil {
			return errnoOf(err)
		}
		_, err = f.Write(data)
		f.Close()
		return "create " + errnoOf(err)
	case 1: // append
		f, err := fsys.OpenAppend(p)
		if err != nil {
			return errnoOf(err)
		}
		_, err = f.Write(data)
		f.Close()
		return "append " + errnoOf(err)
	case 2:
		return "rename " + errnoOf(fsys.Rename(p, q))
	case 3:
		return "remove " + errnoOf(fsys.Remove(p))
	case 4:
		return "mkdir " + errnoOf(fsys.MkdirAll(p, 0o755))
	case 5:
		return "truncate " + errnoOf(fsys.Truncate(p, int64(n%20)))
	case 6: // read
		f, err := fsys.Open(p)
		if err != nil {
			return "open " + errnoOf(err)
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		return "read " + string(b) + " " + errnoOf(err)
	case 7:
		fi, err := fsys.Stat(p)
		if err != nil {
			return "stat " + errnoOf(err)
		}
		if fi.IsDir() {
			return "stat dir"
		}
		return "stat " + string(rune('0'+fi.Size()))
	case 8:
		ents, err := fsys.ReadDir(p)
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		slices.Sort(names)
		return "readdir " + errnoOf(err) + " " + filepath.Join(names...)
	default:
		return "syncdir " + errnoOf(fsys.SyncDir(p))
	}
}

// errnoOf returns the errno inside err, "ok" for nil, or the error text.
func errnoOf(err error) string {
	if err == nil {
		return "ok"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	return err.Error()
}
