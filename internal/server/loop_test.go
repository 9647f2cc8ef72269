package server

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
)

// loopState reports, for the client whose CLIENT ID is id, whether it
// exists and whether the event loop serves it (loop.go).
func (ts *testServer) loopState(id int64) (exists, inLoop bool) {
	ts.s.mu.Lock()
	defer ts.s.mu.Unlock()
	cl := ts.s.clients[id]
	if cl == nil {
		return false, false
	}
	return true, cl.lc != nil
}

func (c *conn) clientID() int64 {
	c.t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(c.do("CLIENT", "ID"), ":"), 10, 64)
	if err != nil {
		c.t.Fatal(err)
	}
	return id
}

// hasLoop reports whether the server runs an event loop, once it serves
// clients.
func (ts *testServer) hasLoop(t *testing.T) bool {
	ts.dial(t).expect("+PONG", "PING")
	ts.s.mu.Lock()
	defer ts.s.mu.Unlock()
	return ts.s.loop != nil
}

// waitLoopState waits until the client's state is as wanted: hand-overs
// happen at the end of the client's batch, which may follow its reply.
func (ts *testServer) waitLoopState(t *testing.T, id int64, exists, inLoop bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		e, l := ts.loopState(id)
		if e == exists && l == inLoop {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("client %d: exists=%v inLoop=%v, want %v %v", id, e, l, exists, inLoop)
		}
		time.Sleep(time.Millisecond)
	}
}

// A plain client is served by the loop until it needs a goroutine of its
// own; then it goes on working there.
func TestLoopHandOver(t *testing.T) {
	ts := startServer(t, nil)
	if !ts.hasLoop(t) {
		t.Skip("no event loop (VESTA_EVENT_LOOP=no)")
	}
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, c, other *conn)
	}{
		{"subscribe", func(t *testing.T, c, other *conn) {
			c.expect("[$subscribe $ch :1]", "SUBSCRIBE", "ch")
			other.expect(":1", "PUBLISH", "ch", "hello")
			if got := c.read(); got != "[$message $ch $hello]" {
				t.Fatalf("message: %q", got)
			}
			c.expect("[$unsubscribe $ch :0]", "UNSUBSCRIBE", "ch")
			c.expect("+PONG", "PING")
		}},
		{"blocking", func(t *testing.T, c, other *conn) {
			c.send("BLPOP", "q", "0")
			time.Sleep(20 * time.Millisecond)
			other.expect(":1", "RPUSH", "q", "v")
			if got := c.read(); got != "[$q $v]" {
				t.Fatalf("BLPOP: %q", got)
			}
			c.expect("+PONG", "PING")
		}},
		{"monitor", func(t *testing.T, c, other *conn) {
			c.expect("+OK", "MONITOR")
			other.expect("+OK", "SET", "mk", "1")
			if got := c.read(); !strings.Contains(got, `"SET" "mk" "1"`) {
				t.Fatalf("MONITOR: %q", got)
			}
		}},
		{"tracking", func(t *testing.T, c, other *conn) {
			c.expect("+OK", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "tk")
			c.expect("+OK", "SET", "tk1", "1")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, other := ts.dial(t), ts.dial(t)
			id := c.clientID()
			ts.waitLoopState(t, id, true, true)
			tc.run(t, c, other)
			ts.waitLoopState(t, id, true, false)
			c.c.Close()
			ts.waitLoopState(t, id, false, false)
		})
	}
}

// A reply the socket does not take at once goes out whole from the
// client's goroutine, and the loop goes on serving the others meanwhile.
func TestLoopSlowReader(t *testing.T) {
	ts := startServer(t, nil)
	if !ts.hasLoop(t) {
		t.Skip("no event loop (VESTA_EVENT_LOOP=no)")
	}
	big := strings.Repeat("x", 32<<20)
	a, b := ts.dial(t), ts.dial(t)
	a.expect("+OK", "SET", "big", big)
	id := b.clientID()
	b.send("GET", "big")
	// b does not read; the loop must not wait for it.
	ts.waitLoopState(t, id, true, false)
	for i := range 100 {
		a.expect(":"+strconv.Itoa(i+1), "INCR", "n")
	}
	if got := b.read(); got != "$"+big {
		t.Fatalf("GET big: %d bytes, want %d", len(got)-1, len(big))
	}
	b.expect("+PONG", "PING")
}

