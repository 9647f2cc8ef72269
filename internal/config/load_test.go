package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestParseErrors covers every kind of bad line with Redis's reason text.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		text   string
		line   int
		reason string
		kind   error
	}{
		{"port 7790\nport abc", 2, "argument couldn't be parsed into an integer", ErrInvalidValue},
		{"port 70000", 1, "argument must be between 0 and 65535 inclusive", ErrInvalidValue},
		{"port", 1, "wrong number of arguments", ErrWrongArgCount},
		{"port 1 2", 1, "wrong number of arguments", ErrWrongArgCount},
		{"port 1 # comment", 1, "wrong number of arguments", ErrWrongArgCount},
		{"bogus 1", 1, "Bad directive or wrong number of arguments", ErrBadDirective},
		{"include", 1, "Bad directive or wrong number of arguments", ErrBadDirective},
		{"list-max-ziplist-entries 5 6", 1, "Bad directive or wrong number of arguments", ErrBadDirective},
		{`port "7790`, 1, "Unbalanced quotes in configuration line", ErrUnbalancedQuotes},
		{`port "7790"x`, 1, "Unbalanced quotes in configuration line", ErrUnbalancedQuotes},
		{"port '7790'x", 1, "Unbalanced quotes in configuration line", ErrUnbalancedQuotes},
		{"protected-mode maybe", 1, "argument must be 'yes' or 'no'", ErrInvalidValue},
		{"daemonize maybe", 1, "argument must be 'yes' or 'no'", ErrInvalidValue},
		{"loglevel loud", 1, "argument(s) must be one of the following: debug, verbose, notice, warning, nothing", ErrInvalidValue},
		{"appendfsync sometimes", 1, "argument(s) must be one of the following: everysec, always, no", ErrInvalidValue},
		{"enable-debug-command maybe", 1, "argument(s) must be one of the following: no, yes, local", ErrInvalidValue},
		{"sanitize-dump-payload x", 1, "argument(s) must be one of the following: no, yes, clients", ErrInvalidValue},
		{"shutdown-on-sigterm bogus", 1, "argument(s) must be one of the following: default, save, nosave, now, force", ErrInvalidValue},
		{"shutdown-on-sigint", 1, "argument(s) must be one of the following: default, save, nosave, now, force", ErrInvalidValue},
		{"shutdown-on-sigterm save nosave", 1, "shutdown options SAVE and NOSAVE can't be used simultaneously", ErrInvalidValue},
		{"save 1", 1, "Invalid save parameters", ErrInvalidValue},
		{"save 0 1", 1, "Invalid save parameters", ErrInvalidValue},
		{"save abc 1", 1, "Invalid save parameters", ErrInvalidValue},
		{"save 1 -1", 1, "Invalid save parameters", ErrInvalidValue},
		{"dbfilename a/b", 1, "dbfilename can't be a path, just a filename", ErrInvalidValue},
		{`dbfilename a\b`, 1, "dbfilename can't be a path, just a filename", ErrInvalidValue},
		{"appendfilename a/b", 1, "appendfilename can't be a path, just a filename", ErrInvalidValue},
		{`appendfilename ""`, 1, "appendfilename can't be empty", ErrInvalidValue},
		{"appenddirname a/b", 1, "appenddirname can't be a path, just a dirname", ErrInvalidValue},
		{`appenddirname ""`, 1, "appenddirname can't be empty", ErrInvalidValue},
		{"auto-aof-rewrite-min-size 10x", 1, "argument must be a memory value", ErrInvalidValue},
		{"proto-max-bulk-len 10", 1, "argument must be between 1048576 and 9223372036854775807 inclusive", ErrInvalidValue},
		{"client-query-buffer-limit 18446744073709551615", 1, "argument must be between 1048576 and 9223372036854775807 inclusive", ErrInvalidValue},
		{"client-output-buffer-limit normal 1 2", 1, "Wrong number of arguments in buffer limit configuration.", ErrInvalidValue},
		{"client-output-buffer-limit master 1 2 3", 1, "Invalid client class specified in buffer limit configuration.", ErrInvalidValue},
		{"client-output-buffer-limit normal 1x 2 3", 1, "Error in hard, soft or soft_seconds setting in buffer limit configuration.", ErrInvalidValue},
		{"client-output-buffer-limit normal 1 2 -1", 1, "Error in hard, soft or soft_seconds setting in buffer limit configuration.", ErrInvalidValue},
		{"client-output-buffer-limit normal 1 2 4294967295", 1, "Error in hard, soft or soft_seconds setting in buffer limit configuration.", ErrInvalidValue},
		{"active-expire-effort 11", 1, "argument must be between 1 and 10 inclusive", ErrInvalidValue},
		{"hz -1", 1, "argument must be between 0 and 2147483647 inclusive", ErrInvalidValue},
		{"maxclients 0", 1, "argument must be between 1 and 4294967295 inclusive", ErrInvalidValue},
		{"set-max-intset-entries -1", 1, "argument must be between 0 and 9223372036854775807 inclusive", ErrInvalidValue},
		{"list-max-listpack-size 2147483648", 1, "argument must be between -2147483648 and 2147483647 inclusive", ErrInvalidValue},
		{"databases 0", 1, "argument must be between 1 and 2147483647 inclusive", ErrInvalidValue},
		{"dir /nonexistent/dir", 1, "No such file or directory", ErrInvalidValue},
		{"dir /etc/passwd", 1, "Not a directory", ErrInvalidValue},
		{"dir", 1, "wrong number of arguments", ErrWrongArgCount},
		{"bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", 1, "Too many bind addresses specified.", ErrInvalidValue},
		{"# c\n\n  \nPORT x", 4, "argument couldn't be parsed into an integer", ErrInvalidValue},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			_, err := Parse(tc.text, "test.conf")
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.Line != tc.line || pe.Err.Error() != tc.reason {
				t.Errorf("got line %d %q, want line %d %q", pe.Line, pe.Err.Error(), tc.line, tc.reason)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("errors.Is(%v, %v) is false", err, tc.kind)
			}
		})
	}
}

