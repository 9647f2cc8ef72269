package keyspace

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

// Entry is one key and its value. Strings live inline in the entry's byte
// slice right after the key, so a small string key costs one 64-byte entry
// plus one small allocation; other types hang off obj.
type Entry struct {
	next *Entry
	kv   []byte // the key, then (for strings) the value
	obj  Object // nil for strings
	klen uint32
	ttl  int32  // 1 + index into the Dict's expires array; 0 = no TTL
	meta uint32 // low 24 bits: LRU clock; high 8 bits: flags
	hash uint32 // low 32 bits of the key's hash: bucket index and fingerprint
}

const (
	lruBits   = 24
	lruMask   = 1<<lruBits - 1
	flagRaw   = 1 << 24 // the string was modified in place (encoding "raw")
	flagNoInt = 1 << 25 // the string was made without trying the int encoding
	flagMask  = ^uint32(lruMask)
)

// Key returns the entry's key. The slice aliases the entry: copy it before
// the entry can change.
func (e *Entry) Key() []byte { return e.kv[:e.klen:e.klen] }

// Type returns the value's type.
func (e *Entry) Type() Type {
	if e.obj == nil {
		return TypeString
	}
	return e.obj.Type()
}

// Str returns a string value. It aliases the entry.
func (e *Entry) Str() []byte { return e.kv[e.klen:] }

// Obj returns a non-string value.
func (e *Entry) Obj() Object { return e.obj }

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
	return &Entry{kv: kv, klen: uint32(len(key))}
}

func newObjectEntry(key []byte, obj Object) *Entry {
	kv := make([]byte, len(key))
	copy(kv, key)
	return &Entry{kv: kv, klen: uint32(len(key)), obj: obj}
}

// setString replaces the value with a string, reusing the allocation when it
// fits and is not much larger than needed.
func (e *Entry) setString(val []byte) {
	need := int(e.klen) + len(val)
	if cap(e.kv) >= need && cap(e.kv) <= 2*need+32 {
		e.kv = append(e.kv[:e.klen], val...)
	} else {
		kv := make([]byte, need)
		copy(kv, e.kv[:e.klen])
		copy(kv[e.klen:], val)
		e.kv = kv
	}
	e.obj = nil
	e.meta &^= flagRaw | flagNoInt
}
