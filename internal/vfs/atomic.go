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
	dir, base := filepath.Split(name)
	if tempName == "" {
		tempName = TempPrefix + base
	}
	if tempName == base || strings.ContainsRune(tempName, filepath.Separator) || strings.ContainsRune(tempName, '/') {
		return fmt.Errorf("%w: %q", ErrBadTempName, tempName)
	}
	tmp := dir + tempName
	if dir == "" {
		dir = "."
	}

	f, err := fsys.Create(tmp)
	if err != nil {
		return fmt.Errorf("vfs: create %s: %w", tmp, err)
	}
	fail := func(step string, err error) error {
		if f != nil {
			_ = f.Close()
		}
		_ = fsys.Remove(tmp)
		return fmt.Errorf("vfs: %s %s: %w", step, tmp, err)
	}
	if err := write(f); err != nil {
		return fail("write", err)
	}
	if err := f.Sync(); err != nil {
		return fail("sync", err)
	}
	err = f.Close()
	f = nil
	if err != nil {
		return fail("close", err)
	}
	if err := fsys.Rename(tmp, name); err != nil {
		_ = fsys.Remove(tmp)
		return fmt.Errorf("vfs: rename %s to %s: %w", tmp, name, err)
	}
	if err := fsys.SyncDir(filepath.Clean(dir)); err != nil {
		return fmt.Errorf("vfs: sync dir %s: %w", filepath.Clean(dir), err)
	}
	return nil
}
