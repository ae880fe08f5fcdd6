#!/bin/sh
# cli_test.sh ANCDATA CASES_DIR: the ancdata command answers bad input with
# one line naming the problem, exit status 2 and nothing on standard
# output; an output it cannot write the same way; --help with usage,
# options and exit statuses (exit 0); good input as documented.  Process 1
# of a PID namespace is not a guest: the commands work as anywhere.
set -u
bin=$1 cases=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # want-status description command...
	want=$1 what=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, wanted $want"; head -c 2000 "$tmp/err"; fail=1
	elif [ "$want" = 2 ] && [ "$lines" != 1 ]; then
		echo "FAIL: $what: $lines lines on stderr, wanted one"; head -c 2000 "$tmp/err"; fail=1
	elif [ "$want" = 2 ] && [ -s "$tmp/out" ]; then
		echo "FAIL: $what: bad input, yet $(wc -c <"$tmp/out") bytes on standard output"; fail=1
	else
		echo "ok: $what: $(head -c 150 "$tmp/err")"
	fi
}
expect() { # grep-pattern file description: the output holds the pattern
	grep -q -- "$1" "$2" || { echo "FAIL: $3"; fail=1; }
}
printf 'id x\narea send\nsocket stream\nsend q\n' >"$tmp/bad.case"
head -c 40 "$cases/cpython_fd_pass_simple.case" >"$tmp/truncated.case"
printf 'id x\narea send\nsocket stream\nsend a data=x\000\n' >"$tmp/nul.case"
check 2 "no command" "$bin"
check 2 "unknown command" "$bin" frobnicate
check 2 "unknown command with a newline and an escape" "$bin" "$(printf 'a\nb\033[2J')"
expect 'a\\x0ab\\x1b' "$tmp/err" "control bytes of an argument are not shown as \\xNN"
check 2 "probe without a file" "$bin" probe
check 2 "probe of two files" "$bin" probe "$tmp/bad.case" "$tmp/bad.case"
check 2 "probe with an unknown option" "$bin" probe --frob
check 2 "probe of a missing file" "$bin" probe "$tmp/none.case"
check 2 "probe of a missing file whose name holds a newline" "$bin" probe "$tmp/no
ne.case"
check 2 "probe of a broken scenario" "$bin" probe "$tmp/bad.case"
expect 'line 4' "$tmp/err" "the error does not name line 4"
check 2 "probe of a truncated scenario" "$bin" probe "$tmp/truncated.case"
check 2 "probe of a file with a NUL byte" "$bin" probe "$tmp/nul.case"
check 2 "probe of a directory" "$bin" probe "$tmp"
expect 'folder' "$tmp/err" "probe of a directory does not say it is one"
head -c 3000 /bin/sh | tr -d '\000' >"$tmp/binary.case"
check 2 "probe of a binary file" "$bin" probe "$tmp/binary.case"
head -c 1048577 /dev/zero | tr '\000' '#' >"$tmp/huge.case"
check 2 "probe of a file over 1 MiB" "$bin" probe "$tmp/huge.case"
expect 'larger than' "$tmp/err" "a huge file is not refused for its size"
check 2 "probe of an endless device" "$bin" probe /dev/zero
mkfifo "$tmp/fifo"
cat "$cases/flags_cloexec_set.case" >"$tmp/fifo" &
check 0 "probe of a FIFO" "$bin" probe "$tmp/fifo"
wait
check 2 "profile with an unknown option" "$bin" profile --frob
check 2 "profile with --filter given twice" "$bin" profile --filter a --filter b
check 2 "profile with --output given twice" "$bin" profile --output "$tmp/a.json" --output "$tmp/b.json"
check 2 "profile with --filter and no value" "$bin" profile --filter
check 2 "profile with a filter that matches no case" "$bin" profile --filter no-such-case
check 2 "profile into a missing folder" "$bin" profile --output "$tmp/no/such/p.json"
check 2 "profile into a folder name" "$bin" profile --output "$tmp/"
check 2 "profile onto a folder" "$bin" profile --output "$tmp"
check 2 "profile into a file that is not a folder" "$bin" profile --output "$tmp/bad.case/p.json"
[ -z "$(find "$tmp" -name '*.json')" ] || { echo "FAIL: a refused profile wrote a file"; fail=1; }
check 2 "list with an argument" "$bin" list x
check 2 "show of an unknown case" "$bin" show nope
check 2 "show of two cases" "$bin" show a b
check 2 "show of a path" "$bin" show ../../etc/passwd
check 2 "show of an id with control bytes" "$bin" show "$(printf 'x\ry\033]0;t\007')"
check 2 "init outside a guest" "$bin" init
check 2 "init with an argument" "$bin" init x
ln -s "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$tmp/init"
check 2 "the binary named init outside a guest" "$tmp/init" list
check 2 "help of two commands" "$bin" help a b
check 2 "help of an unknown command" "$bin" help frobnicate
check 2 "differential without a driver" "$bin" differential
check 2 "differential with a missing driver" "$bin" differential --driver "$tmp/none.py"

