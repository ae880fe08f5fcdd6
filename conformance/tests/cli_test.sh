#!/bin/sh
# cli_test.sh ANCDATA CASES_DIR: the ancdata command answers bad input with
# one line naming the problem and exit status 2, and good input as documented.
set -u
bin=$1 cases=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # want-status description command...
	want=$1 what=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, wanted $want"; cat "$tmp/err"; fail=1
	elif [ "$want" = 2 ] && [ "$lines" != 1 ]; then
		echo "FAIL: $what: $lines lines on stderr, wanted one"; cat "$tmp/err"; fail=1
	else
		echo "ok: $what: $(head -c 150 "$tmp/err")"
	fi
}
printf 'id x\narea send\nsocket stream\nsend q\n' >"$tmp/bad.case"
head -c 40 "$cases/cpython_fd_pass_simple.case" >"$tmp/truncated.case"
printf 'id x\narea send\nsocket stream\nsend a data=x\000\n' >"$tmp/nul.case"
check 2 "no command" "$bin"
check 2 "unknown command" "$bin" frobnicate
check 2 "probe without a file" "$bin" probe
check 2 "probe of a missing file" "$bin" probe "$tmp/none.case"
check 2 "probe of a broken scenario" "$bin" probe "$tmp/bad.case"
grep -q 'line 4' "$tmp/err" || { echo "FAIL: the error does not name line 4"; fail=1; }
check 2 "probe of a truncated scenario" "$bin" probe "$tmp/truncated.case"
check 2 "probe of a file with a NUL byte" "$bin" probe "$tmp/nul.case"
check 2 "probe of a directory" "$bin" probe "$tmp"
check 2 "profile with an unknown option" "$bin" profile --frob
check 2 "profile into a missing folder" "$bin" profile --filter cpython_fd_pass_simple --output "$tmp/no/such/p.json"
check 2 "show of an unknown case" "$bin" show nope
check 2 "differential without a driver" "$bin" differential
check 2 "differential with a missing driver" "$bin" differential --driver "$tmp/none.py"
check 0 "probe of a good case" "$bin" probe "$cases/cpython_fd_pass_simple.case"
grep -q '"status": "pass"' "$tmp/out" || { echo "FAIL: no pass in the probe's JSON"; fail=1; }
check 0 "probe from stdin" sh -c "\"$bin\" probe - < \"$cases/flags_cloexec_set.case\""
sed 's/cloexec=all/cloexec=none/' "$cases/flags_cloexec_set.case" >"$tmp/wrong.case"
check 1 "probe of a case whose expectation is wrong" "$bin" probe "$tmp/wrong.case"
grep -q '"expected"' "$tmp/out" || { echo "FAIL: a failed probe does not show the expectation"; fail=1; }
"$bin" profile --filter cpython_fd_pass_simple --output "$tmp/p.json" >/dev/null
head -c 300 "$tmp/p.json" >"$tmp/truncated.json"
printf '{"format": "something else"}' >"$tmp/other.json"
check 2 "report without a profile" "$bin" report
check 2 "report of a truncated profile" "$bin" report "$tmp/truncated.json"
check 2 "report of a JSON that is not a profile" "$bin" report "$tmp/other.json"
check 2 "report of a missing profile" "$bin" report "$tmp/none.json"
check 2 "report with an unknown option" "$bin" report --frob "$tmp/p.json"
check 2 "report against a baseline that is not one" "$bin" report --baseline "$tmp/other.json" "$tmp/p.json"
check 0 "report of one kernel twice" "$bin" report --out "$tmp/rep" a="$tmp/p.json" b="$tmp/p.json"
grep -q "No behaviour differs" "$tmp/out" || { echo "FAIL: the same profile twice is not an empty report"; fail=1; }
for f in report.md report.html report.xml; do [ -s "$tmp/rep/$f" ] || { echo "FAIL: no $f"; fail=1; }; done
sed 's/"scm_max_fd": 253/"scm_max_fd": 254/' "$tmp/p.json" >"$tmp/q.json"
check 0 "report that records a baseline" "$bin" report --update-baseline "$tmp/base.json" a="$tmp/p.json" b="$tmp/q.json"
check 0 "report against the baseline it expects" "$bin" report --baseline "$tmp/base.json" a="$tmp/p.json" b="$tmp/q.json"
sed 's/"scm_max_fd": 253/"scm_max_fd": 252/' "$tmp/p.json" >"$tmp/r.json"
check 1 "report with a change the baseline does not expect" "$bin" report --baseline "$tmp/base.json" a="$tmp/p.json" b="$tmp/r.json"
grep -q '\*\*new\*\*' "$tmp/out" || { echo "FAIL: the new difference is not marked new"; fail=1; }
src=$(cd "$cases/../.." && pwd)
check 2 "ci/kernels with a kernel image that does not exist" "$src/ci/kernels" --ancdata "$bin" /no/such/bzImage
check 2 "ci/kernels with an unknown option" "$src/ci/kernels" --frob
check 0 "list" "$bin" list
[ "$(wc -l <"$tmp/out")" -ge 150 ] || { echo "FAIL: list shows fewer than 150 cases"; fail=1; }
check 0 "show" "$bin" show cpython_fd_pass_simple
exit $fail
