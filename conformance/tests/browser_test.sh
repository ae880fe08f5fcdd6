#!/bin/bash
# browser_test.sh SOURCE ANCDATA: report.html in a real browser (headless
# Chromium, Debian's chromium; ci/test installs it, DEPS_BROWSER).
#   - ci/kernels on the host writes report.png beside report.html: a PNG of
#     1400x1000;
#   - a report of the host's profile and a second one that differs from it
#     (a limit, a case's step, the environment's rlimit) is loaded, and the
#     DOM Chromium dumps after the page's script ran is checked: the default
#     view shows exactly the rows that differ (the environment is no row);
#     #area=limits&all=1 shows only the limits rows, every one of them;
#     ?status=skip&all=1 only rows with a skipped case; the kernel table has
#     its counts; the page loads nothing from elsewhere;
#   - the screenshot of that report is kept in the test's output folder
#     (ANCDATA_BROWSER_OUT, default build's Testing folder) as report.png.
# Exit 77 (skipped) when chromium is not installed.
set -u
src=$1 bin=$2
command -v chromium >/dev/null || { echo "skipped: no chromium (apt-get install chromium)"; exit 77; }
. "$src/ci/lib/deps.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
keep=${ANCDATA_BROWSER_OUT:-$PWD/browser}
fail=0
no() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok: $*"; }

png_size() { # FILE -> "WIDTH HEIGHT" from the PNG's IHDR, or nothing
	[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || return 0
	od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'
}

# 1. ci/kernels (host) writes report.png beside report.html
"$src/ci/kernels" --ancdata "$bin" --out "$out/k" host >"$out/k.stdout" 2>&1 ||
	{ cat "$out/k.stdout"; no "ci/kernels host failed"; }
[ -f "$out/k/report.html" ] || no "ci/kernels wrote no report.html"
size=$(png_size "$out/k/report.png" 2>/dev/null)
[ "$size" = "1400 1000" ] && ok "ci/kernels wrote report.png, 1400x1000" ||
	no "ci/kernels' report.png is not a 1400x1000 PNG (size '$size')"
grep -q "report.png" "$out/k.stdout" || no "ci/kernels does not name report.png"

# 2. a second profile that differs: one limit, one case's step, and the
# environment (an rlimit: never a row)
host=$out/k/host.json
awk 'BEGIN{c=0} /"scm_max_fd":/ {sub(/[0-9]+/, "250")} /"soft":/ && !s {sub(/[0-9]+/, "1024"); s=1}
	/"text": "ret=1 / && !c {sub(/"text": "ret=1 /, "\"text\": \"ret=2 "); c=1} {print}' "$host" >"$out/other.json"
"$bin" report --out "$out/r" host="$host" other="$out/other.json" >"$out/r.md"
ndiff=$(sed -n 's/^\([0-9]*\) of [0-9]* cases, limits and features differ\.$/\1/p' "$out/r.md")
[ "$ndiff" = 2 ] || no "the made-up profile should differ in 2 rows, not '$ndiff'"
grep -q 'rlimit_nofile.soft' "$out/r.md" && ! grep -q '^| limits.rlimit' "$out/r.md" ||
	no "the environment's rlimit is a row, or not shown"

dom() { # ADDRESS-SUFFIX -> the DOM after the script ran
	browser_run "$out/ud.$RANDOM" --dump-dom "file://$out/r/report.html$1"
}
rows() { # DOM -> one line per row of #m: DISPLAYED|HIDDEN AREA DIFF STATUS
	grep -o '<tr class="[^"]*" data-area="[^"]*" data-status="[^"]*" data-diff="[0-9]"[^>]*>' "$1" |
		sed -E 's/^<tr class="[^"]*" data-area="([^"]*)" data-status="([^"]*)" data-diff="([01])"(.*)>$/\4 \1 \3 \2/;
			s/^ style="display: none;"/HIDDEN/; s/^ /SHOWN /'
}

