package list

import "github.com/vestadb/vesta/internal/listpack"

// Inserting next to an element (LINSERT) and replacing one (LSET), with
// Redis's split and merge rules.

// InsertAt stores elem next to element i (negative counts from the tail):
// after it when after is set, else before it. It reports false, changing
// nothing, when i is out of range.
func (l *List) InsertAt(i int, elem []byte, after bool) bool {
	i, ok := l.normIndex(i)
	if !ok {
		return false
	}
	ni, off := l.locate(i)
	l.insertAt(ni, off, elem, after)
	return true
}

// Insert stores elem before the first element equal to pivot, or after it
// when after is set, and reports whether pivot was found (LINSERT).
func (l *List) Insert(pivot, elem []byte, after bool) bool {
	it := l.Iter(0, false)
	left, off := 0, 0 // nodes the scan has left behind; offset in the current node
	for it.Next() {
		for ; left < it.ni; left++ {
			l.touch(left, l.nodes()[left].compressed())
			off = 0
		}
		if it.Equal(pivot) {
			l.insertAt(it.ni, off, elem, after)
			return true
		}
		off++
	}
	for ; left < int(l.n); left++ {
		l.touch(left, l.nodes()[left].compressed())
	}
	return false
}

// insertAt is Redis's _quicklistInsert: elem goes next to the element at
// offset off of node ni.
func (l *List) insertAt(ni, off int, elem []byte, after bool) {
	nodes := l.nodes()
	nd := &nodes[ni]
	sz := len(elem)
	full := !l.allowInsert(nd, sz)
	atTail, atHead, availNext, availPrev := false, false, false, false
	if after && off == int(nd.count)-1 {
		atTail = true
		availNext = ni+1 < len(nodes) && l.allowInsert(&nodes[ni+1], sz)
	}
	if !after && off == 0 {
		atHead = true
		availPrev = ni > 0 && l.allowInsert(&nodes[ni-1], sz)
	}
	l.count++

	if isLarge(sz) {
		if nd.plain() || (atTail && after) || (atHead && !after) {
			l.addNode(ni+b2i(after), plainNode(elem), after)
			return
		}
		l.decompressNode(ni)
		rest := l.split(ni, off, after)
		if after {
			l.addNode(ni+1, plainNode(elem), true)
			l.addNode(ni+2, rest, true)
		} else {
			l.addNode(ni, plainNode(elem), false)
			l.addNode(ni, rest, false)
		}
		return
	}

	switch {
	case !full:
		was := l.decompressNode(ni)
		lp := nd.lp()
		lp, _ = lp.Insert(lp.Seek(off), elem, after)
		nd.data, nd.count = lp, nd.count+1
		l.recompress(ni, was)
	case atTail && availNext:
		next := &nodes[ni+1]
		was := l.decompressNode(ni + 1)
		next.data, next.count = next.lp().Prepend(elem), next.count+1
		l.recompress(ni+1, was)
	case atHead && availPrev:
		prev := &nodes[ni-1]
		was := l.decompressNode(ni - 1)
		prev.data, prev.count = prev.lp().Append(elem), prev.count+1
		l.recompress(ni-1, was)
	case atTail || atHead:
		l.addNode(ni+b2i(after), packedNode(elem), after)
	default:
		// The node is full and elem goes inside it: split it there.
		l.decompressNode(ni)
		rest := l.split(ni, off, after)
		if after {
			rest.data = rest.lp().Prepend(elem)
		} else {
			rest.data = rest.lp().Append(elem)
		}
		rest.count++
		rest.data = rest.lp().ShrinkToFit()
		center := ni
		if after {
			l.addNode(ni+1, rest, true)
		} else {
			l.addNode(ni, rest, false)
			center = ni + 1
		}
		l.mergeAround(center)
	}
}

