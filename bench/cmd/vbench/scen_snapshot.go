package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// snapKind is a background snapshot command and how to tell it finished.
type snapKind struct {
	name    string
	mode    mode
	command string
	busy    []string // INFO persistence fields that are 1 while it runs
	status  string   // INFO persistence field that says ok or err afterwards
}

var snapKinds = []snapKind{
	{"BGSAVE", modeOff, "BGSAVE", []string{"rdb_bgsave_in_progress"}, "rdb_last_bgsave_status"},
	{"BGREWRITEAOF", modeEverysec, "BGREWRITEAOF", []string{"aof_rewrite_in_progress", "aof_rewrite_scheduled"}, "aof_last_bgrewrite_status"},
}

const snapClients = 50

// snapResult is one snapshot under load.
type snapResult struct {
	duration time.Duration
	// The memory footprint of the loaded data set before the write load
	// starts, its peak during the quiet load before the snapshot, and its
	// peak during the snapshot.
	base, quietPeak, peak int64
	thrOutside, thrDuring float64
	outside, during       hist
}

func runSnapshot(e *runEnv, s *section) error {
	s.header("kind", "round", "server", "keys", "duration_s", "footprint_dataset", "footprint_peak_outside", "footprint_peak_during", "growth_bytes",
		"ops_s_outside", "ops_s_during", "p50_ms_outside", "p99_ms_outside", "p999_ms_outside", "max_ms_outside",
		"p50_ms_during", "p99_ms_during", "p999_ms_during", "max_ms_during", "load1")
	keys := e.scale(2_000_000)
	rounds := min(e.opt.Rounds, 3)
	quiet := max(3*time.Second/time.Duration(e.opt.Scale), 250*time.Millisecond)
	warm := min(time.Second, quiet)
	s.printf("Each server is filled with %d keys by `DEBUG POPULATE`, then %d connections SET random keys of that "+
		"keyspace in a closed loop (one command at a time, same value sizes as the loaded ones). After a %v warm-up "+
		"and %v of quiet load the snapshot command is sent, and the load goes on for %v after it ends. \"Outside\" "+
		"is the quiet time before and after. The memory footprint is the PSS of the server and its children, sampled "+
		"every 10 ms, so Redis's forked child and its copy-on-write pages are counted once; the growth is the peak "+
		"during the snapshot minus the peak during the quiet load before it, so garbage that the write load alone "+
		"makes is not charged to the snapshot. Medians over %d rounds.\n",
		keys, snapClients, warm, quiet, quiet, rounds)
	for _, k := range snapKinds {
		if why, err := probeSnapshot(e, e.redis, k); err != nil {
			return err
		} else if why != "" {
			return fmt.Errorf("vbench: the %s probe fails on redis-server itself, so it is broken: %s", k.name, why)
		}
		why, err := probeSnapshot(e, e.vesta, k)
		if err != nil {
			return err
		}
		if why != "" {
			s.skip(k.name, "vesta-server: "+why)
			continue
		}
		res := map[string][]*snapResult{}
		for round := range rounds {
			for _, t := range e.order(round) {
				r, err := snapshotRun(e, t, k, keys, warm, quiet)
				if err != nil {
					return err
				}
				res[t.Name] = append(res[t.Name], r)
				ms := func(h *hist, q float64) float64 { return float64(h.quantile(q)) / 1e6 }
				s.row(k.name, round+1, t.Name, keys, r.duration.Seconds(), r.base, r.quietPeak, r.peak, r.peak-r.quietPeak,
					r.thrOutside, r.thrDuring, ms(&r.outside, .5), ms(&r.outside, .99), ms(&r.outside, .999),
					float64(r.outside.max)/1e6, ms(&r.during, .5), ms(&r.during, .99), ms(&r.during, .999),
					float64(r.during.max)/1e6, load1())
				e.logf("snapshot %s round %d %-5s %.2fs, growth %.1f MB, ops/s %.0f outside %.0f during, p99 %.2f/%.2f ms",
					k.name, round+1, t.Name, r.duration.Seconds(), float64(r.peak-r.quietPeak)/(1<<20), r.thrOutside, r.thrDuring,
					ms(&r.outside, .99), ms(&r.during, .99))
			}
		}
		snapReport(s, k, res)
	}
	return nil
}

