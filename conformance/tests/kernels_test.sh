#!/bin/sh
# kernels_test.sh SOURCE ANCDATA uml|panic|failing|host-crash|quickstart|bad-input|cases
#   uml:        the profile boots as /init of user-mode-linux; the cases that
#               fail there are exactly the known 6.1 differences (known-6.1.txt),
#               which fail the verdict until a baseline expects them;
#   panic:      a guest whose /init cannot run panics, and ci/kernels reports a
#               kernel error with the console tail (the panic line in it),
#               exit status 1, never a pass;
#   failing:    a wrapper makes one host case fail (and exits 1, as ancdata
#               profile does): ci/kernels exits 1 and the report shows the case
#               and its why;
#   host-crash: a wrapper whose profile dies with TAB, NUL, bytes that are not
#               UTF-8 and a panic line on its output, writing no profile (after
#               a good run left host.json behind): a kernel error, exit 1, the
#               stale profile never used;
#   quickstart-uml: ci/quickstart on host and UML: its excerpt shows each
#               differing row's fields per kernel, whole (a value was once cut
#               at 160 characters), and the limits, and ends with one verdict
#               line (FAIL: the known 6.1 differences fail);
#   quickstart: ci/quickstart on the host alone, where no kernel differs,
#               exits 0 and ends with one verdict line (it once ended early,
#               exit 1, on a grep that found no differing row);
#   bad-input:  a binary baseline, an unknown kernel package, two kernels of
#               one name, a case file that is not a scenario: one line,
#               exit 2, no report (nothing booted);
#   cases:      a user's case files (a folder and a file) travel into UML's
#               initramfs and run on the host and UML (--only-cases: only
#               they), carried in both profiles as user/ID, "user": true;
#               ancdata profile --cases runs them beside the built-in ones;
#               ancdata probe --kernel uml FILE asks UML one question;
#               ci/kernels --against host=SAVED: nothing changed, exit 0; a
#               saved profile whose row differs, exit 1 with was/now.
set -u
src=$1 bin=$2 what=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
no() { echo "FAIL: $*"; [ -f "$out/k/report.md" ] && cat "$out/k/report.md"; exit 1; }
wrapper() { # body of the profile step -> $out/wrapper
	cat >"$out/wrapper" <<WRAP
#!/bin/sh
# the real ancdata, except that "profile --output FILE" is changed
[ "\$1" = profile ] || exec "$bin" "\$@"
$1
WRAP
	chmod +x "$out/wrapper"
}
case $what in
uml)
	"$src/ci/kernels" --ancdata "$bin" --out "$out/k" host uml >"$out/stdout" 2>&1
	rc=$?
	grep -q '"release":"6\.' "$out/k/uml.json" || { cat "$out/stdout"; tail -20 "$out/k/uml.log"; no "no UML profile"; }
	grep -Eq '"fail": ?0,' "$out/k/host.json" || no "cases failed on the host"
	# exactly the known 6.1 differences fail under UML, and they fail the
	# verdict until a baseline expects them
	known=$(grep -v '^#' "$src/conformance/tests/known-6.1.txt" | awk 'NF {print $1}' | sort)
	failed=$(grep -o 'failed on uml: [a-z0-9_]*' "$out/stdout" | awk '{print $4}' | sort)
	[ "$failed" = "$known" ] || no "the cases failing under UML are not the known 6.1 differences (conformance/tests/known-6.1.txt): $(echo "$failed" | tr '\n' ' ')"
	[ $rc = 1 ] || no "failed cases under UML gave exit status $rc, not 1"
	"$bin" report --out "$out/b" --update-baseline "$out/base.json" host="$out/k/host.json" uml="$out/k/uml.json" >/dev/null
	[ $? = 1 ] || no "the run that records the baseline does not fail its own verdict"
	"$bin" report --out "$out/b" --baseline "$out/base.json" host="$out/k/host.json" uml="$out/k/uml.json" >"$out/b.md"
	rc=$?
	[ $rc = 0 ] || { cat "$out/b.md"; no "known failures expected by the baseline still fail the verdict (exit $rc)"; }
	n=$(echo "$known" | wc -l)
	grep -q "^$n known failures, expected by the baseline" "$out/b.md" || no "the report does not count $n known failures"
	grep -q 'known failure, expected by the baseline' "$out/b/report.xml" || no "JUnit does not mark the known failures"
	for d in "${HOME:-/root}"/.uml/ancdata-uml-*; do [ -e "$d" ] && no "UML left its folder $d"; done
	grep -E '^\| (host|uml) ' "$out/k/report.md" ;;
