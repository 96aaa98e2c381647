/* timeline: forward, back and seek over a deterministic world; see timeline.h. */
#include "timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"

#define TL_CK_BYTES ((uint64_t)256 << 20) /* memory for checkpoints */
#define TL_CK_MAX 1024
#define TL_CK_MIN 4 /* checkpoints kept whatever the world's size */
#define TL_EVERY_MIN 64
#define TL_FILL 256 /* steps replayed at least by a seek back */

/* ---- observer ---- */

static struct tl_entry *log_push(struct timeline *tl)
{
	struct tl_entry *e = &tl->log[tl->log_end % TL_LOG];
	tl->log_end++;
	if (tl->log_end - tl->log_start > TL_LOG)
		tl->log_start = tl->log_end - TL_LOG;
	memset(e, 0, sizeof *e);
	e->step = tl->w.step;
	e->note = -1;
	e->lock = UINT32_MAX;
	return e;
}

static void on_event(void *ctx, uint32_t w, const struct mv_event *ev)
{
	struct timeline *tl = ctx;
	struct tl_entry *e = log_push(tl);
	e->kind = TL_EV;
	e->worker = w;
	e->ev = *ev;
	tl->m.nev++;
	tl->hit_event = (int)ev->kind;
	const struct scene *sc = tl->sc;
	for (uint32_t k = 0; k < sc->nbreakpoints; k++)
		if (sc->breakpoints[k] == (int)ev->kind && !tl->hit_breakpoint) {
			tl->hit_breakpoint = true;
			tl->hit_bp_event = (int)ev->kind;
		}
	for (uint32_t k = 0; k < sc->nnotes; k++)
		if (sc->notes[k].on_event && sc->notes[k].event == (int)ev->kind) {
			e->note = (int16_t)k;
			tl->m.caption = (int32_t)k;
			tl->m.caption_step = tl->w.step;
			break;
		}
}

static void on_step(void *ctx, uint32_t wi, const char *phase)
{
	struct timeline *tl = ctx;
	const struct mv_worker *wk = &tl->w.workers[wi];
	tl->m.worker = (int32_t)wi;
	tl->m.phase = phase;
	tl->m.touch_b = 0;
	tl->m.touch_slot = -1;
	tl->m.touch_entry = SM_NIL;
	if (wk->op.stage == MV_ST_SYNC) {
		struct mv_sop_state st;
		mv_sop_state(tl->w.sm, &wk->op.sop, &st);
		tl->m.touch_entry = st.touch;
	}
	if (wk->op.stage == MV_ST_MAP) {
		tl->m.touch_map = wk->op.shard;
		struct mv_mop_state st;
		mv_mop_state(&tl->w.maps[wk->op.shard], &wk->op.mop, &st);
		tl->m.touch_b = st.touch_at;
		tl->m.touch_slot = st.touch_slot;
	}
	if (tl->m.nev == 0 && tl->w.spec->sched.granularity == MV_GRAN_STEP) {
		/* a step that changed nothing visible still says what it did */
		const struct mv_instr *in = mv_world_instr(&tl->w, wi);
		struct tl_entry *e = log_push(tl);
		e->kind = TL_STEP;
		e->worker = wi;
		e->phase = phase;
		e->instr = in ? (uint8_t)in->kind : 0;
		e->has_key = wk->in_op && (wk->op.instr == MV_I_STORE || wk->op.instr == MV_I_LOAD ||
		                           wk->op.instr == MV_I_DELETE);
		e->key = wk->op.key;
		e->value = wk->op.value;
		if (wk->in_op && !wk->op.wrapped &&
		    (wk->op.stage == MV_ST_LOCK || wk->op.stage == MV_ST_UNLOCK))
			e->lock = wk->op.lock;
	}
	if (phase && !strcmp(phase, "set_writing") && wi < MV_MAX_WORKERS)
		tl->m.set_writing[wi] = tl->w.step;
	/* a caption tied to a step number is true only on the scene's own
	 * schedule (this step is chosen by hand, or one before it was) */
	if (tl->step_manual || tl->first_manual < tl->w.step - 1)
		return;
	const struct scene *sc = tl->sc;
	for (uint32_t k = 0; k < sc->nnotes; k++)
		if (!sc->notes[k].on_event && sc->notes[k].step == tl->w.step) {
			tl->m.caption = (int32_t)k;
			tl->m.caption_step = tl->w.step;
			break;
		}
}

