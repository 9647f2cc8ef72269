package resp

import (
	"strings"
	"testing"
)

// TestErrorCodes checks the codes OnError reports, named as Redis 7.0's
// errorstats names them.
func TestErrorCodes(t *testing.T) {
	cases := []struct{ msg, code string }{
		{"ERR syntax error", "ERR"},
		{"WRONGTYPE Operation against a key holding the wrong kind of value", "WRONGTYPE"},
		{"EXECABORT Transaction discarded because of previous errors.", "EXECABORT"},
		{"NOSPACEATALL", "ERR"},
		{"", "ERR"},
		{strings.Repeat("A", 30) + " x", strings.Repeat("A", 30)},
		{strings.Repeat("A", 31) + " x", "ERR"},
	}
	for _, tc := range cases {
		var got []string
		w := Writer{OnError: func(code string) { got = append(got, code) }}
		w.Error(tc.msg)
		if len(got) != 1 || got[0] != tc.code {
			t.Errorf("%q: got %q, want %q", tc.msg, got, tc.code)
		}
	}
}
