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

// equalFrames compares the frames one step read from each server: one by
// one under the step's mode, or as a whole for Confirmations and
// AnyOrder.
func equalFrames(c Cmd, a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	switch c.Mode {
	case Confirmations:
		return equalConfirmations(a, b)
	case AnyOrder:
		x, y := slices.Clone(a), slices.Clone(b)
		slices.SortFunc(x, bytes.Compare)
		slices.SortFunc(y, bytes.Compare)
		for i := range x {
			if !bytes.Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	for i := range a {
		if !Equal(c, a[i], b[i]) {
			return false
		}
	}
	return true
}

// equalConfirmations compares two sequences of Pub/Sub confirmations
// ([kind, name, count]) whose names may come in different orders.
func equalConfirmations(a, b [][]byte) bool {
	var na, nb []string
	for i := range a {
		ka, xa, ca, oka := confirmation(a[i])
		kb, xb, cb, okb := confirmation(b[i])
		if !oka || !okb {
			if !bytes.Equal(a[i], b[i]) {
				return false
			}
			continue
		}
		if a[i][0] != b[i][0] || ka != kb || ca != cb {
			return false
		}
		na, nb = append(na, xa), append(nb, xb)
	}
	slices.Sort(na)
	slices.Sort(nb)
	return slices.Equal(na, nb)
}

// confirmation splits a (p)(un)subscribe confirmation into its kind, its
// channel or pattern ("\x00nil" for none) and its count.
func confirmation(b []byte) (kind, name string, count int64, ok bool) {
	v, err := testutil.Parse(b)
	if err != nil {
		return "", "", 0, false
	}
	var elems []any
	switch x := v.(type) {
	case []any:
		elems = x
	case testutil.Push:
		elems = x
	default:
		return "", "", 0, false
	}
	if len(elems) != 3 {
		return "", "", 0, false
	}
	k, ok1 := elems[0].(string)
	n, ok2 := elems[2].(int64)
	if !ok1 || !ok2 {
		return "", "", 0, false
	}
	switch x := elems[1].(type) {
	case string:
		name = x
	case nil:
		name = "\x00nil"
	default:
		return "", "", 0, false
	}
	return k, name, n, true
}

// equalExec compares the replies to an EXEC whose queued commands are
// known: element by element under each command's own mode when both are
// arrays of one reply per command, exactly otherwise (EXECABORT, a null
// reply for a failed WATCH).
func equalExec(queued []Cmd, a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 || a[0] != '*' || b[0] != '*' {
		return bytes.Equal(a, b)
	}
	ea, oka := elements(a)
	eb, okb := elements(b)
	if !oka || !okb || len(ea) != len(queued) || len(eb) != len(queued) {
		return bytes.Equal(a, b)
	}
	for i, c := range queued {
		if !Equal(c, ea[i], eb[i]) {
			return false
		}
	}
	return true
}
