#!/bin/sh
# profile_test.sh ANCDATA: the profile passes every case it does not skip,
# and two runs give the same JSON apart from the timing.
set -eu
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" profile --output "$tmp/one.json" || { echo "profile: a case failed"; grep -B3 -A12 '"status": "fail"\|"status": "error"' "$tmp/one.json" | head -80; exit 1; }
"$bin" profile --output "$tmp/two.json"
grep -v -e '"elapsed_ms"' -e '"elapsed_us"' "$tmp/one.json" >"$tmp/one.cmp"
grep -v -e '"elapsed_ms"' -e '"elapsed_us"' "$tmp/two.json" >"$tmp/two.cmp"
diff -u "$tmp/one.cmp" "$tmp/two.cmp" || { echo "profile: two runs differ"; exit 1; }
grep -A6 '"summary"' "$tmp/one.json"
grep '"elapsed_ms"' "$tmp/one.json"
