package list

import "github.com/vestadb/vesta/internal/listpack"

// Pushing and popping at the ends (LPUSH, RPUSH, LPOP, RPOP).

// PushHead adds elem before the first element.
func (l *List) PushHead(elem []byte) { l.push(elem, true) }

// PushTail adds elem after the last element.
func (l *List) PushTail(elem []byte) { l.push(elem, false) }

// Push adds elem at the head or at the tail.
func (l *List) Push(elem []byte, head bool) { l.push(elem, head) }

func (l *List) push(elem []byte, head bool) {
	l.count++
	at := 0
	if !head {
		at = int(l.n)
	}
	if isLarge(len(elem)) {
		l.addNode(at, plainNode(elem), !head)
		return
	}
	if l.n > 0 {
		ni := 0
		if !head {
			ni = int(l.n) - 1
		}
		nd := &l.nodes()[ni]
		if l.allowInsert(nd, len(elem)) {
			if nd.compressed() {
				l.decompressNode(ni)
			}
			lp := room(nd.lp(), listpack.EntrySize(elem))
			if head {
				nd.data = lp.Prepend(elem)
			} else {
				nd.data = lp.Append(elem)
			}
			nd.count++
			return
		}
		if !nd.plain() && !nd.compressed() {
			// The node is full: drop the spare room its growth left.
			nd.data = nd.lp().ShrinkToFit()
		}
	}
	l.addNode(at, packedNode(elem), !head)
}

// room returns lp with capacity for n more bytes. Below 1 KiB it grows the
// array by an eighth more than needed rather than doubling it, so that small
// lists, which never fill a node, waste little memory (the copies are
// small); larger nodes grow by the listpack's own policy and are trimmed
// when they fill up.
func room(lp listpack.Listpack, n int) listpack.Listpack {
	need := len(lp) + n
	if need <= cap(lp) || need >= 1024 {
		return lp
	}
	nl := make(listpack.Listpack, len(lp), need+need/8+8)
	copy(nl, lp)
	return nl
}

// packedNode returns a new node holding elem in an exact-size listpack.
func packedNode(elem []byte) node {
	lp := listpack.NewWithCapacity(listpack.EmptySize + listpack.EntrySize(elem)).Append(elem)
	return node{data: lp, count: 1}
}

// plainNode returns a new PLAIN node holding a copy of elem.
func plainNode(elem []byte) node {
	return node{data: append([]byte(nil), elem...), count: 1, flags: flagPlain}
}

// addNode inserts a new node at position i, next to the node it was placed
// against (before it, or after it when after is set), and fixes compression
// around both, as Redis's __quicklistInsertNode does.
func (l *List) addNode(i int, nd node, after bool) {
	l.insertNode(i, nd)
	if l.depth == 0 {
		return
	}
	old := i + 1
	if after {
		old = i - 1
	}
	if old >= 0 && old < int(l.n) {
		l.compressAround(old)
	}
	l.compressAround(i)
}

// dropNode removes node i, whose elements the caller already subtracted
// from the count, and fixes compression near the ends.
func (l *List) dropNode(i int) {
	l.removeNode(i)
	if l.depth != 0 {
		l.compressAround(-1)
	}
}

// PopHead removes the first element and appends it to dst. It returns dst
// unchanged and false when the list is empty.
func (l *List) PopHead(dst []byte) ([]byte, bool) { return l.pop(dst, true) }

// PopTail removes the last element and appends it to dst. It returns dst
// unchanged and false when the list is empty.
func (l *List) PopTail(dst []byte) ([]byte, bool) { return l.pop(dst, false) }

// Pop removes the element at the head or the tail and appends it to dst.
func (l *List) Pop(dst []byte, head bool) ([]byte, bool) { return l.pop(dst, head) }

func (l *List) pop(dst []byte, head bool) ([]byte, bool) {
	if l.count == 0 {
		return dst, false
	}
	ni := 0
	if !head {
		ni = int(l.n) - 1
	}
	nd := &l.nodes()[ni]
	was := l.decompressNode(ni)
	if nd.plain() {
		dst = append(dst, nd.data...)
		l.count--
		l.dropNode(ni)
		return dst, true
	}
	lp := nd.lp()
	pos := lp.First()
	if !head {
		pos = lp.Last()
	}
	dst = lp.AppendGet(dst, pos)
	l.deleteEntries(ni, pos, 1, was)
	return dst, true
}

// deleteEntries removes n entries of packed node ni starting at listpack
// position pos, dropping the node when it empties. was tells whether the
// node was compressed before the caller inflated it.
func (l *List) deleteEntries(ni, pos, n int, was bool) {
	nd := &l.nodes()[ni]
	lp, _ := nd.lp().DeleteN(pos, n)
	l.count -= n
	nd.count -= uint32(n)
	if nd.count == 0 {
		l.dropNode(ni)
		return
	}
	nd.data = tidy(lp)
	l.recompress(ni, was)
}

// tidy returns lp in a smaller array once deletions left it using a quarter
// of its capacity or less, so that a list that shrinks gives memory back
// without reallocating on every pop.
func tidy(lp listpack.Listpack) listpack.Listpack {
	if c := cap(lp); c >= 4*len(lp) && c-len(lp) > 64 {
		return lp.ShrinkToFit()
	}
	return lp
}
