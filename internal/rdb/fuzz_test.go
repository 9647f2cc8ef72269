package rdb

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func addGoldenSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.rdb")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzReader feeds arbitrary bytes to the Reader: it must never panic,
// must keep allocation proportional to the input, and whatever it parses
// completely must survive a rewrite with the Encoder unchanged.
func FuzzReader(f *testing.F) {
	addGoldenSeeds(f)
	f.Add(build(func(e *Encoder) {
		e.Type(TypeZSet)
		e.Str("z")
		e.Len(1)
		e.Str("m")
		e.TextDouble(1.5)
		e.Type(OpFunctionOld)
		e.Str("n")
		e.Str("e")
		e.Len(0)
		e.Str("c")
	}))
	f.Add([]byte("REDIS0004\xfe\x00\x00\x01k\x01v\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		items, complete := fuzzRead(data, ReaderOptions{})
		runtime.ReadMemStats(&after)
		// LZF may expand 88-fold; buffers add a fixed amount.
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 200*uint64(len(data))+16<<20 {
			t.Fatalf("allocated %d bytes for %d bytes of input", grew, len(data))
		}
		aliased, _ := fuzzRead(data, ReaderOptions{Alias: true, Size: int64(len(data))})
		if !slices.Equal(items, aliased) {
			t.Fatalf("alias/size-hint mode disagrees:\n%q\n%q", items, aliased)
		}
		if !complete {
			return
		}
		// Round trip: rewrite every item and read it back.
		again, complete := fuzzRead(rewrite(t, data), ReaderOptions{})
		if !complete || !slices.Equal(again, items) {
			t.Fatalf("rewrite changed the items:\n%q\n%q", items, again)
		}
	})
}

// fuzzRead returns descriptions of the items read, and whether the input
// was read to a valid EOF with no unsupported values.
func fuzzRead(data []byte, opts ReaderOptions) ([]string, bool) {
	r, err := NewReader(bytes.NewReader(data), opts)
	if err != nil {
		return nil, false
	}
	var out []string
	skipped := false
	for range len(data) + 1 {
		it, err := r.Next()
		if errors.Is(err, ErrUnsupportedType) {
			skipped = true
			if r.SkipValue() != nil {
				return out, false
			}
			continue
		}
		if err != nil {
			return out, false
		}
		if _, ok := it.(EOF); ok {
			return out, !skipped
		}
		out = append(out, digest(it))
	}
	panic("Reader made no progress")
}

// digest is a cheap exact encoding of an item, for comparisons.
func digest(it Item) string {
	k, ok := it.(*Key)
	if !ok {
		return describe(it)
	}
	b := fmt.Appendf(nil, "%d %d %d %d %d|", k.DB, k.Type, k.ExpireMs, k.Idle, k.Freq)
	add := func(ss ...[]byte) {
		for _, s := range ss {
			b = AppendRawString(b, s)
		}
		b = append(b, '|')
	}
	v := k.Value
	add(k.Key, v.Str, v.Blob, v.Containers)
	add(v.Elems...)
	add(v.Values...)
	add(v.Nodes...)
	if v.Stream != nil {
		b = fmt.Appendf(b, "%+v|", *v.Stream)
	}
	for _, f := range v.Scores {
		b = AppendDouble(b, f+0) // -0 prints as "0" in text doubles, as in Redis
	}
	return string(b)
}

