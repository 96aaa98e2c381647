#!/bin/sh
# bench/run.sh MAPVIZ_BIN — compare mapviz with Go, side by side in one run
# (see bench/README.md; `make bench` runs it).
#
# Every section runs a mapviz benchmark and its Go twin alternately
# (mapviz, go, mapviz, go, ...), takes the median of each side, prints a
# table and one "ratio NAME R" line per measurement.  Sections differ in
# which direction is good:
#   engine      R = mapviz ns/op / Go 1.19 ns/op     target R <= 1.00
#   swiss       R = mapviz --go 1.26 ns/op / Go 1.26 ns/op   target R <= 1.00
#   contention  R = mapviz ops/s / Go ops/s          target R >= 1.00
#   explore     R = target / measured (steps/s, step reduction)  target R <= 1.00
#               (syncmap also with --go 1.26 against Go >= 1.26's sync.Map)
# (below or above 1.00 respectively means mapviz is faster).  The summary at
# the end says whether every ratio of every section is on target.
#
# Environment:
#   BENCH_N         keys per engine run (default 1000000)
#   BENCH_ROUNDS    engine runs of each side (default 7)
#   BENCH_REPS      --reps passed to each engine run (default 1)
#   BENCH_SECTIONS  sections to run, in order (default: all of $SECTIONS)
#   BENCH_CPU       CPU to pin single-threaded runs to with taskset; "none"
#                   to not pin (default: the last CPU this shell may run on)
#   BENCH_STRICT    1: exit 3 when a ratio is off target (default: exit 0)
#   BENCH_FULL      1: the full contention matrix, longer runs, more rounds
#   BENCH_CONT_ROUNDS, BENCH_CONT_SECONDS, BENCH_CONT_IMPLS,
#   BENCH_CONT_THREADS, BENCH_CONT_READS, BENCH_CONT_CHURN_READS,
#   BENCH_CONT_GO   override the contention matrix (see contention below)
#
# Adding a section NAME: define NAME_build (may be empty), NAME_mapviz and
# NAME_go (each prints "PHASE NS_PER_OP" lines on stdout), add NAME to
# SECTIONS.  The harness does the alternating, medians and ratios.  A
# section with its own loop defines NAME_section instead of the last two.
# Section functions are called indirectly ("$1_build" etc.).
# shellcheck disable=SC2317
set -eu

SECTIONS="engine swiss contention tui explore"

usage() {
	echo "usage: bench/run.sh MAPVIZ_BIN" >&2
	exit 2
}
[ $# -eq 1 ] || usage
MAPVIZ=$1
case $MAPVIZ in
*/*) ;;
*) MAPVIZ=./$MAPVIZ ;;
esac
[ -x "$MAPVIZ" ] || { echo "bench: $MAPVIZ is not an executable" >&2; exit 2; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
GOBIN_DIR=$ROOT/build/bench-go
N=${BENCH_N:-1000000}
ROUNDS=${BENCH_ROUNDS:-7}
REPS=${BENCH_REPS:-1}
STRICT=${BENCH_STRICT:-0}
for v in "$N" "$ROUNDS" "$REPS"; do
	case $v in
	'' | *[!0-9]* | 0) echo "bench: BENCH_N, BENCH_ROUNDS, BENCH_REPS must be positive integers" >&2; exit 2 ;;
	esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mapviz-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
: >"$WORK/ratios"

# --- pinning ---------------------------------------------------------------
# $PIN prefixes a single-threaded run; a section measuring threads (contention)
# should not use it.
PIN=""
PIN_NOTE="not pinned"
if [ "${BENCH_CPU:-}" != none ] && command -v taskset >/dev/null 2>&1; then
	cpu=${BENCH_CPU:-}
	if [ -z "$cpu" ]; then
		# "pid 123's current affinity list: 0,2-3" -> 3
		cpu=$(taskset -cp $$ 2>/dev/null | sed 's/.*: *//; s/.*,//; s/.*-//')
	fi
	if [ -n "$cpu" ] && taskset -c "$cpu" true 2>/dev/null; then
		PIN="taskset -c $cpu"
		PIN_NOTE="both pinned to CPU $cpu"
	fi
fi

# The machine's load when we start: other work on these CPUs makes the
# numbers noisy, so it is shown with them.
LOAD=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || true)
LOAD_NOTE=${LOAD:+, load average $LOAD}

