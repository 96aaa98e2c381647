/*
 * golock: sync.Mutex, sync.RWMutex and the runtime semaphore under them,
 * ported from Go 1.19 (sync/mutex.go, sync/rwmutex.go, runtime/sema.go)
 * onto C11 atomics and Linux futexes.  See golock.h.
 *
 * Memory ordering.  Go's atomics are sequentially consistent; the ports
 * keep seq_cst wherever the algorithm relies on a store-then-load order
 * (the semaphore count against nwait: semacquire1 and semrelease1 form a
 * Dekker pattern) and use acquire/release for the plain lock hand-offs.
 * On x86-64 the difference costs nothing: every read-modify-write is a
 * locked instruction and seq_cst loads are plain loads.
 *
 * Parking (what Go's scheduler does, which C has to provide).  The queue
 * order, the counts and the handoff tickets are exactly sema.go's; how a
 * queued thread waits, and how soon a readied one runs again, is the
 * scheduler's business, and under contention it decides the throughput.
 * Go switches goroutines on one P in a fraction of a microsecond; waking a
 * thread that sleeps in the kernel on an idle CPU costs tens of
 * microseconds on a virtual machine, and two threads that run truly in
 * parallel on one lock pay a cache-line transfer for every operation.
 * So the policy follows Go's scheduler rather than the kernel's:
 *
 *  - runnext.  goready puts the readied goroutine in the readier's
 *    P.runnext: it runs when the readier blocks, or when the readier is
 *    preempted (10 ms) or an idle P steals it; meanwhile the readier keeps
 *    its CPU and its warm cache.  Here a release marks the waiter READY and
 *    the releasing thread remembers it as its runnext; the waiter runs on
 *    when that thread parks (kick_runnext sets GO) or after
 *    GOLOCK_RUNNEXT_NS, our stand-in for being stolen.  A starvation-mode
 *    handoff is urgent (GO at once) and the releaser yields, as Go does.
 *
 *  - parking.  A parked thread polls its own word and yields the CPU
 *    between polls (sched_yield: other threads run, an otherwise idle CPU
 *    stays awake, which is what makes a kick cheap) for GOLOCK_YIELD_NS,
 *    then sleeps in a futex wait; a release wakes a sleeper at once.
 *
 *  - spinning.  A Mutex spins by Go's rules (sync_runtime_canSpin), and a
 *    thread whose runnext has not run yet does not spin, as a P with a
 *    non-empty run queue does not.  Before queueing on an RWMutex's readerSem or
 *    writerSem, for which Go does not spin, a thread polls the count for a
 *    few hundred nanoseconds, but only if the semaphore is cold (no waiter
 *    queued on it in the last GOLOCK_HOT_NS): on a cold lock the holder is
 *    about to release; on a hot one, spinning only keeps two CPUs fighting
 *    over its cache line where Go would run one goroutine after another.
 *
 * A queued waiter lives in its thread's slot (struct golock_waiter): slots
 * are allocated once, reused by later threads and never freed, so a stale
 * runnext kick always lands on valid memory, and the park generation in
 * the word makes it a no-op.
 */
#include "engine/bench/golock.h"

#include "engine/core/alloc.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
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

/* Parking parameters (see the top of the file). */
#define GOLOCK_PRESPIN 32            /* PAUSEs polling a cold semaphore */
#define GOLOCK_HOT_NS 200000         /* a waiter queued this recently: hot */
#define GOLOCK_YIELD_NS 200000       /* a parked thread polls and yields, then sleeps */
#define GOLOCK_RUNNEXT_NS 1000000    /* a readied thread waits for its readier this long */
_Static_assert(GOLOCK_RUNNEXT_NS < 1000000000, "a doze is one futex wait of under a second");

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

/* Sleep while *word == val (at most ns nanoseconds if ns > 0).  Returns on
 * a wake-up, a timeout, a signal, or at once if the word already changed:
 * callers recheck. */
