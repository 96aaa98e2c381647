/*
 * engine/bench/gotrie: Go 1.24+'s sync.Map (HashTrieMap, section HT of
 * go-swiss-semantics.md) on real threads.  Worker threads never ASSERT
 * (that longjmps on the main thread's stack); they count what they saw in
 * atomics and the test asserts after joining them.  Several tests narrow
 * the trie's hash_mask so that keys share nodes and full-hash collision
 * chains (HT1.5, HT4.4.1) and writers meet on the same locks.
 * `make SAN=tsan build-tsan/engine-tests && build-tsan/engine-tests gotrie`
 * must report nothing.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include "engine/bench/gotrie.h"
#include "engine/core/rng.h"
#include "unit.h"

#define MAXT 8
#define VAL(k) ((int64_t)((uint64_t)(k) * 0x9E3779B97F4A7C15ULL ^ 0x5a5a5a5a5a5a5a5aULL))

static inline uint64_t xorshift64(uint64_t x)
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static void sleep_us(long us)
{
	struct timespec d = {us / 1000000, (us % 1000000) * 1000};
	nanosleep(&d, NULL);
}

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

struct count_ctx {
	int64_t n;
	int64_t bad; /* entries whose value is not VAL(key) (when checked) */
	bool check;
};

static bool count_cb(void *ctx, int64_t key, int64_t value)
{
	struct count_ctx *c = ctx;
	c->n++;
	if (c->check && value != VAL(key))
		c->bad++;
	return true;
}

static int64_t trie_count(struct gotrie *m, uint32_t h, bool check_values, int64_t *bad)
{
	struct count_ctx c = {0, 0, check_values};
	struct gt_thread *t = gotrie_thread(m, h);
	gotrie_range(t, count_cb, &c);
	gotrie_offline(t);
	if (bad)
		*bad = c.bad;
	return c.n;
}

/* The first key >= from whose (masked) hash has top nibbles == want. */
static int64_t key_with_top(struct gotrie *m, int64_t from, uint64_t want, uint64_t top_mask)
{
	for (int64_t k = from;; k++)
		if ((gotrie_hash(m, k) & top_mask) == want)
			return k;
}

/* ------------------------------------------------------------------ */
/* one thread: the operations and the trie's shape (HT4-HT6)           */

static void basics(void)
{
	struct gotrie m;
	ASSERT_EQ(gotrie_init(&m, 1, 42), MV_OK);
	struct gt_thread *t = gotrie_thread(&m, 0);
	int64_t v = 0;
	ASSERT(!gotrie_load(t, 7, &v));
	ASSERT(!gotrie_swap(t, 7, 70, &v));
	ASSERT(gotrie_load(t, 7, &v));
	ASSERT_EQ(v, 70);
	ASSERT(gotrie_swap(t, 7, 71, &v));
	ASSERT_EQ(v, 70);
	ASSERT(gotrie_load_or_store(t, 7, 99, &v));
	ASSERT_EQ(v, 71);
	ASSERT(!gotrie_load_or_store(t, 8, 80, &v));
	ASSERT_EQ(v, 80);
	ASSERT(gotrie_load_and_delete(t, 7, &v));
	ASSERT_EQ(v, 71);
	ASSERT(!gotrie_load_and_delete(t, 7, &v));
	ASSERT(!gotrie_load(t, 7, NULL));
	ASSERT_EQ(trie_count(&m, 0, false, NULL), 1);

	/* HT6.3: b shares a's top nibble, so storing it expands a's slot; after
	 * deleting b, a stays one level down (no collapse). */
	const uint64_t nib = 0xF000000000000000ULL;
	int64_t a = 1000, b = key_with_top(&m, a + 1, gotrie_hash(&m, a) & nib, nib);
	gotrie_delete(t, 8);
	struct gt_stats st;
	gotrie_store(t, a, 1);
	gotrie_counts(&m, NULL, &st);
	ASSERT_EQ(st.indirects, 1);
	gotrie_store(t, b, 2);
	gotrie_counts(&m, NULL, &st);
	ASSERT(st.indirects >= 2);
	ASSERT_EQ(st.expanded, st.indirects - 1);
	gotrie_delete(t, b);
	gotrie_counts(&m, NULL, &st);
	ASSERT(st.indirects >= 2);
	ASSERT(gotrie_load(t, a, &v));
	ASSERT_EQ(v, 1);
	/* deleting the last entry prunes every empty node up to the root */
	gotrie_delete(t, a);
	gotrie_counts(&m, NULL, &st);
	ASSERT_EQ(st.indirects, 1);
	ASSERT_EQ(st.pruned, st.expanded);
	ASSERT_EQ(trie_count(&m, 0, false, NULL), 0);
	gotrie_offline(t);
	gotrie_done(&m);
}

