/*
 * view_swiss: the Swiss engine's (Go 1.26's map) part of the TUI — the Map
 * header (used, globalDepth, directory → tables, writing and by whom, seed,
 * memory), the map panel (the directory as a strip of slots, each table with
 * capacity, used, a growthLeft bar and localDepth, its groups as 8 control
 * bytes with each goroutine's probe cursor; a grow or split in flight as old
 * → new; a per-group heat strip when the groups cannot fit), and the group
 * inspector (slot, ctrl, H2, key, value, hash, H1, table by top bits).
 * Rule numbers (SW4.1) refer to go-swiss-semantics.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

static const struct swmap *cur_map(const struct tui *t)
{
	const struct mv_world *w = tui_world(t);
	return &w->maps[t->shard < w->nmaps ? t->shard : 0].u.swiss;
}

static uint32_t cur_index(const struct tui *t)
{
	const struct mv_world *w = tui_world(t);
	return t->shard < w->nmaps ? t->shard : 0;
}

/* The Swiss op of worker i on map mi that is under way, or NULL. */
static const struct sw_op *op_on(const struct mv_world *w, uint32_t i, uint32_t mi)
{
	const struct mv_worker *wk = &w->workers[i];
	if (!wk->in_op || wk->op.stage != MV_ST_MAP || wk->op.shard != mi)
		return NULL;
	const struct sw_op *op = &wk->op.mop.swiss;
	return op->steps && op->phase != SW_PH_DONE ? op : NULL;
}

/* The workers whose write holds `writing` on map mi (SW7.1: between
 * set_writing and check_and_clear). */
static uint64_t writers_of(const struct mv_world *w, uint32_t mi)
{
	uint64_t mask = 0;
	for (uint32_t i = 0; i < w->nworkers; i++) {
		const struct sw_op *op = op_on(w, i, mi);
		if (op && (op->kind == SW_OP_ASSIGN || op->kind == SW_OP_DELETE || op->kind == SW_OP_CLEAR) &&
		    op->phase > SW_PH_SET_WRITING && op->phase <= SW_PH_CHECK_AND_CLEAR)
			mask |= (uint64_t)1 << i;
	}
	return mask;
}

static uint32_t live_tables(const struct swmap *m)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->dir_len; i++)
		n += i == 0 || m->dir[i] != m->dir[i - 1];
	return n;
}

static void draw_header(struct tui *t, int y)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	const struct swmap *m = cur_map(t);
	int maxx = c->w, x = 1;
	bool wide = c->w >= 100;
	if (w->nmaps > 1)
		x = tui_printf(c, x, y, maxx, TR_LABEL, 0, "shard %u ", t->shard);
	x = tui_puts(c, x, y, maxx, "Map", TR_TITLE, TUI_A_BOLD);
	if (m->is_nil) {
		tui_puts(c, x + 2, y, maxx, "nil map: reads find nothing, a write panics (SW1.2)", TR_VALUE, 0);
		return;
	}
	x = tui_puts(c, x + 2, y, maxx, "used ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%" PRIu64, m->used);
	if (m->dir_len == 0) {
		x = tui_puts(c, x + 2, y, maxx, m->small ? "small map: 1 group, no directory"
		                                         : "no group yet: the first write allocates one",
		             TR_LABEL, 0);
	} else {
		x = tui_puts(c, x + 2, y, maxx, "globalDepth ", TR_LABEL, 0);
		x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%u", m->global_depth);
		uint32_t nt = live_tables(m);
		x = tui_printf(c, x, y, maxx, TR_LABEL, 0, " (%u dir slot%s %s %u table%s)", m->dir_len,
		               m->dir_len == 1 ? "" : "s", t->ascii ? "->" : "→", nt, nt == 1 ? "" : "s");
	}
	x = tui_puts(c, x + 2, y, maxx, "writing ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, m->writing ? TR_WRITING : TR_VALUE, 0, "%u", m->writing);
	uint64_t h = writers_of(w, cur_index(t));
	if (h) {
		x = tui_puts(c, x, y, maxx, "(", TR_WRITING, 0);
		bool first = true;
		for (uint32_t k = 0; k < w->nworkers; k++)
			if (h >> k & 1) {
				x = tui_printf(c, x, y, maxx, TR_WRITING, 0, "%sG%u", first ? "" : ",", k + 1);
				first = false;
			}
		tui_puts(c, x, y, maxx, ")", TR_WRITING, 0);
	}
	/* line 2: seed, clearSeq, tombstones, memory */
	y++;
	x = tui_puts(c, 1, y, maxx, "seed ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%#" PRIx32, (uint32_t)m->seed);
	x = tui_puts(c, x + 2, y, maxx, "clearSeq ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%" PRIu64, m->clear_seq);
	x = tui_puts(c, x + 2, y, maxx, wide ? "tombstonePossible " : "tombs? ", TR_LABEL, 0);
	x = tui_puts(c, x, y, maxx, m->tombstone_possible ? "yes" : "no", TR_VALUE, 0);
	struct sw_memory mem;
	swiss_memory(m, &mem);
	char b1[24], b2[24];
	tui_fmt_bytes(mem.total, b1, sizeof b1);
	tui_fmt_bytes(mem.groups + mem.small, b2, sizeof b2);
	x = tui_puts(c, x + 2, y, maxx, "mem ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%s", b1);
	tui_printf(c, x, y, maxx, TR_LABEL, 0, wide ? " (groups %s, 7/8 full at most)" : " (groups %s)", b2);
}

