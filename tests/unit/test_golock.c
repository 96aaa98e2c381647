/*
 * Multi-threaded tests of engine/golock (sync.Mutex, sync.RWMutex: MU, R)
 * and engine/gosyncmap (sync.Map: S) on real threads.  Worker threads
 * never ASSERT (that longjmps on the main thread's stack); they count what
 * they saw in atomics and the test asserts after joining them.  Data that
 * a lock protects is plain (non-atomic) memory, so ThreadSanitizer checks
 * the locks' happens-before edges: `make SAN=tsan build-tsan/unit-tests &&
 * build-tsan/unit-tests golock` must report nothing.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include "engine/bench/golock.h"
#include "engine/classic/gosyncmap.h"
#include "engine/core/rng.h"
#include "unit.h"

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_us(long us)
{
	struct timespec d = {us / 1000000, (us % 1000000) * 1000};
	nanosleep(&d, NULL);
}

/* Wait (yielding) until *a >= n, at most ~10 s; false on timeout. */
static bool wait_at_least(_Atomic int *a, int n)
{
	uint64_t end = now_ns() + 10000000000u;
	while (atomic_load(a) < n) {
		if (now_ns() > end)
			return false;
		sched_yield();
	}
	return true;
}

static inline uint64_t xorshift64(uint64_t x)
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

#define MAXT 8

struct team {
	pthread_t th[MAXT];
	int n;
};

static void team_run(struct team *t, int n, void *(*fn)(void *), void *args, size_t argsize)
{
	t->n = n;
	for (int i = 0; i < n; i++)
		ASSERT(pthread_create(&t->th[i], NULL, fn, (char *)args + (size_t)i * argsize) == 0);
}

static void team_join(struct team *t)
{
	for (int i = 0; i < t->n; i++)
		pthread_join(t->th[i], NULL);
}

/* ------------------------------------------------------------------ */
/* sync.Mutex                                                          */

struct mx_shared {
	struct go_mutex mu;
	int64_t counter; /* plain: only under mu */
	int64_t pairs[2]; /* always equal outside mu */
	_Atomic int inside;
	_Atomic int overlap;
	_Atomic int errors;
	int iters;
};

struct mx_arg {
	struct mx_shared *sh;
};

static void *mx_worker(void *p)
{
	struct mx_shared *sh = ((struct mx_arg *)p)->sh;
	for (int i = 0; i < sh->iters; i++) {
		if (go_mutex_lock(&sh->mu))
			atomic_fetch_add(&sh->errors, 1);
		if (atomic_fetch_add(&sh->inside, 1) != 0)
			atomic_fetch_add(&sh->overlap, 1);
		sh->counter++;
		if (sh->pairs[0] != sh->pairs[1])
			atomic_fetch_add(&sh->errors, 1);
		sh->pairs[0]++;
		sh->pairs[1]++;
		atomic_fetch_sub(&sh->inside, 1);
		if (go_mutex_unlock(&sh->mu))
			atomic_fetch_add(&sh->errors, 1);
	}
	return NULL;
}

/* MU2/MU3: mutual exclusion under contention; every increment survives. */
static void mutex_exclusion(void)
{
	static struct mx_shared sh;
	memset(&sh, 0, sizeof sh);
	go_mutex_init(&sh.mu);
	sh.iters = 50000;
	struct mx_arg args[MAXT];
	for (int i = 0; i < MAXT; i++)
		args[i].sh = &sh;
	struct team t;
	team_run(&t, MAXT, mx_worker, args, sizeof args[0]);
	team_join(&t);
	ASSERT_EQ(sh.counter, (int64_t)MAXT * sh.iters);
	ASSERT_EQ(sh.pairs[0], sh.pairs[1]);
	ASSERT_EQ(atomic_load(&sh.overlap), 0);
	ASSERT_EQ(atomic_load(&sh.errors), 0);
	ASSERT_EQ(atomic_load(&sh.mu.state), 0);
}

/* MU3, MU4: TryLock, and Unlock of an unlocked mutex reported. */
static void mutex_trylock_misuse(void)
{
	struct go_mutex mu;
	go_mutex_init(&mu);
	ASSERT(go_mutex_trylock(&mu));
	ASSERT(!go_mutex_trylock(&mu));
	ASSERT_EQ(go_mutex_unlock(&mu), GOLOCK_OK);
	ASSERT_EQ(go_mutex_unlock(&mu), GOLOCK_EUNLOCK);
	ASSERT_STR(golock_strerror(GOLOCK_EUNLOCK), "sync: unlock of unlocked mutex");
}

