package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// replTransfer is one way a master sends the full synchronisation's RDB.
type replTransfer struct {
	name     string // "disk" or "diskless"
	diskless string // the value of repl-diskless-sync
}

var replTransfers = []replTransfer{{"disk", "no"}, {"diskless", "yes"}}

const (
	replClients = 50 // connections of the write load during the full sync
	// replPipeline is redis-benchmark's -P for the lag measurement.
	replPipeline = 16
	// replGap is the number of SETs the master takes while a restarted
	// replica is down.
	replGap = 1000
)

// replSync is one full synchronisation under write load, on a fresh
// master of each kind.
type replSync struct {
	idle, loaded time.Duration // the sync without and with the write load
	// The master's memory footprint (PSS of it and its children): the data
	// set's share (after DEBUG POPULATE minus before), the peak during the
	// quiet load before the sync and the peak during the sync.
	dataset, quietPeak, peak int64
	thrBefore, thrDuring     float64
	before, during           hist
}

// growth is the footprint growth the sync caused, in bytes and as a
// percentage of the data set.
func (r *replSync) growth() (int64, float64) {
	g := r.peak - r.quietPeak
	return g, 100 * float64(g) / float64(max(r.dataset, 1))
}

// replLag is the replication lag under a pipelined SET load.
type replLag struct {
	rps float64
	// Lag samples in bytes: the master's offset minus the replica's own
	// (what it applied) and minus the offset the replica acknowledged.
	applied, acked []float64
	catchUp        time.Duration // from the end of the load until the replica has it all
}

// replResume is the time a restarted replica takes to be in sync again.
type replResume struct {
	partial, full     time.Duration
	partialOK, fullOK bool // the master counted the kind of sync expected
}

func runReplication(e *runEnv, s *section) error {
	s.header("measure", "round", "server", "transfer", "keys", "value", "unit", "load1")
	keys := e.scale(2_000_000)
	rounds := min(e.opt.Rounds, 3)
	quiet := max(3*time.Second/time.Duration(e.opt.Scale), 250*time.Millisecond)
	warm := min(time.Second, quiet)
	lagRequests := e.scale(2_000_000)
	s.printf("Each master (Vesta or Redis, `--save '' --appendonly no --repl-diskless-sync-delay 0`) is filled with %d "+
		"keys by `DEBUG POPULATE`; its replica is a fresh server of the same kind with the same settings, pointed at it "+
		"by `REPLICAOF`. A full sync's time runs from the master listing the replica (`connected_slaves`, polled every "+
		"10 ms) until the replica reports `master_link_status:up` with no sync in progress. Each master serves one full sync with no load "+
		"(\"idle\"), then a second replica while %d connections SET random keys of the data set in a closed loop: "+
		"after a %v warm-up and %v of quiet load (\"before\") the second replica is pointed at the master, and "+
		"\"during\" lasts until it is in sync. The memory footprint is the PSS of the master and its children, "+
		"sampled every 10 ms, so Redis's forked child and its copy-on-write pages count once; its growth is the peak "+
		"during the sync minus the peak during the quiet load before it, and the data set is the footprint after "+
		"`DEBUG POPULATE` minus the footprint of the empty server. Issue 17's target for Vesta is a growth of at "+
		"most 10%% of the data set. Medians over %d rounds.\n", keys, replClients, warm, quiet, rounds)
	for _, t := range []target{e.redis, e.vesta} {
		why, err := probeReplication(e, t)
		if err != nil {
			return err
		}
		if why == "" {
			continue
		}
		if t.Name == "redis" {
			return fmt.Errorf("vbench: the replication probe fails on redis-server itself, so it is broken: %s", why)
		}
		s.skip("replication", "vesta-server: "+why)
		return nil
	}
	syncs := map[string]map[string][]*replSync{} // transfer → server → runs
	lags := map[string][]*replLag{}
	resumes := map[string][]*replResume{}
	for _, tr := range replTransfers {
		syncs[tr.name] = map[string][]*replSync{}
	}
	for round := range rounds {
		for _, t := range e.order(round) {
			for i, tr := range replTransfers {
				// The lag and the restarts are measured once a round,
				// with the last transfer (diskless, Redis's default).
				last := i == len(replTransfers)-1
				r, lag, res, err := replRun(e, s, t, tr, keys, warm, quiet, last, lagRequests, round)
				if err != nil {
					return err
				}
				syncs[tr.name][t.Name] = append(syncs[tr.name][t.Name], r)
				if last {
					lags[t.Name] = append(lags[t.Name], lag)
					resumes[t.Name] = append(resumes[t.Name], res)
				}
			}
		}
	}
	for _, tr := range replTransfers {
		replSyncReport(s, tr, syncs[tr.name])
	}
	replLagReport(s, lagRequests, keys, lags)
	replResumeReport(s, resumes)
	return nil
}

