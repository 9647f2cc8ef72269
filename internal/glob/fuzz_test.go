package glob

import (
	"testing"
	"time"
)

// naiveMatch is an independent, deliberately simple model of the matcher:
// plain backtracking with no early exit and no depth cap. It is exponential,
// so the fuzz target only consults it for short inputs.
func naiveMatch(p, s []byte, nocase bool) bool {
	if len(s) == 0 {
		return len(p) == 0
	}
	if len(p) == 0 {
		return false
	}
	switch p[0] {
	case '*':
		for len(p) > 1 && p[1] == '*' {
			p = p[1:]
		}
		if len(p) == 1 {
			return true
		}
		for i := 0; i < len(s); i++ {
			if naiveMatch(p[1:], s[i:], nocase) {
				return true
			}
		}
		return false
	case '?':
		return naiveRest(p[1:], s[1:], nocase)
	case '[':
		end, ok := matchClass(p, 1, s[0], nocase)
		if !ok {
			return false
		}
		return naiveRest(p[end+1:], s[1:], nocase)
	case '\\':
		if len(p) >= 2 {
			p = p[1:]
		}
	}
	if !sameByte(p[0], s[0], nocase) {
		return false
	}
	return naiveRest(p[1:], s[1:], nocase)
}

// naiveRest continues after one consumed subject byte. When the subject is
// used up, trailing stars are dropped, exactly once, as the C loop does.
func naiveRest(p, s []byte, nocase bool) bool {
	if len(s) == 0 {
		for len(p) > 0 && p[0] == '*' {
			p = p[1:]
		}
		return len(p) == 0
	}
	return naiveMatch(p, s, nocase)
}

// FuzzMatch checks that the matcher never panics, finishes in bounded time,
// agrees between its string and byte forms, and gives the same answer as the
// naive model wherever the model is cheap to run.
func FuzzMatch(f *testing.F) {
	seeds := [][2]string{
		{"*", "abc"}, {"a*c", "abc"}, {"h[ae]llo", "hello"}, {"[^a]", "b"},
		{"[a-", "b"}, {"x[\\", "x\\"}, {"a\\", "a\\"}, {"*a*a*a*b", "aaaaaaaaaaaaaaaa"},
		{"[z-a]", "m"}, {"[a-\xff]", "\x80"}, {"??*[", "abc"}, {"", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], false)
		f.Add(s[0], s[1], true)
	}
	f.Fuzz(func(t *testing.T, pattern, s string, nocase bool) {
		start := time.Now()
		got := MatchString(pattern, s, nocase)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("MatchString(%q, %q) took %v", pattern, s, d)
		}
		if b := Match([]byte(pattern), []byte(s), nocase); b != got {
			t.Fatalf("Match and MatchString disagree on (%q, %q): %v vs %v", pattern, s, b, got)
		}
		if len(pattern) <= 12 && len(s) <= 12 {
			if want := naiveMatch([]byte(pattern), []byte(s), nocase); got != want {
				t.Fatalf("MatchString(%q, %q, %v): got %v, naive model says %v", pattern, s, nocase, got, want)
			}
		}
	})
}