struct starve_shared {
	struct go_mutex mu;
	_Atomic int stop;
	_Atomic int victim_done;
	_Atomic int hog_ready;
	uint64_t victim_wait_ns;
	int64_t owner_log; /* plain, under mu */
};

/* Holds the mutex ~100 us at a time and takes it back at once (barging). */
static void *hog(void *p)
{
	struct starve_shared *sh = p;
	go_mutex_lock(&sh->mu);
	atomic_store(&sh->hog_ready, 1);
	while (!atomic_load(&sh->stop)) {
		uint64_t until = now_ns() + 100000;
		while (now_ns() < until)
			;
		sh->owner_log++;
		go_mutex_unlock(&sh->mu);
		go_mutex_lock(&sh->mu);
	}
	go_mutex_unlock(&sh->mu);
	return NULL;
}

static void *victim(void *p)
{
	struct starve_shared *sh = p;
	uint64_t t0 = now_ns();
	go_mutex_lock(&sh->mu);
	sh->victim_wait_ns = now_ns() - t0;
	sh->owner_log += 1000000;
	go_mutex_unlock(&sh->mu);
	atomic_store(&sh->victim_done, 1);
	return NULL;
}

/* MU2, MU5: a waiter kept out by a barging hog for over 1 ms switches the
 * mutex to starvation mode and is handed the lock. */
static void mutex_starvation_handoff(void)
{
	static struct starve_shared sh;
	memset(&sh, 0, sizeof sh);
	go_mutex_init(&sh.mu);
	pthread_t h, v;
	ASSERT(pthread_create(&h, NULL, hog, &sh) == 0);
	if (!wait_at_least(&sh.hog_ready, 1)) {
		atomic_store(&sh.stop, 1);
		pthread_join(h, NULL);
		ASSERT(!"hog did not start");
	}
	ASSERT(pthread_create(&v, NULL, victim, &sh) == 0);
	bool served = wait_at_least(&sh.victim_done, 1);
	atomic_store(&sh.stop, 1);
	pthread_join(v, NULL);
	pthread_join(h, NULL);
	ASSERT(served);
	struct golock_counts c;
	go_mutex_counts(&sh.mu, &c);
	ASSERT(sh.owner_log >= 1000000);
	ASSERT(c.waits >= 1);
	/* the victim waited for more than the 1 ms threshold: it must have
	 * been served by a starvation-mode handoff */
	if (sh.victim_wait_ns > 2 * GOLOCK_STARVATION_NS) {
		ASSERT(c.starving >= 1);
		ASSERT(c.handoffs >= 1);
	}
	ASSERT_EQ(atomic_load(&sh.mu.state), 0);
}

/* ------------------------------------------------------------------ */
/* parking                                                             */

/* Short-lived threads contending on a mutex: exclusion holds, and threads
 * that exited leave their waiter slots to later ones (slots are never
 * freed, so without reuse every thread would add one). */
static void parking_slots_reused(void)
{
	static struct mx_shared sh;
	memset(&sh, 0, sizeof sh);
	go_mutex_init(&sh.mu);
	sh.iters = 2000;
	struct mx_arg args[4];
	for (int i = 0; i < 4; i++)
		args[i].sh = &sh;
	unsigned before = golock_slots();
	int rounds = 0;
	struct golock_counts c;
	/* until they did queue (and so take slots): on a busy machine the
	 * threads may not overlap at first */
	do {
		for (int r = 0; r < 40; r++, rounds++) {
			struct team t;
			team_run(&t, 4, mx_worker, args, sizeof args[0]);
			team_join(&t);
		}
		go_mutex_counts(&sh.mu, &c);
	} while (c.waits == 0 && rounds < 400);
	ASSERT_EQ(sh.counter, (int64_t)rounds * 4 * sh.iters);
	ASSERT_EQ(atomic_load(&sh.overlap), 0);
	ASSERT_EQ(atomic_load(&sh.errors), 0);
	ASSERT(c.waits > 0);
	ASSERT(golock_slots() <= before + 4);
}

struct grace_shared {
	struct go_mutex mu;
	_Atomic int waiter_in;
	_Atomic int stop;
};

