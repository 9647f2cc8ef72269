package compat

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/testutil"
)

var flagExtremeOnly = flag.String("extreme.commands", "", "comma-separated commands TestExtremeArguments tries (default: every command Vesta has)")

// extremeSkip are the commands the extreme-argument test does not send:
// they change the connection's state in ways the test cannot undo between
// calls (protocol, subscriptions, MULTI, MONITOR, CLIENT REPLY), stop the
// server, start background work, or reach out to other hosts. DEBUG and
// CONFIG SET are tried through their own lists (extremeDebugCalls,
// configSetCalls).
var extremeSkip = map[string]bool{
	"hello": true, "quit": true, "reset": true, "monitor": true,
	"subscribe": true, "psubscribe": true, "ssubscribe": true,
	"unsubscribe": true, "punsubscribe": true, "sunsubscribe": true,
	"multi": true, "exec": true, "discard": true,
	"shutdown": true, "save": true, "bgsave": true, "bgrewriteaof": true,
	"debug": true, "config|set": true, "client|reply": true, "client|pause": true,
	"migrate": true, "replicaof": true, "slaveof": true, "sync": true, "psync": true,
	"failover": true, "wait": true,
}

// extremeMode is how the replies to a command are compared. Errors are
// always compared byte for byte.
type extremeMode int

const (
	exactReply extremeMode = iota
	// shapeReply: same reply type and, for aggregates, the same count
	// (random members, SCAN cursors).
	shapeReply
	// anyReply: any non-error reply (server-specific contents: INFO,
	// CLIENT LIST, COMMAND DOCS of commands only one server has).
	anyReply
	// sortedReply: the same elements in any order.
	sortedReply
)

var extremeModes = map[string]extremeMode{
	"srandmember": shapeReply, "spop": shapeReply, "hrandfield": shapeReply, "zrandmember": shapeReply,
	"randomkey": shapeReply, "scan": shapeReply, "sscan": shapeReply, "hscan": shapeReply, "zscan": shapeReply,
	"time": anyReply, "lastsave": anyReply, "info": anyReply, "client|list": anyReply, "client|info": anyReply,
	"client|id": anyReply, "config|get": anyReply, "command": anyReply, "command|docs": anyReply,
	"command|info": anyReply, "command|list": anyReply, "command|count": anyReply, "command|getkeys": anyReply,
	"command|getkeysandflags": anyReply, "object|idletime": shapeReply, "debug": anyReply,
	// Which client an id or address names depends on the connections
	// each server has seen.
	"client|kill": shapeReply,
	// XADD * replies with an ID made of each server's clock.
	"xadd": shapeReply,
	// Random passwords; ACL LOG's ages and client lines.
	"acl|genpass": shapeReply, "acl|log": shapeReply,
	// Which commands ran slower than slowlog-log-slower-than is timing.
	"slowlog|get": anyReply, "slowlog|len": anyReply,
	// Allocator figures; MEMORY USAGE of hash tables is an estimate
	// (docs/COMPATIBILITY.md).
	"memory|doctor": anyReply, "memory|malloc-stats": anyReply, "memory|stats": anyReply, "memory|usage": shapeReply,
	// Sets of mixed members are hash tables in Redis 7.0: hash order.
	"smembers": sortedReply, "sinter": sortedReply, "sunion": sortedReply, "sdiff": sortedReply,
	// Vesta's HELP lists the subcommands it has (docs/COMPATIBILITY.md).
	"client|help": anyReply, "command|help": anyReply, "object|help": anyReply, "config|help": anyReply,
	"debug|help": anyReply, "pubsub|help": anyReply, "xinfo|help": anyReply, "memory|help": anyReply,
	// Latency histograms and events are timing; histograms are listed in
	// name order where Redis uses its hash order (docs/COMPATIBILITY.md).
	"latency|histogram": anyReply, "latency|latest": anyReply, "latency|history": anyReply,
	"latency|doctor": anyReply,
}

// extremeNumericFixtures are run for the string commands in addition to
// the default fixture, so that INCRBY, DECRBY, INCRBYFLOAT and friends
// reach their overflow checks instead of "not an integer".
var extremeNumericFixtures = [][][]string{{{"SET", "k", "10"}}, {{"SET", "k", "-10"}}}

