package command

import (
	"slices"
	"strings"
	"testing"
)

type step = [2]string

func TestHashCommands(t *testing.T) {
	tt := newTester(t)
	tt.expect(
		step{"HSET h a 1 b 2", ":2|"},
		step{"HSET h a 3 c x", ":1|"},
		step{"HSET h a", "-ERR wrong number of arguments for 'hset' command|"},
		step{"HSET h a 1 b", "-ERR wrong number of arguments for 'hset' command|"},
		step{"HMSET h d 4", "+OK|"},
		step{"HMSET h d", "-ERR wrong number of arguments for 'hmset' command|"},
		step{"HGET h a", "$1|3|"},
		step{"HGET h zz", "$-1|"},
		step{"HGET nokey a", "$-1|"},
		step{"HMGET h a zz c", "*3|$1|3|$-1|$1|x|"},
		step{"HMGET nokey a", "*1|$-1|"},
		step{"HLEN h", ":4|"},
		step{"HLEN nokey", ":0|"},
		step{"HSTRLEN h c", ":1|"},
		step{"HSTRLEN h zz", ":0|"},
		step{"HEXISTS h b", ":1|"},
		step{"HEXISTS h zz", ":0|"},
		step{"HKEYS h", "*4|$1|a|$1|b|$1|c|$1|d|"},
		step{"HVALS h", "*4|$1|3|$1|2|$1|x|$1|4|"},
		step{"HGETALL h", "*8|$1|a|$1|3|$1|b|$1|2|$1|c|$1|x|$1|d|$1|4|"},
		step{"HGETALL nokey", "*0|"},
		step{"HSETNX h a 9", ":0|"},
		step{"HSETNX h e 5", ":1|"},
		step{"HDEL h a zz", ":1|"},
		step{"HDEL nokey a", ":0|"},
		step{"HDEL h b c d e", ":4|"},
		step{"EXISTS h", ":0|"},
		step{"SET s v", "+OK|"},
		step{"HGET s a", "-WRONGTYPE Operation against a key holding the wrong kind of value|"},
		step{"HSET s a 1", "-WRONGTYPE Operation against a key holding the wrong kind of value|"},
		step{"HSCAN s 0", "-WRONGTYPE Operation against a key holding the wrong kind of value|"},
	)
}

func TestHashIncr(t *testing.T) {
	tt := newTester(t)
	tt.expect(
		step{"HINCRBY h n 5", ":5|"},
		step{"HINCRBY h n -7", ":-2|"},
		step{"HINCRBY h n x", "-ERR value is not an integer or out of range|"},
		step{"HSET h s abc m 9223372036854775807", ":2|"},
		step{"HINCRBY h s 1", "-ERR hash value is not an integer|"},
		step{"HINCRBY h m 1", "-ERR increment or decrement would overflow|"},
		step{"HINCRBYFLOAT h f 10.5", "$4|10.5|"},
		step{"HINCRBYFLOAT h f 0.1", "$4|10.6|"},
		step{"HINCRBYFLOAT h n 1", "$2|-1|"},
		step{"HINCRBYFLOAT h s 1", "-ERR hash value is not a float|"},
		step{"HINCRBYFLOAT h f inf", "-ERR value is NaN or Infinity|"},
		step{"HINCRBYFLOAT h f nan", "-ERR value is not a valid float|"},
		step{"HINCRBYFLOAT h f x", "-ERR value is not a valid float|"},
	)
	tt.do("HINCRBYFLOAT h f 1")
	if got := tt.lastProp(); got != "HSET h f 11.6" {
		t.Fatalf("HINCRBYFLOAT propagated %q", got)
	}
	tt.do("HINCRBY h n 1")
	if got := tt.lastProp(); got != "HINCRBY h n 1" {
		t.Fatalf("HINCRBY propagated %q", got)
	}
}

