/*
 * explore: schedule search over world copies (`mapviz explore`, the TUI's
 * explore key and hint key, `mapviz test`'s proof that a challenge can be
 * won).
 *
 * From a world as it stands (step 0, or a prefix the caller has fixed) the
 * search runs every way the remaining steps can interleave and sorts each
 * complete run by how it ended:
 *
 *   ok               main returned, nothing leaked, the map holds what some
 *                    serial order of the workers would have left
 *   fatal: MESSAGE   Go's fatal error (one class per message)
 *   panic: MESSAGE   a panic (one class per message)
 *   deadlock         every goroutine asleep
 *   leak             main returned with goroutines blocked forever
 *   lost_update      ended ok with every goroutine finished, but the final
 *                    map contents differ from those of every serial order
 *                    of the workers (each worker's whole program run
 *                    alone, one after another, every one finishing).  A
 *                    run in which main returned before another goroutine
 *                    finished is not a lost update: that goroutine's
 *                    writes never ran, none was lost
 *   race_undetected  ended ok (no lost update), but a data_race event fired
 *
 * It backtracks by copying worlds, never by replaying from step 0.  Modes:
 * ALL enumerates every schedule (the counts are the true numbers of
 * distinct interleavings); REDUCED prunes orders of steps that commute
 * (partial-order reduction) and finds the same classes; RANDOM samples.
 * For every class it keeps the shortest witness: the worker of each step,
 * from the search's start.
 *
 * Plain C, no I/O.  The caller may run it on a thread of its own and stop
 * it through `cancel`.
 */
#ifndef MV_EXPLORE_H
#define MV_EXPLORE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/world/world.h"

#define MV_OUTCOME_MAP(X)                                                   \
	X(OK, "ok")                                                         \
	X(FATAL, "fatal")                                                   \
	X(PANIC, "panic")                                                   \
	X(DEADLOCK, "deadlock")                                             \
	X(LEAK, "leak")                                                     \
	X(LOST_UPDATE, "lost_update")                                       \
	X(RACE_UNDETECTED, "race_undetected")

enum mv_outcome {
#define MV_OUTCOME_ENUM(name, str) MV_OUT_##name,
	MV_OUTCOME_MAP(MV_OUTCOME_ENUM)
#undef MV_OUTCOME_ENUM
};

/* "ok", "fatal", ... as in the JSON output (without the message). */
const char *mv_outcome_name(enum mv_outcome o);

struct mv_explore_class {
	enum mv_outcome outcome;
	const char *message;  /* FATAL, PANIC: Go's message (static); else NULL */
	uint64_t runs;        /* runs that ended in this class */
	uint32_t *shortest;   /* the shortest witness: worker index of each step */
	uint32_t nshortest;
};

enum mv_explore_mode { MV_EXPLORE_REDUCED, MV_EXPLORE_ALL, MV_EXPLORE_RANDOM };

struct mv_explore_opts {
	enum mv_explore_mode mode;
	uint64_t max_runs;   /* stop after this many complete runs; 0: no limit */
	uint64_t budget_ms;  /* stop after this much time; 0: no limit */
	uint64_t samples;    /* RANDOM: how many schedules to sample */
	uint64_t seed;       /* RANDOM: the sampler's seed */
	uint64_t max_depth;  /* a run longer than this many steps is cut and
	                        counted in `cut`, not classified; 0: 1,000,000 */
	atomic_int *cancel;  /* when set non-zero: stop soon, incomplete */
	/* called now and then (not more than ~20 times a second) */
	void (*progress)(void *ctx, uint64_t runs, uint64_t steps);
	void *ctx;
	/* RANDOM: 0 picks a runnable worker uniformly at each step; d > 0
	 * samples PCT-style: random worker priorities with d - 1 priority
	 * change points (finds a bug of depth d with probability >= 1/(n k^(d-1))) */
	uint32_t pct_depth;
};

struct mv_explore_result {
	enum mv_explore_mode mode;
	bool complete;       /* ALL/REDUCED: the whole space was covered (no
	                        stop, no run cut at max_depth) */
	bool covered;        /* ALL/REDUCED: every schedule up to max_depth steps
	                        was examined (runs cut there count as examined):
	                        a class absent is unreachable within max_depth */
	bool cancelled;
	uint64_t runs;       /* complete runs (RANDOM: samples run) */
	uint64_t steps;      /* micro-steps executed in all */
	uint64_t cut;        /* runs cut at max_depth */
	double seconds;
	struct mv_explore_class *classes; /* ordered: ok first, then by outcome, then message */
	uint32_t nclasses;
};

/* Search every continuation of `from` (which is not changed).  MV_ENOMEM,
 * MV_EINVAL (bad options); Go's outcomes are data in r, never a status. */
enum mv_status mv_explore(const struct mv_world *from, const struct mv_explore_opts *o,
                          struct mv_explore_result *r);
void mv_explore_result_free(struct mv_explore_result *r);
/* The class of `r` whose outcome is o (any message), the one with the
 * shortest witness; NULL if none. */
const struct mv_explore_class *mv_explore_find(const struct mv_explore_result *r, enum mv_outcome o);

#endif
