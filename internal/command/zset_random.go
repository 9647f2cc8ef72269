package command

import (
	"math"
	"strconv"

	"github.com/vestadb/vesta/internal/glob"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/resp"
	"github.com/vestadb/vesta/internal/types/zset"
)

// ZRANDMEMBER and ZSCAN.

func registerZSetRandom(t *Table) {
	t.Define("zrandmember", cmdZRandMember)
	t.Define("zscan", cmdZScan)
}

func cmdZRandMember(c *Ctx) {
	if len(c.Args) >= 3 {
		l, ok := c.rangeIntArg(2, -math.MaxInt64, math.MaxInt64, "")
		if !ok {
			return
		}
		withScores := false
		switch {
		case len(c.Args) > 4 || (len(c.Args) == 4 && !eq(c.Args[3], "WITHSCORES")):
			c.SyntaxError()
			return
		case len(c.Args) == 4:
			withScores = true
			if l < -math.MaxInt64/2 || l > math.MaxInt64/2 {
				c.Error(ErrOutOfRange)
				return
			}
		}
		zrandWithCount(c, l, withScores)
		return
	}
	z, ok := zsetRead(c, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Null()
		return
	}
	m, _ := z.At(int(c.KS.Rand(uint64(z.Len()))))
	c.W.Bulk(m)
}

// zrandWithCount replies count random members: distinct ones for a
// positive count, possibly repeated ones for a negative count. The reply
// shapes follow Redis's four cases; which members are picked cannot match.
func zrandWithCount(c *Ctx, l int64, withScores bool) {
	z, ok := zsetRead(c, c.Args[1])
	if !ok {
		return
	}
	if z == nil || l == 0 {
		c.W.Array(0)
		return
	}
	uniq, count := l > 0, l
	if !uniq {
		count = -l
		if randReplyTooLarge(c, count) {
			return
		}
	}
	size := int64(z.Len())
	header := func(n int64) {
		if withScores && c.W.Proto < 3 {
			n *= 2
		}
		c.W.Array(int(n))
	}
	emit := func(m []byte, s float64) bool {
		if withScores && c.W.Proto >= 3 {
			c.W.Array(2)
		}
		c.W.Bulk(m)
		if withScores {
			c.W.Double(s)
		}
		return true
	}
	rnd := func(n int64) int { return int(c.KS.Rand(uint64(n))) }

	switch {
	case !uniq || count == 1:
		// Independent picks; the whole reply is count long.
		header(count)
		pick := z.At
		if z.IsListpack() {
			ms, ss := zsetPairs(z)
			pick = func(i int) ([]byte, float64) { return ms[i], ss[i] }
		}
		for range count {
			emit(pick(rnd(size)))
		}
	case count >= size:
		// Everything, in Redis's iteration order: highest score first.
		header(size)
		z.EachReverse(emit)
	case z.IsListpack():
		// Selection sampling: count distinct members in set order.
		header(count)
		need, left := count, size
		z.Each(func(m []byte, s float64) bool {
			if int64(rnd(left)) < need {
				emit(m, s)
				need--
			}
			left--
			return need > 0
		})
	default:
		// Floyd's algorithm: count distinct ranks, O(count log n).
		header(count)
		chosen := make(map[int64]struct{}, count)
		for j := size - count; j < size; j++ {
			t := int64(rnd(j + 1))
			if _, dup := chosen[t]; dup {
				t = j
			}
			chosen[t] = struct{}{}
			emit(z.At(int(t)))
		}
	}
}

// zsetPairs copies the members and scores of a (small) set into slices.
func zsetPairs(z *zset.ZSet) ([][]byte, []float64) {
	ms := make([][]byte, 0, z.Len())
	ss := make([]float64, 0, z.Len())
	z.Each(func(m []byte, s float64) bool {
		ms = append(ms, copyBytes(m))
		ss = append(ss, s)
		return true
	})
	return ms, ss
}

var emptyScanReply = []byte("*2\r\n$1\r\n0\r\n*0\r\n")

func cmdZScan(c *Ctx) {
	cursor, ok := parseCursor(c.Args[2])
	if !ok {
		c.Error("ERR invalid cursor")
		return
	}
	z, ok := zsetRead(c, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Raw(emptyScanReply)
		return
	}
	o, ok := parseScanOptions(c, 3, false)
	if !ok {
		return
	}
	// Scores are sent as text: a listpack's as stored, a skiplist's in
	// %.17g, which differ for large integral scores.
	format := resp.AppendDouble
	if z.IsListpack() {
		format = listpack.AppendScore
	}
	var found [][]byte // member, score text, member, …
	collect := func(m []byte, s float64) {
		found = append(found, copyBytes(m), format(nil, s))
	}
	if z.IsListpack() {
		cursor = z.Scan(0, collect)
	} else {
		for budget := o.count * 10; ; budget-- {
			cursor = z.Scan(cursor, collect)
			if cursor == 0 || budget == 0 || int64(len(found)) >= o.count {
				break
			}
		}
	}
	out := found[:0]
	for i := 0; i < len(found); i += 2 {
		if o.pattern == nil || glob.Match(o.pattern, found[i], false) {
			out = append(out, found[i], found[i+1])
		}
	}
	c.W.Array(2)
	c.W.BulkString(strconv.FormatUint(cursor, 10))
	c.W.Array(len(out))
	for _, b := range out {
		c.W.Bulk(b)
	}
}
