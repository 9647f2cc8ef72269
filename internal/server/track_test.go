package server

import (
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
)

// Vesta-only tests of CLIENT PAUSE, CLIENT TRACKING and LATENCY; the
// differential tests in test/compat compare the same features with
// redis-server byte for byte.

// quiet reports whether no reply arrives within d.
func (c *conn) quiet(d time.Duration) bool {
	_ = c.c.SetReadDeadline(time.Now().Add(d))
	_, err := c.r.Peek(1)
	return err != nil
}

func TestClientPauseHolds(t *testing.T) {
	ts := startServer(t, nil)
	a, b := ts.dial(t), ts.dial(t)
	a.expect("+OK", "SET", "k", "v")
	a.expect("+OK", "CLIENT", "PAUSE", "100000", "WRITE")
	b.expect("$v", "GET", "k")
	id := b.do("CLIENT", "ID")[1:]
	b.send("SET", "k", "w")
	b.send("GET", "k") // pipelined behind the held write
	if !b.quiet(200 * time.Millisecond) {
		t.Fatal("a write was not held by CLIENT PAUSE WRITE")
	}
	if got := a.do("INFO", "clients"); !strings.Contains(got, "blocked_clients:1") {
		t.Fatalf("INFO clients: %q", got)
	}
	a.expect(":0", "CLIENT", "UNBLOCK", id) // a held client is not blocked on keys
	a.expect("+OK", "CLIENT", "UNPAUSE")
	b.expect("+OK")
	if got := b.read(); got != "$w" {
		t.Fatalf("GET after the pause: %q", got)
	}

	// ALL holds the pausing client too, until the pause's end.
	start := time.Now()
	a.expect("+OK", "CLIENT", "PAUSE", "300", "ALL")
	a.expect("+PONG", "PING")
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Fatalf("PING answered after %v during a 300 ms ALL pause", d)
	}

	// Expired keys are kept (but not shown) while paused.
	a.expect("+OK", "SET", "e", "1", "PX", "50")
	a.expect("+OK", "CLIENT", "PAUSE", "100000", "WRITE")
	time.Sleep(100 * time.Millisecond)
	a.expect("nil", "GET", "e")
	a.expect(":2", "DBSIZE")
	a.expect("+OK", "CLIENT", "UNPAUSE")
	a.expect("nil", "GET", "e")
	a.expect(":1", "DBSIZE")

	// Bad timeouts.
	a.expect("-ERR timeout is negative", "CLIENT", "PAUSE", "-9223372036854775808")
	a.expect("-ERR timeout is not an integer or out of range", "CLIENT", "PAUSE", "9223372036854775808")
	a.expect("+OK", "CLIENT", "PAUSE", "9223372036854775807") // overflows: ends at once
	time.Sleep(50 * time.Millisecond)
	b.expect("+OK", "SET", "x", "1")
}

func TestClientPauseDisconnectWhileHeld(t *testing.T) {
	ts := startServer(t, nil)
	a, b := ts.dial(t), ts.dial(t)
	a.expect("+OK", "CLIENT", "PAUSE", "100000", "WRITE")
	b.send("SET", "k", "v")
	time.Sleep(100 * time.Millisecond)
	b.c.Close()
	time.Sleep(100 * time.Millisecond)
	if got := a.do("INFO", "clients"); !strings.Contains(got, "blocked_clients:0") {
		t.Fatalf("INFO clients after the held client left: %q", got)
	}
	a.expect("+OK", "CLIENT", "UNPAUSE")
	a.expect(":0", "EXISTS", "k")
}

func TestTrackingInvalidations(t *testing.T) {
	ts := startServer(t, nil)
	a, b, sub := ts.dial(t), ts.dial(t), ts.dial(t)
	a.do("HELLO", "3")
	a.expect("+OK", "CLIENT", "TRACKING", "on")
	a.expect("nil", "GET", "k")
	b.expect("+OK", "SET", "k", "1")
	if got := a.read(); got != "[$invalidate [$k]]" {
		t.Fatalf("push: %q", got)
	}
	// The writer's own invalidation comes after its reply.
	a.expect("$1", "GET", "k")
	a.expect("+OK", "SET", "k", "2")
	if got := a.read(); got != "[$invalidate [$k]]" {
		t.Fatalf("own push: %q", got)
	}
	// FLUSHALL: a null invalidation.
	a.expect("$2", "GET", "k")
	b.expect("+OK", "FLUSHALL")
	if got := a.read(); got != "[$invalidate nil]" {
		t.Fatalf("flush push: %q", got)
	}

	// RESP2 redirection to a subscriber of __redis__:invalidate.
	id := sub.do("CLIENT", "ID")[1:]
	sub.expect("[$subscribe $__redis__:invalidate :1]", "SUBSCRIBE", "__redis__:invalidate")
	c := ts.dial(t)
	c.expect("+OK", "CLIENT", "TRACKING", "on", "REDIRECT", id)
	c.expect(":"+id, "CLIENT", "GETREDIR")
	c.expect("nil", "GET", "r")
	b.expect("+OK", "SET", "r", "1")
	if got := sub.read(); got != "[$message $__redis__:invalidate [$r]]" {
		t.Fatalf("redirected message: %q", got)
	}

	// tracking-table-max-keys: past it, a tracked key is invalidated.
	d := ts.dial(t)
	d.do("HELLO", "3")
	d.expect("+OK", "CONFIG", "SET", "tracking-table-max-keys", "1")
	d.expect("+OK", "CLIENT", "TRACKING", "on")
	d.expect("nil", "GET", "m1")
	d.expect("nil", "GET", "m2")
	d.send("PING")
	got := []string{d.read(), d.read()}
	if !(strings.HasPrefix(got[0], "[$invalidate [$m") && got[1] == "+PONG") {
		t.Fatalf("eviction of a tracked key: %q", got)
	}
	d.expect("+OK", "CONFIG", "SET", "tracking-table-max-keys", "0")
	if got := b.do("INFO", "stats"); !strings.Contains(got, "tracking_total_keys:") {
		t.Fatalf("INFO stats: %q", got)
	}
}

