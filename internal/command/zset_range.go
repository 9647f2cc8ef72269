package command

import (
	"github.com/vestadb/vesta/internal/resp"
	"github.com/vestadb/vesta/internal/types/zset"
)

// Range commands: ZRANGE in all its forms, ZRANGESTORE, ZCOUNT, ZLEXCOUNT
// and ZREMRANGEBY*.

func registerZSetRanges(t *Table) {
	t.Define("zrange", func(c *Ctx) { zrangeGeneric(c, 1, false, byAuto, dirAuto) })
	t.Define("zrangestore", func(c *Ctx) { zrangeGeneric(c, 2, true, byAuto, dirAuto) })
	t.Define("zrevrange", func(c *Ctx) { zrangeGeneric(c, 1, false, byRank, dirRev) })
	t.Define("zrangebyscore", func(c *Ctx) { zrangeGeneric(c, 1, false, byScore, dirFwd) })
	t.Define("zrevrangebyscore", func(c *Ctx) { zrangeGeneric(c, 1, false, byScore, dirRev) })
	t.Define("zrangebylex", func(c *Ctx) { zrangeGeneric(c, 1, false, byLex, dirFwd) })
	t.Define("zrevrangebylex", func(c *Ctx) { zrangeGeneric(c, 1, false, byLex, dirRev) })
	t.Define("zcount", cmdZCount)
	t.Define("zlexcount", cmdZLexCount)
	t.Define("zremrangebyrank", func(c *Ctx) { zremrangeGeneric(c, byRank) })
	t.Define("zremrangebyscore", func(c *Ctx) { zremrangeGeneric(c, byScore) })
	t.Define("zremrangebylex", func(c *Ctx) { zremrangeGeneric(c, byLex) })
}

// What a range selects by, and in which direction; "auto" lets ZRANGE's
// options decide.
const (
	byAuto = iota
	byRank
	byScore
	byLex
)

const (
	dirAuto = iota
	dirFwd
	dirRev
)

// rangeOut receives the members of a range: it replies them to the client
// (as an array whose length is written at the end), or adds them to a new
// set for ZRANGESTORE.
type rangeOut struct {
	w          *resp.Writer
	withScores bool
	d          resp.Deferred
	n          int
	store      *zset.ZSet
	lim        zset.Limits
}

func (o *rangeOut) emit(member []byte, score float64) bool {
	o.n++
	if o.store != nil {
		o.store.Add(member, score, 0, o.lim)
		return true
	}
	if o.withScores && o.w.Proto >= 3 {
		o.w.Array(2)
	}
	o.w.Bulk(member)
	if o.withScores {
		o.w.Double(score)
	}
	return true
}

// zrangeGeneric is Redis's zrangeGenericCommand: the key is c.Args[at],
// followed by min, max and the options; store writes the result to
// c.Args[1].
func zrangeGeneric(c *Ctx, at int, store bool, by, dir int) {
	minIdx, maxIdx := at+1, at+2
	withScores := false
	offset, limit := int64(0), int64(-1)
	for j := at + 3; j < len(c.Args); j++ {
		a, left := c.Args[j], len(c.Args)-j-1
		switch {
		case !store && eq(a, "WITHSCORES"):
			withScores = true
		case eq(a, "LIMIT") && left >= 2:
			var ok bool
			if offset, ok = c.intArg(j + 1); !ok {
				return
			}
			if limit, ok = c.intArg(j + 2); !ok {
				return
			}
			j += 2
		case dir == dirAuto && eq(a, "REV"):
			dir = dirRev
		case by == byAuto && eq(a, "BYLEX"):
			by = byLex
		case by == byAuto && eq(a, "BYSCORE"):
			by = byScore
		default:
			c.SyntaxError()
			return
		}
	}
	if by == byAuto {
		by = byRank
	}
	rev := dir == dirRev
	switch {
	case limit != -1 && by == byRank:
		c.Error(ErrRangeLimitKind)
		return
	case withScores && by == byLex:
		c.Error(ErrLexWithScores)
		return
	}
	if rev && by != byRank {
		minIdx, maxIdx = maxIdx, minIdx // given as max, min
	}
	var start, end int64
	var sr zset.ScoreRange
	var lr zset.LexRange
	var ok bool
	switch by {
	case byRank:
		if start, ok = c.intArg(minIdx); !ok {
			return
		}
		if end, ok = c.intArg(maxIdx); !ok {
			return
		}
	case byScore:
		if sr, ok = zset.ParseScoreRange(c.Args[minIdx], c.Args[maxIdx]); !ok {
			c.Error(ErrMinMaxNotFloat)
			return
		}
	case byLex:
		if lr, ok = zset.ParseLexRange(c.Args[minIdx], c.Args[maxIdx]); !ok {
			c.Error(ErrLexRange)
			return
		}
	}

	z, ok := zsetRead(c, c.Args[at])
	if !ok {
		return
	}
	out := &rangeOut{w: c.W, withScores: withScores}
	if store {
		out.store, out.lim = zset.New(), c.zsetLimits()
	} else if z == nil {
		c.W.Array(0)
		return
	} else {
		out.d = c.W.Defer()
	}
	if z != nil {
		switch by {
		case byRank:
			if s, e, ok := clampRanks(start, end, z.Len()); ok {
				if store {
					out.store = zset.NewSized(e-s+1, out.lim)
				}
				z.RangeByRank(s, e, rev, out.emit)
			}
		case byScore:
			z.RangeByScore(&sr, rev, int(offset), int(limit), out.emit)
		case byLex:
			z.RangeByLex(&lr, rev, int(offset), int(limit), out.emit)
		}
	}
	if store {
		zsetStore(c, c.Args[1], out.store, out.n)
		return
	}
	n := out.n
	if withScores && c.W.Proto < 3 {
		n *= 2
	}
	c.W.ArrayAt(out.d, n)
}

