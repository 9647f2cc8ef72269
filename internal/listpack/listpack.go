package listpack

import "encoding/binary"

// Listpack is a listpack in Redis 7.0's exact byte format. See the package
// documentation for the layout and for the ownership rules of mutations.
type Listpack []byte

// New returns an empty listpack (7 bytes).
func New() Listpack {
	return Listpack{EmptySize, 0, 0, 0, 0, 0, eof}
}

// NewWithCapacity returns an empty listpack whose backing array can hold
// capacity bytes before a mutation has to reallocate.
func NewWithCapacity(capacity int) Listpack {
	lp := make(Listpack, EmptySize, max(capacity, EmptySize))
	lp[0] = EmptySize
	lp[HeaderSize] = eof
	return lp
}

// FromBytes wraps b as a listpack without copying. The listpack takes
// ownership of b: later mutations may write into it. Untrusted bytes must be
// checked with [Validate] first.
func FromBytes(b []byte) Listpack {
	return Listpack(b)
}

// Bytes returns the encoded listpack. The slice aliases the listpack.
func (lp Listpack) Bytes() []byte {
	return lp
}

// TotalBytes returns the header's total_bytes field.
func (lp Listpack) TotalBytes() int {
	return int(binary.LittleEndian.Uint32(lp))
}

// HeaderCount returns the header's num_elements field, which is
// [CountUnknown] when the real count has to be found by scanning.
func (lp Listpack) HeaderCount() int {
	return int(binary.LittleEndian.Uint16(lp[4:]))
}

// Len returns the number of entries. It reads the header, and scans the
// entries only when the header count is saturated at [CountUnknown].
func (lp Listpack) Len() int {
	if n := lp.HeaderCount(); n != CountUnknown {
		return n
	}
	n := 0
	for p := lp.First(); p >= 0; p = lp.Next(p) {
		n++
	}
	return n
}

// ShrinkToFit returns the listpack in a backing array of exactly its size,
// copying it if it has spare capacity.
func (lp Listpack) ShrinkToFit() Listpack {
	if cap(lp) == len(lp) {
		return lp
	}
	return lp.Clone()
}

// Clone returns a copy of the listpack with no spare capacity.
func (lp Listpack) Clone() Listpack {
	c := make(Listpack, len(lp))
	copy(c, lp)
	return c
}

func (lp Listpack) setTotalBytes(n int) {
	binary.LittleEndian.PutUint32(lp, uint32(n))
}

func (lp Listpack) setHeaderCount(n int) {
	binary.LittleEndian.PutUint16(lp[4:], uint16(n))
}

// addCount adjusts the header count by delta the way Redis does: a
// saturated count stays saturated, and a count that reaches 65535 or more
// saturates.
func (lp Listpack) addCount(delta int) {
	c := lp.HeaderCount()
	if c == CountUnknown {
		return
	}
	c += delta
	if c >= CountUnknown {
		c = CountUnknown
	}
	lp.setHeaderCount(max(c, 0))
}
