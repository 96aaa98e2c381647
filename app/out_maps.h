/*
 * out_maps: each map engine's part of the headless writers, one row per
 * engine (mapeng.h), and the calls the generic writer makes through them.
 */
#ifndef MV_OUT_MAPS_H
#define MV_OUT_MAPS_H

#include <stdio.h>

#include "engine/world/world.h"
#include "out_fmt.h"

struct out_mapfmt {
	/* the JSON names of an event's b and t fields: where in the map
	 * ("bucket", "group") and the byte stored there ("tophash", "h2") */
	const char *where, *byte;
	/* the engine's STATE object (m: the engine's own map struct) */
	void (*json_state)(FILE *f, const void *m, enum out_state level);
	/* the state as transcript lines */
	void (*text_state)(FILE *f, const void *m, enum out_state level);
	/* the end record's "memory" object for all of a world's maps */
	void (*json_memory)(FILE *f, const struct mv_map *maps, uint32_t n);
};

extern const struct out_mapfmt out_gomap_fmt, out_swiss_fmt;

void out_map_json_state(FILE *f, const struct mv_map *m, enum out_state level);
void out_map_text_state(FILE *f, const struct mv_map *m, enum out_state level);
void out_maps_json_memory(FILE *f, const struct mv_map *maps, uint32_t n);
/* Each sync.Map engine's part (synceng.h): its STATE, a transcript line,
 * and its own mutexes as members of the "locks" object (first: no comma
 * before the first). */
struct out_syncfmt {
	void (*json_state)(FILE *f, const struct mv_world *w, enum out_state level);
	void (*text_state)(FILE *f, const struct mv_world *w);
	void (*json_locks)(FILE *f, const struct mv_world *w, bool first);
	/* results say null for a missing value (Go's nil interface) and a
	 * range lists {"keys":[...]} (Go 1.26's contract); else 0 and pairs */
	bool nil_results;
};
extern const struct out_syncfmt out_syncmap_fmt, out_hashtrie_fmt;
const struct out_syncfmt *out_syncfmt_of(const struct mv_world *w);

/* A lock's state, queues and counters as a JSON object (out.c). */
void out_json_lock(FILE *f, const struct mv_world *w, const struct mv_lock *lk);

/* The output row of a world's map engine (Go 1.19's for sync.Map worlds). */
const struct out_mapfmt *out_mapfmt_of(const struct mv_world *w);

#endif
