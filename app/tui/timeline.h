/*
 * timeline: a scene's world moving forward and back in time.  It owns the
 * current world, the schedule actually taken (one byte per step: which
 * worker ran, whether a person chose it, whether the step ended an
 * operation), checkpoints (copies of the world), and the recent event log
 * the TUI shows.
 *
 * Going back is exact: restore the nearest checkpoint at or before the
 * target and replay the recorded schedule inline, observer on — the world
 * is deterministic given its choices.  Checkpoints are taken every `every`
 * steps (scaled to the world's size); when there are too many, the older
 * ones are thinned (every other one dropped, the most recent TL_RECENT
 * kept), so memory stays bounded and a step back near the present never
 * replays more than `every` steps.  Going forward over recorded steps
 * replays them; going forward past the end extends the recording.  A step
 * a person chooses at an earlier point cuts the recording there; from the
 * first such step on, the run is the person's own interleaving, and the
 * scene's captions tied to step numbers no longer apply (tl_own).
 *
 * A forward unit is a micro-step or a whole operation (tl->unit): the
 * schedule stays the scene's either way, only how far a key press goes
 * changes.  TL_BOUNDARY marks every step that ended an operation.
 *
 * No curses, no drawing: views read the timeline.
 */
#ifndef MV_TUI_TIMELINE_H
#define MV_TUI_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/world/world.h"
#include "../scene.h"

/* Schedule record bits. */
enum {
	TL_WORKER = 0x3f,   /* the worker that ran */
	TL_MANUAL = 0x40,   /* chosen by a person (replayed with mv_world_step) */
	TL_BOUNDARY = 0x80, /* the step ended an operation (op granularity stops) */
};

/* One line of the event log: an engine event, a completed operation, or
 * (step granularity) a step with no event: the phase a worker ran. */
enum tl_kind { TL_EV, TL_OP, TL_STEP };

struct tl_entry {
	uint64_t step;
	uint32_t worker;
	uint8_t kind;       /* enum tl_kind */
	int16_t note;       /* the scene note this event triggered, -1 */
	struct mv_event ev; /* TL_EV */
	/* TL_OP */
	uint8_t instr;
	bool has_key, ok;
	int64_t key, value, result;
	uint32_t lock;     /* lock ops: the lock, UINT32_MAX none */
	const char *phase; /* TL_STEP: the phase (static) */
};

/* What the display needs beyond the world, kept with each checkpoint so a
 * restored point looks exactly as it did. */
struct tl_marks {
	int32_t worker;       /* who ran the latest step, -1 none */
	const char *phase;    /* the phase it ran (static) */
	uint32_t touch_map;   /* the map the step touched */
	uint64_t touch_b;     /* where its map step touched (the engine's terms), 0 none */
	int32_t touch_slot;   /* the slot, -1 none */
	uint32_t touch_entry; /* sync.Map: the entry it touched, SM_NIL none */
	int32_t caption;      /* the scene note on screen, -1 none */
	uint64_t caption_step;
	uint32_t nev;     /* events of the latest step */
	uint64_t range_n; /* entries the range in progress produced */
	/* the step at which each worker last ran set_writing (its write
	 * toggled hashWriting), 0 none: the fatal report says who did what */
	uint64_t set_writing[MV_MAX_WORKERS];
};

struct tl_ckpt {
	struct mv_world w;
	struct tl_marks m;
};

#define TL_RECENT 64 /* checkpoints never thinned, the most recent */
#define TL_LOG 4096  /* event log entries kept */

struct timeline {
	const struct scene *sc;
	struct mv_world w;
	struct tl_marks m;
	struct mv_observer obs;
	/* the schedule taken: sched[k] is step k+1 */
	uint8_t *sched;
	uint64_t nsched, sched_cap;
	/* checkpoints, by increasing step; ck[0] is step 0 */
	struct tl_ckpt *ck;
	uint32_t nck, ck_cap, ck_max;
	bool budget_bound;  /* the world is so big that the memory budget
			       (256 MiB of checkpoints) thins them: steps back
			       replay longer */
	uint64_t every;
	/* the event log: a ring of the latest TL_LOG entries */
	struct tl_entry *log;
	uint64_t log_start, log_end; /* entries [log_start, log_end) are held */
	/* the first step a person chose (an index into sched), UINT64_MAX
	 * none: from there on the run is the person's own interleaving */
	uint64_t first_manual;
	/* what a forward unit is: a step, or a whole operation (starts as the
	 * scene's granularity; a key toggles it) */
	enum mv_granularity unit;
	bool step_manual; /* the step being run was chosen by a person */
	/* what the step in progress did */
	bool hit_breakpoint;
	int hit_event;    /* an event of this kind occurred, -1 */
	int hit_bp_event; /* the event that matched a breakpoint, or -1 */
};

/* Set up at step 0 (the world made from sc->spec).  Returns the world's
 * status (MV_ENOTSUP: see mv_world_unsupported). */
enum mv_status tl_init(struct timeline *tl, const struct scene *sc);
void tl_done(struct timeline *tl);

static inline uint64_t tl_step(const struct timeline *tl)
{
	return tl->w.step;
}
/* The last step recorded (≥ the current one). */
static inline uint64_t tl_recorded(const struct timeline *tl)
{
	return tl->nsched;
}

/* One micro-step forward: the recorded one, or the schedule's pick past
 * the end of the recording.  False if the world has ended. */
bool tl_forward(struct timeline *tl);
/* One forward unit: a micro-step, or with op granularity every step to the
 * end of the running operation.  Stops early at a breakpoint if
 * stop_at_breakpoint.  False if nothing ran. */
bool tl_forward_unit(struct timeline *tl, bool stop_at_breakpoint);
/* Step worker i by a person's choice (one unit, as above); cuts the
 * recording after the current step when it differs.  A choice the scene's
 * schedule would make too is a step of the schedule, not by hand.  False, with the
 * reason in why[0..len), if the worker cannot run. */
bool tl_manual(struct timeline *tl, uint32_t i, char *why, unsigned len);
/* Back one unit (to the previous operation boundary with op granularity). */
bool tl_back_unit(struct timeline *tl);
/* Go to step target (clamped to what can be reached). */
void tl_seek(struct timeline *tl, uint64_t target);
/* Whether the run up to now has a step a person chose: the scene's own
 * schedule no longer holds, nor do its captions tied to steps. */
static inline bool tl_own(const struct timeline *tl)
{
	return tl->first_manual < tl->w.step;
}
/* Drop the steps chosen by hand and what followed them, and stand at the
 * same step on the scene's own schedule (or its end, if it ends sooner).
 * False if the run had no step chosen by hand. */
bool tl_rejoin(struct timeline *tl);
/* Why worker i cannot run now (static text), or NULL if it can. */
const char *tl_why_not(const struct timeline *tl, uint32_t i, char *buf, unsigned len);

/* Log entries: index in [tl->log_start, tl->log_end). */
static inline const struct tl_entry *tl_log_at(const struct timeline *tl, uint64_t i)
{
	return &tl->log[i % TL_LOG];
}
/* Bytes held by checkpoints (for the bench and the help screen). */
uint64_t tl_memory(const struct timeline *tl);

#endif
