package aofcheck

import (
	"fmt"

	"github.com/vestadb/vesta/internal/rdbcheck"
)

// Status is the verdict on one file.
type Status int

// The verdicts.
const (
	// StatusValid: every record is whole and well formed.
	StatusValid Status = iota
	// StatusEmpty: the file has no bytes (valid).
	StatusEmpty
	// StatusTruncated: the file ends inside a command or an open MULTI
	// (a torn last write), or ends in a run of zero bytes (an unfinished
	// write the file system exposed). Cutting it at OKUpTo loses only the
	// unfinished record.
	StatusTruncated
	// StatusCorrupt: bytes that cannot be a command, followed by more
	// data; or a bad RDB part. Cutting would throw away good records.
	StatusCorrupt
	// StatusMissing: the manifest lists a file that cannot be opened.
	StatusMissing
)

var statusNames = [...]string{"valid", "empty", "truncated", "corrupt", "missing"}

// String returns the verdict's name: valid, empty, truncated, corrupt or
// missing.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// OK reports whether a file with this status loads as it is.
func (s Status) OK() bool { return s == StatusValid || s == StatusEmpty }

// Role is a file's place in the AOF.
type Role int

// The roles.
const (
	// RoleSingle is a file checked on its own (an old-style AOF).
	RoleSingle Role = iota
	// RoleBase is the base file of a manifest.
	RoleBase
	// RoleIncr is an incr file of a manifest.
	RoleIncr
)

// Format is the format of a file.
type Format int

// The formats.
const (
	// FormatRESP is a RESP command log.
	FormatRESP Format = iota
	// FormatRDB is an RDB image, possibly followed by RESP commands (a
	// base written with aof-use-rdb-preamble, or an old preamble AOF).
	FormatRDB
)

// Result is the verdict on one file.
type Result struct {
	// Name is the file name as the output shows it (the manifest's name,
	// or the path given for a single file); Path is where it was read.
	Name, Path string
	Role       Role
	Format     Format
	// Last reports whether this is the last file to load, the only one
	// whose torn tail may be cut.
	Last   bool
	Status Status
	// Size is the file size.
	Size int64
	// OKUpTo is the offset up to which the file is good: the end of the
	// last whole command, or the start of an unclosed MULTI. For a bad
	// RDB part it is 0.
	OKUpTo int64
	// OKUpToLine is the line number at OKUpTo, counting from 1 the lines of
	// the RESP part the way redis-check-aof counts them (the lines of
	// commands; annotations and the RDB part do not count).
	OKUpToLine int64
	// StopLine is that line counter where checking stopped: what
	// redis-check-aof prints as ok_up_to_line.
	StopLine int64
	// ErrOffset is where the problem was seen, or -1.
	ErrOffset int64
	// Reason says what is wrong, in redis-check-aof's words where it has
	// some ("Expected \r\n, got: 0d41", "Reached EOF before reading EXEC
	// for MULTI").
	Reason string
	// Err is the problem as an error wrapping ErrTruncated, ErrCorrupt or
	// ErrMissing, or nil.
	Err error
	// RDB is the report on the RDB part, for FormatRDB.
	RDB *rdbcheck.Report
	// Commands counts the whole commands of the RESP part.
	Commands int64
	// FirstTS and LastTS are the first and last #TS annotations, or 0.
	FirstTS, LastTS int64
	// TSCut is, when checking with a timestamp, the offset of the first
	// #TS annotation later than it (or of the MULTI it falls in), or -1.
	// Checking the file stops there.
	TSCut int64
	// CutTo is the size the file was cut to by Fix or
	// TruncateToTimestamp, or -1; Saved names the file holding the bytes
	// that were cut off.
	CutTo int64
	Saved string
}

// Diff is the number of bytes after OKUpTo.
func (r *Result) Diff() int64 { return r.Size - r.OKUpTo }

// String is a one-line summary for logs.
func (r *Result) String() string {
	switch r.Status {
	case StatusValid, StatusEmpty:
		return fmt.Sprintf("%s: %s (%d bytes)", r.Name, r.Status, r.Size)
	case StatusMissing:
		return fmt.Sprintf("%s: missing: %s", r.Name, r.Reason)
	}
	return fmt.Sprintf("%s: %s at offset %d (%s); good up to offset %d (line %d), %d bytes after it",
		r.Name, r.Status, r.ErrOffset, r.Reason, r.OKUpTo, r.OKUpToLine, r.Diff())
}
