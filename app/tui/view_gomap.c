/*
 * view_gomap: the classic engine's (Go 1.19's bucket map) part of the TUI —
 * the hmap line, the buckets panel (bucket rows with tophash bytes and
 * keys, or a heat map when they cannot fit; sharded maps), and the bucket
 * inspector.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../out.h"
#include "tui_int.h"

static const struct gomap *cur_map(const struct tui *t)
{
	const struct mv_world *w = tui_world(t);
	return &w->maps[t->shard < w->nmaps ? t->shard : 0].u.classic;
}


/* The workers whose write holds hashWriting on map `mi` (M5.4 .. M5.12). */
static uint64_t writers_of(const struct mv_world *w, uint32_t mi)
{
	uint64_t mask = 0;
	for (uint32_t i = 0; i < w->nworkers; i++) {
		const struct mv_worker *wk = &w->workers[i];
		if (!wk->in_op || wk->op.stage != MV_ST_MAP || wk->op.shard != mi)
			continue;
		const struct gm_op *g = &wk->op.mop.classic;
		if ((g->kind == GM_OP_ASSIGN || g->kind == GM_OP_DELETE || g->kind == GM_OP_CLEAR) &&
		    g->phase > GM_PH_SET_WRITING && g->phase <= GM_PH_CHECK_AND_CLEAR)
			mask |= (uint64_t)1 << i;
	}
	return mask;
}

static void draw_hmap(struct tui *t, int y)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	const struct gomap *m = cur_map(t);
	int maxx = c->w;
	int x = 1;
	if (w->nmaps > 1)
		x = tui_printf(c, x, y, maxx, TR_LABEL, 0, "shard %u ", t->shard);
	x = tui_puts(c, x, y, maxx, "hmap", TR_TITLE, TUI_A_BOLD);
	if (m->is_nil) {
		tui_puts(c, x + 2, y, maxx, "nil map: reads find nothing, a write panics", TR_VALUE, 0);
		return;
	}
	x = tui_puts(c, x + 2, y, maxx, "count ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%" PRId64, m->count);
	x = tui_puts(c, x + 2, y, maxx, "B ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%u", m->B);
	x = tui_printf(c, x, y, maxx, TR_LABEL, 0, " (%" PRIu64 " bucket%s)", (uint64_t)1 << m->B,
	               m->B ? "s" : "");
	x = tui_puts(c, x + 2, y, maxx, "load ", TR_LABEL, 0);
	double load = (double)m->count / (double)((uint64_t)1 << m->B);
	x = tui_printf(c, x, y, maxx, load > 6.5 ? TR_WRITING : TR_VALUE, 0, "%.2f", load);
	x = tui_puts(c, x, y, maxx, c->w >= 100 ? " / 6.5 per bucket" : " / 6.5", TR_LABEL, 0);
	x = tui_puts(c, x + 2, y, maxx, "flags ", TR_LABEL, 0);
	if (!m->flags)
		x = tui_puts(c, x, y, maxx, "0", TR_VALUE, 0);
	static const struct {
		uint8_t bit;
		const char *name;
	} fl[] = {{GM_F_HASH_WRITING, "hashWriting"},
	          {GM_F_ITERATOR, "iterator"},
	          {GM_F_OLD_ITERATOR, "oldIterator"},
	          {GM_F_SAME_SIZE_GROW, "sameSizeGrow"}};
	for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
		if (!(m->flags & fl[i].bit))
			continue;
		if (fl[i].bit == GM_F_HASH_WRITING) {
			x = tui_puts(c, x, y, maxx, "hashWriting", TR_WRITING, 0);
			uint64_t h = writers_of(w, t->shard < w->nmaps ? t->shard : 0);
			if (h) {
				x = tui_puts(c, x, y, maxx, "(", TR_WRITING, 0);
				bool first = true;
				for (uint32_t k = 0; k < w->nworkers; k++)
					if (h >> k & 1) {
						x = tui_printf(c, x, y, maxx, TR_WRITING, 0, "%sG%u",
						               first ? "" : ",", k + 1);
						first = false;
					}
				x = tui_puts(c, x, y, maxx, ")", TR_WRITING, 0);
			}
		} else {
			x = tui_puts(c, x, y, maxx, fl[i].name, TR_VALUE, 0);
		}
		x++;
	}
	/* line 2: overflow, seed, growth, memory */
	bool wide = c->w >= 120;
	y++;
	x = tui_puts(c, 1, y, maxx, "noverflow ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%u", m->noverflow);
	x = tui_puts(c, x + 2, y, maxx, "hash0 ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%#" PRIx32, m->hash0);
	x += 2;
	if (gomap_growing(m)) {
		uint64_t nold = gomap_noldbuckets(m), done = 0;
		for (uint64_t j = 0; j < nold; j++)
			done += gomap_evacuated(m, j);
		x = tui_puts(c, x, y, maxx, m->flags & GM_F_SAME_SIZE_GROW ? "same-size grow " : "growing ",
		             TR_EVENT_GROW, TUI_A_BOLD);
		x = tui_bar(t, x, y, maxx, wide ? 12 : 6, done, nold);
		x = tui_printf(c, x + 1, y, maxx, TR_VALUE, 0, "%" PRIu64 "/%" PRIu64, done, nold);
		x = tui_printf(c, x, y, maxx, TR_LABEL, 0,
		               wide ? " old buckets evacuated (nevacuate %" PRIu64 ")" : "", m->nevacuate);
	} else {
		uint64_t th = m->B == 0 ? 8 : (uint64_t)13 << (m->B - 1);
		x = tui_printf(
		    c, x, y, maxx, TR_LABEL, 0,
		    wide ? "not growing: grows when count > %" PRIu64 : "grows at count > %" PRIu64, th);
	}
	struct gm_memory mem;
	gomap_memory(m, &mem);
	char b1[24], b2[24], b3[24];
	tui_fmt_bytes(mem.buckets, b1, sizeof b1);
	tui_fmt_bytes(mem.overflow, b2, sizeof b2);
	tui_fmt_bytes(mem.old, b3, sizeof b3);
	x = tui_puts(c, x + 2, y, maxx, wide ? "memory: buckets " : "mem ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%s", b1);
	x = tui_puts(c, x, y, maxx, wide ? ", overflow " : " + ovf ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%s", b2);
	x = tui_puts(c, x, y, maxx, wide ? ", old " : " + old ", TR_LABEL, 0);
	tui_printf(c, x, y, maxx, TR_VALUE, 0, "%s", b3);
}

