package command

import (
	"fmt"
	"math"
	"slices"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/zset"
)

// Set algebra on sorted sets: ZUNION, ZINTER, ZDIFF, their STORE forms and
// ZINTERCARD. Inputs may also be plain sets, whose members count with score
// 1, as in Redis.

func registerZSetOps(t *Table) {
	t.Define("zunion", func(c *Ctx) { zsetOp(c, 0, 1, zopUnion, false) })
	t.Define("zunionstore", func(c *Ctx) { zsetOp(c, 1, 2, zopUnion, false) })
	t.Define("zinter", func(c *Ctx) { zsetOp(c, 0, 1, zopInter, false) })
	t.Define("zinterstore", func(c *Ctx) { zsetOp(c, 1, 2, zopInter, false) })
	t.Define("zintercard", func(c *Ctx) { zsetOp(c, 0, 1, zopInter, true) })
	t.Define("zdiff", func(c *Ctx) { zsetOp(c, 0, 1, zopDiff, false) })
	t.Define("zdiffstore", func(c *Ctx) { zsetOp(c, 1, 2, zopDiff, false) })
}

const (
	zopUnion = iota
	zopInter
	zopDiff
)

const (
	aggSum = iota
	aggMin
	aggMax
)

// opSource is one input of a set operation.
type opSource struct {
	obj    keyspace.Object // nil for a missing key
	z      *zset.ZSet
	set    keyspace.SetValue
	weight float64
	index  map[string]struct{} // members of a set without a Has method
}

func (s *opSource) len() int {
	switch {
	case s.z != nil:
		return s.z.Len()
	case s.set != nil:
		return s.set.Len()
	}
	return 0
}

// each calls fn with every member and its score (1 for a plain set).
func (s *opSource) each(fn func(member []byte, score float64) bool) {
	switch {
	case s.z != nil:
		s.z.Each(fn)
	case s.set != nil:
		s.set.Each(func(m []byte) bool { return fn(m, 1) })
	}
}

// find returns member's score in the source.
func (s *opSource) find(member []byte) (float64, bool) {
	switch {
	case s.z != nil:
		return s.z.Score(member)
	case s.set == nil:
		return 0, false
	}
	if h, ok := s.set.(interface{ Has([]byte) bool }); ok {
		return 1, h.Has(member)
	}
	if s.index == nil {
		s.index = make(map[string]struct{}, s.set.Len())
		s.set.Each(func(m []byte) bool {
			s.index[string(m)] = struct{}{}
			return true
		})
	}
	_, ok := s.index[string(member)]
	return 1, ok
}

// aggregate combines a member's score from another input into *target as
// Redis does; a NaN sum (inf + -inf) becomes 0.
func aggregate(target *float64, v float64, agg int) {
	switch agg {
	case aggSum:
		*target += v
		if math.IsNaN(*target) {
			*target = 0
		}
	case aggMin:
		if v < *target {
			*target = v
		}
	case aggMax:
		if v > *target {
			*target = v
		}
	}
}

