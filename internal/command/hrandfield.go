package command

import (
	"fmt"
	"math"

	"github.com/vestadb/vesta/internal/types/hash"
)

// errRangeLong is the reply of Redis's getRangeLongFromObjectOrReply for a
// count outside [-LONG_MAX, LONG_MAX].
var errRangeLong = fmt.Sprintf("ERR value is out of range, value must between %d and %d",
	-math.MaxInt64, math.MaxInt64)

// randCount parses the count of HRANDFIELD and SRANDMEMBER.
func randCount(c *Ctx, i int) (int64, bool) {
	n, ok := ParseInt(c.Args[i])
	if !ok {
		c.Error(ErrNotInt)
		return 0, false
	}
	if n == math.MinInt64 {
		c.Error(errRangeLong)
		return 0, false
	}
	return n, true
}

func cmdHRandField(c *Ctx) {
	if len(c.Args) == 2 {
		h, ok := readHash(c, c.Args[1])
		if !ok {
			return
		}
		if h == nil {
			c.W.Null()
			return
		}
		h.Random(c.KS.Rand, func(f, _ []byte) { c.W.Bulk(f) })
		return
	}
	n, ok := randCount(c, 2)
	if !ok {
		return
	}
	withValues := false
	if len(c.Args) > 4 || (len(c.Args) == 4 && !eq(c.Args[3], "WITHVALUES")) {
		c.SyntaxError()
		return
	}
	if len(c.Args) == 4 {
		withValues = true
		if n < -math.MaxInt64/2 || n > math.MaxInt64/2 {
			c.Error(ErrRandValueRange)
			return
		}
	}
	h, ok := readHash(c, c.Args[1])
	if !ok {
		return
	}
	if h == nil || n == 0 {
		c.W.Array(0)
		return
	}
	hrandReply(c, h, n, withValues)
}

// hrandReply serves HRANDFIELD with a count. A negative count allows
// repeats; a positive one returns distinct fields, the whole hash when the
// count reaches its size. RESP3 nests each field,value pair in an array;
// RESP2 flattens them.
func hrandReply(c *Ctx, h *hash.Hash, n int64, withValues bool) {
	size := int64(h.Len())
	unique := n > 0
	count := n
	if !unique {
		count = -n
		if randReplyTooLarge(c, count) {
			return
		}
	}
	replyLen := count
	if unique {
		replyLen = min(count, size)
	}
	resp3 := c.W.Proto > 2
	if withValues && !resp3 {
		c.W.Array(int(replyLen * 2))
	} else {
		c.W.Array(int(replyLen))
	}
	emit := func(f, v []byte) {
		if withValues && resp3 {
			c.W.Array(2)
		}
		c.W.Bulk(f)
		if withValues {
			c.W.Bulk(v)
		}
	}
	switch {
	case !unique || count == 1:
		// Repeats allowed (or one pick): sample in batches so that a
		// huge count does not need a huge temporary.
		for count > 0 {
			batch := min(count, 1000)
			count -= batch
			h.Sample(int(batch), c.KS.Rand, emit)
		}
	case count >= size:
		h.Each(func(f, v []byte) bool {
			emit(f, v)
			return true
		})
	default:
		h.SampleUnique(int(count), c.KS.Rand, emit)
	}
}
