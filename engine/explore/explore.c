/*
 * explore: a depth-first search over a world's schedules; see explore.h.
 *
 * The search walks the tree of schedules with one world, `cur`.  A node
 * with more than one choice saves a copy of cur before its first child and
 * restores it (copy into cur's buffers, or a swap for the last child)
 * before each further child: backtracking never replays from step 0, and
 * at most one saved world stands per branching node of the current path.
 *
 * A choice is a worker; a transition is one micro-step of it (in op
 * granularity: steps until its operation ends, blocks or yields an entry,
 * as mv_world_pick would keep running it).  Every transition records its
 * footprint: which shared objects it read and which it wrote (a map or
 * shard, a lock, a signal, the sync.Map), or that it is global (it ended
 * the world, it touched time).  Two transitions commute when neither
 * writes what the other touches (xp_dependent, explore_int.h).
 *
 * REDUCED is the sleep-set search: after a child by worker p has been
 * explored, p sleeps in its later siblings' subtrees until a transition
 * dependent on p's footprint runs.  Every Mazurkiewicz trace (class of
 * orders of commuting transitions) keeps a complete run in the search, so
 * every outcome class and every shortest witness (all orders of one trace
 * have its length) is found; orders that would only re-run a trace end
 * early, "sleep-blocked", without being classified.
 *
 * Time: lock steps read the world's clock (starvation after
 * starve_after steps of waiting, MU5), and every step advances it, so the
 * reduction assumes the clock cannot matter: the scene has no sleep, and,
 * if it has locks or a sync.Map, no run reaches the smallest starvation
 * threshold (then no order of a run's steps can starve a lock).  The first
 * step that breaks that assumption restarts the search with every
 * transition dependent on every other (it then explores what ALL does).
 */
#include "engine/explore/explore.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/core/alloc.h"
#include "engine/core/rng.h"
#include "engine/explore/explore_int.h"

const char *mv_outcome_name(enum mv_outcome o)
{
	static const char *const names[] = {
#define MV_OUTCOME_STR(name, str) str,
	    MV_OUTCOME_MAP(MV_OUTCOME_STR)
#undef MV_OUTCOME_STR
	};
	return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "?";
}

/* ---- footprints ---- */

/* Object ids: maps (shards) first, then locks, then signals, then the
 * sync.Map; a footprint is a 64-bit set of ids folded mod 64 (a collision
 * only adds dependence: sound). */
static uint64_t obj_bit(uint32_t id)
{
	return (uint64_t)1 << (id & 63);
}

/* The footprint of worker i's next step in w (before it runs). */
static void step_fp(const struct mv_world *w, uint32_t i, struct xp_fp *fp)
{
	const struct mv_worker *wk = &w->workers[i];
	const struct mv_wop *op = &wk->op;
	uint32_t nm = w->nmaps, nl = w->nlocks, ns = w->spec->nsignals;
	switch (op->stage) {
	case MV_ST_MAP: {
		/* map phases of one map conflict unless both only read (M, SW:
		 * the writing flag is shared by every op); iteration draws from
		 * the map's RNG and sets iterator flags: a write; so is a lookup
		 * with a pinned hash (its first step pins the key's hash in the
		 * map).  Lookups also count the map's operations in flight (for
		 * compaction and freeing stale tables): counts that commute. */
		bool read = (op->instr == MV_I_LOAD || op->instr == MV_I_LEN) &&
			    !w->spec->workers[i].prog.instrs[wk->op_pc].has_hash;
		if (read)
			fp->rd |= obj_bit(op->shard);
		else
			fp->wr |= obj_bit(op->shard);
		break;
	}
	case MV_ST_LOCK:
	case MV_ST_UNLOCK:
		fp->wr |= obj_bit(nm + op->lock);
		fp->clock = true;
		break;
	case MV_ST_SYNC:
		fp->wr |= obj_bit(nm + nl + ns);
		fp->clock = true;
		break;
	case MV_ST_CLOSE:
		fp->wr |= obj_bit(nm + nl + w->spec->workers[i].prog.instrs[wk->op_pc].ref);
		break;
	case MV_ST_WAIT:
		if (op->instr == MV_I_SLEEP)
			fp->global = true;
		else
			fp->rd |= obj_bit(nm + nl + w->spec->workers[i].prog.instrs[wk->op_pc].ref);
		break;
	case MV_ST_SLEEP:
		fp->global = true;
		break;
	}
}

