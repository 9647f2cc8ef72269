package integration

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vestadb/vesta/internal/testutil"
)

// go-redis's Script: Run tries EVALSHA and falls back to EVAL on NOSCRIPT.
func TestGoRedisScript(t *testing.T) {
	s := testutil.StartVesta(t)
	ctx := context.Background()
	incr := redis.NewScript(`return redis.call('INCRBY', KEYS[1], ARGV[1])`)
	for proto, rc := range goRedisClients(t, s.Addr) {
		t.Run(proto, func(t *testing.T) {
			must(t, rc.ScriptFlush(ctx).Err())
			if ok, err := rc.ScriptExists(ctx, incr.Hash()).Result(); err != nil || ok[0] {
				t.Fatalf("SCRIPT EXISTS before: %v %v", ok, err)
			}
			for i := 1; i <= 3; i++ {
				n, err := incr.Run(ctx, rc, []string{proto + ":n"}, 5).Int64()
				if err != nil || n != int64(5*i) {
					t.Fatalf("run %d: %d, %v", i, n, err)
				}
			}
			if ok, err := rc.ScriptExists(ctx, incr.Hash()).Result(); err != nil || !ok[0] {
				t.Fatalf("SCRIPT EXISTS after: %v %v", ok, err)
			}
			if _, err := incr.EvalSha(ctx, rc, []string{"k"}, "x").Result(); err == nil || !strings.Contains(err.Error(), "not an integer") {
				t.Fatalf("error from the script's command: %v", err)
			}
			must(t, rc.ScriptFlush(ctx).Err())
			if _, err := incr.EvalSha(ctx, rc, []string{"k"}, 1).Result(); err == nil || !strings.HasPrefix(err.Error(), "NOSCRIPT") {
				t.Fatalf("EVALSHA after flush: %v", err)
			}
			v, err := redis.NewScript(`redis.setresp(3) return redis.call('HGETALL', KEYS[1])`).Run(ctx, rc, []string{proto + ":h"}).Result()
			if err != nil {
				t.Fatalf("RESP3 map from a script: %v", err)
			}
			_ = v
			if _, err := rc.Eval(ctx, "return {err='MY failure'}", nil).Result(); err == nil || err.Error() != "MY failure" {
				t.Fatalf("error table: %v", err)
			}
			if err := rc.Eval(ctx, "return redis.call('GET', 'nosuch')", nil).Err(); !errors.Is(err, redis.Nil) {
				t.Fatalf("nil from a script: %v", err)
			}
		})
	}
}

// redis-py's Lock (its release/extend/reacquire are scripts run with
// register_script, which reloads on NOSCRIPT) and register_script itself,
// with Debian's python3-redis.
func TestRedisPyLockAndScript(t *testing.T) {
	py := requireRedisPy(t)
	s := testutil.StartVesta(t)
	prog := `
import sys, redis
r = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]))
lock = r.lock('res', timeout=10)
assert lock.acquire(blocking=False)
assert not r.lock('res', timeout=10).acquire(blocking=False)
assert lock.extend(5)
assert r.pttl('res') > 10000
assert lock.reacquire()
lock.release()
assert r.get('res') is None
l2 = r.lock('res2', timeout=10)
assert l2.acquire(blocking=False)
r.set('res2', 'someone else')
try:
    l2.release()
    raise SystemExit('released a lock owned by another')
except redis.exceptions.LockNotOwnedError:
    pass
assert r.get('res2') == b'someone else'

add = r.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1]) + 0")
assert add(keys=['n'], args=[2]) == 2
r.script_flush()
assert add(keys=['n'], args=[3]) == 5
try:
    r.eval("return redis.call('nosuch')", 0)
    raise SystemExit('no error')
except redis.exceptions.ResponseError as e:
    assert 'Unknown Redis command called from script' in str(e), str(e)
print('OK')
`
	out, err := exec.Command(py, "-c", prog, strconv.Itoa(s.Port)).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "OK" {
		t.Fatalf("redis-py: %v\n%s", err, out)
	}
}

// requireRedisPy returns the Python that has Debian's python3-redis, and
// skips the test when it is missing (fails it in CI).
func requireRedisPy(t *testing.T) string {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import redis").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3-redis is not installed: %v", err)
		}
		t.Skip("python3-redis is not installed")
	}
	return py
}