static void futex_wait(_Atomic uint32_t *word, uint32_t val, long ns)
{
	struct timespec ts = {0, ns};
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, val, ns > 0 ? &ts : NULL, NULL, 0);
}

/* Wake the thread waiting on word if the word holds val: a wake-up that
 * comes late, after its waiter moved on to a new park at the same address
 * (the word changed), does nothing. */
static void futex_wake_if(_Atomic uint32_t *word, uint32_t val)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)0, (uint32_t *)word, val);
}

static bool more_than_one_cpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 1;
}

/* ------------------------------------------------------------------ */
/* parking: Go's gopark / goready                                      */

/*
 * A thread's waiter slot (Go's sudog).  `state` is its futex word: three
 * flags and, above them, the slot's park count, so that every park has
 * its own word values and a late kick or wake-up of an earlier park does
 * nothing.
 */
enum {
	W_READY = 1, /* a release readied the waiter (fetch_or) */
	W_GO = 2,    /* it may run now: a kick or a handoff */
	W_SLEEP = 4, /* it is (about to be) in a futex wait: wake it */
	W_GEN_SHIFT = 3,
};

struct golock_waiter {
	struct golock_waiter *next; /* in a queue, under the root's qlock */
	uint32_t ticket;            /* handoff: written before W_READY */
	uint32_t parks;             /* the owner's; carried over on reuse */
	_Atomic uint32_t state;
	_Atomic uint32_t in_use;    /* owned by a thread */
	struct golock_waiter *all;  /* every slot ever made (never freed) */
};

static _Atomic(struct golock_waiter *) all_slots;
static pthread_key_t slot_key;
static pthread_once_t slot_once = PTHREAD_ONCE_INIT;

/*
 * Per-thread scheduler state (Go keeps it in the M and the P): the slot,
 * and "runnext", a readied waiter's word with its generation.  The word
 * belongs to a slot that is never freed.
 */
struct golock_self {
	struct golock_waiter *slot;
	_Atomic uint32_t *next_word;
	uint32_t next_gen;
};
static _Thread_local struct golock_self self;

static void slot_release(void *p)
{
	atomic_store_explicit(&((struct golock_waiter *)p)->in_use, 0, memory_order_release);
}

static void slot_key_init(void)
{
	/* without the key a slot is simply never handed to a later thread */
	(void)pthread_key_create(&slot_key, slot_release);
}

/* This thread's slot: a free one from an exited thread, or a new one. */
static struct golock_waiter *slot_get(void)
{
	if (self.slot)
		return self.slot;
	pthread_once(&slot_once, slot_key_init);
	struct golock_waiter *w = atomic_load_explicit(&all_slots, memory_order_acquire);
	for (; w; w = w->all) {
		uint32_t free_ = 0;
		if (atomic_load_explicit(&w->in_use, memory_order_relaxed) == 0 &&
		    atomic_compare_exchange_strong_explicit(&w->in_use, &free_, 1, memory_order_acquire,
							    memory_order_relaxed))
			break;
	}
	if (!w) {
		w = mv_xcalloc(1, sizeof *w);
		atomic_init(&w->state, 0);
		atomic_init(&w->in_use, 1);
		w->all = atomic_load_explicit(&all_slots, memory_order_relaxed);
		while (!atomic_compare_exchange_weak_explicit(&all_slots, &w->all, w, memory_order_release,
							      memory_order_relaxed))
			;
	}
	(void)pthread_setspecific(slot_key, w);
	self.slot = w;
	return w;
}

unsigned golock_slots(void)
{
	unsigned n = 0;
	for (struct golock_waiter *w = atomic_load_explicit(&all_slots, memory_order_acquire); w; w = w->all)
		n++;
	return n;
}

/* A readied waiter of this thread's has not run yet (Go: the P's run
 * queue is not empty). */