/* ---- the map panel ---- */

/* A ctrl byte as a cell: H2 in hex, or the empty / tombstone glyph (SW1.9). */
static void ctrl_cell(const struct tui *t, uint8_t ctrl, char *buf, enum tui_role *role)
{
	if (ctrl == SW_CTRL_EMPTY) {
		*role = TR_CTRL_EMPTY;
		snprintf(buf, 16, "%s", tui_glyph(t, *role));
	} else if (ctrl == SW_CTRL_DELETED) {
		*role = TR_TOMBSTONE;
		snprintf(buf, 16, "%s", tui_glyph(t, *role));
	} else {
		*role = TR_LIVE;
		snprintf(buf, 16, "%02x", ctrl);
	}
}

enum srow_kind { SR_DIR, SR_TABLE, SR_GROUP, SR_NOTE };

/* One line of the panel.  tab: a table record, -1 the small group. */
struct srow {
	uint8_t kind;
	bool fresh;     /* a table being built by a grow/split in flight */
	int32_t tab;
	uint32_t group; /* SR_GROUP: group index in the table */
	int32_t item;   /* selection index of a group row, -1 none */
};

/* Workers whose op's latest step touched (tab, group) of map mi, marked
 * ◂G1 with the H2 of their key. */
static int probe_marks(const struct tui *t, uint32_t mi, int32_t tab, uint32_t group, int x, int y, int maxx)
{
	const struct mv_world *w = tui_world(t);
	for (uint32_t i = 0; i < w->nworkers; i++) {
		const struct sw_op *op = op_on(w, i, mi);
		if (!op || op->touch_group < 0 || op->touch_table != tab || (uint32_t)op->touch_group != group)
			continue;
		x = tui_printf((struct tui_canvas *)&t->cv, x, y, maxx, TR_PROBE, 0, "%sG%u", tui_glyph(t, TR_PROBE),
		               i + 1);
		if (op->hashed || op->pinned)
			x = tui_printf((struct tui_canvas *)&t->cv, x, y, maxx, TR_DIM, 0, " h2=%02x",
			               (unsigned)(op->hash & 0x7f));
	}
	return x;
}

static const struct sw_group *row_group(const struct swmap *m, const struct srow *r)
{
	return r->tab < 0 ? &m->slab[m->small] : swiss_group(m, (uint32_t)r->tab, r->group);
}