# --- Go toolchain ------------------------------------------------------------
. "$ROOT/tests/lib/gotool.sh"
# go_build PACKAGE [VERSION [OUTNAME]]: build bench/go/PACKAGE offline with
# Go VERSION (default 1.19: the classic map's twins) into build/bench-go/.
go_build() {
	gv=${2:-1.19}
	gobin=$(go_tool "$gv") || { echo "bench: Go $gv is needed for bench/go/$1" >&2; exit 2; }
	mkdir -p "$GOBIN_DIR"
	if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ]; then
		export GOCACHE="$GOBIN_DIR/cache"
	fi
	(cd "$ROOT/bench/go" && GOPROXY=off GOSUMDB=off GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local \
		"$gobin" build -o "$GOBIN_DIR/${3:-$1}" "./$1") ||
		{ echo "bench: building bench/go/$1 with $gobin failed" >&2; exit 2; }
}

# --- harness ---------------------------------------------------------------
# run_side SECTION SIDE ROUND: one run, output appended to $WORK/SECTION.SIDE
run_side() {
	if ! "$1_$2" >"$WORK/out" 2>"$WORK/err"; then
		echo "bench: $1: the $2 run failed:" >&2
		cat "$WORK/err" >&2
		exit 1
	fi
	if ! awk 'NF != 2 || $2 !~ /^[0-9]+(\.[0-9]+)?$/ { exit 1 }' "$WORK/out" || [ ! -s "$WORK/out" ]; then
		echo "bench: $1: the $2 run printed something unexpected:" >&2
		cat "$WORK/out" >&2
		exit 1
	fi
	cat "$WORK/out" >>"$WORK/$1.$2"
}

