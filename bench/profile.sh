#!/usr/bin/env bash
# profile.sh measures where vesta-server's CPU per request goes, with
# figures that hold on a busy machine (throughput does not):
#
#   - per request, counted by perf on the server process: system calls (all,
#     read, write, epoll_wait, futex, nanosleep, fdatasync), context switches
#     and CPU time (task-clock), for vesta-server and for redis-server under
#     the same redis-benchmark run;
#   - for both servers, CPU samples with user and kernel stacks
#     (perf record -e cpu-clock -F 999 -g) split into categories by
#     bench/perf_breakdown.py: fdatasync, AOF write, socket read, socket
#     write, epoll, futex, other syscalls, GC, allocation, clock, lock,
#     Go scheduler, parser, reply, AOF append, dispatch, command, other.
#
# Allocations per request come from the Go benchmark instead (no server
# needed): go test -run '^$' -bench RoundTrip -benchmem ./internal/server
#
# Usage: bench/profile.sh [--out DIR] [--tests "set get ..."] [--modes "off everysec always"]
#                         [--pipelines "1 16"] [--n1 N] [--n16 N] [--servers "vesta redis"]
#
# --servers may also name vesta-goroutines: vesta-server with
# VESTA_EVENT_LOOP=no, a goroutine per connection instead of the event loop
# (to compare the two network models).
#
# For every mode × pipeline depth × test × server: a fresh server on a free
# loopback port (--save '' plus the mode's AOF settings, data in DIR), then
#   redis-benchmark -h 127.0.0.1 -p PORT -t TEST -n N -c 50 -P DEPTH -r 1000000 -q
# under `perf stat -p PID` and `perf record -p PID`. Results: DIR/summary.md
# (tables), DIR/*.perf (perf counts), DIR/*.data (perf samples),
# DIR/vesta-server (the binary).
# LRANGE_100's counts include the LPUSH of N requests redis-benchmark runs
# first to fill the list, and are divided by 2N.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out/profile
tests="set get incr lpush hset mset lrange_100"
modes="off everysec always"
pipelines="1 16"
n1=100000
n16=400000
servers="vesta redis"
while (($#)); do
	case $1 in
	--out) out=$2; shift 2 ;;
	--tests) tests=$2; shift 2 ;;
	--modes) modes=$2; shift 2 ;;
	--pipelines) pipelines=$2; shift 2 ;;
	--n1) n1=$2; shift 2 ;;
	--n16) n16=$2; shift 2 ;;
	--servers) servers=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "profile.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
command -v perf >/dev/null || { echo "profile.sh needs perf (Debian: linux-perf)" >&2; exit 1; }
command -v redis-benchmark >/dev/null || { echo "profile.sh needs redis-benchmark (redis-tools)" >&2; exit 1; }
mkdir -p "$out"
(cd "$root" && go build -o "$out/vesta-server" ./cmd/vesta-server)

events=raw_syscalls:sys_enter,syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_futex,syscalls:sys_enter_nanosleep,syscalls:sys_enter_fdatasync,context-switches,task-clock

pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT

freeport() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

summary=$out/summary.md
{
	src=$(git -C "$root" rev-parse --short HEAD 2>/dev/null) && { git -C "$root" diff --quiet || src+=+dirty; } || src="unknown (not a git work tree)"
	echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), source $src, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "| mode | -P | test | server | syscalls | read | write | epoll_wait | futex | nanosleep | fdatasync | ctx switches | CPU µs |"
	echo "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$summary"

for mode in $modes; do
	case $mode in
	off) pers=(--appendonly no) ;;
	everysec | always) pers=(--appendonly yes --appendfsync "$mode") ;;
	*) echo "profile.sh: unknown mode $mode" >&2; exit 2 ;;
	esac
	for p in $pipelines; do
		n=$n1
		((p > 1)) && n=$n16
		for t in $tests; do
			reqs=$n
			[[ $t == lrange* ]] && reqs=$((2 * n))
			for srv in $servers; do
				tag=$mode.P$p.$t.$srv
				dir=$out/data/$tag
				rm -rf "$dir"
				mkdir -p "$dir"
				port=$(freeport)
				if [[ $srv == redis ]]; then
					redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' "${pers[@]}" >"$dir/log" 2>&1 &
				elif [[ $srv == vesta-goroutines ]]; then
					# A goroutine per connection instead of the event loop.
					VESTA_EVENT_LOOP=no "$out/vesta-server" --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' "${pers[@]}" >"$dir/log" 2>&1 &
				else
					"$out/vesta-server" --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' "${pers[@]}" >"$dir/log" 2>&1 &
				fi
				pid=$!
				# Only ever send traffic to our own server.
				for _ in $(seq 200); do
					ss -Hltnp "sport = :$port" | grep -q "pid=$pid," && redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break
					sleep 0.05
				done
				ss -Hltnp "sport = :$port" | grep -q "pid=$pid," || { echo "profile.sh: $srv did not start" >&2; exit 1; }
				perf stat -x, -e "$events" -p "$pid" -o "$out/$tag.perf" &
				perfpid=$!
				perf record -q -e cpu-clock -F 999 -g -o "$out/$tag.data" -p "$pid" 2>/dev/null &
				recpid=$!
				sleep 0.3
				timeout 900 redis-benchmark -h 127.0.0.1 -p "$port" -t "$t" -n "$n" -c 50 -P "$p" -r 1000000 -q >"$out/$tag.bench" 2>&1
				kill -INT "$perfpid" "$recpid"
				wait "$perfpid" || true
				wait "$recpid" || true
				kill -TERM "$pid"
				wait "$pid" 2>/dev/null || true
				pid=
				awk -F, -v n="$reqs" -v m="$mode" -v p="$p" -v t="$t" -v s="$srv" '
					$1 ~ /^[0-9.]+$/ { v[$3] = $1 / n }
					END {
						printf "| %s | %s | %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f |\n", m, p, t, s,
							v["raw_syscalls:sys_enter"], v["syscalls:sys_enter_read"], v["syscalls:sys_enter_write"],
							v["syscalls:sys_enter_epoll_wait"] + v["syscalls:sys_enter_epoll_pwait"],
							v["syscalls:sys_enter_futex"], v["syscalls:sys_enter_nanosleep"], v["syscalls:sys_enter_fdatasync"],
							v["context-switches"], v["task-clock"] * 1000
					}' "$out/$tag.perf" | tee -a "$summary"
			done
		done
	done
done

{
	echo
	echo "CPU samples (perf record, 999 Hz, user and kernel stacks), share in % by category (bench/perf_breakdown.py):"
	echo
	python3 "$root/bench/perf_breakdown.py" --header
	for mode in $modes; do
		for p in $pipelines; do
			for t in $tests; do
				for srv in $servers; do
					f=$out/$mode.P$p.$t.$srv.data
					[[ -s $f ]] && perf script -i "$f" -F comm,ip,sym 2>/dev/null |
						python3 "$root/bench/perf_breakdown.py" --label "$mode | $p | $t | $srv"
				done
			done
		done
	done
} >>"$summary"
echo "profile.sh: results in $summary"
