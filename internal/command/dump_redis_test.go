package command_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// dumpFixtures build one value of every type and encoding, on both servers
// alike. The key names say what each is.
var dumpFixtures = []string{
	"SET str:embstr hello",
	"SET str:int 12345",
	"SET str:neg -9223372036854775808",
	"SET str:raw " + strings.Repeat("x", 60),
	"SET str:lzf " + strings.Repeat("abcd", 40),
	`SET str:bin "\x00\xff\x01\r\n"`,
	"SET str:empty \"\"",
	"SETBIT str:bits 1000 1",
	"RPUSH list:small a b 1 -5 " + strings.Repeat("z", 100),
	"RPUSH list:ints 1 2 3 9223372036854775807 -9223372036854775808 100000 -100000",
	"HSET hash:lp f1 v1 f2 2 f3 " + strings.Repeat("h", 40),
	"HSET hash:ht " + manyPairs("f", 200),
	"HSET hash:long f " + strings.Repeat("v", 100),
	"SADD set:intset 1 2 3 -7 100000 9223372036854775807",
	"SADD set:ht a b c 1",
	"SADD set:bigint " + manyWords("", 600),
	"ZADD zset:lp 1 a 2.5 b -inf c inf d -0 e",
	"ZADD zset:sl " + manyScored(200),
	"ZADD zset:long 1 " + strings.Repeat("m", 100),
}

func manyWords(prefix string, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = prefix + strconv.Itoa(i)
	}
	return strings.Join(w, " ")
}

func manyPairs(prefix string, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("%s%d v%d", prefix, i, i*7)
	}
	return strings.Join(w, " ")
}

func manyScored(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("%d.5 m%d", i%37, i)
	}
	return strings.Join(w, " ")
}

// fixtureKeys are the keys dumpFixtures create, plus lists built with a
// compressing configuration.
func fixtureKeys() []string {
	var keys []string
	for _, f := range dumpFixtures {
		keys = append(keys, strings.Fields(f)[1])
	}
	return append(keys, "list:big", "list:compressed", "list:plain")
}

// bulk returns the payload of a bulk reply, or "" with ok false.
func bulk(r *reply) (string, bool) {
	if r.kind != '$' {
		return "", false
	}
	s := string(r.raw)
	i := strings.Index(s, "\r\n")
	if i < 0 || strings.HasPrefix(s, "$-1") {
		return "", false
	}
	return strings.TrimSuffix(s[i+2:], "\r\n"), true
}

// setupDumpFixtures creates the fixtures on c.
func setupDumpFixtures(t *testing.T, c *conn) {
	t.Helper()
	c.do(t, []string{"FLUSHALL"})
	for _, f := range dumpFixtures {
		if r := c.do(t, splitArgs(t, f)); r.kind == '-' {
			t.Fatalf("%s: %q", f, r.raw)
		}
	}
	// Lists of several nodes, compressed inside, and with a plain node.
	c.do(t, []string{"CONFIG", "SET", "list-max-listpack-size", "4"})
	c.do(t, append([]string{"RPUSH", "list:big"}, strings.Fields(manyWords("e", 50))...))
	c.do(t, []string{"CONFIG", "SET", "list-compress-depth", "1"})
	c.do(t, append([]string{"RPUSH", "list:compressed"}, strings.Fields(manyWords(strings.Repeat("q", 30), 40))...))
	c.do(t, []string{"CONFIG", "SET", "list-compress-depth", "0"})
	c.do(t, []string{"CONFIG", "SET", "list-max-listpack-size", "-2"})
	c.do(t, []string{"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"})
	c.do(t, []string{"RPUSH", "list:plain", "a", strings.Repeat("p", 200), "b"})
	c.do(t, []string{"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1073741824"})
}

