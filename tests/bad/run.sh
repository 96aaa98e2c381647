#!/bin/sh
# tests/bad/run.sh BIN — the corpus of broken scenes.
#
# Every tests/bad/*.yaml starts with a line "# expect: LINE:COL: text".
# `BIN check FILE` must exit 1, print nothing on stdout, and print exactly
# one line on stderr that starts with "FILE:LINE:COL: " and contains text.
# Ends with "bad-scenes: N passed, N failed"; exits 1 if any failed.

if [ $# -ne 1 ]; then
	echo "usage: $0 MAPVIZ-BINARY" >&2
	exit 2
fi
bin=$1
dir=$(dirname "$0")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mapviz-bad.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
timeout=""
command -v timeout >/dev/null 2>&1 && timeout="timeout 20"

pass=0
fail=0
for f in "$dir"/*.yaml; do
	[ -e "$f" ] || continue
	why=""
	first=$(head -n 1 "$f" | tr -d '\r')
	case $first in
	"# expect: "*) ;;
	*)
		echo "FAIL $f: the first line is not '# expect: LINE:COL: text'"
		fail=$((fail + 1))
		continue
		;;
	esac
	exp=${first#"# expect: "}
	pos=${exp%%": "*}
	text=${exp#*": "}

	$timeout "$bin" check "$f" >"$tmp/out" 2>"$tmp/err"
	status=$?
	line=$(head -n 1 "$tmp/err")
	nl=$(wc -l <"$tmp/err" | tr -d ' ')
	last=$(tail -c 1 "$tmp/err" | od -An -tx1 | tr -d ' \n')

	if [ "$status" -ne 1 ]; then
		why="exit status $status, expected 1"
	elif [ -s "$tmp/out" ]; then
		why="stdout is not empty: $(head -c 200 "$tmp/out")"
	elif [ "$nl" -ne 1 ] || [ "$last" != "0a" ]; then
		why="stderr is not exactly one line ($nl newlines): $(head -c 300 "$tmp/err")"
	else
		case $line in
		"$f:$pos: "*)
			case $line in
			*"$text"*) ;;
			*) why="message does not contain '$text'" ;;
			esac
			;;
		*) why="message does not start with '$f:$pos: '" ;;
		esac
	fi
	if [ -n "$why" ]; then
		echo "FAIL $f: $why"
		[ -n "$line" ] && echo "     got: $line"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
echo "bad-scenes: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