/* ---- final contents ---- */

static int cmp_kv(const void *a, const void *b)
{
	const struct xp_kv *x = a, *y = b;
	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return (x->v > y->v) - (x->v < y->v);
}

static void kv_push(struct xp_kvbuf *b, int64_t k, int64_t v)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->kv = mv_xrealloc(b->kv, b->cap * sizeof *b->kv);
	}
	b->kv[b->n++] = (struct xp_kv){k, v};
}

/* The map's contents (key -> value, sorted) into b, read by iterating it
 * with the engine's own range operation (which may change the map: w is
 * a finished run about to be thrown away).  false if the iteration could
 * not finish (a writer left the map mid-operation). */
bool xp_contents(struct mv_world *w, struct xp_kvbuf *b)
{
	b->n = 0;
	for (uint32_t s = 0; s < w->nmaps; s++) {
		struct mv_map *m = &w->maps[s];
		union mv_mop op;
		memset(&op, 0, sizeof op);
		struct mv_mop_start a = {.kind = MV_MOP_ITER};
		m->eng->op_start(&op, &a);
		for (uint64_t guard = 0;; guard++) {
			if (guard > 100000000)
				return false;
			enum mv_mstep r = m->eng->step(&m->u, &op, NULL);
			struct mv_mop_state st;
			m->eng->op_state(&op, &st);
			if (r == MV_MSTEP_YIELD) {
				kv_push(b, st.result_key, st.result);
				continue;
			}
			if (r == MV_MSTEP_DONE) {
				if (st.outcome != MV_MOUT_NONE)
					return false;
				break;
			}
		}
	}
	if (w->sm) {
		union mv_sop op;
		memset(&op, 0, sizeof op);
		struct mv_sop_start a = {.kind = MV_SOP_RANGE};
		w->sm->eng->op_start(&op, &a);
		uint32_t self = w->nworkers < MV_MAX_WORKERS ? w->nworkers : MV_MAX_WORKERS - 1;
		for (uint64_t guard = 0;; guard++) {
			uint32_t woken[MV_MAX_WORKERS + 1], nwoken = 0;
			if (guard > 100000000)
				return false;
			enum mv_sstep r = w->sm->eng->step(&w->sm->u, &op, self, w->now, woken, &nwoken, NULL);
			struct mv_sop_state st;
			w->sm->eng->op_state(&op, &st);
			if (r == MV_SSTEP_YIELD) {
				kv_push(b, st.result_key, st.result);
				continue;
			}
			if (r == MV_SSTEP_DONE)
				break;
			if (r == MV_SSTEP_BLOCKED || r == MV_SSTEP_FATAL)
				return false;
		}
	}
	if (b->n > 1)
		qsort(b->kv, b->n, sizeof *b->kv, cmp_kv);
	return true;
}

static uint64_t kv_hash(const struct xp_kv *kv, uint32_t n)
{
	uint64_t h = 0x243f6a8885a308d3ULL ^ n;
	for (uint32_t i = 0; i < n; i++) {
		h = mv_splitmix64(h ^ (uint64_t)kv[i].k);
		h = mv_splitmix64(h ^ (uint64_t)kv[i].v);
	}
	return h;
}

