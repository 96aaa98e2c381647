/*
 * Unit tests of engine/syncmap against go-map-semantics.md section S and
 * the trace Go 1.19.8 produced (T6).  States are compared through the JSON
 * STATE the headless writer prints (app/out_syncmap.c), which is also what
 * the oracle compares with Go's real sync.Map.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../app/out_syncmap.h"
#include "engine/classic/syncmap.h"
#include "unit.h"

#define MAXEV 256

struct evlog {
	struct mv_event ev[MAXEV];
	uint32_t n;
};

static void on_event(void *ctx, const struct mv_event *e)
{
	struct evlog *l = ctx;
	if (l->n < MAXEV)
		l->ev[l->n++] = *e;
}

static uint32_t count_ev(const struct evlog *l, enum mv_event_kind k)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < l->n; i++)
		n += l->ev[i].kind == k;
	return n;
}

/* The JSON STATE of s, in buf. */
static const char *state(const struct syncmap *s, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");
	if (!f)
		return "(fmemopen failed)";
	out_json_syncmap_state(f, s);
	fclose(f);
	buf[len - 1] = 0;
	return buf;
}

#define ASSERT_STATE(s, want)                                                  \
	do {                                                                   \
		char buf_[4096];                                               \
		ASSERT_STR(state((s), buf_, sizeof buf_), (want));             \
	} while (0)

/* Step op to its end by worker w; returns the final result. */
static enum sm_res run(struct syncmap *s, struct sm_op *op, uint32_t w, const struct mv_sink *sink)
{
	return sm_run(s, op, w, 0, NULL, NULL, sink);
}

/* Run a whole Range, collecting its (key, value) pairs. */
static uint32_t range_all(struct syncmap *s, int64_t *keys, int64_t *vals, uint32_t cap)
{
	struct sm_op op;
	sm_op_range_init(&op, -1, -1);
	uint32_t n = 0;
	enum sm_res r;
	while ((r = sm_step(s, &op, 0, 0, NULL, NULL, NULL)) != SM_DONE) {
		ASSERT(r == SM_MORE || r == SM_YIELD);
		if (r == SM_YIELD && n < cap) {
			keys[n] = op.result_key;
			vals[n] = op.result;
			n++;
		}
	}
	return n;
}

/* T6 with int keys k[0..4] standing for a, b, zzz, c, d, and their JSON spellings. */
static void t6(enum mv_keykind kind, const int64_t *k, const char *const *js)
{
	struct mv_strpool pool;
	ASSERT(mv_strpool_init(&pool) == MV_OK);
	struct syncmap s;
	ASSERT(syncmap_init(&s, kind, 7, &pool) == MV_OK);
	int64_t v;
	char want[1024];
	const char *a = js[0], *b = js[1], *c = js[3], *d = js[4];

	ASSERT_STATE(&s, "{\"read\":{\"amended\":false,\"entries\":{}},\"dirty\":null,\"misses\":0}");
	syncmap_store(&s, k[0], 1);
	snprintf(want, sizeof want,
		 "{\"read\":{\"amended\":true,\"entries\":{}},\"dirty\":{%s:\"value:1\"},\"misses\":0}", a);
	ASSERT_STATE(&s, want);
	syncmap_store(&s, k[1], 2);
	snprintf(want, sizeof want,
		 "{\"read\":{\"amended\":true,\"entries\":{}},\"dirty\":{%s:\"value:1\",%s:\"value:2\"},\"misses\":0}",
		 a, b);
	ASSERT_STATE(&s, want);
	ASSERT(syncmap_load(&s, k[0], &v));
	ASSERT_EQ(v, 1);
	snprintf(want, sizeof want,
		 "{\"read\":{\"amended\":true,\"entries\":{}},\"dirty\":{%s:\"value:1\",%s:\"value:2\"},\"misses\":1}",
		 a, b);
	ASSERT_STATE(&s, want);
	ASSERT(!syncmap_load(&s, k[2], &v)); /* Load(zzz): promote */
	snprintf(want, sizeof want,
		 "{\"read\":{\"amended\":false,\"entries\":{%s:\"value:1\",%s:\"value:2\"}},\"dirty\":null,\"misses\":0}",
		 a, b);
	ASSERT_STATE(&s, want);
	uint64_t acq = s.mu.acquisitions;
	ASSERT(syncmap_load(&s, k[0], &v)); /* fast: no lock */
	ASSERT_EQ(v, 1);
	ASSERT_EQ(s.mu.acquisitions, acq);
	ASSERT_STATE(&s, want);
	syncmap_delete(&s, k[0]);
	snprintf(want, sizeof want,
		 "{\"read\":{\"amended\":false,\"entries\":{%s:\"nil\",%s:\"value:2\"}},\"dirty\":null,\"misses\":0}",
		 a, b);
	ASSERT_STATE(&s, want);
	ASSERT_EQ(s.mu.acquisitions, acq); /* a read hit deletes lock-free */
	syncmap_store(&s, k[3], 3); /* dirtyLocked expunges a */
	snprintf(want, sizeof want,
		 "{\"read\":{\"amended\":true,\"entries\":{%s:\"expunged\",%s:\"value:2\"}},"
		 "\"dirty\":{%s:\"value:2\",%s:\"value:3\"},\"misses\":0}",
		 a, b, b, c);
	ASSERT_STATE(&s, want);
	syncmap_store(&s, k[0], 4); /* unexpunge */
	snprintf(want, sizeof want,
		 "{\"read\":{\"amended\":true,\"entries\":{%s:\"value:4\",%s:\"value:2\"}},"
		 "\"dirty\":{%s:\"value:4\",%s:\"value:2\",%s:\"value:3\"},\"misses\":0}",
		 a, b, a, b, c);
	ASSERT_STATE(&s, want);
	int64_t keys[8], vals[8];
	ASSERT_EQ(range_all(&s, keys, vals, 8), 3); /* Range promotes */
	snprintf(want, sizeof want,
		 "{\"read\":{\"amended\":false,\"entries\":{%s:\"value:4\",%s:\"value:2\",%s:\"value:3\"}},"
		 "\"dirty\":null,\"misses\":0}",
		 a, b, c);
	ASSERT_STATE(&s, want);
	ASSERT(!syncmap_load_or_store(&s, k[4], 5, &v));
	ASSERT_EQ(v, 5);
	snprintf(want, sizeof want,
		 "{\"read\":{\"amended\":true,\"entries\":{%s:\"value:4\",%s:\"value:2\",%s:\"value:3\"}},"
		 "\"dirty\":{%s:\"value:4\",%s:\"value:2\",%s:\"value:3\",%s:\"value:5\"},\"misses\":0}",
		 a, b, c, a, b, c, d);
	ASSERT_STATE(&s, want);
	ASSERT(syncmap_load_or_store(&s, k[4], 6, &v)); /* dirty hit: a miss */
	ASSERT_EQ(v, 5);
	snprintf(want, sizeof want,
		 "{\"read\":{\"amended\":true,\"entries\":{%s:\"value:4\",%s:\"value:2\",%s:\"value:3\"}},"
		 "\"dirty\":{%s:\"value:4\",%s:\"value:2\",%s:\"value:3\",%s:\"value:5\"},\"misses\":1}",
		 a, b, c, a, b, c, d);
	ASSERT_STATE(&s, want);
	syncmap_done(&s);
	mv_strpool_done(&pool);
}

