package integration

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/testutil"
)

// debianConf returns Debian's stock /etc/redis/redis.conf with the paths
// moved under dir and daemonize off; the port comes from the test.
func debianConf(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile("/etc/redis/redis.conf")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Debian's redis.conf is missing under CI: %v", err)
		}
		t.Skip("no /etc/redis/redis.conf")
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			switch f[0] {
			case "daemonize":
				line = "daemonize no"
			case "pidfile":
				line = "pidfile " + config.Quote(filepath.Join(dir, "server.pid"))
			case "logfile":
				line = "logfile " + config.Quote(filepath.Join(dir, "server.log"))
			case "dir":
				line = "dir " + config.Quote(dir)
			}
		}
		out = append(out, line)
	}
	path := filepath.Join(dir, "redis.conf")
	if err := os.WriteFile(path, []byte(strings.Join(out, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// configAll returns CONFIG GET * as a map.
func configAll(t *testing.T, s *testutil.Server) map[string]string {
	t.Helper()
	c := testutil.Dial(t, s.Addr)
	arr, ok := c.DoValue("CONFIG", "GET", "*").([]any)
	if !ok {
		t.Fatalf("CONFIG GET * is not an array")
	}
	out := make(map[string]string)
	for i := 0; i+1 < len(arr); i += 2 {
		out[arr[i].(string)] = arr[i+1].(string)
	}
	return out
}

// compareConfigs reports the parameters whose values differ.
func compareConfigs(t *testing.T, vesta, redis map[string]string, skip ...string) {
	t.Helper()
	skipped := make(map[string]bool)
	for _, s := range skip {
		skipped[s] = true
	}
	var names []string
	for n := range redis {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if v, ok := vesta[n]; !skipped[n] && (!ok || v != redis[n]) {
			t.Errorf("%s: vesta %q (known %v), redis %q", n, v, ok, redis[n])
		}
	}
	if len(vesta) != len(redis) {
		t.Errorf("vesta lists %d parameters, redis %d", len(vesta), len(redis))
	}
}

// Ensure that Debian's stock redis.conf (paths changed, daemonize no)
// starts vesta-server, that every parameter reads back as Redis has it,
// and that the parameters without effect are logged once at notice level.
func TestDebianRedisConfStarts(t *testing.T) {
	got := make(map[string]map[string]string)
	for _, tg := range targets() {
		dir := t.TempDir()
		conf := debianConf(t, dir)
		s := tg.start(t, conf)
		got[tg.name] = configAll(t, s)
		if tg.name == "vesta" {
			log, err := os.ReadFile(filepath.Join(dir, "server.log"))
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(log), "accepted without effect in Vesta"); n != 1 {
				t.Errorf("the ineffective parameters are logged %d times, want once:\n%s", n, log)
			}
			if !strings.Contains(string(log), "jemalloc-bg-thread") || !strings.Contains(string(log), "oom-score-adj-values") {
				t.Errorf("the log does not name the ineffective parameters:\n%s", log)
			}
		}
	}
	compareConfigs(t, got["vesta"], got["redis"], "port", "dir", "pidfile", "logfile")
}

// Ensure that a configuration holding every parameter of CONFIG GET * at
// Redis's defaults starts both servers with the same values.
func TestAllRedisParametersStart(t *testing.T) {
	ref := testutil.StartRedis(t)
	all := configAll(t, ref)
	var b strings.Builder
	for name, v := range all {
		switch {
		case name == "replicaof" || name == "slaveof":
			b.WriteString(name + " no one\n")
		case v != "" && (name == "save" || name == "bind" || name == "client-output-buffer-limit" ||
			name == "oom-score-adj-values" || name == "latency-tracking-info-percentiles" ||
			strings.HasPrefix(name, "shutdown-on-")):
			b.WriteString(name + " " + v + "\n")
		default:
			b.WriteString(name + " " + config.Quote(v) + "\n")
		}
	}
	got := make(map[string]map[string]string)
	for _, tg := range targets() {
		conf := filepath.Join(t.TempDir(), "all.conf")
		if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		got[tg.name] = configAll(t, tg.start(t, conf))
	}
	compareConfigs(t, got["vesta"], got["redis"], "port", "dir")
}

// Ensure that several bad lines are all reported in one run, with the file
// and line list.
func TestConfigAllBadLinesReported(t *testing.T) {
	bin := testutil.BuildVesta(t)
	conf := filepath.Join(t.TempDir(), "bad.conf")
	if err := os.WriteFile(conf, []byte("port 0\ntimeout x\ncluster-enabled yes\nbogus 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runBinary(t, bin, "", conf)
	out := stdout + stderr
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	for _, want := range []string{
		">>> 'timeout x'", ">>> 'cluster-enabled yes'", ">>> 'bogus 1'",
		"cluster mode is not available in Vesta yet",
		"3 errors in the configuration, at " + conf + ":2, " + conf + ":3, " + conf + ":4",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
