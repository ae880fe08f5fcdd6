#!/bin/sh
# report_test.sh ANCDATA: `ancdata report` on hostile, failing and bad input.
#   - a profile whose text is markup, quotes, control characters and
#     noncharacters: report.html parses as HTML with none of it raw,
#     report.xml is well-formed XML (xmllint, Debian libxml2-utils);
#   - a failed case and a kernel error each fail the verdict (exit 1) and
#     are shown with their reason; "nothing differs" is never the verdict;
#   - bad input: one line, exit 2, nothing printed or written;
#   - --help: usage and exit statuses, exit 0.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
cd "$tmp" || exit 1

cat >hostile.json <<'JSON'
{"format": "ancdata-profile/1",
 "kernel": {"release": "6.1.0-<script>", "version": "v\"'&", "machine": "x86_64\u0007", "point_release": null},
 "limits": {"scm_max_fd": 253, "odd\"><b>": "a\" onmouseover=alert(1) x=\"",
            "ctl": "bell\u0007 esc\u001b[31m soh\u0001 del\u007f c1\u0085 nonchar\uffff cr\r end"},
 "features": {"UNIX_OOB": true},
 "cases": [
  {"id": "hostile_<i>case</i>", "area": "\"><img src=x onerror=alert(1)>", "purpose": "p</td>",
   "tags": ["<t>"], "status": "fail", "why": "why \"<img src=x onerror=alert(2)>\" esc\u001b[2J del\u007f c1\u0085 nonchar\uffff cr\r end",
   "observation": [{"text": "ret=1 data=\"</pre><script>alert(3)</script>\""}]},
  {"id": "ok_case", "area": "flags", "status": "pass", "observation": [{"text": "ret=1"}]}
 ]}
JSON
"$bin" report 'h<"x"=hostile.json' --out h >h.stdout 2>h.err && no "a hostile name was taken"
"$bin" report h=hostile.json --out h >h.stdout 2>h.err
[ $? = 1 ] || no "a profile with a failed case did not exit 1"
xmllint --noout h/report.xml || no "report.xml is not well-formed XML"
xmllint --html --noout h/report.html 2>h.lint || no "report.html does not parse as HTML"
[ -s h.lint ] && { no "libxml2's HTML parser complains"; cat h.lint; }
for pat in '<img' '<b>' '<i>' '<t>' '<script>alert' '" onmouseover' '</td>"' '</pre><script'; do
	grep -F -q "$pat" h/report.html h/report.xml && no "raw markup from the profile: $pat"
done
# no control character but TAB and LF in any output, none on the terminal
if grep -q -P '[\x00-\x08\x0b-\x1f\x7f]' h/report.html h/report.xml h/report.md h.stdout; then
	no "a control character came through raw"
fi
grep -q -F 'esc\x1b[2J del\x7f c1\xc2\x85 nonchar\xef\xbf\xbf cr\x0d end' \
	h/report.html || no "the control characters are not shown as \\xNN"

# the verdict: a failed case, with its why, in every format
"$bin" profile --filter flags_cloexec_set --output a.json >/dev/null || no "profile failed"
sed '0,/"status": "pass"/s//"status": "fail", "why": "made to fail by report_test"/' a.json >b.json
"$bin" report old=a.json new=b.json --out v >v.stdout
[ $? = 1 ] || no "report old=A new=B with a failing case did not exit 1"
grep -q 'Verdict: FAILED' v.stdout || no "no failed verdict"
grep -q 'flags_cloexec_set: made to fail by report_test' v.stdout || no "the failed case and its why are not shown"
grep -q 'No behaviour differs' v.stdout && no "says nothing differs while a case failed"
grep -q 'made to fail by report_test' v/report.html || no "report.html does not show the why"
grep -q '<failure message="made to fail by report_test"' v/report.xml || no "JUnit has no failure"
# a differing row shows the fields that differ, step by step
sed '0,/controllen=[0-9]*/s//controllen=999/' a.json >c.json
"$bin" report old=a.json new=c.json >c.stdout
grep -q -E '\| `step 2 recv: controllen=[0-9]+` \| `step 2 recv: controllen=999` \|' c.stdout ||
	no "the differing field is not shown by itself"
grep -q '^| flags | 1 | 0 | 1 | 2 | 0 | 0 | 0 |$' c.stdout || no "no counts per area"
sed '0,/"status": "pass"/s//"status": "skip", "why": "unsupported: made to skip"/' a.json >s.json
"$bin" report old=a.json new=s.json >s.stdout || no "a skipped case failed the verdict"
grep -q '^- flags_cloexec_set on new: unsupported: made to skip$' s.stdout || no "a skipped case does not say why"
"$bin" report same1=b.json same2=b.json >/dev/null
[ $? = 1 ] || no "the same failing profile twice did not exit 1"
"$bin" report old=a.json new=a.json >ok.stdout || no "two passing profiles did not exit 0"
grep -q 'Verdict: all held' ok.stdout || no "no all-held verdict"

