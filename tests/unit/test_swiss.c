/*
 * Unit tests of engine/swiss against go-swiss-semantics.md (rule IDs in the
 * comments).  Keys are placed with pinned hashes where a test needs exact
 * groups, slots and control bytes: HS() builds a hash from the top bits
 * (table choice and split side, SW1.12, SW5.6), the group bits (H1 & mask,
 * SW1.13) and H2 (SW1.11).
 */
#include <stdlib.h>

#include "engine/classic/gomap.h"
#include "engine/swiss/swiss.h"
#include "unit.h"

/* ---- helpers ---- */

/* top: hash bits 63..62; group: H1's low bits (bits 7..); h2: bits 0..6;
 * salt: bits 20..61, to tell keys apart. */
static uint64_t HS(unsigned top, uint64_t group, uint8_t h2, uint64_t salt)
{
	return (uint64_t)top << 62 | (salt & 0x3ffffffffffULL) << 20 | group << 7 | h2;
}

static uint64_t cw(const uint8_t b[8])
{
	uint64_t w = 0;
	for (int i = 0; i < 8; i++)
		w |= (uint64_t)b[i] << (8 * i);
	return w;
}

static struct swmap new_map(int64_t hint)
{
	struct swmap m;
	ASSERT(swiss_init(&m, MV_KEY_INT, hint, 1234, false, NULL, 0, NULL) == MV_OK);
	return m;
}

static void store_h(struct swmap *m, int64_t k, int64_t v, uint64_t h)
{
	struct sw_op op;
	sw_op_assign_init(&op, k, v, &h);
	ASSERT(swiss_run(m, &op, NULL));
}

static bool delete_h(struct swmap *m, int64_t k, uint64_t h)
{
	struct sw_op op;
	sw_op_delete_init(&op, k, &h);
	ASSERT(swiss_run(m, &op, NULL));
	return op.found;
}

static bool load(struct swmap *m, int64_t k, int64_t *v)
{
	struct sw_op op;
	sw_op_lookup_init(&op, k, NULL);
	ASSERT(swiss_run(m, &op, NULL));
	if (op.found && v)
		*v = op.result;
	return op.found;
}

static const struct sw_table *tab0(const struct swmap *m)
{
	return swiss_table(m, swiss_dir_at(m, 0));
}

static const struct sw_group *grp(const struct swmap *m, uint32_t t, uint32_t g)
{
	return swiss_group(m, t, g);
}

/* The phase names an op runs through to its end. */
static int run_phases(struct swmap *m, struct sw_op *op, enum sw_phase *out, int max)
{
	int n = 0;
	for (;;) {
		enum sw_stepres r = swiss_step(m, op, NULL);
		if (n < max)
			out[n] = op->last;
		n++;
		if (r == SW_DONE)
			return n;
	}
}

static bool has_phase(const enum sw_phase *ph, int n, enum sw_phase p)
{
	for (int i = 0; i < n; i++)
		if (ph[i] == p)
			return true;
	return false;
}

/* An event recorder. */
struct rec {
	struct mv_event ev[2048];
	int n;
};
static void rec_fn(void *ctx, const struct mv_event *ev)
{
	struct rec *r = ctx;
	if (r->n < (int)(sizeof r->ev / sizeof r->ev[0]))
		r->ev[r->n++] = *ev;
}
static int rec_count(const struct rec *r, enum mv_event_kind k)
{
	int n = 0;
	for (int i = 0; i < r->n; i++)
		n += r->ev[i].kind == k;
	return n;
}
static const struct mv_event *rec_find(const struct rec *r, enum mv_event_kind k)
{
	for (int i = 0; i < r->n; i++)
		if (r->ev[i].kind == k)
			return &r->ev[i];
	return NULL;
}

/* SW4.13, SW4.3, SW1.4: every live table's counters agree with its control
 * bytes, no group holds both a tombstone and an empty slot, and the
 * directory is made of aligned runs. */
static void check_invariants(const struct swmap *m)
{
	if (m->dir_len == 0) {
		if (m->small) {
			int full = 0;
			for (int i = 0; i < 8; i++) {
				uint8_t c = sw_ctrl(swiss_small_group(m), (unsigned)i);
				ASSERT(c != SW_CTRL_DELETED); /* SW2.4 */
				full += c < 0x80;
			}
			ASSERT_EQ(full, m->used);
		}
		return;
	}
	uint64_t used = 0;
	for (uint32_t i = 0; i < m->dir_len;) {
		uint32_t t = swiss_dir_at(m, i);
		const struct sw_table *tb = swiss_table(m, t);
		ASSERT_EQ(tb->state, SW_TAB_LIVE);
		ASSERT_EQ(tb->index, i);
		uint32_t run = 1u << (m->global_depth - tb->local_depth);
		for (uint32_t j = 0; j < run; j++)
			ASSERT_EQ(swiss_dir_at(m, i + j), t);
		int full = 0, tomb = 0;
		for (uint32_t g = 0; g < sw_table_ngroups(tb); g++) {
			int e = 0, d = 0;
			for (unsigned s = 0; s < 8; s++) {
				uint8_t c = sw_ctrl(grp(m, t, g), s);
				full += c < 0x80;
				e += c == SW_CTRL_EMPTY;
				d += c == SW_CTRL_DELETED;
			}
			tomb += d;
			ASSERT(!(e && d)); /* SW4.3 */
		}
		ASSERT_EQ(full, tb->used);
		ASSERT_EQ(tb->growth_left, tb->capacity * 7 / 8 - tb->used - tomb); /* SW4.13 */
		used += tb->used;
		i += run;
	}
	ASSERT_EQ(used, m->used);
}

/* The SW6.7 order function: keys in iteration order with no mutation. */
static int order(const struct swmap *m, uint64_t eo, uint64_t dof, int64_t *keys, int max)
{
	int n = 0;
	if (m->dir_len == 0) {
		const struct sw_group *g = swiss_small_group(m);
		for (uint64_t e = 0; e < 8 && g; e++) {
			unsigned k = (unsigned)((e + eo) & 7);
			if (sw_ctrl(g, k) < 0x80 && n < max)
				keys[n++] = g->slots[k].key;
		}
		return n;
	}
	uint32_t mask = m->dir_len - 1;
	uint32_t d = (uint32_t)swiss_table(m, swiss_dir_at(m, (uint32_t)(dof & mask)))->index;
	for (uint32_t covered = 0; covered < m->dir_len;) {
		uint32_t t = swiss_dir_at(m, d);
		const struct sw_table *tb = swiss_table(m, t);
		uint64_t cap = tb->capacity;
		for (uint64_t e = 0; e < cap; e++) {
			uint64_t s = (e + eo) & (cap - 1);
			const struct sw_group *g = grp(m, t, (uint32_t)(s >> 3));
			if (sw_ctrl(g, (unsigned)(s & 7)) < 0x80 && n < max)
				keys[n++] = g->slots[s & 7].key;
		}
		uint32_t step = 1u << (m->global_depth - tb->local_depth);
		covered += step;
		d = (d + step) & mask;
	}
	return n;
}

/* Run an iteration to its end; keys and values in the order produced. */
static int iterate(struct swmap *m, int64_t eo, int64_t dof, int64_t *keys, int64_t *vals, int max)
{
	struct sw_op it;
	sw_op_iter_init(&it, eo, dof);
	int n = 0;
	enum sw_stepres r;
	while ((r = swiss_step(m, &it, NULL)) != SW_DONE) {
		if (r == SW_YIELD) {
			if (n < max) {
				keys[n] = it.result_key;
				if (vals)
					vals[n] = it.result;
			}
			n++;
		}
	}
	ASSERT_EQ(it.outcome, SW_OUT_NONE);
	return n;
}

/* Step an iterator to its next entry; false at the end. */
static bool iter_next(struct swmap *m, struct sw_op *it)
{
	enum sw_stepres r;
	while ((r = swiss_step(m, it, NULL)) == SW_MORE)
		;
	return r == SW_YIELD;
}

/* The model hash with the top two bits forced: the pins of the split and
 * iteration tests.  class(k) = k % 4 selects bits 63..62. */
static uint64_t class_hash(int64_t k)
{
	return mv_fmix64((uint64_t)k * 0x9E3779B97F4A7C15ULL) >> 2 | (uint64_t)(k % 4) << 62;
}

enum { NPINS = 12000 };
static struct mv_pin class_pins[NPINS];

static struct swmap class_map(void)
{
	for (int64_t k = 0; k < NPINS; k++)
		class_pins[k] = (struct mv_pin){k, class_hash(k)};
	struct swmap m;
	ASSERT(swiss_init(&m, MV_KEY_INT, 0, 77, false, class_pins, NPINS, NULL) == MV_OK);
	return m;
}

/* Insert keys from *next on whose class is in mask (bit c for class c)
 * until cond says stop; returns the number stored. */
static int fill_classes(struct swmap *m, int64_t *next, unsigned mask, uint32_t until_dir_len, int max)
{
	int n = 0;
	while (n < max && (until_dir_len == 0 || m->dir_len < until_dir_len)) {
		int64_t k = (*next)++;
		ASSERT(k < NPINS);
		if (!(mask >> (k % 4) & 1))
			continue;
		ASSERT(swiss_store(m, k, k * 10));
		n++;
	}
	return n;
}

/* ---- SW2: small maps ---- */

/* SW2.2, SW2.3, SW2.6, SW4.9: 8 inserts fill the group in order, the 9th
 * converts it into a 16-slot table by uncheckedPutSlot, then inserts. */
