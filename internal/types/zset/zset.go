package zset

import (
	"errors"
	"math"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/listpack"
)

// Limits are the thresholds of the compact encoding
// (zset-max-listpack-entries and zset-max-listpack-value).
type Limits struct {
	MaxListpackEntries int
	MaxListpackValue   int
}

// listpackSafeSize is the size past which a listpack may not grow
// (Redis's LISTPACK_MAX_SAFETY_SIZE, checked by lpSafeToAdd).
const listpackSafeSize = 1 << 30

// ZSet is a sorted set in one of Redis's two encodings: a listpack of
// member, score pairs while it is small, a skiplist with a member index once
// it is not. See the package documentation.
type ZSet struct {
	lp listpack.Listpack // the compact encoding; nil once sl is set
	sl *skiplist
}

var (
	_ keyspace.Object    = (*ZSet)(nil)
	_ keyspace.ZSetValue = (*ZSet)(nil)
)

// New returns an empty sorted set in the listpack encoding. A key must not
// hold an empty sorted set: callers add to it at once.
func New() *ZSet { return &ZSet{lp: listpack.New()} }

// NewSized returns an empty set for n members to come: a skiplist if n is
// more than lim allows in a listpack, else a listpack. (ZRANGESTORE by rank
// creates its result this way, so a -0 among the first members keeps its
// sign only when the result is big from the start.)
func NewSized(n int, lim Limits) *ZSet {
	if n > lim.MaxListpackEntries {
		return &ZSet{sl: newSkiplist(n)}
	}
	return New()
}

// Type implements keyspace.Object.
func (z *ZSet) Type() keyspace.Type { return keyspace.TypeZSet }

// Encoding is "listpack" or "skiplist", as OBJECT ENCODING reports it.
func (z *ZSet) Encoding() string {
	if z.sl != nil {
		return "skiplist"
	}
	return "listpack"
}

// IsListpack reports whether the compact encoding is in use.
func (z *ZSet) IsListpack() bool { return z.sl == nil }

// Listpack returns the listpack blob (member, score, member, score …,
// ascending) and true when the compact encoding is in use. The slice aliases
// the set and is valid until its next change.
func (z *ZSet) Listpack() ([]byte, bool) {
	if z.sl != nil {
		return nil, false
	}
	return z.lp.Bytes(), true
}

// Len is the number of members.
func (z *ZSet) Len() int {
	if z.sl != nil {
		return z.sl.length
	}
	return z.lp.Len() / 2
}

// Clone returns a deep copy in the same encoding.
func (z *ZSet) Clone() keyspace.Object {
	if z.sl == nil {
		return &ZSet{lp: z.lp.Clone()}
	}
	sl := newSkiplist(z.sl.length)
	a := newAppender(sl)
	for x := z.sl.first(); x != nil; x = x.next(0) {
		a.add(x.member, x.score)
	}
	a.finish()
	return &ZSet{sl: sl}
}

// Score returns member's score.
func (z *ZSet) Score(member []byte) (float64, bool) {
	if z.sl != nil {
		if x := z.sl.dict.find(member); x != nil {
			return x.score, true
		}
		return 0, false
	}
	p, score := z.lp.ZsetFind(member)
	return score, p >= 0
}

// AddFlags are ZADD's options.
type AddFlags uint8

// The options of Add.
const (
	AddNX   AddFlags = 1 << iota // only add new members
	AddXX                        // only update existing members
	AddGT                        // only update to a greater score
	AddLT                        // only update to a lower score
	AddIncr                      // add the score to the current one
)

// AddResult says what Add did.
type AddResult uint8

// The results of Add.
const (
	Nop     AddResult = iota // nothing changed (NX, XX, GT, LT, or same score)
	Added                    // a new member was added
	Updated                  // an existing member's score changed
	NaN                      // the score would be NaN; nothing changed
	// Kept means the member exists and its score was left as it is although
	// no option prevented the update: the new score equals the old one.
	// ZADD INCR replies with the score in that case, not with nil.
	Kept
)

// Add sets member's score the way Redis's zsetAdd does, honouring flags
// (which must not combine NX with XX, GT or LT), and returns the member's
// score afterwards (only meaningful for Added, Updated and Kept). A listpack
// set converts to a skiplist before it would exceed lim; it never converts
// back. member is copied.
func (z *ZSet) Add(member []byte, score float64, flags AddFlags, lim Limits) (float64, AddResult) {
	if math.IsNaN(score) {
		return 0, NaN
	}
	if z.sl == nil {
		p, cur := z.lp.ZsetFind(member)
		if p >= 0 {
			score, res := update(cur, score, flags)
			if res == Updated {
				z.lp, _ = z.lp.DeleteN(p, 2)
				z.lp = z.lp.ZsetInsert(member, score)
			}
			return score, res
		}
		if flags&AddXX != 0 {
			return 0, Nop
		}
		if z.Len()+1 <= lim.MaxListpackEntries && len(member) <= lim.MaxListpackValue &&
			len(z.lp)+len(member) <= listpackSafeSize {
			z.lp = z.lp.ZsetInsert(member, score)
			return score, Added
		}
		z.convert(z.Len() + 1)
	}
	if x := z.sl.dict.find(member); x != nil {
		score, res := update(x.score, score, flags)
		if res == Updated {
			z.sl.setScore(x, score)
		}
		return score, res
	}
	if flags&AddXX != 0 {
		return 0, Nop
	}
	z.sl.insert(string(member), score)
	return score, Added
}