// extremeFixtures create key k with a value of the command group's type
// before each call that may have changed the dataset.
var extremeFixtures = map[string][][]string{
	"list":        {{"RPUSH", "k", "a", "b", "c", "1", "2", "3"}},
	"hash":        {{"HSET", "k", "a", "1", "b", "2", "c", "3.5"}},
	"set":         {{"SADD", "k", "a", "b", "c", "1", "2", "3"}},
	"sorted-set":  {{"ZADD", "k", "1", "a", "2", "b", "3", "c"}},
	"geo":         {{"GEOADD", "k", "13.361389", "38.115556", "a", "15.087269", "37.502669", "b"}},
	"hyperloglog": {{"PFADD", "k", "a", "b", "c"}},
	"stream":      {{"XADD", "k", "1-1", "a", "1"}, {"XADD", "k", "2-1", "b", "2"}, {"XGROUP", "CREATE", "k", "g", "0"}},
}

var defaultFixture = [][]string{{"SET", "k", "hello world"}}

// extremeKnown are the calls with a documented difference (see
// docs/COMPATIBILITY.md): they are not sent, because Redis cannot answer
// them (it tries to build a reply of 2^63 elements and is killed) or
// because the difference is documented (Lua compile errors, the debugger).
func extremeKnown(name string, args []string, varied int) bool {
	switch name {
	case "script|debug":
		// YES and SYNC: Vesta has no Lua debugger (COMPATIBILITY.md).
		return len(args) == 3 && (strings.EqualFold(args[2], "yes") || strings.EqualFold(args[2], "sync"))
	case "script|load":
		// A body that is not Lua: compile errors are worded by
		// gopher-lua's parser (COMPATIBILITY.md, "Scripting").
		return len(args) == 3
	case "eval", "eval_ro":
		// A body that is not Lua gets a compile error worded by
		// gopher-lua's parser ("Scripting" in COMPATIBILITY.md): compare
		// only the calls refused before compiling (numkeys).
		if len(args) >= 3 {
			if n, err := strconv.ParseInt(args[2], 10, 64); err == nil && n >= 0 && n <= int64(len(args)-3) && args[2] != "-0" {
				return true
			}
		}
	case "srandmember", "hrandfield", "zrandmember":
		if varied >= 0 {
			if n, err := strconv.ParseInt(args[varied], 10, 64); err == nil && n < -1_000_000 {
				return true
			}
		}
	}
	return false
}

// extremeDebugCalls are the DEBUG calls tried: DEBUG's arguments are not
// documented, and most of its subcommands must not get extreme values
// (DEBUG SLEEP 1e18 sleeps for good in both servers).
func extremeDebugCalls() []ExtremeCall {
	var out []ExtremeCall
	add := func(args ...string) { out = append(out, ExtremeCall{Args: args, Varied: len(args) - 1}) }
	small := func(v string) bool {
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return err != nil || n < 1000
	}
	for _, v := range append(append([]string(nil), ExtremeNumbers...), hugeNumber) {
		if small(v) {
			add("DEBUG", "POPULATE", v)
			add("DEBUG", "POPULATE", "3", "p", v)
		}
		add("DEBUG", "SET-ACTIVE-EXPIRE", v)
		add("DEBUG", "OBJECT", v)
		add("DEBUG", "DIGEST-VALUE", v)
	}
	for _, v := range []string{"0", "-1", "x", "1e-400", "-inf", "nan", ""} {
		add("DEBUG", "SLEEP", v)
	}
	return out
}

