/*
 * swiss_step: Go 1.26's map operations (runtime_fast64.go, runtime_faststr.go,
 * map.go, table.go) as resumable step machines: lookup, assign, delete,
 * clear and len.  Iteration is in swiss_iter.c.  See swiss.h for the
 * contract; rule numbers refer to go-swiss-semantics.md.
 *
 * Each phase is one small function that does what the runtime does between
 * two points where another goroutine could observe the map, then names the
 * next phase; a table indexed by phase dispatches them.  Nothing is kept on
 * the C stack across steps: an op's whole state is in struct sw_op, and it
 * names tables and groups by index, never by pointer.
 */
#include "engine/swiss/swiss_int.h"

#include <string.h>

static const char *const phase_names[] = {
#define SW_PHASE_NAME(name, str) str,
	SW_PHASE_MAP(SW_PHASE_NAME)
#undef SW_PHASE_NAME
};

static const char *const outcome_msgs[] = {
#define SW_OUTCOME_MSG(name, str) str,
	SW_OUTCOME_MAP(SW_OUTCOME_MSG)
#undef SW_OUTCOME_MSG
};

const char *sw_phase_name(enum sw_phase p)
{
	return (unsigned)p < SW_PH__COUNT ? phase_names[p] : "?";
}

const char *sw_outcome_message(enum sw_outcome o)
{
	return (unsigned)o < SW_OUT__COUNT ? outcome_msgs[o] : "";
}

/* ---- setting up ---- */

static void op_init(struct sw_op *op, enum sw_opkind kind, enum sw_phase first, int64_t key,
		    const uint64_t *hash_pin)
{
	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->phase = first;
	op->last = first;
	op->key = key;
	op->tab = -1;
	op->grp = op->slot = -1;
	op->tomb_grp = op->tomb_slot = -1;
	op->clear_last = -1;
	op->rh.old = op->rh.left = op->rh.right = -1;
	op->touch_table = op->touch_group = op->touch_slot = -1;
	op->it.tab = op->it.group = -1;
	if (hash_pin) {
		op->pinned = true;
		op->hash = *hash_pin;
	}
}

void sw_op_lookup_init(struct sw_op *op, int64_t key, const uint64_t *hash_pin)
{
	op_init(op, SW_OP_LOOKUP, SW_PH_CHECK_WRITING, key, hash_pin);
}

void sw_op_assign_init(struct sw_op *op, int64_t key, int64_t value, const uint64_t *hash_pin)
{
	op_init(op, SW_OP_ASSIGN, SW_PH_CHECK_WRITING, key, hash_pin);
	op->value = value;
}

void sw_op_delete_init(struct sw_op *op, int64_t key, const uint64_t *hash_pin)
{
	op_init(op, SW_OP_DELETE, SW_PH_CHECK_WRITING, key, hash_pin);
}

void sw_op_iter_init(struct sw_op *op, int64_t entry_offset, int64_t dir_offset)
{
	op_init(op, SW_OP_ITER, SW_PH_ITER_INIT, 0, NULL);
	op->it.pin_entry = entry_offset;
	op->it.pin_dir = dir_offset;
}

void sw_op_clear_init(struct sw_op *op)
{
	op_init(op, SW_OP_CLEAR, SW_PH_CHECK_WRITING, 0, NULL);
}

void sw_op_len_init(struct sw_op *op)
{
	op_init(op, SW_OP_LEN, SW_PH_READ_LEN, 0, NULL);
}

/* ---- ending ---- */

enum sw_stepres sw_finish(const struct swctx *c, enum sw_outcome outcome)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	if (op->rh.kind != SW_RH_NONE) {
		/* a rehash cut short: its new tables are garbage */
		if (op->rh.left >= 0)
			sw_drop_table(m, op->rh.left);
		if (op->rh.right >= 0)
			sw_drop_table(m, op->rh.right);
		op->rh.kind = SW_RH_NONE;
	}
	op->phase = SW_PH_DONE;
	op->outcome = outcome;
	if (m->active && --m->active == 0)
		sw_collect(m);
	return SW_DONE;
}

