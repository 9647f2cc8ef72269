package server

import (
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
)

const busyLib = "#!lua name=busy\n" +
	"redis.register_function('spin', function() local i = 0 while true do i = i + 1 end end)\n" +
	"redis.register_function('wspin', function(keys) redis.call('set', keys[1], '1') local i = 0 while true do i = i + 1 end end)\n" +
	"redis.register_function('w2', function(keys) redis.call('set', keys[1], '1') return redis.call('incr', 'n') end)"

// FUNCTION LOAD/DELETE/FLUSH/RESTORE are propagated as sent (failed ones
// not); FCALL as the commands its function ran.
func TestFunctionPropagation(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t)
	ts.propagated()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"FUNCTION", "LOAD", busyLib}, "[0] FUNCTION LOAD " + busyLib},
		{[]string{"FUNCTION", "LOAD", "#!lua name=x\nreturn 1"}, ""},
		{[]string{"FCALL", "w2", "1", "a"}, "[0] MULTI|[0] set a 1|[0] incr n|EXEC"},
		{[]string{"FUNCTION", "LIST"}, ""},
		{[]string{"FUNCTION", "DELETE", "nosuch"}, ""},
		{[]string{"FUNCTION", "DELETE", "busy"}, "[0] FUNCTION DELETE busy"},
		{[]string{"FUNCTION", "FLUSH", "ASYNC"}, "[0] FUNCTION FLUSH ASYNC"},
		{[]string{"FUNCTION", "RESTORE", "junk"}, ""},
	} {
		c.send(tc.args...)
		c.read()
		got := ts.propagated()
		if strings.Join(got, "|") != tc.want {
			t.Errorf("%v: propagated %q, want %q", tc.args, got, tc.want)
		}
	}
}

// A busy function: other clients get Redis's -BUSY naming FUNCTION KILL,
// SCRIPT KILL refuses, FUNCTION STATS shows it, FUNCTION KILL stops it; a
// function that wrote cannot be killed.
func TestBusyFunction(t *testing.T) {
	ts := startServer(t, func(c *config.Config) { c.BusyReplyThreshold = 50 })
	a := ts.dial(t)
	a.send("FUNCTION", "LOAD", busyLib)
	if got := a.read(); got != "$4\r\nbusy" && !strings.Contains(got, "busy") {
		t.Fatalf("load: %q", got)
	}
	a.send("FCALL", "spin", "0")
	time.Sleep(200 * time.Millisecond)
	k := ts.dial(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"GET", "k"}, "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."},
		{[]string{"SCRIPT", "KILL"}, "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."},
		{[]string{"FUNCTION", "STATS"}, "running_script"},
		{[]string{"FUNCTION", "KILL"}, "+OK"},
	} {
		k.send(tc.args...)
		if got := k.read(); !strings.Contains(got, tc.want) {
			t.Fatalf("%v: %q, want %q", tc.args, got, tc.want)
		}
	}
	if got := a.read(); !strings.HasPrefix(got, "-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.") {
		t.Fatalf("killed function: %q", got)
	}
	a.send("FCALL", "wspin", "1", "w")
	time.Sleep(200 * time.Millisecond)
	k.send("FUNCTION", "KILL")
	if got := k.read(); !strings.HasPrefix(got, "-UNKILLABLE") {
		t.Fatalf("FUNCTION KILL after a write: %q", got)
	}
	// Only SHUTDOWN NOSAVE ends it (the connection closes).
	k.send("SHUTDOWN", "NOSAVE")
}

// Libraries are dataset: DEBUG RELOAD saves and loads them back (flushed
// first), DEBUG RELOAD NOFLUSH refuses the duplicate library as Redis does,
// MERGE replaces it.
func TestFunctionsDebugReload(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, func(c *config.Config) { c.Dir = dir })
	c := ts.dial(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"FUNCTION", "LOAD", busyLib}, "busy"},
		{[]string{"DEBUG", "RELOAD"}, "+OK"},
		{[]string{"FCALL", "w2", "1", "a"}, ":1"},
		{[]string{"DEBUG", "RELOAD", "NOFLUSH"}, "-ERR Error trying to load the RDB dump"},
		{[]string{"FUNCTION", "FLUSH"}, "+OK"},
		{[]string{"FLUSHALL"}, "+OK"},
		{[]string{"FUNCTION", "LOAD", busyLib}, "busy"},
		{[]string{"DEBUG", "RELOAD", "MERGE", "NOFLUSH"}, "+OK"},
		{[]string{"FUNCTION", "STATS"}, "functions_count"},
		{[]string{"FCALL", "w2", "1", "a"}, ":1"}, // FLUSHALL emptied n, not the library
	} {
		c.send(tc.args...)
		if got := c.read(); !strings.HasPrefix(got, tc.want) && !strings.Contains(got, tc.want) {
			t.Fatalf("%v: %q, want %q", tc.args, got, tc.want)
		}
	}
}
