package interop

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// streamKeys are the streams of the stream workload.
var streamKeys = []string{"s1", "s2", "s3", "{s}4"}

// streamWorkload returns n stream commands: explicit and partial IDs,
// deletions and trims (tombstones, removed nodes), consumer groups read
// with and without NOACK, acknowledged, claimed and re-read, consumers
// created and deleted. Some commands fail on purpose (an ID too small);
// run it with runTolerant.
func streamWorkload(seed uint64, n int) [][]string {
	r := rand.New(rand.NewPCG(seed, 3))
	ms := int64(1000 * seed)
	out := [][]string{{"CONFIG", "SET", "stream-node-max-entries", "7"}}
	groups := []string{"g1", "g2", "7"}
	consumers := []string{"alice", "bob", "12"}
	id := func() string {
		return strconv.FormatInt(ms-int64(r.IntN(40)), 10) + "-" + strconv.Itoa(r.IntN(3))
	}
	for range n {
		k := streamKeys[r.IntN(len(streamKeys))]
		g := groups[r.IntN(len(groups))]
		c := consumers[r.IntN(len(consumers))]
		switch r.IntN(20) {
		case 0, 1, 2, 3, 4, 5:
			ms += int64(r.IntN(3))
			cmd := []string{"XADD", k, strconv.FormatInt(ms, 10) + "-*", "f", strconv.Itoa(r.IntN(1000))}
			if r.IntN(3) == 0 {
				cmd = append(cmd, "other", "field"+strconv.Itoa(r.IntN(5)))
			}
			out = append(out, cmd)
		case 6:
			out = append(out, []string{"XADD", k, "*", "auto", "1"})
		case 7:
			out = append(out, []string{"XDEL", k, id(), id()})
		case 8:
			if r.IntN(2) == 0 {
				out = append(out, []string{"XTRIM", k, "MAXLEN", "~", strconv.Itoa(20 + r.IntN(20))})
			} else {
				out = append(out, []string{"XTRIM", k, "MINID", "~", strconv.FormatInt(ms-20, 10), "LIMIT", "10"})
			}
		case 9:
			out = append(out, []string{"XTRIM", k, "MINID", strconv.FormatInt(ms-30, 10)})
		case 10:
			out = append(out, []string{"XGROUP", "CREATE", k, g, "0", "MKSTREAM"})
		case 11, 12, 13:
			cmd := []string{"XREADGROUP", "GROUP", g, c, "COUNT", strconv.Itoa(1 + r.IntN(4))}
			if r.IntN(5) == 0 {
				cmd = append(cmd, "NOACK")
			}
			out = append(out, append(cmd, "STREAMS", k, ">"))
		case 14:
			out = append(out, []string{"XACK", k, g, id(), id()})
		case 15:
			out = append(out, []string{"XCLAIM", k, g, c, "0", id(), id()})
		case 16:
			out = append(out, []string{"XAUTOCLAIM", k, g, c, "0", "0", "COUNT", "3"})
		case 17:
			out = append(out, []string{"XGROUP", "CREATECONSUMER", k, g, c})
		case 18:
			if r.IntN(4) == 0 {
				out = append(out, []string{"XGROUP", "DELCONSUMER", k, g, c})
			} else {
				out = append(out, []string{"XREADGROUP", "GROUP", g, c, "STREAMS", k, "0"})
			}
		case 19:
			if r.IntN(3) == 0 {
				out = append(out, []string{"XGROUP", "SETID", k, g, id()})
			} else {
				out = append(out, []string{"XADD", k, "MAXLEN", "~", "25", "LIMIT", strconv.Itoa(5 + r.IntN(20)), strconv.FormatInt(ms, 10) + "-*", "t", "1"})
			}
		}
	}
	// An empty stream with a group and a stream emptied by XDEL.
	out = append(out, []string{"XGROUP", "CREATE", "empty", "g", "$", "MKSTREAM"},
		[]string{"XADD", "gone", "5-5", "a", "b"}, []string{"XDEL", "gone", "5-5"})
	return out
}

