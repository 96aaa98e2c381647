/*
 * view_syncmap: Go 1.19's sync.Map on screen — its header lines (read,
 * amended, dirty, misses, mu; S1), the map panel with read.m and dirty
 * side by side, and its row of the view table (tui_syncmap_mapview).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "tui_int.h"

/* ---- the map panel: sync.Map ---- */

/* The header lines for a sync.Map (S1): read, amended, dirty, misses, mu. */
static void draw_sync_header(struct tui *t, int y)
{
	struct tui_canvas *c = &t->cv;
	const struct syncmap *sm = &tui_world(t)->sm->u.classic;
	int maxx = c->w - 1;
	struct tui_seg s[24];
	int n = 0;
	char rd[40], dt[40], ms[32], prom[80], proms[40];
	if (sm->read_m == SM_NIL)
		snprintf(rd, sizeof rd, "unset");
	else
		snprintf(rd, sizeof rd, "%u entries", syncmap_len(sm, SM_READ));
	if (sm->dirty == SM_NIL)
		snprintf(dt, sizeof dt, "nil");
	else
		snprintf(dt, sizeof dt, "%u entries", syncmap_len(sm, SM_DIRTY));
	snprintf(ms, sizeof ms, "%" PRId64, sm->misses);
	s[n++] = (struct tui_seg){"sync.Map", TR_TITLE, TUI_A_BOLD, 0};
	s[n++] = (struct tui_seg){"  read.m ", TR_LABEL, 0, 0};
	s[n++] = (struct tui_seg){rd, TR_VALUE, 0, 0};
	s[n++] = (struct tui_seg){"  amended ", TR_LABEL, 0, 0};
	s[n++] = (struct tui_seg){sm->amended ? "true" : "false", sm->amended ? TR_WRITING : TR_VALUE, 0, 0};
	s[n++] = (struct tui_seg){"  dirty ", TR_LABEL, 0, 0};
	s[n++] = (struct tui_seg){dt, TR_VALUE, 0, 0};
	s[n++] = (struct tui_seg){"  misses ", TR_LABEL, 0, 0};
	s[n++] = (struct tui_seg){ms, TR_VALUE, 0, 0};
	if (sm->dirty != SM_NIL) {
		/* S6: misses reaching len(dirty) promote dirty to read */
		uint32_t d = syncmap_len(sm, SM_DIRTY);
		snprintf(prom, sizeof prom, " of %u: at len(dirty) = %u, dirty is promoted", d, d);
		snprintf(proms, sizeof proms, "/%u to promote", d);
		s[n++] = (struct tui_seg){prom, TR_LABEL, 0, 1};
		s[n++] = (struct tui_seg){proms, TR_LABEL, 0, -1};
	}
	tui_segs_draw(c, 1, y, maxx, s, n, tui_segs_fit(s, n, maxx - 1));
	y++;
	int x = tui_puts(c, 1, y, maxx, "mu ", TR_LABEL, 0);
	const struct mv_mutex *mu = &sm->mu.mu;
	if (mu->state & MV_MUTEX_LOCKED) {
		x = tui_puts(c, x, y, maxx, "held by", TR_LABEL, 0);
		for (uint32_t k = 0; k < 64; k++)
			if (mu->holder_mask >> k & 1)
				x = tui_printf(c, x, y, maxx, TR_RUNNING, 0, " G%u", k + 1);
	} else {
		x = tui_puts(c, x, y, maxx, "free", TR_DIM, 0);
	}
	if (mu->sema.n) {
		x = tui_puts(c, x, y, maxx, ", waiting:", TR_LABEL, 0);
		for (uint32_t k = 0; k < mu->sema.n; k++)
			x = tui_printf(c, x, y, maxx, TR_BLOCKED, 0, " G%u", mu->sema.q[k] + 1);
	}
	char p1[32], p2[32], p3[32], p4[32];
	snprintf(p1, sizeof p1, "%" PRIu64, sm->promotions);
	snprintf(p2, sizeof p2, "%" PRIu64, sm->dirty_inits);
	snprintf(p3, sizeof p3, "%" PRIu64, sm->expunges);
	snprintf(p4, sizeof p4, "%u", syncmap_retired(sm));
	n = 0;
	s[n++] = (struct tui_seg){"  promotions ", TR_LABEL, 0, 0};
	s[n++] = (struct tui_seg){p1, TR_VALUE, 0, 0};
	s[n++] = (struct tui_seg){"  dirty rebuilds ", TR_LABEL, 0, 0};
	s[n++] = (struct tui_seg){p2, TR_VALUE, 0, 0};
	s[n++] = (struct tui_seg){"  expunged ", TR_LABEL, 0, 0};
	s[n++] = (struct tui_seg){p3, TR_VALUE, 0, 0};
	s[n++] = (struct tui_seg){"  retired read maps ", TR_LABEL, 0, 1};
	s[n++] = (struct tui_seg){p4, TR_VALUE, 0, 1};
	tui_segs_draw(c, x, y, maxx, s, n, tui_segs_fit(s, n, maxx - x));
}

