package compat

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// memoryFixtures build one key of each type and encoding: small and large
// strings of every encoding, quicklists of one and several nodes (and
// compressed ones), intsets, hash-table sets, listpack and hash-table
// hashes, listpack and skiplist sorted sets.
func memoryFixtures() [][]string {
	cmds := [][]string{
		{"SET", "int", "12345"}, {"SET", "neg", "-7"}, {"SET", "embstr", "bar"}, {"SET", "empty", ""},
		{"SET", "embstr44", strings.Repeat("e", 44)}, {"SET", "raw", strings.Repeat("r", 45)},
		{"SET", "big", strings.Repeat("b", 5000)}, {"SET", "float", "3.14"}, {"SET", "long", "12345678901234567890123"},
		{"SET", "zeros", strings.Repeat("0", 300)}, {"SETRANGE", "ranged", "3", "abc"},
		{"RPUSH", "list1", "a", "b", "c", "1", "2", "3"}, {"SADD", "ints", "1", "2", "3", "100000"},
		{"SADD", "strset", "a", "b", "c"}, {"HSET", "lphash", "a", "1", "b", "2"}, {"ZADD", "lpz", "1", "a", "2.5", "b"},
		{"RPUSH", "plain", strings.Repeat("p", 9000)},
	}
	var biglist, bigset, bighash, bigz, bigints []string
	biglist = []string{"RPUSH", "biglist"}
	bigset = []string{"SADD", "bigset"}
	bighash = []string{"HSET", "bighash"}
	bigz = []string{"ZADD", "bigz"}
	bigints = []string{"SADD", "bigints"}
	for i := 0; i < 1500; i++ {
		s := strconv.Itoa(i)
		biglist = append(biglist, "element"+s)
		bigset = append(bigset, "member"+s)
		bighash = append(bighash, "field"+s, "value"+s)
		bigz = append(bigz, s, "member"+s)
		bigints = append(bigints, s)
	}
	cmds = append(cmds, biglist, bigset, bighash, bigz, bigints,
		[]string{"CONFIG", "SET", "list-compress-depth", "1"}, append([]string{"RPUSH", "clist"}, biglist[2:]...),
		[]string{"CONFIG", "SET", "list-compress-depth", "0"})
	return cmds
}

// memoryFactor is how far MEMORY USAGE may be from Redis's for a key:
// exact for strings and the compact encodings, within 25% for hash
// tables and skiplists (Redis samples elements in its hash order and may be
// in the middle of a rehash; Vesta counts skiplist nodes at their mean
// size).
// randomFirst are the fixture keys whose first sampled element Redis picks
// at random from run to run: the hash tables (its hash seed is random) and
// the skiplist (the first node's level, which its size follows, is random).
var randomFirst = map[string]bool{"strset": true, "bigset": true, "bighash": true, "bigz": true}

var memoryFactor = map[string]float64{"strset": 1.25, "bigset": 1.25, "bighash": 1.25, "bigz": 1.25, "bigints": 1.25}

