package zset

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// model is the reference a ZSet is checked against: a slice of pairs kept
// sorted by (score, member).
type model struct{ ps []pair }

func (m *model) find(member string) int {
	for i, p := range m.ps {
		if p.member == member {
			return i
		}
	}
	return -1
}

func (m *model) add(member string, score float64, flags AddFlags) (float64, AddResult) {
	if i := m.find(member); i >= 0 {
		s, res := update(m.ps[i].score, score, flags)
		if res == Updated {
			m.ps = slices.Delete(m.ps, i, i+1)
			m.insert(member, s)
		}
		return s, res
	}
	if flags&AddXX != 0 {
		return 0, Nop
	}
	m.insert(member, score)
	return score, Added
}

func (m *model) insert(member string, score float64) {
	i := 0
	for i < len(m.ps) && before(&node{member: m.ps[i].member, score: m.ps[i].score}, score, member) {
		i++
	}
	m.ps = slices.Insert(m.ps, i, pair{member, score})
}

// window returns the indexes lo..hi of m.ps selected by offset, limit and
// direction, as ZRANGEBYSCORE … LIMIT does.
func window(lo, hi int, rev bool, offset, limit int) []int {
	var idx []int
	if offset < 0 {
		return nil
	}
	for i := lo; i <= hi; i++ {
		idx = append(idx, i)
	}
	if rev {
		slices.Reverse(idx)
	}
	if offset >= len(idx) {
		return nil
	}
	idx = idx[offset:]
	if limit >= 0 && limit < len(idx) {
		idx = idx[:limit]
	}
	return idx
}

func (m *model) bounds(in func(p pair) bool) (lo, hi int) {
	lo, hi = -1, -2
	for i, p := range m.ps {
		if in(p) {
			if lo < 0 {
				lo = i
			}
			hi = i
		}
	}
	return lo, hi
}

// source yields the numbers that drive a run: random or from fuzz input.
type source interface{ intn(n int) int }

type randSource struct{ r *rand.Rand }

func (s randSource) intn(n int) int { return s.r.IntN(n) }

type byteSource struct{ b []byte }

func (s *byteSource) intn(n int) int {
	if len(s.b) == 0 {
		return 0
	}
	v := int(s.b[0])
	s.b = s.b[1:]
	return v % n
}

var testScores = []float64{0, 1, 1, 2, 2.5, -1, -3.25, 0.1, 1e20, math.Inf(1), math.Inf(-1), 7, 100, -100, 1 << 62, 1<<62 + 4096}

type runner struct {
	t     testing.TB
	src   source
	z     *ZSet
	m     model
	lim   Limits
	lex   bool // all scores are 0 so that lex ranges are meaningful
	trace []string
	// members is the size of the member space; every is how often (in
	// steps) the whole set is verified.
	members, every, steps int
}

func (r *runner) member() string {
	switch r.src.intn(10) {
	case 0:
		return fmt.Sprint(r.src.intn(200) - 100) // integer-looking members
	case 1:
		return strings.Repeat("L", 60+r.src.intn(10)) // around the value limit
	case 2:
		return ""
	}
	return fmt.Sprintf("m%02d", r.src.intn(r.members))
}

func (r *runner) score() float64 {
	if r.lex {
		return 0
	}
	return testScores[r.src.intn(len(testScores))]
}

func (r *runner) scoreRange() ScoreRange {
	a, b := r.score(), r.score()
	if r.src.intn(4) > 0 && a > b {
		a, b = b, a
	}
	return ScoreRange{Min: a, Max: b, MinEx: r.src.intn(3) == 0, MaxEx: r.src.intn(3) == 0}
}

func (r *runner) lexEnd() ([]byte, uint8, bool) {
	switch r.src.intn(8) {
	case 0:
		return nil, lexMinusInf, true
	case 1:
		return nil, lexPlusInf, true
	}
	return []byte(r.member()), lexValue, r.src.intn(2) == 0
}

func (r *runner) lexRange() LexRange {
	var lr LexRange
	lr.Min, lr.minKind, lr.MinEx = r.lexEnd()
	lr.Max, lr.maxKind, lr.MaxEx = r.lexEnd()
	return lr
}

func (r *runner) fail(format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("%s\nafter: %s", fmt.Sprintf(format, args...), strings.Join(r.trace, "; "))
}

type got struct {
	m string
	s float64
}

func collect(f func(fn func([]byte, float64) bool)) []got {
	var out []got
	f(func(m []byte, s float64) bool {
		out = append(out, got{string(m), s})
		return true
	})
	return out
}

func (r *runner) pick(idx []int) []got {
	out := []got{}
	for _, i := range idx {
		out = append(out, got{r.m.ps[i].member, r.m.ps[i].score})
	}
	return out
}

func (r *runner) same(what string, a, b []got) {
	r.t.Helper()
	if len(a) == 0 && len(b) == 0 {
		return
	}
	if !slices.Equal(a, b) {
		r.fail("%s: got %v, want %v", what, a, b)
	}
}

