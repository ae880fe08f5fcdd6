#!/bin/bash -eu
# build.sh - builds ancdata's fuzz targets the OSS-Fuzz / ClusterFuzzLite
# way: $CC and $CFLAGS carry the engine's instrumentation and sanitizer,
# $LIB_FUZZING_ENGINE links the engine, and $OUT receives per target NAME:
# the binary, NAME_seed_corpus.zip, NAME.dict and NAME.options.
# Runs the same on a workstation with those variables set (ci/test does).
SRC_DIR=${SRC_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
WORK=${WORK:-$(mktemp -d)}
cmake -S "$SRC_DIR" -B "$WORK/build" \
	-DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DANCDATA_FUZZ_ENGINE=oss-fuzz -DANCDATA_TESTS=OFF >/dev/null
cmake --build "$WORK/build" -j"$(nproc)" >/dev/null
targets=$(sed -n 's/^set(FUZZ_TARGETS \(.*\))$/\1/p' "$SRC_DIR/fuzz/CMakeLists.txt")
for t in $targets; do
	cp "$WORK/build/fuzz/$t" "$OUT/$t"
	cp "$SRC_DIR/fuzz/$t.dict" "$SRC_DIR/fuzz/$t.options" "$OUT/"
	rm -f "$OUT/${t}_seed_corpus.zip"
	(cd "$SRC_DIR/corpus/$t" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
done
