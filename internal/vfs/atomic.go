package vfs

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// TempPrefix is the prefix of the temporary file WriteFileAtomic writes
// when the caller gives no temporary name, as Redis does for its manifest.
const TempPrefix = "temp-"

// ErrBadTempName is returned by WriteFileAtomicFunc when the temporary name
// is not a plain base name distinct from the target.
var ErrBadTempName = errors.New("vfs: temporary name must be a base name other than the target")

// WriteFileAtomic durably replaces the file name with data. It is
// WriteFileAtomicFunc with the default temporary name.
func WriteFileAtomic(fsys FS, name string, data []byte) error {
	return WriteFileAtomicFunc(fsys, name, "", func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFileAtomicFunc durably replaces the file name with what write
// produces. The steps are:
//
//  1. create tempName (default "temp-<base of name>") in name's directory,
//     truncating any leftover from an earlier crash;
//  2. call write with the temporary file;
//  3. sync the temporary file;
//  4. close it;
//  5. rename it over name;
//  6. sync the directory, making the new name durable.
//
// A crash at any point leaves either the old or the new contents under
// name, never a mixture. Each error names the failing step and path, for
// example "vfs: rename dir/temp-x to dir/x: ...", and wraps the cause. If a
// step before the rename fails, the temporary file is removed (a removal
// error is ignored: the leftover is truncated by the next attempt). If the
// directory sync fails, the new file is in place but may not survive a
// crash; the error is still returned.
//
// write receives the unbuffered file; callers that write in small pieces
// should wrap it in a bufio.Writer and flush before returning.
func WriteFileAtomicFunc(fsys FS, name, tempName string, write func(w io.Writer) error) error {
	a, err := CreateAtomic(fsys, name, tempName)
	if err != nil {
		return err
	}
	if err := write(a.f); err != nil {
		return a.fail("write", err)
	}
	return a.Commit()
}

// AtomicFile is a file being written to replace another durably: the
// steps of WriteFileAtomicFunc for a writer that creates the file in one
// place and writes it in another (BGSAVE creates it when the command runs,
// and its background goroutine writes and commits it).
type AtomicFile struct {
	fsys      FS
	f         File
	tmp, name string
	dir       string
}

// CreateAtomic is step 1 of WriteFileAtomicFunc: it creates tempName
// (default "temp-<base of name>") in name's directory. Write to File, then
// call Commit, or Abort to give up.
func CreateAtomic(fsys FS, name, tempName string) (*AtomicFile, error) {
	dir, base := filepath.Split(name)
	if tempName == "" {
		tempName = TempPrefix + base
	}
	if tempName == base || strings.ContainsRune(tempName, filepath.Separator) || strings.ContainsRune(tempName, '/') {
		return nil, fmt.Errorf("%w: %q", ErrBadTempName, tempName)
	}
	tmp := dir + tempName
	if dir == "" {
		dir = "."
	}
	f, err := fsys.Create(tmp)
	if err != nil {
		return nil, fmt.Errorf("vfs: create %s: %w", tmp, err)
	}
	return &AtomicFile{fsys: fsys, f: f, tmp: tmp, name: name, dir: dir}, nil
}

// File is the temporary file to write.
func (a *AtomicFile) File() File { return a.f }

// fail closes and removes the temporary file after step failed.
func (a *AtomicFile) fail(step string, err error) error {
	a.Abort()
	return fmt.Errorf("vfs: %s %s: %w", step, a.tmp, err)
}

// Abort closes and removes the temporary file (errors are ignored: a
// leftover is truncated by the next attempt).
func (a *AtomicFile) Abort() {
	if a.f != nil {
		_ = a.f.Close()
		a.f = nil
	}
	_ = a.fsys.Remove(a.tmp)
}

// Commit is steps 3 to 6 of WriteFileAtomicFunc: sync the temporary file,
// close it, rename it over the target, sync the directory. A failure before
// the rename removes the temporary file.
func (a *AtomicFile) Commit() error {
	if err := a.f.Sync(); err != nil {
		return a.fail("sync", err)
	}
	err := a.f.Close()
	a.f = nil
	if err != nil {
		return a.fail("close", err)
	}
	if err := a.fsys.Rename(a.tmp, a.name); err != nil {
		_ = a.fsys.Remove(a.tmp)
		return fmt.Errorf("vfs: rename %s to %s: %w", a.tmp, a.name, err)
	}
	if err := a.fsys.SyncDir(filepath.Clean(a.dir)); err != nil {
		return fmt.Errorf("vfs: sync dir %s: %w", filepath.Clean(a.dir), err)
	}
	return nil
}
