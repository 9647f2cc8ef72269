package command

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/resp"
)

// listBlockEnv is a test Env that records Block calls instead of replying, so
// that the serve functions can be called as the server would call them.
type listBlockEnv struct {
	testEnv
	inExec bool
	calls  []listBlockCall
}

type listBlockCall struct {
	keys     []string
	deadline time.Time
	nullBulk bool
	serve    func(c *Ctx, key []byte) bool
}

func (e *listBlockEnv) InExec(*Ctx) bool { return e.inExec }

func (e *listBlockEnv) Block(c *Ctx, keys [][]byte, deadline time.Time, nullBulk bool, serve func(*Ctx, []byte) bool) {
	e.calls = append(e.calls, listBlockCall{keys: strs(keys), deadline: deadline, nullBulk: nullBulk, serve: serve})
}

// blockTester runs commands with a listBlockEnv.
type blockTester struct {
	*tester
	env *listBlockEnv
}

func newBlockTester(t *testing.T) *blockTester {
	tt := newTester(t)
	env := &listBlockEnv{testEnv: *tt.env}
	return &blockTester{tester: tt, env: env}
}

// exec runs one command with the blocking Env and returns its raw reply
// ("|" for CRLF).
func (bt *blockTester) exec(line string) string {
	bt.t.Helper()
	args := strings.Fields(line)
	bargs := make([][]byte, len(args))
	for i, a := range args {
		bargs[i] = []byte(a)
	}
	var w resp.Writer
	spec, msg := bt.table.Lookup(bargs)
	if msg != "" {
		bt.t.Fatalf("%s: %s", line, msg)
	}
	c := &Ctx{Args: bargs, Spec: spec, W: &w, KS: bt.ks, DB: bt.ks.DBs[0], Env: bt.env}
	spec.Run(c)
	return strings.ReplaceAll(string(w.B), "\r\n", "|")
}

// serve calls the serve function of blocked call i for key the way the
// server does, in a fresh context of the blocked client, and returns whether
// it served, its reply, what it propagated and the dirty count it added.
func (bt *blockTester) serve(i int, key string) (served bool, reply, prop string, dirty int64) {
	bt.t.Helper()
	var w resp.Writer
	c := &Ctx{W: &w, KS: bt.ks, DB: bt.ks.DBs[0], Env: bt.env}
	d := bt.ks.Dirty
	served = bt.env.calls[i].serve(c, []byte(key))
	if args, ok, _ := c.Propagated(); ok && bt.ks.Dirty != d {
		prop = strings.Join(strs(args), " ")
	}
	return served, strings.ReplaceAll(string(w.B), "\r\n", "|"), prop, bt.ks.Dirty - d
}