static void *grace_waiter(void *p)
{
	struct grace_shared *sh = p;
	go_mutex_lock(&sh->mu);
	atomic_store(&sh->waiter_in, 1);
	go_mutex_unlock(&sh->mu);
	return NULL;
}

/* A readied waiter is its releaser's runnext and runs when the releaser
 * blocks; a releaser that never blocks again must not keep it waiting
 * forever: it runs once its grace is over. */
static void parking_runnext_grace(void)
{
	static struct grace_shared sh;
	memset(&sh, 0, sizeof sh);
	go_mutex_init(&sh.mu);
	ASSERT_EQ(go_mutex_lock(&sh.mu), GOLOCK_OK);
	pthread_t th;
	ASSERT(pthread_create(&th, NULL, grace_waiter, &sh) == 0);
	/* until the waiter is queued on the semaphore */
	struct golock_counts c;
	uint64_t end = now_ns() + 10000000000u;
	do {
		go_mutex_counts(&sh.mu, &c);
	} while (c.waits == 0 && now_ns() < end);
	ASSERT_EQ(go_mutex_unlock(&sh.mu), GOLOCK_OK); /* readies it */
	/* this thread keeps running and never blocks */
	end = now_ns() + 10000000000u;
	while (!atomic_load(&sh.waiter_in) && now_ns() < end)
		;
	/* (on failure the waiter is left behind: joining it would hang) */
	ASSERT(atomic_load(&sh.waiter_in));
	pthread_join(th, NULL);
	ASSERT(c.waits == 1);
	ASSERT_EQ(atomic_load(&sh.mu.state), 0);
}

/* ------------------------------------------------------------------ */
/* sync.RWMutex                                                        */

struct rw_shared {
	struct go_rwmutex rw;
	int nreaders;
	_Atomic int inside_r;
	_Atomic int inside_w;
	_Atomic int max_r;
	_Atomic int all_in; /* readers that reached the rendezvous */
	_Atomic int bad;
	int64_t a, b; /* plain, written under Lock */
	int iters;
	uint64_t seed;
};

struct rw_arg {
	struct rw_shared *sh;
	int id;
};

/* R3, R5: N readers all inside at once. */
static void *rw_rendezvous(void *p)
{
	struct rw_arg *a = p;
	struct rw_shared *sh = a->sh;
	go_rwmutex_rlock(&sh->rw);
	atomic_fetch_add(&sh->all_in, 1);
	if (!wait_at_least(&sh->all_in, sh->nreaders))
		atomic_fetch_add(&sh->bad, 1);
	if (go_rwmutex_runlock(&sh->rw))
		atomic_fetch_add(&sh->bad, 1);
	return NULL;
}

static void rwmutex_readers_concurrent(void)
{
	static struct rw_shared sh;
	memset(&sh, 0, sizeof sh);
	go_rwmutex_init(&sh.rw);
	sh.nreaders = 6;
	struct rw_arg args[MAXT];
	for (int i = 0; i < MAXT; i++)
		args[i] = (struct rw_arg){&sh, i};
	struct team t;
	team_run(&t, sh.nreaders, rw_rendezvous, args, sizeof args[0]);
	team_join(&t);
	ASSERT_EQ(atomic_load(&sh.bad), 0);
	ASSERT_EQ(atomic_load(&sh.all_in), sh.nreaders);
	ASSERT_EQ(atomic_load(&sh.rw.reader_count), 0);
	ASSERT_EQ(atomic_load(&sh.rw.reader_wait), 0);
}

/* R6, R8: writers exclusive against readers and each other. */
static void *rw_mixed(void *p)
{
	struct rw_arg *a = p;
	struct rw_shared *sh = a->sh;
	uint64_t x = mv_splitmix64(sh->seed + (uint64_t)a->id) | 1;
	for (int i = 0; i < sh->iters; i++) {
		x = xorshift64(x);
		if (x % 4 == 0) {
			go_rwmutex_lock(&sh->rw);
			if (atomic_fetch_add(&sh->inside_w, 1) != 0 || atomic_load(&sh->inside_r) != 0)
				atomic_fetch_add(&sh->bad, 1);
			sh->a++;
			sh->b++;
			atomic_fetch_sub(&sh->inside_w, 1);
			if (go_rwmutex_unlock(&sh->rw))
				atomic_fetch_add(&sh->bad, 1);
		} else {
			go_rwmutex_rlock(&sh->rw);
			int r = atomic_fetch_add(&sh->inside_r, 1) + 1;
			int m = atomic_load(&sh->max_r);
			while (r > m && !atomic_compare_exchange_weak(&sh->max_r, &m, r))
				;
			if (atomic_load(&sh->inside_w) != 0 || sh->a != sh->b)
				atomic_fetch_add(&sh->bad, 1);
			atomic_fetch_sub(&sh->inside_r, 1);
			if (go_rwmutex_runlock(&sh->rw))
				atomic_fetch_add(&sh->bad, 1);
		}
	}
	return NULL;
}

