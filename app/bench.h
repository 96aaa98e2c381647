/*
 * bench: `mapviz bench SUBCOMMAND ...` — performance measurements of the
 * engine, compared against Go by bench/run.sh (see bench/README.md).
 *
 *   mapviz bench engine [--n N] [--reps R] [--go 1.19|1.26]
 *       Times five phases on a map engine (Go 1.19's, or Go 1.26's Swiss
 *       tables) with tracing off and prints one
 *       line per phase, "NAME NS_PER_OP" (2 decimals), in this order:
 *       insert_nohint, insert_hint, lookup_hit, lookup_miss, delete.
 *       Keys are int64 mv_splitmix64(i) for i in [0, N); N defaults to
 *       1000000.  With --reps R each phase runs R times and the median is
 *       printed.  bench/go/enginebench runs the identical workload on Go.
 */
#ifndef MV_BENCH_H
#define MV_BENCH_H

#include <stdbool.h>
#include <stdint.h>

/* argv[0] is "bench".  Returns the process exit status: 0 on success, 1 on a
 * usage error or a failed self-check (message on stderr). */
int cmd_bench(int argc, char **argv);

#endif