# --help: usage, options and exit statuses on stdout, exit 0
for args in "--help" "-h" "help" "help profile" "profile --help" "probe --help" \
	"list --help" "show --help" "differential --help" "init --help" "profile --filter x --help"; do
	# shellcheck disable=SC2086  # args is a list of words
	check 0 "ancdata $args" "$bin" $args
	for part in usage: exit; do
		expect "$part" "$tmp/out" "ancdata $args: no '$part' in the help"
	done
done
expect 'options:' "$tmp/out" "the help does not list the options"

# an output that cannot be written: one line, exit 2 (not 0)
if [ -w /dev/full ]; then
	for args in "list" "show cpython_fd_pass_simple" "--help" "help show" \
		"profile --filter cpython_fd_pass_simple" "probe $cases/cpython_fd_pass_simple.case" \
		"differential --driver $cases/../run/cpython_driver.py --filter cpython_fd_pass_simple"; do
		# shellcheck disable=SC2086
		check 2 "ancdata $args > /dev/full" sh -c "exec \"\$@\" >/dev/full" - "$bin" $args
		expect 'cannot write standard output: No space left on device' "$tmp/err" \
			"ancdata $args > /dev/full: no reason given"
	done
	check 2 "ancdata list with standard output closed" sh -c "exec \"\$0\" list >&-" "$bin"
else
	echo "skip: no writable /dev/full"
fi

# process 1 of a PID namespace (a container's entrypoint) is no guest
if unshare -pf --mount-proc true 2>/dev/null; then
	check 0 "list as process 1 of a PID namespace" unshare -pf --mount-proc "$bin" list
	[ "$(wc -l <"$tmp/out")" -ge 150 ] || { echo "FAIL: list as process 1 does not list the cases"; fail=1; }
	check 2 "init as process 1 of a PID namespace, with an argument" unshare -pf --mount-proc "$bin" init x
	# init as process 1 of a PID namespace that shares its mounts (in a
	# private mount namespace of the test's own): the profile between its
	# markers, and neither /proc nor /dev covered by a new mount
	# shellcheck disable=SC2016  # the inner shell expands it
	unshare -m --propagation private sh -c '
		before=$(wc -l </proc/self/mountinfo)
		unshare -pf "$0" init >"$1/out" 2>&1
		echo "exit $?" >>"$1/out"
		after=$(wc -l </proc/self/mountinfo)
		echo "mounts $before $after" >>"$1/out"' "$bin" "$tmp"
	expect '^==ANCDATA-PROFILE-END==$' "$tmp/out" "init as process 1 of a PID namespace printed no profile"
	grep -Eq '^mounts ([0-9]+) \1$' "$tmp/out" ||
		{ echo "FAIL: init as process 1 of a PID namespace mounted over /proc or /dev: $(tail -n 1 "$tmp/out")"; fail=1; }
else
	echo "skip: unshare -pf is not permitted here"
