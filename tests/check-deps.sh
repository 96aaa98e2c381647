#!/bin/sh
# Make sure the build's libraries are installed; install them when root,
# else name the packages in one clear message.
missing=""
pkg-config --exists ncursesw 2>/dev/null || missing="$missing libncurses-dev"
pkg-config --exists libcyaml 2>/dev/null || missing="$missing libcyaml-dev"
command -v pkg-config >/dev/null 2>&1 || missing="pkg-config$missing"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "mapviz: installing$missing" >&2
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pkg-config $missing; } >&2 && exit 0
fi
echo "mapviz: missing packages:$missing — install them with: sudo apt-get install pkg-config$missing" >&2
exit 1
