package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDefaultsMatchRedis checks Default() against CONFIG GET * of a real
// Redis 7.0.15 started without a configuration file, for every directive
// and alias both know. Under CI=true a missing redis-server fails the test.
func TestDefaultsMatchRedis(t *testing.T) {
	rr := startRedis(t)
	all, ok := rr.do(t, "CONFIG", "GET", "*").([]any)
	if !ok || len(all) == 0 {
		t.Fatal("CONFIG GET * returned nothing")
	}
	real := make(map[string]string)
	for i := 0; i+1 < len(all); i += 2 {
		real[all[i].(string)] = all[i+1].(string)
	}
	if len(real) != 192 {
		t.Errorf("Redis listed %d parameters, expected 7.0.15's 192", len(real))
	}
	// Hidden directives are not in CONFIG GET *; ask for them by name.
	for i := range directives {
		if d := &directives[i]; d.Flags&Hidden != 0 {
			if r, ok := rr.do(t, "CONFIG", "GET", d.Name).([]any); ok && len(r) == 2 {
				real[d.Name] = r[1].(string)
			}
		}
	}
	// Every name Redis lists is known here.
	for name := range real {
		if _, ok := lookup(name); !ok {
			t.Errorf("%s: Redis has it, Vesta does not", name)
		}
	}
	// What the test server had to change, and what Vesta changes on
	// purpose; each is checked on its own below.
	skip := map[string]string{
		"port": "the test server listens on a free port",
		"bind": "Vesta defaults to loopback",
		"dir":  "the test server runs in a temporary directory",
	}
	c := Default()
	compared := 0
	for i := range directives {
		d := &directives[i]
		for _, name := range []string{d.Name, d.Alias} {
			if name == "" || skip[name] != "" || d.Flags&VestaOnly != 0 {
				continue
			}
			want, ok := real[name]
			if !ok {
				t.Errorf("%s: Redis does not know it", name)
				continue
			}
			if got := c.Get(name)[0][1]; got != want {
				t.Errorf("%s: got %q, want Redis's %q", name, got, want)
			}
			compared++
		}
	}
	if c.Port != 6379 {
		t.Errorf("port: got %d, want 6379", c.Port)
	}
	if got := strings.Join(c.Bind, " "); got != "127.0.0.1 -::1" {
		t.Errorf("bind: got %q, want the loopback default", got)
	}
	if wd, _ := os.Getwd(); c.Dir != wd {
		t.Errorf("dir: got %q, want the working directory %q", c.Dir, wd)
	}
	t.Logf("compared %d names with Redis", compared)
}

