package manifest

import (
	"errors"

	"github.com/vestadb/vesta/internal/sds"
)

// errQuotes is splitArgs' only error; Parse reports it as ErrQuotes.
var errQuotes = errors.New("unbalanced quotes")

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool { return sds.IsSpace(c) }

// splitArgs splits line into tokens the way Redis splits a redis-cli or
// config line (sdssplitargs), appending them to dst.
func splitArgs(line []byte, dst [][]byte) ([][]byte, error) {
	dst, ok := sds.SplitArgs(line, dst)
	if !ok {
		return dst, errQuotes
	}
	return dst, nil
}

// cstr cuts b at its first NUL byte, as C string functions see it.
func cstr(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// equalFoldASCII is C's strcasecmp(a, b) == 0 in the C locale.
func equalFoldASCII(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// atoll is glibc's atoll: skip leading blanks, take an optional sign and
// the digits that follow, stop at the first other byte, and saturate at the
// int64 range. A value with no digits is 0.
func atoll(b []byte) int64 {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	const limit = 1 << 63 // magnitude of math.MinInt64
	var v uint64
	for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		if v > (limit-uint64(b[i]-'0'))/10 {
			v = limit + 1 // saturated; keep consuming digits
			continue
		}
		v = v*10 + uint64(b[i]-'0')
	}
	switch {
	case neg && v >= limit:
		return -1 << 63
	case neg:
		return -int64(v)
	case v >= limit:
		return 1<<63 - 1
	}
	return int64(v)
}
