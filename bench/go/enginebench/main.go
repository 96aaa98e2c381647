// Command enginebench runs mapviz's engine benchmark workload
// (`mapviz bench engine`, app/bench.c) on Go's own map[int64]int64, so
// bench/run.sh can compare the two.  Same keys (splitmix64 of 0..N-1, ported
// from engine/rng.h), same five phases in the same order, same output:
// one line "PHASE NS_PER_OP" per phase, the median of -reps runs.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"time"

	"mapviz/bench/internal/rng"
)

func key(i int64) int64 { return int64(rng.SplitMix64(uint64(i))) }

var phaseNames = [...]string{"insert_nohint", "insert_hint", "lookup_hit", "lookup_miss", "delete"}

const nPhases = len(phaseNames)

// Sinks: package-level, so the loops' results are observable.
var (
	sinkSum  int64
	sinkHits int64
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "enginebench: "+format+"\n", args...)
	os.Exit(1)
}

func insert(m map[int64]int64, n int64) {
	for i := int64(0); i < n; i++ {
		m[key(i)] = i
	}
}

func perOp(d time.Duration, n int64) float64 { return float64(d.Nanoseconds()) / float64(n) }

// round runs the five phases once and returns ns/op per phase.  Garbage
// from the previous phase is collected outside the timed regions.
func round(n int64) [nPhases]float64 {
	var ns [nPhases]float64

	// 1. insert_nohint
	runtime.GC()
	m := make(map[int64]int64)
	t0 := time.Now()
	insert(m, n)
	ns[0] = perOp(time.Since(t0), n)
	if int64(len(m)) != n {
		fail("insert_nohint: len %d, want %d", len(m), n)
	}
	m = nil

	// 2. insert_hint; this map serves the remaining phases
	runtime.GC()
	m = make(map[int64]int64, n)
	t0 = time.Now()
	insert(m, n)
	ns[1] = perOp(time.Since(t0), n)
	if int64(len(m)) != n {
		fail("insert_hint: len %d, want %d", len(m), n)
	}

	// 3. lookup_hit
	var found, sum int64
	t0 = time.Now()
	for i := int64(0); i < n; i++ {
		v, ok := m[key(i)]
		if ok {
			found++
		}
		sum += v
	}
	ns[2] = perOp(time.Since(t0), n)
	sinkSum += sum
	sinkHits += found
	if want := n * (n - 1) / 2; found != n || sum != want { // n <= 1e9: no overflow
		fail("lookup_hit: %d of %d keys found, value sum %d (want %d)", found, n, sum, want)
	}

	// 4. lookup_miss: keys n..2n-1 of the same sequence were never stored
	found, sum = 0, 0
	t0 = time.Now()
	for i := int64(0); i < n; i++ {
		v, ok := m[key(i+n)]
		if ok {
			found++
		}
		sum += v
	}
	ns[3] = perOp(time.Since(t0), n)
	sinkSum += sum
	sinkHits += found
	if found != 0 {
		fail("lookup_miss: %d absent keys found", found)
	}

	// 5. delete
	t0 = time.Now()
	for i := int64(0); i < n; i++ {
		delete(m, key(i))
	}
	ns[4] = perOp(time.Since(t0), n)
	if len(m) != 0 {
		fail("delete: len %d, want 0", len(m))
	}
	return ns
}

func median(v []float64) float64 {
	sort.Float64s(v)
	k := len(v)
	if k%2 == 1 {
		return v[k/2]
	}
	return (v[k/2-1] + v[k/2]) / 2
}

func main() {
	fs := flag.NewFlagSet("enginebench", flag.ContinueOnError)
	n := fs.Int64("n", 1000000, "number of keys")
	reps := fs.Int("reps", 1, "runs per phase; the median is printed")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		os.Exit(1)
	}
	if fs.NArg() != 0 {
		fail("unexpected argument %q", fs.Arg(0))
	}
	if *n < 1 || *n > 1000000000 {
		fail("bad value for -n: %d (want 1..1000000000)", *n)
	}
	if *reps < 1 || *reps > 1000 {
		fail("bad value for -reps: %d (want 1..1000)", *reps)
	}
	samples := make([][]float64, nPhases)
	for r := 0; r < *reps; r++ {
		ns := round(*n)
		for p := range ns {
			samples[p] = append(samples[p], ns[p])
		}
	}
	for p, name := range phaseNames {
		fmt.Printf("%s %.2f\n", name, median(samples[p]))
	}
}
