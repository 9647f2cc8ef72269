package digest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestAppendScore checks score texts against glibc's printf("%.17g"), whose
// output was recorded with a small C program.
func TestAppendScore(t *testing.T) {
	tests := []struct {
		score float64
		want  string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "-0"},
		{1, "1"},
		{-3, "-3"},
		{2.5, "2.5"},
		{0.1, "0.10000000000000001"},
		{1.0 / 3, "0.33333333333333331"},
		{1e15, "1000000000000000"},
		{1e16, "10000000000000000"},
		{1e17, "1e+17"},
		{123456789012345678, "1.2345678901234568e+17"},
		{9007199254740993, "9007199254740992"},
		{1e-4, "0.0001"},
		{0.0001234, "0.00012339999999999999"},
		{1e-5, "1.0000000000000001e-05"},
		{2.5e-10, "2.5000000000000002e-10"},
		{1e-300, "1e-300"},
		{1e300, "1.0000000000000001e+300"},
		{5e-324, "4.9406564584124654e-324"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{-1.6355694255937601e+24, "-1.6355694255937601e+24"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
		{math.NaN(), "nan"},
		{math.Copysign(math.NaN(), -1), "-nan"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			var buf [scoreBufSize]byte
			got := appendScore(buf[:0], tt.score)
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzAppendScore checks that every score text fits the fixed buffer, reads
// back as the same float64 (C's "%.17g" is exact), and uses C's spelling.
func FuzzAppendScore(f *testing.F) {
	for _, v := range []float64{0, 1, -1, 0.1, 1e-300, 5e-324, math.MaxFloat64, math.Inf(1), 1e17, 1e-5} {
		f.Add(math.Float64bits(v))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		v := math.Float64frombits(bits)
		var buf [scoreBufSize]byte
		got := appendScore(buf[:0], v)
		if len(got) > scoreBufSize {
			t.Fatalf("%v: text %q is longer than %d bytes", v, got, scoreBufSize)
		}
		if math.IsNaN(v) {
			return
		}
		back, err := parseCFloat(string(got))
		if err != nil {
			t.Fatalf("%v: text %q does not parse: %v", v, got, err)
		}
		if math.Float64bits(back) != bits {
			t.Fatalf("%v: text %q reads back as %v", v, got, back)
		}
	})
}

// parseCFloat parses a C-style float text, rejecting Go-only spellings.
func parseCFloat(s string) (float64, error) {
	switch s {
	case "inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789.e+-", c) {
			return 0, fmt.Errorf("unexpected character %q", c)
		}
	}
	return strconv.ParseFloat(s, 64)
}
