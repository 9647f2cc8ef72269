package config

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// redisAll returns CONFIG GET * of a real Redis as a map.
func redisAll(t *testing.T, rr *realRedis) map[string]string {
	t.Helper()
	all, ok := rr.do(t, "CONFIG", "GET", "*").([]any)
	if !ok || len(all) == 0 {
		t.Fatal("CONFIG GET * returned nothing")
	}
	out := make(map[string]string)
	for i := 0; i+1 < len(all); i += 2 {
		out[all[i].(string)] = all[i+1].(string)
	}
	return out
}

// isUnbuiltRefusal reports whether err is Vesta refusing a value because
// the directive's feature is missing.
func isUnbuiltRefusal(name string, err error) bool {
	d, ok := lookup(name)
	return ok && d.Status == Unbuilt && err != nil && strings.Contains(err.Error(), " is not available in Vesta yet: ")
}

// TestEveryParameterMatchesRedis sends the same CONFIG SET probes, for every
// parameter of Redis 7.0.15, to a real Redis and to a Config, and compares
// the replies and the values after. The documented differences allowed:
// a missing feature refusing a value Redis takes, and those listed below.
func TestEveryParameterMatchesRedis(t *testing.T) {
	rr := startRedis(t)
	real := redisAll(t, rr)
	skip := map[string]bool{
		"port": true, "bind": true, "dir": true, // the test server's own
		"requirepass": true, // would lock the test's connection out
		// Redis reconfigures TLS when these turn it on, and fails without
		// certificates; Vesta's server does the same through its OnApply
		// hooks, which a bare Config lacks (test/compat TestTLS checks it).
		"tls-port": true, "tls-replication": true, "tls-cluster": true,
	}
	// Documented in docs/COMPATIBILITY.md.
	differs := map[string]string{
		"activedefrag yes": "accepted without effect; Debian's Redis refuses it (no defrag-capable jemalloc)",
		"loglevel":         "Vesta also accepts \"nothing\", so its error lists five words",
	}
	probes := []string{"zz!", "", "0", "1", "-1", "yes", "NO", "100", "1kb", "10%", "700",
		"9223372036854775807", "-9223372036854775808", "18446744073709551615", "a b", "1 2 3", "KEA"}
	names := make([]string, 0, len(real))
	for n := range real {
		names = append(names, n)
	}
	sort.Strings(names)
	c := Default()
	for _, name := range names {
		if skip[name] {
			continue
		}
		for _, v := range probes {
			reply := rr.do(t, "CONFIG", "SET", name, v)
			err := c.Set([][2]string{{name, v}}, true)
			redisErr, _ := reply.(error)
			switch {
			case redisErr == nil && err == nil:
				r := rr.do(t, "CONFIG", "GET", name).([]any)
				if got := c.Get(name)[0][1]; got != r[1].(string) {
					t.Errorf("CONFIG SET %s %q: Vesta shows %q, Redis %q", name, v, got, r[1])
				}
			case isUnbuiltRefusal(name, err) && (redisErr == nil || strings.Contains(redisErr.Error(), "Check server logs")):
				// Vesta lacks the feature; put Redis back in step.
				rr.do(t, "CONFIG", "SET", name, c.Get(name)[0][1])
			case redisErr != nil && err != nil:
				if redisErr.Error() != err.Error() && differs[name] == "" {
					t.Errorf("CONFIG SET %s %q:\n got %v\nwant %v", name, v, err, redisErr)
				}
			case differs[name+" "+v] != "":
				if redisErr == nil {
					rr.do(t, "CONFIG", "SET", name, c.Get(name)[0][1])
				} else if err == nil {
					_ = c.Set([][2]string{{name, real[name]}}, true)
				}
			default:
				t.Errorf("CONFIG SET %s %q: Vesta %v, Redis %v", name, v, err, reply)
			}
		}
	}
}

// confLine writes one parameter as a configuration line that both servers
// read back as the same value.
func confLine(name, value string) string {
	d, ok := lookup(name)
	switch {
	case ok && d.Name == "replicaof" && value == "":
		return name + " no one"
	case ok && d.Flags&MultiArg != 0 && value != "":
		return name + " " + value
	}
	return name + " " + Quote(value)
}

// TestAllParametersFile writes a configuration holding every parameter of
// CONFIG GET * at Redis's defaults, checks that Redis starts with it, that
// Vesta loads it, and that every value reads back the same in both.
func TestAllParametersFile(t *testing.T) {
	rr := startRedis(t)
	real := redisAll(t, rr)
	var b strings.Builder
	for name, v := range real {
		b.WriteString(confLine(name, v) + "\n")
	}
	path := filepath.Join(t.TempDir(), "all.conf")
	writeFile(t, path, b.String())
	compareLoaded(t, path, map[string]bool{"port": true, "dir": true})
}

// TestDebianRedisConf loads Debian's stock /etc/redis/redis.conf, with only
// the paths changed and daemonize off, into Vesta and into Redis, and
// compares every parameter.
func TestDebianRedisConf(t *testing.T) {
	data, err := os.ReadFile("/etc/redis/redis.conf")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Debian's redis.conf is missing under CI: %v", err)
		}
		t.Skip("no /etc/redis/redis.conf")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "redis.conf")
	writeFile(t, path, DebianConfForTest(string(data), dir))
	c, err := Load(path)
	if err != nil {
		t.Fatal(FatalReport(err, "test"))
	}
	if len(c.Ineffective()) == 0 {
		t.Error("Debian's redis.conf sets jemalloc-bg-thread and others, yet nothing is listed as ineffective")
	}
	compareLoaded(t, path, map[string]bool{"port": true, "dir": true, "bind": true})
}

// DebianConfForTest rewrites Debian's redis.conf for a test: port 0, the
// data, pid and log files under dir, daemonize no.
func DebianConfForTest(text, dir string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 {
			switch f[0] {
			case "port":
				line = "port 0"
			case "daemonize":
				line = "daemonize no"
			case "pidfile":
				line = "pidfile " + Quote(filepath.Join(dir, "redis.pid"))
			case "logfile":
				line = "logfile " + Quote(filepath.Join(dir, "redis.log"))
			case "dir":
				line = "dir " + Quote(dir)
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// compareLoaded starts Redis with the file, loads it into a Config, and
// compares CONFIG GET * (plus the hidden directives), except the names in
// skip that the test server overrides.
func compareLoaded(t *testing.T, path string, skip map[string]bool) {
	t.Helper()
	rr := startRedisFile(t, path)
	real := redisAll(t, rr)
	c, err := Load(path)
	if err != nil {
		t.Fatal(FatalReport(err, "test"))
	}
	mine := make(map[string]string)
	for _, kv := range c.Get("*") {
		mine[kv[0]] = kv[1]
	}
	if len(mine) != len(real) {
		t.Errorf("Vesta lists %d parameters, Redis %d", len(mine), len(real))
	}
	for name, want := range real {
		if skip[name] {
			continue
		}
		if got, ok := mine[name]; !ok || got != want {
			t.Errorf("%s: Vesta %q (known %v), Redis %q", name, got, ok, want)
		}
	}
}

// TestBadLinesAllReported checks that bad lines of the file-only
// parameters are all reported (TestFileErrorsMatchRedis compares each
// with Redis).
func TestBadLinesAllReported(t *testing.T) {
	_, err := Parse("io-threads 0\nsupervised x\nunixsocketperm 8\n", "x.conf")
	var pes ParseErrors
	if !errors.As(err, &pes) || len(pes) != 3 {
		t.Fatalf("got %v", err)
	}
}
