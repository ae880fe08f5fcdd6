#!/bin/sh
# junit_test.sh ANCDATA - `ancdata junit`, the shell tools' way to the one
# JUnit writer: a table with hostile text (markup, quotes, a control byte,
# bytes that are not UTF-8) becomes well-formed XML with the right counts
# and suites; a bad table is one line, exit 2, and no file.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; [ -f "$tmp/j.xml" ] && cat "$tmp/j.xml"; exit 1; }
printf 'fuzz/a\tfuzz.a\tlibfuzzer\tpass\t60\t\t\nfuzz/b\tfuzz.b\tlibfuzzer\terror\t-\tdied \001 without saving\t\nfuzz/a\tfuzz.a\tafl\tfailure\t60\t<img src=x onerror=alert(1)> "q" \377\treproduce: run it\n' >"$tmp/table"
"$bin" junit --name ci/fuzz --output "$tmp/j.xml" <"$tmp/table" || no "a good table was refused"
xmllint --noout "$tmp/j.xml" || no "not well-formed"
grep -q '<testsuites name="ci/fuzz" tests="3" failures="1" errors="1"' "$tmp/j.xml" || no "wrong counts"
[ "$(grep -c '<testsuite ' "$tmp/j.xml")" = 2 ] || no "the cases of fuzz/a are not one suite"
grep -q '&lt;img src=x' "$tmp/j.xml" || no "markup not escaped"
if grep -q '<img' "$tmp/j.xml"; then no "raw markup"; fi
for bad in 'a\tb\n' 'fuzz/a\tc\tn\tmaybe\t1\t\t\n' 'fuzz/a\tc\tn\tpass\tsoon\t\t\n' 'fuzz/a\tc\tn\tpass\t1\t\t' ''; do
	rm -f "$tmp/j.xml"
	# shellcheck disable=SC2059 # the table is the format, on purpose
	printf "$bad" | "$bin" junit --output "$tmp/j.xml" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 2 ] || no "bad table '$bad' gave exit status $rc"
	[ "$(wc -l <"$tmp/err")" = 1 ] || no "bad table '$bad': not one line on stderr"
	[ ! -e "$tmp/j.xml" ] || no "bad table '$bad' wrote a file"
done
"$bin" junit </dev/null >/dev/null 2>&1 && no "no --output accepted"
"$bin" junit --help | grep -q '^usage: ancdata junit' || no "no --help"
echo "junit_test: ok"