static void rwmutex_writer_exclusive(void)
{
	static struct rw_shared sh;
	memset(&sh, 0, sizeof sh);
	go_rwmutex_init(&sh.rw);
	sh.iters = 30000;
	sh.seed = 42;
	struct rw_arg args[MAXT];
	for (int i = 0; i < MAXT; i++)
		args[i] = (struct rw_arg){&sh, i};
	struct team t;
	team_run(&t, MAXT, rw_mixed, args, sizeof args[0]);
	team_join(&t);
	ASSERT_EQ(atomic_load(&sh.bad), 0);
	ASSERT_EQ(sh.a, sh.b);
	ASSERT(sh.a > 0);
	ASSERT_EQ(atomic_load(&sh.rw.reader_count), 0);
	ASSERT_EQ(atomic_load(&sh.rw.w.state), 0);
}

struct pref_shared {
	struct go_rwmutex rw;
	_Atomic int step; /* order of events, see writer_preference */
	_Atomic int w_got, r2_got;
	int order[2]; /* plain: written under the lock */
	int norder;
};

static void *pref_writer(void *p)
{
	struct pref_shared *sh = p;
	go_rwmutex_lock(&sh->rw);
	sh->order[sh->norder++] = 'W';
	atomic_store(&sh->w_got, 1);
	sleep_us(20000); /* give R2 every chance to barge in */
	go_rwmutex_unlock(&sh->rw);
	return NULL;
}

static void *pref_reader2(void *p)
{
	struct pref_shared *sh = p;
	go_rwmutex_rlock(&sh->rw);
	sh->order[sh->norder++] = 'R';
	atomic_store(&sh->r2_got, 1);
	go_rwmutex_runlock(&sh->rw);
	return NULL;
}

/* R9: a reader arriving after a waiting writer does not get in before it,
 * even though only readers hold the lock. */
static void rwmutex_writer_preference(void)
{
	static struct pref_shared sh;
	memset(&sh, 0, sizeof sh);
	go_rwmutex_init(&sh.rw);
	go_rwmutex_rlock(&sh.rw); /* R1: this thread */
	pthread_t w, r2;
	ASSERT(pthread_create(&w, NULL, pref_writer, &sh) == 0);
	/* wait until the writer has announced itself (R6.2) */
	uint64_t end = now_ns() + 10000000000u;
	while (atomic_load(&sh.rw.reader_count) >= 0 && now_ns() < end)
		sched_yield();
	bool announced = atomic_load(&sh.rw.reader_count) < 0;
	bool try_r = go_rwmutex_tryrlock(&sh.rw); /* R4: must fail now */
	ASSERT(pthread_create(&r2, NULL, pref_reader2, &sh) == 0);
	sleep_us(20000);
	int w_early = atomic_load(&sh.w_got), r2_early = atomic_load(&sh.r2_got);
	go_rwmutex_runlock(&sh.rw); /* R1 leaves: the writer goes first */
	pthread_join(w, NULL);
	pthread_join(r2, NULL);
	ASSERT(announced);
	ASSERT(!try_r);
	ASSERT_EQ(w_early, 0);  /* the writer waited for R1 */
	ASSERT_EQ(r2_early, 0); /* R2 queued behind the writer */
	ASSERT_EQ(sh.norder, 2);
	ASSERT_EQ(sh.order[0], 'W');
	ASSERT_EQ(sh.order[1], 'R');
	ASSERT_EQ(atomic_load(&sh.rw.reader_count), 0);
	ASSERT_EQ(atomic_load(&sh.rw.reader_wait), 0);
	struct golock_counts c;
	go_rwmutex_counts(&sh.rw, &c);
	ASSERT(c.waits >= 2); /* the writer on writerSem, R2 on readerSem */
}

