#!/bin/sh
# tests/fuzz/run.sh SECONDS FUZZER... — run each libFuzzer target (built by
# `make fuzz`) for SECONDS seconds from the seed corpus tests/fuzz/corpus
# with the dictionary tests/fuzz/yaml.dict.  New inputs it finds go to
# build-fuzz/corpus/NAME (kept between runs); a crash, a leak, a hang (an
# input that takes over FUZZ_TIMEOUT seconds, default 10) or more than
# FUZZ_RSS_MB (default 2048) of memory fails, with its reproducer in
# build-fuzz/artifacts/NAME/ and the fuzzer's log in build-fuzz/NAME.log.
# Reproduce one: build-fuzz/NAME FILE.  Ends with "fuzz: N passed, N failed".
if [ $# -lt 2 ]; then
	echo "usage: $0 SECONDS FUZZER..." >&2
	exit 2
fi
secs=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	dir=$(dirname "$bin")
	mkdir -p "$dir/corpus/$name" "$dir/artifacts/$name"
	log="$dir/$name.log"
	stamp="$dir/.$name.start"
	: >"$stamp"
	echo "fuzz: $name for $secs s ..."
	"$bin" -max_total_time="$secs" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
		-max_len=65536 -dict="$here/yaml.dict" -artifact_prefix="$dir/artifacts/$name/" \
		-print_final_stats=1 "$dir/corpus/$name" "$here/corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ] && ! grep -q '^==[0-9]*==ERROR\|^SUMMARY: \|runtime error:' "$log"; then
		pass=$((pass + 1))
		echo "ok   fuzz $name: ${runs:-?} inputs in $secs s (${cov:-cov: ?}), no crash, leak or hang"
	else
		fail=$((fail + 1))
		echo "FAIL fuzz $name (exit $rc): see $log"
		grep -m 5 -E 'ERROR|runtime error|SUMMARY|invariant|ALARM|out-of-memory|Test unit written' "$log" | sed 's/^/     /'
		find "$dir/artifacts/$name" -type f -newer "$stamp" | while read -r a; do
			echo "     reproduce: $bin $a"
		done
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
