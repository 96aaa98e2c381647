/*
 * locks: sync.Mutex and sync.RWMutex of Go 1.19 as resumable step machines;
 * see locks.h for the contract.  Rule numbers refer to go-map-semantics.md.
 *
 * Each phase function does what Go does between two accesses to shared
 * memory, then names the next phase.  Nothing is kept on the C stack across
 * calls: Go's locals live in struct mv_lock_op.  Go's int32 atomics wrap,
 * so all arithmetic on state, readerCount and readerWait wraps too.
 *
 * Display-only fields (holder_mask, readers_mask, writer_mask, read_holds)
 * are written here but never read to decide anything.
 */
#include "engine/locks/locks.h"

#include <string.h>

static const char *const phase_names[] = {
#define MV_LK_PHASE_NAME(name, str) str,
	MV_LK_PHASE_MAP(MV_LK_PHASE_NAME)
#undef MV_LK_PHASE_NAME
};

static const char *const res_names[] = {"more", "blocked", "done", "fatal"};

const char *mv_lk_phase_name(enum mv_lk_phase p)
{
	return (unsigned)p < MV_LK_PH__COUNT ? phase_names[p] : "?";
}

const char *mv_lkres_name(enum mv_lkres r)
{
	return (unsigned)r < sizeof res_names / sizeof res_names[0] ? res_names[r] : "?";
}

/* E6 */
static const char msg_unlock_unlocked[] = "sync: unlock of unlocked mutex";
static const char msg_runlock_unlocked[] = "sync: RUnlock of unlocked RWMutex";
static const char msg_rwunlock_unlocked[] = "sync: Unlock of unlocked RWMutex";
static const char msg_inconsistent[] = "sync: inconsistent mutex state"; /* a throw in Go */
/* Not Go's: conditions a scene loader should have rejected. */
static const char msg_bad_op[] = "mapviz: operation not defined for this lock kind";
static const char msg_bad_worker[] = "mapviz: worker index out of range";

void mv_lock_init(struct mv_lock *lk, enum mv_lock_kind kind)
{
	memset(lk, 0, sizeof *lk); /* R1: the zero value is unlocked */
	lk->kind = kind;
	lk->starve_after = MV_LOCK_STARVE_AFTER;
}

void mv_lock_op_init(struct mv_lock_op *op, enum mv_instr_kind kind)
{
	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->phase = MV_LK_PH_START;
	op->last = MV_LK_PH_START;
}

static inline int32_t add32(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b); /* Go's wrapping int32 */
}

static inline uint64_t bit(uint32_t w)
{
	return (uint64_t)1 << w;
}

/* ---- semaphores (R12, runtime/sema.go) ---- */

static bool sema_queued(const struct mv_sema *s, uint32_t w)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (s->q[i] == w)
			return true;
	return false;
}

/* root.queue: at the tail, or at the head when lifo. */
static void sema_enqueue(struct mv_sema *s, uint32_t w, bool lifo)
{
	if (s->n >= MV_LOCK_MAX_WAITERS || sema_queued(s, w))
		return; /* cannot happen: a worker waits in one place at a time */
	if (lifo) {
		memmove(&s->q[1], &s->q[0], s->n * sizeof s->q[0]);
		s->q[0] = w;
	} else {
		s->q[s->n] = w;
	}
	s->n++;
}

/* cansemacquire */
static bool sema_take(struct mv_sema *s)
{
	if (s->count == 0)
		return false;
	s->count--;
	return true;
}

/* semacquire1, or its loop after a wake-up: a ticket from a handoff, or
 * the count if nobody took it first; else (re)queue.  true: acquired. */
static bool sema_acquire(struct mv_sema *s, uint32_t w, bool lifo)
{
	if (s->ticket & bit(w)) {
		s->ticket &= ~bit(w);
		return true;
	}
	if (sema_take(s))
		return true;
	sema_enqueue(s, w, lifo);
	return false;
}

/* semrelease1: the sleeper it made runnable, or -1. */
static int32_t sema_release(struct mv_sema *s, bool handoff)
{
	s->count++;
	if (s->n == 0)
		return -1;
	uint32_t w = s->q[0];
	s->n--;
	memmove(&s->q[0], &s->q[1], s->n * sizeof s->q[0]);
	if (handoff && sema_take(s))
		s->ticket |= bit(w);
	return (int32_t)w;
}

