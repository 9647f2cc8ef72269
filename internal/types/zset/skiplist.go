package zset

import (
	"math/rand/v2"
	"unsafe"
)

// skiplist is the big encoding: a skiplist ordered by (score, member) whose
// links carry spans, so that ranks are found in O(log n), plus a hash index
// from member to node. It follows Redis's zskiplist (Pugh's skiplist with
// P = 1/4, at most 32 levels, duplicate scores ordered by member bytes)
// except that nodes have no backward pointer: a reverse walk finds its
// nodes by rank, a chunk at a time (see walkRev), which saves 8 bytes per
// member and keeps three nodes in four in the 48-byte size class.
//
// Spans follow Redis's invariant: a link's span is the number of level-0
// steps it covers, and a link with no successor spans the nodes remaining
// after its node.
type skiplist struct {
	head   *node
	tail   *node
	length int
	level  int
	dict   dict
}

func newSkiplist(sizeHint int) *skiplist {
	return &skiplist{head: newNode(maxLevel, "", 0), level: 1, dict: newDict(sizeHint)}
}

// randomLevel returns a level between 1 and maxLevel, each level being a
// quarter as likely as the one below.
func randomLevel() int {
	level := 1
	for r := rand.Uint64(); r&3 == 0 && level < maxLevel; r >>= 2 {
		level++
	}
	return level
}

// before reports whether node n sorts before (score, member).
func before(n *node, score float64, member string) bool {
	return n.score < score || (n.score == score && n.member < member)
}

// path finds, for each level, the last node that sorts before (score,
// member), and the rank (1-based, the head being 0) of each of those nodes.
func (sl *skiplist) path(score float64, member string, update *[maxLevel]*node, rank *[maxLevel]int) {
	x, r := sl.head, 0
	for i := sl.level - 1; i >= 0; i-- {
		for y := x.next(i); y != nil && before(y, score, member); y = x.next(i) {
			r += x.span(i)
			x = y
		}
		update[i] = x
		if rank != nil {
			rank[i] = r
		}
	}
}

// insert adds a member that is not in the skiplist yet and returns its node.
func (sl *skiplist) insert(member string, score float64) *node {
	x := newNode(randomLevel(), member, score)
	sl.link(x)
	sl.dict.add(x)
	return x
}

// link puts node x, which is not in the list, at its place in the order.
func (sl *skiplist) link(x *node) {
	var update [maxLevel]*node
	var rank [maxLevel]int
	sl.path(x.score, x.member, &update, &rank)
	level := int(x.level)
	if level > sl.level {
		for i := sl.level; i < level; i++ {
			update[i] = sl.head
			rank[i] = 0
			sl.head.setSpan(i, sl.length)
		}
		sl.level = level
	}
	for i := 0; i < level; i++ {
		u := update[i]
		x.setNext(i, u.next(i))
		u.setNext(i, x)
		x.setSpan(i, u.span(i)-(rank[0]-rank[i]))
		u.setSpan(i, rank[0]-rank[i]+1)
	}
	for i := level; i < sl.level; i++ {
		update[i].setSpan(i, update[i].span(i)+1)
	}
	if x.next(0) == nil {
		sl.tail = x
	}
	sl.length++
}

// unlink takes node x out of the list; update holds, per level, the last
// node before x (as path returns it).
func (sl *skiplist) unlink(x *node, update *[maxLevel]*node) {
	for i := 0; i < sl.level; i++ {
		u := update[i]
		if u.next(i) == x {
			u.setSpan(i, u.span(i)+x.span(i)-1)
			u.setNext(i, x.next(i))
		} else {
			u.setSpan(i, u.span(i)-1)
		}
	}
	if sl.tail == x {
		sl.tail = update[0]
		if sl.tail == sl.head {
			sl.tail = nil
		}
	}
	for sl.level > 1 && sl.head.next(sl.level-1) == nil {
		sl.level--
	}
	sl.length--
}

// remove deletes node x from the list and the index.
func (sl *skiplist) remove(x *node) {
	var update [maxLevel]*node
	if x == sl.head.next(0) {
		for i := range sl.level {
			update[i] = sl.head
		}
	} else {
		sl.path(x.score, x.member, &update, nil)
	}
	sl.unlink(x, &update)
	sl.dict.unlink(x)
}

// setScore moves node x to a new score. Like Redis, it updates the score in
// place when the node keeps its position, else it relinks the same node.
func (sl *skiplist) setScore(x *node, score float64) {
	var update [maxLevel]*node
	sl.path(x.score, x.member, &update, nil)
	prev, next := update[0], x.next(0)
	if (prev == sl.head || before(prev, score, x.member)) &&
		(next == nil || !before(next, score, x.member)) {
		x.score = score
		return
	}
	sl.unlink(x, &update)
	x.score = score
	sl.link(x)
}

// rank returns the 1-based rank of node x.
func (sl *skiplist) rank(x *node) int {
	n, r := sl.head, 0
	for i := sl.level - 1; i >= 0; i-- {
		for y := n.next(i); y != nil && (before(y, x.score, x.member) || y == x); y = n.next(i) {
			r += n.span(i)
			n = y
		}
		if n == x {
			return r
		}
	}
	return 0
}

// byRank returns the node of 1-based rank r, or nil.
func (sl *skiplist) byRank(r int) *node {
	x, traversed := sl.head, 0
	for i := sl.level - 1; i >= 0; i-- {
		for y := x.next(i); y != nil && traversed+x.span(i) <= r; y = x.next(i) {
			traversed += x.span(i)
			x = y
		}
		if traversed == r {
			if x == sl.head {
				return nil
			}
			return x
		}
	}
	return nil
}