func TestHashEncodings(t *testing.T) {
	tt := newTester(t)
	tt.env.limits.HashMaxListpackEntries = 2
	tt.env.limits.HashMaxListpackValue = 3
	tt.expect(
		step{"HSET a f 1 g 2", ":2|"},
		step{"OBJECT ENCODING a", "$8|listpack|"},
		step{"HSET a h 3", ":1|"},
		step{"OBJECT ENCODING a", "$9|hashtable|"},
		step{"HDEL a f g h", ":3|"},
		step{"HSET b f 1", ":1|"},
		step{"HSETNX b f 1234", ":0|"},
		step{"OBJECT ENCODING b", "$8|listpack|"},
		step{"HINCRBY b f 1000", ":1001|"},
		step{"OBJECT ENCODING b", "$9|hashtable|"},
		step{"HINCRBYFLOAT c f 1.25", "$4|1.25|"},
		step{"OBJECT ENCODING c", "$9|hashtable|"},
		step{"HSET d long 1", ":1|"},
		step{"OBJECT ENCODING d", "$9|hashtable|"},
	)
}

func TestHashRESP3(t *testing.T) {
	tt := newTester(t)
	tt.w.Proto = 3
	tt.expect(
		step{"HSET h a 1 b 2", ":2|"},
		step{"HGETALL h", "%2|$1|a|$1|1|$1|b|$1|2|"},
		step{"HGETALL nokey", "%0|"},
		step{"HGET h zz", "_|"},
		step{"HRANDFIELD h 2 WITHVALUES", "*2|*2|$1|a|$1|1|*2|$1|b|$1|2|"},
		step{"HRANDFIELD nokey", "_|"},
		step{"HRANDFIELD nokey 1", "*0|"},
		step{"HSCAN h 0", "*2|$1|0|*4|$1|a|$1|1|$1|b|$1|2|"},
	)
}

func TestHRandField(t *testing.T) {
	tt := newTester(t)
	tt.expect(
		step{"HSET h a 1 b 2 c 3", ":3|"},
		step{"HRANDFIELD h 0", "*0|"},
		step{"HRANDFIELD h 3", "*3|$1|a|$1|b|$1|c|"},
		step{"HRANDFIELD h 5 WITHVALUES", "*6|$1|a|$1|1|$1|b|$1|2|$1|c|$1|3|"},
		step{"HRANDFIELD h x", "-ERR value is not an integer or out of range|"},
		step{"HRANDFIELD h 1 x", "-ERR syntax error|"},
		step{"HRANDFIELD h -9223372036854775808", "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807|"},
		step{"HRANDFIELD h -4611686018427387904 WITHVALUES", "-ERR value is out of range|"},
	)
	for _, cmd := range []string{"HRANDFIELD h -10", "HRANDFIELD h 2", "HRANDFIELD h -4 WITHVALUES"} {
		got := tt.do(cmd)
		n := strings.Count(got, "$1\r\n")
		want := map[string]int{"HRANDFIELD h -10": 10, "HRANDFIELD h 2": 2, "HRANDFIELD h -4 WITHVALUES": 8}[cmd]
		if n != want {
			t.Fatalf("%s: %q has %d elements, want %d", cmd, got, n, want)
		}
		if tt.lastProp() != "" {
			t.Fatalf("%s propagated", cmd)
		}
	}
	// Distinct picks from a listpack come in listpack order.
	for i := 0; i < 50; i++ {
		got := tt.do("HRANDFIELD h 2")
		if got != "*2\r\n$1\r\na\r\n$1\r\nb\r\n" && got != "*2\r\n$1\r\na\r\n$1\r\nc\r\n" && got != "*2\r\n$1\r\nb\r\n$1\r\nc\r\n" {
			t.Fatalf("HRANDFIELD h 2 = %q", got)
		}
	}
}

func TestHScanHashtable(t *testing.T) {
	tt := newTester(t)
	tt.env.limits.HashMaxListpackEntries = 4
	args := []string{"HSET", "h"}
	want := map[string]bool{}
	for i := 0; i < 300; i++ {
		f := "f" + itoa(i)
		args = append(args, f, "v")
		want[f] = true
	}
	tt.doArgs(args...)
	seen := map[string]bool{}
	cursor := "0"
	for calls := 0; ; calls++ {
		r := tt.do("HSCAN h " + cursor + " COUNT 20")
		parts := strings.Split(r, "\r\n")
		cursor = parts[2]
		// *2, $n, cursor, *m, then $n, field, $n, value per pair.
		for i := 4; i+3 < len(parts); i += 4 {
			seen[parts[i+1]] = true
			if parts[i+3] != "v" {
				t.Fatalf("value %q", parts[i+3])
			}
		}
		if cursor == "0" {
			break
		}
		if calls > 1000 {
			t.Fatal("scan does not end")
		}
	}
	if len(seen) != len(want) {
		t.Fatalf("scan saw %d fields, want %d", len(seen), len(want))
	}
}

