/*
 * world: everything a scene sets in motion — the map, the workers (Go's
 * goroutines) with their programs and in-flight operations, and the
 * scheduler's state.  A world is plain data: mv_world_copy makes an
 * independent checkpoint, and stepping a copy replays exactly.
 *
 * One call of mv_world_step runs one micro-step: one phase of one worker's
 * current operation.  Control flow (repeat, the end of a range body) costs
 * no step.  Who runs is decided by mv_world_pick (the scene's policy) or by
 * the caller (manual scheduling); see sched.h for running workers on
 * threads.  The engine reports what happens through an observer.
 */
#ifndef MV_WORLD_H
#define MV_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "gomap.h"
#include "rng.h"
#include "spec.h"
#include "status.h"

#define MV_MAX_WORKERS 64

/* Worker states; the string is what a goroutine dump shows (E1, D5). */
#define MV_WSTATE_MAP(X)                                                    \
	X(RUNNABLE, "runnable")                                             \
	X(RUNNING, "running")                                               \
	X(DONE, "done")

enum mv_wstate {
#define MV_WSTATE_ENUM(name, str) MV_W_##name,
	MV_WSTATE_MAP(MV_WSTATE_ENUM)
#undef MV_WSTATE_ENUM
};

/* How a world ended (DESIGN: end record "status"). */
#define MV_END_MAP(X)                                                       \
	X(RUNNING, "running")                                               \
	X(OK, "ok")                                                         \
	X(FATAL, "fatal")                                                   \
	X(PANIC, "panic")                                                   \
	X(DEADLOCK, "deadlock")

enum mv_end {
#define MV_END_ENUM(name, str) MV_END_##name,
	MV_END_MAP(MV_END_ENUM)
#undef MV_END_ENUM
};

/* A loop frame: a repeat, or a range whose body is running. */
struct mv_frame {
	uint32_t pc;      /* the REPEAT or RANGE instruction */
	int64_t count;    /* iterations done (repeat) */
	struct gm_op it;  /* range: the iterator, paused while the body runs */
	bool is_range;
};

struct mv_worker {
	enum mv_wstate state;
	uint32_t pc;                /* next instruction to fetch */
	uint32_t op_pc;             /* instruction of the current op */
	bool in_op;                 /* an operation is in flight */
	struct gm_op op;
	bool mid_op;                /* started and not at a boundary (op granularity) */
	int64_t vars[MV_MAX_VARS];
	uint8_t var_str;            /* bit v: variable v holds a string key */
	uint8_t depth;
	struct mv_frame frames[MV_MAX_DEPTH];
	uint64_t ops_done;
};

/* A completed operation, as the observer sees it. */
struct mv_oprec {
	uint32_t worker;
	enum mv_instr_kind instr;
	const struct mv_instr *in;  /* the scene instruction */
	const struct gm_op *op;     /* its final state (result, found, hash) */
	bool has_key;
	int64_t key;
	uint64_t hash;
};

struct mv_observer {
	/* a step ran: worker w executed phase `phase` of its op */
	void (*step)(void *ctx, uint32_t w, enum gm_phase phase, const struct gm_op *op);
	void (*event)(void *ctx, uint32_t w, const struct mv_event *ev);
	void (*op_done)(void *ctx, const struct mv_oprec *rec);
	void *ctx;
};

struct mv_world {
	const struct mv_world_spec *spec;
	struct gomap map;
	struct mv_worker *workers;
	uint32_t nworkers;
	uint64_t step;              /* micro-steps run so far */
	uint32_t current;           /* worker that ran last (op granularity) */
	uint32_t rr_next;           /* round-robin cursor */
	uint64_t script_pos;
	struct mv_rng sched_rng;
	enum mv_end end;
	const char *message;        /* static: Go's message when it ended badly */
	int32_t culprit;            /* worker whose op ended it, or -1 */
	const struct mv_observer *obs;
};

enum mv_status mv_world_init(struct mv_world *w, const struct mv_world_spec *spec);
void mv_world_done(struct mv_world *w);
/* dst becomes an independent copy of src (dst uninitialized). */
enum mv_status mv_world_copy(struct mv_world *dst, const struct mv_world *src);
/* Observers are not copied; set one after a copy if wanted. */
static inline void mv_world_observe(struct mv_world *w, const struct mv_observer *obs)
{
	w->obs = obs;
}

static inline bool mv_world_ended(const struct mv_world *w)
{
	return w->end != MV_END_RUNNING;
}
/* Whether worker i can take a step now. */
bool mv_world_runnable(const struct mv_world *w, uint32_t i);
/* The worker the scene's schedule picks for the next step; -1 if none can
 * run (the world has then ended) or the policy is manual. */
int32_t mv_world_pick(struct mv_world *w);
/* Run one micro-step of worker i (which must be runnable). */
void mv_world_step(struct mv_world *w, uint32_t i);
/* Pick and step; false once the world has ended. */
bool mv_world_advance(struct mv_world *w);

const char *mv_end_name(enum mv_end e);
const char *mv_wstate_name(enum mv_wstate s);
/* The scene instruction a worker is at (its current op, or the next). */
const struct mv_instr *mv_world_instr(const struct mv_world *w, uint32_t i);
/* Evaluate an operand for worker i: an int, or a string interned into the
 * spec's pool (returns its id). */
int64_t mv_world_operand(struct mv_world *w, uint32_t i, const struct mv_operand *o);

#endif