// idleTimes matches the idle time in an XPENDING extended entry, and
// deliveries the delivery count after it.
var (
	idleTimes  = regexp.MustCompile(`(\*4\r\n\$\d+\r\n[^\r]*\r\n\$\d+\r\n[^\r]*\r\n):\d+\r\n`)
	deliveries = regexp.MustCompile(`(:<idle>\r\n):\d+\r\n`)
	raxShape   = regexp.MustCompile(`(\$1[56]\r\nradix-tree-(keys|nodes)\r\n):\d+\r\n`)
)

// streamState is what a stream holds besides its entries (which DEBUG
// DIGEST covers) and the clock's readings: XINFO STREAM, XINFO GROUPS,
// and each group's pending entries with their owners and delivery counts.
// Without exact, the node layout (radix-tree-keys and -nodes) and the
// delivery counts are left out: replaying an AOF does not reproduce them,
// in Redis either (a ~ trim is logged as an exact one, CONFIG SET
// stream-node-max-entries is not logged, and reading a consumer's history
// counts a delivery that is not logged).
func streamState(t *testing.T, s *testutil.Server, exact bool) string {
	t.Helper()
	c := testutil.Dial(t, s.Addr)
	defer c.Close()
	out := ""
	for _, k := range append(streamKeys, "empty", "gone") {
		info := c.Do("XINFO", "STREAM", k)
		if !exact {
			info = raxShape.ReplaceAll(info, []byte("${1}:<n>\r\n"))
		}
		out += fmt.Sprintf("%s: %q %q\n", k, info, c.Do("XINFO", "GROUPS", k))
		for _, g := range []string{"g", "g1", "g2", "7"} {
			p := idleTimes.ReplaceAll(c.Do("XPENDING", k, g, "-", "+", "100000"), []byte("${1}:<idle>\r\n"))
			if !exact {
				p = deliveries.ReplaceAll(p, []byte("${1}:<n>\r\n"))
			}
			out += fmt.Sprintf("  %s: %q %q\n", g, c.Do("XPENDING", k, g), p)
		}
	}
	return out
}

// Ensure that streams with groups, PELs, consumers and deleted entries
// move between Vesta and Redis in dump.rdb and in AOF directories (RDB
// and RESP bases, incr files) both ways: the files each server writes load
// into both servers with the digest of the source, and into the same
// stream state. A dump.rdb keeps the exact state of the source; an AOF
// replays to a state that differs from the source's in ways Redis's own
// logging implies (see streamState), so there the two loaders are compared
// with each other.
func TestStreamFilesBothWays(t *testing.T) {
	start := map[string]func(testing.TB, ...string) *testutil.Server{"vesta": testutil.StartVesta, "redis": testutil.StartRedis}
	for _, kind := range []string{"rdb", "aof-preamble", "aof-resp"} {
		for _, from := range []string{"vesta", "redis"} {
			t.Run(kind+"/"+from, func(t *testing.T) {
				args := []string{"--enable-debug-command", "yes"}
				if kind != "rdb" {
					args = append(args, "--appendonly", "yes", "--aof-use-rdb-preamble", map[bool]string{true: "yes", false: "no"}[kind == "aof-preamble"])
				}
				src := start[from](t, args...)
				runTolerant(t, src, streamWorkload(1, 800))
				if kind == "rdb" {
					run(t, src, [][]string{{"SAVE"}})
				} else {
					run(t, src, [][]string{{"BGREWRITEAOF"}})
					waitRewrite(t, src)
					runTolerant(t, src, streamWorkload(2, 400))
				}
				want, srcState := digest(t, src), streamState(t, src, kind == "rdb")
				src.Stop()

				states := map[string]string{}
				for _, to := range []string{"vesta", "redis"} {
					dst := start[to](t, args...)
					dst.Stop()
					installData(t, kind, src, dst)
					dst.StartAgain()
					if got := digest(t, dst); got != want {
						t.Fatalf("%s loaded %s's files with digest %s, want %s\n%s", to, from, got, want, dst.Log())
					}
					states[to] = streamState(t, dst, kind == "rdb")
					dst.Stop()
				}
				wantState := srcState
				if kind != "rdb" {
					wantState = states["redis"]
				}
				if got := states["vesta"]; got != wantState {
					gl, wl := strings.Split(got, "\n"), strings.Split(wantState, "\n")
					for i := range min(len(gl), len(wl)) {
						if gl[i] != wl[i] {
							t.Fatalf("vesta loaded %s's files with a different stream state:\n got %s\nwant %s", from, gl[i], wl[i])
						}
					}
					t.Fatalf("vesta loaded %s's files with a different stream state", from)
				}
			})
		}
	}
}