static void on_op(void *ctx, const struct mv_oprec *r)
{
	struct timeline *tl = ctx;
	struct tl_entry *e = log_push(tl);
	e->kind = TL_OP;
	e->worker = r->worker;
	e->instr = (uint8_t)r->in->kind;
	e->has_key = r->has_key;
	e->key = r->key;
	e->value = r->op->value;
	e->ok = r->ok;
	e->result = r->result;
	if (!r->op->wrapped && (r->op->stage == MV_ST_LOCK || r->op->stage == MV_ST_UNLOCK))
		e->lock = r->op->lock;
	if (r->in->kind == MV_I_RANGE)
		e->result = (int64_t)tl->m.range_n;
	tl->m.range_n = 0;
}

static void on_event_count(void *ctx, uint32_t w, const struct mv_event *ev)
{
	struct timeline *tl = ctx;
	if (ev->kind == MV_EV_ITER_KEY)
		tl->m.range_n++;
	on_event(ctx, w, ev);
}

/* ---- checkpoints ---- */

static uint64_t world_bytes(const struct mv_world *w)
{
	uint64_t b = sizeof *w + (uint64_t)w->nworkers * sizeof *w->workers +
	             (uint64_t)(w->nlocks + 1) * sizeof *w->locks + (uint64_t)w->nworkers * w->nworkers * 8 +
	             (uint64_t)w->nmaps * (sizeof *w->maps + 64 + w->nworkers * 8);
	for (uint32_t s = 0; s < w->nmaps; s++)
		b += w->maps[s].eng->model_bytes(&w->maps[s].u);
	return b;
}

static void ck_push(struct timeline *tl)
{
	if (tl->nck == tl->ck_cap) {
		tl->ck_cap = tl->ck_cap ? tl->ck_cap * 2 : 64;
		tl->ck = mv_xrealloc(tl->ck, tl->ck_cap * sizeof *tl->ck);
	}
	struct tl_ckpt *c = &tl->ck[tl->nck++];
	if (mv_world_copy(&c->w, &tl->w) != MV_OK)
		mv_xmalloc(SIZE_MAX); /* out of memory: the handler exits */
	c->m = tl->m;
	uint64_t bytes = world_bytes(&tl->w);
	uint64_t every = TL_EVERY_MIN * (1 + bytes / 65536);
	tl->every = every > tl->every ? every : tl->every;
	uint64_t max = TL_CK_BYTES / (bytes ? bytes : 1);
	/* The budget rules, even for a huge world: fewer checkpoints (down to
	 * TL_CK_MIN) and longer replays, never more memory than the budget,
	 * however big the map.  The most recent ones are kept whole
	 * while the budget allows TL_RECENT of them. */
	tl->ck_max = (uint32_t)(max > TL_CK_MAX ? TL_CK_MAX : max < TL_CK_MIN ? TL_CK_MIN : max);
	tl->budget_bound = max < 2 * TL_RECENT + 8;
	if (tl->nck <= tl->ck_max)
		return;
	uint32_t recent = tl->ck_max / 2 < TL_RECENT ? tl->ck_max / 2 : TL_RECENT;
	/* thin: drop every other checkpoint older than the most recent ones */
	uint32_t keep = 1, old_end = tl->nck - recent;
	for (uint32_t k = 1; k < tl->nck; k++) {
		if (k < old_end && k % 2 == 1) {
			mv_world_done(&tl->ck[k].w);
			continue;
		}
		tl->ck[keep++] = tl->ck[k];
	}
	tl->nck = keep;
}

/* Drop the checkpoints after step s (the recording was cut there). */
static void ck_cut(struct timeline *tl, uint64_t s)
{
	while (tl->nck > 1 && tl->ck[tl->nck - 1].w.step > s)
		mv_world_done(&tl->ck[--tl->nck].w);
}

static void maybe_checkpoint(struct timeline *tl)
{
	uint64_t last = tl->ck[tl->nck - 1].w.step;
	if (tl->w.step > last && tl->w.step - last >= tl->every)
		ck_push(tl);
}

uint64_t tl_memory(const struct timeline *tl)
{
	uint64_t b = tl->sched_cap + (uint64_t)TL_LOG * sizeof *tl->log;
	for (uint32_t k = 0; k < tl->nck; k++)
		b += world_bytes(&tl->ck[k].w);
	return b;
}

/* ---- life ---- */

enum mv_status tl_init(struct timeline *tl, const struct scene *sc)
{
	memset(tl, 0, sizeof *tl);
	tl->sc = sc;
	tl->m.worker = -1;
	tl->m.touch_slot = -1;
	tl->m.touch_entry = SM_NIL;
	tl->m.caption = -1;
	tl->m.phase = "";
	tl->hit_event = -1;
	tl->hit_bp_event = -1;
	tl->first_manual = UINT64_MAX;
	tl->unit = sc->spec.sched.granularity;
	tl->log = mv_xcalloc(TL_LOG, sizeof *tl->log);
	enum mv_status st = mv_world_init(&tl->w, &sc->spec);
	if (st != MV_OK) {
		mv_world_done(&tl->w);
		free(tl->log);
		tl->log = NULL;
		return st;
	}
	tl->obs = (struct mv_observer){.step = on_step, .event = on_event_count, .op_done = on_op, .ctx = tl};
	mv_world_observe(&tl->w, &tl->obs);
	for (uint32_t k = 0; k < sc->nnotes; k++)
		if (!sc->notes[k].on_event && sc->notes[k].step == 0)
			tl->m.caption = (int32_t)k;
	tl->every = TL_EVERY_MIN;
	ck_push(tl);
	return MV_OK;
}