# awk functions for the tables: median and spread (max - min, % of the
# median) of a space-separated list of numbers
AWK_STATS='
	function median(list,   a, k, i, j, t) {
		k = split(list, a, " ")
		for (i = 2; i <= k; i++)
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	function spread(list,   a, k, i, lo, hi, m) {
		k = split(list, a, " "); lo = hi = a[1] + 0
		for (i = 2; i <= k; i++) { if (a[i] + 0 < lo) lo = a[i] + 0; if (a[i] + 0 > hi) hi = a[i] + 0 }
		m = median(list)
		return m > 0 ? 100 * (hi - lo) / m : 0
	}
'

# report SECTION: table + ratio lines; ratios appended to $WORK/ratios
report() {
	awk -v sec="$1" -v ratios="$WORK/ratios" "$AWK_STATS"'
	FNR == 1 { side = (FILENAME ~ /\.mapviz$/) ? "m" : "g" }
	{
		if (!($1 in seen)) { seen[$1] = 1; order[++np] = $1 }
		v[side, $1] = v[side, $1] " " $2
	}
	END {
		printf "%-16s %12s %12s %7s %10s %10s\n", "phase", "mapviz ns/op", "go ns/op", "ratio", "mapviz +-", "go +-"
		for (i = 1; i <= np; i++) {
			p = order[i]
			if (v["m", p] == "" || v["g", p] == "") {
				printf "bench: %s: phase %s missing on one side\n", sec, p > "/dev/stderr"
				exit 1
			}
			m = median(v["m", p]); g = median(v["g", p])
			r[i] = g > 0 ? sprintf("%.2f", m / g) : "inf"
			printf "%-16s %12.2f %12.2f %7s %9.0f%% %9.0f%%\n", p, m, g, r[i], spread(v["m", p]) / 2, spread(v["g", p]) / 2
		}
		for (i = 1; i <= np; i++) {
			printf "ratio %s %s\n", order[i], r[i]
			printf "%s.%s %s le\n", sec, order[i], r[i] >> ratios
		}
	}' "$WORK/$1.mapviz" "$WORK/$1.go"
}

# section NAME: build, alternate the two sides, report
section() {
	: >"$WORK/$1.mapviz"
	: >"$WORK/$1.go"
	"$1_build"
	echo "== $1: N=$N, $ROUNDS rounds of each side alternating (reps $REPS), $PIN_NOTE$LOAD_NOTE"
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		run_side "$1" mapviz
		run_side "$1" go
		r=$((r + 1))
	done
	report "$1"
}

# --- section: engine -----------------------------------------------------
# mapviz bench engine vs bench/go/enginebench: insert (no hint, hint),
# lookup (hit, miss), delete on N int64 keys.
engine_build() { go_build enginebench; }
engine_mapviz() { $PIN "$MAPVIZ" bench engine --n "$N" --reps "$REPS"; }
engine_go() { $PIN "$GOBIN_DIR/enginebench" -n "$N" -reps "$REPS"; }

# --- section: swiss ------------------------------------------------------
# The same five phases on the Swiss engine (Go 1.26's map) against the same
# Go program built with Go >= 1.26, whose map is Swiss tables.
swiss_build() { go_build enginebench 1.26 enginebench-1.26; }
swiss_mapviz() { $PIN "$MAPVIZ" bench engine --go 1.26 --n "$N" --reps "$REPS"; }
swiss_go() { $PIN "$GOBIN_DIR/enginebench-1.26" -n "$N" -reps "$REPS"; }

# --- section: contention ---------------------------------------------------
# mapviz bench contention vs bench/go/contention: T threads (goroutines) on
# one shared map for a fixed time, ops/s of all of them together.  Not
# pinned: both sides use every CPU.  One pair of runs per configuration and
# round, mapviz then Go, so drift hits both alike.  Every impl runs against
# Go 1.19 (mapviz --go 1.19, the default); syncmap also against the same
# program built with Go >= 1.26, whose sync.Map is a HashTrieMap (mapviz
# --go 1.26; configurations named syncmap-1.26.*).  BENCH_CONT_GO picks
# the releases ("1.19", "1.26" or both, the default).
CONT_FULL=${BENCH_FULL:-0}
if [ "$CONT_FULL" = 1 ]; then
	CONT_ROUNDS=${BENCH_CONT_ROUNDS:-7}
	CONT_SECONDS=${BENCH_CONT_SECONDS:-1}
	CONT_CHURN_READS=${BENCH_CONT_CHURN_READS:-95 70 50}
else
	CONT_ROUNDS=${BENCH_CONT_ROUNDS:-5}
	CONT_SECONDS=${BENCH_CONT_SECONDS:-0.3}
	CONT_CHURN_READS=${BENCH_CONT_CHURN_READS:-70}
fi
CONT_IMPLS=${BENCH_CONT_IMPLS:-mutex rwmutex syncmap sharded}
CONT_THREADS=${BENCH_CONT_THREADS:-2 8}
CONT_READS=${BENCH_CONT_READS:-95 70 50}
CONT_GO=${BENCH_CONT_GO:-1.19 1.26}
for g in $CONT_GO; do
	case $g in
	1.19 | 1.26) ;;
	*) echo "bench: BENCH_CONT_GO takes 1.19 and/or 1.26, found '$g'" >&2; exit 2 ;;
	esac
done

# the releases IMPL runs against: 1.26 only for syncmap (Go 1.26's sync.Map
# is the HashTrieMap mapviz models; its other impls model Go 1.19 only)
contention_gos() {
	for g in $CONT_GO; do
		[ "$g" = 1.19 ] || [ "$1" = syncmap ] && echo "$g"
	done
	return 0
}

contention_build() {
	need119="" need126=""
	for impl in $CONT_IMPLS; do
		for g in $(contention_gos "$impl"); do
			if [ "$g" = 1.19 ]; then need119=1; else need126=1; fi
		done
	done
	[ -z "$need119" ] || go_build contention
	[ -z "$need126" ] || go_build contention 1.26 contention-1.26
}

