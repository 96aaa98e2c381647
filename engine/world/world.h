/*
 * world: everything a scene sets in motion — the map (a map of the scene's
 * Go release through its engine, mapeng.h: bare, behind a lock, or N
 * shards each behind an RWMutex; or a sync.Map), the scene's locks and
 * signals, the workers (Go's goroutines) with their programs and in-flight
 * operations, the scheduler's state and the race detector's clocks.  A
 * world is plain data: mv_world_copy makes an independent checkpoint, and
 * stepping a copy replays exactly.
 *
 * One call of mv_world_step runs one micro-step: one phase of one worker's
 * current operation (a map phase, one atomic action of a lock, a sleep, a
 * channel close or receive).  Control flow (repeat, the end of a range
 * body) costs no step.  Who runs is decided by mv_world_pick (the scene's
 * policy) or by the caller (manual scheduling); sched.h runs the same steps
 * on one pthread per worker.  The engine reports through an observer.
 */
#ifndef MV_WORLD_H
#define MV_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/core/event.h"
#include "engine/locks/locks.h"
#include "engine/world/maps.h"
#include "engine/world/race.h"
#include "engine/core/rng.h"
#include "engine/core/spec.h"
#include "engine/core/status.h"

#define MV_MAX_WORKERS 64
#define MV_MAX_SHARDS 256

/* Worker states; the string is what a goroutine dump shows (E1, D5). */
#define MV_WSTATE_MAP(X)                                                    \
	X(RUNNABLE, "runnable")                                             \
	X(BLOCKED, "blocked")                                               \
	X(SLEEPING, "sleep")                                                \
	X(DONE, "done")

enum mv_wstate {
#define MV_WSTATE_ENUM(name, str) MV_W_##name,
	MV_WSTATE_MAP(MV_WSTATE_ENUM)
#undef MV_WSTATE_ENUM
};

/* Why a blocked worker waits: Go's wait reason in a goroutine dump. */
enum mv_wait { MV_WAIT_NONE, MV_WAIT_SEMACQUIRE, MV_WAIT_CHAN_RECEIVE };

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

/* The stage of a worker's operation: a SafeMap-style wrapper takes the
 * lock, runs the map operation, releases the lock (DESIGN: map.impl). */
enum mv_stage { MV_ST_LOCK, MV_ST_MAP, MV_ST_UNLOCK, MV_ST_SLEEP, MV_ST_CLOSE, MV_ST_WAIT, MV_ST_SYNC };

/* A worker's operation in flight: one scene instruction. */
struct mv_wop {
	enum mv_instr_kind instr;
	enum mv_stage stage;
	uint32_t lock;        /* the lock of the LOCK/UNLOCK stage */
	uint32_t shard;       /* the map the MAP stage runs on */
	bool all_shards;      /* range/len/clear over every shard in turn */
	bool wrapped;         /* the map op is wrapped in lock/unlock */
	bool read;            /* the wrapper takes the read lock */
	int64_t key, value;   /* evaluated operands */
	struct mv_lock_op lk;
	union mv_mop mop;     /* the map operation (engine-specific) */
	int64_t result;       /* the map op's result (lookup value) */
	int64_t yield_key, yield_value; /* the entry a range step produced */
	union mv_sop sop;     /* impl syncmap: the sync.Map method in flight */
	int64_t len;          /* len over shards */
	bool ok;              /* trylock result, load's found */
	uint64_t wake_at;     /* sleep */
	uint32_t steps;       /* steps this op has run */
};

/* A loop frame: a repeat, or a range whose body is running. */
struct mv_frame {
	uint32_t pc;      /* the REPEAT or RANGE instruction */
	int64_t count;    /* iterations done (repeat) */
	struct mv_wop it; /* range: the operation, paused while the body runs */
	bool is_range;
};

struct mv_worker {
	enum mv_wstate state;
	enum mv_wait wait;
	uint32_t wait_on;           /* lock or signal index */
	uint32_t pc;                /* next instruction to fetch */
	uint32_t op_pc;             /* instruction of the current op */
	bool in_op;                 /* an operation is in flight */
	bool mid_op;                /* started and not at a boundary (op granularity) */
	struct mv_wop op;
	int64_t vars[MV_MAX_VARS];
	uint8_t var_str;            /* bit v: variable v holds a string key */
	uint8_t depth;
	struct mv_frame frames[MV_MAX_DEPTH];
	uint64_t ops_done;
};

/* A completed operation, as the observer sees it. */
struct mv_oprec {
	uint32_t worker;
	const struct mv_instr *in;  /* the scene instruction */
	const struct mv_wop *op;    /* its final state */
	bool has_key;
	int64_t key;
	bool has_hash;
	uint64_t hash;
	bool ok;                    /* load: found; delete: deleted; try*: acquired */
	int64_t result;             /* load: value; len: count */
};

