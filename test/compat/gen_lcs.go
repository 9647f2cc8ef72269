package compat

import "strings"

// The "lcs" family: LCS with every option on the shared key space. A
// generator of its own fills keys with strings over a three-letter
// alphabet, which have long and ambiguous common subsequences, so that
// Redis's tie-breaking walk through its table is compared too.

func (g *Gen) lcsString() string {
	var b strings.Builder
	for range g.Int(0, 40) {
		b.WriteByte("abc"[g.R.IntN(3)])
	}
	return b.String()
}

func init() {
	const f = "lcs"
	Register(f, "SET abc", 3, true, func(g *Gen) Cmd { return C("SET", g.Key(), g.lcsString()) })
	Register(f, "LCS", 6, true, func(g *Gen) Cmd {
		var opts [][]string
		for _, opt := range []string{"LEN", "IDX", "WITHMATCHLEN"} {
			if g.Chance(0.3) {
				opts = append(opts, []string{g.Pick(opt, strings.ToLower(opt))})
			}
		}
		if g.Chance(0.3) {
			opts = append(opts, []string{"MINMATCHLEN", g.Pick("0", "1", "2", "3", "5", "-1", "x", "9223372036854775807")})
		}
		g.R.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
		args := []string{"LCS", g.Key(), g.Key()}
		for _, o := range opts {
			args = append(args, o...)
		}
		if g.Chance(0.03) {
			args = append(args, g.Pick("MINMATCHLEN", "FOO")) // a syntax error
		}
		return C(args...)
	})
}
