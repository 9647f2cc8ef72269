package listpack

import "encoding/binary"

// Layout constants of the format.
const (
	// HeaderSize is the size of the total_bytes and num_elements fields.
	HeaderSize = 6
	// EmptySize is the size of a listpack with no entries.
	EmptySize = HeaderSize + 1
	// MaxBytes is the largest listpack the 32-bit header can describe.
	MaxBytes = 1<<32 - 1
	// CountUnknown is the num_elements value meaning "count by scanning".
	CountUnknown = 65535

	eof = 0xFF
)

// Integer encodings, by first byte.
const (
	enc13BitInt = 0xC0
	enc12BitStr = 0xE0
	enc32BitStr = 0xF0
	enc16BitInt = 0xF1
	enc24BitInt = 0xF2
	enc32BitInt = 0xF3
	enc64BitInt = 0xF4
	enc6BitStr  = 0x80
)

// ParseInt reports whether s is the canonical decimal text of an int64, and
// its value. It follows Redis's string2ll exactly: an optional '-', then
// either the single digit "0" or a non-zero digit followed by digits, and
// nothing else; "-0", "+1", "01", " 1" and out-of-range values are not
// canonical. Elements for which ParseInt succeeds are stored as integers.
func ParseInt(s []byte) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	if len(s) == 1 && s[0] == '0' {
		return 0, true
	}
	i := 0
	neg := s[0] == '-'
	if neg {
		i = 1
		if len(s) == 1 {
			return 0, false
		}
	}
	if s[i] < '1' || s[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v *= 10
		d := uint64(c - '0')
		if v > 1<<64-1-d {
			return 0, false
		}
		v += d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true // -(1<<63) wraps to itself, which is right
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// intEncodedSize returns the encoding+data size of integer v.
func intEncodedSize(v int64) int {
	switch {
	case v >= 0 && v <= 127:
		return 1
	case v >= -4096 && v <= 4095:
		return 2
	case v >= -32768 && v <= 32767:
		return 3
	case v >= -8388608 && v <= 8388607:
		return 4
	case v >= -2147483648 && v <= 2147483647:
		return 5
	}
	return 9
}

// strEncodedSize returns the encoding+data size of a string of length n.
func strEncodedSize(n int) int {
	switch {
	case n < 64:
		return 1 + n
	case n < 4096:
		return 2 + n
	}
	return 5 + n
}

// backlenSize returns how many bytes the backlen of an entry whose
// encoding+data size is n takes. The bounds are Redis's, off-by-one quirks
// included.
func backlenSize(n uint64) int {
	switch {
	case n <= 127:
		return 1
	case n < 16383:
		return 2
	case n < 2097151:
		return 3
	case n < 268435455:
		return 4
	}
	return 5
}

// putBacklen writes the backlen of size n into dst, which must be exactly
// backlenSize(n) bytes long.
func putBacklen(dst []byte, n uint64) {
	last := len(dst) - 1
	for i := last; i > 0; i-- {
		dst[i] = byte(n&127) | 128
		n >>= 7
	}
	dst[0] = byte(n)
}

// element describes how one element will be encoded.
type element struct {
	s     []byte
	v     int64
	isInt bool
	enc   int // encoding+data size
	total int // enc plus backlen
}

func newElement(s []byte) element {
	e := element{s: s}
	if v, ok := ParseInt(s); ok {
		e.v, e.isInt, e.enc = v, true, intEncodedSize(v)
	} else {
		e.enc = strEncodedSize(len(s))
	}
	e.total = e.enc + backlenSize(uint64(e.enc))
	return e
}

func intElement(v int64) element {
	e := element{v: v, isInt: true, enc: intEncodedSize(v)}
	e.total = e.enc + backlenSize(uint64(e.enc))
	return e
}

// put writes the element, backlen included, into dst[:e.total].
func (e *element) put(dst []byte) {
	dst = dst[:e.total]
	if e.isInt {
		putInt(dst, e.v, e.enc)
	} else {
		n := len(e.s)
		switch {
		case n < 64:
			dst[0] = enc6BitStr | byte(n)
			copy(dst[1:], e.s)
		case n < 4096:
			dst[0] = enc12BitStr | byte(n>>8)
			dst[1] = byte(n)
			copy(dst[2:], e.s)
		default:
			dst[0] = enc32BitStr
			binary.LittleEndian.PutUint32(dst[1:], uint32(n))
			copy(dst[5:], e.s)
		}
	}
	putBacklen(dst[e.enc:], uint64(e.enc))
}

// putInt writes integer v using the encoding of size enc.
func putInt(dst []byte, v int64, enc int) {
	u := uint64(v)
	switch enc {
	case 1:
		dst[0] = byte(u)
	case 2:
		u &= 1<<13 - 1
		dst[0] = enc13BitInt | byte(u>>8)
		dst[1] = byte(u)
	case 3:
		dst[0] = enc16BitInt
		binary.LittleEndian.PutUint16(dst[1:], uint16(u))
	case 4:
		dst[0] = enc24BitInt
		dst[1], dst[2], dst[3] = byte(u), byte(u>>8), byte(u>>16)
	case 5:
		dst[0] = enc32BitInt
		binary.LittleEndian.PutUint32(dst[1:], uint32(u))
	default:
		dst[0] = enc64BitInt
		binary.LittleEndian.PutUint64(dst[1:], u)
	}
}

// EntrySize returns how many bytes elem takes once stored, backlen included.
// Callers that enforce size limits can use it before mutating.
func EntrySize(elem []byte) int {
	e := newElement(elem)
	return e.total
}

// IntEntrySize returns how many bytes integer v takes once stored, backlen
// included.
func IntEntrySize(v int64) int {
	e := intElement(v)
	return e.total
}
