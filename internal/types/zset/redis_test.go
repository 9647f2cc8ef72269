package zset_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

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
