// Package supervise tells a service manager about the server's life, as
// redis-server does with its supervised directive: systemd's sd_notify
// datagrams (READY=1, STATUS=..., STOPPING=1) over $NOTIFY_SOCKET, and
// upstart's "expect stop" protocol (the process stops itself with SIGSTOP
// once ready and upstart continues it).
//
// The protocol is implemented here directly (it is one datagram per
// message on a Unix socket); nothing links to libsystemd.
package supervise

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"

	"github.com/vestadb/vesta/internal/config"
)

// Mode is the supervision in effect after detection.
type Mode int

// The effective supervision modes.
const (
	None Mode = iota
	Systemd
	Upstart
)

// String names the mode as the log does.
func (m Mode) String() string {
	switch m {
	case Systemd:
		return "systemd"
	case Upstart:
		return "upstart"
	}
	return "none"
}

// Supervisor sends the notifications of one mode. The zero value (None)
// does nothing.
type Supervisor struct {
	Mode Mode
	// socket is the $NOTIFY_SOCKET address for Systemd.
	socket string
}

// Detect resolves the supervised directive against the environment, as
// redis-server does: "auto" picks upstart when UPSTART_JOB is set and
// systemd when NOTIFY_SOCKET is; "systemd" needs NOTIFY_SOCKET and
// "upstart" needs UPSTART_JOB, and without them supervision is off and
// warning says why (for the log). getenv is os.Getenv outside tests.
func Detect(mode config.SupervisedMode, getenv func(string) string) (s Supervisor, warning string) {
	notify, job := getenv("NOTIFY_SOCKET"), getenv("UPSTART_JOB")
	switch mode {
	case config.SupervisedAuto:
		switch {
		case job != "":
			return Supervisor{Mode: Upstart}, ""
		case notify != "":
			return Supervisor{Mode: Systemd, socket: notify}, ""
		}
	case config.SupervisedSystemd:
		if notify == "" {
			return Supervisor{}, "systemd supervision requested or auto-detected, but NOTIFY_SOCKET not found!"
		}
		return Supervisor{Mode: Systemd, socket: notify}, ""
	case config.SupervisedUpstart:
		if job == "" {
			return Supervisor{}, "upstart supervision requested, but UPSTART_JOB not found!"
		}
		return Supervisor{Mode: Upstart}, ""
	}
	return Supervisor{}, ""
}

// Active reports whether a service manager supervises the process (which
// then must not daemonize itself).
func (s Supervisor) Active() bool { return s.Mode != None }

// Ready tells the service manager that the server serves clients: systemd
// gets "STATUS=<status>" then "READY=1"; under upstart the process stops
// itself with SIGSTOP and goes on when upstart sends SIGCONT.
func (s Supervisor) Ready(status string) error {
	switch s.Mode {
	case Systemd:
		if err := s.Notify("STATUS=" + status + "\n"); err != nil {
			return err
		}
		return s.Notify("READY=1\n")
	case Upstart:
		os.Unsetenv("UPSTART_JOB") // as Redis does, so children do not inherit it
		return syscall.Kill(os.Getpid(), syscall.SIGSTOP)
	}
	return nil
}

// Status updates the free-form status line systemd shows (systemctl
// status). Other modes ignore it.
func (s Supervisor) Status(status string) error {
	if s.Mode != Systemd {
		return nil
	}
	return s.Notify("STATUS=" + status + "\n")
}

// Stopping tells systemd that the server is shutting down.
func (s Supervisor) Stopping() error {
	if s.Mode != Systemd {
		return nil
	}
	return s.Notify("STOPPING=1\n")
}

// Notify sends one sd_notify message (newline-separated VAR=value
// assignments) as a single datagram to $NOTIFY_SOCKET. A socket name
// starting with '@' is in the abstract namespace.
func (s Supervisor) Notify(msg string) error {
	if s.Mode != Systemd {
		return nil
	}
	return notify(s.socket, msg)
}

func notify(socket, msg string) error {
	if socket == "" {
		return errors.New("supervise: NOTIFY_SOCKET is empty")
	}
	if socket[0] != '/' && socket[0] != '@' {
		return fmt.Errorf("supervise: NOTIFY_SOCKET %q is neither a path nor an abstract socket", socket)
	}
	// The net package maps a leading '@' to the abstract namespace.
	addr := &net.UnixAddr{Name: socket, Net: "unixgram"}
	conn, err := net.DialUnix("unixgram", nil, addr)
	if err != nil {
		return fmt.Errorf("supervise: can't connect to systemd socket %s: %w", socket, err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(msg)); err != nil {
		return fmt.Errorf("supervise: can't send notification to systemd: %w", err)
	}
	return nil
}
