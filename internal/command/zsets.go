package command

import (
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/zset"
)

// Sorted-set commands. The data structure is internal/types/zset; this file
// holds the commands that add, remove and read single members. Ranges are in
// zset_range.go, pops in zset_pop.go, set algebra in zset_setops.go, and
// ZRANDMEMBER and ZSCAN in zset_random.go.

func registerZSets(t *Table) {
	t.Define("zadd", func(c *Ctx) { zaddGeneric(c, 0) })
	t.Define("zincrby", func(c *Ctx) { zaddGeneric(c, zset.AddIncr) })
	t.Define("zrem", cmdZRem)
	t.Define("zcard", cmdZCard)
	t.Define("zscore", cmdZScore)
	t.Define("zmscore", cmdZMScore)
	t.Define("zrank", func(c *Ctx) { zrankGeneric(c, false) })
	t.Define("zrevrank", func(c *Ctx) { zrankGeneric(c, true) })
	registerZSetRanges(t)
	registerZSetPops(t)
	registerZSetOps(t)
	registerZSetRandom(t)
}

// zsetLimits are the encoding thresholds from the configuration.
func (c *Ctx) zsetLimits() zset.Limits { return zsetLimits(c.Env.Limits()) }

// zsetRead returns key's sorted set for reading, nil when the key is
// absent; ok is false after a WRONGTYPE reply.
func zsetRead(c *Ctx, key []byte) (z *zset.ZSet, ok bool) {
	e, ok := c.lookupRead(key, keyspace.TypeZSet)
	if e == nil {
		return nil, ok
	}
	return e.Obj().(*zset.ZSet), true
}

// zsetWrite is zsetRead for a command that changes the set in place.
func zsetWrite(c *Ctx, key []byte) (z *zset.ZSet, ok bool) {
	e, ok := c.lookupWrite(key, keyspace.TypeZSet)
	if e == nil {
		return nil, ok
	}
	return e.Obj().(*zset.ZSet), true
}

// zsetChanged records n changes to key (Redis adds the number of changed
// members to the dirty counter), raises event and deletes the key if the
// set became empty (raising "del").
func zsetChanged(c *Ctx, key []byte, z *zset.ZSet, n int, event string) {
	if n == 0 {
		return
	}
	c.Notify(NotifyZSet, event, key)
	if z.Len() == 0 {
		c.DB.Unlink(key)
		c.Notify(NotifyGeneric, "del", key)
	}
	c.Dirty(n)
	c.DB.Signal(key)
}

// zaddGeneric implements ZADD and ZINCRBY (flags AddIncr), which Redis
// parses with the same code: ZINCRBY therefore also takes the ZADD options
// in front of its increment, and then fails the pair count.
func zaddGeneric(c *Ctx, flags zset.AddFlags) {
	ch := false
	i := 2
options:
	for ; i < len(c.Args); i++ {
		switch a := c.Args[i]; {
		case eq(a, "NX"):
			flags |= zset.AddNX
		case eq(a, "XX"):
			flags |= zset.AddXX
		case eq(a, "GT"):
			flags |= zset.AddGT
		case eq(a, "LT"):
			flags |= zset.AddLT
		case eq(a, "CH"):
			ch = true
		case eq(a, "INCR"):
			flags |= zset.AddIncr
		default:
			break options
		}
	}
	pairs := c.Args[i:]
	if len(pairs) == 0 || len(pairs)%2 != 0 {
		c.SyntaxError()
		return
	}
	has := func(f zset.AddFlags) bool { return flags&f != 0 }
	switch {
	case has(zset.AddNX) && has(zset.AddXX):
		c.Error(ErrZAddNXXX)
		return
	case (has(zset.AddGT) && has(zset.AddNX)) || (has(zset.AddLT) && has(zset.AddNX)) ||
		(has(zset.AddGT) && has(zset.AddLT)):
		c.Error(ErrZAddGTLTNX)
		return
	case has(zset.AddIncr) && len(pairs) > 2:
		c.Error(ErrZAddIncrPair)
		return
	}
	scores := make([]float64, len(pairs)/2)
	for j := range scores {
		s, ok := zset.ParseScore(pairs[2*j])
		if !ok {
			c.Error(ErrNotFloat)
			return
		}
		scores[j] = s
	}

	key := c.Args[1]
	z, ok := zsetWrite(c, key)
	if !ok {
		return
	}
	incr := has(zset.AddIncr)
	added, updated, processed := 0, 0, 0
	var score float64
	if z == nil && !has(zset.AddXX) {
		z = zset.New()
		c.DB.Add(key, z)
	}
	if z != nil {
		lim := c.zsetLimits()
		for j, s := range scores {
			newScore, res := z.Add(pairs[2*j+1], s, flags, lim)
			switch res {
			case zset.NaN:
				c.Error(ErrZAddNaN)
				zsetChanged(c, key, z, added+updated, zaddEvent(incr))
				return
			case zset.Added:
				added++
			case zset.Updated:
				updated++
			}
			if res != zset.Nop {
				processed++
			}
			score = newScore
		}
		zsetChanged(c, key, z, added+updated, zaddEvent(incr))
	}
	switch {
	case !incr && ch:
		c.W.Int(int64(added + updated))
	case !incr:
		c.W.Int(int64(added))
	case processed > 0:
		c.W.Double(score)
	default:
		c.W.Null()
	}
}

func cmdZRem(c *Ctx) {
	key := c.Args[1]
	z, ok := zsetWrite(c, key)
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	deleted := 0
	for _, m := range c.Args[2:] {
		if z.Delete(m) {
			deleted++
		}
		if z.Len() == 0 {
			break
		}
	}
	zsetChanged(c, key, z, deleted, "zrem")
	c.W.Int(int64(deleted))
}

// zaddEvent is the keyspace event of ZADD, or of ZINCRBY and ZADD INCR.
func zaddEvent(incr bool) string {
	if incr {
		return "zincr"
	}
	return "zadd"
}

func cmdZCard(c *Ctx) {
	z, ok := zsetRead(c, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(z.Len()))
}

func cmdZScore(c *Ctx) {
	z, ok := zsetRead(c, c.Args[1])
	if !ok {
		return
	}
	if z != nil {
		if s, found := z.Score(c.Args[2]); found {
			c.W.Double(s)
			return
		}
	}
	c.W.Null()
}

func cmdZMScore(c *Ctx) {
	z, ok := zsetRead(c, c.Args[1])
	if !ok {
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		if z != nil {
			if s, found := z.Score(m); found {
				c.W.Double(s)
				continue
			}
		}
		c.W.Null()
	}
}

func zrankGeneric(c *Ctx, rev bool) {
	z, ok := zsetRead(c, c.Args[1])
	if !ok {
		return
	}
	if z != nil {
		if r, found := z.Rank(c.Args[2], rev); found {
			c.W.Int(int64(r))
			return
		}
	}
	c.W.Null()
}