static void t6_int(void)
{
	const int64_t k[] = {1, 2, 999, 3, 4};
	const char *const js[] = {"\"1\"", "\"2\"", "\"999\"", "\"3\"", "\"4\""};
	t6(MV_KEY_INT, k, js);
}

/* The whole T6 over string keys, with the pool shared. */
static void t6_string(void)
{
	struct mv_strpool pool;
	ASSERT(mv_strpool_init(&pool) == MV_OK);
	const char *names[] = {"a", "b", "zzz", "c", "d"};
	int64_t k[5];
	for (int i = 0; i < 5; i++) {
		uint32_t id;
		ASSERT(mv_strpool_intern(&pool, names[i], strlen(names[i]), &id) == MV_OK);
		k[i] = id;
	}
	struct syncmap s;
	ASSERT(syncmap_init(&s, MV_KEY_STRING, 11, &pool) == MV_OK);
	int64_t v, keys[8], vals[8];
	syncmap_store(&s, k[0], 1);
	syncmap_store(&s, k[1], 2);
	syncmap_load(&s, k[0], &v);
	ASSERT(!syncmap_load(&s, k[2], &v));
	syncmap_load(&s, k[0], &v);
	syncmap_delete(&s, k[0]);
	syncmap_store(&s, k[3], 3);
	ASSERT_STATE(&s, "{\"read\":{\"amended\":true,\"entries\":{\"a\":\"expunged\",\"b\":\"value:2\"}},"
			 "\"dirty\":{\"b\":\"value:2\",\"c\":\"value:3\"},\"misses\":0}");
	syncmap_store(&s, k[0], 4);
	ASSERT_EQ(range_all(&s, keys, vals, 8), 3);
	ASSERT(!syncmap_load_or_store(&s, k[4], 5, &v));
	ASSERT(syncmap_load_or_store(&s, k[4], 6, &v));
	ASSERT_EQ(v, 5);
	ASSERT_STATE(&s, "{\"read\":{\"amended\":true,\"entries\":{\"a\":\"value:4\",\"b\":\"value:2\",\"c\":\"value:3\"}},"
			 "\"dirty\":{\"a\":\"value:4\",\"b\":\"value:2\",\"c\":\"value:3\",\"d\":\"value:5\"},\"misses\":1}");
	syncmap_done(&s);
	mv_strpool_done(&pool);
}

static void t6_phases(void)
{
	/* The phase sequence of T6's Store(c) (dirtyLocked over read.m =
	 * {a: nil, b}) and of Store(a) (unexpunge), by name. */
	struct syncmap s;
	ASSERT(syncmap_init(&s, MV_KEY_INT, 1, NULL) == MV_OK);
	int64_t v;
	syncmap_store(&s, 1, 1);
	syncmap_store(&s, 2, 2);
	syncmap_load(&s, 1, &v);
	syncmap_load(&s, 999, &v);
	syncmap_delete(&s, 1);
	struct sm_op op;
	char seq[1024] = "";
	sm_op_store_init(&op, 3, 3);
	while (sm_step(&s, &op, 0, 0, NULL, NULL, NULL) != SM_DONE) {
		strcat(seq, sm_phase_name(op.last));
		strcat(seq, " ");
	}
	strcat(seq, sm_phase_name(op.last));
	/* read.m = {1: nil, 2}: iteration order is the map's; both orders
	 * give the same multiset of phases.  Check the frame. */
	const char *head = "load_read lookup_read lock reload_read relookup_read load_dirty dirty_locked ";
	ASSERT_STR(strncmp(seq, head, strlen(head)) == 0 ? head : seq, head);
	ASSERT(strstr(seq, "expunge_load try_expunge") != NULL);
	ASSERT(strstr(seq, "expunge_load dirty_copy") != NULL);
	ASSERT(strstr(seq, "dirty_next publish_amended store_dirty unlock") != NULL);
	seq[0] = 0;
	sm_op_store_init(&op, 1, 4);
	while (sm_step(&s, &op, 0, 0, NULL, NULL, NULL) != SM_DONE) {
		strcat(seq, sm_phase_name(op.last));
		strcat(seq, " ");
	}
	strcat(seq, sm_phase_name(op.last));
	ASSERT_STR(seq, "load_read lookup_read entry_load lock reload_read relookup_read unexpunge "
			"readd_dirty store_locked unlock");
	syncmap_done(&s);
}

