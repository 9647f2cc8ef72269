package command

import (
	"strings"
	"testing"
)

// listStep is one command with its expected raw reply ("|" for CRLF), what it
// propagates ("" for nothing) and how many changes it counts.
type listStep struct {
	cmd, reply, prop string
	dirty            int64
}

// run executes steps in order on one tester and checks each.
func (tt *tester) runList(steps []listStep) {
	tt.t.Helper()
	for _, s := range steps {
		d := tt.ks.Dirty
		got := strings.ReplaceAll(tt.do(s.cmd), "\r\n", "|")
		if got != s.reply {
			tt.t.Errorf("%s: reply %q, want %q", s.cmd, got, s.reply)
		}
		if p := tt.lastProp(); p != s.prop {
			tt.t.Errorf("%s: propagated %q, want %q", s.cmd, p, s.prop)
		}
		if dd := tt.ks.Dirty - d; dd != s.dirty {
			tt.t.Errorf("%s: dirty +%d, want +%d", s.cmd, dd, s.dirty)
		}
	}
}

const wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value|"

func TestListPush(t *testing.T) {
	newTester(t).runList([]listStep{
		{"LPUSH l a b", ":2|", "LPUSH l a b", 2},
		{"RPUSH l c", ":3|", "RPUSH l c", 1},
		{"LRANGE l 0 -1", "*3|$1|b|$1|a|$1|c|", "", 0},
		{"LPUSHX nokey a", ":0|", "", 0},
		{"RPUSHX l d e", ":5|", "RPUSHX l d e", 2},
		{"LPUSHX l z", ":6|", "LPUSHX l z", 1},
		{"SET s v", "+OK|", "SET s v", 1},
		{"LPUSH s a", wrongType, "", 0},
		{"RPUSHX s a", wrongType, "", 0},
		{"OBJECT ENCODING l", "$9|quicklist|", "", 0},
		{"LLEN l", ":6|", "", 0},
		{"LLEN nokey", ":0|", "", 0},
		{"LLEN s", wrongType, "", 0},
	})
}

func TestListPop(t *testing.T) {
	newTester(t).runList([]listStep{
		{"RPUSH l a b c d e", ":5|", "RPUSH l a b c d e", 5},
		{"LPOP l", "$1|a|", "LPOP l", 1},
		{"RPOP l", "$1|e|", "RPOP l", 1},
		{"LPOP l 0", "*0|", "", 0},
		{"RPOP l 2", "*2|$1|d|$1|c|", "RPOP l 2", 2},
		{"LPOP l 5", "*1|$1|b|", "LPOP l 5", 1},
		{"EXISTS l", ":0|", "", 0},
		{"LPOP l", "$-1|", "", 0},
		{"LPOP l 2", "*-1|", "", 0},
		{"LPOP l -1", "-ERR value is out of range, must be positive|", "", 0},
		{"LPOP l x", "-ERR value is out of range, must be positive|", "", 0},
		{"LPOP l 1 2", "-ERR wrong number of arguments for 'lpop' command|", "", 0},
		{"SET s v", "+OK|", "SET s v", 1},
		{"RPOP s", wrongType, "", 0},
		{"RPOP s 0", wrongType, "", 0},
	})
}

func TestListPopRESP3(t *testing.T) {
	tt := newTester(t)
	tt.w.Proto = 3
	tt.expect(
		[2]string{"LPOP nokey", "_|"},
		[2]string{"LPOP nokey 1", "_|"},
		[2]string{"RPUSH l a 7", ":2|"},
		[2]string{"LPOP l 0", "*0|"},
		[2]string{"RPOP l 1", "*1|$1|7|"},
	)
}

func TestListRangeIndex(t *testing.T) {
	newTester(t).runList([]listStep{
		{"RPUSH l a b c 10 -20", ":5|", "RPUSH l a b c 10 -20", 5},
		{"LRANGE l 0 -1", "*5|$1|a|$1|b|$1|c|$2|10|$3|-20|", "", 0},
		{"LRANGE l -2 100", "*2|$2|10|$3|-20|", "", 0},
		{"LRANGE l 3 1", "*0|", "", 0},
		{"LRANGE l 5 9", "*0|", "", 0},
		{"LRANGE l -100 0", "*1|$1|a|", "", 0},
		{"LRANGE l x 1", "-ERR value is not an integer or out of range|", "", 0},
		{"LRANGE nokey 0 1", "*0|", "", 0},
		{"LINDEX l 0", "$1|a|", "", 0},
		{"LINDEX l -1", "$3|-20|", "", 0},
		{"LINDEX l 5", "$-1|", "", 0},
		{"LINDEX l -6", "$-1|", "", 0},
		{"LINDEX l x", "-ERR value is not an integer or out of range|", "", 0},
		{"LINDEX nokey x", "$-1|", "", 0},
		{"SET s v", "+OK|", "SET s v", 1},
		{"LINDEX s 0", wrongType, "", 0},
		{"LRANGE s 0 1", wrongType, "", 0},
	})
}

