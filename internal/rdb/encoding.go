package rdb

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"github.com/vestadb/vesta/internal/cfloat"
)

// AppendLen appends n in RDB length encoding, using the shortest form as
// Redis does: 6 bits, 14 bits (big-endian), 0x80 + uint32 BE, 0x81 +
// uint64 BE.
func AppendLen(dst []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(dst, byte(n))
	case n < 1<<14:
		return append(dst, byte(n>>8)|len14Bit<<6, byte(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(dst, len32Bit), uint32(n))
	default:
		return binary.BigEndian.AppendUint64(append(dst, len64Bit), n)
	}
}

// ParseLen decodes the length at the start of b. It returns the value, the
// number of bytes used, and whether the value is a special string encoding
// number (the 11xxxxxx form, value 0..63) rather than a length. A b too
// short for the form its first byte announces gives [ErrTruncated]; an
// unknown form gives [ErrCorrupt].
func ParseLen(b []byte) (n uint64, special bool, size int, err error) {
	if len(b) == 0 {
		return 0, false, 0, ErrTruncated
	}
	c := b[0]
	switch c >> 6 {
	case len6Bit:
		return uint64(c & 0x3f), false, 1, nil
	case len14Bit:
		if len(b) < 2 {
			return 0, false, 0, ErrTruncated
		}
		return uint64(c&0x3f)<<8 | uint64(b[1]), false, 2, nil
	case lenEnc:
		return uint64(c & 0x3f), true, 1, nil
	}
	switch c {
	case len32Bit:
		if len(b) < 5 {
			return 0, false, 0, ErrTruncated
		}
		return uint64(binary.BigEndian.Uint32(b[1:])), false, 5, nil
	case len64Bit:
		if len(b) < 9 {
			return 0, false, 0, ErrTruncated
		}
		return binary.BigEndian.Uint64(b[1:]), false, 9, nil
	}
	return 0, false, 0, fmt.Errorf("%w: unknown length encoding 0x%02x", ErrCorrupt, c)
}

// parseInt reports whether b is the canonical decimal form of an int64, by
// the rules of Redis's string2ll: no sign other than a leading '-', no
// leading zeros, no spaces, "0" allowed but "-0" not, and no overflow.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if b[0] < '1' || b[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// appendIntEncoded appends v as an int8/int16/int32 special string
// encoding, or reports false when v does not fit in 32 bits.
func appendIntEncoded(dst []byte, v int64) ([]byte, bool) {
	switch {
	case v >= math.MinInt8 && v <= math.MaxInt8:
		return append(dst, lenEnc<<6|encInt8, byte(v)), true
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return append(dst, lenEnc<<6|encInt16, byte(v), byte(v>>8)), true
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return binary.LittleEndian.AppendUint32(append(dst, lenEnc<<6|encInt32), uint32(v)), true
	}
	return dst, false
}

// AppendInt appends the string form of v the way Redis saves an
// integer-encoded string object: int8/16/32 encoded when it fits in 32
// bits, otherwise as its decimal text.
func AppendInt(dst []byte, v int64) []byte {
	if out, ok := appendIntEncoded(dst, v); ok {
		return out
	}
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], v, 10)
	return append(append(dst, byte(len(s))), s...)
}

// AppendRawString appends b as a length followed by the bytes, with no
// integer or LZF encoding.
func AppendRawString[T string | []byte](dst []byte, b T) []byte {
	return append(AppendLen(dst, uint64(len(b))), b...)
}

// AppendLZFString appends the LZF special encoding of a string whose
// compressed form is comp and whose original length is origLen.
func AppendLZFString(dst, comp []byte, origLen int) []byte {
	dst = append(dst, lenEnc<<6|encLZF)
	dst = AppendLen(dst, uint64(len(comp)))
	dst = AppendLen(dst, uint64(origLen))
	return append(dst, comp...)
}

// AppendString appends b encoded exactly as Redis's rdbSaveRawString does:
// an integer encoding when b is a canonical integer of at most 11 bytes
// that fits in 32 bits; else, when compress is set and b is longer than 20
// bytes, LZF if that saves at least 4 bytes; else the raw string.
func AppendString[T string | []byte](dst []byte, b T, compress bool) []byte {
	if !compress || len(b) <= 20 {
		return appendString(dst, b, nil)
	}
	c := lzfPool.Get().(*lzfCompressor)
	dst = appendString(dst, b, c)
	lzfPool.Put(c)
	return dst
}

