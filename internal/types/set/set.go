// Package set is Vesta's set value: an intset while every member is an
// integer and there are at most set-max-intset-entries of them, a
// [dict.Dict] otherwise, converting at exactly the moments Redis 7.0 does
// (7.0 has no listpack encoding for sets).
//
// # Encodings
//
// A set created for an integer member (SADD, SMOVE) and every set built by
// SINTERSTORE, SUNIONSTORE and SDIFFSTORE starts as an intset; a set created
// for any other member starts as a hashtable. An intset becomes a hashtable,
// and never goes back, when a member that is not the canonical text of an
// int64 is added or when it grows past the limit. "Integer" follows Redis's
// string2ll ([listpack.ParseInt]): "-0", "+1" and "01" are strings.
//
// Loading follows Redis's loader: an intset blob is converted when it has
// too many members; a plain member list starts as an intset when it is short
// enough and converts at its first non-integer member.
package set

import (
	"encoding/binary"
	"errors"
	"strconv"
	"unsafe"

	"github.com/vestadb/vesta/internal/intset"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/types/dict"
)

// ErrDuplicate is returned when loading members that repeat.
var ErrDuplicate = errors.New("set: duplicate member")

// Rand returns a uniform random number in [0, n).
type Rand = func(n uint64) uint64

// Set is a set value. Exactly one of is and d is in use.
//
// The intset is held by a pointer to its first byte: its header gives its
// length (8 + length×encoding), so a slice header would only add 16 bytes
// to every small set. ints rebuilds the slice, with a capacity equal to its
// length, and every growth reallocates to the exact new size, as Redis's
// intsetResize does.
type Set struct {
	is *byte
	d  *dict.Dict
}

// ints returns the intset (only while the set is in that encoding).
func (s *Set) ints() intset.IntSet {
	hdr := unsafe.Slice(s.is, intset.HeaderSize)
	enc := binary.LittleEndian.Uint32(hdr)
	n := binary.LittleEndian.Uint32(hdr[4:])
	return intset.IntSet(unsafe.Slice(s.is, intset.HeaderSize+int(enc)*int(n)))
}

// setInts stores is as the set's intset.
func (s *Set) setInts(is intset.IntSet) { s.is = unsafe.SliceData(is) }

// fromInts returns a set holding is.
func fromInts(is intset.IntSet) *Set {
	s := &Set{}
	s.setInts(is)
	return s
}

var _ keyspace.SetValue = (*Set)(nil)

// New returns an empty set that can hold member: an intset when member is
// an integer, else a hashtable (Redis's setTypeCreate).
func New(member []byte) *Set {
	if _, ok := listpack.ParseInt(member); ok {
		return NewIntset()
	}
	return &Set{d: dict.New(false)}
}

// NewIntset returns an empty set in the intset encoding.
func NewIntset() *Set { return fromInts(intset.New()) }

// FromIntset wraps a validated intset blob (RDB type 11), taking ownership of
// b, and converts it when it has more members than maxIntset.
func FromIntset(b []byte, maxIntset int) *Set {
	s := fromInts(intset.FromBytes(b))
	if s.Len() > maxIntset {
		s.convert()
	}
	return s
}

// FromMembers builds a set from a member list (RDB type 2).
func FromMembers(members [][]byte, maxIntset int) (*Set, error) {
	var s *Set
	if len(members) > maxIntset {
		s = &Set{d: dict.New(false)}
		s.d.Expand(len(members))
	} else {
		s = NewIntset()
	}
	for _, m := range members {
		if s.d == nil {
			if v, ok := listpack.ParseInt(m); ok {
				if s.ints().Contains(v) {
					return nil, ErrDuplicate
				}
				s.addInt(v)
				continue
			}
			s.convert()
		}
		if !s.d.Add(m, nil) {
			return nil, ErrDuplicate
		}
	}
	return s, nil
}

// Type implements keyspace.Object.
func (s *Set) Type() keyspace.Type { return keyspace.TypeSet }

