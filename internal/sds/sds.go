// Package sds holds Redis's C-string helpers that shape bytes on the wire
// and on disk: splitting a line into arguments as sdssplitargs does (inline
// commands, configuration lines, AOF manifest lines) and quoting bytes as
// sdscatrepr does (MONITOR, CONFIG REWRITE, the manifest). Redis uses one
// implementation for all of these, and so does Vesta.
package sds

// SplitArgs splits line into arguments the way sdssplitargs does, appending
// them to dst. Arguments are separated by white space. A double-quoted
// argument understands \n \r \t \b \a, \xHH (two hex digits) and \<any byte>
// for the byte itself; a single-quoted one only \'. A closing quote must be
// followed by white space or the end of the line. A quote may open in the
// middle of an argument: ab"c d" is the single argument "abc d". As in C, a
// NUL byte ends the line. It reports false for unbalanced quotes (an
// unterminated quote, or a closing quote followed by something else).
//
// Unquoted arguments alias line; quoted ones are copied because escapes
// change their bytes. An empty quoted argument is a non-nil empty slice.
func SplitArgs(line []byte, dst [][]byte) ([][]byte, bool) {
	i := 0
	for {
		for i < len(line) && IsSpace(line[i]) {
			i++
		}
		if i >= len(line) || line[i] == 0 {
			return dst, true
		}
		var cur []byte
		startPlain := i
		quoted := false
		done := false
		for !done && i < len(line) {
			c := line[i]
			switch {
			case c == '"' || c == '\'':
				if !quoted {
					cur = append([]byte{}, line[startPlain:i]...)
					quoted = true
				}
				read := readDouble
				if c == '\'' {
					read = readSingle
				}
				j, ok := read(line, i+1, &cur)
				if !ok {
					return dst, false
				}
				i = j
				done = true
			case c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0:
				// Only these end an unquoted argument; \v and \f are
				// skipped between arguments but kept inside one.
				done = true
			default:
				if quoted {
					cur = append(cur, c)
				}
				i++
			}
		}
		if !quoted {
			cur = line[startPlain:i:i]
		}
		dst = append(dst, cur)
	}
}

// readDouble consumes a double-quoted section starting after the opening
// quote; it returns the index after the closing quote.
func readDouble(line []byte, i int, cur *[]byte) (int, bool) {
	for i < len(line) {
		c := line[i]
		switch {
		case c == '\\' && i+3 < len(line) && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]):
			*cur = append(*cur, unhex(line[i+2])<<4|unhex(line[i+3]))
			i += 4
		case c == '\\' && i+1 < len(line) && line[i+1] != 0:
			i++
			*cur = append(*cur, unescape(line[i]))
			i++
		case c == '"':
			return closing(line, i)
		case c == 0:
			return 0, false
		default:
			*cur = append(*cur, c)
			i++
		}
	}
	return 0, false
}

// readSingle is readDouble for a single-quoted section.
func readSingle(line []byte, i int, cur *[]byte) (int, bool) {
	for i < len(line) {
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line) && line[i+1] == '\'':
			*cur = append(*cur, '\'')
			i += 2
		case c == '\'':
			return closing(line, i)
		case c == 0:
			return 0, false
		default:
			*cur = append(*cur, c)
			i++
		}
	}
	return 0, false
}

// closing checks that the closing quote at i is followed by white space or
// the end of the line, and returns the index after it.
func closing(line []byte, i int) (int, bool) {
	if i+1 < len(line) && !IsSpace(line[i+1]) && line[i+1] != 0 {
		return 0, false
	}
	return i + 1, true
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

// IsSpace is C's isspace in the C locale.
func IsSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f'
}

// IsPrint is C's isprint in the C locale.
func IsPrint(c byte) bool { return c >= 0x20 && c <= 0x7e }

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

// AppendRepr appends s in double quotes with C escapes, as sdscatrepr
// does: \\ \" \n \r \t \a \b, and \xHH for any other byte that is not
// printable ASCII. SplitArgs reads the result back as s.
func AppendRepr[S ~string | ~[]byte](b []byte, s S) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
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
			if IsPrint(c) {
				b = append(b, c)
			} else {
				b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
			}
		}
	}
	return append(b, '"')
}
