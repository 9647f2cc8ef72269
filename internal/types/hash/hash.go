// Package hash is Vesta's hash value: a listpack of field,value pairs while
// the hash is small, a [dict.Dict] once it is not, converting at exactly the
// moments Redis 7.0 converts.
//
// # Encodings
//
// A new hash is a listpack laid out as Redis lays it out (field, value,
// field, value …, new fields appended at the tail), so OBJECT ENCODING says
// "listpack" and the RDB writer can copy the bytes. It becomes a hashtable
// ("hashtable"), and never goes back, when:
//
//   - a field or a value longer than hash-max-listpack-value bytes is stored
//     (HSET, HSETNX of a new field, HINCRBY and HINCRBYFLOAT results; a
//     HSETNX that finds its field does not convert);
//   - the number of fields exceeds hash-max-listpack-entries;
//   - the listpack would grow past 1 GiB (Redis's safety limit).
//
// Loading follows Redis's loader: a listpack blob is converted only when it
// has too many fields, a plain list of pairs also when an element is too
// long.
package hash

import (
	"errors"
	"strconv"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/types/dict"
)

// Limits are the thresholds of the listpack encoding
// (hash-max-listpack-entries and hash-max-listpack-value).
type Limits struct {
	MaxEntries int
	MaxValue   int
}

// maxSafeListpack is the size past which a listpack is converted whatever
// the limits say (Redis's LISTPACK_MAX_SAFETY_SIZE).
const maxSafeListpack = 1 << 30

// ErrDuplicate is returned when loading pairs that repeat a field.
var ErrDuplicate = errors.New("hash: duplicate field")

// Hash is a hash value. Exactly one of lp and d is in use.
type Hash struct {
	lp listpack.Listpack
	d  *dict.Dict
}

var _ keyspace.HashValue = (*Hash)(nil)

// New returns an empty hash in the listpack encoding.
func New() *Hash { return &Hash{lp: listpack.New()} }

// FromListpack wraps a validated hash listpack blob (RDB type 16), taking
// ownership of b, and converts it when it has more fields than allowed.
func FromListpack(b []byte, lim Limits) *Hash {
	h := &Hash{lp: listpack.FromBytes(b)}
	if h.Len() > lim.MaxEntries {
		h.convert()
	}
	return h
}

// FromPairs builds a hash from field,value pairs (RDB type 4): a listpack
// unless there are too many pairs or an element is too long.
func FromPairs(pairs [][]byte, lim Limits) (*Hash, error) {
	n := len(pairs) / 2
	h := &Hash{}
	if n > lim.MaxEntries {
		h.d = dict.New(true)
		h.d.Expand(n)
	} else {
		h.lp = listpack.New()
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		f, v := pairs[i], pairs[i+1]
		if h.d == nil && (len(f) > lim.MaxValue || len(v) > lim.MaxValue) {
			h.convert()
		}
		if h.d != nil {
			if !h.d.Add(f, v) {
				return nil, ErrDuplicate
			}
			continue
		}
		if h.lp.HashFind(f) >= 0 {
			return nil, ErrDuplicate
		}
		h.lp, _ = h.lp.HashSet(f, v)
	}
	return h, nil
}

// Type implements keyspace.Object.
func (h *Hash) Type() keyspace.Type { return keyspace.TypeHash }

// Encoding implements keyspace.Object.
func (h *Hash) Encoding() string {
	if h.d != nil {
		return "hashtable"
	}
	return "listpack"
}

// Clone implements keyspace.Object.
func (h *Hash) Clone() keyspace.Object {
	if h.d != nil {
		return &Hash{d: h.d.Clone()}
	}
	return &Hash{lp: h.lp.Clone()}
}

// Listpack returns the listpack bytes while the hash is in the listpack
// encoding. The slice aliases the hash.
func (h *Hash) Listpack() ([]byte, bool) {
	if h.d != nil {
		return nil, false
	}
	return h.lp.Bytes(), true
}

// Len returns the number of fields.
func (h *Hash) Len() int {
	if h.d != nil {
		return h.d.Len()
	}
	return h.lp.Len() / 2
}

