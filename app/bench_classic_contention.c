/*
 * bench_contention: `mapviz bench contention` (see bench/README.md).
 *
 *   mapviz bench contention --impl mutex|rwmutex|syncmap|sharded
 *       [--threads T] [--read-pct R] [--mode update|churn] [--keys K]
 *       [--seconds S] [--go 1.19|1.26]
 *
 * K keys mv_splitmix64(i) -> i, i in [0, K), are stored first (one thread,
 * before the clock starts).  Then T pthreads run truly in parallel for S
 * seconds, no turnstile, each looping:
 *
 *   x = xorshift64(x)                        its own generator, seeded with
 *                                            mv_splitmix64("mapviz" + id)
 *   idx = ((x >> 32) * K) >> 32, key = mv_splitmix64(idx)
 *   read  if ((x & 0xffffffff) * 100) >> 32 < R:  load(key)
 *   else, update:  store(key, (int64)x)
 *         churn:   delete(key); store(key, (int64)x)   (two operations, each
 *                  taking the lock on its own; one op in the count)
 *
 * impl: mutex = one gomap behind a golock Mutex; rwmutex = one gomap behind
 * a golock RWMutex, reads under RLock; syncmap = a gosyncmap; sharded = 16
 * gomaps each behind its own RWMutex (each shard on its own cache lines),
 * shard = mv_splitmix64(key) & 15.  bench/go/contention is the same in Go.
 * --go 1.26 (syncmap only) runs Go 1.26's sync.Map instead, a HashTrieMap
 * (engine/bench/gotrie.h): lock-free loads, a Mutex per trie node; its
 * lock_waits sum every node's.  --go 1.19, the default, is Go 1.19's
 * read/dirty sync.Map (engine/classic/gosyncmap.h).
 *
 * Prints "ops_per_sec N" (all threads' operations divided by the wall time
 * between the start and the stop signal), "lock_waits N" (semacquires that
 * queued, summed over every lock involved: a Mutex waiter parking, a
 * reader blocked behind a writer, a writer waiting for readers) and
 * "handoffs N" (starvation-mode Unlocks handing the mutex over) and
 * "sleeps N" (waits that ended in an untimed kernel sleep) and "fairness
 * N" (the fewest operations any thread did, in percent of the most: a lock
 * policy that bought throughput by starving threads would show here).
 * After the
 * run every key must still be present (the self-check).
 */
#include "bench_opts.h"
#include "bench_classic_contention.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/bench/golock.h"
#include "engine/bench/gotrie.h"
#include "engine/classic/gomap.h"
#include "engine/classic/gosyncmap.h"
#include "engine/core/rng.h"
#include "engine/core/spec.h"

#define CONT_SHARDS 16
#define CONT_MAX_THREADS 1024
#define CONT_MAX_KEYS 100000000
#define CONT_SEED 0x6d617076697aULL /* "mapviz" */

#define CONT_IMPL_MAP(X)                                                    \
	X(MUTEX, "mutex")                                                   \
	X(RWMUTEX, "rwmutex")                                               \
	X(SYNCMAP, "syncmap")                                               \
	X(SHARDED, "sharded")                                               \
	X(TRIE, "syncmap")    /* --go 1.26 */

enum cont_impl {
#define CONT_IMPL_ENUM(name, str) CI_##name,
	CONT_IMPL_MAP(CONT_IMPL_ENUM)
#undef CONT_IMPL_ENUM
	CI__COUNT
};

static const char *const cont_impl_names[CI__COUNT] = {
#define CONT_IMPL_STR(name, str) str,
	CONT_IMPL_MAP(CONT_IMPL_STR)
#undef CONT_IMPL_STR
};

struct cont_cfg {
	enum cont_impl impl;
	int64_t threads, read_pct, keys;
	bool churn;
	enum mv_go go;
	uint64_t ns; /* duration */
};

/* A gomap behind a lock, on cache lines of its own. */
struct cont_locked {
	alignas(GOLOCK_LINE) struct go_mutex mu;
	alignas(GOLOCK_LINE) struct gomap m;
};

struct cont_shard {
	alignas(GOLOCK_LINE) struct go_rwmutex mu;
	alignas(GOLOCK_LINE) struct gomap m;
};

