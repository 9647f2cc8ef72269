package main

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// typeTest is one command of the types scenario: the commands of the
// stream, HyperLogLog, geo and scripting families, which redis-benchmark
// has no built-in test for. redis-benchmark runs cmd (substituting
// __rand_int__ with a number below keyspace, zero-padded to 12 digits) on
// a server that setup prepared for a run of n requests.
type typeTest struct {
	name     string // row label
	cmd      []string
	keyspace int
	setup    func(s *server, n int) error
}

const (
	typesStream = "bench:stream"
	typesGroup  = "bench:group"
	typesHLL    = "bench:hll"
	typesGeo    = "bench:geo"
	// typesScript increments a counter: the cost of running a cached
	// script around one write.
	typesScript = "return redis.call('INCR', KEYS[1])"
)

// Ten HyperLogLogs for PFCOUNT's merge path, each dense (5000 elements).
var typesHLLs = func() []string {
	keys := make([]string, 10)
	for i := range keys {
		keys[i] = typesHLL + ":" + strconv.Itoa(i)
	}
	return keys
}()

func typesScriptSHA() string {
	h := sha1.Sum([]byte(typesScript))
	return hex.EncodeToString(h[:])
}

var typeTests = []typeTest{
	{"XADD", []string{"XADD", typesStream, "*", "field", "__rand_int__"}, thrKeyspace,
		func(s *server, n int) error { return doAll(s, []string{"DEL", typesStream}) }},
	// Every request reads the next new entry and adds it to the group's
	// pending list; the stream holds one entry per request.
	{"XREADGROUP", []string{"XREADGROUP", "GROUP", typesGroup, "consumer", "COUNT", "1", "STREAMS", typesStream, ">"}, thrKeyspace,
		func(s *server, n int) error { return fillStream(s, n, false) }},
	// Every request acknowledges a random entry of a pending list of n
	// entries (most are still pending when they are drawn).
	{"XACK", []string{"XACK", typesStream, typesGroup, "__rand_int__-0"}, 0,
		func(s *server, n int) error { return fillStream(s, n, true) }},
	{"PFADD", []string{"PFADD", typesHLL, "__rand_int__"}, thrKeyspace,
		func(s *server, n int) error { return doAll(s, []string{"DEL", typesHLL}) }},
	{"PFCOUNT_10", append([]string{"PFCOUNT"}, typesHLLs...), thrKeyspace, fillHLLs},
	{"GEOADD", []string{"GEOADD", typesGeo, "13.361389", "38.115556", "member:__rand_int__"}, thrKeyspace,
		func(s *server, n int) error { return doAll(s, []string{"DEL", typesGeo}) }},
	{"GEOSEARCH", []string{"GEOSEARCH", typesGeo, "FROMLONLAT", "13.36", "38.11", "BYRADIUS", "5", "km", "ASC", "COUNT", "10"},
		thrKeyspace, fillGeo},
	{"EVALSHA", []string{"EVALSHA", typesScriptSHA(), "1", "bench:counter"}, thrKeyspace,
		func(s *server, n int) error { return doAll(s, []string{"SCRIPT", "LOAD", typesScript}) }},
	{"EVALSHA_10", []string{"EVALSHA", sha1Hex(typesScript10), "1", "bench:counter"}, thrKeyspace,
		func(s *server, n int) error { return doAll(s, []string{"SCRIPT", "LOAD", typesScript10}) }},
	{"FCALL", []string{"FCALL", "bench_incr", "1", "bench:counter"}, thrKeyspace,
		func(s *server, n int) error { return doAll(s, []string{"FUNCTION", "LOAD", "REPLACE", typesLibrary}) }},
}

// The other scripting rows: a script making ten calls, and the one-call
// script as a function of a library (FCALL).
const (
	typesScript10 = "local n for i = 1, 10 do n = redis.call('INCR', KEYS[1]) end return n"
	typesLibrary  = "#!lua name=bench\nredis.register_function('bench_incr', function(keys) return redis.call('INCR', keys[1]) end)"
)

