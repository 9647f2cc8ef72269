package persist

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/rdb"
)

// Executor runs the commands of an AOF against the dataset through a
// connection-less client, with the server lock held.
type Executor interface {
	// Exec runs one command. An error (unknown command, wrong arity) makes
	// the file unloadable.
	Exec(args [][]byte) error
	// DiscardMulti drops a MULTI left open at the end of a file.
	DiscardMulti()
}

// AOFOptions control loading an AOF directory.
type AOFOptions struct {
	// LoadTruncated is aof-load-truncated: cut a torn tail of the last
	// file and carry on.
	LoadTruncated bool
	// RDB configures the loading of an RDB base or preamble (KeepExpired is
	// forced on: the AOF holds the DELs of those keys).
	RDB LoadOptions
	// Progress is called every so often with the bytes loaded so far over
	// all files; the server releases its lock briefly in it.
	Progress func(loaded int64)
	// Warn receives the warnings of a successful load (a cut tail).
	Warn func(msg string, args ...any)
	// Info, if set, receives Redis's notice lines of the load: the RDB
	// part read, each file loaded with the time it took.
	Info func(msg string)
}

// AOFResult describes a successful load.
type AOFResult struct {
	Commands  int64
	BaseKeys  int64 // keys loaded from an RDB base
	BaseStats *LoadStats
	// TruncatedAt is the offset the last file was cut to, or -1.
	TruncatedAt int64
}

// Errors of an AOF load.
var (
	// ErrTruncatedAOF: a file ends inside a command and the tail may not be
	// cut (aof-load-truncated no, or it is not the last file).
	ErrTruncatedAOF = errors.New("persist: the AOF is truncated")
	// ErrBadAOF: a file holds something that is not a valid command.
	ErrBadAOF = errors.New("persist: bad file format reading the append only file")
)

// AOFError locates a load failure and says what the operator can do.
type AOFError struct {
	File   string
	Offset int64
	Err    error
	Hint   string
}

func (e *AOFError) Error() string {
	msg := fmt.Sprintf("%v: %s at offset %d", e.Err, e.File, e.Offset)
	if e.Hint != "" {
		msg += ". " + e.Hint
	}
	return msg
}

func (e *AOFError) Unwrap() error { return e.Err }

// LoadAOF loads the planned files (a base, then incr files) into ks.
func LoadAOF(d *aof.Dir, plan []aof.PlannedFile, ks *keyspace.Keyspace, ex Executor, opts AOFOptions) (AOFResult, error) {
	res := AOFResult{TruncatedAt: -1}
	var done int64
	for i, pf := range plan {
		last := i == len(plan)-1
		if pf.Size == 0 {
			continue
		}
		began := time.Now()
		n, trunc, err := loadFile(d, pf, last, ks, ex, opts, &res, done)
		res.Commands += n
		if err != nil {
			return res, err
		}
		if opts.Info != nil {
			opts.Info(fmt.Sprintf("DB loaded from %s file %s: %.3f seconds", aofFileKind(pf), pf.Name, time.Since(began).Seconds()))
		}
		if trunc >= 0 {
			res.TruncatedAt = trunc
		}
		done += pf.Size
	}
	return res, nil
}