struct mv_observer {
	/* a step ran: worker w executed phase `phase` (a name) of its op */
	void (*step)(void *ctx, uint32_t w, const char *phase);
	void (*event)(void *ctx, uint32_t w, const struct mv_event *ev);
	void (*op_done)(void *ctx, const struct mv_oprec *rec);
	/* a range produced an entry (before its body, if any, runs) */
	void (*yield)(void *ctx, uint32_t w, int64_t key, int64_t value);
	void *ctx;
};

/* A race between two overlapping operations whose fate (did the runtime's
 * check catch it?) is known only when one of them ends. */
struct mv_pending_race {
	uint32_t w, other;
	uint32_t pc, other_pc;
	const char *what;
};

#define MV_RACE_SEEN 32   /* distinct instruction pairs reported */
#define MV_RACE_PENDING 8

struct mv_world {
	const struct mv_world_spec *spec;
	struct mv_map *maps;        /* 1, or map.shards; none for syncmap */
	struct mv_syncmap *sm;      /* impl syncmap (its engine: synceng.h) */
	uint32_t nmaps;
	struct mv_lock *locks;      /* the scene's locks, then the map's own */
	uint32_t nlocks;
	uint32_t map_lock;          /* first lock of the map's own (mutex, rwmutex, sharded) */
	uint64_t closed;            /* bit s: signal s is closed */
	struct mv_worker *workers;
	uint32_t nworkers;
	uint64_t step;              /* micro-steps run so far */
	uint64_t now;               /* time for sleeps and starvation: steps, plus idle jumps */
	uint32_t current;           /* worker that ran last */
	const char *ran;            /* static: the phase the last step ran */
	uint32_t rr_next;           /* round-robin cursor */
	uint64_t script_pos;
	struct mv_rng sched_rng;
	struct mv_race race;
	uint64_t race_seen[MV_RACE_SEEN]; /* (pc << 32 | other pc) + 1 */
	uint32_t nrace_seen;
	struct mv_pending_race pending[MV_RACE_PENDING];
	uint32_t npending;
	enum mv_end end;
	const char *message;        /* static: Go's message when it ended badly */
	int32_t culprit;            /* worker whose op ended it, or -1 */
	uint64_t leaked;            /* bit w: blocked forever when main returned */
	const struct mv_observer *obs;
};

/* Set up a world from spec.  MV_ENOTSUP: the spec asks for something this
 * world cannot run (see mv_world_unsupported for the reason). */
enum mv_status mv_world_init(struct mv_world *w, const struct mv_world_spec *spec);
/* Why mv_world_init refused a spec, or NULL. */
const char *mv_world_unsupported(const struct mv_world_spec *spec);
void mv_world_done(struct mv_world *w);
/* dst becomes an independent copy of src (dst uninitialized).  The
 * observer is not copied. */
enum mv_status mv_world_copy(struct mv_world *dst, const struct mv_world *src);
/* dst (a world of the same spec: from mv_world_init or mv_world_copy)
 * becomes a copy of src, reusing dst's buffers where it can.  dst keeps
 * its own observer. */
enum mv_status mv_world_copy_into(struct mv_world *dst, const struct mv_world *src);
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
 * run (the world has then ended).  Manual policy picks like round-robin;
 * a person overrides it by calling mv_world_step directly. */
int32_t mv_world_pick(struct mv_world *w);
/* Run one micro-step of worker i (which must be runnable). */
void mv_world_step(struct mv_world *w, uint32_t i);
/* Pick and step; false once the world has ended. */
bool mv_world_advance(struct mv_world *w);

const char *mv_end_name(enum mv_end e);
const char *mv_wstate_name(enum mv_wstate s);
/* Go's wait reason for a dump: "semacquire", "chan receive", "sleep",
 * "runnable", "running". */
const char *mv_world_wait_reason(const struct mv_world *w, uint32_t i);
/* The scene instruction a worker is at (its current op, or the next). */
const struct mv_instr *mv_world_instr(const struct mv_world *w, uint32_t i);
/* The name of worker i's current phase ("check_writing", "fast_cas"...). */
const char *mv_world_phase(const struct mv_world *w, uint32_t i);
/* Display name of lock i ("mu", "map.mu", "shard[3].mu"), in buf. */
const char *mv_world_lock_name(const struct mv_world *w, uint32_t i, char *buf, unsigned len);
/* Evaluate an operand for worker i. */
int64_t mv_world_operand(struct mv_world *w, uint32_t i, const struct mv_operand *o);
/* The shard a key lives in (sharded maps). */
uint32_t mv_world_shard_of(const struct mv_world *w, int64_t key);

#endif