static void draw_group_row(struct tui *t, const struct swmap *m, uint32_t mi, const struct srow *r, int x, int y,
                           int maxx, bool selected)
{
	struct tui_canvas *c = &t->cv;
	const struct sw_group *g = row_group(m, r);
	uint64_t want = r->tab < 0 ? 0 : (uint64_t)(uint32_t)(r->tab + 1) << 32;
	want |= (uint32_t)(r->tab < 0 ? 1 : r->group + 1);
	bool touched = t->tl.m.worker >= 0 && t->tl.m.touch_map == mi && t->tl.m.touch_b == want;
	x = tui_puts(c, x, y, maxx, selected ? tui_glyph(t, TR_SELECTED) : " ", selected ? TR_SELECTED : TR_NORMAL, 0);
	x = tui_printf(c, x, y, maxx, touched ? TR_TOUCHED : TR_LABEL, 0, r->tab < 0 ? "  g" : " g%-2u", r->group);
	x = tui_puts(c, x, y, maxx, " ", TR_NORMAL, 0);
	for (unsigned s = 0; s < SW_SLOTS; s++) {
		char cell[16];
		enum tui_role role;
		ctrl_cell(t, sw_ctrl(g, s), cell, &role);
		bool hit = touched && t->tl.m.touch_slot == (int32_t)s;
		tui_puts(c, x, y, maxx, cell, hit ? TR_TOUCHED : role, 0);
		x += 3;
	}
	int after = probe_marks(t, mi, r->tab, r->group, x, y, maxx);
	/* the keys next to their bytes, when there is room */
	if (after == x && maxx - x > 12) {
		const struct mv_world *w = tui_world(t);
		for (unsigned s = 0; s < SW_SLOTS && x < maxx; s++) {
			if (sw_ctrl(g, s) >= SW_CTRL_EMPTY)
				continue;
			char k[40];
			tui_key_text(w, g->slots[s].key, k, sizeof k);
			x = tui_printf(c, x, y, maxx, TR_DIM, 0, "%s=%" PRId64 " ", k, g->slots[s].val);
		}
	}
}

static void draw_table_head(struct tui *t, const struct swmap *m, const struct srow *r, int x, int y, int maxx)
{
	struct tui_canvas *c = &t->cv;
	const struct sw_table *tb = swiss_table(m, (uint32_t)r->tab);
	bool wide = maxx - x >= 60;
	if (r->fresh)
		x = tui_puts(c, x, y, maxx, t->ascii ? "-> new " : "→ new ", TR_EVENT_GROW, TUI_A_BOLD);
	else if (tb->state == SW_TAB_STALE)
		x = tui_puts(c, x, y, maxx, "stale ", TR_DIM, 0);
	x = tui_printf(c, x, y, maxx, TR_LABEL, TUI_A_BOLD, "table");
	if (tb->index >= 0)
		x = tui_printf(c, x, y, maxx, TR_LABEL, 0, " @%d", tb->index);
	x = tui_printf(c, x, y, maxx, TR_LABEL, 0, " cap ");
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%u", tb->capacity);
	x = tui_printf(c, x, y, maxx, TR_LABEL, 0, " used ");
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%u", tb->used);
	x = tui_printf(c, x, y, maxx, TR_LABEL, 0, wide ? " growthLeft " : " left ");
	uint16_t maxg = sw_max_growth_left(tb->capacity);
	x = tui_printf(c, x, y, maxx, tb->growth_left == 0 ? TR_WRITING : TR_VALUE, 0, "%u", tb->growth_left);
	x = tui_bar(t, x + 1, y, maxx, wide ? 8 : 4, tb->growth_left, maxg);
	tui_printf(c, x + 1, y, maxx, TR_LABEL, 0, wide ? "localDepth %u" : "ld %u", tb->local_depth);
}

