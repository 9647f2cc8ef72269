package testutil

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Timeouts used when starting and stopping servers.
const (
	// StartTimeout bounds the wait for a started server to answer PING.
	StartTimeout = 30 * time.Second
	// StopTimeout is how long Stop waits after SIGTERM before SIGKILL.
	StopTimeout = 10 * time.Second
	// portAttempts is how many ports are tried when the chosen one turns
	// out to be taken (another process grabbed it first).
	portAttempts = 8
)

// Spec describes a server process for [Start].
type Spec struct {
	// Name labels the server in messages ("vesta", "redis").
	Name string
	// Bin is the program to run.
	Bin string
	// Args are passed after the optional config file. A first argument
	// that does not start with "--" is a config file (or "-" for stdin)
	// and stays first.
	Args []string
	// Stdin is the process's standard input (for "-").
	Stdin []byte
	// Quiet keeps the server's log out of the test output when the test
	// fails: for tests that start many servers and report the log of the
	// one that matters themselves.
	Quiet bool
}

// Server is a running vesta-server or redis-server process on loopback.
type Server struct {
	Name string
	Bin  string
	// Addr is "127.0.0.1:<Port>".
	Addr string
	Port int
	// Dir is the data directory (--dir), kept across restarts.
	Dir string
	// PID is the process id of the current run.
	PID int

	t     testing.TB
	spec  Spec
	log   *syncBuffer
	cmd   *exec.Cmd
	done  chan struct{} // closed when the current process has exited
	state *os.ProcessState
}

// StartVesta builds (once) and starts vesta-server; see [Start].
func StartVesta(t testing.TB, args ...string) *Server {
	t.Helper()
	return Start(t, Spec{Name: "vesta", Bin: BuildVesta(t), Args: args})
}

// StartRedis starts Debian's redis-server; see [Start]. It skips the test
// when redis-server is missing, unless CI=true.
func StartRedis(t testing.TB, args ...string) *Server {
	t.Helper()
	return Start(t, Spec{Name: "redis", Bin: RequireTool(t, "redis-server"), Args: args})
}

// Start runs a server on a free loopback port with a fresh temporary
// directory as --dir, `--bind 127.0.0.1` and `--save ""`, unless Args set
// those directives themselves. It waits until the server answers PING and
// stops it when the test ends. When the port turns out to be taken, it
// retries on another one.
func Start(t testing.TB, spec Spec) *Server {
	t.Helper()
	s, err := TryStart(t, spec)
	if err != nil {
		t.Fatalf("testutil: starting %s: %v\n--- %s log ---\n%s", s.Name, err, s.Name, s.Log())
	}
	return s
}

// TryStart is [Start] for a server that may refuse to start, such as one
// given a damaged data directory: instead of failing the test it returns
// the error, and the returned Server's ExitCode and Log tell how the
// process ended. Unlike Start it may be called from any goroutine (build
// the binary first: [BuildVesta] fails the test on errors).
func TryStart(t testing.TB, spec Spec) (*Server, error) {
	s := &Server{Name: spec.Name, Bin: spec.Bin, Dir: t.TempDir(), t: t, spec: spec, log: &syncBuffer{}}
	t.Cleanup(s.cleanup)
	fixedPort := hasFlag(spec.Args, "port")
	if fixedPort {
		s.Port, _ = strconv.Atoi(flagValue(spec.Args, "port"))
	}
	var err error
	for attempt := 0; attempt < portAttempts; attempt++ {
		if !fixedPort {
			if s.Port, err = FreePort(); err != nil {
				return s, err
			}
		}
		err = s.launch()
		if err == nil || fixedPort || !errors.Is(err, errAddrInUse) {
			break
		}
	}
	return s, err
}

var errAddrInUse = errors.New("address already in use")

// FreePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("testutil: finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// argv builds the command line: config file first, then our defaults for
// what the caller did not set, then the caller's options.
func (s *Server) argv() []string {
	args := s.spec.Args
	var out []string
	if len(args) > 0 && !strings.HasPrefix(args[0], "--") {
		out = append(out, args[0])
		args = args[1:]
	}
	if !hasFlag(args, "port") {
		out = append(out, "--port", strconv.Itoa(s.Port))
	}
	if !hasFlag(args, "bind") {
		out = append(out, "--bind", "127.0.0.1")
	}
	if !hasFlag(args, "dir") {
		out = append(out, "--dir", s.Dir)
	}
	if !hasFlag(args, "save") {
		out = append(out, "--save", "")
	}
	return append(out, args...)
}

