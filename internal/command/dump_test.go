package command

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/digest"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/types/stream"
)

// withFooter appends the DUMP footer (version, CRC64) to a value body.
func withFooter(body []byte, version uint16) []byte {
	p := binary.LittleEndian.AppendUint16(bytes.Clone(body), version)
	return binary.LittleEndian.AppendUint64(p, rdb.CRC64(0, p))
}

// entryDigest is DEBUG DIGEST-VALUE of an entry without its TTL.
func entryDigest(e *keyspace.Entry) string {
	switch o := e.Obj(); e.Type() {
	case keyspace.TypeString:
		return digest.StringValue(e.Str(), -1).String()
	case keyspace.TypeList:
		return digest.ListValue(func(y func([]byte) bool) { o.(keyspace.ListValue).Each(y) }, -1).String()
	case keyspace.TypeSet:
		return digest.SetValue(func(y func([]byte) bool) { o.(keyspace.SetValue).Each(y) }, -1).String()
	case keyspace.TypeZSet:
		return digest.ZSetValue(func(y func([]byte, float64) bool) { o.(keyspace.ZSetValue).Each(y) }, -1).String()
	case keyspace.TypeHash:
		return digest.HashValue(func(y func([]byte, []byte) bool) { o.(keyspace.HashValue).Each(y) }, -1).String()
	case keyspace.TypeStream:
		return digest.StreamValue(func(y func(digest.StreamID, [][]byte) bool) {
			o.(*stream.Stream).Each(func(id stream.ID, f [][]byte) bool { return y(digest.StreamID{MS: id.MS, Seq: id.Seq}, f) })
		}, -1).String()
	}
	return "?"
}

// dumpFixtureCommands create a value of every type and encoding.
var dumpFixtureCommands = []string{
	"SET s:embstr hello", "SET s:int 12345", "SET s:raw " + strings.Repeat("x", 60),
	"SET s:lzf " + strings.Repeat("abcd", 40), `SET s:bin "\x00\xff"`, `SET s:empty ""`,
	"RPUSH l:small a b 1 -5", "RPUSH l:many " + strings.Repeat("e ", 300),
	"HSET h:lp f1 v1 f2 2", "HSET h:ht " + strings.Repeat("f v ", 1) + manyFields(200),
	"SADD set:int 1 2 3 -7", "SADD set:ht a b c", "SADD set:big " + manyFields(300),
	"ZADD z:lp 1 a 2.5 b -inf c", "ZADD z:sl " + manyScores(200),
	"XADD x:st 1-1 f v g w", "XADD x:st 2-0 f v2 g 12", "XADD x:st 3-5 other 1", "XDEL x:st 2-0",
}

func manyFields(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "f%d v%d ", i, i)
	}
	return b.String()
}

func manyScores(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%d m%d ", i%17, i)
	}
	return b.String()
}

// Ensure that DUMP then RESTORE gives back the same value, in the same
// encoding, and that the payload of the copy is byte for byte the
// original's, with and without compression.
func TestDumpRestoreRoundTrip(t *testing.T) {
	for _, compress := range []bool{false, true} {
		tt := newTester(t)
		tt.env.limits.RDBCompression = compress
		for _, c := range dumpFixtureCommands {
			if r := tt.doArgs(quotedFields(t, c)...); r[0] == '-' {
				t.Fatalf("%s: %q", c, r)
			}
		}
		db := tt.ks.DBs[0]
		for _, c := range dumpFixtureCommands {
			key := quotedFields(t, c)[1]
			e := db.Peek([]byte(key))
			p, err := DumpPayload(e, compress)
			if err != nil {
				t.Fatal(err)
			}
			if r := tt.doArgs("RESTORE", "copy", "0", string(p), "REPLACE"); r != "+OK\r\n" {
				t.Fatalf("RESTORE of %s: %q", key, r)
			}
			cp := db.Peek([]byte("copy"))
			if got, want := entryDigest(cp), entryDigest(e); got != want {
				t.Errorf("%s: restored digest %s, want %s", key, got, want)
			}
			if got, want := tt.do("OBJECT ENCODING copy"), tt.do("OBJECT ENCODING "+key); got != want {
				t.Errorf("%s: restored as %q, want %q", key, got, want)
			}
			if p2, _ := DumpPayload(cp, compress); !bytes.Equal(p, p2) && !strings.Contains(tt.do("OBJECT ENCODING copy"), "hashtable") {
				t.Errorf("%s: payload of the copy differs:\n%q\n%q", key, p, p2)
			}
		}
	}
}