# contention_run SIDE NAME CMD...: one run, "NAME KEY VALUE" lines appended
# to $WORK/contention.SIDE
contention_run() {
	side=$1 name=$2
	shift 2
	if ! "$@" >"$WORK/out" 2>"$WORK/err"; then
		echo "bench: contention: the $side run failed: $*" >&2
		cat "$WORK/err" >&2
		exit 1
	fi
	if ! awk 'NF != 2 || $2 !~ /^[0-9]+$/ { exit 1 }
		{ seen[$1] = 1 }
		END { exit !(seen["ops_per_sec"] && seen["lock_waits"] && seen["handoffs"] && seen["fairness"]) }' "$WORK/out"; then
		echo "bench: contention: the $side run printed something unexpected: $*" >&2
		cat "$WORK/out" >&2
		exit 1
	fi
	awk -v n="$name" '{ print n, $1, $2 }' "$WORK/out" >>"$WORK/contention.$side"
}

# contention_pair IMPL T R MODE GO: one mapviz run, then one Go run
contention_pair() {
	name="$1.t$2.r$3" gobin="$GOBIN_DIR/contention" gv=$5
	[ "$gv" = 1.19 ] || { name="$1-$gv.t$2.r$3" gobin="$GOBIN_DIR/contention-$gv"; }
	[ "$4" = update ] || name="$name.$4"
	set -- --impl "$1" --threads "$2" --read-pct "$3" --mode "$4" --seconds "$CONT_SECONDS"
	if [ "$gv" = 1.19 ]; then
		contention_run mapviz "$name" "$MAPVIZ" bench contention "$@"
	else
		contention_run mapviz "$name" "$MAPVIZ" bench contention "$@" --go "$gv"
	fi
	contention_run go "$name" "$gobin" "$@"
}

contention_section() {
	: >"$WORK/contention.mapviz"
	: >"$WORK/contention.go"
	contention_build
	cfgs=""
	for impl in $CONT_IMPLS; do
		for g in $(contention_gos "$impl"); do
			for t in $CONT_THREADS; do
				for r in $CONT_READS; do cfgs="$cfgs $impl:$t:$r:update:$g"; done
				for r in $CONT_CHURN_READS; do cfgs="$cfgs $impl:$t:$r:churn:$g"; done
			done
		done
	done
	n=$(echo "$cfgs" | wc -w)
	echo "== contention: $n configurations, $CONT_ROUNDS rounds of ${CONT_SECONDS}s per side alternating, keys 10000, not pinned$LOAD_NOTE"
	r=1
	while [ "$r" -le "$CONT_ROUNDS" ]; do
		for c in $cfgs; do
			# shellcheck disable=SC2046
			set -- $(echo "$c" | tr : ' ')
			contention_pair "$1" "$2" "$3" "$4" "$5"
		done
		r=$((r + 1))
	done
	awk -v ratios="$WORK/ratios" "$AWK_STATS"'
	FNR == 1 { side = (FILENAME ~ /\.mapviz$/) ? "m" : "g" }
	{
		if (!($1 in seen)) { seen[$1] = 1; order[++np] = $1 }
		v[side, $1, $2] = v[side, $1, $2] " " $3
	}
	END {
		printf "%-30s %12s %12s %7s %7s %7s %10s %8s %9s\n", "configuration", "mapviz op/s", "go op/s", "ratio", "mv +-", "go +-", "lock_waits", "handoffs", "fair mv/go"
		for (i = 1; i <= np; i++) {
			p = order[i]
			m = median(v["m", p, "ops_per_sec"]); g = median(v["g", p, "ops_per_sec"])
			r[i] = g > 0 ? sprintf("%.2f", m / g) : "inf"
			printf "%-30s %12.0f %12.0f %7s %6.0f%% %6.0f%% %10.0f %8.0f %4.0f/%-4.0f\n", p, m, g, r[i],
				spread(v["m", p, "ops_per_sec"]) / 2, spread(v["g", p, "ops_per_sec"]) / 2,
				median(v["m", p, "lock_waits"]), median(v["m", p, "handoffs"]),
				median(v["m", p, "fairness"]), median(v["g", p, "fairness"])
		}
		for (i = 1; i <= np; i++) {
			printf "ratio contention.%s %s\n", order[i], r[i]
			printf "contention.%s %s ge\n", order[i], r[i] >> ratios
		}
	}' "$WORK/contention.mapviz" "$WORK/contention.go"
	echo "(ratio = mapviz ops/s / Go ops/s: above 1.00 mapviz is faster; lock_waits and handoffs are"
	echo " mapviz medians per run, summed over the locks; Go does not expose them; fair = the fewest"
	echo " operations of one thread in % of the most, medians, mapviz/Go; IMPL-1.26: mapviz --go 1.26"
	echo " against Go >= 1.26, else --go 1.19 against Go 1.19)"
}