/* ---- the map panel: buckets ---- */

struct brow {
	uint8_t old;    /* old array */
	uint8_t head;   /* a section header line */
	uint16_t depth; /* 0: the chain's first bucket */
	uint32_t chain; /* bucket index in its array */
	uint32_t b;     /* slab index */
	uint32_t item;  /* selection index: old chains first, then new */
};

static bool chain_has(const struct gomap *m, uint32_t b, uint32_t x)
{
	for (; b; b = m->slab[b].overflow)
		if (b == x)
			return true;
	return false;
}

static void slot_cell(const struct tui *t, uint8_t th, char *buf, enum tui_role *role)
{
	switch (th) {
	case GM_EMPTY_REST: *role = TR_EMPTY_REST; break;
	case GM_EMPTY_ONE: *role = TR_EMPTY_ONE; break;
	case GM_EVACUATED_X: *role = TR_EVAC_X; break;
	case GM_EVACUATED_Y: *role = TR_EVAC_Y; break;
	case GM_EVACUATED_EMPTY: *role = TR_EVAC_EMPTY; break;
	default:
		*role = TR_LIVE;
		snprintf(buf, 4, "%02x", th);
		return;
	}
	snprintf(buf, 16, "%s", tui_glyph(t, *role));
}

/* Workers whose map operation is at slab bucket b of map mi. */
static int probe_marks(const struct tui *t, uint32_t mi, uint32_t b, int x, int y, int maxx)
{
	const struct mv_world *w = tui_world(t);
	for (uint32_t i = 0; i < w->nworkers; i++) {
		const struct mv_worker *wk = &w->workers[i];
		if (!wk->in_op || wk->op.stage != MV_ST_MAP || wk->op.shard != mi || !wk->op.mop.classic.steps ||
		    wk->op.mop.classic.phase == GM_PH_DONE)
			continue;
		const struct gm_op *g = &wk->op.mop.classic;
		uint32_t at = g->phase == GM_PH_INSERT && g->insb ? g->insb : g->b ? g->b : g->touch_b;
		if (at != b)
			continue;
		x = tui_printf((struct tui_canvas *)&t->cv, x, y, maxx, TR_PROBE, 0, "%sG%u",
		               tui_glyph(t, TR_PROBE), i + 1);
	}
	return x;
}

