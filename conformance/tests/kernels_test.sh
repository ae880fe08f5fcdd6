#!/bin/sh
# kernels_test.sh SOURCE ANCDATA uml|panic
#   uml:   the profile boots as /init of user-mode-linux, passes every case it
#          does not skip, and the report compares it with the host;
#   panic: a guest whose /init cannot run panics, and ci/kernels reports a
#          kernel error with the console tail, exit status 1, never a pass.
set -u
src=$1 bin=$2 what=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ "$what" = uml ]; then
	"$src/ci/kernels" --ancdata "$bin" --out "$out" host uml || { cat "$out"/report.stdout 2>/dev/null; tail -20 "$out/uml.log"; exit 1; }
	grep -q '"release":"6\.' "$out/uml.json" || { echo "no UML profile"; exit 1; }
	grep -q '"fail":0,' "$out/uml.json" || { echo "cases failed under UML"; exit 1; }
	grep -E '^\| (host|uml) ' "$out/report.md"
	exit 0
fi
"$src/ci/kernels" --ancdata "$bin" --out "$out" --simulate-panic uml
rc=$?
[ $rc = 1 ] || { echo "a panicking guest gave exit status $rc, not 1"; exit 1; }
grep -q 'Kernel error on uml' "$out/report.md" || { echo "the report does not name the kernel error"; cat "$out/report.md"; exit 1; }
grep -q 'kernel panic' "$out/report.md" || { echo "the report does not say panic"; exit 1; }
grep -q '<error' "$out/report.xml" || { echo "no JUnit error"; exit 1; }
grep -A3 'Kernel error on uml' "$out/report.md"
