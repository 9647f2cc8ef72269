package testutil

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestMain(m *testing.M) { Main(m) }

// Ensure that StartVesta gives a reachable server with the promised
// defaults, that Restart keeps port and directory, and that Kill is a crash.
func TestStartVestaRestartKill(t *testing.T) {
	s := StartVesta(t)
	c := Dial(t, s.Addr)
	if got := string(c.Do("PING")); got != "+PONG\r\n" {
		t.Fatalf("PING: got %q, want +PONG", got)
	}
	dir := c.DoValue("CONFIG", "GET", "dir").([]any)
	if len(dir) != 2 || !sameDir(dir[1].(string), s.Dir) {
		t.Fatalf("CONFIG GET dir: got %v, want %s", dir, s.Dir)
	}
	if got := c.DoValue("CONFIG", "GET", "save").([]any); got[1] != "" {
		t.Fatalf("CONFIG GET save: got %q, want empty", got[1])
	}
	port, pid := s.Port, s.PID
	s.Restart()
	if s.Port != port || s.PID == pid {
		t.Fatalf("Restart: port %d pid %d, want port %d and a new pid", s.Port, s.PID, port)
	}
	c = Dial(t, s.Addr)
	if got := string(c.Do("PING")); got != "+PONG\r\n" {
		t.Fatalf("PING after restart: got %q", got)
	}
	s.Kill()
	if s.Running() {
		t.Fatal("server still running after Kill")
	}
	if err := syscall.Kill(pid, 0); err == nil && processExists(s.PID) {
		t.Fatalf("process %d still exists after Kill", s.PID)
	}
	if !strings.Contains(s.Log(), "### testutil: starting") {
		t.Fatalf("log lacks the start marker: %q", s.Log())
	}
}

// Ensure that a server whose port is taken is started on another one when
// the port was chosen by the harness, and that the failure of a fixed port
// is reported with the log.
func TestStartRetriesTakenPort(t *testing.T) {
	first := StartVesta(t)
	s := &Server{Name: "vesta", Bin: BuildVesta(t), Dir: t.TempDir(), t: t, log: &syncBuffer{},
		spec: Spec{Name: "vesta", Bin: BuildVesta(t)}}
	s.Port = first.Port
	err := s.launch()
	if err == nil {
		s.Stop()
		t.Fatal("launch on a taken port succeeded")
	}
	if !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("got %v, want an address-in-use error", err)
	}
}

func TestStartRedisAndTools(t *testing.T) {
	r := StartRedis(t, "--enable-debug-command", "yes")
	c := Dial(t, r.Addr)
	if got := string(c.Do("SET", "k", "v")); got != "+OK\r\n" {
		t.Fatalf("SET: got %q", got)
	}
	out, err := RedisCLI(t, r.Port, "GET", "k")
	if err != nil || out != "v\n" {
		t.Fatalf("redis-cli GET: got %q, %v; want \"v\\n\"", out, err)
	}
	rc := GoRedis(t, r.Addr)
	if v, err := rc.Get(context.Background(), "k").Result(); err != nil || v != "v" {
		t.Fatalf("go-redis GET: got %q, %v", v, err)
	}
	if code := r.Stop(); code != 0 {
		t.Fatalf("redis-server exit code after SIGTERM: got %d, want 0", code)
	}
}

// Ensure that the raw client pipelines, reads RESP3 and reports closes.
func TestConnPipelineAndResp3(t *testing.T) {
	s := StartVesta(t)
	c := Dial(t, s.Addr)
	for i := 0; i < 100; i++ {
		c.Send("SET", "k"+strconv.Itoa(i), strconv.Itoa(i))
	}
	for i := 0; i < 100; i++ {
		if got := string(c.ReadReply()); got != "+OK\r\n" {
			t.Fatalf("reply %d: got %q", i, got)
		}
	}
	hello := c.DoValue("HELLO", "3")
	m, ok := hello.(Map)
	if !ok {
		t.Fatalf("HELLO 3: got %#v, want a map", hello)
	}
	if proto, _ := m.Get("proto"); proto != int64(3) {
		t.Fatalf("HELLO 3 proto: got %#v, want 3", proto)
	}
	if got := string(c.Do("GET", "missing")); got != "_\r\n" {
		t.Fatalf("RESP3 null: got %q, want _", got)
	}
	c.Send("QUIT")
	if got := string(c.ReadReply()); got != "+OK\r\n" {
		t.Fatalf("QUIT: got %q", got)
	}
	c.ExpectClosed(5 * time.Second)
}

