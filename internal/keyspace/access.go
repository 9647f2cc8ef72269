package keyspace

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
	// LogFactor is lfu-log-factor, DecayTime lfu-decay-time (minutes).
	LogFactor int
	DecayTime int
}

const (
	lfuInitVal = 5 // LFU_INIT_VAL: the counter of a new key
	lfuMaxTime = 1<<16 - 1
)

// lfuMinutes is the LFU clock: unix minutes modulo 2^16.
func (ks *Keyspace) lfuMinutes() uint32 { return uint32(ks.Now/60000) & lfuMaxTime }

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

// Touch records an access to e, as a read of the key does (used by
// commands that find an entry without Lookup).
func (ks *Keyspace) Touch(e *Entry) { ks.accessed(e) }
