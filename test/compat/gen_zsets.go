package compat

import (
	"strconv"
	"strings"
)

// The "zsets" family: every sorted-set command with scores, ranges and
// options drawn from the edges Redis's parsers care about (-0, inf, hex,
// exclusive ends, bad floats), on the shared key space, so that listpack
// and skiplist sets, conversions, WRONGTYPE and the final DEBUG DIGEST
// (which tells -0 from 0) are all compared. Replies that depend on hash
// order or randomness (ZSCAN of a skiplist, ZRANDMEMBER) are compared by
// type only; blocking pops use short timeouts. Lex ranges, which assume
// equal scores, run on keys of their own (lexKeys) that only ever get
// score-0 members: over mixed scores a skiplist's answer depends on its
// random levels, in Redis as in Vesta.

var zscores = []string{
	"0", "1", "-1", "2.5", "-0", "0.1", "1e17", "inf", "-inf", "+inf", "0x10",
	"3", "7", "100", "-2.5", "4611686018427387904",
}

var zbadScores = []string{"nan", "x", "", " 1", "1e400", "1_0"}

// lexKeys hold only members of score 0, for the lex-range commands.
var lexKeys = []string{"lex1", "lex2"}

var zmembers = []string{"a", "b", "c", "d", "e", "m1", "m2", "10", "-3", "", "x y"}

func (g *Gen) zscore() string {
	if g.Chance(0.03) {
		return g.Pick(zbadScores...)
	}
	return g.Pick(zscores...)
}

func (g *Gen) zmember() string {
	if g.Chance(0.1) {
		return g.Value() // long, binary or numeric members
	}
	return g.Pick(zmembers...)
}

// zrangeEnd returns a ZRANGEBYSCORE-style end.
func (g *Gen) zrangeEnd() string {
	s := g.Pick(append(zscores, "(1", "(-0", "(inf", "nan", "(", "x")...)
	return s
}

// zlexEnd returns a ZRANGEBYLEX-style end.
func (g *Gen) zlexEnd() string {
	switch g.R.IntN(6) {
	case 0:
		return "-"
	case 1:
		return "+"
	case 2:
		return g.Pick("x", "", "-x")
	}
	return g.Pick("[", "(") + g.Pick(zmembers...)
}

func (g *Gen) zrank() string {
	return g.Pick("0", "1", "-1", "2", "-3", "5", "100", "-100", "x")
}

func (g *Gen) zlimit(args []string) []string {
	if g.Chance(0.3) {
		args = append(args, "LIMIT", g.Pick("0", "1", "-1", "2"), g.Pick("-1", "0", "1", "3"))
	}
	return args
}

