#!/bin/sh
# ci_fuzz_reports.sh SOURCE_DIR BUILD_DIR: ci/fuzz, run as CI runs it, must
# report a crash that only a sanitizer sees, with the input saved and a
# reproduce command that reproduces it, and leave no process behind.  Three
# planted defects (fuzz/defects.cmake): ASan heap overflows in a send and
# inside a receive, and a receive that spins (libFuzzer's -timeout), the last
# two in a receive that the socketpair target runs at a small RLIMIT_NOFILE
# (corpus/socketpair/regression-crash-file-under-small-rlimit), where the
# engine has no fd left for the crash file unless the target lifts the
# limit first.  A target that replaced libFuzzer's sanitizer death
# callback, or one that died at the small limit, leaves no crash file: the
# engine printed the report and ci/fuzz must still not pass.  Then a short
# AFL++ run, after which no process may be left.
set -u
src=$1 build=$2
[ "$(cd "$build" && pwd -P)" = "$(cd "$src/build/fuzz-libfuzzer" 2>/dev/null && pwd -P)" ] || {
	echo "this test runs ci/fuzz --no-build on build/fuzz-libfuzzer: configure with the fuzz-libfuzzer preset"
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
for d in send_ctl_short alloc_ctl_short spin_on_ctrunc; do
	out=$tmp/$d
	status=0
	"$src/ci/fuzz" --engine libfuzzer --target socketpair --defect "$d" --time 30 \
		--timeout 2 --no-build --out "$out" >"$tmp/$d.log" 2>&1 || status=$?
	[ $status = 1 ] || fail "$d: ci/fuzz exited $status, not 1"
	grep -q 'unique crashes: [1-9]' "$tmp/$d.log" || fail "$d: ci/fuzz reported no crash"
	if grep -q 'FAILED' "$tmp/$d.log"; then
		fail "$d: ci/fuzz says an engine did not save its input"
	fi
	n=$(find "$out/libfuzzer/socketpair/artifacts" -type f \( -name 'crash-*' -o -name 'timeout-*' \) | wc -l)
	[ "$n" -gt 0 ] || fail "$d: no crash file saved"
	want='ERROR: AddressSanitizer: heap-buffer-overflow'
	[ $d = spin_on_ctrunc ] && want='ERROR: libFuzzer: timeout'
	for r in "$out"/crashes/socketpair-*/reproduce; do
		[ -f "$r" ] || { fail "$d: no reproduce command"; continue; }
		status=0
		(cd "$src" && sh "$r") >"$tmp/$d.repro" 2>&1 || status=$?
		[ $status != 0 ] || fail "$d: the reproduce command exits 0: $(cat "$r")"
		grep -q "$want" "$tmp/$d.repro" ||
			fail "$d: the reproduce command does not show '$want': $(cat "$r")"
		echo "$d: $(cat "${r%/reproduce}/signature")"
		echo "  reproduce: $(cat "$r")"
	done
	# nothing ci/fuzz started is left (each engine and helper is named by
	# its paths under $out)
	left=$(pgrep -f -- "$out" || true)
	[ -z "$left" ] || fail "$d: processes left behind: $(ps -o pid,stat,args -p "$(echo $left | tr ' ' ,)")"
	[ $rc = 0 ] || { echo "--- ci/fuzz output"; cat "$tmp/$d.log"; }
done
# own processes of ci/fuzz runs from $src (not prove_oracles', which run
# from the build folder), left after a run: none may be
leftovers() { # pattern
	for p in $(pgrep -f -- "$1"); do
		[ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$(cd "$src" && pwd -P)" ] &&
			ps -o pid=,stat=,args= -p "$p"
	done
}
# AFL++ (built here if missing: ci/fuzz builds only what the engine needs):
# a short run of the socketpair target, whose CmpLog forkserver AFL++ leaves
# stopped (state T, parent 1) in a session of its own
out=$tmp/afl
status=0
"$src/ci/fuzz" --engine afl --target socketpair --time 20 --no-merge --out "$out" \
	>"$tmp/afl.log" 2>&1 || status=$?
[ $status = 0 ] || fail "afl: ci/fuzz exited $status, not 0"
grep -q '^ci/fuzz: building fuzz-afl fuzz-afl-cmplog asan$' "$tmp/afl.log" ||
	fail "afl: ci/fuzz built more (or less) than AFL++ needs"
grep -q '^socketpair  *afl  *[1-9]' "$tmp/afl.log" || fail "afl: no execs in the summary"
left=$(leftovers 'build/fuzz-')
[ -z "$left" ] || fail "afl: processes left behind: $left"
[ $rc = 0 ] || { echo "--- ci/fuzz output"; cat "$tmp/afl.log"; }
[ $rc = 0 ] && echo "ci/fuzz reported and saved every planted sanitizer error; no process left"
exit $rc
