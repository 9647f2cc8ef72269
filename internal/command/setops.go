package command

import (
	"slices"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/resp"
	"github.com/vestadb/vesta/internal/types/set"
)

// Set algebra: SINTER, SINTERCARD, SUNION, SDIFF and the STORE forms.

const (
	opUnion = iota
	opDiff
)

// lookupSets looks up every key (for reading, as Redis does even for the
// STORE forms) and returns the sets, nil for missing keys. It replies
// WRONGTYPE and returns ok false if a key holds another type.
func lookupSets(c *Ctx, keys [][]byte) ([]*set.Set, bool) {
	sets := make([]*set.Set, len(keys))
	for i, k := range keys {
		e := c.DB.Lookup(k)
		if e == nil {
			continue
		}
		if e.Type() != keyspace.TypeSet {
			c.Error(ErrWrongType)
			return nil, false
		}
		sets[i] = e.Obj().(*set.Set)
	}
	return sets, true
}

// storeSet stores result at dst (replacing any value and TTL) when it is
// not empty, or deletes dst, and replies with the result's size. Redis
// counts a change only when something was stored or deleted.
func storeSet(c *Ctx, dst []byte, result *set.Set) {
	if result.Len() > 0 {
		c.DB.SetObject(dst, result, false)
		c.Changed(dst)
		c.Notify(NotifySet, c.Spec.Name, dst)
		c.W.Int(int64(result.Len()))
		return
	}
	c.W.Int(0)
	if c.DB.LookupWrite(dst) != nil {
		c.DB.Unlink(dst)
		c.Changed(dst)
		c.Notify(NotifyGeneric, "del", dst)
	}
}

// sinterGeneric serves SMEMBERS, SINTER, SINTERSTORE (dst set) and
// SINTERCARD (cardOnly, with limit 0 meaning none).
func sinterGeneric(c *Ctx, keys [][]byte, dst []byte, cardOnly bool, limit int64) {
	sets, ok := lookupSets(c, keys)
	if !ok {
		return
	}
	if slices.Contains(sets, nil) {
		switch {
		case dst != nil:
			c.W.Int(0)
			if c.DB.LookupWrite(dst) != nil {
				c.DB.Unlink(dst)
				c.Changed(dst)
				c.Notify(NotifyGeneric, "del", dst)
			}
		case cardOnly:
			c.W.Int(0)
		default:
			c.W.Set(0)
		}
		return
	}
	// Smallest first; a stable sort keeps the key order among equals.
	slices.SortStableFunc(sets, func(a, b *set.Set) int { return a.Len() - b.Len() })
	var result *set.Set
	var d resp.Deferred
	if dst != nil {
		result = set.NewIntset()
	} else if !cardOnly {
		d = c.W.Defer()
	}
	limitEntries := maxIntset(c)
	card := int64(0)
	sets[0].Each(func(m []byte) bool {
		for _, other := range sets[1:] {
			if other != sets[0] && !other.Has(m) {
				return true
			}
		}
		card++
		switch {
		case cardOnly:
			return limit == 0 || card < limit
		case dst != nil:
			result.Add(m, limitEntries)
		default:
			c.W.Bulk(m)
		}
		return true
	})
	switch {
	case cardOnly:
		c.W.Int(card)
	case dst != nil:
		storeSet(c, dst, result)
	default:
		c.W.SetAt(d, int(card))
	}
}

func cmdSInterCard(c *Ctx) {
	numKeys, ok := ParseInt(c.Args[1])
	if !ok || numKeys <= 0 {
		c.Error(ErrNumKeys)
		return
	}
	if numKeys > int64(len(c.Args)-2) {
		c.Error(ErrNumKeysOverArgs)
		return
	}
	var limit int64
	for i := 2 + int(numKeys); i < len(c.Args); i++ {
		if eq(c.Args[i], "LIMIT") && i+1 < len(c.Args) {
			i++
			l, ok := ParseInt(c.Args[i])
			if !ok || l < 0 {
				c.Error(ErrNegativeLimit)
				return
			}
			limit = l
			continue
		}
		c.SyntaxError()
		return
	}
	sinterGeneric(c, c.Args[2:2+numKeys], nil, true, limit)
}

// buildSet computes the union or difference of sets (nil entries are empty
// sets) into a new set that starts as an intset, as Redis builds it.
func buildSet(c *Ctx, sets []*set.Set, op int) *set.Set {
	result := set.NewIntset()
	limit := maxIntset(c)
	if op == opUnion {
		for _, s := range sets {
			if s == nil {
				continue
			}
			s.Each(func(m []byte) bool {
				result.Add(m, limit)
				return true
			})
		}
		return result
	}
	first := sets[0]
	if first == nil || slices.Contains(sets[1:], first) {
		return result // a set minus itself is empty
	}
	// Redis chooses between two algorithms by estimated work, and the
	// choice shows in the result's encoding (the second one adds all of
	// the first set before removing), so Vesta makes the same choice.
	work1, work2 := 0, 0
	for _, s := range sets {
		if s != nil {
			work1 += first.Len()
			work2 += s.Len()
		}
	}
	if work1/2 <= work2 {
		// Test each member of the first set against the others, the
		// biggest first.
		others := slices.Clone(sets[1:])
		slices.SortStableFunc(others, func(a, b *set.Set) int { return setLen(b) - setLen(a) })
		first.Each(func(m []byte) bool {
			for _, other := range others {
				if other != nil && other.Has(m) {
					return true
				}
			}
			result.Add(m, limit)
			return true
		})
		return result
	}
	// Copy the first set, then remove the members of the others.
	first.Each(func(m []byte) bool {
		result.Add(m, limit)
		return true
	})
	for _, other := range sets[1:] {
		if result.Len() == 0 {
			break
		}
		if other == nil {
			continue
		}
		other.Each(func(m []byte) bool {
			result.Remove(m)
			return true
		})
	}
	return result
}

func setLen(s *set.Set) int {
	if s == nil {
		return 0
	}
	return s.Len()
}

// sunionDiffGeneric serves SUNION, SDIFF and their STORE forms.
func sunionDiffGeneric(c *Ctx, keys [][]byte, dst []byte, op int) {
	sets, ok := lookupSets(c, keys)
	if !ok {
		return
	}
	result := buildSet(c, sets, op)
	if dst != nil {
		storeSet(c, dst, result)
		return
	}
	replySetMembers(c, result)
}
