package compat

import (
	"strconv"
)

// The "geo" family: GEOADD, GEODIST, GEOHASH, GEOPOS, GEORADIUS and
// GEORADIUSBYMEMBER (and their _RO forms), GEOSEARCH and GEOSEARCHSTORE on
// the shared key space, so that geo sets meet plain sorted sets (whose
// scores are not geohashes, including inf and -inf), other types and
// missing keys. Positions cluster around a few centres (one near the
// antimeridian, one near the latitude limit) at spreads from micrometres
// to thousands of kilometres, and often repeat exactly, so that distances
// tie and the order Redis's sorts leave ties in is compared too. Radii,
// boxes and counts include 0, the extremes and values Redis refuses (nan,
// 1e400, negative, ±2^63, junk). Searches that store distances
// (STOREDIST) go to keys of their own that are read as members and
// deleted: Vesta's sin, cos and asin are correctly rounded and glibc's are
// not always, so a stored distance may differ in its last bit (see
// docs/COMPATIBILITY.md).

var geoCenters = [][2]float64{
	{13.361389, 38.115556}, {-122.27652, 37.805186}, {179.9999, -0.5}, {-179.9999, 0.5},
	{0, 0}, {2.35, 84.9}, {-70.5, -84.9}, {151.2, -33.85},
}

var geoMembers = []string{"a", "b", "c", "Palermo", "Catania", "1", "2", "-5", "x y", "", "m:long-member-name"}

var geoUnits = []string{"m", "km", "ft", "mi", "M", "KM", "Ft", "MI"}

// geoNumber returns a number argument: usually one of the given ones,
// sometimes an extreme or invalid one.
func (g *Gen) geoNumber(normal ...string) string {
	if g.Chance(0.06) {
		return g.Pick("0", "-0", "nan", "inf", "-inf", "+inf", "1e400", "-1e400", "1e-400", "x", "",
			"9223372036854775807", "-9223372036854775808", "-1", "0x10", "1e308", "5e-324")
	}
	return g.Pick(normal...)
}

