/*
 * golock: sync.Mutex, sync.RWMutex and the runtime semaphore under them,
 * ported from Go 1.19 (sync/mutex.go, sync/rwmutex.go, runtime/sema.go)
 * onto C11 atomics and Linux futexes.  See golock.h.
 *
 * Memory ordering.  Go's atomics are sequentially consistent; the ports
 * keep seq_cst wherever the algorithm relies on a store-then-load order
 * (semaphore count vs nwait, the Dekker pattern of semacquire1 and
 * semrelease1) and use acquire/release for the plain lock hand-offs.  On
 * x86-64 the difference costs nothing: every read-modify-write is a locked
 * instruction and seq_cst loads are plain loads.
 *
 * Parking.  Go parks a goroutine and its M runs another one (or spins a
 * while looking for work before the M sleeps).  A thread here parks on its
 * waiter's futex word: it first polls the word for a short while (a wake-up
 * that comes within a few microseconds costs no system call on either
 * side), then sleeps in FUTEX_WAIT.  The queue order, the counts and the
 * handoff tickets are exactly sema.go's; only the cost of a sleep differs.
 */
#include "golock.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

const char *golock_strerror(int err)
{
	switch (err) {
#define GOLOCK_ERR_CASE(name, val, msg)                                     \
	case (val):                                                         \
		return msg;
		GOLOCK_ERR_MAP(GOLOCK_ERR_CASE)
#undef GOLOCK_ERR_CASE
	default:
		return "";
	}
}

/* ------------------------------------------------------------------ */
/* CPU and OS helpers                                                  */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/* runtime.procyield(cycles) */
static inline void procyield(int cycles)
{
	for (int i = 0; i < cycles; i++)
		cpu_relax();
}

static int64_t nanotime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void futex_wait(_Atomic uint32_t *word, uint32_t val)
{
	/* EINTR, EAGAIN (the word already changed): the caller rechecks */
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}


static bool more_than_one_cpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 1;
}

/* ------------------------------------------------------------------ */
/* runtime/sema.go                                                     */

/*
 * A queued waiter (Go's sudog).  `state` is its futex word: a phase in the
 * low two bits and, above them, a generation number that differs between
 * successive parks of one thread, so a late wake-up meant for an earlier
 * park (the word sits at the same stack address every time) can be told
 * apart and dropped.
 */
enum {
	W_SPINNING = 0, /* polling the word on its CPU */
	W_DOZING = 1,   /* in FUTEX_WAIT with a short timeout, rechecking */
	W_SLEEPING = 2, /* in FUTEX_WAIT without timeout: needs a wake-up */
	W_READY = 3,    /* readied: may run on (set with fetch_or) */
	W_PHASE = 3,
};

struct golock_waiter {
	struct golock_waiter *next; /* under the root's qlock */
	uint32_t ticket;            /* handoff: written before state := READY */
	_Atomic uint32_t state;
};

#include <stdlib.h>
static int tun(const char *n, int d) { const char *v = getenv(n); return v ? atoi(v) : d; }
static int tun_spins = -1, tun_dozes, tun_doze_ns, tun_lazy, tun_kick, tun_pspins, tun_pyields;
static void tun_init(void)
{
	if (tun_spins >= 0)
		return;
	tun_dozes = tun("GL_DOZES", 20);
	tun_doze_ns = tun("GL_DOZE_NS", 3000);
	tun_lazy = tun("GL_LAZY", 1);
	tun_kick = tun("GL_KICK", 1);
	tun_spins = tun("GL_SPINS", 0);
	tun_pspins = tun("GL_PSPINS", 16);
	tun_pyields = tun("GL_POLL_US", 20);
}
_Atomic uint64_t gl_dbg[8];
#define DBG(i) atomic_fetch_add_explicit(&gl_dbg[i], 1, memory_order_relaxed)

/* Per-thread scheduler state, the part of Go's M and P a thread needs. */
struct golock_self {
	uint32_t gen; /* of the thread's parks */
	/* runnext: a waiter this thread readied lazily (its word and the
	 * word's readied value), see ready() */
	_Atomic uint32_t *next_word;
	uint32_t next_val;
};
static _Thread_local struct golock_self self;

/* Wake the thread waiting on word if word still holds val (a stale
 * wake-up for an earlier park finds another value and does nothing). */
static void futex_wake_if(_Atomic uint32_t *word, uint32_t val)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)0, (uint32_t *)word, val);
}

