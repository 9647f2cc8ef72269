package main

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// The overhead scenario: what two features cost a server, measured on the
// server itself (Vesta against Vesta, Redis against Redis), SET and GET at
// -P 1 and -P 16 with persistence off.
//
//   - diagnostics: the default configuration, where every command is
//     counted in commandstats and errorstats, recorded in its latency
//     histogram (latency-tracking yes) and checked against the slow log
//     threshold (10000 µs), against a server started with diagnostics off
//     (ovDiagOffArgs). Neither server can switch off commandstats or
//     errorstats, so the figure is the cost of what can be switched off.
//   - acl: the default user (all commands, all keys: no check to make)
//     against a user whose rules have key patterns (ovACLRules), so that
//     every command's keys are matched against them; both on the same
//     server (a third one, so that each pair's two sides have seen the
//     same load), redis-benchmark authenticating with --user and -a.
//
// Each comparison is a pair of runs back to back, the feature off then on
// or on then off, the order reversed every other round.

// ovDiagOffArgs are the directives that switch off the per-command
// diagnostics a server can switch off (latency-monitor-threshold 0 is the
// default; it is given so that the configuration is explicit).
var ovDiagOffArgs = []string{"--latency-tracking", "no", "--slowlog-log-slower-than", "-1", "--latency-monitor-threshold", "0"}

// The ACL user of the acl comparison: redis-benchmark's keys (key:...)
// match its read-write pattern; the read-only pattern is one more selector
// the check walks for keys that do not match the first.
const (
	ovUser     = "bench"
	ovPassword = "pw"
)

var ovACLRules = []string{"on", ">" + ovPassword, "~key:*", "%R~other:*", "+@all"}

var ovTests = []string{"set", "get"}

// ovConfig is one side of a comparison: a server and the redis-benchmark
// options (authentication) the runs use.
type ovConfig struct {
	name string // for the raw rows: default, diag-off, acl-user
	srv  *server
	opts []string
}

// ovPair is one comparison: the feature off (base) against on (with).
type ovPair struct {
	feature string // diagnostics or acl
	target  string // vesta or redis
	base    ovConfig
	with    ovConfig
}

// ovKey identifies a series of rounds of one side of a comparison.
type ovKey struct {
	feature, target string
	p               int
	test            string
	with            bool
}

func runOverhead(e *runEnv, s *section) error {
	s.header("pipeline", "round", "feature", "server", "config", "test", "requests", "rps", "avg_ms", "p50_ms", "p99_ms",
		"server_cpu_us_per_op", "load1")
	pairsPerP := 4
	runs := len(thrPipelines) * len(ovTests) * pairsPerP * 2 * e.opt.Rounds
	secs := min(max(e.opt.Budget.Seconds()/2/float64(runs), 0.3), 3)
	e.logf("overhead: %d measured runs of about %.1fs each", runs, secs)
	data := map[ovKey][]thrRun{}
	var pairs []ovPair
	for _, p := range thrPipelines {
		var err error
		if pairs, err = overheadBlock(e, s, p, secs, data); err != nil {
			return err
		}
	}
	ovReport(e, s, pairs, data)
	return nil
}

