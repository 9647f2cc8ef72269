#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME (default 10s) each.
#
# Go 1.26's fuzzing coordinator can fail a target with a bare "context
# deadline exceeded" when -fuzztime expires while a worker is mid-call
# (golang/go#75804, fixed in Go 1.27), with no failing input found. Such a
# run is retried once; any other failure, or a run that wrote a failing
# input, fails at once.
#
# Targets are found with go test -list in every package. A package whose
# tests do not build would list none, so that fails the run; and the number
# of targets run is checked against the func Fuzz declarations in the
# tree's test files, so that none is left out silently.
set -uo pipefail
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-10s}
pkgs=$($GO list ./...) || exit 1
ran=0
for pkg in $pkgs; do
	if ! list=$($GO test -list '^Fuzz' "$pkg" 2>&1); then
		printf '%s\n' "$list"
		echo "== $pkg: go test -list failed, so its fuzz targets cannot be run"
		exit 1
	fi
	for t in $(grep '^Fuzz' <<<"$list"); do
		ran=$((ran + 1))
		for attempt in 1 2; do
			echo "== $pkg $t"
			out=$($GO test -run '^$' -fuzz "^$t\$" -fuzztime "$FUZZTIME" "$pkg" 2>&1)
			status=$?
			printf '%s\n' "$out"
			[ $status -eq 0 ] && break
			if [ $attempt -eq 1 ] && grep -q 'context deadline exceeded' <<<"$out" &&
				! grep -q 'Failing input written\|panic:' <<<"$out"; then
				echo "== $t: the fuzzing engine's deadline race (golang/go#75804), no failing input: running it again"
				continue
			fi
			exit 1
		done
	done
done
# go list skips testdata and directories starting with . or _; so does this.
declared=$(grep -rhE --include='*_test.go' --exclude-dir=testdata --exclude-dir='.?*' --exclude-dir='_*' \
	'^func Fuzz[A-Za-z0-9_]*\(' . | wc -l)
echo "== ran $ran fuzz targets; the test files declare $declared"
if [ "$ran" -ne "$declared" ]; then
	echo "== some fuzz targets were not run: compare go test -list '^Fuzz' with grep '^func Fuzz'"
	exit 1
fi
