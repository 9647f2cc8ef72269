//go:build !linux && !darwin

package vfs

import "os"

// syncData flushes f's data with fsync(2), the portable fallback.
func syncData(f *os.File) error { return f.Sync() }

// syncDir flushes a directory's entries with fsync(2).
func syncDir(d *os.File) error { return d.Sync() }