static void draw_dir(struct tui *t, const struct swmap *m, int x, int y, int maxx)
{
	struct tui_canvas *c = &t->cv;
	x = tui_puts(c, x, y, maxx, "directory ", TR_LABEL, TUI_A_BOLD);
	/* one cell per table: the run of slots that name it (SW1.4), and the
	 * table's number in directory order, as in the panel */
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->dir_len && x < maxx; n++) {
		uint32_t j = i;
		while (j + 1 < m->dir_len && m->dir[j + 1] == m->dir[i])
			j++;
		if (j > i)
			x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "[%u-%u%sT%u]", i, j, t->ascii ? ">" : "→", n);
		else
			x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "[%u%sT%u]", i, t->ascii ? ">" : "→", n);
		i = j + 1;
	}
}

/* The rehash in flight on this map, if any: the op that runs it. */
static const struct sw_op *rehash_op(const struct tui *t, uint32_t mi)
{
	const struct mv_world *w = tui_world(t);
	for (uint32_t i = 0; i < w->nworkers; i++) {
		const struct sw_op *op = op_on(w, i, mi);
		if (op && op->rh.kind != SW_RH_NONE)
			return op;
	}
	return NULL;
}

static uint32_t add_table_rows(const struct swmap *m, int32_t tab, bool fresh, struct srow *rows, uint32_t n,
                               int32_t *item)
{
	rows[n++] = (struct srow){SR_TABLE, fresh, tab, 0, -1};
	const struct sw_table *tb = swiss_table(m, (uint32_t)tab);
	for (uint32_t g = 0; g < sw_table_ngroups(tb); g++)
		rows[n++] = (struct srow){SR_GROUP, fresh, tab, g, (*item)++};
	return n;
}

/* Every line the panel would draw, in order; returns how many. */
static uint32_t build_rows(const struct tui *t, const struct swmap *m, uint32_t mi, struct srow *rows)
{
	uint32_t n = 0;
	int32_t item = 0;
	if (m->dir_len == 0 && m->small) {
		rows[n++] = (struct srow){SR_NOTE, false, -1, 0, -1};
		rows[n++] = (struct srow){SR_GROUP, false, -1, 0, item++};
	}
	if (m->dir_len) {
		rows[n++] = (struct srow){SR_DIR, false, 0, 0, -1};
		for (uint32_t i = 0; i < m->dir_len; i++)
			if (i == 0 || m->dir[i] != m->dir[i - 1])
				n = add_table_rows(m, (int32_t)m->dir[i], false, rows, n, &item);
	}
	const struct sw_op *rh = rehash_op(t, mi);
	if (rh) {
		if (rh->rh.left >= 0)
			n = add_table_rows(m, rh->rh.left, true, rows, n, &item);
		if (rh->rh.right >= 0)
			n = add_table_rows(m, rh->rh.right, true, rows, n, &item);
	}
	return n;
}

static uint32_t max_rows(const struct swmap *m)
{
	uint32_t n = 4 + m->dir_len;
	for (uint32_t k = 0; k < m->ntables; k++)
		n += 1 + sw_table_ngroups(&m->tables[k]);
	return n;
}

/* Groups that cannot fit as rows: one cell per group, its number of full
 * slots (· none, + a tombstone among them). */
