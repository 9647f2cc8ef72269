package hostile

import (
	"math/rand/v2"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// bigValue is 1 MiB that compression cannot shrink.
func bigValue() string {
	rnd := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, 1<<20)
	for i := range b {
		b[i] = byte('a' + rnd.IntN(26))
	}
	return string(b)
}

// nonReader connects and sends GET big over and over without ever reading
// a reply, until stop is closed. It returns the connection (for the
// caller to close).
func nonReader(t *testing.T, addr string, stop <-chan struct{}) net.Conn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	req := []byte(strings.Repeat("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n", 64))
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			// The server stops reading once its replies back up: the
			// write then blocks until the deadline, and is retried.
			_ = nc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
			if _, err := nc.Write(req); err != nil && !isTimeout(err) {
				return
			}
		}
	}()
	return nc
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// A client asking for a 1 MiB value over and over and never reading the
// replies: with the default (unlimited) output buffer limit for normal
// clients, Redis buffers every reply, without bound; Vesta stops reading
// from that client while its replies back up, so its memory stays bounded.
func TestNonReadingClient(t *testing.T) {
	s := testutil.StartVesta(t)
	c := testutil.Dial(t, s.Addr)
	c.Do("SET", "big", bigValue())
	w := watch(t, s)
	stop := make(chan struct{})
	nonReader(t, s.Addr, stop)
	time.Sleep(2 * time.Second)
	close(stop)
	w.finish(limits{rss: 64 << 20})
	checkAlive(t, s)
}

// With an output buffer limit for normal clients, or with timeout, a
// client that never reads is disconnected, as Redis does. The client names
// itself, then sends 64 GETs of a 1 MiB value and never reads: more than
// the output buffer limit, and then it is idle.
func TestNonReadingClientDisconnected(t *testing.T) {
	cases := []struct {
		name string
		args []string
		bug  string
	}{
		{"client-output-buffer-limit", []string{"--client-output-buffer-limit", "normal", "4mb", "2mb", "1"}, ""},
		{"client-output-buffer-limit-one-arg", []string{"--client-output-buffer-limit", "normal 4mb 2mb 1"}, ""},
		{"timeout", []string{"--timeout", "1"}, ""},
	}
	for _, srv := range servers() {
		for _, tc := range cases {
			t.Run(srv.name+"/"+tc.name, func(t *testing.T) {
				if srv.name == "vesta" && tc.bug != "" {
					knownBug(t, tc.bug)
				}
				s := srv.start(t, tc.args...)
				c := testutil.Dial(t, s.Addr)
				c.Do("SET", "big", bigValue())
				c.Close()
				nc := testutil.Dial(t, s.Addr)
				if r := string(nc.Do("CLIENT", "SETNAME", "nonreader")); r != "+OK\r\n" {
					t.Fatalf("CLIENT SETNAME: got %q", r)
				}
				nc.WriteRaw([]byte(strings.Repeat("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n", 64)))
				start := time.Now()
				for listed(t, s.Addr, "name=nonreader ") {
					if time.Since(start) > 10*time.Second {
						t.Fatalf("the client that never reads is still connected after 10 s")
					}
					time.Sleep(50 * time.Millisecond)
				}
				t.Logf("the client that never reads was disconnected after %v", time.Since(start).Round(time.Millisecond))
			})
		}
	}
}

// listed reports whether CLIENT LIST, read on a fresh connection (timeout
// would close an idle one), contains s.
func listed(t *testing.T, addr, s string) bool {
	t.Helper()
	c := testutil.Dial(t, addr)
	defer c.Close()
	return strings.Contains(string(c.Do("CLIENT", "LIST")), s)
}
