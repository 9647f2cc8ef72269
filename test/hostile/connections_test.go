package hostile

import (
	"flag"
	"net"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

var idleConns = flag.Int("hostile.idle", 2000, "idle connections to open")

// dialMany opens n connections and makes sure the server has accepted each
// (a PING answered on every one).
func dialMany(t *testing.T, addr string, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, 0, n)
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for i := 0; i < n; i++ {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, c)
	}
	// Ping all of them in one sweep, then read the answers.
	for i, c := range conns {
		if _, err := c.Write([]byte("PING\r\n")); err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
	}
	buf := make([]byte, 7)
	for i, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if n, err := readFull(c, buf); err != nil || string(buf[:n]) != "+PONG\r\n" {
			t.Fatalf("connection %d: PING got %q, %v", i, buf[:n], err)
		}
		_ = c.SetReadDeadline(time.Time{})
	}
	return conns
}

// Thousands of idle connections cost little memory each and do not slow
// others down.
func TestIdleConnections(t *testing.T) {
	for _, srv := range servers() {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			w := watch(t, s)
			conns := dialMany(t, s.Addr, *idleConns)
			time.Sleep(300 * time.Millisecond) // the watcher pings with all of them open
			// Bound: 64 KiB per idle connection (goroutine stack, read
			// buffer, client state; kernel socket memory is not in RSS).
			r := w.finish(limits{rss: int64(len(conns)) * 64 << 10}.forServer(srv.name))
			t.Logf("%d idle connections: %.1f KiB of RSS each", len(conns), float64(r.rssGrowth)/float64(len(conns))/1024)
			for _, c := range conns {
				c.Close()
			}
			checkAlive(t, s)
		})
	}
}

// At maxclients the next connection gets Redis's error and is closed;
// once clients leave, new ones are accepted again.
func TestMaxClients(t *testing.T) {
	for _, srv := range servers() {
		t.Run(srv.name, func(t *testing.T) {
			const maxClients = 300
			s := srv.start(t, "--maxclients", "300")
			conns := dialMany(t, s.Addr, maxClients)
			c, err := net.DialTimeout("tcp", s.Addr, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			want := "-ERR max number of clients reached\r\n"
			buf := make([]byte, 128)
			n, _ := readFull(c, buf[:len(want)])
			if string(buf[:n]) != want {
				t.Fatalf("connection over maxclients: got %q, want %q", buf[:n], want)
			}
			if m, err := c.Read(buf); m != 0 || err == nil {
				t.Fatalf("connection over maxclients after the error: got %q, %v; want it closed", buf[:m], err)
			}
			// Free ten slots: new clients get in.
			for _, c := range conns[:10] {
				c.Close()
			}
			deadline := time.Now().Add(5 * time.Second)
			for {
				c, err := testutil.DialErr(t, s.Addr)
				if err == nil {
					r, err := c.DoErr("PING")
					c.Close()
					if err == nil && string(r) == "+PONG\r\n" {
						break
					}
				}
				if time.Now().After(deadline) {
					t.Fatal("no connection accepted after clients left")
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}