static void small_fill_and_ninth(void)
{
	struct swmap m = new_map(0);
	ASSERT_EQ(m.small, 0); /* SW2.2: nothing until the first write */
	uint64_t h[10];
	for (int k = 1; k <= 8; k++) {
		h[k] = HS(0, (uint64_t)(k & 1), (uint8_t)(0x10 + k), (uint64_t)k);
		store_h(&m, k, 100 + k, h[k]);
		ASSERT(m.small != 0);
	}
	ASSERT_EQ(m.dir_len, 0);
	ASSERT_EQ(m.used, 8);
	ASSERT_EQ(swiss_ntables(&m), 0);
	const uint8_t want_small[8] = {0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18};
	const struct sw_group *g = swiss_small_group(&m);
	ASSERT_EQ_U64(g->ctrl, cw(want_small)); /* SW2.8: all 8 slots full */
	for (int i = 0; i < 8; i++) {
		ASSERT_EQ(g->slots[i].key, i + 1);
		ASSERT_EQ(g->slots[i].val, 101 + i);
	}
	check_invariants(&m);
	h[9] = HS(0, 1, 0x19, 9);
	store_h(&m, 9, 109, h[9]);
	ASSERT_EQ(m.dir_len, 1);
	ASSERT_EQ(m.global_depth, 0);
	ASSERT_EQ(m.small, 0);
	const struct sw_table *t = tab0(&m);
	ASSERT_EQ(t->capacity, 16);
	ASSERT_EQ(t->used, 9);
	ASSERT_EQ(t->growth_left, 5); /* SW2.6 */
	ASSERT_EQ(t->local_depth, 0);
	ASSERT_EQ(t->index, 0);
	const uint8_t want0[8] = {0x12, 0x14, 0x16, 0x18, 0x80, 0x80, 0x80, 0x80};
	const uint8_t want1[8] = {0x11, 0x13, 0x15, 0x17, 0x19, 0x80, 0x80, 0x80};
	ASSERT_EQ_U64(grp(&m, m.dir[0], 0)->ctrl, cw(want0));
	ASSERT_EQ_U64(grp(&m, m.dir[0], 1)->ctrl, cw(want1));
	ASSERT_EQ(grp(&m, m.dir[0], 1)->slots[4].key, 9);
	for (int k = 1; k <= 9; k++) {
		int64_t v = -1;
		ASSERT(load(&m, k, &v));
		ASSERT_EQ(v, 100 + k);
	}
	check_invariants(&m);
	swiss_done(&m);

	/* all 8 in group 0: the 9th probes on to group 1 (SW4.1) */
	m = new_map(0);
	for (int k = 1; k <= 9; k++)
		store_h(&m, k, k, HS(0, 0, (uint8_t)k, (uint64_t)k));
	const uint8_t all0[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	const uint8_t next1[8] = {9, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80};
	ASSERT_EQ_U64(grp(&m, m.dir[0], 0)->ctrl, cw(all0));
	ASSERT_EQ_U64(grp(&m, m.dir[0], 1)->ctrl, cw(next1));
	swiss_done(&m);
}

/* SW2.3, SW2.4, SW4.11: a small delete empties the slot (never a
 * tombstone), zeroes the elem, keeps an int key's bytes; the next insert
 * takes the lowest free slot. */
static void small_delete_first_free(void)
{
	struct swmap m = new_map(0);
	for (int k = 1; k <= 5; k++)
		store_h(&m, k, k * 10, HS(0, 0, (uint8_t)(0x40 + k), (uint64_t)k));
	ASSERT(delete_h(&m, 3, HS(0, 0, 0x43, 3)));
	const struct sw_group *g = swiss_small_group(&m);
	const uint8_t want[8] = {0x41, 0x42, 0x80, 0x44, 0x45, 0x80, 0x80, 0x80};
	ASSERT_EQ_U64(g->ctrl, cw(want));
	ASSERT_EQ(g->slots[2].key, 3); /* stale int key bytes */
	ASSERT_EQ(g->slots[2].val, 0);
	ASSERT_EQ(m.used, 4);
	ASSERT(!m.tombstone_possible);
	store_h(&m, 6, 60, HS(0, 0, 0x46, 6));
	ASSERT_EQ(sw_ctrl(g, 2), 0x46);
	ASSERT_EQ(g->slots[2].key, 6);
	ASSERT(!delete_h(&m, 99, HS(0, 0, 0x46, 99))); /* H2 match, other key */
	ASSERT_EQ(m.used, 5);
	check_invariants(&m);
	swiss_done(&m);
}

/* SW2.6: in 1.24-1.26 an update of a map holding 8 entries converts it. */
static void update_of_8_converts(void)
{
	struct swmap m = new_map(0);
	for (int k = 1; k <= 7; k++)
		store_h(&m, k, k, HS(0, (uint64_t)k & 1, (uint8_t)k, (uint64_t)k));
	store_h(&m, 3, 33, HS(0, 1, 3, 3)); /* 7 entries: an update stays small */
	ASSERT_EQ(m.dir_len, 0);
	store_h(&m, 8, 8, HS(0, 0, 8, 8));
	ASSERT_EQ(m.dir_len, 0);
	struct sw_op op;
	uint64_t h3 = HS(0, 1, 3, 3);
	sw_op_assign_init(&op, 3, 333, &h3);
	enum sw_phase ph[64];
	int n = run_phases(&m, &op, ph, 64);
	ASSERT(n < 64);
	ASSERT(has_phase(ph, n, SW_PH_TO_TABLE));
	ASSERT(has_phase(ph, n, SW_PH_UPDATE));
	ASSERT(!has_phase(ph, n, SW_PH_INSERT));
	ASSERT_EQ(m.dir_len, 1);
	ASSERT_EQ(m.used, 8);
	ASSERT_EQ(tab0(&m)->capacity, 16);
	ASSERT_EQ(tab0(&m)->growth_left, 6);
	int64_t v;
	ASSERT(load(&m, 3, &v));
	ASSERT_EQ(v, 333);
	check_invariants(&m);
	swiss_done(&m);
}

/* ---- SW3: make with a hint ---- */

/* SW3.6 row by row, and the VER.6 byte counts (SW9). */
static void hint_table(void)
{
	static const struct {
		int64_t hint;
		uint32_t dir;
		uint16_t cap, gl;
	} rows[] = {
		{0, 0, 0, 0},       {8, 0, 0, 0},          {9, 1, 16, 14},      {14, 1, 16, 14},
		{15, 1, 32, 28},    {100, 1, 128, 112},    {896, 1, 1024, 896}, {897, 2, 512, 448},
		{1000, 2, 1024, 896}, {1792, 2, 1024, 896}, {1793, 4, 512, 448}, {5000, 8, 1024, 896},
		{100000, 128, 1024, 896}, {-3, 0, 0, 0},
	};
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		struct swmap m = new_map(rows[r].hint);
		ASSERT_EQ(m.dir_len, rows[r].dir);
		ASSERT_EQ(m.small, 0); /* SW3.2 */
		ASSERT_EQ(m.used, 0);
		uint8_t gd = 0;
		while ((1u << gd) < rows[r].dir)
			gd++;
		if (rows[r].dir) {
			ASSERT_EQ(m.global_depth, gd);
			ASSERT_EQ(m.global_shift, 64 - gd);
		}
		for (uint32_t i = 0; i < m.dir_len; i++) {
			const struct sw_table *t = swiss_table(&m, swiss_dir_at(&m, i));
			ASSERT_EQ(t->capacity, rows[r].cap);
			ASSERT_EQ(t->growth_left, rows[r].gl);
			ASSERT_EQ(t->local_depth, gd);
			ASSERT_EQ(t->index, i); /* every entry its own table */
			for (uint32_t j = 0; j < i; j++)
				ASSERT(swiss_dir_at(&m, j) != swiss_dir_at(&m, i));
		}
		check_invariants(&m);
		swiss_done(&m);
	}
	/* VER.6: Map 48 + directory 8 + table 32 + the groups' size class */
	static const int64_t hints[] = {9, 50, 100, 200, 400, 800};
	static const uint64_t want_int[] = {376, 1240, 2392, 4952, 9560, 18520};
	static const uint64_t want_str[] = {504, 1880, 3544, 6616, 13656, 27352};
	struct mv_strpool pool;
	ASSERT(mv_strpool_init(&pool) == MV_OK);
	for (int i = 0; i < 6; i++) {
		struct swmap m;
		struct sw_memory mem;
		ASSERT(swiss_init(&m, MV_KEY_INT, hints[i], 1, false, NULL, 0, NULL) == MV_OK);
		swiss_memory(&m, &mem);
		ASSERT_EQ(mem.total_class, want_int[i]);
		swiss_done(&m);
		ASSERT(swiss_init(&m, MV_KEY_STRING, hints[i], 1, false, NULL, 0, &pool) == MV_OK);
		swiss_memory(&m, &mem);
		ASSERT_EQ(mem.total_class, want_str[i]);
		swiss_done(&m);
	}
	mv_strpool_done(&pool);
}

/* ---- SW4: probing, tombstones, pruning ---- */

/* A 128-slot table (16 groups): group 5 full, key X probed on to group 6,
 * group 6 filled, key Y probed on to group 8 = 5 + 1 + 2 (SW4.1). */
static struct swmap probe_map(void)
{
	struct swmap m = new_map(100);
	ASSERT_EQ(tab0(&m)->capacity, 128);
	for (int i = 0; i < 8; i++)
		store_h(&m, 500 + i, i, HS(0, 5, (uint8_t)(0x20 + i), (uint64_t)(500 + i)));
	store_h(&m, 1000, 1, HS(0, 5, 0x30, 1000)); /* X */
	for (int i = 1; i < 8; i++)
		store_h(&m, 600 + i, i, HS(0, 6, (uint8_t)(0x40 + i), (uint64_t)(600 + i)));
	store_h(&m, 1001, 2, HS(0, 5, 0x31, 1001)); /* Y */
	return m;
}

/* SW4.1, SW4.2, SW4.4: the triangular probe and the lookup stop rule. */
static void probe_sequence(void)
{
	struct swmap m = probe_map();
	uint32_t t = m.dir[0];
	const uint8_t g5[8] = {0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27};
	const uint8_t g6[8] = {0x30, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47};
	const uint8_t g8[8] = {0x31, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80};
	ASSERT_EQ_U64(grp(&m, t, 5)->ctrl, cw(g5));
	ASSERT_EQ_U64(grp(&m, t, 6)->ctrl, cw(g6));
	ASSERT_EQ_U64(grp(&m, t, 8)->ctrl, cw(g8));
	ASSERT_EQ_U64(grp(&m, t, 7)->ctrl, SW_CTRL_ALL_EMPTY);
	/* an absent key starting at group 5 probes 5, 6 (full) and stops at 8 */
	uint64_t hz = HS(0, 5, 0x7f, 77);
	struct sw_op op;
	sw_op_lookup_init(&op, 77, &hz);
	int32_t seen[8];
	int np = 0;
	for (;;) {
		enum sw_stepres r = swiss_step(&m, &op, NULL);
		if (op.last == SW_PH_PROBE && np < 8)
			seen[np++] = op.touch_group;
		if (r == SW_DONE)
			break;
	}
	ASSERT_EQ(np, 3);
	ASSERT_EQ(seen[0], 5);
	ASSERT_EQ(seen[1], 6);
	ASSERT_EQ(seen[2], 8);
	ASSERT(!op.found);
	ASSERT_EQ(op.steps, 6); /* check_writing, hash, select_table, 3 probes */
	/* a key starting at a group with an empty slot: one probe */
	uint64_t he = HS(0, 9, 0x7f, 78);
	sw_op_lookup_init(&op, 78, &he);
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT_EQ(op.steps, 4);
	/* Y is found in the third group of its sequence */
	sw_op_lookup_init(&op, 1001, NULL);
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT(op.found);
	ASSERT_EQ(op.result, 2);
	ASSERT_EQ(op.touch_group, 8);
	ASSERT_EQ(op.touch_slot, 0);
	/* wrapping: group 15 full, the next key goes to (15 + 1) & 15 = 0 */
	for (int i = 0; i < 9; i++)
		store_h(&m, 700 + i, i, HS(0, 15, (uint8_t)(0x50 + i), (uint64_t)(700 + i)));
	ASSERT_EQ(sw_ctrl(grp(&m, t, 0), 0), 0x58);
	ASSERT_EQ(grp(&m, t, 0)->slots[0].key, 708);
	check_invariants(&m);
	swiss_done(&m);
}

