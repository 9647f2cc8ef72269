package errorfs

import (
	"io/fs"
	"os"
	"sync/atomic"

	"github.com/vestadb/vesta/internal/vfs"
)

// FS is a [vfs.FS] that asks an [Injector] before every operation and
// counts operations per kind.
type FS struct {
	inner  vfs.FS
	inj    Injector
	counts [numKinds]atomic.Int64
}

var _ vfs.FS = (*FS)(nil)

// New wraps inner so that inj can fail its operations. A nil inj fails
// nothing (the wrapper then only counts).
func New(inner vfs.FS, inj Injector) *FS {
	return &FS{inner: inner, inj: inj}
}

// Count returns how many operations of kind k were attempted, whether they
// failed or not.
func (e *FS) Count(k OpKind) int64 {
	if k >= numKinds {
		return 0
	}
	return e.counts[k].Load()
}

// Counts returns the attempted operations per kind, omitting kinds never
// attempted.
func (e *FS) Counts() map[OpKind]int64 {
	out := map[OpKind]int64{}
	for k := range numKinds {
		if n := e.counts[k].Load(); n > 0 {
			out[k] = n
		}
	}
	return out
}

// maybe counts op and returns the injector's error for it, unwrapped.
func (e *FS) maybe(op Op) error {
	e.counts[op.Kind].Add(1)
	if e.inj == nil {
		return nil
	}
	return e.inj.MaybeError(op)
}

// check returns the injected error for op wrapped as the os package would,
// or nil.
func (e *FS) check(op Op) error {
	err := e.maybe(op)
	if err == nil {
		return nil
	}
	if sw, ok := asShort(err); ok {
		err = sw.Err
	}
	if op.Kind == OpRename {
		return &os.LinkError{Op: "rename", Old: op.Path, New: op.NewPath, Err: err}
	}
	return &fs.PathError{Op: op.Kind.String(), Path: op.Path, Err: err}
}

// Create implements [vfs.FS].
func (e *FS) Create(name string) (vfs.File, error) {
	return e.open(OpCreate, name, e.inner.Create)
}

// OpenAppend implements [vfs.FS].
func (e *FS) OpenAppend(name string) (vfs.File, error) {
	return e.open(OpOpenAppend, name, e.inner.OpenAppend)
}

// Open implements [vfs.FS].
func (e *FS) Open(name string) (vfs.File, error) {
	return e.open(OpOpen, name, e.inner.Open)
}

func (e *FS) open(kind OpKind, name string, open func(string) (vfs.File, error)) (vfs.File, error) {
	if err := e.check(Op{Kind: kind, Path: name}); err != nil {
		return nil, err
	}
	f, err := open(name)
	if err != nil {
		return nil, err
	}
	return &file{fs: e, inner: f, name: name}, nil
}

// Rename implements [vfs.FS].
func (e *FS) Rename(oldname, newname string) error {
	if err := e.check(Op{Kind: OpRename, Path: oldname, NewPath: newname}); err != nil {
		return err
	}
	return e.inner.Rename(oldname, newname)
}

// Remove implements [vfs.FS].
func (e *FS) Remove(name string) error {
	if err := e.check(Op{Kind: OpRemove, Path: name}); err != nil {
		return err
	}
	return e.inner.Remove(name)
}

// MkdirAll implements [vfs.FS].
func (e *FS) MkdirAll(dir string, perm os.FileMode) error {
	if err := e.check(Op{Kind: OpMkdir, Path: dir}); err != nil {
		return err
	}
	return e.inner.MkdirAll(dir, perm)
}

// SyncDir implements [vfs.FS].
func (e *FS) SyncDir(dir string) error {
	if err := e.check(Op{Kind: OpSyncDir, Path: dir}); err != nil {
		return err
	}
	return e.inner.SyncDir(dir)
}

// Stat implements [vfs.FS].
func (e *FS) Stat(name string) (os.FileInfo, error) {
	if err := e.check(Op{Kind: OpStat, Path: name}); err != nil {
		return nil, err
	}
	return e.inner.Stat(name)
}

// ReadDir implements [vfs.FS].
func (e *FS) ReadDir(dir string) ([]os.DirEntry, error) {
	if err := e.check(Op{Kind: OpReadDir, Path: dir}); err != nil {
		return nil, err
	}
	return e.inner.ReadDir(dir)
}

// Truncate implements [vfs.FS].
func (e *FS) Truncate(name string, size int64) error {
	if err := e.check(Op{Kind: OpTruncate, Path: name}); err != nil {
		return err
	}
	return e.inner.Truncate(name, size)
}

// file wraps an inner file so that its operations can fail too.
type file struct {
	fs    *FS
	inner vfs.File
	name  string
}

// Read implements io.Reader.
func (f *file) Read(p []byte) (int, error) {
	if err := f.fs.check(Op{Kind: OpRead, Path: f.name, Len: len(p)}); err != nil {
		return 0, err
	}
	return f.inner.Read(p)
}

// ReadAt implements io.ReaderAt.
func (f *file) ReadAt(p []byte, off int64) (int, error) {
	if err := f.fs.check(Op{Kind: OpRead, Path: f.name, Len: len(p)}); err != nil {
		return 0, err
	}
	return f.inner.ReadAt(p, off)
}

// Write implements io.Writer. A *ShortWriteError from the injector writes
// a prefix of p before failing.
func (f *file) Write(p []byte) (int, error) {
	op := Op{Kind: OpWrite, Path: f.name, Len: len(p)}
	err := f.fs.maybe(op)
	if err == nil {
		return f.inner.Write(p)
	}
	sw, ok := asShort(err)
	if !ok {
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: err}
	}
	keep := sw.Keep
	if keep < 0 {
		keep = len(p) / 2
	}
	keep = max(0, min(keep, len(p)-1))
	n, werr := f.inner.Write(p[:keep])
	if werr != nil {
		return n, werr
	}
	return n, &fs.PathError{Op: "write", Path: f.name, Err: sw.Err}
}

// Seek implements io.Seeker. It only moves the offset and never fails by
// injection.
func (f *file) Seek(offset int64, whence int) (int64, error) {
	return f.inner.Seek(offset, whence)
}

// Close closes the inner file even when an error is injected.
func (f *file) Close() error {
	ierr := f.fs.check(Op{Kind: OpClose, Path: f.name})
	err := f.inner.Close()
	if ierr != nil {
		return ierr
	}
	return err
}

// Sync implements [vfs.File].
func (f *file) Sync() error {
	if err := f.fs.check(Op{Kind: OpSync, Path: f.name}); err != nil {
		return err
	}
	return f.inner.Sync()
}

// Truncate implements [vfs.File].
func (f *file) Truncate(size int64) error {
	if err := f.fs.check(Op{Kind: OpTruncate, Path: f.name}); err != nil {
		return err
	}
	return f.inner.Truncate(size)
}

// Stat implements [vfs.File].
func (f *file) Stat() (os.FileInfo, error) {
	if err := f.fs.check(Op{Kind: OpStat, Path: f.name}); err != nil {
		return nil, err
	}
	return f.inner.Stat()
}

// Name implements [vfs.File].
func (f *file) Name() string { return f.name }