bool mv_lock_queued(const struct mv_lock *lk, uint32_t w)
{
	if (lk->kind == MV_LOCK_MUTEX)
		return sema_queued(&lk->mu.sema, w);
	return sema_queued(&lk->rw.w.sema, w) || sema_queued(&lk->rw.writer_sem, w) ||
	       sema_queued(&lk->rw.reader_sem, w);
}

/* ---- the step context ---- */

struct lkctx {
	struct mv_lock *lk;
	struct mv_lock_op *op;
	uint32_t self;
	uint64_t now;
	uint32_t *woken;
	uint32_t *nwoken;
	const struct mv_sink *sink;
};

static void emit(const struct lkctx *c, enum mv_event_kind kind, int32_t other, const char *msg)
{
	if (!mv_sink_on(c->sink))
		return;
	struct mv_event ev;
	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.n = c->lk->index;
	ev.other = other;
	ev.msg = msg;
	c->sink->fn(c->sink->ctx, &ev);
}

static void report_woken(const struct lkctx *c, int32_t w)
{
	if (w < 0 || !c->woken || !c->nwoken)
		return;
	c->woken[(*c->nwoken)++] = (uint32_t)w;
}

static enum mv_lkres fatal(const struct lkctx *c, const char *msg)
{
	c->op->fatal = msg;
	c->op->phase = MV_LK_PH_DONE;
	emit(c, MV_EV_FATAL, -1, msg);
	return MV_LK_FATAL;
}

static enum mv_lkres finish(const struct lkctx *c)
{
	c->op->phase = MV_LK_PH_DONE;
	return MV_LK_DONE;
}

/* The operation obtained the lock (Mutex, or RWMutex for writing). */
static enum mv_lkres acquired(const struct lkctx *c)
{
	struct mv_lock *lk = c->lk;
	if (lk->kind == MV_LOCK_RWMUTEX)
		lk->rw.writer_mask = bit(c->self);
	lk->acquisitions++;
	if (c->op->parked)
		lk->contended++;
	c->op->result = true;
	emit(c, MV_EV_LOCK_ACQUIRE, -1, NULL);
	return finish(c);
}

static enum mv_lkres read_acquired(const struct lkctx *c)
{
	struct mv_rwmutex *rw = &c->lk->rw;
	if (rw->read_holds[c->self] < UINT8_MAX)
		rw->read_holds[c->self]++;
	rw->readers_mask |= bit(c->self);
	c->lk->read_acquisitions++;
	if (c->op->parked)
		c->lk->contended++;
	c->op->result = true;
	emit(c, MV_EV_LOCK_ACQUIRE, -1, NULL);
	return finish(c);
}

/* Display only: one read lock given back (R10: by anyone). */
static void read_released(const struct lkctx *c)
{
	struct mv_rwmutex *rw = &c->lk->rw;
	uint32_t w = c->self;
	if (!rw->read_holds[w]) {
		for (w = 0; w < MV_LOCK_MAX_WAITERS && !rw->read_holds[w]; w++)
			;
		if (w == MV_LOCK_MAX_WAITERS)
			return;
	}
	if (--rw->read_holds[w] == 0)
		rw->readers_mask &= ~bit(w);
}

/* Go to sleep on s (the semacquire found no count). */
static enum mv_lkres park(const struct lkctx *c, enum mv_lk_phase wait_phase)
{
	c->op->phase = wait_phase;
	c->op->parked = true;
	c->lk->waits++;
	emit(c, MV_EV_LOCK_WAIT, -1, NULL);
	return MV_LK_BLOCKED;
}

/* ---- Mutex.Lock (MU2); for an RWMutex this is w.Lock (R6.1) ---- */

/* w.Lock / w.TryLock returned holding the Mutex. */
static enum mv_lkres mutex_locked(const struct lkctx *c)
{
	mv_lock_mutex(c->lk)->holder_mask = bit(c->self);
	if (c->lk->kind == MV_LOCK_MUTEX)
		return acquired(c);
	/* RWMutex: Lock goes on to announce itself (R6.2), TryLock to its
	 * CAS of readerCount (R7). */
	c->op->phase = c->op->kind == MV_I_TRYLOCK ? MV_LK_PH_TRYLOCK_ANNOUNCE : MV_LK_PH_ANNOUNCE_WRITER;
	return MV_LK_MORE;
}