/* SW4.10, SW4.13: delete to tombstone in a full group, to empty otherwise. */
static void tombstone_vs_empty(void)
{
	struct swmap m = probe_map();
	uint32_t t = m.dir[0];
	uint16_t gl = tab0(&m)->growth_left;
	struct rec *r = calloc(1, sizeof *r);
	struct mv_sink sink = {rec_fn, r};
	struct sw_op op;
	uint64_t h = HS(0, 5, 0x23, 503);
	sw_op_delete_init(&op, 503, &h);
	ASSERT(swiss_run(&m, &op, &sink));
	ASSERT(op.found);
	ASSERT_EQ(sw_ctrl(grp(&m, t, 5), 3), SW_CTRL_DELETED);
	ASSERT_EQ(tab0(&m)->growth_left, gl); /* unchanged */
	ASSERT(m.tombstone_possible);
	ASSERT_EQ(rec_count(r, MV_EV_TOMBSTONE), 1);
	ASSERT_EQ(rec_count(r, MV_EV_REMOVE), 0);
	ASSERT_EQ(rec_find(r, MV_EV_TOMBSTONE)->bucket, 5);
	ASSERT_EQ(rec_find(r, MV_EV_TOMBSTONE)->slot, 3);
	r->n = 0;
	ASSERT(delete_h(&m, 1001, HS(0, 5, 0x31, 1001))); /* Y, alone in group 8 */
	ASSERT_EQ(sw_ctrl(grp(&m, t, 8), 0), SW_CTRL_EMPTY);
	ASSERT_EQ(tab0(&m)->growth_left, gl + 1);
	/* the tombstone does not stop a probe: X is still found past it, and an
	 * absent key still walks 5, 6, 8 */
	int64_t v;
	ASSERT(load(&m, 1000, &v));
	ASSERT_EQ(v, 1);
	uint64_t hz = HS(0, 5, 0x7f, 77);
	sw_op_lookup_init(&op, 77, &hz);
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT_EQ(op.steps, 6);
	check_invariants(&m);
	free(r);
	swiss_done(&m);
}

/* SW4.6.4-5, SW4.7: a new key takes the first tombstone on its path, which
 * costs no growthLeft. */
static void tombstone_reuse(void)
{
	struct swmap m = probe_map();
	uint32_t t = m.dir[0];
	ASSERT(delete_h(&m, 503, HS(0, 5, 0x23, 503)));
	uint16_t gl = tab0(&m)->growth_left;
	uint64_t used = m.used;
	uint64_t hr = HS(0, 5, 0x33, 2000);
	struct sw_op op;
	sw_op_assign_init(&op, 2000, 7, &hr);
	enum sw_phase ph[32];
	int n = run_phases(&m, &op, ph, 32);
	ASSERT(has_phase(ph, n, SW_PH_REUSE_TOMBSTONE));
	ASSERT(!has_phase(ph, n, SW_PH_PRUNE));
	ASSERT_EQ(sw_ctrl(grp(&m, t, 5), 3), 0x33);
	ASSERT_EQ(grp(&m, t, 5)->slots[3].key, 2000);
	ASSERT_EQ(grp(&m, t, 5)->slots[3].val, 7);
	ASSERT_EQ(tab0(&m)->growth_left, gl);
	ASSERT_EQ(m.used, used + 1);
	/* two tombstones: group 5 slot 6 comes first in probe order, ahead of
	 * group 6 slot 2 and of the empty slots of group 8 */
	ASSERT(delete_h(&m, 506, HS(0, 5, 0x26, 506)));
	ASSERT(delete_h(&m, 602, HS(0, 6, 0x42, 602)));
	store_h(&m, 2001, 8, HS(0, 5, 0x34, 2001));
	ASSERT_EQ(grp(&m, t, 5)->slots[6].key, 2001);
	ASSERT_EQ(sw_ctrl(grp(&m, t, 6), 2), SW_CTRL_DELETED);
	/* from group 6: its own tombstone, though group 7 (6 + 1) is empty */
	store_h(&m, 2002, 9, HS(0, 6, 0x35, 2002));
	ASSERT_EQ(grp(&m, t, 6)->slots[2].key, 2002);
	ASSERT_EQ(grp(&m, t, 7)->ctrl, SW_CTRL_ALL_EMPTY);
	/* an update never touches tombstones or growthLeft */
	gl = tab0(&m)->growth_left;
	store_h(&m, 2002, 10, HS(0, 6, 0x35, 2002));
	ASSERT_EQ(tab0(&m)->growth_left, gl);
	check_invariants(&m);
	swiss_done(&m);
}

/* A 16-slot table: A1..A8 in group 0, B1..B6 starting at group b_start
 * (group 0 full: they land in group 1), then A1 (and A2) deleted into
 * tombstones; growthLeft is 0. */
static struct swmap prune_map(uint64_t b_start, int deletes)
{
	struct swmap m = new_map(9);
	for (int i = 0; i < 8; i++)
		store_h(&m, 10 + i, i, HS(0, 0, (uint8_t)(0x10 + i), (uint64_t)(10 + i)));
	for (int i = 0; i < 6; i++)
		store_h(&m, 20 + i, i, HS(0, b_start, (uint8_t)(0x20 + i), (uint64_t)(20 + i)));
	ASSERT_EQ(tab0(&m)->growth_left, 0);
	for (int i = 0; i < deletes; i++)
		ASSERT(delete_h(&m, 10 + i, HS(0, 0, (uint8_t)(0x10 + i), (uint64_t)(10 + i))));
	ASSERT_EQ(tab0(&m)->growth_left, 0);
	return m;
}

/* SW4.14, SW4.15, SW5.1: prune before growing, only unneeded tombstones,
 * only when it frees 10% of the capacity. */
static void prune_before_growth(void)
{
	/* B starts at group 1: group 0's tombstones are needed by nobody */
	struct swmap m = prune_map(1, 2);
	uint32_t t = m.dir[0];
	struct rec *r = calloc(1, sizeof *r);
	struct mv_sink sink = {rec_fn, r};
	uint64_t hc = HS(0, 1, 0x30, 30);
	struct sw_op op;
	sw_op_assign_init(&op, 30, 30, &hc);
	enum sw_phase ph[64];
	int n = 0;
	while (swiss_step(&m, &op, &sink) != SW_DONE)
		ph[n++] = op.last;
	ph[n++] = op.last;
	ASSERT(has_phase(ph, n, SW_PH_PRUNE));
	ASSERT(!has_phase(ph, n, SW_PH_GROW));
	ASSERT_EQ(rec_find(r, MV_EV_PRUNE)->n, 2);
	ASSERT_EQ(tab0(&m)->capacity, 16);
	const uint8_t g0[8] = {0x80, 0x80, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17};
	ASSERT_EQ_U64(grp(&m, t, 0)->ctrl, cw(g0));
	ASSERT_EQ(sw_ctrl(grp(&m, t, 1), 6), 0x30); /* the target did not move */
	ASSERT_EQ(tab0(&m)->growth_left, 1);
	ASSERT_EQ(m.used, 13);
	check_invariants(&m);
	swiss_done(&m);

	/* B starts at group 0 and passes its tombstones: all needed, so no
	 * prune, and the table doubles (the tombstones are dropped, SW5.4.2) */
	m = prune_map(0, 2);
	r->n = 0;
	sw_op_assign_init(&op, 30, 30, &hc);
	n = 0;
	while (swiss_step(&m, &op, &sink) != SW_DONE)
		ph[n++] = op.last;
	ASSERT(has_phase(ph, n, SW_PH_PRUNE));
	ASSERT(has_phase(ph, n, SW_PH_GROW));
	ASSERT_EQ(rec_find(r, MV_EV_PRUNE)->n, 0);
	ASSERT_EQ(tab0(&m)->capacity, 32);
	ASSERT_EQ(tab0(&m)->used, 13);
	ASSERT_EQ(tab0(&m)->growth_left, 28 - 13);
	check_invariants(&m);
	swiss_done(&m);

	/* one tombstone in 16 slots is under 10%: not even examined */
	m = prune_map(1, 1);
	store_h(&m, 30, 30, hc);
	ASSERT_EQ(tab0(&m)->capacity, 32);
	check_invariants(&m);
	swiss_done(&m);
	free(r);
}

/* ---- SW5: growth ---- */

/* SW5.5: 16 -> 32 -> ... -> 1024 at the 15th, 29th, ... insert, split at
 * the 897th; the fast path frees the replaced tables at once. */
static void doubling_ladder(void)
{
	struct swmap m = new_map(0);
	static const struct {
		int at;
		uint16_t cap;
	} steps[] = {{9, 16}, {15, 32}, {29, 64}, {57, 128}, {113, 256}, {225, 512}, {449, 1024}};
	size_t next = 0;
	uint16_t cap = 0;
	for (int64_t k = 1; k <= 897; k++) {
		ASSERT(swiss_store(&m, k, k));
		if (k == 897)
			break;
		uint16_t c = m.dir_len ? tab0(&m)->capacity : 0;
		if (c != cap) {
			ASSERT(next < sizeof steps / sizeof steps[0]);
			ASSERT_EQ(k, steps[next].at);
			ASSERT_EQ(c, steps[next].cap);
			next++;
			cap = c;
		}
	}
	ASSERT_EQ(next, 7);
	ASSERT_EQ(m.dir_len, 2); /* SW5.6 */
	ASSERT_EQ(m.global_depth, 1);
	const struct sw_table *l = swiss_table(&m, m.dir[0]), *r = swiss_table(&m, m.dir[1]);
	ASSERT_EQ(l->capacity, 1024);
	ASSERT_EQ(r->capacity, 1024);
	ASSERT_EQ(l->local_depth, 1);
	ASSERT_EQ(r->local_depth, 1);
	ASSERT_EQ(l->used + r->used, 897);
	uint32_t live = 0, freed = 0;
	for (uint32_t t = 0; t < swiss_ntables(&m); t++) {
		live += swiss_table(&m, t)->state == SW_TAB_LIVE;
		freed += swiss_table(&m, t)->state == SW_TAB_FREE;
	}
	ASSERT_EQ(live, 2);
	ASSERT_EQ(live + freed, swiss_ntables(&m));
	check_invariants(&m);
	for (int64_t k = 1; k <= 897; k++) {
		int64_t v;
		ASSERT(swiss_load(&m, k, &v));
		ASSERT_EQ(v, k);
	}
	swiss_done(&m);
}

