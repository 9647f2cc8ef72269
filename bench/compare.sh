#!/usr/bin/env bash
# compare.sh measures vesta-server against Debian's redis-server 7.0 on this
# machine. It builds vesta-server and the vbench driver (bench/cmd/vbench),
# then runs the chosen scenarios (all by default) with both servers on
# loopback ports, alternating between them, and writes a Markdown report,
# raw CSV and a chart to bench/out/latest/.
#
# Usage: bench/compare.sh [scenario...] [options]
#
# Scenarios: throughput (with latency), types (streams, HyperLogLog, geo,
# EVALSHA of a one-call and a ten-call script, FCALL), snapshot, memory,
# recovery, tls (SET/GET over TLS at -P 1 and -P 16; needs redis-server
# built with TLS), overhead (what diagnostics and the ACL check cost each
# server: SET/GET at -P 1 and -P 16 with them off and on), replication
# (full sync disk and diskless, master memory, throughput and p99 during
# it, lag under -P 16 SETs, replica restarts).
# Options:
#   --rounds N     rounds per measurement (default 5)
#   --quick        smoke run: 1 round, short loads, 10x smaller data sets
#   --budget D     time for the throughput runs in all, e.g. 4m (the default)
#   --rev REV      build vesta-server from git revision REV instead of the
#                  working tree (useful while the tree is mid-edit)
#   --publish      also write the results into docs/BENCHMARKS.md and the
#                  chart and raw CSV into bench/results/
#   --out DIR      report directory (default bench/out/latest)
#   --keep         keep the servers' data directories
#
# Needs Go, redis-server and redis-tools (redis-benchmark); gnuplot-nox for
# the chart, which is skipped with a message when gnuplot is missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$PATH:/usr/local/go/bin"

scenarios=()
flags=()
rev=
publish=
out=bench/out/latest
command="bench/compare.sh $*"
while (($#)); do
	case $1 in
	--rounds | --budget)
		flags+=("-${1#--}" "$2")
		shift 2
		;;
	--out)
		out=$2
		shift 2
		;;
	--rev)
		rev=$2
		shift 2
		;;
	--quick | --keep)
		flags+=("-${1#--}")
		shift
		;;
	--publish)
		publish=1
		shift
		;;
	-h | --help)
		sed -n '2,/^set -e/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "compare.sh: unknown option $1 (try --help)" >&2
		exit 2
		;;
	*)
		scenarios+=("$1")
		shift
		;;
	esac
done

need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v redis-benchmark >/dev/null || need_apt+=(redis-tools)
command -v gnuplot >/dev/null || need_apt+=(gnuplot-nox)
if ((${#need_apt[@]})); then
	if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		echo "compare.sh: installing ${need_apt[*]}" >&2
		export DEBIAN_FRONTEND=noninteractive
		{ apt-get update -qq && apt-get install -y -qq "${need_apt[@]}"; } >/dev/null 2>&1 ||
			echo "compare.sh: could not install ${need_apt[*]}" >&2
		# Debian's package starts a service on port 6379; the suite
		# starts its own servers, so stop that one.
		service redis-server stop >/dev/null 2>&1 || true
	fi
fi
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || {
	echo "compare.sh: needs redis-server and redis-benchmark (apt-get install redis-server redis-tools)" >&2
	exit 1
}

mkdir -p bench/out
if [[ -n $rev ]]; then
	src=$(mktemp -d)
	trap 'rm -rf "$src"' EXIT
	git archive "$rev" | tar -x -C "$src"
	vesta_rev=$(git rev-parse --short "$rev")
	(cd "$src" && go build -o "$root/bench/out/vesta-server" ./cmd/vesta-server)
else
	vesta_rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
	if [[ -n $(git status --porcelain -- cmd internal go.mod 2>/dev/null) ]]; then
		vesta_rev+="+uncommitted changes"
	fi
	go build -o bench/out/vesta-server ./cmd/vesta-server
fi
go build -o bench/out/vbench ./bench/cmd/vbench

if [[ -n $publish ]]; then
	flags+=(-doc docs/BENCHMARKS.md -publish bench/results)
fi
exec bench/out/vbench compare -vesta bench/out/vesta-server -out "$out" \
	-vesta-rev "$vesta_rev" -command "$command" "${flags[@]}" "${scenarios[@]}"
