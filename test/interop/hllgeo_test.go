package interop

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// hllGeoWorkload returns a deterministic stream of HyperLogLog and geo
// commands: sparse and dense HyperLogLogs (PFADD of growing sets, PFMERGE,
// PFCOUNT updating the cached cardinality, PFDEBUG TODENSE), geo sets and
// the searches that store their results. Searches that store distances are
// left out: a server replaying them recomputes the distances with its own
// sin and cos (see docs/COMPATIBILITY.md).
func hllGeoWorkload(seed uint64, n int) [][]string {
	rnd := rand.New(rand.NewPCG(seed, 2))
	var out [][]string
	k := func(p string) string { return fmt.Sprintf("%s:%d", p, rnd.IntN(8)) }
	coord := func() (string, string) {
		long := 13 + rnd.Float64()*4
		lat := 36 + rnd.Float64()*3
		return strconv.FormatFloat(long, 'f', 6, 64), strconv.FormatFloat(lat, 'f', 6, 64)
	}
	for i := 0; i < n; i++ {
		switch rnd.IntN(9) {
		case 0, 1:
			args := []string{"PFADD", k("hll")}
			size := []int{3, 50, 400, 5000}[rnd.IntN(4)]
			for j := 0; j < 1+rnd.IntN(40); j++ {
				args = append(args, fmt.Sprint("e", rnd.IntN(size)))
			}
			out = append(out, args)
		case 2:
			out = append(out, []string{"PFCOUNT", k("hll")})
		case 3:
			out = append(out, []string{"PFMERGE", k("hll"), k("hll"), k("hll")})
		case 4:
			if rnd.IntN(8) == 0 {
				out = append(out, []string{"PFDEBUG", "TODENSE", k("hll")})
			}
		case 5, 6:
			args := []string{"GEOADD", k("geo")}
			for j := 0; j < 1+rnd.IntN(5); j++ {
				long, lat := coord()
				args = append(args, long, lat, fmt.Sprint("m", rnd.IntN(200)))
			}
			out = append(out, args)
		case 7:
			long, lat := coord()
			out = append(out, []string{"GEORADIUS", k("geo"), long, lat, fmt.Sprint(10 + rnd.IntN(300)), "km",
				"COUNT", fmt.Sprint(1 + rnd.IntN(20)), "STORE", k("geo")})
		default:
			out = append(out, []string{"GEOSEARCHSTORE", k("geo"), k("geo"), "FROMLONLAT", "15", "37.5",
				"BYBOX", fmt.Sprint(10 + rnd.IntN(500)), fmt.Sprint(10 + rnd.IntN(500)), "km"})
		}
	}
	return out
}

// runTolerant is run without failing on error replies (PFDEBUG on a key
// that is not there yet).
func runTolerant(t *testing.T, s *testutil.Server, cmds [][]string) {
	t.Helper()
	c := testutil.Dial(t, s.Addr)
	defer c.Close()
	for _, cmd := range cmds {
		c.Do(cmd...)
	}
}

// Ensure that HyperLogLogs and geo sets move between Vesta and Redis in
// dump.rdb and in AOF directories (RDB and RESP bases, incr files) with
// the same digest, both ways.
func TestHLLGeoFilesBothWays(t *testing.T) {
	start := map[string]func(testing.TB, ...string) *testutil.Server{"vesta": testutil.StartVesta, "redis": testutil.StartRedis}
	for _, kind := range []string{"rdb", "aof-preamble", "aof-resp"} {
		for _, from := range []string{"vesta", "redis"} {
			t.Run(kind+"/"+from, func(t *testing.T) {
				to := map[string]string{"vesta": "redis", "redis": "vesta"}[from]
				args := []string{"--enable-debug-command", "yes"}
				if kind != "rdb" {
					args = append(args, "--appendonly", "yes", "--aof-use-rdb-preamble", map[bool]string{true: "yes", false: "no"}[kind == "aof-preamble"])
				}
				src := start[from](t, args...)
				runTolerant(t, src, hllGeoWorkload(1, 500))
				if kind == "rdb" {
					run(t, src, [][]string{{"SAVE"}})
				} else {
					run(t, src, [][]string{{"BGREWRITEAOF"}})
					waitRewrite(t, src)
					runTolerant(t, src, hllGeoWorkload(2, 300))
				}
				want := digest(t, src)
				src.Stop()

				dst := start[to](t, args...)
				dst.Stop()
				installData(t, kind, src, dst)
				dst.StartAgain()
				if got := digest(t, dst); got != want {
					t.Fatalf("%s loaded %s's files with digest %s, want %s\n%s", to, from, got, want, dst.Log())
				}
			})
		}
	}
}

// Ensure that the HyperLogLog and geo commands append the same incr file
// on both servers: GEOADD as ZADD with the hashes as scores, PFCOUNT when
// it updates the cached cardinality, PFDEBUG TODENSE when it converts, the
// stores as the commands themselves.
func TestHLLGeoIncrFileIdentical(t *testing.T) {
	var files [2]string
	for i, start := range []func(testing.TB, ...string) *testutil.Server{testutil.StartVesta, testutil.StartRedis} {
		s := start(t, common...)
		runTolerant(t, s, hllGeoWorkload(7, 600))
		s.Stop()
		data, err := os.ReadFile(filepath.Join(s.Dir, "appendonlydir", "appendonly.aof.1.incr.aof"))
		if err != nil {
			t.Fatal(err)
		}
		files[i] = string(data)
	}
	if files[0] != files[1] {
		a, b := files[0], files[1]
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		lo := max(0, i-200)
		t.Fatalf("incr files differ at byte %d:\nvesta: %q\nredis: %q", i, a[lo:min(len(a), i+200)], b[lo:min(len(b), i+200)])
	}
}