/* S5, S6, S9, S10: who counts a miss, and when promotion happens. */
static void misses_rules(void)
{
	struct syncmap s;
	ASSERT(syncmap_init(&s, MV_KEY_INT, 2, NULL) == MV_OK);
	int64_t v;
	for (int64_t k = 1; k <= 4; k++)
		syncmap_store(&s, k, k * 10);
	ASSERT_EQ(s.misses, 0); /* S7.6: Store never counts one */
	syncmap_store(&s, 2, 21);   /* dirty hit, under mu */
	ASSERT_EQ(s.misses, 0);
	ASSERT(!syncmap_load(&s, 100, &v)); /* S5: absent from dirty: still a miss */
	ASSERT_EQ(s.misses, 1);
	ASSERT(syncmap_load(&s, 3, &v)); /* present in dirty: a miss */
	ASSERT_EQ(v, 30);
	ASSERT_EQ(s.misses, 2);
	ASSERT(!syncmap_load_or_store(&s, 5, 50, &v)); /* new key: no miss */
	ASSERT_EQ(s.misses, 2);
	ASSERT(syncmap_load_or_store(&s, 5, 51, &v)); /* S9: dirty hit: a miss */
	ASSERT_EQ(v, 50);
	ASSERT_EQ(s.misses, 3);
	ASSERT(syncmap_load_and_delete(&s, 4, &v)); /* S10: removed from dirty, a miss */
	ASSERT_EQ(v, 40);
	/* S6: misses (4) >= len(dirty) (4 once 4 is gone): promoted by that miss */
	ASSERT_EQ(s.promotions, 1);
	ASSERT_EQ(s.misses, 0);
	ASSERT_STATE(&s, "{\"read\":{\"amended\":false,\"entries\":{\"1\":\"value:10\",\"2\":\"value:21\","
			 "\"3\":\"value:30\",\"5\":\"value:50\"}},\"dirty\":null,\"misses\":0}");
	/* Read hits: no lock, no miss; a nil entry in read.m: (nil, false), no lock. */
	uint64_t acq = s.mu.acquisitions;
	ASSERT(syncmap_load(&s, 1, &v));
	syncmap_delete(&s, 1);
	ASSERT(!syncmap_load(&s, 1, &v));
	ASSERT(!syncmap_load(&s, 77, &v)); /* not amended: no lock */
	ASSERT_EQ(s.mu.acquisitions, acq);
	ASSERT_EQ(s.misses, 0);
	/* S6: an empty non-nil dirty promotes on the first miss */
	syncmap_store(&s, 9, 90); /* dirtyLocked: 1 expunged; dirty {2,3,5,9} */
	for (int64_t k = 2; k <= 9; k++)
		syncmap_load_and_delete(&s, k, &v); /* read hits: CAS to nil; 9 from dirty */
	ASSERT_STATE(&s, "{\"read\":{\"amended\":false,\"entries\":{\"2\":\"nil\",\"3\":\"nil\",\"5\":\"nil\","
			 "\"9\":\"nil\"}},\"dirty\":null,\"misses\":0}");
	syncmap_done(&s);

	/* S6 exactly: len(dirty) 0 after LoadAndDelete of the only new key. */
	ASSERT(syncmap_init(&s, MV_KEY_INT, 2, NULL) == MV_OK);
	syncmap_store(&s, 1, 1);
	ASSERT(syncmap_load_and_delete(&s, 1, &v)); /* misses 1 >= len(dirty) 0 */
	ASSERT_STATE(&s, "{\"read\":{\"amended\":false,\"entries\":{}},\"dirty\":null,\"misses\":0}");
	ASSERT_EQ(s.promotions, 1);
	syncmap_done(&s);
}

