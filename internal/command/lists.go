package command

import (
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/list"
)

// List commands: pushes, pops, reads by position, edits in place, LPOS.
// Moves between lists are in lists_move.go, blocking pops in
// lists_block.go. Every reply, error and dirty count follows Redis 7.0.15.

func registerLists(t *Table) {
	t.Define("lpush", func(c *Ctx) { pushGeneric(c, true, false) })
	t.Define("rpush", func(c *Ctx) { pushGeneric(c, false, false) })
	t.Define("lpushx", func(c *Ctx) { pushGeneric(c, true, true) })
	t.Define("rpushx", func(c *Ctx) { pushGeneric(c, false, true) })
	t.Define("lpop", func(c *Ctx) { popGeneric(c, true) })
	t.Define("rpop", func(c *Ctx) { popGeneric(c, false) })
	t.Define("llen", cmdLLen)
	t.Define("lrange", cmdLRange)
	t.Define("lindex", cmdLIndex)
	t.Define("lset", cmdLSet)
	t.Define("linsert", cmdLInsert)
	t.Define("lrem", cmdLRem)
	t.Define("ltrim", cmdLTrim)
	t.Define("lpos", cmdLPos)
	registerListMoves(t)
	registerListBlocking(t)
}

// newList returns an empty list with the configured node fill and
// compress depth.
func newList(c *Ctx) *list.List {
	lim := c.Env.Limits()
	return list.New(lim.ListMaxListpackSize, lim.ListCompressDepth)
}

// asList returns the list of an entry known to hold one.
func asList(e *keyspace.Entry) *list.List { return e.Obj().(*list.List) }

// writeListRange replies with n elements of l from index start, towards the
// head when reverse is set.
func writeListRange(c *Ctx, l *list.List, start, n int, reverse bool) {
	c.W.Array(n)
	it := l.Iter(start, reverse)
	for ; n > 0 && it.Next(); n-- {
		writeListEntry(c, &it)
	}
}

func writeListEntry(c *Ctx, it *list.Iterator) {
	s, v, isInt := it.Entry()
	if isInt {
		c.W.BulkInt(v)
	} else {
		c.W.Bulk(s)
	}
}

// listRemoved finishes a command that took n elements out of key's list:
// it raises event, deletes the key when the list is empty (raising "del"),
// signals the key and counts n changes.
func listRemoved(c *Ctx, key []byte, l *list.List, n int, event string) {
	c.Notify(NotifyList, event, key)
	if l.Len() == 0 {
		c.DB.Unlink(key)
		c.Notify(NotifyGeneric, "del", key)
	}
	c.DB.Signal(key)
	c.Dirty(n)
}

func pushGeneric(c *Ctx, head, onlyExisting bool) {
	key := c.Args[1]
	e, ok := c.lookupWrite(key, keyspace.TypeList)
	if !ok {
		return
	}
	var l *list.List
	if e == nil {
		if onlyExisting {
			c.W.Int(0)
			return
		}
		l = newList(c)
		c.DB.Add(key, l)
	} else {
		l = asList(e)
	}
	for _, v := range c.Args[2:] {
		l.Push(v, head)
	}
	c.W.Int(int64(l.Len()))
	c.DB.Signal(key)
	c.Notify(NotifyList, pushEvent(head), key)
	c.Dirty(len(c.Args) - 2)
}

// positiveArg parses argument i as a non-negative integer, replying msg for
// anything else (Redis's getPositiveLongFromObjectOrReply).
func (c *Ctx) positiveArg(i int, msg string) (int64, bool) {
	return c.rangeArg(i, 0, msg)
}

// rangeArg parses argument i as an integer of at least lo, replying msg when
// it is not one (Redis's getRangeLongFromObjectOrReply up to LONG_MAX).
func (c *Ctx) rangeArg(i int, lo int64, msg string) (int64, bool) {
	n, ok := ParseInt(c.Args[i])
	if !ok || n < lo {
		c.Error(msg)
		return 0, false
	}
	return n, true
}

func popGeneric(c *Ctx, head bool) {
	if len(c.Args) > 3 {
		c.Error("ERR wrong number of arguments for '" + c.Spec.Name + "' command")
		return
	}
	hasCount := len(c.Args) == 3
	var count int64
	if hasCount {
		var ok bool
		if count, ok = c.positiveArg(2, ErrNegativeLen); !ok {
			return
		}
	}
	key := c.Args[1]
	e, ok := c.lookupWrite(key, keyspace.TypeList)
	if !ok {
		return
	}
	if e == nil {
		if hasCount {
			c.W.NullArray()
		} else {
			c.W.Null()
		}
		return
	}
	l := asList(e)
	if !hasCount {
		var buf [64]byte
		v, _ := l.Pop(buf[:0], head)
		c.W.Bulk(v)
		listRemoved(c, key, l, 1, popEvent(head))
		return
	}
	if count == 0 {
		c.W.Array(0)
		return
	}
	n := int(min(count, int64(l.Len())))
	popRange(c, l, head, n)
	listRemoved(c, key, l, n, popEvent(head))
}

// popRange replies with the n elements at one end of l, in the order they
// are popped, and removes them.
func popRange(c *Ctx, l *list.List, head bool, n int) {
	if head {
		writeListRange(c, l, 0, n, false)
		l.DeleteRange(0, n)
	} else {
		writeListRange(c, l, -1, n, true)
		l.DeleteRange(-n, n)
	}
}

func cmdLLen(c *Ctx) {
	e, ok := c.lookupRead(c.Args[1], keyspace.TypeList)
	if !ok {
		return
	}
	if e == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(asList(e).Len()))
}