struct cont_shared {
	alignas(GOLOCK_LINE) _Atomic int start;
	alignas(GOLOCK_LINE) _Atomic int stop;
	alignas(GOLOCK_LINE) struct cont_cfg cfg;
	struct cont_locked *mx;  /* mutex */
	struct cont_shard *rw;   /* rwmutex: one shard */
	struct cont_shard *sh;   /* sharded: CONT_SHARDS */
	struct gosyncmap *sm;    /* syncmap */
	struct gotrie *tr;       /* syncmap --go 1.26 */
};

struct cont_worker {
	alignas(GOLOCK_LINE) pthread_t th;
	uint32_t id;
	struct cont_shared *sh;
	struct gsm_thread *gt;
	struct gt_thread *tt;
	uint64_t ops;
	uint64_t sum;
};

static uint64_t cont_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t xorshift64(uint64_t x)
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static uint64_t cont_seed(uint32_t id)
{
	uint64_t s = mv_splitmix64(CONT_SEED + id);
	return s ? s : 1;
}

static inline uint32_t shard_of(int64_t key)
{
	return (uint32_t)(mv_splitmix64((uint64_t)key) & (CONT_SHARDS - 1));
}

/* ------------------------------------------------------------------ */
/* the worker loops: one per implementation, like the Go twin          */

/* The loop skeleton; BODY sees x, key, is_read and may add to sum. */
#define CONT_LOOP(w, BODY)                                                  \
	do {                                                                \
		struct cont_shared *sh_ = (w)->sh;                          \
		uint64_t x = cont_seed((w)->id), ops = 0;                   \
		uint64_t nkeys = (uint64_t)sh_->cfg.keys;                   \
		uint64_t rpct = (uint64_t)sh_->cfg.read_pct;                \
		bool churn = sh_->cfg.churn;                                \
		uint64_t sum = 0; /* wraps, as Go's int64 sum does */       \
		(void)churn;                                                \
		while (!atomic_load_explicit(&sh_->start, memory_order_acquire)) \
			sched_yield();                                      \
		while (!atomic_load_explicit(&sh_->stop, memory_order_relaxed)) { \
			x = xorshift64(x);                                  \
			int64_t key = (int64_t)mv_splitmix64(((x >> 32) * nkeys) >> 32); \
			bool is_read = (((x & 0xffffffffu) * 100) >> 32) < rpct; \
			BODY;                                               \
			ops++;                                              \
		}                                                           \
		(w)->ops = ops;                                             \
		(w)->sum = sum;                                             \
	} while (0)

static void *run_mutex(void *arg)
{
	struct cont_worker *w = arg;
	struct cont_locked *l = w->sh->mx;
	CONT_LOOP(w, {
		if (is_read) {
			int64_t v = 0;
			go_mutex_lock(&l->mu);
			gomap_load(&l->m, key, &v);
			go_mutex_unlock(&l->mu);
			sum += (uint64_t)v;
		} else if (!churn) {
			go_mutex_lock(&l->mu);
			gomap_store(&l->m, key, (int64_t)x);
			go_mutex_unlock(&l->mu);
		} else {
			go_mutex_lock(&l->mu);
			gomap_delete(&l->m, key);
			go_mutex_unlock(&l->mu);
			go_mutex_lock(&l->mu);
			gomap_store(&l->m, key, (int64_t)x);
			go_mutex_unlock(&l->mu);
		}
	});
	return NULL;
}

static inline void shard_op(struct cont_shard *s, int64_t key, bool is_read, bool churn, uint64_t x,
			    uint64_t *sum)
{
	if (is_read) {
		int64_t v = 0;
		go_rwmutex_rlock(&s->mu);
		gomap_load(&s->m, key, &v);
		go_rwmutex_runlock(&s->mu);
		*sum += (uint64_t)v;
	} else if (!churn) {
		go_rwmutex_lock(&s->mu);
		gomap_store(&s->m, key, (int64_t)x);
		go_rwmutex_unlock(&s->mu);
	} else {
		go_rwmutex_lock(&s->mu);
		gomap_delete(&s->m, key);
		go_rwmutex_unlock(&s->mu);
		go_rwmutex_lock(&s->mu);
		gomap_store(&s->m, key, (int64_t)x);
		go_rwmutex_unlock(&s->mu);
	}
}

static void *run_rwmutex(void *arg)
{
	struct cont_worker *w = arg;
	struct cont_shard *s = w->sh->rw;
	CONT_LOOP(w, shard_op(s, key, is_read, churn, x, &sum));
	return NULL;
}

