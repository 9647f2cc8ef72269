// Command vesta-check-aof checks an append-only file: a multi-part AOF
// given by its manifest (every file the manifest lists, in load order), an
// old-style single-file AOF, or an AOF whose base is an RDB image. Its
// output and exit codes follow redis-check-aof's, so that scripts written
// for it work, and it reads Redis's files as well as Vesta's.
//
// Usage:
//
//	vesta-check-aof [--fix [-y|--yes]] <file.manifest|file.aof>
//	vesta-check-aof --truncate-to-timestamp <unix-time> <file.manifest|file.aof>
//
// Without options it reports, for each file, whether it is valid, empty,
// truncated or corrupt, and exits 1 if any is not valid.
//
// --fix cuts a torn tail off the last file, after asking "Continue?
// [y/N]:" on standard input (-y or --yes answers yes). The bytes cut off
// are kept in <file>.broken. It refuses to cut anything when the damage is
// not a torn tail of the last file, since that would lose acknowledged
// writes, and says what to do instead.
//
// --truncate-to-timestamp cuts the AOF at the first #TS: annotation later
// than the given Unix time (aof-timestamp-enabled yes writes them), for
// point-in-time recovery. The bytes cut off are kept in
// <file>.after-<unix-time>.
//
// The server must be stopped while files are fixed or truncated. The work
// is done by package aofcheck; this program parses arguments and prints.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/vestadb/vesta/internal/aofcheck"
	"github.com/vestadb/vesta/internal/manifest"
	"github.com/vestadb/vesta/internal/vfs"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout))
}

const usage = "Usage: vesta-check-aof [--fix [-y|--yes]|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>\n"

// errInvalidTimestamp is printed as redis-check-aof prints it.
var errInvalidTimestamp = errors.New("invalid timestamp")

// args are the parsed command-line arguments.
type args struct {
	fix, yes bool
	ts       int64
	path     string
}

func parseArgs(argv []string) (args, error) {
	var a args
	for i := 0; i < len(argv); i++ {
		switch arg := argv[i]; {
		case arg == "--fix":
			a.fix = true
		case arg == "-y" || arg == "--yes":
			a.yes = true
		case arg == "--truncate-to-timestamp":
			if i+1 >= len(argv) {
				return a, errors.New("missing timestamp")
			}
			i++
			ts, err := strconv.ParseInt(argv[i], 10, 64)
			if err != nil || ts == 0 {
				return a, errInvalidTimestamp
			}
			a.ts = ts
		case strings.HasPrefix(arg, "-") && arg != "-":
			return a, fmt.Errorf("unknown option %s", arg)
		case a.path != "":
			return a, errors.New("more than one file given")
		default:
			a.path = arg
		}
	}
	switch {
	case a.path == "":
		return a, errors.New("no file given")
	case a.fix && a.ts != 0:
		return a, errors.New("--fix and --truncate-to-timestamp cannot be used together")
	case a.yes && !a.fix:
		return a, errors.New("--yes goes with --fix")
	}
	return a, nil
}

// run executes the command and returns the exit status.
func run(argv []string, stdin io.Reader, stdout io.Writer) int {
	a, err := parseArgs(argv)
	if err != nil {
		if err == errInvalidTimestamp {
			fmt.Fprintln(stdout, "Invalid timestamp, aborting...")
		} else {
			fmt.Fprintf(stdout, "%v\n%s", err, usage)
		}
		return 1
	}
	fsys := vfs.Default
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	p := &aofcheck.Printer{W: out}

	rep, err := aofcheck.Check(fsys, a.path, aofcheck.Options{Timestamp: a.ts})
	if err != nil {
		printSetupError(out, a.path, err)
		return 1
	}
	p.Header(rep)
	switch {
	case a.ts != 0:
		return truncateToTimestamp(out, p, fsys, rep)
	case a.fix:
		return fix(out, p, fsys, rep, a.yes, stdin)
	}
	for i := range rep.Files {
		p.File(rep, i, true)
	}
	p.Footer(rep)
	if !rep.OK() {
		return 1
	}
	return 0
}

