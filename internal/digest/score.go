package digest

import (
	"math"
	"strconv"
)

// scoreBufSize holds any "%.17g" rendering of a float64: at most 17 digits, a
// sign, a point and a 5-character exponent.
const scoreBufSize = 32

// appendScore appends score as C's printf("%.17g") renders it with glibc,
// which is how Redis 7.0 formats sorted set scores for the digest.
//
// Go's 'g' format with precision 17 matches glibc's "%.17g" for every finite
// value (same exponent threshold, trailing zeros removed, at least two
// exponent digits); only the names of the non-finite values differ.
func appendScore(dst []byte, score float64) []byte {
	switch {
	case math.IsInf(score, 1):
		return append(dst, "inf"...)
	case math.IsInf(score, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(score):
		// A sorted set never holds NaN; this mirrors glibc for completeness.
		if math.Signbit(score) {
			return append(dst, "-nan"...)
		}
		return append(dst, "nan"...)
	}
	return strconv.AppendFloat(dst, score, 'g', 17, 64)
}
