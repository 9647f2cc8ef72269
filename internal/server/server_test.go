package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/vfs"
)

// testServer runs a Server in-process on a loopback port.
type testServer struct {
	s    *Server
	addr string

	cancel context.CancelFunc
	done   chan struct{}
	runErr error

	mu    sync.Mutex
	props []string // what reached the propagation feed
}

func startServer(t *testing.T, mutate func(c *config.Config)) *testServer {
	t.Helper()
	return startServerFS(t, nil, mutate)
}

// startServerFS starts a server whose persistence I/O goes through fsys
// (nil: the OS).
func startServerFS(t *testing.T, fsys vfs.FS, mutate func(c *config.Config)) *testServer {
	t.Helper()
	cfg := config.Default()
	cfg.Save = nil
	cfg.EnableDebugCommand = config.ProtectedYes
	if mutate != nil {
		mutate(cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ts := &testServer{s: New(cfg, logger, nil), addr: ln.Addr().String()}
	ts.s.listeners = []net.Listener{ln}
	if fsys != nil {
		ts.s.eng.SetFS(fsys)
	}
	if cfg.AppendOnly {
		ts.done = make(chan struct{})
		ctx, cancel := context.WithCancel(context.Background())
		ts.cancel = cancel
		go func() {
			defer close(ts.done)
			ts.runErr = ts.s.Run(ctx)
		}()
		t.Cleanup(ts.stop)
		ts.waitReady(t)
		return ts
	}
	ts.s.stream.Attach(propRecorder{ts})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ts.s.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return ts
}

// propRecorder records what the stream propagates.
type propRecorder struct{ ts *testServer }

func (p propRecorder) Feed(db int, args [][]byte, _ time.Time) {
	ts := p.ts
	ts.mu.Lock()
	defer ts.mu.Unlock()
	parts := []string{}
	if db >= 0 {
		parts = append(parts, fmt.Sprintf("[%d]", db))
	}
	for _, a := range args {
		parts = append(parts, string(a))
	}
	ts.props = append(ts.props, strings.Join(parts, " "))
}

// stop shuts the server down (idempotent).
func (ts *testServer) stop() {
	if ts.cancel != nil {
		ts.cancel()
		<-ts.done
	}
}

// waitReady waits until loading finished (or Run failed).
func (ts *testServer) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-ts.done:
			return
		default:
		}
		ts.s.mu.Lock()
		ready := !ts.s.eng.Loading() && (!ts.s.cfg.AppendOnly || ts.s.eng.AOFOn())
		ts.s.mu.Unlock()
		if ready {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("server did not finish loading")
}

// waitBackground waits until no background job runs.
func (ts *testServer) waitBackground(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ts.s.mu.Lock()
		busy := ts.s.eng.Busy()
		ts.s.mu.Unlock()
		if !busy {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("background job did not finish")
}

func (ts *testServer) propagated() []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	out := append([]string(nil), ts.props...)
	ts.props = nil
	return out
}

// conn is a minimal RESP client returning replies in a compact text form.
type conn struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func (ts *testServer) dial(t *testing.T) *conn {
	t.Helper()
	c, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &conn{t: t, c: c, r: bufio.NewReader(c)}
}

func (c *conn) send(args ...string) {
	c.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := c.c.Write([]byte(b.String())); err != nil {
		c.t.Fatal(err)
	}
}

// read returns one reply: "+OK", "-ERR …", ":1", "$v" (bulk v), "nil",
// "[a b]" for arrays.
func (c *conn) read() string {
	c.t.Helper()
	_ = c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	line = strings.TrimRight(line, "\r\n")
	switch line[0] {
	case '+', '-', ':':
		return line
	case '_':
		return "nil"
	case '$':
		var n int
		fmt.Sscan(line[1:], &n)
		if n < 0 {
			return "nil"
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, buf); err != nil {
			c.t.Fatal(err)
		}
		return "$" + string(buf[:n])
	case '*', '>', '%', '~':
		var n int
		fmt.Sscan(line[1:], &n)
		if n < 0 {
			return "nil"
		}
		if line[0] == '%' {
			n *= 2
		}
		parts := make([]string, n)
		for i := range parts {
			parts[i] = c.read()
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	c.t.Fatalf("unexpected reply %q", line)
	return ""
}

func (c *conn) do(args ...string) string {
	c.t.Helper()
	c.send(args...)
	return c.read()
}

func (c *conn) expect(want string, args ...string) {
	c.t.Helper()
	if got := c.do(args...); got != want {
		c.t.Fatalf("%v: got %q, want %q", args, got, want)
	}
}

func TestMultiExec(t *testing.T) {
	ts := startServer(t, nil)
	a, b := ts.dial(t), ts.dial(t)
	a.expect("+OK", "MULTI")
	a.expect("+QUEUED", "SET", "k", "1")
	a.expect("+QUEUED", "INCR", "k")
	a.expect("[+OK :2]", "EXEC")
	a.expect("-ERR EXEC without MULTI", "EXEC")

	// A queue-time error aborts the transaction.
	a.expect("+OK", "MULTI")
	a.expect("-ERR unknown command 'NOSUCH', with args beginning with: ", "NOSUCH")
	a.expect("+QUEUED", "INCR", "k")
	a.expect("-EXECABORT Transaction discarded because of previous errors.", "EXEC")
	b.expect("$2", "GET", "k")

	// WATCH: another client's write makes EXEC fail.
	a.expect("+OK", "WATCH", "k")
	b.expect(":3", "INCR", "k")
	a.expect("+OK", "MULTI")
	a.expect("+QUEUED", "INCR", "k")
	a.expect("nil", "EXEC")
	b.expect("$3", "GET", "k")

	// WATCH of an untouched key lets EXEC through; FLUSHALL invalidates.
	a.expect("+OK", "WATCH", "k")
	a.expect("+OK", "MULTI")
	a.expect("+QUEUED", "INCR", "k")
	a.expect("[:4]", "EXEC")
	a.expect("+OK", "WATCH", "k")
	b.expect("+OK", "FLUSHALL")
	a.expect("+OK", "MULTI")
	a.expect("+QUEUED", "INCR", "k")
	a.expect("nil", "EXEC")
	// A watched key that expires makes EXEC fail too.
	b.expect("+OK", "SET", "t", "v", "PX", "30")
	a.expect("+OK", "WATCH", "t")
	time.Sleep(50 * time.Millisecond)
	a.expect("+OK", "MULTI")
	a.expect("+QUEUED", "SET", "z", "1")
	a.expect("nil", "EXEC")
}

func TestPropagationWrapping(t *testing.T) {
	ts := startServer(t, nil)
	a := ts.dial(t)
	a.expect("+OK", "SET", "a", "1")
	a.expect("+OK", "MULTI")
	a.expect("+QUEUED", "SET", "b", "2")
	a.expect("+QUEUED", "INCR", "a")
	a.expect("+QUEUED", "GET", "a")
	a.expect("[+OK :2 $2]", "EXEC")
	a.expect("+OK", "MULTI")
	a.expect("+QUEUED", "INCR", "a")
	a.expect("+QUEUED", "GET", "missing")
	a.expect("[:3 nil]", "EXEC")
	a.expect("+OK", "SELECT", "3")
	a.expect("+OK", "SET", "x", "1", "PX", "1")
	time.Sleep(5 * time.Millisecond)
	a.expect("+OK", "SET", "x", "2") // lazily expires x first
	a.expect("nil", "GET", "gone")
	got := ts.propagated()
	want := []string{
		"[0] SET a 1",
		"[0] MULTI", "[0] SET b 2", "[0] INCR a", "EXEC",
		"[0] INCR a",
		"[3] SET x 1 PXAT",
		"[3] MULTI", "[3] DEL x", "[3] SET x 2", "EXEC",
	}
	if len(got) != len(want) {
		t.Fatalf("propagated %q, want %q", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Fatalf("propagated[%d] = %q, want %q (all: %q)", i, got[i], want[i], got)
		}
	}
}

func TestPubSub(t *testing.T) {
	ts := startServer(t, nil)
	sub, pub := ts.dial(t), ts.dial(t)
	sub.expect("[$subscribe $news :1]", "SUBSCRIBE", "news")
	sub.expect("[$psubscribe $n* :2]", "PSUBSCRIBE", "n*")
	sub.expect("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", "GET", "x")
	sub.expect("[$pong $]", "PING")
	pub.expect(":2", "PUBLISH", "news", "hello")
	if got := sub.read(); got != "[$message $news $hello]" {
		t.Fatalf("got %q", got)
	}
	if got := sub.read(); got != "[$pmessage $n* $news $hello]" {
		t.Fatalf("got %q", got)
	}
	pub.expect("[$news :1 $other :0]", "PUBSUB", "NUMSUB", "news", "other")
	pub.expect(":1", "PUBSUB", "NUMPAT")
	sub.expect("[$unsubscribe $news :1]", "UNSUBSCRIBE")
	sub.expect("[$punsubscribe $n* :0]", "PUNSUBSCRIBE")
	sub.expect("+OK", "SET", "x", "1")
	pub.expect(":0", "PUBLISH", "news", "again")

	// RESP3: messages are pushes and normal commands work while subscribed.
	r3 := ts.dial(t)
	if got := r3.do("HELLO", "3"); !strings.Contains(got, "$proto :3") {
		t.Fatalf("HELLO 3: %q", got)
	}
	r3.expect("[$subscribe $c :1]", "SUBSCRIBE", "c")
	r3.expect("$1", "GET", "x")
	pub.expect(":1", "PUBLISH", "c", "m")
	if got := r3.read(); got != "[$message $c $m]" {
		t.Fatalf("got %q", got)
	}
}

func TestAuthAndHello(t *testing.T) {
	ts := startServer(t, func(c *config.Config) { c.RequirePass = "secret" })
	a := ts.dial(t)
	a.expect("-NOAUTH Authentication required.", "GET", "x")
	a.expect("-WRONGPASS invalid username-password pair or user is disabled.", "AUTH", "nope")
	a.expect("+OK", "AUTH", "secret")
	a.expect("nil", "GET", "x")
	b := ts.dial(t)
	if got := b.do("HELLO", "3", "AUTH", "default", "secret", "SETNAME", "me"); !strings.Contains(got, "$proto :3") {
		t.Fatalf("HELLO 3 AUTH: %q", got)
	}
	b.expect("$me", "CLIENT", "GETNAME")
	b.expect("-NOPROTO unsupported protocol version", "HELLO", "4")
	c := ts.dial(t)
	// Before AUTH, oversized requests are protocol errors.
	c.send(strings.Split("a b c d e f g h i j k", " ")...)
	if got := c.read(); got != "-ERR Protocol error: unauthenticated multibulk length" {
		t.Fatalf("got %q", got)
	}
}

func TestDebugGate(t *testing.T) {
	ts := startServer(t, func(c *config.Config) { c.EnableDebugCommand = config.ProtectedNo })
	a := ts.dial(t)
	if got := a.do("DEBUG", "DIGEST"); !strings.HasPrefix(got, "-ERR DEBUG command not allowed") {
		t.Fatalf("got %q", got)
	}
}

// Ensure that every command has a summary for COMMAND DOCS (redis-cli shows
// them in its help).
func TestEveryCommandHasASummary(t *testing.T) {
	ts := startServer(t, nil)
	for _, sp := range ts.s.table.All() {
		if sp.Summary == "" && len(sp.Subcommands) == 0 {
			t.Errorf("%s has no summary", sp.Name)
		}
		for _, sub := range sp.Subcommands {
			if sub.Summary == "" {
				t.Errorf("%s has no summary", sub.Name)
			}
		}
	}
}