static void kick_runnext(void)
{
	if (self.next_word) {
		DBG(0);
		futex_wake_if(self.next_word, self.next_val);
		self.next_word = NULL;
	}
}

static void futex_doze(_Atomic uint32_t *word, uint32_t val, long ns)
{
	struct timespec ts = {0, ns};
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, val, &ts, NULL, 0);
}

static inline bool is_ready(struct golock_waiter *w)
{
	return (atomic_load_explicit(&w->state, memory_order_acquire) & W_PHASE) == W_READY;
}

/* The word of a new park: a fresh generation, phase SPINNING. */
static uint32_t park_word(void)
{
	self.gen += 1u << 2;
	return self.gen;
}

/*
 * gopark: until a releaser readies w.  The thread blocks, so first its
 * runnext may run (a P whose goroutine blocks runs runnext).  Then, like
 * an idle M: spin briefly, doze in short timed waits (an idle P steals a
 * goroutine readied on a busy P only after usleep(3)), and at last sleep
 * until woken.
 */
static void park(struct golock_waiter *w, bool poll, struct golock_stats *st)
{
	tun_init();
	if (tun_kick)
		kick_runnext();
	uint32_t gen = atomic_load_explicit(&w->state, memory_order_relaxed) & ~(uint32_t)W_PHASE;
	uint32_t cur = gen | W_SPINNING;
	if (poll) {
		for (int i = 0; i < tun_pspins; i++) {
			if (is_ready(w))
				return;
			procyield(30);
		}
		int64_t until = nanotime() + (int64_t)tun_pyields * 1000;
		while (!is_ready(w)) {
			if (nanotime() > until)
				break;
			sched_yield();
		}
		if (is_ready(w))
			return;
	} else {
		for (int i = 0; i < tun_spins; i++) {
			if (is_ready(w))
				return;
			procyield(30);
		}
		if (!atomic_compare_exchange_strong_explicit(&w->state, &cur, gen | W_DOZING, memory_order_acq_rel,
							     memory_order_acquire))
			return; /* readied meanwhile */
		for (int i = 0; i < tun_dozes; i++) {
			DBG(1);
			futex_doze(&w->state, gen | W_DOZING, tun_doze_ns);
			if (is_ready(w))
				return;
		}
		cur = gen | W_DOZING;
	}
	if (!atomic_compare_exchange_strong_explicit(&w->state, &cur, gen | W_SLEEPING, memory_order_acq_rel,
						     memory_order_acquire))
		return;
	atomic_fetch_add_explicit(&st->sleeps, 1, memory_order_relaxed);
	while (!is_ready(w))
		futex_wait(&w->state, gen | W_SLEEPING);
}

/*
 * goready: w's thread may run on.  urgent (a handoff, Go's goyield): wake
 * it now.  Otherwise a dozing waiter becomes this thread's runnext and
 * resumes by itself within one doze, or at once if this thread blocks
 * first; the previous runnext is woken (Go moves it to the run queue,
 * where an idle P takes it at once).
 */
static void ready(struct golock_waiter *w, bool urgent)
{
	uint32_t old = atomic_fetch_or_explicit(&w->state, W_READY, memory_order_acq_rel);
	uint32_t val = old | W_READY;
	DBG(2 + (old & 3));
	switch (old & W_PHASE) {
	case W_SLEEPING:
		futex_wake_if(&w->state, val);
		break;
	case W_DOZING:
		if (urgent || !tun_lazy) {
			futex_wake_if(&w->state, val);
		} else {
			kick_runnext();
			self.next_word = &w->state;
			self.next_val = val;
		}
		break;
	default:
		break;
	}
}

/* semaRoot.lock (a runtime mutex): spin, then yield the CPU. */
static void qlock(struct golock_sema *s)
{
	for (int i = 0;; i++) {
		if (atomic_load_explicit(&s->qlock, memory_order_relaxed) == 0 &&
		    atomic_exchange_explicit(&s->qlock, 1, memory_order_acquire) == 0)
			return;
		if (i < 4)
			procyield(30);
		else
			sched_yield();
	}
}

static void qunlock(struct golock_sema *s)
{
	atomic_store_explicit(&s->qlock, 0, memory_order_release);
}

/* cansemacquire */
static bool can_acquire(struct golock_sema *s)
{
	uint32_t v = atomic_load_explicit(&s->count, memory_order_seq_cst);
	while (v != 0)
		if (atomic_compare_exchange_weak_explicit(&s->count, &v, v - 1, memory_order_seq_cst,
							  memory_order_seq_cst))
			return true;
	return false;
}

