/*
 * Unit tests of engine/locks against go-map-semantics.md sections R, MU,
 * E6, A3 and the trace Go 1.19.8 produced (T7).  A tiny scheduler in this
 * file drives several workers: it steps one worker at a time, marks a
 * worker blocked when its step returns MV_LK_BLOCKED and runnable again
 * when another worker's step reports it in woken[].
 */
#include <stdlib.h>

#include "engine/locks/locks.h"
#include "unit.h"

#define NW 8
#define MAXEV 512

struct rec {
	enum mv_event_kind kind;
	uint32_t worker;
	int64_t n;
	int32_t other;
	const char *msg;
};

struct tw {
	struct mv_lock lk;
	struct mv_lock_op op[NW];
	bool busy[NW];    /* an op is in flight */
	bool blocked[NW]; /* asleep on a semaphore */
	uint64_t now;
	uint32_t cur;     /* the worker stepping */
	struct rec ev[MAXEV];
	uint32_t nev;
	uint32_t acq[64]; /* workers in the order they acquired */
	uint32_t nacq;
	uint32_t woke[64]; /* workers in the order they were woken */
	uint32_t nwoke;
	/* programs (tw_rr): see prog_op */
	const char *prog[NW];
	uint32_t pc[NW];
	uint32_t rng;
	uint32_t srng;     /* for scramble, apart from the schedule */
	/* mutual-exclusion bookkeeping from op results, not the lock's masks */
	int writers, readers;
	bool scramble;    /* scribble on display-only fields before each step */
};

static void on_event(void *ctx, const struct mv_event *e)
{
	struct tw *t = ctx;
	if (t->nev < MAXEV)
		t->ev[t->nev++] = (struct rec){e->kind, t->cur, e->n, e->other, e->msg};
	if (e->kind == MV_EV_LOCK_ACQUIRE && t->nacq < 64)
		t->acq[t->nacq++] = t->cur;
}

static void tw_init(struct tw *t, enum mv_lock_kind kind)
{
	memset(t, 0, sizeof *t);
	mv_lock_init(&t->lk, kind);
	t->rng = 1;
}

static uint32_t rnd(struct tw *t)
{
	t->rng = t->rng * 1103515245u + 12345u;
	return t->rng >> 16;
}

static void scramble(struct tw *t)
{
	struct mv_lock *lk = &t->lk;
	t->srng = t->srng * 1664525u + 1013904223u;
	uint64_t x = ((uint64_t)t->srng << 32) | (t->srng ^ 0x9E3779B9u);
	mv_lock_mutex(lk)->holder_mask = x;
	if (lk->kind == MV_LOCK_RWMUTEX) {
		lk->rw.readers_mask = ~x;
		lk->rw.writer_mask = x * 3;
		for (int i = 0; i < MV_LOCK_MAX_WAITERS; i++)
			lk->rw.read_holds[i] = (uint8_t)(x >> (i % 57));
	}
}

/* One step of worker w; applies wake-ups. */
static enum mv_lkres tw_step(struct tw *t, uint32_t w)
{
	uint32_t woken[MV_LOCK_MAX_WAITERS + 1], nwoken = 0;
	struct mv_sink sink = {on_event, t};
	ASSERT(t->busy[w]);
	ASSERT(!t->blocked[w]);
	if (t->scramble)
		scramble(t);
	t->cur = w;
	enum mv_lkres r = mv_lock_step(&t->lk, &t->op[w], w, t->now++, woken, &nwoken, &sink);
	ASSERT(nwoken <= 1);
	for (uint32_t i = 0; i < nwoken; i++) {
		ASSERT(woken[i] < NW);
		ASSERT(t->blocked[woken[i]]);
		ASSERT(!mv_lock_queued(&t->lk, woken[i]));
		t->blocked[woken[i]] = false;
		if (t->nwoke < 64)
			t->woke[t->nwoke++] = woken[i];
	}
	if (r == MV_LK_BLOCKED) {
		t->blocked[w] = true;
		ASSERT(mv_lock_queued(&t->lk, w));
	}
	if (r == MV_LK_DONE || r == MV_LK_FATAL)
		t->busy[w] = false;
	return r;
}

static void tw_start(struct tw *t, uint32_t w, enum mv_instr_kind kind)
{
	ASSERT(!t->busy[w]);
	mv_lock_op_init(&t->op[w], kind);
	t->busy[w] = true;
}

/* Step w until its op finishes or it sleeps. */
static enum mv_lkres tw_finish(struct tw *t, uint32_t w)
{
	enum mv_lkres r;
	while ((r = tw_step(t, w)) == MV_LK_MORE)
		;
	return r;
}

static enum mv_lkres tw_do(struct tw *t, uint32_t w, enum mv_instr_kind kind)
{
	tw_start(t, w, kind);
	return tw_finish(t, w);
}

static uint32_t count_events(const struct tw *t, enum mv_event_kind k)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < t->nev; i++)
		n += t->ev[i].kind == k;
	return n;
}

static const struct rec *last_event(const struct tw *t, enum mv_event_kind k)
{
	for (uint32_t i = t->nev; i-- > 0;)
		if (t->ev[i].kind == k)
			return &t->ev[i];
	return NULL;
}

/* ---- programs for the round-robin / random scheduler ----
 * L Lock, U Unlock, R RLock, u RUnlock, T TryLock, t TryRLock, '.' an idle
 * step.  After a failed Try*, everything up to its unlock is skipped. */

static bool prog_op(char ch, enum mv_instr_kind *k)
{
	switch (ch) {
	case 'L': *k = MV_I_LOCK; return true;
	case 'U': *k = MV_I_UNLOCK; return true;
	case 'R': *k = MV_I_RLOCK; return true;
	case 'u': *k = MV_I_RUNLOCK; return true;
	case 'T': *k = MV_I_TRYLOCK; return true;
	case 't': *k = MV_I_TRYRLOCK; return true;
	default: return false;
	}
}

static void check_exclusion(const struct tw *t)
{
	ASSERT(t->writers >= 0 && t->writers <= 1);
	ASSERT(t->readers >= 0);
	ASSERT(t->writers == 0 || t->readers == 0);
}

/* Whether w has something to do now. */
static bool tw_ready(const struct tw *t, uint32_t w)
{
	if (t->busy[w])
		return !t->blocked[w];
	return t->prog[w] && t->prog[w][t->pc[w]];
}

