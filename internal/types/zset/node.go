package zset

import "unsafe"

// maxLevel is the highest skiplist level (Redis's ZSKIPLIST_MAXLEVEL).
const maxLevel = 32

// node is one member of a skiplist-encoded zset. Its links live in the same
// allocation: node is the fixed head, and a node of level k is allocated as
// a larger struct (see newNode) whose fields continue the fwd array with k-1
// more forward pointers, followed by the spans of levels 1..k-1:
//
//	member score hnext level | fwd[0] | fwd[1] … fwd[k-1] | span[1] … span[k-1]
//	      40 bytes           |   8    |     8 × (k-1)     |     4 × (k-1)
//
// A level-1 node is therefore 48 bytes, the size class most nodes (3 in 4)
// fall in. The span of level 0 is not stored: it is 1 when fwd[0] is set and
// 0 at the tail. There is no backward pointer either (reverse walks go by
// rank, see skiplist.go), and the member index chains nodes through hnext
// instead of allocating entries of its own.
type node struct {
	member string
	score  float64
	hnext  *node // next node in the same bucket of the member index
	level  uint8 // number of levels, 1..maxLevel
	fwd    [1]*node
}

const ptrSize = unsafe.Sizeof((*node)(nil))

// next returns the node's successor at level i.
func (n *node) next(i int) *node {
	return *(**node)(unsafe.Add(unsafe.Pointer(&n.fwd[0]), uintptr(i)*ptrSize))
}

// setNext sets the node's successor at level i.
func (n *node) setNext(i int, x *node) {
	*(**node)(unsafe.Add(unsafe.Pointer(&n.fwd[0]), uintptr(i)*ptrSize)) = x
}

// spanPtr points at the span of level i >= 1.
func (n *node) spanPtr(i int) *uint32 {
	base := unsafe.Add(unsafe.Pointer(&n.fwd[0]), uintptr(n.level)*ptrSize)
	return (*uint32)(unsafe.Add(base, uintptr(i-1)*4))
}

// span returns how many level-0 steps the level-i link skips: 1 at level 0
// (the caller only asks for links that exist), the stored value above.
func (n *node) span(i int) int {
	if i == 0 {
		return 1
	}
	return int(*n.spanPtr(i))
}

// setSpan stores the span of level i; level 0's span is implicit.
func (n *node) setSpan(i, v int) {
	if i > 0 {
		*n.spanPtr(i) = uint32(v)
	}
}

// links holds the extra forward pointers and the spans of a node of level
// K+1, where F is [K]*node and S is [K]uint32.
type links[F, S any] struct {
	node
	//lint:ignore U1000 reached through node's pointers, never by name
	fwd F
	//lint:ignore U1000 reached through node's pointers, never by name
	span S
}

func alloc[F, S any]() *node { return &new(links[F, S]).node }

// allocators[k] allocates a node of level k.
var allocators = [maxLevel + 1]func() *node{
	1:  func() *node { return new(node) },
	2:  alloc[[1]*node, [1]uint32],
	3:  alloc[[2]*node, [2]uint32],
	4:  alloc[[3]*node, [3]uint32],
	5:  alloc[[4]*node, [4]uint32],
	6:  alloc[[5]*node, [5]uint32],
	7:  alloc[[6]*node, [6]uint32],
	8:  alloc[[7]*node, [7]uint32],
	9:  alloc[[8]*node, [8]uint32],
	10: alloc[[9]*node, [9]uint32],
	11: alloc[[10]*node, [10]uint32],
	12: alloc[[11]*node, [11]uint32],
	13: alloc[[12]*node, [12]uint32],
	14: alloc[[13]*node, [13]uint32],
	15: alloc[[14]*node, [14]uint32],
	16: alloc[[15]*node, [15]uint32],
	17: alloc[[16]*node, [16]uint32],
	18: alloc[[17]*node, [17]uint32],
	19: alloc[[18]*node, [18]uint32],
	20: alloc[[19]*node, [19]uint32],
	21: alloc[[20]*node, [20]uint32],
	22: alloc[[21]*node, [21]uint32],
	23: alloc[[22]*node, [22]uint32],
	24: alloc[[23]*node, [23]uint32],
	25: alloc[[24]*node, [24]uint32],
	26: alloc[[25]*node, [25]uint32],
	27: alloc[[26]*node, [26]uint32],
	28: alloc[[27]*node, [27]uint32],
	29: alloc[[28]*node, [28]uint32],
	30: alloc[[29]*node, [29]uint32],
	31: alloc[[30]*node, [30]uint32],
	32: alloc[[31]*node, [31]uint32],
}

// newNode allocates a node of the given level holding member and score.
func newNode(level int, member string, score float64) *node {
	n := allocators[level]()
	n.member = member
	n.score = score
	n.level = uint8(level)
	return n
}
