#!/bin/sh
# Make sure what mapviz needs is installed: the build's libraries, and with
# "test", what the test suite uses (Go 1.19 for the oracle, python3, tmux,
# asciinema and python3-pyte for the recordings, chromium for the exported
# page); with "fuzz", what `make fuzz` uses (clang and its libFuzzer
# runtime, libclang-rt-N-dev).
# As root with apt-get, install what is missing; otherwise name it in one
# clear message and fail.
missing=""
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
pkg-config --exists ncursesw 2>/dev/null || missing="$missing libncurses-dev"
pkg-config --exists libcyaml 2>/dev/null || missing="$missing libcyaml-dev"
# mapviz export: PNG through cairo, GIF through giflib, the DejaVu Sans Mono font
pkg-config --exists cairo 2>/dev/null || missing="$missing libcairo2-dev"
pkg-config --exists fontconfig 2>/dev/null || missing="$missing libfontconfig-dev"
[ -f /usr/include/gif_lib.h ] || missing="$missing libgif-dev"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || missing="$missing fonts-dejavu-core"
# mapviz export -o F.html: npm fetches the web player (web/package-lock.json), node inlines it
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ "${1:-}" = test ]; then
	# Go 1.19 by its own path (the go on PATH is Go 1.26 on these machines).
	here=$(cd "$(dirname "$0")" && pwd)
	. "$here/lib/gotool.sh"
	go_tool 1.19 >/dev/null 2>&1 || missing="$missing golang-1.19-go"
	command -v python3 >/dev/null 2>&1 || missing="$missing python3"
	command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
	command -v asciinema >/dev/null 2>&1 || missing="$missing asciinema"
	python3 -c 'import pyte' >/dev/null 2>&1 || /usr/bin/python3 -c 'import pyte' >/dev/null 2>&1 || missing="$missing python3-pyte"
	# the exported page's test drives Debian's chromium (tests/html)
	[ -x /usr/bin/chromium ] || missing="$missing chromium"
fi

# Whether clang can link a libFuzzer target (the runtime is a package of its own).
fuzzer_links() {
	d=$(mktemp -d "${TMPDIR:-/tmp}/mapviz-fuzzdep.XXXXXX") || return 1
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$d/t.c"
	clang -fsanitize=fuzzer,address,undefined -o "$d/t" "$d/t.c" >/dev/null 2>&1
	rc=$?
	rm -rf "$d"
	return $rc
}
# libclang-rt-N-dev for the clang that is installed (N: its major version).
fuzzer_runtime() {
	v=$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9][0-9]*\).*/\1/p' | head -n 1)
	echo "libclang-rt-${v:-14}-dev"
}
if [ "${1:-}" = fuzz ]; then
	if ! command -v clang >/dev/null 2>&1; then
		missing="$missing clang"
	elif ! fuzzer_links; then
		missing="$missing $(fuzzer_runtime)"
	fi
fi

apt_install() { # packages...
	echo "mapviz: installing $*" >&2
	# shellcheck disable=SC2086
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends "$@"; } >&2
}
can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

if [ -n "$missing" ]; then
	if ! can_install; then
		echo "mapviz: missing packages:$missing — install them with: sudo apt-get install$missing" >&2
		exit 1
	fi
	# shellcheck disable=SC2086
	apt_install $missing || { echo "mapviz: could not install$missing" >&2; exit 1; }
fi
# clang came just now: its libFuzzer runtime may be missing still.
if [ "${1:-}" = fuzz ] && ! fuzzer_links; then
	rt=$(fuzzer_runtime)
	if ! can_install; then
		echo "mapviz: clang cannot link a libFuzzer target — install: sudo apt-get install $rt" >&2
		exit 1
	fi
	apt_install "$rt" && fuzzer_links || { echo "mapviz: clang still cannot link a libFuzzer target (tried $rt)" >&2; exit 1; }
fi
exit 0