/* One scheduling step of w: start its next instruction if idle, else step
 * its op.  Tracks holders for check_exclusion. */
static void tw_tick(struct tw *t, uint32_t w)
{
	if (!t->busy[w]) {
		char ch = t->prog[w][t->pc[w]++];
		enum mv_instr_kind k;
		if (!prog_op(ch, &k))
			return; /* idle */
		tw_start(t, w, k);
		if (k == MV_I_UNLOCK)
			t->writers--; /* released from here on */
		if (k == MV_I_RUNLOCK)
			t->readers--;
	}
	enum mv_instr_kind k = t->op[w].kind;
	enum mv_lkres r = tw_step(t, w);
	ASSERT(r != MV_LK_FATAL);
	if (r == MV_LK_DONE) {
		bool ok = t->op[w].result;
		if ((k == MV_I_LOCK || k == MV_I_TRYLOCK) && ok)
			t->writers++;
		if ((k == MV_I_RLOCK || k == MV_I_TRYRLOCK) && ok)
			t->readers++;
		if ((k == MV_I_TRYLOCK || k == MV_I_TRYRLOCK) && !ok) {
			char unlock = k == MV_I_TRYLOCK ? 'U' : 'u';
			while (t->prog[w][t->pc[w]] && t->prog[w][t->pc[w]++] != unlock)
				; /* skip through its unlock */
		}
	}
	check_exclusion(t);
}

/* Run every program to its end; random picks if random, else round-robin.
 * Returns the steps taken; fails on a deadlock. */
static uint32_t tw_run(struct tw *t, bool random)
{
	uint32_t steps = 0, next = 0;
	for (;;) {
		uint32_t ready[NW], n = 0;
		for (uint32_t w = 0; w < NW; w++)
			if (tw_ready(t, w))
				ready[n++] = w;
		if (n == 0)
			break;
		uint32_t w;
		if (random) {
			w = ready[rnd(t) % n];
		} else {
			while (!tw_ready(t, next % NW))
				next++;
			w = next++ % NW;
		}
		tw_tick(t, w);
		ASSERT(++steps < 1000000);
	}
	for (uint32_t w = 0; w < NW; w++) {
		ASSERT(!t->busy[w]); /* nobody left asleep: no deadlock */
		ASSERT(!t->prog[w] || !t->prog[w][t->pc[w]]);
	}
	return steps;
}

static void assert_sema_idle(const struct mv_sema *s)
{
	ASSERT_EQ(s->count, 0);
	ASSERT_EQ(s->n, 0);
	ASSERT_EQ_U64(s->ticket, 0);
}

static void assert_quiescent(const struct mv_lock *lk)
{
	if (lk->kind == MV_LOCK_MUTEX) {
		ASSERT_EQ(lk->mu.state, 0);
		assert_sema_idle(&lk->mu.sema);
	} else {
		ASSERT_EQ(lk->rw.w.state, 0);
		ASSERT_EQ(lk->rw.reader_count, 0);
		ASSERT_EQ(lk->rw.reader_wait, 0);
		assert_sema_idle(&lk->rw.w.sema);
		assert_sema_idle(&lk->rw.reader_sem);
		assert_sema_idle(&lk->rw.writer_sem);
	}
}

/* ---- tests ---- */

static void phase_names(void)
{
	for (int i = 0; i < MV_LK_PH__COUNT; i++) {
		const char *a = mv_lk_phase_name((enum mv_lk_phase)i);
		ASSERT(a && *a && strcmp(a, "?") != 0);
		for (int j = 0; j < i; j++)
			ASSERT(strcmp(a, mv_lk_phase_name((enum mv_lk_phase)j)) != 0);
	}
	ASSERT_STR(mv_lk_phase_name(MV_LK_PH_FAST_CAS), "fast_cas");
	ASSERT_STR(mv_lk_phase_name(MV_LK_PH_SEM_ACQUIRE), "sem_acquire");
	ASSERT_STR(mv_lk_phase_name(MV_LK_PH_ADD_READER_COUNT), "add_reader_count");
	ASSERT_STR(mv_lk_phase_name(MV_LK_PH_WAIT_WRITER_SEM), "wait_writer_sem");
	ASSERT_STR(mv_lk_phase_name(MV_LK_PH__COUNT), "?");
	ASSERT_STR(mv_lkres_name(MV_LK_BLOCKED), "blocked");
}

/* MU2 fast path, MU3 fast path; events carry the lock index. */
static void mutex_uncontended(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_MUTEX);
	t.lk.index = 3;
	ASSERT_EQ(t.lk.starve_after, 1000);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(t.op[0].steps, 1);
	ASSERT_EQ(t.op[0].last, MV_LK_PH_FAST_CAS);
	ASSERT(t.op[0].result);
	ASSERT_EQ(t.lk.mu.state, MV_MUTEX_LOCKED);
	ASSERT_EQ_U64(t.lk.mu.holder_mask, 1);
	ASSERT_EQ(tw_do(&t, 0, MV_I_UNLOCK), MV_LK_DONE);
	ASSERT_EQ(t.op[0].steps, 1);
	ASSERT_EQ(t.lk.mu.state, 0);
	ASSERT_EQ_U64(t.lk.mu.holder_mask, 0);
	ASSERT_EQ(t.nev, 2);
	ASSERT_EQ(t.ev[0].kind, MV_EV_LOCK_ACQUIRE);
	ASSERT_EQ(t.ev[1].kind, MV_EV_LOCK_RELEASE);
	ASSERT_EQ(t.ev[0].n, 3);
	ASSERT_EQ(t.lk.acquisitions, 1);
	ASSERT_EQ(t.lk.contended, 0);
	/* R10/MU: no ownership — another worker may unlock */
	ASSERT_EQ(tw_do(&t, 1, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 2, MV_I_UNLOCK), MV_LK_DONE);
	assert_quiescent(&t.lk);
}

static void expect_fatal(struct tw *t, uint32_t w, enum mv_instr_kind k, const char *msg)
{
	ASSERT_EQ(tw_do(t, w, k), MV_LK_FATAL);
	ASSERT_STR(t->op[w].fatal, msg);
	ASSERT_EQ(t->op[w].phase, MV_LK_PH_DONE);
	const struct rec *e = last_event(t, MV_EV_FATAL);
	ASSERT(e != NULL);
	ASSERT_STR(e->msg, msg);
	ASSERT_EQ(e->worker, w);
	/* a finished op stays finished */
	ASSERT_EQ(mv_lock_step(&t->lk, &t->op[w], w, 0, NULL, NULL, NULL), MV_LK_FATAL);
}