// configSetCalls tries every numeric parameter both servers have with
// every extreme value, each followed by a CONFIG SET back to its value.
// Parameters whose change would cut the test's own connections off are
// left out.
func configSetCalls(t *testing.T, v, r *conn) (calls []ExtremeCall, restore map[string]string) {
	t.Helper()
	// maxmemory-clients: a small limit evicts the test's own connections,
	// on each server when its measure of them says so (clientevict_test.go
	// compares eviction; internal/config the values and errors).
	skip := map[string]bool{"port": true, "maxclients": true, "timeout": true, "tls-port": true, "maxmemory-clients": true}
	// Parameters of features Vesta lacks refuse every value but their
	// default (a documented difference); internal/config's
	// TestEveryParameterMatchesRedis compares their error texts with Redis.
	for _, d := range config.Directives() {
		if d.Status == config.Unbuilt {
			skip[d.Name] = true
			if d.Alias != "" {
				skip[d.Alias] = true
			}
		}
	}
	get := func(c *conn) map[string]string {
		b, err := c.do("CONFIG", "GET", "*")
		if err != nil {
			t.Fatal(err)
		}
		val, err := testutil.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		list, _ := val.([]any)
		for i := 0; i+1 < len(list); i += 2 {
			k, _ := list[i].(string)
			x, _ := list[i+1].(string)
			m[k] = x
		}
		return m
	}
	vm, rm := get(v), get(r)
	restore = map[string]string{}
	var names []string
	for name, val := range vm {
		if _, ok := rm[name]; !ok || skip[name] {
			continue
		}
		if _, err := strconv.ParseFloat(val, 64); err != nil {
			continue
		}
		// Immutable parameters refuse even their own value.
		if b, err := v.do("CONFIG", "SET", name, val); err != nil || b[0] == '-' {
			continue
		}
		if b, err := r.do("CONFIG", "SET", name, rm[name]); err != nil || b[0] == '-' {
			continue
		}
		names = append(names, name)
		restore[name] = rm[name]
	}
	slices.Sort(names)
	for _, name := range names {
		for _, x := range append(append([]string(nil), ExtremeNumbers...), hugeNumber, "1gb", "-1mb", "5kb", "1tb") {
			calls = append(calls, ExtremeCall{Args: []string{"CONFIG", "SET", name, x}, Varied: 3})
		}
	}
	return calls, restore
}

// extremeRun holds the connections and tallies of one run.
type extremeRun struct {
	t        *testing.T
	p        *Pair
	v, r     *conn
	live     *conn // a second connection to Vesta: PING must answer within a second
	fixture  [][]string
	dirty    bool
	calls    int
	skipped  int
	timeouts int
	diffs    map[string][]string
	diffN    int
}

func (e *extremeRun) dial() {
	e.t.Helper()
	var err error
	if e.v != nil {
		e.v.Close()
		e.r.Close()
	}
	// Generous: a call may build a 512 MiB string on a busy machine. A
	// call that blocks on both servers waits this long.
	if e.v, err = dialConn(e.p.Vesta.Addr, 10*time.Second); err != nil {
		e.t.Fatal(err)
	}
	if e.r, err = dialConn(e.p.Redis.Addr, 10*time.Second); err != nil {
		e.t.Fatal(err)
	}
	e.dirty = true
}

// alive checks that Vesta still serves other clients: a PING on the second
// connection must answer within a second. A connection that a call closed
// (CLIENT KILL) is dialled again; only silence counts as a hang.
func (e *extremeRun) alive(what []string) {
	e.t.Helper()
	for attempt := 0; ; attempt++ {
		if e.live == nil {
			c, err := dialConn(e.p.Vesta.Addr, time.Second)
			if err != nil {
				e.t.Fatalf("after %s: cannot connect to Vesta: %v", showArgs(what), err)
			}
			e.live = c
		}
		b, err := e.live.do("PING")
		if err == nil && string(b) == "+PONG\r\n" {
			return
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			e.t.Fatalf("Vesta hung: no PONG within 1s after %s", showArgs(what))
		}
		e.live.Close()
		e.live = nil
		if attempt > 0 {
			e.t.Fatalf("after %s: PING on a second connection: %q, %v", showArgs(what), b, err)
		}
	}
}

func showArgs(args []string) string {
	var parts []string
	for _, a := range args {
		if len(a) > 40 {
			a = a[:20] + fmt.Sprintf("...(%d bytes)", len(a))
		}
		parts = append(parts, testutil.Quote(a))
	}
	return strings.Join(parts, " ")
}