static void draw_bucket_row(struct tui *t, const struct gomap *m, uint32_t mi, const struct brow *r, int x,
                            int y, int maxx, bool selected)
{
	struct tui_canvas *c = &t->cv;
	const struct gm_bucket *bk = &m->slab[r->b];
	bool touched =
	    t->tl.m.touch_b == r->b && t->tl.m.touch_map == mi && t->tl.m.worker >= 0 && t->tl.m.touch_b != 0;
	x = tui_puts(c, x, y, maxx, selected ? tui_glyph(t, TR_SELECTED) : " ",
	             selected ? TR_SELECTED : TR_NORMAL, 0);
	if (r->depth == 0)
		x = tui_printf(c, x, y, maxx, touched ? TR_TOUCHED : TR_LABEL, 0, "%4u", r->chain);
	else
		x = tui_printf(c, x, y, maxx, TR_DIM, 0, "  +%u", r->depth);
	x = tui_puts(c, x, y, maxx, " ", TR_NORMAL, 0);
	for (int s = 0; s < GM_BUCKET_CNT; s++) {
		char cell[16];
		enum tui_role role;
		slot_cell(t, bk->tophash[s], cell, &role);
		bool hit = touched && t->tl.m.touch_slot == s;
		tui_puts(c, x, y, maxx, cell, hit ? TR_TOUCHED : role, 0);
		x += s + 1 < GM_BUCKET_CNT ? 3 : 2;
	}
	x++;
	if (r->old && r->depth == 0) {
		uint64_t nold = gomap_noldbuckets(m);
		if (gomap_evacuated(m, r->chain)) {
			if (m->flags & GM_F_SAME_SIZE_GROW)
				x = tui_printf(c, x, y, maxx, TR_DIM, 0, "%s%u", t->ascii ? "->" : "→",
				               r->chain);
			else
				x = tui_printf(c, x, y, maxx, TR_DIM, 0, "%sX%u Y%" PRIu64,
				               t->ascii ? "->" : "→", r->chain, r->chain + nold);
		}
	} else if (bk->overflow) {
		x = tui_puts(c, x, y, maxx, t->ascii ? "v" : "↓", TR_DIM, 0);
	}
	probe_marks(t, mi, r->b, x + 1, y, maxx);
}

/* Rows of one array (old or new), appended to rows[]. */
static uint32_t array_rows(const struct gomap *m, bool old, struct brow *rows, uint32_t n, uint32_t *item)
{
	uint32_t first = old ? m->oldbuckets : m->buckets;
	uint64_t cnt = old ? gomap_noldbuckets(m) : (first ? (uint64_t)1 << m->B : 0);
	for (uint64_t j = 0; j < cnt; j++, (*item)++) {
		uint16_t d = 0;
		for (uint32_t b = first + (uint32_t)j; b; b = m->slab[b].overflow, d++)
			rows[n++] = (struct brow){old, 0, d, (uint32_t)j, b, *item};
	}
	return n;
}

static void heat_cell(const struct tui *t, const struct gomap *m, uint32_t b, char *out, enum tui_role *role)
{
	uint32_t live = 0, n = 0;
	for (uint32_t p = b; p; p = m->slab[p].overflow, n++)
		for (int s = 0; s < GM_BUCKET_CNT; s++)
			live += m->slab[p].tophash[s] >= GM_MIN_TOPHASH;
	if (n > 1) {
		*role = TR_HEAT3;
		snprintf(out, 16, "%s", tui_glyph(t, TR_HEAT3));
	} else if (live == 0) {
		*role = TR_HEAT0;
		snprintf(out, 16, "%s", tui_glyph(t, TR_HEAT0));
	} else {
		*role = live <= 3 ? TR_HEAT1 : live <= 6 ? TR_HEAT2 : TR_HEAT3;
		snprintf(out, 16, "%u", live);
	}
}

