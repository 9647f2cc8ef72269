package integration

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/logging"
	"github.com/vestadb/vesta/internal/testutil"
)

// lastRun returns the log lines of the server's latest run (after the last
// "### testutil: starting" marker).
func lastRun(s *testutil.Server) []string {
	log := s.Log()
	if i := strings.LastIndex(log, "### testutil: starting"); i >= 0 {
		log = log[i:]
		if j := strings.IndexByte(log, '\n'); j >= 0 {
			log = log[j+1:]
		}
	}
	return strings.Split(strings.TrimRight(log, "\n"), "\n")
}

// redisLine matches one line of Redis's log format and captures the pid,
// the role, the level char and the message.
var redisLine = regexp.MustCompile(`^(\d+):([MSCX]) \d\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d\.\d{3} ([.*#-]) (.*)$`)

// messages returns the messages of the formatted lines, as "<level char>
// <message>", checking that every formatted line carries pid.
func messages(t *testing.T, lines []string, pid int) []string {
	t.Helper()
	var out []string
	for _, l := range lines {
		m := redisLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if m[1] != strconv.Itoa(pid) {
			t.Errorf("line %q: pid %s, want %d", l, m[1], pid)
		}
		out = append(out, m[3]+" "+m[4])
	}
	return out
}

// indexOf returns the index of the first message matching re, -1 if none.
func indexOf(msgs []string, re string) int {
	r := regexp.MustCompile(re)
	for i, m := range msgs {
		if r.MatchString(m) {
			return i
		}
	}
	return -1
}

// Ensure that Vesta's log starts as Redis 7.0.15's does, line for line in
// keys, levels and roles (checked on redis-server too), and that the
// events operators key on come in Redis's order and words: server
// initialised, ready only after loading, shutdown.
func TestLogStartupLines(t *testing.T) {
	type want struct {
		re    string // on "<level char> <message>"
		roleC bool   // Redis's first lines carry role C
	}
	first := func(name string) []want {
		return []want{
			{`^# oO0OoO0OoO0Oo ` + name + ` is starting oO0OoO0OoO0Oo$`, true},
			{`^# ` + name + ` version=\S+, (redis_version=7\.0\.15, )?bits=64, commit=[0-9a-f]{8}, modified=[01], pid=\d+, just started$`, true},
			{`^# Configuration loaded$`, true},
		}
	}
	for _, tc := range []struct {
		name  string
		start func(t *testing.T, args ...string) *testutil.Server
	}{
		{"Redis", func(t *testing.T, args ...string) *testutil.Server { return testutil.StartRedis(t, args...) }},
		{"Vesta", func(t *testing.T, args ...string) *testutil.Server { return testutil.StartVesta(t, args...) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.start(t)
			testutil.Dial(t, s.Addr).Send("SHUTDOWN", "NOSAVE")
			s.Wait(10 * time.Second)
			lines := lastRun(s)
			var formatted []string
			for _, l := range lines {
				if redisLine.MatchString(l) {
					formatted = append(formatted, l)
				}
			}
			if len(formatted) < 3 {
				t.Fatalf("fewer than 3 formatted lines:\n%s", strings.Join(lines, "\n"))
			}
			for i, w := range first(tc.name) {
				m := redisLine.FindStringSubmatch(formatted[i])
				if !regexp.MustCompile(w.re).MatchString(m[3] + " " + m[4]) {
					t.Errorf("line %d: %q does not match %s", i, formatted[i], w.re)
				}
				if (m[2] == "C") != w.roleC {
					t.Errorf("line %d: role %s", i, m[2])
				}
			}
			msgs := messages(t, lines, s.PID)
			order := []string{
				`^\* Running mode=standalone, port=` + strconv.Itoa(s.Port) + `\.$`,
				`^# Server initialized$`,
				`^\* Ready to accept connections$`,
				`^# User requested shutdown\.\.\.$`,
				`^# Redis is now ready to exit, bye bye\.\.\.$`,
			}
			prev := -1
			for _, re := range order {
				i := indexOf(msgs, re)
				if i < 0 || i < prev {
					t.Errorf("%s: at %d, after %d:\n%s", re, i, prev, strings.Join(msgs, "\n"))
				}
				prev = i
			}
		})
	}
}