enum sw_stepres sw_fail(const struct swctx *c, enum sw_outcome outcome)
{
	bool panic = outcome == SW_OUT_PANIC_NIL || outcome == SW_OUT_PANIC_GROWTH_LEFT;
	SW_EMIT(c, .kind = panic ? MV_EV_PANIC : MV_EV_FATAL, .msg = sw_outcome_message(outcome));
	return sw_finish(c, outcome);
}

static enum sw_stepres go(const struct swctx *c, enum sw_phase next)
{
	c->op->phase = next;
	return SW_MORE;
}

/* ---- where an op goes next ---- */

/* mapassign after the toggle (and after growToSmall): the small map, its
 * conversion, or the table loop (SW2.3, SW2.6, SW4.6). */
static enum sw_stepres assign_route(const struct swctx *c)
{
	struct swmap *m = c->m;
	if (m->dir_len == 0) {
		if (m->used < SW_SMALL_MAX) {
			c->op->sgrp = m->small;
			return go(c, SW_PH_SMALL_PROBE);
		}
		return go(c, SW_PH_TO_TABLE); /* SW2.6: any write at 8 entries */
	}
	return go(c, SW_PH_SELECT_TABLE);
}

/* Map.Delete after the removal (or a miss): SW4.10.4. */
static enum sw_stepres delete_after(const struct swctx *c)
{
	return go(c, c->m->used == 0 ? SW_PH_RESEED : SW_PH_CHECK_AND_CLEAR);
}

/* SW4.6.8, SW5.3: rehash the op's table. */
static enum sw_stepres rehash_route(const struct swctx *c)
{
	const struct sw_table *t = &c->m->tables[c->op->tab];
	return go(c, 2 * (uint32_t)t->capacity <= SW_MAX_TABLE_CAP ? SW_PH_GROW : SW_PH_SPLIT);
}

/* ---- phases ---- */

/* SW4.4, SW4.6, SW4.10.1-2, SW8.1, SW7.3: the early exits and the entry
 * check, in each operation's order. */
static enum sw_stepres ph_check_writing(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	switch (op->kind) {
	case SW_OP_ASSIGN:
		if (m->is_nil) /* SW1.2 */
			return sw_fail(c, SW_OUT_PANIC_NIL);
		if (m->writing)
			return sw_fail(c, SW_OUT_FATAL_WRITES);
		return go(c, SW_PH_HASH);
	case SW_OP_LOOKUP:
		if (m->is_nil || m->used == 0)
			return sw_finish(c, SW_OUT_NONE);
		if (m->writing)
			return sw_fail(c, SW_OUT_FATAL_READ_WRITE);
		if (m->dir_len == 0) { /* SW2.5: dirPtr is the group */
			op->sgrp = m->small;
			return go(c, SW_PH_SMALL_PROBE);
		}
		return go(c, SW_PH_HASH);
	case SW_OP_DELETE:
		if (m->is_nil || m->used == 0)
			return sw_finish(c, SW_OUT_NONE);
		if (m->writing)
			return sw_fail(c, SW_OUT_FATAL_WRITES);
		return go(c, SW_PH_HASH);
	case SW_OP_CLEAR:
		if (m->is_nil || (m->used == 0 && !m->tombstone_possible)) /* SW8.1 */
			return sw_finish(c, SW_OUT_NONE);
		if (m->writing)
			return sw_fail(c, SW_OUT_FATAL_WRITES);
		return go(c, SW_PH_SET_WRITING);
	default:
		return sw_fail(c, SW_OUT_THROW_BAD_STATE);
	}
}

/* SW1.14: typ.Hasher(key, m.seed), or the pin. */
static enum sw_stepres ph_hash(const struct swctx *c)
{
	struct sw_op *op = c->op;
	op->hash = sw_hash_of(c->m, op->key);
	op->hashed = true;
	return go(c, op->kind == SW_OP_LOOKUP ? SW_PH_SELECT_TABLE : SW_PH_SET_WRITING);
}

