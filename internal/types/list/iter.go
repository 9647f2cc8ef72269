package list

import (
	"bytes"
	"strconv"

	"github.com/vestadb/vesta/internal/listpack"
)

// Iterator walks the elements of a list from a starting index towards the
// tail or towards the head:
//
//	it := l.Iter(0, false)
//	for it.Next() {
//		v := it.Value()
//		...
//	}
//
// It does not allocate unless it has to inflate compressed nodes, and then
// only for its scratch buffer. It must not be used across a mutation of the
// list.
type Iterator struct {
	l       *List
	lp      listpack.Listpack // the current node's listpack (nil for a plain node)
	elem    []byte            // the current plain node's element
	scratch []byte            // inflated compressed nodes
	ni      int               // current node
	pos     int               // current listpack position
	start   int               // starting element index, -1 once started
	reverse bool
	done    bool

	s     []byte
	n     int64
	isInt bool
	num   [20]byte
}

// Iter returns an iterator whose first Next moves to element start (negative
// counts from the tail) and whose later calls move towards the head when
// reverse is set, else towards the tail. An out-of-range start yields
// nothing.
func (l *List) Iter(start int, reverse bool) Iterator {
	it := Iterator{l: l, reverse: reverse, start: -1}
	if i, ok := l.normIndex(start); ok {
		it.start = i
	} else {
		it.done = true
	}
	return it
}

// load makes node ni current.
func (it *Iterator) load(ni int) {
	it.ni = ni
	nd := &it.l.nodes()[ni]
	data := nd.data
	if nd.compressed() {
		it.scratch = inflate(it.scratch[:0], nd)
		data = it.scratch
	}
	if nd.plain() {
		it.lp, it.elem = nil, data
	} else {
		it.lp, it.elem = listpack.Listpack(data), nil
	}
}

// Next advances to the next element and reports whether there is one.
func (it *Iterator) Next() bool {
	if it.done {
		return false
	}
	if it.start >= 0 {
		ni, off := it.l.locate(it.start)
		it.start = -1
		it.load(ni)
		if it.lp != nil {
			it.pos = it.lp.Seek(off)
		}
		return it.decode()
	}
	if it.lp != nil {
		if it.reverse {
			it.pos = it.lp.Prev(it.pos)
		} else {
			it.pos = it.lp.Next(it.pos)
		}
		if it.pos >= 0 {
			return it.decode()
		}
	}
	ni := it.ni + 1
	if it.reverse {
		ni = it.ni - 1
	}
	if ni < 0 || ni >= int(it.l.n) {
		it.done = true
		return false
	}
	it.load(ni)
	if it.lp != nil {
		if it.reverse {
			it.pos = it.lp.Last()
		} else {
			it.pos = it.lp.First()
		}
	}
	return it.decode()
}

func (it *Iterator) decode() bool {
	if it.lp == nil {
		it.s, it.isInt = it.elem, false
	} else {
		it.s, it.n, it.isInt = it.lp.Get(it.pos)
	}
	return true
}

// Entry returns the current element as stored: a string (aliasing the list
// or the iterator) or, when isInt is set, an integer.
func (it *Iterator) Entry() (s []byte, n int64, isInt bool) { return it.s, it.n, it.isInt }

// Value returns the current element as bytes. Integers are formatted into
// the iterator, so the slice is valid until the next call of Next.
func (it *Iterator) Value() []byte {
	if it.isInt {
		return strconv.AppendInt(it.num[:0], it.n, 10)
	}
	return it.s
}

// Equal reports whether the current element equals elem, with the rules of
// listpack.Listpack.Equal: an integer matches only its canonical text.
func (it *Iterator) Equal(elem []byte) bool {
	if it.lp == nil {
		return bytes.Equal(it.elem, elem)
	}
	return it.lp.Equal(it.pos, elem)
}

// Each calls fn with every element from head to tail until fn returns false
// (keyspace.ListValue).
func (l *List) Each(fn func(elem []byte) bool) {
	l.Range(0, false, fn)
}

// Range calls fn with the elements from index start (negative counts from
// the tail) towards the tail, or towards the head when reverse is set, until
// fn returns false.
func (l *List) Range(start int, reverse bool, fn func(elem []byte) bool) {
	it := l.Iter(start, reverse)
	for it.Next() {
		if !fn(it.Value()) {
			return
		}
	}
}

// Index appends element i (negative counts from the tail) to dst and
// reports whether it exists.
func (l *List) Index(i int, dst []byte) ([]byte, bool) {
	it := l.Iter(i, false)
	if !it.Next() {
		return dst, false
	}
	s, n, isInt := it.Entry()
	if isInt {
		return strconv.AppendInt(dst, n, 10), true
	}
	return append(dst, s...), true
}

// Positions calls fn with the index of every element equal to elem, scanning
// from the head (from the tail when reverse is set) and comparing at most
// maxlen elements (0: all), until fn returns false. It is the scan of LPOS;
// RANK and COUNT are the caller's.
func (l *List) Positions(elem []byte, reverse bool, maxlen int, fn func(index int) bool) {
	start := 0
	if reverse {
		start = -1
	}
	it := l.Iter(start, reverse)
	for i := 0; (maxlen <= 0 || i < maxlen) && it.Next(); i++ {
		if it.Equal(elem) {
			idx := i
			if reverse {
				idx = l.count - 1 - i
			}
			if !fn(idx) {
				return
			}
		}
	}
}
