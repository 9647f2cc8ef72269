package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// These errors can be returned while reading a configuration (Parse, Load,
// ParseArgs). They arrive wrapped in a *ParseError or a *FileError.
var (
	// ErrUnbalancedQuotes is returned by SplitArgs for an unterminated
	// quote or a closing quote glued to the next word.
	ErrUnbalancedQuotes = errors.New("config: unbalanced quotes")
	// ErrBadDirective is an unknown directive, or include with the wrong
	// number of arguments.
	ErrBadDirective = errors.New("config: bad directive or wrong number of arguments")
	// ErrWrongArgCount is a known directive with the wrong number of
	// arguments.
	ErrWrongArgCount = errors.New("config: wrong number of arguments")
	// ErrIncludeDepth is returned when include files nest too deeply,
	// which also catches a file that includes itself.
	ErrIncludeDepth = errors.New("config: include nesting too deep")
	// ErrUnsupported is a Redis directive for a feature Vesta lacks
	// (loadmodule, user, rename-command, sentinel).
	ErrUnsupported = errors.New("config: unsupported directive")
	// ErrLogFile is returned when logfile names a file that cannot be
	// opened for appending.
	ErrLogFile = errors.New("config: can't open the log file")
)

// ErrInvalidValue is the kind of every *ValueError: a directive's value does
// not parse or is out of range.
var ErrInvalidValue = errors.New("config: invalid value")

// These are returned by ParseArgs when the command line asks for
// information instead of a configuration, like flag.ErrHelp.
var (
	// ErrVersion: the first argument was -v or --version.
	ErrVersion = errors.New("config: version requested")
	// ErrHelp: the first argument was -h or --help.
	ErrHelp = errors.New("config: help requested")
)

// These are the kinds of the *ReplyError values that Set and Rewrite
// return; test them with errors.Is.
var (
	// ErrUnknownOption: CONFIG SET named no known directive.
	ErrUnknownOption = errors.New("config: unknown option")
	// ErrImmutable: CONFIG SET named an immutable directive.
	ErrImmutable = errors.New("config: immutable directive")
	// ErrProtected: CONFIG SET named a protected directive without the
	// right to change it.
	ErrProtected = errors.New("config: protected directive")
	// ErrDuplicate: CONFIG SET named a directive twice.
	ErrDuplicate = errors.New("config: duplicate parameter")
	// ErrApply: an OnApply hook refused the new value; everything was
	// rolled back.
	ErrApply = errors.New("config: apply failed")
	// ErrNoConfigFile: CONFIG REWRITE without a configuration file.
	ErrNoConfigFile = errors.New("config: the server is running without a config file")
	// ErrRewrite: CONFIG REWRITE could not read or replace the file.
	ErrRewrite = errors.New("config: rewrite failed")
)

// ValueError is the reason a directive's value was refused, in Redis's exact
// words (for example "argument couldn't be parsed into an integer"). It
// matches ErrInvalidValue under errors.Is.
type ValueError struct {
	Reason string
}

func (e *ValueError) Error() string { return e.Reason }

// Is makes every ValueError match ErrInvalidValue.
func (e *ValueError) Is(target error) bool { return target == ErrInvalidValue }

// reasonError carries Redis's wording for a line-level failure while
// matching one of this package's sentinels under errors.Is.
type reasonError struct {
	text string
	kind error
}

func (e *reasonError) Error() string { return e.text }
func (e *reasonError) Unwrap() error { return e.kind }

// ParseError reports a configuration line that could not be applied.
type ParseError struct {
	// Source names the text being read: a file path, a glob pattern of an
	// include, "(stdin)", "(command line)", or several of them joined with
	// " + " when ParseArgs concatenated them. It may be empty.
	Source string
	// Line is the 1-based line number within that text, counted exactly as
	// Redis counts it (over the whole concatenation). Zero means the error
	// is not about one line (an unopenable log file).
	Line int
	// Text is the offending line, with surrounding white space removed.
	Text string
	// Err is the cause: a *ValueError, or an error matching one of the
	// Err* sentinels of this package under errors.Is. Err.Error() is
	// Redis's message for it.
	Err error
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return "config: " + e.Err.Error()
	}
	src := e.Source
	if src == "" {
		src = "configuration"
	}
	return fmt.Sprintf("config: %s, line %d: '%s': %s", src, e.Line, e.Text, e.Err.Error())
}

