package server

import (
	"strings"
	"testing"
	"time"
)

// TestFailoverPause: the pause of a FAILOVER outlives CLIENT UNPAUSE and
// the end of a CLIENT PAUSE (held writes are held again), ends with the
// failover, and leaves a CLIENT PAUSE that still runs in place.
func TestFailoverPause(t *testing.T) {
	ts := startServer(t, nil)
	a, b := ts.dial(t), ts.dial(t)
	s := ts.s
	s.mu.Lock()
	s.fo = failoverState{phase: failoverWaitSync}
	s.failoverPause()
	s.mu.Unlock()
	if got := a.do("INFO", "replication"); !strings.Contains(got, "master_failover_state:waiting-for-sync") {
		t.Fatalf("INFO replication: %q", got)
	}
	b.send("SET", "k", "v")
	if !b.quiet(150 * time.Millisecond) {
		t.Fatal("a write was not held by the failover")
	}
	a.expect("+OK", "CLIENT", "UNPAUSE")
	if !b.quiet(150 * time.Millisecond) {
		t.Fatal("CLIENT UNPAUSE released a write held by the failover")
	}
	a.expect("+OK", "CLIENT", "PAUSE", "100", "ALL")
	time.Sleep(200 * time.Millisecond)
	a.expect("$PONG", "ECHO", "PONG") // the ALL pause ended
	if !b.quiet(100 * time.Millisecond) {
		t.Fatal("the end of a CLIENT PAUSE released a write held by the failover")
	}
	a.expect("+OK", "CLIENT", "PAUSE", "100000", "WRITE")
	s.mu.Lock()
	s.clearFailover()
	s.mu.Unlock()
	if !b.quiet(150 * time.Millisecond) {
		t.Fatal("the end of the failover ended a CLIENT PAUSE that still runs")
	}
	a.expect("+OK", "CLIENT", "UNPAUSE")
	b.expect("+OK")
	a.expect("-ERR No failover in progress.", "FAILOVER", "ABORT")
	a.expect("-ERR FAILOVER requires connected replicas.", "FAILOVER", "TO", "h", "9223372036854775807", "TIMEOUT", "9223372036854775807")
}
