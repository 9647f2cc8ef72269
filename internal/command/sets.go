package command

import (
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/set"
)

// Set commands: membership, SPOP/SRANDMEMBER, SMOVE and SSCAN. The
// algebra (SINTER, SUNION, SDIFF and their STORE forms) is in setops.go.

func registerSets(t *Table) {
	t.Define("sadd", cmdSAdd)
	t.Define("srem", cmdSRem)
	t.Define("smembers", func(c *Ctx) { sinterGeneric(c, c.Args[1:], nil, false, 0) })
	t.Define("sismember", cmdSIsMember)
	t.Define("smismember", cmdSMIsMember)
	t.Define("scard", cmdSCard)
	t.Define("spop", cmdSPop)
	t.Define("srandmember", cmdSRandMember)
	t.Define("smove", cmdSMove)
	t.Define("sinter", func(c *Ctx) { sinterGeneric(c, c.Args[1:], nil, false, 0) })
	t.Define("sinterstore", func(c *Ctx) { sinterGeneric(c, c.Args[2:], c.Args[1], false, 0) })
	t.Define("sintercard", cmdSInterCard)
	t.Define("sunion", func(c *Ctx) { sunionDiffGeneric(c, c.Args[1:], nil, opUnion) })
	t.Define("sunionstore", func(c *Ctx) { sunionDiffGeneric(c, c.Args[2:], c.Args[1], opUnion) })
	t.Define("sdiff", func(c *Ctx) { sunionDiffGeneric(c, c.Args[1:], nil, opDiff) })
	t.Define("sdiffstore", func(c *Ctx) { sunionDiffGeneric(c, c.Args[2:], c.Args[1], opDiff) })
	t.Define("sscan", cmdSScan)
}

var argSREM = []byte("SREM")

// maxIntset is set-max-intset-entries.
func maxIntset(c *Ctx) int { return c.Env.Limits().SetMaxIntsetEntries }

// readSet returns key's set for reading: nil when absent, ok false after
// replying WRONGTYPE.
func readSet(c *Ctx, key []byte) (*set.Set, bool) {
	e, ok := c.lookupRead(key, keyspace.TypeSet)
	if !ok || e == nil {
		return nil, ok
	}
	return e.Obj().(*set.Set), true
}

// writeSet returns key's set for modification in place (nil when absent).
func writeSet(c *Ctx, key []byte) (*set.Set, bool) {
	e, ok := c.lookupWrite(key, keyspace.TypeSet)
	if !ok || e == nil {
		return nil, ok
	}
	return e.Obj().(*set.Set), true
}

func cmdSAdd(c *Ctx) {
	key := c.Args[1]
	s, ok := writeSet(c, key)
	if !ok {
		return
	}
	if s == nil {
		s = set.New(c.Args[2])
		c.DB.Add(key, s)
	}
	limit := maxIntset(c)
	added := 0
	for _, m := range c.Args[2:] {
		if s.Add(m, limit) {
			added++
		}
	}
	if added > 0 {
		c.DB.Signal(key)
		c.Dirty(added)
		c.Notify(NotifySet, "sadd", key)
	}
	c.W.Int(int64(added))
}

func cmdSRem(c *Ctx) {
	key := c.Args[1]
	s, ok := writeSet(c, key)
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	deleted, removed := 0, false
	for _, m := range c.Args[2:] {
		if s.Remove(m) {
			deleted++
			if s.Len() == 0 {
				c.DB.Unlink(key)
				removed = true
				break
			}
		}
	}
	if deleted > 0 {
		c.DB.Signal(key)
		c.Dirty(deleted)
		c.Notify(NotifySet, "srem", key)
		if removed {
			c.Notify(NotifyGeneric, "del", key)
		}
	}
	c.W.Int(int64(deleted))
}

func cmdSIsMember(c *Ctx) {
	s, ok := readSet(c, c.Args[1])
	if !ok {
		return
	}
	c.W.Int(b2i(s != nil && s.Has(c.Args[2])))
}

func cmdSMIsMember(c *Ctx) {
	s, ok := readSet(c, c.Args[1])
	if !ok {
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		c.W.Int(b2i(s != nil && s.Has(m)))
	}
}

func cmdSCard(c *Ctx) {
	s, ok := readSet(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(s.Len()))
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func cmdSMove(c *Ctx) {
	srcKey, dstKey, member := c.Args[1], c.Args[2], c.Args[3]
	srcEntry := c.DB.LookupWrite(srcKey)
	dstEntry := c.DB.LookupWrite(dstKey)
	if srcEntry == nil {
		c.W.Int(0)
		return
	}
	if srcEntry.Type() != keyspace.TypeSet || (dstEntry != nil && dstEntry.Type() != keyspace.TypeSet) {
		c.Error(ErrWrongType)
		return
	}
	src := srcEntry.Obj().(*set.Set)
	var dst *set.Set
	if dstEntry != nil {
		dst = dstEntry.Obj().(*set.Set)
	}
	if src == dst {
		c.W.Int(b2i(src.Has(member)))
		return
	}
	if !src.Remove(member) {
		c.W.Int(0)
		return
	}
	c.Notify(NotifySet, "srem", srcKey)
	if src.Len() == 0 {
		c.DB.Unlink(srcKey)
		c.Notify(NotifyGeneric, "del", srcKey)
	}
	if dst == nil {
		dst = set.New(member)
		c.DB.Add(dstKey, dst)
	}
	c.DB.Signal(srcKey)
	c.DB.Signal(dstKey)
	c.Dirty(1)
	if dst.Add(member, maxIntset(c)) {
		c.Dirty(1)
		c.Notify(NotifySet, "sadd", dstKey)
	}
	c.W.Int(1)
}

func cmdSScan(c *Ctx) {
	cursor, ok := scanCursor(c, 2)
	if !ok {
		return
	}
	s, ok := readSet(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil {
		emptyScan(c)
		return
	}
	collectionScan(c, cursor, 3, false, func(cur uint64, add func([]byte)) uint64 {
		return s.Scan(cur, func(m []byte) { add(m) })
	})
}
