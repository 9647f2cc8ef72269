package command_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

// hllScripts compare the HyperLogLog commands with Redis: replies, the
// bytes of the values (GET and DUMP), dirty counts, what they propagate
// (DEBUG LOADAOF replays it) and Redis's errors for values that are not,
// or no longer, valid HyperLogLogs.
var hllScripts = []extrasScript{
	{"basics", `
= PFADD h a b c d e f g
D
= PFADD h a b
D
= PFADD h
D
= PFCOUNT h
D
= PFCOUNT h
D
= GET h
= DUMP h
= OBJECT ENCODING h
= PFDEBUG DECODE h
= PFDEBUG ENCODING h
= PFADD h2 x y z a
= PFCOUNT h h2
= PFCOUNT h h2 nokey h
D
= PFCOUNT nokey
= PFCOUNT nokey nokey2
= PFADD empty
= GET empty
= PFCOUNT empty
= PFMERGE m h h2
D
= GET m
= PFCOUNT m
= PFMERGE m
= PFMERGE newdst
= GET newdst
= PFMERGE newdst2 nokey
= GET newdst2
= PFDEBUG TODENSE m
D
= PFDEBUG TODENSE m
D
= PFDEBUG ENCODING m
= PFDEBUG DECODE m
= PFCOUNT m
= DUMP m
= PFMERGE m2 h m
= PFDEBUG ENCODING m2
= DUMP m2
= PFMERGE h h2
= PFDEBUG ENCODING h
= GET h
= PFDEBUG GETREG h2
D
= PFDEBUG ENCODING h2
= PFDEBUG FOO h2
= PFDEBUG FOO nokey
= PFDEBUG GETREG nokey
= PFSELFTEST
! DEBUG LOADAOF
= GET h
= GET h2
= GET m
`},
	{"wrongtype", `
= SET s hello
= PFADD s a
= PFCOUNT s
= PFCOUNT s s
= PFMERGE s
= PFMERGE d s
= PFDEBUG ENCODING s
= RPUSH l a
= PFADD l a
= PFCOUNT l
= PFADD h a
= PFCOUNT h l
= PFCOUNT l h
= PFMERGE h l
= PFMERGE l h
= PFDEBUG GETREG l
= SET i 12345
= PFCOUNT i
= SET short HYLL
= PFCOUNT short
= SET hdr "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
= PFCOUNT hdr
= PFADD hdr a
= SET enc2 "HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff"
= PFCOUNT enc2
= SET magic "HYLX\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff"
= PFADD magic a
D
`},
	{"corrupt", `
# A sparse value whose opcodes cover too few registers, or too many.
= SET few "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe"
= PFCOUNT few
= PFCOUNT few few
= PFMERGE d few
= PFDEBUG TODENSE few
= PFDEBUG GETREG few
= PFDEBUG DECODE few
= PFADD few a b c d e f g h i j
D
= GET few
= SET many "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\x80"
= PFCOUNT many
= PFADD many a
= GET many
# An XZERO opcode in the last byte reads the terminating NUL.
= SET tail "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f"
= PFCOUNT tail
= PFDEBUG DECODE tail
= SET tail2 "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x40\x7f"
= PFDEBUG DECODE tail2
= PFCOUNT tail2
= PFADD tail2 a b c
= GET tail2
# A valid cached cardinality is trusted.
= SET cached "HYLL\x01\x00\x00\x00\x39\x30\x00\x00\x00\x00\x00\x00\x7f\xfe"
= PFCOUNT cached
= PFCOUNT cached cached
= SET big "HYLL\x01\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\x7f\x7f\xff"
= PFCOUNT big
# Dense values with registers above the sparse maximum, set directly.
= SET dense "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80{\xff*12288}"
= PFCOUNT dense
= PFCOUNT dense dense
= PFMERGE d2 dense
= PFCOUNT d2
= PFADD dense x
= DUMP dense
= SET short-dense "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00"
= PFCOUNT short-dense
D
! DEBUG LOADAOF
= GET few
= GET tail2
= GET d2
`},
	{"sparse-max-bytes", `
! CONFIG SET hll-sparse-max-bytes 0
= CONFIG GET hll-sparse-max-bytes
= PFADD a x
= PFDEBUG ENCODING a
= PFADD b
= PFDEBUG ENCODING b
! CONFIG SET hll-sparse-max-bytes 25
= PFADD c 1 2 3 4 5 6 7 8 9 10
= PFDEBUG ENCODING c
= PFADD e 1 2
= PFDEBUG ENCODING e
= PFDEBUG DECODE e
= PFMERGE f e
= PFDEBUG DECODE f
! CONFIG SET hll-sparse-max-bytes 100000
= PFADD g {x*1}
= CONFIG GET hll-sparse-max-bytes
e CONFIG SET hll-sparse-max-bytes -1
e CONFIG SET hll-sparse-max-bytes x
! CONFIG SET hll-sparse-max-bytes 3kb
= CONFIG GET hll-sparse-max-bytes
! CONFIG SET hll-sparse-max-bytes 3000
`},
}