/* Full-hash collision chains (HT4.4.1, HT4.3, HT6.2): with a hash of 8
 * bits, 600 keys make chains of ~2-3 per slot; replace and delete at the
 * head, the middle and the tail. */
static void collision_chains(void)
{
	struct gotrie m;
	ASSERT_EQ(gotrie_init(&m, 1, 7), MV_OK);
	m.hash_mask = 0xFF00000000000000ULL;
	struct gt_thread *t = gotrie_thread(&m, 0);
	enum { N = 600 };
	for (int64_t k = 0; k < N; k++)
		gotrie_store(t, k, VAL(k));
	struct gt_stats st;
	gotrie_counts(&m, NULL, &st);
	ASSERT(st.max_depth <= 1); /* 8 bits: two levels of indirect nodes */
	int64_t bad = 0, v = 0;
	ASSERT_EQ(trie_count(&m, 0, true, &bad), N);
	ASSERT_EQ(bad, 0);
	for (int64_t k = 0; k < N; k += 3) {
		ASSERT(gotrie_swap(t, k, VAL(k) + 1, &v));
		ASSERT_EQ(v, VAL(k));
		ASSERT(gotrie_load(t, k, &v));
		ASSERT_EQ(v, VAL(k) + 1);
	}
	for (int64_t k = 0; k < N; k += 2)
		ASSERT(gotrie_load_and_delete(t, k, NULL));
	for (int64_t k = 0; k < N; k++) {
		bool present = gotrie_load(t, k, &v);
		ASSERT_EQ(present, k % 2 != 0);
		if (present)
			ASSERT_EQ(v, k % 3 == 0 ? VAL(k) + 1 : VAL(k));
	}
	ASSERT_EQ(trie_count(&m, 0, false, NULL), N / 2);
	for (int64_t k = 1; k < N; k += 2)
		gotrie_delete(t, k);
	gotrie_counts(&m, NULL, &st);
	ASSERT_EQ(st.indirects, 1);
	ASSERT_EQ(trie_count(&m, 0, false, NULL), 0);
	gotrie_offline(t);
	gotrie_done(&m);
}

/* ------------------------------------------------------------------ */
/* disjoint stores: no store is lost to a concurrent expand or restart   */

struct dj_arg {
	struct gotrie *m;
	uint32_t id;
	int64_t n;
	_Atomic int *go;
};

static void *dj_worker(void *p)
{
	struct dj_arg *a = p;
	struct gt_thread *t = gotrie_thread(a->m, a->id + 1);
	while (!atomic_load(a->go))
		sched_yield();
	for (int64_t i = 0; i < a->n; i++) {
		int64_t k = (int64_t)mv_splitmix64((uint64_t)(i * MAXT + a->id));
		gotrie_store(t, k, VAL(k));
	}
	gotrie_offline(t);
	return NULL;
}

