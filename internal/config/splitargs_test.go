package config

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		line string
		want []string
		err  bool
	}{
		{"", nil, false},
		{"   \t ", nil, false},
		{"port 6379", []string{"port", "6379"}, false},
		{"  port \t 6379  ", []string{"port", "6379"}, false},
		{`save ""`, []string{"save", ""}, false},
		{`a "b c" d`, []string{"a", "b c", "d"}, false},
		{`"\n\r\t\b\a\\\"\q"`, []string{"\n\r\t\b\a\\\"q"}, false},
		{`"\x41\x4a\x4A\xzz"`, []string{"AJJxzz"}, false},
		{`"\x4"`, []string{"x4"}, false},
		{`'a\'b'`, []string{"a'b"}, false},
		{`'a\nb'`, []string{`a\nb`}, false},
		{`'a"b'`, []string{`a"b`}, false},
		{`ab"c d"`, []string{"abc d"}, false}, // a quote may open mid-word
		{`a'b c'`, []string{"ab c"}, false},
		{"a\vb", []string{"a\vb"}, false}, // \v only separates between words
		{"\va b", []string{"a", "b"}, false},
		{"a\x00b c", []string{"a"}, false}, // NUL ends the line
		{`"abc`, nil, true},
		{`'abc`, nil, true},
		{`"abc"d`, nil, true},
		{`'abc'd`, nil, true},
		{`"abc\"`, nil, true},
		{`"a" "b"`, []string{"a", "b"}, false},
		{"\"a\"\t\"b\"", []string{"a", "b"}, false},
		{`""""`, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			got, err := SplitArgs(tc.line)
			if tc.err {
				if !errors.Is(err, ErrUnbalancedQuotes) {
					t.Fatalf("got %q, %v, want ErrUnbalancedQuotes", got, err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, %v, want %q", got, err, tc.want)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"abc", `"abc"`},
		{"a b\"c\\", `"a b\"c\\"`},
		{"\n\r\t\a\b", `"\n\r\t\a\b"`},
		{"\x00\x7f\xff", `"\x00\x7f\xff"`},
	}
	for _, tc := range tests {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q): got %s, want %s", tc.in, got, tc.want)
		}
	}
}

// FuzzSplitArgs checks that SplitArgs never panics and that Quote round
// trips: quoting every argument and splitting again gives them back.
func FuzzSplitArgs(f *testing.F) {
	for _, s := range []string{
		"port 6379", `save ""`, `"a\x41" 'b\'c'`, `a"b c"`, `"unterminated`,
		`"x"y`, "a\tb\r\nc", "\x00", `"\xff\x00"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args, err := SplitArgs(line)
		if err != nil {
			return
		}
		quoted := make([]string, len(args))
		for i, a := range args {
			quoted[i] = Quote(a)
		}
		again, err := SplitArgs(strings.Join(quoted, " "))
		if err != nil {
			t.Fatalf("re-splitting %q: %v", quoted, err)
		}
		if !slices.Equal(again, args) {
			t.Fatalf("round trip of %q: got %q, want %q", line, again, args)
		}
	})
}

func BenchmarkSplitArgs(b *testing.B) {
	line := `client-output-buffer-limit "replica" 256mb 64mb 60 'pubsub' 32mb 8mb 60`
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if _, err := SplitArgs(line); err != nil {
			b.Fatal(err)
		}
	}
}
