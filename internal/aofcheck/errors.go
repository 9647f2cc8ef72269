package aofcheck

import "errors"

// These errors describe a file's problem (in Result.Err) or why an action
// was refused. Test for them with errors.Is.
var (
	// ErrTruncated: a file ends inside a command or an open MULTI.
	ErrTruncated = errors.New("aofcheck: file is truncated")
	// ErrCorrupt: a file holds bytes that are not a command, or a bad
	// RDB part.
	ErrCorrupt = errors.New("aofcheck: file is corrupt")
	// ErrMissing: a file listed in the manifest cannot be opened.
	ErrMissing = errors.New("aofcheck: file listed in the manifest is missing")

	// ErrNothingToFix: Fix was asked for but every file is valid.
	ErrNothingToFix = errors.New("aofcheck: nothing to fix")
	// ErrNotFixable: the damage is not a torn tail of the last file, so
	// cutting would lose acknowledged writes; the files are left alone.
	ErrNotFixable = errors.New("aofcheck: refusing to cut: the damage is not a torn tail of the last file")
	// ErrNotLastFile: a timestamp truncation would have to cut a file
	// other than the last one.
	ErrNotLastFile = errors.New("aofcheck: the cut would fall in a file that is not the last one")
	// ErrNothingBefore: the first timestamp after the target is at the
	// very start of the AOF; nothing would be left.
	ErrNothingBefore = errors.New("aofcheck: nothing before the timestamp")
	// ErrBadManifest: the manifest cannot be parsed.
	ErrBadManifest = errors.New("aofcheck: bad manifest")
)