// Ensure that always-show-logo yes prints the logo, with the version,
// mode, port and pid as Redis's logo has them, and that loglevel warning
// leaves out notice lines.
func TestLogLogoAndLevel(t *testing.T) {
	s := testutil.StartVesta(t, "--always-show-logo", "yes")
	log := strings.Join(lastRun(s), "\n")
	for _, want := range []string{"Running in standalone mode", "Port: " + strconv.Itoa(s.Port), "PID: " + strconv.Itoa(s.PID), "Vesta 0.1.0 ("} {
		if !strings.Contains(log, want) {
			t.Errorf("the logo lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "Running mode=standalone") {
		t.Errorf("both the logo and the one-line summary:\n%s", log)
	}
	s.Restart("--loglevel", "warning")
	msgs := messages(t, lastRun(s), s.PID)
	if indexOf(msgs, `^# Server initialized$`) < 0 || indexOf(msgs, `^\*`) >= 0 {
		t.Errorf("loglevel warning: want warnings only:\n%s", strings.Join(msgs, "\n"))
	}
	c := testutil.Dial(t, s.Addr)
	if r := string(c.Do("CONFIG", "SET", "loglevel", "notice")); r != "+OK\r\n" {
		t.Fatalf("CONFIG SET loglevel: %q", r)
	}
	c.Do("BGSAVE")
	waitLog(t, s, `\* Background saving terminated with success`)
}

// waitLog waits until a message of the latest run matches re.
func waitLog(t *testing.T, s *testutil.Server, re string) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs := messages(t, lastRun(s), s.PID)
		if indexOf(msgs, re) >= 0 {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line matches %s:\n%s", re, strings.Join(msgs, "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Ensure the lines of saving, rewriting and loading use Redis's words.
func TestLogPersistenceEvents(t *testing.T) {
	s := testutil.StartVesta(t, "--appendonly", "yes")
	c := testutil.Dial(t, s.Addr)
	c.Do("SET", "k", "v")
	c.Do("BGSAVE")
	pid := strconv.Itoa(s.PID)
	waitLog(t, s, `^\* Background saving started by pid `+pid+`$`)
	waitLog(t, s, `^\* Background saving terminated with success$`)
	c.Do("BGREWRITEAOF")
	waitLog(t, s, `^\* Background append only file rewriting started by pid `+pid+`$`)
	waitLog(t, s, `^\* Background AOF rewrite terminated with success$`)
	waitLog(t, s, `^\* Background AOF rewrite finished successfully$`)
	c.Close()

	s.Restart()
	msgs := waitLog(t, s, `^\* DB loaded from append only file: \d+\.\d{3} seconds$`)
	for _, re := range []string{`^\* Reading RDB base file on AOF loading\.\.\.$`, `^\* Done loading RDB, keys loaded: 1, keys expired: 0\.$`,
		`^\* DB loaded from base file appendonly\.aof\.\d+\.base\.rdb: \d+\.\d{3} seconds$`} {
		if indexOf(msgs, re) < 0 {
			t.Errorf("no line matches %s:\n%s", re, strings.Join(msgs, "\n"))
		}
	}
	if indexOf(msgs, `DB loaded`) > indexOf(msgs, `Ready to accept connections`) {
		t.Errorf("ready before loaded:\n%s", strings.Join(msgs, "\n"))
	}
	s.Restart("--appendonly", "no")
	msgs = waitLog(t, s, `^\* DB loaded from disk: \d+\.\d{3} seconds$`)
	for _, re := range []string{`^\* Loading RDB produced by version 7\.0\.15$`, `^\* Done loading RDB, keys loaded: 1, keys expired: 0\.$`} {
		if indexOf(msgs, re) < 0 {
			t.Errorf("no line matches %s:\n%s", re, strings.Join(msgs, "\n"))
		}
	}
}

// Ensure that a load that fails logs the file and the offset in Redis's
// words, and never "Ready to accept connections".
func TestLogLoadFailure(t *testing.T) {
	bin := testutil.BuildVesta(t)
	t.Run("rdb", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "dump.rdb"), []byte("REDIS0010garbage"), 0o644)
		s, err := testutil.TryStart(t, testutil.Spec{Name: "vesta", Bin: bin, Args: []string{"--dir", dir}, Quiet: true})
		if err == nil {
			t.Fatal("started on a damaged dump.rdb")
		}
		s.Wait(10 * time.Second)
		msgs := messages(t, lastRun(s), s.PID)
		if indexOf(msgs, `^# Internal error in RDB reading offset 9, file dump\.rdb -> `) < 0 {
			t.Errorf("no loading error with file and offset:\n%s", strings.Join(msgs, "\n"))
		}
		if indexOf(msgs, `Ready to accept connections`) >= 0 {
			t.Errorf("ready although the load failed:\n%s", strings.Join(msgs, "\n"))
		}
	})
	t.Run("aof", func(t *testing.T) {
		dir := t.TempDir()
		aofDir := filepath.Join(dir, "appendonlydir")
		os.Mkdir(aofDir, 0o755)
		os.WriteFile(filepath.Join(aofDir, "appendonly.aof.manifest"), []byte("file appendonly.aof.1.incr.aof seq 1 type i\n"), 0o644)
		os.WriteFile(filepath.Join(aofDir, "appendonly.aof.1.incr.aof"),
			[]byte("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\nxx\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\nb\r\n"), 0o644)
		s, err := testutil.TryStart(t, testutil.Spec{Name: "vesta", Bin: bin, Args: []string{"--dir", dir, "--appendonly", "yes"}, Quiet: true})
		if err == nil {
			t.Fatal("started on a damaged AOF")
		}
		s.Wait(10 * time.Second)
		msgs := messages(t, lastRun(s), s.PID)
		if indexOf(msgs, `^# Bad file format reading the append only file appendonly\.aof\.1\.incr\.aof at offset 23: `) < 0 {
			t.Errorf("no loading error with file and offset:\n%s", strings.Join(msgs, "\n"))
		}
		if indexOf(msgs, `Ready to accept connections`) >= 0 {
			t.Errorf("ready although the load failed:\n%s", strings.Join(msgs, "\n"))
		}
	})
}