// first returns the lowest node, or nil.
func (sl *skiplist) first() *node { return sl.head.next(0) }

// firstWhere returns the first node, and its rank, for which out reports
// false, assuming out is true for a prefix of the order and false after it.
func (sl *skiplist) firstWhere(out func(*node) bool) (*node, int) {
	x, r := sl.head, 0
	for i := sl.level - 1; i >= 0; i-- {
		for y := x.next(i); y != nil && out(y); y = x.next(i) {
			r += x.span(i)
			x = y
		}
	}
	return x.next(0), r + 1
}

// lastWhere returns the last node, and its rank, for which in reports true,
// assuming in is true for a prefix of the order; nil if there is none.
func (sl *skiplist) lastWhere(in func(*node) bool) (*node, int) {
	x, r := sl.head, 0
	for i := sl.level - 1; i >= 0; i-- {
		for y := x.next(i); y != nil && in(y); y = x.next(i) {
			r += x.span(i)
			x = y
		}
	}
	if x == sl.head {
		return nil, 0
	}
	return x, r
}

// scoreBounds returns the ranks of the first and last nodes in r (1-based),
// with lo > hi when none is.
func (sl *skiplist) scoreBounds(r *ScoreRange) (lo, hi int) {
	if r.Empty() || sl.length == 0 || !r.gteMin(sl.tail.score) || !r.lteMax(sl.first().score) {
		return 1, 0
	}
	_, lo = sl.firstWhere(func(n *node) bool { return !r.gteMin(n.score) })
	_, hi = sl.lastWhere(func(n *node) bool { return r.lteMax(n.score) })
	return lo, hi
}

// lexBounds is scoreBounds for a lex range.
func (sl *skiplist) lexBounds(r *LexRange) (lo, hi int) {
	if r.Empty() || sl.length == 0 || !r.gteMin(bytesOf(sl.tail.member)) || !r.lteMax(bytesOf(sl.first().member)) {
		return 1, 0
	}
	_, lo = sl.firstWhere(func(n *node) bool { return !r.gteMin(bytesOf(n.member)) })
	_, hi = sl.lastWhere(func(n *node) bool { return r.lteMax(bytesOf(n.member)) })
	return lo, hi
}

// walk calls fn for count nodes from 1-based rank lo upwards, until fn
// returns false.
func (sl *skiplist) walk(lo, count int, fn func(*node) bool) {
	for x := sl.byRank(lo); x != nil && count > 0; x = x.next(0) {
		if !fn(x) {
			return
		}
		count--
	}
}

// revChunk is how many nodes walkRev collects per rank lookup.
const revChunk = 64

// walkRev calls fn for count nodes from 1-based rank hi downwards, until fn
// returns false. With no backward links it finds each chunk of revChunk
// nodes by rank and replays it in reverse: O(log n) per chunk.
func (sl *skiplist) walkRev(hi, count int, fn func(*node) bool) {
	var buf [revChunk]*node
	for count > 0 && hi > 0 {
		c := min(count, revChunk, hi)
		lo := hi - c + 1
		x := sl.byRank(lo)
		for j := 0; j < c; j++ {
			buf[j] = x
			x = x.next(0)
		}
		for j := c - 1; j >= 0; j-- {
			if !fn(buf[j]) {
				return
			}
		}
		hi, count = lo-1, count-c
	}
}

// deleteRanks removes the nodes of 1-based ranks lo..hi and returns how many
// it removed.
func (sl *skiplist) deleteRanks(lo, hi int) int {
	if lo > hi {
		return 0
	}
	var update [maxLevel]*node
	x, traversed := sl.head, 0
	for i := sl.level - 1; i >= 0; i-- {
		for y := x.next(i); y != nil && traversed+x.span(i) < lo; y = x.next(i) {
			traversed += x.span(i)
			x = y
		}
		update[i] = x
	}
	removed := 0
	for x = x.next(0); x != nil && lo+removed <= hi; removed++ {
		next := x.next(0)
		sl.unlink(x, &update)
		sl.dict.unlink(x)
		x = next
	}
	return removed
}

// bytesOf views a member string as bytes without copying; callers must not
// modify them.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// appender builds a skiplist from members given in ascending order, linking
// each at the tail without searching.
type appender struct {
	sl       *skiplist
	last     [maxLevel]*node
	lastRank [maxLevel]int
}

// newAppender starts building into the empty skiplist sl.
func newAppender(sl *skiplist) *appender {
	a := &appender{sl: sl}
	for i := range a.last {
		a.last[i] = sl.head
	}
	return a
}

// add appends a member that sorts after every member added so far. It
// returns false, adding nothing, if the member is already present.
func (a *appender) add(member string, score float64) bool {
	if a.sl.dict.find(bytesOf(member)) != nil {
		return false
	}
	sl := a.sl
	level := randomLevel()
	x := newNode(level, member, score)
	r := sl.length + 1
	for i := 0; i < level; i++ {
		a.last[i].setNext(i, x)
		a.last[i].setSpan(i, r-a.lastRank[i])
		a.last[i], a.lastRank[i] = x, r
	}
	sl.level = max(sl.level, level)
	sl.tail, sl.length = x, r
	sl.dict.add(x)
	return true
}

// finish sets the spans of the links that end the list.
func (a *appender) finish() {
	for i := 1; i < maxLevel; i++ {
		a.last[i].setSpan(i, a.sl.length-a.lastRank[i])
	}
}