// TestMemoryUsage compares MEMORY USAGE (default SAMPLES, SAMPLES 0 and
// SAMPLES 1) and DEBUG OBJECT's serializedlength for every fixture, then
// MEMORY's errors, HELP and DOCTOR on an almost empty server.
func TestMemoryUsage(t *testing.T) {
	p := StartPair(t)
	var conns [2]*conn
	for x, srv := range []*testutil.Server{p.Vesta, p.Redis} {
		c, err := dialConn(srv.Addr, ConnTimeout)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[x] = c
		for _, cmd := range append([][]string{{"FLUSHALL"}}, memoryFixtures()...) {
			if got, err := c.do(cmd...); err != nil || got[0] == '-' {
				t.Fatalf("%q on %s: %q %v", cmd[:2], srv.Name, got, err)
			}
		}
	}
	do := func(args ...string) [2]string {
		var out [2]string
		for x, c := range conns {
			got, err := c.do(args...)
			if err != nil {
				t.Fatal(err)
			}
			out[x] = string(got)
		}
		return out
	}
	serLen := regexp.MustCompile(`serializedlength:\d+`)
	for _, key := range []string{"int", "neg", "embstr", "empty", "embstr44", "raw", "big", "float", "long", "zeros",
		"ranged", "list1", "ints", "strset", "lphash", "lpz", "plain", "biglist", "bigset", "bighash", "bigz",
		"bigints", "clist"} {
		for _, samples := range [][]string{nil, {"SAMPLES", "0"}, {"SAMPLES", "1"}} {
			if randomFirst[key] && len(samples) > 0 && samples[1] == "1" {
				// One sample is a different element (of another size)
				// in every run of Redis: failed 1 run in 3 for the
				// hash tables, then once in a make test for bigz.
				continue
			}
			got := do(append([]string{"MEMORY", "USAGE", key}, samples...)...)
			var v [2]float64
			for x := range got {
				n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(got[x], ":")), 10, 64)
				if err != nil {
					t.Fatalf("MEMORY USAGE %s %v: %q", key, samples, got[x])
				}
				v[x] = float64(n)
			}
			f := memoryFactor[key]
			if f == 0 {
				f = 1
			}
			if v[0] > v[1]*f || v[1] > v[0]*f {
				t.Errorf("MEMORY USAGE %s %v: vesta %v, redis %v (factor %.2f allowed)", key, samples, v[0], v[1], f)
			}
		}
		// Exact without compression; with it, Vesta's LZF compressor
		// may find other matches than liblzf (the payloads decode to the
		// same value: liblzf leaves the last bytes of a string as a
		// literal), so within 25% or 8 bytes.
		do("CONFIG", "SET", "rdbcompression", "no")
		got := do("DEBUG", "OBJECT", key)
		if a, b := serLen.FindString(got[0]), serLen.FindString(got[1]); a != b || a == "" {
			t.Errorf("DEBUG OBJECT %s (rdbcompression no): vesta %q, redis %q", key, a, b)
		}
		do("CONFIG", "SET", "rdbcompression", "yes")
		got = do("DEBUG", "OBJECT", key)
		var n [2]float64
		for x := range got {
			v, err := strconv.Atoi(strings.TrimPrefix(serLen.FindString(got[x]), "serializedlength:"))
			if err != nil {
				t.Fatalf("DEBUG OBJECT %s: %q", key, got[x])
			}
			n[x] = float64(v)
		}
		if (n[0] > n[1]*1.25 || n[1] > n[0]*1.25) && (n[0]-n[1] > 8 || n[1]-n[0] > 8) {
			t.Errorf("DEBUG OBJECT %s: serializedlength vesta %v, redis %v", key, n[0], n[1])
		}
	}
	for _, cmd := range [][]string{
		{"MEMORY", "USAGE", "nokey"}, {"MEMORY", "USAGE", "int", "SAMPLES"}, {"MEMORY", "USAGE", "int", "SAMPLES", "x"},
		{"MEMORY", "USAGE", "int", "SAMPLES", "-1"}, {"MEMORY", "USAGE", "nokey", "x", "1"},
		{"MEMORY", "USAGE", "int", "SAMPLES", "9223372036854775807"}, {"MEMORY", "USAGE"}, {"MEMORY", "HELP"},
		{"MEMORY", "NOPE"}, {"MEMORY", "PURGE"}, {"MEMORY", "USAGE", "int", "samples", "1", "SAMPLES", "2"},
	} {
		if got := do(cmd...); got[0] != got[1] {
			t.Errorf("%q:\n  vesta: %s\n  redis: %s", cmd, testutil.Escape([]byte(got[0])), testutil.Escape([]byte(got[1])))
		}
	}
	do("FLUSHALL")
	if got := do("MEMORY", "DOCTOR"); got[0] != got[1] {
		t.Errorf("MEMORY DOCTOR on an empty server:\n  vesta: %s\n  redis: %s", testutil.Escape([]byte(got[0])), testutil.Escape([]byte(got[1])))
	}
}

// replyShape reduces a reply to its structure: bulk strings as their text,
// numbers as their type (RESP3 integer, double), aggregates as their type
// and length.
func replyShape(b []byte) []string {
	var out []string
	for _, line := range strings.Split(string(b), "\r\n") {
		switch {
		case line == "":
		case line[0] == '$':
		case line[0] == ':':
			out = append(out, "int")
		case line[0] == ',':
			out = append(out, "double")
		case line[0] == '%' || line[0] == '*':
			out = append(out, line)
		default:
			if _, err := strconv.ParseFloat(line, 64); err == nil {
				out = append(out, "number")
			} else {
				out = append(out, line)
			}
		}
	}
	return out
}

// TestMemoryStats compares the shape of MEMORY STATS (field names and
// order, value types, the per-database maps) over RESP2 and RESP3, with
// keys in two databases and keys with a TTL.
func TestMemoryStats(t *testing.T) {
	p := StartPair(t)
	for _, proto := range []string{"2", "3"} {
		var shapes [2][]string
		for x, srv := range []*testutil.Server{p.Vesta, p.Redis} {
			c, err := dialConn(srv.Addr, ConnTimeout)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			for _, cmd := range [][]string{{"HELLO", proto}, {"FLUSHALL"}, {"SET", "a", "1"}, {"SET", "b", "2", "EX", "100"},
				{"SELECT", "3"}, {"SET", "c", "3"}} {
				if _, err := c.do(cmd...); err != nil {
					t.Fatal(err)
				}
			}
			got, err := c.do("MEMORY", "STATS")
			if err != nil {
				t.Fatal(err)
			}
			shapes[x] = replyShape(got)
		}
		if strings.Join(shapes[0], " ") != strings.Join(shapes[1], " ") {
			t.Errorf("RESP%s MEMORY STATS:\n  vesta: %q\n  redis: %q", proto, shapes[0], shapes[1])
		}
	}
}
