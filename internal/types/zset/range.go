package zset

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/vestadb/vesta/internal/listpack"
)

// Callbacks receive members as slices that are only valid during the call
// and must not be modified.

// lpMember returns the member entry at p as bytes, formatting an integer
// entry into buf.
func lpMember(lp listpack.Listpack, p int, buf *[20]byte) []byte {
	s, n, isInt := lp.Get(p)
	if isInt {
		return strconv.AppendInt(buf[:0], n, 10)
	}
	return s
}

// eachListpack calls fn for each pair of a listpack set, in order.
func (z *ZSet) eachListpack(fn func(member []byte, score float64) bool) {
	var buf [20]byte
	for p := z.lp.First(); p >= 0; {
		sp := z.lp.Next(p)
		if !fn(lpMember(z.lp, p, &buf), z.lp.ZsetScore(sp)) {
			return
		}
		p = z.lp.Next(sp)
	}
}

// Each calls fn for each member from the lowest score, until fn returns
// false.
func (z *ZSet) Each(fn func(member []byte, score float64) bool) {
	if z.sl == nil {
		z.eachListpack(fn)
		return
	}
	for x := z.sl.first(); x != nil; x = x.next(0) {
		if !fn(bytesOf(x.member), x.score) {
			return
		}
	}
}

// EachReverse calls fn for each member from the highest score, until fn
// returns false (the order in which Redis writes ZSET_2 records).
func (z *ZSet) EachReverse(fn func(member []byte, score float64) bool) {
	z.byIndex(z.Len()-1, z.Len(), true, fn)
}

// byIndex calls fn for count members starting at 0-based index from (in
// ascending order) and moving up, or down if rev, until fn returns false.
// The members must exist.
func (z *ZSet) byIndex(from, count int, rev bool, fn func(member []byte, score float64) bool) {
	if count <= 0 {
		return
	}
	if z.sl != nil {
		visit := func(x *node) bool { return fn(bytesOf(x.member), x.score) }
		if rev {
			z.sl.walkRev(from+1, count, visit)
		} else {
			z.sl.walk(from+1, count, visit)
		}
		return
	}
	var buf [20]byte
	lp := z.lp
	p := lp.Seek(2 * from)
	for ; count > 0 && p >= 0; count-- {
		sp := lp.Next(p)
		if !fn(lpMember(lp, p, &buf), lp.ZsetScore(sp)) {
			return
		}
		if rev {
			p = z.lpPrevPair(p)
		} else {
			p = lp.Next(sp)
		}
	}
}

// At returns the member of 0-based rank i (from the lowest score).
func (z *ZSet) At(i int) (member []byte, score float64) {
	z.byIndex(i, 1, false, func(m []byte, s float64) bool {
		member, score = append([]byte(nil), m...), s
		return false
	})
	return member, score
}

// RangeByRank calls fn for the members of 0-based ranks start..end, which
// must satisfy 0 <= start <= end < Len; ranks count from the highest score
// if rev. It stops early if fn returns false.
func (z *ZSet) RangeByRank(start, end int, rev bool, fn func(member []byte, score float64) bool) {
	from := start
	if rev {
		from = z.Len() - 1 - start
	}
	z.byIndex(from, end-start+1, rev, fn)
}

// window emits, from the members of ascending indexes lo..hi, those after
// the first offset (counted from hi if rev), at most limit of them (limit
// < 0: no limit), like ZRANGEBYSCORE's LIMIT. A negative offset emits
// nothing, as in Redis.
func (z *ZSet) window(lo, hi int, rev bool, offset, limit int, fn func([]byte, float64) bool) {
	n := hi - lo + 1 - offset
	if offset < 0 || n <= 0 || limit == 0 {
		return
	}
	if limit > 0 && limit < n {
		n = limit
	}
	if rev {
		z.byIndex(hi-offset, n, true, fn)
	} else {
		z.byIndex(lo+offset, n, false, fn)
	}
}

// RangeByScore calls fn for the members whose score is in r, from the
// lowest score (the highest if rev), skipping the first offset of them and
// stopping after limit (limit < 0: no limit) or when fn returns false.
func (z *ZSet) RangeByScore(r *ScoreRange, rev bool, offset, limit int, fn func(member []byte, score float64) bool) {
	if z.sl == nil {
		z.lpRange(scoreSpec{r}, rev, offset, limit, fn)
		return
	}
	lo, hi := z.sl.scoreBounds(r)
	z.window(lo-1, hi-1, rev, offset, limit, fn)
}

