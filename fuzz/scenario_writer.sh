#!/bin/sh
# scenario_writer.sh SOCKETPAIR_REPLAY ANCDATA CORPUS: the scenario the
# socketpair target writes for an input (ANCDATA_FUZZ_SCENARIO, what ci/fuzz
# puts beside each crash) is a valid scenario that `ancdata probe` runs, for
# every input of corpus/socketpair.  It is printed by the
# scenario model's printer, so it parses; this checks what the target puts
# into the model (pipes named in order, items, raw pieces, the step limits).
set -u
replay=$1 ancdata=$2 corpus=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0 n=0
for f in "$corpus"/*; do
	[ -f "$f" ] || continue
	c=$tmp/$(basename "$f").case
	ANCDATA_FUZZ_SCENARIO=$c "$replay" -runs=1 "$f" >/dev/null 2>&1
	if [ ! -s "$c" ]; then
		echo "no scenario written for $f"
		rc=1
		continue
	fi
	status=0
	"$ancdata" probe "$c" >/dev/null 2>"$tmp/err" || status=$?
	if [ $status = 2 ]; then
		echo "$f: $(cat "$tmp/err")"
		rc=1
	fi
	n=$((n + 1))
done
[ $rc = 0 ] && echo "$n scenarios written and probed"
exit $rc