static void *run_sharded(void *arg)
{
	struct cont_worker *w = arg;
	struct cont_shard *shards = w->sh->sh;
	CONT_LOOP(w, shard_op(&shards[shard_of(key)], key, is_read, churn, x, &sum));
	return NULL;
}

static void *run_syncmap(void *arg)
{
	struct cont_worker *w = arg;
	struct gsm_thread *t = w->gt;
	CONT_LOOP(w, {
		if (is_read) {
			int64_t v;
			if (gosyncmap_load(t, key, &v))
				sum += (uint64_t)v;
		} else if (!churn) {
			gosyncmap_store(t, key, (int64_t)x);
		} else {
			gosyncmap_delete(t, key);
			gosyncmap_store(t, key, (int64_t)x);
		}
	});
	gosyncmap_offline(t);
	return NULL;
}

static void *run_trie(void *arg)
{
	struct cont_worker *w = arg;
	struct gt_thread *t = w->tt;
	CONT_LOOP(w, {
		if (is_read) {
			int64_t v;
			if (gotrie_load(t, key, &v))
				sum += (uint64_t)v;
		} else if (!churn) {
			gotrie_store(t, key, (int64_t)x);
		} else {
			gotrie_delete(t, key);
			gotrie_store(t, key, (int64_t)x);
		}
	});
	gotrie_offline(t);
	return NULL;
}

static void *(*const cont_loops[CI__COUNT])(void *) = {
	[CI_MUTEX] = run_mutex,
	[CI_RWMUTEX] = run_rwmutex,
	[CI_SYNCMAP] = run_syncmap,
	[CI_SHARDED] = run_sharded,
	[CI_TRIE] = run_trie,
};

/* ------------------------------------------------------------------ */
/* setup, self-check, teardown                                         */

static void cont_gomap_init(struct gomap *m, uint64_t seed)
{
	/* int keys, no pins: cannot fail */
	(void)gomap_init(m, MV_KEY_INT, 0, seed, false, NULL, 0, NULL);
}

static void shard_init(struct cont_shard *s, uint64_t seed)
{
	go_rwmutex_init(&s->mu);
	cont_gomap_init(&s->m, seed);
}

static void *cont_alloc(size_t n)
{
	void *p = aligned_alloc(GOLOCK_LINE, (n + GOLOCK_LINE - 1) / GOLOCK_LINE * GOLOCK_LINE);
	if (p)
		memset(p, 0, n);
	return p;
}

static bool cont_setup(struct cont_shared *sh)
{
	const struct cont_cfg *c = &sh->cfg;
	switch (c->impl) {
	case CI_MUTEX:
		if (!(sh->mx = cont_alloc(sizeof *sh->mx)))
			return false;
		go_mutex_init(&sh->mx->mu);
		cont_gomap_init(&sh->mx->m, CONT_SEED);
		for (int64_t i = 0; i < c->keys; i++)
			gomap_store(&sh->mx->m, (int64_t)mv_splitmix64((uint64_t)i), i);
		break;
	case CI_RWMUTEX:
		if (!(sh->rw = cont_alloc(sizeof *sh->rw)))
			return false;
		shard_init(sh->rw, CONT_SEED);
		for (int64_t i = 0; i < c->keys; i++)
			gomap_store(&sh->rw->m, (int64_t)mv_splitmix64((uint64_t)i), i);
		break;
	case CI_SHARDED:
		if (!(sh->sh = cont_alloc(CONT_SHARDS * sizeof *sh->sh)))
			return false;
		for (uint32_t i = 0; i < CONT_SHARDS; i++)
			shard_init(&sh->sh[i], CONT_SEED + i);
		for (int64_t i = 0; i < c->keys; i++) {
			int64_t k = (int64_t)mv_splitmix64((uint64_t)i);
			gomap_store(&sh->sh[shard_of(k)].m, k, i);
		}
		break;
	case CI_SYNCMAP: {
		/* handle 0 preloads and checks; 1..T are the workers' */
		if (!(sh->sm = cont_alloc(sizeof *sh->sm)) ||
		    gosyncmap_init(sh->sm, (uint32_t)c->threads + 1, CONT_SEED) != MV_OK)
			return false;
		struct gsm_thread *t = gosyncmap_thread(sh->sm, 0);
		for (int64_t i = 0; i < c->keys; i++)
			gosyncmap_store(t, (int64_t)mv_splitmix64((uint64_t)i), i);
		gosyncmap_offline(t);
		break;
	}
	case CI_TRIE: {
		/* handle 0 preloads and checks; 1..T are the workers' */
		if (!(sh->tr = cont_alloc(sizeof *sh->tr)) ||
		    gotrie_init(sh->tr, (uint32_t)c->threads + 1, CONT_SEED) != MV_OK)
			return false;
		struct gt_thread *t = gotrie_thread(sh->tr, 0);
		for (int64_t i = 0; i < c->keys; i++)
			gotrie_store(t, (int64_t)mv_splitmix64((uint64_t)i), i);
		gotrie_offline(t);
		break;
	}
	case CI__COUNT:
		return false;
	}
	return true;
}

