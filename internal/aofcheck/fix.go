package aofcheck

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/vestadb/vesta/internal/vfs"
)

// Fix cuts the file at path down to okUpTo bytes (a Result's OKUpTo) and
// returns the name of the file that keeps the bytes it removed:
// <path>.broken, or <path>.broken.1, .2 … when that name is taken. The
// server must not be running.
//
// The steps are ordered so that no byte is ever lost: the tail is copied
// into the new file, which is fsynced, and the directory too; only then is
// the file truncated and fsynced. After a crash in between, the file is
// still whole and Fix can simply be run again. To undo a fix, append the
// .broken file back: cat file file.broken > restored.
//
// Fix does not judge whether cutting is wise; Report.FixTarget does.
func Fix(fsys vfs.FS, path string, okUpTo int64) (string, error) {
	return cutFile(fsys, path, okUpTo, ".broken")
}

// TruncateToTimestamp restores the AOF at path (a manifest or a single
// file) to its state at the Unix time ts, for point-in-time recovery: it
// checks the files with Options.Timestamp set and cuts the last file at
// the first #TS annotation later than ts (or at the MULTI that annotation
// falls in), keeping the removed bytes in <file>.after-<ts>. Everything
// written up to the end of second ts stays.
//
// It refuses, leaving every file alone, when Report.TimestampCut does: a
// damaged file, a cut that would fall in a file other than the last one,
// or a cut that would leave nothing. When no annotation is later than ts
// there is nothing to cut, and no file changes. The Result of the file
// that was cut has CutTo and Saved set.
func TruncateToTimestamp(fsys vfs.FS, path string, ts int64) (*Report, error) {
	if ts == 0 {
		return nil, errors.New("aofcheck: timestamp 0 means no timestamp")
	}
	rep, err := Check(fsys, path, Options{Timestamp: ts})
	if err != nil {
		return rep, err
	}
	_, err = rep.CutAtTimestamp(fsys)
	return rep, err
}

// CutAtTimestamp performs the cut that TimestampCut finds, on a Report
// made with Options.Timestamp, keeping the removed bytes in
// <file>.after-<timestamp>. It returns the file it cut (with CutTo and
// Saved set), nil when there was nothing to cut, or TimestampCut's error.
func (r *Report) CutAtTimestamp(fsys vfs.FS) (*Result, error) {
	target, err := r.TimestampCut()
	if err != nil || target == nil {
		return target, err
	}
	saved, err := cutFile(fsys, target.Path, target.TSCut, fmt.Sprintf(".after-%d", r.Timestamp))
	if err != nil {
		return target, err
	}
	target.CutTo, target.Saved = target.TSCut, saved
	return target, nil
}

// cutFile truncates path to at bytes after saving the rest in a new file
// named path+suffix (with a number added if that exists). It returns the
// saved file's name, or "" when there was nothing to cut.
func cutFile(fsys vfs.FS, path string, at int64, suffix string) (string, error) {
	src, err := fsys.Open(path)
	if err != nil {
		return "", fmt.Errorf("aofcheck: %w", err)
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return "", fmt.Errorf("aofcheck: %w", err)
	}
	size := st.Size()
	if at < 0 || at > size {
		return "", fmt.Errorf("aofcheck: cannot cut %s (%d bytes) at offset %d", path, size, at)
	}
	if at == size {
		return "", nil
	}

	saved, err := freeName(fsys, path+suffix)
	if err != nil {
		return "", err
	}
	if err := saveRange(fsys, saved, src, at, size-at); err != nil {
		return "", err
	}
	if err := fsys.SyncDir(filepath.Dir(saved)); err != nil {
		return "", fmt.Errorf("aofcheck: syncing the directory of %s: %w", saved, err)
	}

	w, err := fsys.OpenAppend(path)
	if err != nil {
		return saved, fmt.Errorf("aofcheck: opening %s to cut it: %w", path, err)
	}
	if err := w.Truncate(at); err != nil {
		w.Close()
		return saved, fmt.Errorf("aofcheck: truncating %s to %d bytes: %w", path, at, err)
	}
	if err := w.Sync(); err != nil {
		w.Close()
		return saved, fmt.Errorf("aofcheck: syncing %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return saved, fmt.Errorf("aofcheck: closing %s: %w", path, err)
	}
	return saved, nil
}

// saveRange copies n bytes of src from offset off into a new file name and
// makes it durable.
func saveRange(fsys vfs.FS, name string, src io.ReaderAt, off, n int64) error {
	dst, err := fsys.Create(name)
	if err != nil {
		return fmt.Errorf("aofcheck: creating %s: %w", name, err)
	}
	if _, err := io.Copy(dst, io.NewSectionReader(src, off, n)); err != nil {
		dst.Close()
		return fmt.Errorf("aofcheck: writing %s: %w", name, err)
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return fmt.Errorf("aofcheck: syncing %s: %w", name, err)
	}
	if err := dst.Close(); err != nil {
		return fmt.Errorf("aofcheck: closing %s: %w", name, err)
	}
	return nil
}

// freeName returns name, or name.1, name.2 … whichever does not exist.
func freeName(fsys vfs.FS, name string) (string, error) {
	try := name
	for i := 1; i < 10000; i++ {
		_, err := fsys.Stat(try)
		if errors.Is(err, fs.ErrNotExist) {
			return try, nil
		}
		if err != nil {
			return "", fmt.Errorf("aofcheck: %w", err)
		}
		try = fmt.Sprintf("%s.%d", name, i)
	}
	return "", fmt.Errorf("aofcheck: no free name for %s", name)
}
