package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// daemonize yes: a Go program cannot fork without exec, so the server
// re-executes itself detached (new session, standard streams on
// /dev/null, same arguments and working directory) with daemonEnv set, and
// the parent exits once the child reports that it listens and wrote its
// pidfile. Unlike Redis, whose parent exits at once, the parent exits 1 when
// the child dies before that, so that a service script sees the failure.

const (
	// daemonEnv marks the re-executed child.
	daemonEnv = "VESTA_DAEMONIZED_CHILD"
	// defaultPidFile is written by a daemonized server without a pidfile,
	// as Redis writes /var/run/redis.pid.
	defaultPidFile = "/var/run/vesta.pid"
)

// teeReader keeps what the configuration parser read from stdin, so that a
// daemonized child can be given the same text.
type teeReader struct {
	r    io.Reader
	data []byte
}

func (t *teeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.data = append(t.data, p[:n]...)
	return n, err
}

// daemonize starts the detached child and waits for its report; it returns
// the parent's exit status.
func daemonize(stdinData []byte) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "vesta-server: can't daemonize: "+format+"\n", a...)
		return 1
	}
	exe, err := os.Executable()
	if err != nil {
		return fail("%v", err)
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return fail("%v", err)
	}
	defer devnull.Close()
	report, reportW, err := os.Pipe()
	if err != nil {
		return fail("%v", err)
	}
	defer report.Close()

	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Env = append(os.Environ(), daemonEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, devnull, devnull
	cmd.ExtraFiles = []*os.File{reportW} // fd 3 in the child
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var stdinW *os.File
	if stdinData != nil {
		stdinR, w, err := os.Pipe()
		if err != nil {
			return fail("%v", err)
		}
		defer stdinR.Close()
		cmd.Stdin, stdinW = stdinR, w
	}
	if err := cmd.Start(); err != nil {
		reportW.Close()
		return fail("%v", err)
	}
	reportW.Close()
	if stdinW != nil {
		go func() {
			stdinW.Write(stdinData)
			stdinW.Close()
		}()
	}
	line, _ := bufio.NewReader(report).ReadString('\n')
	if strings.HasPrefix(line, "started ") {
		cmd.Process.Release()
		return 0
	}
	err = cmd.Wait()
	fmt.Fprintf(os.Stderr, "vesta-server: the server exited while starting in the background (%v); its log file says why\n", err)
	return 1
}

// childReportPipe returns the pipe the daemonizing parent passed as fd 3,
// or nil when fd 3 is not a pipe (the variable was set by someone else).
func childReportPipe() *os.File {
	f := os.NewFile(3, "started")
	if f == nil {
		return nil
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		return nil
	}
	return f
}