struct cont_count {
	int64_t n;
};

static bool count_entry(void *ctx, int64_t key, int64_t value)
{
	(void)key;
	(void)value;
	((struct cont_count *)ctx)->n++;
	return true;
}

/* Every key still present, and nothing else; lock counters summed. */
static bool cont_check(struct cont_shared *sh, struct golock_counts *sum)
{
	const struct cont_cfg *c = &sh->cfg;
	struct golock_counts lc;
	int64_t count = 0, found = 0;
	memset(sum, 0, sizeof *sum);
	switch (c->impl) {
	case CI_MUTEX:
		count = sh->mx->m.count;
		for (int64_t i = 0; i < c->keys; i++)
			found += gomap_load(&sh->mx->m, (int64_t)mv_splitmix64((uint64_t)i), NULL);
		go_mutex_counts(&sh->mx->mu, sum);
		break;
	case CI_RWMUTEX:
		count = sh->rw->m.count;
		for (int64_t i = 0; i < c->keys; i++)
			found += gomap_load(&sh->rw->m, (int64_t)mv_splitmix64((uint64_t)i), NULL);
		go_rwmutex_counts(&sh->rw->mu, sum);
		break;
	case CI_SHARDED:
		for (uint32_t s = 0; s < CONT_SHARDS; s++) {
			count += sh->sh[s].m.count;
			go_rwmutex_counts(&sh->sh[s].mu, &lc);
			sum->waits += lc.waits;
			sum->sleeps += lc.sleeps;
			sum->handoffs += lc.handoffs;
			sum->starving += lc.starving;
		}
		for (int64_t i = 0; i < c->keys; i++) {
			int64_t k = (int64_t)mv_splitmix64((uint64_t)i);
			found += gomap_load(&sh->sh[shard_of(k)].m, k, NULL);
		}
		break;
	case CI_SYNCMAP: {
		struct gsm_thread *t = gosyncmap_thread(sh->sm, 0);
		struct cont_count cc = {0};
		gosyncmap_range(t, count_entry, &cc);
		count = cc.n;
		for (int64_t i = 0; i < c->keys; i++)
			found += gosyncmap_load(t, (int64_t)mv_splitmix64((uint64_t)i), NULL);
		gosyncmap_offline(t);
		gosyncmap_counts(sh->sm, sum, NULL);
		break;
	}
	case CI_TRIE: {
		struct gt_thread *t = gotrie_thread(sh->tr, 0);
		struct cont_count cc = {0};
		gotrie_range(t, count_entry, &cc);
		count = cc.n;
		for (int64_t i = 0; i < c->keys; i++)
			found += gotrie_load(t, (int64_t)mv_splitmix64((uint64_t)i), NULL);
		gotrie_offline(t);
		gotrie_counts(sh->tr, sum, NULL);
		break;
	}
	case CI__COUNT:
		break;
	}
	if (count != c->keys || found != c->keys) {
		fprintf(stderr, "mapviz bench contention: self-check: %" PRId64 " entries, %" PRId64
			" of %" PRId64 " keys found\n", count, found, c->keys);
		return false;
	}
	return true;
}

static void cont_teardown(struct cont_shared *sh)
{
	if (sh->mx) {
		gomap_done(&sh->mx->m);
		free(sh->mx);
	}
	if (sh->rw) {
		gomap_done(&sh->rw->m);
		free(sh->rw);
	}
	if (sh->sh) {
		for (uint32_t i = 0; i < CONT_SHARDS; i++)
			gomap_done(&sh->sh[i].m);
		free(sh->sh);
	}
	if (sh->sm) {
		gosyncmap_done(sh->sm);
		free(sh->sm);
	}
	if (sh->tr) {
		gotrie_done(sh->tr);
		free(sh->tr);
	}
}

