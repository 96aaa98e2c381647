/* bench_swiss: `mapviz bench engine --go 1.26` on the Swiss engine (Go 1.26's map). */
#include <inttypes.h>
#include <stdio.h>

#include "bench_engine.h"
#include "engine/core/rng.h"
#include "engine/swiss/swiss.h"

#define BENCH_FN(x) swiss_bench_##x
#define BENCH_NAME "swiss"
#define BENCH_MAP struct swmap
#define BENCH_INIT(m, hint) swiss_init(m, MV_KEY_INT, hint, ENGINE_SEED, false, NULL, 0, NULL)
#define BENCH_DONE(m) swiss_done(m)
#define BENCH_COUNT(m) ((int64_t)(m)->used)
#define BENCH_STORE(m, k, v) swiss_store(m, k, v)
#define BENCH_LOAD(m, k, v) swiss_load(m, k, v)
#define BENCH_DELETE(m, k) swiss_delete(m, k)
#include "bench_round.inc"

const struct bench_engine_row bench_swiss_row = {MV_GO_1_26, swiss_bench_round};