/* Add b's contents to the baselines unless they are there already. */
static void base_add(struct xp_search *x, const struct xp_kvbuf *b)
{
	uint64_t h = kv_hash(b->kv, b->n);
	for (uint32_t i = 0; i < x->nbase; i++)
		if (x->base[i].hash == h && x->base[i].n == b->n &&
		    (!b->n || !memcmp(x->basekv + x->base[i].off, b->kv, b->n * sizeof *b->kv)))
			return;
	if (x->nbase == x->capbase) {
		x->capbase = x->capbase ? x->capbase * 2 : 8;
		x->base = mv_xrealloc(x->base, x->capbase * sizeof *x->base);
	}
	if (x->nbasekv + b->n > x->capbasekv) {
		while (x->nbasekv + b->n > x->capbasekv)
			x->capbasekv = x->capbasekv ? x->capbasekv * 2 : 64;
		x->basekv = mv_xrealloc(x->basekv, x->capbasekv * sizeof *x->basekv);
	}
	if (b->n)
		memcpy(x->basekv + x->nbasekv, b->kv, b->n * sizeof *b->kv);
	x->base[x->nbase++] = (struct xp_base){h, x->nbasekv, b->n};
	x->nbasekv += b->n;
}

static bool base_has(const struct xp_search *x, const struct xp_kvbuf *b)
{
	uint64_t h = kv_hash(b->kv, b->n);
	for (uint32_t i = 0; i < x->nbase; i++)
		if (x->base[i].hash == h && x->base[i].n == b->n &&
		    (!b->n || !memcmp(x->basekv + x->base[i].off, b->kv, b->n * sizeof *b->kv)))
			return true;
	return false;
}

/* Whether every worker ran its program to the end. */
static bool all_done(const struct mv_world *w)
{
	for (uint32_t i = 0; i < w->nworkers; i++)
		if (w->workers[i].state != MV_W_DONE)
			return false;
	return true;
}

/* The serial orders: every permutation of the workers, each run alone
 * until it ends or blocks, then the first runnable one in the
 * permutation's order; from step 0 of the spec.  Beyond
 * XP_MAX_SERIAL_WORKERS workers lost updates are not looked for. */
static void baselines(struct xp_search *x, const struct mv_world_spec *spec)
{
	uint32_t n = spec->nworkers;
	if (n > XP_MAX_SERIAL_WORKERS) {
		x->no_lost = true;
		return;
	}
	struct mv_world w;
	if (mv_world_init(&w, spec) != MV_OK) {
		mv_world_done(&w);
		x->no_lost = true;
		return;
	}
	struct mv_world fresh;
	mv_world_copy(&fresh, &w);
	uint32_t perm[XP_MAX_SERIAL_WORKERS], c[XP_MAX_SERIAL_WORKERS] = {0};
	for (uint32_t i = 0; i < n; i++)
		perm[i] = i;
	/* Heap's algorithm over every permutation */
	uint32_t k = 0;
	for (bool first = true;;) {
		if (!first) {
			while (k < n && c[k] >= k) {
				c[k] = 0;
				k++;
			}
			if (k >= n)
				break;
			uint32_t j = k % 2 ? c[k] : 0, t = perm[j];
			perm[j] = perm[k];
			perm[k] = t;
			c[k]++;
			k = 0;
		}
		first = false;
		if (xp_should_stop(x)) {
			x->no_lost = true;
			break;
		}
		mv_world_copy_into(&w, &fresh);
		uint64_t steps = 0;
		int32_t cur = -1;
		while (!mv_world_ended(&w) && steps < XP_SERIAL_MAX_STEPS) {
			if (cur >= 0 && w.workers[cur].state == MV_W_SLEEPING) {
				/* alone, a sleeper's timer fires: its time passes
				 * (D4) while nobody else runs */
				struct mv_worker *wk = &w.workers[cur];
				if (wk->op.wake_at > w.now)
					w.now = wk->op.wake_at;
				wk->state = MV_W_RUNNABLE;
			}
			if (cur < 0 || !mv_world_runnable(&w, (uint32_t)cur)) {
				cur = -1;
				for (uint32_t i = 0; i < n && cur < 0; i++)
					if (mv_world_runnable(&w, perm[i]))
						cur = (int32_t)perm[i];
				if (cur < 0)
					break;
			}
			mv_world_step(&w, (uint32_t)cur);
			steps++;
		}
		if (mv_world_ended(&w) && w.end == MV_END_OK && all_done(&w) && xp_contents(&w, &x->kv))
			base_add(x, &x->kv);
	}
	mv_world_done(&fresh);
	mv_world_done(&w);
}

