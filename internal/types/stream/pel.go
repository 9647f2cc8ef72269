package stream

import "slices"

// PEL is a pending entries list: NACKs ordered by ID. It is a B-tree
// (Redis keeps a radix tree), so that acknowledging, claiming or looking
// up any entry costs O(log n) however many are pending: a sorted slice
// made every XACK in the middle of a long list move the rest of it.
// The zero value is an empty list.
//
// The tree is this package's own rather than a generic one: a node keeps
// its IDs in an array of their own, searched with the comparison inlined.
// With github.com/google/btree (items of ID and pointer, compared through
// a function value) half of an XACK's CPU was the tree's search.
type PEL struct {
	root *pelNode
	n    int
}

// A B-tree of minimum degree pelMinDegree: every node but the root holds
// pelMinDegree-1 to pelMaxItems NACKs, an inner node one child more than
// NACKs, and all leaves are at the same depth. Insertion splits full nodes
// on the way down and deletion tops up thin ones on the way down (Cormen
// et al., chapter 18), so neither ever walks back up.
const (
	pelMinDegree = 16
	pelMaxItems  = 2*pelMinDegree - 1
)

// pelNode is a node: ids[i] is nacks[i].ID, and kids[i] holds the IDs
// between ids[i-1] and ids[i]. Its slices are allocated at full capacity,
// so that inserting never reallocates them.
type pelNode struct {
	ids   []ID
	nacks []*NACK
	kids  []*pelNode // nil in a leaf
}

func newPELNode(inner bool) *pelNode {
	n := &pelNode{ids: make([]ID, 0, pelMaxItems), nacks: make([]*NACK, 0, pelMaxItems)}
	if inner {
		n.kids = make([]*pelNode, 0, pelMaxItems+1)
	}
	return n
}

func idLess(a, b ID) bool { return a.MS < b.MS || a.MS == b.MS && a.Seq < b.Seq }

// find returns the index of the first ID of n not below id, and whether
// it is id.
func (n *pelNode) find(id ID) (int, bool) {
	lo, hi := 0, len(n.ids)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if idLess(n.ids[m], id) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(n.ids) && n.ids[lo] == id
}

// Len is the number of pending entries.
func (p *PEL) Len() int { return p.n }

// Get returns the NACK of id, or nil.
func (p *PEL) Get(id ID) *NACK {
	for n := p.root; n != nil; {
		i, found := n.find(id)
		if found {
			return n.nacks[i]
		}
		if n.kids == nil {
			return nil
		}
		n = n.kids[i]
	}
	return nil
}

// First is the NACK with the lowest ID, or nil.
func (p *PEL) First() *NACK {
	n := p.root
	if n == nil || len(n.ids) == 0 {
		return nil
	}
	for n.kids != nil {
		n = n.kids[0]
	}
	return n.nacks[0]
}

// Last is the NACK with the highest ID, or nil.
func (p *PEL) Last() *NACK {
	n := p.root
	if n == nil || len(n.ids) == 0 {
		return nil
	}
	for n.kids != nil {
		n = n.kids[len(n.kids)-1]
	}
	return n.nacks[len(n.nacks)-1]
}

// Ceil is the NACK with the lowest ID at or above id, or nil.
func (p *PEL) Ceil(id ID) *NACK {
	var n *NACK
	p.Ascend(id, func(x *NACK) bool {
		n = x
		return false
	})
	return n
}

// Ascend calls fn for the NACKs from ID from upwards until it returns
// false. fn must not change the list.
func (p *PEL) Ascend(from ID, fn func(*NACK) bool) {
	if p.root != nil {
		p.root.ascend(from, fn)
	}
}

// ascend is Ascend within n's subtree; it reports false when fn did.
func (n *pelNode) ascend(from ID, fn func(*NACK) bool) bool {
	i, _ := n.find(from)
	for ; i < len(n.ids); i++ {
		if n.kids != nil && !n.kids[i].ascend(from, fn) {
			return false
		}
		if !fn(n.nacks[i]) {
			return false
		}
	}
	return n.kids == nil || n.kids[len(n.ids)].ascend(from, fn)
}

// Each calls fn for every NACK in ID order until it returns false.
func (p *PEL) Each(fn func(*NACK) bool) { p.Ascend(ID{}, fn) }

// insert adds x, replacing a NACK of the same ID.
func (p *PEL) insert(x *NACK) {
	if p.root == nil {
		p.root = newPELNode(false)
	}
	if len(p.root.ids) == pelMaxItems {
		old := p.root
		p.root = newPELNode(true)
		p.root.kids = append(p.root.kids, old)
		p.root.splitChild(0)
	}
	if p.root.insert(x) {
		p.n++
	}
}

// insert adds x to n's subtree (n is not full), reporting whether it is
// new.
func (n *pelNode) insert(x *NACK) bool {
	for {
		i, found := n.find(x.ID)
		if found {
			n.nacks[i] = x
			return false
		}
		if n.kids == nil {
			n.ids = slices.Insert(n.ids, i, x.ID)
			n.nacks = slices.Insert(n.nacks, i, x)
			return true
		}
		if len(n.kids[i].ids) == pelMaxItems {
			n.splitChild(i)
			if n.ids[i] == x.ID {
				n.nacks[i] = x
				return false
			}
			if idLess(n.ids[i], x.ID) {
				i++
			}
		}
		n = n.kids[i]
	}
}

