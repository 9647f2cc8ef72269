package command

import (
	"math"
	"math/big"
	"time"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/list"
)

// Blocking list commands: BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH. Each
// first tries to serve at once like its non-blocking form (and is then
// propagated as that form); otherwise it blocks through Env.Block with a
// serve function that runs later under the server lock, in the blocked
// client's context, whenever one of its keys may be ready. Inside MULTI the
// commands do not block and reply as on timeout.

func registerListBlocking(t *Table) {
	t.Define("blpop", func(c *Ctx) { blpopGeneric(c, true) })
	t.Define("brpop", func(c *Ctx) { blpopGeneric(c, false) })
	t.Define("blmpop", func(c *Ctx) { lmpopGeneric(c, 2, true) })
	t.Define("blmove", cmdBLMove)
	t.Define("brpoplpush", func(c *Ctx) {
		deadline, ok := blockDeadline(c, 3)
		if ok {
			blmoveGeneric(c, false, true, deadline)
		}
	})
}

// timeoutMillis converts a timeout argument in seconds to milliseconds as
// Redis 7.0 does: the text is read as a C long double, multiplied by 1000
// and rounded up, and a value that does not fit a 64-bit integer becomes
// math.MinInt64 (x86's conversion result), hence "timeout is negative" for
// inf or 1e16.
func timeoutMillis(arg []byte) (int64, bool) {
	v, ok := ParseLongDouble(arg)
	if !ok {
		return 0, false
	}
	if v.IsInf() {
		return math.MinInt64, true
	}
	var ms big.Float
	ms.SetPrec(ldPrec).SetMode(big.ToNearestEven)
	ms.Mul(&v.f, big.NewFloat(1000))
	i, acc := ms.Int(nil) // truncated towards zero
	if acc == big.Below {
		i.Add(i, big.NewInt(1)) // a positive fraction was dropped: round up
	}
	if !i.IsInt64() {
		return math.MinInt64, true
	}
	return i.Int64(), true
}

// blockDeadline parses the timeout at argument i and returns the absolute
// deadline, the zero time meaning "wait forever" (a timeout of 0, or one so
// large that the deadline overflows). It replies the Redis error for a bad
// timeout.
func blockDeadline(c *Ctx, i int) (time.Time, bool) {
	ms, ok := timeoutMillis(c.Args[i])
	if !ok {
		c.Error(ErrTimeout)
		return time.Time{}, false
	}
	if ms < 0 {
		c.Error(ErrNegTimeout)
		return time.Time{}, false
	}
	if ms == 0 || ms > math.MaxInt64-c.KS.Now {
		return time.Time{}, true
	}
	return time.UnixMilli(c.KS.Now + ms), true
}

func blpopGeneric(c *Ctx, head bool) {
	deadline, ok := blockDeadline(c, len(c.Args)-1)
	if !ok {
		return
	}
	keys := c.Args[1 : len(c.Args)-1]
	for _, key := range keys {
		e, ok := c.lookupWrite(key, keyspace.TypeList)
		if !ok {
			return
		}
		if e == nil || asList(e).Len() == 0 {
			continue
		}
		servePop(c, key, asList(e), head)
		return
	}
	if c.Env.InExec(c) {
		c.W.NullArray()
		return
	}
	c.Env.Block(c, keys, deadline, false, func(c *Ctx, key []byte) bool {
		e := c.DB.LookupWrite(key)
		if e == nil || e.Type() != keyspace.TypeList || asList(e).Len() == 0 {
			return false
		}
		servePop(c, key, asList(e), head)
		return true
	})
}

// servePop pops one element of l, the non-empty list at key, for BLPOP and
// BRPOP, replies [key, element] and propagates LPOP or RPOP.
func servePop(c *Ctx, key []byte, l *list.List, head bool) {
	var buf [64]byte
	v, _ := l.Pop(buf[:0], head)
	c.W.Array(2)
	c.W.Bulk(key)
	c.W.Bulk(v)
	c.Rewrite(popArg(head), key)
	listRemoved(c, key, l, 1)
}

// blockingPop is BLMPOP after its arguments were parsed; the timeout is at
// argument timeoutIdx.
func blockingPop(c *Ctx, keys [][]byte, head bool, count int64, timeoutIdx int) {
	deadline, ok := blockDeadline(c, timeoutIdx)
	if !ok {
		return
	}
	served, ok := mpopFirst(c, keys, head, count)
	if !ok || served {
		return
	}
	if c.Env.InExec(c) {
		c.W.NullArray()
		return
	}
	c.Env.Block(c, keys, deadline, false, func(c *Ctx, key []byte) bool {
		e := c.DB.LookupWrite(key)
		if e == nil || e.Type() != keyspace.TypeList || asList(e).Len() == 0 {
			return false
		}
		mpopList(c, key, asList(e), head, count)
		return true
	})
}

func cmdBLMove(c *Ctx) {
	from, ok := listEnd(c, 3)
	if !ok {
		return
	}
	to, ok := listEnd(c, 4)
	if !ok {
		return
	}
	deadline, ok := blockDeadline(c, 5)
	if ok {
		blmoveGeneric(c, from, to, deadline)
	}
}

// blmoveGeneric is BLMOVE and BRPOPLPUSH (whose arguments stop at the
// destination) once the ends and the timeout are parsed.
func blmoveGeneric(c *Ctx, from, to bool, deadline time.Time) {
	src, dst := c.Args[1], c.Args[2]
	e, ok := c.lookupWrite(src, keyspace.TypeList)
	if !ok {
		return
	}
	rpoplpush := len(c.Args) == 4
	if e != nil {
		if !moveElement(c, asList(e), src, dst, from, to) {
			return
		}
		c.Dirty(1)
		if rpoplpush {
			c.Rewrite(argRPOPLPUSH, src, dst)
		} else {
			c.Rewrite(argLMOVE, src, dst, c.Args[3], c.Args[4])
		}
		return
	}
	if c.Env.InExec(c) {
		c.W.Null()
		return
	}
	dst = copyBytes(dst)
	// Redis 7.0 answers a timed-out BLMOVE with a null array, like the
	// other blocking list commands, though MULTI gets a null bulk above.
	c.Env.Block(c, [][]byte{src}, deadline, false, func(c *Ctx, key []byte) bool {
		e := c.DB.LookupWrite(key)
		if e == nil || e.Type() != keyspace.TypeList || asList(e).Len() == 0 {
			return false
		}
		if !moveElement(c, asList(e), key, dst, from, to) {
			return true // WRONGTYPE for the destination ends the wait
		}
		c.Dirty(1)
		if rpoplpush {
			c.Rewrite(argRPOPLPUSH, key, dst)
		} else {
			c.Rewrite(argLMOVE, key, dst, endArg(from), endArg(to))
		}
		return true
	})
}