// loadFile loads one file and returns the commands executed and, if its
// torn tail was cut, the new size.
func loadFile(d *aof.Dir, pf aof.PlannedFile, last bool, ks *keyspace.Keyspace, ex Executor, opts AOFOptions, res *AOFResult, done int64) (int64, int64, error) {
	f, err := d.FS.Open(pf.Path)
	if err != nil {
		return 0, -1, fmt.Errorf("persist: opening %s: %w", pf.Name, err)
	}
	defer f.Close()

	start := int64(0)
	head := make([]byte, 5)
	if n, _ := io.ReadFull(f, head); n == 5 && bytes.Equal(head, []byte("REDIS")) {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return 0, -1, err
		}
		ro := opts.RDB
		ro.KeepExpired = true
		ro.Size = pf.Size
		if opts.Progress != nil {
			ro.Progress = func(off int64) { opts.Progress(done + off) }
		}
		if opts.Info != nil {
			opts.Info("Reading RDB base file on AOF loading...")
		}
		st, err := LoadRDB(f, ks, ro)
		if err != nil {
			return 0, -1, &AOFError{File: pf.Name, Offset: rdbOffset(err), Err: err,
				Hint: "The RDB part of the AOF is damaged; check it with vesta-check-aof"}
		}
		if opts.Info != nil {
			opts.Info(fmt.Sprintf("Done loading RDB, keys loaded: %d, keys expired: %d.", st.Keys, st.Expired))
		}
		res.BaseKeys += st.Keys
		res.BaseStats = &st
		start = st.End
	}
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return 0, -1, err
	}
	r := aof.NewReader(bufio.NewReaderSize(f, 256*1024), start)
	var (
		n          int64
		validUpTo  = start
		inMulti    bool
		multiStart int64
		next       = start + ProgressInterval
	)
	for {
		before := r.Offset()
		args, err := r.Next()
		if err == io.EOF {
			if !inMulti {
				return n, -1, nil
			}
			ex.DiscardMulti()
			if err := cutTail(d, pf, last, validUpTo, opts, "Revert incomplete MULTI/EXEC transaction"); err != nil {
				return n, -1, err
			}
			return n, validUpTo, nil
		}
		var ae *aof.Error
		if errors.As(err, &ae) {
			if errors.Is(err, aof.ErrCorrupt) {
				return n, -1, &AOFError{File: pf.Name, Offset: ae.Offset, Err: fmt.Errorf("%w (%s)", ErrBadAOF, ae.Reason),
					Hint: "Back up the AOF directory and run vesta-check-aof on the manifest to see what is wrong; only a torn tail can be fixed automatically"}
			}
			if inMulti {
				ex.DiscardMulti()
			}
			if err := cutTail(d, pf, last, validUpTo, opts, ""); err != nil {
				return n, -1, err
			}
			return n, validUpTo, nil
		}
		if err != nil {
			return n, -1, fmt.Errorf("persist: reading %s: %w", pf.Name, err)
		}
		isMulti := eqFold(args[0], "MULTI")
		if isMulti {
			inMulti = true
			multiStart = before
		}
		if err := ex.Exec(args); err != nil {
			return n, -1, &AOFError{File: pf.Name, Offset: before, Err: err}
		}
		n++
		if eqFold(args[0], "EXEC") {
			inMulti = false
		}
		if !inMulti {
			validUpTo = r.Offset()
		} else {
			validUpTo = multiStart
		}
		if opts.Progress != nil && r.Offset() >= next {
			opts.Progress(done + r.Offset())
			next = r.Offset() + ProgressInterval
		}
	}
}

// cutTail handles a file that ends inside a command (or an open MULTI).
// Only the last file may be cut, and only with aof-load-truncated: a torn
// file before it is fatal whatever the setting (later files hold writes
// made after the lost ones), and it is left as it was, so that the next
// start refuses too instead of loading a dataset with a hole in its
// history. Redis 7.0 cuts such a file before refusing.
func cutTail(d *aof.Dir, pf aof.PlannedFile, last bool, validUpTo int64, opts AOFOptions, what string) error {
	if !last {
		return &AOFError{File: pf.Name, Offset: validUpTo, Err: fmt.Errorf("%w: the truncated file is not the last file", ErrTruncatedAOF),
			Hint: "An AOF file other than the last one was torn; restore it from a backup"}
	}
	if !opts.LoadTruncated {
		return &AOFError{File: pf.Name, Offset: validUpTo, Err: ErrTruncatedAOF,
			Hint: "Use vesta-check-aof --fix <manifest> to cut the torn tail, or set aof-load-truncated yes"}
	}
	if err := truncateFile(d, pf.Path, validUpTo); err != nil {
		return &AOFError{File: pf.Name, Offset: validUpTo, Err: fmt.Errorf("%w, and cutting it failed: %v", ErrTruncatedAOF, err)}
	}
	if opts.Warn != nil {
		// Redis's three lines, then how much was cut.
		if what != "" {
			opts.Warn(what)
		} else {
			opts.Warn("!!! Warning: short read while loading the AOF file " + pf.Name + "!!!")
		}
		opts.Warn(fmt.Sprintf("!!! Truncating the AOF %s file %s at offset %d !!!", aofFileKind(pf), pf.Name, validUpTo))
		opts.Warn(fmt.Sprintf("AOF %s loaded anyway because aof-load-truncated is enabled (%d bytes cut)", pf.Name, pf.Size-validUpTo))
	}
	return nil
}

// aofFileKind is how Redis's messages name a file of the AOF directory.
func aofFileKind(pf aof.PlannedFile) string {
	if pf.Type == 'b' {
		return "base"
	}
	return "incr"
}

func truncateFile(d *aof.Dir, path string, size int64) error {
	f, err := d.FS.OpenAppend(path)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func rdbOffset(err error) int64 {
	var e *rdb.Error
	if errors.As(err, &e) {
		return e.Offset
	}
	return -1
}

func eqFold(a []byte, upper string) bool {
	if len(a) != len(upper) {
		return false
	}
	for i := range a {
		c := a[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != upper[i] {
			return false
		}
	}
	return true
}