# --- tui ------------------------------------------------------------------------
# The TUI's own targets (no Go twin): one step's redraw at 200x60 with 256
# buckets <= 2 ms of CPU, and a step back at step 1,000,000 <= 20 ms.  The
# ratio is measured / target, so <= 1.00 is on target.
tui_section() {
	echo "== tui  (mapviz bench tui; ratio = measured / target)"
	out=$("$MAPVIZ" bench tui) || { echo "bench: mapviz bench tui failed" >&2; exit 1; }
	printf '%s\n' "$out" | sed 's/^/  /'
	printf '%s\n' "$out" | awk -v ratios="$WORK/ratios" '
		$1 == "redraw_ms" { printf "ratio tui.redraw %.3f\n", $2 / 2; printf "tui.redraw %.3f le\n", $2 / 2 >> ratios }
		$1 == "back_max_ms" { printf "ratio tui.back %.4f\n", $2 / 20; printf "tui.back %.4f le\n", $2 / 20 >> ratios }'
}

# --- explore --------------------------------------------------------------------
# mapviz bench explore: the schedule search.  Targets: --all on the two-writer
# scene >= 1,000,000 steps/s on one core (ratio 1e6 / steps/s), and the
# reduced search on the three-worker scene >= 10x fewer steps than --all
# (ratio 10 / reduction), with the same classes.  The ratio is target-relative,
# so <= 1.00 is on target.  No Go twin: Go has no schedule search.
explore_section() {
	echo "== explore  (mapviz bench explore; ratio = target / measured)"
	out=$($PIN "$MAPVIZ" bench explore --three "$ROOT/bench/scenes/explore-sharded3.yaml") ||
		{ echo "bench: mapviz bench explore failed" >&2; exit 1; }
	printf '%s\n' "$out" | sed 's/^/  /'
	printf '%s\n' "$out" | awk -v ratios="$WORK/ratios" '
		$1 == "all_steps_per_s" { r = $2 > 0 ? 1000000 / $2 : "inf"; printf "ratio explore.speed %s\n", r; print "explore.speed " r " le" >> ratios }
		$1 == "reduction" { r = $2 > 0 ? 10 / $2 : "inf"; printf "ratio explore.reduction %s\n", r; print "explore.reduction " r " le" >> ratios }
		$1 == "classes_match" { r = $2 == "yes" ? 0 : "inf"; print "explore.classes " r " le" >> ratios }'
}

# --- main ----------------------------------------------------------------------
for s in ${BENCH_SECTIONS:-$SECTIONS}; do
	case " $SECTIONS " in
	*" $s "*) ;;
	*) echo "bench: unknown section '$s' (have: $SECTIONS)" >&2; exit 2 ;;
	esac
	if command -v "${s}_section" >/dev/null 2>&1; then
		"${s}_section"
	else
		section "$s"
	fi
	echo
done

echo "== summary"
awk '
	{
		n++
		off = $2 == "inf" || ($3 == "ge" ? $2 + 0 < 1.00 : $2 + 0 > 1.00)
		if (off) { bad++; names = names " " $1 }
	}
	END {
		if (bad) printf "target missed: %d of %d ratios off target:%s\n", bad, n, names
		else printf "target met: every ratio on target (%d of %d)\n", n, n
		print "(engine and tui: ratio <= 1.00 is on target; contention: ratio >= 1.00 is on target)"
		exit bad ? 1 : 0
	}' "$WORK/ratios" && exit 0
[ "$STRICT" = 1 ] && exit 3
exit 0