// Ensure that RESTORE parses its options and TTL as Redis does, refuses
// an existing key without REPLACE, and propagates a relative TTL as an
// absolute one with ABSTTL, a TTL in the past as nothing or as DEL.
func TestRestoreOptionsAndPropagation(t *testing.T) {
	tt := newTester(t)
	tt.ks.Now = 1_000_000
	p := string(withFooter([]byte("\x00\x05hello"), 10))
	tt.doArgs("SET", "k", "v")
	steps := []struct {
		args  []string
		reply string
		prop  string
	}{
		{[]string{"RESTORE", "k", "0", p}, "-BUSYKEY Target key name already exists.", ""},
		{[]string{"RESTORE", "k2", "-1", p}, "-ERR Invalid TTL value, must be >= 0", ""},
		{[]string{"RESTORE", "k2", "x", p}, "-ERR value is not an integer or out of range", ""},
		{[]string{"RESTORE", "k2", "0", p, "IDLETIME", "-1"}, "-ERR Invalid IDLETIME value, must be >= 0", ""},
		{[]string{"RESTORE", "k2", "0", p, "FREQ", "256"}, "-ERR Invalid FREQ value, must be >= 0 and <= 255", ""},
		{[]string{"RESTORE", "k2", "0", p, "FREQ", "1", "IDLETIME", "1"}, "-ERR syntax error", ""},
		{[]string{"RESTORE", "k2", "0", p, "IDLETIME"}, "-ERR syntax error", ""},
		{[]string{"RESTORE", "k2", "0", p + "x"}, "-ERR DUMP payload version or checksum are wrong", ""},
		{[]string{"RESTORE", "k2", "0", string(withFooter([]byte("\x00\x05hello"), 11))}, "-ERR DUMP payload version or checksum are wrong", ""},
		{[]string{"RESTORE", "k2", "0", string(withFooter([]byte("\x00\x40hello"), 10))}, "-ERR Bad data format", ""},
		{[]string{"RESTORE", "k2", "0", p, "FREQ", "5"}, "+OK", "RESTORE k2 0 " + p + " FREQ 5"},
		{[]string{"RESTORE", "k3", "5000", p, "REPLACE"}, "+OK", "RESTORE k3 1005000 " + p + " REPLACE ABSTTL"},
		{[]string{"RESTORE", "k4", "5000", p, "ABSTTL"}, "+OK", ""},
		{[]string{"RESTORE", "k4", "2000000", p, "ABSTTL"}, "+OK", "RESTORE k4 2000000 " + p + " ABSTTL"},
		{[]string{"RESTORE", "k", "5000", p, "ABSTTL", "REPLACE"}, "+OK", "DEL k"},
		{[]string{"RESTORE", "k5", "9223372036854775807", p}, "+OK", ""},
		{[]string{"RESTORE", "k2", "0", p, "REPLACE", "IDLETIME", "100"}, "+OK", "RESTORE k2 0 " + p + " REPLACE IDLETIME 100"},
	}
	for _, s := range steps {
		got := strings.TrimSuffix(tt.doArgs(s.args...), "\r\n")
		if got != s.reply {
			t.Errorf("%q: got %q, want %q", s.args, got, s.reply)
		}
		if prop := tt.lastProp(); prop != s.prop {
			t.Errorf("%q: propagated %q, want %q", s.args, prop, s.prop)
		}
	}
	for key, want := range map[string]string{"k": ":-2", "k3": ":1005000", "k4": ":2000000", "k5": ":-2"} {
		if got := strings.TrimSuffix(tt.do("PEXPIRETIME "+key), "\r\n"); got != want {
			t.Errorf("PEXPIRETIME %s: %s, want %s", key, got, want)
		}
	}
	tt.ks.LRUClock = 1000
	tt.doArgs("RESTORE", "idle", "0", p, "IDLETIME", "300")
	if got := tt.do("OBJECT IDLETIME idle"); got != ":300\r\n" {
		t.Errorf("OBJECT IDLETIME after RESTORE ... IDLETIME 300: %q", got)
	}
	// While loading an AOF, a TTL in the past still stores the key.
	tt.ks.Loading = true
	tt.doArgs("RESTORE", "old", "5000", p, "ABSTTL")
	tt.ks.Loading = false
	if tt.ks.DBs[0].Find([]byte("old")) == nil {
		t.Error("RESTORE while loading dropped a key whose TTL had passed")
	}
}

