package listpack

// splice resizes the listpack so that the del bytes at off are replaced by
// add bytes (left unwritten for the caller), moving the tail, and updates
// total_bytes. It reallocates only when the backing array is too small,
// growing it geometrically so that repeated appends are amortised O(1).
func (lp Listpack) splice(off, del, add int) Listpack {
	old := len(lp)
	n := old - del + add
	if n > MaxBytes {
		panic("listpack: mutation would exceed the 4 GiB format limit")
	}
	switch {
	case n > cap(lp):
		c := 2 * cap(lp)
		if cap(lp) >= 1024 {
			c = cap(lp) + cap(lp)/4
		}
		nl := make(Listpack, n, min(max(c, n), MaxBytes))
		copy(nl, lp[:off])
		copy(nl[off+add:], lp[off+del:])
		lp = nl
	case add > del:
		lp = lp[:n]
		copy(lp[off+add:], lp[off+del:old])
	case add < del:
		copy(lp[off+add:], lp[off+del:])
		lp = lp[:n]
	}
	lp.setTotalBytes(n)
	return lp
}

// Append adds the elements at the tail, in order, and returns the updated
// listpack. Each element is stored as an integer if [ParseInt] accepts it,
// else as a string.
func (lp Listpack) Append(elems ...[]byte) Listpack {
	if len(elems) == 1 {
		e := newElement(elems[0])
		off := len(lp) - 1
		lp = lp.splice(off, 0, e.total)
		e.put(lp[off:])
		lp.addCount(1)
		return lp
	}
	total := 0
	for _, s := range elems {
		e := newElement(s)
		total += e.total
	}
	off := len(lp) - 1
	lp = lp.splice(off, 0, total)
	for _, s := range elems {
		e := newElement(s)
		e.put(lp[off:])
		off += e.total
	}
	lp.addCount(len(elems))
	return lp
}

// AppendInt adds integer v at the tail and returns the updated listpack. It
// stores the same bytes as appending the decimal text of v.
func (lp Listpack) AppendInt(v int64) Listpack {
	e := intElement(v)
	off := len(lp) - 1
	lp = lp.splice(off, 0, e.total)
	e.put(lp[off:])
	lp.addCount(1)
	return lp
}

// Prepend pushes each element to the head in turn, as LPUSH does, so
// Prepend(a, b) leaves b first and a second. It returns the updated
// listpack.
func (lp Listpack) Prepend(elems ...[]byte) Listpack {
	total := 0
	for _, s := range elems {
		e := newElement(s)
		total += e.total
	}
	lp = lp.splice(HeaderSize, 0, total)
	off := HeaderSize
	for i := len(elems) - 1; i >= 0; i-- {
		e := newElement(elems[i])
		e.put(lp[off:])
		off += e.total
	}
	lp.addCount(len(elems))
	return lp
}

// Insert stores elem before the entry at pos, or after it if after is set,
// and returns the updated listpack and the position of the new entry. pos
// may also be the terminator's position (len-1), which appends.
func (lp Listpack) Insert(pos int, elem []byte, after bool) (Listpack, int) {
	if after {
		pos += entryLen(lp, pos)
	}
	e := newElement(elem)
	lp = lp.splice(pos, 0, e.total)
	e.put(lp[pos:])
	lp.addCount(1)
	return lp, pos
}

// insertPair stores a then b before the entry at pos (or the terminator)
// with a single move of the tail.
func (lp Listpack) insertPair(pos int, a, b []byte) Listpack {
	ea, eb := newElement(a), newElement(b)
	lp = lp.splice(pos, 0, ea.total+eb.total)
	ea.put(lp[pos:])
	eb.put(lp[pos+ea.total:])
	lp.addCount(2)
	return lp
}

// Replace overwrites the entry at pos with elem and returns the updated
// listpack. The entry keeps its position; the count does not change.
func (lp Listpack) Replace(pos int, elem []byte) Listpack {
	e := newElement(elem)
	lp = lp.splice(pos, entryLen(lp, pos), e.total)
	e.put(lp[pos:])
	return lp
}

// ReplaceInt overwrites the entry at pos with integer v, like [Replace]
// with the decimal text of v.
func (lp Listpack) ReplaceInt(pos int, v int64) Listpack {
	e := intElement(v)
	lp = lp.splice(pos, entryLen(lp, pos), e.total)
	e.put(lp[pos:])
	return lp
}

// Delete removes the entry at pos. It returns the updated listpack and the
// position of the entry that followed the deleted one, or -1 if the deleted
// entry was the last.
func (lp Listpack) Delete(pos int) (Listpack, int) {
	return lp.DeleteN(pos, 1)
}

// DeleteN removes up to n entries starting at pos (fewer if the tail comes
// first). It returns the updated listpack and the position of the entry that
// followed the deleted ones, or -1 if none did. A saturated header count
// stays saturated, as in Redis.
func (lp Listpack) DeleteN(pos, n int) (Listpack, int) {
	end, deleted := pos, 0
	for deleted < n && lp[end] != eof {
		end += entryLen(lp, end)
		deleted++
	}
	if deleted == 0 {
		return lp, -1
	}
	lp = lp.splice(pos, end-pos, 0)
	lp.addCount(-deleted)
	if lp[pos] == eof {
		return lp, -1
	}
	return lp, pos
}

// DeleteRange removes count entries starting at index (negative indexes
// count from the tail) and returns the updated listpack. An index out of
// range deletes nothing; a count past the tail deletes up to the tail. As in
// Redis, the header count is recomputed from the real length.
func (lp Listpack) DeleteRange(index, count int) Listpack {
	if count <= 0 {
		return lp
	}
	n := lp.Len()
	p := lp.Seek(index)
	if p < 0 {
		return lp
	}
	if index < 0 {
		index += n
	}
	if n-index <= count {
		lp = lp.splice(p, len(lp)-1-p, 0)
		lp.setHeaderCount(min(index, CountUnknown))
		return lp
	}
	end := p
	for range count {
		end += entryLen(lp, end)
	}
	lp = lp.splice(p, end-p, 0)
	lp.setHeaderCount(min(n-count, CountUnknown))
	return lp
}
