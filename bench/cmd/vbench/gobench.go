package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// goBench is one benchmark's results over its -count runs.
type goBench struct {
	pkg, name                string
	nsOp, mbS, bOp, allocsOp []float64
}

// goBenchRun is parsed `go test -bench` output.
type goBenchRun struct {
	benches []*goBench
	failed  []string // packages that failed to build or whose benchmarks failed
	cpu     string
}

var reBenchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parseGoBench parses the output of `go test -run=^$ -bench=. -benchmem`
// over one or more packages.
func parseGoBench(r io.Reader) (*goBenchRun, error) {
	run := &goBenchRun{}
	byKey := map[string]*goBench{}
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "pkg: "):
			pkg = strings.TrimPrefix(line, "pkg: ")
		case strings.HasPrefix(line, "cpu: "):
			run.cpu = strings.TrimSpace(strings.TrimPrefix(line, "cpu: "))
		case strings.HasPrefix(line, "FAIL\t") || strings.HasPrefix(line, "FAIL "):
			f := strings.Fields(line)
			if len(f) >= 2 {
				run.failed = append(run.failed, strings.Join(f[1:], " "))
			}
		default:
			m := reBenchLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			key := pkg + " " + m[1]
			b := byKey[key]
			if b == nil {
				b = &goBench{pkg: pkg, name: m[1]}
				byKey[key] = b
				run.benches = append(run.benches, b)
			}
			vals := map[string]float64{}
			f := strings.Fields(m[2])
			for i := 0; i+1 < len(f); i += 2 {
				if v, err := strconv.ParseFloat(f[i], 64); err == nil {
					vals[f[i+1]] = v
				}
			}
			b.nsOp = append(b.nsOp, valOr(vals, "ns/op"))
			b.mbS = append(b.mbS, valOr(vals, "MB/s"))
			b.bOp = append(b.bOp, valOr(vals, "B/op"))
			b.allocsOp = append(b.allocsOp, valOr(vals, "allocs/op"))
		}
	}
	return run, sc.Err()
}

func valOr(m map[string]float64, k string) float64 {
	if v, ok := m[k]; ok {
		return v
	}
	return math.NaN()
}

// hotPath is a code path the benchmark issue names, and how to recognise a
// benchmark of it.
type hotPath struct {
	name string
	pkg  *regexp.Regexp
	re   *regexp.Regexp
}

var hotPaths = []hotPath{
	{"RESP parse", regexp.MustCompile(`/internal/resp$`), regexp.MustCompile(`(?i)pars|read|decod`)},
	{"RESP encode", regexp.MustCompile(`/internal/resp$`), regexp.MustCompile(`(?i)writ|encod|append`)},
	{"command dispatch", regexp.MustCompile(`/internal/(server|command)$`), regexp.MustCompile(`(?i)dispatch|exec|call|lookup|command`)},
	{"hash table get", regexp.MustCompile(`/internal/keyspace$`), regexp.MustCompile(`(?i)get|lookup|find`)},
	{"hash table set", regexp.MustCompile(`/internal/keyspace$`), regexp.MustCompile(`(?i)set|add|insert`)},
	{"hash table grow", regexp.MustCompile(`/internal/keyspace$`), regexp.MustCompile(`(?i)grow|rehash|resize`)},
	{"AOF append", regexp.MustCompile(`/internal/aof`), regexp.MustCompile(`(?i)append|write|feed`)},
	{"AOF group commit", regexp.MustCompile(`/internal/aof`), regexp.MustCompile(`(?i)group|commit|fsync|sync`)},
	{"RDB encode", regexp.MustCompile(`/internal/rdb$`), regexp.MustCompile(`(?i)writ|encod|save|dump`)},
	{"RDB decode", regexp.MustCompile(`/internal/rdb$`), regexp.MustCompile(`(?i)read|decod|load`)},
}

// coverage returns, per hot path, the benchmarks that cover it.
func (run *goBenchRun) coverage() [][]string {
	out := make([][]string, len(hotPaths))
	for i, h := range hotPaths {
		for _, b := range run.benches {
			if h.pkg.MatchString(b.pkg) && h.re.MatchString(strings.TrimPrefix(b.name, "Benchmark")) {
				out[i] = append(out[i], shortPkg(b.pkg)+"."+b.name)
			}
		}
	}
	return out
}

func shortPkg(p string) string {
	if i := strings.Index(p, "/internal/"); i >= 0 {
		return p[i+1:]
	}
	return p
}

// markdown renders the summary: one row per benchmark (medians over
// -count), the packages that failed and the hot paths without a benchmark.
func (run *goBenchRun) markdown() string {
	var b strings.Builder
	if run.cpu != "" {
		fmt.Fprintf(&b, "CPU: %s. Medians over the -count runs.\n", run.cpu)
	}
	var rows [][]string
	for _, g := range run.benches {
		rows = append(rows, []string{shortPkg(g.pkg), strings.TrimPrefix(g.name, "Benchmark"),
			num(median(g.nsOp)), num(median(g.mbS)), whole(median(g.bOp)), whole(median(g.allocsOp))})
	}
	b.WriteString(mdTable("llrrrr", []string{"package", "benchmark", "ns/op", "MB/s", "B/op", "allocs/op"}, rows))
	if len(run.failed) > 0 {
		b.WriteString("\nFailed (not measured): " + strings.Join(run.failed, "; ") + "\n")
	}
	b.WriteString("\nHot paths named in the benchmark issue:\n\n")
	for i, c := range run.coverage() {
		if len(c) == 0 {
			fmt.Fprintf(&b, "- %s: **no benchmark**\n", hotPaths[i].name)
		} else {
			fmt.Fprintf(&b, "- %s: %s\n", hotPaths[i].name, strings.Join(c, ", "))
		}
	}
	return b.String()
}

// gobenchMain implements `vbench gobench [file]`: it reads go test -bench
// output from file (or stdin) and prints the Markdown summary.
func gobenchMain(args []string, stdin io.Reader, stdout io.Writer) error {
	in := stdin
	if len(args) > 0 {
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	run, err := parseGoBench(in)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, run.markdown())
	return err
}

// whole formats a count, which -count medians may leave fractional.
func whole(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return strconv.FormatFloat(math.Round(x), 'f', 0, 64)
}
