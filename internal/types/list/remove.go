package list

import (
	"bytes"

	"github.com/vestadb/vesta/internal/listpack"
)

// Removing by value (LREM) and by range (LTRIM, LPOP with a count).

// Remove deletes elements equal to elem and returns how many it deleted
// (LREM): the first count of them from the head when count > 0, the last
// -count from the tail when count < 0, all of them when count is 0. Nodes
// that empty are dropped; neighbours are not merged, as in Redis.
func (l *List) Remove(elem []byte, count int64) int {
	limit := count
	reverse := count < 0
	if reverse {
		limit = -count // math.MinInt64 stays negative: no limit, as in Redis
	}
	removed := 0
	done := func() bool { return limit > 0 && int64(removed) >= limit }
	if !reverse {
		for ni := 0; ni < int(l.n) && !done(); {
			if l.removeInNode(ni, elem, false, limit, &removed) {
				if done() && ni < int(l.n) {
					// Redis's iterator stopped on the next node.
					l.touch(ni, l.nodes()[ni].compressed())
				}
				continue // node ni was dropped; the next one took its place
			}
			ni++
		}
	} else {
		for ni := int(l.n) - 1; ni >= 0 && !done(); ni-- {
			if l.removeInNode(ni, elem, true, limit, &removed) && done() && ni > 0 {
				l.touch(ni-1, l.nodes()[ni-1].compressed())
			}
		}
	}
	return removed
}

// removeInNode deletes matches of elem in node ni, counting them in
// *removed up to limit (<= 0: no limit), and reports whether the node was
// dropped.
func (l *List) removeInNode(ni int, elem []byte, reverse bool, limit int64, removed *int) bool {
	nd := &l.nodes()[ni]
	switch {
	case nd.compressed():
		if !nodeHas(nd, elem) {
			return false
		}
	case nd.plain():
		if !bytes.Equal(nd.data, elem) {
			l.touch(ni, false)
			return false
		}
	}
	if nd.plain() {
		*removed++
		l.count--
		l.dropNode(ni)
		return true
	}
	was := l.decompressNode(ni)
	lp := nd.lp()
	deleted := 0
	if !reverse {
		for p := lp.Find(elem, 0); p >= 0; {
			lp, p = lp.Delete(p)
			deleted++
			*removed++
			if limit > 0 && int64(*removed) >= limit {
				break
			}
			if p >= 0 {
				p = lp.FindFrom(p, elem, 0)
			}
		}
	} else {
		for p := lp.Last(); p >= 0; {
			prev := lp.Prev(p)
			if lp.Equal(p, elem) {
				lp, _ = lp.Delete(p)
				deleted++
				*removed++
				if limit > 0 && int64(*removed) >= limit {
					break
				}
			}
			p = prev
		}
	}
	nd.data = lp
	if deleted == 0 {
		l.touch(ni, was)
		return false
	}
	l.count -= deleted
	nd.count -= uint32(deleted)
	if nd.count == 0 {
		l.dropNode(ni)
		return true
	}
	nd.data = tidy(lp)
	l.touch(ni, was)
	return false
}

// nodeHas reports whether compressed node nd holds elem, inflating it into
// a scratch buffer.
func nodeHas(nd *node, elem []byte) bool {
	bp := lzfScratch.Get().(*[]byte)
	raw := inflate((*bp)[:0], nd)
	var found bool
	if nd.plain() {
		found = bytes.Equal(raw, elem)
	} else {
		found = listpack.Listpack(raw).Find(elem, 0) >= 0
	}
	*bp = raw[:0]
	lzfScratch.Put(bp)
	return found
}

// DeleteRange deletes count elements starting at index start (negative
// counts from the tail), stopping at the tail, as Redis's quicklistDelRange
// does for LTRIM and for LPOP/RPOP with a count. It reports whether anything
// was deleted.
func (l *List) DeleteRange(start, count int) bool {
	if count <= 0 {
		return false
	}
	extent := count
	if start >= 0 && extent > l.count-start {
		extent = l.count - start
	} else if start < 0 && extent > -start {
		extent = -start
	}
	i, ok := l.normIndex(start)
	if !ok {
		return false
	}
	ni, off := l.locate(i)
	if l.depth != 0 {
		// Redis positions an iterator on the first node and releases it,
		// which compresses that node if it belongs in the middle.
		l.touch(ni, l.nodes()[ni].compressed())
	}
	for extent > 0 {
		nd := &l.nodes()[ni]
		c := int(nd.count)
		del := min(extent, c-off)
		if del == c || nd.plain() {
			l.count -= c
			l.dropNode(ni)
		} else {
			was := l.decompressNode(ni)
			lp := nd.lp()
			l.deleteEntries(ni, lp.Seek(off), del, was)
			ni++
		}
		extent -= del
		off = 0
	}
	return true
}

// Trim keeps only the elements from index start to stop inclusive, with
// LTRIM's rules for negative and out-of-range indexes, and returns how many
// elements it deleted.
func (l *List) Trim(start, stop int) int {
	n := l.count
	if start < 0 {
		start += n
	}
	if stop < 0 {
		stop += n
	}
	start = max(start, 0)
	var ltrim, rtrim int
	if start > stop || start >= n {
		ltrim, rtrim = n, 0
	} else {
		stop = min(stop, n-1)
		ltrim, rtrim = start, n-stop-1
	}
	l.DeleteRange(0, ltrim)
	l.DeleteRange(-rtrim, rtrim)
	return ltrim + rtrim
}
