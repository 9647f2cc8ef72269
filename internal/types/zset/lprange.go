package zset

// Range queries on a listpack set follow Redis's zzl* functions step by
// step rather than computing the bounds of a range: the first member "in
// range" is the first one at or above the lower end, provided it is also at
// or below the upper end, and a walk then continues while members stay
// under the upper end, skipping any offset without checking it. With
// monotonic data (any score range, or a lex range over equal scores) this
// is the same as taking every member in range; with a lex range over mixed
// scores, which Redis leaves unspecified, it still gives Redis's answer.
// (A skiplist answers such ranges by descending through random levels, so
// there Redis itself has no stable answer to match.)

// rangeSpec is a score or lex range as the listpack walks test it.
type rangeSpec interface {
	empty() bool
	gte(member []byte, score float64) bool // at or above the lower end
	lte(member []byte, score float64) bool // at or below the upper end
}

type scoreSpec struct{ r *ScoreRange }

func (s scoreSpec) empty() bool                      { return s.r.Empty() }
func (s scoreSpec) gte(_ []byte, score float64) bool { return s.r.gteMin(score) }
func (s scoreSpec) lte(_ []byte, score float64) bool { return s.r.lteMax(score) }

type lexSpec struct{ r *LexRange }

func (s lexSpec) empty() bool                  { return s.r.Empty() }
func (s lexSpec) gte(m []byte, _ float64) bool { return s.r.gteMin(m) }
func (s lexSpec) lte(m []byte, _ float64) bool { return s.r.lteMax(m) }

// lpPair decodes the pair whose member entry is at p.
func (z *ZSet) lpPair(p int, buf *[20]byte) ([]byte, float64) {
	return lpMember(z.lp, p, buf), z.lp.ZsetScore(z.lp.Next(p))
}

// lpNextPair and lpPrevPair move between member entries; -1 past the ends.
func (z *ZSet) lpNextPair(p int) int { return z.lp.Next(z.lp.Next(p)) }

func (z *ZSet) lpPrevPair(p int) int {
	if p = z.lp.Prev(p); p >= 0 {
		p = z.lp.Prev(p)
	}
	return p
}

// lpInRange is Redis's zzlIsInRange check: false when the range is empty,
// the last member is below it or the first is above it.
func (z *ZSet) lpInRange(r rangeSpec, buf *[20]byte) bool {
	first := z.lp.First()
	if r.empty() || first < 0 {
		return false
	}
	if m, s := z.lpPair(z.lp.Prev(z.lp.Last()), buf); !r.gte(m, s) {
		return false
	}
	m, s := z.lpPair(first, buf)
	return r.lte(m, s)
}

// lpFirstIn returns the position of the first member in range, or -1.
func (z *ZSet) lpFirstIn(r rangeSpec, buf *[20]byte) int {
	if !z.lpInRange(r, buf) {
		return -1
	}
	for p := z.lp.First(); p >= 0; p = z.lpNextPair(p) {
		if m, s := z.lpPair(p, buf); r.gte(m, s) {
			if r.lte(m, s) {
				return p
			}
			return -1
		}
	}
	return -1
}

// lpLastIn returns the position of the last member in range, or -1.
func (z *ZSet) lpLastIn(r rangeSpec, buf *[20]byte) int {
	if !z.lpInRange(r, buf) {
		return -1
	}
	for p := z.lp.Prev(z.lp.Last()); p >= 0; p = z.lpPrevPair(p) {
		if m, s := z.lpPair(p, buf); r.lte(m, s) {
			if r.gte(m, s) {
				return p
			}
			return -1
		}
	}
	return -1
}

// lpRange emits a range like ZRANGEBYSCORE/ZRANGEBYLEX with LIMIT does.
func (z *ZSet) lpRange(r rangeSpec, rev bool, offset, limit int, fn func([]byte, float64) bool) {
	var buf [20]byte
	if offset < 0 {
		return // Redis skips every member for a negative offset
	}
	p, step, inRange := z.lpFirstIn(r, &buf), z.lpNextPair, r.lte
	if rev {
		p, step, inRange = z.lpLastIn(r, &buf), z.lpPrevPair, r.gte
	}
	for ; p >= 0 && offset > 0; offset-- {
		p = step(p)
	}
	for ; p >= 0 && limit != 0; limit-- {
		m, s := z.lpPair(p, &buf)
		if !inRange(m, s) || !fn(m, s) {
			return
		}
		p = step(p)
	}
}

// lpRun returns the position of the first member in range and how many
// members from there stay under the upper end: what ZCOUNT counts and
// ZREMRANGEBYSCORE removes.
func (z *ZSet) lpRun(r rangeSpec) (p, n int) {
	var buf [20]byte
	p = z.lpFirstIn(r, &buf)
	for q := p; q >= 0; q = z.lpNextPair(q) {
		if m, s := z.lpPair(q, &buf); !r.lte(m, s) {
			break
		}
		n++
	}
	return p, n
}

// lpDeleteRun removes the members lpRun finds and returns how many.
func (z *ZSet) lpDeleteRun(r rangeSpec) int {
	p, n := z.lpRun(r)
	if n > 0 {
		z.lp, _ = z.lp.DeleteN(p, 2*n)
	}
	return n
}
