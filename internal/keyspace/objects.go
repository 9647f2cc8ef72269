package keyspace

// The collection types live in their own packages; the rest of the system
// (DEBUG DIGEST, RDB writer, AOF rewrite) reads them through these
// interfaces. Each iteration stops when fn returns false; the slices passed
// to fn are only valid during the call.

// ListValue is a list, read head to tail.
type ListValue interface {
	Object
	Len() int
	Each(fn func(elem []byte) bool)
}

// SetValue is a set, read in no particular order.
type SetValue interface {
	Object
	Len() int
	Each(fn func(member []byte) bool)
}

// HashValue is a hash, read in no particular order.
type HashValue interface {
	Object
	Len() int
	Each(fn func(field, value []byte) bool)
}

// ZSetValue is a sorted set, read from the lowest score.
type ZSetValue interface {
	Object
	Len() int
	Each(fn func(member []byte, score float64) bool)
}