/* MU2 fast path. */
static enum mv_lkres ph_fast_cas(const struct lkctx *c)
{
	struct mv_mutex *m = mv_lock_mutex(c->lk);
	struct mv_lock_op *op = c->op;
	if (m->state == 0) {
		m->state = MV_MUTEX_LOCKED;
		return mutex_locked(c);
	}
	/* lockSlow: waitStartTime = 0, starving = awoke = false */
	op->has_wait_start = false;
	op->wait_start = 0;
	op->starving = false;
	op->awoke = false;
	op->phase = MV_LK_PH_LOAD_STATE;
	return MV_LK_MORE;
}

/* MU2: old := m.state (also after a failed CAS). */
static enum mv_lkres ph_load_state(const struct lkctx *c)
{
	c->op->old = mv_lock_mutex(c->lk)->state;
	c->op->phase = MV_LK_PH_SLOW_CAS;
	return MV_LK_MORE;
}

/* MU2: no spinning (GOMAXPROCS=1: runtime_canSpin is false); build the new
 * state from old and CAS it in. */
static enum mv_lkres ph_slow_cas(const struct lkctx *c)
{
	struct mv_mutex *m = mv_lock_mutex(c->lk);
	struct mv_lock_op *op = c->op;
	int32_t old = op->old, new = old;
	if (!(old & MV_MUTEX_STARVING))
		new |= MV_MUTEX_LOCKED; /* don't grab a starving mutex */
	if (old & (MV_MUTEX_LOCKED | MV_MUTEX_STARVING))
		new = add32(new, 1 << MV_MUTEX_WAITER_SHIFT); /* one more waiter */
	if (op->starving && (old & MV_MUTEX_LOCKED))
		new |= MV_MUTEX_STARVING; /* MU5: switch to starvation mode */
	if (op->awoke) {
		if (!(new & MV_MUTEX_WOKEN))
			return fatal(c, msg_inconsistent);
		new &= ~MV_MUTEX_WOKEN;
	}
	if (m->state != old) { /* CAS failed: reload */
		op->phase = MV_LK_PH_LOAD_STATE;
		return MV_LK_MORE;
	}
	m->state = new;
	if (!(old & (MV_MUTEX_LOCKED | MV_MUTEX_STARVING)))
		return mutex_locked(c);
	/* queueLifo := waitStartTime != 0: a re-waiter goes to the head */
	op->lifo = op->has_wait_start;
	if (!op->has_wait_start) {
		op->has_wait_start = true;
		op->wait_start = c->now;
	}
	op->phase = MV_LK_PH_SEM_ACQUIRE;
	return MV_LK_MORE;
}

/* MU2: semacquire returned. */
static enum mv_lkres mutex_sem_acquired(const struct lkctx *c)
{
	struct mv_lock_op *op = c->op;
	op->starving = op->starving || c->now - op->wait_start > c->lk->starve_after; /* MU5 */
	op->phase = MV_LK_PH_WOKE_LOAD;
	return MV_LK_MORE;
}

/* MU2, R12: runtime_SemacquireMutex(&m.sema, queueLifo). */
static enum mv_lkres ph_sem_acquire(const struct lkctx *c)
{
	if (sema_acquire(&mv_lock_mutex(c->lk)->sema, c->self, c->op->lifo))
		return mutex_sem_acquired(c);
	return park(c, MV_LK_PH_SEM_WAIT);
}

/* MU2: after the wake-up, old := m.state. */
static enum mv_lkres ph_woke_load(const struct lkctx *c)
{
	struct mv_lock_op *op = c->op;
	int32_t old = op->old = mv_lock_mutex(c->lk)->state;
	if (old & MV_MUTEX_STARVING) {
		/* the unlocker handed us the mutex (MU3) */
		if ((old & (MV_MUTEX_LOCKED | MV_MUTEX_WOKEN)) || (old >> MV_MUTEX_WAITER_SHIFT) == 0)
			return fatal(c, msg_inconsistent);
		op->phase = MV_LK_PH_TAKE_HANDOFF;
		return MV_LK_MORE;
	}
	op->awoke = true; /* normal mode: compete again */
	op->phase = MV_LK_PH_SLOW_CAS;
	return MV_LK_MORE;
}

/* MU2, MU5: take ownership; leave starvation mode if this waiter waited
 * less than the threshold or was the last one. */