/* SW5.4: a grow moves one old group per step; meanwhile the new table is
 * BUILDING, the directory names the old one (a racing reader still finds
 * every key), and at install the old one turns stale (index -1) until the
 * op ends. */
static void grow_step_by_step(void)
{
	struct swmap m = new_map(15); /* 32 slots, 4 groups */
	ASSERT_EQ(tab0(&m)->capacity, 32);
	for (int64_t k = 1; k <= 28; k++)
		ASSERT(swiss_store(&m, k, k));
	ASSERT_EQ(tab0(&m)->growth_left, 0);
	uint32_t old = m.dir[0];
	struct sw_op op;
	sw_op_assign_init(&op, 29, 29, NULL);
	while (op.phase != SW_PH_GROW)
		ASSERT_EQ(swiss_step(&m, &op, NULL), SW_MORE);
	ASSERT_EQ(swiss_step(&m, &op, NULL), SW_MORE); /* grow */
	int32_t nt = op.rh.left;
	ASSERT_EQ(swiss_table(&m, (uint32_t)nt)->state, SW_TAB_BUILDING);
	ASSERT_EQ(swiss_table(&m, (uint32_t)nt)->capacity, 64);
	ASSERT_EQ(swiss_table(&m, (uint32_t)nt)->index, 0);
	int moved = 0;
	for (uint32_t g = 0; g < 4; g++) {
		ASSERT_EQ(op.phase, SW_PH_MOVE_GROUP);
		ASSERT_EQ(op.rh.next, g);
		int full = 0;
		for (unsigned s = 0; s < 8; s++)
			full += sw_ctrl(grp(&m, old, g), s) < 0x80;
		ASSERT_EQ(swiss_step(&m, &op, NULL), SW_MORE);
		moved += full;
		ASSERT_EQ(swiss_table(&m, (uint32_t)nt)->used, moved);
		ASSERT_EQ(m.dir[0], old); /* readers still see the old table */
		ASSERT_EQ(swiss_table(&m, old)->used, 28);
		ASSERT_EQ(op.touch_table, (int32_t)old);
		ASSERT_EQ(op.touch_group, (int32_t)g);
	}
	ASSERT_EQ(moved, 28);
	ASSERT_EQ(op.phase, SW_PH_INSTALL);
	ASSERT_EQ(swiss_step(&m, &op, NULL), SW_MORE);
	ASSERT_EQ(m.dir[0], (uint32_t)nt);
	ASSERT_EQ(swiss_table(&m, old)->index, -1);
	ASSERT_EQ(swiss_table(&m, old)->state, SW_TAB_STALE);
	ASSERT_EQ(swiss_table(&m, (uint32_t)nt)->state, SW_TAB_LIVE);
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT_EQ(swiss_table(&m, old)->state, SW_TAB_FREE); /* op ended */
	ASSERT_EQ(m.used, 29);
	ASSERT_EQ(tab0(&m)->growth_left, 56 - 29);
	check_invariants(&m);
	swiss_done(&m);
}

/* SW5.6-SW5.8: a split with directory doubling, one without, stale -1. */
static void split_directory(void)
{
	struct swmap m = class_map();
	int64_t next = 1;
	fill_classes(&m, &next, 0xf, 2, 100000); /* until the first split */
	ASSERT_EQ(next - 1, 897);
	ASSERT_EQ(m.global_depth, 1);
	uint32_t L = m.dir[0], R = m.dir[1];
	ASSERT_EQ(swiss_table(&m, L)->index, 0);
	ASSERT_EQ(swiss_table(&m, R)->index, 1);
	/* every key is on its side of hash bit 63 */
	for (uint32_t side = 0; side < 2; side++) {
		uint32_t t = side ? R : L;
		for (uint32_t g = 0; g < 128; g++)
			for (unsigned s = 0; s < 8; s++)
				if (sw_ctrl(grp(&m, t, g), s) < 0x80)
					ASSERT_EQ(grp(&m, t, g)->slots[s].key % 4 / 2, side);
	}
	/* pin R with an iterator, then fill R's side (classes 2, 3) until it
	 * splits: R is at localDepth == globalDepth, so the directory doubles */
	struct sw_op it;
	sw_op_iter_init(&it, 0, 1); /* starts in R */
	ASSERT(iter_next(&m, &it));
	ASSERT_EQ(it.it.tab, (int32_t)R);
	struct rec *r = calloc(1, sizeof *r);
	struct mv_sink sink = {rec_fn, r};
	while (m.dir_len < 4) {
		int64_t k = next++;
		if (k % 4 < 2)
			continue;
		r->n = 0;
		struct sw_op op;
		sw_op_assign_init(&op, k, k * 10, NULL);
		ASSERT(swiss_run(&m, &op, &sink));
	}
	ASSERT(rec_find(r, MV_EV_TABLE_SPLIT) != NULL);
	ASSERT_EQ(rec_count(r, MV_EV_MOVE_GROUP), 128);
	ASSERT(rec_find(r, MV_EV_DIR_GROW) != NULL);
	ASSERT_EQ(rec_find(r, MV_EV_DIR_GROW)->depth, 2);
	ASSERT_EQ(rec_find(r, MV_EV_DIR_GROW)->n, 4);
	ASSERT_EQ(m.global_depth, 2);
	ASSERT_EQ(m.dir[0], L);
	ASSERT_EQ(m.dir[1], L);
	ASSERT_EQ(swiss_table(&m, L)->index, 0);
	ASSERT_EQ(swiss_table(&m, L)->local_depth, 1);
	uint32_t RL = m.dir[2], RR = m.dir[3];
	ASSERT(RL != RR);
	ASSERT_EQ(swiss_table(&m, RL)->index, 2);
	ASSERT_EQ(swiss_table(&m, RR)->index, 3);
	ASSERT_EQ(swiss_table(&m, RL)->local_depth, 2);
	ASSERT_EQ(swiss_table(&m, R)->index, -1); /* stale, kept for the iterator */
	ASSERT_EQ(swiss_table(&m, R)->state, SW_TAB_STALE);
	for (unsigned s = 0; s < 8; s++) {
		if (sw_ctrl(grp(&m, RL, 0), s) < 0x80)
			ASSERT_EQ(grp(&m, RL, 0)->slots[s].key % 4, 2);
		if (sw_ctrl(grp(&m, RR, 0), s) < 0x80)
			ASSERT_EQ(grp(&m, RR, 0)->slots[s].key % 4, 3);
	}
	swiss_abandon(&m, &it);
	ASSERT_EQ(swiss_table(&m, R)->state, SW_TAB_FREE);
	check_invariants(&m);
	/* now L (localDepth 1 < globalDepth 2) splits with no doubling */
	int64_t first_l = next;
	r->n = 0;
	while (m.dir[0] == L) {
		int64_t k = next++;
		if (k % 4 >= 2)
			continue;
		struct sw_op op;
		sw_op_assign_init(&op, k, k * 10, NULL);
		ASSERT(swiss_run(&m, &op, &sink));
	}
	ASSERT_EQ(rec_count(r, MV_EV_DIR_GROW), 0);
	ASSERT_EQ(m.dir_len, 4);
	ASSERT_EQ(m.global_depth, 2);
	ASSERT(m.dir[0] != m.dir[1]);
	ASSERT_EQ(swiss_table(&m, m.dir[0])->index, 0);
	ASSERT_EQ(swiss_table(&m, m.dir[1])->index, 1);
	ASSERT_EQ(swiss_table(&m, m.dir[1])->local_depth, 2);
	ASSERT_EQ(m.dir[2], RL);
	check_invariants(&m);
	/* every key stored is found: all of 1..897, then the classes of each
	 * phase */
	int64_t v, found = 0;
	for (int64_t k = 1; k < next; k++) {
		bool stored = k <= 897 || (k < first_l ? k % 4 >= 2 : k % 4 < 2);
		ASSERT_EQ(swiss_load(&m, k, &v), stored);
		if (stored) {
			ASSERT_EQ(v, k * 10);
			found++;
		}
	}
	ASSERT_EQ(found, m.used);
	free(r);
	swiss_done(&m);
}

/* ---- SW6: iteration ---- */

/* SW6.7: with no mutation, the order is the order function's, for a small
 * map, one table and several tables of different depths. */
static void iteration_order(void)
{
	static int64_t want[4096], got[4096];
	struct swmap maps[3];
	maps[0] = new_map(0);
	for (int64_t k = 1; k <= 5; k++)
		ASSERT(swiss_store(&maps[0], k, k));
	maps[1] = new_map(0);
	for (int64_t k = 1; k <= 40; k++)
		ASSERT(swiss_store(&maps[1], k, k));
	maps[2] = class_map();
	int64_t next = 1;
	fill_classes(&maps[2], &next, 0xf, 2, 100000);
	fill_classes(&maps[2], &next, 0xc, 4, 100000); /* R splits: 3 tables */
	ASSERT_EQ(maps[2].dir_len, 4);
	static const uint64_t offs[][2] = {{0, 0}, {3, 1}, {13, 2}, {1023, 3}, {517, 7}, {8, 5}};
	for (int i = 0; i < 3; i++) {
		for (size_t o = 0; o < sizeof offs / sizeof offs[0]; o++) {
			int n = order(&maps[i], offs[o][0], offs[o][1], want, 4096);
			ASSERT_EQ(n, maps[i].used);
			int g = iterate(&maps[i], (int64_t)offs[o][0], (int64_t)offs[o][1], got, NULL, 4096);
			ASSERT_EQ(g, n);
			for (int j = 0; j < n; j++)
				if (got[j] != want[j])
					unit_fail(__FILE__, __LINE__, "map %d offsets %d: entry %d is %lld, want %lld", i,
						  (int)o, j, (long long)got[j], (long long)want[j]);
		}
	}
	/* SW6.3: random offsets come from the map's rng, two draws */
	struct mv_rng before = maps[1].rng;
	iterate(&maps[1], -1, -1, got, NULL, 4096);
	struct mv_rng copy = before;
	mv_rng_u64(&copy);
	mv_rng_u64(&copy);
	ASSERT_EQ_U64(maps[1].rng.state, copy.state);
	for (int i = 0; i < 3; i++)
		swiss_done(&maps[i]);
}

/* SW6.5, VER.13: a small map that turns into a table mid-loop is walked in
 * its old group's order, each key looked up again. */
