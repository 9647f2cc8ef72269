package compat

// The "hash" and "set" families: every hash and set command with random
// arguments over the shared key space, so that they collide with each other
// and with strings (WRONGTYPE), cross encoding thresholds (long values, many
// members, non-integer set members) and end in a DEBUG DIGEST comparison.
// Commands whose replies depend on random picks are compared by type only,
// and SPOP always asks for more members than a set can hold here, which
// empties the set the same way on both servers.

func init() {
	const h = "hash"
	field := func(g *Gen) string { return g.Pick("f", "g", "h", "1", "-2", "007", "long") }
	hval := func(g *Gen) string {
		if g.Chance(0.05) {
			return string(make([]byte, 70)) // over hash-max-listpack-value
		}
		return g.Value()
	}
	pairs := func(g *Gen, cmd string) Cmd {
		args := []string{cmd, g.Key()}
		for i := g.Int(1, 3); i > 0; i-- {
			args = append(args, field(g), hval(g))
		}
		if g.Chance(0.05) {
			args = args[:len(args)-1] // odd: an arity error
		}
		return C(args...)
	}
	Register(h, "HSET", 6, true, func(g *Gen) Cmd { return pairs(g, "HSET") })
	Register(h, "HMSET", 2, true, func(g *Gen) Cmd { return pairs(g, "HMSET") })
	Register(h, "HSETNX", 2, true, func(g *Gen) Cmd { return C("HSETNX", g.Key(), field(g), hval(g)) })
	Register(h, "HGET", 3, true, func(g *Gen) Cmd { return C("HGET", g.Key(), field(g)) })
	Register(h, "HMGET", 2, true, func(g *Gen) Cmd { return C("HMGET", g.Key(), field(g), field(g)) })
	Register(h, "HDEL", 3, true, func(g *Gen) Cmd { return C("HDEL", g.Key(), field(g), field(g)) })
	Register(h, "HLEN", 1, true, func(g *Gen) Cmd { return C("HLEN", g.Key()) })
	Register(h, "HSTRLEN", 1, true, func(g *Gen) Cmd { return C("HSTRLEN", g.Key(), field(g)) })
	Register(h, "HEXISTS", 1, true, func(g *Gen) Cmd { return C("HEXISTS", g.Key(), field(g)) })
	Register(h, "HKEYS", 1, true, func(g *Gen) Cmd { return C("HKEYS", g.Key()).With(Sorted) })
	Register(h, "HVALS", 1, true, func(g *Gen) Cmd { return C("HVALS", g.Key()).With(Sorted) })
	Register(h, "HGETALL", 2, true, func(g *Gen) Cmd { return C("HGETALL", g.Key()).With(Sorted) })
	Register(h, "HINCRBY", 3, true, func(g *Gen) Cmd { return C("HINCRBY", g.Key(), field(g), g.Pick(intValues...)) })
	Register(h, "HINCRBYFLOAT", 3, true, func(g *Gen) Cmd {
		return C("HINCRBYFLOAT", g.Key(), field(g), g.Pick("1.5", "-0.25", "10", "1e3", "0.1", "abc", "inf", "1e308"))
	})
	Register(h, "HRANDFIELD", 2, true, func(g *Gen) Cmd {
		switch g.R.IntN(3) {
		case 0:
			return C("HRANDFIELD", g.Key()).With(TypeOnly)
		case 1:
			return C("HRANDFIELD", g.Key(), g.Pick("-3", "2", "0", "x")).With(TypeOnly)
		}
		return C("HRANDFIELD", g.Key(), "100", "WITHVALUES").With(Sorted)
	})
	Register(h, "HSCAN", 1, true, func(g *Gen) Cmd { return C("HSCAN", g.Key(), "0", "COUNT", "1000").With(TypeOnly) })

	const s = "set"
	member := func(g *Gen) string {
		if g.Chance(0.6) {
			return g.Pick("1", "2", "3", "-7", "100000", "9223372036854775807")
		}
		return g.Pick("a", "b", "007", "-0", "x y")
	}
	members := func(g *Gen, args ...string) Cmd {
		for i := g.Int(1, 4); i > 0; i-- {
			args = append(args, member(g))
		}
		return C(args...)
	}
	Register(s, "SADD", 6, true, func(g *Gen) Cmd { return members(g, "SADD", g.Key()) })
	Register(s, "SREM", 3, true, func(g *Gen) Cmd { return members(g, "SREM", g.Key()) })
	Register(s, "SMEMBERS", 2, true, func(g *Gen) Cmd { return C("SMEMBERS", g.Key()).With(Sorted) })
	Register(s, "SISMEMBER", 2, true, func(g *Gen) Cmd { return C("SISMEMBER", g.Key(), member(g)) })
	Register(s, "SMISMEMBER", 1, true, func(g *Gen) Cmd { return members(g, "SMISMEMBER", g.Key()) })
	Register(s, "SCARD", 1, true, func(g *Gen) Cmd { return C("SCARD", g.Key()) })
	Register(s, "SPOP", 1, true, func(g *Gen) Cmd { return C("SPOP", g.Key(), "1000").With(Sorted) })
	Register(s, "SRANDMEMBER", 2, true, func(g *Gen) Cmd {
		if g.Chance(0.5) {
			return C("SRANDMEMBER", g.Key(), "1000").With(Sorted)
		}
		return C("SRANDMEMBER", g.Key(), g.Pick("-3", "2", "0", "x")).With(TypeOnly)
	})
	Register(s, "SMOVE", 2, true, func(g *Gen) Cmd { return C("SMOVE", g.Key(), g.Key(), member(g)) })
	for _, cmd := range []string{"SINTER", "SUNION", "SDIFF"} {
		Register(s, cmd, 2, true, func(g *Gen) Cmd { return C(append([]string{cmd}, g.KeysN(g.Int(1, 3))...)...).With(Sorted) })
		Register(s, cmd+"STORE", 2, true, func(g *Gen) Cmd {
			return C(append([]string{cmd + "STORE", g.Key()}, g.KeysN(g.Int(1, 3))...)...)
		})
	}
	Register(s, "SINTERCARD", 1, true, func(g *Gen) Cmd {
		return C("SINTERCARD", "2", g.Key(), g.Key(), "LIMIT", g.Pick("0", "1", "5"))
	})
	Register(s, "SSCAN", 1, true, func(g *Gen) Cmd { return C("SSCAN", g.Key(), "0", "COUNT", "1000").With(TypeOnly) })
	Register(s, "OBJECT ENCODING", 2, true, func(g *Gen) Cmd { return C("OBJECT", "ENCODING", g.Key()) })
}
