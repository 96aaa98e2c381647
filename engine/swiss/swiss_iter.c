/*
 * swiss_iter: `for k, v := range m` on Go 1.26's map (table.go Iter.Init,
 * Iter.Next, nextDirIdx, grownKeyElem) as phases of the step machine.  Rule
 * numbers refer to go-swiss-semantics.md, chiefly SW6.
 *
 * Next is modelled literally (SW6.13): the fast path that checks exactly
 * slot entryIdx, the slow path that jumps with a control-word match and
 * moves the cursor on before returning, the pinned table of a grown or split
 * table, and the directory-growth adjustment.  One Next is one phase
 * (iter_next), except where it looks a key up again in the live map
 * (grownKeyElem / getWithKey): that look-up, which has its own `writing`
 * check, is the phase iter_relookup, and when the key is gone the rest of
 * the same Next is the phase iter_scan.
 */
#include "engine/swiss/swiss_int.h"

/* Where a scan starts or resumes, or where a pending re-lookup came from
 * (struct sw_iter.resume). */
enum {
	RS_TOP,        /* the top of the table loop: resolve it.tab, fast path */
	RS_AFTER_FAST, /* the fast path's key is gone: `next:` */
	RS_SLOW,       /* inside the slow loop, groupMatch kept */
	RS_SMALL,      /* the small-at-Init loop, at entryIdx */
	RL_SMALL,      /* re-looking up a key of the small-at-Init loop */
	RL_FAST,       /* ... the fast path's key */
	RL_SLOW,       /* ... the slow path's key */
};

enum scan { SCAN_YIELD, SCAN_RELOOKUP, SCAN_END };

static void yield(const struct swctx *c, int64_t key, int64_t val, int32_t tab, int32_t grp, unsigned slot)
{
	struct sw_op *op = c->op;
	op->found = true;
	op->result_key = key;
	op->result = val;
	sw_touch(op, tab, grp, (int32_t)slot);
	SW_EMIT(c, .kind = MV_EV_ITER_KEY, .key = key, .value = val, .table = tab, .bucket = grp, .slot = slot);
}

static enum scan relookup(struct sw_iter *it, int site, int64_t key, unsigned slot)
{
	it->resume = (uint8_t)site;
	it->rl_key = key;
	it->rl_slot = (uint8_t)slot;
	return SCAN_RELOOKUP;
}

/* nextDirIdx: skip the table's other directory entries (SW6.6, SW6.8). */
static void next_dir_idx(const struct swmap *m, struct sw_iter *it)
{
	it->dir_idx += (int64_t)1 << (m->global_depth - m->tables[it->tab].local_depth);
	it->tab = -1;
	it->group = -1;
	it->entry_idx = 0;
}

/* Move the slow path's cursor past slot s to the next full slot of the
 * group as matched, or to the next group. */
static void slow_advance(struct sw_iter *it, unsigned s)
{
	it->group_match = sw_remove_first(it->group_match);
	if (!it->group_match)
		it->entry_idx += SW_SLOTS - s;
	else
		it->entry_idx += sw_first(it->group_match) - s;
}

/* The small-at-Init loop (SW6.5), from entryIdx. */
static enum scan scan_small(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_iter *it = &c->op->it;
	for (; it->entry_idx < SW_SLOTS; it->entry_idx++) {
		unsigned k = (unsigned)((it->entry_idx + it->entry_offset) % SW_SLOTS);
		const struct sw_group *g = &m->slab[it->small];
		if (sw_ctrl(g, k) & SW_CTRL_EMPTY)
			continue; /* empty or deleted */
		if (m->dir_len > 0) /* grown into a table since Init */
			return relookup(it, RL_SMALL, g->slots[k].key, k);
		it->entry_idx++;
		yield(c, g->slots[k].key, g->slots[k].val, -1, 0, k);
		return SCAN_YIELD;
	}
	return SCAN_END;
}

/* One table of the loop, from `from`; SCAN_END means "go on to the next
 * table". */
