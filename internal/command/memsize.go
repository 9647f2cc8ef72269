package command

import (
	"math/bits"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/hash"
	"github.com/vestadb/vesta/internal/types/list"
	"github.com/vestadb/vesta/internal/types/set"
	"github.com/vestadb/vesta/internal/types/stream"
	"github.com/vestadb/vesta/internal/types/zset"
)

// MEMORY USAGE estimates what a key costs in Redis 7.0's accounting
// (object.c objectComputeSize plus the key and its dict entry), applied to
// Vesta's encodings, which are Redis's: the same listpacks, intsets and
// quicklist nodes. Allocation sizes are rounded up to jemalloc's size
// classes as Redis's zmalloc_size reports them; structures are counted at
// their size on a 64-bit build. Collections in a hash table encoding are
// sampled as Redis samples them: the average of the first samples
// elements (all when samples is 0) times the element count. The figure is
// therefore what redis-server reports for the same value, up to the
// elements sampled and the free space of strings grown in place; it is not
// the size of Vesta's own Go allocations.

// Sizes of Redis 7.0 structures on a 64-bit build.
const (
	sizeRobj          = 16
	sizeDictEntry     = 24
	sizeDict          = 56
	sizeQuicklist     = 40
	sizeQuicklistNode = 40
	sizeZSet          = 16
	sizeZSkiplist     = 32
	// A skiplist header node has 32 levels: 24 + 32*16 bytes, in the
	// 640-byte size class.
	sizeZslHeader = 640
	// The mean allocation of a skiplist node: 24 bytes plus 16 per level,
	// with levels drawn with p = 1/4 (48, 64, 80, 96 … bytes).
	sizeZslNodeMean = 53
	// DefaultMemorySamples is MEMORY USAGE's default SAMPLES.
	DefaultMemorySamples = 5
)

// MallocSize is the size class jemalloc serves a request of n bytes from:
// 8, then multiples of 16 up to 128, then four classes per doubling.
func MallocSize(n int) int {
	switch {
	case n <= 8:
		return 8
	case n <= 128:
		return (n + 15) &^ 15
	}
	p := 1 << (bits.Len(uint(n-1)) - 1) // largest power of two below n
	step := p / 4
	return (n + step - 1) / step * step
}

// sdsAllocSize is sdsZmallocSize of an sds string of n bytes made by
// sdsnewlen: the smallest header that holds n, the bytes and a NUL.
func sdsAllocSize(n int) int {
	var hdr int
	switch {
	case n == 0:
		hdr = 3 // sdsnewlen makes an empty string a type 8
	case n < 1<<5:
		hdr = 1
	case n < 1<<8:
		hdr = 3
	case n < 1<<16:
		hdr = 5
	case n < 1<<32:
		hdr = 9
	default:
		hdr = 17
	}
	return MallocSize(hdr + n + 1)
}

// dictSlots is the bucket count of a Redis dict holding n entries.
func dictSlots(n int) int {
	if n <= 4 {
		return 4
	}
	return 1 << bits.Len(uint(n-1))
}

// MemoryUsage is MEMORY USAGE's figure for e: the value, the key's sds
// and the dict entry.
func MemoryUsage(e *keyspace.Entry, samples int) int64 {
	if samples <= 0 {
		samples = int(^uint(0) >> 1)
	}
	return valueSize(e, samples) + int64(sdsAllocSize(len(e.Key()))) + sizeDictEntry
}

// sampled returns the estimate of n elements from the sizes of the first
// ones, at most samples of them, that each yields.
func sampled(n, samples int, each func(fn func(size int) bool)) int64 {
	total, taken := 0, 0
	each(func(size int) bool {
		total += size
		taken++
		return taken < samples
	})
	if taken == 0 {
		return 0
	}
	return int64(float64(total) / float64(taken) * float64(n))
}

