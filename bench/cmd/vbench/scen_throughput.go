package main

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// thrTest is one redis-benchmark test and the command that probes whether
// a server has it.
type thrTest struct {
	name  string // -t name
	probe []string
	// offOnly runs the test with persistence off only: the commands the
	// data-types work is compared on, which the AOF modes need not repeat.
	offOnly bool
}

var thrTests = []thrTest{
	{"set", []string{"SET", "probe:str", "v"}, false},
	{"get", []string{"GET", "probe:str"}, false},
	{"incr", []string{"INCR", "probe:n"}, false},
	{"lpush", []string{"LPUSH", "probe:list", "v"}, false},
	{"rpop", []string{"RPOP", "probe:list"}, false},
	{"sadd", []string{"SADD", "probe:set", "v"}, false},
	{"hset", []string{"HSET", "probe:hash", "f", "v"}, false},
	{"zadd", []string{"ZADD", "probe:zset", "1", "m"}, false},
	{"lrange_100", []string{"LRANGE", "probe:list", "0", "99"}, false},
	{"mset", []string{"MSET", "probe:a", "1", "probe:b", "2"}, false},
	{"rpush", []string{"RPUSH", "probe:list", "v"}, true},
	{"lpop", []string{"LPOP", "probe:list"}, true},
	{"spop", []string{"SPOP", "probe:set"}, true},
	{"zpopmin", []string{"ZPOPMIN", "probe:zset"}, true},
}

// inMode reports whether test t runs in mode m.
func (t thrTest) inMode(m mode) bool { return !t.offOnly || m.name == modeOff.name }

// findThrTest returns the test named name, or nil.
func findThrTest(name string) *thrTest {
	for i := range thrTests {
		if thrTests[i].name == name {
			return &thrTests[i]
		}
	}
	return nil
}

func thrTestNames() string {
	var n []string
	for _, t := range thrTests {
		n = append(n, t.name)
	}
	return strings.Join(n, ",")
}

const (
	thrClients  = 50
	thrKeyspace = 1_000_000 // redis-benchmark -r
)

var thrPipelines = []int{1, 16}

// thrKey identifies a series of rounds.
type thrKey struct {
	mode   string
	p      int
	test   string
	server string
}

// thrRun is one measured run.
type thrRun struct {
	res   benchResult
	cpuUS float64 // server CPU per request, µs
}

func runThroughput(e *runEnv, s *section) error {
	s.header("mode", "pipeline", "round", "test", "server", "requests", "rps", "avg_ms", "p50_ms", "p95_ms",
		"p99_ms", "p999_ms", "max_ms", "server_cpu_us_per_op", "load1")

	// Which commands both servers have.
	chosen := thrTests
	if len(e.opt.Tests) > 0 {
		chosen = nil
		for _, name := range e.opt.Tests {
			chosen = append(chosen, *findThrTest(name))
		}
	}
	cmds := make([][]string, len(chosen))
	for i, t := range chosen {
		cmds[i] = t.probe
	}
	vwhy, err := probeCommands(e, e.vesta, cmds)
	if err != nil {
		return err
	}
	rwhy, err := probeCommands(e, e.redis, cmds)
	if err != nil {
		return err
	}
	var tests []thrTest
	for i, t := range chosen {
		switch {
		case rwhy[i] != "":
			s.skip(strings.ToUpper(t.name), "redis-server: "+rwhy[i])
		case vwhy[i] != "":
			s.skip(strings.ToUpper(t.name), "vesta-server: "+vwhy[i])
		default:
			tests = append(tests, t)
		}
	}
	if len(tests) == 0 {
		return nil
	}

	// Which persistence modes Vesta really has.
	modes := []mode{modeOff}
	for _, m := range allModes[1:] {
		why, err := probeAOF(e, e.redis, m)
		if err != nil {
			return err
		}
		if why != "" {
			return fmt.Errorf("vbench: the AOF probe fails on redis-server itself, so it is broken: %s", why)
		}
		if why, err = probeAOF(e, e.vesta, m); err != nil {
			return err
		}
		if why != "" {
			s.skip("appendfsync "+m.name, "vesta-server: "+why)
			continue
		}
		modes = append(modes, m)
	}

	runs := 0
	for _, m := range modes {
		for _, t := range tests {
			if t.inMode(m) {
				runs += len(thrPipelines) * 2 * e.opt.Rounds
			}
		}
	}
	secs := min(max(e.opt.Budget.Seconds()/float64(runs), 0.3), 3)
	e.logf("throughput: %d measured runs of about %.1fs each (budget %v)", runs, secs, e.opt.Budget)

	data := map[thrKey][]thrRun{}
	for _, m := range modes {
		for _, p := range thrPipelines {
			if err := throughputBlock(e, s, m, p, tests, secs, data); err != nil {
				return err
			}
		}
	}
	thrReport(e, s, modes, tests, data)
	return nil
}