static void iteration_across_conversion(void)
{
	static int64_t want[16], got[16], vals[16];
	struct swmap m = new_map(0);
	for (int64_t k = 1; k <= 8; k++)
		ASSERT(swiss_store(&m, k, k * 10));
	int n = order(&m, 5, 0, want, 16);
	ASSERT_EQ(n, 8);
	struct sw_op it;
	sw_op_iter_init(&it, 5, 0);
	for (int i = 0; i < 3; i++) {
		ASSERT(iter_next(&m, &it));
		ASSERT_EQ(it.result_key, want[i]);
	}
	struct sw_op op;
	sw_op_assign_init(&op, 100, 1000, NULL); /* 9th key: conversion */
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT_EQ(m.dir_len, 1);
	sw_op_delete_init(&op, want[4], NULL);
	ASSERT(swiss_run(&m, &op, NULL));
	sw_op_assign_init(&op, want[6], -6, NULL);
	ASSERT(swiss_run(&m, &op, NULL));
	int g = 0;
	while (iter_next(&m, &it)) {
		got[g] = it.result_key;
		vals[g++] = it.result;
	}
	ASSERT_EQ(g, 4); /* want[3], want[5], want[6], want[7] */
	ASSERT_EQ(got[0], want[3]);
	ASSERT_EQ(got[1], want[5]);
	ASSERT_EQ(got[2], want[6]);
	ASSERT_EQ(vals[2], -6); /* the update is seen */
	ASSERT_EQ(got[3], want[7]);
	ASSERT_EQ(m.npending, 0); /* the old group was kept until the loop ended */
	swiss_done(&m);
}

/* SW6.8, SW5.12: a table that grows mid-loop stays pinned; its old groups
 * decide order and membership, the live map the values. */
static void iteration_across_grow(void)
{
	static int64_t want[64], got[64], vals[64];
	struct swmap m = new_map(9); /* 16 slots */
	for (int64_t k = 1; k <= 14; k++)
		ASSERT(swiss_store(&m, k, k));
	uint32_t old = m.dir[0];
	int n = order(&m, 6, 0, want, 64);
	ASSERT_EQ(n, 14);
	struct sw_op it;
	sw_op_iter_init(&it, 6, 0);
	for (int i = 0; i < 5; i++) {
		ASSERT(iter_next(&m, &it));
		ASSERT_EQ(it.result_key, want[i]);
	}
	struct sw_op op;
	for (int64_t k = 100; k < 120; k++) { /* grows to 32, then 64 */
		sw_op_assign_init(&op, k, k, NULL);
		ASSERT(swiss_run(&m, &op, NULL));
	}
	ASSERT(tab0(&m)->capacity >= 32);
	ASSERT_EQ(swiss_table(&m, old)->index, -1);
	ASSERT_EQ(swiss_table(&m, old)->state, SW_TAB_STALE);
	sw_op_delete_init(&op, want[7], NULL);
	ASSERT(swiss_run(&m, &op, NULL));
	sw_op_delete_init(&op, want[12], NULL);
	ASSERT(swiss_run(&m, &op, NULL));
	sw_op_assign_init(&op, want[9], -9, NULL);
	ASSERT(swiss_run(&m, &op, NULL));
	int g = 0;
	while (iter_next(&m, &it)) {
		got[g] = it.result_key;
		vals[g++] = it.result;
	}
	int w = 0;
	for (int i = 5; i < 14; i++) {
		if (i == 7 || i == 12)
			continue;
		ASSERT(w < g);
		ASSERT_EQ(got[w], want[i]);
		ASSERT_EQ(vals[w], i == 9 ? -9 : want[i]);
		w++;
	}
	ASSERT_EQ(g, w); /* none of the new keys */
	ASSERT_EQ(swiss_table(&m, old)->state, SW_TAB_FREE);
	swiss_done(&m);
}

/* VER.4: a full 1024-slot table, 100 keys read, 300 inserts (split), 50
 * deletes and 50 updates of unread keys: the rest is the old order minus
 * the deleted, with the new values, and none of the 300. */
static void iteration_across_split(void)
{
	static int64_t want[1024], got[1024], vals[1024];
	struct swmap m = new_map(896);
	for (int64_t k = 1; k <= 896; k++)
		ASSERT(swiss_store(&m, k, k));
	ASSERT_EQ(m.dir_len, 1);
	int n = order(&m, 300, 0, want, 1024);
	ASSERT_EQ(n, 896);
	struct sw_op it;
	sw_op_iter_init(&it, 300, 0);
	for (int i = 0; i < 100; i++)
		ASSERT(iter_next(&m, &it));
	for (int64_t k = 5000; k < 5300; k++)
		ASSERT(swiss_store(&m, k, k));
	ASSERT_EQ(m.dir_len, 2);
	for (int i = 100; i < 200; i++) {
		if (i % 2)
			ASSERT(swiss_delete(&m, want[i]));
		else
			ASSERT(swiss_store(&m, want[i], -want[i]));
	}
	int g = 0;
	while (iter_next(&m, &it)) {
		got[g] = it.result_key;
		vals[g++] = it.result;
	}
	int w = 0;
	for (int i = 100; i < 896; i++) {
		if (i < 200 && i % 2)
			continue;
		ASSERT_EQ(got[w], want[i]);
		ASSERT_EQ(vals[w], i < 200 ? -want[i] : want[i]);
		w++;
	}
	ASSERT_EQ(g, w);
	swiss_done(&m);
}

/* SW6.9, SW6.10, VER.13: the directory doubles mid-loop because a table not
 * yet visited splits: no duplicates, every original key once, and the keys
 * added on that side are all returned. */
static void iteration_dir_growth(void)
{
	static bool seen[NPINS];
	memset(seen, 0, sizeof seen);
	struct swmap m = class_map();
	int64_t next = 1;
	fill_classes(&m, &next, 0xf, 2, 100000);
	int64_t first_new = next;
	uint32_t L = m.dir[0];
	struct sw_op it;
	sw_op_iter_init(&it, 11, 0); /* L first, then R */
	int got = 0;
	for (int i = 0; i < 50; i++) {
		ASSERT(iter_next(&m, &it));
		ASSERT_EQ(it.it.tab, (int32_t)L);
		ASSERT(!seen[it.result_key]);
		seen[it.result_key] = true;
		got++;
	}
	int added = fill_classes(&m, &next, 0xc, 4, 100000); /* R splits, gd 2 */
	ASSERT_EQ(m.global_depth, 2);
	ASSERT(iter_next(&m, &it));
	ASSERT_EQ(it.it.global_depth, 2);
	ASSERT_EQ(it.it.dir_idx, 0); /* 0 << 1 */
	do {
		ASSERT(!seen[it.result_key]);
		seen[it.result_key] = true;
		got++;
	} while (iter_next(&m, &it));
	for (int64_t k = 1; k < first_new; k++)
		ASSERT(seen[k]);
	int new_seen = 0;
	for (int64_t k = first_new; k < next; k++)
		new_seen += seen[k];
	ASSERT_EQ(new_seen, added);
	ASSERT_EQ(got, (int)(first_new - 1) + added);
	swiss_done(&m);
}

/* SW6.12, SW6.13: Next's slow path moves the cursor on to the next slot
 * that was full when it returned, so a key written between the two is not
 * returned. */
static void iteration_cursor_preadvance(void)
{
	struct swmap m = new_map(9); /* 16 slots, 2 groups */
	uint64_t h[8];
	for (int i = 0; i < 6; i++) { /* A B C D X G in group 0, slots 0..5 */
		h[i] = HS(0, 0, (uint8_t)(0x10 + i), (uint64_t)(100 + i));
		store_h(&m, 100 + i, i, h[i]);
	}
	ASSERT(delete_h(&m, 101, h[1]));
	ASSERT(delete_h(&m, 102, h[2]));
	ASSERT(delete_h(&m, 104, h[4]));
	struct sw_op it;
	sw_op_iter_init(&it, 0, 0);
	ASSERT(iter_next(&m, &it));
	ASSERT_EQ(it.result_key, 100); /* the fast path, slot 0 */
	ASSERT(iter_next(&m, &it));
	ASSERT_EQ(it.result_key, 103); /* the slow path, slot 3 */
	ASSERT_EQ(it.it.entry_idx, 5); /* already at G, the next full slot */
	for (int i = 0; i < 3; i++) /* into slots 1, 2 and 4 */
		store_h(&m, 200 + i, 0, HS(0, 0, (uint8_t)(0x30 + i), (uint64_t)(200 + i)));
	ASSERT_EQ(grp(&m, m.dir[0], 0)->slots[4].key, 202);
	int n = 0;
	while (iter_next(&m, &it)) {
		ASSERT(it.result_key != 202);
		if (n++ == 0)
			ASSERT_EQ(it.result_key, 105);
	}
	ASSERT_EQ(n, 1);
	swiss_done(&m);
}

/* SW6.12, VER.13: a table map is cleared in place mid-loop: none of the old
 * entries comes back, and only new keys in slots not yet visited do. */
static void iteration_across_clear(void)
{
	static bool seen[3000];
	memset(seen, 0, sizeof seen);
	struct swmap m = new_map(0);
	for (int64_t k = 1; k <= 300; k++)
		ASSERT(swiss_store(&m, k, k));
	struct sw_op it, op;
	sw_op_iter_init(&it, 40, 0);
	for (int i = 0; i < 100; i++) {
		ASSERT(iter_next(&m, &it));
		seen[it.result_key] = true;
	}
	uint64_t seq = m.clear_seq;
	sw_op_clear_init(&op);
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT_EQ(m.clear_seq, seq + 1);
	for (int64_t k = 1000; k < 1040; k++)
		ASSERT(swiss_store(&m, k, k));
	int fresh = 0;
	while (iter_next(&m, &it)) {
		ASSERT(it.result_key >= 1000); /* nothing from before the clear */
		ASSERT(!seen[it.result_key]);
		seen[it.result_key] = true;
		fresh++;
	}
	ASSERT(fresh < 40);
	swiss_done(&m);
}

/* ---- SW8: clear and reseeding ---- */