/* E6, MU3, R5, R8, R11, T8: every misuse fatal with Go's exact text. */
static void misuse_fatals(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_MUTEX);
	expect_fatal(&t, 0, MV_I_UNLOCK, "sync: unlock of unlocked mutex");

	tw_init(&t, MV_LOCK_MUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 0, MV_I_UNLOCK), MV_LK_DONE);
	expect_fatal(&t, 0, MV_I_UNLOCK, "sync: unlock of unlocked mutex");
	ASSERT_EQ(count_events(&t, MV_EV_LOCK_RELEASE), 1);

	/* an unlocked mutex with a waiter queued (state 8, e.g. mid-handoff
	 * accounting) is still "unlocked" for Unlock */
	tw_init(&t, MV_LOCK_MUTEX);
	t.lk.mu.state = 1 << MV_MUTEX_WAITER_SHIFT;
	expect_fatal(&t, 0, MV_I_UNLOCK, "sync: unlock of unlocked mutex");

	tw_init(&t, MV_LOCK_RWMUTEX);
	expect_fatal(&t, 0, MV_I_RUNLOCK, "sync: RUnlock of unlocked RWMutex"); /* r+1 == 0 */

	tw_init(&t, MV_LOCK_RWMUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	expect_fatal(&t, 0, MV_I_RUNLOCK, "sync: RUnlock of unlocked RWMutex"); /* r+1 == -2^30 */

	tw_init(&t, MV_LOCK_RWMUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_RLOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 0, MV_I_RUNLOCK), MV_LK_DONE);
	expect_fatal(&t, 0, MV_I_RUNLOCK, "sync: RUnlock of unlocked RWMutex");

	tw_init(&t, MV_LOCK_RWMUTEX);
	expect_fatal(&t, 0, MV_I_UNLOCK, "sync: Unlock of unlocked RWMutex");
	ASSERT_EQ(t.op[0].steps, 1); /* retract_writer, before w.Unlock */

	tw_init(&t, MV_LOCK_RWMUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_RLOCK), MV_LK_DONE);
	expect_fatal(&t, 0, MV_I_UNLOCK, "sync: Unlock of unlocked RWMutex");

	tw_init(&t, MV_LOCK_RWMUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 0, MV_I_UNLOCK), MV_LK_DONE);
	expect_fatal(&t, 0, MV_I_UNLOCK, "sync: Unlock of unlocked RWMutex");
}

/* R11: RUnlock while write-locked with a queued reader is silently wrong. */
static void runlock_corrupts_silently(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_RWMUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 1, MV_I_RLOCK), MV_LK_BLOCKED);
	ASSERT_EQ(tw_do(&t, 2, MV_I_RUNLOCK), MV_LK_DONE);
	ASSERT_EQ(t.lk.rw.reader_wait, -1);
	ASSERT_EQ(t.lk.rw.reader_count, -MV_RW_MAX_READERS);
	ASSERT_EQ(count_events(&t, MV_EV_FATAL), 0);
}

/* Not an operation of a Mutex: a mapviz error, not one of Go's. */
static void bad_ops(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_MUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_RLOCK), MV_LK_FATAL);
	ASSERT(strncmp(t.op[0].fatal, "mapviz:", 7) == 0);
	ASSERT_EQ(tw_do(&t, 0, MV_I_STORE), MV_LK_FATAL);
	struct mv_lock_op op;
	mv_lock_op_init(&op, MV_I_LOCK);
	ASSERT_EQ(mv_lock_step(&t.lk, &op, MV_LOCK_MAX_WAITERS, 0, NULL, NULL, NULL), MV_LK_FATAL);
	ASSERT_EQ(t.lk.mu.state, 0);
}

