package compat

import (
	"bytes"
	"slices"

	"github.com/vestadb/vesta/internal/testutil"
)

// Equal reports whether two raw replies agree under the command's mode.
func Equal(c Cmd, a, b []byte) bool {
	switch c.Mode {
	case Ignore:
		return true
	case Text:
		x, errx := testutil.Parse(a)
		y, erry := testutil.Parse(b)
		return errx == nil && erry == nil && textOf(x) != nil && textOf(y) != nil && *textOf(x) == *textOf(y)
	case TypeOnly:
		return len(a) > 0 && len(b) > 0 && a[0] == b[0]
	case Payload:
		return samePayload(a, b)
	case Approx:
		x, okx := intReply(a)
		y, oky := intReply(b)
		if okx && oky {
			d := x - y
			return d <= c.Tolerance && -d <= c.Tolerance
		}
		return bytes.Equal(a, b)
	case Sorted:
		ea, oka := elements(a)
		eb, okb := elements(b)
		if !oka || !okb {
			return bytes.Equal(a, b)
		}
		if !bytes.Equal(headerLine(a), headerLine(b)) || len(ea) != len(eb) {
			return false
		}
		slices.SortFunc(ea, bytes.Compare)
		slices.SortFunc(eb, bytes.Compare)
		for i := range ea {
			if !bytes.Equal(ea[i], eb[i]) {
				return false
			}
		}
		return true
	}
	return bytes.Equal(a, b)
}

// intReply returns the value of an integer reply.
func intReply(b []byte) (int64, bool) {
	v, err := testutil.Parse(b)
	n, ok := v.(int64)
	return n, err == nil && ok
}

// headerLine returns the first line of a reply, "*3\r\n" for an array.
func headerLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
}

// elements splits an array, set or push reply into the raw bytes of its
// elements. Maps are split into key-value pairs so that pairs stay whole.
func elements(b []byte) ([][]byte, bool) {
	if len(b) == 0 {
		return nil, false
	}
	per := 1
	switch b[0] {
	case '*', '~', '>':
	case '%':
		per = 2
	default:
		return nil, false
	}
	v, err := testutil.Parse(b)
	if err != nil || v == nil {
		return nil, false
	}
	pos := len(headerLine(b))
	var out [][]byte
	for pos < len(b) {
		start := pos
		for i := 0; i < per; i++ {
			_, n, err := testutil.ParsePrefix(b[pos:])
			if err != nil {
				return nil, false
			}
			pos += n
		}
		out = append(out, b[start:pos])
	}
	return out, true
}

// textOf returns the text of a simple or bulk string reply.
func textOf(v any) *string {
	switch x := v.(type) {
	case string:
		return &x
	case testutil.Status:
		s := string(x)
		return &s
	}
	return nil
}
