package list

import (
	"encoding/binary"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/listpack"
)

// node is one quicklist node: a listpack, a plain element, or either of
// them LZF-compressed (then data is the 4-byte raw size and the LZF bytes).
type node struct {
	data  []byte
	count uint32
	flags uint8
}

const (
	flagPlain      = 1 << iota // data is one raw element
	flagCompressed             // data is LZF-compressed
)

func (n *node) plain() bool      { return n.flags&flagPlain != 0 }
func (n *node) compressed() bool { return n.flags&flagCompressed != 0 }

// size is the node's uncompressed size in bytes (Redis's node->sz).
func (n *node) size() int {
	if n.compressed() {
		return int(binary.LittleEndian.Uint32(n.data))
	}
	return len(n.data)
}

// lp returns a raw packed node's listpack.
func (n *node) lp() listpack.Listpack { return listpack.Listpack(n.data) }

// List is a Redis list stored as a quicklist. The zero value is not usable;
// create lists with [New].
type List struct {
	buf   []node // nodes live in buf[head : head+n]
	head  int32
	n     int32
	count int
	fill  int16
	depth uint16
}

// Limits of the configuration values, as Redis clamps them.
const (
	MinFill  = -5
	MaxFill  = 1<<15 - 1
	MaxDepth = 1<<16 - 1
)

// New returns an empty list whose nodes follow fill (list-max-listpack-size)
// and compress depth (list-compress-depth). Out-of-range values are clamped
// as Redis clamps them.
func New(fill, depth int) *List {
	fill = min(max(fill, MinFill), MaxFill)
	depth = min(max(depth, 0), MaxDepth)
	return &List{fill: int16(fill), depth: uint16(depth)}
}

// Fill returns the list's fill factor.
func (l *List) Fill() int { return int(l.fill) }

// CompressDepth returns the list's compress depth.
func (l *List) CompressDepth() int { return int(l.depth) }

// Len returns the number of elements.
func (l *List) Len() int { return l.count }

// NodeCount returns the number of quicklist nodes (DEBUG OBJECT's ql_nodes).
func (l *List) NodeCount() int { return int(l.n) }

// Type implements keyspace.Object.
func (l *List) Type() keyspace.Type { return keyspace.TypeList }

// Encoding implements keyspace.Object: Redis 7.0 reports every list as a
// quicklist.
func (l *List) Encoding() string { return "quicklist" }

// Clone implements keyspace.Object with a deep copy.
func (l *List) Clone() keyspace.Object { return l.Copy() }

// Copy returns a deep copy of the list.
func (l *List) Copy() *List {
	c := &List{count: l.count, fill: l.fill, depth: l.depth, n: l.n}
	if l.n > 0 {
		c.buf = make([]node, l.n)
		for i, nd := range l.nodes() {
			c.buf[i] = node{data: append([]byte(nil), nd.data...), count: nd.count, flags: nd.flags}
		}
	}
	return c
}

// Info is what DEBUG OBJECT reports about a quicklist.
type Info struct {
	Nodes            int  // ql_nodes
	Fill             int  // ql_listpack_max
	Compressed       bool // ql_compressed (compression is configured)
	UncompressedSize int  // ql_uncompressed_size: the nodes' raw bytes
}

// Info returns the list's quicklist statistics.
func (l *List) Info() Info {
	in := Info{Nodes: int(l.n), Fill: int(l.fill), Compressed: l.depth != 0}
	for i := range l.nodes() {
		in.UncompressedSize += l.nodes()[i].size()
	}
	return in
}

// nodes returns the live nodes.
func (l *List) nodes() []node { return l.buf[l.head : l.head+l.n] }

// insertNode places nd at position i (0 <= i <= n) of the node sequence.
// A node added at an end goes into the free room on that side; a node added
// in the middle moves the shorter side that has room. When there is no room
// where it is needed the nodes are laid out afresh with room on both sides,
// so that pushes at either end stay amortised O(1).
func (l *List) insertNode(i int, nd node) {
	h, n := int(l.head), int(l.n)
	roomLeft, roomRight := h > 0, h+n < len(l.buf)
	switch {
	case i == 0 && roomLeft:
		l.buf[h-1] = nd
		l.head--
	case i == n && roomRight:
		l.buf[h+n] = nd
	case i > 0 && i < n && roomLeft && (i <= n-i || !roomRight):
		// Move the nodes before i one slot to the left.
		copy(l.buf[h-1:], l.buf[h:h+i])
		l.buf[h-1+i] = nd
		l.head--
	case i > 0 && i < n && roomRight:
		// Move the nodes from i one slot to the right.
		copy(l.buf[h+i+1:], l.buf[h+i:h+n])
		l.buf[h+i] = nd
	default:
		l.relayout(i, nd)
		return
	}
	l.n++
}

// relayout moves the nodes to a new array with room on both sides,
// inserting nd at position i on the way. The array keeps its size when at
// least half the node count is free, and doubles otherwise.
func (l *List) relayout(i int, nd node) {
	n := int(l.n)
	size := len(l.buf)
	if size-n-1 < n/2 || size < n+1 {
		size = max(1, 2*n)
	}
	buf := make([]node, size)
	front := (size - n - 1) / 2
	h := int(l.head)
	copy(buf[front:], l.buf[h:h+i])
	buf[front+i] = nd
	copy(buf[front+i+1:], l.buf[h+i:h+n])
	l.buf, l.head, l.n = buf, int32(front), int32(n+1)
}

// removeNode drops the node at position i.
func (l *List) removeNode(i int) {
	h, n := int(l.head), int(l.n)
	if i < n/2 {
		copy(l.buf[h+1:], l.buf[h:h+i])
		l.buf[h] = node{}
		l.head++
	} else {
		copy(l.buf[h+i:], l.buf[h+i+1:h+n])
		l.buf[h+n-1] = node{}
	}
	l.n--
	switch {
	case l.n == 0:
		l.buf, l.head = nil, 0
	case len(l.buf) > 8 && int(l.n) < len(l.buf)/4:
		l.shrinkNodes()
	}
}

// shrinkNodes moves the nodes to an array twice their number.
func (l *List) shrinkNodes() {
	n := int(l.n)
	size := 2 * n
	buf := make([]node, size)
	front := (size - n) / 2
	copy(buf[front:], l.nodes())
	l.buf, l.head = buf, int32(front)
}

// locate returns the node holding element i (0 <= i < Len) and the element's
// offset in that node, walking from the nearer end.
func (l *List) locate(i int) (ni, off int) {
	nodes := l.nodes()
	if i <= (l.count-1)/2 {
		for ni = range nodes {
			c := int(nodes[ni].count)
			if i < c {
				return ni, i
			}
			i -= c
		}
	} else {
		back := l.count - 1 - i // offset from the tail
		for ni = len(nodes) - 1; ni >= 0; ni-- {
			c := int(nodes[ni].count)
			if back < c {
				return ni, c - 1 - back
			}
			back -= c
		}
	}
	panic("list: index out of range")
}

// normIndex turns a possibly negative index into one from the head and
// reports whether it is in range.
func (l *List) normIndex(i int) (int, bool) {
	if i < 0 {
		i += l.count
	}
	return i, i >= 0 && i < l.count
}

var _ keyspace.ListValue = (*List)(nil)
