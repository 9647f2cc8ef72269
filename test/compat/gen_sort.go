package compat

import (
	"strings"

	"github.com/vestadb/vesta/internal/cfloat"
)

// The "sort" family: SORT and SORT_RO with every option, on keys of its
// own (a list "sl", a set "ss" and a sorted set "sz", whose members have
// no NUL bytes, and the weight keys "w_<member>" and hashes "h_<member>"
// that BY and GET patterns read) and on the shared key space, plus STORE
// into "sd" or a shared key.
//
// Replies are compared exactly where both servers must agree on the order:
// numeric sorts (ties fall back to the elements' bytes), ALPHA with STORE
// (whole byte strings), ALPHA on members without NUL bytes, and the natural
// order of lists and sorted sets. Elsewhere the order depends on how the
// input was iterated, which differs between the servers for sets (hash
// order) and sorted sets (Redis reads their hash table): BY nosort on a
// set, and ALPHA with a BY pattern, whose equal or missing values tie, are
// compared as multisets, by reply type when a LIMIT picks some of the
// tied elements, and never STOREd, so that the final digests agree. ALPHA
// with BY and LIMIT on a list is compared by type too: Redis then sorts
// with its own partial quicksort (see docs/COMPATIBILITY.md).

var sortMembers = []string{
	"1", "2", "3", "10", "-5", "1.5", "0x10", "-0", "007", "100", "2.50",
	"a", "b", "c", "B", "x y", "", "inf", "bb", "a1",
}

var sortWeights = []string{"1", "2", "3", "1.5", "-3", "10", "0", "-0", "x", "", "0x1p-1074", "a"}

// sortOwnKeys are the family's own collections and what they hold.
var sortOwnKeys = map[string]byte{"sl": 'L', "ss": 'S', "sz": 'Z'}

func (g *Gen) sortMember() string { return g.Pick(sortMembers...) }

func init() {
	const f = "sort"
	Register(f, "sort fill", 4, true, func(g *Gen) Cmd {
		switch g.R.IntN(3) {
		case 0:
			args := []string{"RPUSH", "sl"}
			for range g.Int(1, 4) {
				args = append(args, g.sortMember())
			}
			return C(args...)
		case 1:
			args := []string{"SADD", "ss"}
			for range g.Int(1, 4) {
				args = append(args, g.sortMember())
			}
			return C(args...)
		}
		args := []string{"ZADD", "sz"}
		for range g.Int(1, 4) {
			args = append(args, g.Pick("0", "1", "2", "-1", "1.5"), g.sortMember())
		}
		return C(args...)
	})
	Register(f, "sort weights", 3, true, func(g *Gen) Cmd {
		if g.Chance(0.6) {
			return C("SET", "w_"+g.sortMember(), g.Pick(sortWeights...))
		}
		args := []string{"HSET", "h_" + g.sortMember(), "f", g.Pick(sortWeights...)}
		if g.Chance(0.5) {
			args = append(args, "g", g.Pick(sortWeights...))
		}
		return C(args...)
	})
	Register(f, "sort trim", 1, true, func(g *Gen) Cmd {
		// Keep the own collections small enough to stay readable.
		return C("DEL", g.Pick("sl", "ss", "sz"))
	})
	Register(f, "SORT", 8, true, func(g *Gen) Cmd { return g.sortCmd(false) })
	Register(f, "SORT_RO", 2, true, func(g *Gen) Cmd { return g.sortCmd(true) })
}

