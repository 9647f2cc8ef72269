#!/usr/bin/env bash
# memkey.sh reads the bytes per element of the memory scenario's data sets
# (bench/compare.sh memory) once the load's garbage is gone: each server
# starts empty, gets 1M elements through `redis-cli --pipe`, then
# MEMORY PURGE; it prints the growth of RSS (VmRSS) and of used_memory
# (Vesta: the Go heap after that collection) per element. compare.sh
# reads used_memory before the purge, when Vesta's includes garbage.
#
# Usage: bench/memkey.sh [server-binary...]
# (default: a vesta-server built from the working tree, and redis-server)
# Kinds: strings (DEBUG POPULATE), hashes, list, zset, stream, as in
# bench/cmd/vbench/scen_memory.go. Needs python3, redis-cli and bc.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$PATH:/usr/local/go/bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if (($# == 0)); then
	(cd "$root" && go build -o "$work/vesta-server" ./cmd/vesta-server)
	set -- "$work/vesta-server" "$(command -v redis-server)"
fi

python3 - "$work" <<'PY'
import sys
d = sys.argv[1]
def cmd(f, *args):
    f.write('*%d\r\n' % len(args))
    for a in args:
        f.write('$%d\r\n%s\r\n' % (len(a), a))
with open(d + '/strings.resp', 'w') as f:
    cmd(f, 'DEBUG', 'POPULATE', '1000000')
with open(d + '/hashes.resp', 'w') as f:
    for i in range(1000000):
        v = 'value:%d' % i
        cmd(f, 'HSET', 'hash:%d' % i, 'field:1', v, 'field:2', v)
with open(d + '/list.resp', 'w') as f:
    for i in range(10000):
        cmd(f, 'RPUSH', 'list', *['element:%d' % j for j in range(i * 100, (i + 1) * 100)])
with open(d + '/zset.resp', 'w') as f:
    for i in range(10000):
        a = []
        for j in range(i * 100, (i + 1) * 100):
            a += [str(j), 'member:%d' % j]
        cmd(f, 'ZADD', 'zset', *a)
with open(d + '/stream.resp', 'w') as f:
    for i in range(1000000):
        cmd(f, 'XADD', 'stream', '*', 'field', 'value:%d' % i)
PY

port=$((20000 + RANDOM % 20000))
rss() { awk '/VmRSS/{print $2 * 1024}' "/proc/$1/status"; }
used() { redis-cli -p "$port" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" {print $2}'; }
printf '%-14s %-8s %10s %22s\n' server kind "RSS B/el" "used_memory B/el"
for bin in "$@"; do
	for kind in strings hashes list zset stream; do
		dir=$(mktemp -d -p "$work")
		"$bin" --port "$port" --dir "$dir" --save '' --appendonly no --enable-debug-command yes >/dev/null 2>&1 &
		pid=$!
		until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done
		sleep 0.3
		r0=$(rss $pid) u0=$(used)
		redis-cli -p "$port" --pipe <"$work/$kind.resp" >/dev/null
		sleep 1
		redis-cli -p "$port" memory purge >/dev/null
		sleep 0.3
		r1=$(rss $pid) u1=$(used)
		kill "$pid"
		wait "$pid" 2>/dev/null || true
		printf '%-14s %-8s %10s %22s\n' "$(basename "$bin")" "$kind" \
			"$(echo "scale=1; ($r1 - $r0) / 1000000" | bc)" "$(echo "scale=1; ($u1 - $u0) / 1000000" | bc)"
	done
done
