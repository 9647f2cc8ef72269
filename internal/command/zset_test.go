package command

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/resp"
	"github.com/vestadb/vesta/internal/testutil"
	"github.com/vestadb/vesta/internal/types/zset"
)

// blockEnv is a test Env that records a blocking call instead of replying
// as on timeout, so that its serve function can be run later.
type blockEnv struct {
	testEnv
	inExec   bool
	keys     [][]byte
	deadline time.Time
	serve    func(*Ctx, []byte) bool
}

func (e *blockEnv) InExec(*Ctx) bool { return e.inExec }
func (e *blockEnv) Block(c *Ctx, keys [][]byte, deadline time.Time, nullBulk bool, serve func(*Ctx, []byte) bool) {
	e.keys, e.deadline, e.serve = keys, deadline, serve
}

// serveBlocked runs the recorded serve function for key on a fresh context
// speaking proto, as the server would for the blocked client, and returns
// whether it served, the reply and what it propagated.
func (tt *tester) serveBlocked(env *blockEnv, key string, proto int) (bool, string, string) {
	w := &resp.Writer{Proto: proto}
	c := &Ctx{W: w, KS: tt.ks, DB: tt.ks.DBs[0], Env: env}
	dirty := tt.ks.Dirty
	ok := env.serve(c, []byte(key))
	prop := ""
	if args, p, _ := c.Propagated(); p && tt.ks.Dirty != dirty {
		prop = strings.Join(strs(args), " ")
	}
	return ok, strings.ReplaceAll(string(w.B), "\r\n", "|"), prop
}

func TestBlockingPopsServeLater(t *testing.T) {
	tests := []struct {
		cmd   string
		proto int
		reply string
		prop  string
	}{
		{"BZPOPMIN k1 k2 0", 2, "*3|$2|k2|$1|a|$1|1|", "ZPOPMIN k2"},
		{"BZPOPMAX k2 0", 3, "*3|$2|k2|$1|c|,3|", "ZPOPMAX k2"},
		{"BZMPOP 0 1 k2 MIN COUNT 2", 2, "*2|$2|k2|*2|*2|$1|a|$1|1|*2|$1|b|$1|2|", "ZPOPMIN k2 2"},
		{"BZMPOP 0 1 k2 MAX COUNT 10", 3, "*2|$2|k2|*3|*2|$1|c|,3|*2|$1|b|,2|*2|$1|a|,1|", "ZPOPMAX k2 3"},
		{"BZMPOP 0 2 k1 k2 MAX", 2, "*2|$2|k2|*1|*2|$1|c|$1|3|", "ZPOPMAX k2 1"},
	}
	for _, tc := range tests {
		t.Run(tc.cmd, func(t *testing.T) {
			tt := newTester(t)
			env := &blockEnv{testEnv: *tt.env}
			tt.env = &env.testEnv
			tt.ks.Now = 1_000_000
			// Route Block to the recording env.
			run := func(line string) string {
				args := strings.Fields(line)
				bargs := make([][]byte, len(args))
				for i, a := range args {
					bargs[i] = []byte(a)
				}
				tt.w.Reset()
				spec, msg := tt.table.Lookup(bargs)
				if msg != "" {
					t.Fatal(msg)
				}
				spec.Run(&Ctx{Args: bargs, Spec: spec, W: &tt.w, KS: tt.ks, DB: tt.ks.DBs[0], Env: env})
				return string(tt.w.B)
			}
			if got := run(tc.cmd); got != "" || env.serve == nil {
				t.Fatalf("did not block: %q", got)
			}
			if !env.deadline.IsZero() {
				t.Fatalf("timeout 0 gave deadline %v", env.deadline)
			}
			// Nothing to serve yet, or the wrong type: keep waiting.
			if ok, _, _ := tt.serveBlocked(env, "k2", tc.proto); ok {
				t.Fatal("served a missing key")
			}
			tt.expect([2]string{"SET k2 x", "+OK|"})
			if ok, _, _ := tt.serveBlocked(env, "k2", tc.proto); ok {
				t.Fatal("served a string key")
			}
			tt.expect([2]string{"DEL k2", ":1|"}, [2]string{"ZADD k2 1 a 2 b 3 c", ":3|"})
			dirty := tt.ks.Dirty
			ok, reply, prop := tt.serveBlocked(env, "k2", tc.proto)
			if !ok || reply != tc.reply || prop != tc.prop {
				t.Fatalf("served %v %q, propagated %q; want %q, %q", ok, reply, prop, tc.reply, tc.prop)
			}
			if tt.ks.Dirty == dirty {
				t.Fatal("serving did not count as a change")
			}
		})
	}
}

