package compat

// The "wrongtype" family creates keys of the other types (list, set, hash,
// sorted set) in the shared key space, so that the string and key
// generators hit them and WRONGTYPE paths, TYPE, OBJECT ENCODING, COPY,
// RENAME and DEBUG DIGEST get compared for them too. It is not in the
// default set until Vesta has those types; run it with
// -compat.families=strings,keys,expire,db,errors,misc,wrongtype.
// The families of the types themselves (their full command sets) belong
// in files of their own.

func init() {
	const f = "wrongtype"
	Register(f, "RPUSH", 2, false, func(g *Gen) Cmd { return C("RPUSH", g.Key(), g.Value(), g.Value()) })
	Register(f, "SADD", 2, false, func(g *Gen) Cmd { return C("SADD", g.Key(), g.Value(), g.Value()) })
	Register(f, "HSET", 2, false, func(g *Gen) Cmd { return C("HSET", g.Key(), g.Value(), g.Value()) })
	Register(f, "ZADD", 2, false, func(g *Gen) Cmd {
		return C("ZADD", g.Key(), g.Pick("1", "-2.5", "inf", "0"), g.Value())
	})
	Register(f, "LRANGE", 1, false, func(g *Gen) Cmd { return C("LRANGE", g.Key(), "0", "-1") })
	Register(f, "SMEMBERS", 1, false, func(g *Gen) Cmd { return C("SMEMBERS", g.Key()).With(Sorted) })
	Register(f, "HGETALL", 1, false, func(g *Gen) Cmd { return C("HGETALL", g.Key()).With(Sorted) })
	Register(f, "ZRANGE", 1, false, func(g *Gen) Cmd { return C("ZRANGE", g.Key(), "0", "-1", "WITHSCORES") })
}
