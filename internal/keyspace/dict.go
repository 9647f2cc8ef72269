package keyspace

import (
	"bytes"
	"hash/maphash"
	"math/bits"
)

var hashSeed = maphash.MakeSeed()

func hashKey(key []byte) uint64 { return maphash.Bytes(hashSeed, key) }

// matches reports whether e holds key, whose hash is h. Comparing the stored
// hash bits first skips the key bytes (usually a cache miss) of the other
// entries of a chain.
func matches(e *Entry, key []byte, h uint64) bool {
	return e.hash == uint32(h) && bytes.Equal(e.Key(), key)
}

const (
	initialSize = 4
	// rehashEmptyVisits bounds the empty buckets one rehash step may skip.
	rehashEmptyVisits = 10
)

// verGroup is how many neighbouring buckets share one snapshot version:
// they are serialised together. A version per bucket would cost 4 bytes
// a key (half of the bucket's own pointer); per group of 8 it is half a
// byte, and a write during a snapshot serialises at most 8 chains first.
const verGroup = 8

// table is one of a Dict's two hash tables.
type table struct {
	b    []*Entry
	ver  []uint32 // per group of verGroup buckets: the last snapshot cut it was serialised for
	mask uint64
	used int
}

func newTable(size int, ver uint32) table {
	t := table{b: make([]*Entry, size), ver: make([]uint32, (size+verGroup-1)/verGroup), mask: uint64(size - 1)}
	if ver != 0 {
		for i := range t.ver {
			t.ver[i] = ver
		}
	}
	return t
}

// Dict is one database's keys: a hash table of entries plus the index of
// keys that have a TTL.
type Dict struct {
	t      [2]table
	rehash int // next bucket of t[0] to move to t[1]; -1 when not rehashing

	expires []ttlRec // keys with a TTL, in no order

	snap *dictSnap // the running snapshot, if it includes this Dict

	sink uint32 // keeps the reads of Prefetch from being optimised away
}

type ttlRec struct {
	e  *Entry
	at int64 // unix ms
}

// NewDict returns an empty Dict.
func NewDict() *Dict { return &Dict{rehash: -1} }

// Len is the number of keys.
func (d *Dict) Len() int { return d.t[0].used + d.t[1].used }

// ExpiresLen is the number of keys with a TTL.
func (d *Dict) ExpiresLen() int { return len(d.expires) }

func (d *Dict) rehashing() bool { return d.rehash >= 0 }

// Find returns the entry for key or nil. It does not check expiry.
func (d *Dict) Find(key []byte) *Entry {
	if d.Len() == 0 {
		return nil
	}
	h := hashKey(key)
	for ti := 0; ti < 2; ti++ {
		t := &d.t[ti]
		if t.b == nil {
			break
		}
		for e := t.b[h&t.mask]; e != nil; e = e.next {
			if matches(e, key, h) {
				return e
			}
		}
		if !d.rehashing() {
			break
		}
	}
	return nil
}

// locate returns the table and bucket index that hold key, or, when key is
// absent, where it would be inserted.
func (d *Dict) locate(key []byte, h uint64) (*table, uint64, *Entry) {
	for ti := 0; ti < 2; ti++ {
		t := &d.t[ti]
		if t.b == nil {
			break
		}
		idx := h & t.mask
		for e := t.b[idx]; e != nil; e = e.next {
			if matches(e, key, h) {
				return t, idx, e
			}
		}
		if !d.rehashing() {
			break
		}
	}
	t := &d.t[0]
	if d.rehashing() {
		t = &d.t[1]
	}
	return t, h & t.mask, nil
}

// touch must run before any change to bucket idx of t, or to an entry in it:
// while a snapshot that has not yet serialised the bucket is running, the
// bucket's current contents go to the snapshot first.
func (d *Dict) touch(t *table, idx uint64) {
	if s := d.snap; s != nil && t.ver[idx/verGroup] < s.cut {
		t.ver[idx/verGroup] = s.cut
		s.emitGroup(d, t, int(idx&^(verGroup-1)))
	}
}

// FindForWrite returns the entry for key (nil if absent) after making sure a
// running snapshot has its pre-change contents. Call it before modifying a
// value or TTL in place.
func (d *Dict) FindForWrite(key []byte) *Entry {
	if d.t[0].b == nil {
		return nil
	}
	t, idx, e := d.locate(key, hashKey(key))
	d.touch(t, idx)
	return e
}

// insert adds e, whose key must not be present.
func (d *Dict) insert(e *Entry) { d.insertHashed(e, hashKey(e.Key())) }

