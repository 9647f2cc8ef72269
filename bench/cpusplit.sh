#!/usr/bin/env bash
# cpusplit.sh runs redis-benchmark against each server in turn and reports,
# per request, the server's CPU time, the client's (redis-benchmark's) CPU
# time and the server's context switches, beside the throughput. It is the
# measurement behind "TLS at -P 1" in docs/BENCHMARKS.md: on two cores the
# client is half the machine, and a server that sleeps more often makes
# each of the client's writes costlier (the wake-up is paid by the writer),
# which throughput shows but the server's own CPU does not.
#
# Usage: bench/cpusplit.sh [--tls] [-P N] [-n N] [-t TEST | --evalsha BODY] [--rounds N]
#                          [--fill N] [--server-args "ARGS"] SERVER...
#   SERVER is LABEL=COMMAND, e.g. vesta=bin/vesta-server or
#   "goroutines=env VESTA_EVENT_LOOP=no bin/vesta-server" (env execs the
#   server, so the process measured is the server); the script adds the port,
#   a scratch --dir and --save "" (and the TLS options with --tls).
#   --evalsha BODY loads the Lua script BODY (SCRIPT LOAD) and runs
#   EVALSHA of it with one key, bench:counter, instead of a -t test.
#   --fill N first runs N SETs of random keys (redis-benchmark -t set -P 16
#   -r 1000000: about 0.86*N distinct keys for N = 2000000), unmeasured, so
#   that the test runs on a keyspace larger than the CPU cache.
#   --server-args ARGS are appended to each server's command line, e.g.
#   "--appendonly yes --appendfsync everysec" (the last of a repeated option
#   wins, on both servers).
#   Defaults: -P 1, -n 100000, -t set, 3 rounds, servers alternating.
#
# Example (the figures in BENCHMARKS.md):
#   go build -o /tmp/vesta-server ./cmd/vesta-server
#   bench/cpusplit.sh --tls -P 1 -t set vesta=/tmp/vesta-server redis=redis-server
#
# Needs redis-server, redis-benchmark, openssl (for --tls) and GNU time.
set -euo pipefail

tls= pipeline=1 requests=100000 test=set rounds=3 script= fill=0 server_args=
servers=()
while (($#)); do
	case $1 in
	--tls) tls=1; shift ;;
	-P) pipeline=$2; shift 2 ;;
	-n) requests=$2; shift 2 ;;
	-t) test=$2; shift 2 ;;
	--evalsha) script=$2; test=evalsha; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--fill) fill=$2; shift 2 ;;
	--server-args) server_args=$2; shift 2 ;;
	*=*) servers+=("$1"); shift ;;
	*) echo "unknown argument $1" >&2; exit 2 ;;
	esac
done
((${#servers[@]})) || { echo "no SERVER given" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
server_tls=() client_tls=()
if [[ -n $tls ]]; then
	c=$work/certs
	mkdir -p "$c"
	openssl ecparam -name prime256v1 -genkey -noout -out "$c/ca.key"
	openssl req -x509 -new -key "$c/ca.key" -subj /CN=ca -days 2 -out "$c/ca.crt" 2>/dev/null
	for n in server client; do
		openssl ecparam -name prime256v1 -genkey -noout -out "$c/$n.key"
		openssl req -new -key "$c/$n.key" -subj /CN=localhost -out "$c/$n.csr"
		openssl x509 -req -in "$c/$n.csr" -CA "$c/ca.crt" -CAkey "$c/ca.key" -CAcreateserial \
			-days 2 -out "$c/$n.crt" 2>/dev/null
	done
	server_tls=(--tls-cert-file "$c/server.crt" --tls-key-file "$c/server.key"
		--tls-ca-cert-file "$c/ca.crt" --tls-auth-clients yes)
	client_tls=(--tls --cacert "$c/ca.crt" --cert "$c/client.crt" --key "$c/client.key")
fi

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s}'; }
hz=$(getconf CLK_TCK)

printf '| server | test | -P | ops/s | server CPU µs/op | client CPU µs/op | server context switches/op |\n'
printf '|---|---|---:|---:|---:|---:|---:|\n'
for ((round = 1; round <= rounds; round++)); do
	for spec in "${servers[@]}"; do
		label=${spec%%=*} cmd=${spec#*=}
		up=
		for _ in 1 2 3; do # a random port may be taken: try another
			port=$((20000 + RANDOM % 20000))
			dir=$(mktemp -d -p "$work")
			if [[ -n $tls ]]; then
				ports=(--port 0 --tls-port "$port")
			else
				ports=(--port "$port")
			fi
			# shellcheck disable=SC2086 # COMMAND may carry env assignments
			$cmd "${ports[@]}" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
				"${server_tls[@]}" $server_args >"$dir/log" 2>&1 &
			pid=$!
			for _ in $(seq 100); do
				if redis-cli "${client_tls[@]}" -p "$port" ping >/dev/null 2>&1; then
					up=1
					break
				fi
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.05
			done
			[[ -n $up ]] && break
			kill "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		done
		if [[ -z $up ]]; then
			echo "$label did not start; its log:" >&2
			tail -5 "$dir/log" >&2
			exit 1
		fi
		load=(-t "$test" -r 1000000)
		if [[ -n $script ]]; then
			sha=$(redis-cli "${client_tls[@]}" -p "$port" SCRIPT LOAD "$script")
			load=(EVALSHA "$sha" 1 bench:counter)
		fi
		if ((fill > 0)); then
			redis-benchmark "${client_tls[@]}" -p "$port" -n "$fill" -c 50 -P 16 -q -t set -r 1000000 \
				>/dev/null 2>&1
		fi
		t0=$(ticks "$pid") s0=$(switches "$pid")
		/usr/bin/time -f '%U %S' -o "$work/client.time" \
			redis-benchmark "${client_tls[@]}" -p "$port" -n "$requests" -c 50 -P "$pipeline" \
			-q "${load[@]}" >"$work/out" 2>/dev/null
		t1=$(ticks "$pid") s1=$(switches "$pid")
		rps=$(tr '\r' '\n' <"$work/out" | grep -o '[0-9.]* requests per second' | tail -1 | cut -d' ' -f1)
		client=$(awk '{print $1 + $2}' "$work/client.time")
		awk -v l="$label" -v t="$test" -v p="$pipeline" -v r="$rps" -v n="$requests" -v hz="$hz" \
			-v dt="$((t1 - t0))" -v c="$client" -v ds="$((s1 - s0))" \
			'BEGIN { printf "| %s | %s | %d | %.0f | %.2f | %.2f | %.3f |\n", l, toupper(t), p, r, dt / hz * 1e6 / n, c * 1e6 / n, ds / n }'
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
done
