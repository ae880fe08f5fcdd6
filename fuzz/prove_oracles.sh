#!/bin/sh
# prove_oracles.sh FUZZ_BUILD_DIR CORPUS "DEFECT..." - runs each fuzz target
# that drives libancdata (cmsg_parse, socketpair) for a short while against
# each test-only defective variant of the library (fuzz/defects.cmake), from
# a copy of its corpus, and requires every defect to be reported by at least
# one of them.  Prints a table: what each target reported for each defect.
set -u
dir=$1 corpus=$2 defects=$3
secs=${PROVE_SECONDS:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
printf '%-20s %-40s %-40s\n' defect cmsg_parse socketpair
for d in $defects; do
	row=$(printf '%-20s' "$d") caught=0
	for t in cmsg_parse socketpair; do
		work="$tmp/$d-$t"
		mkdir -p "$work/corpus"
		cp "$corpus/$t"/* "$work/corpus/"
		"$dir/${t}_defect_$d" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
			-seed=1 -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1
		status=$?
		art=$(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null | head -1)
		if [ "$status" != 0 ] && [ -n "$art" ]; then
			what=$(grep -m1 -o -E '(socketpair|cmsg_parse): .*|==ANCDATA FD LEAK==|AddressSanitizer: [a-z-]+|runtime error|libFuzzer: [a-z-]+( [a-z]+)?' "$work/log" | head -c 38)
			row="$row $(printf '%-40s' "${what:-crash}")"
			caught=1
		else
			row="$row $(printf '%-40s' "-")"
		fi
	done
	echo "$row"
	[ $caught = 1 ] || { echo "NOT REPORTED: $d"; rc=1; }
done
[ $rc = 0 ] && echo "every defect reported"
exit $rc