static void disjoint_run(uint64_t mask, int64_t per)
{
	struct gotrie m;
	enum { T = 4 };
	ASSERT_EQ(gotrie_init(&m, T + 1, 3), MV_OK);
	m.hash_mask = mask;
	_Atomic int go = 0;
	struct dj_arg args[T];
	for (uint32_t i = 0; i < T; i++)
		args[i] = (struct dj_arg){&m, i, per, &go};
	struct team tm;
	team_run(&tm, T, dj_worker, args, sizeof args[0]);
	atomic_store(&go, 1);
	team_join(&tm);
	struct gt_thread *t = gotrie_thread(&m, 0);
	int64_t missing = 0, wrong = 0, bad = 0;
	for (uint32_t id = 0; id < T; id++)
		for (int64_t i = 0; i < per; i++) {
			int64_t k = (int64_t)mv_splitmix64((uint64_t)(i * MAXT + id)), v = 0;
			if (!gotrie_load(t, k, &v))
				missing++;
			else if (v != VAL(k))
				wrong++;
		}
	gotrie_offline(t);
	ASSERT_EQ(missing, 0);
	ASSERT_EQ(wrong, 0);
	ASSERT_EQ(trie_count(&m, 0, true, &bad), T * per);
	ASSERT_EQ(bad, 0);
	gotrie_done(&m);
}

static void disjoint_stores(void)
{
	disjoint_run(~(uint64_t)0, 20000);
}

/* 12-bit hashes: 4096 slots at most three levels down, chains of ~20 */
static void disjoint_stores_collide(void)
{
	disjoint_run(0xFFF0000000000000ULL, 20000);
}

/* ------------------------------------------------------------------ */
/* a Load that starts after a Store returned sees it (or a later one)   */

enum { LS_KEYS = 4000 };

struct ls_shared {
	struct gotrie m;
	_Atomic int64_t done;      /* the writer stored keys [0, done) */
	_Atomic int stop;
	_Atomic int64_t misses;    /* stored before the Load began, not found */
	_Atomic int64_t torn;      /* found with a value never stored */
	_Atomic int64_t stable_miss; /* a never-deleted key not found */
	_Atomic int64_t loads;
};

struct ls_arg {
	struct ls_shared *sh;
	uint32_t id;
};

static int64_t ls_key(int64_t i)
{
	return (int64_t)mv_splitmix64((uint64_t)i);
}

/* stable keys: stored before the run, never deleted */
static int64_t ls_stable(int64_t i)
{
	return (int64_t)mv_splitmix64((uint64_t)(1000000 + i));
}

/* churned keys: deleted and stored back all the time */
static int64_t ls_churned(int64_t i)
{
	return (int64_t)mv_splitmix64((uint64_t)(2000000 + i));
}

static void *ls_writer(void *p)
{
	struct ls_arg *a = p;
	struct gt_thread *t = gotrie_thread(&a->sh->m, a->id);
	for (int64_t i = 0; i < LS_KEYS; i++) {
		gotrie_store(t, ls_key(i), VAL(ls_key(i)));
		atomic_store_explicit(&a->sh->done, i + 1, memory_order_release);
	}
	gotrie_offline(t);
	return NULL;
}

static void *ls_churner(void *p)
{
	struct ls_arg *a = p;
	struct gt_thread *t = gotrie_thread(&a->sh->m, a->id);
	uint64_t x = mv_splitmix64(a->id) | 1;
	while (!atomic_load_explicit(&a->sh->stop, memory_order_relaxed)) {
		x = xorshift64(x);
		int64_t k = ls_churned((int64_t)(x % 512));
		gotrie_delete(t, k);
		gotrie_store(t, k, VAL(k));
	}
	gotrie_offline(t);
	return NULL;
}

static void *ls_reader(void *p)
{
	struct ls_arg *a = p;
	struct ls_shared *sh = a->sh;
	struct gt_thread *t = gotrie_thread(&sh->m, a->id);
	uint64_t x = mv_splitmix64(a->id + 100) | 1;
	int64_t loads = 0;
	while (!atomic_load_explicit(&sh->stop, memory_order_relaxed)) {
		x = xorshift64(x);
		int64_t d = atomic_load_explicit(&sh->done, memory_order_acquire), v = 0;
		if (d > 0) {
			int64_t k = ls_key((int64_t)(x % (uint64_t)d));
			if (!gotrie_load(t, k, &v))
				atomic_fetch_add(&sh->misses, 1);
			else if (v != VAL(k))
				atomic_fetch_add(&sh->torn, 1);
		}
		int64_t s = ls_stable((int64_t)((x >> 32) % 512));
		if (!gotrie_load(t, s, &v))
			atomic_fetch_add(&sh->stable_miss, 1);
		else if (v != VAL(s))
			atomic_fetch_add(&sh->torn, 1);
		int64_t c = ls_churned((int64_t)((x >> 20) % 512));
		if (gotrie_load(t, c, &v) && v != VAL(c))
			atomic_fetch_add(&sh->torn, 1);
		loads += 3;
		if ((loads & 1023) == 0)
			gotrie_offline(t); /* exercise going on and off line */
	}
	atomic_fetch_add(&sh->loads, loads);
	gotrie_offline(t);
	return NULL;
}

