package command

import (
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// Ensure that GEOADD propagates as Redis's rewritten ZADD, that a search
// without STORE propagates nothing, and that PFCOUNT propagates only when
// it refreshed the cached cardinality.
func TestHLLGeoPropagation(t *testing.T) {
	tt := newTester(t)
	tt.env.limits.HLLSparseMaxBytes = 3000
	tt.run(
		xstep{"GEOADD g CH 13.361389 38.115556 Palermo", ":1|", "zadd g CH 3479099956230698 Palermo", 1},
		xstep{"GEOADD g CH 13.361389 38.115556 Palermo", ":0|", "", 0},
		xstep{"GEORADIUS g 13 38 100 km", "*1|$7|Palermo|", "", 0},
		xstep{"GEORADIUS g 13 38 100 km STORE d", ":1|", "GEORADIUS g 13 38 100 km STORE d", 1},
		xstep{"GEORADIUS g 0 0 1 m STORE d", ":0|", "GEORADIUS g 0 0 1 m STORE d", 1},
		xstep{"GEORADIUS g 0 0 1 m STORE d", ":0|", "", 0},
		xstep{"PFADD h a b c", ":1|", "PFADD h a b c", 4},
		xstep{"PFCOUNT h", ":3|", "PFCOUNT h", 1},
		xstep{"PFCOUNT h", ":3|", "", 0},
		xstep{"PFADD h a", ":0|", "", 0},
		xstep{"PFDEBUG TODENSE h", ":1|", "PFDEBUG TODENSE h", 1},
		xstep{"PFDEBUG TODENSE h", ":0|", "", 0},
		xstep{"PFMERGE m h", "+OK|", "PFMERGE m h", 1},
	)
}

// FuzzHLLGeoCommands runs arbitrary arguments through the HyperLogLog and
// geo commands on sparse, dense and damaged HyperLogLogs and on geo sets:
// no input may panic, and every reply must be one well-formed RESP value.
func FuzzHLLGeoCommands(f *testing.F) {
	for _, s := range []string{
		"PFADD\x00h\x00a\x00b", "PFCOUNT\x00h\x00d\x00bad", "PFMERGE\x00h\x00d\x00bad\x00g",
		"PFDEBUG\x00GETREG\x00bad", "PFDEBUG\x00DECODE\x00h",
		"GEOADD\x00g\x00CH\x00180\x0085.05112878\x00x", "GEODIST\x00g\x00a\x00b\x00mi",
		"GEOSEARCH\x00g\x00FROMLONLAT\x000\x000\x00BYBOX\x001e308\x00inf\x00km\x00COUNT\x009223372036854775807\x00ANY\x00WITHHASH",
		"GEORADIUSBYMEMBER\x00g\x00a\x005e-324\x00m\x00STOREDIST\x00d2\x00COUNT\x001",
		"GEOSEARCHSTORE\x00d3\x00g\x00FROMMEMBER\x00b\x00BYRADIUS\x0020000\x00km\x00DESC\x00STOREDIST",
	} {
		f.Add(s, uint8(2))
	}
	var names []string
	tb := NewTable()
	RegisterData(tb)
	for _, s := range tb.All() {
		if (strings.HasPrefix(s.Name, "pf") || strings.HasPrefix(s.Name, "geo")) && s.Name != "pfselftest" {
			names = append(names, s.Name)
		}
	}
	f.Fuzz(func(t *testing.T, line string, proto uint8) {
		args := strings.Split(line, "\x00")
		if len(args) > 64 {
			return
		}
		tt := newTester(t)
		tt.env.limits.HLLSparseMaxBytes = 3000
		tt.w.Proto = 2 + int(proto%2)
		tt.doArgs("PFADD", "h", "a", "b", "c")
		tt.doArgs("PFADD", "d", "x", "y", "z")
		tt.doArgs("PFDEBUG", "TODENSE", "d")
		tt.doArgs("SET", "bad", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xf0\x95\x40")
		tt.doArgs("GEOADD", "g", "13.361389", "38.115556", "a", "15.087269", "37.502669", "b", "-179.9", "-85", "c")
		if len(args[0]) > 0 && !strings.HasPrefix(strings.ToLower(args[0]), "pf") && !strings.HasPrefix(strings.ToLower(args[0]), "geo") {
			args[0] = names[int(args[0][0])%len(names)]
		}
		if strings.EqualFold(args[0], "pfselftest") {
			return
		}
		for i := 0; i < 2; i++ {
			reply := tt.doArgs(args...)
			if _, err := testutil.Parse([]byte(reply)); err != nil {
				t.Fatalf("%q: malformed reply %q: %v", args, reply, err)
			}
		}
	})
}
