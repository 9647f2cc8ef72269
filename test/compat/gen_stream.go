package compat

import (
	"strconv"
	"strings"
)

// The "stream" family: XADD (explicit, partial and automatic IDs,
// NOMKSTREAM, MAXLEN/MINID with = and ~ and LIMIT), XRANGE, XREVRANGE,
// XLEN, XDEL, XTRIM, XSETID, XREAD, the consumer group commands and XINFO,
// on the shared key space so that streams meet the other types. IDs are
// drawn from a small range of milliseconds so that commands hit existing
// entries, tombstones and node boundaries; CONFIG SET
// stream-node-max-entries moves the node boundaries. Replies that depend
// on the clock (an automatic ID, idle times, delivery times) are compared
// by type only, and XADD never asks for an automatic ID.

// streamMS returns a millisecond part of an ID.
func (g *Gen) streamMS() string {
	switch g.R.IntN(12) {
	case 0:
		return g.Pick("0", "18446744073709551615", "18446744073709551614", "99999999999999999999", "-1", "x", "")
	default:
		return strconv.Itoa(g.Int(1, 60))
	}
}

// streamID returns an ID argument (sometimes partial or invalid).
func (g *Gen) streamID() string {
	switch g.R.IntN(10) {
	case 0:
		return g.streamMS()
	case 1:
		return g.streamMS() + "-" + g.Pick("0", "18446744073709551615", "x", "")
	default:
		return g.streamMS() + "-" + strconv.Itoa(g.Int(0, 3))
	}
}

// streamRangeID returns an XRANGE bound.
func (g *Gen) streamRangeID() string {
	switch g.R.IntN(8) {
	case 0:
		return g.Pick("-", "+")
	case 1:
		return "(" + g.streamID()
	}
	return g.streamID()
}

func (g *Gen) streamGroup() string    { return g.Pick("g1", "g2", "g3") }
func (g *Gen) streamConsumer() string { return g.Pick("c1", "c2", "c3", "c4") }

func (g *Gen) streamFields() []string {
	var out []string
	n := g.Int(1, 3)
	if g.Chance(0.05) {
		n = g.Int(10, 40)
	}
	same := g.Chance(0.6)
	for i := range n {
		f := "f" + strconv.Itoa(i)
		if !same {
			f = g.Pick("f0", "f1", "x", "12", "-5", "")
		}
		out = append(out, f, g.Value())
	}
	if g.Chance(0.03) {
		out = out[:len(out)-1]
	}
	return out
}

func (g *Gen) streamTrim() []string {
	var out []string
	switch g.R.IntN(3) {
	case 0:
		return nil
	case 1:
		out = append(out, g.Pick("MAXLEN", "maxlen"))
	default:
		out = append(out, "MINID")
	}
	op := g.Pick("", "=", "~", "~")
	if op != "" {
		out = append(out, op)
	}
	if out[0] == "MINID" {
		out = append(out, g.streamID())
	} else {
		out = append(out, g.Pick(strconv.Itoa(g.Int(0, 30)), strconv.Itoa(g.Int(0, 30)), "-1", "x", "9223372036854775807"))
	}
	if g.Chance(0.2) {
		out = append(out, "LIMIT", g.Pick("0", "1", "5", "100", "-1", "x"))
	}
	return out
}