// clockValues matches the clock's readings in propagated commands: an
// XCLAIM's TIME and automatic IDs (13-digit milliseconds), wherever they
// appear.
var clockValues = regexp.MustCompile(`\$\d+\r\n\d{13}(-\d+)?\r\n`)

// Ensure that the stream commands append the same incr file on both
// servers: XADD with the ID it generated, ~ trims rewritten as exact ones,
// XREADGROUP as XCLAIM and XGROUP SETID, XCLAIM and XAUTOCLAIM as XCLAIMs.
func TestStreamIncrFileIdentical(t *testing.T) {
	var files [2]string
	for i, start := range []func(testing.TB, ...string) *testutil.Server{testutil.StartVesta, testutil.StartRedis} {
		s := start(t, common...)
		runTolerant(t, s, streamWorkload(7, 700))
		s.Stop()
		data, err := os.ReadFile(filepath.Join(s.Dir, "appendonlydir", "appendonly.aof.1.incr.aof"))
		if err != nil {
			t.Fatal(err)
		}
		files[i] = clockValues.ReplaceAllString(string(data), "<clock>\r\n")
	}
	if files[0] != files[1] {
		a, b := files[0], files[1]
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		lo := max(0, i-300)
		t.Fatalf("incr files differ at byte %d:\nvesta: %q\nredis: %q", i, a[lo:min(len(a), i+300)], b[lo:min(len(b), i+300)])
	}
}

// Ensure that approximate trims with LIMIT, logged as exact ones that keep
// their LIMIT (as Redis logs them), replay from the AOF: the loader obeys
// what was logged instead of refusing LIMIT without "~". Both servers load
// each other's files to the source's digest.
func TestStreamTrimLimitReplay(t *testing.T) {
	start := map[string]func(testing.TB, ...string) *testutil.Server{"vesta": testutil.StartVesta, "redis": testutil.StartRedis}
	for _, from := range []string{"vesta", "redis"} {
		for _, to := range []string{"vesta", "redis"} {
			t.Run(from+"->"+to, func(t *testing.T) {
				src := start[from](t, common...)
				var cmds [][]string
				for i := 1; i <= 300; i++ {
					cmds = append(cmds, []string{"XADD", "s", "MAXLEN", "~", "50", "LIMIT", "30", strconv.Itoa(i) + "-1", "f", "v"})
					if i%50 == 0 {
						cmds = append(cmds, []string{"XTRIM", "s", "MINID", "~", strconv.Itoa(i-40) + "-0", "LIMIT", "20"})
					}
				}
				run(t, src, cmds)
				want := digest(t, src)
				src.Stop()
				dst := start[to](t, common...)
				dst.Stop()
				installData(t, "aof", src, dst)
				dst.StartAgain()
				if got := digest(t, dst); got != want {
					t.Fatalf("%s replayed %s's AOF to digest %s, want %s\n%s", to, from, got, want, dst.Log())
				}
			})
		}
	}
}