// reset restores database 0 with the fixture on both servers.
func (e *extremeRun) reset() {
	e.t.Helper()
	// Active expiry off: whether the cycle removed a key that a call set
	// in the past before the digest is read is a matter of timing (DEBUG
	// SET-ACTIVE-EXPIRE is among the calls, so it is switched off again).
	cmds := append([][]string{{"SELECT", "0"}, {"FLUSHALL"}, {"DEBUG", "SET-ACTIVE-EXPIRE", "0"}}, e.fixture...)
	for _, c := range []*conn{e.v, e.r} {
		for _, cmd := range cmds {
			b, err := c.do(cmd...)
			if err != nil || (len(b) > 0 && b[0] == '-') {
				e.t.Fatalf("fixture %v: %q %v", cmd, b, err)
			}
		}
	}
	e.dirty = false
}

// call runs one call on both servers and compares the replies.
func (e *extremeRun) call(name string, spec *command.Spec, c ExtremeCall) {
	e.t.Helper()
	if e.dirty {
		e.reset()
	}
	e.calls++
	e.dirty = spec == nil || !spec.Has(command.ReadOnly)
	vb, verr := e.v.do(c.Args...)
	rb, rerr := e.r.do(c.Args...)
	e.alive(c.Args)
	vt, rt := isTimeout(verr), isTimeout(rerr)
	switch {
	case vt && rt:
		// Both blocked: equal, as far as this test can tell.
		e.t.Logf("both blocked: %s", showArgs(c.Args))
		e.timeouts++
		e.dial()
		return
	case verr != nil && rerr != nil && !vt && !rt:
		// Both closed the connection.
		e.dial()
		return
	case verr != nil || rerr != nil:
		e.diff(name, c, fmt.Sprintf("vesta: %q %v / redis: %q %v", vb, verr, rb, rerr))
		e.dial()
		return
	}
	if !extremeEqual(extremeModes[name], vb, rb) {
		e.diff(name, c, fmt.Sprintf("vesta: %s / redis: %s", clip(testutil.Escape(vb)), clip(testutil.Escape(rb))))
		return
	}
	if e.dirty && extremeModes[name] == exactReply && !strings.HasPrefix(name, "debug") {
		vd, err1 := e.v.do("DEBUG", "DIGEST")
		rd, err2 := e.r.do("DEBUG", "DIGEST")
		if err1 == nil && err2 == nil && !bytes.Equal(vd, rd) {
			// A call that gave a key 1 or 2 ms to live (PEXPIRE k 1)
			// may have let it expire on one server and not on the
			// other: Redis deletes the key at once when the clock's
			// millisecond turns between its two readings of the time
			// in one call, and active expiry is off on both. Every
			// extreme number is at most 2 or at least 2^31, so 20 ms
			// later a key given a short life has expired on both;
			// touching every key the call could have named (EXISTS
			// expires lazily) deletes it on both before the digests
			// are read again.
			time.Sleep(20 * time.Millisecond)
			touch := e.touchKeys(c.Args)
			for _, srv := range []*conn{e.v, e.r} {
				if _, err := srv.do(touch...); err != nil {
					e.t.Fatalf("EXISTS after %s: %v", showArgs(c.Args), err)
				}
			}
			vd, err1 = e.v.do("DEBUG", "DIGEST")
			rd, err2 = e.r.do("DEBUG", "DIGEST")
		}
		if err1 != nil || err2 != nil || !bytes.Equal(vd, rd) {
			e.diff(name, c, fmt.Sprintf("dataset digest after the call: vesta %q %v / redis %q %v", vd, err1, rd, err2))
			e.dial()
		}
	}
}