void tl_done(struct timeline *tl)
{
	if (!tl->log)
		return;
	for (uint32_t k = 0; k < tl->nck; k++)
		mv_world_done(&tl->ck[k].w);
	free(tl->ck);
	mv_world_done(&tl->w);
	free(tl->sched);
	free(tl->log);
	memset(tl, 0, sizeof *tl);
}

/* ---- stepping ---- */

static void record(struct timeline *tl, uint8_t rec)
{
	if (tl->nsched == tl->sched_cap) {
		tl->sched_cap = tl->sched_cap ? tl->sched_cap * 2 : 4096;
		tl->sched = mv_xrealloc(tl->sched, tl->sched_cap);
	}
	if (rec & TL_MANUAL && tl->first_manual == UINT64_MAX)
		tl->first_manual = tl->nsched;
	tl->sched[tl->nsched++] = rec;
}

/* The recording ends after step n (a different choice was made there). */
static void cut(struct timeline *tl, uint64_t n)
{
	tl->nsched = n;
	if (tl->first_manual >= n)
		tl->first_manual = UINT64_MAX;
	ck_cut(tl, n);
}

/* The step just run ended its operation (or the world). */
static bool at_boundary(const struct timeline *tl)
{
	const struct mv_world *w = &tl->w;
	return mv_world_ended(w) || !w->workers[w->current].mid_op;
}

/* Where a forward unit stops: after every step, or where an operation
 * ended. */
static bool unit_done(const struct timeline *tl)
{
	return tl->unit == MV_GRAN_STEP || (tl->sched[tl->w.step - 1] & TL_BOUNDARY);
}

static void begin_step(struct timeline *tl)
{
	tl->m.nev = 0;
}

/* Run one step: the recorded one if there is one, else `manual` (a worker
 * index, or -1 for the schedule's pick). */
static bool run_step(struct timeline *tl, int32_t manual)
{
	struct mv_world *w = &tl->w;
	if (mv_world_ended(w))
		return false;
	begin_step(tl);
	if (w->step < tl->nsched) {
		uint8_t rec = tl->sched[w->step];
		tl->step_manual = rec & TL_MANUAL;
		if (rec & TL_MANUAL)
			mv_world_step(w, rec & TL_WORKER);
		else
			mv_world_advance(w);
		tl->step_manual = false;
	} else {
		uint64_t before = w->step;
		tl->step_manual = manual >= 0;
		if (manual >= 0)
			mv_world_step(w, (uint32_t)manual);
		else if (!mv_world_advance(w)) {
			tl->step_manual = false;
			return false;
		}
		tl->step_manual = false;
		if (w->step == before)
			return false;
		uint8_t rec = (uint8_t)(w->current & TL_WORKER);
		if (manual >= 0)
			rec |= TL_MANUAL;
		if (at_boundary(tl))
			rec |= TL_BOUNDARY;
		record(tl, rec);
	}
	maybe_checkpoint(tl);
	return true;
}

bool tl_forward(struct timeline *tl)
{
	tl->hit_breakpoint = false;
	tl->hit_event = -1;
	tl->hit_bp_event = -1;
	return run_step(tl, -1);
}

bool tl_forward_unit(struct timeline *tl, bool stop_at_breakpoint)
{
	tl->hit_breakpoint = false;
	tl->hit_event = -1;
	tl->hit_bp_event = -1;
	bool any = false;
	while (run_step(tl, -1)) {
		any = true;
		if (unit_done(tl))
			break;
		if (stop_at_breakpoint && tl->hit_breakpoint)
			break;
	}
	return any;
}

