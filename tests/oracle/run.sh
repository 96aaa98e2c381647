#!/bin/sh
# The oracle suite: replay seeded workloads on Go's real runtime map and on
# mapviz's model, and compare the state after every operation.
#
#   tests/oracle/run.sh MAPVIZ_BIN [WORKLOAD[/int|/string]...]
#
# Builds build/oracle when missing or older than its sources (and then runs
# `oracle selftest`, which must pass before any verdict counts), picks a seed
# (ORACLE_SEED, else random; printed, so a run's op sequences can be
# repeated), and for every workload x {int, string} key type: generates the
# scene and Go's expected trace, runs `MAPVIZ_BIN run SCENE --format jsonl
# --every op --state full`, and compares.  The syncmap-* workloads trace a
# real sync.Map instead (WORKLOAD/int, WORKLOAD/string as for the others);
# while mapviz answers such a scene with "not supported" (exit 1) they are
# reported as skipped, not failed.  One line per trace, then
# "oracle: N passed, N failed"; exit 1 on any failure.  A failing trace's
# files are kept in tests/oracle/out/NAME-KIND/ (Go's hashes and random
# draws differ on every run, so the files, not the seed, reproduce it).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ $# -lt 1 ]; then
	echo "usage: $0 MAPVIZ_BIN [WORKLOAD[/int|/string]...]" >&2
	exit 2
fi
case $1 in
/*) mapviz=$1 ;;
*) mapviz=$(pwd)/$1 ;;
esac
shift

die() {
	echo "oracle: $*" >&2
	echo "oracle: 0 passed, 1 failed"
	exit 1
}

[ -x "$mapviz" ] || die "$mapviz is not an executable mapviz binary"

# Go 1.19 exactly: the oracle reads the runtime's private structures.
. "$root/tests/lib/gotool.sh"
GO=$(go_tool 1.19) || die "the classic oracle needs Go 1.19"
# go needs a build cache; give it one inside build/ when the environment has none.
if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ]; then
	GOCACHE=$root/build/go-cache
	export GOCACHE
fi

oracle=$root/build/oracle
if [ ! -x "$oracle" ] || [ -n "$(find "$here" -maxdepth 1 \( -name '*.go' -o -name go.mod \) -newer "$oracle")" ]; then
	mkdir -p "$root/build"
	(cd "$here" && GOFLAGS='' GOPROXY=off GOTOOLCHAIN=local "$GO" build -o "$oracle" .) || die "could not build $oracle"
	# A fresh oracle first proves it reads this runtime right; if it
	# cannot, its verdicts on mapviz would mean nothing.
	if ! log=$("$oracle" selftest 2>&1); then
		printf '%s\n' "$log" >&2
		rm -f "$oracle"
		die "oracle selftest failed (above): the oracle does not match this Go runtime"
	fi
fi

. "$root/tests/lib/oracle.sh"
oracle_setup oracle "$oracle" 300 "$@"

passed=0
failed=0
skipped=0
for name in $names; do
	for kind in int string; do
		wanted "$name" "$kind" || continue
		dir=$tmp/$kind
		scene=$dir/$name.yaml
		exp=$dir/$name.expected.jsonl
		act=$dir/$name.actual.jsonl
		err=$dir/$name.stderr
		why=""
		if ! "$oracle" gen -workload "$name" -seed "$seed" -keys "$kind" -out "$dir" >"$dir.gen.log" 2>&1; then
			why="oracle gen failed: $(cat "$dir.gen.log")"
		else
			$limit "$mapviz" run "$scene" --format jsonl --every op --state full >"$act" 2>"$err"
			rc=$?
			case $name in
			syncmap-*)
				# Until the world runs syncmap scenes, mapviz refuses them.
				if [ $rc -eq 1 ] && grep -q 'not supported' "$err"; then
					skipped=$((skipped + 1))
					echo "skip $name/$kind (mapviz run: $(head -c 200 "$err" | sed 's/.*: //'))"
					continue
				fi
				;;
			esac
			verdict=$("$oracle" compare "$exp" "$act")
			crc=$?
			if [ $rc -ne 0 ]; then
				why="mapviz run exited $rc: $(head -c 2000 "$err")
$verdict"
			elif [ $crc -ne 0 ]; then
				why=$verdict
			fi
		fi
		if [ -z "$why" ]; then
			passed=$((passed + 1))
			echo "ok $name/$kind (${verdict#ok })"
		else
			failed=$((failed + 1))
			keep=$root/tests/oracle/out/$name-$kind
			rm -rf "$keep" && mkdir -p "$keep" && cp "$dir/$name".* "$keep/" 2>/dev/null
			echo "FAIL $name/$kind (seed $seed; files in tests/oracle/out/$name-$kind/)"
			printf '%s\n' "$why" | sed 's/^/    /'
		fi
	done
done

if [ "$skipped" -gt 0 ]; then
	echo "oracle: $passed passed, $failed failed, $skipped skipped (syncmap scenes: mapviz does not run them yet)"
else
	echo "oracle: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
