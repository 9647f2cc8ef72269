package server

import (
	"bufio"
	"math"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/repl"
)

// TestClientEvictionLimit checks the limit in effect for maxmemory-clients
// and maxmemory (Redis's getClientEvictionLimit).
func TestClientEvictionLimit(t *testing.T) {
	for _, tc := range []struct {
		clients   int64
		maxmemory uint64
		want      int64
	}{
		{0, 0, 0},
		{0, 1 << 30, 0},
		{1 << 20, 0, 1 << 20},
		{1000, 0, 128 << 10}, // raised to the least limit
		{1, 0, 128 << 10},
		{-10, 0, 0}, // a percentage of no maxmemory: off
		{-10, 100 << 20, 10 << 20},
		{-1, 1 << 30, 10737418},
		{-1, 1 << 20, 128 << 10},
		{-100, math.MaxUint64, math.MaxInt64},
		{math.MaxInt64, 0, math.MaxInt64},
	} {
		s := &Server{cfg: config.Default()}
		s.cfg.MaxmemoryClients, s.cfg.Maxmemory = tc.clients, tc.maxmemory
		if got := s.clientEvictionLimit(); got != tc.want {
			t.Errorf("maxmemory-clients %d, maxmemory %d: limit %d, want %d", tc.clients, tc.maxmemory, got, tc.want)
		}
	}
}

// TestClientMemBucketIndex checks the buckets' bounds: under 32 KiB, then
// one per power of two, and all of 4 GiB and more in the last.
func TestClientMemBucketIndex(t *testing.T) {
	for _, tc := range []struct {
		mem  int64
		want int
	}{
		{-1, 0}, {0, 0}, {1, 0}, {32<<10 - 1, 0},
		{32 << 10, 1}, {64<<10 - 1, 1}, {64 << 10, 2},
		{1 << 20, 6}, {3 << 20, 7},
		{1<<32 - 1, 17}, {1 << 32, 18}, {1 << 33, 18}, {1 << 40, 18}, {math.MaxInt64, 18},
	} {
		if got := clientMemBucketIndex(tc.mem); got != tc.want {
			t.Errorf("%d bytes: bucket %d, want %d", tc.mem, got, tc.want)
		}
	}
}

// TestClientMemSelection checks the accounting and the order of eviction:
// largest bucket first, oldest entry of a bucket first; a client moved to
// another bucket goes to its end; no-evict clients and replicas are never
// candidates, no-evict ones still count toward the total, replicas not.
func TestClientMemSelection(t *testing.T) {
	s := &Server{clients: map[int64]*client{}}
	mk := func(id int64) *client {
		cl := &client{id: id}
		s.clients[id] = cl
		return cl
	}
	a, b, c, d, e := mk(1), mk(2), mk(3), mk(4), mk(5)
	d.noEvict = true
	e.rc.replica = &repl.Replica{}
	s.setClientMem(a, 10<<10)
	s.setClientMem(b, 100<<10)
	s.setClientMem(c, 110<<10)
	s.setClientMem(d, 5<<20)
	s.setClientMem(e, 7<<20)
	if want := int64(10<<10 + 100<<10 + 110<<10 + 5<<20); s.cev.total != want {
		t.Fatalf("total %d, want %d", s.cev.total, want)
	}
	order := func() []int64 {
		var ids []int64
		for i := clientMemBuckets - 1; i >= 0; i-- {
			for cl := s.cev.buckets[i].head; cl != nil; cl = cl.memAcct.next {
				ids = append(ids, cl.id)
			}
		}
		return ids
	}
	check := func(want ...int64) {
		t.Helper()
		if got := order(); !equalIDs(got, want) {
			t.Fatalf("eviction order %v, want %v", got, want)
		}
		if len(want) > 0 && s.evictionCandidate().id != want[0] {
			t.Fatalf("candidate %d, want %d", s.evictionCandidate().id, want[0])
		}
	}
	check(2, 3, 1)
	s.setClientMem(b, 120<<10) // same bucket: keeps its place
	check(2, 3, 1)
	s.setClientMem(b, 20<<10) // to a smaller bucket, behind a
	check(3, 1, 2)
	s.setClientMem(a, 1<<20) // to a larger one
	check(1, 3, 2)
	a.noEvict = true // CLIENT NO-EVICT on, seen at its next measurement
	s.setClientMem(a, 1<<20)
	check(3, 2)
	s.unlinkClientMem(c)
	delete(s.clients, 3)
	check(2)
	s.setClientMem(c, 1<<30) // gone: not counted again
	check(2)
	if want := int64(1<<20 + 20<<10 + 5<<20); s.cev.total != want {
		t.Fatalf("total %d, want %d", s.cev.total, want)
	}
	for _, cl := range []*client{a, b, d, e} {
		s.unlinkClientMem(cl)
	}
	if s.cev.total != 0 || s.evictionCandidate() != nil {
		t.Fatalf("total %d, candidate %v after unlinking every client", s.cev.total, s.evictionCandidate())
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// rawClient is a connection that may be closed by the server.
type rawClient struct {
	c net.Conn
	r *bufio.Reader
}

func dialRaw(t *testing.T, addr string) *rawClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawClient{c, bufio.NewReader(c)}
}

// closed reports whether the server closed the connection within d.
func (r *rawClient) closed(d time.Duration) bool {
	_ = r.c.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 64<<10)
	for {
		_, err := r.r.Read(buf)
		if err == nil {
			continue
		}
		var ne net.Error
		return !(errorsAs(err, &ne) && ne.Timeout())
	}
}

func errorsAs(err error, ne *net.Error) bool {
	e, ok := err.(net.Error)
	if ok {
		*ne = e
	}
	return ok
}

