#!/bin/sh
# atomic_write_test.sh ANCDATA: `ancdata profile --output` as the kernel
# sees it (strace): the data goes to a new temporary file beside the target
# (created O_EXCL, so a link planted there is not followed, and not named
# after the PID), which is fsynced, renamed over the target, and then the
# folder is fsynced, so the new name survives a crash.  Exit 77 (skipped)
# without strace.
set -u
bin=$1
command -v strace >/dev/null || { echo "skip: strace is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $1"; sed 's/^/  /' "$tmp/log"; exit 1; }
# LeakSanitizer cannot run under ptrace (the asan preset): leaks are the
# other tests' business here
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
strace -o "$tmp/log" -e trace=open,openat,fsync,fdatasync,rename,renameat,renameat2 \
	"$bin" profile --filter cpython_fd_pass_simple --output "$tmp/p.json" >/dev/null ||
	fail "the traced profile failed"
grep -q '+++ exited with 0 +++' "$tmp/log" || fail "no clean exit in the trace"
# the folder, then the temporary file O_EXCL, then fsync, rename, fsync
dirfd=$(sed -n "s|.*open.*\"$tmp\", .*O_DIRECTORY.*= \([0-9]*\)\$|\1|p" "$tmp/log" | tail -n 1)
tmpline=$(grep -n "open.*\"$tmp/[^\"]*\", .*O_CREAT.*O_EXCL" "$tmp/log" | tail -n 1)
[ -n "$dirfd" ] || fail "the folder is never opened"
[ -n "$tmpline" ] || fail "no temporary file created with O_CREAT|O_EXCL"
tmpname=$(echo "$tmpline" | sed 's/^[^"]*"\([^"]*\)".*/\1/')
tmpfd=$(echo "$tmpline" | sed 's/.*= \([0-9]*\)$/\1/')
case $tmpname in *.tmp.*|*"$tmp/p.json") fail "a predictable temporary name: $tmpname" ;; esac
sed -n "${tmpline%%:*},\$p" "$tmp/log" | grep -E '^(f(data)?sync|rename)' >"$tmp/order"
printf 'fsync(%s) = 0\nrename("%s", "%s/p.json") = 0\nfsync(%s) = 0\n' \
	"$tmpfd" "$tmpname" "$tmp" "$dirfd" >"$tmp/want"
tr -s ' ' <"$tmp/order" >"$tmp/got"
cmp -s "$tmp/got" "$tmp/want" || { echo "FAIL: wanted"; cat "$tmp/want"; echo "got"; cat "$tmp/got"; exit 1; }
[ -z "$(find "$tmp" -name '.p.json.*')" ] || fail "a temporary file was left"
echo "ok: O_EXCL temporary $tmpname, fsync, rename, fsync of the folder"
