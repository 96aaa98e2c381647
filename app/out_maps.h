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
/* The output row of a world's map engine (Go 1.19's for sync.Map worlds). */
const struct out_mapfmt *out_mapfmt_of(const struct mv_world *w);

#endif
