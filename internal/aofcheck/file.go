package aofcheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/vestadb/vesta/internal/rdbcheck"
	"github.com/vestadb/vesta/internal/vfs"
)

// Options configure a check.
type Options struct {
	// Timestamp, when non-zero, is a Unix time in seconds: in each file,
	// checking stops at the first "#TS:" annotation later than it, and
	// Result.TSCut records where (see TruncateToTimestamp).
	Timestamp int64
	// RDB configures the check of RDB parts; its Name is set per file.
	RDB rdbcheck.Options
}

// CheckFile checks one file on its own, as an old-style AOF: a RESP
// command log, or an RDB image possibly followed by commands. An error is
// returned only when the file cannot be read; the verdict is in the Result.
func CheckFile(fsys vfs.FS, path string, opts Options) (*Result, error) {
	return checkFile(fsys, path, path, RoleSingle, true, opts)
}

// checkFile checks the file at path, shown as name. An error means the
// file could not be opened or read.
func checkFile(fsys vfs.FS, path, name string, role Role, last bool, opts Options) (*Result, error) {
	res := &Result{Name: name, Path: path, Role: role, Last: last,
		ErrOffset: -1, TSCut: -1, CutTo: -1, OKUpToLine: 1, StopLine: 1}
	f, err := fsys.Open(path)
	if err != nil {
		return res, &openError{err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return res, &openError{err}
	}
	size := st.Size()
	res.Size = size
	if size == 0 {
		res.Status = StatusEmpty
		return res, nil
	}

	var start int64
	if isRDB(f, size) {
		res.Format = FormatRDB
		ro := opts.RDB
		ro.Name = name
		rep, err := rdbcheck.Check(io.NewSectionReader(f, 0, size), size, ro)
		res.RDB = rep
		if err != nil {
			var ce *rdbcheck.Error
			if !errors.As(err, &ce) {
				return res, fmt.Errorf("aofcheck: reading %s: %w", path, err)
			}
			res.Status = StatusCorrupt
			res.ErrOffset = ce.Offset
			res.Reason = "RDB part: " + ce.Reason()
			res.Err = fmt.Errorf("%w: %s: RDB part: %w", ErrCorrupt, name, err)
			return res, nil
		}
		start = rep.End
	}

	er := &errReader{r: io.NewSectionReader(f, start, size-start)}
	part := scanRESP(er, start, name, opts.Timestamp)
	if er.err != nil {
		return res, fmt.Errorf("aofcheck: reading %s: %w", path, er.err)
	}
	res.Status = part.status
	res.OKUpTo, res.OKUpToLine, res.StopLine = part.okUpTo, part.okLine, part.line
	res.ErrOffset, res.Reason = part.errOff, part.reason
	res.TSCut = part.tsCut
	res.Commands, res.FirstTS, res.LastTS = part.commands, part.firstTS, part.lastTS

	if res.Status == StatusCorrupt && part.bad >= 0 {
		zt, err := zeroTailStart(f, size)
		if err != nil {
			return res, fmt.Errorf("aofcheck: reading %s: %w", path, err)
		}
		if zt < size && part.bad >= zt {
			res.Status = StatusTruncated
			res.Reason += fmt.Sprintf(" (the file ends in %d zero bytes from offset %d: an unfinished write)", size-zt, zt)
		}
	}
	switch res.Status {
	case StatusTruncated:
		res.Err = fmt.Errorf("%w: %s at offset %d: %s", ErrTruncated, name, res.ErrOffset, res.Reason)
	case StatusCorrupt:
		res.Err = fmt.Errorf("%w: %s at offset %d: %s", ErrCorrupt, name, res.ErrOffset, res.Reason)
	}
	return res, nil
}

// isRDB reports whether the file starts an RDB image: at least 8 bytes, the
// first five "REDIS" (redis-check-aof's test).
func isRDB(f io.ReaderAt, size int64) bool {
	if size < 8 {
		return false
	}
	var sig [5]byte
	n, _ := f.ReadAt(sig[:], 0)
	return n == 5 && string(sig[:]) == "REDIS"
}

// zeroTailStart returns the offset where the run of zero bytes that ends
// the file starts (size if the last byte is not zero).
func zeroTailStart(f io.ReaderAt, size int64) (int64, error) {
	var buf [64 << 10]byte
	end := size
	for end > 0 {
		n := int64(len(buf))
		if n > end {
			n = end
		}
		chunk := buf[:n]
		if _, err := f.ReadAt(chunk, end-n); err != nil && err != io.EOF {
			return 0, err
		}
		trimmed := bytes.TrimRight(chunk, "\x00")
		if len(trimmed) > 0 {
			return end - n + int64(len(trimmed)), nil
		}
		end -= n
	}
	return 0, nil
}

// errReader remembers a read error other than io.EOF, which the scanner
// would otherwise take for the end of the file.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// openError is a file that cannot be opened or stat'ed: for a file the
// manifest lists, the verdict StatusMissing rather than a failed check.
type openError struct{ err error }

func (e *openError) Error() string { return e.err.Error() }

// Unwrap returns the cause.
func (e *openError) Unwrap() error { return e.err }