func init() {
	const f = "stream"
	Register(f, "XADD", 20, true, func(g *Gen) Cmd {
		args := []string{"XADD", g.Key()}
		if g.Chance(0.1) {
			args = append(args, "NOMKSTREAM")
		}
		args = append(args, g.streamTrim()...)
		// No "*": an automatic ID is the clock's, different in each
		// server (the interop and AOF tests cover it).
		if g.Chance(0.2) {
			args = append(args, g.streamMS()+"-*")
		} else {
			args = append(args, g.streamID())
		}
		return C(append(args, g.streamFields()...)...)
	})
	Register(f, "XRANGE", 6, true, func(g *Gen) Cmd {
		args := []string{g.Pick("XRANGE", "XREVRANGE"), g.Key(), g.streamRangeID(), g.streamRangeID()}
		if g.Chance(0.4) {
			args = append(args, "COUNT", g.Pick("0", "1", "2", "5", "-1", "x"))
		}
		return C(args...)
	})
	Register(f, "XLEN", 3, true, func(g *Gen) Cmd { return C("XLEN", g.Key()) })
	Register(f, "XDEL", 4, true, func(g *Gen) Cmd {
		args := []string{"XDEL", g.Key()}
		for range g.Int(1, 4) {
			args = append(args, g.streamID())
		}
		return C(args...)
	})
	Register(f, "XTRIM", 3, true, func(g *Gen) Cmd {
		args := append([]string{"XTRIM", g.Key()}, g.streamTrim()...)
		return C(args...)
	})
	Register(f, "XSETID", 2, true, func(g *Gen) Cmd {
		args := []string{"XSETID", g.Key(), g.streamID()}
		if g.Chance(0.3) {
			args = append(args, "ENTRIESADDED", g.Pick("0", "5", "100", "-1"))
		}
		if g.Chance(0.3) {
			args = append(args, "MAXDELETEDID", g.streamID())
		}
		return C(args...)
	})
	Register(f, "XREAD", 4, true, func(g *Gen) Cmd {
		args := []string{"XREAD"}
		if g.Chance(0.4) {
			args = append(args, "COUNT", g.Pick("0", "1", "3", "-1"))
		}
		keys := g.KeysN(g.Int(1, 2))
		args = append(args, "STREAMS")
		args = append(args, keys...)
		for range keys {
			args = append(args, g.Pick(g.streamID(), "$", "0"))
		}
		return C(args...)
	})
	Register(f, "XGROUP CREATE", 3, true, func(g *Gen) Cmd {
		args := []string{"XGROUP", "CREATE", g.Key(), g.streamGroup(), g.Pick("$", "0", g.streamID())}
		if g.Chance(0.3) {
			args = append(args, "MKSTREAM")
		}
		if g.Chance(0.2) {
			args = append(args, "ENTRIESREAD", g.Pick("0", "3", "-1", "-2"))
		}
		return C(args...)
	})
	Register(f, "XGROUP", 2, true, func(g *Gen) Cmd {
		switch g.R.IntN(4) {
		case 0:
			return C("XGROUP", "SETID", g.Key(), g.streamGroup(), g.Pick("$", "0", g.streamID(), "-", "+"))
		case 1:
			return C("XGROUP", "DESTROY", g.Key(), g.streamGroup())
		case 2:
			return C("XGROUP", "CREATECONSUMER", g.Key(), g.streamGroup(), g.streamConsumer())
		}
		return C("XGROUP", "DELCONSUMER", g.Key(), g.streamGroup(), g.streamConsumer())
	})
	Register(f, "XREADGROUP", 6, true, func(g *Gen) Cmd {
		args := []string{"XREADGROUP", "GROUP", g.streamGroup(), g.streamConsumer()}
		if g.Chance(0.4) {
			args = append(args, "COUNT", g.Pick("0", "1", "3"))
		}
		if g.Chance(0.2) {
			args = append(args, "NOACK")
		}
		args = append(args, "STREAMS", g.Key(), g.Pick(">", ">", ">", "0", g.streamID()))
		return C(args...)
	})
	Register(f, "XACK", 3, true, func(g *Gen) Cmd {
		args := []string{"XACK", g.Key(), g.streamGroup()}
		for range g.Int(1, 3) {
			args = append(args, g.streamID())
		}
		return C(args...)
	})
	Register(f, "XPENDING", 4, true, func(g *Gen) Cmd {
		if g.Chance(0.5) {
			return C("XPENDING", g.Key(), g.streamGroup())
		}
		args := []string{"XPENDING", g.Key(), g.streamGroup()}
		if g.Chance(0.2) {
			args = append(args, "IDLE", g.Pick("0", "1000000", "x"))
		}
		args = append(args, g.streamRangeID(), g.streamRangeID(), g.Pick("10", "1", "0", "-1"))
		if g.Chance(0.3) {
			args = append(args, g.streamConsumer())
		}
		return C(args...).With(TypeOnly) // idle times
	})
	Register(f, "XCLAIM", 3, true, func(g *Gen) Cmd {
		args := []string{"XCLAIM", g.Key(), g.streamGroup(), g.streamConsumer(), g.Pick("0", "1000000", "-5", "x")}
		for range g.Int(1, 3) {
			args = append(args, g.streamID())
		}
		if g.Chance(0.3) {
			args = append(args, "FORCE")
		}
		if g.Chance(0.3) {
			args = append(args, "JUSTID")
		}
		if g.Chance(0.2) {
			args = append(args, "RETRYCOUNT", g.Pick("5", "0", "x"))
		}
		if g.Chance(0.2) {
			args = append(args, "LASTID", g.streamID())
		}
		return C(args...)
	})
	Register(f, "XAUTOCLAIM", 3, true, func(g *Gen) Cmd {
		args := []string{"XAUTOCLAIM", g.Key(), g.streamGroup(), g.streamConsumer(), g.Pick("0", "0", "1000000", "x"), g.Pick("0", "-", g.streamID(), "("+g.streamID())}
		if g.Chance(0.4) {
			args = append(args, "COUNT", g.Pick("1", "2", "100", "0", "-1"))
		}
		if g.Chance(0.3) {
			args = append(args, "JUSTID")
		}
		return C(args...)
	})
	Register(f, "XINFO", 3, true, func(g *Gen) Cmd {
		switch g.R.IntN(4) {
		case 0:
			return C("XINFO", "GROUPS", g.Key())
		case 1:
			return C("XINFO", "CONSUMERS", g.Key(), g.streamGroup()).With(TypeOnly) // idle times
		case 2:
			return C("XINFO", "STREAM", g.Key())
		}
		return C("XINFO", "STREAM", g.Key(), "FULL", "COUNT", g.Pick("0", "2", "10")).With(TypeOnly) // times
	})
	Register(f, "DUMP", 1, true, func(g *Gen) Cmd { return C("DUMP", g.Key()).With(Payload) })
	Register(f, "TYPE", 1, true, func(g *Gen) Cmd { return C("TYPE", g.Key()) })
	Register(f, "COPY", 1, true, func(g *Gen) Cmd { return C("COPY", g.Key(), g.Key(), "REPLACE") })
	Register(f, "RENAME", 1, true, func(g *Gen) Cmd { return C("RENAME", g.Key(), g.Key()) })
	Register(f, "SET", 1, true, func(g *Gen) Cmd { return C("SET", g.Key(), g.Value()) })
	Register(f, "DEL", 1, true, func(g *Gen) Cmd { return C("DEL", g.Key()) })
	Register(f, "OBJECT ENCODING", 1, true, func(g *Gen) Cmd { return C("OBJECT", "ENCODING", g.Key()) })
	Register(f, "CONFIG SET stream-node-max-entries", 1, true, func(g *Gen) Cmd {
		return C("CONFIG", "SET", "stream-node-max-entries", g.Pick("100", "100", "2", "3", "0"))
	})
}