/* SW8.1-SW8.5, VER.10. */
static void clear_rules(void)
{
	/* empty, no tombstones: nothing at all */
	struct swmap m = new_map(100);
	uint64_t seed = m.seed;
	struct sw_op op;
	sw_op_clear_init(&op);
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT_EQ(op.steps, 1);
	ASSERT_EQ_U64(m.seed, seed);
	ASSERT_EQ(m.clear_seq, 0);
	/* a table map: capacity kept, counters reset, clearSeq++, new seed */
	for (int64_t k = 1; k <= 100; k++)
		ASSERT(swiss_store(&m, k, k));
	struct rec *r = calloc(1, sizeof *r);
	struct mv_sink sink = {rec_fn, r};
	uint32_t t = m.dir[0];
	sw_op_clear_init(&op);
	ASSERT(swiss_run(&m, &op, &sink));
	ASSERT_EQ(m.dir[0], t);
	ASSERT_EQ(tab0(&m)->capacity, 128);
	ASSERT_EQ(tab0(&m)->used, 0);
	ASSERT_EQ(tab0(&m)->growth_left, 112);
	ASSERT_EQ(m.used, 0);
	ASSERT_EQ(m.clear_seq, 1);
	ASSERT(m.seed != seed);
	ASSERT_EQ(rec_count(r, MV_EV_CLEAR), 1);
	ASSERT_EQ(rec_find(r, MV_EV_CLEAR)->hash0, (uint32_t)m.seed);
	for (uint32_t g = 0; g < 16; g++) {
		ASSERT_EQ_U64(grp(&m, t, g)->ctrl, SW_CTRL_ALL_EMPTY);
		for (int s = 0; s < 8; s++)
			ASSERT_EQ(grp(&m, t, g)->slots[s].key, 0); /* 100*4 > 15: all zeroed */
	}
	swiss_done(&m);

	/* VER.10: used == 0 with tombstones: 1.25+ clears them */
	m = new_map(200); /* 256 slots */
	ASSERT_EQ(tab0(&m)->capacity, 256);
	for (int64_t k = 1; k <= 224; k++)
		ASSERT(swiss_store(&m, k, k));
	seed = m.seed;
	for (int64_t k = 1; k <= 224; k++)
		ASSERT(swiss_delete(&m, k));
	ASSERT(m.seed != seed); /* the last delete reseeded */
	ASSERT(m.tombstone_possible);
	ASSERT(tab0(&m)->growth_left < 224);
	seed = m.seed;
	sw_op_clear_init(&op);
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT_EQ(tab0(&m)->growth_left, 224);
	ASSERT_EQ(m.clear_seq, 1);
	ASSERT(!m.tombstone_possible);
	ASSERT(m.seed != seed);
	check_invariants(&m);
	swiss_done(&m);

	/* SW8.2 (1.26): with few entries only groups with a full slot are
	 * zeroed; a tombstone-only group keeps its stale int key */
	m = new_map(100); /* 16 groups: lengthMask 15 */
	for (int i = 0; i < 8; i++)
		store_h(&m, 10 + i, i, HS(0, 3, (uint8_t)(0x10 + i), (uint64_t)(10 + i)));
	store_h(&m, 30, 3, HS(0, 3, 0x30, 30)); /* probes on to group 4 */
	ASSERT(delete_h(&m, 12, HS(0, 3, 0x12, 12))); /* tombstone in group 3 */
	for (int i = 0; i < 8; i++)
		if (i != 2)
			ASSERT(delete_h(&m, 10 + i, HS(0, 3, (uint8_t)(0x10 + i), (uint64_t)(10 + i))));
	ASSERT_EQ(m.used, 1); /* 30 in group 4; group 3 all tombstones */
	t = m.dir[0];
	ASSERT_EQ(sw_ctrl(grp(&m, t, 3), 0), SW_CTRL_DELETED);
	sw_op_clear_init(&op);
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT_EQ_U64(grp(&m, t, 3)->ctrl, SW_CTRL_ALL_EMPTY);
	ASSERT_EQ(grp(&m, t, 3)->slots[0].key, 10); /* stale bytes stay (1*4 <= 15) */
	ASSERT_EQ(grp(&m, t, 4)->slots[0].key, 0);  /* the group with 30 was zeroed */
	swiss_done(&m);

	/* a small map: the group is zeroed in place and kept (SW8.4) */
	m = new_map(0);
	ASSERT(swiss_store(&m, 1, 1));
	uint32_t small = m.small;
	sw_op_clear_init(&op);
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT_EQ(m.small, small);
	ASSERT_EQ(m.used, 0);
	ASSERT_EQ(m.clear_seq, 1);
	ASSERT_EQ(swiss_small_group(&m)->slots[0].key, 0);
	ASSERT_EQ_U64(swiss_small_group(&m)->ctrl, SW_CTRL_ALL_EMPTY);
	free(r);
	swiss_done(&m);
}

/* SW4.10.4, SW8.3: deleting the last entry reseeds; a miss never does. */
static void delete_to_empty_reseeds(void)
{
	struct swmap m = new_map(0);
	ASSERT(swiss_store(&m, 1, 1));
	ASSERT(swiss_store(&m, 2, 2));
	uint64_t seed = m.seed;
	ASSERT(!swiss_delete(&m, 3));
	ASSERT_EQ_U64(m.seed, seed);
	ASSERT(swiss_delete(&m, 1));
	ASSERT_EQ_U64(m.seed, seed);
	struct rec *r = calloc(1, sizeof *r);
	struct mv_sink sink = {rec_fn, r};
	struct sw_op op;
	sw_op_delete_init(&op, 2, NULL);
	ASSERT(swiss_run(&m, &op, &sink));
	ASSERT(m.seed != seed);
	ASSERT_EQ(rec_find(r, MV_EV_RESEED)->hash0, (uint32_t)m.seed);
	ASSERT_EQ(op.last, SW_PH_CHECK_AND_CLEAR);
	seed = m.seed;
	ASSERT(!swiss_delete(&m, 2)); /* used == 0: returns before anything */
	ASSERT_EQ_U64(m.seed, seed);
	/* a table map too; its tombstones stay (SW8.4) */
	for (int64_t k = 1; k <= 20; k++)
		ASSERT(swiss_store(&m, k, k));
	seed = m.seed;
	for (int64_t k = 1; k <= 20; k++)
		ASSERT(swiss_delete(&m, k));
	ASSERT(m.seed != seed);
	ASSERT_EQ(m.dir_len, 1); /* never small again (SW2.7) */
	free(r);
	swiss_done(&m);
}

/* SW1.2: a nil map reads as empty, delete/clear/len/range are no-ops, an
 * assignment panics. */
static void nil_map(void)
{
	struct swmap m;
	ASSERT(swiss_init(&m, MV_KEY_INT, 0, 1, true, NULL, 0, NULL) == MV_OK);
	struct mv_rng before = m.rng;
	ASSERT(!swiss_load(&m, 1, NULL));
	ASSERT(!swiss_delete(&m, 1));
	ASSERT(!swiss_store(&m, 1, 1));
	struct sw_op op;
	sw_op_lookup_init(&op, 1, NULL);
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT(!op.found);
	sw_op_clear_init(&op);
	ASSERT(swiss_run(&m, &op, NULL));
	sw_op_len_init(&op);
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT_EQ(op.result, 0);
	sw_op_iter_init(&op, -1, -1);
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT(!op.found);
	ASSERT_EQ_U64(m.rng.state, before.state); /* SW6.3: no draw */
	struct rec *r = calloc(1, sizeof *r);
	struct mv_sink sink = {rec_fn, r};
	sw_op_assign_init(&op, 1, 1, NULL);
	ASSERT(!swiss_run(&m, &op, &sink));
	ASSERT_EQ(op.outcome, SW_OUT_PANIC_NIL);
	ASSERT_EQ(op.last, SW_PH_CHECK_WRITING);
	ASSERT_EQ(r->ev[0].kind, MV_EV_PANIC);
	ASSERT_STR(r->ev[0].msg, "assignment to entry in nil map");
	ASSERT_EQ(m.active, 0);
	free(r);
	swiss_done(&m);
}

/* ---- SW7: concurrent misuse ---- */

/* SW7.1, SW7.2: two writers pass the entry check, the second toggle clears
 * the flag, the first writer's exit check fires. */
static void fatal_writes_toggle(void)
{
	struct swmap m = new_map(0);
	ASSERT(swiss_store(&m, 1, 1));
	struct rec *r = calloc(1, sizeof *r);
	struct mv_sink sink = {rec_fn, r};
	struct sw_op a, b;
	sw_op_assign_init(&a, 2, 2, NULL);
	sw_op_assign_init(&b, 3, 3, NULL);
	ASSERT_EQ(swiss_step(&m, &a, &sink), SW_MORE); /* check_writing */
	ASSERT_EQ(swiss_step(&m, &b, &sink), SW_MORE);
	ASSERT_EQ(swiss_step(&m, &a, &sink), SW_MORE); /* hash */
	ASSERT_EQ(swiss_step(&m, &b, &sink), SW_MORE);
	ASSERT_EQ(swiss_step(&m, &a, &sink), SW_MORE); /* set_writing */
	ASSERT_EQ(m.writing, 1);
	ASSERT_EQ(swiss_step(&m, &b, &sink), SW_MORE);
	ASSERT_EQ(m.writing, 0); /* XOR: toggled back */
	while (swiss_step(&m, &a, &sink) == SW_MORE)
		;
	ASSERT_EQ(a.outcome, SW_OUT_FATAL_WRITES);
	ASSERT_EQ(a.last, SW_PH_CHECK_AND_CLEAR);
	ASSERT_STR(sw_outcome_message(a.outcome), "concurrent map writes");
	ASSERT_EQ(rec_find(r, MV_EV_FATAL) != NULL, 1);
	ASSERT_STR(rec_find(r, MV_EV_FATAL)->msg, "concurrent map writes");
	/* b inserted too: both keys are in the group */
	while (swiss_step(&m, &b, &sink) == SW_MORE)
		;
	ASSERT_EQ(b.outcome, SW_OUT_FATAL_WRITES);
	free(r);
	swiss_done(&m);
}

/* SW4.4, SW7.2, SW7.3: a reader entering while a writer is inside; a
 * reader of an empty map is never caught. */
static void fatal_read_write(void)
{
	struct swmap m = new_map(0);
	ASSERT(swiss_store(&m, 1, 1));
	struct sw_op w, rd;
	sw_op_assign_init(&w, 2, 2, NULL);
	sw_op_lookup_init(&rd, 1, NULL);
	for (int i = 0; i < 3; i++) /* check_writing, hash, set_writing */
		ASSERT_EQ(swiss_step(&m, &w, NULL), SW_MORE);
	ASSERT_EQ(swiss_step(&m, &rd, NULL), SW_DONE);
	ASSERT_EQ(rd.outcome, SW_OUT_FATAL_READ_WRITE);
	ASSERT_STR(sw_outcome_message(rd.outcome), "concurrent map read and map write");
	swiss_done(&m);

	m = new_map(0);
	ASSERT(swiss_store(&m, 1, 1));
	ASSERT(swiss_delete(&m, 1)); /* used == 0 */
	sw_op_assign_init(&w, 2, 2, NULL);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(swiss_step(&m, &w, NULL), SW_MORE);
	sw_op_lookup_init(&rd, 1, NULL);
	ASSERT(swiss_run(&m, &rd, NULL));
	sw_op_delete_init(&rd, 1, NULL);
	ASSERT(swiss_run(&m, &rd, NULL));
	swiss_done(&m);
}

