/*
 * bench: `mapviz bench SUBCOMMAND ...` — performance measurements of the
 * engine, compared against Go by bench/run.sh (see bench/README.md).
 *
 *   mapviz bench engine [--n N] [--reps R]
 *       Times five phases on the gomap engine with tracing off and prints one
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

/* Match argv[*i] against option `name` taking a value, as "--name VALUE"
 * or "--name=VALUE"; on a match set *val (NULL if missing) and advance *i. */
bool bench_opt(int argc, char **argv, int *i, const char *name, const char **val);

/* Strict decimal integer in [lo, hi]: digits only (no sign, no spaces, no
 * trailing text).  On error prints "mapviz bench CMD: ..." (a missing
 * value: s is NULL) and returns false. */
bool bench_parse_int(const char *cmd, const char *opt, const char *s, int64_t lo, int64_t hi,
		     int64_t *out);

#endif
