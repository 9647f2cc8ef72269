#!/usr/bin/env bash
# syscalls.sh counts, with perf, the system calls, futex calls, context
# switches and CPU time per request that each target spends under
#   redis-benchmark -t set,get -n $N -c 50 -P <p>
# Counts do not depend on how busy the machine is, unlike throughput.
#
# Environment (defaults in brackets):
#   N [100000]   requests per test
#   PIPELINES ["1 16"]
#   TARGETS ["redis mutex:1 mutex:2 executor:1 executor:2 lockfree:1 lockfree:2"];
#           MODE:GOMAXPROCS, MODE one of mutex executor lockfree epoll
#   OUT [a new temporary directory]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
N=${N:-100000}
PIPELINES=${PIPELINES:-"1 16"}
TARGETS=${TARGETS:-"redis mutex:1 mutex:2 executor:1 executor:2 lockfree:1 lockfree:2"}
OUT=${OUT:-$(mktemp -d /tmp/execmodel-sys.XXXXXX)}
events=raw_syscalls:sys_enter,syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_futex,context-switches,task-clock

command -v perf >/dev/null || { echo "needs perf (Debian: linux-perf)" >&2; exit 1; }
(cd "$here" && go build -o "$OUT/execmodel" .)

pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT

echo "| target | -P | syscalls | read | write | epoll_wait | futex | ctx switches | CPU µs |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for target in $TARGETS; do
	for p in $PIPELINES; do
		port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		if [[ $target == redis ]]; then
			redis-server --port "$port" --bind 127.0.0.1 --dir "$OUT" --save '' --appendonly no >/dev/null 2>&1 &
		else
			GOMAXPROCS=${target#*:} "$OUT/execmodel" -addr "127.0.0.1:$port" -mode "${target%%:*}" 2>/dev/null &
		fi
		pid=$!
		# Only ever send traffic to our own server.
		for _ in $(seq 100); do
			ss -Hltnp "sport = :$port" | grep -q "pid=$pid," && break
			sleep 0.05
		done
		ss -Hltnp "sport = :$port" | grep -q "pid=$pid," || { echo "server did not start" >&2; exit 1; }
		stat="$OUT/perf.${target/:/-}.$p.csv"
		perf stat -x, -e "$events" -p "$pid" -o "$stat" &
		perfpid=$!
		sleep 0.2
		timeout 600 redis-benchmark -h 127.0.0.1 -p "$port" -t set,get -n "$N" -c 50 -P "$p" -q >/dev/null
		kill -INT "$perfpid"
		wait "$perfpid" || true
		kill "$pid"
		wait "$pid" 2>/dev/null || true
		pid=
		awk -F, -v n=$((2 * N)) -v t="$target" -v p="$p" '
			$1 ~ /^[0-9.]+$/ { v[$3] = $1 / n }
			END {
				printf "| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f |\n", t, p,
					v["raw_syscalls:sys_enter"], v["syscalls:sys_enter_read"], v["syscalls:sys_enter_write"],
					v["syscalls:sys_enter_epoll_wait"] + v["syscalls:sys_enter_epoll_pwait"],
					v["syscalls:sys_enter_futex"], v["context-switches"], v["task-clock"] * 1000
			}' "$stat"
	done
done
