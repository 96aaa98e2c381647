#!/bin/sh
# Run every test layer and end with one line "N passed, N failed".
# usage: tests/run-all.sh MAPVIZ_BIN UNIT_BIN ENGINE_UNIT_BIN
# Each layer prints its own "LAYER: N passed, N failed" line; a layer that
# dies without one counts as one failure.  SKIP_ORACLE=1 skips the Go oracle.
BIN=$1
UNIT=$2
ENGINE_UNIT=$3
total_pass=0
total_fail=0
layers_failed=""
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
export MAPVIZ_SCENES="$top/scenes"

run_layer() {
	name=$1
	shift
	echo "== $name"
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then
		echo "$name: no result line (exit $rc): counted as 1 failure"
		total_fail=$((total_fail + 1))
		layers_failed="$layers_failed $name"
		return
	fi
	p=$(printf '%s\n' "$line" | sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/')
	f=$(printf '%s\n' "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$name: exit status $rc with no failed test: counted as 1 failure"
		total_fail=$((total_fail + 1))
	fi
	[ "$f" -ne 0 ] || [ "$rc" -ne 0 ] && layers_failed="$layers_failed $name"
	return 0
}

run_layer engine "$ENGINE_UNIT"
run_layer unit "$UNIT"
run_layer bad-scenes "$here/bad/run.sh" "$BIN"
run_layer cli "$here/cli/run.sh" "$BIN"
run_layer explore "$here/cli/explore.sh" "$BIN"
run_layer values "$here/cli/values.sh" "$BIN"
run_layer scenes "$BIN" test
run_layer go-semantics "$here/go/scenes-test.sh" "$BIN"
run_layer swiss "$here/swiss/run.sh" "$BIN"
run_layer tui "$here/tui/run.sh" "$BIN"
run_layer tui-challenge "$here/tui/challenge-e2e.sh" "$BIN"
run_layer record "$here/record/run.sh" "$BIN"
run_layer export "$here/export/run.sh" "$BIN"
run_layer html "$here/html/run.sh" "$BIN"
if [ "${SKIP_ORACLE:-0}" != 1 ]; then
	run_layer oracle "$here/oracle/run.sh" "$BIN"
	run_layer oracle-swiss "$here/oracle/swiss-run.sh" "$BIN"
	run_layer oracle-hashtrie "$here/oracle/hashtrie-run.sh" "$BIN"
fi
echo
[ -n "$layers_failed" ] && echo "failing layers:$layers_failed"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
