/*
 * explore_int: the search's own state, shared by explore.c and the unit
 * tests (not part of the interface: see explore.h).
 */
#ifndef MV_EXPLORE_INT_H
#define MV_EXPLORE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/explore/explore.h"

/* Lost updates are looked for up to this many workers (n! serial orders). */
#define XP_MAX_SERIAL_WORKERS 6
/* A serial order that has not ended by then gives no baseline. */
#define XP_SERIAL_MAX_STEPS 1000000u
/* Steps between looks at the clock, the cancel flag and the progress
 * callback (a power of two). */
#define XP_CHECK_EVERY 4096
/* The most memory the saved worlds of one search may take. */
#define XP_STACK_BYTES ((uint64_t)512 << 20)

/* What a transition touched: objects read, objects written (bit id % 64),
 * or everything (global). */
struct xp_fp {
	uint64_t rd, wr;
	bool global;
	bool clock; /* a lock or sync.Map step: reads the world's clock */
};

static inline bool xp_dependent(const struct xp_fp *a, const struct xp_fp *b)
{
	return a->global || b->global || (a->wr & (b->wr | b->rd)) || (b->wr & a->rd);
}

struct xp_kv {
	int64_t k, v;
};

struct xp_kvbuf {
	struct xp_kv *kv;
	uint32_t n, cap;
};

struct xp_base {
	uint64_t hash;
	uint32_t off, n;
};

struct xp_sleep {
	uint32_t worker;
	struct xp_fp fp;
};

/* A node of the path being explored. */
struct xp_frame {
	uint64_t left;            /* bit w: worker w's child is still to run */
	uint32_t last;            /* the worker of the child last run */
	bool visited;
	uint32_t wlen;            /* witness length at this node */
	uint32_t sleep_off, nsleep; /* its sleep set in xp_search.sleep */
	struct xp_fp last_fp;     /* the footprint of the child last run */
	struct mv_world *saved;   /* the node's world, while choices remain */
};

struct xp_search {
	const struct mv_explore_opts *o;
	struct mv_explore_result *r;
	uint64_t max_depth;
	uint64_t t0_ms, last_progress_ms;
	bool stopped;
	bool no_reduce;   /* every transition depends on every other */
	bool clock_hit;   /* a clock-reading step ran at >= clock_limit */
	uint64_t clock_limit;
	bool clock_readers; /* the world has locks or a sync.Map */
	bool no_lost;     /* too many workers to look for lost updates */
	bool base_done;   /* the serial orders have been run */
	const struct mv_world_spec *spec;
	uint32_t *wit;
	uint32_t nwit, capwit;
	struct xp_frame *frames;
	uint32_t nframes, capframes;
	struct xp_sleep *sleep;
	uint32_t nsleep, capsleep;
	struct mv_world **free;
	uint32_t nfree, capfree, nworlds;
	uint64_t world_bytes;  /* one saved world, about */
	bool mem_cut;     /* a branch was cut: the stack was full */
	struct xp_kvbuf kv;
	struct xp_base *base;
	uint32_t nbase, capbase;
	struct xp_kv *basekv;
	uint32_t nbasekv, capbasekv;
};

bool xp_contents(struct mv_world *w, struct xp_kvbuf *b);
void xp_classify(struct xp_search *x, struct mv_world *w, const uint32_t *wit, uint32_t n);
bool xp_should_stop(struct xp_search *x);

#endif
