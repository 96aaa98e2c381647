/*
 * locks: Go 1.19's sync.Mutex and sync.RWMutex (sync/mutex.go,
 * sync/rwmutex.go, runtime/sema.go) as resumable step machines.  Rule
 * numbers (R6.2, MU3) refer to go-map-semantics.md.
 *
 * A lock is plain data (struct mv_lock): Go's words (Mutex.state, the
 * semaphores, readerCount, readerWait) plus the semaphores' wait queues
 * (which in Go live in the runtime's semtable) and display-only fields.
 * An operation in flight (struct mv_lock_op) holds the locals of Go's code.
 * Both are copyable with memcpy and hold no pointers but a static message.
 *
 * One call of mv_lock_step runs one phase: one atomic action of Go's code
 * on shared memory — a load, a CAS, an atomic add, one semacquire or one
 * semrelease — so a scheduler can interleave workers exactly where Go's
 * goroutines could interleave.  RWMutex.Lock/Unlock/TryLock run the nested
 * w.Lock/w.Unlock/w.TryLock as phases of the same operation.
 *
 * Blocking and waking (R12).  A step that parks the worker on a semaphore
 * returns MV_LK_BLOCKED; the worker is then queued in that semaphore and
 * must not be scheduled.  A step by another worker that releases a
 * semaphore dequeues one sleeper and appends its index to woken[] (at most
 * one per step): the caller makes it runnable again.  The woken worker's
 * next mv_lock_step completes its semacquire (the "wait_*" phases): with a
 * handoff ticket, or by taking the count if it is still there; if another
 * worker took the count in between (normal-mode Mutex barging), it queues
 * again and the step returns MV_LK_BLOCKED again, as Go's semacquire1
 * loop does.  Stepping a worker that is still queued is harmless: it
 * returns MV_LK_BLOCKED and changes nothing.
 *
 * Time is the caller's step counter `now`; a Mutex waiter that has waited
 * more than lk->starve_after steps switches the Mutex to starvation mode
 * (MU5).  starve_after stands for Go's 1 ms (starvationThresholdNs).
 *
 * The model never spins: it runs one goroutine at a time, as with
 * GOMAXPROCS=1, where runtime_canSpin is always false (MU2).
 */
#ifndef MV_LOCKS_H
#define MV_LOCKS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/core/event.h"
#include "engine/core/spec.h"

/* Workers are numbered 0..63 (= MV_MAX_WORKERS in world.h). */
#define MV_LOCK_MAX_WAITERS 64
/* Default lk->starve_after: Go's 1 ms starvation threshold, in steps. */
#define MV_LOCK_STARVE_AFTER 1000

/* MU1 */
enum {
	MV_MUTEX_LOCKED = 1,
	MV_MUTEX_WOKEN = 2,
	MV_MUTEX_STARVING = 4,
	MV_MUTEX_WAITER_SHIFT = 3,
};
/* R1: rwmutexMaxReaders */
#define MV_RW_MAX_READERS ((int32_t)1 << 30)

/* A runtime semaphore (R12): Go's uint32 plus its wait list.  q[0] is the
 * head (next to be woken); a LIFO acquire inserts at the head (MU2). */
struct mv_sema {
	uint32_t count;
	uint32_t n;                      /* sleepers queued */
	uint32_t q[MV_LOCK_MAX_WAITERS]; /* worker indices, head first */
	uint64_t ticket;                 /* bit w: w was handed the count
					    directly (sudog.ticket, MU3) */
};

struct mv_mutex {
	int32_t state;          /* MU1 */
	struct mv_sema sema;    /* MU1 */
	uint64_t holder_mask;   /* display only: who locked it last */
};

struct mv_rwmutex {
	struct mv_mutex w;      /* R1: serializes writers */
	struct mv_sema writer_sem, reader_sem;
	int32_t reader_count, reader_wait;
	/* display only — R10: Go records no owner.  read_holds[w] counts the
	 * read locks w took and has not given back (an RUnlock by a worker
	 * holding none is charged to the lowest-numbered holder). */
	uint64_t readers_mask, writer_mask;
	uint8_t read_holds[MV_LOCK_MAX_WAITERS];
};