func init() {
	RegisterKnownBug(KnownBug{
		ID: "xadd-partial-id-errno",
		What: "XADD <ms>-* when the stream's last ID is <ms>-18446744073709551615: Redis 7.0 replies with the " +
			"error its errno happens to hold (\"equal or smaller\" after an earlier XADD ID error, else \"Elements are too large\"); " +
			"Vesta always replies \"Elements are too large\"",
		Match: func(prefix Script, c Cmd) bool {
			if c.Name() != "XADD" {
				return false
			}
			partial := false
			for _, a := range c.Args {
				if strings.HasSuffix(a, "-*") {
					partial = true
				}
			}
			if !partial {
				return false
			}
			for _, st := range prefix {
				for _, a := range st.Args {
					if strings.HasSuffix(a, "-18446744073709551615") || strings.HasPrefix(a, "18446744073709551615") {
						return true
					}
				}
			}
			return false
		},
		Script: Script{
			C("XADD", "s", "1-0", "f", "v"),
			C("XADD", "s", "2-18446744073709551615", "f", "v"),
			C("XADD", "s", "1-*", "f", "v"),
			C("XADD", "s", "2-*", "f", "v"),
		},
	})
}

// genStreamBlocking returns one to three clients blocked in XREAD or
// XREADGROUP (BLOCK 0) on streams, the commands of connection 0 that may
// serve them or end their wait with an error (XADD, XADD inside
// MULTI/EXEC, DEL, FLUSHDB, SET of another type, XGROUP DESTROY, XGROUP
// SETID), and
// the reads of their replies.
func genStreamBlocking(g *Gen) Script {
	var s Script
	key := g.Key()
	if g.Chance(0.7) {
		s = append(s, C("XGROUP", "CREATE", key, "g1", "$", "MKSTREAM"))
	}
	nb := g.Int(1, 3)
	for conn := 1; conn <= nb; conn++ {
		var c Cmd
		if g.Chance(0.5) {
			args := []string{"XREAD"}
			if g.Chance(0.3) {
				args = append(args, "COUNT", g.Pick("1", "2"))
			}
			c = C(append(args, "BLOCK", "0", "STREAMS", key, g.Pick("$", "$", "0", g.streamID()))...)
		} else {
			args := []string{"XREADGROUP", "GROUP", "g1", g.streamConsumer()}
			if g.Chance(0.3) {
				args = append(args, "COUNT", g.Pick("1", "2"))
			}
			if g.Chance(0.2) {
				args = append(args, "NOACK")
			}
			c = C(append(args, "BLOCK", "0", "STREAMS", key, ">")...)
		}
		s = append(s, c.On(conn).Blocking())
	}
	for n := g.Int(1, 4); n > 0; n-- {
		switch g.R.IntN(10) {
		case 0:
			s = append(s, C("DEL", key))
		case 8:
			s = append(s, C("FLUSHDB"))
		case 7:
			s = append(s, C("SET", key, "x"))
		case 1:
			s = append(s, C("XGROUP", "DESTROY", key, "g1"))
		case 2:
			s = append(s, C("MULTI"), C("XADD", key, g.streamMS()+"-*", "f", "m"), C("XADD", key, g.streamMS()+"-*", "f", "n"), C("EXEC"))
		case 3:
			s = append(s, C("XGROUP", "SETID", key, "g1", "0"))
		default:
			s = append(s, C(append([]string{"XADD", key, g.streamMS() + "-*"}, g.streamFields()...)...))
		}
	}
	for _, conn := range g.R.Perm(nb) {
		s = append(s, WaitReply(conn+1))
	}
	return s
}

func init() {
	RegisterSeq("stream", "block and wake", 3, true, genStreamBlocking)
}