static enum mv_lkres ph_take_handoff(const struct lkctx *c)
{
	struct mv_mutex *m = mv_lock_mutex(c->lk);
	int32_t delta = MV_MUTEX_LOCKED - (1 << MV_MUTEX_WAITER_SHIFT);
	if (!c->op->starving || (c->op->old >> MV_MUTEX_WAITER_SHIFT) == 1)
		delta -= MV_MUTEX_STARVING;
	m->state = add32(m->state, delta);
	return mutex_locked(c);
}

/* ---- Mutex.TryLock (MU4); for an RWMutex w.TryLock (R7) ---- */

static enum mv_lkres try_failed(const struct lkctx *c)
{
	c->op->result = false;
	return finish(c);
}

static enum mv_lkres ph_trylock_load(const struct lkctx *c)
{
	int32_t old = c->op->old = mv_lock_mutex(c->lk)->state;
	if (old & (MV_MUTEX_LOCKED | MV_MUTEX_STARVING))
		return try_failed(c);
	c->op->phase = MV_LK_PH_TRYLOCK_CAS;
	return MV_LK_MORE;
}

static enum mv_lkres ph_trylock_cas(const struct lkctx *c)
{
	struct mv_mutex *m = mv_lock_mutex(c->lk);
	if (m->state != c->op->old)
		return try_failed(c); /* MU4: no retry */
	m->state = c->op->old | MV_MUTEX_LOCKED;
	return mutex_locked(c);
}

/* ---- Mutex.Unlock (MU3); for an RWMutex w.Unlock (R7, R8) ---- */

/* unlockSlow's normal-mode test: nobody to wake, or someone else will. */
static enum mv_lkres unlock_check(const struct lkctx *c)
{
	int32_t old = c->op->old;
	if ((old >> MV_MUTEX_WAITER_SHIFT) == 0 ||
	    (old & (MV_MUTEX_LOCKED | MV_MUTEX_WOKEN | MV_MUTEX_STARVING)))
		return finish(c);
	c->op->phase = MV_LK_PH_UNLOCK_CAS;
	return MV_LK_MORE;
}

static enum mv_lkres ph_unlock_add(const struct lkctx *c)
{
	struct mv_mutex *m = mv_lock_mutex(c->lk);
	int32_t new = m->state = add32(m->state, -MV_MUTEX_LOCKED);
	if (new != 0 && !(add32(new, MV_MUTEX_LOCKED) & MV_MUTEX_LOCKED))
		return fatal(c, msg_unlock_unlocked);
	m->holder_mask = 0;
	if (c->lk->kind == MV_LOCK_MUTEX)
		emit(c, MV_EV_LOCK_RELEASE, -1, NULL); /* RWMutex: reported by R5/R8 */
	if (new == 0)
		return finish(c);
	if (new & MV_MUTEX_STARVING) {
		c->op->phase = MV_LK_PH_SEM_HANDOFF;
		return MV_LK_MORE;
	}
	c->op->old = new;
	return unlock_check(c);
}

static enum mv_lkres ph_unlock_load(const struct lkctx *c)
{
	c->op->old = mv_lock_mutex(c->lk)->state;
	return unlock_check(c);
}

/* Grab the right to wake someone: waiters - 1, woken. */
static enum mv_lkres ph_unlock_cas(const struct lkctx *c)
{
	struct mv_mutex *m = mv_lock_mutex(c->lk);
	int32_t old = c->op->old;
	if (m->state != old) {
		c->op->phase = MV_LK_PH_UNLOCK_LOAD;
		return MV_LK_MORE;
	}
	m->state = add32(old, -(1 << MV_MUTEX_WAITER_SHIFT)) | MV_MUTEX_WOKEN;
	c->op->phase = MV_LK_PH_SEM_RELEASE;
	return MV_LK_MORE;
}

/* Normal mode: runtime_Semrelease(&m.sema, false). */
static enum mv_lkres ph_sem_release(const struct lkctx *c)
{
	report_woken(c, sema_release(&mv_lock_mutex(c->lk)->sema, false));
	return finish(c);
}

/* Starvation mode: runtime_Semrelease(&m.sema, true): the next waiter owns
 * the mutex; Go's unlocker yields its time slice to it. */
