package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ParseArgs builds the configuration from a vesta-server command line, with
// redis-server's rules. args excludes the program name. The syntax is
//
//	[configfile] [--directive value ...] [-]
//
// with these rules:
//
//   - A first argument not starting with '-' is the configuration file;
//     its absolute path becomes [Config.Path].
//   - "-" as the first or last argument appends the text read from stdin
//     after the file.
//   - Every "--name" starts a line "name ..." appended after the file and
//     stdin, so options override both; the arguments that follow, up to the
//     next "--", are its values ("--save 900 1 300 10"). A value is quoted
//     on the generated line, so spaces and quotes in it are safe. A single
//     argument holding name and value ("--port 7000") works too.
//   - A bare "--save" (last, or followed by another option) means
//     `save ""`, as in Redis 7.0.1 and later.
//   - "-v"/"--version" and "-h"/"--help" as the first argument return
//     ErrVersion or ErrHelp; nothing is printed.
//
// Errors are *ParseError or *FileError values; [FatalReport] renders them
// as Redis would. Line numbers count over the concatenated text, as Redis
// counts them: options start on the line after the file and stdin.
func ParseArgs(args []string, stdin io.Reader) (*Config, error) {
	c := Default()
	if len(args) == 0 {
		return c, nil
	}
	switch args[0] {
	case "-v", "--version":
		return nil, ErrVersion
	case "-h", "--help":
		return nil, ErrHelp
	}

	var file string
	j := 0
	if !strings.HasPrefix(args[0], "-") {
		file = args[0]
		j = 1
	}
	fromStdin := false
	var opts strings.Builder
	valueExpected := false // the last option had no value yet
	for ; j < len(args); j++ {
		a := args[j]
		last := j == len(args)-1
		switch {
		case a == "-" && (j == 0 || last):
			fromStdin = true
		case !valueExpected && strings.HasPrefix(a, "--"):
			if opts.Len() > 0 {
				opts.WriteByte('\n')
			}
			opts.WriteString(a[2:])
			opts.WriteByte(' ')
			words, err := SplitArgs(a)
			valueExpected = err == nil && len(words) == 1
			if valueExpected && strings.EqualFold(a, "--save") &&
				(last || strings.HasPrefix(args[j+1], "--")) {
				opts.WriteString(`""`)
				valueExpected = last // a trailing --save keeps Redis's state
			}
		default:
			opts.WriteString(Quote(a))
			opts.WriteByte(' ')
			valueExpected = false
		}
	}

	var text strings.Builder
	var sources []string
	if file != "" {
		data, err := readFile(file)
		if err != nil {
			return nil, err
		}
		text.Write(data)
		sources = append(sources, file)
		abs, err := filepath.Abs(file)
		if err != nil {
			return nil, &FileError{Path: file, Err: err}
		}
		c.path = abs
	}
	if fromStdin && stdin != nil {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, &FileError{Path: "-", Err: err}
		}
		text.Write(data)
		sources = append(sources, "(stdin)")
	}
	// Redis always appends a newline and the options, even when there are
	// none, which shifts option lines by one.
	text.WriteByte('\n')
	text.WriteString(opts.String())
	if opts.Len() > 0 {
		sources = append(sources, "(command line)")
	}

	if err := c.loadAll(text.String(), strings.Join(sources, " + ")); err != nil {
		return nil, err
	}
	return c, nil
}

// readFile reads a configuration file, reporting failure as Redis does.
func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	return data, nil
}

// Usage is the help text for vesta-server, with prog as the program name.
func Usage(prog string) string {
	return "Usage: " + prog + " [/path/to/vesta.conf] [options] [-]\n" +
		"       " + prog + " - (read the configuration from stdin)\n" +
		"       " + prog + " -v or --version\n" +
		"       " + prog + " -h or --help\n" +
		"\n" +
		"Options are configuration directives written as --name value; they\n" +
		"are applied after the file and stdin, so they override both.\n" +
		"\n" +
		"Examples:\n" +
		"       " + prog + " (run with the built-in defaults)\n" +
		"       echo 'appendonly yes' | " + prog + " -\n" +
		"       " + prog + " /etc/vesta/vesta.conf\n" +
		"       " + prog + " --port 7777 --dir /var/lib/vesta\n" +
		"       " + prog + " /etc/vesta/vesta.conf --loglevel verbose --save 900 1 300 10\n"
}