/* semacquire1(addr, lifo): R12. */
static void sema_acquire(struct golock_sema *s, bool lifo, struct golock_stats *st)
{
	if (can_acquire(s))
		return;
	struct golock_waiter w;
	for (;;) {
		qlock(s);
		atomic_fetch_add_explicit(&s->nwait, 1, memory_order_seq_cst);
		if (can_acquire(s)) {
			atomic_fetch_sub_explicit(&s->nwait, 1, memory_order_seq_cst);
			qunlock(s);
			return;
		}
		/* root.queue: FIFO at the tail, lifo at the head */
		w.ticket = 0;
		atomic_store_explicit(&w.state, park_word(), memory_order_relaxed);
		if (lifo) {
			w.next = s->head;
			s->head = &w;
			if (!s->tail)
				s->tail = &w;
		} else {
			w.next = NULL;
			if (s->tail)
				s->tail->next = &w;
			else
				s->head = &w;
			s->tail = &w;
		}
		qunlock(s);
		atomic_fetch_add_explicit(&st->waits, 1, memory_order_relaxed);
		park(&w, s->poll, st);
		if (w.ticket || can_acquire(s))
			return;
	}
}

/* semrelease1(addr, handoff): true if it handed the count to a waiter. */
static bool sema_release(struct golock_sema *s, bool handoff)
{
	atomic_fetch_add_explicit(&s->count, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&s->nwait, memory_order_seq_cst) == 0)
		return false;
	qlock(s);
	if (atomic_load_explicit(&s->nwait, memory_order_seq_cst) == 0) {
		qunlock(s);
		return false;
	}
	struct golock_waiter *w = s->head; /* root.dequeue */
	if (w) {
		s->head = w->next;
		if (!s->head)
			s->tail = NULL;
		atomic_fetch_sub_explicit(&s->nwait, 1, memory_order_seq_cst);
	}
	qunlock(s);
	if (!w)
		return false;
	bool handed = handoff && can_acquire(s);
	if (handed)
		w->ticket = 1;
	ready(w, handed || s->poll);
	if (handed)
		sched_yield(); /* goyield: let the new owner run */
	return handed;
}

/* ------------------------------------------------------------------ */
/* sync.Mutex                                                          */

void go_mutex_init(struct go_mutex *m)
{
	atomic_init(&m->state, 0);
	m->can_spin = more_than_one_cpu();
	atomic_init(&m->sema.count, 0);
	atomic_init(&m->sema.nwait, 0);
	atomic_init(&m->sema.qlock, 0);
	m->sema.head = m->sema.tail = NULL;
	m->sema.poll = tun("GL_MUPOLL", 0);
	atomic_init(&m->st.waits, 0);
	atomic_init(&m->st.sleeps, 0);
	atomic_init(&m->st.handoffs, 0);
	atomic_init(&m->st.starving, 0);
}

bool go_mutex_trylock(struct go_mutex *m)
{
	int32_t old = atomic_load_explicit(&m->state, memory_order_relaxed);
	if (old & (GOLOCK_MUTEX_LOCKED | GOLOCK_MUTEX_STARVING))
		return false;
	return atomic_compare_exchange_strong_explicit(&m->state, &old, old | GOLOCK_MUTEX_LOCKED,
						       memory_order_acquire, memory_order_relaxed);
}

/* runtime_canSpin: active_spin = 4 rounds, only with more than one CPU. */
static inline bool can_spin(const struct go_mutex *m, int iter)
{
	return iter < 4 && m->can_spin;
}