/* T7, step by step. */
static void t7_trace(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_RWMUTEX);
	struct mv_rwmutex *rw = &t.lk.rw;

	ASSERT_EQ(tw_do(&t, 0, MV_I_RLOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 1, MV_I_RLOCK), MV_LK_DONE);
	ASSERT_EQ(rw->reader_count, 2);
	ASSERT_EQ_U64(rw->readers_mask, 3);

	/* writer pending */
	ASSERT_EQ(tw_do(&t, 2, MV_I_LOCK), MV_LK_BLOCKED);
	ASSERT_EQ(rw->reader_count, -1073741822);
	ASSERT_EQ(rw->reader_wait, 2);
	ASSERT_EQ(rw->w.state, 1); /* w locked */
	ASSERT_EQ(t.op[2].phase, MV_LK_PH_WAIT_WRITER_SEM);
	ASSERT_EQ(rw->writer_sem.n, 1);
	ASSERT_EQ(rw->writer_sem.q[0], 2);

	/* a new reader blocks */
	ASSERT_EQ(tw_do(&t, 3, MV_I_RLOCK), MV_LK_BLOCKED);
	ASSERT_EQ(rw->reader_count, -1073741821);
	ASSERT_EQ(t.op[3].phase, MV_LK_PH_WAIT_READER_SEM);

	ASSERT_EQ(tw_do(&t, 4, MV_I_TRYRLOCK), MV_LK_DONE);
	ASSERT(!t.op[4].result);
	ASSERT_EQ(rw->reader_count, -1073741821);

	/* second writer queues on w */
	ASSERT_EQ(tw_do(&t, 5, MV_I_LOCK), MV_LK_BLOCKED);
	ASSERT_EQ(rw->w.state, 9);
	ASSERT_EQ(t.op[5].phase, MV_LK_PH_SEM_WAIT);

	ASSERT_EQ(tw_do(&t, 0, MV_I_RUNLOCK), MV_LK_DONE);
	ASSERT_EQ(rw->reader_wait, 1);
	ASSERT(t.blocked[2]);
	ASSERT_EQ(tw_do(&t, 1, MV_I_RUNLOCK), MV_LK_DONE);
	ASSERT_EQ(rw->reader_wait, 0);
	ASSERT_EQ(t.nwoke, 1);
	ASSERT_EQ(t.woke[0], 2);

	/* the writer runs: its next step completes the semacquire */
	ASSERT_EQ(tw_step(&t, 2), MV_LK_DONE);
	ASSERT_EQ(t.op[2].last, MV_LK_PH_WAIT_WRITER_SEM);
	ASSERT(t.op[2].result);
	ASSERT_EQ_U64(rw->writer_mask, 1u << 2);
	ASSERT_EQ(rw->writer_sem.count, 0);

	/* Unlock: wakes the queued reader, then w.Unlock wakes writer 2 */
	ASSERT_EQ(tw_do(&t, 2, MV_I_UNLOCK), MV_LK_DONE);
	ASSERT_EQ(t.nwoke, 3);
	ASSERT_EQ(t.woke[1], 3);
	ASSERT_EQ(t.woke[2], 5);
	ASSERT_EQ(rw->reader_count, 1);
	ASSERT_EQ(rw->w.state, MV_MUTEX_WOKEN);

	ASSERT_EQ(tw_finish(&t, 3), MV_LK_DONE); /* the queued reader runs */
	ASSERT(t.op[3].result);
	ASSERT_EQ(tw_finish(&t, 5), MV_LK_BLOCKED); /* writer 2 waits for it */
	ASSERT_EQ(rw->reader_wait, 1);
	ASSERT_EQ(rw->w.state, 1);
	ASSERT_EQ(tw_do(&t, 3, MV_I_RUNLOCK), MV_LK_DONE);
	ASSERT_EQ(tw_finish(&t, 5), MV_LK_DONE); /* then writer 2 */
	ASSERT_EQ(tw_do(&t, 5, MV_I_UNLOCK), MV_LK_DONE);

	ASSERT_EQ(rw->reader_count, 0);
	ASSERT_EQ(rw->reader_wait, 0);
	assert_quiescent(&t.lk);
	static const uint32_t order[] = {0, 1, 2, 3, 5};
	ASSERT_EQ(t.nacq, 5);
	for (uint32_t i = 0; i < 5; i++)
		ASSERT_EQ(t.acq[i], order[i]);
	ASSERT_EQ(t.lk.acquisitions, 2);
	ASSERT_EQ(t.lk.read_acquisitions, 3);
	ASSERT_EQ(t.lk.contended, 3);
	ASSERT_EQ(t.lk.waits, 4); /* 2 writerSem, 3 readerSem, 5 w.sema then writerSem */
	ASSERT_EQ(count_events(&t, MV_EV_LOCK_WAIT), 4);
	ASSERT_EQ_U64(rw->readers_mask, 0);
	ASSERT_EQ_U64(rw->writer_mask, 0);
}

/* R6.2/R6.3 at step granularity: readerCount is negative before the writer
 * sleeps. */
static void announce_before_sleep(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_RWMUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_RLOCK), MV_LK_DONE);
	tw_start(&t, 1, MV_I_LOCK);
	ASSERT_EQ(tw_step(&t, 1), MV_LK_MORE);
	ASSERT_EQ(t.op[1].last, MV_LK_PH_FAST_CAS);
	ASSERT_EQ(t.lk.rw.reader_count, 1);
	ASSERT_EQ(tw_step(&t, 1), MV_LK_MORE);
	ASSERT_EQ(t.op[1].last, MV_LK_PH_ANNOUNCE_WRITER);
	ASSERT_EQ(t.lk.rw.reader_count, 1 - MV_RW_MAX_READERS);
	ASSERT_EQ(t.op[1].r, 1);
	ASSERT_EQ(t.lk.rw.reader_wait, 0);
	ASSERT(!mv_lock_queued(&t.lk, 1));
	ASSERT_EQ(tw_step(&t, 1), MV_LK_MORE);
	ASSERT_EQ(t.op[1].last, MV_LK_PH_ADD_READER_WAIT);
	ASSERT_EQ(t.lk.rw.reader_wait, 1);
	ASSERT_EQ(tw_step(&t, 1), MV_LK_BLOCKED);
	ASSERT_EQ(t.op[1].last, MV_LK_PH_ACQUIRE_WRITER_SEM);
	ASSERT(mv_lock_queued(&t.lk, 1));
	ASSERT_EQ(t.op[1].steps, 4);
}

/* R6: the reader leaves between R6.2 and R6.3; readerWait goes to -1 and
 * the writer does not sleep. */
static void reader_leaves_before_writer_waits(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_RWMUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_RLOCK), MV_LK_DONE);
	tw_start(&t, 1, MV_I_LOCK);
	ASSERT_EQ(tw_step(&t, 1), MV_LK_MORE); /* fast_cas */
	ASSERT_EQ(tw_step(&t, 1), MV_LK_MORE); /* announce_writer */
	ASSERT_EQ(tw_do(&t, 0, MV_I_RUNLOCK), MV_LK_DONE);
	ASSERT_EQ(t.lk.rw.reader_wait, -1);
	ASSERT_EQ(t.nwoke, 0);
	ASSERT_EQ(tw_step(&t, 1), MV_LK_DONE); /* add_reader_wait: 0 */
	ASSERT_EQ(t.lk.rw.reader_wait, 0);
	ASSERT(t.op[1].result);
	ASSERT(!t.op[1].parked);
	ASSERT_EQ(tw_do(&t, 1, MV_I_UNLOCK), MV_LK_DONE);
	assert_quiescent(&t.lk);
}

/* A3, R11: RLock then Lock in one worker sleeps forever with readerWait 1. */
static void rlock_then_lock_blocks_forever(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_RWMUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_RLOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_BLOCKED);
	ASSERT_EQ(t.lk.rw.reader_wait, 1);
	ASSERT_EQ(t.lk.rw.reader_count, 1 - MV_RW_MAX_READERS);
	ASSERT(mv_lock_queued(&t.lk, 0));
	ASSERT_EQ(count_events(&t, MV_EV_FATAL), 0);
	/* stepping it anyway changes nothing: still asleep */
	struct mv_lock before = t.lk;
	struct mv_lock_op opb = t.op[0];
	uint32_t woken[2], nwoken = 0;
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(mv_lock_step(&t.lk, &t.op[0], 0, 99, woken, &nwoken, NULL), MV_LK_BLOCKED);
	ASSERT_EQ(nwoken, 0);
	ASSERT(memcmp(&before, &t.lk, sizeof before) == 0);
	ASSERT(memcmp(&opb, &t.op[0], sizeof opb) == 0);
}

