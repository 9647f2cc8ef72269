package command_test

import (
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/vestadb/vesta/internal/rdb"
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

// Ensure that damaged stream payloads never get past Vesta's checks where
// Redis's deep sanitisation refuses them, and that what both accept
// restores to the same value. Vesta checks more (ascending IDs, the last
// ID not below an entry, a consumer for every pending entry), so Redis may
// accept a payload Vesta refuses (docs/COMPATIBILITY.md); those are
// counted.
func TestRestoreCorruptStreamAgainstRedis(t *testing.T) {
	redis, vesta := dial(t, startRedis(t, t.TempDir())), dial(t, startVesta(t, t.TempDir()))
	redis.do(t, []string{"CONFIG", "SET", "sanitize-dump-payload", "yes"})
	redis.do(t, []string{"CONFIG", "SET", "stream-node-max-entries", "4"})
	for i := range 30 {
		redis.do(t, []string{"XADD", "s", strconv.Itoa(i/2+1) + "-*", "f", strconv.Itoa(i), "g", "text"})
	}
	redis.do(t, []string{"XDEL", "s", "3-0", "7-1"})
	redis.do(t, []string{"XGROUP", "CREATE", "s", "cg", "0"})
	redis.do(t, []string{"XREADGROUP", "GROUP", "cg", "alice", "COUNT", "4", "STREAMS", "s", ">"})
	redis.do(t, []string{"XREADGROUP", "GROUP", "cg", "bob", "COUNT", "3", "STREAMS", "s", ">"})
	src := string(bulkOf(t, redis.do(t, []string{"DUMP", "s"})))
	rng := rand.New(rand.NewPCG(9, 9))
	accepted, stricter := 0, 0
	for i := range 1500 {
		body := []byte(src[:len(src)-10])
		for range 1 + rng.IntN(2) {
			switch rng.IntN(3) {
			case 0, 1:
				body[1+rng.IntN(len(body)-1)] = byte(rng.IntN(256))
			case 2:
				body = body[:1+rng.IntN(len(body)-1)]
			}
		}
		p := binary.LittleEndian.AppendUint16(body, 10)
		p = binary.LittleEndian.AppendUint64(p, rdb.CRC64(0, p))
		args := []string{"RESTORE", "k", "0", string(p), "REPLACE"}
		rr, rv := redis.do(t, args), vesta.do(t, args)
		okR, okV := string(rr.raw) == "+OK\r\n", string(rv.raw) == "+OK\r\n"
		switch {
		case okV && !okR:
			t.Errorf("run %d: Vesta accepted a payload Redis refuses (%q): %q", i, rr.raw, p)
		case okR && !okV:
			stricter++
		case okR:
			accepted++
			dr := digestText(redis.do(t, []string{"DEBUG", "DIGEST-VALUE", "k"}))
			dv := digestText(vesta.do(t, []string{"DEBUG", "DIGEST-VALUE", "k"}))
			if dr != dv {
				t.Errorf("run %d: restored with digest %s in Redis, %s in Vesta", i, dr, dv)
			}
		}
	}
	t.Logf("1500 damaged stream payloads: %d accepted by both, %d only by Redis", accepted, stricter)
}

// Ensure that STREAM_LISTPACKS (type 15, the format of Redis 5 and 6) is
// read as Redis 7.0 reads it: payloads rewritten from Redis's own type 19
// DUMPs into type 15 RESTORE on both servers to the same stream, whose
// derived first ID, entries-added and groups' entries-read agree (XINFO)
// and which DUMP to the same type 19 bytes.
func TestStreamType15AgainstRedis(t *testing.T) {
	redis, vesta := dial(t, startRedis(t, t.TempDir())), dial(t, startVesta(t, t.TempDir()))
	redis.do(t, []string{"CONFIG", "SET", "stream-node-max-entries", "5"})
	rnd := rand.New(rand.NewPCG(15, 15))
	for round := range 20 {
		redis.do(t, []string{"DEL", "s"})
		n := 1 + rnd.IntN(40)
		for i := range n {
			redis.do(t, []string{"XADD", "s", strconv.Itoa(i+1) + "-" + strconv.Itoa(rnd.IntN(2)), "f", strconv.Itoa(i)})
		}
		for range rnd.IntN(5) {
			redis.do(t, []string{"XDEL", "s", strconv.Itoa(1+rnd.IntN(n)) + "-0"})
		}
		for g := range rnd.IntN(3) {
			redis.do(t, []string{"XGROUP", "CREATE", "s", "g" + strconv.Itoa(g), strconv.Itoa(rnd.IntN(n+3)) + "-0"})
			redis.do(t, []string{"XREADGROUP", "GROUP", "g" + strconv.Itoa(g), "c", "COUNT", "2", "STREAMS", "s", ">"})
		}
		p19 := bulkOf(t, redis.do(t, []string{"DUMP", "s"}))
		k, _, err := rdb.DecodeValue(p19)
		if err != nil {
			t.Fatal(err)
		}
		enc := rdb.NewEncoder(false)
		enc.Type(rdb.TypeStreamListpacks)
		enc.Stream(k.Value.Stream, false)
		p := binary.LittleEndian.AppendUint16(enc.Bytes(), 10)
		p = binary.LittleEndian.AppendUint64(p, rdb.CRC64(0, p))
		var dumps, infos [2]string
		for i, c := range []*conn{redis, vesta} {
			if r := c.do(t, []string{"RESTORE", "v1", "0", string(p), "REPLACE"}); string(r.full()) != "+OK\r\n" {
				t.Fatalf("round %d: RESTORE of a type 15 payload: %q", round, r.full())
			}
			dumps[i] = string(c.do(t, []string{"DUMP", "v1"}).full())
			infos[i] = string(c.do(t, []string{"XINFO", "STREAM", "v1"}).full()) + string(c.do(t, []string{"XINFO", "GROUPS", "v1"}).full())
		}
		if infos[0] != infos[1] {
			t.Fatalf("round %d: XINFO after a type 15 RESTORE:\nredis %q\nvesta %q", round, infos[0], infos[1])
		}
		if dumps[0] != dumps[1] {
			t.Fatalf("round %d: DUMP after a type 15 RESTORE:\nredis %q\nvesta %q", round, dumps[0], dumps[1])
		}
	}
}
