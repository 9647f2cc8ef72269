package manifest

import "errors"

// errQuotes is splitArgs' only error; Parse reports it as ErrQuotes.
var errQuotes = errors.New("unbalanced quotes")

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// splitArgs splits line into tokens the way Redis splits a redis-cli or
// config line (sdssplitargs), appending them to dst. line holds no NUL
// byte; the end of line plays the part of C's terminating NUL.
func splitArgs(line []byte, dst [][]byte) ([][]byte, error) {
	at := func(i int) byte {
		if i < len(line) {
			return line[i]
		}
		return 0
	}
	i := 0
	for {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i >= len(line) {
			return dst, nil
		}
		tok := []byte{}
		inDouble, inSingle := false, false
		for done := false; !done; {
			c := at(i)
			switch {
			case inDouble:
				switch {
				case c == '\\' && at(i+1) == 'x' && isHex(at(i+2)) && isHex(at(i+3)):
					tok = append(tok, unhex(at(i+2))<<4|unhex(at(i+3)))
					i += 3
				case c == '\\' && at(i+1) != 0:
					i++
					e := at(i)
					switch e {
					case 'n':
						e = '\n'
					case 'r':
						e = '\r'
					case 't':
						e = '\t'
					case 'b':
						e = '\b'
					case 'a':
						e = '\a'
					}
					tok = append(tok, e)
				case c == '"':
					if n := at(i + 1); n != 0 && !isSpace(n) {
						return dst, errQuotes
					}
					done = true
				case c == 0:
					return dst, errQuotes
				default:
					tok = append(tok, c)
				}
			case inSingle:
				switch {
				case c == '\\' && at(i+1) == '\'':
					i++
					tok = append(tok, '\'')
				case c == '\'':
					if n := at(i + 1); n != 0 && !isSpace(n) {
						return dst, errQuotes
					}
					done = true
				case c == 0:
					return dst, errQuotes
				default:
					tok = append(tok, c)
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inDouble = true
				case '\'':
					inSingle = true
				default:
					tok = append(tok, c)
				}
			}
			if at(i) != 0 {
				i++
			}
		}
		dst = append(dst, tok)
	}
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