// touchKeys is an EXISTS of every name the fixture or the call (args)
// could have used as a key: the fixture's keys and the call's short
// arguments.
func (e *extremeRun) touchKeys(args []string) []string {
	out := []string{"EXISTS"}
	for _, f := range e.fixture {
		if len(f) > 1 {
			out = append(out, f[1])
		}
	}
	for _, a := range args {
		if len(a) <= 64 {
			out = append(out, a)
		}
	}
	return out
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

func (e *extremeRun) diff(name string, c ExtremeCall, what string) {
	e.diffN++
	if len(e.diffs[name]) < 6 {
		e.diffs[name] = append(e.diffs[name], showArgs(c.Args)+"\n      "+what)
	}
}

// extremeEqual compares two replies under a mode; errors must always be
// identical.
func extremeEqual(m extremeMode, a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	if len(a) == 0 || len(b) == 0 || a[0] == '-' || b[0] == '-' || a[0] != b[0] {
		return false
	}
	switch m {
	case anyReply:
		return true
	case sortedReply:
		return Equal(C("X").With(Sorted), a, b)
	case shapeReply:
		return bytes.Equal(headerLine(a), headerLine(b)) || (a[0] != '*' && a[0] != '%' && a[0] != '~')
	}
	return false
}

// TestExtremeArguments sends every command Vesta has, with every
// documented argument position set in turn to each extreme value, to Vesta
// and to redis-server, and compares the replies (and the dataset digest
// after writes). After every call a second connection must get PONG within
// a second: a hang fails the test with the call. The peak RSS of Vesta is
// checked at the end. Differences are collected and reported together.
func TestExtremeArguments(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	p := StartPair(t)
	e := &extremeRun{t: t, p: p, diffs: map[string][]string{}}
	// CLIENT KILL ID 1 and CLIENT TRACKING ... REDIRECT 2 name client ids
	// that must mean the same on both servers: no client, and never a
	// test connection. Which low ids the start-up probes used differs
	// between the servers, so use up ids 1 and 2 on both and wait until
	// neither is connected.
	for _, s := range []*testutil.Server{p.Vesta, p.Redis} {
		retireLowClientIDs(t, s.Addr, 2)
	}
	e.dial()
	defer func() {
		e.v.Close()
		e.r.Close()
		if e.live != nil {
			e.live.Close()
		}
	}()

	// RESTORE needs a valid payload for its options to be reached.
	e.fixture = defaultFixture
	e.reset()
	payload, err := e.r.do("DUMP", "k")
	if err != nil {
		t.Fatal(err)
	}
	pv, _ := testutil.Parse(payload)
	dump, _ := pv.(string)
	// Blocking commands whose key an extreme value replaced wait for
	// their timeout on both servers: keep it short.
	values := map[string]string{"serialized-value": dump, "timeout": "0.01"}

	list, err := e.v.do("COMMAND", "LIST")
	if err != nil {
		t.Fatal(err)
	}
	lv, _ := testutil.Parse(list)
	var names []string
	for _, x := range lv.([]any) {
		names = append(names, strings.ToLower(x.(string)))
	}
	slices.Sort(names)
	only := map[string]bool{}
	for _, n := range strings.Split(*flagExtremeOnly, ",") {
		if n != "" {
			only[strings.ToLower(n)] = true
		}
	}
	commands, positions := 0, 0
	for _, name := range names {
		if extremeSkip[name] || (len(only) > 0 && !only[name]) {
			continue
		}
		spec := command.RedisSpec(name)
		if spec == nil {
			continue
		}
		commands++
		fixtures := [][][]string{defaultFixture}
		if f, ok := extremeFixtures[spec.Group]; ok {
			fixtures = [][][]string{f}
		}
		if spec.Group == "string" {
			fixtures = append(fixtures, extremeNumericFixtures...)
		}
		began, rss0 := time.Now(), peakRSS(t, p.Vesta.PID)
		for _, f := range fixtures {
			e.fixture = f
			e.dirty = true
			for _, c := range ExtremeCalls(spec, values, 40) {
				if c.Varied < 0 {
					positions++
				}
				if extremeKnown(name, c.Args, c.Varied) {
					e.skipped++
					continue
				}
				e.call(name, spec, c)
			}
		}
		if d, rss := time.Since(began), peakRSS(t, p.Vesta.PID); d > 2*time.Second || rss > rss0+64<<20 {
			t.Logf("%s: %v, peak RSS %d -> %d MiB", name, d.Round(time.Millisecond), rss0>>20, rss>>20)
		}
	}
	if len(only) == 0 || only["debug"] {
		e.fixture = defaultFixture
		e.dirty = true
		for _, c := range extremeDebugCalls() {
			e.call("debug", command.RedisSpec("debug"), c)
		}
	}
	if len(only) == 0 || only["config|set"] {
		calls, restore := configSetCalls(t, e.v, e.r)
		for _, c := range calls {
			e.call("config|set", command.RedisSpec("config|set"), c)
			for _, s := range []*conn{e.v, e.r} {
				if b, err := s.do("CONFIG", "SET", c.Args[2], restore[c.Args[2]]); err != nil || b[0] == '-' {
					t.Fatalf("restoring %s: %q %v", c.Args[2], b, err)
				}
			}
		}
	}
	claims := e.lengthClaims(names)

	hwm, redisHWM := peakRSS(t, p.Vesta.PID), peakRSS(t, p.Redis.PID)
	t.Logf("%d commands, %d argument-tree variants (over their fixtures), %d calls (%d values per numeric position, %d skipped as documented differences, %d blocked on both), %d length claims; peak RSS: Vesta %d MiB, Redis %d MiB",
		commands, positions, e.calls, len(ExtremeNumbers)+1, e.skipped, e.timeouts, claims, hwm>>20, redisHWM>>20)
	// Both hold the largest strings the calls may build (SETBIT at bit
	// 2^32-1 makes 512 MiB); Vesta's garbage collector lets the heap reach
	// twice its live size before it collects.
	if bound := 2*redisHWM + 256<<20; hwm > bound {
		t.Errorf("Vesta's peak RSS is %d MiB (bound: twice Redis's %d MiB + 256 MiB)", hwm>>20, redisHWM>>20)
	}
	if e.diffN > 0 {
		var b strings.Builder
		keys := make([]string, 0, len(e.diffs))
		for k := range e.diffs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "\n%s:\n", k)
			for _, d := range e.diffs[k] {
				fmt.Fprintf(&b, "  %s\n", d)
			}
		}
		t.Errorf("%d differences in %d commands:%s", e.diffN, len(e.diffs), b.String())
	}
}

