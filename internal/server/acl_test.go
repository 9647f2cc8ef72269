package server

import (
	"strings"
	"testing"
)

// The slow log and MONITOR hide what Redis 7.0 redacts: AUTH's arguments,
// HELLO's AUTH credentials, ACL SETUSER's user name and rules.
func TestRedactedArgs(t *testing.T) {
	for _, tc := range []struct {
		line string
		want string // indexes redacted
	}{
		{"AUTH pw", "1"},
		{"auth user pw", "12"},
		{"HELLO 3 AUTH u p SETNAME x", "34"},
		{"ACL SETUSER alice on >secret", "234"},
		{"acl setuser alice", "2"},
		{"ACL GETUSER alice", ""},
		{"GET k", ""},
	} {
		var args [][]byte
		for _, a := range strings.Fields(tc.line) {
			args = append(args, []byte(a))
		}
		got := ""
		m := redactedArgs(args)
		for j := range args {
			if m[j] {
				got += string(rune('0' + j))
			}
		}
		if got != tc.want {
			t.Errorf("%q: redacted %q, want %q", tc.line, got, tc.want)
		}
	}
}
