package digest_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// redisServer is a scratch redis-server process for interop tests.
type redisServer struct {
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
}

// startRedis starts redis-server 7.0 on a free loopback port in a temporary
// directory and returns a connection to it. It skips the test when
// redis-server is missing or not version 7.0, unless CI=true, where that is
// a failure.
func startRedis(t *testing.T) *redisServer {
	t.Helper()
	unavailable := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		unavailable("redis-server not found: %v", err)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		unavailable("redis-server --version: %v", err)
	}
	if !strings.Contains(string(out), " v=7.0.") {
		unavailable("need redis-server 7.0.x, have %q", strings.TrimSpace(string(out)))
	}

	var lastErr error
	for range 5 {
		rs, err := tryStartRedis(t, bin)
		if err == nil {
			return rs
		}
		lastErr = err
	}
	t.Fatalf("start redis-server: %v", lastErr)
	return nil
}

// tryStartRedis makes one attempt; the port may be taken between choosing it
// and the server binding it, so the caller retries.
func tryStartRedis(t *testing.T, bin string) (*redisServer, error) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	dir := t.TempDir()
	logFile, err := os.Create(filepath.Join(dir, "redis.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(bin,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--enable-debug-command", "yes",
		"--daemonize", "no", "--databases", "16")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop := func() {
		cmd.Process.Kill()
		<-exited
	}

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-exited:
			log, _ := os.ReadFile(logFile.Name())
			return nil, fmt.Errorf("redis-server exited early: %s", log)
		default:
		}
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			rs := &redisServer{conn: conn, r: bufio.NewReader(conn), w: bufio.NewWriter(conn)}
			if _, err := rs.do("PING"); err == nil {
				t.Cleanup(func() {
					conn.Close()
					stop()
				})
				return rs, nil
			}
			conn.Close()
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("redis-server on %s did not answer: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// errReply is an error reply from the server.
type errReply string

func (e errReply) Error() string { return "redis: " + string(e) }

// do sends one command and returns its reply: string for simple and bulk
// strings, int64 for integers, nil for null, []any for arrays, or an
// errReply error.
func (rs *redisServer) do(args ...string) (any, error) {
	rs.conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(rs.w, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(rs.w, "$%d\r\n%s\r\n", len(a), a)
	}
	if err := rs.w.Flush(); err != nil {
		return nil, err
	}
	return rs.readReply()
}

// must is do for commands that are expected to succeed.
func (rs *redisServer) must(t *testing.T, args ...string) any {
	t.Helper()
	v, err := rs.do(args...)
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return v
}

// mustString is must for replies that are strings.
func (rs *redisServer) mustString(t *testing.T, args ...string) string {
	t.Helper()
	v := rs.must(t, args...)
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%q: got reply %#v, want a string", args, v)
	}
	return s
}

// mustStrings is must for replies that are arrays of strings.
func (rs *redisServer) mustStrings(t *testing.T, args ...string) []string {
	t.Helper()
	v := rs.must(t, args...)
	arr, ok := v.([]any)
	if !ok {
		t.Fatalf("%q: got reply %#v, want an array", args, v)
	}
	out := make([]string, len(arr))
	for i, e := range arr {
		if out[i], ok = e.(string); !ok {
			t.Fatalf("%q: element %d is %#v, want a string", args, i, e)
		}
	}
	return out
}

// mustInt is must for integer replies.
func (rs *redisServer) mustInt(t *testing.T, args ...string) int64 {
	t.Helper()
	v := rs.must(t, args...)
	n, ok := v.(int64)
	if !ok {
		t.Fatalf("%q: got reply %#v, want an integer", args, v)
	}
	return n
}

var errProtocol = errors.New("redis: protocol error")

func (rs *redisServer) readReply() (any, error) {
	line, err := rs.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 || !strings.HasSuffix(line, "\r\n") {
		return nil, fmt.Errorf("%w: line %q", errProtocol, line)
	}
	body := line[1 : len(line)-2]
	switch line[0] {
	case '+':
		return body, nil
	case '-':
		return nil, errReply(body)
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 {
			return nil, fmt.Errorf("%w: bulk length %q", errProtocol, body)
		}
		if n == -1 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rs.r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 {
			return nil, fmt.Errorf("%w: array length %q", errProtocol, body)
		}
		if n == -1 {
			return nil, nil
		}
		out := make([]any, n)
		for i := range out {
			v, err := rs.readReply()
			var er errReply
			if err != nil && !errors.As(err, &er) {
				return nil, err
			}
			out[i] = v
			if err != nil {
				out[i] = err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: reply type %q", errProtocol, line[0])
}
