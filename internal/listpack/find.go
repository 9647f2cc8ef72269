package listpack

import "bytes"

// Find returns the position of the first entry equal to elem, or -1. After
// each compared entry it skips skip entries without comparing them, as
// Redis's lpFind does: a hash passes 1 so that only fields are compared.
//
// A string entry matches when its bytes equal elem. An integer entry
// matches when elem is the canonical text of the same integer (see
// [ParseInt]); "007" therefore never matches the integer 7.
func (lp Listpack) Find(elem []byte, skip int) int {
	p := lp.First()
	if p < 0 {
		return -1
	}
	return lp.FindFrom(p, elem, skip)
}

// FindFrom is [Listpack.Find] starting at the entry at pos, which is
// compared first.
func (lp Listpack) FindFrom(pos int, elem []byte, skip int) int {
	v, elemIsInt := ParseInt(elem)
	for p := pos; p >= 0; {
		b := lp[p]
		var next int
		if b >= 0x80 && b < 0xC0 {
			// Short strings are the common case; compare them inline.
			l := int(b & 0x3F)
			if l == len(elem) && bytes.Equal(lp[p+1:p+1+l], elem) {
				return p
			}
			next = p + 1 + l + 1
		} else {
			s, n, isInt := lp.Get(p)
			if isInt {
				if elemIsInt && n == v {
					return p
				}
			} else if bytes.Equal(s, elem) {
				return p
			}
			next = p + entryLen(lp, p)
		}
		if lp[next] == eof {
			return -1
		}
		p = next
		for i := 0; i < skip && p >= 0; i++ {
			p = lp.Next(p)
		}
	}
	return -1
}

// Equal reports whether the entry at pos equals elem, with the matching
// rules of [Listpack.Find].
func (lp Listpack) Equal(pos int, elem []byte) bool {
	s, n, isInt := lp.Get(pos)
	if isInt {
		v, ok := ParseInt(elem)
		return ok && v == n
	}
	return bytes.Equal(s, elem)
}
