package testutil

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// InCI reports whether the tests run in CI (CI=true), where the reference
// tools are installed and their absence is a failure, not a reason to skip.
func InCI() bool { return os.Getenv("CI") == "true" }

// RequireTool returns the path of an external program such as redis-server,
// redis-cli or redis-benchmark. When it is missing the test is skipped, or,
// with CI=true, fails.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if InCI() {
		t.Fatalf("testutil: %s is not installed, and CI=true requires it (apt-get install redis-server redis-tools redis-sentinel)", name)
	}
	t.Skipf("testutil: %s is not installed", name)
	return ""
}

// RedisCLI runs the real redis-cli against 127.0.0.1:port with args and
// returns its standard output. A non-zero exit is reported as an error that
// includes standard error.
func RedisCLI(t testing.TB, port int, args ...string) (string, error) {
	t.Helper()
	return RedisCLIInput(t, port, nil, args...)
}

// RedisCLIInput is RedisCLI with the given standard input, for piped
// commands and --pipe mass insertion.
func RedisCLIInput(t testing.TB, port int, stdin []byte, args ...string) (string, error) {
	t.Helper()
	cli := RequireTool(t, "redis-cli")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	full := append([]string{"-h", "127.0.0.1", "-p", strconv.Itoa(port)}, args...)
	cmd := exec.CommandContext(ctx, cli, full...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("redis-cli %q: %w; stderr: %s", full, err, errb.String())
	}
	return out.String(), nil
}

// GoRedis returns a go-redis client for addr (RESP2) that is closed when
// the test ends.
func GoRedis(t testing.TB, addr string) *redis.Client {
	t.Helper()
	return GoRedisOptions(t, &redis.Options{Addr: addr, Protocol: 2})
}

// GoRedisOptions returns a go-redis client built from opts, closed when the
// test ends. Timeouts default to DefaultTimeout, and retries are disabled so
// that a failure shows at once.
func GoRedisOptions(t testing.TB, opts *redis.Options) *redis.Client {
	t.Helper()
	if opts.DialTimeout == 0 {
		opts.DialTimeout = DefaultTimeout
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = DefaultTimeout
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = DefaultTimeout
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = -1
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return c
}

// RSS returns the resident set size of a process in bytes, from
// /proc/<pid>/status.
func RSS(pid int) (int64, error) { return procStatusBytes(pid, "VmRSS") }

// PeakRSS returns the highest resident set size the process has had
// (VmHWM), in bytes.
func PeakRSS(pid int) (int64, error) { return procStatusBytes(pid, "VmHWM") }

// procStatusBytes reads a "<field>: <n> kB" line of /proc/<pid>/status.
func procStatusBytes(pid int, field string) (int64, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		rest, ok := bytes.CutPrefix(line, []byte(field+":"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, fmt.Errorf("testutil: unexpected %s line %q", field, line)
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0, err
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("testutil: no %s for pid %d", field, pid)
}
