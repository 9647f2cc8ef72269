#!/usr/bin/env bash
# gobench.sh runs the Go micro-benchmarks of ./internal/... (the hot paths:
# RESP, hash table, RDB, listpack, ...) with -benchmem and prints a Markdown
# summary: one row per benchmark with medians over -count runs, the
# packages that failed, and which hot paths named in the benchmark issue
# still have no benchmark. No server is needed.
#
# Usage: bench/gobench.sh [--benchtime D] [--count N] [package pattern...]
#   --benchtime D  go test -benchtime (default 1s; e.g. 200ms or 1000x)
#   --count N      go test -count (default 3)
# The raw output goes to bench/out/gobench.txt, the summary to stdout and
# bench/out/gobench.md. Compare two raw files with benchstat if you have it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$PATH:/usr/local/go/bin"

benchtime=1s
count=3
pkgs=()
while (($#)); do
	case $1 in
	--benchtime)
		benchtime=$2
		shift 2
		;;
	--count)
		count=$2
		shift 2
		;;
	-h | --help)
		sed -n '2,/^set -e/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		pkgs+=("$1")
		shift
		;;
	esac
done
((${#pkgs[@]})) || pkgs=(./internal/...)

mkdir -p bench/out
go build -o bench/out/vbench ./bench/cmd/vbench
# Packages that fail to build (someone may be mid-edit) are reported in the
# summary; the others are still measured.
go test -run='^$' -bench=. -benchmem -benchtime="$benchtime" -count="$count" "${pkgs[@]}" \
	2>&1 | tee bench/out/gobench.txt >&2 || true
{
	echo "Command: \`bench/gobench.sh --benchtime $benchtime --count $count ${pkgs[*]}\`, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)."
	echo
	bench/out/vbench gobench bench/out/gobench.txt
} | tee bench/out/gobench.md