static enum scan scan_table(const struct swctx *c, int from)
{
	struct swmap *m = c->m;
	struct sw_iter *it = &c->op->it;
	const struct sw_table *t = &m->tables[it->tab];
	uint64_t mask = (uint64_t)t->capacity - 1;
	bool grown = t->index == -1; /* SW6.8: pinned and stale */
	if (from == RS_TOP) {
		if (it->entry_idx > mask)
			return SCAN_END;
		/* fast path: exactly slot entryIdx */
		uint64_t e = (it->entry_idx + it->entry_offset) & mask;
		unsigned s = (unsigned)(e & (SW_SLOTS - 1));
		if (s == 0 || it->group < 0)
			it->group = (int32_t)(e >> 3);
		const struct sw_group *g = sw_grp(m, t, (uint64_t)it->group);
		if (!(sw_ctrl(g, s) & SW_CTRL_EMPTY)) {
			if (grown)
				return relookup(it, RL_FAST, g->slots[s].key, s);
			it->entry_idx++;
			yield(c, g->slots[s].key, g->slots[s].val, it->tab, it->group, s);
			return SCAN_YIELD;
		}
		from = RS_AFTER_FAST;
	}
	if (from == RS_AFTER_FAST) {
		it->entry_idx++; /* next: */
		it->group_match = 0;
	}
	/* slow path: jump with a match on the control word */
	while (it->entry_idx <= mask) {
		uint64_t e = (it->entry_idx + it->entry_offset) & mask;
		unsigned s = (unsigned)(e & (SW_SLOTS - 1));
		if (s == 0 || it->group < 0)
			it->group = (int32_t)(e >> 3);
		const struct sw_group *g = sw_grp(m, t, (uint64_t)it->group);
		if (!it->group_match) {
			uint64_t gm = sw_match_full(g->ctrl);
			if (s)
				gm = sw_remove_below(gm, s); /* starting mid-group */
			it->group_match = gm;
			if (!gm) {
				it->entry_idx += SW_SLOTS - s;
				continue;
			}
			unsigned i = sw_first(gm);
			it->entry_idx += i - s;
			if (it->entry_idx > mask)
				continue; /* past the end of this table */
			s = i;
		}
		if (grown)
			return relookup(it, RL_SLOW, g->slots[s].key, s);
		int64_t key = g->slots[s].key, val = g->slots[s].val;
		slow_advance(it, s);
		yield(c, key, val, it->tab, it->group, s);
		return SCAN_YIELD;
	}
	return SCAN_END;
}

/* The rest of Next from it->resume: through the tables (SW6.6, SW6.9). */
static enum scan scan(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_iter *it = &c->op->it;
	if (it->resume == RS_SMALL)
		return scan_small(c);
	int from = it->resume;
	for (; it->dir_idx < (int64_t)m->dir_len; next_dir_idx(m, it), from = RS_TOP) {
		if (it->tab < 0) { /* resolve the table (SW6.6) */
			uint64_t d = ((uint64_t)it->dir_idx + it->dir_offset) & (m->dir_len - 1);
			int32_t nt = (int32_t)m->dir[d];
			int64_t index = m->tables[nt].index;
			if (index != (int64_t)d) /* a random start inside a table's run */
				it->dir_offset -= d - (uint64_t)index;
			it->tab = nt;
		}
		enum scan r = scan_table(c, from);
		if (r != SCAN_END)
			return r;
	}
	return SCAN_END;
}

/* What a scan result means for the step machine. */
static enum sw_stepres scan_result(const struct swctx *c, enum scan r)
{
	switch (r) {
	case SCAN_YIELD:
		c->op->phase = SW_PH_ITER_NEXT;
		return SW_YIELD;
	case SCAN_RELOOKUP:
		c->op->phase = SW_PH_ITER_RELOOKUP;
		return SW_MORE;
	default:
		c->op->found = false;
		return sw_finish(c, SW_OUT_NONE);
	}
}

/* SW6.3 Init: two draws (entryOffset, then dirOffset) unless the map is nil
 * or empty, which leaves the iterator empty for good. */
enum sw_stepres sw_ph_iter_init(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_iter *it = &c->op->it;
	if (m->is_nil || m->used == 0)
		return sw_finish(c, SW_OUT_NONE);
	it->live = true;
	it->entry_offset = it->pin_entry >= 0 ? (uint64_t)it->pin_entry : mv_rng_u64(&m->rng);
	it->dir_offset = it->pin_dir >= 0 ? (uint64_t)it->pin_dir : mv_rng_u64(&m->rng);
	it->global_depth = m->global_depth;
	it->clear_seq = m->clear_seq;
	it->tab = it->group = -1;
	it->entry_idx = 0;
	if (m->dir_len == 0) {
		it->dir_idx = -1;
		it->small = m->small;
	} else {
		it->dir_idx = 0;
	}
	/* the offsets as far as they matter: a small group rotates by
	 * entryOffset mod 8, every table (<= 1024 slots) by entryOffset mod its
	 * capacity, the directory start by dirOffset mod dirLen (SW6.7) */
	SW_EMIT(c, .kind = MV_EV_ITER_START,
		.bucket = m->dir_len ? (int64_t)(it->dir_offset & (m->dir_len - 1)) : 0,
		.slot = (int64_t)(it->entry_offset & (m->dir_len ? SW_MAX_TABLE_CAP - 1 : SW_SLOTS - 1)));
	return sw_ph_iter_next(c); /* mapIterStart = Init + Next */
}