// overheadBlock measures SET and GET at one pipeline depth on fresh
// servers, three per target: one with the default configuration, one with
// diagnostics off, and one with the default configuration and the ACL
// user. It returns the comparisons it made.
func overheadBlock(e *runEnv, s *section, p int, secs float64, data map[ovKey][]thrRun) ([]ovPair, error) {
	var pairs []ovPair
	var checks []func() error
	for _, t := range []target{e.vesta, e.redis} {
		def, done, err := e.start(t, fmt.Sprintf("overhead-default-P%d", p), modeOff.args...)
		if err != nil {
			return nil, err
		}
		defer done()
		off, done, err := e.start(t, fmt.Sprintf("overhead-diagoff-P%d", p), append(append([]string{}, modeOff.args...), ovDiagOffArgs...)...)
		if err != nil {
			return nil, fmt.Errorf("vbench: %s does not start with diagnostics off (%s): %w", t.Name, strings.Join(ovDiagOffArgs, " "), err)
		}
		defer done()
		pairs = append(pairs, ovPair{"diagnostics", t.Name,
			ovConfig{"diag-off", off, nil}, ovConfig{"default", def, nil}})
		checks = append(checks, func() error { return checkDiagnostics(t.Name, def, off) })
		// The ACL pair has a server of its own: its two sides run on the
		// same server, which so gets twice the runs of each diagnostics
		// server (and more keys for GET to find).
		acl, done, err := e.start(t, fmt.Sprintf("overhead-acl-P%d", p), modeOff.args...)
		if err != nil {
			return nil, err
		}
		defer done()
		if err := setupACLUser(acl); err != nil {
			if p == thrPipelines[0] {
				s.skip("acl on "+t.Name, err.Error())
			}
			continue
		}
		pairs = append(pairs, ovPair{"acl", t.Name,
			ovConfig{"default", acl, nil}, ovConfig{"acl-user", acl, []string{"--user", ovUser, "-a", ovPassword}}})
	}

	// Calibrate each test on the slowest configuration, as the other
	// scenarios do; the runs double as a warm-up of every configuration.
	calN := max(min(2000*p, 40000)/e.opt.Scale, 500)
	minN := max(2000/e.opt.Scale, 200)
	n := map[string]int{}
	for _, t := range ovTests {
		slowest := math.Inf(1)
		for _, pr := range pairs {
			for _, c := range []ovConfig{pr.base, pr.with} {
				r, err := runBenchArgs(e.ctx, e.bench, c.srv.Addr(), ovSpec(t, calN, p), 5*time.Minute, c.opts...)
				if err != nil {
					return nil, fmt.Errorf("vbench: overhead calibration %s -P %d on %s %s: %w", t, p, pr.target, c.name, err)
				}
				slowest = min(slowest, r.RPS)
			}
		}
		n[t] = max(minN, int(slowest*secs)/100*100)
	}
	for round := range e.opt.Rounds {
		for _, t := range ovTests {
			for _, pr := range pairs {
				sides := []bool{false, true}
				if round%2 == 1 {
					sides = []bool{true, false}
				}
				for _, with := range sides {
					c := pr.base
					if with {
						c = pr.with
					}
					spec := ovSpec(t, n[t], p)
					c0 := cpuTime(c.srv.Pid())
					ld := load1()
					r, err := runBenchArgs(e.ctx, e.bench, c.srv.Addr(), spec, time.Duration(secs*60+60)*time.Second, c.opts...)
					if err != nil {
						return nil, fmt.Errorf("vbench: overhead %s -P %d on %s %s (see %s): %w", t, p, pr.target, c.name, c.srv.Log, err)
					}
					cpu := (cpuTime(c.srv.Pid()) - c0).Seconds() * 1e6 / float64(spec.N)
					k := ovKey{pr.feature, pr.target, p, t, with}
					data[k] = append(data[k], thrRun{r, cpu})
					s.row(p, round+1, pr.feature, pr.target, c.name, r.Test, spec.N, r.RPS, r.Avg, r.P50, r.P99, cpu, ld)
					e.logf("overhead -P %d round %d %-11s %-5s %-8s %-3s %9.0f ops/s %.3f µs/op", p, round+1, pr.feature, pr.target, c.name, t, r.RPS, cpu)
				}
			}
		}
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return nil, err
		}
	}
	return pairs, nil
}

func ovSpec(test string, n, p int) benchSpec {
	return benchSpec{Test: test, N: n, Clients: thrClients, Pipeline: p, Keyspace: thrKeyspace}
}

// setupACLUser creates the ACL user on s and checks that its key patterns
// are in force: a write to a key:* key is allowed, one to an other:* key
// (read-only pattern) is refused with NOPERM.
func setupACLUser(s *server) error {
	r, err := s.do(append([]string{"ACL", "SETUSER", ovUser}, ovACLRules...)...)
	if err != nil {
		return err
	}
	if u := unsupported(r); u != "" {
		return fmt.Errorf("ACL SETUSER replies %q", u)
	}
	if r.isError() {
		return fmt.Errorf("ACL SETUSER %s %s: %s", ovUser, strings.Join(ovACLRules, " "), r.Str)
	}
	c, err := dial(s.Addr())
	if err != nil {
		return err
	}
	defer c.Close()
	for _, step := range []struct {
		args    []string
		wantErr string // "" for a success
	}{
		{[]string{"AUTH", ovUser, ovPassword}, ""},
		{[]string{"SET", "key:vbench-probe", "1"}, ""},
		{[]string{"GET", "other:vbench-probe"}, ""},
		{[]string{"SET", "other:vbench-probe", "1"}, "NOPERM"},
	} {
		r, err := c.doTimeout(10*time.Second, step.args...)
		if err != nil {
			return err
		}
		switch {
		case step.wantErr == "" && r.isError():
			return fmt.Errorf("as user %s, %s fails: %s", ovUser, strings.Join(step.args, " "), r.Str)
		case step.wantErr != "" && !strings.HasPrefix(r.Str, step.wantErr):
			return fmt.Errorf("as user %s, %s replies %q, want a %s error (the key patterns are not checked)",
				ovUser, strings.Join(step.args, " "), r.String(), step.wantErr)
		}
	}
	return nil
}

