package resp

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// feed runs data through a parser in chunks of the given size and collects
// the commands (joined by spaces) and the first error.
func feed(t *testing.T, data string, chunk int, needAuth bool) ([]string, error) {
	t.Helper()
	cmds, err := feedArgs(data, chunk, needAuth)
	var got []string
	for _, c := range cmds {
		got = append(got, strings.Join(c, "|"))
	}
	return got, err
}

func feedArgs(data string, chunk int, needAuth bool) ([][]string, error) {
	p := NewParser()
	var got [][]string
	for off := 0; off < len(data) || p.Buffered() > 0; {
		if off < len(data) {
			n := copy(p.Space(), data[off:min(len(data), off+chunk)])
			p.Advance(n)
			off += n
		}
		for {
			args, err := p.Next(needAuth)
			if err != nil {
				return got, err
			}
			if args == nil {
				break
			}
			parts := make([]string, len(args))
			for i, a := range args {
				parts[i] = string(a)
			}
			got = append(got, parts)
		}
		if off >= len(data) {
			break
		}
	}
	return got, nil
}

func TestParser(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		needAuth bool
		want     []string
		err      string // protocol error text, "" for none
	}{
		{"multibulk", "*2\r\n$4\r\nECHO\r\n$3\r\nhey\r\n", false, []string{"ECHO|hey"}, ""},
		{"pipelined", "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n", false, []string{"PING", "PING"}, ""},
		{"inline", "SET k \"a b\"\r\nGET k\n", false, []string{"SET|k|a b", "GET|k"}, ""},
		{"empty line skipped", "\r\nPING\r\n", false, []string{"PING"}, ""},
		{"negative count skipped", "*-10\r\nPING\r\n", false, []string{"PING"}, ""},
		{"zero count skipped", "*0\r\n*1\r\n$4\r\nPING\r\n", false, []string{"PING"}, ""},
		{"empty bulk", "*2\r\n$3\r\nGET\r\n$0\r\n\r\n", false, []string{"GET|"}, ""},
		{"binary bulk", "*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n", false, []string{"ECHO|a\r\nb"}, ""},
		{"count too big", "*2147483648\r\n", false, nil, "invalid multibulk length"},
		{"count max ok", "*2147483647\r\n", false, nil, ""},
		{"count not a number", "*x\r\n", false, nil, "invalid multibulk length"},
		{"count plus sign", "*+1\r\n", false, nil, "invalid multibulk length"},
		{"expected dollar", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n", false, []string(nil), "expected '$', got 'f'"},
		{"bulk too big", "*1\r\n$999999999999\r\n", false, nil, "invalid bulk length"},
		{"bulk negative", "*1\r\n$-1\r\n", false, nil, "invalid bulk length"},
		{"unauth count", "*11\r\n", true, nil, "unauthenticated multibulk length"},
		{"unauth count ok", "*10\r\n", true, nil, ""},
		{"unauth bulk", "*1\r\n$16385\r\n", true, nil, "unauthenticated bulk length"},
		{"unbalanced quotes", "SET k \"abc\r\n", false, nil, "unbalanced quotes in request"},
		{"quote then text", "SET k \"a\"b\r\n", false, nil, "unbalanced quotes in request"},
		{"inline too big", strings.Repeat("a", MaxInlineSize+1), false, nil, "too big inline request"},
		{"mbulk header too big", "*" + strings.Repeat("1", MaxInlineSize+1), false, nil, "too big mbulk count string"},
		{"bulk header too big", "*1\r\n$" + strings.Repeat("1", MaxInlineSize+1), false, nil, "too big bulk count string"},
	}
	for _, tt := range tests {
		for _, chunk := range []int{1, 3, 7, 1 << 20} {
			t.Run(fmt.Sprintf("%s/chunk%d", tt.name, chunk), func(t *testing.T) {
				got, err := feed(t, tt.in, chunk, tt.needAuth)
				var pe *ProtocolError
				switch {
				case tt.err == "" && err != nil:
					t.Fatalf("got error %v, want none", err)
				case tt.err != "" && !errors.As(err, &pe):
					t.Fatalf("got error %v, want protocol error %q", err, tt.err)
				case tt.err != "" && pe.Msg != tt.err:
					t.Fatalf("got error %q, want %q", pe.Msg, tt.err)
				}
				if strings.Join(got, ",") != strings.Join(tt.want, ",") {
					t.Fatalf("got commands %q, want %q", got, tt.want)
				}
			})
		}
	}
}