/* SW7.1: writing ^= 1 after hashing. */
static enum sw_stepres ph_set_writing(const struct swctx *c)
{
	struct swmap *m = c->m;
	m->writing ^= 1;
	switch (c->op->kind) {
	case SW_OP_CLEAR:
		return go(c, SW_PH_CLEAR_TABLE);
	case SW_OP_ASSIGN:
		if (!m->small && !m->dir_len)
			return go(c, SW_PH_ALLOC_SMALL);
		return assign_route(c);
	default: /* delete */
		if (m->dir_len == 0) {
			c->op->sgrp = m->small;
			return go(c, SW_PH_SMALL_PROBE);
		}
		return go(c, SW_PH_SELECT_TABLE);
	}
}

/* SW2.2 growToSmall: the one group, all slots empty. */
static enum sw_stepres ph_alloc_small(const struct swctx *c)
{
	struct swmap *m = c->m;
	if (m->small)
		sw_drop_small(m, m->small); /* a racing writer allocated one too */
	m->small = sw_groups_alloc(m, 1);
	sw_touch(c->op, -1, 0, -1);
	SW_EMIT(c, .kind = MV_EV_SMALL_ALLOC);
	return assign_route(c);
}

/* SW2.3-SW2.5: the small map's one group, no probing. */
static enum sw_stepres ph_small_probe(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	if (!op->sgrp)
		return sw_fail(c, SW_OUT_THROW_BAD_STATE); /* nil dirPtr: a race */
	struct sw_group *g = &m->slab[op->sgrp];
	op->tab = -1;
	op->grp = 0;
	sw_touch(op, -1, 0, -1);
	int s;
	switch (op->kind) {
	case SW_OP_LOOKUP:
		if (m->keykind == MV_KEY_INT) {
			s = sw_small_find_int(g, op->key); /* no hash (SW2.5) */
		} else {
			bool hashed;
			uint64_t h;
			s = sw_small_find_str(m, g, op->key, &hashed, &h);
			if (hashed) {
				op->hashed = true;
				op->hash = h;
			}
		}
		if (s >= 0) {
			op->found = true;
			op->slot = s;
			op->result = g->slots[s].val;
			sw_touch(op, -1, 0, s);
		}
		return sw_finish(c, SW_OUT_NONE);
	case SW_OP_ASSIGN:
		s = sw_small_find_h2(g, sw_h2(op->hash), op->key);
		if (s >= 0) {
			op->slot = s;
			return go(c, SW_PH_UPDATE);
		}
		uint64_t b = sw_match_empty_or_deleted(g->ctrl);
		if (!b)
			return sw_fail(c, SW_OUT_FATAL_SMALL_FULL); /* SW7.2 */
		op->slot = (int32_t)sw_first(b);
		return go(c, SW_PH_INSERT);
	default: /* delete */
		s = sw_small_find_h2(g, sw_h2(op->hash), op->key);
		if (s >= 0) {
			op->slot = s;
			return go(c, SW_PH_REMOVE);
		}
		return delete_after(c);
	}
}

/* SW2.6.1 growToTable: a 16-slot table, index 0, localDepth 0. */
static enum sw_stepres ph_to_table(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	sw_rehash_start(m, &op->rh, SW_RH_CONVERT, -1);
	sw_touch(op, op->rh.left, -1, -1);
	SW_EMIT(c, .kind = MV_EV_TO_TABLE, .table2 = op->rh.left, .capacity = m->tables[op->rh.left].capacity,
		.n = (int64_t)m->used);
	return go(c, SW_PH_MOVE_GROUP);
}

/* SW5.4.1: a table of twice the capacity. */
static enum sw_stepres ph_grow(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	sw_rehash_start(m, &op->rh, SW_RH_GROW, op->tab);
	sw_touch(op, op->tab, -1, -1);
	SW_EMIT(c, .kind = MV_EV_TABLE_GROW, .table = op->tab, .table2 = op->rh.left,
		.capacity = m->tables[op->rh.left].capacity, .n = m->tables[op->tab].used);
	return go(c, SW_PH_MOVE_GROUP);
}