static enum mv_lkres ph_sem_handoff(const struct lkctx *c)
{
	int32_t w = sema_release(&mv_lock_mutex(c->lk)->sema, true);
	if (w >= 0) {
		report_woken(c, w);
		c->lk->handoffs++;
		c->op->yield = true;
		emit(c, MV_EV_LOCK_HANDOFF, w, NULL);
	}
	return finish(c);
}

/* ---- RWMutex.RLock (R3) ---- */

static enum mv_lkres ph_add_reader_count(const struct lkctx *c)
{
	struct mv_rwmutex *rw = &c->lk->rw;
	rw->reader_count = add32(rw->reader_count, 1);
	if (rw->reader_count < 0) { /* a writer is pending or active (R9) */
		c->op->lifo = false;
		c->op->phase = MV_LK_PH_ACQUIRE_READER_SEM;
		return MV_LK_MORE;
	}
	return read_acquired(c);
}

static enum mv_lkres ph_acquire_reader_sem(const struct lkctx *c)
{
	if (sema_acquire(&c->lk->rw.reader_sem, c->self, false))
		return read_acquired(c);
	return park(c, MV_LK_PH_WAIT_READER_SEM);
}

/* ---- RWMutex.TryRLock (R4) ---- */

static enum mv_lkres ph_tryrlock_load(const struct lkctx *c)
{
	int32_t rc = c->op->old = c->lk->rw.reader_count;
	if (rc < 0)
		return try_failed(c);
	c->op->phase = MV_LK_PH_TRYRLOCK_CAS;
	return MV_LK_MORE;
}

static enum mv_lkres ph_tryrlock_cas(const struct lkctx *c)
{
	struct mv_rwmutex *rw = &c->lk->rw;
	if (rw->reader_count != c->op->old) {
		c->op->phase = MV_LK_PH_TRYRLOCK_LOAD; /* R4: loop */
		return MV_LK_MORE;
	}
	rw->reader_count = add32(c->op->old, 1);
	return read_acquired(c);
}

/* ---- RWMutex.RUnlock (R5) ---- */

static enum mv_lkres ph_sub_reader_count(const struct lkctx *c)
{
	struct mv_rwmutex *rw = &c->lk->rw;
	int32_t r = rw->reader_count = add32(rw->reader_count, -1);
	if (r < 0) { /* rUnlockSlow */
		int32_t r1 = add32(r, 1);
		if (r1 == 0 || r1 == -MV_RW_MAX_READERS)
			return fatal(c, msg_runlock_unlocked);
	}
	read_released(c);
	emit(c, MV_EV_LOCK_RELEASE, -1, NULL);
	if (r >= 0)
		return finish(c);
	c->op->phase = MV_LK_PH_SUB_READER_WAIT; /* a writer waits for departing readers */
	return MV_LK_MORE;
}

static enum mv_lkres ph_sub_reader_wait(const struct lkctx *c)
{
	struct mv_rwmutex *rw = &c->lk->rw;
	rw->reader_wait = add32(rw->reader_wait, -1);
	if (rw->reader_wait != 0)
		return finish(c);
	c->op->phase = MV_LK_PH_RELEASE_WRITER_SEM; /* the last one wakes the writer */
	return MV_LK_MORE;
}

static enum mv_lkres ph_release_writer_sem(const struct lkctx *c)
{
	report_woken(c, sema_release(&c->lk->rw.writer_sem, false));
	return finish(c);
}

/* ---- RWMutex.Lock after w.Lock (R6) ---- */

/* R6.2: r = readers active at the announcement. */
static enum mv_lkres ph_announce_writer(const struct lkctx *c)
{
	struct mv_rwmutex *rw = &c->lk->rw;
	rw->reader_count = add32(rw->reader_count, -MV_RW_MAX_READERS);
	c->op->r = add32(rw->reader_count, MV_RW_MAX_READERS);
	if (c->op->r == 0)
		return acquired(c);
	c->op->phase = MV_LK_PH_ADD_READER_WAIT;
	return MV_LK_MORE;
}

/* R6.3 */
static enum mv_lkres ph_add_reader_wait(const struct lkctx *c)
{
	struct mv_rwmutex *rw = &c->lk->rw;
	rw->reader_wait = add32(rw->reader_wait, c->op->r);
	if (rw->reader_wait == 0) /* they all left in between (R6) */
		return acquired(c);
	c->op->lifo = false;
	c->op->phase = MV_LK_PH_ACQUIRE_WRITER_SEM;
	return MV_LK_MORE;
}

