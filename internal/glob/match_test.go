package glob

import (
	"strings"
	"testing"
	"time"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		nocase     bool
		want       bool
	}{
		// Plain bytes and the empty cases.
		{"", "", false, true},
		{"", "a", false, false},
		{"a", "", false, false},
		{"*", "", false, false}, // the matcher never matches an empty subject
		{"abc", "abc", false, true},
		{"abc", "abd", false, false},
		{"abc", "ab", false, false},
		{"ab", "abc", false, false},

		// Stars.
		{"*", "anything", false, true},
		{"**", "x", false, true},
		{"a*", "a", false, true},
		{"a*", "abc", false, true},
		{"*c", "abc", false, true},
		{"*c", "abd", false, false},
		{"a*c", "ac", false, true},
		{"a*c", "abbbc", false, true},
		{"a*c*", "abcx", false, true},
		{"a**c", "abc", false, true},
		{"*a*b*", "xaxbx", false, true},
		{"h*llo", "heeeello", false, true},

		// Question marks.
		{"?", "a", false, true},
		{"?", "", false, false},
		{"?", "ab", false, false},
		{"h?llo", "hello", false, true},
		{"h?llo", "hllo", false, false},
		{"??", "\xff\x00", false, true},

		// Classes.
		{"h[ae]llo", "hello", false, true},
		{"h[ae]llo", "hallo", false, true},
		{"h[ae]llo", "hillo", false, false},
		{"h[^e]llo", "hallo", false, true},
		{"h[^e]llo", "hello", false, false},
		{"h[a-b]llo", "hbllo", false, true},
		{"h[b-a]llo", "hallo", false, true}, // reversed range
		{"h[a-b]llo", "hcllo", false, false},
		{"[]]", "]", false, false}, // the class is empty, then "]" is literal
		{"[]]", "]]", false, false},
		{"[\\]]", "]", false, true},
		{"[a\\-z]", "-", false, true},
		{"[a\\-z]", "b", false, false},
		{"[\\a]", "a", false, true},
		{"x[abc", "xb", false, true}, // unterminated class
		{"x[abc", "xd", false, false},
		{"x[", "xa", false, false},
		{"x[", "x", false, false},
		{"x[^", "xa", false, true},
		{"x[^", "x]", false, true},
		{"x[\\", "x\\", false, true},
		{"x[\\", "xa", false, false},
		{"[a-]", "^", false, true}, // range a..] (93..97)
		{"[a-]", "a", false, true},
		{"[a-]", "-", false, false},
		{"[a-\xff]", "\xff", false, true}, // signed range [-1, 'a']
		{"[a-\xff]", "\x80", false, false},
		{"[a-\xff]", "A", false, true},

		// Escapes.
		{"\\*", "*", false, true},
		{"\\*", "a", false, false},
		{"\\?", "?", false, true},
		{"a\\", "a\\", false, true}, // trailing backslash is literal
		{"\\", "\\", false, true},
		{"\\\\", "\\", false, true},

		// Case folding.
		{"HELLO", "hello", true, true},
		{"HELLO", "hello", false, false},
		{"h[A-Z]llo", "hello", true, true},
		{"h[A-Z]llo", "hello", false, false},
		{"h[E]llo", "hello", true, true},
		{"[\\E]", "e", true, false}, // escapes inside a class are exact
		{"\\E", "e", true, true},    // outside a class they fold
		{"\xc4", "\xe4", true, false},

		// Trailing stars after the subject is used up.
		{"a*", "a", false, true},
		{"a***", "a", false, true},
		{"a*?", "a", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.pattern+"/"+tc.s, func(t *testing.T) {
			if got := MatchString(tc.pattern, tc.s, tc.nocase); got != tc.want {
				t.Errorf("MatchString(%q, %q, %v): got %v, want %v", tc.pattern, tc.s, tc.nocase, got, tc.want)
			}
			if got := Match([]byte(tc.pattern), []byte(tc.s), tc.nocase); got != tc.want {
				t.Errorf("Match(%q, %q, %v): got %v, want %v", tc.pattern, tc.s, tc.nocase, got, tc.want)
			}
		})
	}
}

// TestMatchNesting checks the depth cap that Redis 7.0.15 applies: past
// 1000 nested stars the answer is "no match", even where it would match.
func TestMatchNesting(t *testing.T) {
	tests := []struct {
		stars int
		want  bool
	}{
		{999, true},
		{1000, true},
		{1001, true}, // the last star is trailing and never recursed into
		{1002, false},
		{1100, false},
	}
	for _, tc := range tests {
		pattern := strings.Repeat("a*", tc.stars)
		s := strings.Repeat("a", tc.stars)
		if got := MatchString(pattern, s, false); got != tc.want {
			t.Errorf("%d stars: got %v, want %v", tc.stars, got, tc.want)
		}
	}
}

// TestMatchBoundedTime checks that adversarial patterns finish quickly.
func TestMatchBoundedTime(t *testing.T) {
	s := strings.Repeat("a", 10000)
	patterns := []string{
		strings.Repeat("*a", 30) + "b",
		"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
		strings.Repeat("*?", 50) + "b",
		strings.Repeat("a*", 500) + "b",
		strings.Repeat("*[a-z]", 40) + "0",
	}
	for _, p := range patterns {
		start := time.Now()
		if MatchString(p, s, false) {
			t.Errorf("pattern %.20q...: got match, want none", p)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("pattern %.20q...: took %v", p, d)
		}
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	p, s := []byte("user:*:[a-z]?session*"), []byte("user:1234:xysession-abc")
	allocs := testing.AllocsPerRun(100, func() { Match(p, s, true) })
	if allocs != 0 {
		t.Errorf("got %v allocations, want 0", allocs)
	}
}

func BenchmarkMatch(b *testing.B) {
	cases := []struct{ name, pattern, s string }{
		{"literal", "user:1234:session", "user:1234:session"},
		{"prefix", "user:*", "user:1234:session"},
		{"suffix", "*.png", "cdn/eu/assets/logo.png"},
		{"class", "[a-z]*:[0-9]*", "user:1234"},
		{"adversarial", "*a*a*a*a*a*a*b", strings.Repeat("a", 256)},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			p, s := []byte(bc.pattern), []byte(bc.s)
			b.ReportAllocs()
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				Match(p, s, false)
			}
		})
	}
}
