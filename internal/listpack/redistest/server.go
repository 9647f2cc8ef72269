package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// Server is a running redis-server and one connection to it.
type Server struct {
	Port int
	cmd  *exec.Cmd
	conn net.Conn
	r    *bufio.Reader
}

// Start launches redis-server (or the binary named by $VESTA_REDIS_SERVER)
// on a free 127.0.0.1 port with a scratch dir and persistence off, plus any
// extra "--name value" arguments, and stops it when tb ends.
func Start(tb testing.TB, extra ...string) *Server {
	tb.Helper()
	bin := os.Getenv("VESTA_REDIS_SERVER")
	if bin == "" {
		bin = "redis-server"
	}
	if _, err := exec.LookPath(bin); err != nil {
		tb.Skipf("redistest: %s not found: %v", bin, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("redistest: pick a port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	args := []string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--dir", tb.TempDir(), "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--enable-debug-command", "yes",
	}
	args = append(args, extra...)
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		tb.Fatalf("redistest: start %s: %v", bin, err)
	}
	s := &Server{Port: port, cmd: cmd}
	tb.Cleanup(func() {
		if s.conn != nil {
			s.conn.Close()
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil {
			s.conn, s.r = c, bufio.NewReader(c)
			if _, err := s.Do("PING"); err == nil {
				return s
			}
			c.Close()
		}
		if time.Now().After(deadline) {
			tb.Fatalf("redistest: redis-server on port %d did not answer: %v", port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ErrReply is wrapped by errors that Redis itself returned.
var ErrReply = errors.New("redistest: error reply")

// Do sends one command and returns its reply: string for simple and bulk
// strings, int64, nil, []any, or an error wrapping ErrReply.
func (s *Server) Do(args ...string) (any, error) {
	buf := fmt.Appendf(nil, "*%d\r\n", len(args))
	for _, a := range args {
		buf = fmt.Appendf(buf, "$%d\r\n%s\r\n", len(a), a)
	}
	if err := s.conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return nil, err
	}
	if _, err := s.conn.Write(buf); err != nil {
		return nil, err
	}
	return s.read()
}

func (s *Server) read() (any, error) {
	line, err := s.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 {
		return nil, fmt.Errorf("redistest: short reply line %q", line)
	}
	body := line[1 : len(line)-2]
	switch line[0] {
	case '+':
		return body, nil
	case '-':
		return nil, fmt.Errorf("%w: %s", ErrReply, body)
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return nil, err
		}
		b := make([]byte, n+2)
		if _, err := readFull(s.r, b); err != nil {
			return nil, err
		}
		return string(b[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return nil, err
		}
		out := make([]any, n)
		for i := range out {
			if out[i], err = s.read(); err != nil && !errors.Is(err, ErrReply) {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("redistest: unknown reply type %q", line)
}

func readFull(r *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Dump runs DUMP key and decodes the payload with [ParseDump].
func (s *Server) Dump(key string) (typ byte, blobs [][]byte, err error) {
	rep, err := s.Do("DUMP", key)
	if err != nil {
		return 0, nil, err
	}
	p, ok := rep.(string)
	if !ok {
		return 0, nil, fmt.Errorf("redistest: DUMP %s returned %v", key, rep)
	}
	return ParseDump([]byte(p))
}