/* SW5.6.1-2: two 1024-slot halves one level deeper. */
static enum sw_stepres ph_split(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	sw_rehash_start(m, &op->rh, SW_RH_SPLIT, op->tab);
	sw_touch(op, op->tab, -1, -1);
	SW_EMIT(c, .kind = MV_EV_TABLE_SPLIT, .table = op->tab, .table2 = op->rh.left, .table3 = op->rh.right,
		.depth = m->tables[op->rh.left].local_depth, .n = m->tables[op->tab].used);
	return go(c, SW_PH_MOVE_GROUP);
}

/* SW2.6.2, SW5.4.2, SW5.6.3: one old group re-inserted. */
static enum sw_stepres ph_move_group(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	uint32_t g = op->rh.next;
	int64_t nx, ny;
	sw_touch(op, op->rh.old, (int32_t)g, -1);
	bool ok = sw_rehash_move(m, &op->rh, &nx, &ny);
	SW_EMIT(c, .kind = MV_EV_MOVE_GROUP, .table = op->rh.old, .bucket = g, .x = nx, .y = ny);
	if (!ok)
		return sw_fail(c, SW_OUT_PANIC_GROWTH_LEFT);
	return go(c, op->rh.next < op->rh.ngroups ? SW_PH_MOVE_GROUP : SW_PH_INSTALL);
}

/* SW2.6.3, SW5.4.3-4, SW5.7: the directory names the new table(s); the
 * write starts over with the directory read again (SW4.6.8, SW2.6.4). */
static enum sw_stepres ph_install(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	struct sw_rehash rh = op->rh;
	bool grew;
	if (!sw_rehash_install(m, &op->rh, &grew))
		return sw_fail(c, SW_OUT_THROW_BAD_STATE);
	if (grew)
		SW_EMIT(c, .kind = MV_EV_DIR_GROW, .depth = m->global_depth, .n = m->dir_len);
	sw_touch(op, rh.left, -1, -1);
	SW_EMIT(c, .kind = MV_EV_TABLE_INSTALL, .table = rh.old, .table2 = rh.left, .table3 = rh.right,
		.depth = m->global_depth);
	return go(c, SW_PH_SELECT_TABLE);
}

/* SW1.12: t = dir[directoryIndex(hash)]; the probe starts at H1 & mask. */
static enum sw_stepres ph_select_table(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	if (m->dir_len == 0)
		return sw_fail(c, SW_OUT_THROW_BAD_STATE);
	op->tab = (int32_t)m->dir[sw_dir_index(m, op->hash)];
	const struct sw_table *t = &m->tables[op->tab];
	sw_probe_init(&op->probe_offset, &op->probe_index, op->hash, sw_table_ngroups(t) - 1);
	op->tomb_grp = op->tomb_slot = -1;
	op->grp = op->slot = -1;
	sw_touch(op, op->tab, -1, -1);
	return go(c, SW_PH_PROBE);
}

/* SW4.1-SW4.6, SW4.10.3: one group of the probe sequence. */
static enum sw_stepres ph_probe(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	const struct sw_table *t = &m->tables[op->tab];
	uint64_t mask = sw_table_ngroups(t) - 1, off = op->probe_offset;
	const struct sw_group *g = sw_grp(m, t, off);
	sw_touch(op, op->tab, (int32_t)off, -1);
	for (uint64_t b = sw_match_h2(g->ctrl, sw_h2(op->hash)); b; b = sw_remove_first(b)) {
		unsigned i = sw_first(b);
		if (g->slots[i].key != op->key)
			continue;
		op->grp = (int32_t)off;
		op->slot = (int32_t)i;
		sw_touch(op, op->tab, (int32_t)off, (int32_t)i);
		switch (op->kind) {
		case SW_OP_LOOKUP:
			op->found = true;
			op->result = g->slots[i].val;
			return sw_finish(c, SW_OUT_NONE);
		case SW_OP_ASSIGN:
			return go(c, SW_PH_UPDATE);
		default:
			return go(c, SW_PH_REMOVE);
		}
	}
	if (op->kind != SW_OP_ASSIGN) {
		if (sw_match_empty(g->ctrl)) { /* SW4.2: the end of the probe */
			if (op->kind == SW_OP_LOOKUP)
				return sw_finish(c, SW_OUT_NONE);
			return delete_after(c);
		}
	} else {
		uint64_t b = sw_match_empty_or_deleted(g->ctrl);
		if (b) {
			unsigned i = sw_first(b);
			if (sw_ctrl(g, i) != SW_CTRL_DELETED) { /* SW4.6.5: an empty slot */
				if (op->tomb_grp >= 0) {
					op->grp = op->tomb_grp;
					op->slot = op->tomb_slot;
					return go(c, SW_PH_REUSE_TOMBSTONE);
				}
				op->grp = (int32_t)off;
				op->slot = (int32_t)i;
				return go(c, t->growth_left == 0 ? SW_PH_PRUNE : SW_PH_INSERT);
			}
			if (op->tomb_grp < 0) { /* SW4.6.4: the first tombstone */
				op->tomb_grp = (int32_t)off;
				op->tomb_slot = (int32_t)i;
			}
		}
	}
	if (op->probe_index >= mask) /* a whole cycle, no empty slot: only racing
					writers get here; Go would spin forever */
		return sw_fail(c, SW_OUT_THROW_BAD_STATE);
	sw_probe_next(&op->probe_offset, &op->probe_index, mask);
	return SW_MORE;
}