dom "" >"$out/default.html"
rows "$out/default.html" >"$out/default.rows"
total=$(wc -l <"$out/default.rows")
[ "$total" -gt 250 ] || no "the page has $total rows, not every case, limit and feature"
shown=$(grep -c '^SHOWN' "$out/default.rows")
[ "$shown" = "$ndiff" ] && ! grep -q '^SHOWN [^ ]* 0' "$out/default.rows" &&
	! grep -q '^HIDDEN [^ ]* 1' "$out/default.rows" &&
	ok "the default view shows only the $ndiff rows that differ, of $total" ||
	no "the default view shows $shown rows (rows that differ: $ndiff)"
grep -q "<span id=\"shown\">$ndiff rows shown</span>" "$out/default.html" ||
	no "the page does not say how many rows it shows"
grep -q 'class="hl">limits\|class="hl">25[03]<' "$out/default.html" ||
	no "the differing limit is not highlighted"
grep -q 'class="hl">step [0-9]* [a-z]*: ret=2' "$out/default.html" ||
	no "the differing step's field is not highlighted"

dom "#area=limits&all=1" >"$out/limits.html"
rows "$out/limits.html" >"$out/limits.rows"
n=$(grep -c '^SHOWN limits ' "$out/limits.rows")
[ "$n" -ge 3 ] && ! grep -q '^SHOWN [^l]' "$out/limits.rows" &&
	ok "#area=limits&all=1 shows the $n limits rows and nothing else" ||
	no "#area=limits&all=1 shows $(grep -c '^SHOWN' "$out/limits.rows") rows, $n of them limits"

dom "?status=skip&all=1" >"$out/skip.html"
rows "$out/skip.html" >"$out/skip.rows"
n=$(grep -c '^SHOWN' "$out/skip.rows")
[ "$n" -ge 1 ] && [ "$(grep '^SHOWN' "$out/skip.rows" | grep -vc ' skip')" = 0 ] &&
	ok "?status=skip&all=1 shows the $n rows with a skipped case, nothing else" ||
	no "?status=skip&all=1 shows $n rows, not only the skipped ones"

# every kernel's column visible side by side at 1400 px, with three kernels
# and whole observations shown: the page is no wider than the window
sed 's/"scm_max_fd": [0-9]*/"scm_max_fd": 252/' "$out/other.json" >"$out/third.json"
"$bin" report --out "$out/r3" host="$host" other="$out/other.json" third="$out/third.json" >/dev/null
browser_run "$out/ud.wide" --window-size=1400,1000 --dump-dom "file://$out/r3/report.html#all=1&whole=1" >"$out/wide.html"
grep -q '<html data-overflow="0"' "$out/wide.html" && ok "three kernels side by side fit 1400 px, every row and whole observations shown" ||
	no "at 1400 px the page is wider than the window ($(grep -o '<html[^>]*>' "$out/wide.html"))"

# the kernel table with its counts; nothing loaded from elsewhere
grep -q '<table id="k">.*<td>host</td>.*<td>other</td>' "$out/default.html" ||
	no "no kernel table naming both kernels"
grep -Eq '(src|href)="?(https?:)?//' "$out/r/report.html" && no "the page loads an external asset"

# 3. the screenshot of this report, kept
browser_run "$out/ud.shot" --screenshot="$out/r/report.png" --window-size=1400,1000 \
	"file://$out/r/report.html" >/dev/null
size=$(png_size "$out/r/report.png" 2>/dev/null)
[ "$size" = "1400 1000" ] && [ "$(stat -c %s "$out/r/report.png")" -gt 10000 ] &&
	ok "screenshot 1400x1000" || no "the screenshot is not a 1400x1000 PNG (size '$size')"
mkdir -p "$keep" && cp "$out/r/report.png" "$out/r/report.html" "$keep/" &&
	echo "kept: $keep/report.png $keep/report.html"
exit $fail