static enum mv_lkres ph_acquire_writer_sem(const struct lkctx *c)
{
	if (sema_acquire(&c->lk->rw.writer_sem, c->self, false))
		return acquired(c);
	return park(c, MV_LK_PH_WAIT_WRITER_SEM);
}

/* ---- RWMutex.TryLock after w.TryLock (R7) ---- */

static enum mv_lkres ph_trylock_announce(const struct lkctx *c)
{
	struct mv_rwmutex *rw = &c->lk->rw;
	if (rw->reader_count == 0) {
		rw->reader_count = -MV_RW_MAX_READERS;
		return acquired(c);
	}
	c->op->result = false; /* readers hold it: w.Unlock, return false */
	c->op->phase = MV_LK_PH_UNLOCK_ADD;
	return MV_LK_MORE;
}

/* ---- RWMutex.Unlock before w.Unlock (R8) ---- */

static enum mv_lkres ph_retract_writer(const struct lkctx *c)
{
	struct mv_rwmutex *rw = &c->lk->rw;
	int32_t r = rw->reader_count = add32(rw->reader_count, MV_RW_MAX_READERS);
	if (r >= MV_RW_MAX_READERS)
		return fatal(c, msg_rwunlock_unlocked);
	rw->writer_mask = 0;
	emit(c, MV_EV_LOCK_RELEASE, -1, NULL);
	c->op->r = r; /* readers that queued meanwhile */
	c->op->i = 0;
	c->op->phase = r > 0 ? MV_LK_PH_RELEASE_READER_SEM : MV_LK_PH_UNLOCK_ADD;
	return MV_LK_MORE;
}

static enum mv_lkres ph_release_reader_sem(const struct lkctx *c)
{
	report_woken(c, sema_release(&c->lk->rw.reader_sem, false));
	c->op->i++;
	if (c->op->i >= c->op->r)
		c->op->phase = MV_LK_PH_UNLOCK_ADD; /* then w.Unlock */
	return MV_LK_MORE;
}

/* ---- dispatch ---- */

/* The first phase of op on this kind of lock, or START if it has none. */
static enum mv_lk_phase first_phase(enum mv_lock_kind lkind, enum mv_instr_kind kind)
{
	bool rw = lkind == MV_LOCK_RWMUTEX;
	switch (kind) {
	case MV_I_LOCK: return MV_LK_PH_FAST_CAS;
	case MV_I_TRYLOCK: return MV_LK_PH_TRYLOCK_LOAD;
	case MV_I_UNLOCK: return rw ? MV_LK_PH_RETRACT_WRITER : MV_LK_PH_UNLOCK_ADD;
	case MV_I_RLOCK: return rw ? MV_LK_PH_ADD_READER_COUNT : MV_LK_PH_START;
	case MV_I_TRYRLOCK: return rw ? MV_LK_PH_TRYRLOCK_LOAD : MV_LK_PH_START;
	case MV_I_RUNLOCK: return rw ? MV_LK_PH_SUB_READER_COUNT : MV_LK_PH_START;
	default: return MV_LK_PH_START;
	}
}

/* The semaphore a wait phase sleeps on, or NULL. */
static struct mv_sema *wait_sema(struct mv_lock *lk, enum mv_lk_phase p)
{
	switch (p) {
	case MV_LK_PH_SEM_WAIT: return &mv_lock_mutex(lk)->sema;
	case MV_LK_PH_WAIT_READER_SEM: return lk->kind == MV_LOCK_RWMUTEX ? &lk->rw.reader_sem : NULL;
	case MV_LK_PH_WAIT_WRITER_SEM: return lk->kind == MV_LOCK_RWMUTEX ? &lk->rw.writer_sem : NULL;
	default: return NULL;
	}
}

/* A wait phase run after the wake-up: the rest of semacquire (R12). */
static enum mv_lkres ph_wait(const struct lkctx *c, struct mv_sema *s)
{
	enum mv_lk_phase p = c->op->phase;
	if (!sema_acquire(s, c->self, c->op->lifo))
		return park(c, p); /* someone took the count first: sleep again */
	if (p == MV_LK_PH_SEM_WAIT)
		return mutex_sem_acquired(c);
	if (p == MV_LK_PH_WAIT_READER_SEM)
		return read_acquired(c);
	return acquired(c);
}