# a kernel error read from the profile (no second parse): a row, exit 1
cat >kerr.json <<'JSON'
{"format": "ancdata-profile/1", "kernel": {"release": "guest", "version": null, "machine": null, "point_release": null},
 "kernel_error": "kernel panic (exit status 1)", "console_tail": "Kernel panic - not syncing: \u0001x\n tail", "cases": []}
JSON
"$bin" report host=a.json guest=kerr.json --out k >k.stdout
[ $? = 1 ] || no "a kernel error did not exit 1"
grep -q 'kernel error\*\* on guest: kernel panic' k.stdout || no "the kernel error is not in the verdict"
grep -q 'Kernel panic - not syncing: \\x01x' k.stdout || no "the console tail is not shown"
grep -q '<error message="kernel panic (exit status 1)"' k/report.xml || no "JUnit has no kernel error"

# a baseline: a new row fails; the same rows again hold
"$bin" report old=a.json new=kerr.json --update-baseline base.json >/dev/null
"$bin" report --baseline base.json old=a.json new=b.json >/dev/null
[ $? = 1 ] || no "a row new against the baseline did not exit 1"

# bad input: one line, exit 2, nothing printed or written
check2() { # what command...
	what=$1; shift
	rm -rf out2; "$@" >o2 2>e2
	rc=$?
	[ $rc = 2 ] || no "$what: exit $rc, not 2"
	[ "$(wc -l <e2)" = 1 ] || { no "$what: not one line on stderr"; cat e2; }
	[ -s o2 ] && no "$what: printed on stdout"
	[ -e out2 ] && no "$what: wrote out2"
	echo "ok: $what: $(cat e2)"
}
printf '\177ELF\001\002\000binary' >binary
check2 "two columns with one name" "$bin" report --out out2 a=a.json a=b.json
check2 "two profiles of one release" "$bin" report --out out2 a.json a.json
check2 "--out in a missing folder" "$bin" report --out /nonexistent/d a.json
check2 "--out on a file" "$bin" report --out binary a.json
check2 "a binary baseline" "$bin" report --out out2 --baseline binary a.json
check2 "a missing baseline" "$bin" report --out out2 --baseline none.json a.json
check2 "--update-baseline into a missing folder" "$bin" report --out out2 --update-baseline /nonexistent/b.json a.json
check2 "an empty name" "$bin" report --out out2 =a.json
check2 "--out without a folder" "$bin" report a.json --out
# guest-console: a console with CR, terminal escapes, TAB, NUL, bytes that
# are not UTF-8 and a panic line becomes a kernel-error profile that the
# report reads and shows; a good console gives its profile
{ printf '[ 1.0] Kernel panic - not syncing: No working init found.\n'
  i=0; while [ $i -lt 40 ]; do echo " trace $i"; i=$((i + 1)); done
  printf 'boot\r\n\033[31mred\033[0m\tline\nnul\000 latin \377\376\n'; } >panic.log
"$bin" guest-console uml panic.log 134 --output g.json 2>/dev/null
[ $? = 1 ] || no "guest-console on a panic did not exit 1"
"$bin" report uml=g.json >g.stdout
[ $? = 1 ] || no "the report of a kernel-error profile did not exit 1"
grep -q 'kernel error\*\* on uml: kernel panic (exit status 134)' g.stdout || no "no kernel panic in the verdict"
grep -q 'Kernel panic - not syncing: No working init found' g.stdout || no "the panic line left the tail"
grep -q -F 'red	line' g.stdout || no "CR, escapes or TAB not handled"
grep -q -F 'nul\x00 latin \xff\xfe' g.stdout || no "NUL or non-UTF-8 bytes lost"
grep -q "trace 39" g.stdout || no "the end of the console left the tail"
{ echo noise; echo '==ANCDATA-PROFILE-BEGIN=='; tr -d '\n' <a.json; echo; echo '==ANCDATA-PROFILE-END=='; } >good.log
"$bin" guest-console g good.log 0 --output good.json || no "guest-console on a good console did not exit 0"
"$bin" report g=good.json >/dev/null || no "the profile from a good console does not read"
head -c 300 good.log >trunc.log
"$bin" guest-console g trunc.log 0 --output t.json 2>/dev/null
grep -q '"kernel_error": "truncated profile' t.json || no "a truncated profile is not named"
"$bin" guest-console g /dev/null 124 --timeout 300 --output t.json 2>/dev/null
grep -q '"kernel_error": "no power-off within 300s' t.json || no "a hang is not named"
check2 "guest-console: a bad exit status" "$bin" guest-console g good.log x --output out2
check2 "guest-console: a missing log" "$bin" guest-console g none.log 0 --output out2
check2 "guest-console: no --output" "$bin" guest-console g good.log 0
"$bin" guest-console --help | grep -q 'Exit status' || no "guest-console --help"
"$bin" report --help >help || no "--help did not exit 0"
grep -q 'Exit status' help || no "--help does not give the exit statuses"
exit $fail
