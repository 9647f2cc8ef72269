//go:build linux

package vfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncData flushes f's data, and the metadata needed to read it back, with
// fdatasync(2). It retries on EINTR.
func syncData(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		for {
			serr = unix.Fdatasync(int(fd))
			if serr != unix.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	if serr != nil {
		return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: serr}
	}
	return nil
}

// syncDir flushes a directory's entries with fsync(2).
func syncDir(d *os.File) error { return d.Sync() }
