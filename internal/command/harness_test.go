package command

import (
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/resp"
	"github.com/vestadb/vesta/internal/testutil"
)

// testEnv is a command.Env for unit tests: it records propagated ops and
// cannot block (Block replies as on timeout).
type testEnv struct {
	limits Limits
	props  [][]string
}

func (e *testEnv) AlsoPropagate(db int, args [][]byte) { e.props = append(e.props, strs(args)) }
func (e *testEnv) Limits() *Limits                     { return &e.limits }
func (e *testEnv) InExec(*Ctx) bool                    { return false }
func (e *testEnv) Block(c *Ctx, keys [][]byte, deadline time.Time, nullBulk bool, serve func(*Ctx, []byte) bool) {
	if nullBulk {
		c.W.Null()
	} else {
		c.W.NullArray()
	}
}

func strs(args [][]byte) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out
}

// tester runs commands against a fresh keyspace and returns raw replies.
type tester struct {
	t     *testing.T
	table *Table
	ks    *keyspace.Keyspace
	env   *testEnv
	w     resp.Writer
	db    int
	// props lists, per command run, what it propagated ("" if nothing).
	props []string
}

func newTester(t *testing.T) *tester {
	t.Helper()
	tb := NewTable()
	RegisterData(tb)
	ks := keyspace.New(16)
	ks.Now = time.Now().UnixMilli()
	return &tester{t: t, table: tb, ks: ks, env: &testEnv{limits: Limits{
		HashMaxListpackEntries: 128, HashMaxListpackValue: 64,
		ZSetMaxListpackEntries: 128, ZSetMaxListpackValue: 64,
		SetMaxIntsetEntries: 512, ListMaxListpackSize: -2,
		ProtoMaxBulkLen: 512 << 20,
	}}}
}

// do runs one command (arguments split on spaces) and returns its raw reply.
func (tt *tester) do(line string) string {
	return tt.doArgs(strings.Fields(line)...)
}

func (tt *tester) doArgs(args ...string) string {
	tt.t.Helper()
	bargs := make([][]byte, len(args))
	for i, a := range args {
		bargs[i] = []byte(a)
	}
	tt.w.Reset()
	spec, msg := tt.table.Lookup(bargs)
	if msg != "" {
		tt.w.Error(msg)
		return string(tt.w.B)
	}
	c := &Ctx{Args: bargs, Spec: spec, W: &tt.w, KS: tt.ks, DB: tt.ks.DBs[tt.db], Env: tt.env}
	dirty := tt.ks.Dirty
	// Every command the unit tests and the command fuzzers run must end:
	// a hang fails the binary with the command and the stacks.
	stop := testutil.Watchdog(func() string { return "command " + strings.Join(args, " ") }, testutil.HangLimit)
	spec.Run(c)
	stop()
	prop := ""
	if pargs, ok, force := c.Propagated(); ok && (tt.ks.Dirty != dirty || force) {
		prop = strings.Join(strs(pargs), " ")
	}
	tt.props = append(tt.props, prop)
	return string(tt.w.B)
}

// lastProp is what the last command propagated.
func (tt *tester) lastProp() string { return tt.props[len(tt.props)-1] }

// expect runs each {command, reply} pair in order and checks the replies.
// Replies are written with "\r\n" spelled as "|" for readability: ":1|".
func (tt *tester) expect(steps ...[2]string) {
	tt.t.Helper()
	for _, s := range steps {
		got := strings.ReplaceAll(tt.do(s[0]), "\r\n", "|")
		if got != s[1] {
			tt.t.Fatalf("%s: got %q, want %q", s[0], got, s[1])
		}
	}
}

