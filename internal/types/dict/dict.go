package dict

import (
	"hash/maphash"
	"math/bits"
	"unsafe"
)

var seed = maphash.MakeSeed()

const (
	initialSize = 4
	// minFill is the percentage of used buckets under which the table
	// shrinks (Redis's HASHTABLE_MIN_FILL).
	minFill = 10
	// emptyVisits bounds the empty buckets one rehash step may skip.
	emptyVisits = 10
)

// node is one element: a set member, or a hash field and value (see the
// package documentation for the layout of s).
type node struct {
	next *node
	s    string
}

// table is one of the two bucket arrays of a Dict.
type table struct {
	b    []*node
	used int
}

func (t *table) mask() uint64 { return uint64(len(t.b) - 1) }

// Dict is a hash table of set members (New(false)) or of hash fields with
// their values (New(true)). The zero value is not usable.
type Dict struct {
	t      [2]table
	rehash int  // next bucket of t[0] to move; -1 when not rehashing
	pairs  bool // entries carry a value
}

// New returns an empty Dict. With pairs set each entry has a value.
func New(pairs bool) *Dict { return &Dict{rehash: -1, pairs: pairs} }

// Len returns the number of entries.
func (d *Dict) Len() int { return d.t[0].used + d.t[1].used }

// Pairs reports whether entries carry values.
func (d *Dict) Pairs() bool { return d.pairs }

func (d *Dict) rehashing() bool { return d.rehash >= 0 }

// Buckets returns the number of buckets of the main table (for tests and
// memory estimates).
func (d *Dict) Buckets() int { return len(d.t[0].b) + len(d.t[1].b) }

// split returns the key and value of an entry string.
func (d *Dict) split(s string) (k, v string) {
	if !d.pairs {
		return s, ""
	}
	n, w := uvarint(s)
	return s[w : w+n], s[w+n:]
}