// splitChild splits n's full child i in two around its middle NACK,
// which moves up into n at index i. n is not full.
func (n *pelNode) splitChild(i int) {
	c := n.kids[i]
	const m = pelMinDegree - 1 // the middle
	right := newPELNode(c.kids != nil)
	right.ids = append(right.ids, c.ids[m+1:]...)
	right.nacks = append(right.nacks, c.nacks[m+1:]...)
	if c.kids != nil {
		right.kids = append(right.kids, c.kids[m+1:]...)
		clear(c.kids[m+1:])
		c.kids = c.kids[:m+1]
	}
	n.ids = slices.Insert(n.ids, i, c.ids[m])
	n.nacks = slices.Insert(n.nacks, i, c.nacks[m])
	n.kids = slices.Insert(n.kids, i+1, right)
	clear(c.nacks[m:])
	c.ids, c.nacks = c.ids[:m], c.nacks[:m]
}

// remove drops the NACK of id, if any, and returns it (or nil).
func (p *PEL) remove(id ID) *NACK {
	if p.root == nil {
		return nil
	}
	x := p.root.remove(id)
	if x != nil {
		p.n--
	}
	if len(p.root.ids) == 0 {
		if p.root.kids != nil {
			p.root = p.root.kids[0]
		} else {
			p.root = nil
		}
	}
	return x
}

// remove drops id from n's subtree; n is the root or holds at least
// pelMinDegree NACKs.
func (n *pelNode) remove(id ID) *NACK {
	for {
		i, found := n.find(id)
		if n.kids == nil {
			if !found {
				return nil
			}
			x := n.nacks[i]
			n.ids = slices.Delete(n.ids, i, i+1)
			n.nacks = slices.Delete(n.nacks, i, i+1)
			return x
		}
		if found {
			x := n.nacks[i]
			switch {
			case len(n.kids[i].ids) >= pelMinDegree:
				y := n.kids[i].removeEdge(true) // the predecessor takes its place
				n.ids[i], n.nacks[i] = y.ID, y
				return x
			case len(n.kids[i+1].ids) >= pelMinDegree:
				y := n.kids[i+1].removeEdge(false) // the successor
				n.ids[i], n.nacks[i] = y.ID, y
				return x
			}
			n.merge(i) // id moves down into the merged child
			n = n.kids[i]
			continue
		}
		if len(n.kids[i].ids) < pelMinDegree {
			i = n.grow(i)
		}
		n = n.kids[i]
	}
}

// removeEdge removes and returns the highest (last) or lowest NACK of n's
// subtree; n holds at least pelMinDegree NACKs.
func (n *pelNode) removeEdge(last bool) *NACK {
	for n.kids != nil {
		i := 0
		if last {
			i = len(n.kids) - 1
		}
		if len(n.kids[i].ids) < pelMinDegree {
			i = n.grow(i)
		}
		n = n.kids[i]
	}
	i := 0
	if last {
		i = len(n.ids) - 1
	}
	x := n.nacks[i]
	n.ids = slices.Delete(n.ids, i, i+1)
	n.nacks = slices.Delete(n.nacks, i, i+1)
	return x
}

// grow gives n's child i, which holds pelMinDegree-1 NACKs, one more:
// through n from a sibling that can spare one, else by merging it with a
// sibling. It returns the index of the child that holds its NACKs now.
func (n *pelNode) grow(i int) int {
	c := n.kids[i]
	if i > 0 && len(n.kids[i-1].ids) >= pelMinDegree {
		l := n.kids[i-1]
		last := len(l.ids) - 1
		c.ids = slices.Insert(c.ids, 0, n.ids[i-1])
		c.nacks = slices.Insert(c.nacks, 0, n.nacks[i-1])
		n.ids[i-1], n.nacks[i-1] = l.ids[last], l.nacks[last]
		l.nacks[last] = nil
		l.ids, l.nacks = l.ids[:last], l.nacks[:last]
		if l.kids != nil {
			k := len(l.kids) - 1
			c.kids = slices.Insert(c.kids, 0, l.kids[k])
			l.kids[k] = nil
			l.kids = l.kids[:k]
		}
		return i
	}
	if i < len(n.ids) && len(n.kids[i+1].ids) >= pelMinDegree {
		r := n.kids[i+1]
		c.ids = append(c.ids, n.ids[i])
		c.nacks = append(c.nacks, n.nacks[i])
		n.ids[i], n.nacks[i] = r.ids[0], r.nacks[0]
		r.ids = slices.Delete(r.ids, 0, 1)
		r.nacks = slices.Delete(r.nacks, 0, 1)
		if r.kids != nil {
			c.kids = append(c.kids, r.kids[0])
			r.kids = slices.Delete(r.kids, 0, 1)
		}
		return i
	}
	if i == len(n.ids) {
		i-- // the last child merges with its left sibling
	}
	n.merge(i)
	return i
}

// merge joins n's child i, NACK i and child i+1 into child i; both
// children hold pelMinDegree-1 NACKs.
func (n *pelNode) merge(i int) {
	l, r := n.kids[i], n.kids[i+1]
	l.ids = append(append(l.ids, n.ids[i]), r.ids...)
	l.nacks = append(append(l.nacks, n.nacks[i]), r.nacks...)
	if l.kids != nil {
		l.kids = append(l.kids, r.kids...)
	}
	n.ids = slices.Delete(n.ids, i, i+1)
	n.nacks = slices.Delete(n.nacks, i, i+1)
	n.kids = slices.Delete(n.kids, i+1, i+2)
}