/* S7.1, S7.3, S8, S9: expunge and unexpunge, the revival of nil entries. */
static void expunge_unexpunge(void)
{
	struct syncmap s;
	ASSERT(syncmap_init(&s, MV_KEY_INT, 3, NULL) == MV_OK);
	struct evlog log = {.n = 0};
	struct mv_sink sink = {on_event, &log};
	int64_t v;
	for (int64_t k = 1; k <= 3; k++)
		syncmap_store(&s, k, k);
	int64_t keys[8], vals[8];
	ASSERT_EQ(range_all(&s, keys, vals, 8), 3); /* promote */
	syncmap_delete(&s, 1);
	syncmap_delete(&s, 2);
	/* S7.1: a nil entry is revived lock-free */
	uint64_t acq = s.mu.acquisitions;
	syncmap_store(&s, 2, 22);
	ASSERT_EQ(s.mu.acquisitions, acq);
	/* S8: a new key: dirtyLocked expunges 1 (nil), copies 2 and 3 */
	struct sm_op op;
	sm_op_store_init(&op, 4, 4);
	ASSERT(run(&s, &op, 0, &sink) == SM_DONE);
	ASSERT_EQ(count_ev(&log, MV_EV_DIRTY_INIT), 1);
	ASSERT_EQ(count_ev(&log, MV_EV_EXPUNGE), 1);
	ASSERT_EQ(count_ev(&log, MV_EV_LOCK_ACQUIRE), 1);
	ASSERT_EQ(count_ev(&log, MV_EV_LOCK_RELEASE), 1);
	for (uint32_t i = 0; i < log.n; i++) {
		if (log.ev[i].kind == MV_EV_EXPUNGE)
			ASSERT_EQ(log.ev[i].key, 1);
		if (log.ev[i].kind == MV_EV_DIRTY_INIT)
			ASSERT_EQ(log.ev[i].n, 3);
	}
	ASSERT_STATE(&s, "{\"read\":{\"amended\":true,\"entries\":{\"1\":\"expunged\",\"2\":\"value:22\",\"3\":\"value:3\"}},"
			 "\"dirty\":{\"2\":\"value:22\",\"3\":\"value:3\",\"4\":\"value:4\"},\"misses\":0}");
	/* Load/LoadAndDelete of an expunged key: found in read.m, (nil, false), no lock */
	acq = s.mu.acquisitions;
	ASSERT(!syncmap_load(&s, 1, &v));
	ASSERT(!syncmap_load_and_delete(&s, 1, &v));
	ASSERT_EQ(s.mu.acquisitions, acq);
	/* S9.2: LoadOrStore of an expunged key unexpunges under mu and stores */
	ASSERT(!syncmap_load_or_store(&s, 1, 11, &v));
	ASSERT_EQ(v, 11);
	ASSERT_EQ(s.mu.acquisitions, acq + 1);
	ASSERT_EQ(s.misses, 0); /* a read hit under mu: no miss */
	ASSERT_STATE(&s, "{\"read\":{\"amended\":true,\"entries\":{\"1\":\"value:11\",\"2\":\"value:22\",\"3\":\"value:3\"}},"
			 "\"dirty\":{\"1\":\"value:11\",\"2\":\"value:22\",\"3\":\"value:3\",\"4\":\"value:4\"},\"misses\":0}");
	/* LoadOrStore of a read hit with a value: loaded, lock-free */
	ASSERT(syncmap_load_or_store(&s, 3, 99, &v));
	ASSERT_EQ(v, 3);
	/* LoadOrStore of a nil read entry: stored lock-free */
	syncmap_delete(&s, 3);
	ASSERT(!syncmap_load_or_store(&s, 3, 33, &v));
	ASSERT_EQ(v, 33);
	ASSERT_EQ(s.mu.acquisitions, acq + 1);
	/* deleting a key in read.m never removes it from read.m or dirty (S10.2) */
	syncmap_delete(&s, 2);
	ASSERT_STATE(&s, "{\"read\":{\"amended\":true,\"entries\":{\"1\":\"value:11\",\"2\":\"nil\",\"3\":\"value:33\"}},"
			 "\"dirty\":{\"1\":\"value:11\",\"2\":\"nil\",\"3\":\"value:33\",\"4\":\"value:4\"},\"misses\":0}");
	syncmap_done(&s);
}

/* S11: Range promotes, sees keys stored before the promotion only, skips
 * entries deleted before they are reached, sees current values. */
static void range_promotion(void)
{
	struct syncmap s;
	ASSERT(syncmap_init(&s, MV_KEY_INT, 4, NULL) == MV_OK);
	struct evlog log = {.n = 0};
	struct mv_sink sink = {on_event, &log};
	for (int64_t k = 1; k <= 20; k++)
		syncmap_store(&s, k, k);
	ASSERT(s.amended);
	ASSERT_EQ(syncmap_len(&s, SM_READ), 0);
	struct sm_op op;
	sm_op_range_init(&op, -1, -1);
	bool seen[64] = {false};
	uint32_t n = 0;
	enum sm_res r;
	int64_t first = -1;
	while ((r = sm_step(&s, &op, 0, 0, NULL, NULL, &sink)) != SM_DONE) {
		if (r != SM_YIELD)
			continue;
		ASSERT(op.result_key >= 1 && op.result_key <= 20);
		ASSERT(!seen[op.result_key]); /* no key twice */
		seen[op.result_key] = true;
		n++;
		if (first < 0) {
			/* the body: after the first entry, the promotion has
			 * happened; the body stores new keys, deletes and
			 * updates others. */
			first = op.result_key;
			ASSERT(!s.amended);
			ASSERT(s.dirty == SM_NIL);
			ASSERT_EQ(syncmap_len(&s, SM_READ), 20);
			for (int64_t k = 21; k <= 30; k++)
				syncmap_store(&s, k, k); /* into a new dirty: never visited */
			for (int64_t k = 1; k <= 20; k++) {
				if (k == first || seen[k])
					continue;
				if (k % 2)
					syncmap_delete(&s, k);
				else
					syncmap_store(&s, k, k + 1000);
			}
			continue;
		}
		ASSERT(op.result_key % 2 == 0);        /* odd ones were deleted */
		ASSERT_EQ(op.result, op.result_key + 1000); /* the current value */
	}
	ASSERT_EQ(count_ev(&log, MV_EV_PROMOTE), 1);
	ASSERT_EQ(n, 1 + 10 - (first % 2 == 0)); /* first + the even keys but it */
	/* Range again: read.m is the promoted map plus amended (21..30 in dirty):
	 * promote again, and now 21..30 are seen. */
	int64_t keys[64], vals[64];
	/* the stores of 21..30 came first, so dirtyLocked copied all 20
	 * entries; the deletes then set p = nil in the shared entries */
	ASSERT_EQ(range_all(&s, keys, vals, 64), 20 + (first % 2 != 0));
	ASSERT(!s.amended);
	syncmap_done(&s);
}