func (r *runner) step() {
	r.t.Helper()
	z, m := r.z, &r.m
	n := len(m.ps)
	switch op := r.src.intn(17); op {
	case 0, 1, 2, 3:
		mem, sc := r.member(), r.score()
		flags := AddFlags(r.src.intn(32))
		if flags&AddNX != 0 {
			flags &^= AddXX | AddGT | AddLT
		}
		if flags&AddGT != 0 {
			flags &^= AddLT
		}
		r.trace = append(r.trace, fmt.Sprintf("add %q %v %b", mem, sc, flags))
		gs, gr := z.Add([]byte(mem), sc, flags, r.lim)
		ws, wr := m.add(mem, sc, flags)
		if gr != wr || (gr != Nop && gr != NaN && gs != ws) {
			r.fail("add %q %v %b: got %v %v, want %v %v", mem, sc, flags, gs, gr, ws, wr)
		}
	case 4:
		mem := r.member()
		r.trace = append(r.trace, "del "+mem)
		i := m.find(mem)
		if i >= 0 {
			m.ps = slices.Delete(m.ps, i, i+1)
		}
		if got := z.Delete([]byte(mem)); got != (i >= 0) {
			r.fail("delete %q: got %v", mem, got)
		}
	case 5:
		mem, rev := r.member(), r.src.intn(2) == 0
		want, ok := m.find(mem), m.find(mem) >= 0
		if rev && ok {
			want = n - 1 - want
		}
		if g, gok := z.Rank([]byte(mem), rev); gok != ok || (ok && g != want) {
			r.fail("rank %q rev=%v: got %d %v, want %d %v", mem, rev, g, gok, want, ok)
		}
		if s, sok := z.Score([]byte(mem)); sok != ok || (ok && s != m.ps[m.find(mem)].score) {
			r.fail("score %q: got %v %v", mem, s, sok)
		}
	case 6:
		if n == 0 {
			return
		}
		a, b, rev := r.src.intn(n), r.src.intn(n), r.src.intn(2) == 0
		a, b = min(a, b), max(a, b)
		idx := window(a, b, false, 0, -1)
		if rev {
			idx = window(n-1-b, n-1-a, true, 0, -1)
		}
		r.same(fmt.Sprintf("range %d %d rev=%v", a, b, rev),
			collect(func(fn func([]byte, float64) bool) { z.RangeByRank(a, b, rev, fn) }), r.pick(idx))
	case 7:
		sr, rev := r.scoreRange(), r.src.intn(2) == 0
		off, lim := r.src.intn(6)-1, r.src.intn(8)-2
		lo, hi := m.bounds(func(p pair) bool { return sr.Contains(p.score) })
		r.same(fmt.Sprintf("rangebyscore %+v rev=%v %d %d", sr, rev, off, lim),
			collect(func(fn func([]byte, float64) bool) { z.RangeByScore(&sr, rev, off, lim, fn) }),
			r.pick(window(lo, hi, rev, off, lim)))
		if c := z.CountByScore(&sr); c != len(window(lo, hi, false, 0, -1)) {
			r.fail("count %+v: got %d", sr, c)
		}
	case 8:
		if !r.lex {
			return
		}
		lr, rev := r.lexRange(), r.src.intn(2) == 0
		off, lim := r.src.intn(6)-1, r.src.intn(8)-2
		lo, hi := m.bounds(func(p pair) bool { return lr.Contains([]byte(p.member)) })
		r.same(fmt.Sprintf("rangebylex %+v rev=%v %d %d", lr, rev, off, lim),
			collect(func(fn func([]byte, float64) bool) { z.RangeByLex(&lr, rev, off, lim, fn) }),
			r.pick(window(lo, hi, rev, off, lim)))
		if c := z.CountByLex(&lr); c != len(window(lo, hi, false, 0, -1)) {
			r.fail("lexcount %+v: got %d", lr, c)
		}
	case 9:
		if n == 0 {
			return
		}
		a, b := r.src.intn(n), r.src.intn(n)
		a, b = min(a, b), max(a, b)
		if r.members > 100 {
			b = a // let big sets stay big
		}
		r.trace = append(r.trace, fmt.Sprintf("delrank %d %d", a, b))
		m.ps = slices.Delete(m.ps, a, b+1)
		if got := z.DeleteRangeByRank(a, b); got != b-a+1 {
			r.fail("delete ranks %d %d: got %d", a, b, got)
		}
	case 10:
		if r.members > 100 && r.src.intn(250) > 0 {
			return
		}
		sr := r.scoreRange()
		r.trace = append(r.trace, fmt.Sprintf("delscore %+v", sr))
		before := len(m.ps)
		m.ps = slices.DeleteFunc(m.ps, func(p pair) bool { return sr.Contains(p.score) })
		if got := z.DeleteRangeByScore(&sr); got != before-len(m.ps) {
			r.fail("delete by score %+v: got %d, want %d", sr, got, before-len(m.ps))
		}
	case 11:
		if !r.lex || (r.members > 100 && r.src.intn(250) > 0) {
			return
		}
		lr := r.lexRange()
		r.trace = append(r.trace, fmt.Sprintf("dellex %+v", lr))
		before := len(m.ps)
		m.ps = slices.DeleteFunc(m.ps, func(p pair) bool { return lr.Contains([]byte(p.member)) })
		if got := z.DeleteRangeByLex(&lr); got != before-len(m.ps) {
			r.fail("delete by lex %+v: got %d, want %d", lr, got, before-len(m.ps))
		}
	case 12:
		if r.members > 100 && r.src.intn(5) > 0 {
			return
		}
		max, count := r.src.intn(2) == 0, r.src.intn(5)
		r.trace = append(r.trace, fmt.Sprintf("pop %v %d", max, count))
		c := min(count, n)
		var idx []int
		if max {
			idx = window(n-c, n-1, true, 0, -1)
		} else {
			idx = window(0, c-1, false, 0, -1)
		}
		want := r.pick(idx)
		var gotPairs []got
		k := z.Pop(max, count, func(m []byte, s float64) { gotPairs = append(gotPairs, got{string(m), s}) })
		if max {
			m.ps = m.ps[:n-c]
		} else {
			m.ps = m.ps[c:]
		}
		if k != c {
			r.fail("pop returned %d, want %d", k, c)
		}
		r.same("pop", gotPairs, want)
	case 13:
		if n == 0 {
			return
		}
		i := r.src.intn(n)
		if mem, s := z.At(i); string(mem) != m.ps[i].member || s != m.ps[i].score {
			r.fail("at %d: got %q %v", i, mem, s)
		}
	case 14:
		r.same("reverse", collect(z.EachReverse), r.pick(window(0, n-1, true, 0, -1)))
		var scanned []got
		cur := uint64(0)
		for {
			cur = z.Scan(cur, func(m []byte, s float64) { scanned = append(scanned, got{string(m), s}) })
			if cur == 0 {
				break
			}
		}
		slices.SortFunc(scanned, func(a, b got) int { return strings.Compare(a.m, b.m) })
		want := r.pick(window(0, n-1, false, 0, -1))
		slices.SortFunc(want, func(a, b got) int { return strings.Compare(a.m, b.m) })
		r.same("scan", scanned, want)
	case 15:
		c := z.Clone().(*ZSet)
		if c.Encoding() != z.Encoding() {
			r.fail("clone changed the encoding")
		}
		r.z = c
	case 16:
		b := NewBuilder(n)
		for _, p := range m.ps {
			b.Add([]byte(p.member), p.score)
		}
		if n == 0 {
			return
		}
		nz, err := b.Build(r.lim)
		if err != nil {
			r.fail("build: %v", err)
		}
		r.z = nz
	}
	if r.steps++; r.steps%r.every == 0 {
		r.verify()
	}
}