panic)
	"$src/ci/kernels" --ancdata "$bin" --out "$out/k" --simulate-panic uml >"$out/stdout" 2>&1
	rc=$?
	cat "$out/stdout"
	[ $rc = 1 ] || no "a panicking guest gave exit status $rc, not 1"
	grep -q 'Aborted\|line [0-9]' "$out/stdout" && no "bash's job-control notice leaked"
	grep -q 'Kernel error on uml' "$out/k/report.md" || no "the report does not name the kernel error"
	grep -q 'kernel panic' "$out/k/report.md" || no "the report does not say panic"
	grep -q 'Kernel panic - not syncing' "$out/k/report.md" || no "the console tail has no panic line"
	grep -q '<error' "$out/k/report.xml" || no "no JUnit error"
	grep -A3 'Kernel error on uml' "$out/k/report.md" ;;
failing)
	wrapper '"'"$bin"'" "$@" || exit $?
out=$3
sed -i "0,/\"status\": \"pass\"/s//\"status\": \"fail\", \"why\": \"made to fail by the test wrapper\"/" "$out"
exit 1'
	"$src/ci/kernels" --ancdata "$out/wrapper" --out "$out/k" host
	rc=$?
	[ $rc = 1 ] || no "a failing host case gave exit status $rc, not 1"
	grep -q 'made to fail by the test wrapper' "$out/k/report.md" || no "the report does not show the failed case's why"
	grep -q 'Verdict: FAILED' "$out/k/report.md" || no "the verdict is not FAILED"
	grep -q 'No behaviour differs' "$out/k/report.md" && no "the report says nothing differs"
	grep -q '<failure message="made to fail by the test wrapper"' "$out/k/report.xml" || no "JUnit has no failure"
	grep 'failed on host' "$out/k/report.md" ;;
host-crash)
	"$src/ci/kernels" --ancdata "$bin" --out "$out/k" host >/dev/null || no "a good host run failed"
	[ -s "$out/k/host.json" ] || no "no host.json from a good run"
	wrapper 'printf "starting\tup\000nul \377\376 latin\n[ 1.0] Kernel panic - not syncing: test\n"
kill -ABRT $$'
	"$src/ci/kernels" --ancdata "$out/wrapper" --out "$out/k" host >"$out/stdout" 2>&1
	rc=$?
	cat "$out/stdout"
	[ $rc = 1 ] || no "a host run that died gave exit status $rc, not 1"
	grep -q 'Aborted' "$out/stdout" && no "bash's job-control notice leaked"
	grep -q '"kernel_error"' "$out/k/host.json" || no "the stale host.json was kept"
	grep -q 'Kernel error on host' "$out/k/report.md" || no "the report does not show the host's error"
	grep -q 'Kernel panic - not syncing: test' "$out/k/report.md" || no "the panic line is not in the report"
	grep -q -F 'starting	up\x00nul \xff\xfe latin' "$out/k/report.md" || no "the console bytes are not carried"
	xmllint --noout "$out/k/report.xml" || no "report.xml is not well-formed" ;;
quickstart)
	"$src/ci/quickstart" --no-fuzz --kernels host --out "$out/k" >"$out/stdout" 2>&1
	rc=$?
	tail -8 "$out/stdout"
	[ $rc = 0 ] || no "ci/quickstart on the host alone: exit status $rc, not 0"
	tail -1 "$out/stdout" | grep -q '^quickstart verdict: PASS' || no "ci/quickstart does not end with its verdict"
	"$src/ci/quickstart" --help | grep -q 'Exit status' || no "ci/quickstart --help" ;;
quickstart-uml)
	"$src/ci/quickstart" --no-fuzz --kernels "host uml" --out "$out/k" >"$out/stdout" 2>&1
	rc=$?
	sed -n '/^== what differed/,$p' "$out/stdout"
	[ $rc = 1 ] || no "ci/quickstart on host and UML: exit status $rc, not 1 (the known 6.1 failures)"
	grep -Eq '^   limits: limits\.[a-z_]+$' "$out/stdout" || no "the excerpt leaves out the limits"
	grep -Eq '^      uml: [0-9]+$' "$out/stdout" || no "the excerpt has no limit's value per kernel"
	grep -Eq '^      uml: status fail \(line [0-9]+: .*\); step [0-9]+ [a-z]+: ret=' "$out/stdout" ||
		no "the excerpt does not show a failed case's differing fields per kernel"
	awk 'length > 160 && /^      (host|uml): / && !/[")0-9a-zA-Z]$/ {bad = 1} END {exit bad}' "$out/stdout" ||
		no "an excerpt line ends in the middle of a value"
	[ "$(grep -c 'verdict' "$out/stdout")" -ge 1 ] && tail -1 "$out/stdout" | grep -q '^quickstart verdict: FAIL: kernels: FAILED' ||
		no "ci/quickstart does not end with one verdict line" ;;