// CLIENT KILL, QUIT and a peer's close end a loop client: it leaves the
// client table and its socket closes.
func TestLoopClose(t *testing.T) {
	ts := startServer(t, nil)
	if !ts.hasLoop(t) {
		t.Skip("no event loop (VESTA_EVENT_LOOP=no)")
	}
	a, b := ts.dial(t), ts.dial(t)
	id := b.clientID()
	a.expect(":1", "CLIENT", "KILL", "ID", strconv.FormatInt(id, 10))
	ts.waitLoopState(t, id, false, false)
	_ = b.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := b.c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("killed client read: %d, %v; want EOF", n, err)
	}

	c := ts.dial(t)
	id = c.clientID()
	c.expect("+OK", "QUIT")
	ts.waitLoopState(t, id, false, false)

	d := ts.dial(t)
	id = d.clientID()
	d.c.Close()
	ts.waitLoopState(t, id, false, false)
	a.expect("+PONG", "PING")
}

// Many pipelining clients at once: every increment is applied once and
// every client gets its replies in order.
func TestLoopConcurrentPipelines(t *testing.T) {
	ts := startServer(t, nil)
	const clients, rounds, depth = 20, 50, 16
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", ts.addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			r := bufio.NewReader(c)
			req := strings.Repeat("*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n", depth)
			last := int64(0)
			for range rounds {
				if _, err := io.WriteString(c, req); err != nil {
					errs <- err
					return
				}
				for range depth {
					line, err := r.ReadString('\n')
					if err != nil {
						errs <- err
						return
					}
					v, _ := strconv.ParseInt(strings.TrimSpace(line[1:]), 10, 64)
					if v <= last {
						errs <- fmt.Errorf("reply %d after %d", v, last)
						return
					}
					last = v
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	ts.dial(t).expect("$"+strconv.Itoa(clients*rounds*depth), "GET", "n")
}

// VESTA_EVENT_LOOP=no gives every client a goroutine, as before the loop.
func TestLoopDisabled(t *testing.T) {
	t.Setenv("VESTA_EVENT_LOOP", "no")
	ts := startServer(t, nil)
	if ts.hasLoop(t) {
		t.Fatal("event loop started although disabled")
	}
	c := ts.dial(t)
	c.expect("+OK", "SET", "k", "v")
	c.expect("$v", "GET", "k")
	_, inLoop := ts.loopState(c.clientID())
	if inLoop {
		t.Fatal("client in a loop that does not exist")
	}
}

// The idle timeout closes a loop client that sends nothing, and spares one
// that keeps talking.
func TestLoopIdleTimeout(t *testing.T) {
	ts := startServer(t, func(c *config.Config) { c.Timeout = 1 })
	if !ts.hasLoop(t) {
		t.Skip("no event loop (VESTA_EVENT_LOOP=no)")
	}
	idle, busy := ts.dial(t), ts.dial(t)
	idleID, busyID := idle.clientID(), busy.clientID()
	ts.waitLoopState(t, idleID, true, true)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if e, _ := ts.loopState(idleID); !e {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("idle client not closed")
		}
		busy.expect("+PONG", "PING")
		time.Sleep(100 * time.Millisecond)
	}
	_ = idle.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := idle.c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("idle client read: %v, want EOF", err)
	}
	if e, inLoop := ts.loopState(busyID); !e || !inLoop {
		t.Fatalf("busy client: exists=%v inLoop=%v", e, inLoop)
	}
}