// Ensure that each blocking command blocks on the right keys with the right
// deadline, and that its serve function replies, propagates and counts
// changes as Redis does when a key becomes ready, and keeps waiting while
// the key is missing, empty or of another type.
func TestListBlockingServe(t *testing.T) {
	bt := newBlockTester(t)
	bt.ks.Now = 1_000_000

	if got := bt.exec("BLPOP k1 k2 1.5"); got != "" {
		t.Fatalf("BLPOP replied %q before blocking", got)
	}
	call := bt.env.calls[0]
	if strings.Join(call.keys, ",") != "k1,k2" || call.nullBulk || !call.deadline.Equal(time.UnixMilli(1_001_500)) {
		t.Fatalf("BLPOP blocked on %v until %v (nullBulk %v)", call.keys, call.deadline, call.nullBulk)
	}
	if served, reply, _, _ := bt.serve(0, "k2"); served || reply != "" {
		t.Fatalf("served a missing key: %v %q", served, reply)
	}
	bt.do("SET k2 x")
	if served, _, _, _ := bt.serve(0, "k2"); served {
		t.Fatal("served a key of another type")
	}
	bt.do("DEL k2")
	bt.do("RPUSH k2 a b")
	served, reply, prop, dirty := bt.serve(0, "k2")
	if !served || reply != "*2|$2|k2|$1|a|" || prop != "LPOP k2" || dirty != 1 {
		t.Fatalf("BLPOP served: %v %q prop %q dirty %d", served, reply, prop, dirty)
	}

	tests := []struct {
		block, setup, key string
		reply, prop       string
		dirty             int64
		after             string // a command and its reply after serving
	}{
		{"BRPOP k3 0", "RPUSH k3 x y", "k3", "*2|$2|k3|$1|y|", "RPOP k3", 1, "LRANGE k3 0 -1=*1|$1|x|"},
		{"BLPOP k4 0", "RPUSH k4 x", "k4", "*2|$2|k4|$1|x|", "LPOP k4", 1, "EXISTS k4=:0|"},
		{"BLMPOP 0 2 k5 k6 RIGHT COUNT 3", "RPUSH k6 a b", "k6", "*2|$2|k6|*2|$1|b|$1|a|", "RPOP k6 2", 2, "EXISTS k6=:0|"},
		{"BLMPOP 0 1 k7 LEFT", "RPUSH k7 a b", "k7", "*2|$2|k7|*1|$1|a|", "LPOP k7 1", 1, "LLEN k7=:1|"},
		{"BRPOPLPUSH k8 d8 0", "RPUSH k8 a b", "k8", "$1|b|", "RPOPLPUSH k8 d8", 1, "LRANGE d8 0 -1=*1|$1|b|"},
		{"BLMOVE k9 d9 RIGHT left 0", "RPUSH k9 a b", "k9", "$1|b|", "LMOVE k9 d9 right left", 1, "LRANGE d9 0 -1=*1|$1|b|"},
		{"BLMOVE k10 k10 LEFT RIGHT 0", "RPUSH k10 a b", "k10", "$1|a|", "LMOVE k10 k10 left right", 1, "LRANGE k10 0 -1=*2|$1|b|$1|a|"},
		// A destination of the wrong type ends the wait with an error.
		{"BLMOVE k11 s11 LEFT LEFT 0", "SET s11 v", "k11", "", "", 0, ""},
	}
	for _, tc := range tests {
		n := len(bt.env.calls)
		if got := bt.exec(tc.block); got != "" {
			t.Fatalf("%s replied %q before blocking", tc.block, got)
		}
		if len(bt.env.calls) != n+1 {
			t.Fatalf("%s did not block", tc.block)
		}
		if !bt.env.calls[n].deadline.IsZero() || bt.env.calls[n].nullBulk {
			t.Fatalf("%s: deadline %v nullBulk %v, want none and false", tc.block, bt.env.calls[n].deadline, bt.env.calls[n].nullBulk)
		}
		bt.do(tc.setup)
		if tc.reply == "" {
			bt.do("RPUSH k11 a")
			served, reply, prop, dirty := bt.serve(n, tc.key)
			if !served || reply != strings.TrimPrefix(wrongType, "") || prop != "" || dirty != 0 {
				t.Fatalf("%s: %v %q %q %d, want WRONGTYPE", tc.block, served, reply, prop, dirty)
			}
			if got := bt.do("LLEN k11"); got != ":1\r\n" {
				t.Fatalf("%s: source changed: LLEN %q", tc.block, got)
			}
			continue
		}
		served, reply, prop, dirty := bt.serve(n, tc.key)
		if !served || reply != tc.reply || prop != tc.prop || dirty != tc.dirty {
			t.Fatalf("%s: served %v reply %q prop %q dirty %d; want %q %q %d",
				tc.block, served, reply, prop, dirty, tc.reply, tc.prop, tc.dirty)
		}
		cmd, want, _ := strings.Cut(tc.after, "=")
		if got := strings.ReplaceAll(bt.do(cmd), "\r\n", "|"); got != want {
			t.Fatalf("%s: then %s = %q, want %q", tc.block, cmd, got, want)
		}
	}
}

