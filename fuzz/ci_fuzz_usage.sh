#!/bin/sh
# ci_fuzz_usage.sh SOURCE_DIR: ci/fuzz answers bad usage with one line on
# stderr and exit 2, writing nothing (no build, no --out folder); --help
# prints the usage, options and exit statuses and exits 0.
set -u
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/file"
rc=0
bad() { # what... -- ci/fuzz arguments
	status=0
	(cd "$tmp" && "$src/ci/fuzz" "$@") >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
	lines=$(wc -l <"$tmp/stderr")
	if [ $status != 2 ] || [ "$lines" != 1 ] || [ -s "$tmp/stdout" ]; then
		echo "FAIL: ci/fuzz $*: exit $status, $lines stderr lines, $(wc -c <"$tmp/stdout") stdout bytes"
		cat "$tmp/stderr"
		rc=1
	else
		echo "ok: ci/fuzz $*: $(cat "$tmp/stderr")"
	fi
	if [ -e "$tmp/new" ] || [ -e "$tmp/file/x" ]; then
		echo "FAIL: ci/fuzz $*: wrote its --out folder"
		rc=1
	fi
	rm -rf "$tmp/new"
}
bad --out "$tmp/file"
bad --out "$tmp/file/x"
bad --out ""
bad --out
bad --engine
bad --engine honggfuzz --out "$tmp/new"
bad --target nosuch --out "$tmp/new"
bad --target "" --out "$tmp/new"
bad --time 0 --out "$tmp/new"
bad --time 1.5 --out "$tmp/new"
bad --time 99999999999999999999 --out "$tmp/new"
bad --jobs -1 --out "$tmp/new"
bad --timeout abc --out "$tmp/new"
bad --rss-limit-mb "" --out "$tmp/new"
bad --defect nosuch --engine libfuzzer --out "$tmp/new"
bad --defect send_ctl_short --out "$tmp/new"
bad --defect send_ctl_short --engine libfuzzer --target scenario_parse --out "$tmp/new"
bad --frobnicate --out "$tmp/new"
bad --out "$tmp/new" extra
status=0
"$src/ci/fuzz" --help >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
for want in '^usage: ci/fuzz' '^options:' '--engine' '--out DIR' '^exit status:' '^  2  bad usage'; do
	grep -q -e "$want" "$tmp/stdout" || { echo "FAIL: --help does not say $want"; rc=1; }
done
[ $status = 0 ] && [ ! -s "$tmp/stderr" ] || { echo "FAIL: --help: exit $status"; rc=1; }
[ $rc = 0 ] && echo "every bad usage: one line, exit 2, nothing written; --help exits 0"
exit $rc