/* SW4.6.2, SW2.3.1: the key is there; its value is written after the exit
 * check.  A string key is rewritten with equal bytes (the same pool id). */
static enum sw_stepres ph_update(const struct swctx *c)
{
	struct sw_op *op = c->op;
	op->found = true;
	sw_touch(op, op->tab, op->grp, op->slot);
	SW_EMIT(c, .kind = MV_EV_UPDATE, .key = op->key, .table = op->tab, .bucket = op->grp, .slot = op->slot);
	return go(c, SW_PH_CHECK_AND_CLEAR);
}

/* SW4.6.7, SW2.3.2: key and control byte; growthLeft--, used++. */
static enum sw_stepres ph_insert(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	struct sw_group *g;
	if (op->tab < 0) {
		g = &m->slab[op->sgrp];
	} else {
		struct sw_table *t = &m->tables[op->tab];
		g = sw_grp(m, t, (uint64_t)op->grp);
		t->growth_left--;
		t->used++;
	}
	g->slots[op->slot].key = op->key;
	sw_ctrl_set(g, (unsigned)op->slot, sw_h2(op->hash));
	m->used++;
	sw_touch(op, op->tab, op->grp, op->slot);
	SW_EMIT(c, .kind = MV_EV_INSERT, .key = op->key, .table = op->tab, .bucket = op->grp, .slot = op->slot,
		.tophash = sw_h2(op->hash));
	return go(c, SW_PH_CHECK_AND_CLEAR);
}

/* SW4.6.5: the first tombstone on the path takes the key; growthLeft++ and
 * the insert's growthLeft-- cancel, so no prune or grow can follow. */
static enum sw_stepres ph_reuse_tombstone(const struct swctx *c)
{
	struct sw_table *t = &c->m->tables[c->op->tab];
	t->growth_left++;
	if (t->growth_left == 0) /* wrapped: only after racing writers */
		return go(c, SW_PH_PRUNE);
	return ph_insert(c);
}

/* SW4.14, SW4.15: growthLeft is 0; 1.25+ fast paths prune first. */
static enum sw_stepres ph_prune(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	uint32_t n = sw_prune(m, op->tab);
	sw_touch(op, op->tab, -1, -1);
	SW_EMIT(c, .kind = MV_EV_PRUNE, .table = op->tab, .n = n);
	if (m->tables[op->tab].growth_left > 0) /* SW4.15.5: the target stays */
		return go(c, SW_PH_INSERT);
	return rehash_route(c);
}

/* SW2.4, SW4.10.3: clear the slot; empty if its group has an empty slot,
 * else a tombstone. */