static void load_after_store_run(uint64_t mask)
{
	static struct ls_shared sh;
	memset(&sh, 0, sizeof sh);
	enum { NR = 3, NC = 2 };
	ASSERT_EQ(gotrie_init(&sh.m, 1 + NR + NC + 1, 11), MV_OK);
	sh.m.hash_mask = mask;
	struct gt_thread *t0 = gotrie_thread(&sh.m, 0);
	for (int64_t i = 0; i < 512; i++) {
		gotrie_store(t0, ls_stable(i), VAL(ls_stable(i)));
		gotrie_store(t0, ls_churned(i), VAL(ls_churned(i)));
	}
	gotrie_offline(t0);
	struct ls_arg args[1 + NR + NC];
	for (uint32_t i = 0; i < 1 + NR + NC; i++)
		args[i] = (struct ls_arg){&sh, i + 1};
	struct team readers, churners, writer;
	team_run(&readers, NR, ls_reader, &args[0], sizeof args[0]);
	team_run(&churners, NC, ls_churner, &args[NR], sizeof args[0]);
	team_run(&writer, 1, ls_writer, &args[NR + NC], sizeof args[0]);
	team_join(&writer);
	sleep_us(50000);
	atomic_store(&sh.stop, 1);
	team_join(&readers);
	team_join(&churners);
	ASSERT_EQ(atomic_load(&sh.misses), 0);
	ASSERT_EQ(atomic_load(&sh.torn), 0);
	ASSERT_EQ(atomic_load(&sh.stable_miss), 0);
	ASSERT(atomic_load(&sh.loads) > 0);
	int64_t bad = 0;
	ASSERT_EQ(trie_count(&sh.m, 0, true, &bad), LS_KEYS + 1024);
	ASSERT_EQ(bad, 0);
	/* retired entries were reused: the epoch moved on */
	ASSERT(atomic_load(&sh.m.epoch) > 4);
	gotrie_done(&sh.m);
}

static void load_after_store(void)
{
	load_after_store_run(~(uint64_t)0);
}

/* 10-bit hashes: every key shares chains with churned ones, so readers
 * walk chains whose links writers repoint under them. */
static void load_after_store_collide(void)
{
	load_after_store_run(0xFFC0000000000000ULL);
}

/* ------------------------------------------------------------------ */
/* churn: every operation's result against a model of the thread's own  */
/* keys, the count at the end                                          */

enum { CH_T = 4, CH_KEYS = 256 };

struct ch_arg {
	struct gotrie *m;
	uint32_t id;
	_Atomic int *stop;
	bool present[CH_KEYS];
	int64_t value[CH_KEYS];
	int64_t wrong; /* results that disagree with the model; read after join */
	int64_t ops;
};

static int64_t ch_key(uint32_t id, int64_t i)
{
	return (int64_t)mv_splitmix64((uint64_t)(i * CH_T + id) + 5000000);
}

