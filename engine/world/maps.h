/*
 * maps: where the world keeps its maps, its sync.Map and their operations
 * in flight — unions of every engine's structs, so a world copies as plain
 * data — and the tables that pick an engine for a Go release (mapeng.h,
 * synceng.h).
 */
#ifndef MV_MAPS_H
#define MV_MAPS_H

#include "engine/classic/store.h"
#include "engine/classic/syncmap.h"
#include "engine/core/mapeng.h"
#include "engine/core/synceng.h"
#include "engine/hashtrie/hashtrie.h"
#include "engine/swiss/swiss.h"

/* A map of any engine.  eng is its row; u holds the engine's map. */
struct mv_map {
	const struct mv_mapeng *eng;
	union {
		struct mv_classic_map classic;
		struct swmap swiss;
	} u;
};

/* A map operation of any engine, in flight. */
union mv_mop {
	struct mv_classic_op classic;
	struct sw_op swiss;
};

/* A sync.Map of any engine (synceng.h). */
struct mv_syncmap {
	const struct mv_synceng *eng;
	union {
		struct syncmap classic;
		struct hashtrie trie;
	} u;
};

/* A sync.Map method of any engine, in flight. */
union mv_sop {
	struct sm_op classic;
	struct ht_op trie;
};

/* The engine that models release go's sync.Map. */
const struct mv_synceng *mv_synceng_for(enum mv_go go);

static inline void mv_sop_state(const struct mv_syncmap *s, const union mv_sop *op, struct mv_sop_state *st)
{
	s->eng->op_state(op, st);
}

/* The engine that models release go's built-in map. */
const struct mv_mapeng *mv_mapeng_for(enum mv_go go);
const struct mv_mapeng *mv_mapeng_by_id(enum mv_engine_id id);

static inline void mv_mop_state(const struct mv_map *m, const union mv_mop *op, struct mv_mop_state *st)
{
	m->eng->op_state(op, st);
}

#endif
