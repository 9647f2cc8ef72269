package config

import (
	"math"
	"strconv"
	"strings"
)

// redisOnlyDirectives are the Redis 7.0.15 parameters that Vesta accepts
// without acting on them: the Ignored ones cannot mean anything here, the
// Unbuilt ones wait for their feature. Types, bounds, flags, defaults and
// error texts are Redis's; TestEveryRedisParameter compares them with a
// real redis-server.
var redisOnlyDirectives = group(
	// Meaningless in Vesta.
	ignored("Vesta is written in Go and has no jemalloc: its memory is managed by the Go runtime",
		xBool("jemalloc-bg-thread", "", 0, true),
		xBool("activedefrag", "", 0, false),
		xInt("active-defrag-cycle-min", "", 0, 1, 99, 1),
		xInt("active-defrag-cycle-max", "", 0, 1, 99, 25),
		xMemory("active-defrag-ignore-bytes", "", 0, 1, longMax, "104857600"),
		xInt("active-defrag-max-scan-fields", "", 0, 1, longMax, 1000),
		xInt("active-defrag-threshold-lower", "", 0, 0, 1000, 10),
		xInt("active-defrag-threshold-upper", "", 0, 0, 1000, 100),
		xBool("crash-memcheck-enabled", "", 0, true),
	),
	ignored("Vesta never forks, so there is no child whose copy-on-write transparent huge pages could slow down",
		xBool("disable-thp", "", Immutable, true),
	),
	ignored("Vesta never forks, so there are no snapshot or rewrite children whose OOM score could be set apart from the server's",
		oomScoreAdjDirective(),
		oomScoreAdjValuesDirective(),
	),
	ignored("Vesta's goroutines are scheduled by the Go runtime over all CPUs; there are no fixed threads or children to pin",
		xString("server_cpulist", "", Immutable, "", true, nil),
		xString("bio_cpulist", "", Immutable, "", true, nil),
		xString("aof_rewrite_cpulist", "", Immutable, "", true, nil),
		xString("bgsave_cpulist", "", Immutable, "", true, nil),
	),
	ignored("clients are served by one event loop as in Redis without I/O threads; Go runs the AOF, snapshots and replication beside it on other cores",
		xInt("io-threads", "", Immutable, 1, 128, 1),
		xBool("io-threads-do-reads", "", Immutable, false),
	),
	ignored("Vesta does not rewrite its process title",
		xBool("set-proc-title", "", Immutable, true),
		xString("proc-title-template", "", 0, "{title} {listen-addr} {server-mode}", false, validProcTitle),
	),
	ignored("Vesta prints none of the kernel warnings that Redis lets you silence",
		xString("ignore-warnings", "", 0, "", false, nil),
	),
	ignored("a Go panic always prints the goroutine stacks; Vesta has no signal handler to switch off",
		xBool("crash-log-enabled", "", 0, true),
	),
	ignored("Redis's test hooks for slow loading and exit-on-panic; Vesta's tests use their own",
		xInt("key-load-delay", "", Hidden, intMin, intMax, 0),
		xBool("use-exit-on-panic", "", Hidden, false),
	),
	ignored("Vesta's loaders let clients in at a fixed interval of loaded bytes (2 MiB, Redis's default)",
		xInt("loading-process-events-interval-bytes", "", Hidden, 1024, intMax, 2*mb),
	),

	// The replica side of replication (repl/link.go, server/replica.go),
	// kept in Config.stored and read with StoredValue.
	[]Directive{
		replicaofDirective(),
		xString("masterauth", "", 0, "", true, nil),
		xString("masteruser", "", 0, "", true, nil),
		xBool("replica-serve-stale-data", "slave-serve-stale-data", 0, true),
		xBool("replica-read-only", "slave-read-only", 0, true),
		xBool("replica-announced", "", 0, true),
		xInt("replica-priority", "slave-priority", 0, 0, intMax, 100),
		xString("replica-announce-ip", "slave-announce-ip", 0, "", true, nil),
		xInt("replica-announce-port", "slave-announce-port", 0, 0, 65535, 0),
		xEnum("repl-diskless-load", 0, []string{"disabled", "on-empty-db", "swapdb"}, "disabled"),
		xBool("repl-disable-tcp-nodelay", "", 0, false),
		xString("bind-source-addr", "", 0, "", true, nil),
	},

	// Features not built yet.
	unbuilt("replication", nil,
		xBool("replica-lazy-flush", "slave-lazy-flush", 0, false),
		xBool("replica-ignore-maxmemory", "slave-ignore-maxmemory", 0, true),
		xBool("replica-ignore-disk-write-errors", "", 0, false),
		xEnum("propagation-error-behavior", 0, []string{"ignore", "panic", "panic-on-replicas"}, "ignore"),
		xInt("shutdown-timeout", "", 0, 0, intMax, 10),
	),
	unbuilt("cluster mode", nil,
		xBool("cluster-enabled", "", Immutable, false),
		xString("cluster-config-file", "", Immutable, "nodes.conf", false, nil),
		xInt("cluster-node-timeout", "", 0, 0, longMax, 15000),
		xInt("cluster-port", "", Immutable, 0, 65535, 0),
		xInt("cluster-replica-validity-factor", "cluster-slave-validity-factor", 0, 0, intMax, 10),
		xInt("cluster-migration-barrier", "", 0, 0, intMax, 1),
		xBool("cluster-allow-replica-migration", "", 0, true),
		xBool("cluster-require-full-coverage", "", 0, true),
		xBool("cluster-replica-no-failover", "cluster-slave-no-failover", 0, false),
		xBool("cluster-allow-reads-when-down", "", 0, false),
		xBool("cluster-allow-pubsubshard-when-down", "", 0, true),
		xMemory("cluster-link-sendbuf-limit", "", 0, 0, math.MaxUint64, "0"),
		xString("cluster-announce-hostname", "", 0, "", true, validHostname),
		xString("cluster-announce-ip", "", 0, "", true, nil),
		xInt("cluster-announce-port", "", 0, 0, 65535, 0),
		xInt("cluster-announce-bus-port", "", 0, 0, 65535, 0),
		xInt("cluster-announce-tls-port", "", 0, 0, 65535, 0),
		xEnum("cluster-preferred-endpoint-type", 0, []string{"ip", "hostname", "unknown-endpoint"}, "ip"),
	),
	unbuilt("modules", nil,
		xEnum("enable-module-command", Immutable, protectedNames, "no"),
	),
	unbuilt("socket marking", nil,
		xInt("socket-mark-id", "", Immutable, 0, uintMax, 0),
	),
)

