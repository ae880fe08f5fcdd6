#!/bin/sh
# build_sh_test.sh SOURCE_DIR: run .clusterfuzzlite/build.sh as OSS-Fuzz and
# ClusterFuzzLite do ($CC, $CFLAGS, $LIB_FUZZING_ENGINE, $OUT), then check
# that $OUT holds each target, its seed corpus zip, dict and options, and
# that each target runs its seeds.
set -eu
src=$1
out=$(mktemp -d) work=$(mktemp -d)
trap 'rm -rf "$out" "$work"' EXIT
CC=clang CFLAGS="-fsanitize=fuzzer-no-link -g -O1" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
	OUT="$out" WORK="$work" SRC_DIR="$src" "$src/.clusterfuzzlite/build.sh"
for t in $(sed -n 's/^set(FUZZ_TARGETS \(.*\))$/\1/p' "$src/fuzz/CMakeLists.txt"); do
	for f in "$t" "${t}_seed_corpus.zip" "$t.dict" "$t.options"; do
		[ -s "$out/$f" ] || { echo "missing from \$OUT: $f"; exit 1; }
	done
	mkdir -p "$work/seeds/$t"
	(cd "$work/seeds/$t" && unzip -q "$out/${t}_seed_corpus.zip")
	n=$(ls "$work/seeds/$t" | wc -l)
	[ "$n" -gt 0 ] || { echo "empty seed corpus: $t"; exit 1; }
	"$out/$t" -runs=0 "$work/seeds/$t" >"$work/$t.log" 2>&1 || { tail -20 "$work/$t.log"; exit 1; }
	echo "ok: $t ($n seeds)"
done