func itoa(i int) string { return string(itob(int64(i))) }

func TestSetCommands(t *testing.T) {
	tt := newTester(t)
	tt.expect(
		step{"SADD s 3 1 2", ":3|"},
		step{"SADD s 2 4", ":1|"},
		step{"SMEMBERS s", "*4|$1|1|$1|2|$1|3|$1|4|"},
		step{"SISMEMBER s 1", ":1|"},
		step{"SISMEMBER s a", ":0|"},
		step{"SMISMEMBER s 1 a 4", "*3|:1|:0|:1|"},
		step{"SMISMEMBER nokey 1", "*1|:0|"},
		step{"SCARD s", ":4|"},
		step{"SCARD nokey", ":0|"},
		step{"OBJECT ENCODING s", "$6|intset|"},
		step{"SREM s 1 9", ":1|"},
		step{"SREM nokey 1", ":0|"},
		step{"SADD s x", ":1|"},
		step{"OBJECT ENCODING s", "$9|hashtable|"},
		step{"SREM s 2 3 4 x", ":4|"},
		step{"EXISTS s", ":0|"},
		step{"SET str v", "+OK|"},
		step{"SADD str a", "-WRONGTYPE Operation against a key holding the wrong kind of value|"},
		step{"SINTER str", "-WRONGTYPE Operation against a key holding the wrong kind of value|"},
		step{"SSCAN nokey 0", "*2|$1|0|*0|"},
		step{"SSCAN nokey x", "-ERR invalid cursor|"},
	)
}

func TestSetAlgebra(t *testing.T) {
	tt := newTester(t)
	tt.expect(
		step{"SADD a 1 2 3 4", ":4|"},
		step{"SADD b 3 4 5", ":3|"},
		step{"SINTER a b", "*2|$1|3|$1|4|"},
		step{"SINTER a nokey", "*0|"},
		step{"SUNION a b", "*5|$1|1|$1|2|$1|3|$1|4|$1|5|"},
		step{"SDIFF a b", "*2|$1|1|$1|2|"},
		step{"SDIFF a a", "*0|"},
		step{"SINTERCARD 2 a b", ":2|"},
		step{"SINTERCARD 2 a b LIMIT 1", ":1|"},
		step{"SINTERCARD 0 a", "-ERR numkeys should be greater than 0|"},
		step{"SINTERCARD 3 a b", "-ERR Number of keys can't be greater than number of args|"},
		step{"SINTERCARD 1 a LIMIT -1", "-ERR LIMIT can't be negative|"},
		step{"SINTERCARD 1 a BAD", "-ERR syntax error|"},
		step{"SINTERSTORE d a b", ":2|"},
		step{"SUNIONSTORE d a b", ":5|"},
		step{"SDIFFSTORE d a b", ":2|"},
		step{"SMEMBERS d", "*2|$1|1|$1|2|"},
		step{"SINTERSTORE d a nokey", ":0|"},
		step{"EXISTS d", ":0|"},
	)
	tt.do("SUNIONSTORE d nokey")
	if p := tt.lastProp(); p != "" {
		t.Fatalf("an empty SUNIONSTORE of nothing propagated %q", p)
	}
	tt.do("SUNIONSTORE d a")
	if p := tt.lastProp(); p != "SUNIONSTORE d a" {
		t.Fatalf("SUNIONSTORE propagated %q", p)
	}
}

func TestSetRESP3(t *testing.T) {
	tt := newTester(t)
	tt.w.Proto = 3
	tt.expect(
		step{"SADD s 1 2", ":2|"},
		step{"SMEMBERS s", "~2|$1|1|$1|2|"},
		step{"SINTER s nokey", "~0|"},
		step{"SUNION s", "~2|$1|1|$1|2|"},
		step{"SRANDMEMBER s 5", "*2|$1|1|$1|2|"},
		step{"SRANDMEMBER nokey 5", "*0|"},
		step{"SPOP nokey", "_|"},
		step{"SPOP nokey 2", "~0|"},
		step{"SPOP s 5", "~2|$1|1|$1|2|"},
	)
}

