package manifest

import (
	"errors"
	"fmt"
)

// Errors wrapped in a *ParseError by Parse. Each is a reason Redis 7.0.15
// refuses to start with the manifest.
var (
	// ErrEmpty means the manifest file has no bytes at all.
	ErrEmpty = errors.New("manifest: file is empty")
	// ErrLineTooLong means a line, newline included, is over 1024 bytes,
	// or the last line has no newline.
	ErrLineTooLong = errors.New("manifest: line longer than 1024 bytes or without a newline")
	// ErrNULByte means a line holds a raw NUL byte.
	ErrNULByte = errors.New("manifest: line holds a NUL byte")
	// ErrBlankLine means a line is empty after trimming blanks.
	ErrBlankLine = errors.New("manifest: blank line")
	// ErrQuotes means a line has unbalanced quotes, or a closing quote
	// followed by something other than a blank.
	ErrQuotes = errors.New("manifest: unbalanced or misplaced quotes")
	// ErrFieldCount means a line does not hold key value pairs, at least
	// three of them.
	ErrFieldCount = errors.New("manifest: want an even number of fields, at least 6")
	// ErrNotBaseName means a file name contains '/' or '\'.
	ErrNotBaseName = errors.New("manifest: file name is a path, not a base name")
	// ErrMissingField means a line lacks file, seq or type, has seq 0 (or
	// a seq that is not a number), or has an empty type.
	ErrMissingField = errors.New("manifest: file, non-zero seq and type are required")
	// ErrDuplicateBase means more than one line has type b.
	ErrDuplicateBase = errors.New("manifest: more than one base file")
	// ErrSeqOrder means incr sequence numbers do not strictly increase
	// (from above zero).
	ErrSeqOrder = errors.New("manifest: incr sequence numbers do not strictly increase")
	// ErrUnknownType means a type other than b, h or i.
	ErrUnknownType = errors.New("manifest: unknown file type")
)

// Other errors.
var (
	// ErrInvalid is wrapped by Validate (and so by Save) for a manifest
	// that cannot be written and read back unchanged.
	ErrInvalid = errors.New("manifest: invalid manifest")
	// ErrBadPrefix is returned for an appendfilename that is empty or a
	// path.
	ErrBadPrefix = errors.New("manifest: appendfilename must be a non-empty base name")
)

// ParseError is a line Parse refused.
type ParseError struct {
	// Line is the 1-based line number, counting comment lines and, like
	// Redis, counting each 1024-byte piece of an over-long line.
	Line int
	// Text is the line, trimmed, cut to at most 80 bytes.
	Text string
	// Err is one of the sentinel errors above.
	Err error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%v at line %d: %q", e.Err, e.Line, e.Text)
}

// Unwrap returns e.Err.
func (e *ParseError) Unwrap() error { return e.Err }
