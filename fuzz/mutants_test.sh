#!/bin/sh
# mutants_test.sh SOURCE BUILD "MUTANT..." - ci/mutants as CI runs it, on
# the mutants the fuzz-libfuzzer build makes as defect variants (fuzz/
# CMakeLists.txt), for a few seconds: bad usage is exit 2 with one line,
# the run exits 0, its table has a row per mutant and the unmutated
# library, a found mutant shows what found it and the equivalent mutant
# survives, and no fuzz target is left running.
set -u
src=$1 build=$2 mutants=$3
out=$build/mutants-test
fail() { echo "FAIL: $1" >&2; exit 1; }
rm -rf "$out"

"$src/ci/mutants" --time 0 >"$out.usage" 2>&1
[ $? = 2 ] || fail "--time 0 is not exit 2"
[ "$(wc -l <"$out.usage")" = 1 ] || fail "bad usage is not one line: $(cat "$out.usage")"
"$src/ci/mutants" --mutants no_such_mutant >/dev/null 2>&1
[ $? = 2 ] || fail "an unknown mutant is not exit 2"
[ ! -e "$out" ] || fail "bad usage wrote $out"
"$src/ci/mutants" --help >/dev/null || fail "--help is not exit 0"

list=$(echo "$mutants" | tr ' ' ',')
"$src/ci/mutants" --skip-tests --engine libfuzzer --fuzz-build "$build" --time 4 \
	--mutants "$list" --out "$out" >"$out.log" 2>&1
rc=$?
cat "$out.log"
[ $rc = 0 ] || fail "ci/mutants exited $rc"
for m in none $mutants; do
	grep -q "^$m " "$out/table.txt" || fail "no row for $m"
done
for m in $mutants; do
	if grep -q '^equivalent:' "$src/fuzz/mutants/$m.mutant"; then
		grep "^$m " "$out/table.txt" | grep -q 'EQUIVALENT:' || fail "$m is not shown equivalent"
	else
		grep "^$m " "$out/table.txt" | grep -q -E '(cmsg_parse|socketpair)' ||
			fail "$m was found by nothing"
	fi
done
for m in $mutants; do
	if pgrep -f "$build/fuzz/[a-z_]*_defect_$m" >/dev/null; then
		fail "a fuzz target of $m is still running"
	fi
done
echo "ci/mutants ran and reported every mutant"