// Ensure that DUMP payloads move both ways between Redis and Vesta for
// every type and encoding, with and without rdbcompression: each side
// restores the other's payload to a value with the same DEBUG
// DIGEST-VALUE and OBJECT ENCODING. Where the encoding has a single byte
// form (everything but hashtable hashes and sets, whose order is the hash
// function's), the payloads are identical, compressed or not: Vesta's LZF
// compressor picks liblzf's matches and gives up where it does. Vesta has no
// DEBUG QUICKLIST-PACKED-THRESHOLD, so list:plain has PLAIN nodes only in
// Redis, and only moves from Redis to Vesta byte for byte.
func TestDumpRestoreAcrossRedis(t *testing.T) {
	redis, vesta := dial(t, startRedis(t, t.TempDir())), dial(t, startVesta(t, t.TempDir()))
	for _, comp := range []string{"yes", "no"} {
		for _, c := range []*conn{redis, vesta} {
			setupDumpFixtures(t, c)
			c.do(t, []string{"CONFIG", "SET", "rdbcompression", comp})
		}
		for _, key := range fixtureKeys() {
			rp, ok1 := bulk(redis.do(t, []string{"DUMP", key}))
			vp, ok2 := bulk(vesta.do(t, []string{"DUMP", key}))
			if !ok1 || !ok2 {
				t.Fatalf("DUMP %s: no payload (redis %v, vesta %v)", key, ok1, ok2)
			}
			enc := string(redis.do(t, []string{"OBJECT", "ENCODING", key}).full())
			switch {
			case key == "list:plain":
			case strings.Contains(enc, "hashtable"):
				if len(rp) != len(vp) {
					t.Errorf("rdbcompression %s, DUMP %s: %d bytes in Redis, %d in Vesta", comp, key, len(rp), len(vp))
				}
			case rp != vp:
				t.Errorf("rdbcompression %s, DUMP %s:\nredis %q\nvesta %q", comp, key, rp, vp)
			}
			want := digestText(redis.do(t, []string{"DEBUG", "DIGEST-VALUE", key}))
			// Redis's payload into Vesta, Vesta's into Redis.
			for _, side := range []struct {
				name string
				c    *conn
				p    string
			}{{"vesta", vesta, rp}, {"redis", redis, vp}} {
				copyKey := "copy:" + key
				if r := side.c.do(t, []string{"RESTORE", copyKey, "0", side.p, "REPLACE"}); string(r.raw) != "+OK\r\n" {
					t.Errorf("RESTORE of %s in %s: %q", key, side.name, r.raw)
					continue
				}
				if got := digestText(side.c.do(t, []string{"DEBUG", "DIGEST-VALUE", copyKey})); got != want {
					t.Errorf("%s restored %s with digest %s, want %s", side.name, key, got, want)
				}
				if got := string(side.c.do(t, []string{"OBJECT", "ENCODING", copyKey}).full()); got != enc {
					t.Errorf("%s restored %s as %q, want %q", side.name, key, got, enc)
				}
			}
		}
		if rr, rv := digestText(redis.do(t, []string{"DEBUG", "DIGEST"})), digestText(vesta.do(t, []string{"DEBUG", "DIGEST"})); rr != rv {
			t.Errorf("rdbcompression %s: DEBUG DIGEST differs: redis %s, vesta %s", comp, rr, rv)
		}
	}
}