/* R11: Lock then Lock, Lock then RLock; Mutex Lock then Lock. */
static void relock_blocks(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_MUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_BLOCKED);
	ASSERT_EQ(t.lk.mu.state, 1 + (1 << MV_MUTEX_WAITER_SHIFT));

	tw_init(&t, MV_LOCK_RWMUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_BLOCKED);
	ASSERT_EQ(t.op[0].phase, MV_LK_PH_SEM_WAIT); /* on w's semaphore */
	ASSERT_EQ(t.lk.rw.w.state, 9);

	tw_init(&t, MV_LOCK_RWMUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 0, MV_I_RLOCK), MV_LK_BLOCKED);
	ASSERT_EQ(t.op[0].phase, MV_LK_PH_WAIT_READER_SEM);
	ASSERT_EQ(t.lk.rw.reader_count, 1 - MV_RW_MAX_READERS);
}

/* R9: a reader arriving while a writer waits blocks although only readers
 * hold the lock; the writer goes first. */
static void writer_preference(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_RWMUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_RLOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 1, MV_I_LOCK), MV_LK_BLOCKED);
	ASSERT_EQ(tw_do(&t, 2, MV_I_RLOCK), MV_LK_BLOCKED);
	ASSERT_EQ(tw_do(&t, 3, MV_I_TRYRLOCK), MV_LK_DONE);
	ASSERT(!t.op[3].result);
	ASSERT_EQ_U64(t.lk.rw.readers_mask, 1); /* only reader 0 holds it */
	ASSERT_EQ(tw_do(&t, 0, MV_I_RUNLOCK), MV_LK_DONE);
	ASSERT(!t.blocked[1]);
	ASSERT(t.blocked[2]);
	ASSERT_EQ(tw_finish(&t, 1), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 1, MV_I_UNLOCK), MV_LK_DONE);
	ASSERT(!t.blocked[2]);
	ASSERT_EQ(tw_finish(&t, 2), MV_LK_DONE);
	ASSERT_EQ(t.lk.rw.reader_count, 1);
	ASSERT_EQ(t.nacq, 3);
	ASSERT_EQ(t.acq[1], 1);
	ASSERT_EQ(t.acq[2], 2);
}

/* R8: Unlock releases readerSem once per queued reader, in FIFO order
 * (R12), one step each, then runs w.Unlock. */
static void unlock_wakes_all_readers(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_RWMUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	for (uint32_t w = 1; w <= 3; w++)
		ASSERT_EQ(tw_do(&t, w, MV_I_RLOCK), MV_LK_BLOCKED);
	ASSERT_EQ(t.lk.rw.reader_count, 3 - MV_RW_MAX_READERS);
	ASSERT_EQ(tw_do(&t, 0, MV_I_UNLOCK), MV_LK_DONE);
	ASSERT_EQ(t.op[0].steps, 1 + 3 + 1);
	ASSERT_EQ(t.nwoke, 3);
	for (uint32_t i = 0; i < 3; i++)
		ASSERT_EQ(t.woke[i], i + 1);
	ASSERT_EQ(t.lk.rw.reader_sem.count, 3);
	for (uint32_t w = 3; w >= 1; w--)
		ASSERT_EQ(tw_finish(&t, w), MV_LK_DONE);
	ASSERT_EQ(t.lk.rw.reader_sem.count, 0);
	ASSERT_EQ(t.lk.rw.reader_count, 3);
	ASSERT_EQ_U64(t.lk.rw.readers_mask, 0xE);
}

/* MU4, R4, R7. */
static void try_locks(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_MUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_TRYLOCK), MV_LK_DONE);
	ASSERT(t.op[0].result);
	ASSERT_EQ(t.op[0].steps, 2);
	ASSERT_EQ(t.lk.mu.state, 1);
	ASSERT_EQ(tw_do(&t, 1, MV_I_TRYLOCK), MV_LK_DONE);
	ASSERT(!t.op[1].result);
	ASSERT_EQ(t.op[1].steps, 1);
	ASSERT_EQ(tw_do(&t, 0, MV_I_UNLOCK), MV_LK_DONE);
	/* MU4: a CAS that loses is not retried */
	tw_start(&t, 1, MV_I_TRYLOCK);
	ASSERT_EQ(tw_step(&t, 1), MV_LK_MORE); /* trylock_load sees 0 */
	ASSERT_EQ(tw_do(&t, 2, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(tw_step(&t, 1), MV_LK_DONE);
	ASSERT(!t.op[1].result);
	ASSERT_EQ(t.lk.acquisitions, 2);

	tw_init(&t, MV_LOCK_RWMUTEX);
	struct mv_rwmutex *rw = &t.lk.rw;
	ASSERT_EQ(tw_do(&t, 0, MV_I_TRYLOCK), MV_LK_DONE);
	ASSERT(t.op[0].result);
	ASSERT_EQ(rw->reader_count, -MV_RW_MAX_READERS);
	ASSERT_EQ(rw->w.state, 1);
	ASSERT_EQ(tw_do(&t, 1, MV_I_TRYRLOCK), MV_LK_DONE);
	ASSERT(!t.op[1].result);
	ASSERT_EQ(tw_do(&t, 1, MV_I_TRYLOCK), MV_LK_DONE); /* w.TryLock fails */
	ASSERT(!t.op[1].result);
	ASSERT_EQ(t.op[1].steps, 1);
	ASSERT_EQ(tw_do(&t, 0, MV_I_UNLOCK), MV_LK_DONE);
	assert_quiescent(&t.lk);

	ASSERT_EQ(tw_do(&t, 2, MV_I_TRYRLOCK), MV_LK_DONE);
	ASSERT(t.op[2].result);
	ASSERT_EQ(rw->reader_count, 1);
	/* R7: w.TryLock succeeds, the CAS 0 -> -2^30 fails, w.Unlock */
	tw_start(&t, 3, MV_I_TRYLOCK);
	static const enum mv_lk_phase ph[] = {MV_LK_PH_TRYLOCK_LOAD, MV_LK_PH_TRYLOCK_CAS,
					      MV_LK_PH_TRYLOCK_ANNOUNCE, MV_LK_PH_UNLOCK_ADD};
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(tw_step(&t, 3), i == 3 ? MV_LK_DONE : MV_LK_MORE);
		ASSERT_EQ(t.op[3].last, ph[i]);
		if (i == 2)
			ASSERT_EQ(rw->w.state, 1);
	}
	ASSERT(!t.op[3].result);
	ASSERT_EQ(rw->w.state, 0);
	ASSERT_EQ(rw->reader_count, 1);
	ASSERT_EQ(tw_do(&t, 4, MV_I_TRYRLOCK), MV_LK_DONE);
	ASSERT(t.op[4].result);
	ASSERT_EQ(rw->reader_count, 2);
	/* R4: the CAS that loses retries */
	tw_start(&t, 5, MV_I_TRYRLOCK);
	ASSERT_EQ(tw_step(&t, 5), MV_LK_MORE);
	ASSERT_EQ(tw_do(&t, 2, MV_I_RUNLOCK), MV_LK_DONE);
	ASSERT_EQ(tw_step(&t, 5), MV_LK_MORE); /* CAS fails */
	ASSERT_EQ(t.op[5].phase, MV_LK_PH_TRYRLOCK_LOAD);
	ASSERT_EQ(tw_finish(&t, 5), MV_LK_DONE);
	ASSERT(t.op[5].result);
	ASSERT_EQ(rw->reader_count, 2);
	ASSERT_EQ(t.lk.acquisitions, 1);
	ASSERT_EQ(t.lk.read_acquisitions, 3);
}