// probeSnapshot reports why t cannot run k on a small data set, or "".
func probeSnapshot(e *runEnv, t target, k snapKind) (string, error) {
	if k.mode.name != "off" {
		why, err := probeAOF(e, t, k.mode)
		if err != nil || why != "" {
			return "needs the append-only file: " + why, err
		}
	}
	sv, done, err := e.start(t, "probe-"+k.name, k.mode.args...)
	if err != nil {
		return "", err
	}
	defer done()
	if _, err := sv.do("SET", "probe", "1"); err != nil {
		return "", err
	}
	r, err := sv.do(k.command)
	if err != nil {
		return "", err
	}
	if r.isError() {
		return fmt.Sprintf("%s replies %q", k.command, r.Str), nil
	}
	if _, err := waitSnapshot(sv, k, time.Minute, nil); err != nil {
		return err.Error(), nil
	}
	if k.name == "BGSAVE" {
		if _, err := os.Stat(filepath.Join(sv.Dir, "dump.rdb")); err != nil {
			return "BGSAVE replied " + r.String() + " but wrote no dump.rdb", nil
		}
	}
	return "", nil
}

// waitSnapshot polls INFO persistence every 10 ms until k is no longer
// running and returns the time that took; sample is called at each poll.
func waitSnapshot(sv *server, k snapKind, timeout time.Duration, sample func()) (time.Duration, error) {
	c, err := dial(sv.Addr())
	if err != nil {
		return 0, err
	}
	defer c.Close()
	start := time.Now()
	for time.Since(start) < timeout {
		if sample != nil {
			sample()
		}
		r, err := c.doTimeout(time.Minute, "INFO", "persistence")
		if err != nil {
			return 0, err
		}
		busy := false
		for _, f := range k.busy {
			if infoField(r.Str, f) == "1" {
				busy = true
			}
		}
		if !busy {
			took := time.Since(start)
			if st := infoField(r.Str, k.status); st != "ok" {
				return took, fmt.Errorf("vbench: %s ended with %s:%s", k.command, k.status, st)
			}
			return took, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0, fmt.Errorf("vbench: %s still running after %v", k.command, timeout)
}

// snapshotRun measures one snapshot under load on a fresh server.
func snapshotRun(e *runEnv, t target, k snapKind, keys int, warm, quiet time.Duration) (*snapResult, error) {
	sv, done, err := e.start(t, "snap-"+k.name, k.mode.args...)
	if err != nil {
		return nil, err
	}
	defer done()
	if r, err := sv.do("DEBUG", "POPULATE", strconv.Itoa(keys)); err != nil || r.isError() {
		return nil, fmt.Errorf("vbench: DEBUG POPULATE on %s: %v %s", t.Name, err, r.Str)
	}
	if _, err := waitSnapshot(sv, k, 10*time.Minute, nil); err != nil {
		return nil, err
	}
	res := &snapResult{}
	if res.base, err = footprint(sv.Pid()); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	w, err := startWriters(ctx, sv.Addr(), snapClients, keys)
	if err != nil {
		return nil, err
	}
	time.Sleep(warm)
	w.setPhase(phaseBefore)
	t0 := time.Now()
	for time.Since(t0) < quiet {
		if f, err := footprint(sv.Pid()); err == nil {
			res.quietPeak = max(res.quietPeak, f)
		}
		time.Sleep(10 * time.Millisecond)
	}
	res.peak = res.quietPeak
	w.setPhase(phaseDuring)
	t1 := time.Now()
	r, err := sv.do(k.command)
	if err == nil && r.isError() {
		err = fmt.Errorf("vbench: %s on %s: %s", k.command, t.Name, r.Str)
	}
	if err == nil {
		res.duration, err = waitSnapshot(sv, k, 10*time.Minute, func() {
			if f, err := footprint(sv.Pid()); err == nil {
				res.peak = max(res.peak, f)
			}
		})
	}
	w.setPhase(phaseAfter)
	t2 := time.Now()
	if err == nil {
		time.Sleep(quiet)
	}
	t3 := time.Now()
	cancel()
	if werr := w.wait(); err == nil {
		err = werr
	}
	if err != nil {
		return nil, err
	}
	res.outside.merge(&w.hists[phaseBefore])
	res.outside.merge(&w.hists[phaseAfter])
	res.during = w.hists[phaseDuring]
	res.thrOutside = float64(w.ops[phaseBefore]+w.ops[phaseAfter]) / (t1.Sub(t0) + t3.Sub(t2)).Seconds()
	res.thrDuring = float64(w.ops[phaseDuring]) / t2.Sub(t1).Seconds()
	return res, nil
}

func snapReport(s *section, k snapKind, res map[string][]*snapResult) {
	type metric struct {
		name string
		f    func(*snapResult) float64
	}
	ms := func(sel func(*snapResult) *hist, q float64) func(*snapResult) float64 {
		return func(r *snapResult) float64 {
			h := sel(r)
			if q >= 1 {
				return float64(h.max) / 1e6
			}
			return float64(h.quantile(q)) / 1e6
		}
	}
	out := func(r *snapResult) *hist { return &r.outside }
	dur := func(r *snapResult) *hist { return &r.during }
	metrics := []metric{
		{"duration (s)", func(r *snapResult) float64 { return r.duration.Seconds() }},
		{"footprint of the data set (MiB)", func(r *snapResult) float64 { return float64(r.base) / (1 << 20) }},
		{"peak footprint under load, outside (MiB)", func(r *snapResult) float64 { return float64(r.quietPeak) / (1 << 20) }},
		{"peak footprint growth during (MiB)", func(r *snapResult) float64 { return float64(r.peak-r.quietPeak) / (1 << 20) }},
		{"SET ops/s outside", func(r *snapResult) float64 { return r.thrOutside }},
		{"SET ops/s during", func(r *snapResult) float64 { return r.thrDuring }},
		{"p50 ms outside / during", nil}, {"p99 ms outside / during", nil},
		{"p99.9 ms outside / during", nil}, {"max ms outside / during", nil},
	}
	qs := []float64{.5, .99, .999, 1}
	var rows [][]string
	for i, m := range metrics {
		if m.f != nil {
			v, r := series2(res["vesta"], m.f), series2(res["redis"], m.f)
			rows = append(rows, []string{m.name, medSpread(r), medSpread(v), ratioSpread(ratios(v, r))})
			continue
		}
		q := qs[i-6]
		o, d := ms(out, q), ms(dur, q)
		cell := func(name string) string {
			return num(median(series2(res[name], o))) + " / " + num(median(series2(res[name], d)))
		}
		rows = append(rows, []string{m.name, cell("redis"), cell("vesta"),
			ratioSpread(ratios(series2(res["vesta"], d), series2(res["redis"], d)))})
	}
	s.printf("\n#### %s (`%s`)\n%s\nFor latency rows the ratio compares the \"during\" values.\n", k.name,
		joinArgs(k.mode.args), mdTable("lrrr", []string{"metric", "Redis", "Vesta", "Vesta/Redis"}, rows))
}

func series2(rs []*snapResult, f func(*snapResult) float64) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = f(r)
	}
	return out
}

func joinArgs(args []string) string {
	out := ""
	for i, a := range quoteArgs(args) {
		if i > 0 {
			out += " "
		}
		out += a
	}
	return out
}
