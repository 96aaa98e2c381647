/*
 * Unit tests of engine/gomap against the facts of go-map-semantics.md,
 * chiefly the traces Go 1.19.8 itself produced (section T).  Keys are
 * placed with pinned hashes where a test needs exact buckets and tophashes.
 */
#include <stdlib.h>

#include "engine/classic/gomap.h"
#include "unit.h"

static struct gomap new_map(int64_t hint)
{
	struct gomap m;
	ASSERT(gomap_init(&m, MV_KEY_INT, hint, 1234, false, NULL, 0, NULL) == MV_OK);
	return m;
}

/* Store with a pinned hash. */
static void store_h(struct gomap *m, int64_t k, int64_t v, uint64_t h)
{
	struct gm_op op;
	gm_op_assign_init(&op, k, v, &h);
	ASSERT(gomap_run(m, &op, NULL));
}

static bool delete_h(struct gomap *m, int64_t k, uint64_t h)
{
	struct gm_op op;
	gm_op_delete_init(&op, k, &h);
	ASSERT(gomap_run(m, &op, NULL));
	return op.found;
}

static const struct gm_bucket *bucket(const struct gomap *m, uint64_t i)
{
	return &m->slab[m->buckets + i];
}

static uint32_t prealloc(const struct gomap *m)
{
	return m->cur_n - (1u << m->B);
}

