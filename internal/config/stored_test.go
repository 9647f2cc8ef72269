package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// TestRedisOnlyDirectives checks the parameters Vesta accepts without
// implementing: ignored ones take any valid value, unbuilt ones only their
// default (or an "off" value), with a message naming the feature.
func TestRedisOnlyDirectives(t *testing.T) {
	tests := []struct {
		line string
		want string // "" for accepted; otherwise the reason
		get  string // the CONFIG GET value after an accepted line
	}{
		{"jemalloc-bg-thread no", "", "no"},
		{"activedefrag yes", "", "yes"},
		{"io-threads 4", "", "4"},
		{"io-threads 129", "argument must be between 1 and 128 inclusive", ""},
		{"oom-score-adj relative", "", "yes"},
		{"oom-score-adj absolute", "", "absolute"},
		{"oom-score-adj maybe", "argument(s) must be one of the following: no, yes, relative, absolute", ""},
		{"oom-score-adj-values 0 100 2000", "", "0 100 2000"},
		{"oom-score-adj-values 0 100", "wrong number of arguments", ""},
		{"oom-score-adj-values 0 100 2001", "Invalid oom-score-adj-values, elements must be between -2000 and 2000.", ""},
		{"proc-title-template \"{title} {{x}}\"", "", "{title} {{x}}"},
		{"proc-title-template \"{title} {bogus}\"", "template format is invalid or contains unknown variables", ""},
		{"proc-title-template \" \"", "template format is invalid or contains unknown variables", ""},
		{"server_cpulist 0-3", "", "0-3"},
		{"stream-node-max-bytes 4096", "", "4096"},
		{"stream-node-max-bytes 1kb", "", "1024"},
		{"hll-sparse-max-bytes 1kb", "", "1024"},

		{"replica-read-only yes", "", "yes"},
		{"slave-read-only no", "", "no"},
		{"replica-read-only maybe", "argument must be 'yes' or 'no'", ""},
		{"replicaof no one", "", ""},
		{"replicaof 127.0.0.1 6380", "", "127.0.0.1 6380"},
		{"replicaof 127.0.0.1 x", "Invalid master port", ""},
		{"replicaof 127.0.0.1", "wrong number of arguments", ""},
		{"repl-backlog-size 1mb", "", "1048576"},
		{"repl-backlog-size 64mb", "", "67108864"},
		{"repl-backlog-size 100", "", "16384"},
		{"masterauth x", "", "x"},
		{"replica-lazy-flush yes", "replication is not available in Vesta yet: replica-lazy-flush accepts only its default, no", ""},
		{"maxmemory 0", "", "0"},
		{"maxmemory 0gb", "", "0"},
		{"maxmemory 100mb", "", "104857600"},
		{"maxmemory 18446744073709551615", "", "18446744073709551615"},
		{"maxmemory 18446744073709551616", "", "18446744073709551615"},
		{"maxmemory -1", "argument must be a memory value", ""},
		{"maxmemory-policy allkeys-lru", "", "allkeys-lru"},
		{"maxmemory-policy lru", "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction", ""},
		{"maxmemory-samples 0", "argument must be between 1 and 2147483647 inclusive", ""},
		{"maxmemory-eviction-tenacity 101", "argument must be between 0 and 100 inclusive", ""},
		{"lfu-log-factor -1", "argument must be between 0 and 2147483647 inclusive", ""},
		{"lfu-decay-time 0", "", "0"},
		{"maxmemory-clients 1mb", "", "1048576"},
		{"maxmemory-clients 10%", "", "10%"},
		{"maxmemory-clients 100%", "", "100%"},
		{"maxmemory-clients 9223372036854775807", "", "9223372036854775807"},
		{"maxmemory-clients 9223372036854775808", "percentage argument must be less or equal to 100", ""},
		{"maxmemory-clients 18446744073709551615", "", "1%"},
		{"maxmemory-clients -1", "argument must be a memory or percent value", ""},
		{"maxmemory-clients 1.5mb", "argument must be a memory or percent value", ""},
		{"maxmemory-policy NOEVICTION", "", "noeviction"},
		{"maxmemory-clients 0%", "", "0"},
		{"maxmemory-clients 101%", "percentage argument must be less or equal to 100", ""},
		{"maxmemory-clients x", "argument must be a memory or percent value", ""},
		{"latency-tracking no", "", "no"},
		{"latency-tracking-info-percentiles 50 99 99.9", "", "50 99 99.9"},
		{"latency-tracking-info-percentiles 50.0 99 99.90", "", "50 99 99.9"},
		{"latency-tracking-info-percentiles 101", "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]", ""},
		{"latency-tracking-info-percentiles x", "Invalid latency-tracking-info-percentiles parameters", ""},
		{"tls-port 0", "", "0"},
		{"tls-port 6380", "", "6380"},
		{"tls-port 65536", "argument must be between 0 and 65535 inclusive", ""},
		{"tls-auth-clients OPTIONAL", "", "optional"},
		{"tls-auth-clients maybe", "argument(s) must be one of the following: no, yes, optional", ""},
		{"tls-session-cache-timeout -1", "argument must be between 0 and 2147483647 inclusive", ""},
		{"cluster-enabled no", "", "no"},
		{"cluster-announce-hostname a_b", "Hostnames may only contain alphanumeric characters, hyphens or dots", ""},
		{"lua-time-limit 5000", "", "5000"},
		{"socket-mark-id 4294967296", "argument must be between 0 and 4294967295 inclusive", ""},
		{"unixsocketperm 700", "", "700"},
		{"unixsocketperm 0700", "", "700"},
		{"unixsocketperm 800", "argument couldn't be parsed as an octal number", ""},
		{"unixsocketperm 1000", "argument must be between 0 and 777 inclusive", ""},
		{"unixsocketperm -1", "argument must be between 0 and 777 inclusive", ""},
		{"supervised systemd", "", "systemd"},
		{"supervised x", "argument(s) must be one of the following: upstart, systemd, auto, no", ""},
		{"watchdog-period 100", "", "100"},
		{"activerehashing no", "", "no"},
		{"loadmodule /x.so", "modules are not available in Vesta: it cannot load Redis modules", ""},
		{"rename-command FLUSHALL \"\"", "rename-command is not available in Vesta yet", ""},
	}
	for _, tc := range tests {
		c, err := Parse(tc.line, "t.conf")
		if tc.want != "" {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Err.Error() != tc.want {
				t.Errorf("%s: got %v, want %q", tc.line, err, tc.want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.line, err)
			continue
		}
		name, _, _ := strings.Cut(tc.line, " ")
		if got := c.Get(name); len(got) != 1 || got[0][1] != tc.get {
			t.Errorf("%s: CONFIG GET gives %q, want %q", tc.line, got, tc.get)
		}
	}
}

// TestUnbuiltConfigSet checks that CONFIG SET refuses a non-default value
// of a missing feature with Redis's CONFIG SET wrapper, and leaves the
// value alone.
func TestUnbuiltConfigSet(t *testing.T) {
	c := Default()
	err := c.Set([][2]string{{"hz", "20"}, {"replica-lazy-flush", "yes"}}, true)
	want := "ERR CONFIG SET failed (possibly related to argument 'replica-lazy-flush') - replication is not available in Vesta yet: replica-lazy-flush accepts only its default, no"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	if c.HZ != 10 {
		t.Errorf("hz changed to %d despite the failed SET", c.HZ)
	}
	if err := c.Set([][2]string{{"jemalloc-bg-thread", "no"}, {"replica-lazy-flush", "no"}}, true); err != nil {
		t.Fatal(err)
	}
	if got := c.Get("jemalloc-bg-thread")[0][1]; got != "no" {
		t.Errorf("jemalloc-bg-thread: got %q", got)
	}
}

// TestIneffective checks the list the server logs at startup: the ignored
// directives the text set, once each, in order.
func TestIneffective(t *testing.T) {
	c, err := Parse("disable-thp yes\nport 7000\njemalloc-bg-thread no\ndisable-thp yes\nreplica-read-only yes\n", "")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Ineffective()
	if len(got) != 2 || got[0].Name != "disable-thp" || got[1].Name != "jemalloc-bg-thread" {
		t.Fatalf("got %+v", got)
	}
	if got[1].Value != "no" || got[1].Default != "yes" || !strings.Contains(got[1].Why, "jemalloc") {
		t.Errorf("got %+v", got[1])
	}
	if len(Default().Ineffective()) != 0 {
		t.Error("the defaults list ineffective directives")
	}
}

// TestAllBadLinesReported checks that loading goes on after a bad line and
// reports every one, with file and line, in one error.
func TestAllBadLinesReported(t *testing.T) {
	text := "port abc\nhz 20\nbogus 1\ncluster-enabled yes\nappendonly maybe\n"
	_, err := Parse(text, "/etc/vesta.conf")
	var pes ParseErrors
	if !errors.As(err, &pes) || len(pes) != 4 {
		t.Fatalf("got %v, want 4 ParseErrors", err)
	}
	var lines []int
	for _, pe := range pes {
		lines = append(lines, pe.Line)
	}
	if got := lines; got[0] != 1 || got[1] != 3 || got[2] != 4 || got[3] != 5 {
		t.Errorf("lines %v, want [1 3 4 5]", got)
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 1 {
		t.Errorf("errors.As finds %v, want the first bad line", pe)
	}
	if !errors.Is(err, ErrBadDirective) {
		t.Error("errors.Is does not see the bad directive")
	}
	report := FatalReport(err, "1.0")
	for _, want := range []string{
		"*** FATAL CONFIG FILE ERROR (Vesta 1.0) ***\nReading the configuration file /etc/vesta.conf, at line 1\n>>> 'port abc'\nargument couldn't be parsed into an integer\n",
		"at line 3\n>>> 'bogus 1'\nBad directive or wrong number of arguments\n",
		"4 errors in the configuration, at /etc/vesta.conf:1, /etc/vesta.conf:3, /etc/vesta.conf:4, /etc/vesta.conf:5\n",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if strings.Count(report, "FATAL") != 1 {
		t.Errorf("report repeats the header:\n%s", report)
	}
	// Across files: the included file's lines are named by that file.
	dir := t.TempDir()
	inc := dir + "/inc.conf"
	writeFile(t, inc, "timeout x\n")
	_, err = Parse("include "+inc+"\nport 99999\n", "main.conf")
	if !errors.As(err, &pes) || len(pes) != 2 || pes[0].Source != inc || pes[1].Source != "main.conf" || pes[1].Line != 2 {
		t.Fatalf("got %#v", err)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRewriteRoundTripRedisParameters changes the new implemented and the
// ignored parameters, rewrites a file that sets every unbuilt parameter at
// its default, and checks that loading it again gives the same values, the
// hidden ones included.
func TestRewriteRoundTripRedisParameters(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/vesta.conf"
	var text strings.Builder
	for i := range directives {
		if d := &directives[i]; d.Status == Unbuilt {
			v := d.get(Default())
			switch {
			case d.Name == "replicaof":
				text.WriteString("slaveof no one\n")
			case d.Flags&MultiArg != 0 && v != "":
				text.WriteString(d.Name + " " + v + "\n")
			default:
				text.WriteString(d.Name + " " + Quote(v) + "\n")
			}
		}
	}
	writeFile(t, path, text.String())
	c, err := Load(path)
	if err != nil {
		t.Fatal(FatalReport(err, "test"))
	}
	changes := [][2]string{
		{"activerehashing", "no"}, {"watchdog-period", "250"}, {"jemalloc-bg-thread", "no"}, {"activedefrag", "yes"},
		{"active-defrag-ignore-bytes", "200mb"}, {"oom-score-adj", "relative"}, {"oom-score-adj-values", "-10 0 1000"},
		{"proc-title-template", "{title} {port}"}, {"ignore-warnings", "ARM64-COW-BUG"}, {"crash-log-enabled", "no"},
		{"key-load-delay", "-3"}, {"loading-process-events-interval-bytes", "4096"},
	}
	if err := c.Set(changes, false); err != nil {
		t.Fatal(err)
	}
	c.UnixSocket, c.UnixSocketPerm, c.Supervised, c.Daemonize = "/run/v.sock", 0o770, SupervisedSystemd, true
	if err := c.Set([][2]string{{"io-threads", "4"}}, false); err == nil {
		t.Fatal("io-threads is immutable in Redis")
	}
	c.stored["io-threads"], c.stored["bio_cpulist"] = "4", "0-1"
	if err := c.Rewrite(path); err != nil {
		t.Fatal(err)
	}
	again, err := Load(path)
	if err != nil {
		data, _ := os.ReadFile(path)
		t.Fatalf("reloading:\n%s\n%v", data, err)
	}
	for i := range directives {
		d := &directives[i]
		if got, want := d.get(again), d.get(c); got != want {
			t.Errorf("%s: reloaded %q, want %q", d.Name, got, want)
		}
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "replicaof") && strings.Contains(string(data), "slaveof") {
		t.Errorf("the slaveof line is left behind:\n%s", data)
	}
}