// restoreScripts check RESTORE's errors, options and dirty counts against
// Redis; payloads are written as Go literals (made by Redis's DUMP).
var restoreScripts = []extrasScript{
	{"errors", `
= SET k hello
= DUMP k
= DUMP nokey
e RESTORE k 0 x
e RESTORE k2 0 x
e RESTORE k2 -1 x
e RESTORE k2 x x
e RESTORE k2 0 x FOO
e RESTORE k2 0 x IDLETIME -1
e RESTORE k2 0 x IDLETIME 5 FREQ 5
e RESTORE k2 0 x FREQ 256
e RESTORE k2 0 x FREQ -1
e RESTORE k2 0 x FREQ 5 IDLETIME 1
e RESTORE k2 0 x IDLETIME
e RESTORE k2 0 x IDLETIME x
e RESTORE k2 0 x FREQ x
e RESTORE k 0 x REPLACE
e RESTORE k2 0 ""
e RESTORE k2 0 "\x00\x05hello\x0b\x00cr\xdfve4 \n"
e RESTORE k2 0 "\x00\x05hellp\n\x00cr\xdfve4 \n"
e RESTORE k -1 x REPLACE
e RESTORE k 0 x REPLACE IDLETIME 1 FREQ 1
= RESTORE k2 0 "\x00\x05hello\n\x00cr\xdfve4 \n"
= GET k2
= OBJECT ENCODING k2
e RESTORE k2 0 "\x00\x05hello\n\x00cr\xdfve4 \n"
= RESTORE k2 0 "\x00\x05hello\n\x00cr\xdfve4 \n" REPLACE
= RESTORE k3 0 "\x00\x05hello\n\x00cr\xdfve4 \n" FREQ 100
= RESTORE k4 0 "\x00\x05hello\n\x00cr\xdfve4 \n" IDLETIME 1000
= OBJECT IDLETIME k4
= RESTORE k5 0 "\x00\x05hello\n\x00cr\xdfve4 \n" IDLETIME 100000000000 REPLACE ABSTTL replace
= OBJECT IDLETIME k5
= RESTORE k6 0 "\x00\x05hello\n\x00cr\xdfve4 \n" IDLETIME 16777215
= OBJECT IDLETIME k6
= RESTORE k7 0 "\x00\x05hello\n\x00cr\xdfve4 \n" IDLETIME 9223372036854775807
= OBJECT IDLETIME k7
= RESTORE k8 0 "\x00\x05hello\n\x00cr\xdfve4 \n" IDLETIME 10000000000000000
= OBJECT IDLETIME k8
e OBJECT FREQ k3
D
`},
	{"ttl", `
= RESTORE a 100000 "\x00\x05hello\n\x00cr\xdfve4 \n"
= TTL a
= RESTORE b 1600000000000 "\x00\x05hello\n\x00cr\xdfve4 \n" ABSTTL
= EXISTS b
D
= SET c x
= RESTORE c 1600000000000 "\x00\x05hello\n\x00cr\xdfve4 \n" ABSTTL REPLACE
= EXISTS c
D
= RESTORE d 9223372036854775807 "\x00\x05hello\n\x00cr\xdfve4 \n"
= EXISTS d
D
= RESTORE e 9223372036854775807 "\x00\x05hello\n\x00cr\xdfve4 \n" ABSTTL
= EXISTS e
= RESTORE f 5000 "\x00\x05hello\n\x00cr\xdfve4 \n" ABSTTL
= EXISTS f
= RESTORE g 0 "\x00\x05hello\n\x00cr\xdfve4 \n" ABSTTL
= TTL g
= RESTORE g 0 "\x00\x05hello\n\x00cr\xdfve4 \n" ABSTTL REPLACE
D
= RESTORE h 1 "\x00\x05hello\n\x00cr\xdfve4 \n" REPLACE
D
`},
	{"bad data", `
! CONFIG SET sanitize-dump-payload yes
e RESTORE k 0 "\x00\x05hello\n\x00cr\xdfve4 \n\x00"
e RESTORE k 0 "\x02\x00\n\x00\x92\xe8\x02\xcc\x1f\xcc\x8e\x9c"
e RESTORE k 0 "\x10\x00\n\x00\x8f\xff\x94\x1a\x92\xd8\xdb\x9e"
e RESTORE k 0 "\x0f\x00\n\x00\x14\x1f\x8e;\xe9\x84\xf5\xd1"
e RESTORE k 0 "\xc8\x00\n\x00\x87\x02\xebY\xba\x8d\xe3#"
! CONFIG SET sanitize-dump-payload no
`},
}

func TestRestoreAgainstRedis(t *testing.T) { runExtrasScripts(t, restoreScripts) }

// Ensure that LZF-compressed DUMP payloads of strings are Redis's bytes:
// strings of every length up to a few KiB, from alphabets of 1 to 256
// letters and with repeats near the end, where liblzf's match bounds and
// its room checks decide what it writes.
func TestDumpLZFAgainstRedis(t *testing.T) {
	redis, vesta := dial(t, startRedis(t, t.TempDir())), dial(t, startVesta(t, t.TempDir()))
	rnd := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 3000; i++ {
		n := 21 + rnd.IntN(60)
		if i%3 == 0 {
			n = 21 + rnd.IntN(5000)
		}
		alpha := 1 + rnd.IntN([]int{2, 4, 16, 256}[rnd.IntN(4)])
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(rnd.IntN(alpha))
			if j > 20 && rnd.IntN(4) == 0 {
				b[j] = b[j-1-rnd.IntN(20)]
			}
		}
		args := []string{"SET", "k", string(b)}
		redis.do(t, args)
		vesta.do(t, args)
		r, v := redis.do(t, []string{"DUMP", "k"}), vesta.do(t, []string{"DUMP", "k"})
		if string(r.full()) != string(v.full()) {
			t.Fatalf("DUMP of %q:\nredis %q\nvesta %q", b, r.full(), v.full())
		}
	}
}
