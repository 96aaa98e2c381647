#!/bin/sh
# The Swiss-map oracle suite: replay seeded workloads on Go 1.26's real
# runtime map and on mapviz's model (go: "1.26" scenes), and compare the
# state after every operation.
#
#   tests/oracle/swiss-run.sh MAPVIZ_BIN [WORKLOAD[/int|/string]...]
#
# Builds build/oracle-swiss (the Go module tests/oracle/swiss, Go >= 1.26
# found by path, offline) when missing or older than its sources, and then
# runs `oracle-swiss selftest`, which must pass before any verdict counts.
# Picks a seed (ORACLE_SEED, else random; printed, so a run's op sequences
# can be repeated), and for every workload x {int, string} key type:
# generates the scene and Go's expected trace, runs `MAPVIZ_BIN run SCENE
# --format jsonl --every op --state full` (at most ORACLE_TIMEOUT seconds,
# default 120), and compares.  While mapviz answers a go: "1.26" scene with
# an error saying "not supported" (or "unsupported") on stderr, the trace is
# reported as skipped, not failed.  One line per trace, then "oracle-swiss: N passed, N failed";
# exit 1 on any failure.  A failing trace's files are kept in
# tests/oracle/out/swiss-NAME-KIND/ (Go's hashes and random draws differ on
# every run, so the files, not the seed, reproduce it).
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
	echo "oracle-swiss: $*" >&2
	echo "oracle-swiss: 0 passed, 1 failed"
	exit 1
}

[ -x "$mapviz" ] || die "$mapviz is not an executable mapviz binary"

# Go >= 1.26 by path: the oracle reads the runtime's private structures.
. "$root/tests/lib/gotool.sh"
GO=$(go_tool 1.26) || die "the Swiss-map oracle needs Go >= 1.26"
# go needs a build cache; give it one inside build/ when the environment has none.
if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ]; then
	GOCACHE=$root/build/go-cache
	export GOCACHE
fi

src=$here/swiss
oracle=$root/build/oracle-swiss
# The trace reader is the classic oracle's own file (../jsonscan.go): an
# overlay lays it into this package, which builds as a module of its own.
overlay=$root/build/oracle-swiss-overlay.json
if [ ! -x "$oracle" ] || [ "$here/jsonscan.go" -nt "$oracle" ] ||
	[ -n "$(find "$src" -maxdepth 1 \( -name '*.go' -o -name go.mod \) -newer "$oracle")" ]; then
	mkdir -p "$root/build"
	printf '{"Replace":{"%s":"%s"}}\n' "$src/jsonscan.go" "$here/jsonscan.go" >"$overlay"
	(cd "$src" && GOFLAGS='' GOPROXY=off GOTOOLCHAIN=local "$GO" build -buildvcs=false -overlay "$overlay" \
		-o "$oracle" .) || die "could not build $oracle"
	# A fresh oracle first proves it reads this runtime right; if it
	# cannot, its verdicts on mapviz would mean nothing.
	if ! log=$("$oracle" selftest 2>&1); then
		printf '%s\n' "$log" >&2
		rm -f "$oracle"
		die "oracle-swiss selftest failed (above): the oracle does not match this Go runtime"
	fi
	echo "oracle-swiss: built $oracle, selftest passed"
fi

. "$root/tests/lib/oracle.sh"
oracle_setup oracle-swiss "$oracle" 120 "$@"

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
		info=""
		if ! info=$("$oracle" gen -workload "$name" -seed "$seed" -keys "$kind" -out "$dir" 2>"$dir.gen.err"); then
			why="oracle-swiss gen failed: $info $(cat "$dir.gen.err")"
		else
			info=${info#*: }
			$limit "$mapviz" run "$scene" --format jsonl --every op --state full >"$act" 2>"$err"
			rc=$?
			# Until mapviz runs Go 1.26 scenes, it refuses them.
			if [ $rc -ne 0 ] && grep -Eqi 'not (yet )?supported|unsupported' "$err"; then
				skipped=$((skipped + 1))
				echo "skip $name/$kind (mapviz run: $(head -c 200 "$err" | tr '\n' ' '))"
				rm -f "$dir/$name".*
				continue
			fi
			if [ $rc -eq 124 ] && [ -n "$limit" ]; then
				why="mapviz run timed out after ${secs}s"
			else
				verdict=$("$oracle" compare "$exp" "$act")
				crc=$?
				if [ $rc -ne 0 ]; then
					why="mapviz run exited $rc: $(head -c 2000 "$err")
$verdict"
				elif [ $crc -ne 0 ]; then
					why=$verdict
				fi
			fi
		fi
		if [ -z "$why" ]; then
			passed=$((passed + 1))
			echo "ok $name/$kind ($info)"
			rm -f "$dir/$name".*
		else
			failed=$((failed + 1))
			keep=$root/tests/oracle/out/swiss-$name-$kind
			rm -rf "$keep" && mkdir -p "$keep" && cp "$dir/$name".* "$keep/" 2>/dev/null
			echo "FAIL $name/$kind (seed $seed; files in tests/oracle/out/swiss-$name-$kind/)"
			printf '%s\n' "$why" | sed 's/^/    /'
		fi
	done
done

if [ "$skipped" -gt 0 ]; then
	echo "oracle-swiss: $skipped skipped (mapviz does not run go: \"1.26\" scenes yet)"
fi
echo "oracle-swiss: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
