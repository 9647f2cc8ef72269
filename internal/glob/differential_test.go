package glob

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// diffKeys is the fixed key set the differential test stores in Redis. It
// has no empty key: KEYS * lists every key without asking the matcher, and
// the matcher itself never matches an empty subject.
var diffKeys = []string{
	"a", "b", "A", "ab", "aB", "abc", "abd", "aXc", "hello", "hallo", "hillo",
	"HeLLo", "user:1", "user:12", "user:1:session", "*", "?", "[", "]", "^",
	"-", "\\", "a\\", "a]", "a^", "a-", "a[", "a*", "a?", "[a]", "x\x00y",
	"\xff", "\x80", "a\xff", "\xc3\xa9t\xc3\xa9", strings.Repeat("a", 40),
	strings.Repeat("a", 40) + "b", "aaa", "aab", "aba", "baa", "a b", "a\nb",
}

// diffPatterns are hand-picked odd patterns; random ones are added below.
var diffPatterns = []string{
	"*", "?", "??", "a*", "*a", "*a*", "a?c", "a*c", "h[ae]llo", "h[^e]llo",
	"h[a-b]llo", "h[b-a]llo", "[]]", "[\\]]", "a[\\", "a[", "a[^", "a[^]",
	"a[a-]", "a[-a]", "[a-\xff]", "[\xff-a]", "a\\", "\\*", "\\?", "\\[",
	"a\\*", "[\\a]", "a[\\\\]", "x\x00y", "x?y", "*\x00*", "[^a]", "[^]",
	"*[", "*\\", "a**", "**a", "*a*a*a*a*b", "a[bc", "a[b-", "a[b-c",
	"[a-c][a-c]", "*[A-Z]*", "HELLO", "h*LLo", "user:*", "user:?",
	"user:*:*", "[u]ser:1*", "a b", "a?b", "\xc3\xa9*", "?\xa9*",
	strings.Repeat("a*", 999), strings.Repeat("a*", 1000),
	strings.Repeat("a*", 1001), strings.Repeat("a*", 1002),
	strings.Repeat("a", 40) + "*", strings.Repeat("*a", 20) + "b",
}

// randomPatterns makes deterministic patterns from bytes that exercise every
// branch of the matcher.
func randomPatterns(n int) []string {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("abAB*?[]^-\\\xff\x80 ")
	out := make([]string, n)
	for i := range out {
		b := make([]byte, 1+rng.IntN(7))
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		out[i] = string(b)
	}
	return out
}

// TestMatchAgainstRedisKeys runs KEYS with many patterns on a real Redis and
// checks that Match selects exactly the same keys.
func TestMatchAgainstRedisKeys(t *testing.T) {
	rr := startRedis(t)
	for _, k := range diffKeys {
		if got := rr.do(t, "SET", k, "1"); got != "OK" {
			t.Fatalf("SET %q: got %v", k, got)
		}
	}
	// The nesting cap needs long keys to be visible.
	for _, n := range []int{999, 1000, 1001, 1002} {
		rr.do(t, "SET", strings.Repeat("a", n), "1")
	}
	keys := append(slices.Clone(diffKeys), strings.Repeat("a", 999),
		strings.Repeat("a", 1000), strings.Repeat("a", 1001), strings.Repeat("a", 1002))

	patterns := append(slices.Clone(diffPatterns), randomPatterns(3000)...)
	// Pipeline everything, then read the replies.
	var pipeline []byte
	for _, p := range patterns {
		pipeline = appendCommand(pipeline, "KEYS", p)
	}
	go rr.conn.Write(pipeline) // a failed write shows up as a failed read

	for _, p := range patterns {
		reply, ok := rr.reply(t).([]any)
		if !ok {
			t.Fatalf("KEYS %q: unexpected reply", p)
		}
		var want []string
		for _, v := range reply {
			want = append(want, v.(string))
		}
		var got []string
		for _, k := range keys {
			if p == "*" || MatchString(p, k, false) {
				got = append(got, k)
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("KEYS %q: got %q, want %q", p, got, want)
		}
	}
}

// TestMatchAgainstRedisConfigGet compares the case-insensitive mode with
// CONFIG GET, which matches its patterns against directive names with
// nocase set. Only patterns with a glob character are used: CONFIG GET looks
// any other argument up by name instead of matching it.
func TestMatchAgainstRedisConfigGet(t *testing.T) {
	rr := startRedis(t)
	all, ok := rr.do(t, "CONFIG", "GET", "*").([]any)
	if !ok || len(all) == 0 {
		t.Fatal("CONFIG GET * returned nothing")
	}
	var names []string
	for i := 0; i < len(all); i += 2 {
		names = append(names, all[i].(string))
	}
	patterns := []string{
		"*", "P*", "*MAX*", "hash-max-*-ENTRIES", "[A-C]*", "[^a-s]*",
		"?ort", "*-[lz]*", "LAZYFREE-*", "*Z[I-I]P*", "[b-a]ind", "\\di?",
		"*fsync*", "AOF-*", "[x-z]*", "dir[", "sav[\\E]",
	}
	for _, p := range patterns {
		reply := rr.do(t, "CONFIG", "GET", p).([]any)
		var want []string
		for i := 0; i < len(reply); i += 2 {
			want = append(want, reply[i].(string))
		}
		var got []string
		for _, n := range names {
			if MatchString(p, n, true) {
				got = append(got, n)
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("CONFIG GET %q: got %q, want %q", p, got, want)
		}
	}
}