func sha1Hex(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// doAll runs commands one after the other and fails on an error reply.
func doAll(s *server, cmds ...[]string) error {
	for _, c := range cmds {
		r, err := s.do(c...)
		if err != nil {
			return err
		}
		if r.isError() {
			return fmt.Errorf("vbench: %s: %s", strings.Join(c, " "), r.Str)
		}
	}
	return nil
}

// fillStream makes a stream of n entries with IDs 1-0 … n-0 and a group
// reading it from the start; with pending, the group has read them all.
func fillStream(s *server, n int, pending bool) error {
	if err := doAll(s, []string{"DEL", typesStream}); err != nil {
		return err
	}
	err := pipelineLoad(s.Addr(), n, 1000, func(i int) []string {
		return []string{"XADD", typesStream, strconv.Itoa(i+1) + "-0", "field", strconv.Itoa(i)}
	})
	if err != nil {
		return err
	}
	if err := doAll(s, []string{"XGROUP", "CREATE", typesStream, typesGroup, "0"}); err != nil {
		return err
	}
	if !pending {
		return nil
	}
	// In slices, so that no reply is larger than a few MB.
	return pipelineLoad(s.Addr(), (n+9999)/10000, 1, func(int) []string {
		return []string{"XREADGROUP", "GROUP", typesGroup, "consumer", "COUNT", "10000", "STREAMS", typesStream, ">"}
	})
}

func fillHLLs(s *server, _ int) error {
	for k, key := range typesHLLs {
		if err := doAll(s, []string{"DEL", key}); err != nil {
			return err
		}
		err := pipelineLoad(s.Addr(), 50, 50, func(i int) []string {
			args := []string{"PFADD", key}
			for j := range 100 {
				args = append(args, fmt.Sprintf("e:%d:%d", k, i*100+j))
			}
			return args
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// fillGeo places 100,000 members at random within a degree of the search
// centre, the same members on both servers: about 200 fall within the
// 5 km radius of the search.
func fillGeo(s *server, _ int) error {
	if err := doAll(s, []string{"DEL", typesGeo}); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	return pipelineLoad(s.Addr(), 1000, 100, func(i int) []string {
		args := []string{"GEOADD", typesGeo}
		for j := range 100 {
			lon := 13.36 + (rng.Float64()*2 - 1)
			lat := 38.11 + (rng.Float64()*2 - 1)
			args = append(args, strconv.FormatFloat(lon, 'f', 6, 64), strconv.FormatFloat(lat, 'f', 6, 64),
				"m:"+strconv.Itoa(i*100+j))
		}
		return args
	})
}

func runTypes(e *runEnv, s *section) error {
	s.header("pipeline", "round", "test", "server", "requests", "rps", "avg_ms", "p50_ms", "p99_ms",
		"max_ms", "server_cpu_us_per_op", "load1")
	// Which commands both servers have: each test's setup on a scratch
	// pair of servers.
	var tests []typeTest
	probes := map[string]*server{}
	for _, t := range []target{e.vesta, e.redis} {
		sv, done, err := e.start(t, "types-probe", modeOff.args...)
		if err != nil {
			return err
		}
		defer done()
		probes[t.Name] = sv
	}
	for _, t := range typeTests {
		why := ""
		for _, name := range []string{"redis", "vesta"} {
			if why != "" {
				break
			}
			sv := probes[name]
			if err := t.setup(sv, 10); err != nil {
				why = name + "-server: " + err.Error()
				break
			}
			args := make([]string, len(t.cmd))
			for i, a := range t.cmd {
				args[i] = strings.ReplaceAll(a, "__rand_int__", "1")
			}
			r, err := sv.do(args...)
			if err != nil {
				return err
			}
			if r.isError() {
				why = name + "-server: " + r.Str
			}
		}
		if why != "" {
			s.skip(t.name, why)
			continue
		}
		tests = append(tests, t)
	}
	if len(tests) == 0 {
		return nil
	}
	runs := len(tests) * len(thrPipelines) * 2 * e.opt.Rounds
	secs := min(max(e.opt.Budget.Seconds()/float64(runs), 0.3), 3)
	e.logf("types: %d measured runs of about %.1fs each", runs, secs)

	data := map[thrKey][]thrRun{}
	for _, p := range thrPipelines {
		if err := typesBlock(e, s, p, tests, secs, data); err != nil {
			return err
		}
	}
	rps := func(r thrRun) float64 { return r.res.RPS }
	cpu := func(r thrRun) float64 { return r.cpuUS }
	p99 := func(r thrRun) float64 { return r.res.P99 }
	s.printf("Persistence off, %d clients, medians over %d rounds with the range (min–max) in brackets; the "+
		"ratios are Vesta/Redis per round, then their median. Each run starts from the state its setup "+
		"makes (see `bench/cmd/vbench/scen_types.go`): XREADGROUP reads one new entry a request from a stream "+
		"holding one per request, XACK acknowledges random entries of a pending list as long as the run, "+
		"PFCOUNT_10 merges ten dense HyperLogLogs, GEOSEARCH finds the 10 nearest of about 200 members within "+
		"5 km among 100,000, EVALSHA runs a cached script that calls INCR.\n", thrClients, e.opt.Rounds)
	var rows [][]string
	for _, p := range thrPipelines {
		for _, t := range tests {
			v, r := data[thrKey{"off", p, t.name, "vesta"}], data[thrKey{"off", p, t.name, "redis"}]
			rows = append(rows, []string{t.name, fmt.Sprint(p),
				medSpread(series(r, rps)), medSpread(series(v, rps)), ratioSpread(ratios(series(v, rps), series(r, rps))),
				num(median(series(r, cpu))), num(median(series(v, cpu))),
				num(median(series(r, p99))) + " / " + num(median(series(v, p99)))})
		}
	}
	s.printf("%s", mdTable("lrrrrrrr", []string{"command", "-P", "Redis ops/s", "Vesta ops/s", "Vesta/Redis",
		"Redis CPU µs/op", "Vesta CPU µs/op", "p99 ms Redis / Vesta"}, rows))
	return nil
}

// typesBlock measures every test at one pipeline depth on a fresh pair of
// servers: a calibration run each, then the rounds, every run after its
// test's setup.
func typesBlock(e *runEnv, s *section, p int, tests []typeTest, secs float64, data map[thrKey][]thrRun) error {
	srv := map[string]*server{}
	for _, t := range []target{e.vesta, e.redis} {
		sv, done, err := e.start(t, fmt.Sprintf("types-P%d", p), modeOff.args...)
		if err != nil {
			return err
		}
		defer done()
		srv[t.Name] = sv
	}
	spec := func(t typeTest, n int) benchSpec {
		ks := t.keyspace
		if ks == 0 {
			ks = n
		}
		return benchSpec{Test: strings.ToLower(t.cmd[0]), N: n, Clients: thrClients, Pipeline: p, Keyspace: ks, Cmd: t.cmd}
	}
	calN := max(min(2000*p, 40000)/e.opt.Scale, 500)
	minN := max(2000/e.opt.Scale, 200)
	n := map[string]int{}
	for _, t := range tests {
		slowest := math.Inf(1)
		for _, tg := range e.order(0) {
			sv := srv[tg.Name]
			if err := t.setup(sv, calN); err != nil {
				return fmt.Errorf("vbench: %s setup on %s: %w", t.name, tg.Name, err)
			}
			r, err := runBench(e.ctx, e.bench, sv.Addr(), spec(t, calN), 5*time.Minute)
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
				sp := spec(t, n[t.name])
				if err := t.setup(sv, sp.N); err != nil {
					return fmt.Errorf("vbench: %s setup on %s: %w", t.name, tg.Name, err)
				}
				c0 := cpuTime(sv.Pid())
				ld := load1()
				r, err := runBench(e.ctx, e.bench, sv.Addr(), sp, time.Duration(secs*60+60)*time.Second)
				if err != nil {
					select {
					case <-sv.done:
						return fmt.Errorf("vbench: %s exited during %s -P %d (see %s): %w", tg.Name, t.name, p, sv.Log, err)
					default:
					}
					e.logf("error: %v", err)
					r = benchResult{Test: t.name, RPS: math.NaN(), Avg: math.NaN(), P50: math.NaN(),
						P99: math.NaN(), Max: math.NaN()}
				}
				cpu := (cpuTime(sv.Pid()) - c0).Seconds() * 1e6 / float64(sp.N)
				data[thrKey{"off", p, t.name, tg.Name}] = append(data[thrKey{"off", p, t.name, tg.Name}], thrRun{r, cpu})
				s.row(p, round+1, t.name, tg.Name, sp.N, r.RPS, r.Avg, r.P50, r.P99, r.Max, cpu, ld)
				e.logf("types -P %d round %d %-10s %-5s %9.0f ops/s p99 %.3f ms", p, round+1, t.name, tg.Name, r.RPS, r.P99)
			}
		}
	}
	return nil
}
