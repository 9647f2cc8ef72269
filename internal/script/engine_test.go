package script

import (
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/resp"
)

// fakeHost answers a few commands the way the server would.
type fakeHost struct {
	calls [][]string
	logs  []string
	repl  int
	ticks int
	abort string
}

func (h *fakeHost) Call(args [][]byte, proto int) []byte {
	var a []string
	for _, x := range args {
		a = append(a, string(x))
	}
	h.calls = append(h.calls, a)
	w := resp.Writer{Proto: proto}
	switch strings.ToLower(a[0]) {
	case "ping":
		w.Simple("PONG")
	case "echo":
		w.BulkString(a[1])
	case "incr":
		w.Int(1)
	case "nosuch":
		w.Error("ERR Unknown Redis command called from script")
	case "get":
		w.Null()
	case "hgetall":
		w.Map(1)
		w.BulkString("f")
		w.BulkString("v")
	case "smembers":
		w.Set(1)
		w.BulkString("m")
	case "dbl":
		w.Double(3.5)
	case "args":
		w.Array(len(a))
		for _, x := range a {
			w.BulkString(x)
		}
	default:
		w.Error("ERR unknown")
	}
	return w.B
}
func (h *fakeHost) SetRepl(f int)           { h.repl = f }
func (h *fakeHost) Log(level int, m string) { h.logs = append(h.logs, strconv.Itoa(level)+":"+m) }
func (h *fakeHost) Tick() string            { h.ticks++; return h.abort }

func run(t *testing.T, e *Engine, body string, proto int, keys ...string) string {
	t.Helper()
	sha, msg := e.Load(body)
	w := resp.Writer{Proto: proto}
	if msg != "" {
		w.Error(msg)
		return string(w.B)
	}
	var k [][]byte
	for _, x := range keys {
		k = append(k, []byte(x))
	}
	e.Run(sha, k, nil, &fakeHost{}, &w)
	return string(w.B)
}

// The expected replies are redis-server 7.0.15's.
func TestScriptReplies(t *testing.T) {
	e := New()
	defer e.Close()
	for _, tc := range []struct{ body, want string }{
		{"x=1", "-ERR user_script:1: Attempt to modify a readonly table script: 7caf6056913504f0508c65faf2dc3f94ff65bcfd, on @user_script:1.\r\n"},
		{"return x", "-ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: 03c387736bb5cc009ff35151572cee04677aa374, on @user_script:1.\r\n"},
		{"_G.x=1", "-ERR user_script:1: Attempt to modify a readonly table script: 9f1cf4e38bfbdecb441f9ea07fb01f5b69497362, on @user_script:1.\r\n"},
		{"rawset(_G,'x',1)", "-ERR Attempt to modify a readonly table script: 90860ee597073785c7a12c667667abc4495e2c78, on @user_script:1.\r\n"},
		{"return loadfile", "-ERR user_script:1: Script attempted to access nonexistent global variable 'loadfile' script: a08fbe72c95f67027cc9b6349f5d335b598397b7, on @user_script:1.\r\n"},
		{"return redis.call('nosuch')", "-ERR Unknown Redis command called from script script: 206396248e12c6e742fd7296250433c8d7343b74, on @user_script:1.\r\n"},
		{"return redis.pcall('nosuch')", "-ERR Unknown Redis command called from script\r\n"},
		{"return redis.call()", "-ERR Please specify at least one argument for this redis lib call script: 0a907e1429221a4d85516cab7fd219a82a9439d8, on @user_script:1.\r\n"},
		{"error('boom')", "-ERR user_script:1: boom script: 82903a0434f1503e152f89c03c9acd881a0e8150, on @user_script:1.\r\n"},
		{"error({err='X boom'})", "-X boom script: f0acf9d1ce814691e2b2cc3296a806e16e047e31, on @user_script:1.\r\n"},
		{"return {1,2,3.7,nil,5}", "*3\r\n:1\r\n:2\r\n:3\r\n"},
		{"return {err='bad'}", "-bad\r\n"},
		{"return redis.call('incr',KEYS[1])", "-ERR Lua redis lib command arguments must be strings or integers script: 6f5ade10a69975e903c6d07b10ea44c6382381a5, on @user_script:1.\r\n"},
		{"return tostring(math.huge)", "$3\r\ninf\r\n"},
		{"return tostring(1e20)..' '..tostring(1/3)..' '..tostring(2^53)", "$41\r\n1e+20 0.33333333333333 9.007199254741e+15\r\n"},
		{"return cjson.encode({1,2,{a=1}})", "$13\r\n[1,2,{\"a\":1}]\r\n"},
		{"return cjson.decode('[1,2')", "-ERR user_script:1: Expected comma or array end but found T_END at character 5 script: c107001b5ba2ff860ee2557f64da37c4767ef4bd, on @user_script:1.\r\n"},
		{"return 1 +", "-ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'\r\n"},
		{"return nil + 1", "-ERR user_script:1: attempt to perform arithmetic on a nil value script: d13bc48d895ba57f297c4db70c1d256548a54e2d, on @user_script:1.\r\n"},
		{"string.x = 1", "-ERR user_script:1: Attempt to modify a readonly table script: c3eb0a2a15b3d4790b323c4104029c1ae425a769, on @user_script:1.\r\n"},
		{"return redis.sha1hex('')", "$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n"},
		{"return {pcall(redis.call, 'nosuch')}", "*2\r\n$-1\r\n$44\r\nERR Unknown Redis command called from script\r\n"},
		{"return bit.tohex(-1, -4)..bit.tobit(2^31+0.5)", "$15\r\nFFFF-2147483648\r\n"},
		{"return redis.setresp(4)", "-ERR RESP version must be 2 or 3. script: 921c0a48021d97dfd5884aeea41875972c7804d9, on @user_script:1.\r\n"},
		{"return {1.9, -1.9, true, false, {ok='fine'}}", "*5\r\n:1\r\n:-1\r\n:1\r\n$-1\r\n+fine\r\n"},
		{"return redis.call('hgetall','h')", "*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{"return redis.call('get','k')", "$-1\r\n"},
		{"return redis.call('args', 3.5, 10, 1e20)", "*4\r\n$4\r\nargs\r\n$3\r\n3.5\r\n$2\r\n10\r\n$5\r\n1e+20\r\n"},
	} {
		if got := run(t, e, tc.body, 2); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.body, got, tc.want)
		}
	}
}