// launch starts the process and waits until it answers.
func (s *Server) launch() error {
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port))
	mark := s.log.Len()
	cmd := exec.Command(s.Bin, s.argv()...)
	cmd.Dir = s.Dir
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if s.spec.Stdin != nil {
		cmd.Stdin = bytes.NewReader(s.spec.Stdin)
	}
	// The server dies with the test process even if cleanup never runs
	// (a test binary killed by -timeout).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	fmt.Fprintf(s.log, "### testutil: starting %s %q\n", s.Bin, cmd.Args[1:])
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd, s.PID, s.state = cmd, cmd.Process.Pid, nil
	done := make(chan struct{})
	s.done = done
	go func() {
		_ = cmd.Wait()
		s.state = cmd.ProcessState
		close(done)
	}()
	if err := s.waitReady(); err != nil {
		s.Kill()
		if strings.Contains(strings.ToLower(s.log.String()[mark:]), "address already in use") {
			return fmt.Errorf("%w: port %d: %v", errAddrInUse, s.Port, err)
		}
		return err
	}
	return nil
}

// waitReady polls with PING until any reply other than -LOADING arrives
// (-NOAUTH and -DENIED mean the server is up).
func (s *Server) waitReady() error {
	deadline := time.Now().Add(StartTimeout)
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, 100*time.Millisecond) {
		select {
		case <-s.done:
			return fmt.Errorf("%s exited during startup (%v)", s.Name, s.state)
		default:
		}
		// The reply must come from our process: when the port was
		// taken by someone else, ours is about to exit.
		if ping(s.Addr) && listensOn(s.PID, s.Port) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer PING on %s within %v", s.Name, s.Addr, StartTimeout)
		}
		// A process that exits is noticed at once, not at the next poll.
		select {
		case <-s.done:
		case <-time.After(delay):
		}
	}
}

func ping(addr string) bool {
	nc, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := nc.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return false
	}
	reply, err := ReadFrame(bufio.NewReader(nc))
	return err == nil && !bytes.HasPrefix(reply, []byte("-LOADING"))
}

// Log returns everything the server processes printed so far, across
// restarts, each run introduced by a "### testutil: starting" line.
func (s *Server) Log() string { return s.log.String() }

// Running reports whether the current process has not exited yet.
func (s *Server) Running() bool {
	if s.done == nil {
		return false
	}
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// Signal sends sig to the server process.
func (s *Server) Signal(sig os.Signal) error {
	if !s.Running() {
		return errors.New("testutil: server is not running")
	}
	return s.cmd.Process.Signal(sig)
}

// Wait waits up to d for the process to exit and reports whether it did.
func (s *Server) Wait(d time.Duration) bool {
	if s.done == nil {
		return true
	}
	select {
	case <-s.done:
		return true
	case <-time.After(d):
		return false
	}
}

// ExitCode returns the exit status of the last run once it has exited:
// -1 when it was killed by a signal or is still running.
func (s *Server) ExitCode() int {
	if s.Running() || s.state == nil {
		return -1
	}
	return s.state.ExitCode()
}

// Stop ends the server with SIGTERM, and SIGKILL if it has not exited after
// StopTimeout. It returns the exit code (-1 after SIGKILL).
func (s *Server) Stop() int {
	if !s.Running() {
		return s.ExitCode()
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	if !s.Wait(StopTimeout) {
		s.t.Logf("testutil: %s (pid %d) ignored SIGTERM for %v; killing it", s.Name, s.PID, StopTimeout)
		s.Kill()
	}
	return s.ExitCode()
}

// Kill ends the server with SIGKILL and waits for it: a crash, as far as
// persistence is concerned.
func (s *Server) Kill() {
	if !s.Running() {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
}

// Restart stops the server (SIGTERM) and starts it again on the same port
// with the same directory. With no args it reuses the previous ones.
func (s *Server) Restart(args ...string) {
	s.t.Helper()
	s.Stop()
	if len(args) > 0 {
		s.spec.Args = args
	}
	s.StartAgain()
}

// StartAgain starts a stopped or killed server on its port and directory
// without stopping it first (the caller already did).
func (s *Server) StartAgain() {
	s.t.Helper()
	var err error
	for attempt := 0; attempt < portAttempts; attempt++ {
		if err = s.launch(); err == nil || !errors.Is(err, errAddrInUse) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("testutil: restarting %s: %v\n--- %s log ---\n%s", s.Name, err, s.Name, s.Log())
	}
}

func (s *Server) cleanup() {
	s.Stop()
	if s.t.Failed() && !s.spec.Quiet {
		log := s.Log()
		if len(log) > 8192 {
			log = "..." + log[len(log)-8192:]
		}
		s.t.Logf("--- %s log (pid %d, port %d) ---\n%s", s.Name, s.PID, s.Port, log)
	}
}

// hasFlag reports whether args set the directive --name.
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if strings.EqualFold(a, "--"+name) {
			return true
		}
	}
	return false
}

func flagValue(args []string, name string) string {
	for i, a := range args {
		if strings.EqualFold(a, "--"+name) && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a
// process's stdout and stderr copiers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Len()
}