/* ---- classes ---- */

static void add_run(struct xp_search *x, enum mv_outcome o, const char *msg, const uint32_t *wit, uint32_t n)
{
	struct mv_explore_result *r = x->r;
	r->runs++;
	for (uint32_t i = 0; i < r->nclasses; i++) {
		struct mv_explore_class *c = &r->classes[i];
		if (c->outcome != o)
			continue;
		if ((c->message == NULL) != (msg == NULL) || (msg && c->message != msg && strcmp(c->message, msg)))
			continue;
		c->runs++;
		if (n < c->nshortest) {
			if (n)
				memcpy(c->shortest, wit, n * sizeof *wit);
			c->nshortest = n;
		}
		return;
	}
	r->classes = mv_xrealloc(r->classes, (r->nclasses + 1) * sizeof *r->classes);
	struct mv_explore_class *c = &r->classes[r->nclasses++];
	c->outcome = o;
	c->message = msg;
	c->runs = 1;
	c->shortest = mv_xmalloc((n ? n : 1) * sizeof *wit);
	if (n)
		memcpy(c->shortest, wit, n * sizeof *wit);
	c->nshortest = n;
}

/* Classify a finished run (w may be changed: reading its contents). */
void xp_classify(struct xp_search *x, struct mv_world *w, const uint32_t *wit, uint32_t n)
{
	switch (w->end) {
	case MV_END_FATAL:
		add_run(x, MV_OUT_FATAL, w->message ? w->message : "", wit, n);
		return;
	case MV_END_PANIC:
		add_run(x, MV_OUT_PANIC, w->message ? w->message : "", wit, n);
		return;
	case MV_END_DEADLOCK:
		add_run(x, MV_OUT_DEADLOCK, NULL, wit, n);
		return;
	case MV_END_RUNNING:
	case MV_END_OK:
		break;
	}
	if (w->leaked) {
		add_run(x, MV_OUT_LEAK, NULL, wit, n);
		return;
	}
	bool raced = w->nrace_seen > 0;
	if (!x->base_done) {
		/* the serial orders are run when a run first ends ok */
		x->base_done = true;
		baselines(x, x->spec);
	}
	if (!x->no_lost && x->nbase && all_done(w) && xp_contents(w, &x->kv) && !base_has(x, &x->kv)) {
		add_run(x, MV_OUT_LOST_UPDATE, NULL, wit, n);
		return;
	}
	add_run(x, raced ? MV_OUT_RACE_UNDETECTED : MV_OUT_OK, NULL, wit, n);
}

/* ---- clock, progress, stopping ---- */

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Called every XP_CHECK_EVERY steps: should the search stop? */
bool xp_should_stop(struct xp_search *x)
{
	const struct mv_explore_opts *o = x->o;
	if (o->cancel && atomic_load(o->cancel)) {
		x->r->cancelled = true;
		x->stopped = true;
		return true;
	}
	if (o->max_runs && x->r->runs >= o->max_runs) {
		x->stopped = true;
		return true;
	}
	uint64_t t = now_ms();
	if (o->budget_ms && t - x->t0_ms >= o->budget_ms) {
		x->stopped = true;
		return true;
	}
	if (o->progress && t - x->last_progress_ms >= 50) {
		x->last_progress_ms = t;
		o->progress(o->ctx, x->r->runs, x->r->steps);
	}
	return false;
}

/* ---- one transition ---- */

/* Run worker i's transition in w: one step, or in op granularity steps
 * until its operation ends (or it blocks, or the world ends).  Appends the
 * worker of each step to the witness; fills fp. */
