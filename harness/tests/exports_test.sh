#!/bin/sh
# exports_test.sh LIBANCDATA.so ANCDATA.h: the shared library exports
# exactly the functions ancdata.h declares with ANCDATA_API, no internal
# ancdata__* helper and nothing else.
set -eu
lib=$1 header=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -n 's/^ANCDATA_API [^(]*[ *]\(ancdata_[a-z0-9_]*\)(.*/\1/p' "$header" | sort >"$tmp/want"
nm -D --defined-only "$lib" | awk '{ print $NF }' | sort >"$tmp/got"
[ "$(wc -l <"$tmp/want")" -ge 15 ] || { echo "FAIL: only $(wc -l <"$tmp/want") public functions found in $header"; exit 1; }
if ! diff -u "$tmp/want" "$tmp/got"; then
	echo "FAIL: the exported symbols (+) differ from the public API (-)"
	exit 1
fi
echo "ok: $(wc -l <"$tmp/got") symbols, exactly the public API"