const char *tl_why_not(const struct timeline *tl, uint32_t i, char *buf, unsigned len)
{
	const struct mv_world *w = &tl->w;
	if (i >= w->nworkers) {
		snprintf(buf, len, "there is no goroutine G%u in this scene", i + 1);
		return buf;
	}
	const char *name = tl->sc->spec.workers[i].name;
	if (mv_world_ended(w)) {
		snprintf(buf, len, "the scene has ended (%s): press <- or Home to go back",
		         mv_end_name(w->end));
		return buf;
	}
	const struct mv_worker *wk = &w->workers[i];
	char lb[40];
	switch (wk->state) {
	case MV_W_BLOCKED:
		if (wk->wait == MV_WAIT_CHAN_RECEIVE)
			snprintf(buf, len, "G%u %s is blocked: waiting for signal %s to close", i + 1, name,
			         wk->wait_on < tl->sc->spec.nsignals ? tl->sc->spec.signals[wk->wait_on]
			                                             : "?");
		else
			snprintf(buf, len, "G%u %s is blocked on %s: it runs again when the lock is released",
			         i + 1, name, mv_world_lock_name(w, wk->wait_on, lb, sizeof lb));
		return buf;
	case MV_W_SLEEPING:
		snprintf(buf, len, "G%u %s is sleeping until time %llu", i + 1, name,
		         (unsigned long long)wk->op.wake_at);
		return buf;
	case MV_W_DONE: snprintf(buf, len, "G%u %s has finished its program", i + 1, name); return buf;
	case MV_W_RUNNABLE: break;
	}
	if (!mv_world_runnable(w, i)) {
		snprintf(buf, len, "G%u %s has nothing to run", i + 1, name);
		return buf;
	}
	return NULL;
}

bool tl_manual(struct timeline *tl, uint32_t i, char *why, unsigned len)
{
	if (tl_why_not(tl, i, why, len))
		return false;
	struct mv_world *w = &tl->w;
	tl->hit_breakpoint = false;
	tl->hit_event = -1;
	tl->hit_bp_event = -1;
	bool any = false;
	for (;;) {
		/* the scene's own pick, asked of a copy (picking may move a
		 * script's cursor or draw from its RNG): a person who picks
		 * the same goroutine follows the scene's schedule */
		struct mv_world peek = *w;
		bool agrees = !mv_world_ended(w) && mv_world_pick(&peek) == (int32_t)i;
		if (w->step < tl->nsched) {
			uint8_t rec = tl->sched[w->step];
			bool same = agrees ? !(rec & TL_MANUAL) && (rec & TL_WORKER) == i
			                   : (rec & (uint8_t)~TL_BOUNDARY) == (uint8_t)(i | TL_MANUAL);
			if (!same) /* a different choice: the recorded future is gone */
				cut(tl, w->step);
		}
		if (!mv_world_runnable(w, i) || !run_step(tl, agrees ? -1 : (int32_t)i))
			break;
		any = true;
		if (unit_done(tl))
			break;
	}
	return any;
}

static void restore(struct timeline *tl, const struct tl_ckpt *c)
{
	mv_world_done(&tl->w);
	if (mv_world_copy(&tl->w, &c->w) != MV_OK)
		mv_xmalloc(SIZE_MAX);
	mv_world_observe(&tl->w, &tl->obs);
	tl->m = c->m;
	while (tl->log_end > tl->log_start && tl_log_at(tl, tl->log_end - 1)->step > c->w.step)
		tl->log_end--;
}

void tl_seek(struct timeline *tl, uint64_t target)
{
	if (target < tl->w.step) {
		uint32_t lo = 0, hi = tl->nck; /* last checkpoint with step <= target */
		while (hi - lo > 1) {
			uint32_t mid = (lo + hi) / 2;
			if (tl->ck[mid].w.step <= target)
				lo = mid;
			else
				hi = mid;
		}
		/* replay at least TL_FILL steps, so the event log on screen is
		 * refilled even where the ring had let old entries go */
		while (lo > 0 && target - tl->ck[lo].w.step < TL_FILL)
			lo--;
		restore(tl, &tl->ck[lo]);
	}
	tl->hit_breakpoint = false;
	tl->hit_event = -1;
	tl->hit_bp_event = -1;
	while (tl->w.step < target && run_step(tl, -1))
		;
}

bool tl_rejoin(struct timeline *tl)
{
	if (tl->first_manual == UINT64_MAX || tl->first_manual >= tl->nsched)
		return false;
	uint64_t target = tl->w.step;
	cut(tl, tl->first_manual);
	/* the last checkpoint is now at or before the cut: from there the
	 * scene's own schedule runs on to the same step */
	restore(tl, &tl->ck[tl->nck - 1]);
	tl->hit_breakpoint = false;
	tl->hit_event = -1;
	tl->hit_bp_event = -1;
	while (tl->w.step < target && run_step(tl, -1))
		;
	return true;
}

bool tl_back_unit(struct timeline *tl)
{
	uint64_t s = tl->w.step;
	if (s == 0)
		return false;
	uint64_t k = s - 1;
	while (tl->unit == MV_GRAN_OP && k > 0 && !(tl->sched[k - 1] & TL_BOUNDARY))
		k--;
	tl_seek(tl, k);
	return true;
}