struct mv_lock {
	enum mv_lock_kind kind;
	union {
		struct mv_mutex mu;     /* MV_LOCK_MUTEX */
		struct mv_rwmutex rw;   /* MV_LOCK_RWMUTEX */
	};
	uint32_t index;          /* reported as n of LOCK_* events; set it after init */
	uint64_t starve_after;   /* Go's 1 ms, in steps (MU5) */
	/* counters */
	uint64_t acquisitions;      /* Lock, successful TryLock (and RWMutex writes) */
	uint64_t read_acquisitions; /* RLock, successful TryRLock */
	uint64_t contended;         /* acquisitions whose op slept at least once */
	uint64_t waits;             /* times a worker went to sleep on a semaphore */
	uint64_t handoffs;          /* starvation-mode direct handoffs (MU3) */
};

/* The phases, in Go's order; the string is the name people see. */
#define MV_LK_PHASE_MAP(X)                                                  \
	X(START, "start")                           /* not yet run */          \
	/* Mutex.Lock, also RWMutex.w.Lock (MU2) */                            \
	X(FAST_CAS, "fast_cas")                     /* CAS 0 -> locked */      \
	X(LOAD_STATE, "load_state")                 /* old := m.state */       \
	X(SLOW_CAS, "slow_cas")                     /* CAS old -> new */       \
	X(SEM_ACQUIRE, "sem_acquire")               /* semacquire(m.sema) */   \
	X(SEM_WAIT, "sem_wait")                     /* asleep on m.sema */     \
	X(WOKE_LOAD, "woke_load")                   /* old := m.state */       \
	X(TAKE_HANDOFF, "take_handoff")             /* add locked-waiter */    \
	/* Mutex.TryLock, also w.TryLock (MU4) */                              \
	X(TRYLOCK_LOAD, "trylock_load")                                        \
	X(TRYLOCK_CAS, "trylock_cas")                                          \
	/* Mutex.Unlock, also w.Unlock (MU3) */                                \
	X(UNLOCK_ADD, "unlock_add")                 /* state -= locked */      \
	X(UNLOCK_LOAD, "unlock_load")               /* old := m.state */       \
	X(UNLOCK_CAS, "unlock_cas")                 /* waiters-1 | woken */    \
	X(SEM_RELEASE, "sem_release")               /* normal mode */          \
	X(SEM_HANDOFF, "sem_handoff")               /* starvation mode */      \
	/* RWMutex.RLock (R3) */                                               \
	X(ADD_READER_COUNT, "add_reader_count")                                \
	X(ACQUIRE_READER_SEM, "acquire_reader_sem")                            \
	X(WAIT_READER_SEM, "wait_reader_sem")                                  \
	/* RWMutex.TryRLock (R4) */                                            \
	X(TRYRLOCK_LOAD, "tryrlock_load")                                      \
	X(TRYRLOCK_CAS, "tryrlock_cas")                                        \
	/* RWMutex.RUnlock (R5) */                                             \
	X(SUB_READER_COUNT, "sub_reader_count")                                \
	X(SUB_READER_WAIT, "sub_reader_wait")                                  \
	X(RELEASE_WRITER_SEM, "release_writer_sem")                            \
	/* RWMutex.Lock after w.Lock (R6.2, R6.3) */                           \
	X(ANNOUNCE_WRITER, "announce_writer")       /* readerCount -= 2^30 */  \
	X(ADD_READER_WAIT, "add_reader_wait")                                  \
	X(ACQUIRE_WRITER_SEM, "acquire_writer_sem")                            \
	X(WAIT_WRITER_SEM, "wait_writer_sem")                                  \
	/* RWMutex.TryLock after w.TryLock (R7) */                             \
	X(TRYLOCK_ANNOUNCE, "trylock_announce")     /* CAS 0 -> -2^30 */       \
	/* RWMutex.Unlock before w.Unlock (R8) */                              \
	X(RETRACT_WRITER, "retract_writer")         /* readerCount += 2^30 */  \
	X(RELEASE_READER_SEM, "release_reader_sem")                            \
	X(DONE, "done")

enum mv_lk_phase {
#define MV_LK_PHASE_ENUM(name, str) MV_LK_PH_##name,
	MV_LK_PHASE_MAP(MV_LK_PHASE_ENUM)
#undef MV_LK_PHASE_ENUM
	MV_LK_PH__COUNT
};

