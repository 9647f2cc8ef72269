package listpack_test

import (
	"bytes"
	"encoding/hex"
	"math"
	"strconv"
	"testing"

	"github.com/vestadb/vesta/internal/listpack"
)

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1", 1, true},
		{"-1", -1, true},
		{"127", 127, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"18446744073709551616", 0, false},
		{"99999999999999999999", 0, false},
		{"-0", 0, false},
		{"00", 0, false},
		{"01", 0, false},
		{"+1", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"-", 0, false},
		{"", 0, false},
		{"1.0", 0, false},
		{"1e3", 0, false},
		{"--1", 0, false},
		{"0x10", 0, false},
		{"123456789012345678901", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := listpack.ParseInt([]byte(tc.in))
			if got != tc.want || ok != tc.ok {
				t.Fatalf("ParseInt(%q) = %d, %v, want %d, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestParseIntAgreesWithStrconv checks the canonical rule on every value
// that round-trips through strconv.
func TestParseIntAgreesWithStrconv(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 9, 10, -10, 4095, -4096, 1 << 40, math.MaxInt64, math.MinInt64, math.MinInt64 + 1} {
		s := strconv.FormatInt(v, 10)
		got, ok := listpack.ParseInt([]byte(s))
		if !ok || got != v {
			t.Errorf("ParseInt(%q) = %d, %v, want %d, true", s, got, ok, v)
		}
	}
}

// TestEntryEncoding checks the exact bytes of single-entry listpacks at
// every encoding boundary.
func TestEntryEncoding(t *testing.T) {
	tests := []struct {
		elem  string
		entry string // hex of encoding+data+backlen
	}{
		{"0", "0001"},
		{"127", "7f01"},
		{"128", "c08002"},
		{"-1", "dfff02"},
		{"4095", "cfff02"},
		{"-4096", "d00002"},
		{"4096", "f1001003"},
		{"-4097", "f1ffef03"},
		{"32767", "f1ff7f03"},
		{"-32768", "f1008003"},
		{"32768", "f200800004"},
		{"8388607", "f2ffff7f04"},
		{"-8388608", "f200008004"},
		{"8388608", "f30000800005"},
		{"2147483647", "f3ffffff7f05"},
		{"-2147483648", "f30000008005"},
		{"2147483648", "f4000000800000000009"},
		{"-9223372036854775808", "f4000000000000008009"},
		{"", "8001"},
		{"a", "816102"},
		{"-0", "822d3003"},
		{"01", "8230310" + "3"},
	}
	for _, tc := range tests {
		t.Run(tc.elem, func(t *testing.T) {
			lp := listpack.New().Append([]byte(tc.elem))
			entry, _ := hex.DecodeString(tc.entry)
			want := append([]byte{byte(7 + len(entry)), 0, 0, 0, 1, 0}, entry...)
			want = append(want, 0xff)
			if !bytes.Equal(lp, want) {
				t.Fatalf("Append(%q) = %x, want %x", tc.elem, []byte(lp), want)
			}
			if got := listpack.EntrySize([]byte(tc.elem)); got != len(entry) {
				t.Fatalf("EntrySize(%q) = %d, want %d", tc.elem, got, len(entry))
			}
			if got := string(lp.AppendGet(nil, lp.First())); got != tc.elem {
				t.Fatalf("AppendGet = %q, want %q", got, tc.elem)
			}
		})
	}
}

// TestStringAndBacklenSizes checks entry sizes across the string-length
// and backlen boundaries, including Redis's quirky backlen bounds.
func TestStringAndBacklenSizes(t *testing.T) {
	tests := []struct {
		strLen  int
		hdr     int // encoding bytes before the data
		backlen int
	}{
		{0, 1, 1},
		{63, 1, 1},
		{64, 2, 1},
		{125, 2, 1},  // enc size 127
		{126, 2, 2},  // enc size 128
		{4095, 2, 2}, // enc size 4097
		{4096, 5, 2},
		{16377, 5, 2}, // enc size 16382
		{16378, 5, 3}, // enc size 16383: 3 bytes although 2 would do
		{2097145, 5, 3},
		{2097146, 5, 4}, // enc size 2097151
	}
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.strLen), func(t *testing.T) {
			elem := bytes.Repeat([]byte{'x'}, tc.strLen)
			lp := listpack.New().Append(elem, []byte("tail"))
			if got, want := listpack.EntrySize(elem), tc.hdr+tc.strLen+tc.backlen; got != want {
				t.Fatalf("EntrySize = %d, want %d", got, want)
			}
			if err := listpack.Validate(lp, true, false); err != nil {
				t.Fatalf("Validate = %v", err)
			}
			last := lp.Last()
			if p := lp.Prev(last); p != lp.First() {
				t.Fatalf("Prev(last) = %d, want %d", p, lp.First())
			}
			s, _, isInt := lp.Get(lp.First())
			if isInt || !bytes.Equal(s, elem) {
				t.Fatalf("Get(first) returned %d bytes, isInt %v", len(s), isInt)
			}
		})
	}
}