// TLS clients are served by the loop too once their handshake is done
// (tlsloop.go): requests sent with the handshake's last flight, pipelines,
// a reply the socket does not take at once, and a hand-over to Pub/Sub.
func TestLoopTLS(t *testing.T) {
	ts := startTLSServer(t, nil)
	if !ts.hasLoop(t) {
		t.Skip("no event loop (VESTA_EVENT_LOOP=no)")
	}
	cfg := ts.files.ClientConfig(t, true)
	c, err := ts.dialTLS(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	id := c.clientID()
	ts.waitLoopState(t, id, true, true)
	c.expect("+OK", "SET", "k", "v")

	// A pipeline in one write.
	var b strings.Builder
	for range 200 {
		b.WriteString("*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n")
	}
	if _, err := io.WriteString(c.c, b.String()); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if got := c.read(); got != ":"+strconv.Itoa(i+1) {
			t.Fatalf("INCR %d: %q", i, got)
		}
	}

	// A request sent right behind the handshake, before any reply.
	nc, err := tls.Dial("tcp", ts.tlsAddr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if _, err := nc.Write([]byte("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")); err != nil {
		t.Fatal(err)
	}
	early := &conn{t: t, c: nc, r: bufio.NewReader(nc)}
	if got := early.read(); got != "$v" {
		t.Fatalf("early GET: %q", got)
	}

	// A big reply the peer reads late.
	big := strings.Repeat("y", 8<<20)
	c.expect("+OK", "SET", "big", big)
	c.send("GET", "big")
	ts.waitLoopState(t, id, true, false)
	if got := c.read(); got != "$"+big {
		t.Fatalf("GET big over TLS: %d bytes", len(got)-1)
	}
	c.expect("+PONG", "PING")

	// Pub/Sub moves the client to its goroutine and it keeps working.
	s, err := ts.dialTLS(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sid := s.clientID()
	s.expect("[$subscribe $ch :1]", "SUBSCRIBE", "ch")
	ts.waitLoopState(t, sid, true, false)
	c.expect(":1", "PUBLISH", "ch", "m")
	if got := s.read(); got != "[$message $ch $m]" {
		t.Fatalf("message over TLS: %q", got)
	}
}

// Clients that come and go in every way at once (pipelines, kills of each
// other, Pub/Sub, blocking pops, QUIT, half-sent requests, hang-ups) leave
// a server that answers and holds no client.
func TestLoopChurn(t *testing.T) {
	ts := startServer(t, nil)
	ts.dial(t).expect("+OK", "SET", "big", strings.Repeat("z", 1<<20))
	stop := time.Now().Add(2 * time.Second)
	var wg sync.WaitGroup
	for w := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stop); i++ {
				c, err := net.Dial("tcp", ts.addr)
				if err != nil {
					return
				}
				_ = c.SetDeadline(time.Now().Add(3 * time.Second))
				var req string
				switch (w + i) % 8 {
				case 0:
					req = strings.Repeat("*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n", 50)
				case 1:
					req = "*3\r\n$6\r\nCLIENT\r\n$4\r\nKILL\r\n$4\r\nTYPE\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"
					req = "*4\r\n$6\r\nCLIENT\r\n$4\r\nKILL\r\n$4\r\nTYPE\r\n$6\r\nnormal\r\n"
				case 2:
					req = "*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$1\r\nx\r\n"
				case 3:
					req = "*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$4\r\n0.01\r\n*3\r\n$5\r\nRPUSH\r\n$1\r\nq\r\n$1\r\nv\r\n"
				case 4:
					req = "*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n"
				case 5:
					req = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nhalf" // never finished
				case 6:
					req = "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" // 1 MiB reply, read or not
				case 7:
					req = "*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$1\r\ny\r\n*1\r\n$4\r\nPING\r\n"
				}
				_, _ = io.WriteString(c, req)
				if i%2 == 0 {
					buf := make([]byte, 4096)
					_, _ = c.Read(buf)
				}
				c.Close()
			}
		}()
	}
	wg.Wait()
	c := ts.dial(t)
	c.expect("+PONG", "PING")
	deadline := time.Now().Add(10 * time.Second)
	for {
		ts.s.mu.Lock()
		n := len(ts.s.clients)
		ts.s.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d clients left after everyone hung up:\n%s", n, c.do("CLIENT", "LIST"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