// fix prints the report and cuts the torn tail of the last file, if that
// is the only problem and the operator agrees.
func fix(out *bufio.Writer, p *aofcheck.Printer, fsys vfs.FS, rep *aofcheck.Report, yes bool, stdin io.Reader) int {
	target, ferr := rep.FixTarget()
	for i, f := range rep.Files {
		p.File(rep, i, f != target)
	}
	switch {
	case errors.Is(ferr, aofcheck.ErrNothingToFix):
		p.Footer(rep)
		return 0
	case ferr != nil:
		fmt.Fprintf(out, "Not fixing anything: %v\n", ferr)
		p.Footer(rep)
		return 1
	}
	fmt.Fprintf(out, "This will shrink the AOF %s from %d bytes, with %d bytes, to %d bytes\n",
		target.Name, target.Size, target.Diff(), target.OKUpTo)
	if !yes {
		fmt.Fprint(out, "Continue? [y/N]: ")
		out.Flush()
		answer, _ := bufio.NewReader(stdin).ReadString('\n')
		if !strings.HasPrefix(answer, "y") && !strings.HasPrefix(answer, "Y") {
			fmt.Fprintln(out, "Aborting...")
			return 1
		}
	}
	saved, err := aofcheck.Fix(fsys, target.Path, target.OKUpTo)
	if err != nil {
		fmt.Fprintf(out, "Failed to truncate AOF %s: %v\n", target.Name, err)
		return 1
	}
	fmt.Fprintf(out, "Successfully truncated AOF %s\n", target.Name)
	fmt.Fprintf(out, "The %d bytes cut off are kept in %s\n", target.Diff(), saved)
	if rep.Input == aofcheck.InputManifest {
		fmt.Fprintln(out, "All AOF files and manifest are valid")
	}
	return 0
}

// truncateToTimestamp prints the report and cuts the AOF at the first
// timestamp annotation later than the requested time.
func truncateToTimestamp(out *bufio.Writer, p *aofcheck.Printer, fsys vfs.FS, rep *aofcheck.Report) int {
	target, terr := rep.TimestampCut()
	for i, f := range rep.Files {
		if f == target {
			break
		}
		p.File(rep, i, true)
	}
	if target != nil {
		p.Section(rep, slices.Index(rep.Files, target))
	}
	switch {
	case errors.Is(terr, aofcheck.ErrNotLastFile):
		fmt.Fprintf(out, "Failed to truncate AOF %s to timestamp %d to offset %d because it is not the last file.\n",
			target.Name, rep.Timestamp, target.TSCut)
		fmt.Fprintln(out, "If you insist, please delete all files after this file according to the manifest file and delete the corresponding records in manifest file manually. Then re-run vesta-check-aof.")
		return 1
	case errors.Is(terr, aofcheck.ErrNothingBefore):
		fmt.Fprintf(out, "AOF %s has nothing before timestamp %d, aborting...\n", target.Name, rep.Timestamp)
		return 1
	case terr != nil:
		fmt.Fprintf(out, "Not truncating anything: %v\n", terr)
		p.Footer(rep)
		return 1
	case target == nil:
		p.Footer(rep)
		return 0
	}
	if _, err := rep.CutAtTimestamp(fsys); err != nil {
		fmt.Fprintf(out, "Failed to truncate AOF %s to timestamp %d: %v\n", target.Name, rep.Timestamp, err)
		return 1
	}
	fmt.Fprintf(out, "Successfully truncated AOF %s to timestamp %d\n", target.Name, rep.Timestamp)
	if target.Saved != "" {
		fmt.Fprintf(out, "The %d bytes cut off are kept in %s\n", target.Size-target.CutTo, target.Saved)
	}
	p.Footer(rep)
	return 0
}

// printSetupError reports an input that could not be checked at all.
func printSetupError(out io.Writer, path string, err error) {
	var pe *manifest.ParseError
	switch {
	case errors.As(err, &pe):
		fmt.Fprintln(out, "Start checking Multi Part AOF")
		fmt.Fprintln(out, "\n*** FATAL AOF MANIFEST FILE ERROR ***")
		fmt.Fprintf(out, "Reading the manifest file, at line %d\n", pe.Line)
		fmt.Fprintf(out, ">>> '%s'\n", pe.Text)
		fmt.Fprintln(out, pe.Err)
	case errors.Is(err, aofcheck.ErrBadManifest):
		fmt.Fprintln(out, "Start checking Multi Part AOF")
		fmt.Fprintln(out, "\n*** FATAL AOF MANIFEST FILE ERROR ***")
		fmt.Fprintln(out, err)
	default:
		fmt.Fprintf(out, "Cannot open file %s: %v\n", path, err)
	}
}
