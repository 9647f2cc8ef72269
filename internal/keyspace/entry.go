package keyspace

import (
	"math"
	"unsafe"
)

// Type is the type of a value, as TYPE names it.
type Type uint8

// The value types.
const (
	TypeString Type = iota
	TypeList
	TypeSet
	TypeZSet
	TypeHash
	TypeStream
)

var typeNames = [...]string{"string", "list", "set", "zset", "hash", "stream"}

func (t Type) String() string { return typeNames[t] }

// Object is a value that is not a string: lists, sets, sorted sets and
// hashes implement it in their own packages.
type Object interface {
	Type() Type
	// Encoding is the name OBJECT ENCODING reports (listpack, quicklist, …).
	Encoding() string
	// Clone returns a deep copy (COPY).
	Clone() Object
}

// Entry is one key and its value, 48 bytes (a Go size class) plus one
// allocation that holds the key and, for a string, the value right after
// it. A small string key thus costs the entry and one small byte
// allocation; other types hang off obj.
//
// The layout trades Go's usual fat references for narrow ones, because
// every byte here is paid once per key:
//
//   - kv is a bare pointer to the key bytes; klen, vlen and kcap give the
//     key's length, the string value's length and the allocation's
//     capacity (a slice header would take 24 bytes);
//   - obj is only the data word of the value's Object interface; the other
//     word (the interface's type) is one of a few, numbered in a process-wide
//     table (objKinds) and the number kept in meta's top bits. A value that
//     is itself one pointer (a WordObject, such as a hash) is kept by that
//     pointer, not by a pointer to it.
//
// A string whose allocation does not fit in 32-bit lengths (more than 4 GiB,
// possible only with a raised proto-max-bulk-len) is "big": its slice
// header lives in a separate allocation that obj points to, and kv points
// at the same bytes.
type Entry struct {
	next *Entry
	kv   *byte          // the key, then (for strings) the value
	obj  unsafe.Pointer // nil for strings (but for big ones: *[]byte)
	klen uint32
	vlen uint32 // string value length
	kcap uint32 // capacity of the allocation at kv
	ttl  int32  // 1 + index into the Dict's expires array; 0 = no TTL
	meta uint32 // low 24 bits: LRU clock; then flags; top 5 bits: object kind
	hash uint32 // low 32 bits of the key's hash: bucket index and fingerprint
}

const (
	lruBits   = 24
	lruMask   = 1<<lruBits - 1
	flagRaw   = 1 << 24 // the string was modified in place (encoding "raw")
	flagNoInt = 1 << 25 // the string was made without trying the int encoding
	flagBig   = 1 << 26 // the string's slice header is at obj (see Entry)
	flagMask  = ^uint32(lruMask)
	kindShift = 27
	kindMask  = 1<<(32-kindShift) - 1
)

// maxInline is the largest allocation whose lengths the entry keeps
// inline; a variable so that tests can exercise big strings.
var maxInline = math.MaxUint32

// Key returns the entry's key. The slice aliases the entry: copy it before
// the entry can change.
func (e *Entry) Key() []byte { return unsafe.Slice(e.kv, e.klen) }

// buf returns the whole allocation at kv: the key and the string value, with
// the allocation's capacity.
func (e *Entry) buf() []byte {
	if e.meta&flagBig != 0 {
		return *(*[]byte)(e.obj)
	}
	return unsafe.Slice(e.kv, e.kcap)[:e.klen+e.vlen]
}

// setBuf makes b, which starts with the key, the entry's allocation. The
// entry must hold a string (kind 0).
func (e *Entry) setBuf(b []byte) {
	e.kv = unsafe.SliceData(b)
	if cap(b) > maxInline {
		p := new([]byte)
		*p = b
		e.obj = unsafe.Pointer(p)
		e.vlen, e.kcap = 0, 0
		e.meta |= flagBig
		return
	}
	e.obj = nil
	e.vlen = uint32(len(b)) - e.klen
	e.kcap = uint32(cap(b))
	e.meta &^= flagBig
}

// Type returns the value's type.
func (e *Entry) Type() Type {
	k := e.meta >> kindShift
	if k == 0 {
		return TypeString
	}
	return objKinds.typ[k]
}

// Str returns a string value. It aliases the entry.
func (e *Entry) Str() []byte {
	if e.meta&flagBig != 0 {
		b := *(*[]byte)(e.obj)
		return b[e.klen:len(b):len(b)]
	}
	n := e.klen + e.vlen
	return unsafe.Slice(e.kv, n)[e.klen:n:n]
}

// Obj returns a non-string value.
func (e *Entry) Obj() Object {
	k := e.meta >> kindShift
	if k == 0 {
		return nil
	}
	var o Object
	i := (*iface)(unsafe.Pointer(&o))
	i.tab = unsafe.Pointer(objKinds.tab[k].Load())
	if objKinds.ref[k] {
		i.data = unsafe.Pointer(&e.obj)
	} else {
		i.data = e.obj
	}
	return o
}

// HasTTL reports whether the key has an expiry time.
func (e *Entry) HasTTL() bool { return e.ttl != 0 }

// LRU returns the entry's LRU clock (seconds, 24 bits, like Redis).
func (e *Entry) LRU() uint32 { return e.meta & lruMask }

// setLRU stamps the entry as accessed at clock.
func (e *Entry) setLRU(clock uint32) { e.meta = e.meta&flagMask | clock&lruMask }

// RawString reports that the string was changed in place by APPEND,
// SETRANGE and the like, which Redis reports as encoding "raw".
func (e *Entry) RawString() bool { return e.meta&flagRaw != 0 }

// NoIntString reports a string Redis would not have int-encoded (the
// result of INCRBYFLOAT): "embstr" or "raw" even when it looks like an
// integer.
func (e *Entry) NoIntString() bool { return e.meta&flagNoInt != 0 }

func newStringEntry(key, val []byte) *Entry {
	kv := make([]byte, len(key)+len(val))
	copy(kv, key)
	copy(kv[len(key):], val)
	e := &Entry{klen: uint32(len(key))}
	e.setBuf(kv)
	return e
}

func newObjectEntry(key []byte, obj Object) *Entry {
	kv := make([]byte, len(key))
	copy(kv, key)
	e := &Entry{klen: uint32(len(key))}
	e.setBuf(kv)
	e.setObj(obj)
	return e
}

// setObj makes obj the entry's value, dropping any string value (but
// keeping its allocation, unless it was big).
func (e *Entry) setObj(obj Object) {
	if e.meta&flagBig != 0 {
		e.setBuf(append([]byte(nil), e.Key()...))
	}
	tab, data := splitObj(obj)
	k := kindOf(tab, obj)
	if objKinds.ref[k] {
		data = *(*unsafe.Pointer)(data)
	}
	e.vlen = 0
	e.obj = data
	e.meta = e.meta&^(flagRaw|flagNoInt|kindMask<<kindShift) | k<<kindShift
}

// setString replaces the value with a string, reusing the allocation when it
// fits and is not much larger than needed.
func (e *Entry) setString(val []byte) {
	need := int(e.klen) + len(val)
	b := e.buf()
	if cap(b) >= need && cap(b) <= 2*need+32 {
		b = append(b[:e.klen], val...)
	} else {
		kv := make([]byte, need)
		copy(kv, b[:e.klen])
		copy(kv[e.klen:], val)
		b = kv
	}
	e.meta &^= flagRaw | flagNoInt | kindMask<<kindShift
	e.setBuf(b)
}
