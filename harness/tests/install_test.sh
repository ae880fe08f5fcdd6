#!/bin/sh
# install_test.sh BUILD_DIR SOURCE_DIR: cmake --install into a scratch
# prefix, then build and run a program with pkg-config against it, linked
# both shared and static.
set -eu
build=$1 src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
test -f "$prefix/include/ancdata.h" || { echo "missing include/ancdata.h"; exit 1; }
libdir=$(dirname "$(find "$prefix" -name ancdata.pc)")
test -f "$libdir/../libancdata.a" && test -e "$libdir/../libancdata.so"
export PKG_CONFIG_PATH="$libdir"
cflags=$(pkg-config --cflags ancdata) libs=$(pkg-config --libs ancdata)
# pkg-config prints lists of words: split on purpose
# shellcheck disable=SC2086
cc $cflags "$src/harness/tests/install_consumer.c" -o "$prefix/consumer" $libs
LD_LIBRARY_PATH="$libdir/.." "$prefix/consumer"
ldd "$prefix/consumer" | grep -q 'libancdata.so' || { echo "not linked to the shared library"; exit 1; }
# without LD_LIBRARY_PATH the loader finds the library only through an
# rpath (the README's recipe for a prefix outside the loader's path)
if env -u LD_LIBRARY_PATH "$prefix/consumer" >/dev/null 2>&1; then
	echo "the consumer ran without the library on its loader path"; exit 1
fi
# shellcheck disable=SC2086
cc $cflags "$src/harness/tests/install_consumer.c" -o "$prefix/consumer-rpath" $libs \
   -Wl,-rpath,"$(pkg-config --variable=libdir ancdata)"
env -u LD_LIBRARY_PATH "$prefix/consumer-rpath"
# shellcheck disable=SC2086
cc $cflags "$src/harness/tests/install_consumer.c" \
   -o "$prefix/consumer-static" "$libdir/../libancdata.a"
"$prefix/consumer-static"
