// Package interop checks that Vesta and Redis 7.0 read each other's files:
// AOF directories (RDB and RESP bases, incr files) and dump.rdb, for every
// type, with equal DEBUG DIGEST; that both write the same incr file for
// the same commands; and that a forkless BGSAVE is a point-in-time image
// while writes continue.
package interop

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// workload returns a deterministic command stream over every type, with
// expiries, deletes and transactions.
func workload(seed uint64, n int) [][]string {
	rnd := rand.New(rand.NewPCG(seed, 1))
	var out [][]string
	k := func(p string) string { return fmt.Sprintf("%s:%d", p, rnd.IntN(40)) }
	v := func() string {
		if rnd.IntN(4) == 0 {
			return fmt.Sprint(rnd.IntN(100000))
		}
		return strings.Repeat(string(rune('a'+rnd.IntN(26))), 1+rnd.IntN(80))
	}
	for i := 0; i < n; i++ {
		switch rnd.IntN(16) {
		case 0:
			out = append(out, []string{"SET", k("s"), v()})
		case 1:
			out = append(out, []string{"INCR", k("n")})
		case 2:
			out = append(out, []string{"RPUSH", k("l"), v(), v()})
		case 3:
			out = append(out, []string{"LPOP", k("l")})
		case 4:
			out = append(out, []string{"HSET", k("h"), v(), v()})
		case 5:
			out = append(out, []string{"SADD", k("st"), v(), v()})
		case 6:
			out = append(out, []string{"ZADD", k("z"), fmt.Sprint(rnd.Float64() * 100), v()})
		case 7:
			out = append(out, []string{"DEL", k("s")})
		case 8:
			out = append(out, []string{"EXPIRE", k("s"), fmt.Sprint(1000 + rnd.IntN(1000))})
		case 9:
			out = append(out, []string{"SELECT", fmt.Sprint(rnd.IntN(3))})
		case 10:
			out = append(out, []string{"MULTI"}, []string{"INCR", k("n")}, []string{"SADD", k("st"), v()}, []string{"EXEC"})
		case 11:
			out = append(out, []string{"SET", k("s"), v(), "PX", fmt.Sprint(100000 + rnd.IntN(1000))})
		case 12:
			out = append(out, []string{"ZINCRBY", k("z"), "1.5", v()})
		case 13:
			out = append(out, []string{"HINCRBYFLOAT", k("h"), "f", "0.25"})
		case 14:
			out = append(out, []string{"INCRBYFLOAT", k("f"), "1.1"})
		default:
			for j := 0; j < 70; j++ { // a collection past the listpack limits
				out = append(out, []string{"SADD", "bigset", fmt.Sprintf("m%d", rnd.IntN(600))})
			}
			out = append(out, []string{"RPUSH", "biglist", strings.Repeat("x", 9000)})
		}
	}
	return out
}

func run(t *testing.T, s *testutil.Server, cmds [][]string) {
	t.Helper()
	c := testutil.Dial(t, s.Addr)
	defer c.Close()
	for _, cmd := range cmds {
		if r := c.Do(cmd...); len(r) > 0 && r[0] == '-' {
			t.Fatalf("%v: %s", cmd, r)
		}
	}
}

func digest(t *testing.T, s *testutil.Server) string {
	t.Helper()
	c := testutil.Dial(t, s.Addr)
	defer c.Close()
	return string(c.Do("DEBUG", "DIGEST"))
}

