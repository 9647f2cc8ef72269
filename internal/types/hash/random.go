package hash

import "unsafe"

// Rand returns a uniform random number in [0, n).
type Rand = func(n uint64) uint64

// sbytes views an immutable string as bytes without copying; the bytes must
// not be modified.
func sbytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// pairAt calls fn with the pair whose field is entry index i of the listpack.
func (h *Hash) pairAt(i int, fb, vb []byte, fn func(f, v []byte)) ([]byte, []byte) {
	lp := h.list()
	pos := lp.Seek(2 * i)
	fb = lp.AppendGet(fb[:0], pos)
	vb = lp.AppendGet(vb[:0], lp.Next(pos))
	fn(fb, vb)
	return fb, vb
}

// Random calls fn with one random field and its value; nothing when empty.
func (h *Hash) Random(rnd Rand, fn func(field, value []byte)) {
	h.Sample(1, rnd, fn)
}

// Sample calls fn with count random pairs, repetitions allowed (HRANDFIELD
// with a negative count).
func (h *Hash) Sample(count int, rnd Rand, fn func(field, value []byte)) {
	if d := h.dict(); d != nil {
		d.Sample(count, rnd, func(k, v string) { fn(sbytes(k), sbytes(v)) })
		return
	}
	n := h.Len()
	if n == 0 {
		return
	}
	var fb, vb []byte
	for ; count > 0; count-- {
		fb, vb = h.pairAt(int(rnd(uint64(n))), fb, vb, fn)
	}
}

// SampleUnique calls fn with count distinct random pairs; count must be
// below Len. A listpack yields them in listpack order (as Redis does for
// small hashes), a hashtable in random order; see dict.Dict.SampleUnique
// for the cost.
func (h *Hash) SampleUnique(count int, rnd Rand, fn func(field, value []byte)) {
	if d := h.dict(); d != nil {
		d.SampleUnique(count, rnd, func(k, v string) { fn(sbytes(k), sbytes(v)) })
		return
	}
	// Selection sampling: each pair is taken with probability
	// needed/remaining, which picks a uniform subset in one pass.
	n := h.Len()
	var fb, vb []byte
	lp := h.list()
	pos := lp.First()
	for i := 0; i < n && count > 0; i++ {
		vpos := lp.Next(pos)
		if rnd(uint64(n-i)) < uint64(count) {
			fb = lp.AppendGet(fb[:0], pos)
			vb = lp.AppendGet(vb[:0], vpos)
			fn(fb, vb)
			count--
		}
		pos = lp.Next(vpos)
	}
}

// Scan calls fn for the pairs of one SCAN step and returns the next cursor.
// A listpack is returned whole in one step with cursor 0, as Redis does
// (COUNT does not apply); a hashtable follows dict.Dict.Scan.
func (h *Hash) Scan(cursor uint64, fn func(field, value []byte)) uint64 {
	if d := h.dict(); d != nil {
		return d.Scan(cursor, func(k, v string) { fn(sbytes(k), sbytes(v)) })
	}
	h.Each(func(f, v []byte) bool {
		fn(f, v)
		return true
	})
	return 0
}
