package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var fixed = time.Date(2026, time.March, 7, 6, 5, 4, 321_987_000, time.UTC)

// TestAppendLine checks Redis's line format for every level and role.
func TestAppendLine(t *testing.T) {
	cases := []struct {
		pid   int
		role  byte
		t     time.Time
		level slog.Level
		msg   string
		want  string
	}{
		{1234, 'M', fixed, LevelNotice, "Ready to accept connections", "1234:M 07 Mar 2026 06:05:04.321 * Ready to accept connections\n"},
		{7, 'C', fixed, LevelWarning, "oO0OoO0OoO0Oo", "7:C 07 Mar 2026 06:05:04.321 # oO0OoO0OoO0Oo\n"},
		{7, 'S', fixed, LevelVerbose, "v", "7:S 07 Mar 2026 06:05:04.321 - v\n"},
		{7, 'X', fixed, LevelDebug, "d", "7:X 07 Mar 2026 06:05:04.321 . d\n"},
		{7, 'M', fixed, slog.LevelError, "e", "7:M 07 Mar 2026 06:05:04.321 # e\n"},
		{7, 'M', fixed, LevelDebug - 10, "below debug", "7:M 07 Mar 2026 06:05:04.321 . below debug\n"},
		{7, 'M', time.Date(2026, 12, 31, 23, 59, 59, 999_999_999, time.UTC), LevelNotice, "", "7:M 31 Dec 2026 23:59:59.999 * \n"},
		{99999, 'M', time.Date(2027, 1, 2, 3, 4, 5, 6_000_000, time.UTC), LevelNotice, "x", "99999:M 02 Jan 2027 03:04:05.006 * x\n"},
	}
	for _, c := range cases {
		if got := string(AppendLine(nil, c.pid, c.role, c.t, c.level, c.msg)); got != c.want {
			t.Errorf("AppendLine(%d, %c, %v, %q): got %q, want %q", c.pid, c.role, c.level, c.msg, got, c.want)
		}
	}
}

func TestLevels(t *testing.T) {
	cases := []struct {
		name  string
		level slog.Level
		char  byte
	}{
		{"debug", LevelDebug, '.'},
		{"verbose", LevelVerbose, '-'},
		{"notice", LevelNotice, '*'},
		{"warning", LevelWarning, '#'},
	}
	for _, c := range cases {
		l, ok := ParseLevel(strings.ToUpper(c.name))
		if !ok || l != c.level {
			t.Errorf("ParseLevel(%q) = %v, %v", c.name, l, ok)
		}
		if LevelChar(c.level) != c.char || LevelName(c.level) != c.name {
			t.Errorf("%s: char %c name %s", c.name, LevelChar(c.level), LevelName(c.level))
		}
	}
	if l, ok := ParseLevel("nothing"); !ok || l <= slog.LevelError {
		t.Errorf("nothing: %v %v", l, ok)
	}
	if _, ok := ParseLevel("loud"); ok {
		t.Error("ParseLevel accepted loud")
	}
	for _, f := range []string{"redis", "JSON", "logfmt"} {
		if _, ok := ParseFormat(f); !ok {
			t.Errorf("ParseFormat(%q) refused", f)
		}
	}
	if _, ok := ParseFormat("xml"); ok {
		t.Error("ParseFormat accepted xml")
	}
}

// fakeSyslog records what would go to syslog.
type fakeSyslog struct {
	mu   sync.Mutex
	msgs []string
}

func (f *fakeSyslog) add(sev, m string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, sev+" "+m)
	return nil
}
func (f *fakeSyslog) Debug(m string) error   { return f.add("debug", m) }
func (f *fakeSyslog) Info(m string) error    { return f.add("info", m) }
func (f *fakeSyslog) Notice(m string) error  { return f.add("notice", m) }
func (f *fakeSyslog) Warning(m string) error { return f.add("warning", m) }