func (e *ParseError) Unwrap() error { return e.Err }

// Report returns the message Redis prints before exiting on a bad
// configuration, with Vesta's name and the given version, and with the
// source named: Redis prints "Reading the configuration file, at line N"
// without saying which file; Vesta inserts the source after "file" (and
// keeps Redis's text when the source is unknown).
func (e *ParseError) Report(version string) string {
	b := []byte("\n*** FATAL CONFIG FILE ERROR (Vesta " + version + ") ***\n")
	if e.Line > 0 {
		b = append(b, "Reading the configuration file"...)
		if e.Source != "" {
			b = append(b, ' ')
			b = append(b, e.Source...)
		}
		b = append(b, ", at line "...)
		b = strconv.AppendInt(b, int64(e.Line), 10)
		b = append(b, "\n>>> '"...)
		b = append(b, e.Text...)
		b = append(b, "'\n"...)
	}
	b = append(b, e.Err.Error()...)
	b = append(b, '\n')
	return string(b)
}

// ParseErrors reports several bad lines of one configuration, in the order
// read. Loading reports every bad line at once rather than stopping at the
// first, so that a configuration can be fixed in one pass.
type ParseErrors []*ParseError

func (e ParseErrors) Error() string {
	parts := make([]string, len(e))
	for i, pe := range e {
		parts[i] = pe.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap gives each *ParseError to errors.Is and errors.As; errors.As with a
// *ParseError target finds the first.
func (e ParseErrors) Unwrap() []error {
	out := make([]error, len(e))
	for i, pe := range e {
		out[i] = pe
	}
	return out
}

// Report prints Redis's fatal block once, then the file, line and reason of
// each bad line, then the list of them all as file:line.
func (e ParseErrors) Report(version string) string {
	b := []byte("\n*** FATAL CONFIG FILE ERROR (Vesta " + version + ") ***\n")
	var where []string
	for _, pe := range e {
		r := pe.Report(version)
		b = append(b, r[strings.Index(r, "***\n")+4:]...)
		if pe.Line > 0 {
			src := pe.Source
			if src == "" {
				src = "configuration"
			}
			where = append(where, src+":"+strconv.Itoa(pe.Line))
		}
	}
	b = append(b, fmt.Sprintf("%d errors in the configuration, at %s\n", len(e), strings.Join(where, ", "))...)
	return string(b)
}

// FileError reports a configuration file (or stdin) that could not be read.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string {
	return fmt.Sprintf("config: can't open config file '%s': %s", e.Path, strerror(e.Err))
}

func (e *FileError) Unwrap() error { return e.Err }

// Report returns the line Redis logs before exiting when it cannot open a
// configuration file.
func (e *FileError) Report() string {
	return fmt.Sprintf("Fatal error, can't open config file '%s': %s\n", e.Path, strerror(e.Err))
}

// FatalReport renders any error from Parse, Load or ParseArgs the way Redis
// reports a configuration failure, for the binary to print before exiting
// with status 1.
func FatalReport(err error, version string) string {
	var pes ParseErrors
	if errors.As(err, &pes) {
		return pes.Report(version)
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		return pe.Report(version)
	}
	var fe *FileError
	if errors.As(err, &fe) {
		return fe.Report()
	}
	return err.Error() + "\n"
}

// ReplyError is an error of Set or Rewrite whose text is exactly the error
// reply Redis sends for it, such as "ERR CONFIG SET failed (possibly related
// to argument 'port') - argument couldn't be parsed into an integer". The
// server writes "-" + Reply + "\r\n". Its kind (ErrUnknownOption,
// ErrImmutable, ...) and cause are reachable with errors.Is and errors.As.
type ReplyError struct {
	Reply string
	Kind  error
	Err   error
}

func (e *ReplyError) Error() string { return e.Reply }

func (e *ReplyError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}