func valueSize(e *keyspace.Entry, samples int) int64 {
	if e.Type() == keyspace.TypeString {
		s := e.Str()
		switch StringEncoding(e) {
		case "int":
			return sizeRobj
		case "embstr":
			return int64(MallocSize(sizeRobj + 3 + len(s) + 1))
		default:
			return int64(sizeRobj + sdsAllocSize(len(s)))
		}
	}
	switch o := e.Obj().(type) {
	case *list.List:
		nodes := 0
		o.StoredNodes(func([]byte, bool, int) bool { nodes++; return true })
		return sizeRobj + sizeQuicklist + sampled(nodes, samples, func(fn func(int) bool) {
			o.StoredNodes(func(data []byte, plain bool, rawLen int) bool {
				n := len(data)
				if rawLen > 0 {
					n += 4 // quicklistLZF's length field
				}
				return fn(sizeQuicklistNode + MallocSize(n))
			})
		})
	case *set.Set:
		if is, ok := o.IntSet(); ok {
			return int64(sizeRobj + MallocSize(len(is)))
		}
		n := o.Len()
		return int64(sizeRobj+sizeDict+8*dictSlots(n)) + sampled(n, samples, func(fn func(int) bool) {
			o.Each(func(m []byte) bool { return fn(sizeDictEntry + sdsAllocSize(len(m))) })
		})
	case *hash.Hash:
		if lp, ok := o.Listpack(); ok {
			return int64(sizeRobj + MallocSize(len(lp)))
		}
		n := o.Len()
		return int64(sizeRobj+sizeDict+8*dictSlots(n)) + sampled(n, samples, func(fn func(int) bool) {
			o.Each(func(f, v []byte) bool { return fn(sizeDictEntry + sdsAllocSize(len(f)) + sdsAllocSize(len(v))) })
		})
	case *zset.ZSet:
		if lp, ok := o.Listpack(); ok {
			return int64(sizeRobj + MallocSize(len(lp)))
		}
		n := o.Len()
		return int64(sizeRobj+sizeZSet+sizeZSkiplist+sizeDict+8*dictSlots(n)+sizeZslHeader) +
			sampled(n, samples, func(fn func(int) bool) {
				o.Each(func(m []byte, _ float64) bool {
					return fn(sdsAllocSize(len(m)) + sizeDictEntry + sizeZslNodeMean)
				})
			})
	case *stream.Stream:
		return streamSize(o, samples)
	}
	return sizeRobj
}

// streamSize follows objectComputeSize for streams: the stream and its
// radix tree, the sampled listpack nodes (the average of the first ones
// times all but the last, plus the last), and per group the structures
// and the PELs (streamRadixTreeMemoryUsage, with the radix-tree nodes of
// a PEL taken as one per entry, and its assignment that drops sizeof(rax),
// as in Redis 7.0).
func streamSize(s *stream.Stream, samples int) int64 {
	const (
		sizeStream   = 80 // rax*, length, last/first/max-deleted IDs, entries_added, cgroups*
		sizeRax      = 24
		sizeRaxNode  = 4
		sizeCG       = 40
		sizeNACK     = 24
		sizeConsumer = 40
	)
	size := int64(sizeRobj+sizeStream+sizeRax) + s.RaxNodes()*sizeRaxNode
	nodes := s.NodeCount()
	total, taken, last := 0, 0, 0
	s.NodeBytes(func(n int) bool {
		last = MallocSize(n)
		if taken < samples {
			total += last
			taken++
		}
		return true
	})
	if nodes <= taken {
		size += int64(total)
	} else if taken > 0 {
		size += int64(total/taken)*int64(nodes-1) + int64(last)
	}
	pelSize := func(n int) int64 { return int64(n)*16 + int64(n+1)*(sizeRaxNode+8*30) }
	for _, g := range s.Groups() {
		size += sizeCG + pelSize(g.PEL.Len()) + int64(sizeNACK*g.PEL.Len())
		for _, c := range g.Consumers {
			size += sizeConsumer + int64(len(c.Name)) + pelSize(c.PEL.Len())
		}
	}
	return size
}

// SerializedLength is DEBUG OBJECT's serializedlength: the size of the
// value's RDB encoding without its type byte (Redis's rdbSavedObjectLen),
// with strings LZF-compressed when compress (rdbcompression) says so.
func SerializedLength(e *keyspace.Entry, compress bool) int {
	p, err := DumpPayload(e, compress)
	if err != nil {
		return 0
	}
	return len(p) - 1 - 10 // type byte; RDB version and CRC64
}
