#!/bin/sh
# differential_test.sh ANCDATA DRIVER: the CPython differential compares
# whole observations, and reads the driver's answers strictly.  Deliberately wrong copies of the driver, each wrong
# only in a field that comes late in a 253-fd observation (over 1,000 bytes
# of text), must be caught, with the field named.
set -u
bin=$1 driver=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
wrong() { # name sed-expression field
	sed "$2" "$driver" >"$tmp/$1.py"
	if cmp -s "$driver" "$tmp/$1.py"; then
		echo "FAIL: $1: the sed expression changed nothing"; fail=1; return
	fi
	"$bin" differential --driver "$tmp/$1.py" --filter trunc_rights253_anc1028 >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" != 1 ]; then
		echo "FAIL: $1: exit $rc, wanted 1"; cat "$tmp/out"; fail=1
	elif ! grep -q "line [0-9]*: $3 differs" "$tmp/out"; then
		echo "FAIL: $1: the difference is not named $3"; cat "$tmp/out"; fail=1
	else
		echo "ok: $1: $(grep differs "$tmp/out")"
	fi
}
# the last data byte
wrong data 's/out\["data"\] = data.hex()/out["data"] = (data[:-1] + b"?").hex()/' data
# the last fd's close-on-exec bit
wrong cloexec 's/0 if os.get_inheritable(fd) else 1\]/0 if os.get_inheritable(fd) != (fd == fds[-1]) else 1]/' cloexec
# a driver line of the wrong shape (flags as a string) is a protocol error,
# not a silent flags=0
wrong shape 's/out\["flags"\] = mflags/out["flags"] = str(mflags)/' ret
"$bin" differential --driver "$driver" --filter trunc_rights253_anc1028 >"$tmp/out" 2>&1 ||
	{ echo "FAIL: the real driver differs"; cat "$tmp/out"; fail=1; }
exit $fail