func fmtF(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// geoPos returns a longitude and a latitude near one of the centres.
func (g *Gen) geoPos() (string, string) {
	if g.Chance(0.05) {
		return g.geoNumber("180", "-180", "0"), g.geoNumber("85.05112878", "-85.05112878", "85.05112879", "90", "0")
	}
	c := geoCenters[g.R.IntN(len(geoCenters))]
	if g.Chance(0.3) {
		return fmtF(c[0]), fmtF(c[1]) // exact repeats
	}
	spread := []float64{1e-6, 1e-3, 0.05, 1, 10, 60}[g.R.IntN(6)]
	long := c[0] + (g.R.Float64()*2-1)*spread
	lat := c[1] + (g.R.Float64()*2-1)*spread
	long = min(max(long, -180), 180)
	lat = min(max(lat, -85.05112878), 85.05112878)
	return fmtF(long), fmtF(lat)
}

func (g *Gen) geoRadius() string {
	return g.geoNumber("0", "1", "50", "1000", "25000", "200000", "1000000", "5000000", "20000000", "40000000", "0.5", "123.456")
}

func (g *Gen) geoUnit() string {
	if g.Chance(0.03) {
		return g.Pick("parsec", "", "meters", "k")
	}
	return g.Pick(geoUnits...)
}

func (g *Gen) geoMember() string {
	if g.Chance(0.05) {
		return "nosuchmember"
	}
	return g.Pick(geoMembers...)
}

// geoOptions returns the options of a search, shuffled.
func (g *Gen) geoOptions(search, store bool) []string {
	var opts [][]string
	if !store || g.Chance(0.05) {
		for _, w := range []string{"WITHCOORD", "WITHDIST", "WITHHASH"} {
			if g.Chance(0.4) {
				opts = append(opts, []string{g.Pick(w, "with"+w[4:])})
			}
		}
	}
	if g.Chance(0.4) {
		n := g.geoNumber("1", "2", "3", "5", "100", "9223372036854775807")
		o := []string{"COUNT", n}
		if g.Chance(0.4) {
			o = append(o, "ANY")
		}
		opts = append(opts, o)
	} else if g.Chance(0.03) {
		opts = append(opts, []string{"ANY"})
	}
	if g.Chance(0.6) {
		opts = append(opts, []string{g.Pick("ASC", "DESC", "asc", "desc")})
	}
	if g.Chance(0.03) {
		opts = append(opts, []string{g.Pick("COUNT", "STORE", "FOO", "FROMMEMBER")})
	}
	g.R.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
	var out []string
	for _, o := range opts {
		out = append(out, o...)
	}
	return out
}

// geoFromBy returns the FROM... and BY... arguments of GEOSEARCH.
func (g *Gen) geoFromBy() []string {
	var from, by []string
	if g.Chance(0.5) {
		from = []string{g.Pick("FROMMEMBER", "frommember"), g.geoMember()}
	} else {
		long, lat := g.geoPos()
		from = []string{"FROMLONLAT", long, lat}
	}
	if g.Chance(0.5) {
		by = []string{"BYRADIUS", g.geoRadius(), g.geoUnit()}
	} else {
		by = []string{"BYBOX", g.geoRadius(), g.geoRadius(), g.geoUnit()}
	}
	var out []string
	switch g.R.IntN(20) {
	case 0: // missing FROM
		out = by
	case 1: // missing BY
		out = from
	case 2: // both FROMs
		long, lat := g.geoPos()
		out = append(append(append(out, from...), "FROMLONLAT", long, lat), by...)
	default:
		if g.Chance(0.5) {
			out = append(append(out, from...), by...)
		} else {
			out = append(append(out, by...), from...)
		}
	}
	return out
}

func init() {
	const f = "geo"
	Register(f, "GEOADD", 10, true, func(g *Gen) Cmd {
		args := []string{"GEOADD", g.Key()}
		for _, o := range []string{"NX", "XX", "CH"} {
			if g.Chance(0.12) {
				args = append(args, o)
			}
		}
		for range g.Int(1, 6) {
			long, lat := g.geoPos()
			args = append(args, long, lat, g.geoMember())
		}
		if g.Chance(0.02) {
			args = append(args, "1") // an incomplete triple
		}
		return C(args...)
	})
	Register(f, "ZADD", 1, true, func(g *Gen) Cmd {
		return C("ZADD", g.Key(), g.Pick("0", "1", "-1", "inf", "-inf", "4503599627370496", "9007199254740992", "3.5", "1e300"), g.geoMember())
	})
	Register(f, "GEODIST", 4, true, func(g *Gen) Cmd {
		args := []string{"GEODIST", g.Key(), g.geoMember(), g.geoMember()}
		if g.Chance(0.6) {
			args = append(args, g.geoUnit())
		}
		if g.Chance(0.02) {
			args = append(args, "km")
		}
		return C(args...)
	})
	Register(f, "GEOHASH", 2, true, func(g *Gen) Cmd {
		args := []string{"GEOHASH", g.Key()}
		for range g.Int(0, 3) {
			args = append(args, g.geoMember())
		}
		return C(args...)
	})
	Register(f, "GEOPOS", 3, true, func(g *Gen) Cmd {
		args := []string{"GEOPOS", g.Key()}
		for range g.Int(0, 3) {
			args = append(args, g.geoMember())
		}
		return C(args...)
	})
	Register(f, "GEORADIUS", 6, true, func(g *Gen) Cmd {
		name := g.Pick("GEORADIUS", "GEORADIUS_RO", "georadius")
		long, lat := g.geoPos()
		args := append([]string{name, g.Key(), long, lat, g.geoRadius(), g.geoUnit()}, g.geoOptions(false, false)...)
		if name != "GEORADIUS_RO" && g.Chance(0.2) {
			args = append(args, "STORE", g.Key())
		}
		return C(args...)
	})
	Register(f, "GEORADIUSBYMEMBER", 5, true, func(g *Gen) Cmd {
		name := g.Pick("GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO")
		args := append([]string{name, g.Key(), g.geoMember(), g.geoRadius(), g.geoUnit()}, g.geoOptions(false, false)...)
		if name == "GEORADIUSBYMEMBER" && g.Chance(0.2) {
			args = append(args, "STORE", g.Key())
		}
		return C(args...)
	})
	Register(f, "GEOSEARCH", 8, true, func(g *Gen) Cmd {
		args := append([]string{g.Pick("GEOSEARCH", "geosearch"), g.Key()}, g.geoFromBy()...)
		return C(append(args, g.geoOptions(true, false)...)...)
	})
	Register(f, "GEOSEARCHSTORE", 4, true, func(g *Gen) Cmd {
		args := append([]string{"GEOSEARCHSTORE", g.Key(), g.Key()}, g.geoFromBy()...)
		return C(append(args, g.geoOptions(true, true)...)...)
	})
	RegisterSeq(f, "STOREDIST", 2, true, func(g *Gen) Script {
		var c Cmd
		if g.Chance(0.5) {
			args := append([]string{"GEOSEARCHSTORE", "geo:dist", g.Key()}, g.geoFromBy()...)
			c = C(append(append(args, g.geoOptions(true, true)...), "STOREDIST")...)
		} else {
			long, lat := g.geoPos()
			args := append([]string{"GEORADIUS", g.Key(), long, lat, g.geoRadius(), g.geoUnit()}, g.geoOptions(false, true)...)
			c = C(append(args, "STOREDIST", "geo:dist")...)
		}
		return Script{c, C("ZRANGE", "geo:dist", "0", "-1"), C("DEL", "geo:dist")}
	})
	Register(f, "ZRANGE", 2, true, func(g *Gen) Cmd { return C("ZRANGE", g.Key(), "0", "-1", "WITHSCORES") })
	Register(f, "SET", 1, true, func(g *Gen) Cmd { return C("SET", g.Key(), g.Value()) })
	Register(f, "DEL", 1, true, func(g *Gen) Cmd { return C("DEL", g.Key()) })
}
