package compat

import "strconv"

// String commands.

func init() {
	const f = "strings"
	Register(f, "SET", 12, true, genSet)
	Register(f, "GET", 8, true, func(g *Gen) Cmd { return C("GET", g.Key()) })
	Register(f, "MGET", 3, true, func(g *Gen) Cmd { return C(append([]string{"MGET"}, g.KeysN(g.Int(1, 4))...)...) })
	Register(f, "MSET", 3, true, func(g *Gen) Cmd { return C(append([]string{"MSET"}, g.pairs(g.Int(1, 3))...)...) })
	Register(f, "MSETNX", 2, true, func(g *Gen) Cmd { return C(append([]string{"MSETNX"}, g.pairs(g.Int(1, 3))...)...) })
	Register(f, "SETNX", 2, true, func(g *Gen) Cmd { return C("SETNX", g.Key(), g.Value()) })
	Register(f, "SETEX", 2, true, func(g *Gen) Cmd {
		name, ttl := "SETEX", g.TTL()
		if g.Chance(0.5) {
			name, ttl = "PSETEX", ttl*1000
		}
		return C(name, g.Key(), g.Pick(strconv.Itoa(ttl), strconv.Itoa(ttl), "0", "-5", "abc", "9223372036854775807"), g.Value())
	})
	Register(f, "INCR", 5, true, func(g *Gen) Cmd { return C(g.Pick("INCR", "DECR"), g.Key()) })
	Register(f, "INCRBY", 5, true, func(g *Gen) Cmd {
		return C(g.Pick("INCRBY", "DECRBY"), g.Key(), g.Pick(append(intValues, "1.5", "abc", "", "-0")...))
	})
	Register(f, "INCRBYFLOAT", 5, true, func(g *Gen) Cmd {
		return C("INCRBYFLOAT", g.Key(), g.Pick("1", "-1", "0.1", "1.5", "-2.25", "1e3", "3.0e-5", "10.50",
			"1e308", "-1e308", "inf", "-inf", "nan", "abc", "", "5.0000000000000001", "123456789012345678"))
	})
	Register(f, "APPEND", 4, true, func(g *Gen) Cmd { return C("APPEND", g.Key(), g.Value()) })
	Register(f, "STRLEN", 2, true, func(g *Gen) Cmd { return C("STRLEN", g.Key()) })
	Register(f, "GETRANGE", 3, true, func(g *Gen) Cmd {
		return C(g.Pick("GETRANGE", "SUBSTR"), g.Key(), g.index(), g.index())
	})
	Register(f, "SETRANGE", 3, true, func(g *Gen) Cmd {
		off := g.Pick("0", "1", "3", "10", "50", "-1", "536870912", "x")
		return C("SETRANGE", g.Key(), off, g.Pick(g.Value(), ""))
	})
	Register(f, "GETEX", 4, true, genGetEx)
	Register(f, "GETDEL", 2, true, func(g *Gen) Cmd { return C("GETDEL", g.Key()) })
	Register(f, "GETSET", 2, true, func(g *Gen) Cmd { return C("GETSET", g.Key(), g.Value()) })
	Register(f, "ENCODING", 3, true, func(g *Gen) Cmd { return C("OBJECT", "ENCODING", g.Key()) })
}

// pairs returns n key-value pairs.
func (g *Gen) pairs(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, g.Key(), g.Value())
	}
	return out
}

// index returns a string index for GETRANGE: small, negative or extreme.
func (g *Gen) index() string {
	return g.Pick("0", "1", "2", "5", "-1", "-2", "-5", "100", "-100",
		"9223372036854775807", "-9223372036854775808", "x")
}

// genSet covers SET with every option, valid and invalid combinations.
func genSet(g *Gen) Cmd {
	args := []string{"SET", g.Key(), g.Value()}
	if g.Chance(0.4) {
		args = append(args, g.expiryOption(false)...)
	}
	if g.Chance(0.3) {
		args = append(args, g.Pick("NX", "XX", "nx", "xx"))
	}
	if g.Chance(0.2) {
		args = append(args, "GET")
	}
	if g.Chance(0.1) {
		args = append(args, "KEEPTTL")
	}
	if g.Chance(0.05) {
		args = append(args, g.Pick("NX", "EX", "PX", "bogus", "GET"))
	}
	return C(args...)
}

// genGetEx covers GETEX with each option.
func genGetEx(g *Gen) Cmd {
	args := []string{"GETEX", g.Key()}
	switch g.R.IntN(5) {
	case 0:
	case 1:
		args = append(args, "PERSIST")
	case 2:
		args = append(args, g.expiryOption(false)...)
	case 3:
		args = append(args, g.expiryOption(true)...)
	default:
		args = append(args, g.Pick("KEEPTTL", "EX", "PERSIST", "EX"), g.Pick("10", "PERSIST"))
	}
	return C(args...)
}

// expiryOption returns EX/PX/EXAT/PXAT with a value: mostly valid and far
// from now, sometimes in the past, sometimes invalid.
func (g *Gen) expiryOption(allowBad bool) []string {
	opt := g.Pick("EX", "PX", "EXAT", "PXAT", "ex", "px")
	var v string
	switch {
	case allowBad || g.Chance(0.1):
		v = g.Pick("0", "-1", "abc", "1.5", "9223372036854775807", "")
	case opt == "EXAT" || opt == "PXAT":
		t := g.FutureUnix()
		if g.Chance(0.3) {
			t = g.PastUnix()
		}
		if opt == "PXAT" {
			t *= 1000
		}
		v = strconv.FormatInt(t, 10)
	default:
		t := int64(g.TTL())
		if opt == "PX" || opt == "px" {
			t *= 1000
		}
		v = strconv.FormatInt(t, 10)
	}
	return []string{opt, v}
}