// zsetOp is Redis's zunionInterDiffGenericCommand. dstIdx is the index of
// the destination key (0 when the result is replied), numkeysIdx that of
// numkeys; cardOnly is ZINTERCARD.
func zsetOp(c *Ctx, dstIdx, numkeysIdx, op int, cardOnly bool) {
	setnum, ok := c.intArg(numkeysIdx)
	if !ok {
		return
	}
	if setnum < 1 {
		c.Error(fmt.Sprintf(ErrAtLeastOneKey, c.Spec.Name))
		return
	}
	if setnum > int64(len(c.Args)-numkeysIdx-1) {
		c.SyntaxError()
		return
	}
	srcs := make([]opSource, setnum)
	j := numkeysIdx + 1
	for i := range srcs {
		srcs[i].weight = 1
		e := c.DB.Lookup(c.Args[j])
		j++
		if e == nil {
			continue
		}
		// Lists have the same methods as sets, so the value's type decides.
		v, isSet := e.Obj().(keyspace.SetValue)
		switch z, isZSet := e.Obj().(*zset.ZSet); {
		case isZSet:
			srcs[i].obj, srcs[i].z = z, z
		case isSet && e.Type() == keyspace.TypeSet:
			srcs[i].obj, srcs[i].set = v, v
		default:
			c.Error(ErrWrongType)
			return
		}
	}

	agg, withScores, limit := aggSum, false, int64(0)
	for j < len(c.Args) {
		a, remaining := c.Args[j], len(c.Args)-j
		switch {
		case op != zopDiff && !cardOnly && remaining >= int(setnum)+1 && eq(a, "WEIGHTS"):
			j++
			for i := range srcs {
				w, ok := zset.ParseScore(c.Args[j])
				if !ok {
					c.Error(ErrWeightNotFloat)
					return
				}
				srcs[i].weight = w
				j++
			}
		case op != zopDiff && !cardOnly && remaining >= 2 && eq(a, "AGGREGATE"):
			switch v := c.Args[j+1]; {
			case eq(v, "SUM"):
				agg = aggSum
			case eq(v, "MIN"):
				agg = aggMin
			case eq(v, "MAX"):
				agg = aggMax
			default:
				c.SyntaxError()
				return
			}
			j += 2
		case dstIdx == 0 && !cardOnly && eq(a, "WITHSCORES"):
			withScores = true
			j++
		case cardOnly && remaining >= 2 && eq(a, "LIMIT"):
			if limit, ok = c.rangeIntArg(j+1, 0, math.MaxInt64, ErrLimitNegative); !ok {
				return
			}
			j += 2
		default:
			c.SyntaxError()
			return
		}
	}

	if op != zopDiff {
		// Smallest inputs first, which makes intersections cheap.
		slices.SortStableFunc(srcs, func(a, b opSource) int { return a.len() - b.len() })
	}
	res := zset.NewBuilder(0)
	switch op {
	case zopUnion:
		zunion(srcs, agg, res)
	case zopInter:
		n := zinter(srcs, agg, cardOnly, int(limit), res)
		if cardOnly {
			c.W.Int(int64(n))
			return
		}
	case zopDiff:
		zdiff(srcs, res)
	}

	if dstIdx > 0 {
		var z *zset.ZSet
		n := res.Len()
		if n > 0 {
			z, _ = res.Build(c.zsetLimits()) // inputs are unique and NaN-free
		}
		zsetStore(c, c.Args[dstIdx], z, n)
		return
	}
	if withScores && c.W.Proto < 3 {
		c.W.Array(2 * res.Len())
	} else {
		c.W.Array(res.Len())
	}
	res.Sorted(func(m []byte, s float64) bool {
		if withScores && c.W.Proto >= 3 {
			c.W.Array(2)
		}
		c.W.Bulk(m)
		if withScores {
			c.W.Double(s)
		}
		return true
	})
}

func zunion(srcs []opSource, agg int, res *zset.Builder) {
	acc := map[string]float64{}
	for i := range srcs {
		s := &srcs[i]
		s.each(func(m []byte, score float64) bool {
			v := s.weight * score
			if math.IsNaN(v) {
				v = 0
			}
			if cur, ok := acc[string(m)]; ok {
				aggregate(&cur, v, agg)
				acc[string(m)] = cur
			} else {
				acc[string(m)] = v
			}
			return true
		})
	}
	for m, v := range acc {
		res.Add([]byte(m), v) // Build and Sorted order the pairs
	}
}

// zinter adds the intersection to res, or only counts it (stopping at limit
// when limit > 0) if cardOnly, and returns its size.
func zinter(srcs []opSource, agg int, cardOnly bool, limit int, res *zset.Builder) int {
	first := &srcs[0]
	if first.len() == 0 {
		return 0
	}
	n := 0
	first.each(func(m []byte, score float64) bool {
		total := first.weight * score
		if math.IsNaN(total) {
			total = 0
		}
		for j := 1; j < len(srcs); j++ {
			s := &srcs[j]
			if s.obj == first.obj {
				aggregate(&total, score*s.weight, agg)
				continue
			}
			v, ok := s.find(m)
			if !ok {
				return true
			}
			aggregate(&total, v*s.weight, agg)
		}
		n++
		if cardOnly {
			return limit == 0 || n < limit
		}
		res.Add(m, total)
		return true
	})
	return n
}

func zdiff(srcs []opSource, res *zset.Builder) {
	first := &srcs[0]
	first.each(func(m []byte, score float64) bool {
		for j := 1; j < len(srcs); j++ {
			s := &srcs[j]
			if s.obj != nil && s.obj == first.obj {
				return true
			}
			if _, ok := s.find(m); ok {
				return true
			}
		}
		res.Add(m, score)
		return true
	})
}