/* MU2: lockSlow */
int go_mutex_lock_slow(struct go_mutex *m)
{
	int64_t wait_start = 0;
	bool starving = false, awoke = false;
	int iter = 0;
	int32_t old = atomic_load_explicit(&m->state, memory_order_relaxed);
	for (;;) {
		/* spin while locked in normal mode; announce ourselves woken so
		 * Unlock does not wake another waiter */
		if ((old & (GOLOCK_MUTEX_LOCKED | GOLOCK_MUTEX_STARVING)) == GOLOCK_MUTEX_LOCKED &&
		    can_spin(m, iter)) {
			if (!awoke && !(old & GOLOCK_MUTEX_WOKEN) && (old >> GOLOCK_MUTEX_WAITER_SHIFT) != 0 &&
			    atomic_compare_exchange_strong_explicit(&m->state, &old, old | GOLOCK_MUTEX_WOKEN,
								    memory_order_relaxed, memory_order_relaxed))
				awoke = true;
			procyield(30); /* runtime_doSpin */
			iter++;
			old = atomic_load_explicit(&m->state, memory_order_relaxed);
			continue;
		}
		int32_t new = old;
		if (!(old & GOLOCK_MUTEX_STARVING))
			new |= GOLOCK_MUTEX_LOCKED; /* don't grab a starving mutex */
		if (old & (GOLOCK_MUTEX_LOCKED | GOLOCK_MUTEX_STARVING))
			new += 1 << GOLOCK_MUTEX_WAITER_SHIFT;
		if (starving && (old & GOLOCK_MUTEX_LOCKED))
			new |= GOLOCK_MUTEX_STARVING;
		if (awoke) {
			if (!(new & GOLOCK_MUTEX_WOKEN))
				return GOLOCK_EINCONSISTENT;
			new &= ~GOLOCK_MUTEX_WOKEN;
		}
		if (atomic_compare_exchange_strong_explicit(&m->state, &old, new, memory_order_acq_rel,
							    memory_order_relaxed)) {
			if (!(old & (GOLOCK_MUTEX_LOCKED | GOLOCK_MUTEX_STARVING)))
				return GOLOCK_OK; /* locked with the CAS */
			if ((new & GOLOCK_MUTEX_STARVING) && !(old & GOLOCK_MUTEX_STARVING))
				atomic_fetch_add_explicit(&m->st.starving, 1, memory_order_relaxed);
			/* waited before: queue at the front */
			bool lifo = wait_start != 0;
			if (wait_start == 0)
				wait_start = nanotime();
			sema_acquire(&m->sema, lifo, &m->st);
			starving = starving || nanotime() - wait_start > GOLOCK_STARVATION_NS;
			old = atomic_load_explicit(&m->state, memory_order_acquire);
			if (old & GOLOCK_MUTEX_STARVING) {
				/* handed over to us: the mutex is ours, fix the state */
				if ((old & (GOLOCK_MUTEX_LOCKED | GOLOCK_MUTEX_WOKEN)) ||
				    (old >> GOLOCK_MUTEX_WAITER_SHIFT) == 0)
					return GOLOCK_EINCONSISTENT;
				int32_t delta = GOLOCK_MUTEX_LOCKED - (1 << GOLOCK_MUTEX_WAITER_SHIFT);
				if (!starving || (old >> GOLOCK_MUTEX_WAITER_SHIFT) == 1)
					delta -= GOLOCK_MUTEX_STARVING; /* exit starvation mode */
				atomic_fetch_add_explicit(&m->state, delta, memory_order_acq_rel);
				return GOLOCK_OK;
			}
			awoke = true;
			iter = 0;
		}
		/* a failed CAS reloaded old */
	}
}

/* MU3: unlockSlow */
int go_mutex_unlock_slow(struct go_mutex *m, int32_t new_state)
{
	if (!((new_state + GOLOCK_MUTEX_LOCKED) & GOLOCK_MUTEX_LOCKED))
		return GOLOCK_EUNLOCK;
	if (!(new_state & GOLOCK_MUTEX_STARVING)) {
		int32_t old = new_state;
		for (;;) {
			/* nobody to wake, or someone already woken, or the
			 * mutex already taken again: nothing to do */
			if ((old >> GOLOCK_MUTEX_WAITER_SHIFT) == 0 ||
			    (old & (GOLOCK_MUTEX_LOCKED | GOLOCK_MUTEX_WOKEN | GOLOCK_MUTEX_STARVING)))
				return GOLOCK_OK;
			int32_t n = (old - (1 << GOLOCK_MUTEX_WAITER_SHIFT)) | GOLOCK_MUTEX_WOKEN;
			if (atomic_compare_exchange_strong_explicit(&m->state, &old, n, memory_order_acq_rel,
								    memory_order_relaxed)) {
				sema_release(&m->sema, false);
				return GOLOCK_OK;
			}
		}
	}
	/* starvation mode: hand the mutex to the next waiter */
	if (sema_release(&m->sema, true))
		atomic_fetch_add_explicit(&m->st.handoffs, 1, memory_order_relaxed);
	return GOLOCK_OK;
}

void go_mutex_counts(const struct go_mutex *m, struct golock_counts *c)
{
	c->waits = atomic_load_explicit(&m->st.waits, memory_order_relaxed);
	c->sleeps = atomic_load_explicit(&m->st.sleeps, memory_order_relaxed);
	c->handoffs = atomic_load_explicit(&m->st.handoffs, memory_order_relaxed);
	c->starving = atomic_load_explicit(&m->st.starving, memory_order_relaxed);
}

