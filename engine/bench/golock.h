/*
 * golock: real, thread-safe sync.Mutex and sync.RWMutex with Go 1.19's
 * algorithms (sync/mutex.go, sync/rwmutex.go, runtime/sema.go), for the
 * free-running benchmark (`mapviz bench contention`).  Rule numbers (MU2,
 * R6) refer to go-map-semantics.md.  engine/locks.h is the stepped model of
 * the same algorithms; this module runs them on real threads.
 *
 * Built on C11 <stdatomic.h> and Linux futexes, no pthread mutex:
 *
 *  - struct golock_sema is runtime/sema.go's semaphore: a count word
 *    (Go's *uint32) and a wait queue with its own lock (Go's semaRoot: a
 *    spin lock, nwait, a FIFO queue where a "lifo" waiter goes to the
 *    head).  A waiter queues its thread's struct golock_waiter (a slot
 *    that outlives the thread) and parks on the slot's 32-bit futex word; a release
 *    dequeues exactly one waiter and readies exactly that thread, so the
 *    queue order is Go's, not the kernel's.  With `handoff` (a Mutex in
 *    starvation mode) the releaser takes the count on the waiter's behalf
 *    (Go's ticket) and yields the CPU, as Go's semrelease1 does.  How a
 *    parked thread waits and how soon a readied one runs is the part of
 *    Go's scheduler C has to supply; golock.c explains the policy.
 *
 *  - struct go_mutex: MU1-MU5.  state = locked | woken | starving | waiters
 *    << 3; normal mode lets newcomers barge and spin (at most 4 rounds of
 *    30 PAUSEs, only with more than one CPU and no runnext: canSpin); a waiter that
 *    waited more than 1 ms switches the mutex to starvation mode, where
 *    Unlock hands ownership directly to the head of the queue.
 *
 *  - struct go_rwmutex: R1-R9.  readerCount with the 2^30 offset a writer
 *    subtracts, readerWait (departing readers the writer waits for), w
 *    serializing writers, writer preference: a reader arriving after a
 *    writer announced itself sleeps on readerSem until that writer unlocks.
 *
 * Every hand-off of data between threads goes through an atomic with
 * acquire/release (or stronger) ordering; the futex calls only sleep and
 * wake, they are never what orders memory (ThreadSanitizer does not see
 * them).
 *
 * Misuse is reported, not fatal: an Unlock/RUnlock that Go answers with
 * "fatal error: sync: ..." returns a negative golock_err (after changing
 * the state exactly as Go does before it dies).  A lock must be set up with
 * its _init function; it owns no memory, so there is no _done.
 *
 * Counters (relaxed atomics, per lock, touched only on slow paths):
 * waits = semacquires that queued (a goroutine would park), sleeps = of
 * those, the ones that ended in an untimed kernel sleep, handoffs =
 * starvation-mode Unlocks that handed the mutex over, starving = switches
 * of the mutex into starvation mode.
 */
#ifndef MV_GOLOCK_H
#define MV_GOLOCK_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define GOLOCK_LINE 64

/* Misuse outcomes (R11, MU3); 0 = fine. */
#define GOLOCK_ERR_MAP(X)                                                   \
	X(UNLOCK, -1, "sync: unlock of unlocked mutex")                     \
	X(RUNLOCK, -2, "sync: RUnlock of unlocked RWMutex")                 \
	X(WUNLOCK, -3, "sync: Unlock of unlocked RWMutex")                  \
	X(INCONSISTENT, -4, "sync: inconsistent mutex state")

enum golock_err {
	GOLOCK_OK = 0,
#define GOLOCK_ERR_ENUM(name, val, msg) GOLOCK_E##name = (val),
	GOLOCK_ERR_MAP(GOLOCK_ERR_ENUM)
#undef GOLOCK_ERR_ENUM
};

/* Go's message for a negative golock_err ("" for GOLOCK_OK). */
const char *golock_strerror(int err);

enum {
	GOLOCK_MUTEX_LOCKED = 1,   /* MU1 */
	GOLOCK_MUTEX_WOKEN = 2,
	GOLOCK_MUTEX_STARVING = 4,
	GOLOCK_MUTEX_WAITER_SHIFT = 3,
};
#define GOLOCK_MAX_READERS (1 << 30) /* R1: rwmutexMaxReaders */
#define GOLOCK_STARVATION_NS 1000000 /* MU1: starvationThresholdNs */

struct golock_waiter; /* a queued thread (golock.c); lives on its stack */

/* runtime/sema.go: a semaphore word and its semaRoot. */
struct golock_sema {
	_Atomic uint32_t count;   /* the semaphore */
	_Atomic uint32_t nwait;   /* semaRoot.nwait: queued waiters */
	_Atomic uint32_t qlock;   /* semaRoot.lock: guards head/tail */
	struct golock_waiter *head, *tail;
	_Atomic int64_t queued_ns; /* when a waiter last queued (golock.c) */
	bool prespin;              /* poll before queueing when cold */
};

