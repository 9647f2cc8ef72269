package listpack

import (
	"bytes"
	"strconv"
)

// The sorted-set layout stores member1, score1, member2, score2, ... as
// consecutive entries in ascending score order, ties ordered by the member's
// bytes. Scores are stored as written by [AppendScore].

// ZsetFind returns the position of member's entry in a sorted-set layout and
// its score, or -1 if member is absent. The score entry is at lp.Next(pos).
func (lp Listpack) ZsetFind(member []byte) (int, float64) {
	p := lp.Find(member, 1)
	if p < 0 {
		return -1, 0
	}
	return p, lp.ZsetScore(lp.Next(p))
}

// ZsetScore decodes the score entry at pos.
func (lp Listpack) ZsetScore(pos int) float64 {
	s, n, isInt := lp.Get(pos)
	if isInt {
		return float64(n)
	}
	return parseScore(s)
}

// compareMember compares the string form of the entry at pos with member,
// as bytes.Compare does.
func (lp Listpack) compareMember(pos int, member []byte) int {
	s, n, isInt := lp.Get(pos)
	if isInt {
		var buf [20]byte
		return bytes.Compare(strconv.AppendInt(buf[:0], n, 10), member)
	}
	return bytes.Compare(s, member)
}

// ZsetInsert inserts member with score at its sorted place and returns the
// updated listpack. member must not already be present.
func (lp Listpack) ZsetInsert(member []byte, score float64) Listpack {
	var buf [32]byte
	text := AppendScore(buf[:0], score)
	for p := lp.First(); p >= 0; {
		sp := lp.Next(p)
		s := lp.ZsetScore(sp)
		if s > score || (s == score && lp.compareMember(p, member) > 0) {
			return lp.insertPair(p, member, text)
		}
		p = lp.Next(sp)
	}
	return lp.insertPair(len(lp)-1, member, text)
}

// ZsetAdd sets member's score like ZADD: a new member is inserted in order;
// an existing member whose score changes is removed and reinserted; an
// unchanged score leaves the listpack as it is. It returns the updated
// listpack, whether member was added, and whether an existing score changed.
func (lp Listpack) ZsetAdd(member []byte, score float64) (lp2 Listpack, added, changed bool) {
	p, cur := lp.ZsetFind(member)
	if p < 0 {
		return lp.ZsetInsert(member, score), true, false
	}
	if cur == score {
		return lp, false, false
	}
	lp, _ = lp.DeleteN(p, 2)
	return lp.ZsetInsert(member, score), false, true
}

// ZsetDelete removes member and its score. It returns the updated listpack
// and whether member was there.
func (lp Listpack) ZsetDelete(member []byte) (Listpack, bool) {
	p := lp.Find(member, 1)
	if p < 0 {
		return lp, false
	}
	lp, _ = lp.DeleteN(p, 2)
	return lp, true
}
