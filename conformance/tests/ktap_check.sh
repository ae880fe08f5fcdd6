#!/bin/sh
# ktap_check.sh [FILE] - checks KTAP output (stdin by default) against the
# rules of KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst),
# strictly, as a lab's parser would want ancdata's output to be:
#   - it starts with "KTAP version 1"; every (sub)test set starts with a
#     version line, indented two spaces per level, followed by its plan
#     "1..N" at the same indentation;
#   - result lines are "ok|not ok NUMBER DESCRIPTION[ # DIRECTIVE ...]",
#     numbered from 1 up by one at each level, as many as the plan says;
#     the description is not empty and holds no '#';
#   - a subtest set ends with its parent's result line one level up, and a
#     parent whose subtests include a "not ok" (not SKIP) is "not ok";
#   - "not ok ... # ERROR|TIMEOUT" and "ok|not ok ... # SKIP" only;
#   - every other line is a diagnostic "# ..." at a known indentation
#     (ancdata prints no unknown lines); no control characters.
# Prints the first broken rule with its line number and exits 1; exits 0
# and prints "ktap: N results, M not ok" when all hold.
exec awk '
function fail(msg) { printf "ktap: line %d: %s: %s\n", NR, msg, $0; bad = 1; exit 1 }
function indent_of(s,   n) { n = match(s, /[^ ]/) - 1; return n < 0 ? 0 : n }
BEGIN { depth = -1; results = 0; notok = 0 }
/[\001-\010\013-\037\177]/ { fail("control character") }
{
	ind = indent_of($0)
	if (ind % 2) fail("indentation is not a multiple of two spaces")
	lvl = ind / 2
	line = substr($0, ind + 1)
}
NR == 1 && line != "KTAP version 1" { fail("the first line is not the version line") }
line == "KTAP version 1" {
	if (lvl != depth + 1) fail("a version line at level " lvl " inside level " depth)
	depth = lvl; plan[lvl] = -1; count[lvl] = 0; failed[lvl] = 0; want_plan = 1
	next
}
line ~ /^1\.\.[0-9]+$/ {
	if (!want_plan || lvl != depth) fail("a plan line that does not follow its version line")
	plan[lvl] = substr(line, 4) + 0; want_plan = 0
	next
}
line ~ /^#/ { if (lvl > depth + 1) fail("a diagnostic line deeper than any test"); next }
line ~ /^(ok|not ok) / {
	if (want_plan) fail("a result before the plan")
	if (lvl == depth - 1) {          # the parent result closes a subtest set
		if (count[depth] != plan[depth])
			fail("the subtest set has " count[depth] " results, its plan says " plan[depth])
		child_failed = failed[depth]; depth = lvl
	} else if (lvl == depth) {
		child_failed = -1
	} else fail("a result line at level " lvl " while level " depth " is open")
	ok = line ~ /^ok /
	rest = substr(line, ok ? 4 : 8)
	if (!match(rest, /^[0-9]+/)) fail("no test number")
	num = substr(rest, 1, RLENGTH) + 0
	if (num != count[lvl] + 1) fail("test number " num " where " count[lvl] + 1 " was due")
	rest = substr(rest, RLENGTH + 1)
	desc = rest; dir = ""
	if ((h = index(rest, "#"))) { desc = substr(rest, 1, h - 1); dir = substr(rest, h + 1) }
	if (desc !~ /^ [^ ]/) fail("no description")
	sub(/^ +/, "", dir); split(dir, w, " ")
	if (w[1] == "SKIP") skip = 1; else skip = 0
	if ((w[1] == "ERROR" || w[1] == "TIMEOUT") && ok) fail(w[1] " on an ok result")
	if (child_failed == 1 && ok) fail("a parent is ok while one of its subtests is not ok")
	count[lvl]++; results++
	if (!ok && !skip) { notok++; failed[lvl] = 1 }
	next
}
{ fail("not a KTAP line") }
END {
	if (bad) exit 1
	if (NR == 0) { print "ktap: empty output"; exit 1 }
	if (depth != 0) { print "ktap: the output ends inside a subtest set"; exit 1 }
	if (count[0] != plan[0]) { printf "ktap: %d results, the plan says %d\n", count[0], plan[0]; exit 1 }
	printf "ktap: %d results, %d not ok\n", results, notok
}' "${1:--}"
