#!/usr/bin/env bash
# explore_test.sh SRC ANCDATA MODE [PLANTED] - the proofs of ci/explore:
#   planted  host against a deliberately altered ancdata (PLANTED): exactly
#            one cluster, minimised to at most 2 steps, the planted EOR
#   host     host against host: 0 findings over at least 10,000 scenarios
#   uml      UML against UML: likewise (skipped, 77, without linux.uml)
set -euo pipefail
src=$1 bin=$2 mode=$3 planted=${4:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "explore_test $mode: FAIL: $*" >&2; exit 1; }
cd "$src"
rc=0
case $mode in
planted)
	ci/explore --ancdata "$bin" --kernels "host,bin:$planted" --out "$out" --rounds 2 --batch 300 \
		--seed 7 || rc=$?
	[ $rc -lt 2 ] || fail "ci/explore exit $rc"
	n=$(jq '.clusters' "$out/findings.json")
	[ "$n" = 1 ] || fail "$n clusters, wanted exactly 1: $(cat "$out/findings.md")"
	jq -e '.findings[0] | .op == "recv" and .field == "flags" and .values.ancdata_planted == "+EOR" and .steps <= 2 and .reproduces == true' \
		"$out/findings.json" >/dev/null || fail "not the planted difference: $(cat "$out/findings.md")"
	f=$out/$(jq -r '.findings[0].case' "$out/findings.json")
	# the finding's case holds on the reference and fails on the altered side
	"$bin" probe "$f" >/dev/null || fail "the finding's case does not hold on the host"
	if "$planted" probe "$f" >/dev/null 2>&1; then fail "the finding's case holds on the altered side"; fi
	echo "explore_test planted: one cluster, $(jq '.findings[0].steps' "$out/findings.json") steps" ;;
host|uml)
	if [ "$mode" = uml ] && [ ! -x /usr/bin/linux.uml ]; then echo "no /usr/bin/linux.uml"; exit 77; fi
	rounds=10 want=10000
	ci/explore --ancdata "$bin" --kernels "$mode,$mode" --out "$out" --rounds $rounds --batch 1000 \
		--seed 3 || rc=$?
	[ $rc = 0 ] || fail "ci/explore exit $rc: $(cat "$out/findings.md" 2>/dev/null)"
	scen=$(awk -F'\t' '{s += $1} END {print s + 0}' "$out/progress.tsv")
	[ "$scen" -ge $want ] || fail "only $scen scenarios compared"
	[ "$(jq '.clusters' "$out/findings.json")" = 0 ] || fail "findings against itself"
	[ ! -s "$out/diffs.tsv" ] || fail "differences against itself: $(head -3 "$out/diffs.tsv")"
	echo "explore_test $mode: $scen scenarios, no finding, $(awk -F'\t' '{s += $3} END {print s + 0}' "$out/progress.tsv") unstable fields left out" ;;
*) echo "explore_test: unknown mode $mode" >&2; exit 2 ;;
esac
