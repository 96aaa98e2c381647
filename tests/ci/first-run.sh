#!/bin/bash
# The README's first command as a newcomer types it, in a terminal: run
# CMD (default: make run) under a pseudo-terminal, wait until the TUI shows
# the default scene, press q, and expect a clean exit.  Used by .ci/run;
# needs only util-linux's `script`, so it works before `make test` has
# installed tmux.
#
#   tests/ci/first-run.sh [CMD...]
set -u
cd "$(dirname "$0")/../.."
cmd=${*:-make run}
want="A tour of Go's map"
dir=$(mktemp -d "${TMPDIR:-/tmp}/mapviz-first-run.XXXXXX")
trap 'exec 3>&- 2>/dev/null; rm -rf "$dir"' EXIT
mkfifo "$dir/in"
# script gives the command a terminal (80x24) and logs what it drew
TERM=xterm-256color COLUMNS=80 LINES=24 script -qefc "stty rows 24 cols 80 2>/dev/null; $cmd" "$dir/screen" <"$dir/in" >/dev/null 2>&1 &
pid=$!
exec 3>"$dir/in"
for _ in $(seq 1 1200); do # up to 20 minutes: a fresh machine installs packages first
	grep -q "$want" "$dir/screen" 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 1
done
if ! grep -q "$want" "$dir/screen" 2>/dev/null; then
	echo "first-run: '$cmd' never showed the tour; what it printed:" >&2
	tail -c 3000 "$dir/screen" | tr -d '\033' >&2
	kill "$pid" 2>/dev/null
	exit 1
fi
sleep 1
printf q >&3
for _ in $(seq 1 30); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 1
done
if kill -0 "$pid" 2>/dev/null; then
	echo "first-run: q did not quit the TUI within 30 s" >&2
	kill "$pid"
	exit 1
fi
wait "$pid"
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "first-run: '$cmd' exited $rc" >&2
	tail -c 3000 "$dir/screen" | tr -d '\033' >&2
	exit 1
fi
echo "first-run: '$cmd' built mapviz, showed the tour and quit on q"
