package interop

import (
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// TestRDBAccessClocksBothWays saves keys with known idle times (under
// allkeys-lru) and LFU counters (under allkeys-lfu) on one server and loads
// the dump.rdb on the other, which must see the same OBJECT IDLETIME (give
// or take the seconds the test takes) and OBJECT FREQ: the RDB IDLE and
// FREQ opcodes, written and read as Redis does.
func TestRDBAccessClocksBothWays(t *testing.T) {
	start := map[string]func(testing.TB, ...string) *testutil.Server{"vesta": testutil.StartVesta, "redis": testutil.StartRedis}
	for _, policy := range []string{"allkeys-lru", "allkeys-lfu"} {
		for _, from := range []string{"vesta", "redis"} {
			t.Run(policy+"/"+from, func(t *testing.T) {
				args := []string{"--maxmemory-policy", policy}
				to := map[string]string{"vesta": "redis", "redis": "vesta"}[from]
				src := start[from](t, args...)
				c := testutil.Dial(t, src.Addr)
				c.Do("SET", "src", "value")
				payload := string(c.Do("DUMP", "src"))
				_, payload, _ = strings.Cut(payload, "\r\n")
				payload = strings.TrimSuffix(payload, "\r\n")
				clock, sub := "IDLETIME", "IDLETIME"
				if policy == "allkeys-lfu" {
					clock, sub = "FREQ", "FREQ"
				}
				for i, v := range []int{3, 100, 250} {
					k := "k" + strconv.Itoa(i)
					if r := c.Do("RESTORE", k, "0", payload, clock, strconv.Itoa(v)); string(r) != "+OK\r\n" {
						t.Fatalf("RESTORE: %q", r)
					}
				}
				c.Do("SAVE")
				src.Stop()
				dst := start[to](t, args...)
				dst.Stop()
				installData(t, "rdb", src, dst)
				dst.StartAgain()
				d := testutil.Dial(t, dst.Addr)
				for i, v := range []int{3, 100, 250} {
					r := string(d.Do("OBJECT", sub, "k"+strconv.Itoa(i)))
					n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(r, ":")))
					if err != nil {
						t.Fatalf("OBJECT %s k%d on %s: %q", sub, i, to, r)
					}
					if n < v || n > v+10 {
						t.Errorf("OBJECT %s k%d on %s: %d, saved as %d by %s", sub, i, to, n, v, from)
					}
				}
			})
		}
	}
}
