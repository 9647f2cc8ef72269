package compat

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
)

// GenFunc produces one command. It may consult and update the generator's
// state (the current database, TTLs handed out).
type GenFunc func(g *Gen) Cmd

// SeqFunc produces a sequence of steps that belong together: a
// transaction, a client blocking and the pushes that wake it.
type SeqFunc func(g *Gen) Script

type entry struct {
	name   string
	weight int
	fn     GenFunc
	seq    SeqFunc // instead of fn
}

var registry = map[string][]entry{}

// defaultFamilies are the families TestDifferential uses unless
// -compat.families says otherwise.
var defaultFamilies []string

// Register adds a command generator to a family. weight is its relative
// frequency within the family. Registering a family's first generator with
// inDefault adds the family to the default set. Call it from init.
func Register(family, name string, weight int, inDefault bool, fn GenFunc) {
	register(family, inDefault, entry{name: name, weight: weight, fn: fn})
}

// RegisterSeq adds a generator of step sequences to a family, like
// Register. A sequence is kept or dropped whole: when one of its commands
// would hit a known bug, the generator draws again.
func RegisterSeq(family, name string, weight int, inDefault bool, fn SeqFunc) {
	register(family, inDefault, entry{name: name, weight: weight, seq: fn})
}

func register(family string, inDefault bool, e entry) {
	if e.weight <= 0 {
		panic("compat: generator weight must be positive: " + e.name)
	}
	if _, ok := registry[family]; !ok && inDefault {
		defaultFamilies = append(defaultFamilies, family)
	}
	registry[family] = append(registry[family], e)
}

