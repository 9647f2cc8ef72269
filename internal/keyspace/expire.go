package keyspace

import "time"

// Active expiry, as Redis 7.0's slow cycle does it: for each database with
// keys that have a TTL, sample keys with a TTL, delete the expired ones, and
// repeat while more than the acceptable share of the sample had expired, all
// within a time budget.

const (
	expireKeysPerLoop = 20 // ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP
	expireAcceptStale = 10 // percent, ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE
	expireCheckEvery  = 16 // iterations between clock checks
)

// ExpireCycle is the state of the active expiry cycle between runs.
type ExpireCycle struct {
	nextDB    int
	TimedOut  bool // the last run hit its time limit
	StalePerc float64
}

// ActiveExpire runs one slow expiry cycle over up to 16 databases, spending
// at most budget. effort is active-expire-effort (1..10). Call under the
// server lock. It returns the number of keys deleted.
func (ks *Keyspace) ActiveExpire(c *ExpireCycle, budget time.Duration, effort int) int {
	effort = max(1, min(effort, 10)) - 1
	perLoop := expireKeysPerLoop + expireKeysPerLoop/4*effort
	acceptable := expireAcceptStale - effort

	start := time.Now()
	deleted := 0
	sampledTotal, expiredTotal := 0, 0
	c.TimedOut = false
	dbsPerCall := min(16, len(ks.DBs))
	iter := 0
	for n := 0; n < dbsPerCall && !c.TimedOut; n++ {
		db := ks.DBs[c.nextDB%len(ks.DBs)]
		c.nextDB++
		for {
			num := db.ExpiresLen()
			if num == 0 {
				db.AvgTTL = 0
				break
			}
			sample := min(num, perLoop)
			expired, ttlSum, ttlN := 0, int64(0), int64(0)
			for i := 0; i < sample && db.ExpiresLen() > 0; i++ {
				e, at := db.sampleTTL(int(ks.Rand(uint64(db.ExpiresLen()))))
				if at <= ks.Now {
					db.expire(e.Key())
					expired++
					continue
				}
				ttlSum += at - ks.Now
				ttlN++
			}
			deleted += expired
			sampledTotal += sample
			expiredTotal += expired
			if ttlN > 0 {
				avg := ttlSum / ttlN
				if db.AvgTTL == 0 {
					db.AvgTTL = avg
				} else {
					db.AvgTTL = db.AvgTTL/50*49 + avg/50
				}
			}
			iter++
			if iter%expireCheckEvery == 0 && time.Since(start) > budget {
				c.TimedOut = true
				ks.Stats.ExpiredTimeCapCount++
				break
			}
			if expired*100/sample <= acceptable {
				break
			}
		}
	}
	elapsed := time.Since(start)
	ks.Stats.ExpireCycleMicros += elapsed.Microseconds()
	if sampledTotal > 0 {
		perc := float64(expiredTotal) / float64(sampledTotal)
		c.StalePerc = perc*0.05 + c.StalePerc*0.95
		ks.Stats.ExpiredStalePerc = c.StalePerc
	}
	return deleted
}