/* SW6.4-SW6.10 Next: the check, the directory-growth adjustment, the scan. */
enum sw_stepres sw_ph_iter_next(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	struct sw_iter *it = &op->it;
	op->found = false;
	if (!it->live)
		return sw_finish(c, SW_OUT_NONE);
	if (m->writing) /* SW6.4 */
		return sw_fail(c, SW_OUT_FATAL_ITER_WRITE);
	if (it->dir_idx < 0) {
		it->resume = RS_SMALL;
	} else {
		if (it->global_depth != m->global_depth) { /* SW6.10 */
			unsigned orders = (unsigned)(m->global_depth - it->global_depth);
			it->dir_idx <<= orders;
			it->dir_offset <<= orders;
			it->global_depth = m->global_depth;
		}
		it->resume = RS_TOP;
	}
	return scan_result(c, scan(c));
}

/* grownKeyElem / the small-map re-lookup: m.getWithKey, which has its own
 * checks (SW4.4, SW7.2), in the live map. */
enum sw_stepres sw_ph_iter_relookup(const struct swctx *c)
{
	struct swmap *m = c->m;
	struct sw_op *op = c->op;
	struct sw_iter *it = &op->it;
	bool ok = false;
	int64_t key = it->rl_key, val = 0;
	if (m->used != 0) {
		if (m->writing)
			return sw_fail(c, SW_OUT_FATAL_READ_WRITE);
		uint64_t hash = sw_hash_of(m, key);
		if (m->dir_len == 0) {
			const struct sw_group *g = &m->slab[m->small];
			int s = sw_small_find_h2(g, sw_h2(hash), key);
			if (s >= 0) {
				ok = true;
				val = g->slots[s].val;
			}
		} else {
			const struct sw_table *t = &m->tables[m->dir[sw_dir_index(m, hash)]];
			uint32_t g;
			unsigned slot;
			bool cycled;
			ok = sw_table_find(m, t, hash, key, &g, &slot, &cycled);
			if (cycled)
				return sw_fail(c, SW_OUT_THROW_BAD_STATE);
			if (ok) { /* the live key and elem */
				key = sw_grp(m, t, g)->slots[slot].key;
				val = sw_grp(m, t, g)->slots[slot].val;
			}
		}
	}
	/* A key that is gone is skipped: int and string keys equal themselves,
	 * so the NaN exception (clearSeq) never applies (SW6.5, SW6.8). */
	switch (it->resume) {
	case RL_SMALL:
		it->entry_idx++; /* both ways: the for loop's step, or the yield's */
		if (!ok) {
			it->resume = RS_SMALL;
			op->phase = SW_PH_ITER_SCAN;
			return SW_MORE;
		}
		break;
	case RL_FAST:
		if (!ok) {
			it->resume = RS_AFTER_FAST;
			op->phase = SW_PH_ITER_SCAN;
			return SW_MORE;
		}
		it->entry_idx++;
		break;
	default: /* RL_SLOW */
		slow_advance(it, it->rl_slot);
		if (!ok) {
			it->resume = RS_SLOW;
			op->phase = SW_PH_ITER_SCAN;
			return SW_MORE;
		}
		break;
	}
	/* the iterator's place is the old slot; the entry is the live one */
	if (it->dir_idx < 0)
		yield(c, key, val, -1, 0, it->rl_slot);
	else
		yield(c, key, val, it->tab, it->group, it->rl_slot);
	op->phase = SW_PH_ITER_NEXT;
	return SW_YIELD;
}

/* The rest of a Next whose re-looked-up key was gone: no new check. */
enum sw_stepres sw_ph_iter_scan(const struct swctx *c)
{
	return scan_result(c, scan(c));
}
