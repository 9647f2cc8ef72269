//go:build darwin

package vfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncData flushes f's data to stable storage. Plain fsync on macOS only
// reaches the drive's cache, so F_FULLFSYNC is used, falling back to fsync
// on file systems that do not support it.
func syncData(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		_, serr = unix.FcntlInt(fd, unix.F_FULLFSYNC, 0)
	}); err != nil {
		return err
	}
	if serr != nil {
		return f.Sync()
	}
	return nil
}

// syncDir flushes a directory's entries with fsync(2).
func syncDir(d *os.File) error { return d.Sync() }
