package rdbcheck_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/rdbcheck"
	"github.com/vestadb/vesta/internal/testutil"
	"github.com/vestadb/vesta/internal/types/stream"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// redisCheckRDB runs redis-check-rdb on path and returns whether it found
// the file sound, its "[info]" counts and its output.
func redisCheckRDB(t *testing.T, path string) (bool, [3]int64, string) {
	t.Helper()
	out, err := exec.Command(testutil.RequireTool(t, "redis-check-rdb"), path).CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	var counts [3]int64
	for i, re := range []*regexp.Regexp{infoKeys, infoExpires, infoExpired} {
		if m := re.FindSubmatch(out); m != nil {
			counts[i], _ = strconv.ParseInt(string(m[1]), 10, 64)
		}
	}
	return err == nil, counts, string(out)
}

var (
	infoKeys    = regexp.MustCompile(`\[info\] (\d+) keys read`)
	infoExpires = regexp.MustCompile(`\[info\] (\d+) expires`)
	infoExpired = regexp.MustCompile(`\[info\] (\d+) already expired`)
)

// checkPath runs Check on a file.
func checkPath(t *testing.T, path string) (*rdbcheck.Report, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return rdbcheck.Check(bytes.NewReader(data), int64(len(data)), rdbcheck.Options{Name: path})
}

// redisDump saves a dump.rdb with every type Redis 7.0 writes, in every
// encoding, plus a stream and a function.
func redisDump(t *testing.T, args ...string) string {
	t.Helper()
	s := testutil.StartRedis(t, args...)
	c := testutil.Dial(t, s.Addr)
	big := make([]string, 0, 600)
	for i := range 300 {
		big = append(big, "m"+strconv.Itoa(i), strconv.Itoa(i))
	}
	cmds := [][]string{
		{"SET", "s", "hello"}, {"SET", "n", "12345"}, {"SET", "lzf", strings.Repeat("ab", 100)},
		{"SET", "ttl", "v", "EX", "1000"}, {"SET", "past", "v", "PX", "1"},
		{"RPUSH", "l", "a", "b", "c"}, {"SADD", "si", "1", "2", "3"}, {"SADD", "ss", "a", "b"},
		{"ZADD", "zl", "1", "a", "2.5", "b"}, {"HSET", "hl", "f", "v", "g", "w"},
		append([]string{"HSET", "hbig"}, big...), append([]string{"SADD", "sbig"}, big...),
		append([]string{"ZADD", "zbig"}, scorePairs(200)...),
		{"XADD", "st", "*", "f", "v"}, {"XGROUP", "CREATE", "st", "g", "$"},
		{"FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)"},
		{"SELECT", "3"}, {"SET", "k3", "v"},
	}
	for _, cmd := range cmds {
		if r := c.Do(cmd...); len(r) > 0 && r[0] == '-' {
			t.Fatalf("%q: %s", cmd[:2], r)
		}
	}
	time.Sleep(20 * time.Millisecond) // let "past" expire
	c.Do("SAVE")
	s.Stop()
	return filepath.Join(s.Dir, "dump.rdb")
}

func scorePairs(n int) []string {
	out := make([]string, 0, 2*n)
	for i := range n {
		out = append(out, strconv.Itoa(i), fmt.Sprintf("member-%d", i))
	}
	return out
}

// Ensure that a dump.rdb written by Redis with every encoding is sound and
// that the counts match redis-check-rdb's.
func TestRedisDump(t *testing.T) {
	if testing.Short() {
		t.Skip("starts redis-server")
	}
	path := redisDump(t)
	rep, err := checkPath(t, path)
	if err != nil {
		var out strings.Builder
		rep.WriteTo(&out)
		t.Fatalf("%v\n%s", err, out.String())
	}
	ok, counts, out := redisCheckRDB(t, path)
	if !ok || counts != [3]int64{rep.Keys, rep.Expires, rep.AlreadyExpired} {
		t.Fatalf("redis-check-rdb counts %v, Vesta %d/%d/%d\n%s", counts, rep.Keys, rep.Expires, rep.AlreadyExpired, out)
	}
	if rep.Unsupported != 0 || rep.Functions != 1 || len(rep.DBs) != 2 {
		t.Errorf("got %d unsupported keys, %d functions, %d databases; want 0, 1, 2", rep.Unsupported, rep.Functions, len(rep.DBs))
	}
}

