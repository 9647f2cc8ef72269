#!/bin/bash
# snapload.sh times one BGSAVE of a 2M-key data set under a redis-benchmark
# load and counts the commands the server ran meanwhile: the load shapes
# that compare.sh's snapshot scenario (50 clients, one SET at a time, on
# the loaded keys) does not cover.
#
# Usage: bench/snapload.sh LOAD BIN [BIN...]
#   LOAD  idle    no load
#         p16     50 clients, SET with -P 16 on the loaded keys
#         insert  50 clients, SET one at a time on keys mostly not loaded
#                 (the table has grown past its size when the save starts:
#                 a rehash runs during the save)
#   BIN   a vesta-server or redis-server binary; each is run in turn on
#         a fresh scratch directory, on port 7490.
#
# Prints one line a binary: the save's duration and the commands a
# second the server ran during it. Run it on a quiet machine.
set -euo pipefail
load=$1
shift
port=7490
cli() { redis-cli -p "$port" "$@"; }
stat() { cli info stats | tr -d '\r' | sed -n "s/^total_commands_processed://p"; }
for bin in "$@"; do
	dir=$(mktemp -d)
	"$bin" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
		--enable-debug-command yes >"$dir/log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do cli ping >/dev/null 2>&1 && break; sleep 0.05; done
	cli debug populate 2000000 >/dev/null
	bench=
	case $load in
	idle) ;;
	p16) redis-benchmark -p "$port" -t set -c 50 -P 16 -r 2000000 -n 100000000 -d 10 -q >/dev/null 2>&1 & bench=$! ;;
	insert) redis-benchmark -p "$port" -t set -c 50 -r 100000000 -n 100000000 -d 10 -q >/dev/null 2>&1 & bench=$! ;;
	*) echo "snapload: unknown load $load" >&2; exit 2 ;;
	esac
	[ -n "$bench" ] && sleep 1
	c0=$(stat)
	t0=$(date +%s.%N)
	cli bgsave >/dev/null
	while cli info persistence | grep -q "rdb_bgsave_in_progress:1"; do sleep 0.01; done
	t1=$(date +%s.%N)
	c1=$(stat)
	[ -n "$bench" ] && kill "$bench" && wait "$bench" 2>/dev/null || true
	cli info persistence | grep -q "rdb_last_bgsave_status:ok" || { echo "snapload: BGSAVE failed on $bin" >&2; exit 1; }
	cli shutdown nosave >/dev/null 2>&1 || true
	wait "$pid" 2>/dev/null || true
	rm -rf "$dir"
	awk -v b="$(basename "$bin")" -v l="$load" -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" \
		'BEGIN { d = t1 - t0; printf "%s %s: save %.2f s, %.0f commands/s during\n", b, l, d, (c1 - c0) / d }'
done