/* One in-flight operation.  Plain data: copy it with the lock. */
struct mv_lock_op {
	enum mv_instr_kind kind;  /* MV_I_LOCK, UNLOCK, RLOCK, RUNLOCK, TRYLOCK, TRYRLOCK */
	enum mv_lk_phase phase;   /* the next phase to run */
	enum mv_lk_phase last;    /* the phase run by the latest step */
	/* locals of Go's code */
	int32_t old;              /* lockSlow, unlockSlow, TryLock: old; TryRLock: c */
	int32_t r;                /* RWMutex.Lock, Unlock: r */
	int32_t i;                /* RWMutex.Unlock: readers released so far */
	bool starving, awoke;     /* lockSlow (no iter: the model never spins) */
	bool has_wait_start;      /* lockSlow: waitStartTime != 0 */
	uint64_t wait_start;      /* lockSlow: waitStartTime, in steps */
	bool lifo;                /* the semacquire in progress queues at the head */
	/* results */
	bool result;              /* Lock/RLock: true once held; Try*: Go's result */
	bool parked;              /* slept on a semaphore at least once */
	bool yield;               /* the latest step was a handoff (MU3): Go's
				     unlocker yields to the woken worker, so
				     run woken[0] next to follow Go */
	uint32_t steps;           /* phases run so far */
	const char *fatal;        /* static: Go's message when it ended fatally */
};

enum mv_lkres {
	MV_LK_MORE,    /* the operation has more phases */
	MV_LK_BLOCKED, /* the worker sleeps on a semaphore: not runnable until woken */
	MV_LK_DONE,    /* finished; op->result for Try* */
	MV_LK_FATAL,   /* a fatal error (E6): op->fatal holds Go's message */
};

const char *mv_lk_phase_name(enum mv_lk_phase p);
const char *mv_lkres_name(enum mv_lkres r);

/* A zero (unlocked) lock, index 0, starve_after MV_LOCK_STARVE_AFTER. */
void mv_lock_init(struct mv_lock *lk, enum mv_lock_kind kind);
void mv_lock_op_init(struct mv_lock_op *op, enum mv_instr_kind kind);

/*
 * Run one phase of op by worker self (< MV_LOCK_MAX_WAITERS) at time now.
 * Workers this step made runnable are appended to woken[*nwoken] (at most
 * one per step; woken may be NULL to drop them).  Events go to sink when it
 * is on: LOCK_WAIT when self goes to sleep, LOCK_ACQUIRE when the operation
 * obtains the lock, LOCK_RELEASE at the step that gives it up, LOCK_HANDOFF
 * (other = the worker handed to) in starvation mode, FATAL; n is lk->index.
 * An op the lock kind does not have (RLock of a Mutex) ends MV_LK_FATAL
 * with a "mapviz:" message: scene loaders should reject it first.
 */
enum mv_lkres mv_lock_step(struct mv_lock *lk, struct mv_lock_op *op, uint32_t self, uint64_t now,
			   uint32_t *woken, uint32_t *nwoken, const struct mv_sink *sink);

/* Convenience (tests, benchmarks): step op until it is no longer
 * MV_LK_MORE.  woken needs room for MV_LOCK_MAX_WAITERS + 1 more entries
 * (or is NULL).  If it returns MV_LK_BLOCKED, op is parked and resumable
 * with mv_lock_step once woken. */
enum mv_lkres mv_lock_run(struct mv_lock *lk, struct mv_lock_op *op, uint32_t self, uint64_t now,
			  uint32_t *woken, uint32_t *nwoken, const struct mv_sink *sink);

/* The Mutex a Mutex operation works on: the lock itself, or RWMutex.w. */
static inline struct mv_mutex *mv_lock_mutex(struct mv_lock *lk)
{
	return lk->kind == MV_LOCK_MUTEX ? &lk->mu : &lk->rw.w;
}

/* Whether worker w sleeps on one of lk's semaphores (display, deadlock
 * reports). */
bool mv_lock_queued(const struct mv_lock *lk, uint32_t w);
/* Mutex.state >> mutexWaiterShift (MU1). */
static inline int32_t mv_mutex_waiters(const struct mv_mutex *m)
{
	return m->state >> MV_MUTEX_WAITER_SHIFT;
}

#endif
