package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseArgsErrors(t *testing.T) {
	tests := []struct {
		args   []string
		line   int
		text   string
		reason string
	}{
		// These four are what real redis-server 7.0.15 prints.
		{[]string{"--port"}, 2, "port", "wrong number of arguments"},
		{[]string{"--bogus", "1"}, 2, `bogus "1"`, "Bad directive or wrong number of arguments"},
		{[]string{"--port", "7790", "--port"}, 3, "port", "wrong number of arguments"},
		{[]string{"--port", "1", "2"}, 2, `port "1" "2"`, "wrong number of arguments"},
		{[]string{"-x"}, 2, `"-x"`, "Bad directive or wrong number of arguments"},
		{[]string{"--port", "abc"}, 2, `port "abc"`, "argument couldn't be parsed into an integer"},
		{[]string{"--port", "1", "--version"}, 3, "version", "Bad directive or wrong number of arguments"},
		{[]string{"--port", "--bind"}, 2, `port "--bind"`, "argument couldn't be parsed into an integer"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, err := ParseArgs(tc.args, nil)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.Line != tc.line || pe.Text != tc.text || pe.Err.Error() != tc.reason {
				t.Errorf("got line %d %q %q, want line %d %q %q", pe.Line, pe.Text, pe.Err, tc.line, tc.text, tc.reason)
			}
			if pe.Source != "(command line)" {
				t.Errorf("source: got %q, want (command line)", pe.Source)
			}
		})
	}
}

func TestParseArgs(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "vesta.conf")
	if err := os.WriteFile(file, []byte("port 7000\nsave 100 1\ntimeout 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		check func(c *Config) bool
	}{
		{"none", nil, "", func(c *Config) bool { return c.Port == 6379 && c.Path() == "" }},
		{"file", []string{file}, "", func(c *Config) bool { return c.Port == 7000 && c.Path() == file }},
		{"override", []string{file, "--port", "7001"}, "", func(c *Config) bool { return c.Port == 7001 && c.Timeout == 3 }},
		{"joined", []string{"--port 7002"}, "", func(c *Config) bool { return c.Port == 7002 }},
		{"multi", []string{"--save", "900", "1", "300", "10"}, "", func(c *Config) bool {
			return c.Get("save")[0][1] == "900 1 300 10"
		}},
		{"save empty", []string{"--save", ""}, "", func(c *Config) bool { return len(c.Save) == 0 }},
		{"save bare last", []string{"--port", "1", "--save"}, "", func(c *Config) bool { return len(c.Save) == 0 }},
		{"save bare mid", []string{"--save", "--port", "5"}, "", func(c *Config) bool {
			return len(c.Save) == 0 && c.Port == 5
		}},
		{"save adds to file", []string{file, "--save", "900", "1"}, "", func(c *Config) bool {
			return c.Get("save")[0][1] == "100 1 900 1"
		}},
		{"negative value", []string{"--list-max-listpack-size", "-3"}, "", func(c *Config) bool {
			return c.ListMaxListpackSize == -3
		}},
		{"quoted value", []string{"--requirepass", `a "b" c`}, "", func(c *Config) bool { return c.RequirePass == `a "b" c` }},
		{"stdin only", []string{"-"}, "port 7003\n", func(c *Config) bool { return c.Port == 7003 && c.Path() == "" }},
		{"file and stdin", []string{file, "-"}, "timeout 9", func(c *Config) bool { return c.Port == 7000 && c.Timeout == 9 }},
		{"stdin then options", []string{"-", "--timeout", "4"}, "timeout 9", func(c *Config) bool { return c.Timeout == 4 }},
		{"stdin last", []string{"--timeout", "4", "-"}, "timeout 9", func(c *Config) bool { return c.Timeout == 4 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseArgs(tc.args, strings.NewReader(tc.stdin))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("unexpected result: %+v", c)
			}
		})
	}
}

func TestParseArgsSpecial(t *testing.T) {
	for _, a := range []string{"-v", "--version"} {
		if _, err := ParseArgs([]string{a}, nil); !errors.Is(err, ErrVersion) {
			t.Errorf("%s: got %v, want ErrVersion", a, err)
		}
	}
	for _, a := range []string{"-h", "--help"} {
		if _, err := ParseArgs([]string{a}, nil); !errors.Is(err, ErrHelp) {
			t.Errorf("%s: got %v, want ErrHelp", a, err)
		}
	}
	_, err := ParseArgs([]string{"/nonexistent/vesta.conf"}, nil)
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("missing file: got %v, want *FileError", err)
	}
	want := "Fatal error, can't open config file '/nonexistent/vesta.conf': No such file or directory\n"
	if got := FatalReport(err, "1"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Line numbers continue across the file and stdin, as in Redis.
	dir := t.TempDir()
	file := filepath.Join(dir, "a.conf")
	os.WriteFile(file, []byte("port 1\n"), 0o644)
	_, err = ParseArgs([]string{file, "-"}, strings.NewReader("port abc\n"))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 || pe.Source != file+" + (stdin)" {
		t.Errorf("got %v, want line 2 of the file + stdin", err)
	}
	if !strings.Contains(Usage("vesta-server"), "vesta-server [/path/to/vesta.conf]") {
		t.Error("Usage does not show the syntax")
	}
}
