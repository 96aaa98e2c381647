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
 * scheduler's business, and it matters more than anything else for
 * throughput.  On this kind of machine a FUTEX_WAKE that has to bring an
 * idle CPU back costs tens of microseconds (a goroutine switch on one P a
 * fraction of one), so two policies, chosen per semaphore:
 *
 *  - lazy (a standalone Mutex: the mutex impl, sync.Map's mu).  A waiter
 *    readied in normal mode holds nothing: it only gets to compete again.
 *    Go puts it in the readier's P.runnext, where it runs when that
 *    goroutine blocks, or when an idle P steals it after usleep(3) (some
 *    60 us with Linux's timer slack); meanwhile the running goroutine has
 *    the mutex to itself.  Here the readier only marks the waiter ready
 *    and remembers it as its "runnext" (no system call); the waiter, dozing
 *    in timed futex waits of GOLOCK_DOZE_NS, runs on at the end of its
 *    doze, or at once when its readier blocks (kick_runnext).  A handoff
 *    (starvation mode) wakes the new owner at once and yields, as Go does.
 *
 *  - eager (an RWMutex's w, readerSem and writerSem).  A readied reader or
 *    writer holds the lock: it must run now.  Before queueing the thread
 *    polls the count a little (the releasing side is usually a critical
 *    section of a few dozen nanoseconds away), after queueing it polls
 *    its word for about a microsecond, then sleeps; a release wakes a
 *    sleeper at once.  w is eager too: measured, a lazily readied writer
 *    cost sharded maps on 8 threads a third of their throughput.
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

/* Parking parameters (see the top of the file). */
enum {
	GOLOCK_DOZE_NS = 20000,  /* one timed wait of a lazy waiter */
	GOLOCK_DOZES = 20,       /* then it sleeps until woken */
	GOLOCK_PRESPIN = 128,    /* eager: PAUSEs polling the count first */
	GOLOCK_PARK_POLLS = 4,   /* eager: rounds of 30 PAUSEs on the word */
};

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
 * A queued waiter (Go's sudog), on the waiting thread's stack.  `state` is
 * its futex word: a phase in the low two bits and, above them, the
 * thread's park count, so that successive parks at the same stack address
 * have different words.
 */
enum {
	W_SPINNING = 0, /* polling the word */
	W_DOZING = 1,   /* lazy: in timed futex waits */
	W_SLEEPING = 2, /* in an untimed futex wait: needs a wake-up */
	W_READY = 3,    /* readied (set with fetch_or) */
	W_PHASE = 3,
};

struct golock_waiter {
	struct golock_waiter *next; /* under the root's qlock */
	uint32_t ticket;            /* handoff: written before the READY bit */
	_Atomic uint32_t state;
};

/*
 * Per-thread scheduler state (Go keeps it in the M and the P): the park
 * count, and "runnext", a lazily readied waiter's word with its readied
 * value.  Only the address is kept, never dereferenced: the waiter may be
 * gone, and futex_wake_if on a stale word does nothing.
 */
struct golock_self {
	uint32_t parks;
	_Atomic uint32_t *next_word;
	uint32_t next_val;
};
static _Thread_local struct golock_self self;

/* The thread is about to block: its runnext runs now (Go: a P whose
 * goroutine blocks runs P.runnext next). */
static void kick_runnext(void)
{
	if (self.next_word) {
		futex_wake_if(self.next_word, self.next_val);
		self.next_word = NULL;
	}
}

static inline bool is_ready(struct golock_waiter *w)
{
	return (atomic_load_explicit(&w->state, memory_order_acquire) & W_PHASE) == W_READY;
}

/* gopark: until a releaser readies w (queued on a semaphore by the caller). */
static void park(struct golock_waiter *w, bool lazy, struct golock_stats *st)
{
	kick_runnext();
	uint32_t gen = atomic_load_explicit(&w->state, memory_order_relaxed) & ~(uint32_t)W_PHASE;
	uint32_t cur = gen | W_SPINNING;
	if (lazy) {
		/* ready by the end of a doze, or woken: a kick or a handoff
		 * (a handoff's ticket means run now) */
		atomic_compare_exchange_strong_explicit(&w->state, &cur, gen | W_DOZING, memory_order_acq_rel,
							memory_order_acquire);
		for (int i = 0; i < GOLOCK_DOZES; i++) {
			uint32_t v = atomic_load_explicit(&w->state, memory_order_acquire);
			if ((v & W_PHASE) == W_READY && w->ticket)
				return;
			futex_wait(&w->state, v, GOLOCK_DOZE_NS);
			if (is_ready(w))
				return;
		}
		cur = gen | W_DOZING;
	} else {
		for (int i = 0; i < GOLOCK_PARK_POLLS; i++) {
			if (is_ready(w))
				return;
			procyield(30);
		}
	}
	if (!atomic_compare_exchange_strong_explicit(&w->state, &cur, gen | W_SLEEPING, memory_order_acq_rel,
						     memory_order_acquire))
		return; /* readied meanwhile */
	atomic_fetch_add_explicit(&st->sleeps, 1, memory_order_relaxed);
	while (!is_ready(w))
		futex_wait(&w->state, gen | W_SLEEPING, 0);
}

/*
 * goready: w's thread may run on.  urgent: as soon as possible (a sleeper
 * is woken, a dozer too).  Otherwise w becomes this thread's runnext: no
 * system call now; it runs at the end of its doze or when this thread
 * blocks.  A previous runnext is kicked (Go moves it to the run queue,
 * where an idle P takes it at once).
 */
static void ready(struct golock_waiter *w, bool urgent)
{
	uint32_t old = atomic_fetch_or_explicit(&w->state, W_READY, memory_order_acq_rel);
	uint32_t val = old | W_READY, phase = old & W_PHASE;
	if (phase == W_SLEEPING || (phase == W_DOZING && urgent)) {
		futex_wake_if(&w->state, val);
	} else if (!urgent) {
		kick_runnext();
		self.next_word = &w->state;
		self.next_val = val;
	}
}

/* ------------------------------------------------------------------ */
/* runtime/sema.go                                                     */

static void sema_init(struct golock_sema *s, bool lazy)
{
	atomic_init(&s->count, 0);
	atomic_init(&s->nwait, 0);
	atomic_init(&s->qlock, 0);
	s->head = s->tail = NULL;
	s->lazy = lazy;
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
	if (!s->lazy) {
		/* the easy case, a little later (see the top of the file) */
		for (int i = 0; i < GOLOCK_PRESPIN; i++) {
			cpu_relax();
			if (atomic_load_explicit(&s->count, memory_order_relaxed) && can_acquire(s))
				return;
		}
	}
	struct golock_waiter w;
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
		w.ticket = 0;
		self.parks++;
		atomic_store_explicit(&w.state, self.parks << 2 | W_SPINNING, memory_order_relaxed);
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
		park(&w, s->lazy, st);
		if (w.ticket || can_acquire(s))
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
	ready(w, handed || !s->lazy);
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

static void mutex_init(struct go_mutex *m, bool lazy)
{
	atomic_init(&m->state, 0);
	m->can_spin = more_than_one_cpu();
	sema_init(&m->sema, lazy);
	stats_init(&m->st);
}

void go_mutex_init(struct go_mutex *m)
{
	mutex_init(m, true);
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

void go_rwmutex_init(struct go_rwmutex *rw)
{
	atomic_init(&rw->reader_count, 0);
	atomic_init(&rw->reader_wait, 0);
	mutex_init(&rw->w, false);
	sema_init(&rw->writer_sem, false);
	sema_init(&rw->reader_sem, false);
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