func TestGoRedisOptions(t *testing.T) {
	s := StartVesta(t)
	rc := GoRedisOptions(t, &redis.Options{Addr: s.Addr, Protocol: 3})
	if err := rc.Set(context.Background(), "a", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := rc.Incr(context.Background(), "a").Result(); err != nil || n != 2 {
		t.Fatalf("INCR: got %d, %v; want 2", n, err)
	}
}

func TestRSS(t *testing.T) {
	n, err := RSS(os.Getpid())
	if err != nil || n <= 0 {
		t.Fatalf("RSS: got %d, %v", n, err)
	}
	peak, err := PeakRSS(os.Getpid())
	if err != nil || peak < n {
		t.Fatalf("PeakRSS: got %d, %v (RSS %d)", peak, err, n)
	}
}

func TestRequireToolPresent(t *testing.T) {
	if p := RequireTool(t, "sh"); p == "" {
		t.Fatal("RequireTool(sh) returned an empty path")
	}
}

func TestEscapeQuote(t *testing.T) {
	cases := []struct{ in, esc, quote string }{
		{"plain", "plain", "plain"},
		{"a b", "a b", `"a b"`},
		{"\r\n\x00\\", `\r\n\x00\\`, `"\r\n\x00\\"`},
		{"", "", `""`},
	}
	for _, tc := range cases {
		if got := Escape([]byte(tc.in)); got != tc.esc {
			t.Errorf("Escape(%q): got %q, want %q", tc.in, got, tc.esc)
		}
		if got := Quote(tc.in); got != tc.quote {
			t.Errorf("Quote(%q): got %q, want %q", tc.in, got, tc.quote)
		}
	}
}

func sameDir(a, b string) bool {
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	return err1 == nil && err2 == nil && ra == rb
}

func processExists(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// A zombie is gone for our purposes.
	f := strings.Fields(string(data))
	return len(f) > 2 && f[2] != "Z"
}

// Ensure that push messages arrive as frames of their own (RESP3) and as
// arrays (RESP2), for both servers.
func TestConnPushMessages(t *testing.T) {
	for _, start := range []func(testing.TB, ...string) *Server{StartVesta, StartRedis} {
		s := start(t)
		sub, pub := Dial(t, s.Addr), Dial(t, s.Addr)
		sub.Do("HELLO", "3")
		v := sub.DoValue("SUBSCRIBE", "ch")
		want := Push{"subscribe", "ch", int64(1)}
		if !equalValues(v, want) {
			t.Fatalf("%s SUBSCRIBE over RESP3: got %#v, want %#v", s.Name, v, want)
		}
		if got := string(pub.Do("PUBLISH", "ch", "hi")); got != ":1\r\n" {
			t.Fatalf("%s PUBLISH: got %q", s.Name, got)
		}
		if got := string(sub.ReadReply()); got != ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n" {
			t.Fatalf("%s message push: got %q", s.Name, got)
		}
		// In RESP3 a subscribed client may still run other commands.
		if got := string(sub.Do("PING")); got != "+PONG\r\n" {
			t.Fatalf("%s PING while subscribed: got %q", s.Name, got)
		}
	}
}

// Ensure that TryStart reports a server that refuses to start with its
// exit status and log instead of failing the test.
func TestTryStartRefused(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dump.rdb"), []byte("REDIS0010\xfe"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := TryStart(t, Spec{Name: "vesta", Bin: BuildVesta(t), Args: []string{"--dir", dir}})
	if err == nil {
		t.Fatalf("started on a damaged dump.rdb:\n%s", s.Log())
	}
	if s.Running() || s.ExitCode() <= 0 || !strings.Contains(s.Log(), "dump.rdb") {
		t.Fatalf("got running %v, exit status %d, log:\n%s\nwant an exit status > 0 and a log naming dump.rdb", s.Running(), s.ExitCode(), s.Log())
	}
}
