package manifest

import (
	"fmt"
	"math"
	"testing"
)

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string // nil with err
		err  bool
	}{
		{in: "", want: []string{}},
		{in: "   ", want: []string{}},
		{in: "a b  c", want: []string{"a", "b", "c"}},
		{in: "\ta\r\nb\vc", want: []string{"a", "b\vc"}},
		{in: "\v\fa", want: []string{"a"}},
		{in: `"a b" 'c d'`, want: []string{"a b", "c d"}},
		{in: `""`, want: []string{""}},
		{in: `"" x`, want: []string{"", "x"}},
		{in: `a"b c"d`, err: true},
		{in: `a"b c"`, want: []string{"ab c"}},
		{in: `a'b'`, want: []string{"ab"}},
		{in: `"\x41\x4a\x6b\xZZ\x4"`, want: []string{"AJkxZZx4"}},
		{in: `"\n\r\t\b\a\q\"\\"`, want: []string{"\n\r\t\b\aq\"\\"}},
		{in: `'\n\''`, want: []string{`\n'`}},
		{in: `'it\'s' x`, want: []string{"it's", "x"}},
		{in: `"abc`, err: true},
		{in: `'abc`, err: true},
		{in: `"abc\`, err: true},
		{in: `"a"b`, err: true},
		{in: `'a'b`, err: true},
		{in: "\"a\"\f", want: []string{"a"}},
		{in: `"\x00"`, want: []string{"\x00"}},
		{in: "\xe9\xff", want: []string{"\xe9\xff"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			got, err := splitArgs([]byte(tt.in), nil)
			if tt.err {
				if err == nil {
					t.Errorf("got %q, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want %q", err, tt.want)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if string(got[i]) != tt.want[i] {
					t.Errorf("token %d: got %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestAtoll(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"", 0},
		{"0", 0},
		{"42", 42},
		{"-42", -42},
		{"+42", 42},
		{"  \t7", 7},
		{"12abc", 12},
		{"abc", 0},
		{"- 1", 0},
		{"--1", 0},
		{"9223372036854775807", math.MaxInt64},
		{"9223372036854775808", math.MaxInt64},
		{"99999999999999999999999", math.MaxInt64},
		{"-9223372036854775808", math.MinInt64},
		{"-9223372036854775809", math.MinInt64},
		{"-99999999999999999999999", math.MinInt64},
		{"007", 7},
	}
	for _, tt := range tests {
		if got := atoll([]byte(tt.in)); got != tt.want {
			t.Errorf("atoll(%q): got %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestEqualFoldASCII(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"file", "file", true},
		{"FiLe", "file", true},
		{"files", "file", false},
		{"fil", "file", false},
		{"\u017feq", "seq", false}, // Unicode folding would match
		{"\u212aey", "key", false},
	}
	for _, tt := range tests {
		if got := equalFoldASCII([]byte(tt.a), tt.b); got != tt.want {
			t.Errorf("equalFoldASCII(%q, %q): got %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// Ensure that every byte string written quoted splits back to itself (the
// Marshal/Parse round trip for names).
func TestQuoteRoundTrip(t *testing.T) {
	var all []byte
	for c := range 256 {
		all = append(all, byte(c))
	}
	for _, name := range []string{"", "a", " ", `"`, `\`, "a b", string(all[1:])} {
		q := appendQuoted(nil, name)
		got, err := splitArgs(q, nil)
		if err != nil || len(got) != 1 || string(got[0]) != name {
			t.Errorf("quote %q: split back to %q, %v", name, got, err)
		}
	}
}