// installData gives the stopped dst src's data files: its dump.rdb (kind
// "rdb"), or its appendonlydir in place of dst's own (any other kind).
func installData(t *testing.T, kind string, src, dst *testutil.Server) {
	t.Helper()
	if kind == "rdb" {
		data, err := os.ReadFile(filepath.Join(src.Dir, "dump.rdb"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst.Dir, "dump.rdb"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err := os.RemoveAll(filepath.Join(dst.Dir, "appendonlydir")); err != nil {
		t.Fatal(err)
	}
	copyDir(t, src.Dir, dst.Dir)
}

// copyDir copies a data directory (dump.rdb and appendonlydir).
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

var common = []string{"--enable-debug-command", "yes", "--appendonly", "yes"}

// Ensure that each server loads the other's AOF directory with the same
// digest, before and after BGREWRITEAOF, with both base formats.
func TestAOFDirectoryBothWays(t *testing.T) {
	for _, preamble := range []string{"yes", "no"} {
		for _, from := range []string{"vesta", "redis"} {
			t.Run(from+"/preamble="+preamble, func(t *testing.T) {
				args := append(append([]string{}, common...), "--aof-use-rdb-preamble", preamble)
				start := map[string]func(testing.TB, ...string) *testutil.Server{"vesta": testutil.StartVesta, "redis": testutil.StartRedis}
				to := map[string]string{"vesta": "redis", "redis": "vesta"}[from]
				src := start[from](t, args...)
				run(t, src, workload(1, 400))
				run(t, src, [][]string{{"BGREWRITEAOF"}})
				waitRewrite(t, src)
				run(t, src, workload(2, 300))
				want := digest(t, src)
				src.Stop()

				dst := start[to](t, args...)
				dst.Stop()
				installData(t, "aof", src, dst)
				dst.StartAgain()
				if got := digest(t, dst); got != want {
					t.Fatalf("%s loaded %s's AOF directory with digest %s, want %s\n%s", to, from, got, want, dst.Log())
				}
			})
		}
	}
}

func waitRewrite(t *testing.T, s *testutil.Server) {
	t.Helper()
	c := testutil.Dial(t, s.Addr)
	defer c.Close()
	for i := 0; i < 500; i++ {
		info := string(c.Do("INFO", "persistence"))
		if strings.Contains(info, "aof_rewrite_in_progress:0") && strings.Contains(info, "aof_rewrite_scheduled:0") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("rewrite did not finish")
}

var (
	absTime = regexp.MustCompile(`(?s)(\$4\r\nPXAT\r\n|\$9\r\nPEXPIREAT\r\n\$\d+\r\n[^\r]*\r\n)\$\d+\r\n\d+\r\n`)
)

// Ensure that the same command stream produces the same incr file on both
// servers, except for absolute expire times.
func TestIncrFileIdentical(t *testing.T) {
	var files [2]string
	for i, start := range []func(testing.TB, ...string) *testutil.Server{testutil.StartVesta, testutil.StartRedis} {
		s := start(t, common...)
		run(t, s, workload(7, 500))
		s.Stop()
		data, err := os.ReadFile(filepath.Join(s.Dir, "appendonlydir", "appendonly.aof.1.incr.aof"))
		if err != nil {
			t.Fatal(err)
		}
		files[i] = absTime.ReplaceAllString(string(data), "${1}<time>\r\n")
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

// Ensure that each server loads the other's dump.rdb with the same digest.
func TestRDBBothWays(t *testing.T) {
	args := []string{"--enable-debug-command", "yes"}
	for _, from := range []string{"vesta", "redis"} {
		t.Run(from, func(t *testing.T) {
			start := map[string]func(testing.TB, ...string) *testutil.Server{"vesta": testutil.StartVesta, "redis": testutil.StartRedis}
			to := map[string]string{"vesta": "redis", "redis": "vesta"}[from]
			src := start[from](t, args...)
			run(t, src, workload(3, 600))
			run(t, src, [][]string{{"SAVE"}})
			want := digest(t, src)
			src.Stop()
			dst := start[to](t, args...)
			dst.Stop()
			installData(t, "rdb", src, dst)
			dst.StartAgain()
			if got := digest(t, dst); got != want {
				t.Fatalf("%s loaded %s's dump.rdb with digest %s, want %s", to, from, got, want)
			}
		})
	}
}

// Ensure that a BGSAVE holds exactly the writes acknowledged before its
// reply, while the same connection keeps writing during the (slowed down)
// save: counters, lists, hashes, deletes and expiries touching keys the
// walker has not reached yet.
func TestBGSAVEIsPointInTime(t *testing.T) {
	// 6 ms per key: the save of the ~700 keys takes about four seconds.
	s := testutil.StartVesta(t, "--enable-debug-command", "yes", "--rdb-key-save-delay", "6000")
	model := testutil.StartRedis(t, "--enable-debug-command", "yes")
	before := workload(11, 1500)
	run(t, s, before)
	run(t, model, before)
	c := testutil.Dial(t, s.Addr)
	if r := string(c.Do("BGSAVE")); r != "+Background saving started\r\n" {
		t.Fatalf("BGSAVE: %q", r)
	}
	// Keep writing, spread over the save, while the walker is slowed down
	// by rdb-key-save-delay: some writes hit buckets before the walker,
	// some after.
	after := workload(12, 600)
	t0 := time.Now()
	for i, cmd := range after {
		c.Do(cmd...)
		if i%4 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	info := string(c.Do("INFO", "persistence"))
	if !strings.Contains(info, "rdb_bgsave_in_progress:1") {
		t.Fatalf("the BGSAVE finished before the writes did (%v of writes): slow it down further\n%s\n%s", time.Since(t0), info, c.Do("INFO", "keyspace"))
	}
	for i := 0; i < 3000 && !strings.Contains(string(c.Do("INFO", "persistence")), "rdb_bgsave_in_progress:0"); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	c.Close()
	s.Stop()
	// The model holds the dataset as of the cut.
	want := digest(t, model)
	s.StartAgain()
	if got := digest(t, s); got != want {
		t.Fatalf("the BGSAVE image has digest %s, the dataset at the cut %s", got, want)
	}
	// And real Redis reads the same image the same way.
	r := testutil.StartRedis(t, "--enable-debug-command", "yes")
	r.Stop()
	data, _ := os.ReadFile(filepath.Join(s.Dir, "dump.rdb"))
	os.WriteFile(filepath.Join(r.Dir, "dump.rdb"), data, 0o644)
	r.StartAgain()
	if got := digest(t, r); got != want {
		t.Fatalf("redis-server loaded the BGSAVE image with digest %s, want %s", got, want)
	}
}