func TestSPopPropagation(t *testing.T) {
	tt := newTester(t)
	tt.do("SADD s 1 2 3 4 5 6 7 8 9 10")
	got := tt.do("SPOP s")
	member := strings.Split(got, "\r\n")[1]
	if p := tt.lastProp(); p != "SREM s "+member {
		t.Fatalf("SPOP propagated %q, want SREM s %s", p, member)
	}
	dirty := tt.ks.Dirty
	tt.env.props = nil
	got = tt.do("SPOP s 3")
	if p := tt.lastProp(); p != "" {
		t.Fatalf("SPOP with a count propagated itself: %q", p)
	}
	var popped []string
	for i, part := range strings.Split(got, "\r\n") {
		if i >= 2 && i%2 == 0 && part != "" {
			popped = append(popped, part)
		}
	}
	var srems []string
	for _, p := range tt.env.props {
		if len(p) != 3 || p[0] != "SREM" || p[1] != "s" {
			t.Fatalf("SPOP with a count propagated %q", p)
		}
		srems = append(srems, p[2])
	}
	if !slices.Equal(popped, srems) || len(popped) != 3 {
		t.Fatalf("popped %v, propagated SREMs of %v", popped, srems)
	}
	if d := tt.ks.Dirty - dirty; d != 3 {
		t.Fatalf("SPOP 3 counted %d changes", d)
	}
	// Most of the set: survivors move to a new set.
	tt.env.props = nil
	tt.do("SPOP s 5")
	if len(tt.env.props) != 5 {
		t.Fatalf("SPOP 5 of 6 propagated %d SREMs", len(tt.env.props))
	}
	tt.expect(step{"SCARD s", ":1|"}, step{"OBJECT ENCODING s", "$6|intset|"})
	tt.do("SPOP s 10")
	if p := tt.lastProp(); p != "DEL s" {
		t.Fatalf("SPOP of the whole set propagated %q", p)
	}
	tt.expect(
		step{"EXISTS s", ":0|"},
		step{"SPOP s -1", "-ERR value is out of range, must be positive|"},
		step{"SPOP s x", "-ERR value is out of range, must be positive|"},
		step{"SPOP s 1 2", "-ERR syntax error|"},
		step{"SPOP s 0", "*0|"},
	)
}

func TestSRandMember(t *testing.T) {
	tt := newTester(t)
	tt.do("SADD s a b c d e f")
	for _, tc := range []struct {
		cmd  string
		n    int
		uniq bool
	}{{"SRANDMEMBER s 3", 3, true}, {"SRANDMEMBER s 5", 5, true}, {"SRANDMEMBER s 10", 6, true}, {"SRANDMEMBER s -10", 10, false}} {
		got := tt.do(tc.cmd)
		parts := strings.Split(got, "\r\n")
		if parts[0] != "*"+itoa(tc.n) {
			t.Fatalf("%s: %q", tc.cmd, got)
		}
		seen := map[string]bool{}
		for i := 2; i < len(parts); i += 2 {
			if tc.uniq && seen[parts[i]] {
				t.Fatalf("%s repeated %s", tc.cmd, parts[i])
			}
			seen[parts[i]] = true
		}
	}
	tt.expect(
		step{"SRANDMEMBER s 0", "*0|"},
		step{"SRANDMEMBER s 1 2", "-ERR syntax error|"},
		step{"SRANDMEMBER nokey", "$-1|"},
		step{"SRANDMEMBER nokey -2", "*0|"},
	)
}