// Ensure that the HyperLogLog commands answer, change and propagate as
// Redis's do, over RESP2 and RESP3.
func TestHyperLogLogAgainstRedis(t *testing.T) {
	runExtrasScripts(t, hllScripts)
}

// Ensure that HyperLogLogs built by the same commands are the same bytes in
// Vesta and Redis, sparse and dense, under several hll-sparse-max-bytes,
// and that their DUMP payloads are identical with and without
// rdbcompression; PFCOUNT, PFMERGE and PFDEBUG DECODE agree on them.
func TestHyperLogLogBytesAgainstRedis(t *testing.T) {
	redis, vesta := dial(t, startRedis(t, t.TempDir())), dial(t, startVesta(t, t.TempDir()))
	both := func(args ...string) {
		t.Helper()
		r, v := redis.do(t, args), vesta.do(t, args)
		if string(r.full()) != string(v.full()) {
			t.Fatalf("%.200q:\nredis %.300q\nvesta %.300q", args, r.full(), v.full())
		}
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	sizes := []int{0, 1, 2, 10, 100, 300, 1000, 2000, 3000, 5000, 20000}
	for round := 0; round < 12; round++ {
		both("FLUSHALL")
		both("CONFIG", "SET", "hll-sparse-max-bytes", []string{"3000", "0", "50", "200", "12000"}[round%5])
		both("CONFIG", "SET", "rdbcompression", []string{"yes", "no"}[round%2])
		keys := []string{"h0", "h1", "h2", "h3"}
		for _, k := range keys {
			n := sizes[rnd.IntN(len(sizes))]
			for done := 0; done < n; {
				args := []string{"PFADD", k}
				for j := 0; j < 1+rnd.IntN(50) && done < n; j++ {
					args = append(args, strconv.FormatUint(rnd.Uint64N(uint64(n)*2+1), 36))
					done++
				}
				both(args...)
			}
			both("GET", k)
			both("DUMP", k)
			both("PFCOUNT", k)
			both("GET", k)
			both("PFDEBUG", "DECODE", k)
		}
		both("PFCOUNT", "h0", "h1", "h2", "h3")
		both("PFMERGE", "h0", "h1", "h2")
		both("DUMP", "h0")
		both("PFCOUNT", "h0")
		both("PFMERGE", "m", "h3")
		both("GET", "m")
		both("PFDEBUG", "GETREG", "h1")
		both("DUMP", "h1")
		both("DEBUG", "DIGEST")
	}
}

// Ensure that damaged sparse values get Redis's replies, and end up as the
// same bytes, whatever byte of the opcodes is damaged.
func TestHyperLogLogCorruptAgainstRedis(t *testing.T) {
	redis, vesta := dial(t, startRedis(t, t.TempDir())), dial(t, startVesta(t, t.TempDir()))
	both := func(args ...string) {
		t.Helper()
		r, v := redis.do(t, args), vesta.do(t, args)
		if string(r.full()) != string(v.full()) {
			t.Fatalf("%.200q:\nredis %.300q\nvesta %.300q", args, r.full(), v.full())
		}
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	both("FLUSHALL")
	both("PFADD", "src", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l")
	src := string(bulkOf(t, redis.do(t, []string{"GET", "src"})))
	for i := 0; i < 400; i++ {
		b := []byte(src)
		for n := 1 + rnd.IntN(3); n > 0; n-- {
			switch rnd.IntN(3) {
			case 0:
				p := 16 + rnd.IntN(len(b)-16)
				b[p] = byte(rnd.IntN(256))
			case 1:
				if len(b) > 17 {
					b = b[:len(b)-1]
				}
			default:
				b = append(b, byte(rnd.IntN(256)))
			}
		}
		if rnd.IntN(2) == 0 {
			b[15] |= 0x80
		}
		k := fmt.Sprintf("c%d", i%5)
		both("SET", k, string(b))
		switch rnd.IntN(6) {
		case 0:
			both("PFCOUNT", k)
		case 1:
			both("PFCOUNT", k, "src")
		case 2:
			both("PFMERGE", "dst", k)
		case 3:
			both("PFDEBUG", []string{"DECODE", "GETREG", "TODENSE", "ENCODING"}[rnd.IntN(4)], k)
		default:
			args := []string{"PFADD", k}
			for j := rnd.IntN(20); j > 0; j-- {
				args = append(args, strconv.Itoa(rnd.IntN(1000)))
			}
			both(args...)
		}
		both("GET", k)
		both("GET", "dst")
	}
	both("DEBUG", "DIGEST")
}

// bulkOf returns the payload of a bulk reply.
func bulkOf(t *testing.T, r *reply) []byte {
	t.Helper()
	s, ok := bulk(r)
	if !ok {
		t.Fatalf("not a bulk reply: %q", r.raw)
	}
	return []byte(s)
}
