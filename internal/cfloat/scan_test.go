package cfloat

import (
	"math"
	"testing"
)

// Ensure that Scan converts a number's longest prefix like glibc's
// sscanf("%lg"), stops at a NUL and refuses text with no number.
func TestScan(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1.5", 1.5, true},
		{"  -2", -2, true},
		{"1e+17", 1e17, true},
		{"1>+17", 1, true},
		{"1e\xcf+1", 1, true},
		{"0.1000000000\n\x00X", 0.1, true},
		{"3\x004", 3, true},
		{"inf", math.Inf(1), true},
		{"-Infinity", math.Inf(-1), true},
		{"0x10", 16, true},
		{"1e400", math.Inf(1), true},
		{"", 0, false},
		{"   ", 0, false},
		{"x1", 0, false},
		{"\x001", 0, false},
		{"-", 0, false},
		{".", 0, false},
	} {
		got, ok := Scan([]byte(tc.in))
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("Scan(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