func init() {
	const f = "zsets"
	Register(f, "ZADD", 6, true, func(g *Gen) Cmd {
		args := []string{"ZADD", g.Key()}
		for _, opt := range []string{"NX", "XX", "GT", "LT", "CH", "INCR"} {
			if g.Chance(0.08) {
				args = append(args, opt)
			}
		}
		for range g.Int(1, 4) {
			args = append(args, g.zscore(), g.zmember())
		}
		return C(args...)
	})
	Register(f, "ZADD many", 1, true, func(g *Gen) Cmd {
		// Past zset-max-listpack-entries, into the skiplist encoding.
		args := []string{"ZADD", g.Key()}
		for i := range g.Int(120, 140) {
			args = append(args, g.zscore(), "n"+strconv.Itoa(i))
		}
		return C(args...)
	})
	Register(f, "ZINCRBY", 2, true, func(g *Gen) Cmd { return C("ZINCRBY", g.Key(), g.zscore(), g.zmember()) })
	Register(f, "ZREM", 2, true, func(g *Gen) Cmd {
		args := []string{"ZREM", g.Key()}
		for range g.Int(1, 3) {
			args = append(args, g.zmember())
		}
		return C(args...)
	})
	Register(f, "ZCARD", 1, true, func(g *Gen) Cmd { return C("ZCARD", g.Key()) })
	Register(f, "ZSCORE", 2, true, func(g *Gen) Cmd { return C("ZSCORE", g.Key(), g.zmember()) })
	Register(f, "ZMSCORE", 1, true, func(g *Gen) Cmd { return C("ZMSCORE", g.Key(), g.zmember(), g.zmember()) })
	Register(f, "ZRANK", 2, true, func(g *Gen) Cmd {
		return C(g.Pick("ZRANK", "ZREVRANK"), g.Key(), g.zmember())
	})
	Register(f, "ZCOUNT", 1, true, func(g *Gen) Cmd { return C("ZCOUNT", g.Key(), g.zrangeEnd(), g.zrangeEnd()) })
	Register(f, "ZADD lex", 2, true, func(g *Gen) Cmd {
		args := []string{"ZADD", g.Pick(lexKeys...)}
		n := g.Int(1, 4)
		if g.Chance(0.1) {
			n = g.Int(60, 70) // two of these make a skiplist
		}
		for range n {
			args = append(args, "0", g.zmember())
		}
		return C(args...)
	})
	Register(f, "ZLEXCOUNT", 1, true, func(g *Gen) Cmd {
		return C("ZLEXCOUNT", g.Pick(lexKeys...), g.zlexEnd(), g.zlexEnd())
	})
	Register(f, "ZRANGE", 4, true, func(g *Gen) Cmd {
		args := []string{"ZRANGE", g.Key()}
		switch g.R.IntN(3) {
		case 0:
			args = append(args, g.zrank(), g.zrank())
		case 1:
			args = append(args, g.zrangeEnd(), g.zrangeEnd(), "BYSCORE")
		default:
			args = []string{"ZRANGE", g.Pick(lexKeys...), g.zlexEnd(), g.zlexEnd(), "BYLEX"}
		}
		if g.Chance(0.3) {
			args = append(args, "REV")
		}
		if g.Chance(0.4) {
			args = append(args, "WITHSCORES")
		}
		return C(g.zlimit(args)...)
	})
	Register(f, "ZRANGE legacy", 3, true, func(g *Gen) Cmd {
		key := g.Key()
		var args []string
		switch g.R.IntN(5) {
		case 0:
			args = []string{"ZREVRANGE", key, g.zrank(), g.zrank()}
		case 1:
			args = g.zlimit([]string{"ZRANGEBYSCORE", key, g.zrangeEnd(), g.zrangeEnd()})
		case 2:
			args = g.zlimit([]string{"ZREVRANGEBYSCORE", key, g.zrangeEnd(), g.zrangeEnd()})
		case 3:
			args = g.zlimit([]string{"ZRANGEBYLEX", g.Pick(lexKeys...), g.zlexEnd(), g.zlexEnd()})
		default:
			args = g.zlimit([]string{"ZREVRANGEBYLEX", g.Pick(lexKeys...), g.zlexEnd(), g.zlexEnd()})
		}
		if g.Chance(0.3) {
			args = append(args, "WITHSCORES")
		}
		return C(args...)
	})
	Register(f, "ZRANGESTORE", 2, true, func(g *Gen) Cmd {
		args := []string{"ZRANGESTORE", g.Key(), g.Key()}
		switch g.R.IntN(3) {
		case 0:
			args = append(args, g.zrank(), g.zrank())
		case 1:
			args = append(args, g.zrangeEnd(), g.zrangeEnd(), "BYSCORE")
		default:
			args = []string{"ZRANGESTORE", g.Key(), g.Pick(lexKeys...), g.zlexEnd(), g.zlexEnd(), "BYLEX"}
		}
		if g.Chance(0.3) {
			args = append(args, "REV")
		}
		return C(g.zlimit(args)...)
	})
	Register(f, "ZREMRANGE", 2, true, func(g *Gen) Cmd {
		key := g.Pick(append(lexKeys, g.Key())...)
		switch g.R.IntN(3) {
		case 0:
			return C("ZREMRANGEBYRANK", key, g.zrank(), g.zrank())
		case 1:
			return C("ZREMRANGEBYSCORE", key, g.zrangeEnd(), g.zrangeEnd())
		}
		return C("ZREMRANGEBYLEX", g.Pick(lexKeys...), g.zlexEnd(), g.zlexEnd())
	})
	Register(f, "ZPOP", 2, true, func(g *Gen) Cmd {
		args := []string{g.Pick("ZPOPMIN", "ZPOPMAX"), g.Key()}
		if g.Chance(0.5) {
			args = append(args, g.Pick("0", "1", "2", "5", "-1", "x"))
		}
		return C(args...)
	})
	Register(f, "ZMPOP", 1, true, func(g *Gen) Cmd {
		n := g.Int(1, 3)
		args := append([]string{"ZMPOP", strconv.Itoa(n)}, g.KeysN(n)...)
		args = append(args, g.Pick("MIN", "MAX"))
		if g.Chance(0.5) {
			args = append(args, "COUNT", g.Pick("1", "2", "10", "0"))
		}
		return C(args...)
	})
	Register(f, "BZPOP", 1, true, func(g *Gen) Cmd {
		if g.Chance(0.5) {
			return C(g.Pick("BZPOPMIN", "BZPOPMAX"), g.Key(), g.Key(), "0.01")
		}
		args := []string{"BZMPOP", "0.01", "2", g.Key(), g.Key(), g.Pick("MIN", "MAX")}
		if g.Chance(0.5) {
			args = append(args, "COUNT", g.Pick("1", "3"))
		}
		return C(args...)
	})
	Register(f, "ZSETOP", 3, true, func(g *Gen) Cmd {
		n := g.Int(1, 3)
		keys := g.KeysN(n)
		var args []string
		op := g.Pick("ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZINTERCARD")
		if strings.HasSuffix(op, "STORE") {
			args = []string{op, g.Key(), strconv.Itoa(n)}
		} else {
			args = []string{op, strconv.Itoa(n)}
		}
		args = append(args, keys...)
		if op != "ZDIFF" && op != "ZDIFFSTORE" && op != "ZINTERCARD" {
			if g.Chance(0.3) {
				args = append(args, "WEIGHTS")
				for range n {
					args = append(args, g.Pick("1", "2", "-1", "0", "0.5", "inf"))
				}
			}
			if g.Chance(0.3) {
				args = append(args, "AGGREGATE", g.Pick("SUM", "MIN", "MAX"))
			}
		}
		if op == "ZINTERCARD" && g.Chance(0.5) {
			args = append(args, "LIMIT", g.Pick("0", "1", "2"))
		}
		if !strings.HasSuffix(op, "STORE") && op != "ZINTERCARD" && g.Chance(0.5) {
			args = append(args, "WITHSCORES")
		}
		return C(args...)
	})
	Register(f, "ZRANDMEMBER", 1, true, func(g *Gen) Cmd {
		args := []string{"ZRANDMEMBER", g.Key()}
		if g.Chance(0.7) {
			args = append(args, g.Pick("0", "1", "3", "-3", "200"))
			if g.Chance(0.5) {
				args = append(args, "WITHSCORES")
			}
		}
		return C(args...).With(TypeOnly)
	})
	Register(f, "ZSCAN", 1, true, func(g *Gen) Cmd {
		args := []string{"ZSCAN", g.Key(), g.Pick("0", "0", "x")}
		if g.Chance(0.3) {
			args = append(args, "MATCH", g.Pick("*", "a*", "n1*"))
		}
		if g.Chance(0.3) {
			args = append(args, "COUNT", g.Pick("10", "1000", "0"))
		}
		return C(args...).With(TypeOnly)
	})
	Register(f, "OBJECT ENCODING zset", 1, true, func(g *Gen) Cmd { return C("OBJECT", "ENCODING", g.Key()) })
}