/* ------------------------------------------------------------------ */
/* options                                                             */

static const char cont_usage[] =
	"usage: mapviz bench contention --impl mutex|rwmutex|syncmap|sharded [--threads T]\n"
	"         [--read-pct R] [--mode update|churn] [--keys K] [--seconds S] [--go 1.19|1.26]\n"
	"  T threads (default 2) run for S seconds (default 1, decimals allowed) on a map\n"
	"  preloaded with K keys (default 10000): R% loads (default 90), the rest stores\n"
	"  (update) or delete+store pairs (churn) of random keys.  Prints ops_per_sec,\n"
	"  lock_waits, handoffs, sleeps and fairness (fewest ops of a thread in % of the\n"
	"  most), one per line.  --go 1.26 (syncmap only): Go 1.26's sync.Map, a\n"
	"  HashTrieMap, instead of Go 1.19's (the default).  bench/go/contention is the\n"
	"  Go twin.\n";

static bool cont_missing(const char *opt, const char *val)
{
	if (!val)
		fprintf(stderr, "mapviz bench contention: %s needs a value\n", opt);
	return !val;
}

/* Seconds: digits, optionally '.' and 1-3 more digits, in [0.001, 3600]. */
static bool cont_seconds(const char *s, uint64_t *ns)
{
	if (cont_missing("--seconds", s))
		return false;
	uint64_t whole = 0, frac = 0;
	int nwhole = 0, nfrac = -1;
	const char *p = s;
	for (; *p >= '0' && *p <= '9' && nwhole < 5; p++, nwhole++)
		whole = whole * 10 + (uint64_t)(*p - '0');
	if (*p == '.')
		for (p++, nfrac = 0; *p >= '0' && *p <= '9' && nfrac < 3; p++, nfrac++)
			frac = frac * 10 + (uint64_t)(*p - '0');
	for (int k = nfrac; k >= 0 && k < 3; k++)
		frac *= 10;
	uint64_t ms = whole * 1000 + frac;
	if (*p || nwhole == 0 || nfrac == 0 || ms < 1 || ms > 3600000) {
		fprintf(stderr, "mapviz bench contention: bad value for --seconds: '%s' (want 0.001..3600, "
			"at most 3 decimals)\n", s);
		return false;
	}
	*ns = ms * 1000000u;
	return true;
}

static bool cont_parse(int argc, char **argv, struct cont_cfg *c, bool *help)
{
	bool have_impl = false;
	*c = (struct cont_cfg){.impl = CI_MUTEX, .threads = 2, .read_pct = 90, .keys = 10000,
			       .go = MV_GO_1_19, .ns = 1000000000u};
	*help = false;
	for (int i = 1; i < argc; i++) {
		const char *val;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			*help = true;
			return true;
		} else if (bench_opt(argc, argv, &i, "--impl", &val)) {
			if (cont_missing("--impl", val))
				return false;
			int k = 0;
			while (k < CI_TRIE && strcmp(val, cont_impl_names[k]))
				k++;
			if (k == CI_TRIE) {
				fprintf(stderr, "mapviz bench contention: bad value for --impl: '%s' (want "
					"mutex, rwmutex, syncmap or sharded)\n", val);
				return false;
			}
			c->impl = (enum cont_impl)k;
			have_impl = true;
		} else if (bench_opt(argc, argv, &i, "--threads", &val)) {
			if (!bench_parse_int("contention", "--threads", val, 1, CONT_MAX_THREADS, &c->threads))
				return false;
		} else if (bench_opt(argc, argv, &i, "--read-pct", &val)) {
			if (!bench_parse_int("contention", "--read-pct", val, 0, 100, &c->read_pct))
				return false;
		} else if (bench_opt(argc, argv, &i, "--keys", &val)) {
			if (!bench_parse_int("contention", "--keys", val, 1, CONT_MAX_KEYS, &c->keys))
				return false;
		} else if (bench_opt(argc, argv, &i, "--mode", &val)) {
			if (cont_missing("--mode", val))
				return false;
			if (strcmp(val, "update") && strcmp(val, "churn")) {
				fprintf(stderr, "mapviz bench contention: bad value for --mode: '%s' (want "
					"update or churn)\n", val);
				return false;
			}
			c->churn = !strcmp(val, "churn");
		} else if (bench_opt(argc, argv, &i, "--seconds", &val)) {
			if (!cont_seconds(val, &c->ns))
				return false;
		} else if (bench_opt(argc, argv, &i, "--go", &val)) {
			if (cont_missing("--go", val))
				return false;
			if (!mv_go_parse(val, &c->go)) {
				fprintf(stderr, "mapviz bench contention: --go takes 1.19 or 1.26, found '%s'\n", val);
				return false;
			}
		} else {
			fprintf(stderr, "mapviz bench contention: unknown option '%s'\n", argv[i]);
			return false;
		}
	}
	if (!have_impl) {
		fprintf(stderr, "mapviz bench contention: --impl is required\n");
		return false;
	}
	if (c->go == MV_GO_1_26) {
		if (c->impl != CI_SYNCMAP) {
			fprintf(stderr, "mapviz bench contention: --go 1.26 is modelled for --impl syncmap "
				"only (Go 1.26's sync.Map, a HashTrieMap)\n");
			return false;
		}
		c->impl = CI_TRIE;
	}
	return true;
}