func TestSMove(t *testing.T) {
	tt := newTester(t)
	tt.expect(
		step{"SADD a 1 x", ":2|"},
		step{"SMOVE a b 1", ":1|"},
		step{"OBJECT ENCODING b", "$6|intset|"},
		step{"SMOVE a b 1", ":0|"},
		step{"SMOVE a a x", ":1|"},
		step{"SMOVE a c x", ":1|"},
		step{"EXISTS a", ":0|"},
		step{"SET str v", "+OK|"},
		step{"SMOVE c str x", "-WRONGTYPE Operation against a key holding the wrong kind of value|"},
		step{"SMOVE nokey str x", ":0|"},
	)
	dirty := tt.ks.Dirty
	tt.do("SMOVE c b x")
	if d := tt.ks.Dirty - dirty; d != 2 || tt.lastProp() != "SMOVE c b x" {
		t.Fatalf("SMOVE: %d changes, propagated %q", d, tt.lastProp())
	}
}

func TestHashSetDirty(t *testing.T) {
	tt := newTester(t)
	for _, tc := range []struct {
		cmd   string
		dirty int64
	}{
		{"HSET h a 1 b 2", 2},
		{"HSET h a 1", 1},
		{"HDEL h a b zz", 2},
		{"SADD s 1 2 3", 3},
		{"SADD s 1", 0},
		{"SREM s 1 2", 2},
		{"HSETNX h a 1", 1},
		{"HSETNX h a 1", 0},
	} {
		before := tt.ks.Dirty
		tt.do(tc.cmd)
		if d := tt.ks.Dirty - before; d != tc.dirty {
			t.Errorf("%s: %d changes, want %d", tc.cmd, d, tc.dirty)
		}
	}
}

func TestSScan(t *testing.T) {
	tt := newTester(t)
	tt.expect(
		step{"SADD s 3 1 20", ":3|"},
		step{"SSCAN s 0", "*2|$1|0|*3|$1|1|$1|3|$2|20|"},
		step{"SSCAN s 0 MATCH 2* COUNT 1", "*2|$1|0|*1|$2|20|"},
		step{"SSCAN s 0 COUNT 0", "-ERR syntax error|"},
		step{"SSCAN s 0 TYPE set", "-ERR syntax error|"},
		step{"SSCAN s abc", "-ERR invalid cursor|"},
	)
	tt.env.limits.SetMaxIntsetEntries = 4
	args := []string{"SADD", "big"}
	for i := 0; i < 200; i++ {
		args = append(args, "m"+itoa(i))
	}
	tt.doArgs(args...)
	seen := map[string]bool{}
	cursor := "0"
	for calls := 0; ; calls++ {
		parts := strings.Split(tt.do("SSCAN big "+cursor), "\r\n")
		cursor = parts[2]
		for i := 5; i < len(parts); i += 2 {
			seen[parts[i]] = true
		}
		if cursor == "0" {
			break
		}
		if calls > 1000 {
			t.Fatal("scan does not end")
		}
	}
	if len(seen) != 200 {
		t.Fatalf("scan saw %d members, want 200", len(seen))
	}
}

func TestHashSetPropagation(t *testing.T) {
	tt := newTester(t)
	for _, tc := range []struct{ cmd, prop string }{
		{"HSET h a 1", "HSET h a 1"},
		{"HSET h a 1", "HSET h a 1"}, // unchanged values still count
		{"HMSET h b 2", "HMSET h b 2"},
		{"HSETNX h a 2", ""},
		{"HDEL h zz", ""},
		{"HDEL h a", "HDEL h a"},
		{"HINCRBY h n 2", "HINCRBY h n 2"},
		{"HINCRBYFLOAT h n 0.5", "HSET h n 2.5"},
		{"HINCRBYFLOAT h n x", ""},
		{"SADD s a", "SADD s a"},
		{"SADD s a", ""},
		{"SREM s zz", ""},
		{"SMOVE s t zz", ""},
		{"SMOVE s t a", "SMOVE s t a"},
		{"SINTERSTORE d t", "SINTERSTORE d t"},
		{"SINTERSTORE e nokey", ""},
		{"SDIFFSTORE d nokey", "SDIFFSTORE d nokey"},
		{"HGET h a", ""},
		{"SRANDMEMBER t", ""},
		{"HRANDFIELD h -5", ""},
	} {
		tt.do(tc.cmd)
		if got := tt.lastProp(); got != tc.prop {
			t.Errorf("%s propagated %q, want %q", tc.cmd, got, tc.prop)
		}
	}
}