// TestFileErrorsMatchRedis loads bad configuration files into real
// redis-server and into Parse, and compares line, text and reason.
func TestFileErrorsMatchRedis(t *testing.T) {
	bin := redisServer(t)
	lines := []string{
		"port abc", "port 70000", "port", "port 1 2", "bogus 1", "include",
		"protected-mode maybe", "appendfsync sometimes", "enable-debug-command maybe",
		"sanitize-dump-payload x", "shutdown-on-sigterm bogus", "shutdown-on-sigint",
		"shutdown-on-sigterm save nosave", "save 1", "save 0 1", "save abc 1", "save 1 -1",
		"dbfilename a/b", `dbfilename a\b`, "appendfilename a/b", `appendfilename ""`,
		"appenddirname a/b", `appenddirname ""`, "auto-aof-rewrite-min-size 10x",
		"proto-max-bulk-len 10", "proto-max-bulk-len 1.5gb", "client-query-buffer-limit 99999999999999999999",
		"client-output-buffer-limit normal 1 2", "client-output-buffer-limit master 1 2 3",
		"client-output-buffer-limit normal 1x 2 3", "client-output-buffer-limit normal 1 2 -1",
		"client-output-buffer-limit normal 1 2 4294967295", "active-expire-effort 11", "hz -1",
		"maxclients 0", "maxclients 4294967296", "set-max-intset-entries -1",
		"list-max-listpack-size 2147483648", "databases 0", "dir /nonexistent/dir", "dir /etc/passwd",
		"dir", "bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", `port "7790`, `port "7790"x`,
		"port '7790'x", "port 1 # comment", "timeout -0", "timeout +1", "timeout 01",
		"hash-max-ziplist-entries x", "zset-max-ziplist-value -1", "list-max-ziplist-entries 5 6",
		"requirepass", "requirepass a b", "tcp-backlog -1", "rdbchecksum 1", "lazyfree-lazy-expire on",
		"rdb-key-save-delay x", "appendonly ja",
		// Parameters only the file and command line can set.
		"io-threads 0", "io-threads 129", "io-threads-do-reads x", "unixsocketperm 1000", "unixsocketperm x",
		"unixsocketperm -1", "unixsocketperm 8", "supervised x", "socket-mark-id -1", "socket-mark-id 4294967296",
		"cluster-port 65536", "cluster-enabled x", "syslog-facility x", "syslog-enabled x", "replicaof a",
		"replicaof a b", "replicaof a 70000", "replicaof a -1", "replicaof a b c", "always-show-logo x",
		"set-proc-title x", "disable-thp x", "aclfile", "enable-module-command x", "tcp-backlog x",
		"daemonize x", "oom-score-adj-values 1 2", "oom-score-adj-values 1 2 3000",
		"latency-tracking-info-percentiles x", "notify-keyspace-events Z", "maxmemory-clients 200%",
		"proc-title-template \"{x}\"", "cluster-announce-hostname a/b",
	}
	dir := t.TempDir()
	for i, line := range lines {
		t.Run(line, func(t *testing.T) {
			t.Parallel()
			// port 0 first: should a line be valid after all, the server
			// listens on nothing and is killed by the timeout.
			text := "port 0\n" + line + "\n"
			path := filepath.Join(dir, fmt.Sprintf("bad%02d.conf", i))
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, path)
			cmd.Dir = dir
			out, _ := cmd.CombinedOutput()
			i := strings.Index(string(out), "Reading the configuration file, at line ")
			if i < 0 {
				t.Fatalf("Redis accepted the file or failed otherwise: %q", out)
			}
			want := strings.TrimSpace(string(out[i:]))

			_, err := Load(path)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			report := pe.Report("x")
			report = strings.Replace(report, "configuration file "+path+",", "configuration file,", 1)
			got := strings.TrimSpace(report[strings.Index(report, "Reading"):])
			if got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestConfigSetMatchesRedis sends the same CONFIG SET commands to a real
// Redis and to a Config, and compares the replies and the values after.
func TestConfigSetMatchesRedis(t *testing.T) {
	rr := startRedis(t)
	c := Default()
	cmds := [][]string{
		{"foo", "1"}, {"port", "abc"}, {"PORT", "abc"}, {"port", "1", "PORT", "2"},
		{"hash-max-ziplist-entries", "abc"}, {"hash-max-listpack-entries", "1", "hash-max-ziplist-entries", "2"},
		{"daemonize", "yes"}, {"dir", "/tmp"}, {"dbfilename", "x.rdb"}, {"enable-protected-configs", "yes"},
		{"enable-debug-command", "yes"}, {"rdbchecksum", "no"}, {"appendfilename", "x"}, {"appenddirname", "x"},
		{"pidfile", "/tmp/x.pid"}, {"logfile", "x"}, {"databases", "4"}, {"tcp-backlog", "1"},
		{"loglevel", "notice", "foo", "1"}, {"daemonize", "yes", "foo", "1"}, {"foo", "1", "daemonize", "yes"},
		{"hz", "5", "port", "abc"}, {"hz", "0"}, {"hz", "1000"}, {"hz", "10"},
		{"save", "100 1 200 2"}, {"save", ""}, {"save", "100"}, {"save", "100 x"}, {"save", "100  1"},
		{"save", " "}, {"save", "+5 6"}, {"save", "3600 1 300 100 60 10000"},
		{"client-output-buffer-limit", "replica 1mb 2k 3"}, {"client-output-buffer-limit", "slave 1mb 2k 3 pubsub 1 2"},
		{"client-output-buffer-limit", ""}, {"client-output-buffer-limit", "normal 1 2 -1"},
		{"client-output-buffer-limit", "normal 1 2 3x"}, {"client-output-buffer-limit", "normal 1 2 +3"},
		{"client-output-buffer-limit", "normal 1 2 ''"}, {"client-output-buffer-limit", "normal 1 2 3 normal 4 5 6"},
		{"client-output-buffer-limit", "NORMAL 0 0 0"}, {"client-output-buffer-limit", "replica 0 0 0 master 1 1 1"},
		{"shutdown-on-sigterm", "save now"}, {"shutdown-on-sigterm", "force nosave now"},
		{"shutdown-on-sigterm", "default save"}, {"shutdown-on-sigterm", ""}, {"shutdown-on-sigterm", "save nosave"},
		{"shutdown-on-sigint", "NOW"}, {"shutdown-on-sigint", "now  force"},
		{"loglevel", "WARNING"}, {"appendfsync", "bogus"}, {"appendfsync", "always"},
		{"proto-max-bulk-len", "1gb"}, {"proto-max-bulk-len", "1G"}, {"proto-max-bulk-len", "-5"},
		{"proto-max-bulk-len", ""}, {"proto-max-bulk-len", "5b"}, {"proto-max-bulk-len", "99999999999999999999"},
		{"client-query-buffer-limit", "18446744073709551615"}, {"client-query-buffer-limit", "17179869184gb"},
		{"hash-max-listpack-value", ""}, {"hash-max-listpack-value", "17179869184gb"}, {"zset-max-ziplist-value", "1k"},
		{"protected-mode", "YES"}, {"protected-mode", "1"}, {"timeout", "-0"}, {"timeout", "0x10"},
		{"timeout", "+1"}, {"timeout", "07"}, {"timeout", " 7"}, {"timeout", "7"},
		{"list-max-listpack-size", "-5"}, {"list-max-ziplist-size", "2147483648"},
		{"auto-aof-rewrite-min-size", "1kb"}, {"auto-aof-rewrite-percentage", "-1"},
		{"maxclients", "0"}, {"maxclients", "4294967296"}, {"maxclients", "-1"}, {"maxclients", "500"},
		{"set-max-intset-entries", "-1"}, {"sanitize-dump-payload", "clients"}, {"sanitize-dump-payload", "maybe"},
		{"rdb-key-save-delay", "-7"}, {"active-expire-effort", "0"}, {"list-compress-depth", "3"},
		{"lazyfree-lazy-user-flush", "yes"}, {"aof-disable-auto-gc", "yes"}, {"aof-timestamp-enabled", "yes"},
		{"rdbcompression", "no", "stop-writes-on-bgsave-error", "no", "rdb-del-sync-files", "yes"},
		{"tcp-keepalive", "0"}, {"dynamic-hz", "no"}, {"no-appendfsync-on-rewrite", "yes"},
		{"aof-load-truncated", "no", "aof-use-rdb-preamble", "no", "aof-rewrite-incremental-fsync", "no"},
		{"rdb-save-incremental-fsync", "no"},
	}
	for _, args := range cmds {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var pairs [][2]string
			for i := 0; i+1 < len(args); i += 2 {
				pairs = append(pairs, [2]string{args[i], args[i+1]})
			}
			reply := rr.do(t, append([]string{"CONFIG", "SET"}, args...)...)
			err := c.Set(pairs, true)
			switch want := reply.(type) {
			case string:
				if err != nil {
					t.Fatalf("got %v, want OK", err)
				}
			case error:
				if err == nil || err.Error() != want.Error() {
					t.Fatalf("got %v, want %q", err, want.Error())
				}
			}
			for _, p := range pairs {
				d, ok := lookup(p[0])
				if !ok || d.Name == "port" || d.Name == "dir" || d.Name == "bind" {
					continue // unknown, or different on purpose in the test server
				}
				r := rr.do(t, "CONFIG", "GET", p[0]).([]any)
				if len(r) != 2 {
					continue
				}
				if got := c.Get(p[0])[0][1]; got != r[1].(string) {
					t.Errorf("after: %s is %q, Redis has %q", p[0], got, r[1])
				}
			}
		})
	}
}
