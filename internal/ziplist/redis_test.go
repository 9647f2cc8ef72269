package ziplist_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/listpack/redistest"
	"github.com/vestadb/vesta/internal/ziplist"
)

var updateRedis = flag.Bool("update-redis", false, "re-record testdata/redis-7.0.15.txt from a real redis-server")

const fixturePath = "testdata/redis-7.0.15.txt"

// RDB types of the legacy encodings.
const (
	typeHashZipmap    = 9
	typeListZiplist   = 10
	typeZsetZiplist   = 12
	typeHashZiplist   = 13
	typeListQuicklist = 14
)

// redisCase is a hand-built legacy blob that real Redis 7.0.15 is asked to
// load with RESTORE (sanitize-dump-payload yes, so it runs its deep checks).
type redisCase struct {
	name string
	typ  byte
	blob []byte
}

func redisCases() []redisCase {
	long := strings.Repeat("x", 300)
	return []redisCase{
		{"list-ints", typeListZiplist, zlistOf(zimm(0), zimm(12), zi(-7, 0xFE), zi(1000, 0xC0), zi(-70000, 0xF0), zi(1<<31-1, 0xD0), zi(-1<<62, 0xE0))},
		{"list-strings", typeListZiplist, zlistOf(zs("a"), zs(""), zs(long), zs("b"), zsEnc("wide", 5), zs("123"), zs("-0"))},
		{"list-big-prevlen-small-value", typeListZiplist, zlistOf(zs("a"), zbig(zs("b")), zbig(zimm(3)))},
		{"list-count-unknown", typeListZiplist, zlistCount(0xFFFF, zs("a"), zs("b"))},
		{"list-bad-prevlen", typeListZiplist, corrupt(zlistOf(zs("abc"), zs("de")), 15, 4)},
		{"list-bad-count", typeListZiplist, corrupt(zlistOf(zs("abc"), zs("de")), 8, 3)},
		{"list-bad-tail", typeListZiplist, corrupt(zlistOf(zs("abc"), zs("de")), 4, 10)},
		{"list-bad-encoding", typeListZiplist, corrupt(zlistOf(zs("abc"), zs("de")), 16, 0xC1)},
		{"list-empty", typeListZiplist, zlistOf()},
		{"quicklist-one-node", typeListQuicklist, zlistOf(zs("q1"), zimm(7), zs("q2"))},
		{"hash", typeHashZiplist, zlistOf(zs("f1"), zs("v1"), zs("f2"), zimm(9), zi(300, 0xC0), zs("three hundred"))},
		{"hash-dup", typeHashZiplist, zlistOf(zs("f"), zs("v"), zs("f"), zs("w"))},
		{"hash-dup-int-string", typeHashZiplist, zlistOf(zimm(5), zs("v"), zs("5"), zs("w"))},
		{"hash-odd", typeHashZiplist, zlistOf(zs("f"), zs("v"), zs("g"))},
		{"zset", typeZsetZiplist, zlistOf(zs("a"), zs("1.5"), zs("b"), zimm(2), zs("c"), zs("1e+20"))},
		{"zset-dup", typeZsetZiplist, zlistOf(zs("a"), zimm(1), zs("a"), zimm(2))},
		{"zipmap", typeHashZipmap, buildZipmap(-1, zmPair{k: "foo", v: "bar"}, zmPair{k: "n", v: "42", free: 2}, zmPair{k: "0", v: "-0"})},
		{"zipmap-long", typeHashZipmap, buildZipmap(-1, zmPair{k: long, v: "v"}, zmPair{k: "k", v: long, bigValueLen: true, free: 1})},
		{"zipmap-ff-length-marker", typeHashZipmap, corrupt(buildZipmap(-1, zmPair{k: "k", v: long}), 3, 0xFF)},
		{"zipmap-noncanonical-length", typeHashZipmap, buildZipmap(-1, zmPair{k: "s", v: "t", bigValueLen: true})},
		{"zipmap-count-unknown", typeHashZipmap, buildZipmap(254, zmPair{k: "a", v: "b"})},
		{"zipmap-dup", typeHashZipmap, buildZipmap(-1, zmPair{k: "a", v: "b"}, zmPair{k: "a", v: "c"})},
		{"zipmap-bad-count", typeHashZipmap, buildZipmap(3, zmPair{k: "a", v: "b"})},
		{"zipmap-empty", typeHashZipmap, buildZipmap(0)},
	}
}

func corrupt(b []byte, off int, v byte) []byte {
	b[off] = v
	return b
}

