package config

import "strings"

// SplitArgs splits one configuration line into arguments the way Redis's
// sdssplitargs does; Redis uses the same rules for inline commands.
//
// Arguments are separated by white space. A double-quoted argument may use
// the escapes \n \r \t \b \a, \xHH (two hex digits) and \<any byte> for the
// byte itself. A single-quoted argument is literal except for \' . A closing
// quote must be followed by white space or the end of the line, otherwise the
// line is an error ("foo"bar is refused). A quote may open in the middle of an
// argument: ab"c d" is the single argument "abc d". As in C, a NUL byte ends
// the line.
//
// SplitArgs returns ErrUnbalancedQuotes for an unterminated quote or a quote
// not followed by white space.
func SplitArgs(line string) ([]string, error) {
	if i := strings.IndexByte(line, 0); i >= 0 {
		line = line[:i]
	}
	var args []string
	var cur []byte
	p := 0
	for {
		for p < len(line) && isSpace(line[p]) {
			p++
		}
		if p == len(line) {
			return args, nil
		}
		cur = cur[:0]
		inDouble, inSingle := false, false
	token:
		for {
			var c, next byte // 0 past the end, as C's terminator
			if p < len(line) {
				c = line[p]
			}
			if p+1 < len(line) {
				next = line[p+1]
			}
			switch {
			case inDouble:
				switch {
				case c == '\\' && next == 'x' && p+3 < len(line) && isHex(line[p+2]) && isHex(line[p+3]):
					cur = append(cur, unhex(line[p+2])<<4|unhex(line[p+3]))
					p += 3
				case c == '\\' && p+1 < len(line):
					p++
					cur = append(cur, unescape(line[p]))
				case c == '"':
					if p+1 < len(line) && !isSpace(next) {
						return nil, ErrUnbalancedQuotes
					}
					p++
					break token
				case p >= len(line):
					return nil, ErrUnbalancedQuotes
				default:
					cur = append(cur, c)
				}
			case inSingle:
				switch {
				case c == '\\' && next == '\'':
					p++
					cur = append(cur, '\'')
				case c == '\'':
					if p+1 < len(line) && !isSpace(next) {
						return nil, ErrUnbalancedQuotes
					}
					p++
					break token
				case p >= len(line):
					return nil, ErrUnbalancedQuotes
				default:
					cur = append(cur, c)
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0:
					if p < len(line) {
						p++
					}
					break token
				case '"':
					inDouble = true
				case '\'':
					inSingle = true
				default:
					cur = append(cur, c)
				}
			}
			if p < len(line) {
				p++
			}
		}
		args = append(args, string(cur))
	}
}

// unescape maps the byte after a backslash inside double quotes.
func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// Quote returns s as a double-quoted argument that SplitArgs reads back
// unchanged, escaping like Redis's sdscatrepr: \\ \" \n \r \t \a \b, and
// \xHH for any other byte outside printable ASCII.
func Quote(s string) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '"':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\a':
			b = append(b, '\\', 'a')
		case '\b':
			b = append(b, '\\', 'b')
		default:
			if c >= 0x20 && c <= 0x7e {
				b = append(b, c)
			} else {
				b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
			}
		}
	}
	return string(append(b, '"'))
}
