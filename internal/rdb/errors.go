package rdb

import (
	"errors"
	"fmt"
)

// These are the errors that can be found in [Error.Err], each wrapped with
// context that says what exactly was wrong. Test for them with errors.Is.
var (
	// ErrCorrupt reports bytes that break the format: an unknown length
	// or string encoding, bad LZF data, an unknown opcode or value type,
	// a NaN score, a malformed header.
	ErrCorrupt = errors.New("rdb: corrupt data")

	// ErrTruncated reports that the input ended (or, with a size hint,
	// would end) before the item being read was complete.
	ErrTruncated = errors.New("rdb: unexpected end of file")

	// ErrChecksum reports that the CRC64 trailer does not match the
	// checksum computed over the file.
	ErrChecksum = errors.New("rdb: checksum mismatch")

	// ErrVersion reports an RDB version this codec cannot handle
	// (outside 1..10).
	ErrVersion = errors.New("rdb: unsupported format version")

	// ErrUnsupportedType reports a well-formed item this codec does not
	// decode: stream and module values, and module AUX data. The
	// [Reader] stays usable: call [Reader.SkipValue] to step over the
	// item when it can be skipped.
	ErrUnsupportedType = errors.New("rdb: unsupported type")
)

// Error is the error returned by [Reader] for problems found in the input.
// Offset is the byte offset in the stream (counting from the first byte of
// the magic) at which the faulty item started or the problem was seen.
type Error struct {
	Offset int64
	Err    error
}

// Error formats the error with its offset.
func (e *Error) Error() string {
	return fmt.Sprintf("%v (at offset %d)", e.Err, e.Offset)
}

// Unwrap returns the underlying error, which wraps one of the sentinels.
func (e *Error) Unwrap() error { return e.Err }
