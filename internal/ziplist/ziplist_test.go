package ziplist_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/ziplist"
)

func lpStrings(lp listpack.Listpack) []string {
	var out []string
	for p := lp.First(); p >= 0; p = lp.Next(p) {
		out = append(out, string(lp.AppendGet(nil, p)))
	}
	return out
}

// TestRedisDocExample decodes the two-entry example from the format
// description in Redis's ziplist.c.
func TestRedisDocExample(t *testing.T) {
	zl, _ := hex.DecodeString("0f0000000c0000000200" + "00f3" + "02f6" + "ff")
	if !bytes.Equal(zl, zlistOf(zimm(2), zimm(5))) {
		t.Fatalf("test builder disagrees with the documented bytes: %x", zlistOf(zimm(2), zimm(5)))
	}
	lp, err := ziplist.ToListpack(zl)
	if err != nil {
		t.Fatal(err)
	}
	if want := listpack.New().Append([]byte("2"), []byte("5")); !bytes.Equal(lp, want) {
		t.Fatalf("got %x, want %x", []byte(lp), []byte(want))
	}
}

func TestToListpack(t *testing.T) {
	long := strings.Repeat("L", 300)
	huge := strings.Repeat("H", 16400)
	tests := []struct {
		name    string
		entries []zentry
		want    []string
	}{
		{"empty", nil, nil},
		{"immediates", []zentry{zimm(0), zimm(12)}, []string{"0", "12"}},
		{"int8", []zentry{zi(-128, 0xFE), zi(127, 0xFE)}, []string{"-128", "127"}},
		{"int16", []zentry{zi(-32768, 0xC0), zi(1000, 0xC0)}, []string{"-32768", "1000"}},
		{"int24", []zentry{zi(-8388608, 0xF0), zi(8388607, 0xF0), zi(-1, 0xF0)}, []string{"-8388608", "8388607", "-1"}},
		{"int32", []zentry{zi(-2147483648, 0xD0), zi(70000, 0xD0)}, []string{"-2147483648", "70000"}},
		{"int64", []zentry{zi(-1<<63, 0xE0), zi(1<<63-1, 0xE0)}, []string{"-9223372036854775808", "9223372036854775807"}},
		{"strings", []zentry{zs(""), zs("hello"), zs(long), zs(huge)}, []string{"", "hello", long, huge}},
		{"wide string headers", []zentry{zsEnc("a", 2), zsEnc("b", 5)}, []string{"a", "b"}},
		{"canonical int as string", []zentry{zs("123"), zs("-0"), zs("007")}, []string{"123", "-0", "007"}},
		{"big prevlen after long entry", []zentry{zs(long), zs("x"), zs("y")}, []string{long, "x", "y"}},
		{"big prevlen holding small value", []zentry{zs("a"), zbig(zs("b")), zbig(zimm(3))}, []string{"a", "b", "3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			zl := zlistOf(tc.entries...)
			if err := ziplist.Validate(zl); err != nil {
				t.Fatalf("Validate = %v", err)
			}
			lp, err := ziplist.ToListpack(zl)
			if err != nil {
				t.Fatalf("ToListpack = %v", err)
			}
			if err := listpack.Validate(lp, true, false); err != nil {
				t.Fatalf("result does not validate: %v", err)
			}
			got := lpStrings(lp)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d entries, want %d", len(got), len(tc.want))
			}
			want := listpack.New()
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("entry %d = %.20q, want %.20q", i, got[i], tc.want[i])
				}
				want = want.Append([]byte(tc.want[i]))
			}
			if !bytes.Equal(lp, want) || cap(lp) != len(lp) {
				t.Fatalf("bytes %x (cap %d), want %x", []byte(lp), cap(lp), []byte(want))
			}
		})
	}
}

func TestCountUnknown(t *testing.T) {
	zl := zlistCount(0xFFFF, zs("a"), zs("b"))
	lp, err := ziplist.ToListpack(zl)
	if err != nil {
		t.Fatal(err)
	}
	if lp.Len() != 2 || lp.HeaderCount() != 2 {
		t.Fatalf("Len %d HeaderCount %d, want 2 and 2", lp.Len(), lp.HeaderCount())
	}
}

