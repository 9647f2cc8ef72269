package integration

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// runBinary runs a server binary that is expected to exit by itself (bad
// configuration, --version) and returns its output and exit code.
func runBinary(t *testing.T, bin string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = t.TempDir()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %q did not exit within 20s (it should not start serving)\n%s%s", bin, args, out.String(), errb.String())
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("running %s: %v", bin, err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// Ensure that --port chooses the port and CONFIG GET reports it.
func TestPortFlag(t *testing.T) {
	port, err := testutil.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	s := testutil.StartVesta(t, "--port", strconv.Itoa(port))
	if s.Port != port {
		t.Fatalf("server port: got %d, want %d", s.Port, port)
	}
	c := testutil.Dial(t, s.Addr)
	if got := c.DoValue("CONFIG", "GET", "port"); !equalStrings(got, "port", strconv.Itoa(port)) {
		t.Fatalf("CONFIG GET port: got %#v, want [port %d]", got, port)
	}
}

// Ensure that a config file with an unknown directive stops startup with
// the file, the line and the reason, as redis-server does (Redis names no
// file; Vesta adds it).
func TestConfigFileUnknownDirective(t *testing.T) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			bin := binaryOf(t, tg.name)
			conf := filepath.Join(t.TempDir(), "bad.conf")
			if err := os.WriteFile(conf, []byte("# a comment\nport 0\nno-such-directive yes\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := runBinary(t, bin, "", conf)
			out := stdout + stderr
			if code != 1 {
				t.Errorf("exit code: got %d, want 1", code)
			}
			for _, want := range []string{
				"*** FATAL CONFIG FILE ERROR",
				"at line 3",
				">>> 'no-such-directive yes'",
				"Bad directive or wrong number of arguments",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if tg.name == "vesta" && !strings.Contains(out, conf) {
				t.Errorf("output does not name the file %s:\n%s", conf, out)
			}
		})
	}
}

// Ensure that a bad value and a bad command-line option also stop startup.
func TestConfigBadValues(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"bad port value", []string{"--port", "notaport"}, "argument couldn't be parsed into an integer"},
		{"unknown option", []string{"--no-such-option", "1"}, "Bad directive or wrong number of arguments"},
		{"port out of range", []string{"--port", "70000"}, "argument must be between 0 and 65535 inclusive"},
	}
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			bin := binaryOf(t, tg.name)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					stdout, stderr, code := runBinary(t, bin, "", tc.args...)
					if code != 1 || !strings.Contains(stdout+stderr, tc.want) {
						t.Errorf("got exit %d and output\n%s%s\nwant exit 1 and %q", code, stdout, stderr, tc.want)
					}
				})
			}
		})
	}
}

// Ensure that "-" reads the configuration from standard input, with
// command-line options applied on top.
func TestConfigFromStdin(t *testing.T) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			bin := binaryOf(t, tg.name)
			s := testutil.Start(t, testutil.Spec{
				Name:  tg.name,
				Bin:   bin,
				Args:  []string{"-"},
				Stdin: []byte("databases 7\nmaxclients 123\n"),
			})
			c := testutil.Dial(t, s.Addr)
			if got := c.DoValue("CONFIG", "GET", "databases"); !equalStrings(got, "databases", "7") {
				t.Errorf("CONFIG GET databases: got %#v, want [databases 7]", got)
			}
			if got := c.DoValue("CONFIG", "GET", "maxclients"); !equalStrings(got, "maxclients", "123") {
				t.Errorf("CONFIG GET maxclients: got %#v, want [maxclients 123]", got)
			}
			if got := string(c.Do("SELECT", "7")); got != "-ERR DB index is out of range\r\n" {
				t.Errorf("SELECT 7: got %q", got)
			}
		})
	}
}

// Ensure that a config file and options combine: options override the file.
func TestConfigFileWithOverrides(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "vesta.conf")
	if err := os.WriteFile(conf, []byte("databases 4\nmaxclients 50\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := testutil.StartVesta(t, conf, "--maxclients", "60")
	c := testutil.Dial(t, s.Addr)
	if got := c.DoValue("CONFIG", "GET", "databases"); !equalStrings(got, "databases", "4") {
		t.Errorf("databases: got %#v, want 4", got)
	}
	if got := c.DoValue("CONFIG", "GET", "maxclients"); !equalStrings(got, "maxclients", "60") {
		t.Errorf("maxclients: got %#v, want 60", got)
	}
}

// Ensure that --version and --help print and exit 0 without serving.
func TestVersionAndHelp(t *testing.T) {
	bin := testutil.BuildVesta(t)
	for _, args := range [][]string{{"--version"}, {"-v"}} {
		stdout, _, code := runBinary(t, bin, "", args...)
		if code != 0 || !strings.Contains(stdout, "v=") || !strings.Contains(stdout, "redis_compat=7.0.15") {
			t.Errorf("%q: exit %d, output %q; want exit 0 and a version line", args, code, stdout)
		}
	}
	for _, args := range [][]string{{"--help"}, {"-h"}} {
		stdout, _, code := runBinary(t, bin, "", args...)
		if code != 0 || !strings.Contains(stdout, "Usage:") {
			t.Errorf("%q: exit %d, output %q; want exit 0 and usage", args, code, stdout)
		}
	}
}

// equalStrings reports whether a parsed reply is an array of exactly want.
func equalStrings(v any, want ...string) bool {
	arr, ok := v.([]any)
	if !ok || len(arr) != len(want) {
		return false
	}
	for i, w := range want {
		if s, ok := arr[i].(string); !ok || s != w {
			return false
		}
	}
	return true
}

// Ensure that a multi-argument directive given as one quoted option
// (--save "3600 1") is split like redis-server does it.
func TestMultiArgOptionInOneString(t *testing.T) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			s := tg.start(t, "--save", "3600 1 300 100")
			c := testutil.Dial(t, s.Addr)
			if got := c.DoValue("CONFIG", "GET", "save"); !equalStrings(got, "save", "3600 1 300 100") {
				t.Errorf("CONFIG GET save: got %#v, want [save \"3600 1 300 100\"]", got)
			}
		})
	}
}