static bool runnext_pending(void)
{
	if (!self.next_word)
		return false;
	uint32_t v = atomic_load_explicit(self.next_word, memory_order_relaxed);
	return v >> W_GEN_SHIFT == self.next_gen && !(v & W_GO);
}

/* The thread is about to block: its runnext runs now (Go: a P whose
 * goroutine blocks runs P.runnext next). */
static void kick_runnext(void)
{
	_Atomic uint32_t *word = self.next_word;
	if (!word)
		return;
	self.next_word = NULL;
	uint32_t v = atomic_load_explicit(word, memory_order_relaxed);
	while (v >> W_GEN_SHIFT == self.next_gen && !(v & W_GO)) {
		if (atomic_compare_exchange_weak_explicit(word, &v, v | W_GO, memory_order_acq_rel,
							  memory_order_relaxed)) {
			if (v & W_SLEEP)
				futex_wake_if(word, v | W_GO);
			return;
		}
	}
}

/*
 * gopark: until a releaser readies w (queued on a semaphore by the caller)
 * and it may run: at once if it was handed the lock or sleeping, else when
 * its readier kicks it or GOLOCK_RUNNEXT_NS after the release.
 */
static void park(struct golock_waiter *w, struct golock_stats *st)
{
	kick_runnext();
	int64_t t0 = nanotime(), readied = 0;
	bool slept = false;
	for (;;) {
		uint32_t v = atomic_load_explicit(&w->state, memory_order_acquire);
		if (v & W_GO)
			return;
		int64_t now = nanotime();
		if (v & W_READY) {
			if (!readied)
				readied = now;
			if (slept || now - readied >= GOLOCK_RUNNEXT_NS) {
				/* runs on: no longer anyone's runnext */
				atomic_fetch_or_explicit(&w->state, W_GO, memory_order_relaxed);
				return;
			}
		}
		if (now - t0 < GOLOCK_YIELD_NS) {
			sched_yield();
			continue;
		}
		if (!(v & W_SLEEP)) {
			if (!atomic_compare_exchange_strong_explicit(&w->state, &v, v | W_SLEEP,
								     memory_order_acq_rel, memory_order_acquire))
				continue; /* readied or kicked meanwhile */
			v |= W_SLEEP;
		}
		if (v & W_READY) {
			/* doze until kicked or the grace ends */
			futex_wait(&w->state, v, (long)(GOLOCK_RUNNEXT_NS - (now - readied)));
		} else {
			if (!slept)
				atomic_fetch_add_explicit(&st->sleeps, 1, memory_order_relaxed);
			futex_wait(&w->state, v, 0);
			slept = true;
		}
	}
}

/*
 * goready: w's thread may run on.  urgent (a handoff): at once.
 * Otherwise a sleeper is woken (its CPU is idle or busy with others), and
 * a waiter still polling becomes this thread's runnext: it runs when this
 * thread parks or its grace ends.  A previous runnext is kicked (Go moves
 * it to the run queue, where an idle P takes it).
 */
static void ready(struct golock_waiter *w, bool urgent)
{
	uint32_t set = W_READY | (urgent ? W_GO : 0);
	uint32_t old = atomic_fetch_or_explicit(&w->state, set, memory_order_acq_rel);
	if (old & W_SLEEP) {
		futex_wake_if(&w->state, old | set);
	} else if (!urgent) {
		kick_runnext();
		self.next_word = &w->state;
		self.next_gen = old >> W_GEN_SHIFT;
	}
}

/* ------------------------------------------------------------------ */
/* runtime/sema.go                                                     */

