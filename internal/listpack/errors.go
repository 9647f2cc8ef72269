package listpack

import "errors"

// These errors are returned by [Validate], wrapped with the byte offset at
// which the problem was found. Test for them with errors.Is.
var (
	// ErrShort means the blob is smaller than a header plus terminator.
	ErrShort = errors.New("listpack: shorter than the 7-byte minimum")
	// ErrSize means the header's total_bytes differs from the blob length.
	ErrSize = errors.New("listpack: header size does not match blob length")
	// ErrTerminator means the last byte is not 0xFF.
	ErrTerminator = errors.New("listpack: missing 0xFF terminator")
	// ErrEncoding means an entry starts with an invalid encoding byte.
	ErrEncoding = errors.New("listpack: invalid entry encoding")
	// ErrBounds means an entry reaches past the terminator.
	ErrBounds = errors.New("listpack: entry reaches past the end")
	// ErrBacklen means an entry's backlen does not match its size.
	ErrBacklen = errors.New("listpack: backlen does not match entry size")
	// ErrCount means the header's num_elements does not match the entries.
	ErrCount = errors.New("listpack: header count does not match entries")
	// ErrOddPairs means a pair layout (hash or sorted set) has an odd
	// number of entries.
	ErrOddPairs = errors.New("listpack: odd number of entries in a pair layout")
	// ErrDuplicate means a pair layout holds the same field twice.
	ErrDuplicate = errors.New("listpack: duplicate field")
)
