package memfs

import (
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/vestadb/vesta/internal/vfs"
)

// FS is an in-memory file system that models durability; see the package
// documentation. The zero value is not usable; call [New].
type FS struct {
	mu   sync.Mutex
	root *node
}

var _ vfs.FS = (*FS)(nil)

// New returns an empty file system holding only its root directory, which
// is always durable.
func New() *FS { return &FS{root: newDir()} }

// clean turns a name into a rooted, slash-separated, cleaned path. Relative
// names are taken relative to the root, and ".." never climbs above it.
func clean(name string) string {
	return path.Clean("/" + filepath.ToSlash(name))
}

// walk returns the node at the cleaned path p, following live entries.
func (m *FS) walk(p string) (*node, error) {
	n := m.root
	if p == "/" {
		return n, nil
	}
	for _, elem := range strings.Split(p[1:], "/") {
		if !n.dir {
			return nil, syscall.ENOTDIR
		}
		next, ok := n.live[elem]
		if !ok {
			return nil, syscall.ENOENT
		}
		n = next
	}
	return n, nil
}

// parent returns the directory that holds the cleaned path p and p's last
// element. The root has no parent.
func (m *FS) parent(p string) (*node, string, error) {
	if p == "/" {
		return nil, "", syscall.EINVAL
	}
	dir, base := path.Split(p)
	d, err := m.walk(path.Clean(dir))
	if err != nil {
		return nil, "", err
	}
	if !d.dir {
		return nil, "", syscall.ENOTDIR
	}
	return d, base, nil
}

// Create implements [vfs.FS]. An existing file keeps its identity and is
// truncated; the truncation, like any write, is durable only after Sync.
func (m *FS) Create(name string) (vfs.File, error) {
	return m.openWrite("open", name, true)
}

// OpenAppend implements [vfs.FS].
func (m *FS) OpenAppend(name string) (vfs.File, error) {
	return m.openWrite("open", name, false)
}

func (m *FS) openWrite(op, name string, trunc bool) (vfs.File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := clean(name)
	if p == "/" {
		return nil, &fs.PathError{Op: op, Path: name, Err: syscall.EISDIR}
	}
	d, base, err := m.parent(p)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	n, ok := d.live[base]
	switch {
	case !ok:
		n = newFile()
		d.live[base] = n
	case n.dir:
		return nil, &fs.PathError{Op: op, Path: name, Err: syscall.EISDIR}
	case trunc:
		n.resize(0)
	}
	return &file{fs: m, n: n, name: name, write: true, append: !trunc}, nil
}

// Open implements [vfs.FS]. A directory can be opened, but not read.
func (m *FS) Open(name string) (vfs.File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.walk(clean(name))
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &file{fs: m, n: n, name: name, read: true}, nil
}

// Rename implements [vfs.FS] like os.Rename: an existing target file is
// replaced; an existing target directory is refused with EEXIST.
func (m *FS) Rename(oldname, newname string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.rename(clean(oldname), clean(newname)); err != nil {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err}
	}
	return nil
}

func (m *FS) rename(op, np string) error {
	// Like rename(2), resolve both parents before looking at the names.
	od, obase, err := m.parent(op)
	if err != nil {
		return err
	}
	nd, nbase, err := m.parent(np)
	if err != nil {
		return err
	}
	src, ok := od.live[obase]
	if !ok {
		return syscall.ENOENT
	}
	if op == np {
		if src.dir {
			return syscall.EEXIST // as os.Rename, which refuses any directory target
		}
		return nil
	}
	dst, exists := nd.live[nbase]
	switch {
	case exists && dst.dir:
		// os.Rename refuses any existing directory as the target.
		return syscall.EEXIST
	case src.dir && strings.HasPrefix(np, op+"/"):
		return syscall.EINVAL
	case exists && dst == src:
		return nil
	case exists && src.dir:
		return syscall.ENOTDIR
	}
	delete(od.live, obase)
	nd.live[nbase] = src
	return nil
}

// Remove implements [vfs.FS]. Open handles of a removed file keep working.
func (m *FS) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := clean(name)
	d, base, err := m.parent(p)
	if err == nil {
		n, ok := d.live[base]
		switch {
		case !ok:
			err = syscall.ENOENT
		case n.dir && len(n.live) > 0:
			err = syscall.ENOTEMPTY
		default:
			delete(d.live, base)
			return nil
		}
	}
	return &fs.PathError{Op: "remove", Path: name, Err: err}
}

// MkdirAll implements [vfs.FS]. The permission is ignored.
func (m *FS) MkdirAll(dir string, _ os.FileMode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := clean(dir)
	n := m.root
	if p == "/" {
		return nil
	}
	for _, elem := range strings.Split(p[1:], "/") {
		next, ok := n.live[elem]
		if !ok {
			next = newDir()
			n.live[elem] = next
		} else if !next.dir {
			return &fs.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
		}
		n = next
	}
	return nil
}

// SyncDir implements [vfs.FS]: it makes dir's live entries durable. Like
// the OS implementation (open, then fsync), given a regular file it syncs
// the file's contents instead.
func (m *FS) SyncDir(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.walk(clean(dir))
	if err != nil {
		return &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	if n.dir {
		n.syncDir()
	} else {
		n.sync()
	}
	return nil
}

// Stat implements [vfs.FS].
func (m *FS) Stat(name string) (os.FileInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := clean(name)
	n, err := m.walk(p)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return n.info(path.Base(p)), nil
}

// ReadDir implements [vfs.FS].
func (m *FS) ReadDir(dir string) ([]os.DirEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.walk(clean(dir))
	if err == nil && !n.dir {
		err = syscall.ENOTDIR
	}
	if err != nil {
		return nil, &fs.PathError{Op: "readdirent", Path: dir, Err: err}
	}
	names := slices.Sorted(maps.Keys(n.live))
	out := make([]os.DirEntry, len(names))
	for i, name := range names {
		out[i] = fs.FileInfoToDirEntry(n.live[name].info(name))
	}
	return out, nil
}

// Truncate implements [vfs.FS].
func (m *FS) Truncate(name string, size int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.walk(clean(name))
	switch {
	case err != nil:
	case n.dir:
		err = syscall.EISDIR
	case size < 0 || size > maxSize:
		err = syscall.EINVAL
	default:
		n.resize(int(size))
		return nil
	}
	return &fs.PathError{Op: "truncate", Path: name, Err: err}
}

// maxSize bounds file sizes so that a bad Truncate or Seek in a test cannot
// ask for an absurd allocation; writes past it fail with EFBIG.
const maxSize = 1 << 32