// RangeByLex is RangeByScore for a lex range; it assumes, as Redis does,
// that all members have the same score (see lprange.go for what happens
// when they do not).
func (z *ZSet) RangeByLex(r *LexRange, rev bool, offset, limit int, fn func(member []byte, score float64) bool) {
	if z.sl == nil {
		z.lpRange(lexSpec{r}, rev, offset, limit, fn)
		return
	}
	lo, hi := z.sl.lexBounds(r)
	z.window(lo-1, hi-1, rev, offset, limit, fn)
}

// CountByScore returns how many members have a score in r.
func (z *ZSet) CountByScore(r *ScoreRange) int {
	if z.sl == nil {
		_, n := z.lpRun(scoreSpec{r})
		return n
	}
	lo, hi := z.sl.scoreBounds(r)
	return max(hi-lo+1, 0)
}

// CountByLex returns how many members are in the lex range r.
func (z *ZSet) CountByLex(r *LexRange) int {
	if z.sl == nil {
		_, n := z.lpRun(lexSpec{r})
		return n
	}
	lo, hi := z.sl.lexBounds(r)
	return max(hi-lo+1, 0)
}

// DeleteRangeByRank removes the members of 0-based ranks start..end
// (0 <= start <= end < Len) and returns how many it removed.
func (z *ZSet) DeleteRangeByRank(start, end int) int {
	if start > end {
		return 0
	}
	if z.sl != nil {
		return z.sl.deleteRanks(start+1, end+1)
	}
	n := end - start + 1
	z.lp = z.lp.DeleteRange(2*start, 2*n)
	return n
}

// DeleteRangeByScore removes the members whose score is in r and returns
// how many it removed.
func (z *ZSet) DeleteRangeByScore(r *ScoreRange) int {
	if z.sl == nil {
		return z.lpDeleteRun(scoreSpec{r})
	}
	lo, hi := z.sl.scoreBounds(r)
	return z.sl.deleteRanks(lo, hi)
}

// DeleteRangeByLex removes the members in the lex range r and returns how
// many it removed.
func (z *ZSet) DeleteRangeByLex(r *LexRange) int {
	if z.sl == nil {
		return z.lpDeleteRun(lexSpec{r})
	}
	lo, hi := z.sl.lexBounds(r)
	return z.sl.deleteRanks(lo, hi)
}

// Pop removes up to count members from the lowest end (the highest if max),
// calling fn for each before it is removed, and returns how many it removed.
func (z *ZSet) Pop(max bool, count int, fn func(member []byte, score float64)) int {
	count = min(count, z.Len())
	if count <= 0 {
		return 0
	}
	if z.sl == nil {
		from := 0
		if max {
			from = z.Len() - 1
		}
		z.byIndex(from, count, max, func(m []byte, s float64) bool {
			fn(m, s)
			return true
		})
		if max {
			z.lp = z.lp.DeleteRange(-2*count, 2*count)
		} else {
			z.lp = z.lp.DeleteRange(0, 2*count)
		}
		return count
	}
	for range count {
		x := z.sl.first()
		if max {
			x = z.sl.tail
		}
		fn(bytesOf(x.member), x.score)
		z.sl.remove(x)
	}
	return count
}

// Scan calls fn for some members and returns the cursor to continue from,
// 0 when done, like ZSCAN. A listpack set returns everything at once; a
// skiplist set visits the buckets of its member index that cursor
// designates, with Redis's guarantee that a member present during the whole
// scan is returned at least once.
func (z *ZSet) Scan(cursor uint64, fn func(member []byte, score float64)) uint64 {
	if z.sl == nil {
		z.eachListpack(func(m []byte, s float64) bool {
			fn(m, s)
			return true
		})
		return 0
	}
	return z.sl.dict.scan(cursor, func(x *node) { fn(bytesOf(x.member), x.score) })
}

// sortPairs orders pairs by score, then by member bytes.
func sortPairs(ps []pair) {
	slices.SortFunc(ps, func(a, b pair) int {
		if c := cmp.Compare(a.score, b.score); c != 0 {
			return c
		}
		return strings.Compare(a.member, b.member)
	})
}