static void draw_heat(struct tui *t, struct tui_view *v, const struct gomap *m, uint32_t mi,
                      struct tui_rect r)
{
	struct tui_canvas *c = &t->cv;
	int y = r.y, maxx = r.x + r.w;
	tui_printf(c, r.x, y++, maxx, TR_DIM, 0, "heat map: entries per bucket (%s none, %s overflow)",
	           tui_glyph(t, TR_HEAT0), tui_glyph(t, TR_HEAT3));
	int per = r.w - 6;
	if (per < 8)
		return;
	per = per / 8 * 8;
	uint64_t nold = gomap_growing(m) ? gomap_noldbuckets(m) : 0,
	         nnew = m->buckets ? (uint64_t)1 << m->B : 0;
	v->nitems = (int)(nold + nnew);
	/* rows: a header per section, then ceil(n / per) lines */
	int total = (nold ? 1 + (int)((nold + (uint64_t)per - 1) / (uint64_t)per) : 0) + 1 +
	            (int)((nnew + (uint64_t)per - 1) / (uint64_t)per);
	int avail = r.y + r.h - y;
	v->page = per * (avail > 2 ? avail - 2 : 1);
	int sel_line = 0, line = 0;
	/* which line holds the selection */
	if (v->sel < (int)nold)
		sel_line = 1 + v->sel / per;
	else
		sel_line = (nold ? 1 + (int)((nold + (uint64_t)per - 1) / (uint64_t)per) : 0) + 1 +
		           (v->sel - (int)nold) / per;
	if (sel_line < v->scroll)
		v->scroll = sel_line;
	if (sel_line >= v->scroll + avail)
		v->scroll = sel_line - avail + 1;
	if (v->scroll > total - avail)
		v->scroll = total - avail > 0 ? total - avail : 0;
	for (int sec = 0; sec < 2; sec++) {
		bool old = sec == 0;
		uint64_t n = old ? nold : nnew;
		uint32_t first = old ? m->oldbuckets : m->buckets;
		if (old && !n)
			continue;
		if (line >= v->scroll && y < r.y + r.h)
			tui_printf(c, r.x, y++, maxx, TR_LABEL, TUI_A_BOLD, "%s buckets (%" PRIu64 ")",
			           old ? "old" : "new", n);
		line++;
		for (uint64_t j = 0; j < n; j += (uint64_t)per, line++) {
			if (line < v->scroll || y >= r.y + r.h)
				continue;
			int x = tui_printf(c, r.x, y, maxx, TR_DIM, 0, "%5" PRIu64 " ", j);
			for (uint64_t k = j; k < j + (uint64_t)per && k < n; k++) {
				char cell[16];
				enum tui_role role;
				uint32_t b = first + (uint32_t)k;
				heat_cell(t, m, b, cell, &role);
				int item = (int)(old ? k : nold + k);
				uint8_t attr = item == v->sel ? TUI_A_REVERSE : 0;
				bool touched = t->tl.m.touch_map == mi && t->tl.m.touch_b &&
				               chain_has(m, b, t->tl.m.touch_b);
				tui_puts(c, x, y, maxx, cell, touched ? TR_TOUCHED : role, attr);
				x++;
			}
			y++;
		}
	}
}