/* SW6.4: Next checks writing; SW6.8's re-lookup checks it again. */
static void fatal_iter_write(void)
{
	struct swmap m = new_map(0);
	for (int64_t k = 1; k <= 5; k++)
		ASSERT(swiss_store(&m, k, k));
	struct sw_op it, w;
	sw_op_iter_init(&it, 0, 0);
	ASSERT(iter_next(&m, &it));
	sw_op_assign_init(&w, 9, 9, NULL);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(swiss_step(&m, &w, NULL), SW_MORE);
	ASSERT_EQ(swiss_step(&m, &it, NULL), SW_DONE);
	ASSERT_EQ(it.outcome, SW_OUT_FATAL_ITER_WRITE);
	ASSERT_EQ(it.last, SW_PH_ITER_NEXT);
	ASSERT_STR(sw_outcome_message(it.outcome), "concurrent map iteration and map write");
	swiss_done(&m);

	/* the re-lookup of a converted small map: the writer gets in between
	 * iter_next and iter_relookup */
	m = new_map(0);
	for (int64_t k = 1; k <= 8; k++)
		ASSERT(swiss_store(&m, k, k));
	sw_op_iter_init(&it, 0, 0);
	ASSERT(iter_next(&m, &it));
	sw_op_assign_init(&w, 9, 9, NULL);
	ASSERT(swiss_run(&m, &w, NULL)); /* converts */
	ASSERT_EQ(swiss_step(&m, &it, NULL), SW_MORE);
	ASSERT_EQ(it.phase, SW_PH_ITER_RELOOKUP);
	sw_op_assign_init(&w, 10, 10, NULL);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(swiss_step(&m, &w, NULL), SW_MORE);
	ASSERT_EQ(swiss_step(&m, &it, NULL), SW_DONE);
	ASSERT_EQ(it.outcome, SW_OUT_FATAL_READ_WRITE);
	swiss_done(&m);
}

/* SW7.2: two writers that both saw 7 entries; the second finds no free
 * slot in the small group. */
static void fatal_small_full(void)
{
	struct swmap m = new_map(0);
	for (int64_t k = 1; k <= 7; k++)
		ASSERT(swiss_store(&m, k, k));
	struct sw_op a, b;
	sw_op_assign_init(&a, 20, 20, NULL);
	sw_op_assign_init(&b, 21, 21, NULL);
	for (int i = 0; i < 3; i++) { /* check, hash, set: the toggles cancel */
		ASSERT_EQ(swiss_step(&m, &a, NULL), SW_MORE);
		ASSERT_EQ(swiss_step(&m, &b, NULL), SW_MORE);
	}
	ASSERT_EQ(a.phase, SW_PH_SMALL_PROBE);
	ASSERT_EQ(b.phase, SW_PH_SMALL_PROBE);
	ASSERT_EQ(swiss_step(&m, &a, NULL), SW_MORE); /* slot 7 */
	ASSERT_EQ(swiss_step(&m, &a, NULL), SW_MORE); /* insert */
	ASSERT_EQ(swiss_step(&m, &b, NULL), SW_DONE);
	ASSERT_EQ(b.outcome, SW_OUT_FATAL_SMALL_FULL);
	ASSERT_STR(sw_outcome_message(b.outcome), "small map with no empty slot (concurrent map writes?)");
	swiss_abandon(&m, &a);
	ASSERT_EQ(m.active, 0);
	swiss_done(&m);
}

/* ---- the fast paths, copies, strings, memory ---- */

/* Compare two maps' whole state: header, directory sharing, every table
 * reachable from it and every byte of their groups (stale ones too). */
static void assert_same(const struct swmap *a, const struct swmap *b, long at)
{
	if (a->used != b->used || a->seed != b->seed || a->dir_len != b->dir_len ||
	    a->global_depth != b->global_depth || a->global_shift != b->global_shift || a->writing != b->writing ||
	    a->tombstone_possible != b->tombstone_possible || a->clear_seq != b->clear_seq || !a->small != !b->small)
		unit_fail(__FILE__, __LINE__, "op %ld: headers differ: used %llu/%llu dir %u/%u", at,
			  (unsigned long long)a->used, (unsigned long long)b->used, a->dir_len, b->dir_len);
	if (a->small && memcmp(&a->slab[a->small], &b->slab[b->small], sizeof(struct sw_group)) != 0)
		unit_fail(__FILE__, __LINE__, "op %ld: small groups differ", at);
	for (uint32_t i = 0; i < a->dir_len; i++) {
		if (i && (a->dir[i] == a->dir[i - 1]) != (b->dir[i] == b->dir[i - 1]))
			unit_fail(__FILE__, __LINE__, "op %ld: directory sharing differs at %u", at, i);
		const struct sw_table *p = swiss_table(a, a->dir[i]), *q = swiss_table(b, b->dir[i]);
		if (p->used != q->used || p->capacity != q->capacity || p->growth_left != q->growth_left ||
		    p->local_depth != q->local_depth || p->index != q->index)
			unit_fail(__FILE__, __LINE__, "op %ld: table at %u differs: used %u/%u gl %u/%u", at, i,
				  p->used, q->used, p->growth_left, q->growth_left);
		if (memcmp(&a->slab[p->groups], &b->slab[q->groups], sw_table_ngroups(p) * sizeof(struct sw_group)))
			unit_fail(__FILE__, __LINE__, "op %ld: groups of table at %u differ", at, i);
	}
}

/* The fast paths and the step machine agree on every byte after every
 * batch of operations: the oracle checks the step machine against Go,
 * this ties the fast paths to it.  Phases: fill (splits), churn over few
 * keys (tombstones, pruning), drain (reseeds), small maps; clears and
 * iterations now and then. */
static void fast_equals_stepped(void)
{
	static int64_t ka[8192], kb[8192], va[8192], vb[8192];
	long total = 0;
	for (int kind = 0; kind < 2; kind++) {
		for (int hinted = 0; hinted < 2; hinted++) {
			struct mv_strpool pool;
			ASSERT(mv_strpool_init(&pool) == MV_OK);
			struct swmap a, b;
			enum mv_keykind kk = kind ? MV_KEY_STRING : MV_KEY_INT;
			int64_t hint = hinted ? 3000 : 0;
			ASSERT(swiss_init(&a, kk, hint, 42, false, NULL, 0, &pool) == MV_OK);
			ASSERT(swiss_init(&b, kk, hint, 42, false, NULL, 0, &pool) == MV_OK);
			struct mv_rng r;
			mv_rng_init(&r, 99 + (uint64_t)kind * 2 + (uint64_t)hinted);
			long n = kind ? 16000 : 40000;
			for (long i = 0; i < n; i++, total++) {
				long ph = i * 5 / n; /* 0 fill, 1 churn, 2 drain, 3 tiny, 4 refill */
				uint64_t space = ph == 0 ? 6000 : ph == 1 ? 300 : ph == 2 ? 6000 : ph == 3 ? 12 : 3000;
				int64_t key = (int64_t)(mv_rng_u64(&r) % space);
				if (kind) {
					char buf[96];
					uint32_t id;
					int len = key % 7 == 0 ? snprintf(buf, sizeof buf, "%070lld-long-key", (long long)key)
							       : snprintf(buf, sizeof buf, "k%lld", (long long)key);
					ASSERT(mv_strpool_intern(&pool, buf, (size_t)len, &id) == MV_OK);
					key = id;
				}
				unsigned what = (unsigned)(mv_rng_u64(&r) % 1000);
				if (ph == 0 || ph == 4)
					what = what < 650 ? 0 : what < 900 ? 500 : what;
				else if (ph == 2)
					what = what < 700 ? 900 : what;
				struct sw_op op;
				if (what < 450) {
					ASSERT(swiss_store(&a, key, i));
					sw_op_assign_init(&op, key, i, NULL);
					ASSERT(swiss_run(&b, &op, NULL));
				} else if (what < 800) {
					int64_t v1 = -1;
					bool f1 = swiss_load(&a, key, &v1);
					sw_op_lookup_init(&op, key, NULL);
					ASSERT(swiss_run(&b, &op, NULL));
					ASSERT_EQ(f1, op.found);
					if (f1)
						ASSERT_EQ(v1, op.result);
				} else if (what < 997) {
					bool f1 = swiss_delete(&a, key);
					sw_op_delete_init(&op, key, NULL);
					ASSERT(swiss_run(&b, &op, NULL));
					ASSERT_EQ(f1, op.found);
				} else if (what < 998) {
					sw_op_clear_init(&op);
					ASSERT(swiss_run(&a, &op, NULL));
					sw_op_clear_init(&op);
					ASSERT(swiss_run(&b, &op, NULL));
				} else {
					int64_t eo = (int64_t)(mv_rng_u64(&r) >> 2), dof = (int64_t)(mv_rng_u64(&r) >> 2);
					int na = iterate(&a, eo, dof, ka, va, 8192);
					int nb = iterate(&b, eo, dof, kb, vb, 8192);
					ASSERT_EQ(na, nb);
					ASSERT_EQ(na, a.used);
					for (int j = 0; j < na && j < 8192; j++) {
						ASSERT_EQ(ka[j], kb[j]);
						ASSERT_EQ(va[j], vb[j]);
					}
				}
				if (i % 1000 == 999) {
					assert_same(&a, &b, i);
					check_invariants(&a);
				}
			}
			assert_same(&a, &b, n);
			ASSERT_EQ(b.active, 0);
			ASSERT_EQ(b.npending, 0);
			swiss_done(&a);
			swiss_done(&b);
			mv_strpool_done(&pool);
		}
	}
	ASSERT(total >= 50000);
}

/* swiss_copy mid-operation: the copy and the original, each finishing
 * its own copy of the op, end the same; the same for an iterator. */
static void copy_mid_operation(void)
{
	struct swmap m = new_map(9), c;
	for (int64_t k = 1; k <= 14; k++)
		ASSERT(swiss_store(&m, k, k));
	struct sw_op op, op2;
	sw_op_assign_init(&op, 15, 15, NULL);
	while (!(op.phase == SW_PH_MOVE_GROUP && op.rh.next == 1))
		ASSERT_EQ(swiss_step(&m, &op, NULL), SW_MORE);
	ASSERT(swiss_copy(&c, &m) == MV_OK);
	memcpy(&op2, &op, sizeof op);
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT(swiss_run(&c, &op2, NULL));
	assert_same(&m, &c, 0);
	ASSERT_EQ(m.active, 0);
	ASSERT_EQ(c.active, 0);
	for (int64_t k = 16; k < 400; k++) {
		ASSERT(swiss_store(&m, k, k));
		ASSERT(swiss_store(&c, k, k));
	}
	assert_same(&m, &c, 1);
	/* the copy is independent */
	ASSERT(swiss_delete(&c, 5));
	ASSERT(swiss_load(&m, 5, NULL));
	ASSERT(!swiss_load(&c, 5, NULL));
	ASSERT(swiss_store(&c, 5, 5));
	/* an iterator copied mid-loop */
	static int64_t k1[512], k2[512];
	struct sw_op it, it2;
	sw_op_iter_init(&it, 77, 0);
	for (int i = 0; i < 100; i++)
		ASSERT(iter_next(&m, &it));
	swiss_done(&c);
	ASSERT(swiss_copy(&c, &m) == MV_OK);
	memcpy(&it2, &it, sizeof it);
	int n1 = 0, n2 = 0;
	while (iter_next(&m, &it))
		k1[n1++] = it.result_key;
	while (iter_next(&c, &it2))
		k2[n2++] = it2.result_key;
	ASSERT_EQ(n1, n2);
	ASSERT_EQ(n1, 399 - 100);
	for (int i = 0; i < n1; i++)
		ASSERT_EQ(k1[i], k2[i]);
	swiss_done(&m);
	swiss_done(&c);
}

