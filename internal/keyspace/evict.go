package keyspace

// What the eviction policies (package evict) need from the dataset.

// NotifyEvicted is the class of the "evicted" keyspace event (e).
const NotifyEvicted = 1 << 9

// RandomTTL returns a random entry among those with a TTL, with its
// expiry time, or nil when none has one. Expired keys are not deleted.
func (d *Dict) RandomTTL(rnd func(n uint64) uint64) (*Entry, int64) {
	if len(d.expires) == 0 {
		return nil, 0
	}
	r := d.expires[rnd(uint64(len(d.expires)))]
	return r.e, r.at
}

// Evict deletes key because memory is over maxmemory, whatever its TTL,
// and raises what Redis raises for it: signalModifiedKey (WATCH, blocked
// clients) and the "evicted" notification. It returns the removed entry,
// or nil when key is absent. Propagating the deletion is the caller's.
func (db *DB) Evict(key []byte) *Entry {
	e := db.remove(key)
	if e == nil {
		return nil
	}
	k := e.Key()
	if h := db.ks.Hooks.Modified; h != nil {
		h(db, k)
	}
	db.notify(NotifyEvicted, "evicted", k)
	return e
}

// entryOverhead is what an entry costs the Go heap besides its key and
// value bytes: the Entry struct (48 bytes, a size class of its own) and
// its slot in the bucket array (at a load factor of at most one).
const entryOverhead = 48 + 8

// Footprint estimates the Go heap bytes e holds apart from a non-string
// value's own object (the caller adds that): the entry, its key and, for a
// string, its value bytes, and its TTL record.
func (e *Entry) Footprint() int64 {
	n := int64(entryOverhead) + int64(sizeClass(cap(e.buf())))
	if e.ttl != 0 {
		n += 16 // a ttlRec in the Dict's expires array
	}
	return n
}

// sizeClass rounds an allocation up the way Go's small size classes
// roughly do: to 16 bytes up to 256, then to 1/16 of the next power of two.
func sizeClass(n int) int {
	switch {
	case n == 0:
		return 0
	case n <= 256:
		return (n + 15) &^ 15
	case n > 32768:
		return (n + 8191) &^ 8191
	}
	p := 1
	for p < n {
		p <<= 1
	}
	step := p / 16
	return (n + step - 1) / step * step
}