func TestBlockingPopsInExec(t *testing.T) {
	tt := newTester(t)
	env := &blockEnv{testEnv: *tt.env, inExec: true}
	for _, line := range []string{"BZPOPMIN k 0", "BZMPOP 0 1 k MIN"} {
		args := strings.Fields(line)
		bargs := make([][]byte, len(args))
		for i, a := range args {
			bargs[i] = []byte(a)
		}
		tt.w.Reset()
		spec, _ := tt.table.Lookup(bargs)
		spec.Run(&Ctx{Args: bargs, Spec: spec, W: &tt.w, KS: tt.ks, DB: tt.ks.DBs[0], Env: env})
		if got := string(tt.w.B); got != "*-1\r\n" || env.serve != nil {
			t.Errorf("%s in EXEC: %q, blocked=%v", line, got, env.serve != nil)
		}
	}
}

// TestBlockDeadline checks the timeout rules of Redis 7.0.15: seconds as a
// long double, milliseconds rounded up, out-of-range values negative.
func TestBlockDeadline(t *testing.T) {
	const now = 1_700_000_000_000
	tests := []struct {
		arg  string
		want int64 // ms after now; 0: no deadline; -1: error
		err  string
	}{
		{"0", 0, ""},
		{"1", 1000, ""},
		{"1.5", 1500, ""},
		{"0.0001", 1, ""},
		{"0x10p-20", 1, ""},
		{"1e-400", 1, ""},
		{"-0.0001", 0, ""}, // rounds up to 0: wait forever
		{"-0", 0, ""},
		{"9223372036854775.807", 0, ""}, // the deadline overflows: never
		{"-1", -1, ErrNegTimeout},
		{"inf", -1, ErrNegTimeout},
		{"-inf", -1, ErrNegTimeout},
		{"1e30", -1, ErrNegTimeout},
		{"x", -1, ErrTimeout},
		{"nan", -1, ErrTimeout},
		{" 1", -1, ErrTimeout},
		{"", -1, ErrTimeout},
	}
	for _, tc := range tests {
		w := &resp.Writer{}
		ks := newTester(t).ks
		ks.Now = now
		c := &Ctx{Args: [][]byte{[]byte(tc.arg)}, W: w, KS: ks}
		d, ok := c.blockDeadline(0)
		switch {
		case tc.want < 0:
			if ok || string(w.B) != "-"+tc.err+"\r\n" {
				t.Errorf("%q: got ok=%v %q, want %q", tc.arg, ok, w.B, tc.err)
			}
		case !ok:
			t.Errorf("%q: refused with %q", tc.arg, w.B)
		case tc.want == 0 && !d.IsZero():
			t.Errorf("%q: deadline %v, want none", tc.arg, d)
		case tc.want > 0 && d.UnixMilli() != now+tc.want:
			t.Errorf("%q: deadline +%dms, want +%dms", tc.arg, d.UnixMilli()-now, tc.want)
		}
	}
}

// TestZSetDirtyAndSignals checks that changes are counted per member and
// that commands which change nothing neither count nor signal.
func TestZSetDirtyAndSignals(t *testing.T) {
	tt := newTester(t)
	var signalled []string
	tt.ks.Hooks.Modified = func(_ *keyspace.DB, key []byte) { signalled = append(signalled, string(key)) }
	tests := []struct {
		cmd    string
		dirty  int64
		signal bool
	}{
		{"ZADD z 1 a 2 b 3 c", 3, true},
		{"ZADD z 1 a 2 b", 0, false},
		{"ZADD z CH 5 a 6 b 7 x", 3, true},
		{"ZADD z XX 1 nope", 0, false},
		{"ZINCRBY z 0 a", 0, false},
		{"ZREM z nope", 0, false},
		{"ZREM z a b", 2, true},
		{"ZREMRANGEBYSCORE z 100 200", 0, false},
		{"ZPOPMIN z 2", 2, true},
		{"ZPOPMIN z", 0, false},
		{"ZRANGESTORE d nokey 0 -1", 0, false},
		{"ZADD s 1 a", 1, true},
		{"ZUNIONSTORE d 1 s", 1, true},
		{"ZDIFFSTORE d 2 s s", 1, true}, // deletes d
		{"ZDIFFSTORE d 2 s s", 0, false},
	}
	for _, tc := range tests {
		signalled = nil
		before := tt.ks.Dirty
		tt.do(tc.cmd)
		if d := tt.ks.Dirty - before; d != tc.dirty || (len(signalled) > 0) != tc.signal {
			t.Errorf("%s: dirty +%d signalled %v; want +%d %v", tc.cmd, d, signalled, tc.dirty, tc.signal)
		}
	}
}