static void draw_heat(struct tui *t, struct tui_view *v, const struct swmap *m, const struct srow *rows,
                      uint32_t nrows, struct tui_rect r)
{
	struct tui_canvas *c = &t->cv;
	int y = r.y, maxx = r.x + r.w;
	tui_printf(c, r.x, y++, maxx, TR_DIM, 0, "full slots per group, %s: has tombstones",
	           tui_glyph(t, TR_HEAT3));
	int per = r.w - 6;
	if (per < 8)
		return;
	int x = r.x;
	for (uint32_t k = 0; k < nrows && y < r.y + r.h; k++) {
		const struct srow *row = &rows[k];
		if (row->kind == SR_DIR) {
			draw_dir(t, m, r.x, y++, maxx);
			continue;
		}
		if (row->kind == SR_TABLE || row->kind == SR_NOTE) {
			if (x != r.x)
				y++;
			if (y >= r.y + r.h)
				break;
			if (row->kind == SR_TABLE)
				draw_table_head(t, m, row, r.x, y++, maxx);
			else
				tui_puts(c, r.x, y++, maxx, "small map (SW2): one group, first free slot", TR_LABEL, 0);
			x = r.x;
			continue;
		}
		if (x == r.x)
			x = tui_printf(c, x, y, maxx, TR_DIM, 0, "%5u ", row->group);
		const struct sw_group *g = row_group(m, row);
		unsigned live = 0, tomb = 0;
		for (unsigned s = 0; s < SW_SLOTS; s++) {
			live += sw_ctrl(g, s) < SW_CTRL_EMPTY;
			tomb += sw_ctrl(g, s) == SW_CTRL_DELETED;
		}
		char cell[16];
		enum tui_role role = tomb ? TR_HEAT3 : live == 0 ? TR_HEAT0 : live <= 4 ? TR_HEAT1 : TR_HEAT2;
		if (tomb)
			snprintf(cell, sizeof cell, "%s", tui_glyph(t, TR_HEAT3));
		else if (live == 0)
			snprintf(cell, sizeof cell, "%s", tui_glyph(t, TR_HEAT0));
		else
			snprintf(cell, sizeof cell, "%u", live);
		tui_puts(c, x++, y, maxx, cell, role, row->item == v->sel ? TUI_A_REVERSE : 0);
		if (x >= r.x + 6 + per) {
			x = r.x;
			y++;
		}
	}
}

static void draw_body(struct tui *t, struct tui_view *v, struct tui_rect r, const struct swmap *m, uint32_t mi)
{
	struct tui_canvas *c = &t->cv;
	if (r.h <= 0 || r.w <= 0)
		return;
	int maxx = r.x + r.w;
	if (m->is_nil || (!m->small && m->dir_len == 0)) {
		tui_puts(c, r.x + 1, r.y, maxx,
		         m->is_nil ? "nil map: no groups, and a write panics"
		                   : "no groups yet: the first write allocates one (SW2.2)",
		         TR_DIM, 0);
		v->nitems = 0;
		return;
	}
	struct srow *rows = malloc(max_rows(m) * sizeof *rows);
	if (!rows)
		return;
	uint32_t nrows = build_rows(t, m, mi, rows);
	int items = 0;
	for (uint32_t k = 0; k < nrows; k++)
		items += rows[k].item >= 0;
	v->nitems = items;
	if (v->sel >= v->nitems)
		v->sel = v->nitems - 1;
	if (v->sel < 0)
		v->sel = 0;
	const struct sw_op *rh = rehash_op(t, mi);
	int head = rh ? 1 : 0;
	/* rows fit, or scroll through them while there are few groups; fold
	 * into the heat strip only when there are many */
	if ((int)nrows + head > r.h && items > 4 * r.h) {
		draw_heat(t, v, m, rows, nrows, r);
		free(rows);
		return;
	}
	int y = r.y;
	if (rh) {
		/* the rehash in flight, short enough for a 40-column panel */
		const char *how = rh->rh.kind == SW_RH_SPLIT ? "split (SW5.6)"
		                  : rh->rh.kind == SW_RH_GROW ? "grow (SW5.4)"
		                                               : "small map to table (SW2.6)";
		tui_printf(c, r.x, y++, maxx, TR_EVENT_GROW, TUI_A_BOLD, "%s: %u/%u old groups moved", how, rh->rh.next,
		           rh->rh.ngroups);
	}
	int avail = r.y + r.h - y;
	/* scroll so that the selected group's row shows */
	int sel_row = 0;
	for (uint32_t k = 0; k < nrows; k++)
		if (rows[k].item == v->sel)
			sel_row = (int)k;
	if (sel_row < v->scroll)
		v->scroll = sel_row > 0 && rows[sel_row - 1].kind == SR_TABLE ? sel_row - 1 : sel_row;
	if (sel_row >= v->scroll + avail)
		v->scroll = sel_row - avail + 1;
	if (v->scroll > (int)nrows - avail)
		v->scroll = (int)nrows - avail > 0 ? (int)nrows - avail : 0;
	v->page = avail > 2 ? avail - 2 : 1;
	for (uint32_t k = (uint32_t)v->scroll; k < nrows && y < r.y + r.h; k++) {
		const struct srow *row = &rows[k];
		switch (row->kind) {
		case SR_DIR: draw_dir(t, m, r.x, y++, maxx); break;
		case SR_TABLE: draw_table_head(t, m, row, r.x, y++, maxx); break;
		case SR_NOTE:
			tui_puts(c, r.x, y++, maxx, "small map (SW2): one group, no hashing into slots", TR_LABEL, 0);
			break;
		default:
			draw_group_row(t, m, mi, row, r.x, y++, maxx, row->item == v->sel && t->focus == TP_MAP);
			break;
		}
	}
	free(rows);
}

