package memfs

import (
	"io"
	"io/fs"
	"os"
	"path"
	"syscall"
)

// file is an open handle on a node.
type file struct {
	fs     *FS
	n      *node
	name   string
	pos    int64
	read   bool
	write  bool
	append bool
	closed bool
}

func (f *file) err(op string, err error) error {
	return &fs.PathError{Op: op, Path: f.name, Err: err}
}

// check returns the error for an operation on a closed handle, a directory
// or a handle opened without the needed access. Callers hold f.fs.mu.
func (f *file) check(op string, needRead, needWrite bool) error {
	switch {
	case f.closed:
		return f.err(op, os.ErrClosed)
	case f.n.dir && (needRead || needWrite):
		return f.err(op, syscall.EISDIR)
	case needRead && !f.read, needWrite && !f.write:
		return f.err(op, syscall.EBADF)
	}
	return nil
}

// Read implements io.Reader.
func (f *file) Read(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("read", true, false); err != nil {
		return 0, err
	}
	if f.pos >= int64(len(f.n.data)) {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	c := copy(p, f.n.data[f.pos:])
	f.pos += int64(c)
	return c, nil
}

// ReadAt implements io.ReaderAt.
func (f *file) ReadAt(p []byte, off int64) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("read", true, false); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, f.err("read", syscall.EINVAL)
	}
	if off >= int64(len(f.n.data)) {
		return 0, io.EOF
	}
	c := copy(p, f.n.data[off:])
	if c < len(p) {
		return c, io.EOF
	}
	return c, nil
}

// Write implements io.Writer. In append mode every write goes to the end.
func (f *file) Write(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("write", false, true); err != nil {
		return 0, err
	}
	if f.append {
		f.pos = int64(len(f.n.data))
	}
	if f.pos+int64(len(p)) > maxSize {
		return 0, f.err("write", syscall.EFBIG)
	}
	f.n.writeAt(p, int(f.pos))
	f.pos += int64(len(p))
	return len(p), nil
}

// Seek implements io.Seeker. Seeking past the end is allowed; a later write
// zero-fills the gap.
func (f *file) Seek(offset int64, whence int) (int64, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("seek", false, false); err != nil {
		return 0, err
	}
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = f.pos
	case io.SeekEnd:
		base = int64(len(f.n.data))
	default:
		return 0, f.err("seek", syscall.EINVAL)
	}
	pos := base + offset
	if pos < 0 || pos > maxSize {
		return 0, f.err("seek", syscall.EINVAL)
	}
	f.pos = pos
	return pos, nil
}

// Close implements io.Closer. A second Close fails with os.ErrClosed.
func (f *file) Close() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.closed {
		return f.err("close", os.ErrClosed)
	}
	f.closed = true
	return nil
}

// Sync makes the file's live contents its synced contents. Like fsync(2),
// it works on a handle opened read-only too.
func (f *file) Sync() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("sync", false, false); err != nil {
		return err
	}
	if f.n.dir {
		f.n.syncDir()
		return nil
	}
	f.n.sync()
	return nil
}

// Truncate changes the file's live size; the handle must be writable.
func (f *file) Truncate(size int64) error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if !f.closed && !f.n.dir && !f.write {
		return f.err("truncate", syscall.EINVAL) // as ftruncate(2) on Linux
	}
	if err := f.check("truncate", false, true); err != nil {
		return err
	}
	if size < 0 || size > maxSize {
		return f.err("truncate", syscall.EINVAL)
	}
	f.n.resize(int(size))
	return nil
}

// Stat returns the live size of the file under its opened name.
func (f *file) Stat() (os.FileInfo, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("stat", false, false); err != nil {
		return nil, err
	}
	return f.n.info(path.Base(clean(f.name))), nil
}

// Name returns the name the file was opened with.
func (f *file) Name() string { return f.name }
