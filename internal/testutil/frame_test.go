package testutil

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

var frameCases = []struct {
	name string
	raw  string
	want any
}{
	{"status", "+OK\r\n", Status("OK")},
	{"error", "-ERR bad\r\n", ErrorReply("ERR bad")},
	{"int", ":-42\r\n", int64(-42)},
	{"bulk", "$3\r\na\r\n\r\n", "a\r\n"},
	{"empty bulk", "$0\r\n\r\n", ""},
	{"null bulk", "$-1\r\n", nil},
	{"null array", "*-1\r\n", nil},
	{"resp3 null", "_\r\n", nil},
	{"array", "*2\r\n:1\r\n$1\r\nx\r\n", []any{int64(1), "x"}},
	{"nested", "*2\r\n*1\r\n+a\r\n*0\r\n", []any{[]any{Status("a")}, []any{}}},
	{"bool", "#t\r\n", true},
	{"double", ",1.5\r\n", 1.5},
	{"inf", ",-inf\r\n", math.Inf(-1)},
	{"big", "(3492890328409238509324850943850943825024385\r\n", mustBig("3492890328409238509324850943850943825024385")},
	{"verbatim", "=8\r\ntxt:abcd\r\n", Verbatim{"txt", "abcd"}},
	{"blob error", "!5\r\nERR x\r\n", ErrorReply("ERR x")},
	{"map", "%1\r\n+k\r\n:1\r\n", Map{{Status("k"), int64(1)}}},
	{"set", "~2\r\n:1\r\n:2\r\n", Set{int64(1), int64(2)}},
	{"push", ">2\r\n+message\r\n$1\r\nm\r\n", Push{Status("message"), "m"}},
	{"attribute", "|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n", Attributed{Map{{Status("ttl"), int64(3)}}, "v"}},
}

func mustBig(s string) *big.Int {
	n, _ := new(big.Int).SetString(s, 10)
	return n
}

func TestReadFrameAndParse(t *testing.T) {
	for _, tc := range frameCases {
		t.Run(tc.name, func(t *testing.T) {
			// A trailing reply must stay unread, and one-byte reads must
			// not matter.
			r := bufio.NewReaderSize(iotest.OneByteReader(strings.NewReader(tc.raw+"+NEXT\r\n")), 16)
			got, err := ReadFrame(r)
			if err != nil {
				t.Fatalf("ReadFrame: %v", err)
			}
			if string(got) != tc.raw {
				t.Fatalf("ReadFrame: got %q, want %q", got, tc.raw)
			}
			if next, err := ReadFrame(r); err != nil || string(next) != "+NEXT\r\n" {
				t.Fatalf("following frame: got %q, %v", next, err)
			}
			v, err := Parse(got)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(v, tc.want) {
				t.Fatalf("Parse: got %#v, want %#v", v, tc.want)
			}
		})
	}
}

func TestReadFrameErrors(t *testing.T) {
	cases := []struct {
		name string
		raw  string
		want error
	}{
		{"eof", "", io.EOF},
		{"truncated line", "+OK", ErrTruncated},
		{"truncated bulk", "$5\r\nab", ErrTruncated},
		{"truncated array", "*2\r\n:1\r\n", io.EOF},
		{"bad type", "?x\r\n", ErrBadType},
		{"bad length", "$x\r\n", ErrBadLength},
		{"negative length", "$-2\r\n", ErrBadLength},
		{"resp3 negative", "~-1\r\n", ErrBadLength},
		{"bulk without crlf", "$1\r\nabc", ErrBadLine},
		{"lf only", "+OK\n", ErrBadLine},
		{"bad int", ":1x\r\n", ErrBadLine},
		{"bad bool", "#x\r\n", ErrBadLine},
		{"huge bulk", "$99999999999\r\n", ErrBadLength},
		{"deep", strings.Repeat("*1\r\n", MaxDepth+2) + ":1\r\n", ErrTooDeep},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadFrame(bufio.NewReader(strings.NewReader(tc.raw)))
			if !errors.Is(err, tc.want) {
				t.Fatalf("ReadFrame(%q): got %v, want %v", tc.raw, err, tc.want)
			}
			if _, err := Parse([]byte(tc.raw)); err == nil {
				t.Fatalf("Parse(%q): got no error", tc.raw)
			}
		})
	}
}

func TestParseTrailing(t *testing.T) {
	if _, err := Parse([]byte("+OK\r\n+OK\r\n")); !errors.Is(err, ErrTrailing) {
		t.Fatalf("got %v, want %v", err, ErrTrailing)
	}
}

// FuzzFrame checks that ReadFrame and ParsePrefix agree on every input: both
// accept the same prefix of the same length, and neither panics nor
// allocates what the input claims.
func FuzzFrame(f *testing.F) {
	for _, tc := range frameCases {
		f.Add([]byte(tc.raw))
	}
	f.Add([]byte("*3\r\n$1\r\na\r\n%1\r\n+k\r\n~1\r\n_\r\n|1\r\n+a\r\n+b\r\n:1\r\n"))
	f.Add([]byte("*2147483647\r\n"))
	f.Add([]byte("$1073741824\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		raw, rerr := ReadFrame(bufio.NewReader(bytes.NewReader(in)))
		v, n, perr := ParsePrefix(in)
		if rerr == nil {
			if perr != nil {
				t.Fatalf("ReadFrame accepted %q, ParsePrefix: %v", raw, perr)
			}
			if n != len(raw) {
				t.Fatalf("ReadFrame took %d bytes, ParsePrefix %d", len(raw), n)
			}
			again, err := Parse(raw)
			if err != nil || !equalValues(again, v) {
				t.Fatalf("Parse(frame) = %#v, %v; want %#v", again, err, v)
			}
			return
		}
		if perr == nil {
			t.Fatalf("ParsePrefix accepted %q (%d bytes) but ReadFrame: %v", in[:n], n, rerr)
		}
	})
}

// equalValues compares parsed replies, treating NaN as equal to itself.
func equalValues(a, b any) bool {
	return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}