// oomScoreAdjDirective is oom-score-adj: "yes" and "relative" are the same
// setting, shown as "yes".
func oomScoreAdjDirective() Directive {
	names := []string{"no", "yes", "relative", "absolute"}
	d := stored("oom-score-adj", "", KindEnum, 0, "no", rwPlain, canonEnum(names, map[string]string{"relative": "yes"}))
	d.Values = names
	return d
}

// oomScoreAdjValuesDirective is "oom-score-adj-values <primary> <replica>
// <child>", each between -2000 and 2000.
func oomScoreAdjValuesDirective() Directive {
	return stored("oom-score-adj-values", "", KindSpecial, MultiArg, "0 200 800", rwWords, func(args []string) (string, error) {
		if len(args) != 3 {
			return "", reason("wrong number of arguments")
		}
		out := make([]string, 3)
		for i, a := range args {
			v, ok := parseCInt(a)
			if !ok || v < -2000 || v > 2000 {
				return "", reason("Invalid oom-score-adj-values, elements must be between -2000 and 2000.")
			}
			out[i] = strconv.FormatInt(v, 10)
		}
		return strings.Join(out, " "), nil
	})
}

// replicaofDirective is "replicaof <host> <port>" or "replicaof no one".
func replicaofDirective() Directive {
	d := replicaofStored()
	// CONFIG REWRITE writes "replicaof host port" as two words, as Redis's
	// rewriteConfigReplicaOfOption does, and nothing for "no one".
	d.rewrite = func(c *Config, st *rewriteState, d *Directive) {
		v := c.stored["replicaof"]
		if v == "" {
			st.markProcessed("replicaof")
			return
		}
		st.rewriteLine("replicaof", "replicaof "+v, true)
	}
	return d
}

