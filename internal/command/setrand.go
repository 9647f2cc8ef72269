package command

import (
	"github.com/vestadb/vesta/internal/types/set"
)

// spopMoveFactor is Redis's SPOP_MOVE_STRATEGY_MUL: when fewer than
// count/5 members would remain, SPOP builds a new set from the survivors
// instead of removing the popped members one by one.
const spopMoveFactor = 5

func cmdSPop(c *Ctx) {
	if len(c.Args) == 3 {
		spopCount(c)
		return
	}
	if len(c.Args) > 3 {
		c.SyntaxError()
		return
	}
	key := c.Args[1]
	s, ok := writeSet(c, key)
	if !ok {
		return
	}
	if s == nil {
		c.W.Null()
		return
	}
	var member []byte
	s.Random(c.KS.Rand, func(m []byte) { member = append([]byte(nil), m...) })
	s.Remove(member)
	c.Rewrite(argSREM, key, member)
	c.W.Bulk(member)
	c.Notify(NotifySet, "spop", key)
	if s.Len() == 0 {
		c.DB.Unlink(key)
		c.Notify(NotifyGeneric, "del", key)
	}
	c.Changed(key)
}

// spopCount is SPOP with a count. Popped members are propagated as one
// SREM each (the server wraps them in MULTI/EXEC), or as DEL when the whole
// set goes. Each popped member counts as one change.
func spopCount(c *Ctx) {
	n, ok := ParseInt(c.Args[2])
	if !ok || n < 0 {
		c.Error(ErrNegativeLen)
		return
	}
	key := c.Args[1]
	s, ok := writeSet(c, key)
	if !ok {
		return
	}
	if s == nil || n == 0 {
		c.W.Set(0)
		return
	}
	count := uint64(n)
	size := uint64(s.Len())
	c.Notify(NotifySet, "spop", key)
	if count >= size {
		// Redis replies with the union of the one set, which has the
		// member order of a freshly built set (sorted when it fits an
		// intset).
		replySetMembers(c, buildSet(c, []*set.Set{s}, opUnion))
		c.DB.Unlink(key)
		c.Notify(NotifyGeneric, "del", key)
		c.Rewrite(argDEL, key)
		c.DB.Signal(key)
		c.Dirty(int(size))
		return
	}
	c.NoPropagate()
	c.W.Set(int(count))
	db := c.DB.ID
	emit := func(m []byte) {
		c.W.Bulk(m)
		c.Env.AlsoPropagate(db, [][]byte{argSREM, key, m})
	}
	remaining := size - count
	if remaining*spopMoveFactor > count {
		var m []byte
		for i := uint64(0); i < count; i++ {
			s.Random(c.KS.Rand, func(x []byte) { m = append(m[:0], x...) })
			s.Remove(m)
			emit(m)
		}
	} else {
		// Move the survivors to a new set, then reply with what is left
		// of the old one, as Redis does; the new set starts from the
		// encoding its first survivor calls for.
		var survivor *set.Set
		limit := maxIntset(c)
		var m []byte
		for i := uint64(0); i < remaining; i++ {
			s.Random(c.KS.Rand, func(x []byte) { m = append(m[:0], x...) })
			if survivor == nil {
				survivor = set.New(m)
			}
			survivor.Add(m, limit)
			s.Remove(m)
		}
		s.Each(func(x []byte) bool {
			emit(x)
			return true
		})
		c.DB.SetObject(key, survivor, true)
	}
	c.DB.Signal(key)
	c.Dirty(int(count))
}

// replySetMembers replies with every member of s as a set.
func replySetMembers(c *Ctx, s *set.Set) {
	c.W.Set(s.Len())
	s.Each(func(m []byte) bool {
		c.W.Bulk(m)
		return true
	})
}

// srandSample is the chunk in which SRANDMEMBER with a negative count draws
// members.
const srandSample = 1000

func cmdSRandMember(c *Ctx) {
	if len(c.Args) > 3 {
		c.SyntaxError()
		return
	}
	if len(c.Args) == 2 {
		s, ok := readSet(c, c.Args[1])
		if !ok {
			return
		}
		if s == nil {
			c.W.Null()
			return
		}
		s.Random(c.KS.Rand, func(m []byte) { c.W.Bulk(m) })
		return
	}
	n, ok := randCount(c, 2)
	if !ok {
		return
	}
	s, ok := readSet(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil || n == 0 {
		c.W.Array(0)
		return
	}
	emit := func(m []byte) { c.W.Bulk(m) }
	if n < 0 {
		count := -n
		if randReplyTooLarge(c, count) {
			return
		}
		c.W.Array(int(count))
		for count > 0 {
			batch := min(count, srandSample)
			count -= batch
			s.Sample(int(batch), c.KS.Rand, emit)
		}
		return
	}
	size := int64(s.Len())
	if n >= size {
		c.W.Array(int(size))
		s.Each(func(m []byte) bool {
			emit(m)
			return true
		})
		return
	}
	c.W.Array(int(n))
	s.SampleUnique(int(n), c.KS.Rand, emit)
}

// randReplyTooLarge refuses a negative count (repeats allowed) whose reply
// could not be built: Redis 7.0.15 tries, and SRANDMEMBER s
// -9223372036854775807 gets it killed for lack of memory. Vesta refuses
// replies of more elements than a quarter of proto-max-bulk-len (an element
// takes at least four bytes), documented in docs/COMPATIBILITY.md.
func randReplyTooLarge(c *Ctx, count int64) bool {
	if count > c.Env.Limits().ProtoMaxBulkLen/4 {
		c.Error(ErrRandTooLarge)
		return true
	}
	return false
}
