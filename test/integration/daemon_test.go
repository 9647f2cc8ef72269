package integration

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// procStat returns the state letter and session id of a process.
func procStat(pid int) (state string, session int, ok bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", 0, false
	}
	// pid (comm) state ppid pgrp session ...
	rest := string(data[bytes.LastIndexByte(data, ')')+2:])
	f := strings.Fields(rest)
	session, _ = strconv.Atoi(f[3])
	return f[0], session, true
}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func pingOK(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	c.Write([]byte("PING\r\n"))
	buf := make([]byte, 16)
	n, _ := c.Read(buf)
	return string(buf[:n]) == "+PONG\r\n"
}

// Ensure that daemonize yes detaches: the command returns 0 once the server
// listens, the server runs in its own session with the pidfile written and
// its log in the logfile, and it removes the pidfile when stopped.
func TestDaemonize(t *testing.T) {
	bin := testutil.BuildVesta(t)
	dir := t.TempDir()
	port, err := testutil.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	pidfile, logfile := filepath.Join(dir, "vesta.pid"), filepath.Join(dir, "vesta.log")
	stdout, stderr, code := runBinary(t, bin, "", "--daemonize", "yes", "--port", strconv.Itoa(port),
		"--bind", "127.0.0.1", "--dir", dir, "--save", "", "--pidfile", pidfile, "--logfile", logfile)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatalf("pidfile: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatalf("pidfile holds %q", data)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	if _, session, ok := procStat(pid); !ok || session != pid {
		t.Errorf("the server (pid %d) is not a session leader: session %d", pid, session)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	waitFor(t, "PONG", func() bool { return pingOK(addr) })
	log, _ := os.ReadFile(logfile)
	if !strings.Contains(string(log), "Vesta is starting") {
		t.Errorf("the log file lacks the startup lines:\n%s", log)
	}
	if stdout+stderr != "" {
		t.Errorf("the parent printed %q", stdout+stderr)
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the server to exit", func() bool { _, _, ok := procStat(pid); return !ok })
	if _, err := os.Stat(pidfile); !os.IsNotExist(err) {
		t.Errorf("pidfile left behind: %v", err)
	}
}

// Ensure that a background server that cannot start makes the command fail.
func TestDaemonizeFailure(t *testing.T) {
	bin := testutil.BuildVesta(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	dir := t.TempDir()
	stdout, stderr, code := runBinary(t, bin, "", "--daemonize", "yes", "--port", strconv.Itoa(port),
		"--bind", "127.0.0.1", "--dir", dir, "--pidfile", filepath.Join(dir, "p"), "--logfile", filepath.Join(dir, "log"))
	if code != 1 || !strings.Contains(stdout+stderr, "exited while starting in the background") {
		t.Errorf("exit %d, output %q; want 1 and a message", code, stdout+stderr)
	}
}

// startSupervised runs vesta-server in the foreground with extra
// environment and returns the command and a channel closed when it exits.
func startSupervised(t *testing.T, env []string, args ...string) (*exec.Cmd, <-chan struct{}) {
	t.Helper()
	cmd := exec.Command(testutil.BuildVesta(t), args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("server output:\n%s", out.String())
		}
	})
	return cmd, done
}

// Ensure that Debian's redis-server.service can run vesta-server: its
// ExecStart line (the stock redis.conf, --supervised systemd --daemonize
// no) with $NOTIFY_SOCKET set sends what redis-server 7.0.15 sends:
// STATUS=... loading, STATUS=Ready to accept connections and READY=1, then
// STOPPING=1 on SIGTERM. systemd is not needed: the test listens on the
// notification socket itself.
func TestSupervisedSystemd(t *testing.T) {
	sockPath := filepath.Join(t.TempDir(), "notify.sock")
	sock, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sockPath, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	recv := func() string {
		t.Helper()
		buf := make([]byte, 4096)
		sock.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, err := sock.Read(buf)
		if err != nil {
			t.Fatalf("no notification: %v", err)
		}
		return string(buf[:n])
	}
	dir := t.TempDir()
	conf := debianConf(t, dir)
	text, _ := os.ReadFile(conf)
	// Keep Debian's daemonize yes: the unit's --daemonize no overrides it.
	os.WriteFile(conf, bytes.Replace(text, []byte("daemonize no"), []byte("daemonize yes"), 1), 0o644)
	port, err := testutil.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	cmd, _ := startSupervised(t, []string{"NOTIFY_SOCKET=" + sockPath}, conf, "--supervised", "systemd",
		"--daemonize", "no", "--port", strconv.Itoa(port))
	for _, want := range []string{"STATUS=Vesta is loading...\n", "STATUS=Ready to accept connections\n", "READY=1\n"} {
		if got := recv(); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	if !pingOK(net.JoinHostPort("127.0.0.1", strconv.Itoa(port))) {
		t.Fatal("READY=1 was sent before the server answers")
	}
	log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
	if !strings.Contains(string(log), "Supervised by systemd") {
		t.Errorf("the log does not say it is supervised:\n%s", log)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if got := recv(); got != "STOPPING=1\n" {
		t.Errorf("on SIGTERM: got %q, want STOPPING=1", got)
	}
}

// Ensure that supervised systemd keeps a daemonize yes server in the
// foreground when NOTIFY_SOCKET is set, and that supervised upstart stops
// the process with SIGSTOP once ready.
func TestSupervisedForegroundAndUpstart(t *testing.T) {
	t.Run("systemd keeps the foreground", func(t *testing.T) {
		sockPath := filepath.Join(t.TempDir(), "n.sock")
		sock, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sockPath, Net: "unixgram"})
		if err != nil {
			t.Fatal(err)
		}
		defer sock.Close()
		port, _ := testutil.FreePort()
		_, done := startSupervised(t, []string{"NOTIFY_SOCKET=" + sockPath}, "--supervised", "auto",
			"--daemonize", "yes", "--port", strconv.Itoa(port), "--save", "")
		waitFor(t, "PONG", func() bool { return pingOK(net.JoinHostPort("127.0.0.1", strconv.Itoa(port))) })
		select {
		case <-done:
			t.Fatal("the process exited: it daemonized although supervised")
		default:
		}
	})
	t.Run("upstart", func(t *testing.T) {
		port, _ := testutil.FreePort()
		cmd, _ := startSupervised(t, []string{"UPSTART_JOB=vesta"}, "--supervised", "upstart", "--port", strconv.Itoa(port), "--save", "")
		pid := cmd.Process.Pid
		waitFor(t, "SIGSTOP", func() bool { state, _, _ := procStat(pid); return state == "T" })
		syscall.Kill(pid, syscall.SIGCONT)
		waitFor(t, "PONG", func() bool { return pingOK(net.JoinHostPort("127.0.0.1", strconv.Itoa(port))) })
	})
	t.Run("systemd without NOTIFY_SOCKET warns", func(t *testing.T) {
		port, _ := testutil.FreePort()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var out bytes.Buffer
		cmd := exec.CommandContext(ctx, testutil.BuildVesta(t), "--supervised", "systemd", "--port", strconv.Itoa(port), "--save", "")
		cmd.Env = append(os.Environ(), "NOTIFY_SOCKET=")
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		waitFor(t, "PONG", func() bool { return pingOK(net.JoinHostPort("127.0.0.1", strconv.Itoa(port))) })
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if !strings.Contains(out.String(), "NOTIFY_SOCKET not found") {
			t.Errorf("no warning in the log:\n%s", out.String())
		}
	})
}