// insertHashed adds e, whose key hashes to h and must not be present.
func (d *Dict) insertHashed(e *Entry, h uint64) {
	e.hash = uint32(h)
	d.rehashStep()
	d.expandIfNeeded()
	t := &d.t[0]
	if d.rehashing() {
		t = &d.t[1]
	}
	idx := h & t.mask
	d.touch(t, idx)
	e.next = t.b[idx]
	t.b[idx] = e
	t.used++
}

// remove unlinks and returns the entry for key, or nil.
func (d *Dict) remove(key []byte) *Entry {
	e, _ := d.removeTTL(key)
	return e
}

// removeTTL unlinks the entry for key and returns it with the expire time
// it had (-1 without one), or nil.
func (d *Dict) removeTTL(key []byte) (*Entry, int64) {
	if d.Len() == 0 {
		return nil, -1
	}
	d.rehashStep()
	h := hashKey(key)
	for ti := 0; ti < 2; ti++ {
		t := &d.t[ti]
		if t.b == nil {
			break
		}
		idx := h & t.mask
		var prev *Entry
		for e := t.b[idx]; e != nil; prev, e = e, e.next {
			if !matches(e, key, h) {
				continue
			}
			d.touch(t, idx)
			if prev == nil {
				t.b[idx] = e.next
			} else {
				prev.next = e.next
			}
			e.next = nil
			t.used--
			at := int64(-1)
			if e.ttl != 0 {
				at = d.expires[e.ttl-1].at
				d.dropTTL(e)
			}
			return e, at
		}
		if !d.rehashing() {
			break
		}
	}
	return nil, -1
}

// expandIfNeeded starts growing the table when it is full (load factor 1),
// or creates the first table.
func (d *Dict) expandIfNeeded() {
	if d.rehashing() {
		return
	}
	t := &d.t[0]
	if t.b == nil {
		d.t[0] = newTable(initialSize, d.newVersion())
		return
	}
	if t.used >= len(t.b) {
		d.resize(t.used + 1)
	}
}

// Reserve grows an empty or non-resizing table so that n keys fit without
// rehashing (RDB loading uses the RESIZEDB hint).
func (d *Dict) Reserve(n int) {
	if d.rehashing() || n <= len(d.t[0].b) {
		return
	}
	if d.t[0].used == 0 {
		size := initialSize
		if n > initialSize {
			size = 1 << bits.Len(uint(n-1))
		}
		d.t[0] = newTable(size, d.newVersion())
		return
	}
	d.resize(n)
}

// ShrinkIfNeeded starts shrinking a table that is less than 10% full, as
// Redis's cron does. It reports whether a resize started.
func (d *Dict) ShrinkIfNeeded() bool {
	if d.rehashing() || d.t[0].b == nil {
		return false
	}
	size := len(d.t[0].b)
	if size > initialSize && d.t[0].used*100/size < 10 {
		return d.resize(max(d.t[0].used, initialSize))
	}
	return false
}

// resize starts an incremental rehash into a table of the next power of two
// that holds n keys.
func (d *Dict) resize(n int) bool {
	size := initialSize
	if n > initialSize {
		size = 1 << bits.Len(uint(n-1))
	}
	if size == len(d.t[0].b) {
		return false
	}
	d.t[1] = newTable(size, d.newVersion())
	d.rehash = 0
	return true
}

// newVersion is the version new buckets start with: already serialised for a
// running snapshot (they hold nothing from before its cut).
func (d *Dict) newVersion() uint32 {
	if d.snap != nil {
		return d.snap.cut
	}
	return 0
}

// rehashStep moves one bucket (skipping at most a few empty ones).
func (d *Dict) rehashStep() { d.Rehash(1) }

