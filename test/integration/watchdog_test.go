package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// Ensure that the watchdog (watchdog-period, hidden from CONFIG GET * as in
// Redis) logs every goroutine's stack once when a command holds the server
// lock longer than the period, and stays quiet when it is off or the
// command is quick.
func TestWatchdog(t *testing.T) {
	srv := testutil.StartVesta(t, "--enable-debug-command", "yes")
	c := testutil.Dial(t, srv.Addr)
	defer c.Close()
	if got := string(c.Do("CONFIG", "GET", "watchdog-period")); got != "*2\r\n$15\r\nwatchdog-period\r\n$1\r\n0\r\n" {
		t.Fatalf("CONFIG GET watchdog-period: %q", got)
	}
	if strings.Contains(string(c.Do("CONFIG", "GET", "*")), "watchdog") {
		t.Fatal("watchdog-period is listed by CONFIG GET *; Redis hides it")
	}
	c.Do("DEBUG", "SLEEP", "0.5")
	time.Sleep(100 * time.Millisecond)
	if strings.Contains(srv.Log(), "WATCHDOG") {
		t.Fatal("watchdog report with watchdog-period 0")
	}
	if got := string(c.Do("CONFIG", "SET", "watchdog-period", "200")); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET watchdog-period: %q", got)
	}
	c.Do("PING")
	time.Sleep(300 * time.Millisecond)
	if strings.Contains(srv.Log(), "WATCHDOG") {
		t.Fatal("watchdog report without a slow command")
	}
	if got := string(c.Do("DEBUG", "SLEEP", "0.8")); got != "+OK\r\n" {
		t.Fatalf("DEBUG SLEEP: %q", got)
	}
	log := srv.Log()
	if n := strings.Count(log, "--- WATCHDOG TIMER EXPIRED ---"); n != 1 {
		t.Fatalf("%d watchdog reports for one slow command, want 1:\n%s", n, log)
	}
	if !strings.Contains(log, "cmdDebug") {
		t.Fatalf("the watchdog report lacks the stack of the slow command:\n%s", log)
	}
}