/* R4, R7, R11: TryLock / TryRLock and misuse reports. */
static void rwmutex_try_and_misuse(void)
{
	struct go_rwmutex rw;
	go_rwmutex_init(&rw);
	ASSERT_EQ(go_rwmutex_runlock(&rw), GOLOCK_ERUNLOCK);
	go_rwmutex_init(&rw);
	ASSERT_EQ(go_rwmutex_unlock(&rw), GOLOCK_EWUNLOCK);
	go_rwmutex_init(&rw);
	ASSERT(go_rwmutex_tryrlock(&rw));
	ASSERT(!go_rwmutex_trylock(&rw));
	ASSERT_EQ(go_rwmutex_runlock(&rw), GOLOCK_OK);
	ASSERT(go_rwmutex_trylock(&rw));
	ASSERT(!go_rwmutex_tryrlock(&rw));
	ASSERT(!go_rwmutex_trylock(&rw));
	ASSERT_EQ(go_rwmutex_unlock(&rw), GOLOCK_OK);
	ASSERT_EQ(go_rwmutex_unlock(&rw), GOLOCK_EWUNLOCK); /* R11 */
	ASSERT_STR(golock_strerror(GOLOCK_EWUNLOCK), "sync: Unlock of unlocked RWMutex");
}

/* ------------------------------------------------------------------ */
/* sync.Map                                                            */

struct count_ctx {
	int64_t n, sum;
};

static bool count_cb(void *ctx, int64_t key, int64_t value)
{
	struct count_ctx *c = ctx;
	(void)key;
	c->n++;
	c->sum += value;
	return true;
}

/* S5-S11 on one thread, including promotion, expunge and unexpunge. */
static void syncmap_basics(void)
{
	struct gosyncmap m;
	ASSERT_EQ(gosyncmap_init(&m, 1, 7), MV_OK);
	struct gsm_thread *t = gosyncmap_thread(&m, 0);
	int64_t v = -1;
	ASSERT(!gosyncmap_load(t, 1, &v));
	gosyncmap_store(t, 1, 10); /* S7.5: into dirty, read amended */
	ASSERT(gosyncmap_load(t, 1, &v)); /* a miss: len(dirty) = 1 promotes */
	ASSERT_EQ(v, 10);
	struct gsm_stats st;
	gosyncmap_counts(&m, NULL, &st);
	ASSERT_EQ(st.promotions, 1);
	ASSERT(m.dirty == NULL);
	gosyncmap_store(t, 1, 11); /* S7.1: lock-free in read */
	ASSERT(gosyncmap_load(t, 1, &v));
	ASSERT_EQ(v, 11);
	/* S9 */
	int64_t actual;
	ASSERT(gosyncmap_load_or_store(t, 1, 99, &actual));
	ASSERT_EQ(actual, 11);
	ASSERT(!gosyncmap_load_or_store(t, 2, 20, &actual)); /* new key: dirty */
	ASSERT_EQ(actual, 20);
	/* S10: key 1 in read: p := nil, stays in read.m */
	ASSERT(gosyncmap_load_and_delete(t, 1, &v));
	ASSERT_EQ(v, 11);
	ASSERT(!gosyncmap_load(t, 1, &v));
	ASSERT(!gosyncmap_load_and_delete(t, 1, &v));
	/* promote {1 (nil), 2}: misses until len(dirty) */
	ASSERT(gosyncmap_load(t, 2, &v));
	ASSERT(gosyncmap_load(t, 2, &v));
	gosyncmap_counts(&m, NULL, &st);
	ASSERT_EQ(st.promotions, 2);
	/* S8: a new key copies read into dirty and expunges nil entry 1 */
	gosyncmap_store(t, 3, 30);
	ASSERT(m.dirty != NULL);
	ASSERT_EQ(m.dirty->m.count, 2); /* 2 and 3; 1 expunged */
	ASSERT(!gosyncmap_load(t, 1, &v));
	/* S7.3: storing the expunged key unexpunges it into dirty */
	gosyncmap_store(t, 1, 12);
	ASSERT_EQ(m.dirty->m.count, 3);
	ASSERT(gosyncmap_load(t, 1, &v));
	ASSERT_EQ(v, 12);
	/* S10: a key only in dirty is removed from dirty */
	gosyncmap_store(t, 4, 40);
	ASSERT_EQ(m.dirty->m.count, 4);
	gosyncmap_delete(t, 4);
	ASSERT(m.dirty == NULL || m.dirty->m.count == 3);
	ASSERT(!gosyncmap_load(t, 4, &v));
	/* S11: Range promotes and sees 1, 2, 3 */
	struct count_ctx c = {0, 0};
	gosyncmap_range(t, count_cb, &c);
	ASSERT_EQ(c.n, 3);
	ASSERT_EQ(c.sum, 12 + 20 + 30);
	ASSERT(m.dirty == NULL);
	gosyncmap_done(&m);
}

