package command

import (
	"fmt"
	"math"
	"time"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/zset"
)

// Pop commands: ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms. All of
// them reach the AOF as ZPOPMIN/ZPOPMAX: the blocking ones and ZMPOP are
// rewritten to "ZPOPMIN key [count]" as Redis 7.0 does.

func registerZSetPops(t *Table) {
	t.Define("zpopmin", func(c *Ctx) { zpopMinMax(c, false) })
	t.Define("zpopmax", func(c *Ctx) { zpopMinMax(c, true) })
	t.Define("bzpopmin", func(c *Ctx) { bzpopMinMax(c, false) })
	t.Define("bzpopmax", func(c *Ctx) { bzpopMinMax(c, true) })
	t.Define("zmpop", func(c *Ctx) { zmpopGeneric(c, 1, false) })
	t.Define("bzmpop", func(c *Ctx) { zmpopGeneric(c, 2, true) })
}

var (
	argZPOPMIN = []byte("ZPOPMIN")
	argZPOPMAX = []byte("ZPOPMAX")
)

// popShape is how a pop reply is laid out.
type popShape struct {
	// withKey puts the key first (the blocking pops and ZMPOP).
	withKey bool
	// nested gives each member its own [member, score] array (ZMPOP, and
	// ZPOPMIN with a count in RESP3).
	nested bool
	// nullIfNone replies a null array rather than an empty one when no key
	// holds a set.
	nullIfNone bool
}

// zpop is Redis's genericZpopCommand: it pops up to count members (-1: one,
// in the single-pop reply layout) from the first of keys that holds a sorted
// set, and returns that key and how many members it popped, or nil if it
// popped nothing (after replying).
func zpop(c *Ctx, keys [][]byte, max bool, count int64, shape popShape) ([]byte, int) {
	var z *zset.ZSet
	var key []byte
	for _, k := range keys {
		found, ok := zsetWrite(c, k)
		if !ok {
			return nil, 0
		}
		if found != nil {
			z, key = found, k
			break
		}
	}
	switch {
	case z == nil && shape.nullIfNone:
		c.W.NullArray()
		return nil, 0
	case z == nil, count == 0:
		c.W.Array(0)
		return nil, 0
	}
	if count < 0 {
		count = 1
	}
	n := int(min(count, int64(z.Len())))
	switch {
	case shape.withKey && shape.nested:
		c.W.Array(2)
		c.W.Bulk(key)
		c.W.Array(n)
	case shape.withKey:
		c.W.Array(2*n + 1)
		c.W.Bulk(key)
	case shape.nested:
		c.W.Array(n)
	default:
		c.W.Array(2 * n)
	}
	z.Pop(max, n, func(member []byte, score float64) {
		if shape.nested {
			c.W.Array(2)
		}
		c.W.Bulk(member)
		c.W.Double(score)
	})
	event := "zpopmin"
	if max {
		event = "zpopmax"
	}
	zsetChanged(c, key, z, n, event)
	return key, n
}

func zpopMinMax(c *Ctx, max bool) {
	if len(c.Args) > 3 {
		c.SyntaxError()
		return
	}
	count := int64(-1)
	if len(c.Args) == 3 {
		var ok bool
		if count, ok = c.rangeIntArg(2, 0, math.MaxInt64, ErrNegativeLen); !ok {
			return
		}
	}
	shape := popShape{nested: c.W.Proto >= 3 && count != -1}
	zpop(c, c.Args[1:2], max, count, shape)
}

func bzpopMinMax(c *Ctx, max bool) {
	last := len(c.Args) - 1
	deadline, ok := c.blockDeadline(last)
	if !ok {
		return
	}
	blockingZpop(c, c.Args[1:last], max, deadline, -1, popShape{withKey: true})
}