static void draw_map_body(struct tui *t, struct tui_view *v, struct tui_rect r, const struct gomap *m,
                          uint32_t mi)
{
	struct tui_canvas *c = &t->cv;
	if (r.h <= 0 || r.w <= 0)
		return;
	int maxx = r.x + r.w;
	if (m->is_nil || !m->buckets) {
		tui_puts(c, r.x + 1, r.y, maxx,
		         m->is_nil ? "nil map: no buckets, and a write panics"
		                   : "no buckets yet: the first write allocates them",
		         TR_DIM, 0);
		v->nitems = 0;
		return;
	}
	uint32_t nrows = 0, item = 0;
	uint64_t nold = gomap_growing(m) ? gomap_noldbuckets(m) : 0;
	/* rows for every bucket of both arrays */
	uint32_t cap = m->slab_len + 4;
	struct brow *rows = malloc(cap * sizeof *rows);
	if (!rows)
		return;
	uint32_t old_end = nold ? array_rows(m, true, rows, 0, &item) : 0;
	nrows = array_rows(m, false, rows, old_end, &item);
	v->nitems = (int)item;
	if (v->sel >= v->nitems)
		v->sel = v->nitems - 1;
	if (v->sel < 0)
		v->sel = 0;
	int roww = 1 + 4 + 1 + 3 * GM_BUCKET_CNT + 10;
	bool side = nold && r.w >= 2 * roww + 2;
	int need = side ? (int)(old_end > nrows - old_end ? old_end : nrows - old_end) + 1
	                : (int)nrows + (nold ? 2 : 1);
	if (need > r.h) {
		free(rows);
		draw_heat(t, v, m, mi, r);
		return;
	}
	v->scroll = 0;
	v->page = r.h;
	struct tui_rect cols[2];
	if (side) {
		int cw = r.w / 2;
		cols[0] = (struct tui_rect){r.x, r.y, cw - 1, r.h};
		cols[1] = (struct tui_rect){r.x + cw, r.y, r.w - cw, r.h};
	} else {
		cols[0] = cols[1] = r;
	}
	int y = r.y;
	for (int sec = 0; sec < 2; sec++) {
		bool old = sec == 0;
		if (old && !nold)
			continue;
		struct tui_rect cr = side ? cols[sec] : r;
		if (side)
			y = cr.y;
		uint64_t n = old ? nold : (uint64_t)1 << m->B;
		if (old)
			tui_printf(c, cr.x, y++, cr.x + cr.w, TR_LABEL, TUI_A_BOLD,
			           "old buckets (%" PRIu64 "), evacuating%s", n,
			           cr.w < 50 || m->flags & GM_F_SAME_SIZE_GROW
			               ? ":"
			               : " (X: same index, Y: + old size):");
		else
			tui_printf(c, cr.x, y++, cr.x + cr.w, TR_LABEL, TUI_A_BOLD,
			           "%sbuckets (%" PRIu64 ", B=%u)", nold ? "new " : "", n, m->B);
		uint32_t lo = old ? 0 : old_end, hi = old ? old_end : nrows;
		for (uint32_t k = lo; k < hi && y < cr.y + cr.h; k++)
			draw_bucket_row(t, m, mi, &rows[k], cr.x, y++, cr.x + cr.w,
			                rows[k].depth == 0 && (int)rows[k].item == v->sel &&
			                    t->focus == TP_MAP);
	}
	free(rows);
}

/* Up/Down/PgUp/PgDn move a view's selection; a page is what it last drew,
 * or `page` rows before its first draw. */
static void gomap_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	draw_map_body(t, v, r, &tui_world(t)->maps[0].u.classic, 0);
}

const struct tui_view_ops tui_gomap_view = {"buckets", gomap_draw, tui_map_key};

static void sharded_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	int maxx = r.x + r.w, y = r.y;
	if (r.h < 3)
		return;
	int64_t total = 0;
	for (uint32_t s = 0; s < w->nmaps; s++)
		total += w->maps[s].u.classic.count;
	tui_printf(c, r.x, y++, maxx, TR_LABEL, 0,
	           "%u shards, each a map behind its own RWMutex; total count %" PRId64, w->nmaps, total);
	int x = tui_puts(c, r.x, y, maxx, "count per shard ([ ]): ", TR_DIM, 0);
	for (uint32_t s = 0; s < w->nmaps && x < maxx; s++) {
		char cell[16];
		enum tui_role role;
		heat_cell(t, &w->maps[s].u.classic, w->maps[s].u.classic.buckets, cell, &role);
		if (w->maps[s].u.classic.count > 0 && w->maps[s].u.classic.count < 10)
			snprintf(cell, sizeof cell, "%" PRId64, w->maps[s].u.classic.count);
		else if (w->maps[s].u.classic.count >= 10)
			snprintf(cell, sizeof cell, "+");
		x = tui_puts(c, x, y, maxx, cell, role, s == t->shard ? TUI_A_REVERSE : 0);
	}
	y++;
	char lb[40];
	uint32_t li = w->map_lock + t->shard;
	tui_printf(c, r.x, y++, maxx, TR_LABEL, TUI_A_BOLD, "shard %u (%s):", t->shard,
	           mv_world_lock_name(w, li, lb, sizeof lb));
	draw_map_body(t, v, (struct tui_rect){r.x, y, r.w, r.y + r.h - y}, cur_map(t), t->shard);
}

static int sharded_key(struct tui *t, struct tui_view *v, enum tui_action a)
{
	const struct mv_world *w = tui_world(t);
	if (a == TA_SHARD_NEXT || a == TA_SHARD_PREV) {
		t->shard = (t->shard + (a == TA_SHARD_NEXT ? 1 : w->nmaps - 1)) % w->nmaps;
		v->sel = 0;
		return TUI_HANDLED | TUI_REDRAW;
	}
	return tui_map_key(t, v, a);
}

const struct tui_view_ops tui_sharded_view = {"shards", sharded_draw, sharded_key};