static void sema_init(struct golock_sema *s, bool prespin)
{
	s->prespin = prespin;
	atomic_init(&s->count, 0);
	atomic_init(&s->nwait, 0);
	atomic_init(&s->qlock, 0);
	atomic_init(&s->queued_ns, 0);
	s->head = s->tail = NULL;
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

/* semacquire1(addr, lifo): R12.  Counts a wait each time it queues. */
static void sema_acquire(struct golock_sema *s, bool lifo, struct golock_stats *st)
{
	if (can_acquire(s))
		return;
	/* the easy case, a little later, on a cold semaphore (see the top) */
	if (s->prespin && nanotime() - atomic_load_explicit(&s->queued_ns, memory_order_relaxed) > GOLOCK_HOT_NS)
		for (int i = 0; i < GOLOCK_PRESPIN; i++) {
			cpu_relax();
			if (atomic_load_explicit(&s->count, memory_order_relaxed) && can_acquire(s))
				return;
		}
	struct golock_waiter *w = slot_get();
	for (;;) {
		qlock(s);
		/* disable the easy case in sema_release, then check again */
		atomic_fetch_add_explicit(&s->nwait, 1, memory_order_seq_cst);
		if (can_acquire(s)) {
			atomic_fetch_sub_explicit(&s->nwait, 1, memory_order_seq_cst);
			qunlock(s);
			return;
		}
		/* root.queue: FIFO at the tail, lifo at the head */
		w->ticket = 0;
		w->parks++;
		atomic_store_explicit(&w->state, w->parks << W_GEN_SHIFT, memory_order_relaxed);
		if (lifo) {
			w->next = s->head;
			s->head = w;
			if (!s->tail)
				s->tail = w;
		} else {
			w->next = NULL;
			if (s->tail)
				s->tail->next = w;
			else
				s->head = w;
			s->tail = w;
		}
		qunlock(s);
		atomic_fetch_add_explicit(&st->waits, 1, memory_order_relaxed);
		atomic_store_explicit(&s->queued_ns, nanotime(), memory_order_relaxed);
		park(w, st);
		if (w->ticket || can_acquire(s))
			return;
	}
}

/* semrelease1(addr, handoff): true if it handed the count to a waiter. */
static bool sema_release(struct golock_sema *s, bool handoff)
{
	atomic_fetch_add_explicit(&s->count, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&s->nwait, memory_order_seq_cst) == 0)
		return false; /* easy case: no waiter */
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
	ready(w, handed);
	if (handed)
		sched_yield(); /* goyield: let the new owner run */
	return handed;
}

/* ------------------------------------------------------------------ */
/* sync.Mutex                                                          */

static void stats_init(struct golock_stats *st)
{
	atomic_init(&st->waits, 0);
	atomic_init(&st->sleeps, 0);
	atomic_init(&st->handoffs, 0);
	atomic_init(&st->starving, 0);
}

void go_mutex_init(struct go_mutex *m)
{
	atomic_init(&m->state, 0);
	m->can_spin = more_than_one_cpu();
	sema_init(&m->sema, false);
	stats_init(&m->st);
}

bool go_mutex_trylock(struct go_mutex *m)
{
	int32_t old = atomic_load_explicit(&m->state, memory_order_relaxed);
	if (old & (GOLOCK_MUTEX_LOCKED | GOLOCK_MUTEX_STARVING))
		return false;
	return atomic_compare_exchange_strong_explicit(&m->state, &old, old | GOLOCK_MUTEX_LOCKED,
						       memory_order_acquire, memory_order_relaxed);
}

/* sync_runtime_canSpin: active_spin = 4 rounds, only with more than one
 * CPU, and only while nothing else waits to run here: Go checks that the
 * P's run queue (runnext included) is empty; here, that the thread's
 * runnext has run (see the top of the file). */
static inline bool can_spin(const struct go_mutex *m, int iter)
{
	return iter < 4 && m->can_spin && !runnext_pending();
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

void go_rwmutex_init(struct go_rwmutex *rw)
{
	atomic_init(&rw->reader_count, 0);
	atomic_init(&rw->reader_wait, 0);
	go_mutex_init(&rw->w);
	sema_init(&rw->writer_sem, true);
	sema_init(&rw->reader_sem, true);
	stats_init(&rw->st);
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
