package command_test

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// Ensure that streams built by the same commands are the same bytes in
// Vesta and Redis: DUMP payloads identical (nodes, master entries,
// tombstones, node limits, groups and PELs), with and without
// rdbcompression, and that each server's payloads RESTORE in the other to
// values that DUMP to the same bytes again (consumers, with their seen and
// delivery times, included), with the same DEBUG DIGEST-VALUE.
func TestStreamBytesAgainstRedis(t *testing.T) {
	redis, vesta := dial(t, startRedis(t, t.TempDir())), dial(t, startVesta(t, t.TempDir()))
	both := func(args ...string) string {
		t.Helper()
		r, v := redis.do(t, args), vesta.do(t, args)
		if string(r.full()) != string(v.full()) {
			t.Fatalf("%.200q:\nredis %.300q\nvesta %.300q", args, r.full(), v.full())
		}
		return string(r.full())
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	for round := range 16 {
		both("FLUSHALL")
		both("CONFIG", "SET", "stream-node-max-entries", []string{"100", "3", "0", "10"}[round%4])
		both("CONFIG", "SET", "stream-node-max-bytes", []string{"4096", "200", "0", "4096"}[round/4])
		both("CONFIG", "SET", "rdbcompression", []string{"yes", "no"}[round%2])
		ms := 1
		for i := range 300 {
			k := "s" + strconv.Itoa(rnd.IntN(3))
			switch rnd.IntN(10) {
			case 0:
				both("XDEL", k, strconv.Itoa(ms-rnd.IntN(20))+"-0", strconv.Itoa(ms-rnd.IntN(20))+"-1")
			case 1:
				both("XTRIM", k, []string{"MAXLEN", "MINID"}[rnd.IntN(2)], []string{"=", "~"}[rnd.IntN(2)], strconv.Itoa(ms-rnd.IntN(40)))
			case 2:
				both("XGROUP", "CREATE", k, "g"+strconv.Itoa(rnd.IntN(3)), strconv.Itoa(ms-rnd.IntN(30)), "MKSTREAM")
			default:
				ms += rnd.IntN(2)
				args := []string{"XADD", k, strconv.Itoa(ms) + "-*"}
				if rnd.IntN(3) == 0 {
					args = append(args, "a", strconv.Itoa(i), "other", "field")
				} else {
					for f := range 1 + rnd.IntN(3) {
						args = append(args, "f"+strconv.Itoa(f), []string{strconv.Itoa(i), "text", "12345678901234567890", ""}[rnd.IntN(4)])
					}
				}
				both(args...)
			}
		}
		if n := both("XLEN", "s0"); n == ":0\r\n" {
			t.Fatalf("round %d: the workload left s0 empty", round)
		}
		for _, k := range []string{"s0", "s1", "s2"} {
			both("XINFO", "STREAM", k)
			both("DUMP", k)
			both("DEBUG", "DIGEST-VALUE", k)
		}
		// Consumers and PELs: read, claim, ack on both, then move the
		// payloads across.
		for _, k := range []string{"s0", "s1", "s2"} {
			redis.do(t, []string{"XGROUP", "CREATE", k, "cg", "0", "MKSTREAM"})
			vesta.do(t, []string{"XGROUP", "CREATE", k, "cg", "0", "MKSTREAM"})
			for _, c := range []string{"alice", "bob"} {
				redis.do(t, []string{"XREADGROUP", "GROUP", "cg", c, "COUNT", "5", "STREAMS", k, ">"})
				vesta.do(t, []string{"XREADGROUP", "GROUP", "cg", c, "COUNT", "5", "STREAMS", k, ">"})
			}
			for from, to := range map[*conn]*conn{redis: vesta, vesta: redis} {
				payload := string(bulkOf(t, from.do(t, []string{"DUMP", k})))
				if r := to.do(t, []string{"RESTORE", k + "copy", "0", payload, "REPLACE"}); string(r.full()) != "+OK\r\n" {
					t.Fatalf("RESTORE of %s: %q", k, r.full())
				}
				if got := string(bulkOf(t, to.do(t, []string{"DUMP", k + "copy"}))); got != payload {
					t.Fatalf("%s: DUMP after RESTORE differs:\n%q\n%q", k, got, payload)
				}
				a, b := from.do(t, []string{"DEBUG", "DIGEST-VALUE", k}), to.do(t, []string{"DEBUG", "DIGEST-VALUE", k + "copy"})
				if string(a.full()) != string(b.full()) {
					t.Fatalf("%s: DIGEST-VALUE %q after RESTORE, want %q", k, b.full(), a.full())
				}
			}
		}
	}
}