/* S11.1 with pinned iteration: a zero Map ranges over nothing in one
 * step; a non-amended Range takes no lock. */
static void range_small(void)
{
	struct syncmap s;
	ASSERT(syncmap_init(&s, MV_KEY_INT, 5, NULL) == MV_OK);
	struct sm_op op;
	sm_op_range_init(&op, 0, 0);
	ASSERT(sm_step(&s, &op, 0, 0, NULL, NULL, NULL) == SM_DONE);
	ASSERT_EQ(op.steps, 1);
	syncmap_store(&s, 1, 1);
	int64_t keys[4], vals[4];
	ASSERT_EQ(range_all(&s, keys, vals, 4), 1);
	uint64_t acq = s.mu.acquisitions;
	ASSERT_EQ(range_all(&s, keys, vals, 4), 1);
	ASSERT_EQ(s.mu.acquisitions, acq);
	/* pinned start/offset reach gomap's iterator */
	for (int64_t k = 2; k <= 8; k++)
		syncmap_store(&s, k, k);
	ASSERT_EQ(range_all(&s, keys, vals, 4), 4); /* promote; 8 entries, 4 kept */
	sm_op_range_init(&op, 0, 3);
	while (sm_step(&s, &op, 0, 0, NULL, NULL, NULL) != SM_YIELD)
		;
	ASSERT_EQ(op.it.it.offset, 3);
	ASSERT_EQ(op.it.it.start_bucket, 0);
	sm_op_abandon(&s, &op);
	ASSERT_EQ(s.active, 0);
	syncmap_done(&s);
}

/* A Range keeps iterating the read.m it loaded after a promotion retires
 * it (A2: Go's GC keeps the map alive); the model frees it only when the
 * Range ends.  Run under ASan, this is also the use-after-free test. */
static void retired_read_map(void)
{
	struct syncmap s;
	ASSERT(syncmap_init(&s, MV_KEY_INT, 6, NULL) == MV_OK);
	int64_t v, keys[64], vals[64];
	for (int64_t k = 1; k <= 40; k++)
		syncmap_store(&s, k, k);
	ASSERT_EQ(range_all(&s, keys, vals, 64), 40); /* read.m = {1..40} */
	struct sm_op rg;
	sm_op_range_init(&rg, -1, -1);
	while (sm_step(&s, &rg, 1, 0, NULL, NULL, NULL) != SM_YIELD)
		;
	uint32_t old = rg.read_m;
	ASSERT_EQ(old, s.read_m);
	/* another worker stores a new key and misses until dirty is promoted */
	syncmap_store(&s, 100, 100);
	for (int i = 0; i < 41 && s.dirty != SM_NIL; i++)
		syncmap_load(&s, 1000 + i, &v);
	ASSERT(s.dirty == SM_NIL);
	ASSERT(s.read_m != old);
	ASSERT_EQ(syncmap_retired(&s), 1);
	ASSERT(syncmap_map_by_id(&s, old) != NULL);
	/* and again: the first retired map is still held */
	syncmap_store(&s, 101, 101);
	for (int i = 0; i < 45 && s.dirty != SM_NIL; i++)
		syncmap_load(&s, 2000 + i, &v);
	ASSERT_EQ(syncmap_retired(&s), 1);
	uint32_t n = 1;
	enum sm_res r;
	while ((r = sm_step(&s, &rg, 1, 0, NULL, NULL, NULL)) != SM_DONE)
		if (r == SM_YIELD) {
			ASSERT(rg.result_key >= 1 && rg.result_key <= 40);
			n++;
		}
	ASSERT_EQ(n, 40);
	ASSERT_EQ(syncmap_retired(&s), 0);
	ASSERT(syncmap_map_by_id(&s, old) == NULL || old == s.read_m || old == s.dirty);
	ASSERT_EQ(s.active, 0);
	syncmap_done(&s);
}

/* Two workers: G0 holds mu in Store's slow path; G1's Load needs mu, parks
 * on mu's semaphore, is woken by G0's Unlock and finishes. */
