/*
 * maps: where the world keeps its maps and their operations in flight —
 * unions of every engine's structs, so a world copies as plain data — and
 * the table that picks an engine for a Go release (mapeng.h).
 */
#ifndef MV_MAPS_H
#define MV_MAPS_H

#include "engine/classic/gomap.h"
#include "engine/core/mapeng.h"
#include "engine/swiss/swiss.h"

/* A map of any engine.  eng is its row; u holds the engine's map. */
struct mv_map {
	const struct mv_mapeng *eng;
	union {
		struct gomap classic;
		struct swmap swiss;
	} u;
};

/* A map operation of any engine, in flight. */
union mv_mop {
	struct gm_op classic;
	struct sw_op swiss;
};

/* The engine that models release go's built-in map. */
const struct mv_mapeng *mv_mapeng_for(enum mv_go go);
const struct mv_mapeng *mv_mapeng_by_id(enum mv_engine_id id);

static inline void mv_mop_state(const struct mv_map *m, const union mv_mop *op, struct mv_mop_state *st)
{
	m->eng->op_state(op, st);
}

#endif