func TestListSetInsert(t *testing.T) {
	newTester(t).runList([]listStep{
		{"RPUSH l a b c", ":3|", "RPUSH l a b c", 3},
		{"LSET l 0 x", "+OK|", "LSET l 0 x", 1},
		{"LSET l -1 x", "+OK|", "LSET l -1 x", 1},
		{"LSET l 3 x", "-ERR index out of range|", "", 0},
		{"LSET l x x", "-ERR value is not an integer or out of range|", "", 0},
		{"LSET nokey x x", "-ERR no such key|", "", 0},
		{"LINSERT l BEFORE b y", ":4|", "LINSERT l BEFORE b y", 1},
		{"LINSERT l after x z", ":5|", "LINSERT l after x z", 1},
		{"LINSERT l AFTER nope z", ":-1|", "", 0},
		{"LINSERT l MIDDLE b z", "-ERR syntax error|", "", 0},
		{"LINSERT nokey BEFORE a b", ":0|", "", 0},
		{"LRANGE l 0 -1", "*5|$1|x|$1|z|$1|y|$1|b|$1|x|", "", 0},
		{"SET s v", "+OK|", "SET s v", 1},
		{"LSET s 0 x", wrongType, "", 0},
		{"LINSERT s BEFORE a b", wrongType, "", 0},
	})
}

func TestListRemTrim(t *testing.T) {
	newTester(t).runList([]listStep{
		{"RPUSH l a b a c a", ":5|", "RPUSH l a b a c a", 5},
		{"LREM l 1 a", ":1|", "LREM l 1 a", 1},
		{"LREM l -1 a", ":1|", "LREM l -1 a", 1},
		{"LREM l 0 zz", ":0|", "", 0},
		{"LREM l x a", "-ERR value is not an integer or out of range|", "", 0},
		{"LRANGE l 0 -1", "*3|$1|b|$1|a|$1|c|", "", 0},
		{"LTRIM l 0 -1", "+OK|", "", 0},
		{"LTRIM l 1 1", "+OK|", "LTRIM l 1 1", 2},
		{"LRANGE l 0 -1", "*1|$1|a|", "", 0},
		{"LREM l 0 a", ":1|", "LREM l 0 a", 1},
		{"EXISTS l", ":0|", "", 0},
		{"LTRIM nokey 0 1", "+OK|", "", 0},
		{"LTRIM nokey x 1", "-ERR value is not an integer or out of range|", "", 0},
		{"RPUSH l a b", ":2|", "RPUSH l a b", 2},
		{"LTRIM l 2 1", "+OK|", "LTRIM l 2 1", 2},
		{"EXISTS l", ":0|", "", 0},
		{"SET s v", "+OK|", "SET s v", 1},
		{"LREM s 0 a", wrongType, "", 0},
		{"LTRIM s 0 1", wrongType, "", 0},
	})
}

func TestListPos(t *testing.T) {
	newTester(t).runList([]listStep{
		{"RPUSH l a b c a b c 1", ":7|", "RPUSH l a b c a b c 1", 7},
		{"LPOS l b", ":1|", "", 0},
		{"LPOS l b RANK 2", ":4|", "", 0},
		{"LPOS l b RANK -1", ":4|", "", 0},
		{"LPOS l b RANK 3", "$-1|", "", 0},
		{"LPOS l a COUNT 0", "*2|:0|:3|", "", 0},
		{"LPOS l a COUNT 1 RANK -1", "*1|:3|", "", 0},
		{"LPOS l c MAXLEN 2", "$-1|", "", 0},
		{"LPOS l c COUNT 0 MAXLEN 3", "*1|:2|", "", 0},
		{"LPOS l 1", ":6|", "", 0},
		{"LPOS l 01", "$-1|", "", 0},
		{"LPOS l a RANK -9223372036854775808 COUNT 1", "*2|:3|:0|", "", 0},
		{"LPOS l a RANK 0", "-" + ErrRankZero + "|", "", 0},
		{"LPOS l a COUNT -1", "-ERR COUNT can't be negative|", "", 0},
		{"LPOS l a MAXLEN x", "-ERR MAXLEN can't be negative|", "", 0},
		{"LPOS l a RANK", "-ERR syntax error|", "", 0},
		{"LPOS nokey a", "$-1|", "", 0},
		{"LPOS nokey a COUNT 2", "*0|", "", 0},
		{"SET s v", "+OK|", "SET s v", 1},
		{"LPOS s a", wrongType, "", 0},
	})
}

