/* bench_gomap: `mapviz bench engine` on the classic engine (Go 1.19's map). */
#include <inttypes.h>
#include <stdio.h>

#include "bench_engine.h"
#include "engine/classic/gomap.h"
#include "engine/core/rng.h"

#define BENCH_FN(x) gomap_bench_##x
#define BENCH_NAME "classic"
#define BENCH_MAP struct gomap
#define BENCH_INIT(m, hint) gomap_init(m, MV_KEY_INT, hint, ENGINE_SEED, false, NULL, 0, NULL)
#define BENCH_DONE(m) gomap_done(m)
#define BENCH_COUNT(m) ((m)->count)
#define BENCH_STORE(m, k, v) gomap_store(m, k, v)
#define BENCH_LOAD(m, k, v) gomap_load(m, k, v)
#define BENCH_DELETE(m, k) gomap_delete(m, k)
#include "bench_round.inc"

const struct bench_engine_row bench_gomap_row = {MV_GO_1_19, gomap_bench_round};
