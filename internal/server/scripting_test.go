package server

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
)

// A script's writes are propagated as the commands it ran, wrapped in
// MULTI/EXEC when there are several; EVAL itself, reads and SCRIPT LOAD are
// not propagated.
func TestEvalPropagation(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t)
	ts.propagated()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", "a", "1"}, "[0] SET a 1"},
		{[]string{"EVAL", "redis.call('SET', 'a', '2') redis.call('INCR', 'n') return 1", "0"}, "[0] MULTI|[0] SET a 2|[0] INCR n|EXEC"},
		{[]string{"EVAL", "return redis.call('GET', 'a')", "0"}, ""},
		{[]string{"SCRIPT", "LOAD", "return 1"}, ""},
		{[]string{"EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('SET', 'x', '1') return 1", "0"}, ""},
		{[]string{"EVAL", "redis.call('SET', 'e', '1') error('stop')", "0"}, "[0] SET e 1"},
	} {
		c.send(tc.args...)
		c.read()
		got := ts.propagated()
		if strings.Join(got, "|") != tc.want {
			t.Errorf("%v: propagated %q, want %q", tc.args, got, tc.want)
		}
	}
}

// Under the race detector: a busy script releases the lock to let other
// clients get -BUSY while the cron runs, SCRIPT KILL stops it, and the
// server serves everyone afterwards.
func TestBusyScriptConcurrency(t *testing.T) {
	ts := startServer(t, func(c *config.Config) { c.BusyReplyThreshold = 50 })
	a := ts.dial(t)
	a.send("EVAL", "local i = 0 while true do i = i + 1 end", "0")
	time.Sleep(150 * time.Millisecond)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		c := ts.dial(t)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				c.send("GET", "k")
				if got := c.read(); !strings.HasPrefix(got, "-BUSY") {
					c.t.Errorf("GET during a busy script: %q", got)
					return
				}
			}
		}()
	}
	wg.Wait()
	k := ts.dial(t)
	k.send("SCRIPT", "KILL")
	if got := k.read(); got != "+OK" {
		t.Fatalf("SCRIPT KILL: %q", got)
	}
	if got := a.read(); !strings.HasPrefix(got, "-ERR Script killed by user") {
		t.Fatalf("killed script: %q", got)
	}
	k.send("PING")
	if got := k.read(); got != "+PONG" {
		t.Fatalf("PING: %q", got)
	}
	k.send("SCRIPT", "KILL")
	if got := k.read(); !strings.HasPrefix(got, "-NOTBUSY") {
		t.Fatalf("SCRIPT KILL without a script: %q", got)
	}
}

// Commands run by scripts count in commandstats and errorstats as in Redis
// 7.0.15 (figures taken from redis-server): a command's error is counted
// once, not again when the script fails with it or returns it, and EVAL
// counts as failed whenever it replies an error.
func TestScriptStats(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t)
	for _, args := range [][]string{
		{"EVAL", "redis.call('set','cs','1') redis.pcall('incr','cs','x')", "0"},
		{"EVAL", "return redis.call('nosuch')", "0"},
		{"EVAL", "return redis.call('incr', 'cs', 'x')", "0"},
		{"EVAL", "error('x')", "0"},
		{"SET", "s", "a"},
		{"EVAL", "return redis.call('incr', 's')", "0"},
		{"EVAL", "return redis.pcall('incr', 's')", "0"},
		{"EVAL", "return {err='own'}", "0"},
	} {
		c.send(args...)
		c.read()
	}
	c.send("INFO", "commandstats")
	stats := c.read()
	for _, want := range []string{
		"cmdstat_eval:calls=7,", "rejected_calls=0,failed_calls=6",
		"cmdstat_incr:calls=2,", "rejected_calls=2,failed_calls=2",
		"cmdstat_set:calls=2,",
	} {
		if !strings.Contains(stats, want) {
			t.Errorf("commandstats lack %q:\n%s", want, stats)
		}
	}
	c.send("INFO", "stats")
	if got := c.read(); !strings.Contains(got, "total_error_replies:7") {
		t.Errorf("total_error_replies: %s", got)
	}
}

// A script's commands are looked up through a one-entry cache
// (scriptLookup): a cached command called with the wrong number of
// arguments, in another spelling, or followed by an unknown command or a
// subcommand still gets what the command table says.
func TestScriptLookupCache(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t)
	for _, tc := range []struct {
		script, want string
	}{
		{"redis.call('INCR', 'n') return redis.call('INCR', 'n')", ":2"},
		{"redis.call('INCR', 'n') return redis.pcall('INCR', 'n', 'x')['err']", "$ERR Wrong number of args calling Redis command from script"},
		{"redis.call('INCR', 'n') return redis.call('incr', 'n')", ":5"},
		{"redis.call('INCR', 'n') return redis.pcall('INCRX', 'n')['err']", "$ERR Unknown Redis command called from script"},
		{"redis.call('INCR', 'n') return redis.call('OBJECT', 'ENCODING', 'n')", "$int"},
		{"redis.call('OBJECT', 'ENCODING', 'n') return redis.pcall('OBJECT', 'NOSUCH', 'n')['err']", "$ERR Unknown Redis command called from script"},
		{"redis.call('GET', 'n') return redis.pcall('GET')['err']", "$ERR Wrong number of args calling Redis command from script"},
	} {
		c.send("EVAL", tc.script, "0")
		if got := c.read(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.script, got, tc.want)
		}
	}
}