// FuzzZSetCommands runs arbitrary arguments through every sorted-set
// command on small and big sets: no input may panic, and every reply must
// be one well-formed RESP value.
func FuzzZSetCommands(f *testing.F) {
	for _, s := range []string{
		"ZADD\x00k\x001\x00a", "ZRANGE\x00k\x00(1\x00+inf\x00BYSCORE\x00REV\x00LIMIT\x000\x00-1",
		"ZRANGEBYLEX\x00k\x00[a\x00(\x00LIMIT\x00-5\x005", "ZUNIONSTORE\x00d\x002\x00k\x00big\x00WEIGHTS\x00inf\x000",
		"ZMPOP\x009223372036854775807\x00k\x00MIN", "BZMPOP\x000\x002\x00k\x00big\x00MAX\x00COUNT\x0099",
		"ZRANDMEMBER\x00big\x00-5\x00WITHSCORES", "ZSCAN\x00big\x000\x00MATCH\x00*1*\x00COUNT\x003",
		"ZREMRANGEBYRANK\x00big\x00-9223372036854775808\x009223372036854775807",
		"ZINTERCARD\x002\x00k\x00big\x00LIMIT\x001", "ZRANGESTORE\x00big\x00k\x000\x00-1\x00REV",
	} {
		f.Add(s, uint8(2))
	}
	names := []string{}
	tb := NewTable()
	RegisterData(tb)
	for _, s := range tb.All() {
		if strings.HasPrefix(s.Name, "z") || strings.HasPrefix(s.Name, "bz") {
			names = append(names, s.Name)
		}
	}
	f.Fuzz(func(t *testing.T, line string, proto uint8) {
		args := strings.Split(line, "\x00")
		if len(args) > 64 {
			return
		}
		tt := newTester(t)
		tt.w.Proto = 2 + int(proto%2)
		tt.doArgs("ZADD", "k", "1", "a", "2", "b", "-0", "c", "inf", "d")
		big := []string{"ZADD", "big"}
		for i := range 200 {
			big = append(big, strings.Repeat("7", i%3), "m"+strings.Repeat("x", i))
		}
		tt.doArgs(big...)
		// Steer the first argument to a sorted-set command.
		if len(args[0]) > 0 && !strings.HasPrefix(strings.ToLower(args[0]), "z") && !strings.HasPrefix(strings.ToLower(args[0]), "bz") {
			args[0] = names[int(args[0][0])%len(names)]
		}
		if strings.EqualFold(args[0], "zrandmember") && len(args) > 2 {
			// Like Redis, a count of -1e18 really tries to reply 1e18
			// members; that is a slow input, not a bug.
			if n, ok := ParseInt([]byte(args[2])); ok && (n > 1e5 || n < -1e5) {
				return
			}
		}
		for i := 0; i < 2; i++ {
			reply := tt.doArgs(args...)
			if _, err := testutil.Parse([]byte(reply)); err != nil {
				t.Fatalf("%q: malformed reply %q: %v", args, reply, err)
			}
		}
		for _, key := range []string{"k", "big", "d"} {
			if e := tt.ks.DBs[0].Find([]byte(key)); e != nil {
				if z, ok := e.Obj().(*zset.ZSet); ok && z.Len() == 0 {
					t.Fatalf("%q left %s empty", args, key)
				}
			}
		}
	})
}

// TestZRandMemberDistinct checks what the differential tests can only
// compare by shape: a positive count gives distinct members of the set
// with their own scores, a negative count exactly that many picks.
func TestZRandMemberDistinct(t *testing.T) {
	for _, n := range []int{20, 300} { // listpack, skiplist
		tt := newTester(t)
		args := []string{"ZADD", "z"}
		for i := range n {
			args = append(args, strconv.Itoa(i), "m"+strconv.Itoa(i))
		}
		tt.doArgs(args...)
		for _, count := range []int{1, 5, n / 3, n/3 + 1, n - 1, -7, -3 * n} {
			v, err := testutil.Parse([]byte(tt.doArgs("ZRANDMEMBER", "z", strconv.Itoa(count), "WITHSCORES")))
			if err != nil {
				t.Fatal(err)
			}
			items := v.([]any)
			want := count
			if count < 0 {
				want = -count
			}
			if len(items) != 2*want {
				t.Fatalf("n=%d count=%d: %d items", n, count, len(items))
			}
			seen := map[string]bool{}
			for i := 0; i < len(items); i += 2 {
				m, s := items[i].(string), items[i+1].(string)
				if "m"+s != m {
					t.Fatalf("n=%d count=%d: %s has score %s", n, count, m, s)
				}
				if count > 0 && seen[m] {
					t.Fatalf("n=%d count=%d: %s twice", n, count, m)
				}
				seen[m] = true
			}
		}
	}
}