// convert runs this package's conversion for an RDB type. An empty result
// counts as rejected, since Redis refuses to load an empty key by RESTORE.
func convert(c redisCase) (listpack.Listpack, error) {
	var lp listpack.Listpack
	var err error
	switch c.typ {
	case typeHashZipmap:
		lp, err = ziplist.ZipmapToListpack(c.blob)
	case typeListZiplist, typeListQuicklist:
		lp, err = ziplist.ToListpack(c.blob)
	default:
		lp, err = ziplist.ToListpackPairs(c.blob)
	}
	if err == nil && lp.Len() == 0 {
		err = fmt.Errorf("empty key")
	}
	return lp, err
}

// fixture is what Redis did with one case: rejected, or loaded and
// re-encoded as the given type and blob.
type fixture struct {
	input    []byte
	accepted bool
	typ      byte
	blobs    [][]byte
}

// TestRedisFixtures checks that, for every hand-built legacy blob, this
// package accepts exactly what Redis 7.0.15 accepts and produces the same
// listpack bytes Redis holds after loading it.
func TestRedisFixtures(t *testing.T) {
	cases := redisCases()
	if *updateRedis {
		record(t, cases)
	}
	fx, err := readFixtures(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, ok := fx[c.name]
			if !ok || !bytes.Equal(want.input, c.blob) {
				t.Fatalf("fixture missing or made from other input (re-record with -update-redis)")
			}
			lp, err := convert(c)
			if (err == nil) != want.accepted {
				t.Fatalf("conversion error %v, but Redis accepted = %v", err, want.accepted)
			}
			if !want.accepted {
				return
			}
			if len(want.blobs) != 1 {
				t.Fatalf("Redis produced %d blobs, want 1", len(want.blobs))
			}
			if !bytes.Equal(lp, want.blobs[0]) {
				t.Fatalf("bytes differ\ngot  %x\nwant %x", []byte(lp), want.blobs[0])
			}
		})
	}
}

func record(t *testing.T, cases []redisCase) {
	s := redistest.Start(t, "--rdbcompression", "no", "--sanitize-dump-payload", "yes",
		"--hash-max-listpack-value", "100000", "--zset-max-listpack-value", "100000")
	var b bytes.Buffer
	fmt.Fprintln(&b, "# Legacy blobs (hand-built by redis_test.go) loaded into a real redis-server 7.0.15")
	fmt.Fprintln(&b, "# with RESTORE under sanitize-dump-payload yes, then DUMPed again. \"rejected\" means")
	fmt.Fprintln(&b, "# RESTORE failed; otherwise the blob lines are the listpack(s) Redis re-encoded.")
	fmt.Fprintln(&b, "# Server flags: --rdbcompression no --sanitize-dump-payload yes")
	fmt.Fprintln(&b, "# --hash-max-listpack-value 100000 --zset-max-listpack-value 100000.")
	fmt.Fprintln(&b, "# Regenerate with: go test ./internal/ziplist -run TestRedisFixtures -update-redis")
	for _, c := range cases {
		value := redistest.AppendString(nil, c.blob)
		if c.typ == typeListQuicklist {
			value = redistest.AppendString(redistest.AppendLen(nil, 1), c.blob)
		}
		fmt.Fprintf(&b, "\ncase %s\ninput %x\n", c.name, c.blob)
		_, err := s.Do("RESTORE", "k", "0", string(redistest.Payload(c.typ, value)), "REPLACE")
		if err != nil {
			fmt.Fprintf(&b, "rejected %s\nend\n", strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		typ, blobs, err := s.Dump("k")
		if err != nil {
			t.Fatalf("case %s: %v", c.name, err)
		}
		fmt.Fprintf(&b, "type %d\n", typ)
		for _, blob := range blobs {
			fmt.Fprintf(&b, "blob %x\n", blob)
		}
		fmt.Fprintln(&b, "end")
		if _, err := s.Do("DEL", "k"); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(fixturePath, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFixtures(path string) (map[string]*fixture, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]*fixture{}
	var cur *fixture
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		word, rest, _ := strings.Cut(sc.Text(), " ")
		switch word {
		case "case":
			cur = &fixture{accepted: true}
			out[rest] = cur
		case "input", "blob":
			b, err := hex.DecodeString(rest)
			if err != nil {
				return nil, err
			}
			if word == "input" {
				cur.input = b
			} else {
				cur.blobs = append(cur.blobs, b)
			}
		case "type":
			n, err := strconv.Atoi(rest)
			if err != nil {
				return nil, err
			}
			cur.typ = byte(n)
		case "rejected":
			cur.accepted = false
		}
	}
	return out, sc.Err()
}
