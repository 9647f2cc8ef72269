package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// scenario is one measurement of the suite.
type scenario struct {
	name  string
	title string
	run   func(e *runEnv, s *section) error
}

// scenarios lists the suite in its default order. Each lives in its own
// scen_*.go file.
var scenarios = []*scenario{
	{"throughput", "Throughput and latency (redis-benchmark, 50 clients)", runThroughput},
	{"types", "Streams, HyperLogLog, geo and scripts (redis-benchmark, 50 clients)", runTypes},
	{"snapshot", "Snapshot under load", runSnapshot},
	{"memory", "Memory per element", runMemory},
	{"recovery", "Recovery: startup time", runRecovery},
	{"tls", "Throughput over TLS (redis-benchmark --tls, 50 clients)", runTLS},
	{"overhead", "Cost of diagnostics and of the ACL check (redis-benchmark, 50 clients)", runOverhead},
	{"replication", "Replication: full sync, memory, lag and restarts", runReplication},
}

func findScenario(name string) *scenario {
	for _, s := range scenarios {
		if s.name == name {
			return s
		}
	}
	return nil
}

func scenarioNames() string {
	var n []string
	for _, s := range scenarios {
		n = append(n, s.name)
	}
	return strings.Join(n, ", ")
}

// mode is a persistence setting, given to both servers alike.
type mode struct {
	name string
	args []string
}

var (
	modeOff      = mode{"off", []string{"--save", "", "--appendonly", "no"}}
	modeEverysec = mode{"everysec", []string{"--save", "", "--appendonly", "yes", "--appendfsync", "everysec"}}
	modeAlways   = mode{"always", []string{"--save", "", "--appendonly", "yes", "--appendfsync", "always"}}
	allModes     = []mode{modeOff, modeEverysec, modeAlways}
)

// probeAOF reports why t does not really write an append-only file in mode
// m, or "" if it does: it starts t with m's settings, runs one SET of a
// unique key and looks for that key's bytes in the files under the data
// directory for up to 3 seconds. Accepting "appendonly yes" is not enough:
// a server may take the setting before it implements the feature.
func probeAOF(e *runEnv, t target, m mode) (string, error) {
	s, done, err := e.start(t, "probe-"+m.name, m.args...)
	if err != nil {
		return "", err
	}
	defer done()
	key := "vbench-probe-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	r, err := s.do("SET", key, "1")
	if err != nil {
		return "", err
	}
	if r.isError() {
		return "SET failed: " + r.Str, nil
	}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if dirContains(s.Dir, []byte(key)) {
			return "", nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Sprintf("with %s a SET did not reach any file in --dir within 3 s (append-only file not implemented yet; INFO says aof_enabled:%s)",
		strings.Join(quoteArgs(m.args), " "), s.info("persistence", "aof_enabled")), nil
}

// dirContains reports whether any regular file under dir contains needle.
func dirContains(dir string, needle []byte) bool {
	found := false
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || found || !d.Type().IsRegular() {
			return nil
		}
		if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, needle) {
			found = true
		}
		return nil
	})
	return found
}

// quoteArgs shows empty arguments as ”.
func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" {
			a = "''"
		}
		out[i] = a
	}
	return out
}

// probeCommand reports why t cannot run cmd, or "" if it can; it uses a
// fresh server with persistence off.
func probeCommands(e *runEnv, t target, cmds [][]string) ([]string, error) {
	s, done, err := e.start(t, "probe", modeOff.args...)
	if err != nil {
		return nil, err
	}
	defer done()
	why := make([]string, len(cmds))
	for i, c := range cmds {
		r, err := s.do(c...)
		if err != nil {
			return nil, err
		}
		if u := unsupported(r); u != "" {
			why[i] = fmt.Sprintf("%s replies %q", strings.Join(c, " "), u)
		} else if r.isError() {
			why[i] = fmt.Sprintf("%s fails: %s", strings.Join(c, " "), r.Str)
		}
	}
	return why, nil
}
