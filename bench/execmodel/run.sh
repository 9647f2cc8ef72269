#!/usr/bin/env bash
# run.sh builds the execmodel server and compares its execution models with
# Debian's redis-server using redis-benchmark on loopback.
#
# Every round starts each target in turn (A,B,C,...,A,B,C,...), runs
#   redis-benchmark -t set,get,incr -n $N -c $CLIENTS -P <p> --csv
# for each pipeline depth, and stops it. At the end it prints Markdown
# tables of medians over the rounds. Raw rows go to $OUT/raw.csv.
#
# Environment (defaults in brackets):
#   ROUNDS [5]   rounds; each target runs once per round
#   N [200000]   requests per test
#   CLIENTS [50] parallel connections
#   PIPELINES ["1 16"]
#   TARGETS ["redis mutex:1 mutex:2 executor:1 executor:2 lockfree:1 lockfree:2"]
#            redis, or MODE:GOMAXPROCS for the Go server
#   OUT [a new temporary directory]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ROUNDS=${ROUNDS:-5}
N=${N:-200000}
CLIENTS=${CLIENTS:-50}
PIPELINES=${PIPELINES:-"1 16"}
TARGETS=${TARGETS:-"redis mutex:1 mutex:2 executor:1 executor:2 lockfree:1 lockfree:2"}
OUT=${OUT:-$(mktemp -d /tmp/execmodel.XXXXXX)}
mkdir -p "$OUT"

if ! command -v redis-benchmark >/dev/null || ! command -v redis-server >/dev/null; then
	echo "installing redis-server and redis-tools from Debian" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
fi

(cd "$here" && go build -o "$OUT/execmodel" .)

# free_port prints a loopback TCP port that nothing listens on right now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# cpu_ticks prints the user+system clock ticks that process $1 has used.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# ctx_switches prints the context switches of all live threads of process $1.
ctx_switches() {
	cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { n += $2 } END { print n + 0 }'
}

# wait_ready waits until process $1 answers PING on port $2 and is the one
# listening there, so no traffic ever goes to somebody else's server.
wait_ready() {
	local pid=$1 port=$2
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || { echo "server exited; see $OUT/server.log" >&2; return 1; }
		if ss -Hltnp "sport = :$port" 2>/dev/null | grep -q "pid=$pid,"; then
			redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
		fi
		sleep 0.05
	done
	echo "server $pid did not become ready on port $port" >&2
	return 1
}

# start_target starts target $1 on port $2 and sets pid.
start_target() {
	local target=$1 port=$2
	if [[ $target == redis ]]; then
		mkdir -p "$OUT/redis"
		redis-server --port "$port" --bind 127.0.0.1 --dir "$OUT/redis" --save '' --appendonly no \
			--daemonize no >"$OUT/server.log" 2>&1 &
	else
		GOMAXPROCS=${target#*:} "$OUT/execmodel" -addr "127.0.0.1:$port" -mode "${target%%:*}" \
			>"$OUT/server.log" 2>&1 &
	fi
	pid=$!
}

pid=
stop_target() {
	if [[ -n $pid ]]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=
	fi
}
trap stop_target EXIT

echo "round,target,pipeline,test,rps,avg_ms,min_ms,p50_ms,p95_ms,p99_ms,max_ms,server_cpu_us_per_op,server_ctxsw_per_op,load1" >"$OUT/raw.csv"
echo "results in $OUT" >&2
for round in $(seq "$ROUNDS"); do
	for target in $TARGETS; do
		port=$(free_port)
		start_target "$target" "$port"
		wait_ready "$pid" "$port"
		for p in $PIPELINES; do
			load1=$(cut -d' ' -f1 /proc/loadavg)
			before=$(cpu_ticks "$pid")
			cs_before=$(ctx_switches "$pid")
			csv=$(timeout 600 redis-benchmark -h 127.0.0.1 -p "$port" -t set,get,incr -n "$N" -c "$CLIENTS" -P "$p" --csv)
			after=$(cpu_ticks "$pid")
			cs_after=$(ctx_switches "$pid")
			# Server CPU (microseconds) and context switches per request over the three tests.
			cpu=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$N" 'BEGIN { printf "%.2f", t / hz * 1e6 / (3 * n) }')
			cs=$(awk -v c=$((cs_after - cs_before)) -v n="$N" 'BEGIN { printf "%.3f", c / (3 * n) }')
			echo "$csv" | tail -n +2 | tr -d '"' | while IFS=, read -r test rps avg min p50 p95 p99 max; do
				echo "$round,$target,$p,$test,$rps,$avg,$min,$p50,$p95,$p99,$max,$cpu,$cs,$load1"
			done >>"$OUT/raw.csv"
			echo "round $round $target P=$p: $(echo "$csv" | tail -n +2 | cut -d, -f1,2 | tr -d '"' | tr '\n' ' ')cpu=${cpu}us/op ctxsw=${cs}/op load=$load1" >&2
		done
		stop_target
	done
done

python3 - "$OUT/raw.csv" <<'EOF'
import csv, statistics, sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1])))
targets, tests, pipes = [], [], []
for r in rows:
    for seq, v in ((targets, r["target"]), (tests, r["test"]), (pipes, r["pipeline"])):
        if v not in seq:
            seq.append(v)
vals = defaultdict(list)
for r in rows:
    for k in ("rps", "p50_ms", "p99_ms", "server_cpu_us_per_op", "server_ctxsw_per_op", "load1"):
        vals[(r["target"], r["pipeline"], r["test"], k)].append(float(r[k]))

def med(t, p, test, k):
    v = vals.get((t, p, test, k))
    return statistics.median(v) if v else float("nan")

def name(t):
    return "redis-server 7.0" if t == "redis" else "%s GOMAXPROCS=%s" % tuple(t.split(":"))

rounds = len({r["round"] for r in rows})
loads = [float(r["load1"]) for r in rows]
print("Medians over %d rounds; load average during runs %.1f-%.1f.\n" % (rounds, min(loads), max(loads)))
for p in pipes:
    print("### -P %s: throughput (ops/s) and ratio to Redis\n" % p)
    print("| target | " + " | ".join("%s ops/s | %s vs Redis" % (t, t) for t in tests) + " | server CPU µs/op | server ctx switches/op |")
    print("|---|" + "---:|---:|" * len(tests) + "---:|---:|")
    for t in targets:
        cells = []
        for test in tests:
            v, ref = med(t, p, test, "rps"), med("redis", p, test, "rps")
            cells += ["%.0f" % v, "%.2f" % (v / ref) if ref == ref else "-"]
        cpu = med(t, p, tests[0], "server_cpu_us_per_op")
        cs = med(t, p, tests[0], "server_ctxsw_per_op")
        print("| %s | %s | %.2f | %.3f |" % (name(t), " | ".join(cells), cpu, cs))
    print("\n### -P %s: latency p50 / p99 (ms)\n" % p)
    print("| target | " + " | ".join(tests) + " |")
    print("|---|" + "---:|" * len(tests))
    for t in targets:
        print("| %s | %s |" % (name(t), " | ".join("%.3f / %.3f" % (med(t, p, test, "p50_ms"), med(t, p, test, "p99_ms")) for test in tests)))
    print()
EOF
