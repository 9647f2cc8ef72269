package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// readAllItems reads every item of an RDB image, skipping unsupported
// values, and returns a text description of each (stable across reader
// modes) plus the decoded keys.
func readAllItems(t *testing.T, data []byte, src io.Reader, opts ReaderOptions) ([]string, map[string]*Key, EOF) {
	t.Helper()
	r, err := NewReader(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	var desc []string
	keys := map[string]*Key{}
	for {
		it, err := r.Next()
		if errors.Is(err, ErrUnsupportedType) {
			desc = append(desc, "unsupported "+describe(it))
			if err := r.SkipValue(); err != nil {
				t.Fatalf("SkipValue: %v", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		desc = append(desc, describe(it))
		switch it := it.(type) {
		case *Key:
			if !opts.Alias {
				keys[fmt.Sprintf("%d/%s", it.DB, it.Key)] = it
			}
		case EOF:
			if _, err := r.Next(); err != io.EOF {
				t.Fatalf("Next after EOF: got %v, want io.EOF", err)
			}
			if r.Offset() != int64(len(data)) {
				t.Fatalf("offset after EOF: got %d, want %d", r.Offset(), len(data))
			}
			return desc, keys, it
		}
	}
}

func describe(it Item) string {
	k, ok := it.(*Key)
	if !ok {
		return fmt.Sprintf("%#v", it)
	}
	v := k.Value
	return fmt.Sprintf("key db=%d type=%d %q exp=%d idle=%d freq=%d str=%q elems=%q scores=%v values=%q blob=%x nodes=%x cont=%v",
		k.DB, k.Type, k.Key, k.ExpireMs, k.Idle, k.Freq, v.Str, v.Elems, v.Scores, v.Values, v.Blob, v.Nodes, v.Containers)
}

func loadGolden(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestGoldenModes reads every golden file through several reader setups
// and checks they all agree and verify the checksum.
func TestGoldenModes(t *testing.T) {
	files, err := filepath.Glob("testdata/*.rdb")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data := loadGolden(t, name)
			want, _, eof := readAllItems(t, data, bytes.NewReader(data), ReaderOptions{})
			if name == "nochecksum.rdb" {
				if eof.Verified || eof.Checksum != 0 {
					t.Errorf("got %+v, want an unverified zero checksum", eof)
				}
			} else if !eof.Verified {
				t.Errorf("got %+v, want a verified checksum", eof)
			}
			modes := []struct {
				name string
				src  io.Reader
				opts ReaderOptions
			}{
				{"alias", bytes.NewReader(data), ReaderOptions{Alias: true}},
				{"size hint", bytes.NewReader(data), ReaderOptions{Size: int64(len(data))}},
				{"one byte reads", iotest.OneByteReader(bytes.NewReader(data)), ReaderOptions{BufferSize: 1}},
				{"half reads alias", iotest.HalfReader(bytes.NewReader(data)), ReaderOptions{Alias: true, BufferSize: 600}},
				{"data err", iotest.DataErrReader(bytes.NewReader(data)), ReaderOptions{}},
			}
			for _, m := range modes {
				got, _, _ := readAllItems(t, data, m.src, m.opts)
				if !slices.Equal(got, want) {
					t.Errorf("%s: items differ:\ngot  %q\nwant %q", m.name, got, want)
				}
			}
		})
	}
}

func TestGoldenStrings(t *testing.T) {
	data := loadGolden(t, "strings.rdb")
	desc, keys, _ := readAllItems(t, data, bytes.NewReader(data), ReaderOptions{})
	for _, aux := range []string{"redis-ver", "redis-bits", "ctime", "used-mem", "aof-base"} {
		if !slices.ContainsFunc(desc, func(s string) bool { return strings.Contains(s, `Key:"`+aux+`"`) }) {
			t.Errorf("AUX %s missing", aux)
		}
	}
	tests := []struct {
		key, val string
		exp      int64
	}{
		{"0/int12", "12", -1},
		{"0/neg300", "-300", -1},
		{"0/int100000", "100000", -1},
		{"0/over32", "2147483648", -1},
		{"0/leadzero", "007", -1},
		{"0/empty", "", -1},
		{"0/hello", "hello world", -1},
		{"0/lzf", strings.Repeat("a", 100), -1},
		{"0/raw21", "abcdefghijklmnopqrstu", -1},
		{"0/expiring", "v", 4102444800000},
		{"1/k1", "v1", -1},
		{"5/k5", "v5", -1},
		{"5/k5exp", "v5", 4102444800123},
	}
	if len(keys) != len(tests) {
		t.Errorf("got %d keys, want %d", len(keys), len(tests))
	}
	for _, tc := range tests {
		k := keys[tc.key]
		if k == nil {
			t.Errorf("%s: missing", tc.key)
			continue
		}
		if k.Type != TypeString || string(k.Value.Str) != tc.val || k.ExpireMs != tc.exp {
			t.Errorf("%s: got type %d %q exp %d, want string %q exp %d", tc.key, k.Type, k.Value.Str, k.ExpireMs, tc.val, tc.exp)
		}
	}
}

// checkListpack checks the header and terminator of a listpack blob.
func checkListpack(t *testing.T, what string, lp []byte, wantCount int) {
	t.Helper()
	if len(lp) < 7 || binary.LittleEndian.Uint32(lp) != uint32(len(lp)) || lp[len(lp)-1] != 0xff {
		t.Errorf("%s: not a listpack: %x", what, lp)
		return
	}
	if wantCount >= 0 && int(binary.LittleEndian.Uint16(lp[4:])) != wantCount {
		t.Errorf("%s: got %d entries, want %d", what, binary.LittleEndian.Uint16(lp[4:]), wantCount)
	}
}

func TestGoldenSmall(t *testing.T) {
	data := loadGolden(t, "small.rdb")
	_, keys, _ := readAllItems(t, data, bytes.NewReader(data), ReaderOptions{})
	if k := keys["0/hash"]; k == nil || k.Type != TypeHashListpack {
		t.Fatalf("hash: got %v, want a HASH_LISTPACK", k)
	} else {
		checkListpack(t, "hash", k.Value.Blob, 4)
	}
	if k := keys["0/intset"]; k == nil || k.Type != TypeSetIntset {
		t.Fatalf("intset: got %v, want SET_INTSET", k)
	} else if want := "0200000003000000010002000300"; fmt.Sprintf("%x", k.Value.Blob) != want {
		t.Errorf("intset: got %x, want %s", k.Value.Blob, want)
	}
	if k := keys["0/strset"]; k == nil || k.Type != TypeSet {
		t.Fatalf("strset: got %v, want SET", k)
	} else {
		got := make([]string, len(k.Value.Elems))
		for i, e := range k.Value.Elems {
			got[i] = string(e)
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Errorf("strset: got %q, want [a b c]", got)
		}
	}
	if k := keys["0/zset"]; k == nil || k.Type != TypeZSetListpack {
		t.Fatalf("zset: got %v, want ZSET_LISTPACK", k)
	} else {
		checkListpack(t, "zset", k.Value.Blob, 6)
		if !bytes.Contains(k.Value.Blob, []byte("\x831.5")) {
			t.Errorf("zset: score 1.5 not stored as text: %x", k.Value.Blob)
		}
	}
	if k := keys["0/list"]; k == nil || k.Type != TypeListQuicklist2 {
		t.Fatalf("list: got %v, want QUICKLIST_2", k)
	} else if len(k.Value.Nodes) != 1 || !slices.Equal(k.Value.Containers, []byte{ContainerPacked}) {
		t.Errorf("list: got %d nodes %v, want one packed node", len(k.Value.Nodes), k.Value.Containers)
	} else {
		checkListpack(t, "list node", k.Value.Nodes[0], 6)
	}
}

func TestGoldenBig(t *testing.T) {
	data := loadGolden(t, "big.rdb")
	_, keys, _ := readAllItems(t, data, bytes.NewReader(data), ReaderOptions{})
	if len(keys) != 106 {
		t.Errorf("got %d keys, want 106", len(keys))
	}
	for i := range 100 {
		k := keys[fmt.Sprintf("0/key:%d", i)]
		if k == nil || string(k.Value.Str) != fmt.Sprintf("value:%d", i) {
			t.Errorf("key:%d: got %v, want value:%d", i, k, i)
		}
	}
	h := keys["0/bighash"]
	if h == nil || h.Type != TypeHash || len(h.Value.Elems) != 600 || len(h.Value.Values) != 600 {
		t.Fatalf("bighash: got %v, want a 600-field HASH", h)
	}
	for i, f := range h.Value.Elems {
		if "v"+string(f[1:]) != string(h.Value.Values[i]) {
			t.Fatalf("bighash: field %q has value %q", f, h.Value.Values[i])
		}
	}
	if k := keys["0/longvalhash"]; k == nil || k.Type != TypeHash || string(k.Value.Values[0]) != strings.Repeat("x", 100) {
		t.Errorf("longvalhash: got %v", k)
	}
	for _, name := range []string{"bigset", "bigintset"} {
		k := keys["0/"+name]
		if k == nil || k.Type != TypeSet || len(k.Value.Elems) != 600 {
			t.Fatalf("%s: got %v, want a 600-member SET", name, k)
		}
	}
	z := keys["0/bigzset"]
	if z == nil || z.Type != TypeZSet2 || len(z.Value.Elems) != 200 {
		t.Fatalf("bigzset: got %v, want a 200-member ZSET_2", z)
	}
	for i, m := range z.Value.Elems {
		var n int
		fmt.Sscanf(string(m), "m%d", &n)
		if z.Value.Scores[i] != float64(n)/4 {
			t.Errorf("bigzset: %s has score %v, want %v", m, z.Value.Scores[i], float64(n)/4)
		}
		if i > 0 && z.Value.Scores[i] > z.Value.Scores[i-1] {
			t.Errorf("bigzset: scores not written highest first at %d", i)
		}
	}
	l := keys["0/biglist"]
	if l == nil || l.Type != TypeListQuicklist2 || len(l.Value.Nodes) < 2 {
		t.Fatalf("biglist: got %v, want a multi-node QUICKLIST_2", l)
	}
	for i, node := range l.Value.Nodes {
		checkListpack(t, fmt.Sprintf("biglist node %d", i), node, -1)
	}
}

func TestGoldenListCompress(t *testing.T) {
	data := loadGolden(t, "listcompress.rdb")
	_, keys, _ := readAllItems(t, data, bytes.NewReader(data), ReaderOptions{})
	l := keys["0/clist"]
	if l == nil || len(l.Value.Nodes) < 3 {
		t.Fatalf("clist: got %v, want several nodes", l)
	}
	for i, node := range l.Value.Nodes {
		checkListpack(t, fmt.Sprintf("clist node %d", i), node, -1)
	}
	// Inner nodes are compressed in memory and written as LZF even with
	// rdbcompression no: a PACKED container followed by the LZF marker.
	if n := bytes.Count(data, []byte{ContainerPacked, 0xc3}); n < len(l.Value.Nodes)-2 {
		t.Errorf("found %d LZF nodes, want at least %d", n, len(l.Value.Nodes)-2)
	}
	// The plain string is not compressed (rdbcompression no).
	if k := keys["0/long"]; k == nil || string(k.Value.Str) != strings.Repeat("b", 100) {
		t.Errorf("long: got %v", k)
	}
}

func TestGoldenPlain(t *testing.T) {
	data := loadGolden(t, "plain.rdb")
	_, keys, _ := readAllItems(t, data, bytes.NewReader(data), ReaderOptions{})
	l := keys["0/plist"]
	if l == nil || !slices.Equal(l.Value.Containers, []byte{ContainerPacked, ContainerPlain, ContainerPacked}) {
		t.Fatalf("plist: got %v, want containers packed, plain, packed", l)
	}
	if got := string(l.Value.Nodes[1]); got != strings.Repeat("p", 200) {
		t.Errorf("plain node: got %q", got)
	}
}

func TestGoldenMisc(t *testing.T) {
	t.Run("stream", func(t *testing.T) {
		data := loadGolden(t, "stream.rdb")
		desc, keys, _ := readAllItems(t, data, bytes.NewReader(data), ReaderOptions{})
		_ = desc
		st := keys["0/s"]
		if st == nil || st.Value.Stream == nil || len(st.Value.Stream.Nodes) == 0 || st.Value.Stream.Length == 0 {
			t.Errorf("stream key not decoded: %+v", st)
		}
		if k := keys["0/after"]; k == nil || string(k.Value.Str) != "stream" {
			t.Errorf("after: got %v, want the key after the stream", k)
		}
	})
	t.Run("function", func(t *testing.T) {
		data := loadGolden(t, "function.rdb")
		desc, _, _ := readAllItems(t, data, bytes.NewReader(data), ReaderOptions{})
		want := describe(Function{Code: "#!lua name=mylib\nredis.register_function(\"myfunc\", function(keys, args) return 1 end)"})
		if !slices.Contains(desc, want) {
			t.Errorf("function item missing: %q", desc)
		}
	})
	t.Run("lru", func(t *testing.T) {
		data := loadGolden(t, "lru.rdb")
		_, keys, _ := readAllItems(t, data, bytes.NewReader(data), ReaderOptions{})
		if k := keys["0/a"]; k == nil || k.Idle < 0 || k.Freq != -1 {
			t.Errorf("got %v, want an idle time and no freq", k)
		}
	})
	t.Run("lfu", func(t *testing.T) {
		data := loadGolden(t, "lfu.rdb")
		_, keys, _ := readAllItems(t, data, bytes.NewReader(data), ReaderOptions{})
		if k := keys["0/a"]; k == nil || k.Freq < 0 || k.Idle != -1 {
			t.Errorf("got %v, want a freq and no idle time", k)
		}
	})
}

// TestGoldenReencodeIdentical re-encodes Redis's files item by item with
// the Encoder: where no LZF is involved the bytes, checksum included, must
// be identical to what Redis wrote. (LZF streams may legitimately differ:
// any valid stream loads.)
func TestGoldenReencodeIdentical(t *testing.T) {
	for _, name := range []string{"small.rdb", "function.rdb", "lru.rdb", "lfu.rdb"} {
		t.Run(name, func(t *testing.T) {
			data := loadGolden(t, name)
			if got := rewrite(t, data); !bytes.Equal(got, data) {
				t.Fatalf("re-encoded file differs:\ngot  %x\nwant %x", got, data)
			}
		})
	}
}

// TestGoldenStandardAux checks that StandardAux writes the same bytes as
// Redis for the same values.
func TestGoldenStandardAux(t *testing.T) {
	data := loadGolden(t, "small.rdb")
	r, err := NewReader(bytes.NewReader(data), ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	aux := map[string]int64{}
	for {
		it, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		a, ok := it.(Aux)
		if !ok {
			break
		}
		var v int64
		fmt.Sscan(a.Val, &v)
		aux[a.Key] = v
	}
	var e Encoder
	e.Header()
	e.StandardAux(RedisVersion, aux["ctime"], aux["used-mem"], nil, false)
	if !bytes.HasPrefix(data, e.Bytes()) {
		t.Fatalf("got %x, want a prefix of %x", e.Bytes(), data[:len(e.Bytes())])
	}
}
