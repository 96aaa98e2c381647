#!/bin/sh
# Make sure what mapviz needs is installed: the build's libraries, and with
# "test", what the test suite uses (Go 1.19 for the oracle, python3, tmux,
# asciinema and python3-pyte for the recordings).
# As root with apt-get, install what is missing; otherwise name it in one
# clear message and fail.
missing=""
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
pkg-config --exists ncursesw 2>/dev/null || missing="$missing libncurses-dev"
pkg-config --exists libcyaml 2>/dev/null || missing="$missing libcyaml-dev"
if [ "${1:-}" = test ]; then
	# Go 1.19 by its own path (the go on PATH is Go 1.26 on these machines).
	here=$(cd "$(dirname "$0")" && pwd)
	. "$here/lib/gotool.sh"
	go_tool 1.19 >/dev/null 2>&1 || missing="$missing golang-1.19-go"
	command -v python3 >/dev/null 2>&1 || missing="$missing python3"
	command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
	command -v asciinema >/dev/null 2>&1 || missing="$missing asciinema"
	python3 -c 'import pyte' >/dev/null 2>&1 || /usr/bin/python3 -c 'import pyte' >/dev/null 2>&1 || missing="$missing python3-pyte"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "mapviz: installing$missing" >&2
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing; } >&2 && exit 0
	echo "mapviz: could not install$missing" >&2
	exit 1
fi
echo "mapviz: missing packages:$missing — install them with: sudo apt-get install$missing" >&2
exit 1
