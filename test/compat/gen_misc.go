package compat

// Connection and introspection commands whose replies are partly or wholly
// time- or server-dependent, compared loosely.

func init() {
	const f = "misc"
	Register(f, "PING", 1, true, func(g *Gen) Cmd {
		if g.Chance(0.5) {
			return C("PING")
		}
		return C("PING", g.Value())
	})
	Register(f, "ECHO", 1, true, func(g *Gen) Cmd { return C("ECHO", g.Value()) })
	Register(f, "TIME", 1, true, func(g *Gen) Cmd { return C("TIME").With(Ignore) })
	Register(f, "INFO", 1, true, func(g *Gen) Cmd {
		return C("INFO", g.Pick("keyspace", "server", "stats", "memory")).With(TypeOnly)
	})
	Register(f, "SCAN", 1, true, func(g *Gen) Cmd {
		if g.PastExpiry {
			// SCAN deletes the expired keys it visits, and which ones it
			// visits depends on the server's hash table.
			return C("DBSIZE")
		}
		args := []string{"SCAN", g.Pick("0", "0", "1", "x")}
		if g.Chance(0.3) {
			args = append(args, "MATCH", g.Pick("*", "a*", "?"))
		}
		if g.Chance(0.3) {
			args = append(args, "COUNT", g.Pick("10", "1000", "0", "-1"))
		}
		if g.Chance(0.2) {
			args = append(args, "TYPE", g.Pick("string", "list", "nosuch"))
		}
		// The cursor and the order are the server's own; errors are not.
		return C(args...).With(TypeOnly)
	})
	// Redis shares the objects of small integers, whose idle time is
	// the server's age: only the reply type is comparable.
	Register(f, "OBJECT IDLETIME", 1, true, func(g *Gen) Cmd { return C("OBJECT", "IDLETIME", g.Key()).With(TypeOnly) })
	Register(f, "OBJECT FREQ", 1, true, func(g *Gen) Cmd { return C("OBJECT", "FREQ", g.Key()) })
	Register(f, "OBJECT REFCOUNT", 1, true, func(g *Gen) Cmd { return C("OBJECT", "REFCOUNT", g.Key()).With(TypeOnly) })
	Register(f, "COMMAND COUNT", 1, true, func(g *Gen) Cmd { return C("COMMAND", "COUNT").With(TypeOnly) })
	Register(f, "CLIENT GETNAME", 1, true, func(g *Gen) Cmd { return C("CLIENT", "GETNAME") })
}