// replArgs are the settings of masters and replicas alike.
func replArgs(tr replTransfer) []string {
	return append(append([]string{}, modeOff.args...), "--repl-diskless-sync", tr.diskless, "--repl-diskless-sync-delay", "0")
}

// probeReplication reports why a replica of t's kind cannot sync from a
// master of t's kind within 30 s, or "".
func probeReplication(e *runEnv, t target) (string, error) {
	m, mdone, err := e.start(t, "probe-master", replArgs(replTransfers[1])...)
	if err != nil {
		return "", err
	}
	defer mdone()
	if r, err := m.do("SET", "probe", "1"); err != nil {
		return "", err
	} else if r.isError() {
		return "SET failed: " + r.Str, nil
	}
	rep, rdone, err := e.start(t, "probe-replica", replArgs(replTransfers[1])...)
	if err != nil {
		return "", err
	}
	defer rdone()
	if _, err := replicaSync(rep, m, 30*time.Second, nil); err != nil {
		return err.Error(), nil
	}
	r, err := rep.do("GET", "probe")
	if err != nil {
		return "", err
	}
	if r.Str != "1" {
		return fmt.Sprintf("the replica's link is up but GET probe replies %q", r.String()), nil
	}
	return "", nil
}

// replicaSync points rep at m with REPLICAOF and waits until the sync is
// done. It returns the time from the moment the master lists the replica
// (or, if it never saw it, from the REPLICAOF) until then; sample is called
// at every 10 ms poll.
func replicaSync(rep, m *server, timeout time.Duration, sample func()) (time.Duration, error) {
	rc, err := dial(rep.Addr())
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	mc, err := dial(m.Addr())
	if err != nil {
		return 0, err
	}
	defer mc.Close()
	sent := time.Now()
	r, err := rc.doTimeout(time.Minute, "REPLICAOF", "127.0.0.1", strconv.Itoa(m.Port))
	if err != nil {
		return 0, err
	}
	if r.isError() {
		return 0, fmt.Errorf("vbench: REPLICAOF on %s: %s", rep.Name, r.Str)
	}
	var listed time.Time
	for time.Since(sent) < timeout {
		if sample != nil {
			sample()
		}
		if listed.IsZero() {
			r, err := mc.doTimeout(time.Minute, "INFO", "replication")
			if err != nil {
				return 0, err
			}
			if n, _ := strconv.Atoi(infoField(r.Str, "connected_slaves")); n > 0 {
				listed = time.Now()
			}
		}
		up, err := linkUp(rc)
		if err != nil {
			return 0, err
		}
		if up {
			if listed.IsZero() {
				listed = sent
			}
			return time.Since(listed), nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0, fmt.Errorf("vbench: the %s replica is not in sync %v after REPLICAOF (see %s)", rep.Name, timeout, rep.Log)
}

// linkUp reports whether a replica's link to its master is up with no
// sync in progress.
func linkUp(c *client) (bool, error) {
	r, err := c.doTimeout(time.Minute, "INFO", "replication")
	if err != nil {
		return false, err
	}
	return infoField(r.Str, "master_link_status") == "up" && infoField(r.Str, "master_sync_in_progress") == "0", nil
}

// replRun measures the full syncs of one master and, with extras, the lag
// and the restarts of its second replica.
func replRun(e *runEnv, s *section, t target, tr replTransfer, keys int, warm, quiet time.Duration,
	extras bool, lagRequests, round int) (*replSync, *replLag, *replResume, error) {
	args := replArgs(tr)
	m, mdone, err := e.start(t, "repl-master-"+tr.name, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	defer mdone()
	time.Sleep(300 * time.Millisecond)
	empty, err := footprint(m.Pid())
	if err != nil {
		return nil, nil, nil, err
	}
	if r, err := m.do("DEBUG", "POPULATE", strconv.Itoa(keys)); err != nil || r.isError() {
		return nil, nil, nil, fmt.Errorf("vbench: DEBUG POPULATE on %s: %v %s", t.Name, err, r.Str)
	}
	res := &replSync{}
	full, err := footprint(m.Pid())
	if err != nil {
		return nil, nil, nil, err
	}
	res.dataset = full - empty
	row := func(measure string, v any, unit string) {
		s.row(measure, round+1, t.Name, tr.name, keys, v, unit, load1())
	}

	// The idle full sync, to a replica that is stopped afterwards.
	rep, rdone, err := e.start(t, "repl-idle-"+tr.name, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	res.idle, err = replicaSync(rep, m, 10*time.Minute, nil)
	if err == nil {
		err = checkDBSize(rep, keys)
	}
	rdone()
	if err != nil {
		return nil, nil, nil, err
	}

	// The full sync under write load. The replica's directory outlives
	// its restarts.
	dir := e.newDir(t.Name + "-repl-replica-" + tr.name)
	defer e.cleanup(dir)
	rep, err = startServer(t, dir, 2*time.Minute, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	defer func() { rep.stop() }()
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	w, err := startWriters(ctx, m.Addr(), replClients, keys)
	if err != nil {
		return nil, nil, nil, err
	}
	time.Sleep(warm)
	w.setPhase(phaseBefore)
	t0 := time.Now()
	for time.Since(t0) < quiet {
		if f, err := footprint(m.Pid()); err == nil {
			res.quietPeak = max(res.quietPeak, f)
		}
		time.Sleep(10 * time.Millisecond)
	}
	res.peak = res.quietPeak
	w.setPhase(phaseDuring)
	t1 := time.Now()
	res.loaded, err = replicaSync(rep, m, 10*time.Minute, func() {
		if f, err := footprint(m.Pid()); err == nil {
			res.peak = max(res.peak, f)
		}
	})
	t2 := time.Now()
	w.setPhase(phaseAfter)
	cancel()
	if werr := w.wait(); err == nil {
		err = werr
	}
	if err != nil {
		return nil, nil, nil, err
	}
	res.before, res.during = w.hists[phaseBefore], w.hists[phaseDuring]
	res.thrBefore = float64(w.ops[phaseBefore]) / t1.Sub(t0).Seconds()
	res.thrDuring = float64(w.ops[phaseDuring]) / t2.Sub(t1).Seconds()
	g, pct := res.growth()
	ms := func(h *hist, q float64) float64 { return float64(h.quantile(q)) / 1e6 }
	row("sync_idle", res.idle.Seconds(), "s")
	row("sync_under_load", res.loaded.Seconds(), "s")
	row("footprint_dataset", res.dataset, "bytes")
	row("footprint_peak_before", res.quietPeak, "bytes")
	row("footprint_peak_during", res.peak, "bytes")
	row("footprint_growth", g, "bytes")
	row("footprint_growth_pct_of_dataset", pct, "%")
	row("set_ops_before", res.thrBefore, "ops/s")
	row("set_ops_during", res.thrDuring, "ops/s")
	row("set_p99_before", ms(&res.before, .99), "ms")
	row("set_p99_during", ms(&res.during, .99), "ms")
	e.logf("replication %s round %d %-5s sync %.2fs idle, %.2fs loaded; growth %.1f MiB (%.1f%% of %.0f MiB); ops/s %.0f/%.0f, p99 %.2f/%.2f ms",
		tr.name, round+1, t.Name, res.idle.Seconds(), res.loaded.Seconds(), float64(g)/(1<<20), pct,
		float64(res.dataset)/(1<<20), res.thrBefore, res.thrDuring, ms(&res.before, .99), ms(&res.during, .99))
	if !extras {
		return res, nil, nil, nil
	}

	lag, err := measureLag(e, m, rep, lagRequests, keys)
	if err != nil {
		return nil, nil, nil, err
	}
	row("lag_set_ops", lag.rps, "ops/s")
	row("lag_applied_median", int64(median(lag.applied)), "bytes")
	row("lag_applied_max", int64(maxOf(lag.applied)), "bytes")
	row("lag_acked_median", int64(median(lag.acked)), "bytes")
	row("lag_acked_max", int64(maxOf(lag.acked)), "bytes")
	row("lag_catch_up", lag.catchUp.Seconds()*1000, "ms")
	e.logf("replication lag round %d %-5s %.0f SET/s; applied lag median %.0f B, max %.0f B; acked median %.0f B; catch-up %v",
		round+1, t.Name, lag.rps, median(lag.applied), maxOf(lag.applied), median(lag.acked), lag.catchUp.Round(time.Millisecond))

	resume := &replResume{}
	resume.partial, resume.partialOK, err = restartReplica(m, &rep, false, args)
	if err == nil {
		resume.full, resume.fullOK, err = restartReplica(m, &rep, true, args)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	row("resume_partial", resume.partial.Seconds(), "s")
	row("resume_full", resume.full.Seconds(), "s")
	e.logf("replication restart round %d %-5s partial %.2fs (partial: %v), full %.2fs (full: %v)",
		round+1, t.Name, resume.partial.Seconds(), resume.partialOK, resume.full.Seconds(), resume.fullOK)
	return res, lag, resume, nil
}

// checkDBSize fails unless s holds keys keys.
func checkDBSize(s *server, keys int) error {
	r, err := s.do("DBSIZE")
	if err != nil {
		return err
	}
	if r.Kind != ':' || r.Int != int64(keys) {
		return fmt.Errorf("vbench: the %s replica has %s keys after its full sync, want %d", s.Name, r.String(), keys)
	}
	return nil
}

// measureLag runs redis-benchmark's pipelined SET against m and samples
// the lag of rep every 10 ms meanwhile; then it waits for rep to catch up.
func measureLag(e *runEnv, m, rep *server, requests, keys int) (*replLag, error) {
	mc, err := dial(m.Addr())
	if err != nil {
		return nil, err
	}
	defer mc.Close()
	rc, err := dial(rep.Addr())
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// offsets returns the master's offset, the replica's own and the one
	// it acknowledged (slave0's offset=).
	offsets := func() (mo, ro, ack int64, err error) {
		r, err := mc.doTimeout(time.Minute, "INFO", "replication")
		if err != nil {
			return 0, 0, 0, err
		}
		mo = parseIntOr(infoField(r.Str, "master_repl_offset"))
		ack = parseIntOr(slaveField(infoField(r.Str, "slave0"), "offset"))
		if r, err = rc.doTimeout(time.Minute, "INFO", "replication"); err != nil {
			return 0, 0, 0, err
		}
		ro = parseIntOr(infoField(r.Str, "master_repl_offset"))
		if mo < 0 || ro < 0 || ack < 0 {
			return 0, 0, 0, fmt.Errorf("vbench: INFO replication lacks an offset (master %d, replica %d, acknowledged %d)", mo, ro, ack)
		}
		return mo, ro, ack, nil
	}
	type benchOut struct {
		res benchResult
		err error
	}
	done := make(chan benchOut, 1)
	go func() {
		res, err := runBench(e.ctx, e.bench, m.Addr(), benchSpec{Test: "set", N: requests, Clients: replClients,
			Pipeline: replPipeline, Keyspace: keys}, 10*time.Minute)
		done <- benchOut{res, err}
	}()
	lag := &replLag{}
	var out benchOut
sampling:
	for {
		// At least one sample, however short the load.
		mo, ro, ack, err := offsets()
		if err != nil {
			<-done
			return nil, err
		}
		lag.applied = append(lag.applied, float64(max(mo-ro, 0)))
		lag.acked = append(lag.acked, float64(max(mo-ack, 0)))
		select {
		case out = <-done:
			break sampling
		case <-time.After(10 * time.Millisecond):
		}
	}
	if out.err != nil {
		return nil, out.err
	}
	lag.rps = out.res.RPS
	end := time.Now()
	for {
		mo, ro, _, err := offsets()
		if err != nil {
			return nil, err
		}
		if ro >= mo {
			break
		}
		if time.Since(end) > 5*time.Minute {
			return nil, fmt.Errorf("vbench: the %s replica is still %d bytes behind 5 minutes after the load", rep.Name, mo-ro)
		}
		time.Sleep(time.Millisecond)
	}
	lag.catchUp = time.Since(end)
	return lag, nil
}

// slaveField returns name's value from an INFO slaveN line
// ("ip=...,port=...,state=online,offset=123,lag=0"), or "".
func slaveField(line, name string) string {
	for len(line) > 0 {
		var kv string
		kv, line, _ = strings.Cut(line, ",")
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}

func maxOf(xs []float64) float64 {
	_, hi := spread(xs)
	return hi
}

// restartReplica stops *rep (saving its RDB first when it is to resume
// with a partial resync; removing its files for a full sync), lets the
// master take replGap writes meanwhile, starts it again on the same
// directory with --replicaof, and returns the time from exec until it is
// in sync, and whether the master counted the kind of sync expected
// (sync_partial_ok or sync_full).
func restartReplica(m *server, rep **server, full bool, args []string) (time.Duration, bool, error) {
	r := *rep
	counter := "sync_partial_ok"
	if full {
		counter = "sync_full"
	}
	if !full {
		if res, err := r.do("SAVE"); err != nil {
			return 0, false, err
		} else if res.isError() {
			return 0, false, fmt.Errorf("vbench: SAVE on the %s replica: %s", r.Name, res.Str)
		}
	}
	r.stop()
	if full {
		if err := removeContents(r.Dir); err != nil {
			return 0, false, err
		}
	}
	before := parseIntOr(m.info("stats", counter))
	if err := pipelineLoad(m.Addr(), replGap, 100, func(i int) []string {
		return []string{"SET", "gap:" + strconv.Itoa(i), strconv.Itoa(i)}
	}); err != nil {
		return 0, false, err
	}
	nr, err := startServer(r.target, r.Dir, 10*time.Minute,
		append(append([]string{}, args...), "--replicaof", "127.0.0.1", strconv.Itoa(m.Port))...)
	if err != nil {
		return 0, false, err
	}
	*rep = nr
	c, err := dial(nr.Addr())
	if err != nil {
		return 0, false, err
	}
	defer c.Close()
	for {
		up, err := linkUp(c)
		if err != nil {
			return 0, false, err
		}
		if up {
			break
		}
		if time.Since(nr.Start) > 10*time.Minute {
			return 0, false, fmt.Errorf("vbench: the restarted %s replica is not in sync after 10 minutes (see %s)", nr.Name, nr.Log)
		}
		time.Sleep(5 * time.Millisecond)
	}
	took := time.Since(nr.Start)
	after := parseIntOr(m.info("stats", counter))
	return took, after == before+1, nil
}

// removeContents removes everything inside dir.
func removeContents(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, d := range ents {
		if err := os.RemoveAll(filepath.Join(dir, d.Name())); err != nil {
			return err
		}
	}
	return nil
}

func replSyncReport(s *section, tr replTransfer, res map[string][]*replSync) {
	type metric struct {
		name string
		f    func(*replSync) float64
	}
	ms := func(sel func(*replSync) *hist, q float64) func(*replSync) float64 {
		return func(r *replSync) float64 { return float64(sel(r).quantile(q)) / 1e6 }
	}
	mib := func(f func(*replSync) int64) func(*replSync) float64 {
		return func(r *replSync) float64 { return float64(f(r)) / (1 << 20) }
	}
	before := func(r *replSync) *hist { return &r.before }
	during := func(r *replSync) *hist { return &r.during }
	metrics := []metric{
		{"full sync, idle master (s)", func(r *replSync) float64 { return r.idle.Seconds() }},
		{"full sync under write load (s)", func(r *replSync) float64 { return r.loaded.Seconds() }},
		{"master footprint of the data set (MiB)", mib(func(r *replSync) int64 { return r.dataset })},
		{"master peak footprint under load, before (MiB)", mib(func(r *replSync) int64 { return r.quietPeak })},
		{"master footprint growth during the sync (MiB)", mib(func(r *replSync) int64 { g, _ := r.growth(); return g })},
		{"growth, % of the data set", func(r *replSync) float64 { _, p := r.growth(); return p }},
		{"master SET ops/s before", func(r *replSync) float64 { return r.thrBefore }},
		{"master SET ops/s during", func(r *replSync) float64 { return r.thrDuring }},
		{"master SET p99 ms before", ms(before, .99)},
		{"master SET p99 ms during", ms(during, .99)},
		{"master SET p99.9 ms during", ms(during, .999)},
	}
	var rows [][]string
	for _, m := range metrics {
		v, r := replSeries(res["vesta"], m.f), replSeries(res["redis"], m.f)
		rows = append(rows, []string{m.name, medSpread(r), medSpread(v), ratioSpread(ratios(v, r))})
	}
	s.printf("\n#### Full sync, %s (`repl-diskless-sync %s`)\n%s", tr.name, tr.diskless,
		mdTable("lrrr", []string{"metric", "Redis", "Vesta", "Vesta/Redis"}, rows))
}

func replSeries(rs []*replSync, f func(*replSync) float64) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = f(r)
	}
	return out
}

func replLagReport(s *section, requests, keys int, res map[string][]*replLag) {
	kib := func(f func(*replLag) float64) func(*replLag) float64 {
		return func(l *replLag) float64 { return f(l) / 1024 }
	}
	metrics := []struct {
		name string
		f    func(*replLag) float64
	}{
		{"master SET ops/s", func(l *replLag) float64 { return l.rps }},
		{"lag, applied: median (KiB)", kib(func(l *replLag) float64 { return median(l.applied) })},
		{"lag, applied: max (KiB)", kib(func(l *replLag) float64 { return maxOf(l.applied) })},
		{"lag, acknowledged: median (KiB)", kib(func(l *replLag) float64 { return median(l.acked) })},
		{"lag, acknowledged: max (KiB)", kib(func(l *replLag) float64 { return maxOf(l.acked) })},
		{"catch-up after the load (ms)", func(l *replLag) float64 { return l.catchUp.Seconds() * 1000 }},
	}
	var rows [][]string
	for _, m := range metrics {
		series := func(ls []*replLag) []float64 {
			out := make([]float64, len(ls))
			for i, l := range ls {
				out[i] = m.f(l)
			}
			return out
		}
		v, r := series(res["vesta"]), series(res["redis"])
		rows = append(rows, []string{m.name, medSpread(r), medSpread(v), ratioSpread(ratios(v, r))})
	}
	s.printf("\n#### Replication lag under `redis-benchmark -c %d -P %d -t set -r %d -n %d`\n"+
		"After the sync under load (diskless master), the master's `master_repl_offset` is sampled every 10 ms "+
		"while redis-benchmark runs, together with the replica's own `master_repl_offset` (what it applied) and "+
		"the offset it acknowledged (`slave0:...,offset=`, which both servers' replicas send once a second); the "+
		"lag is the difference in bytes of the stream. The catch-up is the time from the end of the load until "+
		"the replica applied the whole stream.\n%s", replClients, replPipeline, keys, requests,
		mdTable("lrrr", []string{"metric", "Redis", "Vesta", "Vesta/Redis"}, rows))
}

func replResumeReport(s *section, res map[string][]*replResume) {
	metrics := []struct {
		name string
		f    func(*replResume) float64
		ok   func(*replResume) bool
	}{
		{"restart with its RDB, partial resync (s)", func(r *replResume) float64 { return r.partial.Seconds() },
			func(r *replResume) bool { return r.partialOK }},
		{"restart without files, full sync (s)", func(r *replResume) float64 { return r.full.Seconds() },
			func(r *replResume) bool { return r.fullOK }},
	}
	var rows [][]string
	var notes []string
	for _, m := range metrics {
		series := func(name string) []float64 {
			var out []float64
			for _, r := range res[name] {
				out = append(out, m.f(r))
				if !m.ok(r) {
					notes = append(notes, fmt.Sprintf("%s: %s did not count the expected kind of sync in one round", m.name, name))
				}
			}
			return out
		}
		r, v := series("redis"), series("vesta")
		rows = append(rows, []string{m.name, medSpread(r), medSpread(v), ratioSpread(ratios(v, r))})
	}
	s.printf("\n#### Replica restart\nThe replica of the sync under load is stopped, the master takes %d SETs, and "+
		"the replica is started again with `--replicaof`: first after a `SAVE` (its `dump.rdb` carries the "+
		"replication id and offset, so it continues with `+CONTINUE`), then with its directory emptied (a full "+
		"sync). The time runs from exec until its link is up with no sync in progress, and includes loading its "+
		"own `dump.rdb` and the up to 1 s a Redis replica waits for its cron to connect; the master's "+
		"`sync_partial_ok` and `sync_full` confirm which sync took place.\n%s", replGap,
		mdTable("lrrr", []string{"metric", "Redis", "Vesta", "Vesta/Redis"}, rows))
	for _, n := range notes {
		s.printf("\n**Unexpected:** %s.\n", n)
	}
}
