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
	"encoding/binary"
	"errors"
	"strconv"
	"unsafe"

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

// Hash is a hash value: one pointer, to the listpack's first byte or to
// a table holding the hashtable.
//
// A listpack is held by a pointer to its first byte rather than a slice:
// its header already records its length (total_bytes), so a slice header
// would only add 16 bytes to every small hash. list rebuilds the slice, with
// a capacity equal to its length, and every growth reallocates to the exact
// new size, as Redis does.
//
// Being a single pointer, a Hash is a keyspace.WordObject: an entry keeps
// the pointer itself, so a small hash costs its listpack and nothing
// more, and the *Hash that Entry.Obj returns points into the entry. A
// *Hash made here (New, Clone, the loaders) is only a carrier until it is
// stored.
type Hash struct {
	p unsafe.Pointer
}

// table is what a hashtable-encoded Hash points to. Its first four bytes
// are zero, which no listpack's are (they hold its total length, at least
// listpack.EmptySize).
type table struct {
	zero uint32
	d    *dict.Dict
}

// ValueWord implements keyspace.WordObject.
func (h *Hash) ValueWord() {}

// dict returns the hashtable, or nil in the listpack encoding.
func (h *Hash) dict() *dict.Dict {
	if b := unsafe.Slice((*byte)(h.p), 4); b[0]|b[1]|b[2]|b[3] == 0 {
		return (*table)(h.p).d
	}
	return nil
}

// setDict switches the hash to the hashtable d.
func (h *Hash) setDict(d *dict.Dict) { h.p = unsafe.Pointer(&table{d: d}) }

// list returns the listpack (only while the hash is in that encoding).
func (h *Hash) list() listpack.Listpack {
	n := binary.LittleEndian.Uint32(unsafe.Slice((*byte)(h.p), 4))
	return listpack.Listpack(unsafe.Slice((*byte)(h.p), n))
}

// setList stores lp as the hash's listpack.
func (h *Hash) setList(lp listpack.Listpack) { h.p = unsafe.Pointer(unsafe.SliceData(lp)) }

// fromList returns a hash holding lp.
func fromList(lp listpack.Listpack) *Hash {
	h := &Hash{}
	h.setList(lp)
	return h
}

var _ keyspace.HashValue = (*Hash)(nil)

// emptyList is the listpack of every new hash. It is shared, never
// written: the first field reallocates (listSet), and nothing else
// writes to a listpack without entries.
var emptyList = listpack.New()

// New returns an empty hash in the listpack encoding. It allocates only
// the hash: its first listpack is made with its first field, so that a
// short-lived empty one does not sit among the long-lived small
// allocations.
func New() *Hash { return fromList(emptyList) }

// FromListpack wraps a validated hash listpack blob (RDB type 16), taking
// ownership of b, and converts it when it has more fields than allowed.
func FromListpack(b []byte, lim Limits) *Hash {
	h := fromList(listpack.FromBytes(b).ShrinkToFit())
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
		d := dict.New(true)
		d.Expand(n)
		h.setDict(d)
	} else {
		h.setList(listpack.New())
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		f, v := pairs[i], pairs[i+1]
		if h.dict() == nil && (len(f) > lim.MaxValue || len(v) > lim.MaxValue) {
			h.convert()
		}
		if d := h.dict(); d != nil {
			if !d.Add(f, v) {
				return nil, ErrDuplicate
			}
			continue
		}
		if !h.listSet(f, v) {
			return nil, ErrDuplicate
		}
	}
	return h, nil
}

// Type implements keyspace.Object.
func (h *Hash) Type() keyspace.Type { return keyspace.TypeHash }

// Encoding implements keyspace.Object.
func (h *Hash) Encoding() string {
	if d := h.dict(); d != nil {
		return "hashtable"
	}
	return "listpack"
}

// Clone implements keyspace.Object.
func (h *Hash) Clone() keyspace.Object {
	if d := h.dict(); d != nil {
		c := &Hash{}
		c.setDict(d.Clone())
		return c
	}
	return fromList(h.list().Clone())
}

// Listpack returns the listpack bytes while the hash is in the listpack
// encoding. The slice aliases the hash.
func (h *Hash) Listpack() ([]byte, bool) {
	if d := h.dict(); d != nil {
		return nil, false
	}
	return h.list().Bytes(), true
}

// Len returns the number of fields.
func (h *Hash) Len() int {
	if d := h.dict(); d != nil {
		return d.Len()
	}
	return h.list().Len() / 2
}

// Each calls fn for every field and value until fn returns false: in
// listpack order, or in table order. The slices are valid during the call.
func (h *Hash) Each(fn func(field, value []byte) bool) {
	if d := h.dict(); d != nil {
		d.Each(func(k, v string) bool { return fn(sbytes(k), sbytes(v)) })
		return
	}
	var fb, vb []byte
	lp := h.list()
	for pos := lp.First(); pos >= 0; {
		vpos := lp.Next(pos)
		fb = lp.AppendGet(fb[:0], pos)
		vb = lp.AppendGet(vb[:0], vpos)
		if !fn(fb, vb) {
			return
		}
		pos = lp.Next(vpos)
	}
}

// Get appends field's value to dst and reports whether the field exists.
func (h *Hash) Get(dst, field []byte) ([]byte, bool) {
	if d := h.dict(); d != nil {
		v, ok := d.Get(field)
		return append(dst, v...), ok
	}
	lp := h.list()
	pos := lp.HashFind(field)
	if pos < 0 {
		return dst, false
	}
	return lp.AppendGet(dst, lp.Next(pos)), true
}

// Exists reports whether field exists.
func (h *Hash) Exists(field []byte) bool {
	if d := h.dict(); d != nil {
		return d.Has(field)
	}
	return h.list().HashFind(field) >= 0
}

// StrLen returns the length of field's value, 0 if the field is absent.
func (h *Hash) StrLen(field []byte) int {
	if d := h.dict(); d != nil {
		v, _ := d.Get(field)
		return len(v)
	}
	lp := h.list()
	pos := lp.HashFind(field)
	if pos < 0 {
		return 0
	}
	s, n, isInt := lp.Get(lp.Next(pos))
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
	if h.dict() == nil && (len(field) > lim.MaxValue || len(value) > lim.MaxValue ||
		h.list().TotalBytes()+len(field)+len(value) > maxSafeListpack) {
		h.convert()
	}
	if d := h.dict(); d != nil {
		return d.Set(field, value)
	}
	added := h.listSet(field, value)
	if added && h.Len() > lim.MaxEntries {
		h.convert()
	}
	return added
}

// listSet sets field to value in the listpack, reallocating it to its exact
// new size when it grows (Redis reallocates a listpack on every change; a
// Go append would keep spare capacity). It reports whether field is new.
func (h *Hash) listSet(field, value []byte) bool {
	lp := h.list()
	if pos := lp.HashFind(field); pos >= 0 {
		vpos := lp.Next(pos)
		end := lp.Next(vpos)
		if end < 0 {
			end = len(lp) - 1 // the terminator
		}
		if grow := listpack.EntrySize(value) - (end - vpos); grow > 0 {
			lp = reserve(lp, grow)
		}
		h.setList(lp.Replace(vpos, value))
		return false
	}
	lp = reserve(lp, listpack.EntrySize(field)+listpack.EntrySize(value))
	h.setList(lp.Append(field, value))
	return true
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
	if d := h.dict(); d != nil {
		return d.Delete(field)
	}
	lp, ok := h.list().HashDelete(field)
	if ok {
		h.setList(trim(lp))
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
	h.setDict(d)
}
