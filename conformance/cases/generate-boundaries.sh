#!/bin/sh
# generate-boundaries.sh - writes the truncation boundary family:
# trunc_rights<N>_anc<C>.case for N fds received with a control buffer of
# C bytes, C at and around CMSG_LEN/CMSG_SPACE boundaries from 0 to 64
# (and around CMSG_LEN(4*253) for 253 fds).
#
# The expectations encode the Linux rule of kernel-af-unix.md R1-R3:
# k = (C - CMSG_LEN(0)) / 4 whole fds fit (none under CMSG_LEN(4)); the
# first min(k, N) arrive in order, the rest are closed by the kernel;
# MSG_CTRUNC is set iff some did not fit; the kernel returns
# msg_controllen = min(CMSG_SPACE(4k), C).  A kernel that differs fails
# these cases, which is what the profile is for.
# Run from this folder; it rewrites only trunc_rights*_anc*.case.
set -eu
names() { i=$1; out=""; while [ "$i" -lt "$2" ]; do out="$out${out:+,}p$i"; i=$((i+1)); done; echo "${out:--}"; }
emit() {
	n=$1 c=$2
	k=0
	[ "$c" -ge 20 ] && k=$(( (c - 16) / 4 ))
	[ "$k" -gt "$n" ] && k=$n
	if [ "$k" -lt "$n" ]; then flags=CTRUNC; else flags=0; fi
	if [ "$k" -gt 0 ]; then
		items="rights:$((4 * k))"
		space=$(( 16 + (4 * k + 7) / 8 * 8 ))
		ctl=$(( space < c ? space : c ))
	else
		items=-; ctl=0
	fi
	f=trunc_rights${n}_anc${c}.case
	cat > "$f.tmp" <<CASE
id trunc_rights${n}_anc${c}
area truncation
purpose $n fds into a $c-byte control buffer: $k arrive, $((n - k)) closed by the kernel
tag ref:kernel-af-unix.md#R2
socket stream pair

send a data=msg rights=$n
expect ret=3
recv b api=recvmsg bufsize=16 ancbuf=$c
expect ret=3 flags=$flags items=$items fds=$(names 0 "$k") dropped=$(names "$k" "$n") controllen=$ctl warnings=0
CASE
	mv "$f.tmp" "$f"
}
for c in 0 1 15 16 17 19 20 23 24 31 32 64; do emit 1 "$c"; done
for c in 0 16 19 20 23 24 27 28 31 32 40 64; do emit 2 "$c"; done
for c in 0 16 20 24 27 28 31 32 36 40 64; do emit 3 "$c"; done
for c in 0 16 20 64 1027 1028 1032; do emit 253 "$c"; done
