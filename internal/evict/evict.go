// Package evict chooses which key to evict when memory is over maxmemory,
// with Redis 7.0's approximations of LRU, LFU and shortest-TTL.
//
// Nothing here keeps the keys ordered by access: each round samples
// maxmemory-samples keys of every database (all keys, or only those with a
// TTL for the volatile policies) into a pool of the 16 best candidates seen
// so far, and evicts the best one still present. The pool survives between
// rounds, so the choice improves as more keys are sampled; with the default
// 5 samples the result is close to true LRU (Redis's measurements, see
// docs/ARCHITECTURE.md). The random policies pick a random key of the next
// database that has one.
//
// The server (internal/server/evict.go) measures memory, deletes the key,
// propagates DEL and counts; this package only picks.
package evict

import (
	"bytes"
	"math"
	"time"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/keyspace"
)

// PoolSize is the number of candidates the pool keeps (EVPOOL_SIZE).
const PoolSize = 16

// candidate is a key in the pool. Higher scores are better to evict.
type candidate struct {
	score uint64
	db    int
	key   []byte // owned by the slot and reused
}

// Picker holds the eviction pool and the random policies' next database
// between rounds. The zero value is ready. Not safe for concurrent use.
type Picker struct {
	pool   [PoolSize]candidate
	n      int // pool[:n] are in use, by ascending score
	nextDB int
}

// Reset empties the pool (after FLUSHALL or a policy change the candidates
// mean nothing).
func (p *Picker) Reset() {
	for i := range p.pool[:p.n] {
		p.pool[i].key = p.pool[i].key[:0]
	}
	p.n = 0
}

// Pick returns the database and the key to evict next under policy, or
// ok false when there is no key to evict (no keys at all, or none with a
// TTL for a volatile policy, or policy noeviction). The key is a copy the
// caller may keep until the next call. samples is maxmemory-samples.
func (p *Picker) Pick(ks *keyspace.Keyspace, policy config.MaxmemoryPolicy, samples int) (*keyspace.DB, []byte, bool) {
	switch policy {
	case config.NoEviction:
		return nil, nil, false
	case config.AllkeysRandom, config.VolatileRandom:
		return p.pickRandom(ks, policy == config.AllkeysRandom)
	}
	samples = max(samples, 1)
	all := policy.AllKeys()
	for {
		total := 0
		for _, db := range ks.DBs {
			n := db.Len()
			if !all {
				n = db.ExpiresLen()
			}
			if n == 0 {
				continue
			}
			total += n
			p.populate(ks, db, policy, samples)
		}
		if total == 0 {
			return nil, nil, false
		}
		// The best candidate that still exists (and, for a volatile
		// policy, still has a TTL); others are dropped on the way.
		for p.n > 0 {
			c := &p.pool[p.n-1]
			p.n--
			db := ks.DBs[c.db]
			if e := db.Find(c.key); e != nil && (all || e.HasTTL()) {
				return db, c.key, true
			}
		}
	}
}

// pickRandom is allkeys-random and volatile-random: a random key of the
// next database, round robin, that has candidates.
func (p *Picker) pickRandom(ks *keyspace.Keyspace, all bool) (*keyspace.DB, []byte, bool) {
	for range ks.DBs {
		p.nextDB++
		db := ks.DBs[p.nextDB%len(ks.DBs)]
		var e *keyspace.Entry
		if all {
			e = db.Dict.Random(ks.Rand)
		} else {
			e, _ = db.RandomTTL(ks.Rand)
		}
		if e != nil {
			return db, append([]byte(nil), e.Key()...), true
		}
	}
	return nil, nil, false
}

// populate samples keys of db into the pool.
func (p *Picker) populate(ks *keyspace.Keyspace, db *keyspace.DB, policy config.MaxmemoryPolicy, samples int) {
	all := policy.AllKeys()
	for range samples {
		var e *keyspace.Entry
		var at int64
		if all {
			e = db.Dict.Random(ks.Rand)
		} else {
			e, at = db.RandomTTL(ks.Rand)
		}
		if e == nil {
			return
		}
		var score uint64
		switch {
		case policy.LRU():
			score = IdleMillis(ks.LRUClock, e.LRU())
		case policy.LFU():
			score = 255 - uint64(ks.LFUCounter(e))
		default: // volatile-ttl: the sooner it expires, the better
			score = math.MaxUint64 - uint64(at)
		}
		p.insert(score, db.ID, e.Key())
	}
}

// insert puts a candidate in its place by score, dropping the worst one
// when the pool is full; a key already in the pool only has its score
// updated.
func (p *Picker) insert(score uint64, db int, key []byte) {
	for i := 0; i < p.n; i++ {
		if p.pool[i].db == db && bytes.Equal(p.pool[i].key, key) {
			// Remove it and insert it again with the new score.
			spare := p.pool[i].key
			copy(p.pool[i:p.n-1], p.pool[i+1:p.n])
			p.n--
			p.pool[p.n].key = spare
			break
		}
	}
	// k is the number of candidates scoring below score.
	k := 0
	for k < p.n && p.pool[k].score < score {
		k++
	}
	if p.n == PoolSize {
		if k == 0 {
			return // worse than every candidate
		}
		// Drop the worst (pool[0]) and shift the ones below k left.
		spare := p.pool[0].key
		copy(p.pool[0:k-1], p.pool[1:k])
		k--
		p.pool[k] = candidate{score: score, db: db, key: append(spare[:0], key...)}
		return
	}
	spare := p.pool[p.n].key
	copy(p.pool[k+1:p.n+1], p.pool[k:p.n])
	p.pool[k] = candidate{score: score, db: db, key: append(spare[:0], key...)}
	p.n++
}

// IdleMillis is the idle time, in milliseconds, of an entry whose LRU clock
// is lru when the clock reads now (Redis's estimateObjectIdleTime; the clock
// wraps after 2^24 seconds).
func IdleMillis(now, lru uint32) uint64 {
	const clockMax = 1<<24 - 1
	if now >= lru {
		return uint64(now-lru) * 1000
	}
	return uint64(now+(clockMax-lru)) * 1000
}

// TimeLimit is how long one eviction loop may run under
// maxmemory-eviction-tenacity: 50µs per step up to 10, then 15% more per
// step, and no limit at 100 (Redis's evictionTimeLimitUs).
func TimeLimit(tenacity int) time.Duration {
	switch {
	case tenacity <= 10:
		return time.Duration(50*max(tenacity, 0)) * time.Microsecond
	case tenacity < 100:
		return time.Duration(500*math.Pow(1.15, float64(tenacity-10))) * time.Microsecond
	}
	return time.Duration(math.MaxInt64)
}
