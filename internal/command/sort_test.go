package command

import (
	"fmt"
	"strings"
	"testing"
)

// Ensure that SORT parses its options as Redis does, sorts numerically
// with ties broken by the elements' bytes, and reports bad numbers.
func TestSortBasics(t *testing.T) {
	tt := newTester(t)
	tt.run(
		xstep{"RPUSH l 3 1 2 1.0 -0 0", ":6|", "-", 6},
		xstep{"SORT l", "*6|$2|-0|$1|0|$1|1|$3|1.0|$1|2|$1|3|", "", 0},
		xstep{"SORT l DESC", "*6|$1|3|$1|2|$3|1.0|$1|1|$1|0|$2|-0|", "", 0},
		xstep{"SORT l LIMIT 1 2", "*2|$1|0|$1|1|", "", 0},
		xstep{"SORT l LIMIT -5 -3", "*6|$2|-0|$1|0|$1|1|$3|1.0|$1|2|$1|3|", "", 0},
		xstep{"SORT l LIMIT 100 1", "*0|", "", 0},
		xstep{"SORT l LIMIT 0 0", "*0|", "", 0},
		xstep{"SORT l LIMIT 0 1 x", "-ERR syntax error|", "", 0},
		xstep{"SORT l LIMIT x 1", "-ERR value is not an integer or out of range|", "", 0},
		xstep{"SORT_RO l STORE d", "-ERR syntax error|", "", 0},
		xstep{"SORT l BY", "-ERR syntax error|", "", 0},
		xstep{"SORT nokey", "*0|", "", 0},
		xstep{"SET s x", "+OK|", "-", 1},
		xstep{"SORT s", "-WRONGTYPE Operation against a key holding the wrong kind of value|", "", 0},
		xstep{"SORT s foo", "-ERR syntax error|", "", 0},
		xstep{"RPUSH l a", ":7|", "-", 1},
		xstep{"SORT l", "-ERR One or more scores can't be converted into double|", "", 0},
		xstep{"SORT l ALPHA LIMIT 0 3", "*3|$2|-0|$1|0|$1|1|", "", 0},
		xstep{"SORT l BY nosort DESC LIMIT 1 2", "*2|$1|0|$2|-0|", "", 0},
	)
}

// Ensure that BY and GET patterns substitute the first '*', read hash
// fields with "->", treat "#" as the element, and that missing values
// sort as 0 (or first with ALPHA) and reply null (or store "").
func TestSortPatterns(t *testing.T) {
	tt := newTester(t)
	tt.run(
		xstep{"RPUSH l 1 2 3", ":3|", "-", 3},
		xstep{"MSET w_1 30 w_2 10 o_1 one o_2 two", "+OK|", "-", 4},
		xstep{"HSET h_1 f 5", ":1|", "-", 1},
		xstep{"HSET h_3 f 1", ":1|", "-", 1},
		xstep{"SORT l BY w_*", "*3|$1|3|$1|2|$1|1|", "", 0},
		xstep{"SORT l BY w_* GET # GET o_* GET h_*->f", "*9|$1|3|$-1|$1|1|$1|2|$3|two|$-1|$1|1|$3|one|$1|5|", "", 0},
		xstep{"SORT l BY h_*->f", "*3|$1|2|$1|3|$1|1|", "", 0},
		xstep{"SORT l BY o_* ALPHA", "*3|$1|3|$1|1|$1|2|", "", 0},
		xstep{"SORT l BY nosort GET o_*", "*3|$3|one|$3|two|$-1|", "", 0},
		xstep{"SORT l GET nopattern", "*3|$-1|$-1|$-1|", "", 0},
		xstep{`SORT l GET "o_*\x00junk"`, "*3|$-1|$-1|$-1|", "", 0}, // the NUL stays in the key
		// An empty BY value is present: it sorts after the missing ones,
		// which keep their order.
		xstep{"HSET h_2 g \"\"", ":1|", "-", 1},
		xstep{"SORT l BY h_*->g ALPHA", "*3|$1|1|$1|3|$1|2|", "", 0},
		xstep{"SORT l BY h_*->g ALPHA DESC", "*3|$1|2|$1|1|$1|3|", "", 0},
	)
}

// Ensure that STORE writes a list (GET values, "" for missing ones),
// counts one change per element, replaces the destination and its TTL,
// deletes it for an empty result, and propagates SORT as sent.
func TestSortStore(t *testing.T) {
	tt := newTester(t)
	tt.run(
		xstep{"RPUSH l 2 1", ":2|", "-", 2},
		xstep{"SET d x EX 100", "+OK|", "-", 1},
		xstep{"SORT l STORE d", ":2|", "SORT l STORE d", 2},
		xstep{"TTL d", ":-1|", "", 0},
		xstep{"LRANGE d 0 -1", "*2|$1|1|$1|2|", "", 0},
		xstep{"SORT l GET # GET x_* STORE d", ":4|", "SORT l GET # GET x_* STORE d", 4},
		xstep{"LRANGE d 0 -1", "*4|$1|1|$0||$1|2|$0||", "", 0},
		xstep{"SORT l LIMIT 0 0 STORE d", ":0|", "SORT l LIMIT 0 0 STORE d", 1},
		xstep{"EXISTS d", ":0|", "", 0},
		xstep{"SORT l LIMIT 0 0 STORE d", ":0|", "", 0},
		xstep{"SORT l STORE a STORE d", ":2|", "-", 2},
		xstep{"EXISTS a", ":0|", "", 0},
		xstep{"SADD s b a c", ":3|", "-", 3},
		xstep{"SORT s BY nosort STORE d", ":3|", "-", 3},
		xstep{"LRANGE d 0 -1", "*3|$1|a|$1|b|$1|c|", "", 0},
	)
}

// Ensure that SORT converts a listpack sorted set to a skiplist, as Redis
// does even for SORT_RO, and reads sorted sets in rank order without
// sorting.
func TestSortZSet(t *testing.T) {
	tt := newTester(t)
	tt.run(
		xstep{"ZADD z 3 c 1 a 2 b", ":3|", "-", 3},
		xstep{"OBJECT ENCODING z", "$8|listpack|", "", 0},
		xstep{"SORT_RO z BY nosort DESC LIMIT 1 5", "*2|$1|b|$1|a|", "", 0},
		xstep{"OBJECT ENCODING z", "$8|skiplist|", "", 0},
		xstep{"SORT z ALPHA DESC", "*3|$1|c|$1|b|$1|a|", "", 0},
	)
}

// Ensure that COMMAND GETKEYS-style key extraction finds SORT's keys as
// Redis's sortGetKeys does. The STORE key is described by key spec 2
// (spec 1 is the BY/GET patterns): the ACL check takes its write need
// from there.
func TestSortGetKeys(t *testing.T) {
	tests := []struct {
		args string
		want string
	}{
		{"SORT l", "1/0"},
		{"SORT l BY w_* GET h_*->f STORE dst", "1/0 7/2"},
		{"SORT l STORE a STORE b", "1/0 5/2"},
		{"SORT l LIMIT store x STORE d", "1/0 6/2"},
		{"SORT l GET store STORE", "1/0"},
		{"SORT l STORE store x", "1/0 4/2"},
	}
	for _, tc := range tests {
		var args [][]byte
		for _, a := range strings.Fields(tc.args) {
			args = append(args, []byte(a))
		}
		var got []string
		for _, k := range sortGetKeys(args) {
			got = append(got, fmt.Sprintf("%d/%d", k.Pos, k.Spec))
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%s: keys %s, want %s", tc.args, g, tc.want)
		}
	}
}
