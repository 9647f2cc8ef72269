package intset

import "encoding/binary"

// resize sets the element count to n, growing or shrinking the slice (and
// reallocating with spare room when it must grow).
func (s IntSet) resize(n, enc int) IntSet {
	size := HeaderSize + n*enc
	if size > cap(s) {
		ns := make(IntSet, size, max(size, 2*cap(s)))
		copy(ns, s)
		s = ns
	}
	s = s[:size]
	s.setLen(n)
	return s
}

// Add inserts v and returns the updated intset and whether v was new. If v
// does not fit the current encoding, every element is first widened, as
// Redis does.
func (s IntSet) Add(v int64) (IntSet, bool) {
	enc := s.Encoding()
	if venc := valueEncoding(v); venc > enc {
		return s.upgradeAndAdd(v, enc, venc), true
	}
	i, found := s.Search(v)
	if found {
		return s, false
	}
	n := s.Len()
	s = s.resize(n+1, enc)
	copy(s[HeaderSize+(i+1)*enc:], s[HeaderSize+i*enc:HeaderSize+n*enc])
	s.set(i, enc, v)
	return s, true
}

// upgradeAndAdd widens every element to venc and adds v, which is smaller
// or larger than all of them because it did not fit the old encoding.
func (s IntSet) upgradeAndAdd(v int64, enc, venc int) IntSet {
	n := s.Len()
	prepend := 0
	if v < 0 {
		prepend = 1
	}
	s = s.resize(n+1, venc)
	binary.LittleEndian.PutUint32(s, uint32(venc))
	// Walk from the end: each element's new slot lies at or after its old
	// one, so nothing is overwritten before it is read.
	for i := n - 1; i >= 0; i-- {
		s.set(i+prepend, venc, s.get(i, enc))
	}
	if prepend == 1 {
		s.set(0, venc, v)
	} else {
		s.set(n, venc, v)
	}
	return s
}

// Remove deletes v and returns the updated intset and whether v was
// present. The encoding never narrows.
func (s IntSet) Remove(v int64) (IntSet, bool) {
	enc := s.Encoding()
	if valueEncoding(v) > enc {
		return s, false
	}
	i, found := s.Search(v)
	if !found {
		return s, false
	}
	n := s.Len()
	copy(s[HeaderSize+i*enc:], s[HeaderSize+(i+1)*enc:HeaderSize+n*enc])
	return s.resize(n-1, enc), true
}
