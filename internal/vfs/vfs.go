package vfs

import (
	"io"
	"os"
)

// FS is the set of file-system operations Vesta's persistence code uses.
//
// Names are slash-separated paths as understood by the implementation; the OS
// implementation passes them to the os package unchanged. Errors follow the os
// package: they are usually *os.PathError or *os.LinkError values wrapping a
// syscall.Errno, so errors.Is(err, fs.ErrNotExist) and
// errors.Is(err, syscall.ENOSPC) work for every implementation.
type FS interface {
	// Create opens name for writing with O_WRONLY|O_CREATE|O_TRUNC and mode
	// 0644. An existing file keeps its identity (inode) and is truncated.
	Create(name string) (File, error)

	// OpenAppend opens name for writing with O_WRONLY|O_APPEND|O_CREATE and
	// mode 0644. Every write goes to the end of the file.
	OpenAppend(name string) (File, error)

	// Open opens name read-only.
	Open(name string) (File, error)

	// Rename atomically replaces newname with oldname. The change is durable
	// only after SyncDir of both parent directories.
	Rename(oldname, newname string) error

	// Remove removes a file or an empty directory. The change is durable only
	// after SyncDir of the parent directory.
	Remove(name string) error

	// MkdirAll creates dir and any missing parents, like os.MkdirAll. New
	// directories are durable only after SyncDir of their parents.
	MkdirAll(dir string, perm os.FileMode) error

	// SyncDir makes the directory entries of dir durable (fsync(2) on the
	// directory).
	SyncDir(dir string) error

	// Stat returns the FileInfo of name.
	Stat(name string) (os.FileInfo, error)

	// ReadDir returns the entries of dir sorted by name.
	ReadDir(dir string) ([]os.DirEntry, error)

	// Truncate changes the size of the named file, like truncate(2). The new
	// size is durable only after a Sync of the file.
	Truncate(name string, size int64) error
}

// File is an open file returned by an [FS].
//
// A File is not safe for concurrent use unless the implementation says so;
// Vesta gives each open file a single owner.
type File interface {
	io.Reader
	io.Writer
	io.ReaderAt
	io.Seeker
	io.Closer

	// Sync makes the file's contents durable: fdatasync(2) on Linux. It
	// does not make the file's directory entry durable; see FS.SyncDir.
	Sync() error

	// Truncate changes the size of the file. The file must be open for
	// writing.
	Truncate(size int64) error

	// Stat returns the FileInfo of the open file.
	Stat() (os.FileInfo, error)

	// Name returns the name the file was opened with.
	Name() string
}

// ReadFile reads the whole named file from fsys, like os.ReadFile.
func ReadFile(fsys FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return data, nil
}
