package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// benchResult is one test of one redis-benchmark run. Latencies are in
// milliseconds.
type benchResult struct {
	Test     string // first word of redis-benchmark's title: SET, LRANGE_100, ...
	Title    string // the whole title, such as "MSET (10 keys)"
	Requests int
	RPS      float64

	Avg, Min, P50, P95, P99, P999, Max float64
}

var (
	reHeader     = regexp.MustCompile(`^====== (.+) ======$`)
	reCompleted  = regexp.MustCompile(`^\s*(\d+) requests completed in`)
	rePercentile = regexp.MustCompile(`^\s*([0-9.]+)% <= ([0-9.]+) milliseconds`)
	// A run shorter than a millisecond (the small fills of -quick runs)
	// reports "inf".
	reThroughput = regexp.MustCompile(`throughput summary: ([0-9.]+|inf) requests per second`)
)

// parseBenchOutput parses redis-benchmark 7.0's default (not --csv, not
// -q) output, which unlike --csv carries the HDR percentile distribution
// needed for p99.9. p99.9 is the first listed percentile at or above 99.9%
// (HDR lists 99.902%), so it is a slight upper bound; with too few
// requests to list one it is the maximum.
func parseBenchOutput(out string) ([]benchResult, error) {
	var res []benchResult
	var cur *benchResult
	section := ""
	summaryNext := 0
	sc := bufio.NewScanner(strings.NewReader(strings.ReplaceAll(out, "\r", "\n")))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if m := reHeader.FindStringSubmatch(line); m != nil && len(strings.Fields(m[1])) > 0 {
			res = append(res, benchResult{Title: m[1], Test: strings.Fields(m[1])[0], P999: -1})
			cur = &res[len(res)-1]
			section, summaryNext = "", 0
			continue
		}
		if cur == nil {
			continue
		}
		switch {
		case strings.HasPrefix(line, "Latency by percentile distribution"):
			section = "pct"
		case strings.HasPrefix(line, "Cumulative distribution"):
			section = "cdf"
		case strings.HasPrefix(line, "latency summary"):
			summaryNext = 2 // a header line, then the values
		case summaryNext == 2:
			summaryNext = 1
		case summaryNext == 1:
			summaryNext = 0
			f := strings.Fields(line)
			if len(f) != 6 {
				return nil, fmt.Errorf("vbench: latency summary of %s: %q", cur.Title, line)
			}
			v := make([]float64, 6)
			for i, s := range f {
				x, err := strconv.ParseFloat(s, 64)
				if err != nil {
					return nil, fmt.Errorf("vbench: latency summary of %s: %q", cur.Title, line)
				}
				v[i] = x
			}
			cur.Avg, cur.Min, cur.P50, cur.P95, cur.P99, cur.Max = v[0], v[1], v[2], v[3], v[4], v[5]
		default:
			if m := reCompleted.FindStringSubmatch(line); m != nil {
				cur.Requests, _ = strconv.Atoi(m[1])
			} else if m := reThroughput.FindStringSubmatch(line); m != nil {
				cur.RPS, _ = strconv.ParseFloat(m[1], 64)
			} else if m := rePercentile.FindStringSubmatch(line); m != nil && section == "pct" && cur.P999 < 0 {
				p, _ := strconv.ParseFloat(m[1], 64)
				if p >= 99.9 {
					cur.P999, _ = strconv.ParseFloat(m[2], 64)
				}
			}
		}
	}
	for i := range res {
		r := &res[i]
		if r.RPS == 0 {
			return nil, fmt.Errorf("vbench: no throughput summary for %s", r.Title)
		}
		if r.P999 < 0 {
			r.P999 = r.Max
		}
	}
	if len(res) == 0 {
		return nil, fmt.Errorf("vbench: no test in redis-benchmark output (%.200q)", out)
	}
	return res, nil
}

// benchSpec is one redis-benchmark invocation.
type benchSpec struct {
	Test     string // a -t name: set, get, lrange_100, ...
	N        int    // requests
	Clients  int
	Pipeline int
	Keyspace int // -r
	// Cmd, when set, is a command line redis-benchmark runs instead of its
	// built-in test (it substitutes __rand_int__ in it); Test is then its
	// first word in lower case.
	Cmd []string
}

// runBench runs spec against addr and returns the result of its test. The
// auxiliary tests redis-benchmark runs first (the LPUSH that fills the list
// for LRANGE) are dropped.
func runBench(ctx context.Context, bin, addr string, spec benchSpec, timeout time.Duration) (benchResult, error) {
	return runBenchArgs(ctx, bin, addr, spec, timeout)
}

// runBenchArgs is runBench with extra redis-benchmark options (--tls ...).
func runBenchArgs(ctx context.Context, bin, addr string, spec benchSpec, timeout time.Duration, extra ...string) (benchResult, error) {
	host, port, _ := strings.Cut(addr, ":")
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := []string{"-h", host, "-p", port, "-n", strconv.Itoa(spec.N), "-c", strconv.Itoa(spec.Clients),
		"-P", strconv.Itoa(spec.Pipeline), "-r", strconv.Itoa(spec.Keyspace), "--precision", "3"}
	args = append(args, extra...) // options before a command line
	if spec.Cmd != nil {
		args = append(args, spec.Cmd...)
	} else {
		args = append(args, "-t", spec.Test)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return benchResult{}, fmt.Errorf("vbench: redis-benchmark -t %s: %w: %.300s", spec.Test, err, out)
	}
	res, err := parseBenchOutput(string(out))
	if err != nil {
		return benchResult{}, err
	}
	want := strings.ToUpper(spec.Test)
	for _, r := range res {
		if r.Test == want && !strings.Contains(r.Title, "needed to") {
			return r, nil
		}
	}
	return benchResult{}, fmt.Errorf("vbench: redis-benchmark -t %s printed no %s result", spec.Test, want)
}
