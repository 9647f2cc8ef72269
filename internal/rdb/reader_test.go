package rdb

import (
	"bytes"
	"errors"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"
)

// build returns a complete RDB image: header, the items fn appends, EOF
// and a checksum.
func build(fn func(e *Encoder)) []byte {
	var e Encoder
	e.Header()
	fn(&e)
	e.EOF(true)
	return e.Bytes()
}

// readOne reads an image and returns the first item after skipping
// SelectDB, or the first error.
func readOne(data []byte) (Item, error) {
	r, err := NewReader(bytes.NewReader(data), ReaderOptions{})
	if err != nil {
		return nil, err
	}
	for {
		it, err := r.Next()
		if _, ok := it.(SelectDB); ok && err == nil {
			continue
		}
		return it, err
	}
}

func TestReaderHeader(t *testing.T) {
	tests := []struct {
		in   string
		want error
		msg  string
	}{
		{"REDIS0011", ErrVersion, "Can't handle RDB format version 11"},
		{"REDIS0000", ErrVersion, "Can't handle RDB format version 0"},
		{"REDIS00a1", ErrVersion, "version 0"},
		{"RUBIS0010", ErrCorrupt, "wrong signature"},
		{"REDIS001", ErrTruncated, ""},
		{"", ErrTruncated, ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tc.in), ReaderOptions{})
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v, want %v containing %q", err, tc.want, tc.msg)
			}
		})
	}
	for _, v := range []string{"0001", "0009", "0010"} {
		r, err := NewReader(strings.NewReader("REDIS"+v), ReaderOptions{})
		if err != nil {
			t.Fatalf("version %s: %v", v, err)
		}
		if r.Version() != int(v[3]-'0')+10*int(v[2]-'0') {
			t.Errorf("version %s: got %d", v, r.Version())
		}
	}
}

// TestReaderTruncated cuts golden files at every length: each prefix must
// fail with ErrTruncated, with and without a size hint.
func TestReaderTruncated(t *testing.T) {
	for _, name := range []string{"small.rdb", "strings.rdb", "stream.rdb", "plain.rdb", "function.rdb"} {
		data := loadGolden(t, name)
		for n := range len(data) {
			for _, hint := range []int64{0, int64(n)} {
				err := readToEnd(data[:n], ReaderOptions{Size: hint})
				if !errors.Is(err, ErrTruncated) {
					t.Fatalf("%s cut at %d (hint %d): got %v, want ErrTruncated", name, n, hint, err)
				}
				var e *Error
				if !errors.As(err, &e) || e.Offset < 0 || e.Offset > int64(n) {
					t.Fatalf("%s cut at %d: got %#v, want an *Error with an offset in range", name, n, err)
				}
			}
		}
	}
}

// readToEnd reads an image to its EOF item, skipping unsupported values.
func readToEnd(data []byte, opts ReaderOptions) error {
	r, err := NewReader(bytes.NewReader(data), opts)
	if err != nil {
		return err
	}
	for {
		it, err := r.Next()
		if errors.Is(err, ErrUnsupportedType) {
			if err := r.SkipValue(); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if _, ok := it.(EOF); ok {
			return nil
		}
	}
}

func TestReaderChecksum(t *testing.T) {
	data := loadGolden(t, "strings.rdb")
	t.Run("trailer flipped", func(t *testing.T) {
		bad := bytes.Clone(data)
		bad[len(bad)-1] ^= 1
		err := readToEnd(bad, ReaderOptions{})
		if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "Wrong RDB checksum expected: (") {
			t.Fatalf("got %v, want ErrChecksum with Redis's wording", err)
		}
		if err := readToEnd(bad, ReaderOptions{IgnoreChecksum: true}); err != nil {
			t.Fatalf("IgnoreChecksum: got %v, want nil", err)
		}
	})
	t.Run("data flipped", func(t *testing.T) {
		bad := bytes.Clone(data)
		i := bytes.Index(bad, []byte("hello world"))
		bad[i] = 'j'
		if err := readToEnd(bad, ReaderOptions{}); !errors.Is(err, ErrChecksum) {
			t.Fatalf("got %v, want ErrChecksum", err)
		}
	})
	t.Run("zero trailer", func(t *testing.T) {
		zero := bytes.Clone(data)
		copy(zero[len(zero)-8:], make([]byte, 8))
		r, _ := NewReader(bytes.NewReader(zero), ReaderOptions{})
		for {
			it, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			if eof, ok := it.(EOF); ok {
				if eof.Verified || eof.Checksum != 0 {
					t.Fatalf("got %+v, want checksum disabled", eof)
				}
				return
			}
		}
	})
}

