/* bench_explore: `mapviz bench explore` (see bench_explore.c). */
#ifndef MV_BENCH_EXPLORE_H
#define MV_BENCH_EXPLORE_H

int bench_explore(int argc, char **argv);

#endif