// Rehash moves up to n non-empty buckets from the old table to the new one
// and reports whether rehashing is still in progress.
func (d *Dict) Rehash(n int) bool {
	if !d.rehashing() {
		return false
	}
	old, nt := &d.t[0], &d.t[1]
	empty := n * rehashEmptyVisits
	for ; n > 0 && old.used > 0; n-- {
		for old.b[d.rehash] == nil {
			d.rehash++
			if empty--; empty == 0 {
				return true
			}
		}
		idx := uint64(d.rehash)
		d.touch(old, idx)
		for e := old.b[idx]; e != nil; {
			next := e.next
			// Tables never reach 2^32 buckets, so the stored low bits of
			// the hash give the new index without touching the key.
			j := uint64(e.hash) & nt.mask
			d.touch(nt, j)
			e.next = nt.b[j]
			nt.b[j] = e
			old.used--
			nt.used++
			e = next
		}
		old.b[idx] = nil
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

// Random returns a random entry, or nil when empty. Like Redis it picks a
// random non-empty bucket and then a random entry of its chain.
func (d *Dict) Random(rnd func(n uint64) uint64) *Entry {
	if d.Len() == 0 {
		return nil
	}
	var head *Entry
	for head == nil {
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
	}
	n := uint64(0)
	for e := head; e != nil; e = e.next {
		n++
	}
	e := head
	for i := rnd(n); i > 0; i-- {
		e = e.next
	}
	return e
}

// Scan visits the buckets that cursor designates, calls fn for each entry in
// them, and returns the next cursor (0 when the scan is complete). This is
// Redis's reverse-binary cursor algorithm: the guarantee that every key
// present for the whole scan is returned at least once survives resizing.
func (d *Dict) Scan(cursor uint64, fn func(e *Entry)) uint64 {
	if d.Len() == 0 {
		return 0
	}
	v := cursor
	emit := func(t *table, idx uint64) {
		for e := t.b[idx]; e != nil; e = e.next {
			fn(e)
		}
	}
	if !d.rehashing() {
		t := &d.t[0]
		emit(t, v&t.mask)
		v |= ^t.mask
		v = bits.Reverse64(bits.Reverse64(v) + 1)
		return v
	}
	small, large := &d.t[0], &d.t[1]
	if len(small.b) > len(large.b) {
		small, large = large, small
	}
	emit(small, v&small.mask)
	for {
		emit(large, v&large.mask)
		v |= ^large.mask
		v = bits.Reverse64(bits.Reverse64(v) + 1)
		if v&(small.mask^large.mask) == 0 {
			break
		}
	}
	return v
}

// Each calls fn for every entry until fn returns false. fn must not modify
// the Dict.
func (d *Dict) Each(fn func(e *Entry) bool) {
	for ti := 0; ti < 2; ti++ {
		for _, head := range d.t[ti].b {
			for e := head; e != nil; e = e.next {
				if !fn(e) {
					return
				}
			}
		}
	}
}

// --- TTL index ---

// ExpireAt returns the key's expiry time in unix ms, or -1.
func (d *Dict) ExpireAt(e *Entry) int64 {
	if e.ttl == 0 {
		return -1
	}
	return d.expires[e.ttl-1].at
}

// setTTL sets or replaces e's expiry. The caller has touched e's bucket.
func (d *Dict) setTTL(e *Entry, at int64) {
	if e.ttl != 0 {
		d.expires[e.ttl-1].at = at
		return
	}
	d.expires = append(d.expires, ttlRec{e, at})
	e.ttl = int32(len(d.expires))
}

// dropTTL removes e from the TTL index. The caller has touched e's bucket.
func (d *Dict) dropTTL(e *Entry) {
	i := int(e.ttl - 1)
	last := len(d.expires) - 1
	if i != last {
		d.expires[i] = d.expires[last]
		d.expires[i].e.ttl = int32(i + 1)
	}
	d.expires[last] = ttlRec{}
	d.expires = d.expires[:last]
	e.ttl = 0
	if cap(d.expires) > 1024 && len(d.expires) < cap(d.expires)/4 {
		d.expires = append([]ttlRec(nil), d.expires...)
	}
}

// sampleTTL returns the i-th key of the TTL index (for random sampling).
func (d *Dict) sampleTTL(i int) (*Entry, int64) {
	r := d.expires[i]
	return r.e, r.at
}

// Prefetch reads, for each key, the bucket it hashes to, the first entry
// of that bucket and the first byte of that entry's key, so that lookups of
// these keys soon after find them in the CPU cache. In a table larger than
// the cache each of the three is a miss that a lookup pays in turn; here
// the reads of one step for all the keys are independent of each other,
// and the processor overlaps their misses. It changes nothing: a key that
// is absent, or not first in its chain, only costs the reads.
func (d *Dict) Prefetch(keys [][]byte) {
	const batch = 32
	var ents [2 * batch]*Entry
	var sink uint32
	for len(keys) > 0 {
		ks := keys[:min(len(keys), batch)]
		keys = keys[len(ks):]
		n := 0
		for _, k := range ks {
			h := hashKey(k)
			for ti := range d.t {
				t := &d.t[ti]
				if t.b == nil || (ti == 1 && !d.rehashing()) {
					break
				}
				ents[n] = t.b[h&t.mask]
				n++
			}
		}
		for _, e := range ents[:n] {
			if e != nil {
				sink += e.hash
			}
		}
		for _, e := range ents[:n] {
			if e != nil && e.klen > 0 {
				sink += uint32(*e.kv)
			}
		}
	}
	d.sink += sink
}