#define SM_THREADS 4
#define SM_OWN 64    /* keys each thread owns */
#define SM_SHARED 8  /* keys every thread writes */

struct sm_shared {
	struct gosyncmap m;
	int iters;
	_Atomic int bad_own;    /* own key read back wrong */
	_Atomic int bad_shared; /* a writer's sequence went backwards */
	_Atomic int bad_value;  /* a value that no one stored (torn or reused box) */
};

struct sm_arg {
	struct sm_shared *sh;
	int id;
};

static int64_t own_key(int id, int k)
{
	return (int64_t)mv_splitmix64((uint64_t)(id * 1000 + k));
}

static int64_t shared_key(int k)
{
	return -1 - k;
}

/* A shared value: writer id, its sequence number, a check field. */
static int64_t shared_val(int id, int64_t seq)
{
	uint64_t body = ((uint64_t)seq << 8) | (uint64_t)id;
	return (int64_t)((body << 16) | (mv_splitmix64(body) & 0xffff));
}

static bool shared_ok(int64_t v, int *id, int64_t *seq)
{
	uint64_t body = (uint64_t)v >> 16;
	if ((mv_splitmix64(body) & 0xffff) != ((uint64_t)v & 0xffff))
		return false;
	*id = (int)(body & 0xff);
	*seq = (int64_t)(body >> 8);
	return *id < SM_THREADS;
}

static void *sm_worker(void *p)
{
	struct sm_arg *a = p;
	struct sm_shared *sh = a->sh;
	struct gsm_thread *t = gosyncmap_thread(&sh->m, (uint32_t)a->id);
	int64_t model[SM_OWN];   /* own keys: value, or -1 = absent */
	int64_t seen[SM_SHARED][SM_THREADS]; /* last seq seen per key, writer */
	int64_t myseq = 0;
	for (int k = 0; k < SM_OWN; k++)
		model[k] = -1;
	for (int k = 0; k < SM_SHARED; k++)
		for (int w = 0; w < SM_THREADS; w++)
			seen[k][w] = -1;
	uint64_t x = mv_splitmix64((uint64_t)a->id + 99) | 1;
	for (int i = 0; i < sh->iters; i++) {
		x = xorshift64(x);
		int op = (int)(x % 8), k = (int)((x >> 8) % SM_OWN), s = (int)((x >> 20) % SM_SHARED);
		int64_t key = own_key(a->id, k), v = -2, want = model[k];
		switch (op) {
		case 0:
		case 1:
			gosyncmap_store(t, key, i);
			model[k] = i;
			break;
		case 2: {
			int64_t actual;
			bool loaded = gosyncmap_load_or_store(t, key, i, &actual);
			if (loaded != (want >= 0) || actual != (want >= 0 ? want : i))
				atomic_fetch_add(&sh->bad_own, 1);
			if (!loaded)
				model[k] = i;
			break;
		}
		case 3: {
			bool had = gosyncmap_load_and_delete(t, key, &v);
			if (had != (want >= 0) || (had && v != want))
				atomic_fetch_add(&sh->bad_own, 1);
			model[k] = -1;
			break;
		}
		case 4:
			if (gosyncmap_load(t, key, &v) != (want >= 0) || (want >= 0 && v != want))
				atomic_fetch_add(&sh->bad_own, 1);
			break;
		case 5:
			gosyncmap_store(t, shared_key(s), shared_val(a->id, ++myseq));
			break;
		default: {
			int id;
			int64_t seq;
			if (!gosyncmap_load(t, shared_key(s), &v))
				break;
			if (!shared_ok(v, &id, &seq)) {
				atomic_fetch_add(&sh->bad_value, 1);
				break;
			}
			if (seq < seen[s][id])
				atomic_fetch_add(&sh->bad_shared, 1);
			seen[s][id] = seq;
			break;
		}
		}
	}
	/* the final state of own keys, as the model says */
	for (int k = 0; k < SM_OWN; k++) {
		int64_t v = -2;
		bool ok = gosyncmap_load(t, own_key(a->id, k), &v);
		if (ok != (model[k] >= 0) || (ok && v != model[k]))
			atomic_fetch_add(&sh->bad_own, 1);
	}
	gosyncmap_offline(t);
	return NULL;
}