// checkDiagnostics verifies after the runs that the default server
// recorded SET's latency histogram and the diagnostics-off one did not, so
// that the comparison is between what it claims to compare.
func checkDiagnostics(name string, def, off *server) error {
	if v := def.info("latencystats", "latency_percentiles_usec_set"); v == "" {
		return fmt.Errorf("vbench: %s with the default configuration shows no SET line in INFO latencystats", name)
	}
	if v := off.info("latencystats", "latency_percentiles_usec_set"); v != "" {
		return fmt.Errorf("vbench: %s with %s still shows latency_percentiles_usec_set:%s in INFO latencystats",
			name, strings.Join(ovDiagOffArgs, " "), v)
	}
	r, err := off.do("SLOWLOG", "LEN")
	if err != nil {
		return err
	}
	if r.Kind != ':' || r.Int != 0 {
		return fmt.Errorf("vbench: %s with slowlog-log-slower-than -1 has SLOWLOG LEN %s", name, r.String())
	}
	return nil
}

func ovReport(e *runEnv, s *section, pairs []ovPair, data map[ovKey][]thrRun) {
	rps := func(r thrRun) float64 { return r.res.RPS }
	cpu := func(r thrRun) float64 { return r.cpuUS }
	s.printf("\nEach server against itself: the feature off, then on, back to back (order reversed every other round), "+
		"persistence off. Medians over %d rounds (min–max). *on/off* is the per-round throughput ratio, then the median: "+
		"below 1 the feature costs throughput; the cost is 1 − that median. Server CPU is user+system time per request.\n", e.opt.Rounds)
	for _, f := range []struct{ feature, title, off, on, target string }{
		{"diagnostics", "Diagnostics (issue 19)", "`" + strings.Join(quoteArgs(ovDiagOffArgs), " ") + "`",
			"the defaults (commandstats, errorstats, `latency-tracking yes`, `slowlog-log-slower-than 10000`)", "3%"},
		{"acl", "ACL check (issue 18)", "the default user (`nopass ~* &* +@all`)",
			"`ACL SETUSER " + ovUser + " " + strings.Join(ovACLRules, " ") + "` with `--user " + ovUser + " -a " + ovPassword + "`", "2%"},
	} {
		var rows [][]string
		seen := map[string]bool{}
		for _, pr := range pairs {
			if pr.feature != f.feature || seen[pr.target] {
				continue
			}
			seen[pr.target] = true
			for _, p := range thrPipelines {
				for _, t := range ovTests {
					off, on := data[ovKey{f.feature, pr.target, p, t, false}], data[ovKey{f.feature, pr.target, p, t, true}]
					if len(off) == 0 {
						continue
					}
					rs := ratios(series(on, rps), series(off, rps))
					cost := "–"
					if m := median(rs); !math.IsNaN(m) {
						cost = fmt.Sprintf("%.1f%%", (1-m)*100)
					}
					rows = append(rows, []string{ovServerName(pr.target), strings.ToUpper(t), fmt.Sprint(p),
						medSpread(series(off, rps)), medSpread(series(on, rps)), ratioSpread(rs), cost,
						num(median(series(off, cpu))), num(median(series(on, cpu))),
						fmt.Sprintf("%.3f", median(ratios(series(on, cpu), series(off, cpu))))})
				}
			}
		}
		s.printf("\n#### %s: off = %s; on = %s. Target: a cost of at most %s.\n", f.title, f.off, f.on, f.target)
		if len(rows) == 0 {
			s.printf("\nNot measured (see the skipped lines).\n")
			continue
		}
		s.printf("%s", mdTable("lllrrrrrrr", []string{"server", "command", "-P", "off ops/s", "on ops/s", "on/off",
			"cost", "off CPU µs/op", "on CPU µs/op", "CPU on/off"}, rows))
	}
	s.printf("\nNeither server can switch off commandstats or errorstats (Redis 7.0 has no setting for them; " +
		"Vesta has none either), so both sides of the diagnostics rows count them.\n")
}

func ovServerName(t string) string {
	if t == "vesta" {
		return "Vesta"
	}
	return "Redis"
}