// Ensure that a dump.rdb written by Vesta is sound for both checkers with
// the same counts.
func TestVestaDump(t *testing.T) {
	if testing.Short() {
		t.Skip("starts vesta-server")
	}
	s := testutil.StartVesta(t)
	c := testutil.Dial(t, s.Addr)
	for i := range 200 {
		c.Do("SET", "k"+strconv.Itoa(i), strings.Repeat("x", i))
	}
	c.Do("SET", "ttl", "v", "EX", "1000")
	c.Do("SELECT", "4")
	c.Do("SET", "k", "v")
	if r := c.Do("SAVE"); string(r) != "+OK\r\n" {
		t.Fatalf("SAVE: %q", r)
	}
	s.Stop()
	path := filepath.Join(s.Dir, "dump.rdb")
	rep, err := checkPath(t, path)
	if err != nil {
		t.Fatal(err)
	}
	ok, counts, out := redisCheckRDB(t, path)
	if !ok || counts != [3]int64{rep.Keys, rep.Expires, rep.AlreadyExpired} || rep.Keys != 202 {
		t.Fatalf("redis-check-rdb counts %v, Vesta %d/%d/%d\n%s", counts, rep.Keys, rep.Expires, rep.AlreadyExpired, out)
	}
}

// Ensure that damaged bytes in files of both servers are refused by both
// checkers, with an offset inside the file.
func TestCorruptDumps(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	sources := map[string]string{"redis": redisDump(t)}
	v := testutil.StartVesta(t)
	c := testutil.Dial(t, v.Addr)
	for i := range 50 {
		c.Do("SET", "key:"+strconv.Itoa(i), strings.Repeat("value", i))
	}
	c.Do("SAVE")
	v.Stop()
	sources["vesta"] = filepath.Join(v.Dir, "dump.rdb")

	for name, path := range sources {
		t.Run(name, func(t *testing.T) {
			good, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			for off := 9; off < len(good); off += len(good) / 23 {
				bad := bytes.Clone(good)
				bad[off] ^= 0x5a
				p := filepath.Join(dir, fmt.Sprintf("flip-%d.rdb", off))
				if err := os.WriteFile(p, bad, 0o644); err != nil {
					t.Fatal(err)
				}
				rep, err := checkPath(t, p)
				var ce *rdbcheck.Error
				if !errors.As(err, &ce) || ce.Offset < 0 || ce.Offset > int64(len(bad)) {
					t.Errorf("flip at %d: got %v, want an error with an offset in the file", off, err)
					continue
				}
				if ok, _, out := redisCheckRDB(t, p); ok {
					t.Errorf("flip at %d: redis-check-rdb accepted it\n%s", off, out)
				}
				if rep.OK() {
					t.Errorf("flip at %d: the report says OK", off)
				}
			}
		})
	}
}

// Ensure that, on a Redis dump saved without a checksum (so that only the
// value checks can catch damage), Vesta and redis-check-rdb agree on which
// damaged files are sound. Vesta checks streams more strictly than Redis
// (ascending IDs, the last ID not below an entry: docs/COMPATIBILITY.md),
// so a stream Redis accepts and Vesta refuses is the one accepted
// difference.
func TestRedisCheckRDB_DeepDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("runs redis-check-rdb many times")
	}
	path := redisDump(t, "--rdbchecksum", "no")
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	compared := 0
	for off := 9; off < len(good); off += max(1, len(good)/120) {
		bad := bytes.Clone(good)
		bad[off] ^= 0x5a
		p := filepath.Join(dir, fmt.Sprintf("flip-%d.rdb", off))
		if err := os.WriteFile(p, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := checkPath(t, p)
		ok, _, out := redisCheckRDB(t, p)
		compared++
		if ok != (err == nil) && !(ok && errors.Is(err, stream.ErrCorrupt)) {
			t.Errorf("flip at %d: redis-check-rdb sound=%v, Vesta: %v\n%s", off, ok, err, out)
		}
	}
	t.Logf("%d damaged files compared", compared)
}