// appendString is AppendString with an explicit compressor; nil means no
// compression.
func appendString[T string | []byte](dst []byte, b T, c *lzfCompressor) []byte {
	n := len(b)
	if n <= 11 && n > 0 {
		var tmp [11]byte
		if v, ok := parseInt(append(tmp[:0], b...)); ok {
			if out, ok := appendIntEncoded(dst, v); ok {
				return out
			}
		}
	}
	if c != nil && n > 20 && n <= lzfMaxInput {
		if out, ok := appendLZF(dst, b, c); ok {
			return out
		}
	}
	return AppendRawString(dst, b)
}

// appendLZF compresses b into the LZF string encoding in place at the end
// of dst: it reserves the worst-case header, compresses behind it, then
// slides the data back over the unused header bytes.
func appendLZF[T string | []byte](dst []byte, b T, c *lzfCompressor) ([]byte, bool) {
	n := len(b)
	limit := n - 4
	var lens [18]byte
	ulen := AppendLen(lens[:0], uint64(n))
	maxHdr := 1 + 9 + len(ulen)
	start := len(dst)
	out := lzfCompress(c, append(dst, make([]byte, maxHdr)...), b, limit)
	if out == nil {
		return dst[:start], false
	}
	comp := len(out) - start - maxHdr
	var hdr [20]byte
	h := append(hdr[:0], lenEnc<<6|encLZF)
	h = AppendLen(h, uint64(comp))
	h = append(h, ulen...)
	copy(out[start:], h)
	copy(out[start+len(h):], out[start+maxHdr:])
	return out[:start+len(h)+comp], true
}

// AppendDouble appends f as 8 bytes little-endian IEEE-754 (ZSET_2
// scores, module doubles).
func AppendDouble(dst []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
}

// AppendTextDouble appends f in the old text form used by [TypeZSet]: a
// length byte and ASCII digits, or the single bytes 253 (NaN), 254 (+inf)
// and 255 (-inf). Integral values within ±2^52 print as integers, others
// like C's "%.17g".
func AppendTextDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, 253)
	case math.IsInf(f, 1):
		return append(dst, 254)
	case math.IsInf(f, -1):
		return append(dst, 255)
	}
	var tmp [32]byte
	var s []byte
	if f > -4503599627370495 && f < 4503599627370496 && f == float64(int64(f)) {
		s = strconv.AppendInt(tmp[:0], int64(f), 10)
	} else {
		s = formatG17(tmp[:0], f)
	}
	return append(append(dst, byte(len(s))), s...)
}

// formatG17 formats f like C's printf("%.17g"): Go's 'g' keeps trailing
// zeros of the mantissa when given a precision, C removes them.
func formatG17(dst []byte, f float64) []byte {
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'g', 17, 64)
	s := dst[start:]
	mant := len(s)
	for i, c := range s {
		if c == 'e' {
			mant = i
			break
		}
	}
	hasDot := false
	for _, c := range s[:mant] {
		if c == '.' {
			hasDot = true
		}
	}
	if !hasDot {
		return dst
	}
	end := mant
	for end > 0 && s[end-1] == '0' {
		end--
	}
	if end > 0 && s[end-1] == '.' {
		end--
	}
	exp := append([]byte(nil), s[mant:]...)
	return append(dst[:start+end], exp...)
}

// parseTextDouble decodes the digits of an old text double as Redis reads
// them, with sscanf("%lg"): junk after a number is ignored, and out of
// range values become ±Inf or 0.
func parseTextDouble(b []byte) (float64, error) {
	f, ok := cfloat.Scan(b)
	if !ok {
		return 0, fmt.Errorf("%w: bad text double %q", ErrCorrupt, b)
	}
	return f, nil
}

// AppendMillis appends ms as 8 bytes little-endian (EXPIRETIME_MS, stream
// times).
func AppendMillis(dst []byte, ms int64) []byte {
	return binary.LittleEndian.AppendUint64(dst, uint64(ms))
}