// rewrite re-encodes a fully supported file item by item.
func rewrite(t *testing.T, data []byte) []byte {
	r, err := NewReader(bytes.NewReader(data), ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var e Encoder
	e.Compress = true
	e.buf = append(e.buf, data[:9]...)
	for {
		it, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		switch it := it.(type) {
		case Aux:
			e.Aux(it.Key, it.Val)
		case SelectDB:
			e.SelectDB(it.N)
		case ResizeDB:
			e.ResizeDB(it.Keys, it.Expires)
		case Function:
			e.Function(it.Code)
		case *Key:
			encodeKey(&e, it)
		case EOF:
			e.EOF(true)
			return e.Bytes()
		}
	}
}

func encodeKey(e *Encoder, k *Key) {
	if k.ExpireMs != -1 {
		e.ExpireMs(k.ExpireMs)
	}
	if k.Idle != -1 {
		e.Idle(uint64(k.Idle))
	}
	if k.Freq != -1 {
		e.Freq(byte(k.Freq))
	}
	e.Type(k.Type)
	e.String(k.Key)
	v := k.Value
	switch k.Type {
	case TypeString:
		e.String(v.Str)
	case TypeList, TypeSet:
		e.Len(uint64(len(v.Elems)))
		for _, s := range v.Elems {
			e.String(s)
		}
	case TypeZSet, TypeZSet2:
		e.Len(uint64(len(v.Elems)))
		for i, s := range v.Elems {
			e.String(s)
			if k.Type == TypeZSet {
				e.TextDouble(v.Scores[i])
			} else {
				e.Double(v.Scores[i])
			}
		}
	case TypeHash:
		e.Len(uint64(len(v.Elems)))
		for i, s := range v.Elems {
			e.String(s)
			e.String(v.Values[i])
		}
	case TypeListQuicklist, TypeListQuicklist2:
		e.Len(uint64(len(v.Nodes)))
		for i, n := range v.Nodes {
			if k.Type == TypeListQuicklist2 {
				e.Len(uint64(v.Containers[i]))
			}
			e.Blob(n)
		}
	case TypeStreamListpacks, TypeStreamListpacks2:
		e.Stream(v.Stream, k.Type == TypeStreamListpacks2)
	default:
		e.Blob(v.Blob)
	}
}

// FuzzLZF checks decompress(compress(x)) == x, and that decompressing
// arbitrary bytes never panics.
func FuzzLZF(f *testing.F) {
	for _, s := range lzfSamples() {
		f.Add(s[:min(len(s), 2000)], 10)
	}
	f.Add([]byte{0x01, 0x61, 0x61, 0xe0, 0x1b, 0x00, 0x01, 0x61, 0x61}, 40)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		if comp := LZFCompress(nil, data); comp != nil {
			if len(comp) > len(data)-4 {
				t.Fatalf("compressed %d bytes to %d", len(data), len(comp))
			}
			got, err := LZFDecompress(nil, comp, len(data))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("round trip failed: %v", err)
			}
		}
		if n > 0 && n < 1<<20 {
			LZFDecompress(nil, data, n)
		}
	})
}

// FuzzLength checks the length and string encodings round trip, through
// ParseLen and through the Reader.
func FuzzLength(f *testing.F) {
	for _, n := range []uint64{0, 63, 64, 16383, 16384, 1<<32 - 1, 1 << 32, 1<<64 - 1} {
		f.Add(n, []byte("12"), false)
	}
	f.Add(uint64(7), []byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), true)
	f.Add(uint64(7), []byte("-2147483648"), true)
	f.Fuzz(func(t *testing.T, n uint64, s []byte, compress bool) {
		enc := AppendLen(nil, n)
		got, special, size, err := ParseLen(enc)
		if err != nil || special || got != n || size != len(enc) {
			t.Fatalf("ParseLen(AppendLen(%d)) = %d, %v, %d, %v", n, got, special, size, err)
		}
		var e Encoder
		e.Compress = compress
		e.Header()
		e.SelectDB(n)
		e.Type(TypeString)
		e.String(s)
		e.String(s)
		e.EOF(true)
		r, err := NewReader(bytes.NewReader(e.Bytes()), ReaderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if it, err := r.Next(); err != nil || it.(SelectDB).N != n {
			t.Fatalf("SelectDB: got %v, %v, want %d", it, err, n)
		}
		it, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if k := it.(*Key); !bytes.Equal(k.Key, s) || !bytes.Equal(k.Value.Str, s) {
			t.Fatalf("string round trip: got %q, want %q", k.Key, s)
		}
	})
}

// FuzzFunctionPayload feeds FUNCTION RESTORE payloads to the parser: it
// never panics, and what it accepts it writes back identically (without
// compression) when its footer was made for it.
func FuzzFunctionPayload(f *testing.F) {
	f.Add(AppendFunctionPayload([]string{"#!lua name=a\nredis.register_function('f', function() return 1 end)"}, false))
	f.Add(AppendFunctionPayload([]string{"#!lua name=a\n" + strings.Repeat("abcdefgh", 30), "#!lua name=b\n"}, true))
	f.Add([]byte("\xf6\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, p []byte) {
		codes, err := ParseFunctionPayload(p)
		if err != nil {
			return
		}
		again, err := ParseFunctionPayload(AppendFunctionPayload(codes, false))
		if err != nil || len(again) != len(codes) {
			t.Fatalf("round trip: %v %d/%d", err, len(again), len(codes))
		}
		for i := range codes {
			if again[i] != codes[i] {
				t.Fatalf("round trip changed library %d", i)
			}
		}
	})
}