static void draw_inspector(struct tui *t)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	const struct gomap *m = cur_map(t);
	const struct tui_view *v = &t->views[TP_MAP];
	uint64_t nold = gomap_growing(m) ? gomap_noldbuckets(m) : 0;
	bool old = (uint64_t)v->sel < nold;
	uint64_t j = old ? (uint64_t)v->sel : (uint64_t)v->sel - nold;
	uint32_t first = old ? m->oldbuckets : m->buckets;
	char title[80];
	snprintf(title, sizeof title, "%s bucket %" PRIu64, old ? "old" : "", j);
	struct tui_rect in =
	    tui_overlay_box(t, 100, c->h - 2, title[0] == ' ' ? title + 1 : title, TR_BORDER_FOCUS);
	int maxx = in.x + in.w, y = in.y;
	if (!first) {
		tui_puts(c, in.x + 1, y, maxx, "no buckets yet", TR_DIM, 0);
		return;
	}
	uint8_t B = old ? (uint8_t)(m->B - (m->flags & GM_F_SAME_SIZE_GROW ? 0 : 1)) : m->B;
	tui_printf(c, in.x + 1, y++, maxx, TR_LABEL, 0,
	           "bucket = hash & (2^B-1), B=%u; tophash = hash >> 56 (+5 if below 5)", B);
	tui_printf(c, in.x + 1, y++, maxx, TR_LABEL, TUI_A_BOLD, "%-4s %-4s %-10s %-10s %-8s %-16s  %s",
	           "slot", "top", "state", "key", "value", "hash", "bucket, top byte");
	int depth = 0;
	for (uint32_t b = first + (uint32_t)j; b && y < in.y + in.h - 1; b = m->slab[b].overflow, depth++) {
		if (depth)
			tui_printf(c, in.x + 1, y++, maxx, TR_DIM, 0,
			           "overflow bucket %d of the chain:", depth);
		const struct gm_bucket *bk = &m->slab[b];
		for (int s = 0; s < GM_BUCKET_CNT && y < in.y + in.h - 1; s++, y++) {
			uint8_t th = bk->tophash[s];
			static const char *const states[] = {"emptyRest", "emptyOne", "evacX", "evacY",
			                                     "evacEmpty"};
			char cell[16];
			enum tui_role role;
			slot_cell(t, th, cell, &role);
			bool touched = t->tl.m.touch_b == b && t->tl.m.touch_slot == s;
			int x =
			    tui_printf(c, in.x + 1, y, maxx, touched ? TR_TOUCHED : TR_NORMAL, 0, "%-4d", s);
			tui_puts(c, x + 1, y, maxx, cell, role, 0);
			x += 5;
			x = tui_printf(c, x, y, maxx, role, 0, "%-10s",
			               th < GM_MIN_TOPHASH ? states[th] : "live");
			if (th >= GM_MIN_TOPHASH) {
				char k[64];
				tui_key_text(w, bk->keys[s], k, sizeof k);
				uint64_t h = gomap_hash(m, bk->keys[s]);
				uint64_t mask = ((uint64_t)1 << B) - 1;
				x = tui_printf(c, x + 1, y, maxx, TR_VALUE, 0, "%-10.10s", k);
				x = tui_printf(c, x + 1, y, maxx, TR_VALUE, 0, "%-8" PRId64, bk->vals[s]);
				x = tui_printf(c, x + 1, y, maxx, TR_DIM, 0, "%016" PRIx64, h);
				tui_printf(c, x + 2, y, maxx, TR_NORMAL, 0, "%" PRIu64 ", %02x", h & mask,
				           (unsigned)(h >> 56));
			}
		}
	}
	tui_puts(c, in.x + 1, in.y + in.h - 1, maxx, "Esc closes · hashes use the map's hash0 now", TR_DIM,
	         0);
}

static const char *why_no_inspect(const struct tui *t)
{
	return cur_map(t)->buckets ? NULL : "no buckets yet: the first write allocates them";
}

static uint64_t panel_size(const struct tui *t)
{
	return (uint64_t)1 << cur_map(t)->B;
}

const struct tui_mapview tui_gomap_mapview = {
	.view = &tui_gomap_view,
	.sharded = &tui_sharded_view,
	.draw_header = draw_hmap,
	.draw_inspector = draw_inspector,
	.why_no_inspect = why_no_inspect,
	.panel_size = panel_size,
};
