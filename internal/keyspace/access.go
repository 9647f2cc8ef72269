package keyspace

import "time"

// Access clocks. Each entry keeps 24 bits about its last accesses, read by
// OBJECT IDLETIME/FREQ and by the eviction policies, with Redis's layout:
//
//   - LRU (every policy but the LFU ones): the LRU clock, unix seconds
//     modulo 2^24, of the last access;
//   - LFU: the minute of the last decrement in the high 16 bits (unix
//     minutes modulo 2^16) and an 8-bit logarithmic access counter in the
//     low 8 bits. A new key starts at lfuInitVal so that it is not evicted
//     before it had a chance to be used; each access raises the counter with
//     probability 1/((counter-lfuInitVal)*lfu-log-factor+1) after taking
//     off one per lfu-decay-time minutes of idleness.
//
// Switching policies at runtime does not convert existing entries: as in
// Redis, their 24 bits are read in the new sense until they are touched.

// Access is how entries' access clocks are kept.
type Access struct {
	// LFU selects the LFU layout (an LFU maxmemory-policy).
	LFU bool
	// LRU says that the policy is an LRU one: RDB files then record each
	// key's idle time (only the LRU and LFU policies record anything).
	LRU bool
	// LogFactor is lfu-log-factor, DecayTime lfu-decay-time (minutes).
	LogFactor int
	DecayTime int
}

const (
	lfuInitVal = 5 // LFU_INIT_VAL: the counter of a new key
	lfuMaxTime = 1<<16 - 1
)

// lfuMinutes is the LFU clock: unix minutes modulo 2^16. Before the server
// has set Now (an RDB file loading at startup) it is read from the wall
// clock.
func (ks *Keyspace) lfuMinutes() uint32 {
	now := ks.Now
	if now == 0 {
		now = time.Now().UnixMilli()
	}
	return uint32(now/60000) & lfuMaxTime
}

// stampNew gives a new entry its first access clock (Redis's createObject).
func (ks *Keyspace) stampNew(e *Entry) {
	if ks.Access.LFU {
		e.setLRU(ks.lfuMinutes()<<8 | lfuInitVal)
		return
	}
	e.setLRU(ks.LRUClock)
}

// accessed records an access to e (Redis's lookupKey without NOTOUCH).
func (ks *Keyspace) accessed(e *Entry) {
	if !ks.Access.LFU {
		e.setLRU(ks.LRUClock)
		return
	}
	c := ks.lfuIncr(ks.LFUCounter(e))
	e.setLRU(ks.lfuMinutes()<<8 | uint32(c))
}

// LFUCounter returns e's LFU counter after the decay its idle minutes
// call for (Redis's LFUDecrAndReturn), without storing it: OBJECT FREQ.
func (ks *Keyspace) LFUCounter(e *Entry) uint8 {
	v := e.LRU()
	last, counter := v>>8, v&0xff
	if ks.Access.DecayTime <= 0 {
		return uint8(counter)
	}
	now := ks.lfuMinutes()
	var elapsed uint32
	if now >= last {
		elapsed = now - last
	} else {
		elapsed = lfuMaxTime - last + now
	}
	periods := elapsed / uint32(ks.Access.DecayTime)
	if periods >= counter {
		return 0
	}
	return uint8(counter - periods)
}

// lfuIncr raises a counter logarithmically (Redis's LFULogIncr).
func (ks *Keyspace) lfuIncr(c uint8) uint8 {
	if c == 255 {
		return c
	}
	base := float64(c) - lfuInitVal
	if base < 0 {
		base = 0
	}
	if ks.rnd.Float64() < 1/(base*float64(ks.Access.LogFactor)+1) {
		c++
	}
	return c
}

// SetLFU sets e's LFU counter, stamped now (RESTORE ... FREQ).
func (ks *Keyspace) SetLFU(e *Entry, counter uint8) { e.setLRU(ks.lfuMinutes()<<8 | uint32(counter)) }

// SavedAccess returns what an RDB file records of e's access clock
// (Redis's rdbSaveKeyValuePair): its idle seconds under an LRU policy, its
// LFU counter under an LFU one; -1 for what is not recorded.
func (ks *Keyspace) SavedAccess(e *Entry) (idle int64, freq int) {
	idle, freq = -1, -1
	switch {
	case ks.Access.LFU:
		freq = int(ks.LFUCounter(e))
	case ks.Access.LRU:
		const clockMax = lruMask
		now, lru := ks.LRUClock, e.LRU()
		if now >= lru {
			idle = int64(now - lru)
		} else {
			idle = int64(now) + int64(clockMax-lru)
		}
	}
	return idle, freq
}

// LoadedAccess sets e's access clock from what a file recorded, -1 for
// absent (Redis's objectSetLRUOrLFU): the LFU counter under an LFU
// policy, the idle seconds under any other.
func (ks *Keyspace) LoadedAccess(e *Entry, idle int64, freq int) {
	switch {
	case ks.Access.LFU:
		if freq >= 0 && freq <= 255 {
			ks.SetLFU(e, uint8(freq))
		}
	case idle >= 0:
		lru := int64(ks.LRUClock) - idle
		if lru < 0 {
			lru += lruMask // as Redis: one wrap of the 24-bit clock
		}
		e.setLRU(uint32(lru) & lruMask)
	}
}