func uvarint(s string) (n, width int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 {
			return int(x | uint64(c)<<shift), i + 1
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	return 0, 0 // not reached for entries built by makeEntry
}

// makeEntry builds the string stored for key (and val when pairs) in one
// allocation.
func (d *Dict) makeEntry(key, val []byte) string {
	if !d.pairs {
		return string(key)
	}
	var hdr [10]byte
	w := 0
	for x := uint64(len(key)); ; x >>= 7 {
		if x < 0x80 {
			hdr[w] = byte(x)
			w++
			break
		}
		hdr[w] = byte(x) | 0x80
		w++
	}
	b := make([]byte, w+len(key)+len(val))
	copy(b, hdr[:w])
	copy(b[w:], key)
	copy(b[w+len(key):], val)
	return unsafe.String(&b[0], len(b))
}

func hashBytes(b []byte) uint64  { return maphash.Bytes(seed, b) }
func hashString(s string) uint64 { return maphash.String(seed, s) }

// find returns the node for key, or nil.
func (d *Dict) find(key []byte, h uint64) *node {
	for ti := 0; ti < 2; ti++ {
		t := &d.t[ti]
		if t.b == nil {
			break
		}
		for n := t.b[h&t.mask()]; n != nil; n = n.next {
			if k, _ := d.split(n.s); k == string(key) {
				return n
			}
		}
		if !d.rehashing() {
			break
		}
	}
	return nil
}

// Get returns key's value (empty for sets) and whether key is present.
func (d *Dict) Get(key []byte) (string, bool) {
	if d.Len() == 0 {
		return "", false
	}
	n := d.find(key, hashBytes(key))
	if n == nil {
		return "", false
	}
	_, v := d.split(n.s)
	return v, true
}

// Has reports whether key is present.
func (d *Dict) Has(key []byte) bool {
	_, ok := d.Get(key)
	return ok
}

// Set adds key with val (val is ignored for sets) or, for a hash, replaces
// the value of an existing key. It reports whether key was added.
func (d *Dict) Set(key, val []byte) bool {
	d.step()
	h := hashBytes(key)
	if n := d.find(key, h); n != nil {
		if d.pairs {
			n.s = d.makeEntry(key, val)
		}
		return false
	}
	d.insert(h, d.makeEntry(key, val))
	return true
}

// Add adds key if absent (for a hash, with val) and reports whether it did.
func (d *Dict) Add(key, val []byte) bool {
	d.step()
	h := hashBytes(key)
	if d.find(key, h) != nil {
		return false
	}
	d.insert(h, d.makeEntry(key, val))
	return true
}

// AddNew adds key (with val for a hash), which the caller knows is absent.
// It skips the presence check (conversions, loading, building results).
func (d *Dict) AddNew(key, val []byte) {
	d.step()
	d.insert(hashBytes(key), d.makeEntry(key, val))
}

func (d *Dict) insert(h uint64, s string) {
	d.expandIfNeeded()
	t := &d.t[0]
	if d.rehashing() {
		t = &d.t[1]
	}
	idx := h & t.mask()
	t.b[idx] = &node{next: t.b[idx], s: s}
	t.used++
}

// Delete removes key and reports whether it was present. The table shrinks
// when it becomes sparse.
func (d *Dict) Delete(key []byte) bool {
	if d.Len() == 0 {
		return false
	}
	d.step()
	h := hashBytes(key)
	for ti := 0; ti < 2; ti++ {
		t := &d.t[ti]
		if t.b == nil {
			break
		}
		idx := h & t.mask()
		var prev *node
		for n := t.b[idx]; n != nil; prev, n = n, n.next {
			if k, _ := d.split(n.s); k != string(key) {
				continue
			}
			if prev == nil {
				t.b[idx] = n.next
			} else {
				prev.next = n.next
			}
			n.next = nil
			t.used--
			d.shrinkIfNeeded()
			return true
		}
		if !d.rehashing() {
			break
		}
	}
	return false
}

// Expand makes room for n entries without intermediate resizes, as Redis's
// dictExpand does before a conversion.
func (d *Dict) Expand(n int) {
	if d.rehashing() || d.Len() > n {
		return
	}
	size := nextPow2(n)
	if d.t[0].b == nil {
		d.t[0] = table{b: make([]*node, size)}
		return
	}
	d.resize(n)
}

func nextPow2(n int) int {
	if n <= initialSize {
		return initialSize
	}
	return 1 << bits.Len(uint(n-1))
}

func (d *Dict) expandIfNeeded() {
	if d.rehashing() {
		return
	}
	t := &d.t[0]
	if t.b == nil {
		d.t[0] = table{b: make([]*node, initialSize)}
		return
	}
	if t.used >= len(t.b) {
		d.resize(t.used + 1)
	}
}

func (d *Dict) shrinkIfNeeded() {
	if d.rehashing() {
		return
	}
	size := len(d.t[0].b)
	if size > initialSize && d.t[0].used*100/size < minFill {
		d.resize(max(d.t[0].used, initialSize))
	}
}

// resize starts rehashing into a table sized for n entries.
func (d *Dict) resize(n int) {
	size := nextPow2(n)
	if size == len(d.t[0].b) {
		return
	}
	d.t[1] = table{b: make([]*node, size)}
	d.rehash = 0
}

func (d *Dict) step() { d.Rehash(1) }

// Rehash moves up to n non-empty buckets to the new table and reports
// whether rehashing is still in progress.
func (d *Dict) Rehash(n int) bool {
	if !d.rehashing() {
		return false
	}
	old, nt := &d.t[0], &d.t[1]
	empty := n * emptyVisits
	for ; n > 0 && old.used > 0; n-- {
		for old.b[d.rehash] == nil {
			d.rehash++
			if empty--; empty == 0 {
				return true
			}
		}
		for e := old.b[d.rehash]; e != nil; {
			next := e.next
			k, _ := d.split(e.s)
			j := hashString(k) & nt.mask()
			e.next = nt.b[j]
			nt.b[j] = e
			old.used--
			nt.used++
			e = next
		}
		old.b[d.rehash] = nil
		d.rehash++
	}
	if old.used == 0 {
		d.t[0] = d.t[1]
		d.t[1] = table{}
		d.rehash = -1
		return false
	}
	return true
}

// fairChain is the chain length up to which Random is exactly uniform.
const fairChain = 4

// Random returns a random entry's key and value; ok is false when the Dict
// is empty. rnd(n) must return a uniform number in [0, n).
//
// It draws a bucket and a position in [0, fairChain) and retries when the
// bucket's chain is shorter than that position, so that every element of a
// chain of up to fairChain entries has the same chance (Redis instead picks
// a random element of the chain of a random non-empty bucket, which favours
// elements of short chains). A longer chain gets a random element of its own,
// which slightly disfavours its members. After many misses (a very sparse table) it accepts any
// non-empty bucket.
func (d *Dict) Random(rnd func(n uint64) uint64) (k, v string, ok bool) {
	if d.Len() == 0 {
		return "", "", false
	}
	for try := 0; ; try++ {
		var head *node
		if d.rehashing() {
			// Buckets of t[0] below the rehash index are empty.
			s0 := uint64(len(d.t[0].b))
			lo := uint64(d.rehash)
			i := lo + rnd(s0+uint64(len(d.t[1].b))-lo)
			if i >= s0 {
				head = d.t[1].b[i-s0]
			} else {
				head = d.t[0].b[i]
			}
		} else {
			head = d.t[0].b[rnd(uint64(len(d.t[0].b)))]
		}
		if head == nil {
			continue
		}
		n := uint64(0)
		for e := head; e != nil; e = e.next {
			n++
		}
		var pos uint64
		if try < 64 && n <= fairChain {
			if pos = rnd(fairChain); pos >= n {
				continue
			}
		} else {
			pos = rnd(n)
		}
		e := head
		for ; pos > 0; pos-- {
			e = e.next
		}
		k, v = d.split(e.s)
		return k, v, true
	}
}

// Scan calls fn for every entry of the buckets that cursor designates and
// returns the next cursor, 0 when the scan is complete. See the package
// documentation for the guarantee.
func (d *Dict) Scan(cursor uint64, fn func(k, v string)) uint64 {
	if d.Len() == 0 {
		return 0
	}
	emit := func(t *table, idx uint64) {
		for e := t.b[idx]; e != nil; e = e.next {
			fn(d.split(e.s))
		}
	}
	v := cursor
	if !d.rehashing() {
		t := &d.t[0]
		m := t.mask()
		emit(t, v&m)
		v |= ^m
		return bits.Reverse64(bits.Reverse64(v) + 1)
	}
	small, large := &d.t[0], &d.t[1]
	if len(small.b) > len(large.b) {
		small, large = large, small
	}
	ms, ml := small.mask(), large.mask()
	emit(small, v&ms)
	for {
		emit(large, v&ml)
		v |= ^ml
		v = bits.Reverse64(bits.Reverse64(v) + 1)
		if v&(ms^ml) == 0 {
			break
		}
	}
	return v
}

// Each calls fn for every entry until fn returns false. fn must not modify
// the Dict.
func (d *Dict) Each(fn func(k, v string) bool) {
	for ti := 0; ti < 2; ti++ {
		for _, head := range d.t[ti].b {
			for e := head; e != nil; e = e.next {
				if !fn(d.split(e.s)) {
					return
				}
			}
		}
	}
}

// Clone returns a copy that shares no mutable state with d. Entry strings
// are immutable and are shared.
func (d *Dict) Clone() *Dict {
	c := New(d.pairs)
	c.Expand(d.Len())
	for ti := 0; ti < 2; ti++ {
		for _, head := range d.t[ti].b {
			for e := head; e != nil; e = e.next {
				k, _ := d.split(e.s)
				c.insert(hashString(k), e.s)
			}
		}
	}
	return c
}