/* S: concurrent Store/Load/LoadOrStore/Delete with a checker: each thread
 * verifies its own keys against a sequential model; on shared keys every
 * value is one some writer stored, and each reader sees each writer's
 * sequence numbers in order. */
static void syncmap_concurrent(void)
{
	static struct sm_shared sh;
	memset(&sh, 0, sizeof sh);
	ASSERT_EQ(gosyncmap_init(&sh.m, SM_THREADS, 11), MV_OK);
	sh.iters = 40000;
	struct sm_arg args[SM_THREADS];
	for (int i = 0; i < SM_THREADS; i++)
		args[i] = (struct sm_arg){&sh, i};
	struct team t;
	team_run(&t, SM_THREADS, sm_worker, args, sizeof args[0]);
	team_join(&t);
	ASSERT_EQ(atomic_load(&sh.bad_own), 0);
	ASSERT_EQ(atomic_load(&sh.bad_shared), 0);
	ASSERT_EQ(atomic_load(&sh.bad_value), 0);
	struct gsm_stats st;
	gosyncmap_counts(&sh.m, NULL, &st);
	ASSERT(st.promotions > 0);
	ASSERT(st.dirty_copies > 0);
	gosyncmap_done(&sh.m);
}

struct churn_shared {
	struct gosyncmap m;
	_Atomic int stop;
	_Atomic int bad;
	_Atomic int64_t loads;
};

struct churn_arg {
	struct churn_shared *sh;
	int id;
};

/* Writers replace and delete the values of 4 hot keys as fast as they can
 * (every replaced box is retired and soon reused); readers check that
 * every value they read is intact. */
static void *churn_worker(void *p)
{
	struct churn_arg *a = p;
	struct churn_shared *sh = a->sh;
	struct gsm_thread *t = gosyncmap_thread(&sh->m, (uint32_t)a->id);
	uint64_t x = mv_splitmix64((uint64_t)a->id + 5) | 1;
	int64_t seq = 0, loads = 0;
	while (!atomic_load_explicit(&sh->stop, memory_order_relaxed)) {
		x = xorshift64(x);
		int64_t key = (int64_t)(x % 4);
		if (a->id < 2) {
			if (x % 16 == 0)
				gosyncmap_delete(t, key);
			else if (x % 16 == 1)
				gosyncmap_store(t, 1000 + (int64_t)(x % 64), 0); /* new keys: dirty */
			else
				gosyncmap_store(t, key, shared_val(a->id, ++seq));
		} else {
			int64_t v, seqv;
			int id;
			if (gosyncmap_load(t, key, &v) && !shared_ok(v, &id, &seqv))
				atomic_fetch_add(&sh->bad, 1);
			loads++;
		}
	}
	atomic_fetch_add(&sh->loads, loads);
	gosyncmap_offline(t);
	return NULL;
}

static void syncmap_reclaim_stress(void)
{
	static struct churn_shared sh;
	memset(&sh, 0, sizeof sh);
	ASSERT_EQ(gosyncmap_init(&sh.m, 4, 3), MV_OK);
	struct churn_arg args[4];
	for (int i = 0; i < 4; i++)
		args[i] = (struct churn_arg){&sh, i};
	struct team t;
	team_run(&t, 4, churn_worker, args, sizeof args[0]);
	sleep_us(300000);
	atomic_store(&sh.stop, 1);
	team_join(&t);
	ASSERT_EQ(atomic_load(&sh.bad), 0);
	ASSERT(atomic_load(&sh.loads) > 0);
	/* retired boxes were reused: the epoch moved on */
	ASSERT(atomic_load(&sh.m.epoch) > 4);
	gosyncmap_done(&sh.m);
}

const struct unit_test golock_tests[] = {
	UNIT(mutex_exclusion),
	UNIT(mutex_trylock_misuse),
	UNIT(mutex_starvation_handoff),
	UNIT(parking_slots_reused),
	UNIT(parking_runnext_grace),
	UNIT(rwmutex_readers_concurrent),
	UNIT(rwmutex_writer_exclusive),
	UNIT(rwmutex_writer_preference),
	UNIT(rwmutex_try_and_misuse),
	UNIT(syncmap_basics),
	UNIT(syncmap_concurrent),
	UNIT(syncmap_reclaim_stress),
	{0},
};
