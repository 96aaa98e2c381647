#!/bin/sh
# The sync.Map oracle for Go 1.26 (internal/sync.HashTrieMap): replay seeded
# workloads on Go 1.26's real sync.Map and on mapviz's model (go: "1.26",
# map.impl syncmap scenes), and compare the trie after every operation.
#
#   tests/oracle/hashtrie-run.sh MAPVIZ_BIN [WORKLOAD[/int|/string]...]
#
# Builds build/oracle-hashtrie (the Go module tests/oracle/hashtrie, Go >=
# 1.26 found by path, offline) when missing or older than its sources, and
# runs `oracle-hashtrie selftest`, which must pass before any verdict
# counts.  Also builds build/oracle-hashtrie-replay (tests/oracle/hashtrie/
# replay/replay.c with engine/hashtrie, locks and core: the engine without the
# world or the scene loader).  Picks a seed (ORACLE_SEED, else random;
# printed, so a run's op choices can be repeated; Go's hashes are fresh on
# every run), and for every workload x {int, string} key type:
#   1. generates the scene, Go's expected trace and the replay ops; the
#      reference model (the sheet's HT rules) must agree with the runtime;
#   2. runs the replay driver and compares: the engine itself against Go;
#   3. runs `MAPVIZ_BIN run SCENE --format jsonl --every op --state full`
#      (at most ORACLE_TIMEOUT seconds, default 120) and compares.
# Until mapviz runs these scenes, step 3 is reported as a skip, not a
# failure, when mapviz's stderr says the scene is not supported (or
# unsupported), when its scene loader does not know Go 1.26's sync.Map ops
# yet (swap, compare_and_swap, compare_and_delete, clear on a sync.Map), or
# when it ran the scene with another sync.Map model (no "engine":"hashtrie"
# STATE); a skip still needs steps 1 and 2 to pass.
# One line per trace, then "oracle-hashtrie: N passed, N failed"; exit 1 on
# any failure.  A failing trace's files are kept in
# tests/oracle/out/hashtrie-NAME-KIND/.
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
	echo "oracle-hashtrie: $*" >&2
	echo "oracle-hashtrie: 0 passed, 1 failed"
	exit 1
}

[ -x "$mapviz" ] || die "$mapviz is not an executable mapviz binary"

# Go >= 1.26 by path: the oracle reads the runtime's private structures.
. "$root/tests/lib/gotool.sh"
GO=$(go_tool 1.26) || die "the sync.Map oracle needs Go >= 1.26"
# go needs a build cache; give it one inside build/ when the environment has none.
if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ]; then
	GOCACHE=$root/build/go-cache
	export GOCACHE
fi

src=$here/hashtrie
oracle=$root/build/oracle-hashtrie
if [ ! -x "$oracle" ] || [ -n "$(find "$src" -maxdepth 1 \( -name '*.go' -o -name go.mod \) -newer "$oracle")" ]; then
	mkdir -p "$root/build"
	(cd "$src" && GOFLAGS='' GOPROXY=off GOTOOLCHAIN=local "$GO" build -buildvcs=false -o "$oracle" .) ||
		die "could not build $oracle"
	# A fresh oracle first proves it reads this runtime right; if it
	# cannot, its verdicts on mapviz would mean nothing.
	if ! log=$("$oracle" selftest 2>&1); then
		printf '%s\n' "$log" >&2
		rm -f "$oracle"
		die "oracle-hashtrie selftest failed (above): the oracle does not match this Go runtime"
	fi
	echo "oracle-hashtrie: built $oracle, selftest passed"
fi

replay=$root/build/oracle-hashtrie-replay
rsrc="$src/replay/replay.c $root/engine/hashtrie/*.c $root/engine/locks/locks.c $root/engine/core/*.c"
if [ ! -x "$replay" ] || [ -n "$(find "$src/replay/replay.c" "$root/engine/hashtrie" "$root/engine/locks" "$root/engine/core" \
	\( -name '*.c' -o -name '*.h' \) -newer "$replay")" ]; then
	mkdir -p "$root/build"
	# shellcheck disable=SC2086 # the source list is globbed on purpose
	${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -I"$root" -o "$replay" $rsrc ||
		die "could not build $replay"
fi

. "$root/tests/lib/oracle.sh"
oracle_setup oracle-hashtrie "$oracle" 120 "$@"

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
		rep=$dir/$name.replay.jsonl
		err=$dir/$name.stderr
		why=""
		skip=""
		info=""
		mkdir -p "$dir"
		if ! info=$("$oracle" gen -workload "$name" -seed "$seed" -keys "$kind" -out "$dir" 2>"$dir.gen.err"); then
			why="oracle-hashtrie gen failed: $info $(cat "$dir.gen.err")"
		else
			info=${info#*: }
			# 2. the engine itself
			"$replay" "$dir/$name.ops" >"$rep" 2>"$err.replay"
			rrc=$?
			rverdict=$("$oracle" compare "$exp" "$rep")
			vrc=$?
			if [ $rrc -ne 0 ] || [ $vrc -ne 0 ]; then
				why="the engine (replay) differs from Go: $(head -c 2000 "$err.replay")
$rverdict"
			fi
			# 3. mapviz
			$limit "$mapviz" run "$scene" --format jsonl --every op --state full >"$act" 2>"$err"
			rc=$?
			if [ $rc -ne 0 ] && grep -Eqi 'not (yet )?supported|unsupported' "$err"; then
				skip="mapviz run: $(head -c 200 "$err" | tr '\n' ' ')"
			elif [ $rc -ne 0 ] && grep -Eq "unknown op '(swap|compare_and_swap|compare_and_delete)'|found clear with map.impl syncmap" "$err"; then
				skip="mapviz's scene loader does not know Go 1.26's sync.Map ops yet: $(head -c 200 "$err" | tr '\n' ' ')"
			elif [ $rc -eq 124 ] && [ -n "$limit" ]; then
				why="${why:+$why
}mapviz run timed out after ${secs}s"
			else
				verdict=$("$oracle" compare "$exp" "$act")
				crc=$?
				if [ $crc -eq 3 ] && [ $rc -eq 0 ]; then
					skip="mapviz ran the scene with another sync.Map model ($verdict)"
				elif [ $rc -ne 0 ]; then
					why="${why:+$why
}mapviz run exited $rc: $(head -c 2000 "$err")
$verdict"
				elif [ $crc -ne 0 ]; then
					why="${why:+$why
}mapviz: $verdict"
				fi
			fi
		fi
		if [ -z "$why" ] && [ -n "$skip" ]; then
			skipped=$((skipped + 1))
			echo "skip $name/$kind (engine via replay: $rverdict; $skip)"
			rm -f "$dir/$name".*
		elif [ -z "$why" ]; then
			passed=$((passed + 1))
			echo "ok $name/$kind ($info)"
			rm -f "$dir/$name".*
		else
			failed=$((failed + 1))
			keep=$root/tests/oracle/out/hashtrie-$name-$kind
			rm -rf "$keep" && mkdir -p "$keep" && cp "$dir/$name".* "$keep/" 2>/dev/null
			echo "FAIL $name/$kind (seed $seed; files in tests/oracle/out/hashtrie-$name-$kind/)"
			printf '%s\n' "$why" | sed 's/^/    /'
		fi
	done
done

if [ "$skipped" -gt 0 ]; then
	echo "oracle-hashtrie: $skipped skipped (mapviz does not run go: \"1.26\" sync.Map scenes yet; the engine itself passed them through replay)"
fi
echo "oracle-hashtrie: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