/* ------------------------------------------------------------------ */
/* sync.RWMutex                                                        */

static void sema_init(struct golock_sema *s, bool poll)
{
	s->poll = poll;
	atomic_init(&s->count, 0);
	atomic_init(&s->nwait, 0);
	atomic_init(&s->qlock, 0);
	s->head = s->tail = NULL;
}

void go_rwmutex_init(struct go_rwmutex *rw)
{
	go_mutex_init(&rw->w);
	atomic_init(&rw->reader_count, 0);
	atomic_init(&rw->reader_wait, 0);
	sema_init(&rw->writer_sem, true);
	sema_init(&rw->reader_sem, true);
	atomic_init(&rw->st.waits, 0);
	atomic_init(&rw->st.sleeps, 0);
	atomic_init(&rw->st.handoffs, 0);
	atomic_init(&rw->st.starving, 0);
}

/* R3: a writer is pending or active */
void go_rwmutex_rlock_slow(struct go_rwmutex *rw)
{
	sema_acquire(&rw->reader_sem, false, &rw->st);
}

/* R4 */
bool go_rwmutex_tryrlock(struct go_rwmutex *rw)
{
	int32_t c = atomic_load_explicit(&rw->reader_count, memory_order_relaxed);
	for (;;) {
		if (c < 0)
			return false;
		if (atomic_compare_exchange_weak_explicit(&rw->reader_count, &c, c + 1, memory_order_acq_rel,
							  memory_order_relaxed))
			return true;
	}
}

/* R5: rUnlockSlow */
int go_rwmutex_runlock_slow(struct go_rwmutex *rw, int32_t r)
{
	if (r + 1 == 0 || r + 1 == -GOLOCK_MAX_READERS)
		return GOLOCK_ERUNLOCK;
	/* the last departing reader the writer waits for wakes it */
	if (atomic_fetch_sub_explicit(&rw->reader_wait, 1, memory_order_acq_rel) - 1 == 0)
		sema_release(&rw->writer_sem, false);
	return GOLOCK_OK;
}

/* R6 */
int go_rwmutex_lock(struct go_rwmutex *rw)
{
	int err = go_mutex_lock(&rw->w);
	if (err)
		return err;
	/* announce the writer; r = readers holding the lock now */
	int32_t r = atomic_fetch_sub_explicit(&rw->reader_count, GOLOCK_MAX_READERS, memory_order_acq_rel);
	if (r != 0 && atomic_fetch_add_explicit(&rw->reader_wait, r, memory_order_acq_rel) + r != 0)
		sema_acquire(&rw->writer_sem, false, &rw->st);
	return GOLOCK_OK;
}

/* R7 */
bool go_rwmutex_trylock(struct go_rwmutex *rw)
{
	if (!go_mutex_trylock(&rw->w))
		return false;
	int32_t zero = 0;
	if (!atomic_compare_exchange_strong_explicit(&rw->reader_count, &zero, -GOLOCK_MAX_READERS,
						     memory_order_acq_rel, memory_order_relaxed)) {
		go_mutex_unlock(&rw->w);
		return false;
	}
	return true;
}

/* R8 */
int go_rwmutex_unlock(struct go_rwmutex *rw)
{
	/* announce to readers there is no active writer */
	int32_t r = atomic_fetch_add_explicit(&rw->reader_count, GOLOCK_MAX_READERS, memory_order_acq_rel) +
		    GOLOCK_MAX_READERS;
	if (r >= GOLOCK_MAX_READERS)
		return GOLOCK_EWUNLOCK;
	/* unblock the readers that queued behind this writer */
	for (int32_t i = 0; i < r; i++)
		sema_release(&rw->reader_sem, false);
	return go_mutex_unlock(&rw->w);
}

void go_rwmutex_counts(const struct go_rwmutex *rw, struct golock_counts *c)
{
	go_mutex_counts(&rw->w, c);
	c->waits += atomic_load_explicit(&rw->st.waits, memory_order_relaxed);
	c->sleeps += atomic_load_explicit(&rw->st.sleeps, memory_order_relaxed);
	c->handoffs += atomic_load_explicit(&rw->st.handoffs, memory_order_relaxed);
	c->starving += atomic_load_explicit(&rw->st.starving, memory_order_relaxed);
}
