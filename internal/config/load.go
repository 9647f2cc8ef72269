package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// maxIncludeDepth bounds nested include directives. Redis has no bound and
// crashes on a file that includes itself; Vesta reports ErrIncludeDepth.
const maxIncludeDepth = 16

// loadState is the bookkeeping of one load, shared by included files.
type loadState struct {
	// saveSeen is set by the first save line, which replaces the built-in
	// save rules; later lines add to them.
	saveSeen bool
	// depth is the current include nesting.
	depth int
	// users are the names of the "user" directives seen so far.
	users map[string]bool
	// errs are the bad lines found so far: loading goes on after a bad
	// line so that every one of them is reported at once.
	errs []*ParseError
}

// Parse reads a configuration text on top of the built-in defaults and
// returns the result. source names the text in error messages (it may be
// empty). include directives read files relative to the working directory,
// as Redis does.
func Parse(text, source string) (*Config, error) {
	c := Default()
	if err := c.loadAll(text, source); err != nil {
		return nil, err
	}
	return c, nil
}

// loadAll loads a whole configuration text and runs the final checks,
// returning every bad line at once: a *ParseError for one, ParseErrors for
// several. An unreadable include stops loading with a *FileError.
func (c *Config) loadAll(text, source string) error {
	c.load = &loadState{}
	defer func() { c.load = nil }()
	if err := c.loadText(text, source); err != nil {
		return err
	}
	if err := c.checkLoaded(); err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			c.load.errs = append(c.load.errs, pe)
		} else {
			return err
		}
	}
	switch len(c.load.errs) {
	case 0:
		return nil
	case 1:
		return c.load.errs[0]
	}
	return ParseErrors(c.load.errs)
}

// Load reads the configuration file at path on top of the built-in defaults.
// The result remembers the file's absolute path for CONFIG REWRITE.
func Load(path string) (*Config, error) {
	return ParseArgs([]string{path}, nil)
}

// loadText applies every line of text to c, in order. It mirrors Redis's
// loadServerConfigFromString, except that a bad line is recorded in c.load
// and loading goes on, so that all of them are reported together. Only an
// include that cannot be read stops it, with a *FileError.
func (c *Config) loadText(text, source string) error {
	for i, raw := range strings.Split(text, "\n") {
		line := strings.Trim(raw, " \t\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		fail := func(err error) {
			c.load.errs = append(c.load.errs, &ParseError{Source: source, Line: i + 1, Text: line, Err: err})
		}
		args, err := SplitArgs(line)
		if err != nil {
			fail(&reasonError{"Unbalanced quotes in configuration line", ErrUnbalancedQuotes})
			continue
		}
		if len(args) == 0 {
			continue
		}
		name := strings.ToLower(args[0])
		if d, ok := lookup(name); ok {
			if d.Flags&MultiArg == 0 && len(args) != 2 {
				fail(&reasonError{"wrong number of arguments", ErrWrongArgCount})
				continue
			}
			if err := d.set(c, args[1:]); err != nil {
				fail(err)
				continue
			}
			c.noteIgnored(d)
			continue
		}
		switch {
		case deprecatedDirectives[name] && len(args) == 2:
			// Accepted and ignored.
		case name == "include" && len(args) == 2:
			if err := c.include(args[1]); err != nil {
				return err
			}
		case name == "loadmodule" && len(args) >= 2:
			fail(&reasonError{"modules are not available in Vesta: it cannot load Redis modules", ErrUnsupported})
		case name == "user" && len(args) >= 2:
			if err := c.addUser(args[1:]); err != nil {
				fail(err)
			}
		case name == "rename-command" && len(args) == 3:
			fail(&reasonError{"rename-command is not available in Vesta yet", ErrUnsupported})
		case name == "sentinel":
			fail(&reasonError{"Sentinel mode is not available in Vesta", ErrUnsupported})
		default:
			fail(&reasonError{"Bad directive or wrong number of arguments", ErrBadDirective})
		}
	}
	return nil
}

// include loads another configuration file at this point of the text. A
// path with a glob character loads every match, in lexical order, as one
// concatenated text; no match is not an error (an empty conf.d directory is
// fine). A plain path must exist.
func (c *Config) include(path string) error {
	if c.load.depth >= maxIncludeDepth {
		return &FileError{Path: path, Err: ErrIncludeDepth}
	}
	c.load.depth++
	defer func() { c.load.depth-- }()

	if !strings.ContainsAny(path, "*?[") {
		data, err := os.ReadFile(path)
		if err != nil {
			return &FileError{Path: path, Err: err}
		}
		return c.loadText(string(data), path)
	}
	matches, err := filepath.Glob(path)
	if err != nil {
		return nil // a malformed pattern matches nothing, as with glob(3)
	}
	var text []byte
	for _, m := range matches {
		data, err := os.ReadFile(m)
		if err != nil {
			return &FileError{Path: m, Err: err}
		}
		text = append(text, data...)
	}
	if len(matches) == 0 {
		return nil
	}
	return c.loadText(string(text), path)
}

// checkLoaded runs the checks Redis makes once the whole configuration is
// read: the log file must be writable.
func (c *Config) checkLoaded() error {
	if c.LogFile == "" {
		return nil
	}
	f, err := os.OpenFile(c.LogFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return &ParseError{Err: &reasonError{"Can't open the log file: " + strerror(err), ErrLogFile}}
	}
	return f.Close()
}