// clampRanks turns ZRANGE-style start and end (negative counting from the
// end) into valid 0-based ranks, or reports an empty range.
func clampRanks(start, end int64, length int) (int, int, bool) {
	n := int64(length)
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start = max(start, 0)
	if start > end || start >= n {
		return 0, 0, false
	}
	end = min(end, n-1)
	return int(start), int(end), true
}

// zsetStore finishes a store command: dst gets z if it has members, else
// dst is deleted; the reply is the member count n. Like Redis's setKey, an
// existing dst is replaced whatever its type, and loses its TTL.
func zsetStore(c *Ctx, dst []byte, z *zset.ZSet, n int) {
	if n > 0 {
		c.DB.LookupWrite(dst) // expires a stale dst first, as setKey does
		c.DB.SetObject(dst, z, false)
		c.Changed(dst)
		c.Notify(NotifyZSet, c.Spec.Name, dst)
		c.W.Int(int64(n))
		return
	}
	c.W.Int(0)
	if c.DB.Unlink(dst) != nil {
		c.Changed(dst)
		c.Notify(NotifyGeneric, "del", dst)
	}
}

func cmdZCount(c *Ctx) {
	r, ok := zset.ParseScoreRange(c.Args[2], c.Args[3])
	if !ok {
		c.Error(ErrMinMaxNotFloat)
		return
	}
	z, ok := zsetRead(c, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(z.CountByScore(&r)))
}

func cmdZLexCount(c *Ctx) {
	r, ok := zset.ParseLexRange(c.Args[2], c.Args[3])
	if !ok {
		c.Error(ErrLexRange)
		return
	}
	z, ok := zsetRead(c, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(z.CountByLex(&r)))
}

func zremrangeGeneric(c *Ctx, by int) {
	var start, end int64
	var sr zset.ScoreRange
	var lr zset.LexRange
	var ok bool
	switch by {
	case byRank:
		if start, ok = c.intArg(2); !ok {
			return
		}
		if end, ok = c.intArg(3); !ok {
			return
		}
	case byScore:
		if sr, ok = zset.ParseScoreRange(c.Args[2], c.Args[3]); !ok {
			c.Error(ErrMinMaxNotFloat)
			return
		}
	case byLex:
		if lr, ok = zset.ParseLexRange(c.Args[2], c.Args[3]); !ok {
			c.Error(ErrLexRange)
			return
		}
	}
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
	switch by {
	case byRank:
		if s, e, ok := clampRanks(start, end, z.Len()); ok {
			deleted = z.DeleteRangeByRank(s, e)
		}
	case byScore:
		deleted = z.DeleteRangeByScore(&sr)
	case byLex:
		deleted = z.DeleteRangeByLex(&lr)
	}
	zsetChanged(c, key, z, deleted, c.Spec.Name)
	c.W.Int(int64(deleted))
}
