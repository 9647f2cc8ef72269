package command_test

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/vestadb/vesta/internal/rdb"
)

// Ensure that RESTORE judges damaged payloads as Redis does with
// sanitize-dump-payload yes (Vesta always validates in full): payloads of
// every type and encoding, taken from Redis's DUMP, get random byte
// changes, insertions and cuts and a valid footer, and each is restored on
// both servers. Both must accept or both refuse, and what was accepted
// must have the same DEBUG DIGEST-VALUE. VESTA_CORRUPT_RUNS sets the
// number of payloads (default 3000), VESTA_CORRUPT_SEED the seed.
func TestRestoreCorruptAgainstRedis(t *testing.T) {
	redis, vesta := dial(t, startRedis(t, t.TempDir())), dial(t, startVesta(t, t.TempDir()))
	setupDumpFixtures(t, redis)
	redis.do(t, []string{"CONFIG", "SET", "sanitize-dump-payload", "yes"})
	var payloads []string
	for _, key := range fixtureKeys() {
		if p, ok := bulk(redis.do(t, []string{"DUMP", key})); ok {
			payloads = append(payloads, p)
		}
	}
	runs := 3000
	if s := os.Getenv("VESTA_CORRUPT_RUNS"); s != "" {
		runs, _ = strconv.Atoi(s)
	}
	seed := uint64(7)
	if s := os.Getenv("VESTA_CORRUPT_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	accepted := 0
	for i := range runs {
		src := payloads[rng.IntN(len(payloads))]
		body := []byte(src[:len(src)-10])
		for range 1 + rng.IntN(3) {
			switch rng.IntN(4) {
			case 0, 1:
				body[rng.IntN(len(body))] = byte(rng.IntN(256))
			case 2:
				at := rng.IntN(len(body) + 1)
				body = append(body[:at], append([]byte{byte(rng.IntN(256))}, body[at:]...)...)
			case 3:
				if len(body) > 1 {
					body = body[:1+rng.IntN(len(body)-1)]
				}
			}
		}
		if hugeCount(body) || unsupportedType(body) {
			continue
		}
		p := binary.LittleEndian.AppendUint16(body, 10)
		p = binary.LittleEndian.AppendUint64(p, rdb.CRC64(0, p))
		args := []string{"RESTORE", "k", "0", string(p), "REPLACE"}
		rr, rv := redis.do(t, args), vesta.do(t, args)
		okR, okV := string(rr.raw) == "+OK\r\n", string(rv.raw) == "+OK\r\n"
		if okR != okV {
			t.Errorf("run %d: payload %q: redis %q, vesta %q", i, p, rr.raw, rv.raw)
			continue
		}
		if !okR {
			continue
		}
		accepted++
		dr := digestText(redis.do(t, []string{"DEBUG", "DIGEST-VALUE", "k"}))
		dv := digestText(vesta.do(t, []string{"DEBUG", "DIGEST-VALUE", "k"}))
		if dr != dv {
			t.Errorf("run %d: payload %q restored with digest %s in Redis, %s in Vesta", i, p, dr, dv)
		}
	}
	t.Logf("%d damaged payloads, %d accepted by both", runs, accepted)
}

// hugeCount reports a collection payload claiming millions of elements:
// Redis sizes its hash table for the claim before reading them, and
// freeing a table of billions of buckets keeps it busy for many seconds.
// Vesta refuses such claims at once (they exceed the payload).
func hugeCount(body []byte) bool {
	if len(body) < 2 {
		return false
	}
	switch body[0] {
	case rdb.TypeList, rdb.TypeSet, rdb.TypeZSet, rdb.TypeHash, rdb.TypeZSet2, rdb.TypeListQuicklist, rdb.TypeListQuicklist2:
		n, _, _, err := rdb.ParseLen(body[1:])
		return err == nil && n > 1<<20
	}
	return false
}

// unsupportedType reports a payload of a type Vesta does not hold
// (modules), which it always refuses, or a stream, which it checks more
// strictly than Redis (TestRestoreCorruptStreamAgainstRedis).
func unsupportedType(body []byte) bool {
	switch body[0] {
	case rdb.TypeStreamListpacks, rdb.TypeStreamListpacks2, rdb.TypeModule, rdb.TypeModule2:
		return true
	}
	return false
}
