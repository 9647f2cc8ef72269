package zset_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// zsetRDBKeys fills a server with sorted sets that exercise both RDB
// encodings (ZSET_LISTPACK and ZSET_2) and the score forms.
func zsetRDBKeys(t *testing.T, c *testutil.Conn) []string {
	t.Helper()
	c.Do("ZADD", "small", "1", "a", "2.5", "b", "-0", "negzero", "inf", "top", "-inf", "bottom",
		"0.1", "tenth", "1e17", "big", "4611686018427387904", "huge", "7", "12345")
	big := []string{"ZADD", "large"}
	for i := range 300 {
		big = append(big, fmt.Sprint(float64(i)/3), fmt.Sprint("m", i))
	}
	c.Do(big...)
	c.Do("ZADD", "large", "-0", "negzero", "inf", "top", "1e17", "big")
	c.Do("ZADD", "long", "1", strings.Repeat("x", 100), "2", "short")
	c.Do("ZADD", "ttl", "1", "a")
	c.Do("PEXPIREAT", "ttl", "99999999999999")
	return []string{"small", "large", "long", "ttl"}
}

// compareZSets checks that two servers hold the same sorted sets, down to
// encodings, digests and the sign of zero scores.
func compareZSets(t *testing.T, a, b *testutil.Conn, keys []string) {
	t.Helper()
	for _, k := range keys {
		for _, cmd := range [][]string{
			{"OBJECT", "ENCODING", k},
			{"DEBUG", "DIGEST-VALUE", k},
			{"ZRANGE", k, "0", "-1", "WITHSCORES"},
			{"ZSCORE", k, "negzero"},
			{"PEXPIRETIME", k},
		} {
			ra, rb := a.Do(cmd...), b.Do(cmd...)
			if cmd[0] == "DEBUG" {
				// Vesta's server replies digests as bulk strings where
				// Redis uses status replies; compare the digests.
				ra, rb = bytes.ReplaceAll(ra, []byte("$40\r\n"), []byte("+")), bytes.ReplaceAll(rb, []byte("$40\r\n"), []byte("+"))
			}
			if !bytes.Equal(ra, rb) {
				t.Errorf("%s: %s vs %s", strings.Join(cmd, " "), testutil.Escape(ra), testutil.Escape(rb))
			}
		}
	}
}

// TestRDBInterop loads a dump written by redis-server 7.0.15 into Vesta,
// then a dump written by Vesta into redis-server, and compares the sets
// each time.
func TestRDBInterop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	redis := testutil.StartRedis(t, "--enable-debug-command", "yes")
	rc := testutil.Dial(t, redis.Addr)
	keys := zsetRDBKeys(t, rc)
	if r := rc.Do("SAVE"); string(r) != "+OK\r\n" {
		t.Fatalf("redis SAVE: %s", r)
	}

	vesta := testutil.StartVesta(t, "--dir", redis.Dir, "--enable-debug-command", "yes")
	vc := testutil.Dial(t, vesta.Addr)
	compareZSets(t, vc, rc, keys)

	vc.Do("ZADD", "fromvesta", "-0", "negzero", "3", "c")
	if r := vc.Do("SAVE"); string(r) != "+OK\r\n" {
		t.Fatalf("vesta SAVE: %s", r)
	}
	vesta.Stop()
	redis2 := testutil.StartRedis(t, "--dir", redis.Dir, "--enable-debug-command", "yes")
	rc2 := testutil.Dial(t, redis2.Addr)
	rc.Do("ZADD", "fromvesta", "-0", "negzero", "3", "c")
	compareZSets(t, rc2, rc, append(keys, "fromvesta"))
}

// blockingScenario blocks clients in sorted-set pops on srv, wakes them with
// ZADDs, and returns every reply and the commands the server wrote to its
// incr AOF.
func blockingScenario(t *testing.T, srv *testutil.Server) (replies []string, aof string) {
	t.Helper()
	waiters := []struct {
		proto string
		cmd   []string
	}{
		{"2", []string{"BZPOPMIN", "k1", "k2", "0"}},
		{"3", []string{"BZPOPMAX", "k2", "0"}},
		{"2", []string{"BZMPOP", "0", "2", "k1", "k2", "MIN", "COUNT", "10"}},
		{"3", []string{"BZMPOP", "0", "1", "k2", "MAX"}},
		{"2", []string{"BZPOPMIN", "k3", "1"}},
		{"3", []string{"BZMPOP", "1", "1", "k3", "MIN"}},
	}
	c := testutil.Dial(t, srv.Addr)
	// blocked waits until n clients are blocked, so that they block in
	// the order they were started.
	blocked := func(n int) {
		want := fmt.Sprintf("blocked_clients:%d\r\n", n)
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if strings.Contains(string(c.Do("INFO", "clients")), want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: never reached %q", srv.Name, want)
			}
		}
	}
	conns := make([]*testutil.Conn, len(waiters))
	for i, w := range waiters {
		conns[i] = testutil.Dial(t, srv.Addr)
		conns[i].Do("HELLO", w.proto)
		conns[i].Send(w.cmd...)
		blocked(i + 1)
	}
	c.Do("SET", "k2", "string") // a key of another type keeps them waiting
	c.Do("DEL", "k2")
	c.Do("ZADD", "k2", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f")
	c.Do("ZADD", "k1", "1", "x")
	c.Do("ZADD", "k2", "7", "g")
	for _, conn := range conns {
		replies = append(replies, testutil.Escape(conn.ReadReply()))
	}
	m, _ := filepath.Glob(filepath.Join(srv.Dir, "appendonlydir", "*.incr.aof"))
	if len(m) != 1 {
		t.Fatalf("incr files: %v", m)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	return replies, testutil.Escape(b)
}

// TestBlockingPopsInterop checks clients served after blocking in BZPOPMIN,
// BZPOPMAX and BZMPOP: replies (RESP2 and RESP3), timeouts, the order of
// service and what reaches the AOF must match redis-server 7.0.15.
func TestBlockingPopsInterop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	args := []string{"--appendonly", "yes", "--appendfsync", "always"}
	wantReplies, wantAOF := blockingScenario(t, testutil.StartRedis(t, args...))
	gotReplies, gotAOF := blockingScenario(t, testutil.StartVesta(t, args...))
	for i := range wantReplies {
		if gotReplies[i] != wantReplies[i] {
			t.Errorf("client %d: got %s, want %s", i, gotReplies[i], wantReplies[i])
		}
	}
	if gotAOF != wantAOF {
		t.Errorf("AOF:\n got %s\nwant %s", gotAOF, wantAOF)
	}
}