bad-input)
	printf '\177ELF\001\000binary' >"$out/binary"
	printf 'id broken\nsend a data=x\n' >"$out/bad.case"
	for args in "--baseline $out/binary host" "linux-image-does-not-exist" "host host" "--out $out/binary host" \
		"--cases $out/bad.case uml" "--cases $out/none.case uml" "--only-cases uml" "--against $out/binary host"; do
		# shellcheck disable=SC2086
		"$src/ci/kernels" --ancdata "$bin" --out "$out/k" $args >"$out/stdout" 2>"$out/stderr"
		rc=$?
		[ $rc = 2 ] || no "ci/kernels $args: exit status $rc, not 2"
		[ "$(wc -l <"$out/stderr")" = 1 ] || no "ci/kernels $args: not one line on stderr"
		grep -q 'reports:' "$out/stdout" && no "ci/kernels $args: points at reports"
		[ -e "$out/k" ] && no "ci/kernels $args: wrote $out/k"
		echo "ok: $args: $(cat "$out/stderr")"
	done
	"$src/ci/kernels" --help | grep -q 'Exit status' || no "ci/kernels --help" ;;
cases)
	mkdir -p "$out/mine"
	cat >"$out/mine/connreset.case" <<'CASE'
id my_connreset
area cleanup
purpose a user's question: a stream peer that closes with unread data
socket stream pair

send b data=unread
close a
recv b api=recvmsg bufsize=8
expect ret=ECONNRESET
CASE
	cat >"$out/one_fd.case" <<'CASE'
id my_one_fd
area truncation
purpose a user's question: one fd in a buffer that fits it
socket dgram pair

send a data=x rights=1
expect ret=1
recv b bufsize=8 ancbuf=CMSG_SPACE(4)
expect ret=1 flags=0 fds=p0 data="x"
CASE
	"$src/ci/kernels" --ancdata "$bin" --out "$out/k" --only-cases --cases "$out/mine" \
		--cases "$out/one_fd.case" host uml >"$out/stdout" 2>&1
	rc=$?
	cat "$out/stdout"
	[ $rc = 0 ] || no "the user's cases on host and UML: exit status $rc, not 0"
	for k in host uml; do
		ids=$(grep -o '"id": *"[^"]*"' "$out/k/$k.json" | sed 's/.*"\(.*\)"/\1/' | sort | tr '\n' ' ')
		[ "$ids" = "user/my_connreset user/my_one_fd " ] || no "$k ran '$ids', not the two user cases alone"
		[ "$(grep -o '"user": *true' "$out/k/$k.json" | wc -l)" = 2 ] || no "$k's user cases are not marked user"
		grep -q "<testcase classname=\"cleanup\" name=\"user/my_connreset\"" "$out/k/report.xml" ||
			no "the report has no user case"
	done
	echo "ok: the user's cases ran on host and UML"
	# ci/kernels --against: the host's saved profile as its reference
	cp "$out/k/host.json" "$out/saved.json"
	"$src/ci/kernels" --ancdata "$bin" --out "$out/k" --only-cases --cases "$out/mine" \
		--cases "$out/one_fd.case" --against "host=$out/saved.json" host >"$out/stdout" 2>&1 ||
		{ cat "$out/stdout"; no "ci/kernels against the host's own saved profile failed"; }
	grep -q "^Compared: .*host against the reference $out/saved.json" "$out/k/report.md" ||
		no "the verdict does not name the reference"
	sed -i 's/"ret=ECONNRESET/"ret=EPIPE/' "$out/saved.json"
	"$src/ci/kernels" --ancdata "$bin" --out "$out/k" --only-cases --cases "$out/mine" \
		--cases "$out/one_fd.case" --against "host=$out/saved.json" host >"$out/stdout" 2>&1
	rc=$?
	[ $rc = 1 ] || no "a row changed against the reference: exit status $rc, not 1"
	grep -q '^- \*\*changed\*\* on host against .*saved.json: user/my_connreset: was `step 3 recv: ret=EPIPE`, now `step 3 recv: ret=ECONNRESET`' "$out/k/report.md" ||
		{ grep changed "$out/k/report.md"; no "the changed row is not listed field by field"; }
	echo "ok: ci/kernels --against"
	"$bin" profile --cases "$out/mine" --output "$out/p.json" >/dev/null
	n=$(grep -c '"id":' "$out/p.json")
	grep -q '"id": "user/my_connreset"' "$out/p.json" && [ "$n" -gt 200 ] ||
		no "ancdata profile --cases does not run them beside the built-in cases ($n cases)"
	(cd "$src" && "$bin" probe --kernel uml "$out/one_fd.case") >"$out/probe" 2>&1
	rc=$?
	cat "$out/probe"
	[ $rc = 0 ] || no "ancdata probe --kernel uml: exit status $rc, not 0"
	d=$(sed -n 's|^ci/kernels: reports: \([^ ]*\)/report.md.*|\1|p' "$out/probe")
	grep -q '"id":"user/my_one_fd"' "$d/uml.json" || no "probe --kernel uml did not run the case in UML"
	rm -rf "$d" ;;
esac
exit 0
