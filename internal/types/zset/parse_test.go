package zset

import (
	"math"
	"testing"

	"github.com/vestadb/vesta/internal/cfloat"
)

// The expectations below were taken from redis-server 7.0.15 (ZADD for
// ParseScore, ZCOUNT for the range parsers).

func TestParseScore(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1", 1, true},
		{"-0", math.Copysign(0, -1), true},
		{".5", 0.5, true},
		{"5.", 5, true},
		{"+5", 5, true},
		{"5e+1", 50, true},
		{"0x10", 16, true},
		{"0x1p3", 8, true},
		{"0X.8", 0.5, true},
		{"0x1p", 0, false}, // strtod stops before the 'p'
		{"inf", math.Inf(1), true},
		{"-inf", math.Inf(-1), true},
		{"+Inf", math.Inf(1), true},
		{"infinity", math.Inf(1), true},
		{"-INFINITY", math.Inf(-1), true},
		{"infinit", 0, false},
		{"1e-310", 1e-310, true}, // subnormal: ERANGE, but not zero
		{"1e-400", 0, false},     // underflow to zero
		{"1e400", 0, false},      // overflow
		{"0e400", 0, true},
		{"nan", 0, false},
		{"-nan", 0, false},
		{"nan(123)", 0, false},
		{"1_0", 0, false},
		{"", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"0x", 0, false},
		{"1e", 0, false},
		{"e1", 0, false},
		{".", 0, false},
		{"--1", 0, false},
		{"1\x00", 0, false},
		{"0.10000000000000001", 0.1, true},
		{"123456789012345678901234567890", 1.2345678901234568e29, true},
	}
	for _, tc := range tests {
		got, ok := ParseScore([]byte(tc.in))
		if ok != tc.ok || (ok && (got != tc.want || math.Signbit(got) != math.Signbit(tc.want))) {
			t.Errorf("ParseScore(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseScoreRange(t *testing.T) {
	tests := []struct {
		min, max string
		want     ScoreRange
		ok       bool
	}{
		{"1", "2", ScoreRange{Min: 1, Max: 2}, true},
		{"(1", "(2", ScoreRange{Min: 1, Max: 2, MinEx: true, MaxEx: true}, true},
		{"-inf", "+inf", ScoreRange{Min: math.Inf(-1), Max: math.Inf(1)}, true},
		{"(", "2", ScoreRange{Min: 0, Max: 2, MinEx: true}, true}, // empty number reads as 0
		{"", "2", ScoreRange{Min: 0, Max: 2}, true},
		{" 1", "2", ScoreRange{Min: 1, Max: 2}, true},
		{"1e400", "inf", ScoreRange{Min: math.Inf(1), Max: math.Inf(1)}, true},
		{"1\x00junk", "2", ScoreRange{Min: 1, Max: 2}, true},
		{"0x", "3", ScoreRange{}, false},
		{"1e", "3", ScoreRange{}, false},
		{"nan", "3", ScoreRange{}, false},
		{"(nan", "3", ScoreRange{}, false},
		{"1", "x", ScoreRange{}, false},
		{"[1", "2", ScoreRange{}, false},
	}
	for _, tc := range tests {
		got, ok := ParseScoreRange([]byte(tc.min), []byte(tc.max))
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("ParseScoreRange(%q, %q) = %+v, %v; want %+v, %v", tc.min, tc.max, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseLexRange(t *testing.T) {
	tests := []struct {
		min, max string
		ok       bool
		empty    bool
	}{
		{"-", "+", true, false},
		{"[a", "(b", true, false},
		{"[a", "[a", true, false},
		{"(a", "[a", true, true},
		{"[b", "[a", true, true},
		{"+", "-", true, true},
		{"-", "-", true, true},
		{"+\x00x", "-", true, true},
		{"a", "+", false, false},
		{"", "+", false, false},
		{"-x", "+", false, false},
		{"[", "(", true, true},
	}
	for _, tc := range tests {
		r, ok := ParseLexRange([]byte(tc.min), []byte(tc.max))
		if ok != tc.ok || (ok && r.Empty() != tc.empty) {
			t.Errorf("ParseLexRange(%q, %q): ok %v empty %v; want %v %v", tc.min, tc.max, ok, r.Empty(), tc.ok, tc.empty)
		}
	}
	r, _ := ParseLexRange([]byte("[b"), []byte("(d"))
	for m, want := range map[string]bool{"a": false, "b": true, "c": true, "cz": true, "d": false} {
		if r.Contains([]byte(m)) != want {
			t.Errorf("[b (d contains %q: got %v", m, !want)
		}
	}
}

func FuzzParseScore(f *testing.F) {
	for _, s := range []string{"1", "-0x1.8p3", "inf", "nan(x)", " 1e5", "1e-400", ".5e", "(3"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, n, _ := cfloat.Strtod(b)
		if n < 0 || n > len(b) {
			t.Fatalf("strtod consumed %d of %d bytes", n, len(b))
		}
		if n == 0 && v != 0 {
			t.Fatalf("nothing consumed but value %v", v)
		}
		if f, ok := ParseScore(b); ok && math.IsNaN(f) {
			t.Fatalf("ParseScore accepted NaN from %q", b)
		}
		if r, ok := ParseScoreRange(b, b); ok && (math.IsNaN(r.Min) || math.IsNaN(r.Max)) {
			t.Fatalf("range accepted NaN from %q", b)
		}
		ParseLexRange(b, b)
	})
}
