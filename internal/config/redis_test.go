package config

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// realRedis is a redis-server started for a test, with a raw RESP client.
type realRedis struct {
	conn net.Conn
	r    *bufio.Reader
}

// redisServer returns the path of the reference redis-server. It skips the
// test when the binary is missing, except under CI=true where the
// differential tests are required.
func redisServer(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server not found and CI=true: %v", err)
		}
		t.Skip("redis-server not installed")
	}
	return bin
}

// startRedis starts the reference redis-server, with no configuration file,
// on a free loopback port.
func startRedis(t *testing.T) *realRedis {
	t.Helper()
	return startRedisFile(t, "")
}

// startRedisFile starts the reference redis-server with a configuration
// file (none when file is ""); the test's port, bind and dir options come
// after it and win.
func startRedisFile(t *testing.T, file string) *realRedis {
	t.Helper()
	bin := redisServer(t)
	for attempt := 0; attempt < 5; attempt++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		dir := t.TempDir()
		// Only what a test server needs: everything else keeps Redis's
		// built-in defaults, which TestDefaultsMatchRedis compares.
		args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir}
		if file != "" {
			args = append([]string{file}, args...)
		}
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		var conn net.Conn
		for i := 0; i < 100; i++ {
			conn, err = net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
			if err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if conn == nil {
			cmd.Process.Kill()
			continue
		}
		t.Cleanup(func() { conn.Close() })
		return &realRedis{conn: conn, r: bufio.NewReader(conn)}
	}
	t.Fatal("could not start redis-server")
	return nil
}

// send writes one command without reading the reply.
func (rr *realRedis) send(t *testing.T, args ...string) {
	t.Helper()
	if _, err := rr.conn.Write(appendCommand(nil, args...)); err != nil {
		t.Fatal(err)
	}
}

// appendCommand appends the RESP encoding of one command to buf.
func appendCommand(buf []byte, args ...string) []byte {
	buf = fmt.Appendf(buf, "*%d\r\n", len(args))
	for _, a := range args {
		buf = fmt.Appendf(buf, "$%d\r\n%s\r\n", len(a), a)
	}
	return buf
}

// reply reads one reply. Arrays come back as []any, bulk strings as string,
// errors as error.
func (rr *realRedis) reply(t *testing.T) any {
	t.Helper()
	v, err := readReply(rr.r)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// do sends a command and reads its reply.
func (rr *realRedis) do(t *testing.T, args ...string) any {
	t.Helper()
	rr.send(t, args...)
	return rr.reply(t)
}

func readReply(r *bufio.Reader) (any, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 {
		return nil, fmt.Errorf("short reply line %q", line)
	}
	body := line[1 : len(line)-2]
	switch line[0] {
	case '+':
		return body, nil
	case '-':
		return fmt.Errorf("%s", body), nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return nil, err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, max(n, 0))
		for i := 0; i < n; i++ {
			v, err := readReply(r)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected reply %q", line)
}
