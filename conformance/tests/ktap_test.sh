#!/bin/sh
# ktap_test.sh ANCDATA KTAP_SAMPLE CHECKER - `ancdata profile --ktap` on this
# kernel, and a made-up profile with a case of every status and hostile
# text, both held against the KTAP version 1 rules (ktap_check.sh); the
# statuses must come out as ok, not ok, SKIP and ERROR where they belong.
set -eu
bin=$1 sample=$2 check=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" profile --ktap --output "$tmp/p.json" >"$tmp/host.ktap"
"$check" "$tmp/host.ktap"
cases=$(grep -c '"status"' "$tmp/p.json")
results=$(grep -c '^  \(not \)\{0,1\}ok ' "$tmp/host.ktap")
[ "$cases" = "$results" ] || { echo "ktap_test: $cases cases in the profile, $results results in KTAP"; exit 1; }
"$sample" >"$tmp/sample.ktap" || { echo "ktap_test: the writer did not count 3 not ok"; cat "$tmp/sample.ktap"; exit 1; }
"$check" "$tmp/sample.ktap"
expect() { grep -qxF -- "$1" "$tmp/sample.ktap" || { echo "ktap_test: no line '$1'"; cat "$tmp/sample.ktap"; exit 1; }; }
expect '  not ok 2 fails'
expect '  # line 3: flags: expected CTRUNC not ok 9 x # y'
expect '  ok 1 unsupported # SKIP unsupported: SO_X'
expect '  not ok 1 hung # ERROR step 2 (line 7, gc)   hung'
expect '  not ok 2 noarea.case # ERROR line 1: area is one of ...'
expect 'not ok 2 flags'
expect 'not ok 7 other'
echo "ktap_test: host profile and sample hold the KTAP rules"