// Ensure that inside MULTI the blocking commands reply as on timeout (a null
// bulk for BLMOVE and BRPOPLPUSH, as Redis) without blocking, but still serve
// a non-empty list at once.
func TestListBlockingInExec(t *testing.T) {
	bt := newBlockTester(t)
	bt.env.inExec = true
	for cmd, want := range map[string]string{
		"BLPOP nokey 0":               "*-1|",
		"BRPOP nokey 0":               "*-1|",
		"BLMPOP 0 1 nokey LEFT":       "*-1|",
		"BLMOVE nokey d LEFT LEFT 0":  "$-1|",
		"BRPOPLPUSH nokey d 0":        "$-1|",
		"BLPOP nokey -1":              "-ERR timeout is negative|",
		"BLMOVE nokey d LEFT LEFT -1": "-ERR timeout is negative|",
	} {
		if got := bt.exec(cmd); got != want {
			t.Errorf("%s in MULTI: %q, want %q", cmd, got, want)
		}
	}
	bt.do("RPUSH l a")
	if got := bt.exec("BLPOP l 0"); got != "*2|$1|l|$1|a|" {
		t.Errorf("BLPOP of a non-empty list in MULTI: %q", got)
	}
	if len(bt.env.calls) != 0 {
		t.Fatalf("blocked %d times inside MULTI", len(bt.env.calls))
	}
}

// Ensure that timeouts are read like Redis 7.0 reads them: a C long double
// of seconds, times 1000, rounded up, with values beyond int64 becoming
// negative. The expectations were checked against redis-server 7.0.15
// (which of them block forever, time out at once, or fail).
func TestListTimeoutMillis(t *testing.T) {
	tests := []struct {
		in string
		ms int64
		ok bool
	}{
		{"0", 0, true},
		{"-0", 0, true},
		{"-0.0001", 0, true},
		{"-0.001", 0, true},
		{"-0.0011", -1, true},
		{"0.0001", 1, true},
		{"1e-10", 1, true},
		{"1e-4950", 1, true},
		{"1.5", 1500, true},
		{".5", 500, true},
		{"1.", 1000, true},
		{"+1", 1000, true},
		{"00001", 1000, true},
		{"0x10", 16000, true},
		{"0x1p-3", 125, true},
		{"1e15", 1e18, true},
		{"9223372036854775", 9223372036854775000, true},
		{"inf", math.MinInt64, true},
		{"-inf", math.MinInt64, true},
		{"infinity", math.MinInt64, true},
		{"1e16", math.MinInt64, true},
		{"1e400", math.MinInt64, true},
		{"9223372036854775.808", math.MinInt64, true},
		{"nan", 0, false},
		{"-nan", 0, false},
		{"x", 0, false},
		{"", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"0b1", 0, false},
		{"0o7", 0, false},
		{"1e5000", 0, false},
		{"1e-5000", 0, false},
	}
	for _, tc := range tests {
		v, ok := ParseLongDouble([]byte(tc.in))
		var ms int64
		if ok {
			ms = ceilMillis(v)
		}
		if ok != tc.ok || (ok && ms != tc.ms) {
			t.Errorf("%q: %d, %v; want %d, %v", tc.in, ms, ok, tc.ms, tc.ok)
		}
	}
}

// Ensure that a timeout too large for the deadline means waiting forever.
func TestListBlockDeadline(t *testing.T) {
	bt := newBlockTester(t)
	bt.ks.Now = 1_000_000
	bt.exec("BLPOP l 9223372036854775")
	bt.exec("BLPOP l 0.25")
	bt.exec("BLPOP l 0")
	want := []time.Time{{}, time.UnixMilli(1_000_250), {}}
	for i, w := range want {
		if got := bt.env.calls[i].deadline; !got.Equal(w) {
			t.Errorf("call %d: deadline %v, want %v", i, got, w)
		}
	}
}