/* MU2, R12: in normal mode without newcomers, waiters get the mutex in the
 * order they queued. */
static void mutex_fifo(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_MUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	for (uint32_t w = 1; w <= 3; w++)
		ASSERT_EQ(tw_do(&t, w, MV_I_LOCK), MV_LK_BLOCKED);
	ASSERT_EQ(t.lk.mu.state, 1 + (3 << MV_MUTEX_WAITER_SHIFT));
	ASSERT_EQ(t.lk.mu.sema.n, 3);
	for (uint32_t i = 0; i < 3; i++)
		ASSERT_EQ(t.lk.mu.sema.q[i], i + 1);
	t.prog[0] = "U";
	t.prog[1] = t.prog[2] = t.prog[3] = "U";
	t.writers = 1; /* worker 0 */
	tw_run(&t, false);
	ASSERT_EQ(t.nacq, 4);
	for (uint32_t i = 0; i < 4; i++)
		ASSERT_EQ(t.acq[i], i);
	ASSERT_EQ(count_events(&t, MV_EV_LOCK_HANDOFF), 0);
	ASSERT_EQ(t.lk.contended, 3);
	assert_quiescent(&t.lk);
}

/* MU2, MU5: a newcomer barges past the woken waiter, which queues again at
 * the head (LIFO). */
static void mutex_barging_requeues_lifo(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_MUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 1, MV_I_LOCK), MV_LK_BLOCKED);
	ASSERT_EQ(tw_do(&t, 2, MV_I_LOCK), MV_LK_BLOCKED);
	ASSERT_EQ(t.lk.mu.state, 17);
	ASSERT_EQ(tw_do(&t, 0, MV_I_UNLOCK), MV_LK_DONE);
	ASSERT_EQ(t.woke[0], 1);
	ASSERT_EQ(t.lk.mu.state, 8 | MV_MUTEX_WOKEN);
	ASSERT_EQ(tw_do(&t, 4, MV_I_LOCK), MV_LK_DONE); /* barges */
	ASSERT_EQ(t.lk.mu.state, 11);
	ASSERT_EQ(tw_finish(&t, 1), MV_LK_BLOCKED);
	ASSERT_EQ(t.lk.mu.state, 17); /* woken cleared, waiter re-added */
	ASSERT(t.op[1].awoke);
	ASSERT(t.op[1].lifo);
	ASSERT_EQ(t.lk.mu.sema.n, 2);
	ASSERT_EQ(t.lk.mu.sema.q[0], 1); /* at the head */
	ASSERT_EQ(t.lk.mu.sema.q[1], 2);
	ASSERT_EQ(tw_do(&t, 4, MV_I_UNLOCK), MV_LK_DONE);
	ASSERT_EQ(t.woke[1], 1);
}

/* R12: a woken waiter whose count was taken by a newcomer sleeps again. */
static void woken_waiter_requeues_when_count_taken(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_MUTEX);
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 1, MV_I_LOCK), MV_LK_BLOCKED);
	ASSERT_EQ(tw_do(&t, 0, MV_I_UNLOCK), MV_LK_DONE);
	ASSERT_EQ(t.lk.mu.state, MV_MUTEX_WOKEN);
	ASSERT_EQ(t.lk.mu.sema.count, 1);
	ASSERT(!t.blocked[1]);
	ASSERT_EQ(tw_do(&t, 2, MV_I_LOCK), MV_LK_DONE); /* barges: state 3 */
	/* 3 adds itself as a waiter, and its semacquire finds the count */
	tw_start(&t, 3, MV_I_LOCK);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(tw_step(&t, 3), MV_LK_MORE); /* fast_cas, load_state, slow_cas */
	ASSERT_EQ(t.lk.mu.state, 11);
	ASSERT_EQ(tw_step(&t, 3), MV_LK_MORE);     /* sem_acquire: takes it */
	ASSERT_EQ(t.op[3].last, MV_LK_PH_SEM_ACQUIRE);
	ASSERT_EQ(t.lk.mu.sema.count, 0);
	ASSERT_EQ(tw_finish(&t, 3), MV_LK_BLOCKED); /* woke_load, slow_cas, sleeps */
	ASSERT_EQ(t.lk.mu.state, 17);
	/* 1 was woken, but the count is gone: it sleeps again, at the tail */
	ASSERT_EQ(tw_step(&t, 1), MV_LK_BLOCKED);
	ASSERT_EQ(t.op[1].last, MV_LK_PH_SEM_WAIT);
	ASSERT_EQ(t.lk.mu.sema.n, 2);
	ASSERT_EQ(t.lk.mu.sema.q[0], 3);
	ASSERT_EQ(t.lk.mu.sema.q[1], 1);
	ASSERT_EQ(t.lk.waits, 3);
	t.prog[2] = "U";
	t.prog[3] = "U";
	t.prog[1] = "U";
	t.writers = 1; /* worker 2 */
	tw_run(&t, false);
	assert_quiescent(&t.lk);
	ASSERT_EQ(t.acq[t.nacq - 2], 3);
	ASSERT_EQ(t.acq[t.nacq - 1], 1);
}