// split cuts raw packed node ni at offset off. With after set, the node keeps
// elements [0, off] and the returned node holds the rest; otherwise the
// returned node holds [0, off) and the node keeps the rest.
func (l *List) split(ni, off int, after bool) node {
	nd := &l.nodes()[ni]
	lp := nd.lp()
	count := int(nd.count)
	other := lp.Clone()
	if after {
		lp = lp.DeleteRange(off+1, count)
		other = other.DeleteRange(0, off+1)
	} else {
		lp = lp.DeleteRange(0, off)
		other = other.DeleteRange(off, count)
	}
	nd.data = lp.ShrinkToFit()
	nd.count = uint32(lp.Len())
	other = other.ShrinkToFit()
	return node{data: other, count: uint32(other.Len())}
}

// mergeAround merges the nodes around node c where the fill factor allows,
// in Redis's order: the two nodes before c, the two nodes after c, then c
// with its predecessor and the result with its successor.
func (l *List) mergeAround(c int) {
	nodes := func() []node { return l.nodes() }
	if c >= 2 && l.allowMerge(&nodes()[c-1], &nodes()[c-2]) {
		l.merge(c - 2)
		c--
	}
	if c+2 < int(l.n) && l.allowMerge(&nodes()[c+1], &nodes()[c+2]) {
		l.merge(c + 1)
	}
	target := c
	if c >= 1 && l.allowMerge(&nodes()[c], &nodes()[c-1]) {
		l.merge(c - 1)
		target = c - 1
	}
	if target+1 < int(l.n) && l.allowMerge(&nodes()[target], &nodes()[target+1]) {
		l.merge(target)
	}
}

// merge joins node i+1 into node i.
func (l *List) merge(i int) {
	l.decompressNode(i)
	l.decompressNode(i + 1)
	nodes := l.nodes()
	a, b := &nodes[i], &nodes[i+1]
	a.data = concat(a.lp(), b.lp())
	a.count += b.count
	b.count = 0
	l.dropNode(i + 1)
	l.compressAround(i)
}

// concat returns a new listpack holding the entries of a then those of b.
func concat(a, b listpack.Listpack) listpack.Listpack {
	out := make([]byte, 0, len(a)+len(b)-listpack.EmptySize)
	out = append(out, a[:len(a)-1]...)
	out = append(out, b[listpack.HeaderSize:]...)
	total := len(out)
	out[0], out[1], out[2], out[3] = byte(total), byte(total>>8), byte(total>>16), byte(total>>24)
	n := min(a.Len()+b.Len(), listpack.CountUnknown)
	out[4], out[5] = byte(n), byte(n>>8)
	return listpack.Listpack(out)
}

// Set replaces element i (negative counts from the tail) with elem and
// reports whether i was in range (LSET).
func (l *List) Set(i int, elem []byte) bool {
	i, ok := l.normIndex(i)
	if !ok {
		return false
	}
	ni, off := l.locate(i)
	nd := &l.nodes()[ni]
	large := isLarge(len(elem))
	switch {
	case !nd.plain() && !large:
		was := l.decompressNode(ni)
		lp := nd.lp()
		nd.data = lp.Replace(lp.Seek(off), elem)
		l.touch(ni, was)
	case nd.plain() && large:
		was := nd.compressed()
		nd.data = append([]byte(nil), elem...)
		nd.flags &^= flagCompressed
		l.touch(ni, was)
	case nd.plain():
		// A small element replaces a PLAIN node: insert it after the
		// node, then drop the node.
		l.insertAt(ni, 0, elem, true)
		l.count--
		l.dropNode(ni)
	default:
		// A large element replaces one inside a packed node: insert it
		// after the old element (which leaves the old element last in
		// its node), then delete the old element.
		l.insertAt(ni, off, elem, true)
		nd = &l.nodes()[ni]
		if nd.count == 1 {
			l.count--
			l.dropNode(ni)
		} else {
			was := l.decompressNode(ni)
			l.deleteEntries(ni, nd.lp().Last(), 1, was)
		}
	}
	return true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