func cmdLRange(c *Ctx) {
	start, ok := c.intArg(2)
	if !ok {
		return
	}
	end, ok := c.intArg(3)
	if !ok {
		return
	}
	e, ok := c.lookupRead(c.Args[1], keyspace.TypeList)
	if !ok {
		return
	}
	if e == nil {
		c.W.Array(0)
		return
	}
	l := asList(e)
	n := int64(l.Len())
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start = max(start, 0)
	if start > end || start >= n {
		c.W.Array(0)
		return
	}
	end = min(end, n-1)
	writeListRange(c, l, int(start), int(end-start+1), false)
}

func cmdLIndex(c *Ctx) {
	e, ok := c.lookupRead(c.Args[1], keyspace.TypeList)
	if !ok {
		return
	}
	if e == nil {
		c.W.Null()
		return
	}
	idx, ok := c.intArg(2)
	if !ok {
		return
	}
	l := asList(e)
	if idx < -int64(l.Len()) || idx >= int64(l.Len()) {
		c.W.Null()
		return
	}
	it := l.Iter(int(idx), false)
	it.Next()
	writeListEntry(c, &it)
}

func cmdLSet(c *Ctx) {
	key := c.Args[1]
	e, ok := c.lookupWrite(key, keyspace.TypeList)
	if !ok {
		return
	}
	if e == nil {
		c.Error(ErrNoSuchKey)
		return
	}
	idx, ok := c.intArg(2)
	if !ok {
		return
	}
	l := asList(e)
	if idx < -int64(l.Len()) || idx >= int64(l.Len()) || !l.Set(int(idx), c.Args[3]) {
		c.Error(ErrIndexRange)
		return
	}
	c.W.OK()
	c.Changed(key)
	c.Notify(NotifyList, "lset", key)
}

func cmdLInsert(c *Ctx) {
	var after bool
	switch {
	case EqFold(c.Args[2], "AFTER"):
		after = true
	case EqFold(c.Args[2], "BEFORE"):
	default:
		c.SyntaxError()
		return
	}
	key := c.Args[1]
	e, ok := c.lookupWrite(key, keyspace.TypeList)
	if !ok {
		return
	}
	if e == nil {
		c.W.Int(0)
		return
	}
	l := asList(e)
	if !l.Insert(c.Args[3], c.Args[4], after) {
		c.W.Int(-1)
		return
	}
	c.Changed(key)
	c.Notify(NotifyList, "linsert", key)
	c.W.Int(int64(l.Len()))
}

func cmdLRem(c *Ctx) {
	count, ok := c.intArg(2)
	if !ok {
		return
	}
	key := c.Args[1]
	e, ok := c.lookupWrite(key, keyspace.TypeList)
	if !ok {
		return
	}
	if e == nil {
		c.W.Int(0)
		return
	}
	l := asList(e)
	removed := l.Remove(c.Args[3], count)
	if removed > 0 {
		c.DB.Signal(key)
		c.Dirty(removed)
		c.Notify(NotifyList, "lrem", key)
	}
	if l.Len() == 0 {
		c.DB.Unlink(key)
		c.Notify(NotifyGeneric, "del", key)
	}
	c.W.Int(int64(removed))
}

func cmdLTrim(c *Ctx) {
	start, ok := c.intArg(2)
	if !ok {
		return
	}
	end, ok := c.intArg(3)
	if !ok {
		return
	}
	key := c.Args[1]
	e, ok := c.lookupWrite(key, keyspace.TypeList)
	if !ok {
		return
	}
	if e == nil {
		c.W.OK()
		return
	}
	l := asList(e)
	n := int64(l.Len())
	// Clamp before converting so that huge indexes behave as in Redis.
	start, end = max(start, -n-1), min(end, n)
	removed := l.Trim(int(start), int(end))
	listRemoved(c, key, l, removed, "ltrim")
	c.W.OK()
}

func cmdLPos(c *Ctx) {
	rank, count, maxlen := int64(1), int64(-1), int64(0)
	for j := 3; j < len(c.Args); j++ {
		more := j+1 < len(c.Args)
		var ok bool
		switch {
		case more && EqFold(c.Args[j], "RANK"):
			j++
			if rank, ok = c.intArg(j); !ok {
				return
			}
			if rank == 0 {
				c.Error(ErrRankZero)
				return
			}
		case more && EqFold(c.Args[j], "COUNT"):
			j++
			if count, ok = c.positiveArg(j, ErrCountNegative); !ok {
				return
			}
		case more && EqFold(c.Args[j], "MAXLEN"):
			j++
			if maxlen, ok = c.positiveArg(j, ErrMaxlenNegative); !ok {
				return
			}
		default:
			c.SyntaxError()
			return
		}
	}
	reverse := rank < 0
	if reverse {
		rank = -rank // math.MinInt64 stays negative, as in Redis
	}
	e, ok := c.lookupRead(c.Args[1], keyspace.TypeList)
	if !ok {
		return
	}
	if e == nil {
		if count != -1 {
			c.W.Array(0)
		} else {
			c.W.Null()
		}
		return
	}
	l := asList(e)
	var d = c.W.Defer()
	matches, found, listed := int64(0), -1, 0
	l.Positions(c.Args[2], reverse, int(min(maxlen, int64(l.Len()))), func(idx int) bool {
		matches++
		if matches < rank {
			return true
		}
		if count == -1 {
			found = idx
			return false
		}
		listed++
		c.W.Int(int64(idx))
		// The subtraction wraps for rank math.MinInt64 exactly as in Redis.
		return count == 0 || matches-rank+1 < count
	})
	switch {
	case count != -1:
		c.W.ArrayAt(d, listed)
	case found >= 0:
		c.W.Int(int64(found))
	default:
		c.W.Null()
	}
}
