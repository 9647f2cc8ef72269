package integration

import (
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// cliScript is typed at redis-cli's prompt, one command a line, the way
// people paste commands into it.
const cliScript = `SET greeting "hello world"
GET greeting
APPEND greeting !
STRLEN greeting
INCR counter
INCRBY counter 41
INCRBYFLOAT counter 0.5
GET nosuchkey
MSET a 1 b 2
MGET a b nosuchkey
EXISTS a b nosuchkey
TYPE a
EXPIRE a 1000
TTL b
DEL a b
DBSIZE
SET bin "\x00\xff\r\n"
GET bin
GETRANGE greeting 0 4
INCR greeting
NOSUCHCOMMAND x
GET
ECHO "tab\there"
`

// Ensure that commands piped into redis-cli print exactly what they print
// against Redis, in its default (raw, since stdout is not a tty) and
// --no-raw formats.
func TestRedisCLIPiped(t *testing.T) {
	testutil.RequireTool(t, "redis-cli")
	for _, mode := range [][]string{nil, {"--no-raw"}} {
		t.Run(fmt.Sprint("mode", mode), func(t *testing.T) {
			outs := map[string]string{}
			for _, tg := range targets() {
				t.Run(tg.name, func(t *testing.T) {
					s := tg.start(t)
					out, err := testutil.RedisCLIInput(t, s.Port, []byte(cliScript), mode...)
					if err != nil {
						t.Fatal(err)
					}
					outs[tg.name] = out
					if !strings.Contains(out, "hello world") {
						t.Errorf("output lacks the value set: %q", out)
					}
				})
			}
			if v, r := outs["vesta"], outs["redis"]; v != "" && r != "" && v != r {
				t.Errorf("redis-cli output differs\n--- vesta\n%s\n--- redis\n%s", v, r)
			}
		})
	}
}

// Ensure that redis-cli's single-command mode, -n (database) and -x (last
// argument from stdin) work.
func TestRedisCLIArgs(t *testing.T) {
	s := testutil.StartVesta(t)
	steps := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"SET", "k", "v"}, "OK\n"},
		{"", []string{"--no-raw", "GET", "k"}, "\"v\"\n"},
		{"", []string{"-n", "3", "SET", "k3", "three"}, "OK\n"},
		{"", []string{"-n", "3", "GET", "k3"}, "three\n"},
		{"", []string{"GET", "k3"}, "\n"},
		{"from stdin", []string{"-x", "SET", "kx"}, "OK\n"},
		{"", []string{"GET", "kx"}, "from stdin\n"},
		{"", []string{"--no-raw", "INCR", "k"}, "(error) ERR value is not an integer or out of range\n"},
		{"", []string{"PING"}, "PONG\n"},
	}
	for i, st := range steps {
		out, err := testutil.RedisCLIInput(t, s.Port, []byte(st.stdin), st.args...)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if out != st.want {
			t.Errorf("step %d redis-cli %q: got %q, want %q", i, st.args, out, st.want)
		}
	}
}

// Ensure that redis-cli --pipe mass insertion works: every command
// acknowledged, no errors, all keys there.
func TestRedisCLIPipe(t *testing.T) {
	s := testutil.StartVesta(t)
	const n = 20000
	var proto []byte
	for i := 0; i < n; i++ {
		proto = testutil.AppendCommand(proto, "SET", "key:"+strconv.Itoa(i), strings.Repeat("v", i%50))
	}
	proto = testutil.AppendCommand(proto, "INCR", "key:1") // one error reply
	out, err := testutil.RedisCLIInput(t, s.Port, proto, "--pipe")
	if err == nil || !strings.Contains(out, fmt.Sprintf("errors: 1, replies: %d", n+1)) {
		// redis-cli exits 1 when any reply was an error.
		t.Fatalf("redis-cli --pipe: got %q, %v; want \"errors: 1, replies: %d\"", out, err, n+1)
	}
	c := testutil.Dial(t, s.Addr)
	if got := string(c.Do("DBSIZE")); got != fmt.Sprintf(":%d\r\n", n) {
		t.Fatalf("DBSIZE after --pipe: got %q, want %d", got, n)
	}
	proto = testutil.AppendCommand(nil, "SET", "last", "1")
	if out, err := testutil.RedisCLIInput(t, s.Port, proto, "--pipe"); err != nil || !strings.Contains(out, "errors: 0, replies: 1") {
		t.Fatalf("redis-cli --pipe: got %q, %v", out, err)
	}
}

