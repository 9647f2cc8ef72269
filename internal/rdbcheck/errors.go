package rdbcheck

import (
	"errors"
	"fmt"
)

// These are the errors [Check] adds to those of package rdb (rdb.ErrCorrupt,
// rdb.ErrTruncated, rdb.ErrChecksum, rdb.ErrVersion), which it passes on
// wrapped in an [*Error]. Test for all of them with errors.Is.
var (
	// ErrIntegrity reports a value whose encoded form (listpack, intset,
	// ziplist, zipmap) fails the deep check, or a collection with a
	// repeated member or field. The underlying package's error is wrapped
	// too.
	ErrIntegrity = errors.New("rdbcheck: value fails the integrity check")

	// ErrDatabase reports a SELECTDB beyond the configured number of
	// databases (only with Options.Databases).
	ErrDatabase = errors.New("rdbcheck: database index out of range")
)

// Error is the first problem found in a file.
type Error struct {
	// Offset is the byte offset of the problem: where the item being
	// read starts, or where the reader noticed it.
	Offset int64
	// Doing names the step, with redis-check-rdb's words: "start",
	// "read-type", "read-key", "read-object-value", "read-aux",
	// "check-sum".
	Doing string
	// Key is the key being read, when known.
	Key string
	// HasKey reports whether Key is set (a key may be empty).
	HasKey bool
	// Type is the value type being read, or -1.
	Type int
	// Err wraps one of the sentinel errors.
	Err error
}

// Error formats the problem with its offset and key.
func (e *Error) Error() string {
	if e.HasKey {
		return fmt.Sprintf("rdbcheck: offset %d, key %q: %v", e.Offset, e.Key, e.Err)
	}
	return fmt.Sprintf("rdbcheck: offset %d: %v", e.Offset, e.Err)
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }
