/*
 * Unit tests of engine/hashtrie (Go 1.24+'s sync.Map, HashTrieMap) against
 * go-swiss-semantics.md section HT.  Hashes are pinned, so every tree shape
 * is exact.  Trees are compared in a compact text form (shape()):
 *     {}                an indirect node with no children
 *     {1:X,f:Y}         an indirect node: its non-nil children by index (hex)
 *     k=v               an entry chain of one; (k1=v1 k2=v2) a longer chain,
 *                       head first
 * and once in the JSON STATE the headless writer is to print
 * (state_json(): {"engine":"hashtrie","inited":B,"root":NODE}).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/hashtrie/hashtrie.h"
#include "unit.h"

#define MAXEV 512

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

static const struct mv_event *find_ev(const struct evlog *l, enum mv_event_kind k)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (l->ev[i].kind == k)
			return &l->ev[i];
	return NULL;
}

/* ---- printing a tree ---- */

struct out {
	char *b;
	size_t len, o;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (o->o < o->len) {
		int n = vsnprintf(o->b + o->o, o->len - o->o, fmt, ap);
		o->o += n > 0 ? (size_t)n : 0;
	}
	va_end(ap);
	if (o->o >= o->len)
		o->o = o->len - 1;
}

static void put_key(struct out *o, const struct hashtrie *t, int64_t k, bool json)
{
	if (t->keykind == MV_KEY_INT) {
		put(o, "%" PRId64, k);
		return;
	}
	size_t n;
	const char *s = mv_strpool_get(t->strs, (uint32_t)k, &n);
	if (!json) {
		put(o, "%s", s);
		return;
	}
	put(o, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\')
			put(o, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			put(o, "\\u%04x", ch);
		else
			put(o, "%c", ch);
	}
	put(o, "\"");
}

static void shape_ref(struct out *o, const struct hashtrie *t, uint32_t ref)
{
	if (ref == HT_NIL) {
		put(o, "-");
		return;
	}
	if (ht_ref_is_entry(ref)) {
		uint32_t e = ht_ref_index(ref);
		bool chain = hashtrie_overflow(t, e) != 0;
		if (chain)
			put(o, "(");
		for (; e; e = hashtrie_overflow(t, e)) {
			const struct ht_entry *en = hashtrie_entry(t, e);
			put_key(o, t, en->key, false);
			put(o, "=%" PRId64 "%s", en->value, hashtrie_overflow(t, e) ? " " : "");
		}
		if (chain)
			put(o, ")");
		return;
	}
	uint32_t i = ht_ref_index(ref);
	bool first = true;
	put(o, "{");
	for (unsigned j = 0; j < HT_CHILDREN; j++) {
		uint32_t c = hashtrie_child(t, i, j);
		if (c == HT_NIL)
			continue;
		put(o, "%s%x:", first ? "" : ",", j);
		first = false;
		shape_ref(o, t, c);
	}
	put(o, "}");
}

/* The tree in compact form; "nil" before init. */
static const char *shape(const struct hashtrie *t, char *buf, size_t len)
{
	struct out o = {buf, len, 0};
	buf[0] = 0;
	if (!hashtrie_root(t))
		put(&o, "nil");
	else
		shape_ref(&o, t, hashtrie_root(t));
	return buf;
}

static void json_ref(struct out *o, const struct hashtrie *t, uint32_t ref)
{
	if (ref == HT_NIL) {
		put(o, "null");
		return;
	}
	if (ht_ref_is_entry(ref)) {
		put(o, "{\"entries\":[");
		for (uint32_t e = ht_ref_index(ref); e; e = hashtrie_overflow(t, e)) {
			const struct ht_entry *en = hashtrie_entry(t, e);
			put(o, "{\"key\":");
			put_key(o, t, en->key, true);
			put(o, ",\"value\":%" PRId64 "}%s", en->value, hashtrie_overflow(t, e) ? "," : "");
		}
		put(o, "]}");
		return;
	}
	put(o, "{\"indirect\":[");
	for (unsigned j = 0; j < HT_CHILDREN; j++) {
		json_ref(o, t, hashtrie_child(t, ht_ref_index(ref), j));
		put(o, "%s", j + 1 < HT_CHILDREN ? "," : "");
	}
	put(o, "]}");
}

/* The headless STATE: {"engine":"hashtrie","inited":B,"root":NODE}. */
static const char *state_json(const struct hashtrie *t, char *buf, size_t len)
{
	struct out o = {buf, len, 0};
	put(&o, "{\"engine\":\"hashtrie\",\"inited\":%s,\"root\":", hashtrie_inited(t) ? "true" : "false");
	json_ref(&o, t, hashtrie_root(t));
	put(&o, "}");
	return buf;
}

#define ASSERT_SHAPE(t, want)                                                  \
	do {                                                                   \
		char buf_[8192];                                               \
		ASSERT_STR(shape((t), buf_, sizeof buf_), (want));             \
	} while (0)

/* ---- running ops ---- */

static void mk(struct hashtrie *t, uint64_t seed)
{
	ASSERT(hashtrie_init(t, MV_KEY_INT, seed, NULL, 0, NULL) == MV_OK);
}

static void pin(struct hashtrie *t, int64_t k, uint64_t h)
{
	ASSERT(hashtrie_pin(t, k, h) == MV_OK);
}

static enum ht_res step(struct hashtrie *t, struct ht_op *op, uint32_t w)
{
	return ht_step(t, op, w, 0, NULL, NULL, NULL);
}

/* Run op to its end by worker 0, collecting its phases' names. */
static const char *phases_of(struct hashtrie *t, struct ht_op *op, char *buf, size_t len)
{
	struct out o = {buf, len, 0};
	buf[0] = 0;
	enum ht_res r;
	do {
		r = step(t, op, 0);
		put(&o, "%s%s", o.o ? " " : "", ht_phase_name(op->last));
	} while (r == HT_MORE || r == HT_YIELD);
	return buf;
}

/* Step op (worker w) until its next phase is p; false if it ended first. */
static bool step_until(struct hashtrie *t, struct ht_op *op, uint32_t w, enum ht_phase p)
{
	while (op->phase != p) {
		enum ht_res r = step(t, op, w);
		if (r == HT_DONE || r == HT_FATAL || r == HT_BLOCKED)
			return op->phase == p;
	}
	return true;
}

/* Lock acquisitions over initMu and every live node. */
static uint64_t acquisitions(const struct hashtrie *t)
{
	uint64_t n = t->init_mu.acquisitions;
	for (uint32_t i = 1; i < t->ninds; i++)
		if (t->inds[i].live)
			n += t->inds[i].mu.acquisitions;
	return n;
}

/* Pinned hashes used below: the nibbles from the top. */
#define HA 0x1234500000000000ULL /* a */
#define HB 0x1234f00000000000ULL /* b: shares 4 nibbles with a */
#define HC 0x1f00000000000000ULL /* c: shares 1 with a and b */
#define HD 0x7000000000000000ULL /* d: alone under the root */

/* ---- HT1, HT2 ---- */

/* HT1.6: 16-way fan-out from the top nibble; HT2.2: an unpinned key
 * hashes with mv_hash_int under the seed lazy init drew. */
static void ht1_fanout(void)
{
	struct hashtrie t;
	mk(&t, 1);
	for (int64_t k = 0; k < 4; k++)
		pin(&t, k, (uint64_t)(k * 4 + 1) << 60 | 0xabc);
	for (int64_t k = 0; k < 4; k++)
		hashtrie_store(&t, k, k * 10);
	ASSERT_SHAPE(&t, "{1:0=0,5:1=10,9:2=20,d:3=30}");
	/* unpinned: the top nibble of mv_hash_int(k, seed) picks the slot */
	hashtrie_store(&t, 1000, 7);
	uint64_t h = mv_hash_int(1000, (uint32_t)t.seed);
	ASSERT_EQ_U64(hashtrie_hash(&t, 1000), h);
	uint32_t ref = hashtrie_child(&t, hashtrie_root(&t), (unsigned)(h >> 60));
	ASSERT(ht_ref_is_entry(ref) || ht_ref_is_indirect(ref));
	int64_t v;
	ASSERT(hashtrie_load(&t, 1000, &v));
	ASSERT_EQ(v, 7);
	hashtrie_done(&t);
}

/* HT2.1: lazy init by the first method call, even a Load; once. */
static void ht2_lazy_init(void)
{
	struct hashtrie t;
	mk(&t, 2);
	char buf[512];
	ASSERT(!hashtrie_inited(&t));
	ASSERT_EQ(hashtrie_root(&t), 0);
	ASSERT_EQ_U64(t.seed, 0);
	ASSERT_STR(state_json(&t, buf, sizeof buf), "{\"engine\":\"hashtrie\",\"inited\":false,\"root\":null}");
	struct evlog log = {.n = 0};
	struct mv_sink sink = {on_event, &log};
	struct ht_op op;
	ht_op_load_init(&op, 5, NULL);
	ASSERT(ht_run(&t, &op, 0, 0, NULL, NULL, &sink) == HT_DONE);
	ASSERT(!op.found);
	ASSERT(hashtrie_inited(&t));
	ASSERT(hashtrie_root(&t) != 0);
	ASSERT(t.seed != 0);
	ASSERT_EQ(count_ev(&log, MV_EV_TRIE_INIT), 1);
	ASSERT_EQ_U64((uint64_t)find_ev(&log, MV_EV_TRIE_INIT)->n, t.seed);
	ASSERT_SHAPE(&t, "{}");
	ASSERT_STR(state_json(&t, buf, sizeof buf),
		   "{\"engine\":\"hashtrie\",\"inited\":true,\"root\":{\"indirect\":[null,null,null,null,null,null,"
		   "null,null,null,null,null,null,null,null,null,null]}}");
	/* the second call finds inited: no init, same seed and root */
	uint64_t seed = t.seed;
	uint32_t root = t.root;
	ht_op_load_init(&op, 5, NULL);
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf), "init_check hash load_root load_child");
	ASSERT_EQ_U64(t.seed, seed);
	ASSERT_EQ(t.root, root);
	hashtrie_done(&t);

	/* Range and Clear init too; the first op's phases */
	const char *want[] = {
		"init_check init_lock init_recheck init_root init_done init_unlock range_root range_child range_child "
		"range_child range_child range_child range_child range_child range_child range_child range_child "
		"range_child range_child range_child range_child range_child range_child",
		"init_check init_lock init_recheck init_root init_done init_unlock clear_root",
		"init_check init_lock init_recheck init_root init_done init_unlock hash load_root load_child lock "
		"recheck insert unlock",
	};
	for (int i = 0; i < 3; i++) {
		mk(&t, 3);
		if (i == 0)
			ht_op_range_init(&op);
		else if (i == 1)
			ht_op_clear_init(&op);
		else
			ht_op_store_init(&op, 1, 1, NULL);
		ASSERT_STR(phases_of(&t, &op, buf, sizeof buf), want[i]);
		ASSERT(hashtrie_inited(&t));
		ASSERT(hashtrie_root(&t) != 0);
		hashtrie_done(&t);
	}
}

/* HT2.1: two first calls race: one inits under initMu, the other blocks on
 * it, is woken, rechecks inited and goes on; the seed is drawn once. */
static void ht2_init_race(void)
{
	struct hashtrie t;
	mk(&t, 4);
	pin(&t, 1, HA);
	pin(&t, 2, HD);
	struct ht_op w0, w1;
	uint32_t woken[4], nwoken = 0;
	ht_op_store_init(&w0, 1, 10, NULL);
	ht_op_store_init(&w1, 2, 20, NULL);
	ASSERT(step_until(&t, &w0, 0, HT_PH_INIT_ROOT)); /* w0 holds initMu */
	ASSERT_EQ(hashtrie_lock_holder(&t.init_mu), 0);
	enum ht_res r;
	while ((r = ht_step(&t, &w1, 1, 0, woken, &nwoken, NULL)) == HT_MORE)
		;
	ASSERT(r == HT_BLOCKED);
	ASSERT_STR(ht_phase_name(w1.phase), "init_lock");
	ASSERT(ht_op_lock(&t, &w1) == &t.init_mu);
	ASSERT(mv_lock_queued(&t.init_mu, 1));
	ASSERT(ht_step(&t, &w1, 1, 0, woken, &nwoken, NULL) == HT_BLOCKED); /* still queued */
	while ((r = ht_step(&t, &w0, 0, 0, woken, &nwoken, NULL)) == HT_MORE)
		;
	ASSERT(r == HT_DONE);
	ASSERT_EQ(nwoken, 1);
	ASSERT_EQ(woken[0], 1);
	uint64_t seed = t.seed;
	char buf[512];
	/* the woken Lock takes its semaphore, then looks at the state (locks.h) */
	ASSERT_STR(phases_of(&t, &w1, buf, sizeof buf), "init_lock init_lock init_lock init_recheck init_unlock "
							 "hash load_root load_child lock recheck insert unlock");
	ASSERT_EQ_U64(t.seed, seed);
	ASSERT_EQ(t.indirects_made, 1); /* one root */
	ASSERT_SHAPE(&t, "{1:1=10,7:2=20}");
	ASSERT_EQ(t.init_mu.contended, 1);
	ASSERT_EQ(t.active, 0);
	hashtrie_done(&t);
}

/* ---- HT3 ---- */

/* HT3.1: Load descends without a lock, one child load per level, one
 * overflow load per chain link. */
static void ht3_load_lock_free(void)
{
	struct hashtrie t;
	mk(&t, 5);
	pin(&t, 1, HA);
	pin(&t, 2, HB);
	pin(&t, 3, HD);
	pin(&t, 4, HD); /* a full-hash collision with 3 */
	pin(&t, 9, 0x1234000000000000ULL);
	for (int64_t k = 1; k <= 4; k++)
		hashtrie_store(&t, k, k * 10);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:1=10,f:2=20}}}},7:(4=40 3=30)}");
	uint64_t acq = acquisitions(&t);
	char buf[512];
	struct ht_op op;
	ht_op_load_init(&op, 2, NULL);
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf),
		   "init_check hash load_root load_child load_child load_child load_child load_child");
	ASSERT(op.found);
	ASSERT_EQ(op.result, 20);
	ht_op_load_init(&op, 3, NULL); /* the chain's second entry */
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf), "init_check hash load_root load_child load_overflow");
	ASSERT(op.found);
	ASSERT_EQ(op.result, 30);
	ht_op_load_init(&op, 9, NULL); /* 0x12340...: a nil child of the depth-4 node */
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf),
		   "init_check hash load_root load_child load_child load_child load_child load_child");
	ASSERT(!op.found);
	pin(&t, 8, 0x7100000000000000ULL); /* reaches the chain, matches nothing */
	ht_op_load_init(&op, 8, NULL);
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf),
		   "init_check hash load_root load_child load_overflow load_overflow");
	ASSERT(!op.found);
	ASSERT_EQ(acquisitions(&t), acq); /* no lock taken */
	hashtrie_done(&t);
}

/* ---- HT4 ---- */

/* HT4.3, HT4.4: a nil slot takes the entry; a slot holding another hash is
 * expanded into a column as deep as the two hashes share nibbles. */
static void ht4_expand_column(void)
{
	struct hashtrie t;
	mk(&t, 6);
	struct evlog log = {.n = 0};
	struct mv_sink sink = {on_event, &log};
	pin(&t, 1, HA);
	pin(&t, 2, HB);
	pin(&t, 3, HC);
	pin(&t, 4, HD);
	struct ht_op op;
	ht_op_store_init(&op, 1, 10, NULL);
	ASSERT(ht_run(&t, &op, 0, 0, NULL, NULL, &sink) == HT_DONE);
	ASSERT_SHAPE(&t, "{1:1=10}");
	ASSERT_EQ(find_ev(&log, MV_EV_TRIE_INSERT)->depth, 0);
	ASSERT_EQ(find_ev(&log, MV_EV_TRIE_INSERT)->slot, 1);
	char buf[512];
	ht_op_store_init(&op, 2, 20, NULL);
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf),
		   "init_check hash load_root load_child lock recheck expand publish unlock");
	/* shared nibbles 1,2,3,4: four levels below the root */
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:1=10,f:2=20}}}}}");
	ASSERT_EQ(t.expands, 1);
	log.n = 0;
	ht_op_store_init(&op, 3, 30, NULL); /* lands beside the column, at depth 1 */
	ASSERT(ht_run(&t, &op, 0, 0, NULL, NULL, &sink) == HT_DONE);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:1=10,f:2=20}}},f:3=30}}");
	ASSERT_EQ(find_ev(&log, MV_EV_TRIE_INSERT)->depth, 1);
	hashtrie_store(&t, 4, 40);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:1=10,f:2=20}}},f:3=30},7:4=40}");
	/* each node's depth and parent */
	uint32_t n1 = ht_ref_index(hashtrie_child(&t, t.root, 1));
	uint32_t n2 = ht_ref_index(hashtrie_child(&t, n1, 2));
	uint32_t n3 = ht_ref_index(hashtrie_child(&t, n2, 3));
	uint32_t n4 = ht_ref_index(hashtrie_child(&t, n3, 4));
	ASSERT_EQ(hashtrie_indirect(&t, n1)->parent, t.root);
	ASSERT_EQ(hashtrie_indirect(&t, n4)->parent, n3);
	ASSERT_EQ(hashtrie_indirect(&t, n4)->depth, 4);
	/* a key deep in the column: one more level where it meets a */
	pin(&t, 5, 0x1234580000000000ULL);
	log.n = 0;
	ht_op_store_init(&op, 5, 50, NULL);
	ASSERT(ht_run(&t, &op, 0, 0, NULL, NULL, &sink) == HT_DONE);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:{0:1=10,8:5=50},f:2=20}}},f:3=30},7:4=40}");
	const struct mv_event *ev = find_ev(&log, MV_EV_TRIE_EXPAND);
	ASSERT(ev != NULL);
	ASSERT_EQ(ev->depth, 4);
	ASSERT_EQ(ev->slot, 5);
	ASSERT_EQ(ev->n, 1);
	/* a full 64-bit prefix shared but for the last nibble: 15 levels */
	struct hashtrie d;
	mk(&d, 7);
	pin(&d, 1, 0xabcdef0123456780ULL);
	pin(&d, 2, 0xabcdef0123456789ULL);
	hashtrie_store(&d, 1, 1);
	hashtrie_store(&d, 2, 2);
	ASSERT_SHAPE(&d, "{a:{b:{c:{d:{e:{f:{0:{1:{2:{3:{4:{5:{6:{7:{8:{0:1=1,9:2=2}}}}}}}}}}}}}}}}");
	ASSERT_EQ(d.expands, 1);
	ASSERT_EQ(d.indirects_made, 16);
	hashtrie_done(&d);
	hashtrie_done(&t);
}

/* HT4.4.1: equal full hashes make an overflow chain, the newest first;
 * HT4.3: an update inside the chain keeps its place. */
static void ht4_collision_chain(void)
{
	struct hashtrie t;
	mk(&t, 8);
	struct evlog log = {.n = 0};
	struct mv_sink sink = {on_event, &log};
	for (int64_t k = 1; k <= 3; k++)
		pin(&t, k, HA);
	pin(&t, 4, HB);
	struct ht_op op;
	for (int64_t k = 1; k <= 3; k++) {
		ht_op_store_init(&op, k, k * 10, NULL);
		ASSERT(ht_run(&t, &op, 0, 0, NULL, NULL, &sink) == HT_DONE);
	}
	ASSERT_SHAPE(&t, "{1:(3=30 2=20 1=10)}");
	ASSERT_EQ(count_ev(&log, MV_EV_TRIE_COLLIDE), 2);
	ASSERT_EQ(t.collisions, 2);
	ASSERT_EQ(t.indirects_made, 1); /* no level for a collision */
	hashtrie_store(&t, 2, 21); /* the middle one: a new node in its place */
	ASSERT_SHAPE(&t, "{1:(3=30 2=21 1=10)}");
	hashtrie_store(&t, 3, 31); /* the head */
	ASSERT_SHAPE(&t, "{1:(3=31 2=21 1=10)}");
	hashtrie_store(&t, 1, 11); /* the tail */
	ASSERT_SHAPE(&t, "{1:(3=31 2=21 1=11)}");
	/* another hash expands the whole chain down as one child */
	hashtrie_store(&t, 4, 40);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:(3=31 2=21 1=11),f:4=40}}}}}");
	/* loads find each */
	int64_t v;
	for (int64_t k = 1; k <= 3; k++) {
		ASSERT(hashtrie_load(&t, k, &v));
		ASSERT_EQ(v, k * 10 + 1);
	}
	/* deletes in a chain: no pruning while the chain lives */
	ASSERT(hashtrie_load_and_delete(&t, 2, &v)); /* middle */
	ASSERT_EQ(v, 21);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:(3=31 1=11),f:4=40}}}}}");
	ASSERT(hashtrie_load_and_delete(&t, 3, &v)); /* head */
	ASSERT_EQ(v, 31);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:1=11,f:4=40}}}}}");
	ASSERT_EQ(t.prunes, 0);
	hashtrie_done(&t);
}

/* HT4.3, HT8.1: a Store of a present key makes a brand-new entry node; the
 * old one becomes garbage. */
static void ht4_immutable_entries(void)
{
	struct hashtrie t;
	mk(&t, 9);
	pin(&t, 1, HA);
	pin(&t, 2, HA);
	hashtrie_store(&t, 1, 10);
	uint32_t e0 = ht_ref_index(hashtrie_child(&t, t.root, 1));
	ASSERT_EQ(hashtrie_entry(&t, e0)->value, 10);
	hashtrie_store(&t, 1, 10); /* the same value: still a new node */
	uint32_t e1 = ht_ref_index(hashtrie_child(&t, t.root, 1));
	ASSERT(e1 != e0);
	ASSERT_EQ(hashtrie_entry(&t, e0)->value, 10); /* the old node is unchanged */
	ASSERT_EQ(t.entries_made, 2);
	struct ht_memory mem;
	hashtrie_memory(&t, &mem);
	ASSERT_EQ(mem.entries, 1);
	ASSERT_EQ(mem.garbage, 1);
	/* inside a chain: the predecessor's overflow is repointed, the head stays */
	hashtrie_store(&t, 2, 20); /* chain 2 -> 1 */
	uint32_t head = ht_ref_index(hashtrie_child(&t, t.root, 1));
	uint32_t tail = hashtrie_overflow(&t, head);
	hashtrie_store(&t, 1, 11);
	ASSERT_EQ(ht_ref_index(hashtrie_child(&t, t.root, 1)), head);
	ASSERT(hashtrie_overflow(&t, head) != tail);
	ASSERT_EQ(hashtrie_entry(&t, tail)->value, 10);
	ASSERT_EQ(hashtrie_entry(&t, hashtrie_overflow(&t, head))->value, 11);
	hashtrie_sweep(&t);
	hashtrie_memory(&t, &mem);
	ASSERT_EQ(mem.garbage, 0);
	ASSERT_EQ(mem.entries, 2);
	hashtrie_done(&t);
}

/* HT4.1: Swap's results; Store is Swap with them dropped. */
static void ht4_swap_results(void)
{
	struct hashtrie t;
	mk(&t, 10);
	pin(&t, 1, HA);
	pin(&t, 2, HA);
	int64_t prev = 99;
	ASSERT(!hashtrie_swap(&t, 1, 10, &prev)); /* absent: (nil, false) */
	ASSERT_EQ(prev, 99);
	struct ht_op op;
	ht_op_swap_init(&op, 1, 11, NULL);
	ASSERT(ht_run(&t, &op, 0, 0, NULL, NULL, NULL) == HT_DONE);
	ASSERT(op.found);
	ASSERT_EQ(op.result, 10);
	ht_op_swap_init(&op, 2, 20, NULL); /* a collision: inserted */
	ASSERT(ht_run(&t, &op, 0, 0, NULL, NULL, NULL) == HT_DONE);
	ASSERT(!op.found);
	ASSERT_EQ(op.result, 0);
	ASSERT(hashtrie_swap(&t, 1, 12, &prev)); /* in the chain's tail */
	ASSERT_EQ(prev, 11);
	ASSERT_SHAPE(&t, "{1:(2=20 1=12)}");
	ht_op_store_init(&op, 2, 21, NULL);
	ASSERT(ht_run(&t, &op, 0, 0, NULL, NULL, NULL) == HT_DONE);
	ASSERT(op.found); /* Store ran Swap: it saw the old value */
	ASSERT_SHAPE(&t, "{1:(2=21 1=12)}");
	hashtrie_done(&t);
}

/* HT4.2: a writer whose node died, or whose slot became an indirect node,
 * while it went for the lock, unlocks and starts over from the root. */
static void ht4_restart(void)
{
	struct hashtrie t;
	mk(&t, 11);
	struct evlog log = {.n = 0};
	struct mv_sink sink = {on_event, &log};
	pin(&t, 1, HA);
	pin(&t, 2, HB);
	pin(&t, 3, HC);
	pin(&t, 4, 0x1800000000000000ULL);
	/* the slot becomes an indirect: Store(2) found entry 1 at root slot 1 */
	hashtrie_store(&t, 1, 10);
	struct ht_op w0;
	ht_op_store_init(&w0, 2, 20, NULL);
	ASSERT(step_until(&t, &w0, 0, HT_PH_LOCK));
	hashtrie_store(&t, 3, 30); /* worker 1 expands root slot 1 */
	ASSERT_SHAPE(&t, "{1:{2:1=10,f:3=30}}");
	char buf[512];
	struct out o = {buf, sizeof buf, 0};
	enum ht_res r;
	do {
		r = ht_step(&t, &w0, 0, 0, NULL, NULL, &sink);
		put(&o, "%s%s", o.o ? " " : "", ht_phase_name(w0.last));
	} while (r == HT_MORE);
	ASSERT(r == HT_DONE);
	ASSERT_STR(buf, "lock recheck unlock load_root load_child load_child lock recheck expand publish unlock");
	ASSERT_EQ(t.restarts, 1);
	ASSERT_EQ(find_ev(&log, MV_EV_TRIE_RESTART)->depth, 0);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:1=10,f:2=20}}},f:3=30}}");

	/* the node died: Store(4) descended into the depth-1 node, a Delete
	 * empties it (and every node under it) and prunes it */
	hashtrie_delete(&t, 2);
	hashtrie_delete(&t, 3);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:1=10}}}}}");
	ht_op_store_init(&w0, 4, 40, NULL);
	ASSERT(step_until(&t, &w0, 0, HT_PH_LOCK));
	uint32_t n1 = ht_ref_index(hashtrie_child(&t, t.root, 1));
	ASSERT_EQ(w0.i, n1);
	hashtrie_delete(&t, 1); /* prunes depth 4, 3, 2, 1 */
	ASSERT_SHAPE(&t, "{}");
	ASSERT(hashtrie_indirect(&t, n1)->dead);
	log.n = 0;
	ASSERT(ht_run(&t, &w0, 0, 0, NULL, NULL, &sink) == HT_DONE);
	ASSERT_EQ(count_ev(&log, MV_EV_TRIE_RESTART), 1);
	ASSERT_EQ(find_ev(&log, MV_EV_TRIE_RESTART)->depth, 1);
	ASSERT_SHAPE(&t, "{1:4=40}");
	ASSERT_EQ(t.restarts, 2);
	hashtrie_done(&t);
}

/* ---- HT5 ---- */

/* HT5.1: LoadOrStore loads a present key without locking; otherwise it
 * locks, looks again, and stores. */
static void ht5_load_or_store(void)
{
	struct hashtrie t;
	mk(&t, 12);
	pin(&t, 1, HA);
	pin(&t, 2, HA);
	pin(&t, 3, HB);
	int64_t v;
	ASSERT(!hashtrie_load_or_store(&t, 1, 10, &v)); /* absent: stored */
	ASSERT_EQ(v, 10);
	uint64_t acq = acquisitions(&t);
	char buf[512];
	struct ht_op op;
	ht_op_load_or_store_init(&op, 1, 11, NULL);
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf), "init_check hash load_root load_child");
	ASSERT(op.found);
	ASSERT_EQ(op.result, 10);
	ASSERT_EQ(acquisitions(&t), acq); /* the fast path: no lock */
	ASSERT(!hashtrie_load_or_store(&t, 2, 20, &v)); /* a collision: prepended */
	ASSERT_EQ(v, 20);
	ht_op_load_or_store_init(&op, 1, 12, NULL); /* found after one overflow load */
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf), "init_check hash load_root load_child load_overflow");
	ASSERT(op.found);
	ASSERT_EQ(op.result, 10);
	ht_op_load_or_store_init(&op, 3, 30, NULL); /* not in the chain: lock, expand */
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf), "init_check hash load_root load_child load_overflow "
							"load_overflow lock recheck expand publish unlock");
	ASSERT(!op.found);
	ASSERT_EQ(op.result, 30);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:(2=20 1=10),f:3=30}}}}}");

	/* the locked re-check: another worker stores the key between the
	 * lock-free look and the lock */
	pin(&t, 4, HD);
	ht_op_load_or_store_init(&op, 4, 40, NULL);
	ASSERT(step_until(&t, &op, 0, HT_PH_LOCK));
	hashtrie_store(&t, 4, 41);
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf), "lock recheck unlock");
	ASSERT(op.found);
	ASSERT_EQ(op.result, 41);
	ASSERT(hashtrie_load(&t, 4, &v));
	ASSERT_EQ(v, 41);
	hashtrie_done(&t);
}

/* ---- HT6 ---- */

/* HT6.2, HT6.3: deleting prunes empty indirect nodes upward, and only
 * those: a node left with one child stays. */
static void ht6_delete_prune(void)
{
	struct hashtrie t;
	mk(&t, 13);
	struct evlog log = {.n = 0};
	struct mv_sink sink = {on_event, &log};
	pin(&t, 1, HA);
	pin(&t, 2, HB);
	pin(&t, 3, HC);
	for (int64_t k = 1; k <= 3; k++)
		hashtrie_store(&t, k, k * 10);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:1=10,f:2=20}}},f:3=30}}");
	int64_t v;
	ASSERT(hashtrie_load_and_delete(&t, 1, &v));
	ASSERT_EQ(v, 10);
	/* HT6.3: 2 stays four levels down */
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{f:2=20}}},f:3=30}}");
	ASSERT_EQ(t.prunes, 0);
	char buf[512];
	struct ht_op op;
	ht_op_delete_init(&op, 2, NULL);
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf),
		   "init_check hash load_root load_child load_child load_child load_child load_child lock recheck "
		   "remove prune_check lock_parent prune unlock_child prune_check lock_parent prune unlock_child "
		   "prune_check lock_parent prune unlock_child prune_check unlock");
	ASSERT(op.found);
	ASSERT_SHAPE(&t, "{1:{f:3=30}}"); /* depth 4, 3, 2 pruned; depth 1 keeps 3 */
	ASSERT_EQ(t.prunes, 3);
	log.n = 0;
	ht_op_delete_init(&op, 3, NULL);
	ASSERT(ht_run(&t, &op, 0, 0, NULL, NULL, &sink) == HT_DONE);
	ASSERT_SHAPE(&t, "{}"); /* the root is never pruned */
	ASSERT_EQ(count_ev(&log, MV_EV_TRIE_REMOVE), 1);
	ASSERT_EQ(count_ev(&log, MV_EV_TRIE_PRUNE), 1);
	ASSERT_EQ(find_ev(&log, MV_EV_TRIE_PRUNE)->depth, 1);
	ASSERT_EQ(find_ev(&log, MV_EV_TRIE_PRUNE)->slot, 1);
	ASSERT_EQ(t.prunes, 4);
	/* a missing key: no lock */
	uint64_t acq = acquisitions(&t);
	ASSERT(!hashtrie_load_and_delete(&t, 1, &v));
	hashtrie_delete(&t, 3);
	ASSERT_EQ(acquisitions(&t), acq);
	/* a single-child chain of levels is never collapsed upward: store
	 * 1 and 2, delete 2: 1 stays at depth 4 even though alone */
	hashtrie_store(&t, 1, 10);
	hashtrie_store(&t, 2, 20);
	hashtrie_delete(&t, 2);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:1=10}}}}}");
	hashtrie_done(&t);
}

/* HT6.5: CompareAndSwap hits and misses; a value miss is found lock-free. */
static void ht6_compare_and_swap(void)
{
	struct hashtrie t;
	mk(&t, 14);
	pin(&t, 1, HA);
	pin(&t, 2, HA);
	pin(&t, 3, HD);
	hashtrie_store(&t, 1, 10);
	hashtrie_store(&t, 2, 20);
	uint64_t acq = acquisitions(&t);
	ASSERT(!hashtrie_compare_and_swap(&t, 1, 11, 100)); /* wrong old */
	ASSERT(!hashtrie_compare_and_swap(&t, 3, 0, 100));  /* absent: never inserts */
	ASSERT_EQ(acquisitions(&t), acq);
	ASSERT_SHAPE(&t, "{1:(2=20 1=10)}");
	uint32_t head = ht_ref_index(hashtrie_child(&t, t.root, 1));
	ASSERT(hashtrie_compare_and_swap(&t, 1, 10, 100)); /* the tail: a new node */
	ASSERT_EQ(acquisitions(&t), acq + 1);
	ASSERT_SHAPE(&t, "{1:(2=20 1=100)}");
	ASSERT_EQ(ht_ref_index(hashtrie_child(&t, t.root, 1)), head);
	ASSERT(hashtrie_compare_and_swap(&t, 2, 20, 200)); /* the head */
	ASSERT_SHAPE(&t, "{1:(2=200 1=100)}");
	ASSERT(ht_ref_index(hashtrie_child(&t, t.root, 1)) != head);
	/* the value changes between the lock-free match and the lock */
	struct ht_op op;
	ht_op_compare_and_swap_init(&op, 1, 100, 101, NULL);
	ASSERT(step_until(&t, &op, 0, HT_PH_LOCK));
	hashtrie_store(&t, 1, 7);
	char buf[256];
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf), "lock recheck unlock");
	ASSERT(!op.found);
	ASSERT_SHAPE(&t, "{1:(2=200 1=7)}");
	hashtrie_done(&t);
}

/* HT6.4: CompareAndDelete hits and misses.  Its find takes no valEqual, so
 * a present key with another value is locked before the miss. */
static void ht6_compare_and_delete(void)
{
	struct hashtrie t;
	mk(&t, 15);
	pin(&t, 1, HA);
	pin(&t, 2, HB);
	pin(&t, 3, HD);
	hashtrie_store(&t, 1, 10);
	hashtrie_store(&t, 2, 20);
	uint64_t acq = acquisitions(&t);
	ASSERT(!hashtrie_compare_and_delete(&t, 3, 0)); /* absent: no lock */
	ASSERT_EQ(acquisitions(&t), acq);
	char buf[512];
	struct ht_op op;
	ht_op_compare_and_delete_init(&op, 1, 11, NULL); /* wrong old: locks, misses */
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf), "init_check hash load_root load_child load_child "
							"load_child load_child load_child lock recheck unlock");
	ASSERT(!op.found);
	ASSERT_EQ(acquisitions(&t), acq + 1);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:1=10,f:2=20}}}}}");
	ASSERT(hashtrie_compare_and_delete(&t, 1, 10));
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{f:2=20}}}}}");
	ASSERT(hashtrie_compare_and_delete(&t, 2, 20)); /* prunes the column */
	ASSERT_SHAPE(&t, "{}");
	ASSERT_EQ(t.prunes, 4);
	/* in a chain, by value */
	pin(&t, 4, HD);
	hashtrie_store(&t, 3, 30);
	hashtrie_store(&t, 4, 30);
	ASSERT(!hashtrie_compare_and_delete(&t, 3, 31));
	ASSERT(hashtrie_compare_and_delete(&t, 3, 30));
	ASSERT_SHAPE(&t, "{7:4=30}");
	hashtrie_done(&t);
}

/* ---- HT7 ---- */

/* HT7.1: Range walks children 0..15 depth first: ascending hash order,
 * collisions newest first; the same order every time. */
static void ht7_range_order(void)
{
	struct hashtrie t;
	mk(&t, 16);
	struct mv_rng rng;
	mv_rng_init(&rng, 99);
	enum { N = 300 };
	uint64_t h[N + 2];
	for (int64_t k = 0; k < N; k++) {
		h[k] = mv_rng_u64(&rng);
		if (k % 7 == 0) /* shared prefixes: deep columns */
			h[k] = (h[k] & 0x0000ffffffffffffULL) | 0xabcd000000000000ULL;
		pin(&t, k, h[k]);
	}
	h[N] = h[N + 1] = h[5]; /* two more keys colliding with 5 */
	pin(&t, N, h[N]);
	pin(&t, N + 1, h[N + 1]);
	for (int64_t k = 0; k < N + 2; k++)
		hashtrie_store(&t, k, k * 3);
	int64_t keys[N + 2], vals[N + 2], keys2[N + 2];
	ASSERT_EQ(hashtrie_range(&t, keys, vals, N + 2), N + 2);
	for (int i = 0; i < N + 2; i++) {
		ASSERT_EQ(vals[i], keys[i] * 3);
		if (i)
			ASSERT(h[keys[i - 1]] <= h[keys[i]]);
	}
	for (int i = 0; i < N + 2; i++) /* the chain of 5: N+1, N, 5 */
		if (keys[i] == N + 1) {
			ASSERT_EQ(keys[i + 1], N);
			ASSERT_EQ(keys[i + 2], 5);
		}
	ASSERT_EQ(hashtrie_range(&t, keys2, NULL, N + 2), N + 2);
	for (int i = 0; i < N + 2; i++)
		ASSERT_EQ(keys2[i], keys[i]);
	hashtrie_done(&t);
}

/* HT7.1: Range walks the root it loaded at its start, reading each slot
 * when it gets there. */
static void ht7_range_live(void)
{
	struct hashtrie t;
	mk(&t, 17);
	pin(&t, 1, 0x1000000000000000ULL);
	pin(&t, 2, 0x2000000000000000ULL);
	pin(&t, 3, 0x3000000000000000ULL);
	pin(&t, 4, 0x4000000000000000ULL);
	pin(&t, 9, 0x9000000000000000ULL);
	for (int64_t k = 1; k <= 4; k++)
		hashtrie_store(&t, k, k);
	struct ht_op rg;
	ht_op_range_init(&rg);
	while (step(&t, &rg, 1) != HT_YIELD)
		;
	ASSERT_EQ(rg.result_key, 1);
	hashtrie_delete(&t, 3);      /* not reached yet: not seen */
	hashtrie_store(&t, 2, 22);   /* not reached yet: the new value */
	hashtrie_store(&t, 9, 9);    /* a new key ahead: seen */
	int64_t got[8];
	uint32_t n = 0;
	enum ht_res r;
	while ((r = step(&t, &rg, 1)) != HT_DONE)
		if (r == HT_YIELD) {
			got[n++] = rg.result_key;
			if (rg.result_key == 2)
				ASSERT_EQ(rg.result, 22);
			if (rg.result_key == 4)
				hashtrie_clear(&t); /* the Range keeps the old root */
		}
	ASSERT_EQ(n, 3);
	ASSERT_EQ(got[0], 2);
	ASSERT_EQ(got[1], 4);
	ASSERT_EQ(got[2], 9);
	ASSERT_EQ(t.active, 0);
	ASSERT_SHAPE(&t, "{}");
	hashtrie_done(&t);
}

/* HT7.2, HT2.3: Clear swaps in a fresh root, keeps the seed and inited. */
static void ht7_clear(void)
{
	struct hashtrie t;
	mk(&t, 18);
	pin(&t, 1, HA);
	pin(&t, 2, HB);
	for (int64_t k = 1; k <= 2; k++)
		hashtrie_store(&t, k, k);
	hashtrie_store(&t, 50, 50); /* unpinned: its hash depends on the seed */
	uint64_t seed = t.seed, h50 = hashtrie_hash(&t, 50);
	uint32_t root = t.root;
	uint64_t acq = acquisitions(&t);
	char buf[512];
	struct ht_op op;
	ht_op_clear_init(&op);
	ASSERT_STR(phases_of(&t, &op, buf, sizeof buf), "init_check clear_root");
	ASSERT(t.root != root);
	ASSERT(hashtrie_inited(&t));
	ASSERT_EQ_U64(t.seed, seed);
	ASSERT_EQ_U64(hashtrie_hash(&t, 50), h50);
	ASSERT_EQ(acquisitions(&t), acq); /* no locks */
	ASSERT_SHAPE(&t, "{}");
	ASSERT(!hashtrie_indirect(&t, root)->dead); /* nothing marked dead */
	int64_t v;
	ASSERT(!hashtrie_load(&t, 1, &v));
	ASSERT_EQ(hashtrie_count(&t), 0);
	hashtrie_store(&t, 1, 5);
	ASSERT_SHAPE(&t, "{1:1=5}");
	hashtrie_sweep(&t); /* the old tree is garbage */
	struct ht_memory mem;
	hashtrie_memory(&t, &mem);
	ASSERT_EQ(mem.garbage, 0);
	ASSERT_EQ(mem.indirects, 1);
	hashtrie_done(&t);
}

/* ---- HT8 ---- */

static void ht8_memory(void)
{
	struct hashtrie t;
	mk(&t, 19);
	struct ht_memory mem;
	hashtrie_memory(&t, &mem);
	ASSERT_EQ(mem.total, 48); /* the zero sync.Map */
	pin(&t, 1, HA);
	pin(&t, 300, HB);
	hashtrie_store(&t, 1, 5);      /* small key and value: static boxes */
	hashtrie_store(&t, 300, 1000); /* both boxed: 8 + 8 */
	hashtrie_memory(&t, &mem);
	ASSERT_EQ(mem.indirects, 5); /* root + 4 levels */
	ASSERT_EQ(mem.entries, 2);
	ASSERT_EQ(mem.indirect, 5 * 152);
	ASSERT_EQ(mem.entry, 2 * 48);
	ASSERT_EQ(mem.boxes, 16);
	ASSERT_EQ(mem.total, 48 + 5 * 152 + 2 * 48 + 16);
	ASSERT_EQ(mem.total_class, 48 + 5 * 160 + 2 * 48 + 16);
	ASSERT(mem.model >= sizeof t);
	/* strings: a 16-byte header per non-empty key */
	struct mv_strpool pool;
	ASSERT(mv_strpool_init(&pool) == MV_OK);
	struct hashtrie s;
	ASSERT(hashtrie_init(&s, MV_KEY_STRING, 20, NULL, 0, &pool) == MV_OK);
	uint32_t a, e;
	ASSERT(mv_strpool_intern(&pool, "abc", 3, &a) == MV_OK);
	ASSERT(mv_strpool_intern(&pool, "", 0, &e) == MV_OK);
	hashtrie_store(&s, a, 1);
	hashtrie_store(&s, e, 2);
	hashtrie_memory(&s, &mem);
	ASSERT_EQ(mem.boxes, 16);
	hashtrie_done(&s);
	mv_strpool_done(&pool);
	hashtrie_done(&t);
}

/* ---- interleavings ---- */

/* HT4.4.3: a Load stepped between every atomic action of a Store that
 * expands the Load's slot sees the old entry throughout, and the new one
 * exactly when its root-slot load came after the publication. */
static void interleave_load_expand(void)
{
	uint32_t store_steps = 0;
	for (uint32_t start = 0;; start++) {
		struct hashtrie t;
		mk(&t, 21);
		pin(&t, 1, HA);
		pin(&t, 2, HB);
		hashtrie_store(&t, 1, 10);
		struct ht_op st, la, lb;
		ht_op_store_init(&st, 2, 20, NULL);
		bool published = false; /* the Store has run its publish step */
		for (uint32_t i = 0; i < start && st.phase != HT_PH_DONE; i++) {
			ASSERT(step(&t, &st, 0) != HT_BLOCKED);
			published |= st.last == HT_PH_PUBLISH;
		}
		if (st.phase == HT_PH_DONE) {
			hashtrie_done(&t);
			break;
		}
		ht_op_load_init(&la, 1, NULL);
		ht_op_load_init(&lb, 2, NULL);
		bool published_before_lb = false;
		/* alternate: a step of each Load, a step of the Store */
		while (la.phase != HT_PH_DONE || lb.phase != HT_PH_DONE || st.phase != HT_PH_DONE) {
			if (la.phase != HT_PH_DONE)
				step(&t, &la, 1);
			if (lb.phase != HT_PH_DONE) {
				bool root_read = lb.phase == HT_PH_LOAD_CHILD && lb.i == t.root;
				if (root_read)
					published_before_lb = published;
				step(&t, &lb, 2);
			}
			if (st.phase != HT_PH_DONE) {
				ASSERT(step(&t, &st, 0) != HT_BLOCKED);
				published |= st.last == HT_PH_PUBLISH;
				/* the slot holds the old entry until the publication */
				ASSERT_EQ(ht_ref_is_indirect(hashtrie_child(&t, t.root, 1)), published);
				store_steps++;
			}
		}
		ASSERT(la.found);
		ASSERT_EQ(la.result, 10);
		ASSERT_EQ(lb.found, published_before_lb);
		if (lb.found)
			ASSERT_EQ(lb.result, 20);
		ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:1=10,f:2=20}}}}}");
		hashtrie_done(&t);
	}
	ASSERT(store_steps > 20); /* every split point was tried */
}

/* HT7.3: two Stores under one indirect node contend on its Mutex: the
 * second blocks, is woken by the first's Unlock, and both land. */
static void contend_node_mutex(void)
{
	struct hashtrie t;
	mk(&t, 22);
	hashtrie_set_lock_base(&t, 100);
	struct evlog log = {.n = 0};
	struct mv_sink sink = {on_event, &log};
	pin(&t, 1, 0x1100000000000000ULL);
	pin(&t, 2, 0x1200000000000000ULL);
	pin(&t, 3, 0x1300000000000000ULL);
	pin(&t, 4, 0x1400000000000000ULL);
	hashtrie_store(&t, 1, 10);
	hashtrie_store(&t, 2, 20);
	ASSERT_SHAPE(&t, "{1:{1:1=10,2:2=20}}");
	uint32_t node = ht_ref_index(hashtrie_child(&t, t.root, 1));
	struct ht_op w0, w1;
	uint32_t woken[4], nwoken = 0;
	uint64_t now = 0;
	ht_op_store_init(&w0, 3, 30, NULL);
	ht_op_store_init(&w1, 4, 40, NULL);
	while (!w0.locked)
		ASSERT(ht_step(&t, &w0, 0, now++, woken, &nwoken, &sink) == HT_MORE);
	ASSERT_EQ(w0.i, node);
	ASSERT_EQ(hashtrie_lock_holder(hashtrie_node_lock(&t, node)), 0);
	enum ht_res r;
	while ((r = ht_step(&t, &w1, 1, now++, woken, &nwoken, &sink)) == HT_MORE)
		;
	ASSERT(r == HT_BLOCKED);
	ASSERT_STR(ht_phase_name(w1.phase), "lock");
	ASSERT(ht_op_lock(&t, &w1) == hashtrie_node_lock(&t, node));
	ASSERT(mv_lock_queued(hashtrie_node_lock(&t, node), 1));
	ASSERT_EQ(hashtrie_node_lock(&t, node)->mu.sema.n, 1);
	const struct mv_event *ev = find_ev(&log, MV_EV_LOCK_WAIT);
	ASSERT(ev != NULL);
	ASSERT_EQ(ev->n, 100 + 1 + node);
	uint32_t which = 0;
	ASSERT_EQ(hashtrie_lock_of(&t, ev->n, &which), 2);
	ASSERT_EQ(which, node);
	ASSERT_EQ(hashtrie_lock_of(&t, 100, NULL), 1);
	uint32_t steps = w1.steps;
	ASSERT(ht_step(&t, &w1, 1, now++, woken, &nwoken, &sink) == HT_BLOCKED);
	ASSERT_EQ(w1.steps, steps);
	while ((r = ht_step(&t, &w0, 0, now++, woken, &nwoken, &sink)) == HT_MORE)
		;
	ASSERT(r == HT_DONE);
	ASSERT_EQ(nwoken, 1);
	ASSERT_EQ(woken[0], 1);
	ASSERT_SHAPE(&t, "{1:{1:1=10,2:2=20,3:3=30}}");
	while ((r = ht_step(&t, &w1, 1, now++, woken, &nwoken, &sink)) == HT_MORE)
		;
	ASSERT(r == HT_DONE);
	ASSERT_SHAPE(&t, "{1:{1:1=10,2:2=20,3:3=30,4:4=40}}");
	ASSERT_EQ(hashtrie_node_lock(&t, node)->contended, 1);
	ASSERT_EQ(hashtrie_lock_holder(hashtrie_node_lock(&t, node)), -1);
	ASSERT_EQ(t.active, 0);
	/* a Store on another node does not contend: root slot 7 */
	pin(&t, 5, HD);
	ht_op_store_init(&w0, 5, 50, NULL);
	while (!w0.locked)
		ht_step(&t, &w0, 0, now++, woken, &nwoken, &sink);
	ht_op_store_init(&w1, 1, 11, NULL); /* under node: not the root's lock */
	ASSERT(ht_run(&t, &w1, 1, now++, woken, &nwoken, &sink) == HT_DONE);
	ASSERT(ht_run(&t, &w0, 0, now++, woken, &nwoken, &sink) == HT_DONE);
	ASSERT_SHAPE(&t, "{1:{1:1=11,2:2=20,3:3=30,4:4=40},7:5=50}");
	hashtrie_done(&t);
}

/* A checkpoint mid-op: the copy and the original finish alike and then
 * live on independently. */
static void copy_mid_op(void)
{
	struct hashtrie a, b;
	mk(&a, 23);
	pin(&a, 1, HA);
	pin(&a, 2, HB);
	pin(&a, 3, HC);
	hashtrie_store(&a, 1, 10);
	hashtrie_store(&a, 3, 30);
	struct ht_op st, dl;
	uint32_t woken[4], nwoken = 0;
	ht_op_store_init(&st, 2, 20, NULL);
	ASSERT(step_until(&a, &st, 0, HT_PH_PUBLISH)); /* the column is built, not published */
	ht_op_delete_init(&dl, 1, NULL);               /* blocks on the depth-1 node */
	enum ht_res r;
	while ((r = ht_step(&a, &dl, 1, 0, woken, &nwoken, NULL)) == HT_MORE)
		;
	ASSERT(r == HT_BLOCKED);
	ASSERT(hashtrie_copy(&b, &a) == MV_OK);
	struct ht_op stb = st, dlb = dl;
	char sa[2048], sb[2048];
	ASSERT_STR(shape(&a, sa, sizeof sa), shape(&b, sb, sizeof sb));
	ASSERT_STR(sa, "{1:{2:1=10,f:3=30}}");
	/* finish both in a */
	nwoken = 0;
	ASSERT(ht_run(&a, &st, 0, 0, woken, &nwoken, NULL) == HT_DONE);
	ASSERT_EQ(nwoken, 1);
	ASSERT(ht_run(&a, &dl, 1, 0, woken, &nwoken, NULL) == HT_DONE);
	/* b still has the unpublished column and the queued delete */
	ASSERT_STR(shape(&b, sb, sizeof sb), "{1:{2:1=10,f:3=30}}");
	ASSERT(mv_lock_queued(ht_op_lock(&b, &dlb), 1));
	nwoken = 0;
	ASSERT(ht_run(&b, &stb, 0, 0, woken, &nwoken, NULL) == HT_DONE);
	ASSERT_EQ(nwoken, 1);
	ASSERT(ht_run(&b, &dlb, 1, 0, woken, &nwoken, NULL) == HT_DONE);
	ASSERT_STR(shape(&a, sa, sizeof sa), shape(&b, sb, sizeof sb));
	ASSERT_STR(sa, "{1:{2:{3:{4:{f:2=20}}},f:3=30}}");
	ASSERT(dl.found && dlb.found);
	/* independent from here on */
	hashtrie_clear(&b);
	hashtrie_store(&a, 4, 4);
	ASSERT_SHAPE(&b, "{}");
	int64_t v;
	ASSERT(hashtrie_load(&a, 2, &v));
	ASSERT_EQ(v, 20);
	hashtrie_done(&a);
	ASSERT(!hashtrie_load(&b, 2, &v));
	hashtrie_done(&b);
}

/* ---- randomized ---- */

/* Every entry sits where its hash says, chains share a full hash, nodes
 * are live and not dead, non-root nodes are non-empty (quiescent) and know
 * their parent.  Returns the entries found. */
static uint64_t check_node(const struct hashtrie *t, uint32_t i, uint32_t depth, uint64_t prefix)
{
	const struct ht_indirect *in = hashtrie_indirect(t, i);
	ASSERT(in && in->live && !in->dead);
	ASSERT_EQ(in->depth, depth);
	ASSERT(depth < HT_MAX_DEPTH);
	uint64_t n = 0;
	bool any = false;
	for (unsigned j = 0; j < HT_CHILDREN; j++) {
		uint32_t ref = hashtrie_child(t, i, j);
		if (ref == HT_NIL)
			continue;
		any = true;
		uint64_t p = prefix | (uint64_t)j << (60 - 4 * depth);
		uint64_t mask = depth == 15 ? ~0ULL : ~((1ULL << (60 - 4 * depth)) - 1);
		if (ht_ref_is_indirect(ref)) {
			ASSERT_EQ(hashtrie_indirect(t, ht_ref_index(ref))->parent, i);
			n += check_node(t, ht_ref_index(ref), depth + 1, p);
			continue;
		}
		uint32_t head = ht_ref_index(ref);
		uint64_t h = hashtrie_hash(t, hashtrie_entry(t, head)->key);
		for (uint32_t e = head; e; e = hashtrie_overflow(t, e)) {
			const struct ht_entry *en = hashtrie_entry(t, e);
			ASSERT(en->live);
			ASSERT_EQ_U64(hashtrie_hash(t, en->key), h);
			ASSERT_EQ_U64(h & mask, p);
			for (uint32_t f = hashtrie_overflow(t, e); f; f = hashtrie_overflow(t, f))
				ASSERT(hashtrie_entry(t, f)->key != en->key);
			n++;
		}
	}
	ASSERT(any || i == t->root);
	return n;
}

static uint64_t check_tree(const struct hashtrie *t)
{
	return t->root ? check_node(t, t->root, 0, 0) : 0;
}

/* Hashes with shared prefixes (deep columns) and full collisions. */
static uint64_t random_hash(struct mv_rng *rng, const uint64_t *earlier, uint32_t n)
{
	uint64_t x = mv_rng_u64(rng);
	switch (x % 8) {
	case 0: /* a full collision with an earlier key */
		if (n)
			return earlier[(x >> 8) % n];
		return x;
	case 1:
	case 2: /* shares 3..9 nibbles with an earlier key */
		if (n) {
			unsigned keep = 3 + (unsigned)((x >> 16) % 7);
			uint64_t m = ~0ULL << (64 - 4 * keep);
			return (earlier[(x >> 8) % n] & m) | (mv_rng_u64(rng) & ~m);
		}
		return x;
	default:
		return x;
	}
}

enum { RK = 700 };

struct ref {
	bool has[RK];
	int64_t val[RK];
	uint32_t n;
};

/* One random op on key k through the step machine, checked against r. */
static void random_op(struct hashtrie *t, struct ref *r, struct mv_rng *rng, const int64_t *key, bool ranges)
{
	uint64_t x = mv_rng_u64(rng);
	uint32_t k = (uint32_t)((x >> 8) % RK);
	int64_t v = (int64_t)(x >> 40) - 5000, got;
	switch (x % 20) {
	case 0:
	case 1:
	case 2:
	case 3:
		hashtrie_store(t, key[k], v);
		r->n += !r->has[k];
		r->has[k] = true;
		r->val[k] = v;
		break;
	case 4:
	case 5:
	case 6:
		ASSERT_EQ(hashtrie_load(t, key[k], &got), r->has[k]);
		if (r->has[k])
			ASSERT_EQ(got, r->val[k]);
		break;
	case 7:
	case 8: {
		bool loaded = hashtrie_load_or_store(t, key[k], v, &got);
		ASSERT_EQ(loaded, r->has[k]);
		ASSERT_EQ(got, r->has[k] ? r->val[k] : v);
		if (!r->has[k]) {
			r->has[k] = true;
			r->val[k] = v;
			r->n++;
		}
		break;
	}
	case 9:
	case 10:
		ASSERT_EQ(hashtrie_load_and_delete(t, key[k], &got), r->has[k]);
		if (r->has[k])
			ASSERT_EQ(got, r->val[k]);
		r->n -= r->has[k];
		r->has[k] = false;
		break;
	case 11:
		hashtrie_delete(t, key[k]);
		r->n -= r->has[k];
		r->has[k] = false;
		break;
	case 12:
	case 13: {
		int64_t prev = 12345;
		ASSERT_EQ(hashtrie_swap(t, key[k], v, &prev), r->has[k]);
		if (r->has[k])
			ASSERT_EQ(prev, r->val[k]);
		r->n += !r->has[k];
		r->has[k] = true;
		r->val[k] = v;
		break;
	}
	case 14:
	case 15: { /* half the time with the right old value */
		int64_t old = r->has[k] && (x >> 20) % 2 ? r->val[k] : v + 1;
		bool hit = r->has[k] && r->val[k] == old;
		ASSERT_EQ(hashtrie_compare_and_swap(t, key[k], old, v), hit);
		if (hit)
			r->val[k] = v;
		break;
	}
	case 16:
	case 17: {
		int64_t old = r->has[k] && (x >> 20) % 2 ? r->val[k] : v + 1;
		bool hit = r->has[k] && r->val[k] == old;
		ASSERT_EQ(hashtrie_compare_and_delete(t, key[k], old), hit);
		if (hit) {
			r->has[k] = false;
			r->n--;
		}
		break;
	}
	case 18:
		if (ranges) {
			static int64_t keys[RK], vals[RK];
			ASSERT_EQ(hashtrie_range(t, keys, vals, RK), r->n);
			uint64_t last = 0;
			for (uint32_t j = 0; j < r->n; j++) {
				uint32_t id = 0;
				while (key[id] != keys[j])
					id++;
				ASSERT(r->has[id]);
				ASSERT_EQ(vals[j], r->val[id]);
				uint64_t h = hashtrie_hash(t, keys[j]);
				ASSERT(h >= last); /* HT7.1 */
				last = h;
			}
		}
		break;
	default:
		if ((x >> 12) % 40 == 0) { /* rare: Clear */
			hashtrie_clear(t);
			memset(r->has, 0, sizeof r->has);
			r->n = 0;
		}
		break;
	}
}

static void random_run(enum mv_keykind kind, uint32_t ops)
{
	struct mv_strpool pool;
	ASSERT(mv_strpool_init(&pool) == MV_OK);
	struct hashtrie t;
	ASSERT(hashtrie_init(&t, kind, 24, NULL, 0, &pool) == MV_OK);
	struct mv_rng rng;
	mv_rng_init(&rng, 0x5eed + kind);
	static int64_t key[RK];
	static uint64_t hs[RK];
	for (uint32_t k = 0; k < RK; k++) {
		if (kind == MV_KEY_INT) {
			key[k] = (int64_t)k * 977 - 3000;
		} else {
			char s[32];
			int n = snprintf(s, sizeof s, "key-%u", k);
			uint32_t id;
			ASSERT(mv_strpool_intern(&pool, s, (size_t)n, &id) == MV_OK);
			key[k] = id;
		}
		if (k % 3) { /* a third keep the model's own hash */
			hs[k] = random_hash(&rng, hs, k);
			pin(&t, key[k], hs[k]);
		}
	}
	static struct ref r;
	memset(&r, 0, sizeof r);
	for (uint32_t i = 0; i < ops; i++) {
		random_op(&t, &r, &rng, key, true);
		if (i % 500 == 0)
			ASSERT_EQ(check_tree(&t), r.n);
	}
	ASSERT_EQ(check_tree(&t), r.n);
	ASSERT_EQ(t.active, 0);
	ASSERT(t.collisions > 0);
	ASSERT(t.expands > 0);
	ASSERT(t.prunes > 0);
	ASSERT(t.in_use < 6 * RK); /* garbage is swept */
	hashtrie_done(&t);
	mv_strpool_done(&pool);
}

/* 30,000 int and 8,000 string ops through the step machine against a
 * plain direct-address table, with the tree checked as it goes. */
static void random_vs_reference(void)
{
	random_run(MV_KEY_INT, 30000);
	random_run(MV_KEY_STRING, 8000);
}

/* Four workers on disjoint keys whose hashes share prefixes, their steps
 * interleaved at random: every op's result matches the worker's own
 * reference (no other worker touches its keys), restarts, prunes and
 * contention all happen, and the quiescent tree is sound. */
static void concurrent_random(void)
{
	enum { W = 4, PER = 24, OPS = 6000 };
	struct hashtrie t;
	mk(&t, 25);
	struct mv_rng rng;
	mv_rng_init(&rng, 77);
	uint64_t hs[W * PER];
	for (uint32_t k = 0; k < W * PER; k++) {
		/* few prefixes: everyone works in the same few nodes */
		uint64_t x = mv_rng_u64(&rng);
		hs[k] = (x % 5 == 0 && k) ? hs[(x >> 8) % k] : (x & 0x0fffffffffffffffULL) | 0x3000000000000000ULL;
		if (x % 3 == 0)
			hs[k] = (hs[k] & 0xff0fffffffffffffULL) | 0x0050000000000000ULL;
		pin(&t, k, hs[k]);
	}
	struct {
		struct ht_op op;
		bool busy;
		uint32_t k;
		int64_t v, old;
		bool has[PER];
		int64_t val[PER];
		bool blocked;
		uint32_t done;
	} w[W];
	memset(w, 0, sizeof w);
	uint32_t woken[8], nwoken;
	uint64_t now = 0;
	uint32_t finished = 0;
	while (finished < W * OPS) {
		uint32_t i = (uint32_t)(mv_rng_u64(&rng) % W);
		if (w[i].done == OPS || w[i].blocked)
			continue;
		if (!w[i].busy) {
			uint64_t x = mv_rng_u64(&rng);
			uint32_t k = (uint32_t)((x >> 8) % PER);
			w[i].k = k;
			w[i].v = (int64_t)(x >> 40);
			w[i].old = w[i].has[k] && (x >> 4) % 2 ? w[i].val[k] : -1;
			int64_t key = (int64_t)(i * PER + k);
			switch (x % 7) {
			case 0: ht_op_store_init(&w[i].op, key, w[i].v, NULL); break;
			case 1: ht_op_load_init(&w[i].op, key, NULL); break;
			case 2: ht_op_load_or_store_init(&w[i].op, key, w[i].v, NULL); break;
			case 3: ht_op_load_and_delete_init(&w[i].op, key, NULL); break;
			case 4: ht_op_swap_init(&w[i].op, key, w[i].v, NULL); break;
			case 5: ht_op_compare_and_swap_init(&w[i].op, key, w[i].old, w[i].v, NULL); break;
			default: ht_op_compare_and_delete_init(&w[i].op, key, w[i].old, NULL); break;
			}
			w[i].busy = true;
		}
		nwoken = 0;
		enum ht_res r = ht_step(&t, &w[i].op, i, now++, woken, &nwoken, NULL);
		for (uint32_t j = 0; j < nwoken; j++)
			w[woken[j]].blocked = false;
		if (r == HT_BLOCKED) {
			w[i].blocked = true;
			continue;
		}
		ASSERT(r != HT_FATAL);
		if (r != HT_DONE)
			continue;
		/* check against the worker's reference */
		struct ht_op *op = &w[i].op;
		uint32_t k = w[i].k;
		bool had = w[i].has[k];
		int64_t was = w[i].val[k];
		switch (op->kind) {
		case HT_OP_STORE:
			w[i].has[k] = true;
			w[i].val[k] = w[i].v;
			break;
		case HT_OP_LOAD:
			ASSERT_EQ(op->found, had);
			if (had)
				ASSERT_EQ(op->result, was);
			break;
		case HT_OP_LOAD_OR_STORE:
			ASSERT_EQ(op->found, had);
			ASSERT_EQ(op->result, had ? was : w[i].v);
			w[i].has[k] = true;
			w[i].val[k] = had ? was : w[i].v;
			break;
		case HT_OP_LOAD_AND_DELETE:
			ASSERT_EQ(op->found, had);
			if (had)
				ASSERT_EQ(op->result, was);
			w[i].has[k] = false;
			break;
		case HT_OP_SWAP:
			ASSERT_EQ(op->found, had);
			if (had)
				ASSERT_EQ(op->result, was);
			w[i].has[k] = true;
			w[i].val[k] = w[i].v;
			break;
		case HT_OP_COMPARE_AND_SWAP:
			ASSERT_EQ(op->found, had && was == w[i].old);
			if (op->found)
				w[i].val[k] = w[i].v;
			break;
		case HT_OP_COMPARE_AND_DELETE:
			ASSERT_EQ(op->found, had && was == w[i].old);
			if (op->found)
				w[i].has[k] = false;
			break;
		default:
			break;
		}
		w[i].busy = false;
		w[i].done++;
		finished++;
	}
	ASSERT_EQ(t.active, 0);
	uint64_t n = 0;
	for (uint32_t i = 0; i < W; i++)
		for (uint32_t k = 0; k < PER; k++) {
			int64_t v;
			ASSERT_EQ(hashtrie_load(&t, (int64_t)(i * PER + k), &v), w[i].has[k]);
			if (w[i].has[k])
				ASSERT_EQ(v, w[i].val[k]);
			n += w[i].has[k];
		}
	ASSERT_EQ(check_tree(&t), n);
	ASSERT(t.restarts > 0);
	ASSERT(t.prunes > 0);
	ASSERT(t.collisions > 0);
	uint64_t contended = 0;
	for (uint32_t i = 1; i < t.ninds; i++)
		if (t.inds[i].live)
			contended += t.inds[i].mu.contended;
	ASSERT(contended > 0);
	hashtrie_done(&t);
}

/* String keys: equal strings are one key (one pool id); the JSON STATE
 * escapes them. */
static void string_keys(void)
{
	struct mv_strpool pool;
	ASSERT(mv_strpool_init(&pool) == MV_OK);
	struct hashtrie t;
	ASSERT(hashtrie_init(&t, MV_KEY_STRING, 26, NULL, 0, &pool) == MV_OK);
	uint32_t a, q;
	ASSERT(mv_strpool_intern(&pool, "a", 1, &a) == MV_OK);
	ASSERT(mv_strpool_intern(&pool, "q\"\n", 3, &q) == MV_OK);
	const struct mv_pin pins[] = {{a, HA}, {q, HA}};
	hashtrie_done(&t);
	ASSERT(hashtrie_init(&t, MV_KEY_STRING, 26, pins, 2, &pool) == MV_OK);
	hashtrie_store(&t, a, 1);
	hashtrie_store(&t, q, 2);
	char buf[1024];
	ASSERT_STR(state_json(&t, buf, sizeof buf),
		   "{\"engine\":\"hashtrie\",\"inited\":true,\"root\":{\"indirect\":[null,{\"entries\":["
		   "{\"key\":\"q\\\"\\u000a\",\"value\":2},{\"key\":\"a\",\"value\":1}]},null,null,null,null,null,"
		   "null,null,null,null,null,null,null,null,null]}}");
	/* unpinned: mv_hash_str under the seed */
	uint32_t z;
	ASSERT(mv_strpool_intern(&pool, "zzz", 3, &z) == MV_OK);
	ASSERT_EQ_U64(hashtrie_hash(&t, z), mv_hash_str("zzz", 3, (uint32_t)t.seed));
	ASSERT(hashtrie_key_cmp(&t, a, z) < 0);
	int64_t v;
	ASSERT(hashtrie_load(&t, q, &v));
	ASSERT_EQ(v, 2);
	hashtrie_done(&t);
	mv_strpool_done(&pool);
}

/* Op pins: an op's hash_pin is the key's hash from its first step on. */
static void op_pins(void)
{
	struct hashtrie t;
	mk(&t, 27);
	uint64_t ha = HA, hb = HB;
	struct ht_op op;
	ht_op_store_init(&op, 1, 10, &ha);
	ASSERT_EQ_U64(op.hash, HA);
	ASSERT(ht_run(&t, &op, 0, 0, NULL, NULL, NULL) == HT_DONE);
	ht_op_load_or_store_init(&op, 2, 20, &hb);
	ASSERT(ht_run(&t, &op, 0, 0, NULL, NULL, NULL) == HT_DONE);
	ASSERT_SHAPE(&t, "{1:{2:{3:{4:{5:1=10,f:2=20}}}}}"); /* expand rehashed 1 by its pin */
	ASSERT_EQ_U64(hashtrie_hash(&t, 1), HA);
	ht_op_load_init(&op, 2, NULL);
	ASSERT(ht_run(&t, &op, 0, 0, NULL, NULL, NULL) == HT_DONE);
	ASSERT(op.found && op.hashed);
	ASSERT_EQ_U64(op.hash, HB);
	hashtrie_done(&t);
}

/* Garbage stays while an op in flight may hold it, and is swept after. */
static void garbage_sweep(void)
{
	struct hashtrie t;
	mk(&t, 28);
	for (int64_t k = 0; k < 50; k++)
		hashtrie_store(&t, k, k);
	struct ht_op rg;
	ht_op_range_init(&rg);
	while (step(&t, &rg, 1) != HT_YIELD)
		;
	for (int i = 0; i < 40; i++) {
		hashtrie_clear(&t);
		for (int64_t k = 0; k < 50; k++)
			hashtrie_store(&t, k, k + i);
	}
	ASSERT(t.in_use > 40 * 50); /* nothing swept: the Range is in flight */
	uint32_t n = 1;
	enum ht_res r;
	while ((r = step(&t, &rg, 1)) != HT_DONE)
		n += r == HT_YIELD;
	ASSERT_EQ(n, 50); /* the first tree, whole */
	hashtrie_sweep(&t);
	struct ht_memory mem;
	hashtrie_memory(&t, &mem);
	ASSERT_EQ(mem.garbage, 0);
	ASSERT_EQ(mem.entries, 50);
	ASSERT_EQ(t.in_use, mem.entries + mem.indirects);
	/* freed slots are reused */
	uint32_t nents = t.nents;
	for (int64_t k = 0; k < 50; k++)
		hashtrie_store(&t, k, -k);
	ASSERT_EQ(t.nents, nents);
	hashtrie_done(&t);
}

/* Phase, result and op-kind names come from the tables. */
static void names(void)
{
	ASSERT_STR(ht_phase_name(HT_PH_INIT_CHECK), "init_check");
	ASSERT_STR(ht_phase_name(HT_PH_LOCK_PARENT), "lock_parent");
	ASSERT_STR(ht_phase_name(HT_PH_DONE), "done");
	ASSERT_STR(ht_phase_name((enum ht_phase)999), "?");
	ASSERT_STR(ht_res_name(HT_BLOCKED), "blocked");
	ASSERT_STR(ht_opkind_name(HT_OP_COMPARE_AND_DELETE), "compare_and_delete");
	ASSERT_STR(ht_opkind_name(HT_OP_CLEAR), "clear");
	ASSERT_STR(mv_event_name(MV_EV_TRIE_EXPAND), "trie_expand");
	ASSERT_STR(mv_event_fields(MV_EV_TRIE_EXPAND), "kDsn");
	ASSERT_EQ(mv_event_lookup("trie_prune"), MV_EV_TRIE_PRUNE);
}

const struct unit_test hashtrie_tests[] = {
	UNIT(ht1_fanout),
	UNIT(ht2_lazy_init),
	UNIT(ht2_init_race),
	UNIT(ht3_load_lock_free),
	UNIT(ht4_expand_column),
	UNIT(ht4_collision_chain),
	UNIT(ht4_immutable_entries),
	UNIT(ht4_swap_results),
	UNIT(ht4_restart),
	UNIT(ht5_load_or_store),
	UNIT(ht6_delete_prune),
	UNIT(ht6_compare_and_swap),
	UNIT(ht6_compare_and_delete),
	UNIT(ht7_range_order),
	UNIT(ht7_range_live),
	UNIT(ht7_clear),
	UNIT(ht8_memory),
	UNIT(interleave_load_expand),
	UNIT(contend_node_mutex),
	UNIT(copy_mid_op),
	UNIT(random_vs_reference),
	UNIT(concurrent_random),
	UNIT(string_keys),
	UNIT(op_pins),
	UNIT(garbage_sweep),
	UNIT(names),
	{0},
};