static enum sw_stepres ph_remove(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	struct sw_group *g = op->tab < 0 ? &m->slab[op->sgrp] : sw_grp(m, &m->tables[op->tab], (uint64_t)op->grp);
	unsigned s = (unsigned)op->slot;
	if (op->tab >= 0)
		m->tables[op->tab].used--;
	m->used--;
	if (m->keykind == MV_KEY_STRING)
		g->slots[s].key = 0; /* a pointerful key is cleared; int bytes stay (SW4.11) */
	g->slots[s].val = 0;        /* the elem always (issue 25936) */
	op->found = true;
	sw_touch(op, op->tab, op->tab < 0 ? 0 : op->grp, op->slot);
	if (op->tab < 0 || sw_match_empty(g->ctrl)) {
		sw_ctrl_set(g, s, SW_CTRL_EMPTY);
		if (op->tab >= 0)
			m->tables[op->tab].growth_left++;
		SW_EMIT(c, .kind = MV_EV_REMOVE, .key = op->key, .table = op->tab, .bucket = op->tab < 0 ? 0 : op->grp,
			.slot = op->slot);
	} else {
		sw_ctrl_set(g, s, SW_CTRL_DELETED);
		m->tombstone_possible = true; /* VD.4 */
		SW_EMIT(c, .kind = MV_EV_TOMBSTONE, .key = op->key, .table = op->tab, .bucket = op->grp,
			.slot = op->slot);
	}
	return delete_after(c);
}

/* SW4.10.4, SW8.3: the delete emptied the map. */
static enum sw_stepres ph_reseed(const struct swctx *c)
{
	struct swmap *m = c->m;
	m->seed = mv_rng_u64(&m->rng);
	SW_EMIT(c, .kind = MV_EV_RESEED, .hash0 = (uint32_t)m->seed);
	return go(c, SW_PH_CHECK_AND_CLEAR);
}

/* SW8.1.2-3: the small group, or one distinct table per step in directory
 * order (Go's lastTab loop). */
static enum sw_stepres ph_clear_table(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	if (m->dir_len == 0) {
		if (m->small) { /* clearSmall */
			struct sw_group *g = &m->slab[m->small];
			memset(g, 0, sizeof *g);
			g->ctrl = SW_CTRL_ALL_EMPTY;
			sw_touch(op, -1, 0, -1);
		}
		m->used = 0;
		return go(c, SW_PH_CLEAR_END);
	}
	while (op->clear_i < m->dir_len && (int32_t)m->dir[op->clear_i] == op->clear_last)
		op->clear_i++;
	if (op->clear_i >= m->dir_len)
		return go(c, SW_PH_CLEAR_END);
	int32_t t = (int32_t)m->dir[op->clear_i++];
	sw_table_clear(m, t);
	op->clear_last = t;
	sw_touch(op, t, -1, -1);
	return SW_MORE;
}

/* SW8.1.3-5: used, tombstonePossible, clearSeq++, a new seed. */
static enum sw_stepres ph_clear_end(const struct swctx *c)
{
	struct swmap *m = c->m;
	if (m->dir_len) {
		m->used = 0;
		m->tombstone_possible = false;
	}
	m->clear_seq++;
	m->seed = mv_rng_u64(&m->rng);
	SW_EMIT(c, .kind = MV_EV_CLEAR, .hash0 = (uint32_t)m->seed);
	return go(c, SW_PH_CHECK_AND_CLEAR);
}

/* len(m): used, no check (SW7.3). */
static enum sw_stepres ph_read_len(const struct swctx *c)
{
	c->op->result = c->m->is_nil ? 0 : (int64_t)c->m->used;
	return sw_finish(c, SW_OUT_NONE);
}

/* SW7.1: the exit check and the second toggle. */
static enum sw_stepres ph_check_and_clear(const struct swctx *c)
{
	struct swmap *m = c->m;
	if (!m->writing)
		return sw_fail(c, SW_OUT_FATAL_WRITES);
	m->writing ^= 1;
	if (c->op->kind == SW_OP_ASSIGN)
		return go(c, SW_PH_WRITE_VALUE);
	return sw_finish(c, SW_OUT_NONE);
}

/* The compiled code stores the value through the elem pointer mapassign
 * returned, after the flag is cleared: into whatever table held the slot
 * then, stale or not. */