// Ensure that syslog-enabled sends every line to the syslog socket with
// the ident, the pid and the facility's priority, as Redis does through
// openlog/syslog. The test listens on the socket itself (VESTA_SYSLOG_SOCKET
// stands for /dev/log).
func TestLogSyslog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.sock")
	sock, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	t.Setenv(logging.SyslogSocketEnv, path)
	s := testutil.StartVesta(t, "--syslog-enabled", "yes", "--syslog-ident", "vesta-it", "--syslog-facility", "local4")
	// local4 is facility 20: notice 165, warning 164.
	want := []string{
		fmt.Sprintf(`^<164>.*vesta-it\[%d\]: oO0OoO0OoO0Oo Vesta is starting oO0OoO0OoO0Oo\n?$`, s.PID),
		fmt.Sprintf(`^<164>.*vesta-it\[%d\]: Server initialized\n?$`, s.PID),
		fmt.Sprintf(`^<165>.*vesta-it\[%d\]: Ready to accept connections\n?$`, s.PID),
	}
	var got []string
	buf := make([]byte, 8192)
	for next := 0; next < len(want); {
		sock.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, err := sock.Read(buf)
		if err != nil {
			t.Fatalf("syslog got %q, then %v; still waiting for %s", got, err, want[next])
		}
		got = append(got, string(buf[:n]))
		if regexp.MustCompile(want[next]).MatchString(string(buf[:n])) {
			next++
		}
	}
	// The log on standard output goes on as well.
	if indexOf(messages(t, lastRun(s), s.PID), `^\* Ready to accept connections$`) < 0 {
		t.Errorf("the log output stopped with syslog on:\n%s", s.Log())
	}
	c := testutil.Dial(t, s.Addr)
	if r := string(c.Do("CONFIG", "GET", "syslog-*")); !strings.Contains(r, "vesta-it") || !strings.Contains(r, "local4") {
		t.Errorf("CONFIG GET syslog-*: %q", r)
	}
}

