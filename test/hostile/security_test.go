package hostile

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// step is one command and the exact reply Redis 7.0.15 gives.
type step struct {
	args []string
	want string
}

func protectedErr(name string) string {
	return "-ERR CONFIG SET failed (possibly related to argument '" + name + "') - can't set protected config\r\n"
}

func immutableErr(name string) string {
	return "-ERR CONFIG SET failed (possibly related to argument '" + name + "') - can't set immutable config\r\n"
}

const debugDenied = "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it " +
	"from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n"

func run(t *testing.T, c *testutil.Conn, steps []step) {
	t.Helper()
	for _, st := range steps {
		if got := string(c.Do(st.args...)); got != st.want {
			t.Errorf("%q: got %q, want %q", st.args, got, st.want)
		}
	}
}

// By default a client cannot point the server's files elsewhere (dir,
// dbfilename are protected; the AOF names, logfile and pidfile are
// immutable), cannot lift those protections at runtime, and cannot run
// DEBUG. SAVE then still writes where the server was started.
func TestSecurityDefaults(t *testing.T) {
	elsewhere := t.TempDir()
	steps := []step{
		{[]string{"CONFIG", "SET", "dir", elsewhere}, protectedErr("dir")},
		{[]string{"CONFIG", "SET", "dbfilename", "evil.rdb"}, protectedErr("dbfilename")},
		{[]string{"CONFIG", "SET", "timeout", "0", "dir", elsewhere}, protectedErr("dir")},
		{[]string{"CONFIG", "SET", "appendfilename", "evil.aof"}, immutableErr("appendfilename")},
		{[]string{"CONFIG", "SET", "appenddirname", "evil"}, immutableErr("appenddirname")},
		{[]string{"CONFIG", "SET", "logfile", filepath.Join(elsewhere, "log")}, immutableErr("logfile")},
		{[]string{"CONFIG", "SET", "pidfile", filepath.Join(elsewhere, "pid")}, immutableErr("pidfile")},
		{[]string{"CONFIG", "SET", "enable-protected-configs", "yes"}, immutableErr("enable-protected-configs")},
		{[]string{"CONFIG", "SET", "enable-debug-command", "yes"}, immutableErr("enable-debug-command")},
		{[]string{"DEBUG", "SLEEP", "0"}, debugDenied},
		{[]string{"DEBUG", "RELOAD"}, debugDenied},
		{[]string{"SET", "k", "v"}, "+OK\r\n"},
		{[]string{"SAVE"}, "+OK\r\n"},
	}
	for _, srv := range servers() {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			c := testutil.Dial(t, s.Addr)
			run(t, c, steps)
			if _, err := os.Stat(filepath.Join(s.Dir, "dump.rdb")); err != nil {
				t.Errorf("dump.rdb in the configured dir: %v", err)
			}
			if entries, _ := os.ReadDir(elsewhere); len(entries) > 0 {
				t.Errorf("files written to the directory a client asked for: %v", entries)
			}
		})
	}
}

// A password set at runtime applies to new connections; the connection
// that set it stays authenticated.
func TestRequirePassAtRuntime(t *testing.T) {
	for _, srv := range servers() {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			a := testutil.Dial(t, s.Addr)
			run(t, a, []step{{[]string{"CONFIG", "SET", "requirepass", "pw"}, "+OK\r\n"}, {[]string{"PING"}, "+PONG\r\n"}})
			b := testutil.Dial(t, s.Addr)
			run(t, b, []step{
				{[]string{"PING"}, "-NOAUTH Authentication required.\r\n"},
				{[]string{"CONFIG", "SET", "requirepass", ""}, "-NOAUTH Authentication required.\r\n"},
				{[]string{"AUTH", "pw"}, "+OK\r\n"},
				{[]string{"PING"}, "+PONG\r\n"},
			})
		})
	}
}

// externalAddr returns a non-loopback IPv4 address of this machine, or "".
func externalAddr() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if ip, ok := a.(*net.IPNet); ok && !ip.IP.IsLoopback() && ip.IP.To4() != nil {
			return ip.IP.String()
		}
	}
	return ""
}

// enable-protected-configs and enable-debug-command set to "local" allow
// CONFIG SET dir and DEBUG from loopback only; "yes" from anywhere. The
// "remote" client connects through this machine's own non-loopback
// address, which Redis does not count as local.
func TestProtectedConfigsLocal(t *testing.T) {
	ext := externalAddr()
	if ext == "" {
		t.Skip("no non-loopback IPv4 address on this machine")
	}
	for _, mode := range []string{"local", "yes"} {
		for _, srv := range servers() {
			t.Run(mode+"/"+srv.name, func(t *testing.T) {
				s := srv.start(t, "--bind", "127.0.0.1", ext, "--requirepass", "pw",
					"--enable-protected-configs", mode, "--enable-debug-command", mode)
				other := t.TempDir()
				local := testutil.Dial(t, s.Addr)
				run(t, local, []step{
					{[]string{"AUTH", "pw"}, "+OK\r\n"},
					{[]string{"CONFIG", "SET", "dir", other}, "+OK\r\n"},
					{[]string{"CONFIG", "SET", "dir", s.Dir}, "+OK\r\n"},
					{[]string{"DEBUG", "SLEEP", "0"}, "+OK\r\n"},
				})
				remote := testutil.Dial(t, net.JoinHostPort(ext, strconv.Itoa(s.Port)))
				remote.Timeout = 5 * time.Second
				want := []step{
					{[]string{"AUTH", "pw"}, "+OK\r\n"},
					{[]string{"CONFIG", "SET", "dir", other}, protectedErr("dir")},
					{[]string{"DEBUG", "SLEEP", "0"}, debugDenied},
				}
				if mode == "yes" {
					want[1].want, want[2].want = "+OK\r\n", "+OK\r\n"
				}
				run(t, remote, want)
			})
		}
	}
}