static void swiss_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	draw_body(t, v, r, &tui_world(t)->maps[0].u.swiss, 0);
}

static const struct tui_view_ops swiss_view = {"groups", swiss_draw, tui_map_key};

static void sharded_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	int maxx = r.x + r.w;
	if (r.h < 3)
		return;
	uint64_t total = 0;
	for (uint32_t s = 0; s < w->nmaps; s++)
		total += w->maps[s].u.swiss.used;
	tui_printf(c, r.x, r.y, maxx, TR_LABEL, 0, "%u shards, each a map behind its own RWMutex; used %" PRIu64,
	           w->nmaps, total);
	int x = tui_puts(c, r.x, r.y + 1, maxx, "used per shard ([ ]): ", TR_DIM, 0);
	for (uint32_t s = 0; s < w->nmaps && x < maxx; s++) {
		uint64_t u = w->maps[s].u.swiss.used;
		char cell[8];
		snprintf(cell, sizeof cell, "%s", u == 0 ? tui_glyph(t, TR_HEAT0) : u < 10 ? "" : "+");
		if (u > 0 && u < 10)
			snprintf(cell, sizeof cell, "%" PRIu64, u);
		x = tui_puts(c, x, r.y + 1, maxx, cell, u ? TR_HEAT1 : TR_HEAT0, s == t->shard ? TUI_A_REVERSE : 0);
	}
	struct tui_rect body = {r.x, r.y + 2, r.w, r.h - 2};
	draw_body(t, v, body, cur_map(t), cur_index(t));
}

static int sharded_key(struct tui *t, struct tui_view *v, enum tui_action a)
{
	const struct mv_world *w = tui_world(t);
	if (a == TA_SHARD_PREV || a == TA_SHARD_NEXT) {
		t->shard = (t->shard + (a == TA_SHARD_NEXT ? 1 : w->nmaps - 1)) % w->nmaps;
		v->sel = 0;
		v->scroll = 0;
		return TUI_HANDLED | TUI_REDRAW;
	}
	return tui_map_key(t, v, a);
}

static const struct tui_view_ops swiss_sharded_view = {"shards", sharded_draw, sharded_key};

/* ---- the inspector ---- */

/* The selected group: its row (by walking the panel's rows). */
static bool selected_row(const struct tui *t, struct srow *out)
{
	const struct swmap *m = cur_map(t);
	struct srow *rows = malloc(max_rows(m) * sizeof *rows);
	if (!rows)
		return false;
	uint32_t n = build_rows(t, m, cur_index(t), rows);
	bool found = false;
	for (uint32_t k = 0; k < n && !found; k++)
		if (rows[k].item == t->views[TP_MAP].sel) {
			*out = rows[k];
			found = true;
		}
	free(rows);
	return found;
}

