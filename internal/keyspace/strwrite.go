package keyspace

// Strings changed in place, a bit or a byte range at a time (SETBIT,
// BITFIELD), and LRU stamps set from outside (RESTORE ... IDLETIME).

// StringForWrite returns the string value of e, padded with zero bytes to
// at least n bytes, for the caller to change in place. e must come from
// LookupWrite or have just been added, and the slice may be written until
// the next change of the entry. The value is marked raw, as Redis marks a
// string it unshares before modifying it, even if the caller ends up not
// changing anything.
//
// A non-empty value grows geometrically, as Redis's sdsMakeRoomFor does
// (double below 1 MiB, 1 MiB more above), so that setting bits at rising
// offsets costs amortised O(1) per call; an empty value (a new key) gets
// exactly n bytes.
func (db *DB) StringForWrite(e *Entry, n int) []byte {
	b := e.buf()
	cur := len(b) - int(e.klen)
	if n > cur {
		need := int(e.klen) + n
		if need <= cap(b) {
			old := len(b)
			b = b[:need]
			clear(b[old:])
		} else {
			c := need
			if cur > 0 {
				if n < 1<<20 {
					c = int(e.klen) + 2*n
				} else {
					c = need + 1<<20
				}
			}
			kv := make([]byte, need, c)
			copy(kv, b)
			b = kv
		}
		e.setBuf(b)
	}
	e.meta = e.meta&^flagNoInt | flagRaw
	return b[e.klen:]
}

// SetLRU stamps the entry's LRU clock (24 bits, seconds): RESTORE's
// IDLETIME sets it to the current clock minus the idle time.
func (e *Entry) SetLRU(clock uint32) { e.setLRU(clock) }