// Ensure that redis-benchmark runs the tests of every data type to the end
// without errors (Vesta's replies are what redis-benchmark expects) and
// that the lists, sets and sorted sets it filled hold what Redis would.
func TestRedisBenchmarkDataTypes(t *testing.T) {
	bench := testutil.RequireTool(t, "redis-benchmark")
	s := testutil.StartVesta(t)
	cmd := exec.Command(bench, "-h", "127.0.0.1", "-p", strconv.Itoa(s.Port),
		"-t", "set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange,mset",
		"-n", "5000", "-P", "16", "-q")
	outb, err := cmd.CombinedOutput()
	out := strings.ReplaceAll(string(outb), "\r", "\n")
	if err != nil {
		t.Fatalf("redis-benchmark: %v\n%s", err, out)
	}
	for _, bad := range []string{"rror", "WARNING", "Could not"} {
		if strings.Contains(out, bad) {
			t.Errorf("redis-benchmark output contains %q:\n%s", bad, out)
		}
	}
	rates := map[string]float64{}
	for _, m := range benchLine.FindAllStringSubmatch(out, -1) {
		f, _ := strconv.ParseFloat(m[2], 64)
		rates[m[1]] = f
	}
	for _, test := range []string{"SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP", "RPOP", "SADD", "HSET", "SPOP",
		"ZADD", "ZPOPMIN", "LRANGE_100", "LRANGE_300", "LRANGE_500", "LRANGE_600", "MSET"} {
		if rates[test] <= 0 {
			t.Errorf("%s: no positive rate in output:\n%s", test, out)
		}
	}
	c := testutil.Dial(t, s.Addr)
	// HSET set one 3-byte field; SADD added one member and as many SPOPs
	// took it; ZADD and ZPOPMIN likewise.
	if r := string(c.Do("HSTRLEN", "myhash", "element:__rand_int__")); r != ":3\r\n" {
		t.Errorf("HSTRLEN of the field HSET wrote: got %q", r)
	}
	if r := string(c.Do("SCARD", "myset")); r != ":0\r\n" {
		t.Errorf("SCARD after SADD and as many SPOPs: got %q", r)
	}
	if r := string(c.Do("ZCARD", "myzset")); r != ":0\r\n" {
		t.Errorf("ZCARD after ZADD and as many ZPOPMINs: got %q", r)
	}
}

// benchLine matches a result line of redis-benchmark -q, such as
// "SET: 100.00 requests per second" or "LRANGE_100 (first 100 elements): …".
var benchLine = regexp.MustCompile(`(?m)^([A-Z0-9_]+)(?: \([^)]*\))?: ([0-9.]+) requests per second`)

// Ensure that redis-benchmark runs its PING, SET, GET and INCR tests to the
// end without errors and reports a positive rate for each.
func TestRedisBenchmark(t *testing.T) {
	bench := testutil.RequireTool(t, "redis-benchmark")
	s := testutil.StartVesta(t)
	cmd := exec.Command(bench, "-h", "127.0.0.1", "-p", strconv.Itoa(s.Port),
		"-t", "ping,set,get,incr", "-n", "20000", "-P", "16", "-q")
	outb, err := cmd.CombinedOutput()
	out := strings.ReplaceAll(string(outb), "\r", "\n")
	if err != nil {
		t.Fatalf("redis-benchmark: %v\n%s", err, out)
	}
	for _, bad := range []string{"rror", "WARNING", "Could not"} {
		if strings.Contains(out, bad) {
			t.Errorf("redis-benchmark output contains %q:\n%s", bad, out)
		}
	}
	rates := map[string]float64{}
	for _, m := range benchLine.FindAllStringSubmatch(out, -1) {
		f, _ := strconv.ParseFloat(m[2], 64)
		rates[m[1]] = f
	}
	for _, test := range []string{"PING_INLINE", "PING_MBULK", "SET", "GET", "INCR"} {
		if rates[test] <= 0 {
			t.Errorf("%s: no positive rate in output:\n%s", test, out)
		}
	}
	t.Logf("redis-benchmark rates: %v", rates)
	c := testutil.Dial(t, s.Addr)
	if got := string(c.Do("GET", "counter:__rand_int__")); got != ":20000\r\n" && got != "$5\r\n20000\r\n" {
		t.Errorf("INCR counter after 20000 INCRs: got %q, want 20000", got)
	}
}

// Ensure that redis-cli --hotkeys finds the most read keys under an LFU
// policy, and prints the same summary as against Redis (with lfu-log-factor
// 0 every read counts, so the counters are exact), and that it fails
// under any other policy.
func TestRedisCLIHotkeys(t *testing.T) {
	testutil.RequireTool(t, "redis-cli")
	outs := map[string]string{}
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			s := tg.start(t)
			c := testutil.Dial(t, s.Addr)
			c.Do("SET", "key0", "v")
			// redis-cli stops at OBJECT FREQ's error (on stderr) and
			// exits 1.
			if out, err := testutil.RedisCLIInput(t, s.Port, nil, "--hotkeys"); err == nil {
				t.Errorf("--hotkeys under noeviction succeeded: %q", out)
			}
			c.Do("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
			c.Do("CONFIG", "SET", "lfu-log-factor", "0")
			for i, reads := range []int{3, 20, 0, 9} {
				k := fmt.Sprintf("key%d", i)
				c.Do("SET", k, "v")
				for range reads {
					c.Do("GET", k)
				}
			}
			out, err := testutil.RedisCLIInput(t, s.Port, nil, "--hotkeys")
			if err != nil {
				t.Fatalf("--hotkeys: %q %v", out, err)
			}
			_, summary, _ := strings.Cut(out, "-------- summary -------")
			if !strings.Contains(summary, "hot key found with counter: 25\tkeyname: \"key1\"") {
				t.Errorf("--hotkeys summary lacks key1 at 25: %q", summary)
			}
			outs[tg.name] = summary
		})
	}
	if v, r := outs["vesta"], outs["redis"]; v != "" && r != "" && v != r {
		t.Errorf("--hotkeys summaries differ\n--- vesta\n%s\n--- redis\n%s", v, r)
	}
}