/* String keys: hashed by bytes, zeroed on delete (SW4.11), the faststr
 * small-map look-up (SW2.5) hashes only when it must. */
static void string_keys(void)
{
	struct mv_strpool pool;
	ASSERT(mv_strpool_init(&pool) == MV_OK);
	struct swmap m;
	ASSERT(swiss_init(&m, MV_KEY_STRING, 0, 7, false, NULL, 0, &pool) == MV_OK);
	ASSERT_EQ(m.group_size, 200);
	char longk[80];
	memset(longk, 'x', 70);
	uint32_t ids[4];
	ASSERT(mv_strpool_intern(&pool, "short", 5, &ids[0]) == MV_OK);
	ASSERT(mv_strpool_intern(&pool, longk, 70, &ids[1]) == MV_OK);
	longk[69] = 'y';
	ASSERT(mv_strpool_intern(&pool, longk, 70, &ids[2]) == MV_OK); /* fails the quick test: last 8 differ */
	longk[69] = 'x';
	longk[30] = 'z';
	ASSERT(mv_strpool_intern(&pool, longk, 70, &ids[3]) == MV_OK); /* passes the quick test vs ids[1] */
	ASSERT(swiss_store(&m, ids[0], 1));
	ASSERT(swiss_store(&m, ids[1], 2));
	struct sw_op op;
	sw_op_lookup_init(&op, ids[2], NULL); /* long, no candidate: no hash */
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT(!op.found);
	ASSERT(!op.hashed);
	sw_op_lookup_init(&op, ids[1], NULL); /* long, one candidate: no hash */
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT(op.found);
	ASSERT_EQ(op.result, 2);
	ASSERT(!op.hashed);
	ASSERT(swiss_store(&m, ids[3], 3));
	sw_op_lookup_init(&op, ids[3], NULL); /* two candidates: hashed */
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT(op.found);
	ASSERT(op.hashed);
	sw_op_lookup_init(&op, ids[0], NULL); /* short: hashed */
	ASSERT(swiss_run(&m, &op, NULL));
	ASSERT(op.hashed);
	ASSERT(swiss_delete(&m, ids[1]));
	ASSERT_EQ(swiss_small_group(&m)->slots[1].key, 0); /* pointerful key cleared */
	char buf[32];
	for (int i = 0; i < 3000; i++) {
		uint32_t id;
		int n = snprintf(buf, sizeof buf, "key-%d", i);
		ASSERT(mv_strpool_intern(&pool, buf, (size_t)n, &id) == MV_OK);
		ASSERT(swiss_store(&m, id, i));
	}
	ASSERT(m.dir_len >= 2);
	uint32_t id;
	ASSERT(mv_strpool_intern(&pool, "key-42", 6, &id) == MV_OK);
	int64_t v;
	ASSERT(swiss_load(&m, id, &v));
	ASSERT_EQ(v, 42);
	ASSERT_EQ_U64(swiss_hash(&m, id), mv_hash_str("key-42", 6, (uint32_t)m.seed));
	check_invariants(&m);
	swiss_done(&m);
	mv_strpool_done(&pool);
}

/* Pins: a key hashes to its pin under any seed, also when the runtime
 * rehashes it; an op's pin replaces the stored one from its first step. */
static void pins_rule(void)
{
	struct mv_pin pin = {5, HS(0, 1, 0x55, 5)};
	struct swmap m;
	ASSERT(swiss_init(&m, MV_KEY_INT, 0, 3, false, &pin, 1, NULL) == MV_OK);
	ASSERT_EQ_U64(swiss_hash(&m, 5), pin.hash);
	ASSERT_EQ_U64(swiss_hash(&m, 6), mv_hash_int(6, (uint32_t)m.seed));
	for (int64_t k = 1; k <= 9; k++)
		ASSERT(swiss_store(&m, k, k)); /* conversion rehashes 5 to its pin */
	uint32_t t = m.dir[0];
	bool in1 = false;
	for (unsigned s = 0; s < 8; s++)
		in1 |= grp(&m, t, 1)->slots[s].key == 5 && sw_ctrl(grp(&m, t, 1), s) == 0x55;
	ASSERT(in1);
	uint64_t h2 = HS(0, 0, 0x66, 5);
	struct sw_op op;
	sw_op_lookup_init(&op, 5, &h2); /* the oracle re-pins: the new hash wins */
	ASSERT_EQ(swiss_step(&m, &op, NULL), SW_MORE);
	ASSERT_EQ_U64(swiss_hash(&m, 5), h2);
	swiss_abandon(&m, &op);
	swiss_done(&m);
}

/* SW9: bytes a map holds, live and stale. */
static void memory_accounting(void)
{
	struct swmap m = new_map(0);
	struct sw_memory mem;
	swiss_memory(&m, &mem);
	ASSERT_EQ(mem.total, 48); /* the header only (SW2.2) */
	ASSERT(swiss_store(&m, 1, 1));
	swiss_memory(&m, &mem);
	ASSERT_EQ(mem.small, 136);
	ASSERT_EQ(mem.total_class, 48 + 144);
	for (int64_t k = 2; k <= 9; k++)
		ASSERT(swiss_store(&m, k, k));
	swiss_memory(&m, &mem);
	ASSERT_EQ(mem.small, 0);
	ASSERT_EQ(mem.directory, 8);
	ASSERT_EQ(mem.tables, 32);
	ASSERT_EQ(mem.groups, 272);
	ASSERT_EQ(mem.total_class, 48 + 8 + 32 + 288);
	/* a stale table held by an iterator counts until it is released */
	for (int64_t k = 10; k <= 14; k++)
		ASSERT(swiss_store(&m, k, k));
	struct sw_op it;
	sw_op_iter_init(&it, 0, 0);
	ASSERT(iter_next(&m, &it));
	ASSERT(swiss_store(&m, 15, 15)); /* grows to 32 */
	swiss_memory(&m, &mem);
	ASSERT_EQ(mem.groups, 544);
	ASSERT_EQ(mem.stale, 32 + 272);
	swiss_abandon(&m, &it);
	swiss_memory(&m, &mem);
	ASSERT_EQ(mem.stale, 0);
	ASSERT(mem.model > 0);
	swiss_done(&m);
	ASSERT_EQ(sw_roundupsize(3200, true), 3456); /* SW9.2: malloc header */
	ASSERT_EQ(sw_roundupsize(3200, false), 3200);
	ASSERT_EQ(sw_roundupsize(17408, false), 18432);
}

/* The outcome table starts with gomap's, member for member; the phase and
 * event tables are complete. */
static void tables_complete(void)
{
	for (int o = GM_OUT_NONE; o <= GM_OUT_THROW_BAD_STATE; o++)
		ASSERT_STR(sw_outcome_message((enum sw_outcome)o), gm_outcome_message((enum gm_outcome)o));
	ASSERT_EQ(SW_OUT_THROW_BAD_STATE, GM_OUT_THROW_BAD_STATE);
	for (int p = 0; p < SW_PH__COUNT; p++)
		ASSERT(strcmp(sw_phase_name((enum sw_phase)p), "?") != 0);
	ASSERT_STR(sw_phase_name(SW_PH_DONE), "done");
	ASSERT_STR(sw_phase_name(SW_PH_MOVE_GROUP), "move_group");
	ASSERT_STR(mv_event_name(MV_EV_TABLE_SPLIT), "table_split");
	ASSERT_STR(mv_event_fields(MV_EV_TABLE_SPLIT), "TLRDn");
	ASSERT_EQ(mv_event_lookup("tombstone"), MV_EV_TOMBSTONE);
}

/* The events of a conversion, in order. */
static void conversion_events(void)
{
	struct swmap m = new_map(0);
	struct rec *r = calloc(1, sizeof *r);
	struct mv_sink sink = {rec_fn, r};
	struct sw_op op;
	sw_op_assign_init(&op, 1, 1, NULL);
	ASSERT(swiss_run(&m, &op, &sink));
	ASSERT_EQ(r->ev[0].kind, MV_EV_SMALL_ALLOC);
	ASSERT_EQ(r->ev[1].kind, MV_EV_INSERT);
	ASSERT_EQ(r->ev[1].table, -1);
	for (int64_t k = 2; k <= 8; k++)
		ASSERT(swiss_store(&m, k, k));
	r->n = 0;
	sw_op_assign_init(&op, 9, 9, NULL);
	ASSERT(swiss_run(&m, &op, &sink));
	ASSERT_EQ(r->n, 4);
	ASSERT_EQ(r->ev[0].kind, MV_EV_TO_TABLE);
	ASSERT_EQ(r->ev[0].capacity, 16);
	ASSERT_EQ(r->ev[0].n, 8);
	ASSERT_EQ(r->ev[1].kind, MV_EV_MOVE_GROUP);
	ASSERT_EQ(r->ev[1].x, 8);
	ASSERT_EQ(r->ev[1].table, -1);
	ASSERT_EQ(r->ev[2].kind, MV_EV_TABLE_INSTALL);
	ASSERT_EQ(r->ev[2].table2, m.dir[0]);
	ASSERT_EQ(r->ev[3].kind, MV_EV_INSERT);
	ASSERT_EQ(r->ev[3].table, m.dir[0]);
	free(r);
	swiss_done(&m);
}

const struct unit_test swiss_tests[] = {
	UNIT(tables_complete),
	UNIT(small_fill_and_ninth),
	UNIT(small_delete_first_free),
	UNIT(update_of_8_converts),
	UNIT(hint_table),
	UNIT(probe_sequence),
	UNIT(tombstone_vs_empty),
	UNIT(tombstone_reuse),
	UNIT(prune_before_growth),
	UNIT(doubling_ladder),
	UNIT(grow_step_by_step),
	UNIT(split_directory),
	UNIT(iteration_order),
	UNIT(iteration_across_conversion),
	UNIT(iteration_across_grow),
	UNIT(iteration_across_split),
	UNIT(iteration_dir_growth),
	UNIT(iteration_cursor_preadvance),
	UNIT(iteration_across_clear),
	UNIT(clear_rules),
	UNIT(delete_to_empty_reseeds),
	UNIT(nil_map),
	UNIT(fatal_writes_toggle),
	UNIT(fatal_read_write),
	UNIT(fatal_iter_write),
	UNIT(fatal_small_full),
	UNIT(fast_equals_stepped),
	UNIT(copy_mid_operation),
	UNIT(string_keys),
	UNIT(pins_rule),
	UNIT(memory_accounting),
	UNIT(conversion_events),
	{0},
};