// Families returns the registered families, sorted.
func Families() []string {
	var out []string
	for f := range registry {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// DefaultFamilies returns the families used by default.
func DefaultFamilies() []string { return slices.Clone(defaultFamilies) }

// Gen is the state of one script's generation: a seeded source and what
// generators need to remember.
type Gen struct {
	R *rand.Rand
	// DB is the database the script's connection has selected.
	DB int
	// PastExpiry is set once the script may hold keys whose time to live
	// has passed but that were not deleted yet (SET ... EXAT <past>).
	// Commands with unpredictable side effects on them (RANDOMKEY and
	// SCAN delete the expired keys they happen to visit) must then be
	// avoided.
	PastExpiry bool
	// usedTTL holds the relative TTL slots handed out, see TTL.
	usedTTL map[int]bool
	// singles are the single-command generators of the script's
	// families, drawn from by Single.
	singles     []entry
	singleTotal int
}

// Generate returns a script of n commands drawn from the given families
// (all default families when empty), reproducible from seed.
func Generate(seed uint64, n int, families []string) (Script, error) {
	if len(families) == 0 {
		families = defaultFamilies
	}
	var pool []entry
	total := 0
	for _, f := range families {
		es, ok := registry[f]
		if !ok {
			return nil, fmt.Errorf("compat: unknown generator family %q (have %v)", f, Families())
		}
		for _, e := range es {
			pool = append(pool, e)
			total += e.weight
		}
	}
	g := &Gen{R: rand.New(rand.NewPCG(seed, 0x7e57a)), usedTTL: map[int]bool{}}
	g.singles, g.singleTotal = singlesOf(pool)
	if g.singleTotal == 0 {
		g.singles, g.singleTotal = singlesOf(defaultPool())
	}
	s := make(Script, 0, n)
	for len(s) < n {
		e := pick(g, pool, total)
		if e.seq == nil {
			if c := e.fn(g); RunKnownBugs || KnownBugFor(s, c) == nil {
				s = append(s, c)
			}
			continue
		}
		seq := e.seq(g)
		ok := true
		for i, c := range seq {
			if !RunKnownBugs && KnownBugFor(append(s[:len(s):len(s)], seq[:i]...), c) != nil {
				ok = false
				break
			}
		}
		if ok {
			s = append(s, seq...)
		}
	}
	return s, nil
}

// pick draws an entry by weight.
func pick(g *Gen, pool []entry, total int) entry {
	x := g.R.IntN(total)
	for _, e := range pool {
		if x < e.weight {
			return e
		}
		x -= e.weight
	}
	return pool[len(pool)-1]
}

func singlesOf(pool []entry) ([]entry, int) {
	var out []entry
	total := 0
	for _, e := range pool {
		if e.seq == nil {
			out = append(out, e)
			total += e.weight
		}
	}
	return out, total
}

func defaultPool() []entry {
	var pool []entry
	for _, f := range defaultFamilies {
		pool = append(pool, registry[f]...)
	}
	return pool
}

// Single returns one command from the single-command generators of the
// script's families (of the default families when the script has none),
// for sequences that embed ordinary commands: the body of a transaction,
// the writes another client makes while one blocks.
func (g *Gen) Single() Cmd { return pick(g, g.singles, g.singleTotal).fn(g) }

// Keys is the key space: small, so that commands collide often.
var Keys = []string{"a", "b", "c", "d", "e", "{a}x", "k:1"}

// Key returns a key from the key space.
func (g *Gen) Key() string { return Keys[g.R.IntN(len(Keys))] }

// KeysN returns n keys (repetitions possible).
func (g *Gen) KeysN(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = g.Key()
	}
	return out
}

// Pick returns one of the choices.
func (g *Gen) Pick(choices ...string) string { return choices[g.R.IntN(len(choices))] }

// Chance returns true with probability p.
func (g *Gen) Chance(p float64) bool { return g.R.Float64() < p }

// Int returns a random integer in [lo, hi].
func (g *Gen) Int(lo, hi int) int { return lo + g.R.IntN(hi-lo+1) }

// Itoa formats an int.
func Itoa(n int) string { return strconv.Itoa(n) }

// interesting integers: encoding boundaries and overflow edges.
var intValues = []string{
	"0", "1", "-1", "7", "42", "-100", "9999", "10000", "123456789",
	"9223372036854775807", "-9223372036854775808", "9223372036854775806",
	"-9223372036854775807", "4294967296", "2147483647",
}

// Value returns a value of a kind chosen at random: an integer (often a
// boundary), a float, a short or long string, or binary bytes.
func (g *Gen) Value() string {
	switch g.R.IntN(10) {
	case 0, 1, 2:
		return g.Pick(intValues...)
	case 3:
		return strconv.Itoa(g.Int(-1000, 1000))
	case 4:
		return g.Pick("1.5", "-0.25", "3.0", "1e3", "0.1", "5.0e-2", "007", "+5", " 5", "1_000", "0x10", "-0", "inf")
	case 5:
		return g.Pick("", "v", "hello", "hello world", "ünïcödé")
	case 6:
		return strings.Repeat(g.Pick("x", "ab", "0"), g.Int(40, 50)) // around the embstr limit (44)
	case 7:
		return strings.Repeat("y", g.Int(60, 300))
	case 8:
		b := make([]byte, g.Int(1, 12))
		for i := range b {
			b[i] = byte(g.R.IntN(256))
		}
		return string(b)
	default:
		return "v" + strconv.Itoa(g.R.IntN(100))
	}
}

// ttlSlots bounds the number of distinct relative TTLs one script gets.
const ttlSlots = 50000

// TTL returns a relative time to live in seconds, in [100, 500100), never
// within 10 seconds of one handed out before in this script. Two EXPIRE
// GT/LT calls therefore compare the same way on both servers however many
// milliseconds pass between them.
func (g *Gen) TTL() int {
	for i := 0; i < 100; i++ {
		slot := g.R.IntN(ttlSlots)
		if !g.usedTTL[slot] {
			g.usedTTL[slot] = true
			return 100 + 10*slot
		}
	}
	// Out of fresh slots (a very long script): take the next free one.
	for slot := 0; slot < ttlSlots; slot++ {
		if !g.usedTTL[slot] {
			g.usedTTL[slot] = true
			return 100 + 10*slot
		}
	}
	return 100
}

// FutureUnix returns an absolute Unix time in seconds far in the future
// (year 2100 and later), distinct per call like TTL.
func (g *Gen) FutureUnix() int64 { return 4102444800 + int64(g.TTL()) }

// PastUnix returns an absolute Unix time in seconds that has passed.
func (g *Gen) PastUnix() int64 {
	g.PastExpiry = true
	return []int64{0, 1, 1000000000, 1600000000}[g.R.IntN(4)]
}

// RunKnownBugs, set by VESTA_RUN_KNOWN_BUGS=1, makes the generator produce
// commands that hit known bugs too, and runs their regression scripts.
var RunKnownBugs = os.Getenv("VESTA_RUN_KNOWN_BUGS") == "1"

// KnownBug is a reported difference between Vesta and Redis that is not
// fixed yet. Match recognizes a command that would show it after the
// commands generated before it (prefix), so that random scripts avoid it
// and keep finding new problems; Script reproduces it and stays as a
// regression test (run with VESTA_RUN_KNOWN_BUGS=1).
type KnownBug struct {
	ID     string // short name, also listed in docs/COMPATIBILITY.md
	What   string
	Match  func(prefix Script, c Cmd) bool
	Script Script
	// Fixed marks a bug that has been fixed: its script always runs as a
	// regression test and random scripts no longer avoid it.
	Fixed bool
}

var knownBugs []KnownBug

// RegisterKnownBug records a known bug. Call it from init.
func RegisterKnownBug(b KnownBug) { knownBugs = append(knownBugs, b) }

// KnownBugs returns the registered known bugs.
func KnownBugs() []KnownBug { return slices.Clone(knownBugs) }

// KnownBugFor returns the known bug a command would hit after prefix, or
// nil.
func KnownBugFor(prefix Script, c Cmd) *KnownBug {
	for i := range knownBugs {
		if !knownBugs[i].Fixed && knownBugs[i].Match(prefix, c) {
			return &knownBugs[i]
		}
	}
	return nil
}
