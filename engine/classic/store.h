/*
 * store: how the classic engine (Go 1.19's bucket map, gomap.h) is
 * stored in the world's unions (engine/world/maps.h): a map and an
 * operation in flight, each the first and only member, so the seam's
 * void * is a pointer to the gomap or gm_op itself.
 */
#ifndef MV_CLASSIC_STORE_H
#define MV_CLASSIC_STORE_H

#include "engine/classic/gomap.h"

struct mv_classic_map {
	struct gomap m;
};

struct mv_classic_op {
	struct gm_op op;
};

#endif
