package rdb

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestAppendLen(t *testing.T) {
	tests := []struct {
		n    uint64
		want string
	}{
		{0, "00"},
		{1, "01"},
		{63, "3f"},
		{64, "4040"},
		{300, "412c"},
		{16383, "7fff"},
		{16384, "8000004000"},
		{1<<32 - 1, "80ffffffff"},
		{1 << 32, "810000000100000000"},
		{math.MaxUint64, "81ffffffffffffffff"},
	}
	for _, tc := range tests {
		t.Run(hex.EncodeToString(AppendLen(nil, tc.n)), func(t *testing.T) {
			got := hex.EncodeToString(AppendLen(nil, tc.n))
			if got != tc.want {
				t.Fatalf("AppendLen(%d): got %s, want %s", tc.n, got, tc.want)
			}
			n, special, size, err := ParseLen(AppendLen(nil, tc.n))
			if err != nil || special || n != tc.n || size != len(tc.want)/2 {
				t.Fatalf("ParseLen: got (%d, %v, %d, %v), want (%d, false, %d, nil)", n, special, size, err, tc.n, len(tc.want)/2)
			}
		})
	}
}

func TestParseLenErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrTruncated},
		{"40", ErrTruncated},
		{"80ffff", ErrTruncated},
		{"81ffffffff", ErrTruncated},
		{"82", ErrCorrupt},
		{"bf", ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			b, _ := hex.DecodeString(tc.in)
			_, _, _, err := ParseLen(b)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	// The special form 11xxxxxx decodes as an encoding number.
	if n, special, size, err := ParseLen([]byte{0xc3}); err != nil || !special || n != 3 || size != 1 {
		t.Errorf("got (%d, %v, %d, %v), want (3, true, 1, nil)", n, special, size, err)
	}
}

func TestAppendString(t *testing.T) {
	tests := []struct {
		name, in string
		compress bool
		want     string // hex
	}{
		{"int8", "12", false, "c00c"},
		{"int8 min", "-128", false, "c080"},
		{"int8 max", "127", false, "c07f"},
		{"int16 above int8", "128", false, "c18000"},
		{"int16 below int8", "-129", false, "c17fff"},
		{"int16", "-300", false, "c1d4fe"},
		{"int16 min", "-32768", false, "c10080"},
		{"int32 above int16", "32768", false, "c200800000"},
		{"int32", "100000", false, "c2a0860100"},
		{"int32 max", "2147483647", false, "c2ffffff7f"},
		{"int32 min", "-2147483648", false, "c200000080"},
		{"zero", "0", false, "c000"},
		{"leading zero stays raw", "007", false, "03303037"},
		{"minus zero stays raw", "-0", false, "022d30"},
		{"plus sign stays raw", "+1", false, "022b31"},
		{"beyond int32 stays raw", "2147483648", false, "0a32313437343833363438"},
		{"space stays raw", " 1", false, "022031"},
		{"empty", "", false, "00"},
		{"text", "abc", false, "03616263"},
		{"20 bytes never compressed", strings.Repeat("a", 20), true, "14" + strings.Repeat("61", 20)},
		{"incompressible raw", "abcdefghijklmnopqrstuvwxyz", true, "1a" + hex.EncodeToString([]byte("abcdefghijklmnopqrstuvwxyz"))},
		{"compression off", strings.Repeat("a", 40), false, "28" + strings.Repeat("61", 40)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := hex.EncodeToString(AppendString(nil, []byte(tc.in), tc.compress))
			if got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
			if got2 := hex.EncodeToString(AppendString(nil, tc.in, tc.compress)); got2 != got {
				t.Fatalf("string form: got %s, want %s", got2, got)
			}
		})
	}
}

func TestAppendStringLZF(t *testing.T) {
	for _, n := range []int{21, 40, 100, 1000, 70000} {
		in := bytes.Repeat([]byte("a"), n)
		enc := AppendString([]byte{0xee}, in, true)
		if enc[0] != 0xee || enc[1] != 0xc3 {
			t.Fatalf("n=%d: got prefix %x, want ee c3", n, enc[:2])
		}
		clen, _, s1, err := ParseLen(enc[2:])
		if err != nil {
			t.Fatal(err)
		}
		ulen, _, s2, err := ParseLen(enc[2+s1:])
		if err != nil {
			t.Fatal(err)
		}
		comp := enc[2+s1+s2:]
		if uint64(len(comp)) != clen || ulen != uint64(n) {
			t.Fatalf("n=%d: header says clen %d ulen %d, have %d bytes", n, clen, ulen, len(comp))
		}
		out, err := LZFDecompress(nil, comp, int(ulen))
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("n=%d: round trip failed: %v", n, err)
		}
	}
}

func TestAppendInt(t *testing.T) {
	tests := []struct {
		v    int64
		want string
	}{
		{12, "c00c"},
		{-300, "c1d4fe"},
		{1 << 31, "0a32313437343833363438"},
		{math.MinInt64, "142d39323233333732303336383534373735383038"},
	}
	for _, tc := range tests {
		if got := hex.EncodeToString(AppendInt(nil, tc.v)); got != tc.want {
			t.Errorf("AppendInt(%d): got %s, want %s", tc.v, got, tc.want)
		}
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in string
		v  int64
		ok bool
	}{
		{"0", 0, true},
		{"-1", -1, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"18446744073709551616", 0, false},
		{"-", 0, false},
		{"", 0, false},
		{"01", 0, false},
		{"-0", 0, false},
		{"1a", 0, false},
	}
	for _, tc := range tests {
		v, ok := parseInt([]byte(tc.in))
		if v != tc.v || ok != tc.ok {
			t.Errorf("parseInt(%q): got (%d, %v), want (%d, %v)", tc.in, v, ok, tc.v, tc.ok)
		}
	}
}

func TestTextDouble(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{math.NaN(), "fd"},
		{math.Inf(1), "fe"},
		{math.Inf(-1), "ff"},
		{0, "0130"},
		{-3, "022d33"},
		{1.5, "03312e35"},
		{0.1, "13" + hex.EncodeToString([]byte("0.10000000000000001"))},
		{1e20, "05" + hex.EncodeToString([]byte("1e+20"))},
		{1e-5, "16" + hex.EncodeToString([]byte("1.0000000000000001e-05"))},
		{4503599627370496, "10" + hex.EncodeToString([]byte("4503599627370496"))},
	}
	for _, tc := range tests {
		got := hex.EncodeToString(AppendTextDouble(nil, tc.f))
		if got != tc.want {
			t.Errorf("AppendTextDouble(%v): got %s, want %s", tc.f, got, tc.want)
		}
	}
}

func TestBinaryDouble(t *testing.T) {
	if got := hex.EncodeToString(AppendDouble(nil, 1.5)); got != "000000000000f83f" {
		t.Errorf("got %s, want 000000000000f83f", got)
	}
	if got := hex.EncodeToString(AppendMillis(nil, 1800000000000)); got != "00505c18a3010000" {
		t.Errorf("got %s, want 00505c18a3010000", got)
	}
}