func TestParserQueryBufferLimit(t *testing.T) {
	p := NewParser()
	p.MaxQueryBuf = 1000
	copy(p.Space(), "*1\r\n$5000\r\nabc")
	p.Advance(len("*1\r\n$5000\r\nabc"))
	if _, err := p.Next(false); !errors.Is(err, ErrQueryBufferLimit) {
		t.Fatalf("got %v, want ErrQueryBufferLimit", err)
	}
}

// A bulk announced as huge must not make the parser allocate its size before
// the bytes arrive.
func TestParserNoEagerAllocation(t *testing.T) {
	p := NewParser()
	hdr := "*1\r\n$536870912\r\n"
	copy(p.Space(), hdr)
	p.Advance(len(hdr))
	if args, err := p.Next(false); args != nil || err != nil {
		t.Fatalf("got %v %v, want need-more", args, err)
	}
	if n := len(p.Space()); n > 1<<20 {
		t.Fatalf("Space returned %d bytes for an unsent bulk, want bounded growth", n)
	}
}

func TestParserLargeBulkInPieces(t *testing.T) {
	val := bytes.Repeat([]byte("x"), 3<<20)
	msg := fmt.Sprintf("*2\r\n$4\r\nECHO\r\n$%d\r\n%s\r\n", len(val), val)
	got, err := feed(t, msg, 64<<10, false)
	if err != nil || len(got) != 1 || got[0] != "ECHO|"+string(val) {
		t.Fatalf("large bulk: err=%v, got %d commands", err, len(got))
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"-0", 0, false}, {"12", 12, true}, {"-12", -12, true},
		{"007", 0, false}, {"+1", 0, false}, {"", 0, false}, {"-", 0, false},
		{"9223372036854775807", 1<<63 - 1, true}, {"9223372036854775808", 0, false},
		{"-9223372036854775808", -1 << 63, true}, {"-9223372036854775809", 0, false},
		{"18446744073709551616", 0, false}, {"99999999999999999999", 0, false}, {"1 ", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseInt([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzParser checks that arbitrary bytes never panic or hang the parser, that
// chunking does not change the result, and that a well-formed re-encoding of
// what was parsed parses back to the same commands.
func FuzzParser(f *testing.F) {
	for _, s := range []string{
		"*2\r\n$4\r\nECHO\r\n$3\r\nhey\r\n", "PING\r\n", "SET a \"b c\"\n", "*-1\r\n",
		"*1\r\n$-5\r\n", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n", "'a\\'b' \"\\x4", "*2147483648\r\n",
	} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		whole, errWhole := feedArgs(string(data), len(data)+1, false)
		pieces, errPieces := feedArgs(string(data), int(chunk)+1, false)
		if (errWhole == nil) != (errPieces == nil) || !reflect.DeepEqual(whole, pieces) {
			t.Fatalf("chunking changed the result: %q %v vs %q %v", whole, errWhole, pieces, errPieces)
		}
		var enc []byte
		for _, parts := range whole {
			enc = fmt.Appendf(enc, "*%d\r\n", len(parts))
			for _, a := range parts {
				enc = fmt.Appendf(enc, "$%d\r\n%s\r\n", len(a), a)
			}
		}
		again, err := feedArgs(string(enc), 5, false)
		if err != nil || !reflect.DeepEqual(again, whole) {
			t.Fatalf("re-encoded commands parse differently: %q vs %q (%v)", again, whole, err)
		}
	})
}

func BenchmarkParserPipeline(b *testing.B) {
	var msg []byte
	for range 16 {
		msg = append(msg, "*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000042\r\n$3\r\nxxx\r\n"...)
	}
	p := NewParser()
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		n := copy(p.Space(), msg)
		p.Advance(n)
		for {
			args, _ := p.Next(false)
			if args == nil {
				break
			}
		}
	}
}

func TestPeekKeys(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"pipeline", "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\nGET\r\n$2\r\nbb\r\n", 16, []string{"a", "bb"}},
		{"max", "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n", 1, []string{"a"}},
		{"no key", "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", 16, []string{"k"}},
		{"stops at inline", "*2\r\n$3\r\nGET\r\n$1\r\na\r\nGET b\r\n*2\r\n$3\r\nGET\r\n$1\r\nc\r\n", 16, []string{"a"}},
		{"stops at incomplete", "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$5\r\nbc", 16, []string{"a"}},
		{"incomplete header", "*2\r\n$3\r\nGET\r\n$1", 16, nil},
		{"empty request", "*0\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n", 16, nil},
		{"bad length", "*2\r\n$3\r\nGET\r\n$-1\r\n", 16, nil},
		{"not a bulk", "*2\r\n$3\r\nGET\r\n:1\r\n", 16, nil},
		{"huge length", "*2\r\n$3\r\nGET\r\n$99999999999\r\nab\r\n", 16, nil},
		{"empty key", "*2\r\n$3\r\nGET\r\n$0\r\n\r\n", 16, []string{""}},
		{"stops at a long request", "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*1025\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n", 16, []string{"a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParser()
			p.Advance(copy(p.Space(), tc.in))
			var got []string
			for _, k := range p.PeekKeys(nil, tc.max) {
				got = append(got, string(k))
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("PeekKeys = %q, want %q", got, tc.want)
			}
			if p.Buffered() != len(tc.in) {
				t.Fatalf("PeekKeys consumed input")
			}
		})
	}
	// A request the parser is in the middle of has no key to peek: its
	// second argument may be gone from the buffer's unread part.
	p := NewParser()
	p.Advance(copy(p.Space(), "*2\r\n$3\r\nGET\r\n$5\r\nab"))
	if args, err := p.Next(false); args != nil || err != nil {
		t.Fatalf("Next = %q, %v", args, err)
	}
	if got := p.PeekKeys(nil, 16); got != nil {
		t.Fatalf("PeekKeys mid-request = %q", got)
	}
}

