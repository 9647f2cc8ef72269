// Command vesta-check-rdb verifies an RDB file (dump.rdb, or the RDB part of
// an AOF base or preamble file) and prints a summary in the shape of
// redis-check-rdb's output. It exits 0 when the file is sound and 1
// otherwise.
//
// Usage:
//
//	vesta-check-rdb <file>
//
// The checking is done by package rdbcheck; this program only opens the
// file and prints.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/vestadb/vesta/internal/rdbcheck"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run checks the file named by args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintf(stderr, "Usage: vesta-check-rdb <rdb-file-name>\n")
		return 1
	}
	name := args[0]
	f, err := os.Open(name)
	if err != nil {
		fmt.Fprintf(stdout, "Cannot open file %s: %v\n", name, err)
		return 1
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		fmt.Fprintf(stdout, "Cannot stat file %s: %v\n", name, err)
		return 1
	}
	rep, err := rdbcheck.Check(f, st.Size(), rdbcheck.Options{Name: name})
	if _, werr := rep.WriteTo(stdout); werr != nil {
		fmt.Fprintf(stderr, "vesta-check-rdb: %v\n", werr)
		return 1
	}
	if err != nil {
		return 1
	}
	return 0
}