var evictedRe = regexp.MustCompile(`evicted_clients:(\d+)`)

func evictedCount(t *testing.T, c *conn) int {
	t.Helper()
	m := evictedRe.FindStringSubmatch(c.do("INFO", "stats"))
	if m == nil {
		t.Fatal("no evicted_clients in INFO stats")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestClientEvictionServer runs client eviction in a server: a client
// queuing a large MULTI is evicted, one with CLIENT NO-EVICT on is not, a
// percentage of maxmemory works, CLIENT LIST's tot-mem is what is counted,
// and turning the limit off stops the accounting.
func TestClientEvictionServer(t *testing.T) {
	ts := startServer(t, nil)
	ctl := ts.dial(t)
	ctl.expect("+OK", "CLIENT", "NO-EVICT", "on")
	ctl.expect("+OK", "CONFIG", "SET", "maxmemory-clients", "1mb")
	small := ts.dial(t)
	small.expect("+OK", "SET", "a", "1")

	// A large transaction: its queued arguments count (multi-mem).
	m := dialRaw(t, ts.addr)
	val := strings.Repeat("x", 200<<10)
	var req strings.Builder
	req.WriteString("MULTI\r\n")
	for range 10 {
		req.WriteString("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + strconv.Itoa(len(val)) + "\r\n" + val + "\r\n")
	}
	if _, err := m.c.Write([]byte(req.String())); err != nil {
		t.Fatal(err)
	}
	if !m.closed(5 * time.Second) {
		t.Fatal("the client with a large MULTI was not evicted")
	}
	if n := evictedCount(t, ctl); n != 1 {
		t.Fatalf("evicted_clients %d, want 1", n)
	}
	small.expect("+PONG", "PING")

	// The same from a no-evict client: it stays, but its memory counts
	// toward the sum, so a client that runs a command meanwhile is evicted
	// in its place, as in Redis.
	n := ts.dial(t)
	n.expect("+OK", "CLIENT", "NO-EVICT", "on")
	n.expect("+OK", "MULTI")
	for range 10 {
		n.expect("+QUEUED", "SET", "k", val)
	}
	r := dialRaw(t, ts.addr)
	_, _ = r.c.Write([]byte("PING\r\n"))
	if !r.closed(5 * time.Second) {
		t.Fatal("a client was not evicted while a no-evict one holds the sum over the limit")
	}
	n.expect("+OK", "DISCARD")
	n.expect("+PONG", "PING")

	// tot-mem of each client equals what is counted for it.
	sub := ts.dial(t)
	for i := range 100 {
		sub.do("SUBSCRIBE", "ch"+strconv.Itoa(i))
	}
	time.Sleep(300 * time.Millisecond) // a cron pass measures every client
	list := ctl.do("CLIENT", "LIST")
	ts.s.mu.Lock()
	for _, line := range strings.Split(strings.TrimPrefix(list, "$"), "\n") {
		f := map[string]string{}
		for _, kv := range strings.Fields(line) {
			k, v, _ := strings.Cut(kv, "=")
			f[k] = v
		}
		if f["id"] == "" || f["cmd"] == "client|list" {
			continue
		}
		id, _ := strconv.ParseInt(f["id"], 10, 64)
		cl := ts.s.clients[id]
		if cl == nil {
			continue
		}
		if got := strconv.FormatInt(cl.memAcct.counted, 10); got != f["tot-mem"] {
			t.Errorf("client %d: counted %s, CLIENT LIST tot-mem %s", id, got, f["tot-mem"])
		}
		if f["sub"] == "100" {
			if tm, _ := strconv.ParseInt(f["tot-mem"], 10, 64); tm < 100*subscriptionMem {
				t.Errorf("subscribed client's tot-mem %d does not count its subscriptions", tm)
			}
		}
	}
	ts.s.mu.Unlock()

	// INFO memory and MEMORY STATS carry the clients' memory.
	if info := ctl.do("INFO", "memory"); !regexp.MustCompile(`mem_clients_normal:[1-9]\d{4,}\r\n`).MatchString(info) {
		t.Errorf("INFO memory lacks a mem_clients_normal of the clients' tot-mem:\n%s", info)
	}

	// A percentage of maxmemory: 10% of 10mb.
	ctl.expect("+OK", "CONFIG", "SET", "maxmemory", "10mb", "maxmemory-clients", "10%")
	q := dialRaw(t, ts.addr)
	_, _ = q.c.Write([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n" + strings.Repeat("v", 1500<<10)))
	if !q.closed(5 * time.Second) {
		t.Fatal("the client with 1.5 MB of query buffer was not evicted under 10% of 10mb")
	}
	before := evictedCount(t, ctl)

	// Off: nothing is counted or evicted.
	ctl.expect("+OK", "CONFIG", "SET", "maxmemory-clients", "0")
	ctl.expect("+PONG", "PING")
	q = dialRaw(t, ts.addr)
	_, _ = q.c.Write([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n" + strings.Repeat("v", 1500<<10)))
	if q.closed(300 * time.Millisecond) {
		t.Fatal("a client was evicted with maxmemory-clients 0")
	}
	if n := evictedCount(t, ctl); n != before {
		t.Fatalf("evicted_clients went from %d to %d with maxmemory-clients 0", before, n)
	}
	ctl.expect("+OK", "CONFIG", "RESETSTAT")
	if n := evictedCount(t, ctl); n != 0 {
		t.Fatalf("evicted_clients %d after CONFIG RESETSTAT", n)
	}
	ts.s.mu.Lock()
	total, active := ts.s.cev.total, ts.s.cev.active
	ts.s.mu.Unlock()
	if total != 0 || active {
		t.Fatalf("accounting still on after maxmemory-clients 0: total %d, active %v", total, active)
	}
}
