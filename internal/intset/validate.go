package intset

import (
	"encoding/binary"
	"fmt"
)

// Validate checks that b is a well-formed intset, as Redis's loader does.
// It never panics. The shallow check (deep false) requires a known encoding,
// a length that accounts for every byte, and at least one element; the deep
// check also requires strictly ascending elements (no duplicates).
func Validate(b []byte, deep bool) error {
	if len(b) < HeaderSize {
		return fmt.Errorf("%w: %d bytes", ErrShort, len(b))
	}
	enc := binary.LittleEndian.Uint32(b)
	if enc != 2 && enc != 4 && enc != 8 {
		return fmt.Errorf("%w: %d", ErrEncoding, enc)
	}
	n := binary.LittleEndian.Uint32(b[4:])
	if want := HeaderSize + uint64(n)*uint64(enc); want != uint64(len(b)) {
		return fmt.Errorf("%w: %d elements of %d bytes need %d bytes, blob has %d", ErrSize, n, enc, want, len(b))
	}
	if n == 0 {
		return ErrEmpty
	}
	if !deep {
		return nil
	}
	s := IntSet(b)
	prev := s.get(0, int(enc))
	for i := 1; i < int(n); i++ {
		cur := s.get(i, int(enc))
		if cur <= prev {
			return fmt.Errorf("%w: element %d (%d) after %d", ErrOrder, i, cur, prev)
		}
		prev = cur
	}
	return nil
}
