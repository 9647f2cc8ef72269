package resp

// SplitArgs splits an inline request line into arguments the way Redis's
// sdssplitargs does, appending them to dst. Double-quoted arguments understand
// \n \r \t \b \a \\ \" and \xHH; single-quoted ones only \'. A closing quote
// must be followed by a space or the end of the line. It reports false for
// unbalanced quotes.
//
// Unquoted arguments alias line; quoted ones are copied because escapes change
// their bytes.
func SplitArgs(line []byte, dst [][]byte) ([][]byte, bool) {
	i := 0
	for {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i >= len(line) || line[i] == 0 {
			return dst, true // like the C original, a NUL ends the line
		}
		var cur []byte
		startPlain := i
		quoted := false
		done := false
		for !done {
			if i >= len(line) {
				break
			}
			c := line[i]
			switch {
			case c == '"':
				if !quoted {
					cur = append([]byte{}, line[startPlain:i]...)
					quoted = true
				}
				j, ok := readDouble(line, i+1, &cur)
				if !ok {
					return dst, false
				}
				i = j
				done = true
			case c == '\'':
				if !quoted {
					cur = append([]byte{}, line[startPlain:i]...)
					quoted = true
				}
				j, ok := readSingle(line, i+1, &cur)
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
			*cur = append(*cur, hexVal(line[i+2])<<4|hexVal(line[i+3]))
			i += 4
		case c == '\\' && i+1 < len(line):
			i++
			switch line[i] {
			case 'n':
				*cur = append(*cur, '\n')
			case 'r':
				*cur = append(*cur, '\r')
			case 't':
				*cur = append(*cur, '\t')
			case 'b':
				*cur = append(*cur, '\b')
			case 'a':
				*cur = append(*cur, '\a')
			default:
				*cur = append(*cur, line[i])
			}
			i++
		case c == '"':
			// The closing quote must be followed by a space or the end.
			if i+1 < len(line) && !isSpace(line[i+1]) && line[i+1] != 0 {
				return 0, false
			}
			return i + 1, true
		case c == 0:
			return 0, false
		default:
			*cur = append(*cur, c)
			i++
		}
	}
	return 0, false
}

func readSingle(line []byte, i int, cur *[]byte) (int, bool) {
	for i < len(line) {
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line) && line[i+1] == '\'':
			*cur = append(*cur, '\'')
			i += 2
		case c == '\'':
			if i+1 < len(line) && !isSpace(line[i+1]) && line[i+1] != 0 {
				return 0, false
			}
			return i + 1, true
		case c == 0:
			return 0, false
		default:
			*cur = append(*cur, c)
			i++
		}
	}
	return 0, false
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f'
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