// Encoding implements keyspace.Object.
func (s *Set) Encoding() string {
	if s.d != nil {
		return "hashtable"
	}
	return "intset"
}

// Clone implements keyspace.Object.
func (s *Set) Clone() keyspace.Object {
	if s.d != nil {
		return &Set{d: s.d.Clone()}
	}
	return fromInts(intset.FromBytes(append([]byte(nil), s.ints()...)))
}

// IntSet returns the intset bytes while the set is in the intset encoding.
// The slice aliases the set.
func (s *Set) IntSet() ([]byte, bool) {
	if s.d != nil {
		return nil, false
	}
	return s.ints().Bytes(), true
}

// IsIntset reports whether the set uses the intset encoding.
func (s *Set) IsIntset() bool { return s.d == nil }

// Len returns the number of members.
func (s *Set) Len() int {
	if s.d != nil {
		return s.d.Len()
	}
	return s.ints().Len()
}

// sbytes views an immutable string as bytes without copying.
func sbytes(x string) []byte { return unsafe.Slice(unsafe.StringData(x), len(x)) }

// Each calls fn for every member until fn returns false: ascending for an
// intset, table order otherwise. The slice is valid during the call and
// must not be modified.
func (s *Set) Each(fn func(member []byte) bool) {
	if s.d != nil {
		s.d.Each(func(k, _ string) bool { return fn(sbytes(k)) })
		return
	}
	var buf [20]byte
	for v := range s.ints().All() {
		if !fn(strconv.AppendInt(buf[:0], v, 10)) {
			return
		}
	}
}

// Has reports whether member is in the set.
func (s *Set) Has(member []byte) bool {
	if s.d != nil {
		return s.d.Has(member)
	}
	v, ok := listpack.ParseInt(member)
	return ok && s.ints().Contains(v)
}

// Add adds member and reports whether it was new, converting an intset to
// a hashtable for a non-integer member or when it outgrows maxIntset.
func (s *Set) Add(member []byte, maxIntset int) bool {
	if s.d == nil {
		v, ok := listpack.ParseInt(member)
		if ok {
			if s.ints().Contains(v) {
				return false
			}
			s.addInt(v)
			if s.Len() > maxIntset {
				s.convert()
			}
			return true
		}
		s.convert()
	}
	return s.d.Add(member, nil)
}

// Remove removes member and reports whether it was there.
func (s *Set) Remove(member []byte) bool {
	if s.d != nil {
		return s.d.Delete(member)
	}
	v, ok := listpack.ParseInt(member)
	if !ok {
		return false
	}
	is, ok := s.ints().Remove(v)
	if ok {
		// Removing shifts the tail in place; reallocate to the exact
		// size once the spare bytes are worth it.
		if cap(is)-len(is) > len(is)/4+16 {
			is = intset.FromBytes(append([]byte(nil), is...))
		}
		s.setInts(is)
	}
	return ok
}

// addInt adds v, which is absent, reallocating the intset to the exact size
// the result needs (widening included).
func (s *Set) addInt(v int64) {
	is := s.ints()
	enc := is.Encoding()
	if need := intsetEncoding(v); need > enc {
		enc = need
	}
	size := intset.HeaderSize + (is.Len()+1)*enc
	ns := make([]byte, len(is), size)
	copy(ns, is)
	is, _ = intset.FromBytes(ns).Add(v)
	s.setInts(is)
}

// intsetEncoding is the element size an intset needs to hold v.
func intsetEncoding(v int64) int {
	switch {
	case v >= -1<<15 && v < 1<<15:
		return 2
	case v >= -1<<31 && v < 1<<31:
		return 4
	}
	return 8
}

// convert moves the members of an intset into a hashtable.
func (s *Set) convert() {
	d := dict.New(false)
	d.Expand(s.Len())
	var buf [20]byte
	for v := range s.ints().All() {
		d.AddNew(strconv.AppendInt(buf[:0], v, 10), nil)
	}
	s.d, s.is = d, nil
}