static void transition(struct xp_search *x, struct mv_world *w, uint32_t i, struct xp_fp *fp)
{
	memset(fp, 0, sizeof *fp);
	bool op_gran = w->spec->sched.granularity == MV_GRAN_OP;
	do {
		step_fp(w, i, fp);
		/* every step advances the clock: once it reaches the
		 * threshold, some order of this run's steps could see a lock
		 * starve */
		if (x->clock_readers && !x->no_reduce && w->now >= x->clock_limit)
			x->clock_hit = true;
		if (x->nwit == x->capwit) {
			x->capwit = x->capwit ? x->capwit * 2 : 256;
			x->wit = mv_xrealloc(x->wit, x->capwit * sizeof *x->wit);
		}
		x->wit[x->nwit++] = i;
		mv_world_step(w, i);
		x->r->steps++;
		if (!(x->r->steps & (XP_CHECK_EVERY - 1)))
			xp_should_stop(x);
	} while (op_gran && !mv_world_ended(w) && mv_world_runnable(w, i) && w->workers[i].mid_op &&
		 x->nwit < x->max_depth);
	if (mv_world_ended(w))
		fp->global = true;
	if (x->no_reduce)
		fp->global = true;
}

/* The workers that may run next in w, into out; their number. */
static uint32_t enabled(const struct mv_world *w, uint32_t *out)
{
	if (mv_world_ended(w))
		return 0;
	if (w->spec->sched.granularity == MV_GRAN_OP && mv_world_runnable(w, w->current) &&
	    w->workers[w->current].mid_op) {
		out[0] = w->current;
		return 1;
	}
	uint32_t n = 0;
	for (uint32_t i = 0; i < w->nworkers; i++)
		if (mv_world_runnable(w, i))
			out[n++] = i;
	return n;
}

/* ---- the world pool ---- */

static struct mv_world *pool_get(struct xp_search *x, const struct mv_world *src)
{
	struct mv_world *w;
	if (x->nfree) {
		w = x->free[--x->nfree];
		mv_world_copy_into(w, src);
		return w;
	}
	if (x->world_bytes && (uint64_t)(x->nworlds + 1) * x->world_bytes > XP_STACK_BYTES)
		return NULL;
	w = mv_xmalloc(sizeof *w);
	mv_world_copy(w, src);
	x->nworlds++;
	return w;
}

static void pool_put(struct xp_search *x, struct mv_world *w)
{
	if (x->nfree == x->capfree) {
		x->capfree = x->capfree ? x->capfree * 2 : 64;
		x->free = mv_xrealloc(x->free, x->capfree * sizeof *x->free);
	}
	x->free[x->nfree++] = w;
}

/* ---- depth-first search ---- */

static struct xp_frame *push_frame(struct xp_search *x)
{
	if (x->nframes == x->capframes) {
		x->capframes = x->capframes ? x->capframes * 2 : 256;
		x->frames = mv_xrealloc(x->frames, x->capframes * sizeof *x->frames);
	}
	struct xp_frame *f = &x->frames[x->nframes++];
	memset(f, 0, sizeof *f);
	f->wlen = x->nwit;
	f->sleep_off = x->nsleep;
	return f;
}

static void sleep_push(struct xp_search *x, uint32_t worker, const struct xp_fp *fp)
{
	if (x->nsleep == x->capsleep) {
		x->capsleep = x->capsleep ? x->capsleep * 2 : 256;
		x->sleep = mv_xrealloc(x->sleep, x->capsleep * sizeof *x->sleep);
	}
	x->sleep[x->nsleep++] = (struct xp_sleep){worker, *fp};
}