static enum sw_stepres ph_write_value(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	struct sw_group *g = op->tab < 0 ? &m->slab[op->sgrp] : sw_grp(m, &m->tables[op->tab], (uint64_t)op->grp);
	g->slots[op->slot].val = op->value;
	sw_touch(op, op->tab, op->tab < 0 ? 0 : op->grp, op->slot);
	return sw_finish(c, SW_OUT_NONE);
}

static enum sw_stepres ph_done(const struct swctx *c)
{
	(void)c;
	return SW_DONE;
}

typedef enum sw_stepres (*sw_phase_fn)(const struct swctx *c);

static const sw_phase_fn phase_fns[SW_PH__COUNT] = {
	[SW_PH_CHECK_WRITING] = ph_check_writing,
	[SW_PH_HASH] = ph_hash,
	[SW_PH_SET_WRITING] = ph_set_writing,
	[SW_PH_ALLOC_SMALL] = ph_alloc_small,
	[SW_PH_SMALL_PROBE] = ph_small_probe,
	[SW_PH_TO_TABLE] = ph_to_table,
	[SW_PH_SELECT_TABLE] = ph_select_table,
	[SW_PH_PROBE] = ph_probe,
	[SW_PH_UPDATE] = ph_update,
	[SW_PH_REUSE_TOMBSTONE] = ph_reuse_tombstone,
	[SW_PH_PRUNE] = ph_prune,
	[SW_PH_INSERT] = ph_insert,
	[SW_PH_GROW] = ph_grow,
	[SW_PH_SPLIT] = ph_split,
	[SW_PH_MOVE_GROUP] = ph_move_group,
	[SW_PH_INSTALL] = ph_install,
	[SW_PH_REMOVE] = ph_remove,
	[SW_PH_RESEED] = ph_reseed,
	[SW_PH_CLEAR_TABLE] = ph_clear_table,
	[SW_PH_CLEAR_END] = ph_clear_end,
	[SW_PH_ITER_INIT] = sw_ph_iter_init,
	[SW_PH_ITER_NEXT] = sw_ph_iter_next,
	[SW_PH_ITER_RELOOKUP] = sw_ph_iter_relookup,
	[SW_PH_ITER_SCAN] = sw_ph_iter_scan,
	[SW_PH_READ_LEN] = ph_read_len,
	[SW_PH_CHECK_AND_CLEAR] = ph_check_and_clear,
	[SW_PH_WRITE_VALUE] = ph_write_value,
	[SW_PH_DONE] = ph_done,
};

/* The first step of an op: it is in flight from now on, and its pin (if
 * any) replaces whatever the map had for the key. */
static void op_begin(struct swmap *m, struct sw_op *op)
{
	if (op->steps == 0 && op->phase != SW_PH_DONE) {
		m->active++;
		if (op->pinned)
			(void)mv_pins_set(&m->pins, op->key, op->hash);
	}
}

static enum sw_stepres phase(const struct swctx *c)
{
	struct sw_op *op = c->op;
	if ((unsigned)op->phase >= SW_PH__COUNT)
		return sw_fail(c, SW_OUT_THROW_BAD_STATE); /* a corrupted op */
	if (op->phase == SW_PH_DONE)
		return SW_DONE;
	op->last = op->phase;
	op->steps++;
	return phase_fns[op->phase](c);
}

enum sw_stepres swiss_step(struct swmap *m, struct sw_op *op, const struct mv_sink *sink)
{
	const struct swctx c = {m, op, sink};
	op_begin(m, op);
	return phase(&c);
}

bool swiss_run(struct swmap *m, struct sw_op *op, const struct mv_sink *sink)
{
	const struct swctx c = {m, op, sink};
	op_begin(m, op);
	while (phase(&c) != SW_DONE)
		;
	return op->outcome == SW_OUT_NONE;
}

void swiss_abandon(struct swmap *m, struct sw_op *op)
{
	if (op->steps && op->phase != SW_PH_DONE) {
		const struct swctx c = {m, op, NULL};
		(void)sw_finish(&c, op->outcome);
	}
	op->phase = SW_PH_DONE;
}
