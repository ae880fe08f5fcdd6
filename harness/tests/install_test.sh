#!/bin/sh
# install_test.sh BUILD_DIR SOURCE_DIR: cmake --install into a scratch
# prefix, then build and run a program with pkg-config against it, linked
# both shared and static.
set -eu
build=$1 src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in include/ancdata.h; do test -f "$prefix/$f" || { echo "missing $f"; exit 1; }; done
libdir=$(dirname "$(find "$prefix" -name ancdata.pc)")
test -f "$libdir/../libancdata.a" && test -e "$libdir/../libancdata.so"
export PKG_CONFIG_PATH="$libdir"
cc $(pkg-config --cflags ancdata) "$src/harness/tests/install_consumer.c" \
   -o "$prefix/consumer" $(pkg-config --libs ancdata)
LD_LIBRARY_PATH="$libdir/.." "$prefix/consumer"
ldd "$prefix/consumer" | grep -q 'libancdata.so' || { echo "not linked to the shared library"; exit 1; }
cc $(pkg-config --cflags ancdata) "$src/harness/tests/install_consumer.c" \
   -o "$prefix/consumer-static" "$libdir/../libancdata.a"
"$prefix/consumer-static"