fi

check 0 "probe of a good case" "$bin" probe "$cases/cpython_fd_pass_simple.case"
expect '"status": "pass"' "$tmp/out" "no pass in the probe's JSON"
check 0 "probe from stdin" sh -c "\"$bin\" probe - < \"$cases/flags_cloexec_set.case\""
sed 's/cloexec=all/cloexec=none/' "$cases/flags_cloexec_set.case" >"$tmp/wrong.case"
check 1 "probe of a case whose expectation is wrong" "$bin" probe "$tmp/wrong.case"
expect '"expected"' "$tmp/out" "a failed probe does not show the expectation"
check 0 "profile of one case into a file" "$bin" profile --filter cpython_fd_pass_simple --output "$tmp/p.json"
if [ ! -s "$tmp/p.json" ] || [ -s "$tmp/out" ]; then echo "FAIL: profile --output did not write the file alone"; fail=1; fi
[ "$(find "$tmp" -name '.p.json.*' | wc -l)" = 0 ] || { echo "FAIL: profile --output left a temporary file"; fail=1; }
head -c 300 "$tmp/p.json" >"$tmp/truncated.json"
printf '{"format": "something else"}' >"$tmp/other.json"
check 2 "report without a profile" "$bin" report
check 2 "report of a truncated profile" "$bin" report "$tmp/truncated.json"
check 2 "report of a JSON that is not a profile" "$bin" report "$tmp/other.json"
check 2 "report of a missing profile" "$bin" report "$tmp/none.json"
check 2 "report with an unknown option" "$bin" report --frob "$tmp/p.json"
check 2 "report against a baseline that is not one" "$bin" report --baseline "$tmp/other.json" "$tmp/p.json"
check 0 "report of one kernel twice" "$bin" report --out "$tmp/rep" a="$tmp/p.json" b="$tmp/p.json"
expect "No behaviour differs" "$tmp/out" "the same profile twice is not an empty report"
for f in report.md report.html report.xml; do [ -s "$tmp/rep/$f" ] || { echo "FAIL: no $f"; fail=1; }; done
if [ -w /dev/full ]; then
	check 2 "report > /dev/full" sh -c "exec \"\$0\" report --out \"\$1\" a=\"\$2\" b=\"\$2\" >/dev/full" \
		"$bin" "$tmp/rep2" "$tmp/p.json"
fi
sed 's/"scm_max_fd": 253/"scm_max_fd": 254/' "$tmp/p.json" >"$tmp/q.json"
check 0 "report that records a baseline" "$bin" report --update-baseline "$tmp/base.json" a="$tmp/p.json" b="$tmp/q.json"
check 0 "report against the baseline it expects" "$bin" report --baseline "$tmp/base.json" a="$tmp/p.json" b="$tmp/q.json"
sed 's/"scm_max_fd": 253/"scm_max_fd": 252/' "$tmp/p.json" >"$tmp/r.json"
check 1 "report with a change the baseline does not expect" "$bin" report --baseline "$tmp/base.json" a="$tmp/p.json" b="$tmp/r.json"
expect '\*\*new\*\*' "$tmp/out" "the new difference is not marked new"
src=$(cd "$cases/../.." && pwd)
check 2 "ci/kernels with a kernel image that does not exist" "$src/ci/kernels" --ancdata "$bin" /no/such/bzImage
check 2 "ci/kernels with an unknown option" "$src/ci/kernels" --frob
check 0 "list" "$bin" list
[ "$(wc -l <"$tmp/out")" -ge 150 ] || { echo "FAIL: list shows fewer than 150 cases"; fail=1; }
first=$(head -n 1 "$tmp/out")
check 0 "show" "$bin" show cpython_fd_pass_simple
expect '^id cpython_fd_pass_simple' "$tmp/out" "show does not print the case"
check 0 "show of an AREA/ID as list prints it" "$bin" show "$first"
expect "^id ${first#*/}\$" "$tmp/out" "show AREA/ID does not print the case"
exit $fail
