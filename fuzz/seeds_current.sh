#!/bin/sh
# seeds_current.sh FUZZ_SEEDS CORPUS: the committed corpus/*/seed-* files are
# exactly what the generator writes now (regenerate with ci/fuzz --seeds).
set -u
gen=$1 corpus=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the writes are atomic, through a temporary name of their own: a file in
# the way at a guessable name (SEED.tmp, as it once was) is never written
mkdir -p "$tmp/cmsg_parse"
: >"$tmp/victim"
ln -s "$tmp/victim" "$tmp/cmsg_parse/seed-S1.tmp"
"$gen" "$tmp" || exit 1
rc=0
if [ -s "$tmp/victim" ] || [ -L "$tmp/cmsg_parse/seed-S1" ]; then
	echo "fuzz_seeds wrote through a symlink at a fixed temporary name"
	rc=1
fi
rm -f "$tmp/victim" "$tmp/cmsg_parse/seed-S1.tmp"
left=$(find "$tmp" -name '.*' ! -name "$(basename "$tmp")" -o -name '*.tmp*' | head -3)
[ -z "$left" ] || { echo "temporary files left: $left"; rc=1; }
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