func TestListMove(t *testing.T) {
	newTester(t).runList([]listStep{
		{"RPUSH src a b c", ":3|", "RPUSH src a b c", 3},
		{"LMOVE src dst LEFT RIGHT", "$1|a|", "LMOVE src dst LEFT RIGHT", 1},
		{"RPOPLPUSH src dst", "$1|c|", "RPOPLPUSH src dst", 1},
		{"LRANGE dst 0 -1", "*2|$1|c|$1|a|", "", 0},
		{"LMOVE src src LEFT RIGHT", "$1|b|", "LMOVE src src LEFT RIGHT", 1},
		{"LMOVE src dst right left", "$1|b|", "LMOVE src dst right left", 1},
		{"EXISTS src", ":0|", "", 0},
		{"LMOVE src dst LEFT LEFT", "$-1|", "", 0},
		{"LMOVE src dst UP LEFT", "-ERR syntax error|", "", 0},
		{"SET s v", "+OK|", "SET s v", 1},
		{"LMOVE dst s LEFT LEFT", wrongType, "", 0},
		{"LMOVE s dst LEFT LEFT", wrongType, "", 0},
		{"LMOVE nokey s LEFT LEFT", "$-1|", "", 0},
		{"LRANGE dst 0 -1", "*3|$1|b|$1|c|$1|a|", "", 0},
	})
}

func TestListMPop(t *testing.T) {
	newTester(t).runList([]listStep{
		{"RPUSH l a b c", ":3|", "RPUSH l a b c", 3},
		{"LMPOP 2 nokey l RIGHT COUNT 2", "*2|$1|l|*2|$1|c|$1|b|", "RPOP l 2", 2},
		{"LMPOP 1 l LEFT COUNT 10", "*2|$1|l|*1|$1|a|", "LPOP l 1", 1},
		{"LMPOP 1 l LEFT", "*-1|", "", 0},
		{"LMPOP 0 l LEFT", "-ERR numkeys should be greater than 0|", "", 0},
		{"LMPOP 2 l LEFT", "-ERR syntax error|", "", 0},
		{"LMPOP 1 l UP", "-ERR syntax error|", "", 0},
		{"LMPOP 1 l LEFT COUNT 0", "-ERR count should be greater than 0|", "", 0},
		{"LMPOP 1 l LEFT COUNT 1 COUNT 1", "-ERR syntax error|", "", 0},
		{"LMPOP 9223372036854775807 l LEFT", "-ERR syntax error|", "", 0},
		{"SET s v", "+OK|", "SET s v", 1},
		{"LMPOP 2 s l LEFT", wrongType, "", 0},
	})
}

// Ensure that the blocking commands served at once reply and propagate as
// their non-blocking forms, and refuse bad timeouts.
func TestListBlockingImmediate(t *testing.T) {
	newTester(t).runList([]listStep{
		{"RPUSH l a b c d", ":4|", "RPUSH l a b c d", 4},
		{"BLPOP nokey l 0", "*2|$1|l|$1|a|", "LPOP l", 1},
		{"BRPOP l 1.5", "*2|$1|l|$1|d|", "RPOP l", 1},
		{"BLMOVE l d LEFT Right 0", "$1|b|", "LMOVE l d LEFT Right", 1},
		{"BRPOPLPUSH l d 0", "$1|c|", "RPOPLPUSH l d", 1},
		{"BLMPOP 0 2 l d LEFT COUNT 5", "*2|$1|d|*2|$1|c|$1|b|", "LPOP d 2", 2},
		{"BLPOP l 0", "*-1|", "", 0}, // the test Env times out at once
		{"BLMOVE l d LEFT LEFT 0", "*-1|", "", 0},
		{"BLMPOP 0 1 l LEFT", "*-1|", "", 0},
		{"BLPOP l -1", "-ERR timeout is negative|", "", 0},
		{"BLPOP l x", "-ERR timeout is not a float or out of range|", "", 0},
		{"BLPOP l inf", "-ERR timeout is negative|", "", 0},
		{"BLMOVE a b UP LEFT x", "-ERR syntax error|", "", 0},
		{"BLMOVE a b LEFT LEFT x", "-ERR timeout is not a float or out of range|", "", 0},
		{"BRPOPLPUSH a b -1", "-ERR timeout is negative|", "", 0},
		{"BLMPOP x 0 l LEFT", "-ERR numkeys should be greater than 0|", "", 0},
		{"BLMPOP x 1 l LEFT", "-ERR timeout is not a float or out of range|", "", 0},
		{"SET s v", "+OK|", "SET s v", 1},
		{"RPUSH l z", ":1|", "RPUSH l z", 1},
		{"BLPOP s l 0", wrongType, "", 0},
		{"BLMOVE l s LEFT LEFT 0", wrongType, "", 0},
		{"BLMPOP 0 2 s l LEFT", wrongType, "", 0},
	})
}

// Ensure that list values are created with the configured node limits.
func TestListConfigLimits(t *testing.T) {
	tt := newTester(t)
	tt.env.limits.ListMaxListpackSize = 2
	tt.env.limits.ListCompressDepth = 1
	tt.do("RPUSH l a b c d e f g")
	l := asList(tt.ks.DBs[0].Find([]byte("l")))
	if l.NodeCount() != 4 || l.Fill() != 2 || l.CompressDepth() != 1 {
		t.Fatalf("nodes %d fill %d depth %d, want 4, 2, 1", l.NodeCount(), l.Fill(), l.CompressDepth())
	}
	if err := l.Verify(); err != nil {
		t.Fatal(err)
	}
}
