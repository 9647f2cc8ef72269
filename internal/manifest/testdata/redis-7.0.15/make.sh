#!/bin/bash
# Regenerates the *.manifest fixtures in this directory with a real
# redis-server 7.0.15, on loopback only, in a scratch directory.
# Usage: ./make.sh [first-port]   (uses four ports from first-port, default 17391)
set -u
OUT=$(cd "$(dirname "$0")" && pwd)
PORT=${1:-17391}
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

# start DIR PORT ARGS... : starts redis-server in the background, sets PID and C.
start() {
	local dir=$1 port=$2
	shift 2
	mkdir -p "$dir"
	redis-server "$@" --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' \
		--daemonize no --logfile "$dir/log.txt" &
	PID=$!
	C="redis-cli -p $port"
	for _ in $(seq 1 50); do $C ping >/dev/null 2>&1 && return; sleep 0.1; done
	echo "redis-server on port $port did not start" >&2
	exit 1
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null; }
# wait_rw: wait until no AOF rewrite is in progress.
wait_rw() {
	for _ in $(seq 1 100); do
		$C info persistence | grep -q '^aof_rewrite_in_progress:0' && break
		sleep 0.1
	done
	sleep 0.3
}
manifest() { cat "$1"/appendonlydir/*.manifest; }

# 1. Default settings with history kept: start, then three rewrites.
D=$SCRATCH/rewrites
start "$D" "$PORT" --appendonly yes --aof-disable-auto-gc yes
manifest "$D" >"$OUT/start.manifest"
$C set k v >/dev/null
for n in 1 2 3; do
	$C bgrewriteaof >/dev/null
	wait_rw
	$C set "k$n" v >/dev/null
	manifest "$D" >"$OUT/rewrite$n.manifest"
done
stop

# 2. Two rewrites killed midway (each leaves an extra incr), then one that
#    succeeds and retires all incrs but the last.
D=$SCRATCH/failed
start "$D" "$((PORT + 1))" --appendonly yes --aof-disable-auto-gc yes
$C set k v >/dev/null
$C config set rdb-key-save-delay 10000000 >/dev/null
for n in 1 2; do
	$C bgrewriteaof >/dev/null
	sleep 0.5
	CHILD=$(ps --ppid "$PID" -o pid= | tr -d ' ')
	[ -n "$CHILD" ] && kill -9 "$CHILD"
	wait_rw
	manifest "$D" >"$OUT/failed$n.manifest"
done
$C config set rdb-key-save-delay 0 >/dev/null
$C bgrewriteaof >/dev/null
wait_rw
manifest "$D" >"$OUT/failed-then-ok.manifest"
stop

# 3. AOF off: BGREWRITEAOF twice, then CONFIG SET appendonly yes.
D=$SCRATCH/off
start "$D" "$((PORT + 2))" --appendonly no --aof-disable-auto-gc yes
$C set k v >/dev/null
$C bgrewriteaof >/dev/null
wait_rw
manifest "$D" >"$OUT/aof-off1.manifest"
$C bgrewriteaof >/dev/null
wait_rw
manifest "$D" >"$OUT/aof-off2.manifest"
$C config set appendonly yes >/dev/null
sleep 1
wait_rw
manifest "$D" >"$OUT/aof-off-then-on.manifest"
stop

# 4. Names that need quoting: a space without preamble; escapes from a
#    config file (a backslash would be refused as a path).
D=$SCRATCH/space
start "$D" "$((PORT + 3))" --appendonly yes --aof-use-rdb-preamble no --aof-disable-auto-gc yes --appendfilename "my aof"
$C set k v >/dev/null
$C bgrewriteaof >/dev/null
wait_rw
manifest "$D" >"$OUT/no-preamble-space.manifest"
stop
D=$SCRATCH/esc
mkdir -p "$D"
printf 'appendfilename "a\\tb\\x01c\\"q z\\xe9~"\nappendonly yes\naof-disable-auto-gc yes\n' >"$D/redis.conf"
start "$D" "$((PORT + 3))" "$D/redis.conf"
$C set k v >/dev/null
$C bgrewriteaof >/dev/null
wait_rw
manifest "$D" >"$OUT/escaped-name.manifest"
stop
echo "fixtures written to $OUT"
