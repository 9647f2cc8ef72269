package command

import (
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/list"
)

// Moving elements between lists (LMOVE, RPOPLPUSH) and popping from the
// first non-empty of several lists (LMPOP). The blocking variants share
// these functions.

var (
	argLPOP      = []byte("LPOP")
	argRPOP      = []byte("RPOP")
	argLMOVE     = []byte("LMOVE")
	argRPOPLPUSH = []byte("RPOPLPUSH")
	argLeft      = []byte("left")
	argRight     = []byte("right")
)

func registerListMoves(t *Table) {
	t.Define("lmove", cmdLMove)
	t.Define("rpoplpush", func(c *Ctx) { lmoveGeneric(c, false, true) })
	t.Define("lmpop", func(c *Ctx) { lmpopGeneric(c, 1, false) })
}

// listEnd parses LEFT or RIGHT (true for LEFT, the head), replying a syntax
// error for anything else.
func listEnd(c *Ctx, i int) (head, ok bool) {
	switch {
	case EqFold(c.Args[i], "LEFT"):
		return true, true
	case EqFold(c.Args[i], "RIGHT"):
		return false, true
	}
	c.SyntaxError()
	return false, false
}

func popArg(head bool) []byte {
	if head {
		return argLPOP
	}
	return argRPOP
}

func endArg(head bool) []byte {
	if head {
		return argLeft
	}
	return argRight
}

func cmdLMove(c *Ctx) {
	from, ok := listEnd(c, 3)
	if !ok {
		return
	}
	to, ok := listEnd(c, 4)
	if !ok {
		return
	}
	lmoveGeneric(c, from, to)
}

// lmoveGeneric is LMOVE from one end of c.Args[1] to an end of c.Args[2].
// Its caller already knows the source exists unless it is LMOVE itself.
func lmoveGeneric(c *Ctx, from, to bool) {
	src, dst := c.Args[1], c.Args[2]
	e, ok := c.lookupWrite(src, keyspace.TypeList)
	if !ok {
		return
	}
	if e == nil {
		c.W.Null()
		return
	}
	if moveElement(c, asList(e), src, dst, from, to) {
		c.Dirty(1)
	}
}

// moveElement pops an element of l (the list at src) from one end and
// pushes it at an end of the list at dst, creating it if needed, and replies
// with the element. It replies WRONGTYPE and reports false when dst holds
// another type.
func moveElement(c *Ctx, l *list.List, src, dst []byte, from, to bool) bool {
	de, ok := c.lookupWrite(dst, keyspace.TypeList)
	if !ok {
		return false
	}
	var buf [64]byte
	v, _ := l.Pop(buf[:0], from)
	var dl *list.List
	if de == nil {
		dl = newList(c)
		c.DB.Add(dst, dl)
	} else {
		dl = asList(de)
	}
	c.DB.Signal(dst)
	dl.Push(v, to)
	c.Notify(NotifyList, pushEvent(to), dst)
	c.W.Bulk(v)
	c.Notify(NotifyList, popEvent(from), src)
	if l.Len() == 0 {
		c.DB.Unlink(src)
		c.Notify(NotifyGeneric, "del", src)
	}
	c.DB.Signal(src)
	return true
}

// popEvent and pushEvent name the keyspace events of popping and pushing
// at the head (true) or the tail.
func popEvent(head bool) string {
	if head {
		return "lpop"
	}
	return "rpop"
}

func pushEvent(head bool) string {
	if head {
		return "lpush"
	}
	return "rpush"
}

// lmpopGeneric is LMPOP (block false) and BLMPOP: numkeys at argument
// numkeysIdx, then the keys, LEFT|RIGHT and an optional COUNT.
func lmpopGeneric(c *Ctx, numkeysIdx int, block bool) {
	numkeys, ok := c.rangeArg(numkeysIdx, 1, ErrNumkeys)
	if !ok {
		return
	}
	if numkeys >= int64(len(c.Args)-numkeysIdx-1) {
		c.SyntaxError()
		return
	}
	whereIdx := numkeysIdx + int(numkeys) + 1
	head, ok := listEnd(c, whereIdx)
	if !ok {
		return
	}
	count := int64(-1)
	for j := whereIdx + 1; j < len(c.Args); j++ {
		if count == -1 && EqFold(c.Args[j], "COUNT") && j+1 < len(c.Args) {
			j++
			if count, ok = c.rangeArg(j, 1, ErrCountPositive); !ok {
				return
			}
			continue
		}
		c.SyntaxError()
		return
	}
	count = max(count, 1)
	keys := c.Args[numkeysIdx+1 : whereIdx]
	if block {
		blockingPop(c, keys, head, count, 1)
		return
	}
	if served, ok := mpopFirst(c, keys, head, count); ok && !served {
		c.W.NullArray()
	}
}

// mpopFirst pops up to count elements from the first non-empty list among
// keys, replying [key, [elements]] and propagating [LR]POP key n. It
// reports whether it served, and false in ok after replying WRONGTYPE.
func mpopFirst(c *Ctx, keys [][]byte, head bool, count int64) (served, ok bool) {
	for _, key := range keys {
		e, ok := c.lookupWrite(key, keyspace.TypeList)
		if !ok {
			return false, false
		}
		if e == nil || asList(e).Len() == 0 {
			continue
		}
		mpopList(c, key, asList(e), head, count)
		return true, true
	}
	return false, true
}

// mpopList pops up to count elements of l (the list at key) for LMPOP and
// BLMPOP.
func mpopList(c *Ctx, key []byte, l *list.List, head bool, count int64) {
	n := int(min(count, int64(l.Len())))
	c.W.Array(2)
	c.W.Bulk(key)
	popRange(c, l, head, n)
	c.Rewrite(popArg(head), key, itob(int64(n)))
	listRemoved(c, key, l, n, popEvent(head))
}
