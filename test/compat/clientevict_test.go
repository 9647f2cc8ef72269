package compat

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// Client eviction (maxmemory-clients), against redis-server: a client
// with half a 3 MB command in its request buffer, a client that pipelines
// GETs of a 3 MB value without reading the replies, and a subscriber that
// does not read its messages are evicted under maxmemory-clients 1mb,
// while a small client, one that reads its 3 MB replies and a CLIENT
// NO-EVICT one stay; INFO
// evicted_clients and the "Evicting client:" log lines agree.

var evictedClientsRe = regexp.MustCompile(`evicted_clients:(\d+)`)

// evictedClients reads INFO stats evicted_clients.
func evictedClients(t *testing.T, c *testutil.Conn) string {
	t.Helper()
	m := evictedClientsRe.FindSubmatch(c.Do("INFO", "stats"))
	if m == nil {
		t.Fatal("INFO stats has no evicted_clients")
	}
	return string(m[1])
}

// waitEvicted polls evicted_clients until it reaches want or 10s pass.
func waitEvicted(t *testing.T, c *testutil.Conn, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := evictedClients(t, c)
		if got == want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// closedWithin reports whether the server closed c within d.
func closedWithin(c *testutil.Conn, d time.Duration) string {
	if _, err := c.WaitClosed(d); err != nil {
		return "open"
	}
	return "closed"
}

// clientEvictScenario runs the scenario on one server and returns what it
// observed, one line a step.
func clientEvictScenario(t *testing.T, srv *testutil.Server) []string {
	var obs []string
	note := func(step string, v any) {
		if b, ok := v.([]byte); ok {
			v = testutil.Escape(b)
		}
		obs = append(obs, fmt.Sprintf("%s: %v", step, v))
	}
	setup := testutil.Dial(t, srv.Addr)
	setup.Do("FLUSHALL")
	note("setrange", setup.Do("SETRANGE", "big", "2999999", "x")) // a 3 MB value
	setup.Close()

	ctl := testutil.Dial(t, srv.Addr)
	note("no-evict bad", ctl.Do("CLIENT", "NO-EVICT", "maybe"))
	note("no-evict on", ctl.Do("CLIENT", "NO-EVICT", "on"))
	note("set limit", ctl.Do("CONFIG", "SET", "maxmemory-clients", "1mb"))
	note("get limit", ctl.Do("CONFIG", "GET", "maxmemory-clients"))
	small := testutil.Dial(t, srv.Addr)
	note("small set", small.Do("SET", "a", "1"))

	// A client that reads what it asks for is not evicted for a reply
	// larger than the limit: it is written before anything is decided.
	reader := testutil.Dial(t, srv.Addr)
	for range 3 {
		note("reader strlen", len(reader.Do("GET", "big")))
	}
	note("reader ping", reader.Do("PING"))
	note("evicted", evictedClients(t, ctl))

	// Half a command whose last argument announces 3 MB: 2 MB of it sit in
	// the request buffer.
	q := testutil.Dial(t, srv.Addr)
	q.WriteRaw([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n"))
	chunk := []byte(strings.Repeat("v", 64<<10))
	for range 32 {
		if q.WriteRawErr(chunk) != nil {
			break
		}
	}
	note("query client", closedWithin(q, 10*time.Second))
	note("evicted", waitEvicted(t, ctl, "1"))
	note("small ping", small.Do("PING"))

	// GETs of the 3 MB value, pipelined and never read: more than the
	// socket buffers take.
	o := testutil.Dial(t, srv.Addr)
	var gets []byte
	for range 20 {
		gets = testutil.AppendCommand(gets, "GET", "big")
	}
	o.WriteRaw(gets)
	note("evicted", waitEvicted(t, ctl, "2"))
	note("reply client", closedWithin(o, 10*time.Second))
	note("small get", small.Do("GET", "a"))

	// A subscriber that does not read 100 messages of 100 KB.
	sub := testutil.Dial(t, srv.Addr)
	note("subscribe", sub.Do("SUBSCRIBE", "ch"))
	msg := strings.Repeat("m", 100<<10)
	for range 100 {
		ctl.Do("PUBLISH", "ch", msg) // :1 until the subscriber is evicted
	}
	note("evicted", waitEvicted(t, ctl, "3"))
	note("subscriber", closedWithin(sub, 10*time.Second))
	note("ctl ping", ctl.Do("PING"))
	note("no-evict off", ctl.Do("CLIENT", "NO-EVICT", "off"))
	note("reset limit", ctl.Do("CONFIG", "SET", "maxmemory-clients", "0"))
	return obs
}

// TestClientEviction compares client eviction with redis-server's.
func TestClientEviction(t *testing.T) {
	p := StartPair(t)
	vesta := clientEvictScenario(t, p.Vesta)
	redis := clientEvictScenario(t, p.Redis)
	if strings.Join(vesta, "\n") != strings.Join(redis, "\n") {
		t.Errorf("vesta:\n%s\nredis:\n%s", strings.Join(vesta, "\n"), strings.Join(redis, "\n"))
	}
	for _, srv := range []*testutil.Server{p.Vesta, p.Redis} {
		// Redis logs the evicted client's CLIENT LIST line at notice level.
		if n := strings.Count(srv.Log(), " * Evicting client: id="); n != 3 {
			t.Errorf("%s logged %d \"Evicting client\" lines, want 3:\n%s", srv.Name, n, srv.Log())
		}
	}
}