/* MU2, MU3, MU5: starvation mode after the threshold, FIFO handoff, and
 * leaving it when a waiter waited less than the threshold. */
static void mutex_starvation(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_MUTEX);
	t.lk.starve_after = 50;
	struct mv_mutex *m = &t.lk.mu;
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 1, MV_I_LOCK), MV_LK_BLOCKED);
	t.now += 1000; /* worker 1 waits long */
	ASSERT_EQ(tw_do(&t, 0, MV_I_UNLOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 2, MV_I_LOCK), MV_LK_DONE); /* barges */
	ASSERT_EQ(tw_finish(&t, 1), MV_LK_BLOCKED);     /* starving now */
	ASSERT(t.op[1].starving);
	ASSERT_EQ(m->state, MV_MUTEX_LOCKED | MV_MUTEX_STARVING | 8);
	ASSERT_EQ(m->sema.q[0], 1);

	/* starvation mode: newcomers queue at the tail, TryLock fails */
	ASSERT_EQ(tw_do(&t, 3, MV_I_LOCK), MV_LK_BLOCKED);
	ASSERT_EQ(m->state, MV_MUTEX_LOCKED | MV_MUTEX_STARVING | 16);
	ASSERT_EQ(m->sema.q[1], 3);

	/* Unlock hands the mutex to the head */
	ASSERT_EQ(tw_do(&t, 2, MV_I_UNLOCK), MV_LK_DONE);
	ASSERT_EQ(t.op[2].last, MV_LK_PH_SEM_HANDOFF);
	ASSERT(t.op[2].yield);
	ASSERT_EQ(m->state, MV_MUTEX_STARVING | 16); /* not locked, yet owned */
	const struct rec *h = last_event(&t, MV_EV_LOCK_HANDOFF);
	ASSERT(h != NULL);
	ASSERT_EQ(h->other, 1);
	ASSERT_EQ(h->worker, 2);
	ASSERT_EQ(t.lk.handoffs, 1);
	ASSERT_EQ(m->sema.count, 0);
	ASSERT_EQ_U64(m->sema.ticket, 1u << 1);

	ASSERT_EQ(tw_do(&t, 4, MV_I_TRYLOCK), MV_LK_DONE);
	ASSERT(!t.op[4].result); /* MU4: starving */
	ASSERT_EQ(tw_do(&t, 5, MV_I_LOCK), MV_LK_BLOCKED); /* no barging */
	ASSERT_EQ(m->state, MV_MUTEX_STARVING | 24);
	ASSERT_EQ(m->sema.q[1], 5);

	/* 1 takes over: waited long, 3 waiters: stays starving */
	ASSERT_EQ(tw_step(&t, 1), MV_LK_MORE);
	ASSERT_EQ(t.op[1].last, MV_LK_PH_SEM_WAIT);
	ASSERT_EQ_U64(m->sema.ticket, 0);
	ASSERT_EQ(tw_step(&t, 1), MV_LK_MORE);
	ASSERT_EQ(t.op[1].last, MV_LK_PH_WOKE_LOAD);
	ASSERT_EQ(tw_step(&t, 1), MV_LK_DONE);
	ASSERT_EQ(t.op[1].last, MV_LK_PH_TAKE_HANDOFF);
	ASSERT_EQ(m->state, MV_MUTEX_LOCKED | MV_MUTEX_STARVING | 16);
	ASSERT_EQ_U64(m->holder_mask, 1u << 1);

	/* 1 unlocks: handoff to 3, which waited < 50 steps: normal mode */
	ASSERT_EQ(tw_do(&t, 1, MV_I_UNLOCK), MV_LK_DONE);
	h = last_event(&t, MV_EV_LOCK_HANDOFF);
	ASSERT_EQ(h->other, 3);
	ASSERT_EQ(tw_finish(&t, 3), MV_LK_DONE);
	ASSERT(!t.op[3].starving);
	ASSERT_EQ(m->state, MV_MUTEX_LOCKED | 8);

	/* normal mode again: Unlock wakes 5 without handoff */
	ASSERT_EQ(tw_do(&t, 3, MV_I_UNLOCK), MV_LK_DONE);
	ASSERT_EQ(t.op[3].last, MV_LK_PH_SEM_RELEASE);
	ASSERT(!t.op[3].yield);
	ASSERT_EQ(tw_finish(&t, 5), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 5, MV_I_UNLOCK), MV_LK_DONE);
	assert_quiescent(&t.lk);

	static const uint32_t order[] = {0, 2, 1, 3, 5};
	ASSERT_EQ(t.nacq, 5);
	for (uint32_t i = 0; i < 5; i++)
		ASSERT_EQ(t.acq[i], order[i]);
	ASSERT_EQ(t.lk.handoffs, 2);
	ASSERT_EQ(count_events(&t, MV_EV_LOCK_HANDOFF), 2);
}

/* MU5: the last waiter leaves starvation mode even if it waited long. */
static void starvation_ends_with_last_waiter(void)
{
	struct tw t;
	tw_init(&t, MV_LOCK_MUTEX);
	t.lk.starve_after = 5;
	ASSERT_EQ(tw_do(&t, 0, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 1, MV_I_LOCK), MV_LK_BLOCKED);
	t.now += 100;
	ASSERT_EQ(tw_do(&t, 0, MV_I_UNLOCK), MV_LK_DONE);
	ASSERT_EQ(tw_do(&t, 2, MV_I_LOCK), MV_LK_DONE);
	ASSERT_EQ(tw_finish(&t, 1), MV_LK_BLOCKED);
	ASSERT_EQ(t.lk.mu.state, 13);
	t.now += 100;
	ASSERT_EQ(tw_do(&t, 2, MV_I_UNLOCK), MV_LK_DONE);
	ASSERT_EQ(t.lk.mu.state, 12);
	ASSERT_EQ(tw_finish(&t, 1), MV_LK_DONE);
	ASSERT(t.op[1].starving);
	ASSERT_EQ(t.lk.mu.state, MV_MUTEX_LOCKED);
	ASSERT_EQ(tw_do(&t, 1, MV_I_UNLOCK), MV_LK_DONE);
	assert_quiescent(&t.lk);
}

/* Random programs under random schedules: mutual exclusion holds, nobody
 * is left asleep, and the lock ends at its zero value. */