// FuzzPeekKeys checks that PeekKeys never panics and that each key it
// peeks is the second argument of the request Next then returns.
func FuzzPeekKeys(f *testing.F) {
	for _, s := range []string{
		"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\nGET\r\n$2\r\nbb\r\n",
		"*1\r\n$4\r\nPING\r\nGET x\r\n", "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$5\r\nbc",
		"*2\r\n$3\r\nGET\r\n$99999999999\r\nab\r\n", "*0\r\n*-1\r\n",
	} {
		f.Add([]byte(s), uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, skip uint8) {
		p := NewParser()
		for off := 0; off < len(data); {
			n := copy(p.Space(), data[off:])
			p.Advance(n)
			off += n
		}
		// Peek after some requests have been taken, as the loop does.
		for range skip % 4 {
			if args, err := p.Next(false); args == nil || err != nil {
				break
			}
		}
		var peeked []string
		for _, k := range p.PeekKeys(nil, 1<<20) {
			peeked = append(peeked, string(k))
		}
		for j := 0; j < len(peeked); {
			args, err := p.Next(false)
			if err != nil {
				return // a limit Next checks and PeekKeys does not
			}
			if args == nil {
				t.Fatalf("peeked %q but only %d requests followed", peeked, j)
			}
			if len(args) < 2 {
				continue
			}
			if string(args[1]) != peeked[j] {
				t.Fatalf("peeked key %d is %q, the request's is %q", j, peeked[j], args[1])
			}
			j++
		}
	})
}
