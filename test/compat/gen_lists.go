package compat

import "strings"

// List commands. Blocking commands only get timeouts that cannot block for
// long (a millisecond, or invalid ones), so both servers answer quickly
// whether or not a list is ready.

func init() {
	const f = "lists"
	Register(f, "PUSH", 12, true, func(g *Gen) Cmd {
		args := []string{g.Pick("LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"), g.Key()}
		for n := g.Int(1, 4); n > 0; n-- {
			args = append(args, g.listValue())
		}
		return C(args...)
	})
	Register(f, "POP", 6, true, func(g *Gen) Cmd {
		args := []string{g.Pick("LPOP", "RPOP"), g.Key()}
		if g.Chance(0.5) {
			args = append(args, g.Pick("0", "1", "2", "5", "100", "-1", "x", "9223372036854775807"))
		}
		return C(args...)
	})
	Register(f, "LLEN", 2, true, func(g *Gen) Cmd { return C("LLEN", g.Key()) })
	Register(f, "LRANGE", 4, true, func(g *Gen) Cmd { return C("LRANGE", g.Key(), g.listIndex(), g.listIndex()) })
	Register(f, "LINDEX", 3, true, func(g *Gen) Cmd { return C("LINDEX", g.Key(), g.listIndex()) })
	Register(f, "LSET", 3, true, func(g *Gen) Cmd { return C("LSET", g.Key(), g.listIndex(), g.listValue()) })
	Register(f, "LINSERT", 3, true, func(g *Gen) Cmd {
		return C("LINSERT", g.Key(), g.Pick("BEFORE", "after", "AFTER", "middle"), g.listValue(), g.listValue())
	})
	Register(f, "LREM", 3, true, func(g *Gen) Cmd {
		return C("LREM", g.Key(), g.Pick("0", "1", "-1", "2", "-2", "x", "-9223372036854775808"), g.listValue())
	})
	Register(f, "LTRIM", 2, true, func(g *Gen) Cmd { return C("LTRIM", g.Key(), g.listIndex(), g.listIndex()) })
	Register(f, "LPOS", 3, true, func(g *Gen) Cmd {
		args := []string{"LPOS", g.Key(), g.listValue()}
		for n := g.Int(0, 3); n > 0; n-- {
			switch g.Int(0, 3) {
			case 0:
				args = append(args, "RANK", g.Pick("1", "2", "-1", "-3", "0", "x", "-9223372036854775808"))
			case 1:
				args = append(args, "COUNT", g.Pick("0", "1", "3", "-1", "x"))
			case 2:
				args = append(args, "MAXLEN", g.Pick("0", "1", "4", "-1"))
			default:
				args = append(args, g.Pick("RANK", "FOO"))
			}
		}
		return C(args...)
	})
	Register(f, "LMOVE", 4, true, func(g *Gen) Cmd {
		if g.Chance(0.3) {
			return C("RPOPLPUSH", g.Key(), g.Key())
		}
		return C("LMOVE", g.Key(), g.Key(), g.listEnd(), g.listEnd())
	})
	Register(f, "LMPOP", 3, true, func(g *Gen) Cmd {
		return C(append([]string{"LMPOP"}, g.mpopArgs()...)...)
	})
	Register(f, "BLOCKING", 4, true, func(g *Gen) Cmd {
		timeout := g.Pick("0.001", "0.001", "0.001", "-1", "x", "inf")
		switch g.Int(0, 3) {
		case 0:
			return C(append(append([]string{g.Pick("BLPOP", "BRPOP")}, g.KeysN(g.Int(1, 3))...), timeout)...)
		case 1:
			return C("BLMOVE", g.Key(), g.Key(), g.listEnd(), g.listEnd(), timeout)
		case 2:
			return C("BRPOPLPUSH", g.Key(), g.Key(), timeout)
		default:
			return C(append([]string{"BLMPOP", timeout}, g.mpopArgs()...)...)
		}
	})
}

// listValue returns an element: often one of a few short values so that
// LREM, LPOS and LINSERT find matches, sometimes any value or a large one.
func (g *Gen) listValue() string {
	switch g.Int(0, 9) {
	case 0, 1, 2, 3:
		return g.Pick("a", "b", "c", "1", "2", "-3")
	case 4:
		return strings.Repeat("z", g.Int(1000, 9000))
	default:
		return g.Value()
	}
}

// listIndex returns an index: small, negative or extreme.
func (g *Gen) listIndex() string {
	return g.Pick("0", "1", "2", "-1", "-2", "3", "10", "-10", "100",
		"9223372036854775807", "-9223372036854775808", "x")
}

func (g *Gen) listEnd() string { return g.Pick("LEFT", "RIGHT", "left", "Right", "UP") }

// mpopArgs returns numkeys, the keys, the end and an optional COUNT for
// LMPOP and BLMPOP, sometimes wrong.
func (g *Gen) mpopArgs() []string {
	n := g.Int(1, 3)
	args := []string{g.Pick(Itoa(n), Itoa(n), Itoa(n), "0", Itoa(n+2), "x")}
	args = append(args, g.KeysN(n)...)
	args = append(args, g.Pick("LEFT", "RIGHT", "left", "MIDDLE"))
	if g.Chance(0.5) {
		args = append(args, "COUNT", g.Pick("1", "2", "10", "0", "-1", "x"))
	}
	return args
}