// update decides what Add does to an existing member whose score is cur.
func update(cur, score float64, flags AddFlags) (float64, AddResult) {
	if flags&AddNX != 0 {
		return cur, Nop
	}
	if flags&AddIncr != 0 {
		score += cur
		if math.IsNaN(score) {
			return 0, NaN
		}
	}
	if (flags&AddLT != 0 && score >= cur) || (flags&AddGT != 0 && score <= cur) {
		return cur, Nop
	}
	if score == cur {
		return score, Kept
	}
	return score, Updated
}

// convert switches a listpack set to the skiplist encoding, sizing the
// member index for sizeHint members.
func (z *ZSet) convert(sizeHint int) {
	sl := newSkiplist(sizeHint)
	a := newAppender(sl)
	z.eachListpack(func(member []byte, score float64) bool {
		a.add(string(member), score)
		return true
	})
	a.finish()
	z.lp, z.sl = nil, sl
}

// Delete removes member and reports whether it was there.
func (z *ZSet) Delete(member []byte) bool {
	if z.sl == nil {
		var ok bool
		z.lp, ok = z.lp.ZsetDelete(member)
		return ok
	}
	x := z.sl.dict.find(member)
	if x == nil {
		return false
	}
	z.sl.remove(x)
	return true
}

// Rank returns member's 0-based rank from the lowest score, or from the
// highest if rev.
func (z *ZSet) Rank(member []byte, rev bool) (int, bool) {
	r := -1
	if z.sl != nil {
		if x := z.sl.dict.find(member); x != nil {
			r = z.sl.rank(x) - 1
		}
	} else {
		i := 0
		for p := z.lp.First(); p >= 0; p = z.lp.Next(z.lp.Next(p)) {
			if z.lp.Equal(p, member) {
				r = i
				break
			}
			i++
		}
	}
	if r < 0 {
		return 0, false
	}
	if rev {
		r = z.Len() - 1 - r
	}
	return r, true
}

// ErrCorrupt is returned for serialised sorted sets that Redis would refuse
// to load.
var ErrCorrupt = errors.New("zset: corrupt sorted set")

// FromListpack builds a set from a listpack blob of member, score pairs, as
// Redis's RDB loader does for ZSET_LISTPACK: the set keeps the blob (which
// it owns from then on) unless it has more members than lim allows, in which
// case it is converted. The blob must have passed listpack.Validate; this
// checks that it is a non-empty list of pairs with unique members.
func FromListpack(blob []byte, lim Limits) (*ZSet, error) {
	lp := listpack.FromBytes(blob)
	n := lp.Len()
	if n == 0 || n%2 != 0 {
		return nil, ErrCorrupt
	}
	if listpack.CheckUniqueFields(lp) != nil {
		return nil, ErrCorrupt
	}
	z := &ZSet{lp: lp.ShrinkToFit()}
	if n/2 > lim.MaxListpackEntries {
		z.convert(n / 2)
	}
	return z, nil
}

// Builder makes a sorted set from member, score pairs in any order, the way
// Redis's RDB loader and ZUNIONSTORE-like commands do: the pairs go to a
// skiplist, which becomes a listpack at the end if the result is within the
// limits (a -0 score then reads as 0, as in Redis).
type Builder struct {
	pairs []pair
	max   int // longest member
	total int // sum of member lengths
}

type pair struct {
	member string
	score  float64
}

// NewBuilder returns a builder expecting about n pairs.
func NewBuilder(n int) *Builder { return &Builder{pairs: make([]pair, 0, n)} }

// Add adds a pair; member is copied. NaN scores and duplicate members are
// reported by Build.
func (b *Builder) Add(member []byte, score float64) {
	b.pairs = append(b.pairs, pair{string(member), score})
	b.max = max(b.max, len(member))
	b.total += len(member)
}

// Len is the number of pairs added.
func (b *Builder) Len() int { return len(b.pairs) }

// Sorted calls fn for the pairs added so far in set order (ascending
// score, then member), until fn returns false. Unlike a built set it keeps
// -0 scores as given, as Redis's replies from a temporary skiplist do.
func (b *Builder) Sorted(fn func(member []byte, score float64) bool) {
	sortPairs(b.pairs)
	for _, p := range b.pairs {
		if !fn(bytesOf(p.member), p.score) {
			return
		}
	}
}

// Build returns the sorted set, or ErrCorrupt for an empty builder, a NaN
// score or a repeated member.
func (b *Builder) Build(lim Limits) (*ZSet, error) {
	if len(b.pairs) == 0 {
		return nil, ErrCorrupt
	}
	for _, p := range b.pairs {
		if math.IsNaN(p.score) {
			return nil, ErrCorrupt
		}
	}
	sortPairs(b.pairs)
	sl := newSkiplist(len(b.pairs))
	a := newAppender(sl)
	for _, p := range b.pairs {
		if !a.add(p.member, p.score) {
			return nil, ErrCorrupt
		}
	}
	a.finish()
	b.pairs = nil
	z := &ZSet{sl: sl}
	if sl.length <= lim.MaxListpackEntries && b.max <= lim.MaxListpackValue &&
		b.total <= listpackSafeSize {
		z.toListpack()
	}
	return z, nil
}

// toListpack switches a skiplist set to the listpack encoding.
func (z *ZSet) toListpack() {
	lp := listpack.New()
	var buf [32]byte
	for x := z.sl.first(); x != nil; x = x.next(0) {
		lp = lp.Append(bytesOf(x.member), listpack.AppendScore(buf[:0], x.score))
	}
	z.lp, z.sl = lp.ShrinkToFit(), nil
}
