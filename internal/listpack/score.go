package listpack

import (
	"math"
	"strconv"

	"github.com/vestadb/vesta/internal/cfloat"
)

// AppendScore appends the text Redis 7.0.15 stores for a sorted-set score
// (its d2string) to dst:
//
//   - NaN, +Inf and -Inf become "nan", "inf" and "-inf";
//   - an integral value in [-2^62, 2^62] becomes its decimal integer text
//     (so -0 becomes "0"), which the listpack then stores as an integer;
//   - anything else uses C's "%.17g": 17 significant digits, trailing zeros
//     removed, exponent form when the exponent is below -4 or at least 17.
//
// These rules were checked against DUMP output of a real redis-server
// 7.0.15 (0.1 is stored as "0.10000000000000001", 1e20 as "1e+20", 2^62 as
// an integer and the next double above it as "4.6116860184273889e+18").
func AppendScore(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case f >= -(1<<62) && f <= 1<<62 && f == math.Trunc(f):
		return strconv.AppendInt(dst, int64(f), 10)
	}
	return appendG17(dst, f)
}

// appendG17 formats f like C's printf("%.17g", f) for finite f.
func appendG17(dst []byte, f float64) []byte {
	var buf [32]byte
	// 'e' with 16 decimals gives exactly 17 significant digits, correctly
	// rounded (half to even on exact ties, as glibc does):
	// [-]d.dddddddddddddddde±XX[X].
	e := strconv.AppendFloat(buf[:0], f, 'e', 16, 64)
	if e[0] == '-' {
		dst = append(dst, '-')
		e = e[1:]
	}
	digits := [17]byte{e[0]}
	copy(digits[1:], e[2:18])
	expPart := e[18:] // "e+XX"
	exp := 0
	for _, c := range expPart[2:] {
		exp = exp*10 + int(c-'0')
	}
	if expPart[1] == '-' {
		exp = -exp
	}
	nd := 17
	for nd > 1 && digits[nd-1] == '0' {
		nd--
	}
	if exp < -4 || exp >= 17 {
		dst = append(dst, digits[0])
		if nd > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:nd]...)
		}
		return append(dst, expPart...)
	}
	if exp < 0 {
		dst = append(dst, '0', '.')
		for i := -1; i > exp; i-- {
			dst = append(dst, '0')
		}
		return append(dst, digits[:nd]...)
	}
	intDigits := exp + 1
	dst = append(dst, digits[:intDigits]...)
	if nd > intDigits {
		dst = append(dst, '.')
		dst = append(dst, digits[intDigits:nd]...)
	}
	return dst
}

// parseScore converts a score stored as a string entry to a float64 the way
// Redis reads it: strtod over the first 127 bytes as a C string, so junk
// after a number is ignored and text with no number reads as 0. Only
// crafted payloads (RESTORE, a foreign RDB) hold such text.
func parseScore(s []byte) float64 {
	if len(s) > 127 {
		s = s[:127]
	}
	f, _ := cfloat.Scan(s)
	return f
}