static void blocking_interleave(void)
{
	struct syncmap s;
	ASSERT(syncmap_init(&s, MV_KEY_INT, 8, NULL) == MV_OK);
	s.mu.index = 3;
	struct evlog log = {.n = 0};
	struct mv_sink sink = {on_event, &log};
	syncmap_store(&s, 1, 10); /* amended, dirty {1} */
	struct sm_op w0, w1;
	uint32_t woken[8], nwoken = 0;
	uint64_t now = 0;
	sm_op_store_init(&w0, 2, 20);
	while (!w0.locked)
		ASSERT(sm_step(&s, &w0, 0, now++, woken, &nwoken, &sink) == SM_MORE);
	ASSERT_STR(sm_phase_name(w0.phase), "reload_read");
	sm_op_load_init(&w1, 1);
	enum sm_res r;
	while ((r = sm_step(&s, &w1, 1, now++, woken, &nwoken, &sink)) == SM_MORE)
		;
	ASSERT(r == SM_BLOCKED);
	ASSERT_STR(sm_phase_name(w1.phase), "lock");
	ASSERT_STR(mv_lk_phase_name(w1.lk.phase), "sem_wait");
	ASSERT(mv_lock_queued(&s.mu, 1));
	ASSERT_EQ(count_ev(&log, MV_EV_LOCK_WAIT), 1);
	/* stepping a queued worker changes nothing */
	uint32_t steps = w1.steps;
	ASSERT(sm_step(&s, &w1, 1, now++, woken, &nwoken, &sink) == SM_BLOCKED);
	ASSERT_EQ(w1.steps, steps);
	/* G0 finishes: its Unlock wakes G1 */
	while ((r = sm_step(&s, &w0, 0, now++, woken, &nwoken, &sink)) == SM_MORE)
		;
	ASSERT(r == SM_DONE);
	ASSERT_EQ(nwoken, 1);
	ASSERT_EQ(woken[0], 1);
	ASSERT(!mv_lock_queued(&s.mu, 1));
	while ((r = sm_step(&s, &w1, 1, now++, woken, &nwoken, &sink)) == SM_MORE)
		;
	ASSERT(r == SM_DONE);
	ASSERT(w1.found);
	ASSERT_EQ(w1.result, 10);
	ASSERT_EQ(s.misses, 1); /* G1's dirty hit */
	ASSERT_EQ(s.mu.contended, 1);
	ASSERT_EQ(s.mu.mu.state, 0);
	for (uint32_t i = 0; i < log.n; i++)
		if (log.ev[i].kind >= MV_EV_LOCK_WAIT && log.ev[i].kind <= MV_EV_LOCK_HANDOFF)
			ASSERT_EQ(log.ev[i].n, 3);
	ASSERT_STATE(&s, "{\"read\":{\"amended\":true,\"entries\":{}},"
			 "\"dirty\":{\"1\":\"value:10\",\"2\":\"value:20\"},\"misses\":1}");
	ASSERT_EQ(s.active, 0);
	syncmap_done(&s);
}

/* CAS races: a tryStore whose CAS loses to a Delete reloads and retries
 * (S7.1); a tryExpungeLocked whose CAS loses to a lock-free Store keeps the
 * entry (S8). */
static void cas_races(void)
{
	struct syncmap s;
	ASSERT(syncmap_init(&s, MV_KEY_INT, 9, NULL) == MV_OK);
	int64_t keys[8], vals[8];
	syncmap_store(&s, 1, 1);
	syncmap_store(&s, 2, 2);
	ASSERT_EQ(range_all(&s, keys, vals, 8), 2); /* read.m {1, 2} */
	struct sm_op st;
	sm_op_store_init(&st, 1, 100);
	while (st.last != SM_PH_ENTRY_LOAD || st.steps == 0)
		ASSERT(sm_step(&s, &st, 0, 0, NULL, NULL, NULL) == SM_MORE);
	ASSERT_STR(sm_phase_name(st.phase), "try_store");
	syncmap_delete(&s, 1); /* p: value -> nil under G0's feet */
	ASSERT(sm_step(&s, &st, 0, 0, NULL, NULL, NULL) == SM_MORE);
	ASSERT_STR(sm_phase_name(st.last), "try_store");
	ASSERT_STR(sm_phase_name(st.phase), "entry_load"); /* CAS failed: reload */
	ASSERT(sm_run(&s, &st, 0, 0, NULL, NULL, NULL) == SM_DONE);
	ASSERT_STATE(&s, "{\"read\":{\"amended\":false,\"entries\":{\"1\":\"value:100\",\"2\":\"value:2\"}},"
			 "\"dirty\":null,\"misses\":0}");
	/* ABA: a Store of the same value is a new pointer; the CAS fails */
	sm_op_store_init(&st, 2, 7);
	while (st.phase != SM_PH_TRY_STORE)
		sm_step(&s, &st, 0, 0, NULL, NULL, NULL);
	syncmap_store(&s, 2, 2);
	sm_step(&s, &st, 0, 0, NULL, NULL, NULL);
	ASSERT_STR(sm_phase_name(st.phase), "entry_load");
	sm_run(&s, &st, 0, 0, NULL, NULL, NULL);

	/* tryExpungeLocked loses its CAS to a lock-free revival */
	syncmap_delete(&s, 2);
	struct sm_op w0;
	sm_op_store_init(&w0, 3, 3);
	while (!(w0.phase == SM_PH_TRY_EXPUNGE))
		ASSERT(sm_step(&s, &w0, 0, 0, NULL, NULL, NULL) == SM_MORE);
	ASSERT_EQ(w0.it_key, 2);
	syncmap_store(&s, 2, 22); /* G1: tryStore CAS nil -> &22, no lock */
	ASSERT(sm_step(&s, &w0, 0, 0, NULL, NULL, NULL) == SM_MORE);
	ASSERT_STR(sm_phase_name(w0.phase), "expunge_load");
	ASSERT(sm_step(&s, &w0, 0, 0, NULL, NULL, NULL) == SM_MORE);
	ASSERT_STR(sm_phase_name(w0.phase), "dirty_copy");
	ASSERT(sm_run(&s, &w0, 0, 0, NULL, NULL, NULL) == SM_DONE);
	ASSERT_STATE(&s, "{\"read\":{\"amended\":true,\"entries\":{\"1\":\"value:100\",\"2\":\"value:22\"}},"
			 "\"dirty\":{\"1\":\"value:100\",\"2\":\"value:22\",\"3\":\"value:3\"},\"misses\":0}");
	ASSERT_EQ(s.expunges, 0);
	syncmap_done(&s);
}

