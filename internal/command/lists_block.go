package command

import (
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
		deadline, ok := c.blockDeadline(3)
		if ok {
			blmoveGeneric(c, false, true, deadline)
		}
	})
}

func blpopGeneric(c *Ctx, head bool) {
	deadline, ok := c.blockDeadline(len(c.Args) - 1)
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
	listRemoved(c, key, l, 1, popEvent(head))
}

// blockingPop is BLMPOP after its arguments were parsed; the timeout is at
// argument timeoutIdx.
func blockingPop(c *Ctx, keys [][]byte, head bool, count int64, timeoutIdx int) {
	deadline, ok := c.blockDeadline(timeoutIdx)
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
	deadline, ok := c.blockDeadline(5)
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
