package cfloat

import "testing"

// Ensure that Strtod reports ERANGE as glibc does (checked against
// redis-server's SORT, which refuses any number that sets it): overflow,
// underflow to zero, and inexact subnormal results, but not exact ones.
func TestStrtodRange(t *testing.T) {
	tests := []struct {
		in     string
		erange bool
	}{
		{"1", false}, {"1e308", false}, {"1e309", true}, {"-1e400", true},
		{"1e-400", true}, {"0e-400", false}, {"0", false},
		{"1e-310", true}, {"4.9e-324", true}, {"2.2250738585072014e-308", false},
		{"2.2250738585072011e-308", true},
		{"0x1p-1074", false}, {"0x1.8p-1070", false}, {"0x1.0000000000001p-1070", true},
		{"0x1p-1080", true}, {"inf", false}, {"nan", false},
	}
	for _, tc := range tests {
		if _, _, er := Strtod([]byte(tc.in)); er != tc.erange {
			t.Errorf("Strtod(%q): erange %v, want %v", tc.in, er, tc.erange)
		}
	}
}