// corruptBodies are value bodies RESTORE must refuse with "Bad data format"
// (their footers are added by the test, so that the value itself is
// judged).
var corruptBodies = map[string]string{
	"empty":                "",
	"unknown type":         "\x08\x00",
	"opcode as type":       "\xfe\x00",
	"truncated string":     "\x00\x20hel",
	"empty set":            "\x02\x00",
	"duplicate members":    "\x02\x02\x01a\x01a",
	"empty list":           "\x12\x00",
	"quicklist empty node": "\x12\x01\x02\x00",
	"bad listpack node":    "\x12\x01\x02\x07\x07\x00\x00\x00\x01\x00\xff",
	"bad intset":           "\x0b\x0c\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x01\x00",
	"unsorted intset":      "\x0b\x0c\x02\x00\x00\x00\x02\x00\x00\x00\x02\x00\x01\x00",
	"hash listpack odd":    "\x10\x0d\x0d\x00\x00\x00\x01\x00\x81a\x02\xff\x00\x00",
	"zset nan score":       "\x05\x01\x01a\x00\x00\x00\x00\x00\x00\xf8\x7f",
	"zset duplicate":       "\x05\x02\x01a\x00\x00\x00\x00\x00\x00\xf0?\x01a\x00\x00\x00\x00\x00\x00\xf0?",
	"stream":               "\x13\x00",
	"module":               "\x07\x00",
	"huge count":           "\x02\x81\xff\xff\xff\xff\xff\xff\xff\xff",
	"huge string":          "\x00\x81\x00\x00\x00\x10\x00\x00\x00\x00",
	"lzf bad":              "\x00\xc3\x03\x10\x01xx",
}

// Ensure that corrupt values are refused with "Bad data format" and leave
// the keyspace alone.
func TestRestoreRejectsCorruptValues(t *testing.T) {
	tt := newTester(t)
	for name, body := range corruptBodies {
		got := tt.doArgs("RESTORE", "k", "0", string(withFooter([]byte(body), 10)), "REPLACE")
		if got != "-ERR Bad data format\r\n" {
			t.Errorf("%s: got %q", name, got)
		}
	}
	if n := tt.ks.DBs[0].Len(); n != 0 {
		t.Errorf("%d keys after refused RESTOREs", n)
	}
}

// FuzzRestore feeds RESTORE arbitrary payloads, as given or with a valid
// footer added (so that the decoder, not the CRC, judges them). RESTORE
// must never panic, must not allocate far more than the payload can
// justify (LZF expands at most 88-fold), and whatever it accepts must
// survive DUMP and RESTORE unchanged.
func FuzzRestore(f *testing.F) {
	tt := newTester(&testing.T{})
	tt.env.limits.HashMaxListpackEntries = 4
	tt.env.limits.ZSetMaxListpackEntries = 4
	tt.env.limits.SetMaxIntsetEntries = 4
	for _, c := range dumpFixtureCommands {
		tt.doArgs(quotedFields(&testing.T{}, c)...)
	}
	tt.doArgs("XGROUP", "CREATE", "x:st", "g", "0")
	tt.doArgs("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "x:st", ">")
	tt.ks.DBs[0].Each(func(e *keyspace.Entry) bool {
		p, _ := DumpPayload(e, true)
		f.Add(p, false)
		f.Add(p[:len(p)-10], true)
		return true
	})
	for _, body := range corruptBodies {
		f.Add([]byte(body), true)
	}
	f.Fuzz(func(t *testing.T, p []byte, addFooter bool) {
		if addFooter {
			p = withFooter(p, 10)
		}
		tt := newTester(t)
		tt.env.limits.HashMaxListpackEntries = 4
		tt.env.limits.ZSetMaxListpackEntries = 4
		tt.env.limits.SetMaxIntsetEntries = 4
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		got := tt.doArgs("RESTORE", "k", "0", string(p))
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(100*len(p))+8<<20 {
			t.Fatalf("RESTORE of %d bytes allocated %d bytes", len(p), alloc)
		}
		if got != "+OK\r\n" {
			return
		}
		db := tt.ks.DBs[0]
		e := db.Peek([]byte("k"))
		p2, err := DumpPayload(e, true)
		if err != nil {
			t.Fatal(err)
		}
		if r := tt.doArgs("RESTORE", "k2", "0", string(p2)); r != "+OK\r\n" {
			t.Fatalf("RESTORE of Vesta's own DUMP: %q", r)
		}
		e2 := db.Peek([]byte("k2"))
		if d1, d2 := entryDigest(e), entryDigest(e2); d1 != d2 {
			t.Fatalf("round trip changed the value: %s, %s", d1, d2)
		}
		// A hashtable's order depends on its history; other encodings
		// have one byte form.
		if p3, _ := DumpPayload(e2, true); !bytes.Equal(p2, p3) && !strings.Contains(tt.do("OBJECT ENCODING k2"), "hashtable") {
			t.Fatalf("DUMP of the copy differs:\n%q\n%q", p2, p3)
		}
	})
}
