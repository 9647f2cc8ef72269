package vfs

import (
	"os"
	"time"
)

// SlowSyncThreshold is the duration past which a file or directory sync is
// reported through OS.OnSlowSync when OS.SlowSync is zero.
const SlowSyncThreshold = time.Second

// fileMode is the permission of every file Vesta creates, as Redis uses.
const fileMode = 0o644

// Default is the operating-system file system with no slow-sync callback.
var Default FS = OS{}

// OS is the [FS] backed by the operating system through the os package.
// The zero value is ready to use.
type OS struct {
	// OnSlowSync, if non-nil, is called after a File.Sync or SyncDir that
	// took longer than SlowSync (or SlowSyncThreshold when SlowSync is
	// zero). It is called synchronously from the goroutine that synced, so
	// it should be quick; the server uses it to log "slow fdatasync".
	OnSlowSync func(name string, took time.Duration)

	// SlowSync overrides SlowSyncThreshold when positive.
	SlowSync time.Duration
}

var _ FS = OS{}

// Create implements [FS].
func (o OS) Create(name string) (File, error) {
	return o.open(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
}

// OpenAppend implements [FS].
func (o OS) OpenAppend(name string) (File, error) {
	return o.open(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE)
}

// Open implements [FS].
func (o OS) Open(name string) (File, error) {
	return o.open(name, os.O_RDONLY)
}

func (o OS) open(name string, flag int) (File, error) {
	f, err := os.OpenFile(name, flag, fileMode)
	if err != nil {
		return nil, err
	}
	return &osFile{File: f, fs: o}, nil
}

// Rename implements [FS].
func (OS) Rename(oldname, newname string) error { return os.Rename(oldname, newname) }

// Remove implements [FS].
func (OS) Remove(name string) error { return os.Remove(name) }

// MkdirAll implements [FS].
func (OS) MkdirAll(dir string, perm os.FileMode) error { return os.MkdirAll(dir, perm) }

// Stat implements [FS].
func (OS) Stat(name string) (os.FileInfo, error) { return os.Stat(name) }

// ReadDir implements [FS].
func (OS) ReadDir(dir string) ([]os.DirEntry, error) { return os.ReadDir(dir) }

// Truncate implements [FS].
func (OS) Truncate(name string, size int64) error { return os.Truncate(name, size) }

// SyncDir implements [FS]. It opens dir read-only and fsyncs it.
func (o OS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	start := o.startTimer()
	err = syncDir(d)
	o.report(dir, start)
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// startTimer returns the current time when slow syncs are reported, and the
// zero time otherwise, so that an unobserved sync costs no clock reads.
func (o OS) startTimer() time.Time {
	if o.OnSlowSync == nil {
		return time.Time{}
	}
	return time.Now()
}

func (o OS) report(name string, start time.Time) {
	if o.OnSlowSync == nil {
		return
	}
	limit := o.SlowSync
	if limit <= 0 {
		limit = SlowSyncThreshold
	}
	if took := time.Since(start); took > limit {
		o.OnSlowSync(name, took)
	}
}

// osFile is an *os.File whose Sync uses the platform's data sync.
type osFile struct {
	*os.File
	fs OS
}

// Sync makes the file's data durable (fdatasync on Linux).
func (f *osFile) Sync() error {
	start := f.fs.startTimer()
	err := syncData(f.File)
	f.fs.report(f.Name(), start)
	return err
}
