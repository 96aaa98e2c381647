/* The table of `mapviz bench engine` rows, one per map engine. */
#include "bench_engine.h"

const struct bench_engine_row *const bench_engine_rows[MV_ENGINE_ROWS] = {
	&bench_gomap_row,
	&bench_swiss_row,
};