/* A checkpoint is independent: both copies go on differently, and an op in
 * flight copied with its syncmap finishes the same in both. */
static void copy_independence(void)
{
	struct syncmap a, b;
	ASSERT(syncmap_init(&a, MV_KEY_INT, 10, NULL) == MV_OK);
	int64_t v;
	for (int64_t k = 1; k <= 30; k++)
		syncmap_store(&a, k, k);
	syncmap_load(&a, 5, &v);
	struct sm_op op;
	sm_op_range_init(&op, -1, -1);
	while (sm_step(&a, &op, 0, 0, NULL, NULL, NULL) != SM_YIELD)
		;
	char sa[4096], sb[4096];
	ASSERT(syncmap_copy(&b, &a) == MV_OK);
	struct sm_op opb = op;
	ASSERT_STR(state(&a, sa, sizeof sa), state(&b, sb, sizeof sb));
	/* change b */
	syncmap_store(&b, 100, 100);
	syncmap_delete(&b, 3);
	for (int i = 0; i < 40; i++)
		syncmap_load(&b, 500 + i, &v);
	ASSERT(strcmp(state(&a, sa, sizeof sa), state(&b, sb, sizeof sb)) != 0);
	/* a is as it was: 30 entries in read.m, nothing in dirty */
	ASSERT_EQ(syncmap_len(&a, SM_READ), 30);
	ASSERT(a.dirty == SM_NIL);
	ASSERT(syncmap_load(&a, 3, &v));
	/* the in-flight Range continues in both */
	uint32_t na = 1, nb = 1;
	enum sm_res r;
	while ((r = sm_step(&a, &op, 0, 0, NULL, NULL, NULL)) != SM_DONE)
		na += r == SM_YIELD;
	while ((r = sm_step(&b, &opb, 0, 0, NULL, NULL, NULL)) != SM_DONE)
		nb += r == SM_YIELD;
	ASSERT_EQ(na, 30);
	ASSERT_EQ(nb, 29); /* 3 was deleted in b */
	syncmap_done(&a);
	/* b lives on after a is gone */
	ASSERT(syncmap_load(&b, 100, &v));
	ASSERT_EQ(v, 100);
	syncmap_done(&b);
}

/* Entries no map refers to are reclaimed: a long store/delete churn keeps
 * the entry array small, and a checkpoint of a churned map still works. */
static void entry_reclaim(void)
{
	struct syncmap s;
	ASSERT(syncmap_init(&s, MV_KEY_INT, 12, NULL) == MV_OK);
	int64_t v;
	for (int64_t i = 0; i < 20000; i++) {
		syncmap_store(&s, i, i);
		ASSERT(syncmap_load_and_delete(&s, i, &v));
		ASSERT_EQ(v, i);
		if (i % 97 == 0)
			syncmap_load(&s, -1, &v);
	}
	ASSERT(s.nentries < 1000);
	for (int64_t i = 0; i < 100; i++)
		syncmap_store(&s, i, i);
	struct syncmap c;
	ASSERT(syncmap_copy(&c, &s) == MV_OK);
	for (int64_t i = 0; i < 100; i++) {
		ASSERT(syncmap_load(&c, i, &v));
		ASSERT_EQ(v, i);
	}
	syncmap_done(&c);
	syncmap_done(&s);
}

/* A random single-worker sequence against a plain reference dictionary:
 * results only (the oracle checks the internals against Go). */
static void random_vs_reference(void)
{
	struct syncmap s;
	ASSERT(syncmap_init(&s, MV_KEY_INT, 13, NULL) == MV_OK);
	int64_t ref[64];
	bool has[64] = {false};
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t k = (int64_t)(x % 64), v = (int64_t)(x >> 40), got;
		switch ((x >> 8) % 6) {
		case 0:
			syncmap_store(&s, k, v);
			ref[k] = v;
			has[k] = true;
			break;
		case 1:
			ASSERT_EQ(syncmap_load(&s, k, &got), has[k]);
			if (has[k])
				ASSERT_EQ(got, ref[k]);
			break;
		case 2: {
			bool loaded = syncmap_load_or_store(&s, k, v, &got);
			ASSERT_EQ(loaded, has[k]);
			ASSERT_EQ(got, has[k] ? ref[k] : v);
			if (!has[k]) {
				ref[k] = v;
				has[k] = true;
			}
			break;
		}
		case 3:
			ASSERT_EQ(syncmap_load_and_delete(&s, k, &got), has[k]);
			if (has[k])
				ASSERT_EQ(got, ref[k]);
			has[k] = false;
			break;
		case 4:
			syncmap_delete(&s, k);
			has[k] = false;
			break;
		default: {
			int64_t keys[64], vals[64];
			uint32_t n = range_all(&s, keys, vals, 64), want = 0;
			for (int j = 0; j < 64; j++)
				want += has[j];
			ASSERT_EQ(n, want);
			for (uint32_t j = 0; j < n; j++) {
				ASSERT(has[keys[j]]);
				ASSERT_EQ(vals[j], ref[keys[j]]);
			}
		}
		}
		ASSERT(!s.amended || s.dirty != SM_NIL); /* S1 */
		ASSERT(s.misses >= 0 && s.misses < (int64_t)syncmap_len(&s, SM_DIRTY) + 1);
	}
	ASSERT_EQ(s.active, 0);
	syncmap_done(&s);
}

