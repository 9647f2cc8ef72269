package compat

import (
	"fmt"
	"strings"

	"github.com/vestadb/vesta/internal/testutil"
)

// Mode says how the two replies to a command are compared.
type Mode uint8

const (
	// Exact requires identical bytes.
	Exact Mode = iota
	// Sorted compares the elements of an aggregate reply as a multiset,
	// for replies in hash order (KEYS, SMEMBERS of a hashtable set).
	// Non-aggregate replies are compared exactly.
	Sorted
	// Approx accepts integer replies that differ by at most
	// Cmd.Tolerance (TTL, PTTL, EXPIRETIME); others must be exact.
	Approx
	// TypeOnly compares only the reply's type byte.
	TypeOnly
	// Ignore accepts any two replies (TIME, INFO, SCAN cursors).
	Ignore
	// Text accepts a simple string and a bulk string with the same text.
	Text
	// Payload compares DUMP replies by what they hold: both null, or two
	// payloads that decode to values of the same type and digest (the
	// bytes may differ: hash order, LZF choices).
	Payload
)

func (m Mode) String() string {
	switch m {
	case Exact:
		return "exact"
	case Sorted:
		return "sorted"
	case Approx:
		return "approx"
	case TypeOnly:
		return "type-only"
	case Ignore:
		return "ignore"
	case Text:
		return "text"
	case Payload:
		return "payload"
	}
	return fmt.Sprintf("Mode(%d)", m)
}

// Cmd is one command of a script and how to compare its replies.
type Cmd struct {
	Args      []string
	Mode      Mode
	Tolerance int64 // for Approx
}

// C builds an exactly compared command.
func C(args ...string) Cmd { return Cmd{Args: args} }

// With returns c compared in mode m.
func (c Cmd) With(m Mode) Cmd { c.Mode = m; return c }

// Approx returns c compared as integers within tol.
func (c Cmd) Approx(tol int64) Cmd { c.Mode, c.Tolerance = Approx, tol; return c }

// Name is the upper-cased command name, "" for an empty command.
func (c Cmd) Name() string {
	if len(c.Args) == 0 {
		return ""
	}
	return strings.ToUpper(c.Args[0])
}

// String renders the command as a redis-cli line, with its mode when it
// is not exact.
func (c Cmd) String() string {
	parts := make([]string, len(c.Args))
	for i, a := range c.Args {
		parts[i] = testutil.Quote(a)
	}
	s := strings.Join(parts, " ")
	switch c.Mode {
	case Exact:
	case Approx:
		s += fmt.Sprintf("    # approx ±%d", c.Tolerance)
	default:
		s += "    # " + c.Mode.String()
	}
	return s
}

// Script is a sequence of commands run on one connection.
type Script []Cmd

// String renders the script one numbered command a line.
func (s Script) String() string {
	var b strings.Builder
	for i, c := range s {
		fmt.Fprintf(&b, "%4d  %s\n", i, c)
	}
	return b.String()
}

// GoSource renders the script as a Go literal for pasting into a
// regression test.
func (s Script) GoSource() string {
	var b strings.Builder
	b.WriteString("Script{\n")
	for _, c := range s {
		b.WriteString("\tC(")
		for i, a := range c.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", a)
		}
		b.WriteString(")")
		switch c.Mode {
		case Exact:
		case Approx:
			fmt.Fprintf(&b, ".Approx(%d)", c.Tolerance)
		default:
			fmt.Fprintf(&b, ".With(%s)", modeName(c.Mode))
		}
		b.WriteString(",\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func modeName(m Mode) string {
	switch m {
	case Sorted:
		return "Sorted"
	case TypeOnly:
		return "TypeOnly"
	case Ignore:
		return "Ignore"
	case Text:
		return "Text"
	case Payload:
		return "Payload"
	}
	return "Exact"
}
