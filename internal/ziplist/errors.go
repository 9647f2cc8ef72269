package ziplist

import "errors"

// These errors are returned wrapped with the offset or value involved. Test
// for them with errors.Is.
var (
	// ErrShort means the blob is smaller than its fixed header.
	ErrShort = errors.New("ziplist: shorter than the header")
	// ErrSize means zlbytes differs from the blob length.
	ErrSize = errors.New("ziplist: zlbytes does not match blob length")
	// ErrTerminator means the blob does not end with 0xFF, or the entries
	// end before the last byte.
	ErrTerminator = errors.New("ziplist: bad 0xFF terminator")
	// ErrTail means zltail does not point at the last entry.
	ErrTail = errors.New("ziplist: zltail does not point at the last entry")
	// ErrEncoding means an entry has an invalid encoding byte.
	ErrEncoding = errors.New("ziplist: invalid entry encoding")
	// ErrBounds means an entry reaches past the end of the blob.
	ErrBounds = errors.New("ziplist: entry reaches past the end")
	// ErrPrevlen means an entry's prevlen differs from the previous entry's
	// size.
	ErrPrevlen = errors.New("ziplist: prevlen does not match previous entry")
	// ErrCount means the header count differs from the entries found.
	ErrCount = errors.New("ziplist: header count does not match entries")
	// ErrOddPairs means a pair layout has an odd number of entries.
	ErrOddPairs = errors.New("ziplist: odd number of entries in a pair layout")
	// ErrDuplicate means a pair layout repeats a field.
	ErrDuplicate = errors.New("ziplist: duplicate field")
	// ErrEmpty means a zipmap holds no pairs.
	ErrEmpty = errors.New("ziplist: empty zipmap")
	// ErrTooLarge means the converted listpack would exceed 4 GiB.
	ErrTooLarge = errors.New("ziplist: converted listpack too large")
)
