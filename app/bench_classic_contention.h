/*
 * bench_contention: `mapviz bench contention` — free-running threads on the
 * real locks of engine/golock.h and the real sync.Map of engine/gosyncmap.h;
 * bench/go/contention runs the identical workload on Go.  See
 * bench_contention.c and bench/README.md.
 */
#ifndef MV_BENCH_CONTENTION_H
#define MV_BENCH_CONTENTION_H

/* argv[0] is "contention".  Returns the exit status: 0, or 1 on a usage
 * error or a failed self-check (message on stderr). */
int bench_contention(int argc, char **argv);

#endif