func TestScriptRESP3(t *testing.T) {
	e := New()
	defer e.Close()
	for _, tc := range []struct{ body, want string }{
		{"redis.setresp(3); return redis.call('hgetall','h')", "%1\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{"redis.setresp(3); return redis.call('smembers','s')", "~1\r\n$1\r\nm\r\n"},
		{"redis.setresp(3); return redis.call('dbl')", ",3.5\r\n"},
		{"redis.setresp(3); return {true, false}", "*2\r\n#t\r\n#f\r\n"},
		{"return {true, false}", "*2\r\n:1\r\n_\r\n"},
		{"return {double=1.5}", ",1.5\r\n"},
		{"return {big_number='123'}", "(123\r\n"},
		{"return {verbatim_string={format='txt', string='hi'}}", "=6\r\ntxt:hi\r\n"},
		{"return {map={a=1}}", "%1\r\n$1\r\na\r\n:1\r\n"},
		{"return {set={a=true}}", "~1\r\n$1\r\na\r\n"},
		{"return nil", "_\r\n"},
		{"redis.setresp(3); local r = redis.call('get','k'); return type(r)", "$3\r\nnil\r\n"},
		{"local r = redis.call('get','k'); return type(r)", "$7\r\nboolean\r\n"},
	} {
		if got := run(t, e, tc.body, 3); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.body, got, tc.want)
		}
	}
}

// A runaway script is stopped by the host's Tick; a panic never escapes.
func TestScriptAbort(t *testing.T) {
	e := New()
	defer e.Close()
	sha, _ := e.Load("while true do end")
	h := &fakeHost{abort: "ERR Script killed by user with SCRIPT KILL..."}
	w := resp.Writer{}
	e.Run(sha, nil, nil, h, &w)
	want := "-ERR Script killed by user with SCRIPT KILL... script: " + sha + ", on @user_script:1.\r\n"
	if string(w.B) != want {
		t.Fatalf("got %q want %q", w.B, want)
	}
	// pcall cannot swallow the abort.
	sha, _ = e.Load("while true do pcall(function() while true do end end) end")
	w.Reset()
	e.Run(sha, nil, nil, h, &w)
	if !strings.HasPrefix(string(w.B), "-ERR Script killed") {
		t.Fatalf("got %q", w.B)
	}
	// Nor can a coroutine hide from it.
	for _, body := range []string{
		"coroutine.wrap(function() while true do end end)()",
		"local co = coroutine.create(function() while true do end end) while true do coroutine.resume(co) end",
	} {
		sha, _ = e.Load(body)
		w.Reset()
		e.Run(sha, nil, nil, h, &w)
		if !strings.HasPrefix(string(w.B), "-ERR Script killed") {
			t.Fatalf("%s: got %q", body, w.B)
		}
	}
	// The engine still works.
	if got := run(t, e, "return 1", 2); got != ":1\r\n" {
		t.Fatalf("got %q", got)
	}
}

func TestScriptRecursion(t *testing.T) {
	e := New()
	defer e.Close()
	got := run(t, e, "local function f() return f() + 1 end return f()", 2)
	if !strings.HasPrefix(got, "-") {
		t.Fatalf("got %q", got)
	}
	got = run(t, e, "local t = {} t[1] = t return t", 2)
	if !strings.HasPrefix(got, "-ERR reached lua stack limit") && !strings.HasPrefix(got, "*1") {
		t.Fatalf("got %q", got)
	}
	e.MaxHeapGrowth = 64 << 20
	got = run(t, e, "local t = {} for i = 1, 100000 do t[i] = string.rep('x', 100000) .. i end return #t", 2)
	if !strings.Contains(got, "too much memory") {
		t.Fatalf("got %q", got)
	}
	got = run(t, e, "return string.rep('x', 1024*1024*1024)", 2)
	if !strings.Contains(got, "too large") {
		t.Fatalf("got %q", got)
	}
}