static void draw_inspector(struct tui *t)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	const struct swmap *m = cur_map(t);
	struct srow row;
	if (!selected_row(t, &row))
		return;
	char title[64];
	if (row.tab < 0)
		snprintf(title, sizeof title, "small map group");
	else
		snprintf(title, sizeof title, "group %u of table @%d", row.group, swiss_table(m, (uint32_t)row.tab)->index);
	struct tui_rect in = tui_overlay_box(t, 100, c->h - 2, title, TR_BORDER_FOCUS);
	int maxx = in.x + in.w, y = in.y;
	const struct sw_group *g = row_group(m, &row);
	if (row.tab < 0)
		tui_printf(c, in.x + 1, y++, maxx, TR_LABEL, 0,
		           "small map: keys go to the first free slot; ctrl = H2 = hash & 0x7f (SW2.3)");
	else
		tui_printf(c, in.x + 1, y++, maxx, TR_LABEL, 0,
		           "table = top %u bits of hash; H1 = hash >> 7 picks the first group; H2 = hash & 0x7f",
		           m->global_depth);
	tui_printf(c, in.x + 1, y++, maxx, TR_LABEL, TUI_A_BOLD, "%-4s %-4s %-9s %-10s %-8s %-16s  %s", "slot",
	           "ctrl", "state", "key", "value", "hash", row.tab < 0 ? "H2" : "dir slot, H1 group, H2");
	for (unsigned s = 0; s < SW_SLOTS && y < in.y + in.h - 1; s++, y++) {
		uint8_t ctrl = sw_ctrl(g, s);
		char cell[16];
		enum tui_role role;
		ctrl_cell(t, ctrl, cell, &role);
		int x = tui_printf(c, in.x + 1, y, maxx, TR_NORMAL, 0, "%-4u", s);
		tui_puts(c, x + 1, y, maxx, cell, role, 0);
		x += 5;
		x = tui_printf(c, x, y, maxx, role, 0, "%-9s",
		               ctrl == SW_CTRL_EMPTY ? "empty" : ctrl == SW_CTRL_DELETED ? "tombstone" : "full");
		if (ctrl >= SW_CTRL_EMPTY)
			continue;
		char k[64];
		tui_key_text(w, g->slots[s].key, k, sizeof k);
		uint64_t h = swiss_hash(m, g->slots[s].key);
		x = tui_printf(c, x + 1, y, maxx, TR_VALUE, 0, "%-10.10s", k);
		x = tui_printf(c, x + 1, y, maxx, TR_VALUE, 0, "%-8" PRId64, g->slots[s].val);
		x = tui_printf(c, x + 1, y, maxx, TR_DIM, 0, "%016" PRIx64, h);
		if (row.tab < 0) {
			tui_printf(c, x + 2, y, maxx, TR_NORMAL, 0, "%02x", (unsigned)(h & 0x7f));
		} else {
			const struct sw_table *tb = swiss_table(m, (uint32_t)row.tab);
			uint64_t dir = m->global_depth ? h >> (64 - m->global_depth) : 0;
			uint64_t first = (h >> 7) & (sw_table_ngroups(tb) - 1);
			tui_printf(c, x + 2, y, maxx, TR_NORMAL, 0, "%" PRIu64 ", %" PRIu64 "%s, %02x", dir, first,
			           first == row.group ? "" : " (probed on)", (unsigned)(h & 0x7f));
		}
	}
	tui_puts(c, in.x + 1, in.y + in.h - 1, maxx, "Esc closes · hashes use the map's seed now", TR_DIM, 0);
}

static const char *why_no_inspect(const struct tui *t)
{
	const struct swmap *m = cur_map(t);
	if (m->is_nil)
		return "a nil map has no groups";
	return m->small || m->dir_len ? NULL : "no groups yet: the first write allocates one";
}

static uint64_t panel_size(const struct tui *t)
{
	const struct swmap *m = cur_map(t);
	uint64_t n = m->small ? 1 : 0;
	for (uint32_t i = 0; i < m->dir_len; i++)
		if (i == 0 || m->dir[i] != m->dir[i - 1])
			n += sw_table_ngroups(swiss_table(m, m->dir[i]));
	return n;
}

const struct tui_mapview tui_swiss_mapview = {
	.view = &swiss_view,
	.sharded = &swiss_sharded_view,
	.draw_header = draw_header,
	.draw_inspector = draw_inspector,
	.why_no_inspect = why_no_inspect,
	.panel_size = panel_size,
};