// TestHandlerRedis checks records through slog in the Redis format:
// levels filtered by the level variable, attributes after the message,
// raw lines as they are, the role switch, and the copy to syslog.
func TestHandlerRedis(t *testing.T) {
	var buf bytes.Buffer
	lv := new(slog.LevelVar)
	sl := &fakeSyslog{}
	h := NewHandler(Options{Out: &buf, Level: lv, Pid: 42, Now: func() time.Time { return fixed }, Syslog: sl})
	l := slog.New(h)
	steps := []struct {
		level slog.Level
		log   func()
		want  string // "" for no line
	}{
		{LevelNotice, func() { l.Warn("starting") }, "42:C 07 Mar 2026 06:05:04.321 # starting\n"},
		{LevelNotice, func() { h.SetRole('M'); l.Info("Ready to accept connections") }, "42:M 07 Mar 2026 06:05:04.321 * Ready to accept connections\n"},
		{LevelNotice, func() { l.Debug("hidden verbose") }, ""},
		{LevelVerbose, func() { l.Debug("shown verbose") }, "42:M 07 Mar 2026 06:05:04.321 - shown verbose\n"},
		{LevelDebug, func() { l.Log(context.Background(), LevelDebug, "dbg") }, "42:M 07 Mar 2026 06:05:04.321 . dbg\n"},
		{LevelWarning, func() { l.Info("hidden notice") }, ""},
		{LevelNothing, func() { l.Error("hidden error") }, ""},
		{LevelNotice, func() { l.Info("Closing client", "addr", "127.0.0.1:5", "err", "a b", "n", 3) },
			"42:M 07 Mar 2026 06:05:04.321 * Closing client addr=127.0.0.1:5 err=\"a b\" n=3\n"},
		{LevelNotice, func() { l.With("replica", "r1").WithGroup("g").Info("m", "k", "") },
			"42:M 07 Mar 2026 06:05:04.321 * m replica=r1 g.k=\"\"\n"},
		{LevelNotice, func() { Raw(l, "\n  logo\n\n") }, "\n  logo\n\n"},
		{LevelWarning, func() { Raw(l, "hidden logo") }, ""},
	}
	for i, st := range steps {
		lv.Set(st.level)
		buf.Reset()
		st.log()
		if got := buf.String(); got != st.want {
			t.Errorf("step %d: got %q, want %q", i, got, st.want)
		}
	}
	want := []string{"warning starting", "notice Ready to accept connections", "info shown verbose", "debug dbg",
		"notice Closing client addr=127.0.0.1:5 err=\"a b\" n=3", "notice m replica=r1 g.k=\"\"", "notice \n  logo\n\n"}
	if strings.Join(sl.msgs, "|") != strings.Join(want, "|") {
		t.Errorf("syslog got %q\nwant %q", sl.msgs, want)
	}
}

// TestHandlerStructured checks the JSON and logfmt formats: Redis's level
// names, pid and role fields, the record's attributes.
func TestHandlerStructured(t *testing.T) {
	t.Run("json", func(t *testing.T) {
		var buf bytes.Buffer
		h := NewHandler(Options{Out: &buf, Format: FormatJSON, Level: LevelDebug, Pid: 42})
		l := slog.New(h)
		l.Warn("Server initialized")
		h.SetRole('M')
		l.Debug("Closing client", "addr", "x")
		Raw(l, "logo")
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 3 {
			t.Fatalf("got %d lines: %q", len(lines), buf.String())
		}
		want := []map[string]any{
			{"level": "warning", "msg": "Server initialized", "pid": float64(42), "role": "C"},
			{"level": "verbose", "msg": "Closing client", "pid": float64(42), "role": "M", "addr": "x"},
			{"level": "notice", "msg": "logo", "pid": float64(42), "role": "M"},
		}
		for i, line := range lines {
			var got map[string]any
			if err := json.Unmarshal([]byte(line), &got); err != nil {
				t.Fatalf("line %d not JSON: %q", i, line)
			}
			if _, ok := got["time"]; !ok {
				t.Errorf("line %d has no time: %q", i, line)
			}
			delete(got, "time")
			if fmt.Sprint(got) != fmt.Sprint(want[i]) {
				t.Errorf("line %d: got %v, want %v", i, got, want[i])
			}
		}
	})
	t.Run("logfmt", func(t *testing.T) {
		var buf bytes.Buffer
		h := NewHandler(Options{Out: &buf, Format: FormatLogfmt, Pid: 42})
		slog.New(h).Info("DB loaded from disk: 0.001 seconds", "k", 1)
		re := regexp.MustCompile(`^time=\S+ level=notice msg="DB loaded from disk: 0.001 seconds" pid=42 role=C k=1\n$`)
		if !re.MatchString(buf.String()) {
			t.Errorf("got %q", buf.String())
		}
	})
}

