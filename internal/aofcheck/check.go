package aofcheck

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/vestadb/vesta/internal/manifest"
	"github.com/vestadb/vesta/internal/vfs"
)

// Report is the outcome of checking a manifest and its files, or a single
// file.
type Report struct {
	// Path is the file given to Check.
	Path  string
	Input Input
	// Manifest is the parsed manifest, for InputManifest.
	Manifest *manifest.Manifest
	// Files are the results in load order: the base, then the incr files
	// (or the single file).
	Files []*Result
	// Timestamp is Options.Timestamp.
	Timestamp int64
}

// Check checks the file at path: a manifest and every file it lists (the
// base, then the incr files, found in the manifest's directory), or a
// single old-style AOF, detected as Detect says. Every file is checked,
// even after a bad one.
//
// The error is non-nil only when the check could not be carried out: the
// input cannot be read, or the manifest is invalid (wrapping
// ErrBadManifest and the manifest package's error). A listed file that
// cannot be opened is reported in its Result (StatusMissing).
func Check(fsys vfs.FS, path string, opts Options) (*Report, error) {
	in, err := Detect(fsys, path)
	if err != nil {
		return nil, fmt.Errorf("aofcheck: %w", err)
	}
	rep := &Report{Path: path, Input: in, Timestamp: opts.Timestamp}
	if in != InputManifest {
		res, err := CheckFile(fsys, path, opts)
		if err != nil {
			return rep, fmt.Errorf("aofcheck: %w", err)
		}
		rep.Files = []*Result{res}
		return rep, nil
	}
	return rep, checkManifest(fsys, path, rep, opts)
}

// CheckDir checks the AOF directory dir (the server's dir joined with
// appenddirname) whose files are named from prefix (appendfilename), the
// way the server loads it.
func CheckDir(fsys vfs.FS, dir, prefix string, opts Options) (*Report, error) {
	path := filepath.Join(dir, manifest.ManifestName(prefix))
	rep := &Report{Path: path, Input: InputManifest, Timestamp: opts.Timestamp}
	return rep, checkManifest(fsys, path, rep, opts)
}

func checkManifest(fsys vfs.FS, path string, rep *Report, opts Options) error {
	f, err := fsys.Open(path)
	if err != nil {
		return fmt.Errorf("aofcheck: %w", err)
	}
	m, err := manifest.Parse(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%w %s: %w", ErrBadManifest, path, err)
	}
	rep.Manifest = m
	dir := filepath.Dir(path)
	live := m.Live()
	for i, lf := range live {
		role := RoleIncr
		if lf.Type == manifest.TypeBase {
			role = RoleBase
		}
		p := filepath.Join(dir, lf.Name)
		res, err := checkFile(fsys, p, lf.Name, role, i == len(live)-1, opts)
		if err != nil {
			var oe *openError
			if !errors.As(err, &oe) {
				return err // a read error in the middle of the file
			}
			res.Status = StatusMissing
			res.Reason = err.Error()
			res.Err = fmt.Errorf("%w: %s: %w", ErrMissing, lf.Name, err)
		}
		rep.Files = append(rep.Files, res)
	}
	return nil
}

// OK reports whether every file loads as it is.
func (r *Report) OK() bool {
	for _, f := range r.Files {
		if !f.Status.OK() {
			return false
		}
	}
	return true
}

// Problems returns the files that are not OK.
func (r *Report) Problems() []*Result {
	var out []*Result
	for _, f := range r.Files {
		if !f.Status.OK() {
			out = append(out, f)
		}
	}
	return out
}

// FixTarget returns the file that Fix may cut: the last file, when it is
// truncated and every other file is OK. Otherwise it returns an error
// wrapping ErrNothingToFix or ErrNotFixable, and Advice explains.
func (r *Report) FixTarget() (*Result, error) {
	probs := r.Problems()
	if len(probs) == 0 {
		return nil, ErrNothingToFix
	}
	for _, p := range probs {
		switch {
		case p.Status == StatusMissing:
			return nil, fmt.Errorf("%w: %s is missing", ErrNotFixable, p.Name)
		case p.Status == StatusCorrupt:
			return nil, fmt.Errorf("%w: %s is corrupt at offset %d (%s)", ErrNotFixable, p.Name, p.ErrOffset, p.Reason)
		case !p.Last:
			return nil, fmt.Errorf("%w: %s is truncated but is not the last file", ErrNotFixable, p.Name)
		}
	}
	return probs[0], nil
}

// TimestampCut returns the file to cut for a point-in-time restore to
// Timestamp, with the cut at its TSCut: the first file holding a #TS
// annotation later than the timestamp. It returns nil and no error when no
// annotation is later (nothing to cut). It refuses, with an error, when a
// file up to that one is not OK, when that file is not the last one
// (ErrNotLastFile), or when the cut would leave nothing at all
// (ErrNothingBefore: the annotation starts the first file).
func (r *Report) TimestampCut() (*Result, error) {
	if r.Timestamp == 0 {
		return nil, errors.New("aofcheck: the check was run without a timestamp")
	}
	for i, f := range r.Files {
		if !f.Status.OK() {
			return nil, fmt.Errorf("%w: %s is %s; fix that first", ErrNotFixable, f.Name, f.Status)
		}
		if f.TSCut < 0 {
			continue
		}
		switch {
		case !f.Last:
			return f, fmt.Errorf("%w: %s at offset %d", ErrNotLastFile, f.Name, f.TSCut)
		case f.TSCut == 0 && i == 0:
			return f, fmt.Errorf("%w: %s starts with a later timestamp", ErrNothingBefore, f.Name)
		}
		return f, nil
	}
	return nil, nil
}
