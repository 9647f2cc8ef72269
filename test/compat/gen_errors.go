package compat

import "strings"

// Malformed requests: wrong arities, unknown commands and subcommands.

// arityCommands are commands whose wrong-arity error the "errors" family
// provokes, with their minimum and maximum argument counts (-1: no maximum)
// counting the command name.
var arityCommands = []struct {
	name     string
	min, max int
}{
	{"GET", 2, 2}, {"SET", 3, -1}, {"MGET", 2, -1}, {"MSET", 3, -1}, {"INCR", 2, 2},
	{"INCRBY", 3, 3}, {"INCRBYFLOAT", 3, 3}, {"APPEND", 3, 3}, {"GETRANGE", 4, 4},
	{"SETRANGE", 4, 4}, {"GETEX", 2, -1}, {"GETDEL", 2, 2}, {"GETSET", 3, 3},
	{"DEL", 2, -1}, {"EXISTS", 2, -1}, {"TYPE", 2, 2}, {"RENAME", 3, 3}, {"COPY", 3, -1},
	{"MOVE", 3, 3}, {"EXPIRE", 3, -1}, {"TTL", 2, 2}, {"PERSIST", 2, 2}, {"SELECT", 2, 2},
	{"SWAPDB", 3, 3}, {"DBSIZE", 1, 1}, {"STRLEN", 2, 2}, {"SETEX", 4, 4}, {"ECHO", 2, 2},
}

func init() {
	const f = "errors"
	Register(f, "arity", 4, true, func(g *Gen) Cmd {
		c := arityCommands[g.R.IntN(len(arityCommands))]
		n := c.min - 1 - g.R.IntN(c.min) // too few: 0 .. min-1 arguments after the name
		if c.max >= 0 && g.Chance(0.5) {
			n = c.max + g.Int(0, 2) // too many
		}
		args := []string{g.Pick(c.name, strings.ToLower(c.name))}
		for i := 1; i < n; i++ {
			args = append(args, g.Key())
		}
		if n < 1 {
			args = args[:1]
		}
		return C(args...)
	})
	Register(f, "unknown", 2, true, func(g *Gen) Cmd {
		args := []string{g.Pick("NOSUCHCMD", "GETT", "sett", "x", "ÜBER", "get\x00")}
		for i := g.Int(0, 3); i > 0; i-- {
			args = append(args, g.Value())
		}
		return C(args...)
	})
	Register(f, "subcommand", 1, true, func(g *Gen) Cmd {
		return C(g.Pick("OBJECT", "CLIENT", "CONFIG", "DEBUG", "COMMAND"), g.Pick("NOSUCH", "nosuch", "HELPX"), g.Key())
	})
	Register(f, "empty-name", 1, true, func(g *Gen) Cmd { return C("", g.Key()) })
	Register(f, "long-args", 1, true, func(g *Gen) Cmd {
		// "with args beginning with:" shows at most 128 bytes of each.
		return C("NOSUCH", strings.Repeat("z", g.Int(100, 200)), g.Value())
	})
}