func TestTrackingBcast(t *testing.T) {
	ts := startServer(t, nil)
	a, b := ts.dial(t), ts.dial(t)
	a.do("HELLO", "3")
	a.expect("+OK", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "u:", "NOLOOP")
	b.expect("+OK", "MSET", "u:2", "x", "v:1", "y", "u:1", "z")
	if got := a.read(); got != "[$invalidate [$u:1 $u:2]]" {
		t.Fatalf("broadcast: %q", got)
	}
	a.expect("+OK", "SET", "u:3", "mine") // NOLOOP: nothing for its own write
	if !a.quiet(150 * time.Millisecond) {
		t.Fatalf("NOLOOP client got %q", a.read())
	}
	a.expect("[$flags [$on $bcast $noloop] $redirect :0 $prefixes [$u:]]", "CLIENT", "TRACKINGINFO")
}

func TestLatencyMonitorAndHistograms(t *testing.T) {
	ts := startServer(t, func(c *config.Config) { c.LatencyMonitorThreshold = 1 })
	a := ts.dial(t)
	a.expect("+OK", "DEBUG", "SLEEP", "0.02")
	got := a.do("LATENCY", "LATEST")
	if !strings.HasPrefix(got, "[[$command :") {
		t.Fatalf("LATENCY LATEST: %q", got)
	}
	a.expect(":1", "LATENCY", "RESET")
	a.expect("[]", "LATENCY", "LATEST")
	a.expect("+OK", "SET", "k", "v")
	if got := a.do("INFO", "latencystats"); !strings.Contains(got, "latency_percentiles_usec_set:p50=") {
		t.Fatalf("INFO latencystats: %q", got)
	}
	if got := a.do("LATENCY", "HISTOGRAM", "set"); !strings.HasPrefix(got, "[$set [$calls :1 $histogram_usec [") {
		t.Fatalf("LATENCY HISTOGRAM: %q", got)
	}
	a.expect("+OK", "CONFIG", "RESETSTAT")
	a.expect("[]", "LATENCY", "HISTOGRAM", "set")
}

// A RESP3 client that tracking redirects to receives invalidations while
// it waits in a blocking command.
func TestTrackingRedirectToBlockedClient(t *testing.T) {
	ts := startServer(t, nil)
	a, target, w := ts.dial(t), ts.dial(t), ts.dial(t)
	target.do("HELLO", "3")
	id := target.do("CLIENT", "ID")[1:]
	a.expect("+OK", "CLIENT", "TRACKING", "on", "REDIRECT", id)
	a.expect("nil", "GET", "k")
	target.send("BLPOP", "list", "0")
	time.Sleep(100 * time.Millisecond)
	w.expect("+OK", "SET", "k", "1")
	if got := target.read(); got != "[$invalidate [$k]]" {
		t.Fatalf("push to a blocked client: %q", got)
	}
	w.expect(":1", "RPUSH", "list", "x")
	if got := target.read(); got != "[$list $x]" {
		t.Fatalf("BLPOP: %q", got)
	}
}

// No key is evicted while clients are paused, as in Redis's
// isSafeToPerformEvictions; the eviction happens once the pause ends.
func TestClientPauseSuspendsEviction(t *testing.T) {
	ts := startServer(t, nil)
	a := ts.dial(t)
	a.expect("+OK", "CONFIG", "SET", "maxmemory-policy", "allkeys-random")
	for i := 0; i < 100; i++ {
		a.expect("+OK", "SET", "k"+strings.Repeat("x", i), strings.Repeat("v", 1000))
	}
	a.expect("+OK", "CLIENT", "PAUSE", "100000", "WRITE")
	a.expect("+OK", "CONFIG", "SET", "maxmemory", "1")
	a.expect(":100", "DBSIZE")
	a.expect("+OK", "CLIENT", "UNPAUSE")
	a.expect("+OK", "CONFIG", "SET", "maxmemory", "1")
	if got := a.do("DBSIZE"); got == ":100" {
		t.Fatal("nothing evicted after the pause ended")
	}
	a.expect("+OK", "CONFIG", "SET", "maxmemory", "0")
}
