package compat

import "strconv"

// Generic key commands, expiry, and databases.

// Tolerances for TTL readings: the servers run each command a few
// milliseconds apart.
const (
	tolSeconds = 2
	tolMillis  = 2000
)

func init() {
	const k = "keys"
	Register(k, "DEL", 4, true, func(g *Gen) Cmd { return C(append([]string{g.Pick("DEL", "UNLINK")}, g.KeysN(g.Int(1, 3))...)...) })
	Register(k, "EXISTS", 3, true, func(g *Gen) Cmd { return C(append([]string{"EXISTS"}, g.KeysN(g.Int(1, 4))...)...) })
	Register(k, "TOUCH", 1, true, func(g *Gen) Cmd { return C(append([]string{"TOUCH"}, g.KeysN(g.Int(1, 3))...)...) })
	Register(k, "TYPE", 2, true, func(g *Gen) Cmd { return C("TYPE", g.Key()) })
	Register(k, "RENAME", 3, true, func(g *Gen) Cmd { return C(g.Pick("RENAME", "RENAMENX"), g.Key(), g.Key()) })
	Register(k, "COPY", 3, true, genCopy)
	Register(k, "MOVE", 2, true, func(g *Gen) Cmd { return C("MOVE", g.Key(), g.db()) })
	Register(k, "KEYS", 2, true, func(g *Gen) Cmd {
		return C("KEYS", g.Pick("*", "?", "[a-c]", "*x", "k:*", "{*", "\\{a}*")).With(Sorted)
	})
	Register(k, "RANDOMKEY", 1, true, func(g *Gen) Cmd {
		if g.PastExpiry {
			return C("EXISTS", g.Key())
		}
		return C("RANDOMKEY").With(TypeOnly)
	})
	Register(k, "DBSIZE", 2, true, func(g *Gen) Cmd { return C("DBSIZE") })

	const e = "expire"
	Register(e, "EXPIRE", 6, true, genExpire)
	Register(e, "EXPIREAT", 3, true, genExpireAt)
	Register(e, "TTL", 4, true, func(g *Gen) Cmd { return C("TTL", g.Key()).Approx(tolSeconds) })
	Register(e, "PTTL", 3, true, func(g *Gen) Cmd { return C("PTTL", g.Key()).Approx(tolMillis) })
	Register(e, "EXPIRETIME", 2, true, func(g *Gen) Cmd { return C("EXPIRETIME", g.Key()).Approx(tolSeconds) })
	Register(e, "PEXPIRETIME", 2, true, func(g *Gen) Cmd { return C("PEXPIRETIME", g.Key()).Approx(tolMillis) })
	Register(e, "PERSIST", 3, true, func(g *Gen) Cmd { return C("PERSIST", g.Key()) })

	const d = "db"
	Register(d, "SELECT", 3, true, func(g *Gen) Cmd {
		db := g.Pick("0", "0", "1", "2", "15", "16", "-1", "x")
		if n, err := strconv.Atoi(db); err == nil && n >= 0 && n < 16 {
			g.DB = n
		}
		return C("SELECT", db)
	})
	Register(d, "SWAPDB", 2, true, func(g *Gen) Cmd { return C("SWAPDB", g.db(), g.db()) })
	Register(d, "FLUSHDB", 1, true, func(g *Gen) Cmd {
		if g.Chance(0.3) {
			return C("FLUSHDB", g.Pick("ASYNC", "SYNC", "bogus"))
		}
		return C("FLUSHDB")
	})
	Register(d, "FLUSHALL", 1, true, func(g *Gen) Cmd {
		// Rare: it resets the whole dataset.
		if g.Chance(0.5) {
			return C("DBSIZE")
		}
		return C("FLUSHALL", g.Pick("ASYNC", "SYNC"))
	})
}

// db returns a database index: mostly valid, sometimes out of range.
func (g *Gen) db() string { return g.Pick("0", "1", "2", "1", "0", "16", "-1", "x") }

func genCopy(g *Gen) Cmd {
	args := []string{"COPY", g.Key(), g.Key()}
	if g.Chance(0.4) {
		args = append(args, "DB", g.db())
	}
	if g.Chance(0.4) {
		args = append(args, "REPLACE")
	}
	if g.Chance(0.05) {
		args = append(args, "bogus")
	}
	return C(args...)
}

// expireFlags returns EXPIRE's optional NX/XX/GT/LT, sometimes two of
// them (an error unless the combination is allowed).
func (g *Gen) expireFlags() []string {
	switch g.R.IntN(6) {
	case 0, 1:
		return nil
	case 2:
		return []string{g.Pick("NX", "XX", "GT", "LT", "nx", "gt"), g.Pick("NX", "XX", "GT", "LT")}
	default:
		return []string{g.Pick("NX", "XX", "GT", "LT", "bogus")}
	}
}

// genExpire covers EXPIRE/PEXPIRE with future, zero, negative, overflowing
// and invalid times.
func genExpire(g *Gen) Cmd {
	name := g.Pick("EXPIRE", "PEXPIRE")
	var v string
	switch g.R.IntN(10) {
	case 0:
		v = g.Pick("0", "-1", "-1000")
	case 1:
		v = g.Pick("abc", "1.5", "", "9223372036854775807", "-9223372036854775808", "9223372036854775")
	default:
		t := int64(g.TTL())
		if name == "PEXPIRE" {
			t *= 1000
		}
		v = strconv.FormatInt(t, 10)
	}
	return C(append([]string{name, g.Key(), v}, g.expireFlags()...)...)
}

// genExpireAt covers EXPIREAT/PEXPIREAT with far-future and past times.
func genExpireAt(g *Gen) Cmd {
	name := g.Pick("EXPIREAT", "PEXPIREAT")
	var t int64
	switch {
	case g.Chance(0.3):
		t = g.PastUnix()
	case g.Chance(0.05):
		return C(name, g.Key(), g.Pick("x", "-1", "9223372036854775807"))
	default:
		t = g.FutureUnix()
	}
	if name == "PEXPIREAT" {
		t *= 1000
	}
	return C(append([]string{name, g.Key(), strconv.FormatInt(t, 10)}, g.expireFlags()...)...)
}
