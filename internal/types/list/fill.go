package list

import "sync/atomic"

// The node size rules, as Redis 7.0.15's quicklist applies them.

// sizeLimits are the node size caps of fill -1..-5.
var sizeLimits = [...]int{4096, 8192, 16384, 32768, 65536}

const (
	// sizeSafetyLimit caps nodes of a list with a positive (count) fill.
	sizeSafetyLimit = 8192
	// sizeEstimateOverhead is the per-element overhead Redis assumes when
	// it decides whether an element fits in a node.
	sizeEstimateOverhead = 8
	// mergeHeaderSize is what Redis subtracts from the sum of two node sizes
	// to estimate their merged size.
	mergeHeaderSize = 11
	// defaultPackedThreshold is the element size from which an element gets a
	// PLAIN node of its own.
	defaultPackedThreshold = 1 << 30
	// maxPackedThreshold is the largest threshold Redis accepts.
	maxPackedThreshold = 1<<32 - 1<<20
)

var packedThreshold atomic.Int64

func init() { packedThreshold.Store(defaultPackedThreshold) }

// SetPackedThreshold sets the element size from which elements are stored
// in PLAIN nodes, for every list (Redis's DEBUG QUICKLIST-PACKED-THRESHOLD).
// Zero restores the default of 1 GiB. It reports false, changing nothing,
// for sizes above 4 GiB - 1 MiB.
func SetPackedThreshold(n int64) bool {
	if n < 0 || n > maxPackedThreshold {
		return false
	}
	if n == 0 {
		n = defaultPackedThreshold
	}
	packedThreshold.Store(n)
	return true
}

// PackedThreshold returns the current packed threshold.
func PackedThreshold() int64 { return packedThreshold.Load() }

// isLarge reports whether an element of sz bytes needs a PLAIN node.
func isLarge(sz int) bool { return int64(sz) >= packedThreshold.Load() }

// fitsLimit reports whether a node of sz bytes and count elements respects
// the fill factor.
func (l *List) fitsLimit(sz, count int) bool {
	if l.fill < 0 {
		return sz <= sizeLimits[-int(l.fill)-1]
	}
	return sz <= sizeSafetyLimit && count <= int(l.fill)
}

// allowInsert reports whether an element of sz bytes may join node nd.
func (l *List) allowInsert(nd *node, sz int) bool {
	if nd.plain() || isLarge(sz) {
		return false
	}
	return l.fitsLimit(nd.size()+sz+sizeEstimateOverhead, int(nd.count)+1)
}

// allowMerge reports whether two adjacent nodes may become one.
func (l *List) allowMerge(a, b *node) bool {
	if a.plain() || b.plain() {
		return false
	}
	return l.fitsLimit(a.size()+b.size()-mergeHeaderSize, int(a.count)+int(b.count))
}