/* ------------------------------------------------------------------ */

int bench_contention(int argc, char **argv)
{
	static struct cont_shared shared;
	struct cont_shared *sh = &shared;
	bool help;
	memset(sh, 0, sizeof *sh);
	if (!cont_parse(argc, argv, &sh->cfg, &help)) {
		fputs(cont_usage, stderr);
		return 1;
	}
	if (help) {
		fputs(cont_usage, stdout);
		return 0;
	}
	const struct cont_cfg *c = &sh->cfg;
	int rc = 1;
	uint32_t nt = (uint32_t)c->threads, started = 0;
	struct cont_worker *w = cont_alloc(nt * sizeof *w);
	if (!w || !cont_setup(sh)) {
		fprintf(stderr, "mapviz bench contention: out of memory\n");
		goto out;
	}
	atomic_store(&sh->start, 0);
	atomic_store(&sh->stop, 0);
	for (; started < nt; started++) {
		struct cont_worker *k = &w[started];
		k->id = started;
		k->sh = sh;
		k->gt = sh->sm ? gosyncmap_thread(sh->sm, started + 1) : NULL;
		k->tt = sh->tr ? gotrie_thread(sh->tr, started + 1) : NULL;
		int err = pthread_create(&k->th, NULL, cont_loops[c->impl], k);
		if (err) {
			fprintf(stderr, "mapviz bench contention: pthread_create: %s\n", strerror(err));
			atomic_store(&sh->start, 1);
			atomic_store(&sh->stop, 1);
			break;
		}
	}
	uint64_t t0 = 0, t1 = 0;
	if (started == nt) {
		t0 = cont_now_ns();
		atomic_store_explicit(&sh->start, 1, memory_order_release);
		struct timespec d = {(time_t)(c->ns / 1000000000u), (long)(c->ns % 1000000000u)};
		while (nanosleep(&d, &d) != 0 && errno == EINTR)
			;
		atomic_store_explicit(&sh->stop, 1, memory_order_relaxed);
		t1 = cont_now_ns();
	}
	uint64_t total = 0, sink = 0, least = UINT64_MAX, most = 0;
	for (uint32_t i = 0; i < started; i++) {
		pthread_join(w[i].th, NULL);
		total += w[i].ops;
		sink += w[i].sum;
		least = w[i].ops < least ? w[i].ops : least;
		most = w[i].ops > most ? w[i].ops : most;
	}
	(void)sink;
	struct golock_counts lc;
	if (started != nt || !cont_check(sh, &lc))
		goto out;
	printf("ops_per_sec %.0f\n", (double)total * 1e9 / (double)(t1 - t0));
	printf("lock_waits %" PRIu64 "\n", lc.waits);
	printf("handoffs %" PRIu64 "\n", lc.handoffs);
	printf("sleeps %" PRIu64 "\n", lc.sleeps);
	printf("fairness %" PRIu64 "\n", most ? least * 100 / most : 100);
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	cont_teardown(sh);
	free(w);
	return rc;
}