enum mv_lkres mv_lock_step(struct mv_lock *lk, struct mv_lock_op *op, uint32_t self, uint64_t now,
			   uint32_t *woken, uint32_t *nwoken, const struct mv_sink *sink)
{
	const struct lkctx c = {lk, op, self, now, woken, nwoken, sink};
	if (op->phase == MV_LK_PH_DONE)
		return op->fatal ? MV_LK_FATAL : MV_LK_DONE;
	if (self >= MV_LOCK_MAX_WAITERS)
		return fatal(&c, msg_bad_worker);
	if (op->phase == MV_LK_PH_START) {
		op->phase = first_phase(lk->kind, op->kind);
		if (op->phase == MV_LK_PH_START)
			return fatal(&c, msg_bad_op);
	}
	struct mv_sema *ws = wait_sema(lk, op->phase);
	if (ws && sema_queued(ws, self))
		return MV_LK_BLOCKED; /* not woken yet: nothing happens */

	op->last = op->phase;
	op->steps++;
	op->yield = false;
	switch (op->phase) {
	case MV_LK_PH_FAST_CAS: return ph_fast_cas(&c);
	case MV_LK_PH_LOAD_STATE: return ph_load_state(&c);
	case MV_LK_PH_SLOW_CAS: return ph_slow_cas(&c);
	case MV_LK_PH_SEM_ACQUIRE: return ph_sem_acquire(&c);
	case MV_LK_PH_WOKE_LOAD: return ph_woke_load(&c);
	case MV_LK_PH_TAKE_HANDOFF: return ph_take_handoff(&c);
	case MV_LK_PH_TRYLOCK_LOAD: return ph_trylock_load(&c);
	case MV_LK_PH_TRYLOCK_CAS: return ph_trylock_cas(&c);
	case MV_LK_PH_UNLOCK_ADD: return ph_unlock_add(&c);
	case MV_LK_PH_UNLOCK_LOAD: return ph_unlock_load(&c);
	case MV_LK_PH_UNLOCK_CAS: return ph_unlock_cas(&c);
	case MV_LK_PH_SEM_RELEASE: return ph_sem_release(&c);
	case MV_LK_PH_SEM_HANDOFF: return ph_sem_handoff(&c);
	case MV_LK_PH_ADD_READER_COUNT: return ph_add_reader_count(&c);
	case MV_LK_PH_ACQUIRE_READER_SEM: return ph_acquire_reader_sem(&c);
	case MV_LK_PH_TRYRLOCK_LOAD: return ph_tryrlock_load(&c);
	case MV_LK_PH_TRYRLOCK_CAS: return ph_tryrlock_cas(&c);
	case MV_LK_PH_SUB_READER_COUNT: return ph_sub_reader_count(&c);
	case MV_LK_PH_SUB_READER_WAIT: return ph_sub_reader_wait(&c);
	case MV_LK_PH_RELEASE_WRITER_SEM: return ph_release_writer_sem(&c);
	case MV_LK_PH_ANNOUNCE_WRITER: return ph_announce_writer(&c);
	case MV_LK_PH_ADD_READER_WAIT: return ph_add_reader_wait(&c);
	case MV_LK_PH_ACQUIRE_WRITER_SEM: return ph_acquire_writer_sem(&c);
	case MV_LK_PH_TRYLOCK_ANNOUNCE: return ph_trylock_announce(&c);
	case MV_LK_PH_RETRACT_WRITER: return ph_retract_writer(&c);
	case MV_LK_PH_RELEASE_READER_SEM: return ph_release_reader_sem(&c);
	case MV_LK_PH_SEM_WAIT:
	case MV_LK_PH_WAIT_READER_SEM:
	case MV_LK_PH_WAIT_WRITER_SEM:
		if (ws)
			return ph_wait(&c, ws);
		return fatal(&c, msg_bad_op);
	case MV_LK_PH_START:
	case MV_LK_PH_DONE:
	case MV_LK_PH__COUNT:
		break;
	}
	return fatal(&c, msg_bad_op); /* a corrupted op */
}

enum mv_lkres mv_lock_run(struct mv_lock *lk, struct mv_lock_op *op, uint32_t self, uint64_t now,
			  uint32_t *woken, uint32_t *nwoken, const struct mv_sink *sink)
{
	enum mv_lkres r;
	while ((r = mv_lock_step(lk, op, self, now, woken, nwoken, sink)) == MV_LK_MORE)
		;
	return r;
}
