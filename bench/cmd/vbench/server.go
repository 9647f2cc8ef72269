package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// errNotReady reports a server that did not answer PING in time.
var errNotReady = errors.New("vbench: server not ready")

// target is one of the two servers under comparison.
type target struct {
	Name string // "vesta" or "redis"
	Bin  string // path of the executable
}

// server is a running vesta-server or redis-server on a loopback port.
type server struct {
	target
	Port  int
	Dir   string
	Log   string
	cmd   *exec.Cmd
	done  chan struct{}
	Start time.Time
	Ready time.Duration // from exec to the first PONG
}

// Addr returns host:port.
func (s *server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.Port) }

// Pid returns the process id.
func (s *server) Pid() int { return s.cmd.Process.Pid }

// running tracks live servers so that an interrupted run stops them.
var running = struct {
	sync.Mutex
	m map[*server]bool
}{m: map[*server]bool{}}

// freePort returns a loopback TCP port that nothing listens on right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startServer runs t with its data in dir (created if missing) and extra
// directives (such as the persistence settings), and waits up to timeout
// until it answers PING with PONG; a server still loading its data answers
// -LOADING and is waited for. Its output goes to dir + ".log".
func startServer(t target, dir string, timeout time.Duration, extra ...string) (*server, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--daemonize", "no", "--enable-debug-command", "yes",
	}
	args = append(args, extra...)
	s := &server{target: t, Port: port, Dir: dir, Log: filepath.Clean(dir) + ".log", done: make(chan struct{})}
	logf, err := os.Create(s.Log)
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(t.Bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	s.Start = time.Now()
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("vbench: start %s: %w", t.Name, err)
	}
	go func() { s.cmd.Wait(); logf.Close(); close(s.done) }()
	running.Lock()
	running.m[s] = true
	running.Unlock()
	if err := s.waitReady(timeout); err != nil {
		s.stop()
		return nil, fmt.Errorf("%w (%s, see %s): %v", errNotReady, t.Name, s.Log, err)
	}
	return s, nil
}

// waitReady polls PING until the reply is PONG.
func (s *server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("exited: %v", s.cmd.ProcessState)
		default:
		}
		c, err := dial(s.Addr())
		if err == nil {
			for time.Now().Before(deadline) {
				r, err := c.doTimeout(5*time.Second, "PING")
				if err != nil {
					last = err
					break
				}
				if r.Kind == '+' && r.Str == "PONG" {
					s.Ready = time.Since(s.Start)
					c.Close()
					return nil
				}
				last = fmt.Errorf("PING: %s", r.Str)
				time.Sleep(2 * time.Millisecond)
			}
			c.Close()
		} else {
			last = err
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("no PONG after %v: %v", timeout, last)
}

// stop sends SIGTERM, waits up to 60 s for the process to exit and kills
// it after that.
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(60 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	running.Lock()
	delete(running.m, s)
	running.Unlock()
}

// stopAll stops every server this process started; it is called on
// interrupt.
func stopAll() {
	running.Lock()
	var all []*server
	for s := range running.m {
		all = append(all, s)
	}
	running.Unlock()
	for _, s := range all {
		s.stop()
	}
}

// do runs one command on a fresh connection.
func (s *server) do(args ...string) (reply, error) {
	c, err := dial(s.Addr())
	if err != nil {
		return reply{}, err
	}
	defer c.Close()
	return c.doTimeout(10*time.Minute, args...)
}

// info returns field from INFO section, or "" if absent.
func (s *server) info(section, field string) string {
	r, err := s.do("INFO", section)
	if err != nil || r.Kind != '$' {
		return ""
	}
	return infoField(r.Str, field)
}

// unsupported reports why r shows that the server lacks a command, or ""
// if r is not such an error.
func unsupported(r reply) string {
	if !r.isError() {
		return ""
	}
	msg := r.Str
	if strings.HasPrefix(msg, "ERR unknown command") || strings.HasPrefix(msg, "ERR Unknown subcommand") ||
		strings.Contains(msg, "not supported") || strings.Contains(msg, "not implemented") {
		return msg
	}
	return ""
}