/* The STATE writer: int keys sorted numerically and written as decimal
 * object keys, string keys sorted bytewise and escaped like
 * out_json_string; the text form. */
static void state_format(void)
{
	struct syncmap s;
	ASSERT(syncmap_init(&s, MV_KEY_INT, 14, NULL) == MV_OK);
	const int64_t keys[] = {10, -5, 3, INT64_MIN, INT64_MAX, 0};
	for (int i = 0; i < 6; i++)
		syncmap_store(&s, keys[i], i);
	ASSERT_STATE(&s, "{\"read\":{\"amended\":true,\"entries\":{}},\"dirty\":{\"-9223372036854775808\":\"value:3\","
			 "\"-5\":\"value:1\",\"0\":\"value:5\",\"3\":\"value:2\",\"10\":\"value:0\","
			 "\"9223372036854775807\":\"value:4\"},\"misses\":0}");
	char buf[512];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	ASSERT(f != NULL);
	out_text_syncmap_state(f, &s);
	fclose(f);
	ASSERT_STR(buf, "read{} amended dirty{-9223372036854775808:value:3 -5:value:1 0:value:5 3:value:2 "
			"10:value:0 9223372036854775807:value:4} misses 0");
	syncmap_done(&s);

	struct mv_strpool pool;
	ASSERT(mv_strpool_init(&pool) == MV_OK);
	ASSERT(syncmap_init(&s, MV_KEY_STRING, 15, &pool) == MV_OK);
	const char *names[] = {"b", "a\"q", "", "\x01\\", "ab", "\xc3\xa9"};
	for (int i = 0; i < 6; i++) {
		uint32_t id;
		ASSERT(mv_strpool_intern(&pool, names[i], strlen(names[i]), &id) == MV_OK);
		syncmap_store(&s, id, i);
	}
	int64_t keys2[8], vals[8];
	ASSERT_EQ(range_all(&s, keys2, vals, 8), 6);
	ASSERT_STATE(&s, "{\"read\":{\"amended\":false,\"entries\":{\"\":\"value:2\",\"\\u0001\\\\\":\"value:3\","
			 "\"a\\\"q\":\"value:1\",\"ab\":\"value:4\",\"b\":\"value:0\",\"\xc3\xa9\":\"value:5\"}},"
			 "\"dirty\":null,\"misses\":0}");
	syncmap_done(&s);
	mv_strpool_done(&pool);
}

/* Events: MISS carries the count, PROMOTE the size of the new read.m,
 * DIRTY_INIT len(read.m); a Range that promotes reports it too. */
static void events(void)
{
	struct syncmap s;
	ASSERT(syncmap_init(&s, MV_KEY_INT, 16, NULL) == MV_OK);
	struct evlog log = {.n = 0};
	struct mv_sink sink = {on_event, &log};
	struct sm_op op;
	for (int64_t k = 1; k <= 3; k++) {
		sm_op_store_init(&op, k, k);
		ASSERT(run(&s, &op, 0, &sink) == SM_DONE);
	}
	ASSERT_EQ(count_ev(&log, MV_EV_DIRTY_INIT), 1); /* only the first store builds dirty */
	for (int64_t k = 1; k <= 3; k++) {
		sm_op_load_init(&op, 50 + k);
		ASSERT(run(&s, &op, 0, &sink) == SM_DONE);
	}
	int64_t misses[4];
	uint32_t nm = 0, np = 0;
	for (uint32_t i = 0; i < log.n; i++) {
		if (log.ev[i].kind == MV_EV_MISS && nm < 4)
			misses[nm++] = log.ev[i].n;
		if (log.ev[i].kind == MV_EV_PROMOTE) {
			ASSERT_EQ(log.ev[i].n, 3);
			np++;
		}
	}
	ASSERT_EQ(nm, 3);
	ASSERT_EQ(misses[0], 1);
	ASSERT_EQ(misses[1], 2);
	ASSERT_EQ(misses[2], 3);
	ASSERT_EQ(np, 1);
	log.n = 0;
	sm_op_store_init(&op, 4, 4);
	ASSERT(run(&s, &op, 0, &sink) == SM_DONE);
	ASSERT_EQ(count_ev(&log, MV_EV_DIRTY_INIT), 1);
	ASSERT_EQ(log.ev[1].kind, MV_EV_DIRTY_INIT); /* after LOCK_ACQUIRE */
	ASSERT_EQ(log.ev[1].n, 3);
	sm_op_range_init(&op, -1, -1);
	ASSERT(run(&s, &op, 0, &sink) == SM_DONE);
	ASSERT_EQ(count_ev(&log, MV_EV_PROMOTE), 1);
	ASSERT_EQ(s.promotions, 2);
	syncmap_done(&s);
}

const struct unit_test syncmap_tests[] = {
	UNIT(t6_int),
	UNIT(t6_string),
	UNIT(t6_phases),
	UNIT(misses_rules),
	UNIT(expunge_unexpunge),
	UNIT(range_promotion),
	UNIT(range_small),
	UNIT(retired_read_map),
	UNIT(blocking_interleave),
	UNIT(cas_races),
	UNIT(copy_independence),
	UNIT(entry_reclaim),
	UNIT(random_vs_reference),
	UNIT(state_format),
	UNIT(events),
	{0},
};