// A script past busy-reply-threshold: other clients get -BUSY, SCRIPT KILL
// stops a script that has not written, -UNKILLABLE one that has, and
// SHUTDOWN NOSAVE stops the server in any case without logging the
// script's writes.
func TestBusyScript(t *testing.T) {
	s := testutil.StartVesta(t, "--busy-reply-threshold", "100", "--appendonly", "yes", "--appendfsync", "always")
	a := testutil.Dial(t, s.Addr)
	b := testutil.Dial(t, s.Addr)
	busy := "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n"

	if got := string(b.Do("SCRIPT", "KILL")); got != "-NOTBUSY No scripts in execution right now.\r\n" {
		t.Fatalf("SCRIPT KILL with no script: %q", got)
	}
	a.Send("EVAL", "local i = 0 while true do i = i + 1 end", "0")
	time.Sleep(300 * time.Millisecond)
	for _, cmd := range [][]string{{"PING"}, {"GET", "k"}, {"SET", "k", "v"}, {"SHUTDOWN"}} {
		if got := string(b.Do(cmd...)); got != busy {
			t.Fatalf("%v during a busy script: %q", cmd, got)
		}
	}
	if got := string(b.Do("SCRIPT", "KILL")); got != "+OK\r\n" {
		t.Fatalf("SCRIPT KILL: %q", got)
	}
	if got := string(a.ReadReply()); !strings.HasPrefix(got, "-ERR Script killed by user with SCRIPT KILL...") {
		t.Fatalf("killed script's reply: %q", got)
	}
	if got := string(b.Do("PING")); got != "+PONG\r\n" {
		t.Fatalf("PING after the kill: %q", got)
	}
	if got := string(a.Do("EVAL", "return 'alive'", "0")); got != "$5\r\nalive\r\n" {
		t.Fatalf("EVAL after the kill: %q", got)
	}
	// A loop inside a coroutine is seen by the hook too.
	a.Send("EVAL", "coroutine.wrap(function() while true do end end)()", "0")
	time.Sleep(300 * time.Millisecond)
	if got := string(b.Do("SCRIPT", "KILL")); got != "+OK\r\n" {
		t.Fatalf("SCRIPT KILL of a coroutine loop: %q", got)
	}
	if got := string(a.ReadReply()); !strings.HasPrefix(got, "-ERR Script killed by user with SCRIPT KILL...") {
		t.Fatalf("killed coroutine's reply: %q", got)
	}

	a.Send("EVAL", "redis.call('SET', 'written', '1') while true do end", "0")
	time.Sleep(300 * time.Millisecond)
	if got := string(b.Do("SCRIPT", "KILL")); !strings.HasPrefix(got, "-UNKILLABLE Sorry the script already executed write commands") {
		t.Fatalf("SCRIPT KILL after a write: %q", got)
	}
	b.Send("SHUTDOWN", "NOSAVE")
	if !s.Wait(10 * time.Second) {
		t.Fatal("SHUTDOWN NOSAVE did not stop the server")
	}
	data, _ := os.ReadFile(incrAOFPath(t, s.Dir))
	if strings.Contains(string(data), "written") {
		t.Fatalf("the stopped script's write reached the AOF:\n%q", data)
	}
}

func incrAOFPath(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir + "/appendonlydir")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".incr.aof") {
			return dir + "/appendonlydir/" + e.Name()
		}
	}
	t.Fatal("no incr AOF")
	return ""
}

// No script can crash or hang the server: deep recursion, huge strings,
// self-referencing tables, errors inside error handlers, bad UTF-8 in
// JSON, a script that compiles to deeply nested code.
func TestHostileScripts(t *testing.T) {
	s := testutil.StartVesta(t, "--busy-reply-threshold", "100")
	c := testutil.Dial(t, s.Addr)
	for _, body := range []string{
		"local function f() return f() + 1 end return f()",
		"local function f(n) return {f(n+1)} end return f(1)",
		"local t = {} t[1] = t return cjson.encode(t)",
		"return string.rep('x', 1024*1024*1024)",
		"return cjson.decode(string.rep('[', 100000))",
		"return " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000),
		"return xpcall(function() error('a') end, function() error('b') end)",
		"return cjson.decode('\"\\\\ud800\"')",
		"return setmetatable({}, {__index = function(t, k) return t[k] end}).x",
		"local co = coroutine.create(function() redis.call('SET', 'co', 1) coroutine.yield() end) return {coroutine.resume(co)}",
		"return string.format('%d', 'x')",
		"return redis.call('SET', 'k', string.rep('v', 100))",
		"return tostring(redis.call)",
	} {
		got := c.Do("EVAL", body, "0")
		if len(got) == 0 {
			t.Fatalf("%.60s: no reply", body)
		}
		if got := string(c.Do("PING")); got != "+PONG\r\n" {
			t.Fatalf("after %.60s: PING %q", body, got)
		}
	}
	if !s.Running() {
		t.Fatal("the server died")
	}
}

// SIGTERM during a busy script waits for the script to end (as Redis
// defers it), so the final save never holds half of a script; SCRIPT KILL
// ends the script and the shutdown proceeds.
func TestSigtermDuringBusyScript(t *testing.T) {
	s := testutil.StartVesta(t, "--busy-reply-threshold", "100")
	a := testutil.Dial(t, s.Addr)
	b := testutil.Dial(t, s.Addr)
	a.Send("EVAL", "local i = 0 while true do i = i + 1 end", "0")
	time.Sleep(300 * time.Millisecond)
	if err := s.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if !s.Running() {
		t.Fatal("the server stopped in the middle of a script")
	}
	if got := string(b.Do("SCRIPT", "KILL")); got != "+OK\r\n" {
		t.Fatalf("SCRIPT KILL: %q", got)
	}
	if !s.Wait(10 * time.Second) {
		t.Fatal("the deferred SIGTERM did not stop the server")
	}
	if code := s.ExitCode(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}
