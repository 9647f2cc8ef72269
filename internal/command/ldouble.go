package command

import (
	"math/big"
	"strings"
)

// Redis computes INCRBYFLOAT and HINCRBYFLOAT in C's long double, which on
// x86-64 is the x87 80-bit format: a 64-bit mantissa and a 15-bit exponent.
// The digits it prints depend on that precision (0.1 + 10.5 prints 10.6, where
// a float64 would print 10.59999999999999964), so Vesta emulates it with
// big.Float at 64 bits of precision and the x87 exponent range.

const (
	ldPrec = 64
	// ldMaxExp is the largest binary exponent of a finite x87 long double
	// (in big.Float's convention, mantissa in [0.5, 1)).
	ldMaxExp = 16384
	// ldMinExp is the smallest exponent of a subnormal long double.
	ldMinExp = -16445 + 1
	// ldMaxChars is MAX_LONG_DOUBLE_CHARS: longer inputs are refused.
	ldMaxChars = 5 * 1024
)

// LongDouble is an x87 extended-precision value (finite).
type LongDouble struct{ f big.Float }

// ParseLongDouble parses b as Redis's string2ld does (strtold on the whole
// string): no leading space, nothing after the number, no NaN, and no value
// that overflows or underflows to zero.
func ParseLongDouble(b []byte) (*LongDouble, bool) {
	if len(b) == 0 || len(b) >= ldMaxChars || isCSpace(b[0]) {
		return nil, false
	}
	s := string(b)
	ls := strings.ToLower(strings.TrimLeft(s, "+-"))
	if ls == "inf" || ls == "infinity" {
		// strtold accepts infinities; callers then refuse the result.
		v := &LongDouble{}
		v.f.SetInf(strings.HasPrefix(s, "-"))
		return v, true
	}
	if strings.ContainsAny(s, "_ ") || strings.HasPrefix(ls, "nan") {
		return nil, false
	}
	if strings.HasPrefix(ls, "0b") || strings.HasPrefix(ls, "0o") {
		// big.Float reads binary and octal prefixes; strtold does not.
		return nil, false
	}
	v := &LongDouble{}
	v.f.SetPrec(ldPrec).SetMode(big.ToNearestEven)
	if _, _, err := v.f.Parse(s, 0); err != nil {
		return nil, false
	}
	if v.f.Sign() == 0 && hasNonZeroDigit(s) {
		return nil, false // ERANGE: underflow to zero
	}
	if !v.f.IsInf() && v.f.Sign() != 0 {
		e := v.f.MantExp(nil)
		if e > ldMaxExp {
			return nil, false // ERANGE overflow
		}
		if e < ldMinExp {
			return nil, false // ERANGE underflow to zero
		}
	}
	return v, true
}

// LongDoubleFromInt converts an integer.
func LongDoubleFromInt(n int64) *LongDouble {
	v := &LongDouble{}
	v.f.SetPrec(ldPrec).SetMode(big.ToNearestEven).SetInt64(n)
	return v
}

// Add returns a+b rounded to long double precision, and false when the
// result is not finite.
func (a *LongDouble) Add(b *LongDouble) (*LongDouble, bool) {
	if a.f.IsInf() || b.f.IsInf() {
		return nil, false
	}
	r := &LongDouble{}
	r.f.SetPrec(ldPrec).SetMode(big.ToNearestEven).Add(&a.f, &b.f)
	if r.f.Sign() != 0 && r.f.MantExp(nil) > ldMaxExp {
		return nil, false
	}
	return r, true
}

// IsInf reports an infinite value.
func (a *LongDouble) IsInf() bool { return a.f.IsInf() }

// Format prints the value like Redis's ld2string in human mode: "%.17Lf"
// with trailing zeros (and a trailing point) removed, "-0" printed as "0".
func (a *LongDouble) Format() string {
	s := a.f.Text('f', 17)
	if strings.ContainsRune(s, '.') {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// hasNonZeroDigit reports whether the mantissa of a decimal or hex float
// literal has a non-zero digit (so a zero result means underflow).
func hasNonZeroDigit(s string) bool {
	s = strings.ToLower(strings.TrimLeft(s, "+-"))
	hex := strings.HasPrefix(s, "0x")
	if hex {
		s = s[2:]
	}
	for _, c := range s {
		switch {
		case (c == 'e' && !hex) || (c == 'p' && hex):
			return false
		case c >= '1' && c <= '9', hex && c >= 'a' && c <= 'f':
			return true
		}
	}
	return false
}