func TestReaderHandBuilt(t *testing.T) {
	t.Run("old version without checksum", func(t *testing.T) {
		data := []byte("REDIS0004\xfe\x00\x00\x01k\x01v\xff")
		if err := readToEnd(data, ReaderOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("expire in seconds", func(t *testing.T) {
		data := build(func(e *Encoder) {
			e.Raw([]byte{OpExpireTime, 0x10, 0, 0, 0})
			e.Type(TypeString)
			e.Str("k")
			e.Str("v")
		})
		it, err := readOne(data)
		if k, ok := it.(*Key); err != nil || !ok || k.ExpireMs != 16000 {
			t.Fatalf("got %v, %v, want expire 16000", it, err)
		}
	})
	t.Run("old function opcode", func(t *testing.T) {
		data := build(func(e *Encoder) {
			e.Type(OpFunctionOld)
			e.Str("lib")
			e.Str("LUA")
			e.Len(1)
			e.Str("a description")
			e.Str("return 1")
		})
		it, err := readOne(data)
		if f, ok := it.(Function); err != nil || !ok || f.Code != "#!LUA name=lib\nreturn 1" {
			t.Fatalf("got %#v, %v", it, err)
		}
	})
	t.Run("metadata applies to the next key only", func(t *testing.T) {
		data := build(func(e *Encoder) {
			e.ExpireMs(5)
			e.Idle(7)
			e.Freq(9)
			e.SelectDB(3)
			e.Type(TypeString)
			e.Str("a")
			e.Str("1")
			e.Type(TypeString)
			e.Str("b")
			e.Str("2")
		})
		r, _ := NewReader(bytes.NewReader(data), ReaderOptions{})
		r.Next() // SelectDB
		it, _ := r.Next()
		if k := it.(*Key); k.ExpireMs != 5 || k.Idle != 7 || k.Freq != 9 || k.DB != 3 {
			t.Fatalf("first key: got %s", describe(k))
		}
		it, _ = r.Next()
		if k := it.(*Key); k.ExpireMs != -1 || k.Idle != -1 || k.Freq != -1 {
			t.Fatalf("second key: got %s", describe(k))
		}
	})
	t.Run("text double zset", func(t *testing.T) {
		data := build(func(e *Encoder) {
			e.Type(TypeZSet)
			e.Str("z")
			e.Len(3)
			e.Str("a")
			e.TextDouble(math.Inf(1))
			e.Str("b")
			e.TextDouble(-2.5)
			e.Str("c")
			e.TextDouble(math.Inf(-1))
		})
		it, err := readOne(data)
		k, ok := it.(*Key)
		if err != nil || !ok {
			t.Fatal(err)
		}
		want := []float64{math.Inf(1), -2.5, math.Inf(-1)}
		for i, s := range k.Value.Scores {
			if s != want[i] {
				t.Errorf("score %d: got %v, want %v", i, s, want[i])
			}
		}
	})
}

// Ensure that a length written in the special form 11xxxxxx reads as
// xxxxxx, as Redis's loader reads it wherever it expects a length.
func TestReaderSpecialFormAsLength(t *testing.T) {
	r, err := NewReader(bytes.NewReader(build(func(e *Encoder) { e.Type(OpSelectDB); e.Raw([]byte{0xc3}) })), ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if it, err := r.Next(); err != nil || it != (SelectDB{N: 3}) {
		t.Fatalf("SELECTDB 0xc3: got %v, %v, want SELECTDB 3", it, err)
	}
	k, _, err := DecodeValue([]byte("\x02\xc2\x01a\x01b"))
	if err != nil || len(k.Value.Elems) != 2 {
		t.Fatalf("set with count 0xc2: got %+v, %v, want 2 members", k, err)
	}
}

func TestReaderCorrupt(t *testing.T) {
	tests := []struct {
		name string
		fn   func(e *Encoder)
		want error
	}{
		{"unknown type", func(e *Encoder) { e.Type(8); e.Str("k") }, ErrCorrupt},
		{"unknown opcode", func(e *Encoder) { e.Type(0xF4) }, ErrCorrupt},
		{"unknown length form", func(e *Encoder) { e.Type(OpSelectDB); e.Raw([]byte{0x82}) }, ErrCorrupt},
		{"unknown string encoding", func(e *Encoder) { e.Type(TypeString); e.Raw([]byte{0xc4}) }, ErrCorrupt},
		{"bad container", func(e *Encoder) { e.Type(TypeListQuicklist2); e.Str("l"); e.Len(1); e.Len(3); e.Str("x") }, ErrCorrupt},
		{"empty node", func(e *Encoder) { e.Type(TypeListQuicklist2); e.Str("l"); e.Len(1); e.Len(2); e.Str("") }, ErrCorrupt},
		{"NaN score", func(e *Encoder) { e.Type(TypeZSet2); e.Str("z"); e.Len(1); e.Str("m"); e.Double(math.NaN()) }, ErrCorrupt},
		{"NaN text score", func(e *Encoder) { e.Type(TypeZSet); e.Str("z"); e.Len(1); e.Str("m"); e.TextDouble(math.NaN()) }, ErrCorrupt},
		{"bad text double", func(e *Encoder) { e.Type(TypeZSet); e.Str("z"); e.Len(1); e.Str("m"); e.Raw([]byte{2, 'x', 'y'}) }, ErrCorrupt},
		{"bad LZF", func(e *Encoder) { e.Type(TypeString); e.Str("k"); e.CompressedBlob([]byte{0x05, 'a'}, 6) }, ErrCorrupt},
		{"LZF ratio", func(e *Encoder) { e.Type(TypeString); e.Str("k"); e.CompressedBlob([]byte{0x00, 'a'}, 1000) }, ErrCorrupt},
		{"module aux when opcode", func(e *Encoder) { e.Type(OpModuleAux); e.Len(1 << 10); e.Len(5); e.Len(1) }, ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readOne(build(tc.fn))
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Offset < 9 {
				t.Fatalf("got %#v, want an *Error past the header", err)
			}
		})
	}
}

// moduleID builds a module id from a 9-character name and a version.
func moduleID(name string, ver uint64) uint64 {
	var id uint64
	for i := range 9 {
		id = id<<6 | uint64(strings.IndexByte(moduleNameChars, name[i]))
	}
	return id<<10 | ver
}

func TestReaderSkip(t *testing.T) {
	id := moduleID("mymodule1", 3)
	moduleData := func(e *Encoder) {
		e.Len(moduleOpSInt)
		e.Len(5)
		e.Len(moduleOpFloat)
		e.Raw([]byte{1, 2, 3, 4})
		e.Len(moduleOpDouble)
		e.Double(1.5)
		e.Len(moduleOpString)
		e.Str(strings.Repeat("z", 50))
		e.Len(moduleOpEOF)
	}
	data := build(func(e *Encoder) {
		e.Type(OpModuleAux)
		e.Len(id)
		e.Len(moduleOpUInt)
		e.Len(1)
		moduleData(e)
		e.Type(TypeModule2)
		e.Str("mk")
		e.Len(id)
		moduleData(e)
		e.Type(TypeString)
		e.Str("after")
		e.Str("ok")
	})
	r, err := NewReader(bytes.NewReader(data), ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SkipValue(); err == nil {
		t.Fatal("SkipValue with nothing pending: got nil, want an error")
	}
	it, err := r.Next()
	aux, ok := it.(ModuleAux)
	if !errors.Is(err, ErrUnsupportedType) || !ok || aux.Module != "mymodule1" || aux.When != 1 || aux.ModuleID != id {
		t.Fatalf("got %#v, %v, want ModuleAux of mymodule1 with ErrUnsupportedType", it, err)
	}
	if _, err := r.Next(); !errors.Is(err, errNotConsumed) {
		t.Fatalf("Next before SkipValue: got %v, want errNotConsumed", err)
	}
	if err := r.SkipValue(); err != nil {
		t.Fatal(err)
	}
	it, err = r.Next()
	if k, ok := it.(*Key); !errors.Is(err, ErrUnsupportedType) || !ok || string(k.Key) != "mk" || !strings.Contains(err.Error(), "mymodule1") {
		t.Fatalf("got %v, %v, want the module key with ErrUnsupportedType naming the module", it, err)
	}
	if err := r.SkipValue(); err != nil {
		t.Fatal(err)
	}
	it, err = r.Next()
	if k, ok := it.(*Key); err != nil || !ok || string(k.Value.Str) != "ok" {
		t.Fatalf("got %v, %v, want the key after the module value", it, err)
	}
	if it, err := r.Next(); err != nil || !it.(EOF).Verified {
		t.Fatalf("got %v, %v, want a verified EOF", it, err)
	}

	t.Run("module v1 cannot be skipped", func(t *testing.T) {
		data := build(func(e *Encoder) { e.Type(TypeModule); e.Str("k"); e.Len(id) })
		r, _ := NewReader(bytes.NewReader(data), ReaderOptions{})
		if _, err := r.Next(); !errors.Is(err, ErrUnsupportedType) {
			t.Fatalf("got %v, want ErrUnsupportedType", err)
		}
		if err := r.SkipValue(); !errors.Is(err, ErrUnsupportedType) {
			t.Fatalf("SkipValue: got %v, want ErrUnsupportedType", err)
		}
		if _, err := r.Next(); err == nil {
			t.Fatal("Next after a failed skip: got nil, want the sticky error")
		}
	})
}

// TestReaderBoundedAllocation feeds huge length claims with almost no data
// behind them: without a size hint memory must follow the bytes that
// arrive; with one the claim is refused before any allocation.
func TestReaderBoundedAllocation(t *testing.T) {
	claims := map[string][]byte{
		"string":   build(func(e *Encoder) { e.Type(TypeString); e.Str("k"); e.Len(1 << 40) }),
		"string8g": build(func(e *Encoder) { e.Type(TypeString); e.Str("k"); e.Len(1 << 33); e.Raw(make([]byte, 3<<20)) }),
		"list":     build(func(e *Encoder) { e.Type(TypeList); e.Str("k"); e.Len(1 << 50) }),
		"lzf":      build(func(e *Encoder) { e.Type(TypeString); e.Str("k"); e.Raw([]byte{0xc3}); e.Len(1 << 36); e.Len(1 << 40) }),
		"hash":     build(func(e *Encoder) { e.Type(TypeHash); e.Str("k"); e.Len(math.MaxUint64) }),
		"nodes":    build(func(e *Encoder) { e.Type(TypeListQuicklist2); e.Str("k"); e.Len(1 << 60) }),
	}
	for name, data := range claims {
		t.Run(name, func(t *testing.T) {
			for _, hint := range []int64{0, int64(len(data))} {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				err := readToEnd(data, ReaderOptions{Size: hint})
				runtime.ReadMemStats(&after)
				if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrCorrupt) {
					t.Fatalf("hint %d: got %v, want ErrTruncated or ErrCorrupt", hint, err)
				}
				// Growing buffers may cost a few times what arrived.
				if grew := after.TotalAlloc - before.TotalAlloc; grew > 4*uint64(len(data))+4<<20 {
					t.Fatalf("hint %d: allocated %d bytes for a %d-byte input", hint, grew, len(data))
				}
			}
		})
	}
}

func TestReaderAliasReuse(t *testing.T) {
	data := build(func(e *Encoder) {
		for _, k := range []string{"a", "b"} {
			e.Type(TypeList)
			e.Str(k)
			e.Len(2)
			e.Str(k + "1")
			e.Str(k + "2")
		}
	})
	r, _ := NewReader(bytes.NewReader(data), ReaderOptions{Alias: true})
	it1, _ := r.Next()
	k1 := it1.(*Key)
	if string(k1.Key) != "a" || string(k1.Value.Elems[1]) != "a2" {
		t.Fatalf("got %s", describe(k1))
	}
	it2, _ := r.Next()
	if it2.(*Key) != k1 {
		t.Error("Alias: got a new *Key, want the reused one")
	}
	if string(k1.Key) != "b" || string(k1.Value.Elems[0]) != "b1" {
		t.Fatalf("got %s", describe(k1))
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("got %v, want io.EOF", err)
	}
}