func replicaofStored() Directive {
	return stored("replicaof", "slaveof", KindSpecial, Immutable|MultiArg, "no one", rwNullable, func(args []string) (string, error) {
		if len(args) != 2 {
			return "", reason("wrong number of arguments")
		}
		if strings.EqualFold(args[0], "no") && strings.EqualFold(args[1], "one") {
			return "", nil
		}
		port, ok := parseCInt(args[1])
		if !ok || port < 0 || port > 65535 || args[1] == "" {
			return "", reason("Invalid master port")
		}
		return args[0] + " " + strconv.FormatInt(port, 10), nil
	})
}

// percentilesDirective is latency-tracking-info-percentiles: floating-point
// percentiles between 0 and 100, shown with %f trimmed of trailing zeros.
func percentilesDirective() Directive {
	return stored("latency-tracking-info-percentiles", "", KindSpecial, MultiArg, "50 99 99.9", rwWords, func(args []string) (string, error) {
		if len(args) == 1 && args[0] == "" {
			args = nil
		}
		out := make([]string, 0, len(args))
		for _, a := range args {
			f, ok := parseRedisDouble(a)
			if !ok {
				return "", reason("Invalid latency-tracking-info-percentiles parameters")
			}
			if f > 100 || f < 0 {
				return "", reason("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")
			}
			s := strconv.FormatFloat(f, 'f', 6, 64)
			s = strings.TrimRight(s, "0")
			s = strings.TrimSuffix(s, ".")
			out = append(out, s)
		}
		return strings.Join(out, " "), nil
	})
}

// parseRedisDouble parses s as Redis's string2d: strtod over the whole
// string, no leading space, no overflow, no NaN. (C's hexadecimal floats
// without a 'p' exponent are not taken; only the syntax Go shares with C.)
func parseRedisDouble(s string) (float64, bool) {
	if s == "" || isSpace(s[0]) || strings.ContainsRune(s, '_') {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f {
		return 0, false
	}
	return f, true
}

// validHostname is Redis's check of cluster-announce-hostname.
func validHostname(v string) error {
	if len(v) >= 256 {
		return reason("Hostnames must be less than 256 characters")
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return reason("Hostnames may only contain alphanumeric characters, hyphens or dots")
		}
	}
	return nil
}

// procTitleVars are the variables a proc-title-template may use.
var procTitleVars = map[string]bool{
	"title": true, "listen-addr": true, "server-mode": true, "port": true,
	"tls-port": true, "unixsocket": true, "config-file": true,
}

// validProcTitle is Redis's check of proc-title-template: "{{" and "}}"
// are literal braces, "{name}" must be a known variable, and the expansion
// must not be blank.
func validProcTitle(v string) error {
	bad := reason("template format is invalid or contains unknown variables")
	var out []byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '{' && i+1 < len(v) && v[i+1] == '{':
			out = append(out, '{')
			i++
		case c == '}' && i+1 < len(v) && v[i+1] == '}':
			out = append(out, '}')
			i++
		case c == '{':
			end := strings.IndexByte(v[i+1:], '}')
			if end < 0 || !procTitleVars[v[i+1:i+1+end]] {
				return bad
			}
			out = append(out, 'x')
			i += end + 1
		default:
			out = append(out, c)
		}
	}
	if strings.TrimSpace(string(out)) == "" {
		return bad
	}
	return nil
}

// LatencyPercentiles returns latency-tracking-info-percentiles as numbers.
func (c *Config) LatencyPercentiles() []float64 {
	var out []float64
	for _, w := range strings.Fields(c.stored["latency-tracking-info-percentiles"]) {
		if f, err := strconv.ParseFloat(w, 64); err == nil {
			out = append(out, f)
		}
	}
	return out
}