// zmpopGeneric implements ZMPOP and BZMPOP, whose numkeys argument is at
// numkeysIdx.
func zmpopGeneric(c *Ctx, numkeysIdx int, block bool) {
	numkeys, ok := c.rangeIntArg(numkeysIdx, 1, math.MaxInt64, ErrZNumkeys)
	if !ok {
		return
	}
	if numkeys >= int64(len(c.Args)-numkeysIdx-1) {
		c.SyntaxError() // no room for the keys and MIN|MAX
		return
	}
	whereIdx := numkeysIdx + int(numkeys) + 1
	var max bool
	switch w := c.Args[whereIdx]; {
	case eq(w, "MIN"):
	case eq(w, "MAX"):
		max = true
	default:
		c.SyntaxError()
		return
	}
	count := int64(-1)
	for j := whereIdx + 1; j < len(c.Args); j++ {
		if count == -1 && eq(c.Args[j], "COUNT") && j+1 < len(c.Args) {
			j++
			if count, ok = c.rangeIntArg(j, 1, math.MaxInt64, ErrZCountPositive); !ok {
				return
			}
			continue
		}
		c.SyntaxError()
		return
	}
	if count == -1 {
		count = 1
	}
	keys := c.Args[numkeysIdx+1 : whereIdx]
	shape := popShape{withKey: true, nested: true, nullIfNone: true}
	if block {
		deadline, ok := c.blockDeadline(1)
		if !ok {
			return
		}
		blockingZpop(c, keys, max, deadline, count, shape)
		return
	}
	if key, n := zpop(c, keys, max, count, shape); key != nil {
		rewriteZpop(c, key, max, int64(n))
	}
}

// rewriteZpop propagates a pop as ZPOPMIN/ZPOPMAX key [count] (count -1:
// none), as Redis 7.0 does for ZMPOP and the blocking pops; the count is
// the number of members actually popped.
func rewriteZpop(c *Ctx, key []byte, max bool, count int64) {
	name := argZPOPMIN
	if max {
		name = argZPOPMAX
	}
	if count == -1 {
		c.Rewrite(name, copyBytes(key))
		return
	}
	c.Rewrite(name, copyBytes(key), itob(count))
}

// popAndRewrite pops from key, which holds a sorted set, and propagates
// the pop as ZPOPMIN/ZPOPMAX, with the popped count unless count is -1.
func popAndRewrite(c *Ctx, key []byte, max bool, count int64, shape popShape) {
	_, n := zpop(c, [][]byte{key}, max, count, shape)
	if count != -1 {
		count = int64(n)
	}
	rewriteZpop(c, key, max, count)
}

// blockingZpop is Redis's blockingGenericZpopCommand: pop from the first
// key that holds a sorted set, else block until one does.
func blockingZpop(c *Ctx, keys [][]byte, max bool, deadline time.Time, count int64, shape popShape) {
	for _, k := range keys {
		e := c.DB.LookupWrite(k)
		if e == nil {
			continue
		}
		if e.Type() != keyspace.TypeZSet {
			c.Error(ErrWrongType)
			return
		}
		popAndRewrite(c, k, max, count, shape)
		return
	}
	if c.Env.InExec(c) {
		c.W.NullArray() // cannot block: reply as on timeout
		return
	}
	c.Env.Block(c, keys, deadline, false, zpopServer(max, count, popShape{withKey: true, nested: shape.nested}))
}

// zpopServer returns the function that serves a client blocked in a pop
// when one of its keys may hold a sorted set: it pops as the command would
// have, and propagates ZPOPMIN/ZPOPMAX. A key that is missing or holds
// another type keeps the client waiting, as in Redis 7.0.
func zpopServer(max bool, count int64, shape popShape) func(c *Ctx, key []byte) bool {
	return func(c *Ctx, key []byte) bool {
		e := c.DB.LookupWrite(key)
		if e == nil || e.Type() != keyspace.TypeZSet {
			return false
		}
		popAndRewrite(c, key, max, count, shape)
		return true
	}
}

// rangeIntArg parses argument i as an integer in [lo, hi]. msg, when set,
// is the error for both a non-integer and an out-of-range value, as with
// Redis's getRangeLongFromObjectOrReply; otherwise the errors are Redis's
// defaults.
func (c *Ctx) rangeIntArg(i int, lo, hi int64, msg string) (int64, bool) {
	n, ok := ParseInt(c.Args[i])
	switch {
	case ok && n >= lo && n <= hi:
		return n, true
	case msg != "":
		c.Error(msg)
	case !ok:
		c.Error(ErrNotInt)
	default:
		c.Error(fmt.Sprintf(ErrOutOfRangeLong, lo, hi))
	}
	return 0, false
}