// verify compares the whole set with the model and checks the invariants.
func (r *runner) verify() {
	r.t.Helper()
	z := r.z
	if err := z.check(); err != nil {
		r.fail("invariant: %v", err)
	}
	if z.Len() != len(r.m.ps) {
		r.fail("len %d, want %d", z.Len(), len(r.m.ps))
	}
	r.same("contents", collect(z.Each), r.pick(window(0, len(r.m.ps)-1, false, 0, -1)))
	// The encoding only ever grows, and only past the limits.
	if z.IsListpack() {
		if z.Len() > r.lim.MaxListpackEntries {
			r.fail("listpack with %d members", z.Len())
		}
		z.Each(func(m []byte, _ float64) bool {
			if len(m) > r.lim.MaxListpackValue {
				r.fail("listpack holds a member of %d bytes", len(m))
			}
			return true
		})
	}
}

var testLimits = []Limits{{128, 64}, {8, 16}, {3, 62}, {0, 0}, {1000, 1000}}

func runModel(t testing.TB, src source, steps, members, every int) {
	lim := testLimits[src.intn(len(testLimits))]
	r := &runner{t: t, src: src, z: New(), lim: lim, lex: src.intn(3) == 0, members: members, every: every}
	maxLen := 0
	for range steps {
		r.step()
		maxLen = max(maxLen, len(r.m.ps))
		if len(r.trace) > 40 {
			r.trace = r.trace[len(r.trace)-40:]
		}
	}
	if tt, ok := t.(*testing.T); ok && testing.Verbose() {
		tt.Logf("limits %v lex %v: up to %d members", lim, r.lex, maxLen)
	}
}

func TestModel(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 0))
	runs := 200
	if testing.Short() {
		runs = 40
	}
	for i := range runs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			runModel(t, randSource{rnd}, 400, 40, 1)
		})
	}
}

// TestModelLarge grows sets of thousands of members, so that the skiplist
// gets many levels and the member index resizes both ways while members
// come and go.
func TestModelLarge(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 1))
	steps := 20000
	if testing.Short() {
		steps = 3000
	}
	for i := range 2 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			runModel(t, randSource{rnd}, steps, 4000, 997)
		})
	}
}

func FuzzModel(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add(bytes.Repeat([]byte{3, 7, 1, 200, 9, 4}, 50))
	f.Fuzz(func(t *testing.T, b []byte) {
		runModel(t, &byteSource{b}, len(b)/3+1, 40, 1)
	})
}