// Each calls fn for every field and value until fn returns false: in
// listpack order, or in table order. The slices are valid during the call.
func (h *Hash) Each(fn func(field, value []byte) bool) {
	if h.d != nil {
		h.d.Each(func(k, v string) bool { return fn(sbytes(k), sbytes(v)) })
		return
	}
	var fb, vb []byte
	for pos := h.lp.First(); pos >= 0; {
		vpos := h.lp.Next(pos)
		fb = h.lp.AppendGet(fb[:0], pos)
		vb = h.lp.AppendGet(vb[:0], vpos)
		if !fn(fb, vb) {
			return
		}
		pos = h.lp.Next(vpos)
	}
}

// Get appends field's value to dst and reports whether the field exists.
func (h *Hash) Get(dst, field []byte) ([]byte, bool) {
	if h.d != nil {
		v, ok := h.d.Get(field)
		return append(dst, v...), ok
	}
	pos := h.lp.HashFind(field)
	if pos < 0 {
		return dst, false
	}
	return h.lp.AppendGet(dst, h.lp.Next(pos)), true
}

// Exists reports whether field exists.
func (h *Hash) Exists(field []byte) bool {
	if h.d != nil {
		return h.d.Has(field)
	}
	return h.lp.HashFind(field) >= 0
}

// StrLen returns the length of field's value, 0 if the field is absent.
func (h *Hash) StrLen(field []byte) int {
	if h.d != nil {
		v, _ := h.d.Get(field)
		return len(v)
	}
	pos := h.lp.HashFind(field)
	if pos < 0 {
		return 0
	}
	s, n, isInt := h.lp.Get(h.lp.Next(pos))
	if isInt {
		var buf [20]byte
		return len(strconv.AppendInt(buf[:0], n, 10))
	}
	return len(s)
}

// Set sets field to value and reports whether the field is new. It converts
// to a hashtable first when field or value is too long or the listpack
// would grow too big, and after adding when there are too many fields.
func (h *Hash) Set(field, value []byte, lim Limits) bool {
	if h.d == nil && (len(field) > lim.MaxValue || len(value) > lim.MaxValue ||
		h.lp.TotalBytes()+len(field)+len(value) > maxSafeListpack) {
		h.convert()
	}
	if h.d != nil {
		return h.d.Set(field, value)
	}
	// Make room for the worst case (a new pair) at its exact size, so that
	// the listpack does not grow geometrically and hold spare capacity the
	// way a Go append would; Redis reallocates a listpack to its exact
	// size on every change.
	h.lp = reserve(h.lp, listpack.EntrySize(field)+listpack.EntrySize(value))
	var added bool
	h.lp, added = h.lp.HashSet(field, value)
	if added && h.Len() > lim.MaxEntries {
		h.convert()
	}
	return added
}

// reserve returns lp with room for extra more bytes, reallocating to the
// exact size when it lacks them.
func reserve(lp listpack.Listpack, extra int) listpack.Listpack {
	if len(lp)+extra <= cap(lp) {
		return lp
	}
	nl := make(listpack.Listpack, len(lp), len(lp)+extra)
	copy(nl, lp)
	return nl
}

// trim drops spare capacity once it is more than a quarter of the listpack
// (after deletions), as Redis's exact reallocations would.
func trim(lp listpack.Listpack) listpack.Listpack {
	if cap(lp)-len(lp) > len(lp)/4+16 {
		return lp.ShrinkToFit()
	}
	return lp
}

// Delete removes field and reports whether it existed. A hashtable never
// converts back to a listpack.
func (h *Hash) Delete(field []byte) bool {
	if h.d != nil {
		return h.d.Delete(field)
	}
	var ok bool
	h.lp, ok = h.lp.HashDelete(field)
	if ok {
		h.lp = trim(h.lp)
	}
	return ok
}

// convert moves the pairs into a hashtable.
func (h *Hash) convert() {
	d := dict.New(true)
	d.Expand(h.Len())
	h.Each(func(f, v []byte) bool {
		d.AddNew(f, v)
		return true
	})
	h.d, h.lp = d, nil
}
