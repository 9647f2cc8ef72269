package digest

import (
	"crypto/sha1"
	"iter"
	"sync"
)

// NoExpire is the expire time that marks a key without a time to live. Any
// other value means the key has one; its actual time does not enter the
// digest.
const NoExpire int64 = -1

// Redis object type codes, hashed as 4 big-endian bytes at the start of every
// value digest.
const (
	typeString = 0
	typeList   = 1
	typeSet    = 2
	typeZSet   = 3
	typeHash   = 4
	typeStream = 6
)

// Precomputed hashes of the constant inputs, so a key costs two SHA-1
// computations fewer.
var (
	typeHashes = [...][sha1.Size]byte{
		typeString: be32Hash(typeString),
		typeList:   be32Hash(typeList),
		typeSet:    be32Hash(typeSet),
		typeZSet:   be32Hash(typeZSet),
		typeHash:   be32Hash(typeHash),
		typeStream: be32Hash(typeStream),
	}
	expireHash = sha1.Sum([]byte("!!expire!!"))
)

// folderPool recycles folders for the value functions, so that a value
// digest allocates nothing.
var folderPool = sync.Pool{New: func() any { return newFolder() }}

// StreamID is the ID of a stream entry: milliseconds and sequence number.
type StreamID struct {
	MS, Seq uint64
}

// StringValue returns the DEBUG DIGEST-VALUE digest of a string value.
func StringValue(val []byte, expireMs int64) Sum {
	var s Sum
	s.stringValue(val, expireMs)
	return s
}

// ListValue returns the DEBUG DIGEST-VALUE digest of a list whose elements
// elems yields from head to tail.
func ListValue(elems iter.Seq[[]byte], expireMs int64) Sum {
	f := folderPool.Get().(*folder)
	f.s = Sum{}
	f.list(elems, expireMs)
	s := f.s
	folderPool.Put(f)
	return s
}

// SetValue returns the DEBUG DIGEST-VALUE digest of a set whose members
// members yields in any order. Integer members must be given as their decimal
// text.
func SetValue(members iter.Seq[[]byte], expireMs int64) Sum {
	f := folderPool.Get().(*folder)
	f.s = Sum{}
	f.set(members, expireMs)
	s := f.s
	folderPool.Put(f)
	return s
}

// ZSetValue returns the DEBUG DIGEST-VALUE digest of a sorted set whose
// member/score pairs elems yields in any order. See the package
// documentation for how negative zero must be passed.
func ZSetValue(elems iter.Seq2[[]byte, float64], expireMs int64) Sum {
	f := folderPool.Get().(*folder)
	f.s = Sum{}
	f.zset(elems, expireMs)
	s := f.s
	folderPool.Put(f)
	return s
}

// HashValue returns the DEBUG DIGEST-VALUE digest of a hash whose
// field/value pairs pairs yields in any order.
func HashValue(pairs iter.Seq2[[]byte, []byte], expireMs int64) Sum {
	f := folderPool.Get().(*folder)
	f.s = Sum{}
	f.hash(pairs, expireMs)
	s := f.s
	folderPool.Put(f)
	return s
}

// StreamValue returns the DEBUG DIGEST-VALUE digest of a stream whose entries
// entries yields in ascending ID order. Each entry's fields is the flat list
// field1, value1, field2, value2, ... in the entry's order. Consumer groups and
// stream metadata do not enter the digest. The fields slice is only read
// during the yield, so the caller may reuse it for the next entry.
func StreamValue(entries iter.Seq2[StreamID, [][]byte], expireMs int64) Sum {
	f := folderPool.Get().(*folder)
	f.s = Sum{}
	f.stream(entries, expireMs)
	s := f.s
	folderPool.Put(f)
	return s
}

// stringValue continues s, which is zero for DEBUG DIGEST-VALUE and holds the
// mixed key name for DEBUG DIGEST, with a string value.
func (s *Sum) stringValue(val []byte, expireMs int64) {
	s.mixHash(typeHashes[typeString])
	s.mix(val)
	s.expire(expireMs)
}

// expire adds Redis's expire marker when the key has a time to live.
func (s *Sum) expire(expireMs int64) {
	if expireMs != NoExpire {
		s.xorHash(expireHash)
	}
}