static void *ch_worker(void *p)
{
	struct ch_arg *a = p;
	struct gt_thread *t = gotrie_thread(a->m, a->id + 1);
	uint64_t x = mv_splitmix64(a->id + 77) | 1;
	int64_t wrong = 0, ops = 0;
	while (!atomic_load_explicit(a->stop, memory_order_relaxed)) {
		x = xorshift64(x);
		int64_t i = (int64_t)((x >> 8) % CH_KEYS), k = ch_key(a->id, i), v = 0;
		int64_t nv = (int64_t)(x >> 1);
		bool had = a->present[i];
		switch (x & 7) {
		case 0:
		case 1:
			if (gotrie_load(t, k, &v) != had || (had && v != a->value[i]))
				wrong++;
			break;
		case 2:
		case 3:
			if (gotrie_swap(t, k, nv, &v) != had || (had && v != a->value[i]))
				wrong++;
			a->present[i] = true;
			a->value[i] = nv;
			break;
		case 4:
			if (gotrie_load_or_store(t, k, nv, &v) != had || v != (had ? a->value[i] : nv))
				wrong++;
			if (!had) {
				a->present[i] = true;
				a->value[i] = nv;
			}
			break;
		default:
			if (gotrie_load_and_delete(t, k, &v) != had || (had && v != a->value[i]))
				wrong++;
			a->present[i] = false;
			break;
		}
		ops++;
	}
	gotrie_offline(t);
	a->wrong = wrong;
	a->ops = ops;
	return NULL;
}

static void churn_run(uint64_t mask, bool expect_prunes)
{
	struct gotrie m;
	ASSERT_EQ(gotrie_init(&m, CH_T + 1, 5), MV_OK);
	m.hash_mask = mask;
	_Atomic int stop = 0;
	static struct ch_arg args[CH_T];
	memset(args, 0, sizeof args);
	for (uint32_t i = 0; i < CH_T; i++) {
		args[i].m = &m;
		args[i].id = i;
		args[i].stop = &stop;
	}
	struct team tm;
	team_run(&tm, CH_T, ch_worker, args, sizeof args[0]);
	sleep_us(300000);
	atomic_store(&stop, 1);
	team_join(&tm);
	int64_t expect = 0, wrong = 0, ops = 0, mismatch = 0;
	struct gt_thread *t = gotrie_thread(&m, 0);
	for (uint32_t id = 0; id < CH_T; id++) {
		wrong += args[id].wrong;
		ops += args[id].ops;
		for (int64_t i = 0; i < CH_KEYS; i++) {
			int64_t v = 0;
			bool got = gotrie_load(t, ch_key(id, i), &v);
			expect += args[id].present[i];
			if (got != args[id].present[i] || (got && v != args[id].value[i]))
				mismatch++;
		}
	}
	gotrie_offline(t);
	ASSERT_EQ(wrong, 0);
	ASSERT_EQ(mismatch, 0);
	ASSERT(ops > 1000);
	ASSERT_EQ(trie_count(&m, 0, false, NULL), expect);
	struct gt_stats st;
	gotrie_counts(&m, NULL, &st);
	if (expect_prunes)
		ASSERT(st.pruned > 0);
	/* delete everything: every node but the root pruned (HT6.2) */
	for (uint32_t id = 0; id < CH_T; id++)
		for (int64_t i = 0; i < CH_KEYS; i++)
			gotrie_delete(t, ch_key(id, i));
	gotrie_offline(t);
	gotrie_counts(&m, NULL, &st);
	ASSERT_EQ(st.indirects, 1);
	ASSERT_EQ(trie_count(&m, 0, false, NULL), 0);
	gotrie_done(&m);
}

static void churn_model(void)
{
	churn_run(~(uint64_t)0, true);
}

/* 8-bit hashes: the four threads' keys share chains and node locks */
static void churn_model_collide(void)
{
	churn_run(0xFF00000000000000ULL, false);
}

/* 4-bit hashes: everything is chains in the root's children, every
 * writer on the root's lock; nothing to prune. */
static void churn_model_flat(void)
{
	churn_run(0xF000000000000000ULL, false);
}

const struct unit_test gotrie_tests[] = {
	UNIT(basics),
	UNIT(collision_chains),
	UNIT(disjoint_stores),
	UNIT(disjoint_stores_collide),
	UNIT(load_after_store),
	UNIT(load_after_store_collide),
	UNIT(churn_model),
	UNIT(churn_model_collide),
	UNIT(churn_model_flat),
	{0},
};