/* M3.5, T1: B and pre-allocated overflow buckets for a hint. */
static void makemap_hints(void)
{
	static const struct {
		int64_t hint;
		int B;
		int spare;
	} cases[] = {
		{0, 0, 0},     {1, 0, 0},     {8, 0, 0},     {9, 1, 0},      {13, 1, 0},     {14, 2, 0},
		{26, 2, 0},    {27, 3, 0},    {52, 3, 0},    {53, 4, 2},     {104, 4, 2},    {105, 5, 5},
		{208, 5, 5},   {209, 6, 7},   {416, 6, 7},   {417, 7, 14},   {832, 7, 14},   {833, 8, 28},
		{1664, 8, 28}, {1665, 9, 56}, {3328, 9, 56}, {3329, 10, 113}, {6656, 10, 113}, {6657, 11, 170},
		{100000, 14, 1024}, {-5, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct gomap m = new_map(cases[i].hint);
		ASSERT_EQ(m.B, cases[i].B);
		if (cases[i].B == 0)
			ASSERT_EQ(m.buckets, 0); /* M3.4: lazy */
		else
			ASSERT_EQ(prealloc(&m), cases[i].spare);
		gomap_done(&m);
	}
}

/* M8.7: pre-allocated overflow counts for 144- and 208-byte buckets. */
static void prealloc_counts(void)
{
	static const int i144[] = {2, 5, 7, 14, 28, 56, 113, 170, 284, 512, 1024, 2048};
	static const int s208[] = {3, 7, 4, 9, 19, 39, 78, 157, 275, 512, 1024, 2048};
	for (int B = 4; B <= 15; B++) {
		/* a hint just over 6.5 * 2^(B-1) gives exactly B */
		int64_t hint = 13 * ((int64_t)1 << (B - 1)) / 2 + 1;
		struct gomap m;
		ASSERT(gomap_init(&m, MV_KEY_INT, hint, 1, false, NULL, 0, NULL) == MV_OK);
		ASSERT_EQ(m.B, B);
		ASSERT_EQ(prealloc(&m), i144[B - 4]);
		gomap_done(&m);
		ASSERT(gomap_init(&m, MV_KEY_STRING, hint, 1, false, NULL, 0, NULL) == MV_OK);
		ASSERT_EQ(prealloc(&m), s208[B - 4]);
		gomap_done(&m);
	}
}

/* M8.6 */
static void roundupsize(void)
{
	ASSERT_EQ(gm_roundupsize(1), 8);
	ASSERT_EQ(gm_roundupsize(144), 144);
	ASSERT_EQ(gm_roundupsize(145), 160);
	ASSERT_EQ(gm_roundupsize(2448), 2688);
	ASSERT_EQ(gm_roundupsize(32768), 32768);
	ASSERT_EQ(gm_roundupsize(32769), 40960);
}

/* M5.14, T2: B changes at the 9th, 14th, 27th, 53rd, ... insert; the 2→3
 * grow leaves nevacuate 1 and ends on the next insert. */
static void growth_ladder(void)
{
	struct gomap m = new_map(0);
	static const int at[] = {9, 14, 27, 53, 105, 209, 417, 833, 1665};
	size_t next = 0;
	uint8_t lastB = 0;
	for (int64_t i = 1; i <= 2000; i++) {
		ASSERT(gomap_store(&m, i, i));
		if (i == 1)
			ASSERT(m.buckets != 0); /* M5.5 */
		if (m.B != lastB) {
			ASSERT(next < sizeof at / sizeof at[0]);
			ASSERT_EQ(i, at[next]);
			next++;
			lastB = m.B;
		}
		if (i == 27) {
			/* M7.3: at most two old buckets evacuated by this insert */
			ASSERT_EQ(m.B, 3);
			ASSERT(gomap_growing(&m));
			ASSERT(m.nevacuate >= 1 && m.nevacuate <= 2);
			ASSERT_EQ(m.noverflow, 0);
		}
	}
	ASSERT_EQ(next, 9);
	for (int64_t i = 1; i <= 2000; i++) {
		int64_t v = -1;
		ASSERT(gomap_load(&m, i, &v));
		ASSERT_EQ(v, i);
	}
	ASSERT(!gomap_load(&m, 2001, NULL));
	gomap_done(&m);
}

/* T3: delete marking in a B=0 map. */
static void delete_marking(void)
{
	struct gomap m = new_map(0);
	static const uint8_t top[] = {10, 109, 230, 177, 40};
	uint64_t h[6];
	for (int k = 1; k <= 5; k++) {
		h[k] = (uint64_t)top[k - 1] << 56 | 0x1000 * (uint64_t)k;
		store_h(&m, k, k * 10, h[k]);
	}
	const struct gm_bucket *b = bucket(&m, 0);
	uint8_t want1[8] = {10, 109, 230, 177, 40, 0, 0, 0};
	ASSERT(memcmp(b->tophash, want1, 8) == 0);
	ASSERT(delete_h(&m, 3, h[3]));
	uint8_t want2[8] = {10, 109, 1, 177, 40, 0, 0, 0};
	ASSERT(memcmp(b->tophash, want2, 8) == 0);
	ASSERT(delete_h(&m, 5, h[5]));
	uint8_t want3[8] = {10, 109, 1, 177, 0, 0, 0, 0};
	ASSERT(memcmp(b->tophash, want3, 8) == 0);
	ASSERT(delete_h(&m, 4, h[4]));
	uint8_t want4[8] = {10, 109, 0, 0, 0, 0, 0, 0};
	ASSERT(memcmp(b->tophash, want4, 8) == 0);
	/* a new key goes to the first empty slot, 2; slot 3 keeps stale bytes */
	store_h(&m, 6, 60, (uint64_t)99 << 56);
	ASSERT_EQ(b->tophash[2], 99);
	ASSERT_EQ(b->keys[2], 6);
	ASSERT_EQ(b->keys[3], 4); /* M6.6.1: stale key bytes stay */
	ASSERT_EQ(b->vals[3], 0); /* the elem is zeroed */
	uint32_t h0 = m.hash0;
	ASSERT(delete_h(&m, 1, h[1]));
	ASSERT(delete_h(&m, 2, h[2]));
	ASSERT(delete_h(&m, 6, (uint64_t)99 << 56));
	ASSERT_EQ(m.count, 0);
	for (int i = 0; i < 8; i++)
		ASSERT_EQ(b->tophash[i], 0);
	ASSERT(m.hash0 != h0); /* M6.6.5: reseeded */
	gomap_done(&m);
}

/* T4: same-size grow in a B=3 map from churn. */
static void same_size_grow(void)
{
	struct gomap m = new_map(30);
	ASSERT_EQ(m.B, 3);
	int64_t key = 1;
	for (uint64_t bk = 0; bk < 8; bk++) {
		uint64_t h[9];
		for (int j = 0; j < 9; j++) {
			h[j] = (uint64_t)(20 + j) << 56 | (uint64_t)(key + j) << 8 | bk;
			store_h(&m, key + j, key + j, h[j]);
		}
		for (int j = 0; j < 8; j++)
			ASSERT(delete_h(&m, key + j, h[j]));
		key += 9;
	}
	ASSERT_EQ(m.count, 8);
	ASSERT_EQ(m.noverflow, 8);
	ASSERT_EQ(m.flags, 0);
	store_h(&m, 1000, 1, (uint64_t)50 << 56 | 0); /* bucket 0 */
	ASSERT_EQ(m.flags, GM_F_SAME_SIZE_GROW);
	ASSERT_EQ(m.B, 3);
	ASSERT(gomap_growing(&m));
	ASSERT_EQ(m.noverflow, 0);
	ASSERT_EQ(m.nevacuate, 2);
	const struct gm_bucket *o0 = &m.slab[m.oldbuckets];
	uint8_t want0[8] = {4, 4, 4, 4, 4, 4, 4, 4};
	/* slot 0 of old bucket 0 was emptyOne after the deletes... */
	(void)want0;
	ASSERT(gomap_evacuated(&m, 0));
	ASSERT(gomap_evacuated(&m, 1));
	ASSERT(!gomap_evacuated(&m, 2));
	/* the overflow bucket of old bucket 0 held the live key: X mark */
	const struct gm_bucket *ov = &m.slab[o0->overflow];
	ASSERT_EQ(ov->tophash[0], GM_EVACUATED_X);
	for (int i = 1; i < 8; i++)
		ASSERT_EQ(ov->tophash[i], GM_EVACUATED_EMPTY);
	for (int i = 0; i < 8; i++)
		ASSERT_EQ(o0->tophash[i], GM_EVACUATED_EMPTY);
	/* finish the grow */
	for (int64_t k = 2000; k < 2010; k++)
		store_h(&m, k, k, (uint64_t)60 << 56 | (uint64_t)k << 8 | (uint64_t)(k % 8));
	ASSERT(!gomap_growing(&m));
	ASSERT_EQ(m.flags, 0);
	gomap_done(&m);
}

/* T5, M9.4, M7.1.3: iterator flags. */
static void iterator_flags(void)
{
	struct gomap m = new_map(0);
	for (int64_t i = 0; i < 8; i++)
		ASSERT(gomap_store(&m, i, i));
	struct gm_op it;
	gm_op_iter_init(&it, -1, -1);
	ASSERT_EQ(gomap_step(&m, &it, NULL), GM_MORE); /* iter_init */
	ASSERT_EQ(m.flags, 3);
	ASSERT_EQ(gomap_step(&m, &it, NULL), GM_YIELD); /* the first entry: then break */
	gomap_abandon(&m, &it);
	ASSERT(gomap_store(&m, 100, 1)); /* 9th key: doubling grow */
	ASSERT_EQ(m.flags, 2);
	ASSERT(!gomap_growing(&m));
	ASSERT_EQ(m.flags, 2);
	gomap_done(&m);
}

/* M9.8: a full range yields every key once. */
static void range_all(void)
{
	struct gomap m = new_map(0);
	enum { N = 300 };
	for (int64_t i = 0; i < N; i++)
		ASSERT(gomap_store(&m, i * 7, i));
	struct gm_op it;
	gm_op_iter_init(&it, -1, -1);
	static bool seen[N * 7];
	memset(seen, 0, sizeof seen);
	int n = 0;
	enum gm_stepres r;
	while ((r = gomap_step(&m, &it, NULL)) != GM_DONE) {
		if (r == GM_YIELD) {
			ASSERT(it.result_key % 7 == 0);
			ASSERT(!seen[it.result_key]);
			seen[it.result_key] = true;
			ASSERT_EQ(it.result, it.result_key / 7);
			n++;
		}
	}
	ASSERT_EQ(n, N);
	gomap_done(&m);
}

/* M5.2, M5.12 and the XOR toggle (A1): two interleaved writers. */
static void concurrent_writes_toggle(void)
{
	struct gomap m = new_map(0);
	ASSERT(gomap_store(&m, 1, 1));
	struct gm_op a, b;
	gm_op_assign_init(&a, 2, 2, NULL);
	gm_op_assign_init(&b, 3, 3, NULL);
	ASSERT_EQ(gomap_step(&m, &a, NULL), GM_MORE); /* A check_writing */
	ASSERT_EQ(gomap_step(&m, &b, NULL), GM_MORE); /* B check_writing */
	ASSERT_EQ(gomap_step(&m, &a, NULL), GM_MORE); /* A hash */
	ASSERT_EQ(gomap_step(&m, &b, NULL), GM_MORE); /* B hash */
	ASSERT_EQ(gomap_step(&m, &a, NULL), GM_MORE); /* A set_writing */
	ASSERT_EQ(m.flags & GM_F_HASH_WRITING, GM_F_HASH_WRITING);
	ASSERT_EQ(gomap_step(&m, &b, NULL), GM_MORE); /* B toggles it back off */
	ASSERT_EQ(m.flags & GM_F_HASH_WRITING, 0);
	while (gomap_step(&m, &a, NULL) == GM_MORE)
		;
	ASSERT_EQ(a.outcome, GM_OUT_FATAL_WRITES);
	ASSERT_EQ(a.last, GM_PH_CHECK_AND_CLEAR);
	gomap_done(&m);
}

/* M4.2: a reader entering while a writer is inside. */
static void read_during_write(void)
{
	struct gomap m = new_map(0);
	ASSERT(gomap_store(&m, 1, 1));
	struct gm_op w, r;
	gm_op_assign_init(&w, 2, 2, NULL);
	gm_op_lookup_init(&r, 1, NULL);
	for (int i = 0; i < 3; i++) /* check_writing, hash, set_writing */
		ASSERT_EQ(gomap_step(&m, &w, NULL), GM_MORE);
	ASSERT_EQ(gomap_step(&m, &r, NULL), GM_DONE);
	ASSERT_EQ(r.outcome, GM_OUT_FATAL_READ_WRITE);
	gomap_done(&m);
}

/* E4.1: nil map writes panic; reads, deletes, len and range are legal. */
static void nil_map(void)
{
	struct gomap m;
	ASSERT(gomap_init(&m, MV_KEY_INT, 0, 1, true, NULL, 0, NULL) == MV_OK);
	ASSERT(!gomap_load(&m, 1, NULL));
	ASSERT(!gomap_delete(&m, 1));
	struct gm_op op;
	gm_op_iter_init(&op, -1, -1);
	ASSERT(gomap_run(&m, &op, NULL));
	gm_op_assign_init(&op, 1, 1, NULL);
	ASSERT(!gomap_run(&m, &op, NULL));
	ASSERT_EQ(op.outcome, GM_OUT_PANIC_NIL);
	gomap_done(&m);
}

/* M10.2: clear keeps B, resets the rest, reseeds. */
static void clear_keeps_B(void)
{
	struct gomap m = new_map(0);
	for (int64_t i = 0; i < 100; i++)
		ASSERT(gomap_store(&m, i, i));
	uint8_t B = m.B;
	uint32_t h0 = m.hash0;
	struct gm_op op;
	gm_op_clear_init(&op);
	ASSERT(gomap_run(&m, &op, NULL));
	ASSERT_EQ(m.B, B);
	ASSERT_EQ(m.count, 0);
	ASSERT_EQ(m.noverflow, 0);
	ASSERT(m.hash0 != h0);
	ASSERT(!gomap_load(&m, 5, NULL));
	ASSERT(gomap_store(&m, 5, 5));
	gomap_done(&m);
}

/* A copy is independent; compaction keeps every key. */
static void copy_and_compact(void)
{
	struct gomap m = new_map(0), c;
	for (int64_t i = 0; i < 5000; i++)
		ASSERT(gomap_store(&m, i, i));
	ASSERT(gomap_copy(&c, &m) == MV_OK);
	for (int64_t i = 0; i < 5000; i += 2)
		ASSERT(gomap_delete(&m, i));
	for (int64_t i = 0; i < 5000; i++) {
		ASSERT_EQ(gomap_load(&c, i, NULL), true);
		ASSERT_EQ(gomap_load(&m, i, NULL), i % 2 == 1);
	}
	/* churn that makes many same-size grows: memory stays bounded */
	for (int64_t r = 0; r < 200000; r++) {
		ASSERT(gomap_store(&m, 100000 + r, r));
		ASSERT(gomap_delete(&m, 100000 + r));
	}
	ASSERT(m.slab_len < 4 * (m.cur_n + m.cur_fresh + m.old_n + m.old_fresh) + 8192);
	for (int64_t i = 1; i < 5000; i += 2)
		ASSERT(gomap_load(&m, i, NULL));
	gomap_done(&m);
	gomap_done(&c);
}

/* String keys hash by bytes; a string map's bucket is 208 bytes (M1.4). */
static void string_keys(void)
{
	struct mv_strpool pool;
	ASSERT(mv_strpool_init(&pool) == MV_OK);
	struct gomap m;
	ASSERT(gomap_init(&m, MV_KEY_STRING, 0, 7, false, NULL, 0, &pool) == MV_OK);
	ASSERT_EQ(m.bucketsize, 208);
	char buf[32];
	for (int i = 0; i < 500; i++) {
		uint32_t id;
		int n = snprintf(buf, sizeof buf, "key-%d", i);
		ASSERT(mv_strpool_intern(&pool, buf, (size_t)n, &id) == MV_OK);
		ASSERT(gomap_store(&m, id, i));
	}
	ASSERT_EQ(m.count, 500);
	uint32_t id;
	ASSERT(mv_strpool_intern(&pool, "key-42", 6, &id) == MV_OK);
	int64_t v;
	ASSERT(gomap_load(&m, id, &v));
	ASSERT_EQ(v, 42);
	gomap_done(&m);
	mv_strpool_done(&pool);
}

/* Compare two maps' observable state: header and every chain's slots. */
static void assert_same_state(const struct gomap *a, const struct gomap *b, long op)
{
	if (a->count != b->count || a->B != b->B || a->flags != b->flags || a->noverflow != b->noverflow ||
	    a->hash0 != b->hash0 || a->nevacuate != b->nevacuate || !a->buckets != !b->buckets ||
	    !a->oldbuckets != !b->oldbuckets)
		unit_fail(__FILE__, __LINE__, "op %ld: headers differ: count %lld/%lld B %u/%u flags %u/%u", op,
			  (long long)a->count, (long long)b->count, a->B, b->B, a->flags, b->flags);
	for (int arr = 0; arr < 2; arr++) {
		uint32_t fa = arr ? a->oldbuckets : a->buckets, fb = arr ? b->oldbuckets : b->buckets;
		if (!fa)
			continue;
		uint64_t n = arr ? gomap_noldbuckets(a) : (uint64_t)1 << a->B;
		for (uint64_t j = 0; j < n; j++) {
			uint32_t x = fa + (uint32_t)j, y = fb + (uint32_t)j;
			for (; x && y; x = a->slab[x].overflow, y = b->slab[y].overflow) {
				const struct gm_bucket *p = &a->slab[x], *q = &b->slab[y];
				for (int i = 0; i < 8; i++) {
					bool live = p->tophash[i] >= GM_MIN_TOPHASH;
					if (p->tophash[i] != q->tophash[i] ||
					    (live && (p->keys[i] != q->keys[i] || p->vals[i] != q->vals[i])))
						unit_fail(__FILE__, __LINE__, "op %ld: %s bucket %llu slot %d differs", op,
							  arr ? "old" : "new", (unsigned long long)j, i);
				}
			}
			if (x || y)
				unit_fail(__FILE__, __LINE__, "op %ld: chain lengths differ at bucket %llu", op,
					  (unsigned long long)j);
		}
	}
}

/* The fast paths (gomap_store/load/delete) and the step machine agree on
 * every bucket after every operation: the oracle checks the step machine
 * against Go, this ties the fast paths to it. */
static void fast_equals_stepped(void)
{
	for (int kind = 0; kind < 2; kind++) {
		struct mv_strpool pool;
		ASSERT(mv_strpool_init(&pool) == MV_OK);
		struct gomap a, b;
		enum mv_keykind kk = kind ? MV_KEY_STRING : MV_KEY_INT;
		ASSERT(gomap_init(&a, kk, 0, 42, false, NULL, 0, &pool) == MV_OK);
		ASSERT(gomap_init(&b, kk, 0, 42, false, NULL, 0, &pool) == MV_OK);
		struct mv_rng r;
		mv_rng_init(&r, 99 + (uint64_t)kind);
		for (long i = 0; i < 60000; i++) {
			/* phases: fill, churn over few keys (same-size grows), drain */
			uint64_t space = i < 20000 ? 5000 : i < 40000 ? 60 : 5000;
			int64_t key = (int64_t)(mv_rng_u64(&r) % space);
			if (kind) {
				char buf[32];
				uint32_t id;
				int n = snprintf(buf, sizeof buf, "k%lld", (long long)key);
				ASSERT(mv_strpool_intern(&pool, buf, (size_t)n, &id) == MV_OK);
				key = id;
			}
			unsigned what = (unsigned)(mv_rng_u64(&r) % 10);
			if (i >= 40000)
				what = what < 7 ? 9 : what;
			struct gm_op op;
			int64_t v1 = -1, v2 = -1;
			if (what < 5) {
				ASSERT(gomap_store(&a, key, i));
				gm_op_assign_init(&op, key, i, NULL);
				ASSERT(gomap_run(&b, &op, NULL));
			} else if (what < 8) {
				bool f1 = gomap_load(&a, key, &v1);
				gm_op_lookup_init(&op, key, NULL);
				gomap_run(&b, &op, NULL);
				ASSERT_EQ(f1, op.found);
				if (f1)
					ASSERT_EQ(v1, op.result);
				(void)v2;
			} else {
				bool f1 = gomap_delete(&a, key);
				gm_op_delete_init(&op, key, NULL);
				ASSERT(gomap_run(&b, &op, NULL));
				ASSERT_EQ(f1, op.found);
			}
			assert_same_state(&a, &b, i);
		}
		gomap_done(&a);
		gomap_done(&b);
		mv_strpool_done(&pool);
	}
}

/* Bytes held as the runtime would (M1.4, M8.5, M8.6): the array with its
 * pre-allocated overflow, overflow buckets one by one, old buckets kept
 * until evacuation ends. */
static void memory_accounting(void)
{
	struct gomap m = new_map(0);
	struct gm_memory mem;
	gomap_memory(&m, &mem);
	ASSERT_EQ(mem.buckets + mem.overflow + mem.old, 0); /* M3.2: nothing yet */
	ASSERT(gomap_store(&m, 1, 1));
	gomap_memory(&m, &mem);
	ASSERT_EQ(mem.buckets, 144); /* one 144-byte bucket, a size class */
	for (int64_t i = 2; i <= 26; i++)
		ASSERT(gomap_store(&m, i, i));
	ASSERT_EQ(m.B, 2);
	ASSERT(gomap_store(&m, 27, 27)); /* B 2 -> 3: 4 old buckets held */
	gomap_memory(&m, &mem);
	ASSERT_EQ(mem.buckets, 1152); /* 8 x 144 */
	ASSERT(gomap_growing(&m));
	ASSERT(mem.old >= 576); /* 4 x 144, plus any overflow buckets */
	for (int64_t i = 28; i < 40 && gomap_growing(&m); i++)
		ASSERT(gomap_store(&m, i, i));
	ASSERT(!gomap_growing(&m));
	gomap_memory(&m, &mem);
	ASSERT_EQ(mem.old, 0); /* released when evacuation ends (M7.5) */
	gomap_done(&m);
	/* B = 5 with a hint: 32 buckets + 5 pre-allocated = 37 x 144 = 5328
	 * bytes, in the 5376-byte size class */
	m = new_map(200);
	gomap_memory(&m, &mem);
	ASSERT_EQ(m.B, 5);
	ASSERT_EQ(mem.buckets, 5376);
	gomap_done(&m);
}

const struct unit_test gomap_tests[] = {
	UNIT(memory_accounting),
	UNIT(fast_equals_stepped),
	UNIT(makemap_hints),
	UNIT(prealloc_counts),
	UNIT(roundupsize),
	UNIT(growth_ladder),
	UNIT(delete_marking),
	UNIT(same_size_grow),
	UNIT(iterator_flags),
	UNIT(range_all),
	UNIT(concurrent_writes_toggle),
	UNIT(read_during_write),
	UNIT(nil_map),
	UNIT(clear_keeps_B),
	UNIT(copy_and_compact),
	UNIT(string_keys),
	{0},
};