func TestValidateCorrupt(t *testing.T) {
	good := func() []byte { return zlistOf(zs("abc"), zi(1000, 0xC0), zs("de")) }
	setU32 := func(b []byte, off int, v uint32) []byte {
		b[off], b[off+1], b[off+2], b[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		return b
	}
	fixSize := func(b []byte) []byte { return setU32(b, 0, uint32(len(b))) }
	tests := []struct {
		name    string
		zl      []byte
		wantErr error
	}{
		{"short", good()[:10], ziplist.ErrShort},
		{"zlbytes", setU32(good(), 0, 99), ziplist.ErrSize},
		{"terminator", func() []byte { b := good(); b[len(b)-1] = 0; return b }(), ziplist.ErrTerminator},
		{"tail past end", setU32(good(), 4, 1000), ziplist.ErrTail},
		{"tail not last", setU32(good(), 4, 10), ziplist.ErrTail},
		{"count", func() []byte { b := good(); b[8] = 5; return b }(), ziplist.ErrCount},
		{"bad encoding", func() []byte { b := good(); b[16] = 0xC1; return b }(), ziplist.ErrEncoding},
		{"end byte as encoding", func() []byte { b := good(); b[16] = 0xFF; return b }(), ziplist.ErrEncoding},
		{"prevlen", func() []byte { b := good(); b[15] = 4; return b }(), ziplist.ErrPrevlen},
		{"first prevlen nonzero", func() []byte { b := good(); b[10] = 1; return b }(), ziplist.ErrPrevlen},
		{"string too long", func() []byte { b := good(); b[11] = 60; return b }(), ziplist.ErrBounds},
		{"32-bit length huge", fixSize(append(zlistOf(zsEnc("a", 5))[:11], 0x80, 0xff, 0xff, 0xff, 0xff, 'a', 0xff)), ziplist.ErrBounds},
		{"entries stop early", fixSize(append(zlistOf(zs("a"))[:13], 0xff, 0x02, 0xff)), ziplist.ErrTerminator},
		{"prevlen bytes cut", fixSize([]byte{0, 0, 0, 0, 10, 0, 0, 0, 1, 0, 0xFE, 1, 2, 0xff}), ziplist.ErrBounds},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := ziplist.Validate(tc.zl); !errors.Is(err, tc.wantErr) {
				t.Fatalf("Validate: got %v, want %v", err, tc.wantErr)
			}
			if _, err := ziplist.ToListpack(tc.zl); !errors.Is(err, tc.wantErr) {
				t.Fatalf("ToListpack: got %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestToListpackPairs(t *testing.T) {
	tests := []struct {
		name    string
		zl      []byte
		wantErr error
	}{
		{"hash", zlistOf(zs("f"), zs("v"), zs("g"), zimm(1)), nil},
		{"zset", zlistOf(zs("a"), zs("1.5"), zs("b"), zimm(2)), nil},
		{"repeated values are fine", zlistOf(zs("f"), zs("v"), zs("g"), zs("v")), nil},
		{"odd", zlistOf(zs("f"), zs("v"), zs("g")), ziplist.ErrOddPairs},
		{"duplicate field", zlistOf(zs("f"), zs("v"), zs("f"), zs("w")), ziplist.ErrDuplicate},
		{"duplicate int and string field", zlistOf(zimm(5), zs("v"), zs("5"), zs("w")), ziplist.ErrDuplicate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lp, err := ziplist.ToListpackPairs(tc.zl)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			if err == nil {
				if err := listpack.Validate(lp, true, true); err != nil {
					t.Fatalf("result does not validate: %v", err)
				}
			}
		})
	}
}

func TestZipmapToListpack(t *testing.T) {
	long := strings.Repeat("k", 300)
	tests := []struct {
		name    string
		zm      []byte
		want    []string
		wantErr error
	}{
		{"basic", buildZipmap(-1, zmPair{k: "foo", v: "bar"}, zmPair{k: "hello", v: "world"}), []string{"foo", "bar", "hello", "world"}, nil},
		{"free bytes", buildZipmap(-1, zmPair{k: "a", v: "1", free: 3}, zmPair{k: "b", v: "x", free: 255}), []string{"a", "1", "b", "x"}, nil},
		{"big lengths", buildZipmap(-1, zmPair{k: long, v: "v"}, zmPair{k: "s", v: long, bigValueLen: true}), []string{long, "v", "s", long}, nil},
		{"0xFF value length marker", corrupt(buildZipmap(-1, zmPair{k: "k", v: long}), 3, 0xFF), []string{"k", long}, nil},
		{"noncanonical length", buildZipmap(-1, zmPair{k: "s", v: "t", bigValueLen: true}), nil, ziplist.ErrEncoding},
		{"count unknown", buildZipmap(254, zmPair{k: "a", v: "b"}), []string{"a", "b"}, nil},
		{"empty value", buildZipmap(-1, zmPair{k: "a", v: ""}), []string{"a", ""}, nil},
		{"empty", buildZipmap(0), nil, ziplist.ErrEmpty},
		{"count mismatch", buildZipmap(3, zmPair{k: "a", v: "b"}), nil, ziplist.ErrCount},
		{"duplicate", buildZipmap(-1, zmPair{k: "a", v: "b"}, zmPair{k: "a", v: "c"}), nil, ziplist.ErrDuplicate},
		{"short", []byte{0xFF}, nil, ziplist.ErrShort},
		{"no terminator", []byte{1, 1, 'a', 1, 0, 'b', 0}, nil, ziplist.ErrTerminator},
		{"key past end", []byte{1, 9, 'a', 0xFF}, nil, ziplist.ErrBounds},
		{"free past end", []byte{1, 1, 'a', 1, 9, 'b', 0xFF}, nil, ziplist.ErrBounds},
		{"big length cut", []byte{1, 254, 1, 0, 0xFF}, nil, ziplist.ErrBounds},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lp, err := ziplist.ZipmapToListpack(tc.zm)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("got %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("got %v, want nil", err)
			}
			if err := ziplist.ValidateZipmap(tc.zm); err != nil {
				t.Fatalf("ValidateZipmap = %v", err)
			}
			got := lpStrings(lp)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("got %.40q, want %.40q", got, tc.want)
			}
			if err := listpack.Validate(lp, true, true); err != nil {
				t.Fatalf("result does not validate: %v", err)
			}
		})
	}
}

// TestManyEntries converts a ziplist with more entries than fit a uint16
// count.
func TestManyEntries(t *testing.T) {
	var es []zentry
	for i := range 70000 {
		es = append(es, zs("e"+strconv.Itoa(i%10)))
	}
	zl := zlistCount(0xFFFF, es...)
	lp, err := ziplist.ToListpack(zl)
	if err != nil {
		t.Fatal(err)
	}
	if lp.Len() != 70000 || lp.HeaderCount() != listpack.CountUnknown {
		t.Fatalf("Len %d HeaderCount %d", lp.Len(), lp.HeaderCount())
	}
}