func TestStrings(t *testing.T) {
	tt := newTester(t)
	tt.expect(
		[2]string{"SET k v", "+OK|"},
		[2]string{"GET k", "$1|v|"},
		[2]string{"SET k v NX", "$-1|"},
		[2]string{"SET k w XX GET", "$1|v|"},
		[2]string{"SET k v NX XX", "-ERR syntax error|"},
		[2]string{"SET k v EX 10 PX 10", "-ERR syntax error|"},
		[2]string{"SET k v EX 0", "-ERR invalid expire time in 'set' command|"},
		[2]string{"SET k v EX x", "-ERR value is not an integer or out of range|"},
		[2]string{"INCR k", "-ERR value is not an integer or out of range|"},
		[2]string{"INCRBY n 5", ":5|"},
		[2]string{"DECRBY n -9223372036854775808", "-ERR decrement would overflow|"},
		[2]string{"INCRBY n 9223372036854775807", "-ERR increment or decrement would overflow|"},
		[2]string{"APPEND n 1", ":2|"},
		[2]string{"OBJECT ENCODING n", "$3|raw|"},
		[2]string{"GETRANGE n 0 -1", "$2|51|"},
		[2]string{"SETRANGE s 3 x", ":4|"},
		[2]string{"GET s", "$4|\x00\x00\x00x|"},
		// off+len(value) overflows int64 here: the check must not pass.
		[2]string{"SETRANGE s 9223372036854775807 A", "-ERR string exceeds maximum allowed size (proto-max-bulk-len)|"},
		[2]string{"SETRANGE s 9223372036854775806 AB", "-ERR string exceeds maximum allowed size (proto-max-bulk-len)|"},
		[2]string{"SETRANGE s 536870911 AB", "-ERR string exceeds maximum allowed size (proto-max-bulk-len)|"},
		[2]string{"SETRANGE s -1 A", "-ERR offset is out of range|"},
		[2]string{"MSET a 1 b", "-ERR wrong number of arguments for 'mset' command|"},
		[2]string{"MGET a k", "*2|$-1|$1|w|"},
	)
}

func TestIncrByFloatLongDouble(t *testing.T) {
	tt := newTester(t)
	tt.expect(
		[2]string{"SET f 10.5", "+OK|"},
		[2]string{"INCRBYFLOAT f 0.1", "$4|10.6|"},
		[2]string{"INCRBYFLOAT g 0x10", "$2|16|"},
		[2]string{"INCRBYFLOAT g inf", "-ERR increment would produce NaN or Infinity|"},
		[2]string{"INCRBYFLOAT g abc", "-ERR value is not a valid float|"},
	)
	if got := tt.lastProp(); got != "" {
		t.Fatalf("failed INCRBYFLOAT propagated %q", got)
	}
	tt.do("INCRBYFLOAT g 1.5")
	if got := tt.lastProp(); got != "SET g 17.5 KEEPTTL" {
		t.Fatalf("INCRBYFLOAT propagated %q, want SET g 17.5 KEEPTTL", got)
	}
}

func TestSetPropagation(t *testing.T) {
	tt := newTester(t)
	tt.ks.Now = 1_000_000
	tests := []struct{ cmd, prop string }{
		{"SET a b EX 10", "SET a b PXAT 1010000"},
		{"SET a b PX 10 GET", "SET a b PXAT 1000010"},
		{"SET a c GET", "SET a c"},
		{"SETEX a 5 v", "SET a v PXAT 1005000"},
		{"GETSET a z", "SET a z"},
		{"EXPIRE a 100", "PEXPIREAT a 1100000"},
		{"EXPIRE a 100 GT", ""},
		{"EXPIRE a 200 GT", "PEXPIREAT a 1200000 GT"},
		{"PEXPIREAT a 5000000", "PEXPIREAT a 5000000"},
		{"EXPIRE nokey 100", ""},
		{"DEL nokey", ""},
		{"SET x y NX", "SET x y NX"},
		{"SET x y NX", ""},
		{"GETEX a PERSIST", "PERSIST a"},
		{"GETEX a PERSIST", ""},
		{"GETEX a EXAT 1", "DEL a"},
		{"GETDEL x", "DEL x"},
	}
	for _, tc := range tests {
		tt.do(tc.cmd)
		if got := tt.lastProp(); got != tc.prop {
			t.Errorf("%s propagated %q, want %q", tc.cmd, got, tc.prop)
		}
	}
}

// Ensure that a repeat-allowed random count too large to reply is refused
// instead of exhausting memory (Redis 7.0.15 is killed by it).
func TestRandCountTooLarge(t *testing.T) {
	tt := newTester(t)
	tt.do("SADD s a")
	tt.do("HSET h f v")
	tt.do("ZADD z 1 m")
	for _, cmd := range []string{"SRANDMEMBER s -9223372036854775807", "HRANDFIELD h -9223372036854775807", "ZRANDMEMBER z -9223372036854775807"} {
		if got := tt.do(cmd); got != "-"+ErrRandTooLarge+"\r\n" {
			t.Errorf("%s: got %q", cmd, got)
		}
	}
	if got := tt.do("SRANDMEMBER s -3"); got != "*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n" {
		t.Errorf("SRANDMEMBER s -3: got %q", got)
	}
}