// throughputBlock measures every test at one mode and pipeline depth on a
// fresh pair of servers: a calibration run each, then the rounds.
func throughputBlock(e *runEnv, s *section, m mode, p int, all []thrTest, secs float64, data map[thrKey][]thrRun) error {
	var tests []thrTest
	for _, t := range all {
		if t.inMode(m) {
			tests = append(tests, t)
		}
	}
	srv := map[string]*server{}
	for _, t := range []target{e.vesta, e.redis} {
		sv, done, err := e.start(t, fmt.Sprintf("%s-P%d", m.name, p), m.args...)
		if err != nil {
			return err
		}
		defer done()
		srv[t.Name] = sv
	}
	// Calibrate: size every test so that the slower server needs about
	// secs for it. The calibration runs double as a warm-up.
	calN := max(min(2000*p, 40000)/e.opt.Scale, 500)
	minN := max(2000/e.opt.Scale, 200)
	n := map[string]int{}
	for _, t := range tests {
		slowest := math.Inf(1)
		for _, tg := range e.order(0) {
			r, err := runBench(e.ctx, e.bench, srv[tg.Name].Addr(), benchSpec{Test: t.name, N: calN, Clients: thrClients, Pipeline: p, Keyspace: thrKeyspace}, 5*time.Minute)
			if err != nil {
				return err
			}
			slowest = min(slowest, r.RPS)
		}
		n[t.name] = max(minN, int(slowest*secs)/100*100)
	}
	for round := range e.opt.Rounds {
		for _, t := range tests {
			for _, tg := range e.order(round) {
				sv := srv[tg.Name]
				spec := benchSpec{Test: t.name, N: n[t.name], Clients: thrClients, Pipeline: p, Keyspace: thrKeyspace}
				c0 := cpuTime(sv.Pid())
				ld := load1()
				r, err := runBench(e.ctx, e.bench, sv.Addr(), spec, time.Duration(secs*60+60)*time.Second)
				if err != nil {
					select {
					case <-sv.done:
						return fmt.Errorf("vbench: %s exited during %s -P %d (see %s): %w", tg.Name, t.name, p, sv.Log, err)
					default:
					}
					e.logf("error: %v", err)
					r = benchResult{Test: strings.ToUpper(t.name), RPS: math.NaN(), Avg: math.NaN(), P50: math.NaN(),
						P95: math.NaN(), P99: math.NaN(), P999: math.NaN(), Max: math.NaN()}
				}
				cpu := (cpuTime(sv.Pid()) - c0).Seconds() * 1e6 / float64(spec.N)
				k := thrKey{m.name, p, t.name, tg.Name}
				data[k] = append(data[k], thrRun{r, cpu})
				s.row(m.name, p, round+1, r.Test, tg.Name, spec.N, r.RPS, r.Avg, r.P50, r.P95, r.P99, r.P999, r.Max, cpu, ld)
				e.logf("throughput %s -P %d round %d %-10s %-5s %9.0f ops/s p99 %.3f ms", m.name, p, round+1, t.name, tg.Name, r.RPS, r.P99)
			}
		}
	}
	return nil
}

// series extracts one metric of a series of runs.
func series(runs []thrRun, f func(thrRun) float64) []float64 {
	out := make([]float64, len(runs))
	for i, r := range runs {
		out[i] = f(r)
	}
	return out
}

func thrReport(e *runEnv, s *section, modes []mode, tests []thrTest, data map[thrKey][]thrRun) {
	rps := func(r thrRun) float64 { return r.res.RPS }
	cpu := func(r thrRun) float64 { return r.cpuUS }
	s.chart = &chartData{}
	s.printf("\nMedians over %d rounds, with the range (min–max) in brackets. The ratio is Vesta/Redis per round, "+
		"then the median of those: above 1 Vesta is faster. Server CPU is the server process's user+system time "+
		"per request (for LRANGE_100 it includes the LPUSH that redis-benchmark runs first to fill the list).\n", e.opt.Rounds)
	for _, m := range modes {
		s.printf("\n#### Persistence %s: `%s`\n", m.name, strings.Join(quoteArgs(m.args), " "))
		var rows [][]string
		for _, p := range thrPipelines {
			for _, t := range tests {
				if !t.inMode(m) {
					continue
				}
				v, r := data[thrKey{m.name, p, t.name, "vesta"}], data[thrKey{m.name, p, t.name, "redis"}]
				rs := ratios(series(v, rps), series(r, rps))
				rows = append(rows, []string{strings.ToUpper(t.name), fmt.Sprint(p),
					medSpread(series(r, rps)), medSpread(series(v, rps)), ratioSpread(rs),
					num(median(series(r, cpu))), num(median(series(v, cpu)))})
			}
		}
		s.printf("%s", mdTable("lrrrrrr", []string{"command", "-P", "Redis ops/s", "Vesta ops/s", "Vesta/Redis", "Redis CPU µs/op", "Vesta CPU µs/op"}, rows))

		rows = rows[:0]
		for _, p := range thrPipelines {
			for _, t := range tests {
				if !t.inMode(m) {
					continue
				}
				v, r := data[thrKey{m.name, p, t.name, "vesta"}], data[thrKey{m.name, p, t.name, "redis"}]
				pair := func(f func(thrRun) float64) string {
					return num(median(series(r, f))) + " / " + num(median(series(v, f)))
				}
				p99 := func(x thrRun) float64 { return x.res.P99 }
				p99r := ratios(series(v, p99), series(r, p99))
				rows = append(rows, []string{strings.ToUpper(t.name), fmt.Sprint(p),
					pair(func(x thrRun) float64 { return x.res.P50 }), pair(p99),
					pair(func(x thrRun) float64 { return x.res.P999 }), pair(func(x thrRun) float64 { return x.res.Max }),
					ratioSpread(p99r)})
				s.chart.add(fmt.Sprintf("%s P%d %s", strings.ToUpper(t.name), p, m.name),
					median(ratios(series(v, rps), series(r, rps))), median(p99r), median(ratios(series(v, cpu), series(r, cpu))))
			}
		}
		s.printf("\nLatency in ms, Redis / Vesta (p99.9 is redis-benchmark's 99.902%% HDR step). "+
			"The last column is Vesta/Redis at p99: above 1 Vesta is slower.\n%s",
			mdTable("lrrrrrr", []string{"command", "-P", "p50", "p99", "p99.9", "max", "p99 Vesta/Redis"}, rows))
	}
}
