package supervise

import (
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDetect(t *testing.T) {
	both := map[string]string{"NOTIFY_SOCKET": "/run/n", "UPSTART_JOB": "redis"}
	tests := []struct {
		mode    config.SupervisedMode
		env     map[string]string
		want    Mode
		warning bool
	}{
		{config.SupervisedNo, both, None, false},
		{config.SupervisedAuto, nil, None, false},
		{config.SupervisedAuto, map[string]string{"NOTIFY_SOCKET": "/run/n"}, Systemd, false},
		{config.SupervisedAuto, both, Upstart, false}, // Redis checks UPSTART_JOB first
		{config.SupervisedSystemd, map[string]string{"NOTIFY_SOCKET": "@n"}, Systemd, false},
		{config.SupervisedSystemd, map[string]string{"UPSTART_JOB": "x"}, None, true},
		{config.SupervisedUpstart, map[string]string{"UPSTART_JOB": "x"}, Upstart, false},
		{config.SupervisedUpstart, map[string]string{"NOTIFY_SOCKET": "/run/n"}, None, true},
	}
	for _, tc := range tests {
		s, warning := Detect(tc.mode, env(tc.env))
		if s.Mode != tc.want || (warning != "") != tc.warning {
			t.Errorf("Detect(%v, %v) = %v, %q; want %v, warning %v", tc.mode, tc.env, s.Mode, warning, tc.want, tc.warning)
		}
	}
}

// listen opens a unixgram socket as systemd does for a Type=notify unit
// and returns the datagrams it receives.
func listen(t *testing.T, name string) (addr string, recv func() string) {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return name, func() string {
		t.Helper()
		buf := make([]byte, 4096)
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("no notification: %v", err)
		}
		return string(buf[:n])
	}
}

// TestSystemdProtocol checks the datagrams against a socket the test
// listens on, by path and in the abstract namespace, in the order Redis
// 7.0.15 sends them (checked with a real redis-server).
func TestSystemdProtocol(t *testing.T) {
	for _, name := range []string{
		filepath.Join(t.TempDir(), "notify.sock"),
		"@vesta-test-" + strconv.Itoa(int(time.Now().UnixNano())),
	} {
		addr, recv := listen(t, name)
		s, warning := Detect(config.SupervisedSystemd, env(map[string]string{"NOTIFY_SOCKET": addr}))
		if warning != "" || !s.Active() {
			t.Fatalf("Detect: %v %q", s.Mode, warning)
		}
		if err := s.Status("Vesta is loading..."); err != nil {
			t.Fatal(err)
		}
		if err := s.Ready("Ready to accept connections"); err != nil {
			t.Fatal(err)
		}
		if err := s.Stopping(); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"STATUS=Vesta is loading...\n", "STATUS=Ready to accept connections\n", "READY=1\n", "STOPPING=1\n"} {
			if got := recv(); got != want {
				t.Errorf("%s: got %q, want %q", name, got, want)
			}
		}
	}
}

func TestNotifyErrors(t *testing.T) {
	for _, sock := range []string{"relative/path", filepath.Join(t.TempDir(), "missing.sock")} {
		s := Supervisor{Mode: Systemd, socket: sock}
		if err := s.Ready("x"); err == nil {
			t.Errorf("%s: no error", sock)
		}
	}
	var none Supervisor
	if err := none.Ready("x"); err != nil || none.Active() {
		t.Errorf("the zero Supervisor acts: %v", err)
	}
}
