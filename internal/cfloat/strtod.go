// Package cfloat parses numbers the way C's library does, where Redis's
// answers depend on it.
package cfloat

import (
	"math"
	"math/big"
	"strconv"
)

// Strtod emulates glibc's strtod in the C locale on s: it skips leading
// white space, parses the longest prefix that forms a number (decimal or
// hexadecimal, with optional sign and exponent, or inf, infinity, math.NaN() and
// nan(chars), in any case) and returns the value, the number of bytes
// consumed (0 when nothing was converted) and whether the conversion
// overflowed or underflowed (errno ERANGE). Redis parses every score
// argument with it, and what it accepts differs from strconv.ParseFloat:
// hexadecimal mantissas need no exponent ("0x10" is 16), digit separators are
// not allowed, and a valid prefix followed by junk still converts.
func Strtod(s []byte) (f float64, n int, erange bool) {
	i := 0
	for i < len(s) && IsSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	sign := func(v float64) float64 {
		if neg {
			return -v
		}
		return v
	}
	rest := s[i:]
	switch {
	case hasPrefixFold(rest, "infinity"):
		return sign(math.Inf(1)), i + 8, false
	case hasPrefixFold(rest, "inf"):
		return sign(math.Inf(1)), i + 3, false
	case hasPrefixFold(rest, "nan"):
		j := i + 3
		if j < len(s) && s[j] == '(' {
			k := j + 1
			for k < len(s) && (isAlnum(s[k]) || s[k] == '_') {
				k++
			}
			if k < len(s) && s[k] == ')' {
				j = k + 1
			}
		}
		return sign(math.NaN()), j, false
	case len(rest) >= 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X'):
		if v, m, er, ok := hexFloat(rest[2:]); ok {
			return sign(v), i + 2 + m, er
		}
		// "0x" without hex digits: only the "0" converts.
		return sign(0), i + 1, false
	}
	v, m, er, ok := decFloat(rest)
	if !ok {
		return 0, 0, false
	}
	return sign(v), i + m, er
}

// decFloat parses digits[.digits][e[sign]digits] at the start of s, with at
// least one mantissa digit. ok is false when there is no number.
func decFloat(s []byte) (f float64, n int, erange, ok bool) {
	i, digits, nonzero := scanMantissa(s, isDigit)
	if digits == 0 {
		return 0, 0, false, false
	}
	i = scanExponent(s, i, 'e', 'E')
	// The consumed text is plain decimal syntax, which ParseFloat converts
	// with correct rounding like glibc.
	text := string(s[:i])
	f, err := strconv.ParseFloat(text, 64)
	return f, i, rangeError(f, err, nonzero, text), true
}

// hexFloat parses hexdigits[.hexdigits][p[sign]digits] at the start of s.
func hexFloat(s []byte) (f float64, n int, erange, ok bool) {
	i, digits, nonzero := scanMantissa(s, isHexDigit)
	if digits == 0 {
		return 0, 0, false, false
	}
	mant := i
	i = scanExponent(s, i, 'p', 'P')
	text := make([]byte, 0, i+5)
	text = append(text, "0x"...)
	text = append(text, s[:mant]...)
	if i == mant {
		text = append(text, "p0"...) // ParseFloat requires the exponent
	} else {
		text = append(text, s[mant:i]...)
	}
	f, err := strconv.ParseFloat(string(text), 64)
	return f, i, rangeError(f, err, nonzero, string(text)), true
}

// rangeError reports when glibc sets ERANGE for the number in text, which
// converted to f: an overflow to infinity (ParseFloat's only failure on text
// the scanners accepted), nonzero digits that underflowed to zero, and a
// subnormal result that is inexact (SORT refuses those; score parsers only
// refuse zero and infinity). Exactness is decided with big.Rat for texts of
// up to maxExactText bytes; a longer text with a subnormal result counts as
// inexact.
func rangeError(f float64, err error, nonzero bool, text string) bool {
	if err != nil || (nonzero && f == 0) {
		return true
	}
	if f == 0 || math.Abs(f) >= 0x1p-1022 {
		return false
	}
	if len(text) > maxExactText {
		return true
	}
	r, ok := new(big.Rat).SetString(text)
	return !ok || r.Cmp(new(big.Rat).SetFloat64(f)) != 0
}

// maxExactText bounds the texts whose exactness rangeError computes.
const maxExactText = 2048

// scanMantissa scans digits with at most one '.', returning the end, the
// number of digits and whether one of them is nonzero.
func scanMantissa(s []byte, digit func(byte) bool) (end, digits int, nonzero bool) {
	i, dot := 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case digit(c):
			digits++
			nonzero = nonzero || c != '0'
		case c == '.' && !dot:
			dot = true
		default:
			return i, digits, nonzero
		}
	}
	return i, digits, nonzero
}

// scanExponent consumes an exponent marker, an optional sign and decimal
// digits at s[i:], but only when at least one digit follows.
func scanExponent(s []byte, i int, lower, upper byte) int {
	if i >= len(s) || (s[i] != lower && s[i] != upper) {
		return i
	}
	j := i + 1
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	k := j
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if k == j {
		return i
	}
	return k
}

func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isHexDigit(c byte) bool { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
func isAlnum(c byte) bool    { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') }

// IsSpace is C's isspace in the C locale.
func IsSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

func hasPrefixFold(s []byte, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		if s[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

// Scan is sscanf(s, "%lg") as glibc does it on s as a C string (up to its
// first NUL): the longest number Strtod finds after leading white space,
// with junk after it ignored. ok is false when nothing converts. Redis
// reads the scores of old RDB zsets this way, so "1.5junk" loads as 1.5.
func Scan(s []byte) (f float64, ok bool) {
	for i, c := range s {
		if c == 0 {
			s = s[:i]
			break
		}
	}
	f, n, _ := Strtod(s)
	return f, n > 0
}