static void dfs(struct xp_search *x, struct mv_world *cur)
{
	bool reduce = x->o->mode == MV_EXPLORE_REDUCED;
	push_frame(x);
	while (x->nframes && !x->stopped && !x->clock_hit) {
		struct xp_frame *f = &x->frames[x->nframes - 1];
		if (!f->visited) {
			f->visited = true;
			if (mv_world_ended(cur)) {
				xp_classify(x, cur, x->wit, x->nwit);
				if (x->o->max_runs && x->r->runs >= x->o->max_runs)
					x->stopped = true;
				x->nframes--;
				x->nsleep = f->sleep_off;
				continue;
			}
			if (x->nwit >= x->max_depth) {
				x->r->cut++;
				x->nframes--;
				x->nsleep = f->sleep_off;
				continue;
			}
			uint32_t all[MV_MAX_WORKERS], n = enabled(cur, all);
			uint64_t asleep = 0;
			if (reduce)
				for (uint32_t k = f->sleep_off; k < f->sleep_off + f->nsleep; k++)
					asleep |= (uint64_t)1 << x->sleep[k].worker;
			f->left = 0;
			for (uint32_t k = 0; k < n; k++)
				if (!(asleep >> all[k] & 1))
					f->left |= (uint64_t)1 << all[k];
			if (n == 0) {
				/* nobody can run and the world has not ended: a state
				 * the world never leaves; counted as cut */
				x->r->cut++;
			}
			if (f->left == 0) {
				x->nframes--;
				x->nsleep = f->sleep_off;
				continue;
			}
			if (f->left & (f->left - 1)) {
				f->saved = pool_get(x, cur);
				if (!f->saved) {
					/* the stack is full: this subtree is cut */
					x->r->cut++;
					x->mem_cut = true;
					x->nframes--;
					x->nsleep = f->sleep_off;
					continue;
				}
			}
		} else {
			/* back from a child: the child's worker sleeps in the
			 * later siblings' subtrees */
			if (reduce) {
				x->nsleep = f->sleep_off + f->nsleep;
				sleep_push(x, f->last, &f->last_fp);
				f->nsleep++;
			}
			if (f->left == 0) {
				if (f->saved)
					pool_put(x, f->saved);
				x->nframes--;
				x->nsleep = f->sleep_off;
				continue;
			}
			if (!(f->left & (f->left - 1))) {
				/* the last child: cur takes the saved world over */
				struct mv_world t = *cur;
				*cur = *f->saved;
				*f->saved = t;
				pool_put(x, f->saved);
				f->saved = NULL;
			} else {
				mv_world_copy_into(cur, f->saved);
			}
		}
		uint32_t c = (uint32_t)__builtin_ctzll(f->left);
		f->left &= f->left - 1;
		f->last = c;
		x->nwit = f->wlen;
		struct xp_fp fp;
		transition(x, cur, c, &fp);
		f->last_fp = fp;
		/* the child's sleep set: the entries of f's that fp leaves
		 * asleep (f may move as frames grow: index it) */
		uint32_t fi = x->nframes - 1;
		uint32_t off = x->frames[fi].sleep_off, ns = x->frames[fi].nsleep;
		x->nsleep = off + ns;
		struct xp_frame *child = push_frame(x);
		if (reduce)
			for (uint32_t k = off; k < off + ns; k++)
				if (!xp_dependent(&x->sleep[k].fp, &fp)) {
					struct xp_sleep e = x->sleep[k];
					sleep_push(x, e.worker, &e.fp);
					child = &x->frames[x->nframes - 1];
					child->nsleep++;
				}
	}
	/* unwind what a stop left on the stack */
	while (x->nframes) {
		struct xp_frame *f = &x->frames[--x->nframes];
		if (f->saved)
			pool_put(x, f->saved);
	}
	x->nsleep = 0;
}

/* ---- random sampling ---- */

/* PCT (probabilistic concurrency testing): each worker gets a random
 * priority above pct_depth; the runnable worker of highest priority runs;
 * at pct_depth - 1 random steps (of the expected run length: the previous
 * sample's) the worker that ran drops to a priority below all others. */
struct pct {
	uint32_t prio[MV_MAX_WORKERS];
	uint64_t change[16];
	uint32_t nchange;
};