// lengthClaims announces, for every command, a bulk argument of 512 MiB
// (proto-max-bulk-len) and sends only a little of it: Vesta must keep
// serving others and must not allocate what was only announced.
func (e *extremeRun) lengthClaims(names []string) int {
	n := 0
	for _, name := range names {
		cmd, _, _ := strings.Cut(name, "|")
		c, err := dialConn(e.p.Vesta.Addr, time.Second)
		if err != nil {
			e.t.Fatal(err)
		}
		req := fmt.Sprintf("*3\r\n$%d\r\n%s\r\n$1\r\nk\r\n$%d\r\nabc", len(cmd), cmd, 512<<20)
		if err := c.write([]byte(req)); err != nil {
			e.t.Fatal(err)
		}
		e.alive([]string{"(announced 512 MiB argument to)", cmd})
		c.Close()
		n++
	}
	return n
}

// peakRSS returns the process's peak resident set size (VmHWM).
func peakRSS(t *testing.T, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Logf("peak RSS: %v", err)
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// retireLowClientIDs dials until the server hands out a client id above
// max, closes every connection it made, and waits until CLIENT LIST shows
// no client with an id of max or below.
func retireLowClientIDs(t *testing.T, addr string, max int64) {
	t.Helper()
	for tries := 0; ; tries++ {
		c, err := dialConn(addr, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		reply, err := c.do("CLIENT", "ID")
		if err != nil {
			c.Close()
			t.Fatal(err)
		}
		v, _ := testutil.Parse(reply)
		if n, ok := v.(int64); !ok || n <= max {
			c.Close()
			if tries > 100 {
				t.Fatalf("CLIENT ID on %s: %q", addr, reply)
			}
			continue
		}
		defer c.Close()
		deadline := time.Now().Add(5 * time.Second)
		for {
			reply, err := c.do("CLIENT", "LIST")
			if err != nil {
				t.Fatal(err)
			}
			v, _ := testutil.Parse(reply)
			list, _ := v.(string)
			low := false
			for _, line := range strings.Split(list, "\n") {
				var n int64
				if _, err := fmt.Sscanf(line, "id=%d", &n); err == nil && n <= max {
					low = true
				}
			}
			if !low {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("clients with ids up to %d still connected to %s: %s", max, addr, list)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
