package stream

import "github.com/google/btree"

// PEL is a pending entries list: NACKs ordered by ID. It is a B-tree
// (Redis keeps a radix tree), so that acknowledging, claiming or looking
// up any entry costs O(log n) however many are pending: a sorted slice
// made every XACK in the middle of a long list move the rest of it.
// The zero value is an empty list.
type PEL struct {
	t *btree.BTreeG[pelItem]
}

// pelItem carries its key by value, so that a lookup builds its probe
// without allocating.
type pelItem struct {
	id ID
	n  *NACK
}

func lessPEL(a, b pelItem) bool { return a.id.Less(b.id) }

// pelDegree gives nodes of up to 63 entries of 24 bytes: shallow trees and
// little per-entry overhead.
const pelDegree = 32

// Len is the number of pending entries.
func (p *PEL) Len() int {
	if p.t == nil {
		return 0
	}
	return p.t.Len()
}

// Get returns the NACK of id, or nil.
func (p *PEL) Get(id ID) *NACK {
	if p.t == nil {
		return nil
	}
	it, _ := p.t.Get(pelItem{id: id})
	return it.n
}

// First is the NACK with the lowest ID, or nil.
func (p *PEL) First() *NACK {
	if p.t == nil {
		return nil
	}
	it, _ := p.t.Min()
	return it.n
}

// Last is the NACK with the highest ID, or nil.
func (p *PEL) Last() *NACK {
	if p.t == nil {
		return nil
	}
	it, _ := p.t.Max()
	return it.n
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
	if p.t == nil {
		return
	}
	p.t.AscendGreaterOrEqual(pelItem{id: from}, func(it pelItem) bool { return fn(it.n) })
}

// Each calls fn for every NACK in ID order until it returns false.
func (p *PEL) Each(fn func(*NACK) bool) {
	if p.t == nil {
		return
	}
	p.t.Ascend(func(it pelItem) bool { return fn(it.n) })
}

// insert adds n, replacing a NACK of the same ID.
func (p *PEL) insert(n *NACK) {
	if p.t == nil {
		p.t = btree.NewG(pelDegree, lessPEL)
	}
	p.t.ReplaceOrInsert(pelItem{n.ID, n})
}

// remove drops the NACK of id, if any, and returns it (or nil).
func (p *PEL) remove(id ID) *NACK {
	if p.t == nil {
		return nil
	}
	it, _ := p.t.Delete(pelItem{id: id})
	return it.n
}