struct golock_stats {
	_Atomic uint64_t waits;
	_Atomic uint64_t sleeps;
	_Atomic uint64_t handoffs;
	_Atomic uint64_t starving;
};

/*
 * Layout.  As in Go, a Mutex's state word and an RWMutex's readerCount,
 * readerWait and w.state share one cache line: a lock taken by another
 * CPU costs one line transfer, not two.  The semaphores' queues, touched
 * only on slow paths, follow.  A lock is not padded itself: embed it on a
 * line of its own (alignas(GOLOCK_LINE)) when its neighbours are hot.
 */
struct go_mutex {
	_Atomic int32_t state; /* MU1 */
	bool can_spin;         /* more than one CPU */
	struct golock_sema sema;
	struct golock_stats st;
};

struct go_rwmutex {
	_Atomic int32_t reader_count; /* R2 */
	_Atomic int32_t reader_wait;
	struct go_mutex w;            /* R1: serializes writers */
	struct golock_sema writer_sem;
	struct golock_sema reader_sem;
	struct golock_stats st; /* waits on writer_sem and reader_sem */
};

/* A snapshot of a lock's counters (an RWMutex's include its w's). */
struct golock_counts {
	uint64_t waits, sleeps, handoffs, starving;
};

void go_mutex_init(struct go_mutex *m);
void go_rwmutex_init(struct go_rwmutex *rw);

/* Slow paths (golock.c). */
int go_mutex_lock_slow(struct go_mutex *m);
int go_mutex_unlock_slow(struct go_mutex *m, int32_t new_state);
void go_rwmutex_rlock_slow(struct go_rwmutex *rw);
int go_rwmutex_runlock_slow(struct go_rwmutex *rw, int32_t r);

/* MU2: 0, or GOLOCK_EINCONSISTENT if the state word was corrupted (by a
 * misused Unlock).  Go's fast path is the CAS 0 -> locked; a CAS that
 * must fail (the word shows waiters or a woken waiter, as it does for as
 * long as a readied waiter has not run yet) is skipped: a failed locked
 * instruction costs as much as a successful one. */
static inline int go_mutex_lock(struct go_mutex *m)
{
	int32_t old = 0;
	if (atomic_load_explicit(&m->state, memory_order_relaxed) == 0 &&
	    atomic_compare_exchange_strong_explicit(&m->state, &old, GOLOCK_MUTEX_LOCKED,
						    memory_order_acquire, memory_order_relaxed))
		return GOLOCK_OK;
	return go_mutex_lock_slow(m);
}

/* MU4 */
bool go_mutex_trylock(struct go_mutex *m);

/* MU3: 0, or GOLOCK_EUNLOCK when the mutex was not locked. */
static inline int go_mutex_unlock(struct go_mutex *m)
{
	int32_t n = atomic_fetch_sub_explicit(&m->state, GOLOCK_MUTEX_LOCKED, memory_order_release) -
		    GOLOCK_MUTEX_LOCKED;
	if (n != 0)
		return go_mutex_unlock_slow(m, n);
	return GOLOCK_OK;
}

/* R3 */
static inline void go_rwmutex_rlock(struct go_rwmutex *rw)
{
	if (atomic_fetch_add_explicit(&rw->reader_count, 1, memory_order_acq_rel) + 1 < 0)
		go_rwmutex_rlock_slow(rw);
}

/* R5: 0, or GOLOCK_ERUNLOCK. */
static inline int go_rwmutex_runlock(struct go_rwmutex *rw)
{
	int32_t r = atomic_fetch_sub_explicit(&rw->reader_count, 1, memory_order_acq_rel) - 1;
	if (r < 0)
		return go_rwmutex_runlock_slow(rw, r);
	return GOLOCK_OK;
}

bool go_rwmutex_tryrlock(struct go_rwmutex *rw); /* R4 */
int go_rwmutex_lock(struct go_rwmutex *rw);      /* R6: 0 or GOLOCK_EINCONSISTENT */
bool go_rwmutex_trylock(struct go_rwmutex *rw);  /* R7 */
int go_rwmutex_unlock(struct go_rwmutex *rw);    /* R8: 0 or GOLOCK_EWUNLOCK */

void go_mutex_counts(const struct go_mutex *m, struct golock_counts *c);

/* Waiter slots made so far, process-wide: one per thread that ever queued
 * on a lock, reused once that thread has exited (golock.c). */
unsigned golock_slots(void);
void go_rwmutex_counts(const struct go_rwmutex *rw, struct golock_counts *c);

#endif
