package testutil

import "strconv"

// Escape renders raw protocol bytes on one readable line: printable ASCII as
// is, \r and \n as escapes, everything else as \xNN. Failure messages use it
// so that two replies can be compared by eye.
func Escape(b []byte) string {
	out := make([]byte, 0, len(b)+8)
	for _, c := range b {
		switch {
		case c == '\r':
			out = append(out, '\\', 'r')
		case c == '\n':
			out = append(out, '\\', 'n')
		case c == '\\':
			out = append(out, '\\', '\\')
		case c >= 0x20 && c < 0x7f:
			out = append(out, c)
		default:
			out = append(out, '\\', 'x', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		}
	}
	return string(out)
}

// Quote renders a command argument for a readable, copy-pasteable command
// line: plain words stay bare, anything else is double-quoted with escapes
// that redis-cli understands.
func Quote(s string) string {
	plain := s != ""
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '\\' {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c == '\n':
			out = append(out, '\\', 'n')
		case c == '\r':
			out = append(out, '\\', 'r')
		case c == '\t':
			out = append(out, '\\', 't')
		case c >= 0x20 && c < 0x7f:
			out = append(out, c)
		default:
			out = append(out, '\\', 'x', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		}
	}
	return string(append(out, '"'))
}

// AppendCommand appends args as a RESP multibulk request.
func AppendCommand(b []byte, args ...string) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, '\r', '\n')
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, '\r', '\n')
		b = append(b, a...)
		b = append(b, '\r', '\n')
	}
	return b
}
