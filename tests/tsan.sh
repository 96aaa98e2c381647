#!/bin/sh
# The threaded code under ThreadSanitizer: the unit tests (lock and
# turnstile tests run real threads), every scene run with one pthread per
# worker, and the free-running contention benchmark on every map kind (the
# sync.Map of Go 1.19 and of Go 1.26).  Any TSan report fails.  Ends with
# "tsan: N passed, N failed".
BIN=$1
UNIT=$2
ENGINE_UNIT=$3
here=$(cd "$(dirname "$0")" && pwd)
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}"
export MAPVIZ_SCENES="$here/../scenes"
pass=0
fail=0
for u in "$ENGINE_UNIT" "$UNIT"; do
	[ -n "$u" ] || continue
	if "$u" >/tmp/mapviz-tsan-unit.$$ 2>&1; then
		pass=$((pass + 1)); echo "ok   $(basename "$u") under TSan"
	else
		fail=$((fail + 1)); echo "FAIL $(basename "$u") under TSan:"; tail -n 30 /tmp/mapviz-tsan-unit.$$
	fi
done
rm -f /tmp/mapviz-tsan-unit.$$
for f in "$here"/../scenes/*.yaml "$here"/go/*.yaml "$here"/scenes/cli-*.yaml; do
	"$BIN" run "$f" --exec threads --every step --format jsonl >/dev/null 2>/tmp/mapviz-tsan.$$
	rc=$?
	if [ $rc -le 2 ] && ! grep -q 'ThreadSanitizer' /tmp/mapviz-tsan.$$; then
		pass=$((pass + 1)); echo "ok   $(basename "$f") on threads"
	else
		fail=$((fail + 1)); echo "FAIL $(basename "$f") (exit $rc):"; head -n 30 /tmp/mapviz-tsan.$$
	fi
done
# "syncmap@1.26" is --impl syncmap --go 1.26: Go 1.26's sync.Map, the
# HashTrieMap (engine/bench/gotrie)
for impl in mutex rwmutex syncmap sharded syncmap@1.26; do
	go=1.19
	case $impl in *@*) go=${impl#*@} impl=${impl%@*} ;; esac
	for mode in update churn; do
		"$BIN" bench contention --impl $impl --go $go --threads 4 --read-pct 70 --mode $mode \
			--keys 1000 --seconds 0.2 >/dev/null 2>/tmp/mapviz-tsan.$$
		rc=$?
		if [ $rc -eq 0 ] && ! grep -q 'ThreadSanitizer' /tmp/mapviz-tsan.$$; then
			pass=$((pass + 1)); echo "ok   bench contention --impl $impl --go $go --mode $mode"
		else
			fail=$((fail + 1)); echo "FAIL bench contention --impl $impl --go $go --mode $mode (exit $rc):"
			head -n 30 /tmp/mapviz-tsan.$$
		fi
	done
done
rm -f /tmp/mapviz-tsan.$$
echo "tsan: $pass passed, $fail failed"
[ $fail -eq 0 ]