// sortCmd builds a SORT (or SORT_RO) and chooses how to compare it.
func (g *Gen) sortCmd(readOnly bool) Cmd {
	key := g.Pick("sl", "ss", "sz", g.Key())
	kind := sortOwnKeys[key] // 0 for a shared key: any type, any members
	by := ""
	if g.Chance(0.5) {
		by = g.Pick("nosort", "w_*", "h_*->f", "h_*->g", "*", "nokey_*", "w_*->f", "NOSORT")
	}
	dontSort := by != "" && !strings.Contains(by, "*")
	alpha := g.Chance(0.4)
	limit := g.Chance(0.3)
	var gets []string
	for range g.Int(0, 2) * b2n(g.Chance(0.5)) {
		gets = append(gets, g.Pick("#", "w_*", "h_*->f", "h_*->g", "*", "nokey_*"))
	}

	// How the reply can be compared, and whether STORE is safe.
	mode, canStore := Exact, true
	switch {
	case dontSort:
		if kind != 'L' && kind != 'Z' {
			mode = Sorted
		}
	case !alpha:
	case by == "":
		if kind == 0 {
			mode = Sorted // members may tie up to a NUL byte (without STORE)
		}
	default:
		if kind != 'L' || limit {
			mode, canStore = Sorted, false
		}
	}
	if mode == Sorted && limit {
		mode = TypeOnly
	}
	store := ""
	if !readOnly && g.Chance(0.3) && (canStore || dontSort) {
		store = g.Pick("sd", g.Key())
		if dontSort || !alpha || by == "" {
			mode = Exact // the reply is a count; the stored order is deterministic
		}
	}

	// The options, in a random order.
	var opts [][]string
	if by != "" {
		opts = append(opts, []string{"BY", by})
	}
	if alpha {
		opts = append(opts, []string{g.Pick("ALPHA", "alpha")})
	}
	if g.Chance(0.5) {
		opts = append(opts, []string{g.Pick("ASC", "DESC", "desc")})
	}
	if limit {
		opts = append(opts, []string{"LIMIT", g.Pick("0", "1", "2", "-1", "5", "100"), g.Pick("0", "1", "2", "3", "-1", "100")})
	}
	for _, p := range gets {
		opts = append(opts, []string{"GET", p})
	}
	if store != "" {
		opts = append(opts, []string{"STORE", store})
	}
	g.R.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
	name := "SORT"
	if readOnly {
		name = "SORT_RO"
	}
	args := []string{name, key}
	for _, o := range opts {
		args = append(args, o...)
	}
	if g.Chance(0.02) {
		args = append(args, g.Pick("LIMIT", "BY", "FOO", "STORE")) // a syntax error
		mode = Exact
	}
	return C(args...).With(mode)
}

func b2n(b bool) int {
	if b {
		return 1
	}
	return 0
}

func init() {
	RegisterKnownBug(KnownBug{
		ID: "sort-stale-errno",
		What: "Redis 7.0.15's SORT tests errno for ERANGE after strtod without clearing it first, so once " +
			"any float parse left ERANGE behind (ZADD k 1e400 m, a SORT over 1e400), numeric SORTs over " +
			"non-integer elements fail with 'One or more scores can't be converted into double' until something " +
			"else changes errno (a new connection does); Vesta judges each value on its own",
		Match: func(prefix Script, c Cmd) bool {
			if (c.Name() != "SORT" && c.Name() != "SORT_RO") || !numericSort(c) {
				return false
			}
			for _, p := range prefix {
				for _, a := range p.Args {
					if _, _, erange := cfloat.Strtod([]byte(a)); erange {
						return true
					}
				}
			}
			return false
		},
		Script: Script{C("RPUSH", "l", "1.5", "2"), C("ZADD", "z", "1e400", "m"), C("SORT", "l")},
	})
}

// numericSort reports whether a SORT converts values to numbers: no ALPHA,
// and no BY pattern without '*' (which skips sorting).
func numericSort(c Cmd) bool {
	for i := 2; i < len(c.Args); i++ {
		switch a := strings.ToUpper(c.Args[i]); a {
		case "ALPHA":
			return false
		case "BY":
			if i+1 < len(c.Args) && !strings.Contains(c.Args[i+1], "*") {
				return false
			}
			i++
		case "GET", "STORE":
			i++
		case "LIMIT":
			i += 2
		}
	}
	return true
}