// TestHandlerConcurrent checks that lines from many goroutines never
// interleave.
func TestHandlerConcurrent(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(NewHandler(Options{Out: &buf, Pid: 1}))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				l.Info(fmt.Sprintf("goroutine %d line %d", g, i))
			}
		}()
	}
	wg.Wait()
	re := regexp.MustCompile(`^1:C \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} \* goroutine \d line \d+$`)
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 800 {
		t.Fatalf("got %d lines", len(lines))
	}
	for _, line := range lines {
		if !re.MatchString(line) {
			t.Fatalf("bad line %q", line)
		}
	}
}

// TestDialSyslog sends through log/syslog to a Unix datagram socket the
// test listens on, as to /dev/log: the priority is facility*8+severity and
// the tag carries the ident and the pid.
func TestDialSyslog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.sock")
	sock, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	t.Setenv(SyslogSocketEnv, path)
	cases := []struct {
		facility string
		log      func(l *slog.Logger)
		prio     int
		msg      string
	}{
		{"local0", func(l *slog.Logger) { l.Info("Ready to accept connections") }, 16*8 + 5, "Ready to accept connections"},
		{"local7", func(l *slog.Logger) { l.Warn("User requested shutdown...") }, 23*8 + 4, "User requested shutdown..."},
		{"user", func(l *slog.Logger) { l.Debug("verbose line") }, 1*8 + 6, "verbose line"},
		{"LOCAL3", func(l *slog.Logger) { l.Log(context.Background(), LevelDebug, "debug line") }, 19*8 + 7, "debug line"},
	}
	for _, c := range cases {
		w, err := DialSyslog("vesta-test", c.facility)
		if err != nil {
			t.Fatalf("%s: %v", c.facility, err)
		}
		h := NewHandler(Options{Out: &bytes.Buffer{}, Level: LevelDebug, Pid: 1})
		h.SetSyslog(w)
		c.log(slog.New(h))
		buf := make([]byte, 4096)
		sock.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := sock.Read(buf)
		if err != nil {
			t.Fatalf("%s: nothing received: %v", c.facility, err)
		}
		got := string(buf[:n])
		prefix := fmt.Sprintf("<%d>", c.prio)
		tag := regexp.MustCompile(`vesta-test\[\d+\]: ` + regexp.QuoteMeta(c.msg) + `\n?$`)
		if !strings.HasPrefix(got, prefix) || !tag.MatchString(got) {
			t.Errorf("%s: got %q, want %s... vesta-test[pid]: %s", c.facility, got, prefix, c.msg)
		}
		w.Close()
	}
	if _, err := DialSyslog("x", "local9"); err == nil {
		t.Error("DialSyslog accepted facility local9")
	}
}

// TestBanner checks that the logo carries what Redis's carries.
func TestBanner(t *testing.T) {
	b := Banner(BannerInfo{Version: "0.1.0", RedisVersion: "7.0.15", Commit: "abcdef12", Modified: true,
		Mode: "standalone", Port: 6380, Pid: 4321})
	for _, want := range []string{"Vesta 0.1.0 (abcdef12/1) 64 bit", "Redis 7.0.15 compatible",
		"Running in standalone mode", "Port: 6380", "PID: 4321"} {
		if !strings.Contains(b, want) {
			t.Errorf("banner lacks %q:\n%s", want, b)
		}
	}
	if !strings.HasPrefix(b, "\n") || !strings.HasSuffix(b, "\n\n") {
		t.Errorf("banner should start with a newline and end with an empty line: %q", b)
	}
}

// TestAppendFile checks that a log file moved away (logrotate without
// copytruncate) is started again at its path by the next line.
func TestAppendFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vesta.log")
	l := slog.New(NewHandler(Options{Out: &AppendFile{Path: path}, Pid: 1}))
	l.Info("first")
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	l.Info("second")
	for _, c := range []struct{ file, want string }{{path + ".1", "first"}, {path, "second"}} {
		data, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		if lines := strings.Split(strings.TrimSpace(string(data)), "\n"); len(lines) != 1 || !strings.HasSuffix(lines[0], " * "+c.want) {
			t.Errorf("%s: %q, want one line ending in %q", c.file, data, c.want)
		}
	}
	if _, err := (&AppendFile{Path: filepath.Join(path, "not-a-dir", "x")}).Write([]byte("x")); err == nil {
		t.Error("writing under a file succeeded")
	}
}
