#!/bin/sh
# seeds_current.sh FUZZ_SEEDS CORPUS: the committed corpus/*/seed-* files are
# exactly what the generator writes now (regenerate with ci/fuzz --seeds).
set -u
gen=$1 corpus=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" "$tmp" || exit 1
rc=0
for f in "$tmp"/*/seed-*; do
	rel=${f#"$tmp"/}
	cmp -s "$f" "$corpus/$rel" || { echo "stale or missing: corpus/$rel"; rc=1; }
done
for f in "$corpus"/*/seed-*; do
	rel=${f#"$corpus"/}
	[ -e "$tmp/$rel" ] || { echo "no longer generated: corpus/$rel"; rc=1; }
done
[ $rc = 0 ] && echo "seeds current: $(ls "$tmp"/*/seed-* | wc -l) files"
[ $rc = 0 ] || echo "run: ci/fuzz --seeds"
exit $rc
