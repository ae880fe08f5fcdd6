#!/bin/sh
# determinism_test.sh ANCDATA RUNS: the whole profile (the concurrency,
# second-process, address and other-family cases with the rest) run RUNS
# times on this kernel gives the same JSON every time, apart from the
# timing: no observation depends on scheduling luck.
set -eu
bin=$1
runs=${2:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	"$bin" profile --output "$tmp/run.json" >/dev/null || {
		echo "run $i: a case failed or could not run"
		grep -B3 -A12 '"status": "fail"\|"status": "error"' "$tmp/run.json" | head -60
		exit 1
	}
	grep -v -E '"elapsed_(ms|us)"' "$tmp/run.json" >"$tmp/run$i.cmp"
	if [ "$i" -gt 1 ] && ! cmp -s "$tmp/run1.cmp" "$tmp/run$i.cmp"; then
		echo "run $i differs from run 1:"
		diff -u "$tmp/run1.cmp" "$tmp/run$i.cmp" | head -60
		exit 1
	fi
done
cases=$(grep -c '"status"' "$tmp/run1.cmp")
echo "determinism: $runs runs of $cases cases, identical apart from the timing"