static const char *const rw_chunks[] = {"L..U", "R..u", "T.U", "t.u", "R.u", "L.U"};
/* (no recursive RLock: with a writer in between it deadlocks, R9) */
static const char *const mu_chunks[] = {"L..U", "T.U", "LU", "T..U"};

static void random_programs(struct tw *t, char progs[NW][64], bool rw, uint32_t nworkers)
{
	const char *const *chunks = rw ? rw_chunks : mu_chunks;
	uint32_t nchunks = rw ? 6 : 4;
	for (uint32_t w = 0; w < nworkers; w++) {
		progs[w][0] = 0;
		for (int i = 0; i < 5; i++)
			strcat(progs[w], chunks[rnd(t) % nchunks]);
		t->prog[w] = progs[w];
	}
}

static void stress(enum mv_lock_kind kind, uint64_t starve_after)
{
	for (uint32_t seed = 1; seed <= 300; seed++) {
		struct tw t;
		char progs[NW][64];
		tw_init(&t, kind);
		t.rng = seed;
		t.lk.starve_after = starve_after;
		random_programs(&t, progs, kind == MV_LOCK_RWMUTEX, NW);
		tw_run(&t, true);
		assert_quiescent(&t.lk);
		ASSERT_EQ(t.writers, 0);
		ASSERT_EQ(t.readers, 0);
		ASSERT_EQ(count_events(&t, MV_EV_FATAL), 0);
	}
}

static void stress_rwmutex(void)
{
	stress(MV_LOCK_RWMUTEX, 1000);
	stress(MV_LOCK_RWMUTEX, 3);
}

static void stress_mutex(void)
{
	stress(MV_LOCK_MUTEX, 1000);
	stress(MV_LOCK_MUTEX, 2); /* starvation mode often */
}

/* The lock and ops are plain data: a memcpy'd copy replays exactly, and
 * the display-only fields never change what happens. */
static void copy_replays_and_masks_are_display_only(void)
{
	for (int kind = 0; kind < 2; kind++) {
		for (uint32_t seed = 1; seed <= 50; seed++) {
			struct tw *a = malloc(sizeof *a), *b = malloc(sizeof *b), *c = malloc(sizeof *c);
			ASSERT(a && b && c);
			char progs[NW][64];
			tw_init(a, (enum mv_lock_kind)kind);
			a->rng = seed;
			a->lk.starve_after = 4;
			random_programs(a, progs, kind == MV_LOCK_RWMUTEX, NW);
			/* run a part, then copy */
			for (int i = 0; i < 40; i++) {
				uint32_t ready[NW], n = 0;
				for (uint32_t w = 0; w < NW; w++)
					if (tw_ready(a, w))
						ready[n++] = w;
				if (!n)
					break;
				tw_tick(a, ready[rnd(a) % n]);
			}
			memcpy(b, a, sizeof *a);
			memcpy(c, a, sizeof *a);
			c->scramble = true;
			tw_run(a, true);
			tw_run(b, true);
			tw_run(c, true);
			ASSERT(memcmp(&a->lk, &b->lk, sizeof a->lk) == 0);
			ASSERT_EQ(a->nev, b->nev);
			ASSERT_EQ(a->nev, c->nev);
			for (uint32_t i = 0; i < a->nev; i++) {
				ASSERT_EQ(a->ev[i].kind, c->ev[i].kind);
				ASSERT_EQ(a->ev[i].worker, c->ev[i].worker);
				ASSERT_EQ(a->ev[i].other, c->ev[i].other);
			}
			ASSERT_EQ(a->nacq, c->nacq);
			ASSERT(memcmp(a->acq, c->acq, sizeof a->acq) == 0);
			ASSERT_EQ(a->lk.waits, c->lk.waits);
			ASSERT_EQ(a->lk.handoffs, c->lk.handoffs);
			assert_quiescent(&c->lk);
			free(a);
			free(b);
			free(c);
		}
	}
}

/* mv_lock_run: whole operations; sinks may be NULL. */
static void run_convenience(void)
{
	struct mv_lock lk;
	struct mv_lock_op op;
	uint32_t woken[MV_LOCK_MAX_WAITERS + 1], nwoken = 0;
	mv_lock_init(&lk, MV_LOCK_RWMUTEX);
	mv_lock_op_init(&op, MV_I_RLOCK);
	ASSERT_EQ(mv_lock_run(&lk, &op, 0, 0, woken, &nwoken, NULL), MV_LK_DONE);
	mv_lock_op_init(&op, MV_I_LOCK);
	ASSERT_EQ(mv_lock_run(&lk, &op, 1, 0, woken, &nwoken, NULL), MV_LK_BLOCKED);
	struct mv_lock_op op2;
	mv_lock_op_init(&op2, MV_I_RUNLOCK);
	ASSERT_EQ(mv_lock_run(&lk, &op2, 0, 0, woken, &nwoken, NULL), MV_LK_DONE);
	ASSERT_EQ(nwoken, 1);
	ASSERT_EQ(woken[0], 1);
	ASSERT_EQ(mv_lock_run(&lk, &op, 1, 0, woken, &nwoken, NULL), MV_LK_DONE);
	ASSERT(op.result);
	mv_lock_op_init(&op, MV_I_UNLOCK);
	ASSERT_EQ(mv_lock_run(&lk, &op, 1, 0, NULL, NULL, NULL), MV_LK_DONE);
	assert_quiescent(&lk);
}

const struct unit_test locks_tests[] = {
	UNIT(phase_names),
	UNIT(mutex_uncontended),
	UNIT(misuse_fatals),
	UNIT(runlock_corrupts_silently),
	UNIT(bad_ops),
	UNIT(t7_trace),
	UNIT(announce_before_sleep),
	UNIT(reader_leaves_before_writer_waits),
	UNIT(rlock_then_lock_blocks_forever),
	UNIT(relock_blocks),
	UNIT(writer_preference),
	UNIT(unlock_wakes_all_readers),
	UNIT(try_locks),
	UNIT(mutex_fifo),
	UNIT(mutex_barging_requeues_lifo),
	UNIT(woken_waiter_requeues_when_count_taken),
	UNIT(mutex_starvation),
	UNIT(starvation_ends_with_last_waiter),
	UNIT(stress_rwmutex),
	UNIT(stress_mutex),
	UNIT(copy_replays_and_masks_are_display_only),
	UNIT(run_convenience),
	{0},
};
