#!/bin/sh
# ci_help_test.sh SOURCE_DIR: ci/test, ci/bench and ci/coverage answer
# --help (and -h) with usage, options and exit statuses and exit 0, without
# installing or building anything; bad usage is one line and exit 2; and
# ci/test's shellcheck step ends with the verdict line "N passed, M failed"
# whose exit status agrees with it.
set -u
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # want-status description command...
	want=$1 what=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, wanted $want"; head -c 2000 "$tmp/err"; fail=1
	elif [ "$want" = 2 ] && [ "$(wc -l <"$tmp/err")" != 1 ]; then
		echo "FAIL: $what: not one line on stderr"; head -c 2000 "$tmp/err"; fail=1
	else
		echo "ok: $what: $(head -c 150 "$tmp/err")"
	fi
}
for script in test bench coverage; do
	for flag in --help -h; do
		check 0 "ci/$script $flag" "$src/ci/$script" "$flag"
		for part in "usage: ci/$script" "options:" "--help" "exit status:" "  2  "; do
			grep -q -- "$part" "$tmp/out" || { echo "FAIL: ci/$script $flag: no '$part'"; fail=1; }
		done
		[ ! -s "$tmp/err" ] || { echo "FAIL: ci/$script $flag wrote on stderr"; fail=1; }
	done
done
check 2 "ci/test with an unknown option" "$src/ci/test" --frob
check 2 "ci/bench with an unknown benchmark" "$src/ci/bench" frob
check 2 "ci/bench with two benchmarks" "$src/ci/bench" recv fuzz
check 2 "ci/bench fuzz with a bad BENCH_FUZZ_SECONDS" env BENCH_FUZZ_SECONDS=1x "$src/ci/bench" fuzz
check 2 "ci/coverage with an unknown option" "$src/ci/coverage" --frob
check 2 "ci/coverage --out without a folder" "$src/ci/coverage" --out
: >"$tmp/file"
check 2 "ci/coverage --out onto a file" "$src/ci/coverage" --out "$tmp/file"
check 2 "ci/coverage --out under a file" "$src/ci/coverage" --out "$tmp/file/x"

# the verdict: the last line, exactly "N passed, M failed" (", K skipped")
"$src/ci/test" --shellcheck >"$tmp/out" 2>&1
rc=$?
last=$(tail -n 1 "$tmp/out")
if ! echo "$last" | grep -Eq '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$'; then
	echo "FAIL: ci/test --shellcheck does not end with a verdict: '$last'"; fail=1
elif echo "$last" | grep -q ' 0 failed' && [ $rc != 0 ]; then
	echo "FAIL: ci/test --shellcheck: '$last' with exit status $rc"; fail=1
elif ! echo "$last" | grep -q ' 0 failed' && [ $rc != 1 ]; then
	echo "FAIL: ci/test --shellcheck: '$last' with exit status $rc, not 1"; fail=1
else
	echo "ok: ci/test --shellcheck: '$last', exit $rc"
	grep '^FAILED' "$tmp/out"
fi
exit $fail
