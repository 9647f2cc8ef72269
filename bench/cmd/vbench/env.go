package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// runEnv is what every scenario gets: the two targets, options and the
// places to put things.
type runEnv struct {
	ctx     context.Context
	opt     options
	vesta   target
	redis   target
	bench   string // redis-benchmark
	out     string // report directory
	data    string // servers' data directories
	seq     int
	machine machineInfo
}

func newEnv(ctx context.Context, o options) (*runEnv, error) {
	e := &runEnv{ctx: ctx, opt: o, out: o.Out, data: filepath.Join(o.Out, "data")}
	var err error
	if e.vesta.Bin, err = exec.LookPath(o.Vesta); err != nil {
		return nil, fmt.Errorf("vbench: vesta-server: %w", err)
	}
	if e.redis.Bin, err = exec.LookPath(o.Redis); err != nil {
		return nil, fmt.Errorf("vbench: redis-server: %w", err)
	}
	if e.bench, err = exec.LookPath(o.Benchmark); err != nil {
		return nil, fmt.Errorf("vbench: redis-benchmark: %w", err)
	}
	e.vesta.Name, e.redis.Name = "vesta", "redis"
	// Data directories must be absolute: the servers get them as --dir.
	if e.data, err = filepath.Abs(e.data); err != nil {
		return nil, err
	}
	os.RemoveAll(e.data)
	if err := os.MkdirAll(e.data, 0o755); err != nil {
		return nil, err
	}
	e.machine = readMachine(e)
	return e, nil
}

// logf prints progress to stderr.
func (e *runEnv) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// newDir returns a fresh data directory path (not yet created) for name.
func (e *runEnv) newDir(name string) string {
	e.seq++
	return filepath.Join(e.data, fmt.Sprintf("%04d-%s", e.seq, name))
}

// order returns the two targets in the order of a round: Vesta first in
// even rounds, Redis first in odd ones.
func (e *runEnv) order(round int) []target {
	if round%2 == 0 {
		return []target{e.vesta, e.redis}
	}
	return []target{e.redis, e.vesta}
}

// start starts t in a fresh directory named after what; the directory is
// removed when done is called unless -keep was given.
func (e *runEnv) start(t target, what string, extra ...string) (*server, func(), error) {
	dir := e.newDir(t.Name + "-" + what)
	s, err := startServer(t, dir, 2*time.Minute, extra...)
	if err != nil {
		return nil, nil, err
	}
	return s, func() { s.stop(); e.cleanup(dir) }, nil
}

// cleanup removes a data directory and its log unless -keep was given.
func (e *runEnv) cleanup(dir string) {
	if !e.opt.Keep {
		os.RemoveAll(dir)
	}
}

// scale returns n divided by -scale.
func (e *runEnv) scale(n int) int { return max(n/e.opt.Scale, 1) }

// machineInfo describes where and when the numbers were taken.
type machineInfo struct {
	Date, CPU, Kernel, Mem, Go string
	NProc                      int
	LoadStart                  string
	RedisVersion, VestaVersion string
}

func readMachine(e *runEnv) machineInfo {
	m := machineInfo{
		Date:      time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		NProc:     runtime.NumCPU(),
		LoadStart: loadavg(),
		Go:        runtime.Version(),
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if n, err := kbField("/proc/meminfo", "MemTotal"); err == nil {
		m.Mem = fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	m.RedisVersion = firstLine(exec.Command(e.redis.Bin, "--version").Output())
	m.VestaVersion = firstLine(exec.Command(e.vesta.Bin, "--version").Output())
	if e.opt.VestaRev != "" {
		m.VestaVersion += " (source " + e.opt.VestaRev + ")"
	}
	return m
}

func firstLine(b []byte, err error) string {
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}

// loadavg returns the three load averages from /proc/loadavg.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// load1 returns the one-minute load average.
func load1() string {
	l, _, _ := strings.Cut(loadavg(), " ")
	return l
}