// Ensure that log-format json writes one JSON object per line, with
// Redis's level names and messages.
func TestLogFormatJSON(t *testing.T) {
	s := testutil.StartVesta(t, "--log-format", "json")
	c := testutil.Dial(t, s.Addr)
	if r := string(c.Do("CONFIG", "GET", "log-format")); r != "*2\r\n$10\r\nlog-format\r\n$4\r\njson\r\n" {
		t.Errorf("CONFIG GET log-format: %q", r)
	}
	if r := string(c.Do("CONFIG", "GET", "*")); strings.Contains(r, "log-format") {
		t.Error("CONFIG GET * lists log-format, which Redis does not have")
	}
	c.Send("SHUTDOWN", "NOSAVE")
	s.Wait(10 * time.Second)
	var msgs []string
	for _, l := range lastRun(s) {
		var rec struct {
			Time  string `json:"time"`
			Level string `json:"level"`
			Msg   string `json:"msg"`
			Pid   int    `json:"pid"`
			Role  string `json:"role"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		if rec.Pid != s.PID || rec.Time == "" || rec.Role == "" {
			t.Errorf("incomplete record: %q", l)
		}
		msgs = append(msgs, rec.Level+" "+rec.Msg)
	}
	for _, re := range []string{`^warning Server initialized$`, `^notice Ready to accept connections$`, `^warning User requested shutdown\.\.\.$`} {
		if indexOf(msgs, re) < 0 {
			t.Errorf("no record matches %s:\n%s", re, strings.Join(msgs, "\n"))
		}
	}
}

// Ensure that at loglevel verbose a client's arrival and departure are
// logged as Redis logs them (checked on redis-server too), the departure
// with the client's CLIENT LIST line.
func TestLogVerboseClients(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func(t *testing.T, args ...string) *testutil.Server
	}{
		{"Redis", func(t *testing.T, args ...string) *testutil.Server { return testutil.StartRedis(t, args...) }},
		{"Vesta", func(t *testing.T, args ...string) *testutil.Server { return testutil.StartVesta(t, args...) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.start(t, "--loglevel", "verbose")
			c := testutil.Dial(t, s.Addr)
			c.Do("CLIENT", "SETNAME", "leaving")
			c.Close()
			waitLog(t, s, `^- Accepted 127\.0\.0\.1:\d+$`)
			waitLog(t, s, `^- Client closed connection id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:`+strconv.Itoa(s.Port)+
				` fd=\d+ name=leaving .* cmd=client\|setname user=default redir=-1 resp=2$`)
		})
	}
}

// Ensure that the logfile can be rotated as Debian rotates Redis's (moved
// away, no signal, no copytruncate): the next line starts a new file.
func TestLogFileRotation(t *testing.T) {
	dir := t.TempDir()
	logfile := filepath.Join(dir, "vesta.log")
	s := testutil.StartVesta(t, "--logfile", logfile)
	if err := os.Rename(logfile, logfile+".1"); err != nil {
		t.Fatal(err)
	}
	c := testutil.Dial(t, s.Addr)
	c.Do("BGSAVE")
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, _ := os.ReadFile(logfile)
		if strings.Contains(string(data), "Background saving terminated with success") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no new log file after the rotation: %q", data)
		}
		time.Sleep(20 * time.Millisecond)
	}
	old, _ := os.ReadFile(logfile + ".1")
	if !strings.Contains(string(old), "Ready to accept connections") || strings.Contains(string(old), "Background saving") {
		t.Errorf("the rotated file:\n%s", old)
	}
}
