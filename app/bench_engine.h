/*
 * bench_engine: what `mapviz bench engine` needs from each map engine's
 * bench file (bench_gomap.c, bench_swiss.c): one row that runs the five
 * timed phases on that engine's fast paths (bench_round.inc).
 */
#ifndef MV_BENCH_ENGINE_H
#define MV_BENCH_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/core/spec.h"

#define MV_ENGINE_ROWS 2 /* rows in bench_engine_rows */

#define ENGINE_SEED 0x6d617076697aULL /* "mapviz" */

#define ENGINE_PHASE_MAP(X)                                                 \
	X(INSERT_NOHINT, "insert_nohint")                                   \
	X(INSERT_HINT, "insert_hint")                                       \
	X(LOOKUP_HIT, "lookup_hit")                                         \
	X(LOOKUP_MISS, "lookup_miss")                                       \
	X(DELETE, "delete")

enum engine_phase {
#define ENGINE_PHASE_ENUM(name, str) EP_##name,
	ENGINE_PHASE_MAP(ENGINE_PHASE_ENUM)
#undef ENGINE_PHASE_ENUM
	EP__COUNT
};

struct bench_engine_row {
	enum mv_go go;
	/* one run of every phase on n keys; ns[p] = ns/op; false after a message */
	bool (*round)(int64_t n, double ns[EP__COUNT]);
};

extern const struct bench_engine_row bench_gomap_row, bench_swiss_row;
/* The rows, one per engine. */
extern const struct bench_engine_row *const bench_engine_rows[MV_ENGINE_ROWS];

/* The clock and a sink the timed loops write to (bench.c). */
uint64_t bench_now_ns(void);
extern volatile int64_t bench_sink;

#endif
