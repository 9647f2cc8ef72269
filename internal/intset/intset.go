package intset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
)

// HeaderSize is the size of the encoding and length fields.
const HeaderSize = 8

// These errors are returned by [Validate], wrapped with details. Test for
// them with errors.Is.
var (
	// ErrShort means the blob is smaller than the header.
	ErrShort = errors.New("intset: shorter than the 8-byte header")
	// ErrEncoding means the encoding field is not 2, 4 or 8.
	ErrEncoding = errors.New("intset: invalid encoding")
	// ErrSize means the blob length is not 8 + length*encoding.
	ErrSize = errors.New("intset: size does not match length and encoding")
	// ErrEmpty means the intset has no elements, which Redis never stores.
	ErrEmpty = errors.New("intset: empty")
	// ErrOrder means two elements are out of order or equal.
	ErrOrder = errors.New("intset: elements not strictly ascending")
)

// IntSet is an intset in Redis 7.0's exact byte format. See the package
// documentation for the layout and the ownership rules of mutations.
type IntSet []byte

// New returns an empty intset with the int16 encoding, as Redis creates
// one.
func New() IntSet {
	return IntSet{2, 0, 0, 0, 0, 0, 0, 0}
}

// FromBytes wraps b as an intset without copying; the intset takes
// ownership of b. Untrusted bytes must be checked with [Validate] first.
func FromBytes(b []byte) IntSet {
	return IntSet(b)
}

// Bytes returns the encoded intset. The slice aliases the intset.
func (s IntSet) Bytes() []byte {
	return s
}

// Encoding returns the element size in bytes: 2, 4 or 8.
func (s IntSet) Encoding() int {
	return int(binary.LittleEndian.Uint32(s))
}

// Len returns the number of elements.
func (s IntSet) Len() int {
	return int(binary.LittleEndian.Uint32(s[4:]))
}

// Get returns the element at index i (0 is the smallest). It panics if i is
// out of range.
func (s IntSet) Get(i int) int64 {
	if i < 0 || i >= s.Len() {
		panic(fmt.Sprintf("intset: index %d out of range [0,%d)", i, s.Len()))
	}
	return s.get(i, s.Encoding())
}

func (s IntSet) get(i, enc int) int64 {
	off := HeaderSize + i*enc
	switch enc {
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(s[off:])))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(s[off:])))
	}
	return int64(binary.LittleEndian.Uint64(s[off:]))
}

func (s IntSet) set(i, enc int, v int64) {
	off := HeaderSize + i*enc
	switch enc {
	case 2:
		binary.LittleEndian.PutUint16(s[off:], uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(s[off:], uint32(v))
	default:
		binary.LittleEndian.PutUint64(s[off:], uint64(v))
	}
}

func (s IntSet) setLen(n int) {
	binary.LittleEndian.PutUint32(s[4:], uint32(n))
}

// valueEncoding returns the smallest encoding that holds v.
func valueEncoding(v int64) int {
	switch {
	case v < math.MinInt32 || v > math.MaxInt32:
		return 8
	case v < math.MinInt16 || v > math.MaxInt16:
		return 4
	}
	return 2
}

// Search looks for v by binary search. It returns v's index and true if v
// is present, else the index at which v would be inserted and false.
func (s IntSet) Search(v int64) (int, bool) {
	n, enc := s.Len(), s.Encoding()
	if n == 0 {
		return 0, false
	}
	if v > s.get(n-1, enc) {
		return n, false
	}
	if v < s.get(0, enc) {
		return 0, false
	}
	lo, hi := 0, n-1
	for lo <= hi {
		mid := int(uint(lo+hi) >> 1)
		cur := s.get(mid, enc)
		switch {
		case v > cur:
			lo = mid + 1
		case v < cur:
			hi = mid - 1
		default:
			return mid, true
		}
	}
	return lo, false
}

// Contains reports whether v is in the set.
func (s IntSet) Contains(v int64) bool {
	if valueEncoding(v) > s.Encoding() {
		return false
	}
	_, ok := s.Search(v)
	return ok
}

// Min returns the smallest element. It panics on an empty intset.
func (s IntSet) Min() int64 {
	return s.Get(0)
}

// Max returns the largest element. It panics on an empty intset.
func (s IntSet) Max() int64 {
	return s.Get(s.Len() - 1)
}

// All returns an iterator over the elements in ascending order.
func (s IntSet) All() iter.Seq[int64] {
	return func(yield func(int64) bool) {
		n, enc := s.Len(), s.Encoding()
		for i := range n {
			if !yield(s.get(i, enc)) {
				return
			}
		}
	}
}

// Random returns a uniformly chosen element, using rng or, if rng is nil,
// the math/rand/v2 global source. ok is false for an empty intset.
func (s IntSet) Random(rng *rand.Rand) (v int64, ok bool) {
	n := s.Len()
	if n == 0 {
		return 0, false
	}
	var i int
	if rng != nil {
		i = rng.IntN(n)
	} else {
		i = rand.IntN(n)
	}
	return s.get(i, s.Encoding()), true
}