func TestParseErrorReport(t *testing.T) {
	_, err := Parse("port 7790\n  port abc  \n", "/etc/vesta.conf")
	want := "\n*** FATAL CONFIG FILE ERROR (Vesta 1.2.3) ***\n" +
		"Reading the configuration file /etc/vesta.conf, at line 2\n" +
		">>> 'port abc'\n" +
		"argument couldn't be parsed into an integer\n"
	if got := FatalReport(err, "1.2.3"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	_, err = Parse("port abc", "")
	if got := FatalReport(err, "1"); !strings.Contains(got, "Reading the configuration file, at line 1\n") {
		t.Errorf("got %q, want Redis's text when the source is unknown", got)
	}
	if got, want := err.Error(), "config: configuration, line 1: 'port abc': argument couldn't be parsed into an integer"; got != want {
		t.Errorf("Error(): got %q, want %q", got, want)
	}
}

// TestParseValues checks that accepted lines store what they should.
func TestParseValues(t *testing.T) {
	tests := []struct {
		text  string
		check func(c *Config) bool
	}{
		{"PORT 7000", func(c *Config) bool { return c.Port == 7000 }},
		{"protected-mode NO", func(c *Config) bool { return !c.ProtectedMode }},
		{"loglevel WARNING", func(c *Config) bool { return c.LogLevel == LogWarning }},
		{"loglevel nothing", func(c *Config) bool { return c.LogLevel == LogNothing }},
		{"appendfsync always", func(c *Config) bool { return c.AppendFsync == FsyncAlways }},
		{"hz 0", func(c *Config) bool { return c.HZ == 1 }},
		{"hz 100000", func(c *Config) bool { return c.HZ == 500 }},
		{"proto-max-bulk-len 1gb", func(c *Config) bool { return c.ProtoMaxBulkLen == 1<<30 }},
		{"proto-max-bulk-len 2M", func(c *Config) bool { return c.ProtoMaxBulkLen == 2000000 }},
		{"hash-max-ziplist-entries 7", func(c *Config) bool { return c.HashMaxListpackEntries == 7 }},
		{"list-max-ziplist-size -5", func(c *Config) bool { return c.ListMaxListpackSize == -5 }},
		{"hash-max-listpack-value 1k", func(c *Config) bool { return c.HashMaxListpackValue == 1000 }},
		{"requirepass \"a b\\\"c\"", func(c *Config) bool { return c.RequirePass == `a b"c` }},
		{"bind 10.0.0.1 -::1", func(c *Config) bool { return reflect.DeepEqual(c.Bind, []string{"10.0.0.1", "-::1"}) }},
		{`bind ""`, func(c *Config) bool { return len(c.Bind) == 0 }},
		{"bind", func(c *Config) bool { return len(c.Bind) == 0 }},
		{"dir /tmp", func(c *Config) bool { return c.Dir == "/tmp" }},
		{"dir /\ndir tmp", func(c *Config) bool { return c.Dir == "/tmp" }},
		{"shutdown-on-sigterm force nosave now", func(c *Config) bool {
			return c.ShutdownOnSigterm == ShutdownNoSave|ShutdownNow|ShutdownForce
		}},
		{"shutdown-on-sigint default save", func(c *Config) bool { return c.ShutdownOnSigint == ShutdownSave }},
		{"list-max-ziplist-entries 5", func(c *Config) bool { return true }}, // deprecated, ignored
		{"lua-replicate-commands yes", func(c *Config) bool { return true }},
		{"client-output-buffer-limit normal 1mb 2k 3\nclient-output-buffer-limit pubsub 1 2 0", func(c *Config) bool {
			return c.ClientOutputBufferLimit[ClassNormal] == OutputBufferLimit{1 << 20, 2000, 3} &&
				c.ClientOutputBufferLimit[ClassReplica] == OutputBufferLimit{256 << 20, 64 << 20, 60} &&
				c.ClientOutputBufferLimit[ClassPubSub] == OutputBufferLimit{1, 2, 0}
		}},
		{`client-output-buffer-limit replica 1 2 ""`, func(c *Config) bool {
			return c.ClientOutputBufferLimit[ClassReplica] == OutputBufferLimit{1, 2, 0}
		}},
		{"\t# comment\r\n\v\nport 1\r", func(c *Config) bool { return c.Port == 1 }},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			c, err := Parse(tc.text, "")
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("unexpected result: %+v", c)
			}
		})
	}
}