static void pct_init(struct pct *p, struct mv_rng *rng, uint32_t nworkers, uint32_t depth, uint64_t len)
{
	for (uint32_t i = 0; i < nworkers; i++)
		p->prio[i] = depth + i;
	for (uint32_t i = nworkers; i > 1; i--) { /* shuffle */
		uint32_t j = (uint32_t)(mv_rng_u64(rng) % i), t = p->prio[i - 1];
		p->prio[i - 1] = p->prio[j];
		p->prio[j] = t;
	}
	p->nchange = depth > 1 ? (depth - 1 < 16 ? depth - 1 : 16) : 0;
	for (uint32_t k = 0; k < p->nchange; k++)
		p->change[k] = mv_rng_u64(rng) % (len ? len : 1);
}

static uint32_t pct_pick(struct pct *p, const uint32_t *all, uint32_t n)
{
	uint32_t best = all[0];
	for (uint32_t k = 1; k < n; k++)
		if (p->prio[all[k]] > p->prio[best])
			best = all[k];
	return best;
}

static void pct_after(struct pct *p, uint32_t worker, uint64_t from_step, uint64_t to_step)
{
	for (uint32_t k = 0; k < p->nchange; k++)
		if (p->change[k] >= from_step && p->change[k] < to_step)
			p->prio[worker] = k; /* below every initial priority */
}

static void sample(struct xp_search *x, const struct mv_world *from, struct mv_world *cur)
{
	struct mv_rng rng;
	mv_rng_init(&rng, x->o->seed);
	uint32_t depth = x->o->pct_depth;
	uint64_t len = 0;
	for (uint64_t s = 0; s < x->o->samples && !x->stopped; s++) {
		mv_world_copy_into(cur, from);
		x->nwit = 0;
		struct pct p = {.nchange = 0};
		if (depth) {
			if (!len) { /* the expected length: one round-robin run */
				while (!mv_world_ended(cur) && len < x->max_depth) {
					uint32_t all[MV_MAX_WORKERS], n = enabled(cur, all);
					if (!n)
						break;
					mv_world_step(cur, all[len % n]);
					len++;
				}
				mv_world_copy_into(cur, from);
			}
			pct_init(&p, &rng, cur->nworkers, depth, len);
		}
		while (!mv_world_ended(cur) && x->nwit < x->max_depth && !x->stopped) {
			uint32_t all[MV_MAX_WORKERS], n = enabled(cur, all);
			if (!n)
				break;
			struct xp_fp fp;
			uint32_t c = depth ? pct_pick(&p, all, n) : all[n > 1 ? mv_rng_u64(&rng) % n : 0];
			uint64_t before = x->nwit;
			transition(x, cur, c, &fp);
			if (depth)
				pct_after(&p, c, before, x->nwit);
		}
		if (x->stopped)
			break;
		if (depth && x->nwit)
			len = x->nwit;
		if (mv_world_ended(cur))
			xp_classify(x, cur, x->wit, x->nwit);
		else
			x->r->cut++;
		if (x->o->max_runs && x->r->runs >= x->o->max_runs)
			x->stopped = true;
	}
}

/* ---- the entry point ---- */

static int cmp_class(const void *a, const void *b)
{
	const struct mv_explore_class *x = a, *y = b;
	if (x->outcome != y->outcome)
		return (int)x->outcome - (int)y->outcome;
	return strcmp(x->message ? x->message : "", y->message ? y->message : "");
}

static bool spec_has_sleep(const struct mv_world_spec *s)
{
	for (uint32_t i = 0; i < s->nworkers; i++)
		for (uint32_t k = 0; k < s->workers[i].prog.n; k++)
			if (s->workers[i].prog.instrs[k].kind == MV_I_SLEEP)
				return true;
	return false;
}