static void sync_list(struct tui *t, const struct syncmap *sm, enum sm_which which, struct tui_rect r,
                      int scroll)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	int maxx = r.x + r.w, y = r.y;
	bool nil = which == SM_READ ? sm->read_m == SM_NIL : sm->dirty == SM_NIL;
	if (which == SM_READ)
		tui_printf(c, r.x, y++, maxx, TR_LABEL, TUI_A_BOLD, "read.m%s",
		           sm->amended ? " (amended)" : "");
	else
		tui_puts(c, r.x, y++, maxx, "dirty", TR_LABEL, TUI_A_BOLD);
	if (nil) {
		tui_puts(c, r.x + 2, y, maxx, which == SM_READ ? "unset: nothing stored yet" : "nil", TR_DIM,
		         0);
		return;
	}
	uint32_t n = syncmap_list(sm, which, NULL, 0);
	if (!n) {
		tui_puts(c, r.x + 2, y, maxx, "empty", TR_DIM, 0);
		return;
	}
	struct sm_item *items = malloc(n * sizeof *items);
	if (!items)
		return;
	syncmap_list(sm, which, items, n);
	for (uint32_t i = (uint32_t)(scroll > 0 ? scroll : 0); i < n && y < r.y + r.h; i++, y++) {
		const struct sm_entry *e = syncmap_entry(sm, items[i].entry);
		char k[64];
		tui_key_text(w, items[i].key, k, sizeof k);
		bool touched = t->tl.m.touch_entry == items[i].entry;
		int x = tui_printf(c, r.x + 1, y, maxx, touched ? TR_TOUCHED : TR_VALUE, 0, "%-8.8s", k);
		x = tui_printf(c, x + 1, y, maxx, TR_DIM, 0, "e%-3u", items[i].entry);
		if (!e)
			continue;
		switch (e->p) {
		case SM_P_VALUE:
			x = tui_printf(c, x + 1, y, maxx, TR_LIVE, 0, "%s %" PRId64, t->ascii ? "->" : "→",
			               e->value);
			break;
		case SM_P_NIL: x = tui_puts(c, x + 1, y, maxx, "nil (deleted)", TR_EMPTY_ONE, 0); break;
		case SM_P_EXPUNGED: x = tui_puts(c, x + 1, y, maxx, "expunged", TR_EVAC_EMPTY, 0); break;
		}
		for (uint32_t q = 0; q < w->nworkers; q++) {
			const struct mv_worker *wk = &w->workers[q];
			if (wk->in_op && wk->op.stage == MV_ST_SYNC && wk->op.sop.classic.e == items[i].entry &&
			    wk->op.sop.classic.steps && wk->op.sop.classic.phase != SM_PH_DONE)
				x = tui_printf(c, x + 1, y, maxx, TR_PROBE, 0, "%sG%u",
				               tui_glyph(t, TR_PROBE), q + 1);
		}
	}
	free(items);
}

static void sync_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	const struct syncmap *sm = &tui_world(t)->sm->u.classic;
	if (!sm || r.h < 2)
		return;
	uint32_t n = syncmap_list(sm, SM_READ, NULL, 0), d = syncmap_list(sm, SM_DIRTY, NULL, 0);
	v->nitems = (int)(n > d ? n : d);
	v->page = r.h - 1;
	if (v->sel >= v->nitems)
		v->sel = v->nitems - 1;
	if (v->sel < 0)
		v->sel = 0;
	v->scroll = v->sel;
	if (r.w >= 60) {
		int cw = r.w / 2;
		sync_list(t, sm, SM_READ, (struct tui_rect){r.x, r.y, cw - 1, r.h}, v->scroll);
		sync_list(t, sm, SM_DIRTY, (struct tui_rect){r.x + cw, r.y, r.w - cw, r.h}, v->scroll);
	} else {
		int h1 = r.h / 2;
		sync_list(t, sm, SM_READ, (struct tui_rect){r.x, r.y, r.w, h1}, v->scroll);
		sync_list(t, sm, SM_DIRTY, (struct tui_rect){r.x, r.y + h1, r.w, r.h - h1}, v->scroll);
	}
}

const struct tui_view_ops tui_syncmap_view = {"sync.Map", sync_draw, tui_map_key};

static void sync_no_inspector(struct tui *t)
{
	(void)t;
}

static const char *sync_why_no_inspect(const struct tui *t)
{
	(void)t;
	return "a sync.Map's entries are all on screen: read.m and dirty side by side";
}

static uint64_t sync_panel_size(const struct tui *t)
{
	const struct syncmap *sm = &tui_world(t)->sm->u.classic;
	return syncmap_list(sm, SM_READ, NULL, 0) + syncmap_list(sm, SM_DIRTY, NULL, 0);
}

static int sync_rows_wanted(const struct tui *t)
{
	return (int)sync_panel_size(t) + 4;
}

/* Go 1.19's sync.Map as a row of the view table (view_maps.c). */
const struct tui_mapview tui_syncmap_mapview = {
	.view = &tui_syncmap_view,
	.sharded = &tui_syncmap_view,
	.draw_header = draw_sync_header,
	.draw_inspector = sync_no_inspector,
	.why_no_inspect = sync_why_no_inspect,
	.panel_size = sync_panel_size,
	.rows_wanted = sync_rows_wanted,
};
