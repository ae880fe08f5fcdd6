# shellcheck shell=bash disable=SC2034  # the lists are used by the scripts that source this
# ci/lib/deps.sh - sourced by the ci/ scripts: install the Debian packages a
# job needs, only when one is missing (apt-get update first, as root).
# The package lists live here, one per purpose.
DEPS_BUILD="cmake make gcc clang libclang-rt-14-dev pkg-config libcriterion-dev libjansson-dev libxml2-dev python3 zip unzip"
DEPS_FUZZ="afl++ lld-14 gnuplot-nox"   # with DEPS_BUILD; gnuplot draws ci/fuzz's progress.svg
DEPS_COVERAGE="llvm-14 lcov"
DEPS_UML="user-mode-linux cpio"
DEPS_TEST="shellcheck strace"   # ci/test: the shell scripts linted, atomic writes traced
DEPS_QEMU="qemu-system-x86"
DEPS_BROWSER="chromium"         # ci/test: report.html checked in headless Chromium; ci/kernels' report.png

# headless Chromium with a fresh profile folder (removed after), no network
# of its own: browser_run DIR ARG... (DIR: a folder for its profile)
browser_run() {
	local dir=$1
	shift
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$dir" "$@" 2>/dev/null
}

ensure_packages() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "ci: missing Debian packages:$missing (run as root, or apt-get install them)" >&2
		exit 2
	fi
	echo "ci: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null
}

ncpus() { nproc 2>/dev/null || echo 2; }

# The calling script's --help: its header comment (the lines after the
# #! line up to the first line that is not a comment), without the "# ".
ci_help() {
	sed -n '2,${/^#/!q;s/^# \{0,1\}//p;}' "ci/${0##*/}"
}