/* What one saved world costs, about. */
static uint64_t world_bytes(const struct mv_world *w)
{
	uint64_t n = w->race.n, b = sizeof *w + w->nworkers * sizeof *w->workers + (w->nlocks + 1) * sizeof *w->locks;
	b += (n * n + (uint64_t)(w->race.nlocks + w->race.nsignals) * n + 2 + 3 * (uint64_t)w->race.nmaps +
	      2 * (uint64_t)w->race.nmaps * n) * sizeof(uint32_t);
	for (uint32_t s = 0; s < w->nmaps; s++)
		b += sizeof w->maps[s] + w->maps[s].eng->model_bytes(&w->maps[s].u);
	if (w->sm)
		b += sizeof *w->sm + w->sm->eng->model_bytes(&w->sm->u);
	return b;
}

static void search_free(struct xp_search *x)
{
	for (uint32_t i = 0; i < x->nfree; i++) {
		mv_world_done(x->free[i]);
		free(x->free[i]);
	}
	free(x->free);
	free(x->frames);
	free(x->sleep);
	free(x->wit);
	free(x->kv.kv);
	free(x->base);
	free(x->basekv);
}

enum mv_status mv_explore(const struct mv_world *from, const struct mv_explore_opts *o,
                          struct mv_explore_result *r)
{
	memset(r, 0, sizeof *r);
	if (!from || !o || (unsigned)o->mode > MV_EXPLORE_RANDOM || (o->mode == MV_EXPLORE_RANDOM && !o->samples))
		return MV_EINVAL;
	r->mode = o->mode;
	double t0 = now_s();
	struct xp_search x;
	memset(&x, 0, sizeof x);
	x.o = o;
	x.r = r;
	x.max_depth = o->max_depth ? o->max_depth : 1000000;
	x.t0_ms = now_ms();
	x.last_progress_ms = x.t0_ms;
	x.clock_limit = MV_LOCK_STARVE_AFTER;
	for (uint32_t l = 0; l < from->nlocks; l++)
		if (from->locks[l].starve_after < x.clock_limit)
			x.clock_limit = from->locks[l].starve_after;
	x.no_reduce = o->mode != MV_EXPLORE_REDUCED || spec_has_sleep(from->spec);
	x.clock_readers = from->nlocks > 0 || from->sm;
	x.world_bytes = world_bytes(from);
	x.spec = from->spec;
	struct mv_world cur;
	if (mv_world_copy(&cur, from) != MV_OK) {
		mv_world_done(&cur);
		search_free(&x);
		return MV_ENOMEM;
	}
	mv_world_observe(&cur, NULL);
	if (o->mode == MV_EXPLORE_RANDOM) {
		sample(&x, from, &cur);
		r->complete = false;
	} else {
		dfs(&x, &cur);
		if (x.clock_hit && !x.stopped && o->mode == MV_EXPLORE_REDUCED && !x.no_reduce) {
			/* the clock could matter: search again with no reduction */
			uint64_t steps = r->steps;
			mv_explore_result_free(r);
			r->mode = o->mode;
			r->steps = steps;
			x.no_reduce = true;
			x.clock_hit = false;
			x.nwit = 0;
			mv_world_copy_into(&cur, from);
			dfs(&x, &cur);
		}
		r->covered = !x.stopped && !x.mem_cut;
		r->complete = r->covered && !r->cut;
	}
	mv_world_done(&cur);
	search_free(&x);
	if (r->nclasses > 1)
		qsort(r->classes, r->nclasses, sizeof *r->classes, cmp_class);
	r->seconds = now_s() - t0;
	return MV_OK;
}

void mv_explore_result_free(struct mv_explore_result *r)
{
	for (uint32_t i = 0; i < r->nclasses; i++)
		free(r->classes[i].shortest);
	free(r->classes);
	memset(r, 0, sizeof *r);
}

const struct mv_explore_class *mv_explore_find(const struct mv_explore_result *r, enum mv_outcome o)
{
	const struct mv_explore_class *best = NULL;
	for (uint32_t i = 0; i < r->nclasses; i++)
		if (r->classes[i].outcome == o && (!best || r->classes[i].nshortest < best->nshortest))
			best = &r->classes[i];
	return best;
}
