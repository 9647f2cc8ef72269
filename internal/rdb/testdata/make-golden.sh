#!/usr/bin/env bash
# Regenerates the golden RDB files in this directory with the real
# redis-server 7.0.15 (Debian's package). Each file comes from a fresh server
# on a loopback port with a scratch dir; see README.md for what each holds.
# Usage: bash make-golden.sh   (from any directory)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
port=${PORT:-17771}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cli() { redis-cli -p "$port" "$@"; }

# start NAME [extra redis-server args...]
start() {
	rm -rf "${scratch:?}"/*
	redis-server --port "$port" --bind 127.0.0.1 --dir "$scratch" --save '' \
		--appendonly no --enable-debug-command yes --daemonize no \
		--logfile "$scratch/log" "${@}" &
	pid=$!
	for _ in $(seq 100); do
		cli ping >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "redis-server did not start" >&2
	exit 1
}

# finish NAME: SAVE, copy dump.rdb to NAME.rdb, stop the server.
finish() {
	cli save >/dev/null
	cp "$scratch/dump.rdb" "$here/$1.rdb"
	cli shutdown nosave >/dev/null 2>&1 || true
	wait "$pid" 2>/dev/null || true
	echo "wrote $1.rdb ($(stat -c %s "$here/$1.rdb") bytes)"
}

# --- strings.rdb: string encodings, expiries, several databases.
start
cli set int12 12 >/dev/null
cli set neg300 -300 >/dev/null
cli set int100000 100000 >/dev/null
cli set over32 2147483648 >/dev/null
cli set leadzero 007 >/dev/null
cli set empty "" >/dev/null
cli set hello "hello world" >/dev/null
cli set lzf "$(printf 'a%.0s' $(seq 100))" >/dev/null
cli set raw21 abcdefghijklmnopqrstu >/dev/null
cli set expiring v pxat 4102444800000 >/dev/null
cli -n 1 set k1 v1 >/dev/null
cli -n 5 set k5 v5 >/dev/null
cli -n 5 set k5exp v5 pxat 4102444800123 >/dev/null
finish strings

# --- small.rdb: the compact encodings Redis writes for small collections.
start
cli hset hash f1 v1 f2 v2 >/dev/null
cli sadd intset 3 1 2 >/dev/null
cli sadd strset a b c >/dev/null
cli zadd zset 1.5 a 2 b -3 c >/dev/null
cli rpush list a b c 1 2 3 >/dev/null
finish small

# --- big.rdb: hashtable/skiplist encodings and a multi-node quicklist.
start
cli eval "for i=1,600 do redis.call('hset',KEYS[1],'f'..i,'v'..i) end" 1 bighash >/dev/null
cli hset longvalhash f "$(printf 'x%.0s' $(seq 100))" >/dev/null
cli eval "for i=1,600 do redis.call('sadd',KEYS[1],'m'..i) end" 1 bigset >/dev/null
cli eval "for i=1,600 do redis.call('sadd',KEYS[1],i) end" 1 bigintset >/dev/null
cli eval "for i=1,200 do redis.call('zadd',KEYS[1],i/4,'m'..i) end" 1 bigzset >/dev/null
cli eval "for i=1,2000 do redis.call('rpush',KEYS[1],'e'..i) end" 1 biglist >/dev/null
cli debug populate 100 >/dev/null
finish big

# --- listcompress.rdb: quicklist nodes compressed in memory are written as
# LZF even with rdbcompression no.
start --rdbcompression no --list-compress-depth 1 --list-max-listpack-size 16
cli eval "for i=1,100 do redis.call('rpush',KEYS[1],'element-padding-padding-'..i) end" 1 clist >/dev/null
cli set long "$(printf 'b%.0s' $(seq 100))" >/dev/null
finish listcompress

# --- plain.rdb: PLAIN quicklist nodes (elements above the packed threshold).
start
cli debug quicklist-packed-threshold 100 >/dev/null
cli rpush plist small "$(printf 'p%.0s' $(seq 200))" small2 >/dev/null
finish plain

# --- nochecksum.rdb: rdbchecksum no writes a zero trailer.
start --rdbchecksum no
cli set a b >/dev/null
finish nochecksum

# --- stream.rdb: a stream with a consumer group and a PEL, then a string.
start
cli xadd s 1-1 f v >/dev/null
cli xadd s 1-2 f v2 >/dev/null
cli xadd s 2-1 g w >/dev/null
cli xgroup create s grp 0 >/dev/null
cli xreadgroup group grp alice count 2 streams s '>' >/dev/null
cli set after stream >/dev/null
finish stream

# --- function.rdb: a function library (FUNCTION2 opcode).
start
cli function load "$(printf '#!lua name=mylib\nredis.register_function("myfunc", function(keys, args) return 1 end)')" >/dev/null
cli set k v >/dev/null
finish function

# --- lru.rdb and lfu.rdb: IDLE and FREQ opcodes.
start --maxmemory-policy allkeys-lru
cli set a b >/dev/null
finish lru
start --maxmemory-policy allkeys-lfu
cli set a b >/dev/null
cli get a >/dev/null
finish lfu
