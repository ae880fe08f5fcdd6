#!/bin/bash
# against_test.sh ANCDATA: comparing over time, the environment, and time.
#   - ancdata report --against [NAME=]PROFILE: the same kernel's profile from
#     an earlier run as the reference; a row that differs from it (a limit,
#     a case's step) has changed: exit 1, listed with was/now, a JUnit
#     failure in the "reference" suite; the same profile again: exit 0;
#     every verdict says what it was compared against;
#   - the environment (an rlimit, the LSMs) and the per-case time
#     (elapsed_us) differ between any two runs and never count: exit 0;
#   - a profile written before the environment had its own section (rlimit,
#     lsm, euid in limits; optmem_max a string) reads as one of now: against
#     its rewrite as now, nothing changed; its environment is shown;
#   - JUnit: one test case per case per kernel, each with its time, a
#     skipped one with its reason;
#   - bad --against input: one line, exit 2, nothing written.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
fail=0
no() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok: $*"; }
expect_rc() { # WANT WHAT CMD... (stdout to out, stderr to err)
	local want=$1 what=$2 rc=0
	shift 2
	"$@" >out 2>err || rc=$?
	[ "$rc" = "$want" ] && ok "$what (exit $rc)" || { no "$what: exit $rc, not $want"; head -5 err; }
}

"$bin" profile --output now.json >/dev/null || true
# the earlier run: one limit and one case's step otherwise
awk '/"scm_max_fd":/ {sub(/[0-9]+/, "250")}
	/"text": "ret=1 / && !c {sub(/"text": "ret=1 /, "\"text\": \"ret=2 "); c=1} {print}' now.json >earlier.json
# only the environment and the timing otherwise
awk '/"soft":/ {sub(/[0-9]+/, "77")} /"lsm":/ {sub(/: .*/, ": \"capability,yama\",")}
	/"elapsed_us":/ {sub(/[0-9]+/, "999999")} {print}' now.json >envonly.json
cmp -s now.json envonly.json && no "the environment-only rewrite changed nothing"

expect_rc 0 "report against the same profile" "$bin" report --against host=now.json host=now.json
grep -q '^Compared: the kernels with each other; host against the reference now.json (kernel ' out ||
	no "the verdict does not say which reference it came from"
grep -q '^Verdict: all held (against .*host against the reference now.json' out ||
	no "the last line does not say which reference"

expect_rc 1 "report against an earlier profile that differs" \
	"$bin" report --out r --against host=earlier.json host=now.json
grep -Fq -- '- **changed** on host against earlier.json: limits.scm_max_fd: was `250`, now `253`' out ||
	no "the changed limit is not listed with was and now"
grep -Eq -- '- \*\*changed\*\* on host against earlier.json: [a-z_0-9]+: was `step [0-9]+ [a-z]+: ret=2`, now `step [0-9]+ [a-z]+: ret=1`' out ||
	no "the changed case is not listed field by field"
grep -q '^2 rows changed against a reference\.$' out || no "not 2 rows changed"
grep -q '<testsuite name="reference" tests="[0-9]*" failures="2"' r/report.xml ||
	no "JUnit has no reference suite with the 2 changes as failures"
grep -q 'class="[a-z]* changed"' r/report.html || no "report.html does not mark the changed cells"

expect_rc 0 "the environment and timing alone never count (--against)" \
	"$bin" report --against host=envonly.json host=now.json
expect_rc 0 "the environment and timing alone never count (two kernels)" \
	"$bin" report a=now.json b=envonly.json
grep -q '^| rlimit_nofile.soft | `[0-9]*` | `77` |$' out || no "the environment is not shown side by side"
grep -q '^No behaviour differs between these kernels\.$' out || no "environment or timing counted as a difference"

# the earlier layout: rlimit/lsm/euid in limits, optmem_max text
sed -n '1,/"environment"/p' now.json | head -n -1 >old.json
cat >>old.json <<'EOF'
 "limits": {"scm_max_fd": 253, "enobufs_controllen": 1, "optmem_max": "20480",
  "rlimit_nofile": {"soft": 1024, "hard": 4096}, "lsm": null, "euid": 0},
 "cases": []}
EOF
sed 's/"optmem_max": "20480",/"optmem_max": 20480},/; /"rlimit_nofile"/d' old.json >new-layout.json
sed -i 's/^ "limits"/ "environment": {"rlimit_nofile": {"soft": 1024, "hard": 4096}, "lsm": null, "euid": 0},\n "limits"/' new-layout.json
expect_rc 0 "a profile of the earlier layout against its rewrite as now" \
	"$bin" report --against k=old.json k=new-layout.json
grep -q '^| rlimit_nofile.soft | `1024` |$' out || no "the earlier layout's rlimit is not in the environment"
grep -q 'optmem_max\|rlimit' <(grep '^- ' out) && no "the earlier layout's limits show as changes"

# JUnit: a case per case per kernel, with its time and a skip's reason
"$bin" report --out j a=now.json b=envonly.json >/dev/null
ncases=$(grep -c '"elapsed_us"' now.json)
n=$(grep -c '<testcase [^>]* time="[0-9]*\.[0-9]*"' j/report.xml)
[ "$n" = $((2 * ncases)) ] && ok "JUnit: $n test cases with a time (2 kernels x $ncases)" ||
	no "JUnit has $n timed test cases, not $((2 * ncases))"
grep -q '<skipped message="unsupported: ' j/report.xml || no "JUnit's skipped case has no reason"

# bad input: one line, exit 2, nothing written
expect_rc 2 "--against a missing file" "$bin" report --out bad --against none.json host=now.json
[ "$(wc -l <err)" = 1 ] && [ ! -e bad ] || no "--against a missing file: not one line, or wrote"
expect_rc 2 "--against a NAME no profile has" "$bin" report --against x=now.json host=now.json
expect_rc 2 "--against by release when two kernels have it" "$bin" report --against now.json a=now.json b=now.json
expect_rc 2 "two references for one kernel" "$bin" report --against a=now.json --against a=now.json a=now.json
expect_rc 2 "--against without a profile" "$bin" report a=now.json --against
exit $fail
