package zset

import (
	"hash/maphash"
	"math/bits"
)

var hashSeed = maphash.MakeSeed()

func hashMember(m []byte) uint64 { return maphash.Bytes(hashSeed, m) }

func hashString(m string) uint64 { return maphash.String(hashSeed, m) }

const (
	dictMinSize = 4
	// dictRehashEmpty bounds the empty buckets one rehash step may visit.
	dictRehashEmpty = 10
)

// dict indexes the nodes of a skiplist by member. It is a chained hash table
// whose chains run through the nodes themselves (node.hnext), so it costs one
// pointer per bucket and nothing per member. Like Redis's dict it resizes
// incrementally: while a resize is in progress both tables are live and each
// insert or delete moves one bucket, so no single command pays for moving a
// million members. Lookups do not move buckets, so reads never change the
// structure. Scan uses Redis's reverse-binary cursor, which stays valid
// across resizes.
type dict struct {
	t      [2][]*node
	used   [2]int
	rehash int // next bucket of t[0] to move; -1 when not resizing
}

func newDict(sizeHint int) dict {
	return dict{t: [2][]*node{make([]*node, tableSize(sizeHint))}, rehash: -1}
}

// tableSize is the power of two at least n, and at least dictMinSize.
func tableSize(n int) int {
	if n <= dictMinSize {
		return dictMinSize
	}
	return 1 << bits.Len(uint(n-1))
}

func (d *dict) len() int { return d.used[0] + d.used[1] }

// find returns member's node, or nil.
func (d *dict) find(member []byte) *node {
	h := hashMember(member)
	for ti := 0; ti < 2; ti++ {
		t := d.t[ti]
		if len(t) == 0 {
			break
		}
		for n := t[h&uint64(len(t)-1)]; n != nil; n = n.hnext {
			if n.member == string(member) {
				return n
			}
		}
		if d.rehash < 0 {
			break
		}
	}
	return nil
}

// add indexes n, whose member must not be indexed yet.
func (d *dict) add(n *node) {
	d.step()
	if d.rehash < 0 && d.used[0] >= len(d.t[0]) {
		d.resize(d.used[0] + 1)
	}
	ti := 0
	if d.rehash >= 0 {
		ti = 1 // new members go to the new table
	}
	t := d.t[ti]
	i := hashString(n.member) & uint64(len(t)-1)
	n.hnext = t[i]
	t[i] = n
	d.used[ti]++
}

// unlink removes node n, which must be indexed.
func (d *dict) unlink(n *node) {
	d.step()
	h := hashString(n.member)
	for ti := 0; ti < 2; ti++ {
		t := d.t[ti]
		if len(t) == 0 {
			break
		}
		p := &t[h&uint64(len(t)-1)]
		for *p != nil && *p != n {
			p = &(*p).hnext
		}
		if *p == n {
			*p = n.hnext
			n.hnext = nil
			d.used[ti]--
			d.shrinkIfNeeded()
			return
		}
	}
	panic("zset: unlinking a node that is not indexed")
}

// shrinkIfNeeded starts shrinking a table that is less than 1/8 full.
func (d *dict) shrinkIfNeeded() {
	if d.rehash >= 0 {
		return
	}
	if size := len(d.t[0]); size > dictMinSize && d.used[0] < size/8 {
		d.resize(d.used[0])
	}
}

// resize starts moving the members to a table sized for n of them.
func (d *dict) resize(n int) {
	size := tableSize(n)
	if size == len(d.t[0]) {
		return
	}
	d.t[1] = make([]*node, size)
	d.rehash = 0
}

// step moves one non-empty bucket of a resize in progress, visiting at most
// dictRehashEmpty empty ones.
func (d *dict) step() {
	if d.rehash < 0 {
		return
	}
	old, nt := d.t[0], d.t[1]
	mask := uint64(len(nt) - 1)
	for empty := dictRehashEmpty; d.used[0] > 0 && old[d.rehash] == nil; {
		d.rehash++
		if empty--; empty == 0 {
			return
		}
	}
	if d.used[0] > 0 {
		for n := old[d.rehash]; n != nil; {
			next := n.hnext
			i := hashString(n.member) & mask
			n.hnext = nt[i]
			nt[i] = n
			d.used[0]--
			d.used[1]++
			n = next
		}
		old[d.rehash] = nil
		d.rehash++
	}
	if d.used[0] == 0 {
		d.t[0], d.t[1] = nt, nil
		d.used[0], d.used[1] = d.used[1], 0
		d.rehash = -1
	}
}

// scan calls fn for the members of the buckets cursor designates and
// returns the next cursor, 0 when the scan is complete. Every member present
// during the whole scan is visited at least once, even across resizes.
func (d *dict) scan(cursor uint64, fn func(n *node)) uint64 {
	if d.len() == 0 {
		return 0
	}
	emit := func(t []*node, i uint64) {
		for n := t[i]; n != nil; n = n.hnext {
			fn(n)
		}
	}
	v := cursor
	if d.rehash < 0 {
		m := uint64(len(d.t[0]) - 1)
		emit(d.t[0], v&m)
		return nextCursor(v, m)
	}
	small, large := d.t[0], d.t[1]
	if len(small) > len(large) {
		small, large = large, small
	}
	m0, m1 := uint64(len(small)-1), uint64(len(large)-1)
	emit(small, v&m0)
	// Visit every bucket of the larger table that expands the smaller
	// table's bucket. In reverse-binary order the extra bits of the larger
	// mask count first; when they wrap to zero the carry has moved the
	// cursor to the smaller table's next bucket.
	for {
		emit(large, v&m1)
		v = nextCursor(v, m1)
		if v&(m0^m1) == 0 {
			return v
		}
	}
}

// nextCursor increments the bits of v under mask in reverse order.
func nextCursor(v, mask uint64) uint64 {
	v |= ^mask
	v = bits.Reverse64(v)
	v++
	return bits.Reverse64(v)
}