// TestParseSave checks how save lines accumulate, as Redis 7.0.15 does.
func TestParseSave(t *testing.T) {
	tests := []struct{ text, want string }{
		{"# none", "3600 1 300 100 60 10000"},
		{"save 100 1", "100 1"},
		{"save 100 1\nsave 200 2", "100 1 200 2"},
		{"save 100 1 200 2\nsave 300 3", "100 1 200 2 300 3"},
		{"save 100 1\nsave \"\"", ""},
		{"save \"\"\nsave 100 1", "100 1"},
		{"save 100 1\nsave \"\"\nsave 200 2", "200 2"},
		{"save", ""},
		{"save 100 \"\"", "100 0"},
		{"save \" 100\" +5", "100 5"},
		{"save 100 4294967297", "100 1"}, // changes is a C int
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			c, err := Parse(tc.text, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Get("save")[0][1]; got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestInclude(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inc := write("inc.conf", "port 7001\ntimeout 5\n")
	write("d1.conf", "timeout 7\n")
	write("d2.conf", "tcp-keepalive 9") // no final newline: joins the next file
	write("d3.conf", " hz 20\n")
	bad := write("bad.conf", "\nport x\n")
	loop := filepath.Join(dir, "loop.conf")
	write("loop.conf", "include "+loop+"\n")

	c, err := Parse("port 1\ninclude "+inc+"\ntimeout 6\n", "main")
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 7001 || c.Timeout != 6 {
		t.Errorf("got port %d timeout %d, want 7001 and 6", c.Port, c.Timeout)
	}

	// Glob: files concatenated in lexical order.
	_, err = Parse("include "+filepath.Join(dir, "d*.conf"), "main")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 || pe.Text != "tcp-keepalive 9 hz 20" {
		t.Errorf("glob include: got %v, want the joined line 2 to fail", err)
	}
	if pe != nil && pe.Source != filepath.Join(dir, "d*.conf") {
		t.Errorf("glob include: source %q, want the pattern", pe.Source)
	}
	if _, err := Parse("include "+filepath.Join(dir, "nothing*.conf"), ""); err != nil {
		t.Errorf("glob without match: got %v, want no error", err)
	}

	// Errors inside an include name the included file and its own lines.
	_, err = Parse("port 1\ninclude "+bad, "main")
	if !errors.As(err, &pe) || pe.Source != bad || pe.Line != 2 {
		t.Errorf("bad include: got %v, want line 2 of %s", err, bad)
	}
	_, err = Parse("include "+filepath.Join(dir, "missing.conf"), "")
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing include: got %v, want a *FileError for a missing file", err)
	}
	if got := FatalReport(err, "1"); !strings.HasSuffix(got, "missing.conf': No such file or directory\n") {
		t.Errorf("missing include report: got %q", got)
	}
	_, err = Parse("include "+loop, "")
	if !errors.Is(err, ErrIncludeDepth) {
		t.Errorf("include loop: got %v, want ErrIncludeDepth", err)
	}
}

func TestLogFileCheck(t *testing.T) {
	_, err := Parse("logfile /nonexistent/x.log", "")
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrLogFile) {
		t.Fatalf("got %v, want ErrLogFile", err)
	}
	want := "\n*** FATAL CONFIG FILE ERROR (Vesta 1) ***\nCan't open the log file: No such file or directory\n"
	if got := pe.Report("1"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	p := filepath.Join(t.TempDir(), "vesta.log")
	if c, err := Parse("logfile "+p, ""); err != nil || c.LogFile != p {
		t.Errorf("writable log file: got %v", err)
	}
}

// FuzzParse feeds arbitrary text to the loader: it must return a Config or
// an error, never panic. include lines are dropped so the fuzzer cannot
// read the machine's files.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"port 7000\nsave 100 1\nsave \"\"\n",
		"bind 127.0.0.1 -::1\nclient-output-buffer-limit normal 1mb 2mb 3\n",
		"shutdown-on-sigterm save now\nloglevel debug\nhz 1000\n",
		"requirepass \"a\\x00b\"\n# comment\n\n",
		"maxclients 99999999999\nproto-max-bulk-len 1gb\n",
		"port \"unbalanced\n",
		"unixsocketperm 0777\nmaxmemory-clients 10%\nlatency-tracking-info-percentiles 50 99.9\n",
		"proc-title-template \"{title} {{x}} }\"\noom-score-adj-values -1 0 2000\nreplicaof no one\n",
		"notify-keyspace-events \"\"\nmaxmemory 1gb\nslaveof a 1\nsupervised auto\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var keep []string
		for _, l := range strings.Split(text, "\n") {
			args, _ := SplitArgs(strings.Trim(l, " \t\r\n"))
			if len(args) > 0 && (strings.EqualFold(args[0], "include") ||
				strings.EqualFold(args[0], "logfile") || strings.EqualFold(args[0], "dir")) {
				l = "#"
			}
			keep = append(keep, l)
		}
		c, err := Parse(strings.Join(keep, "\n"), "fuzz")
		if err == nil {
			// Whatever loaded must survive a GET of everything.
			_ = c.Get("*")
			return
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("got %T %v, want a *ParseError", err, err)
		}
	})
}
