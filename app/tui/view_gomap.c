/*
 * view_gomap: the classic engine's (Go 1.19's bucket map) part of the TUI —
 * the hmap lines, the buckets panel (bucket rows with tophash bytes, the
 * →X/→Y marks of evacuated old buckets, probe marks and, where the width
 * allows, the keys and values), sharded maps (a line per shard with its
 * lock, then the shard shown), and the bucket inspector.
 *
 * Fitting the buckets panel: every bucket row if they fit; else the empty
 * buckets (all slots emptyRest, no overflow) are listed on one line; else a
 * map of up to 16 buckets scrolls to what matters now (the selection, the
 * bucket the latest step touched, a probe); only a bigger map folds into
 * the heat map.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../out.h"
#include "tui_int.h"

#define HEAT_MIN_BUCKETS 17 /* maps of up to 16 buckets always show rows */

static const struct gomap *cur_map(const struct tui *t)
{
	const struct mv_world *w = tui_world(t);
	return &w->maps[t->shard < w->nmaps ? t->shard : 0].u.classic.m;
}

/* The workers whose write holds hashWriting on map `mi` (M5.4 .. M5.12). */
static uint64_t writers_of(const struct mv_world *w, uint32_t mi)
{
	uint64_t mask = 0;
	for (uint32_t i = 0; i < w->nworkers; i++) {
		const struct mv_worker *wk = &w->workers[i];
		if (!wk->in_op || wk->op.stage != MV_ST_MAP || wk->op.shard != mi)
			continue;
		const struct gm_op *g = &wk->op.mop.classic.op;
		if ((g->kind == GM_OP_ASSIGN || g->kind == GM_OP_DELETE || g->kind == GM_OP_CLEAR) &&
		    g->phase > GM_PH_SET_WRITING && g->phase <= GM_PH_CHECK_AND_CLEAR)
			mask |= (uint64_t)1 << i;
	}
	return mask;
}

/* ---- the hmap lines ---- */

static void draw_hmap(struct tui *t, int y)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	const struct gomap *m = cur_map(t);
	uint32_t mi = t->shard < w->nmaps ? t->shard : 0;
	int maxx = c->w - 1;
	struct tui_seg s[24];
	int n = 0;
	char sh[32], cnt[32], bb[48], ld[32], fl[200], nb[40];
	if (w->nmaps > 1) {
		snprintf(sh, sizeof sh, "shard %u ", mi);
		s[n++] = (struct tui_seg){sh, TR_LABEL, 0, 0};
	}
	s[n++] = (struct tui_seg){"hmap", TR_TITLE, TUI_A_BOLD, 0};
	if (m->is_nil) {
		s[n++] = (struct tui_seg){"  nil map: reads find nothing, a write panics", TR_VALUE, 0, 0};
		tui_segs_draw(c, 1, y, maxx, s, n, 0);
		return;
	}
	snprintf(cnt, sizeof cnt, "%" PRId64, m->count);
	snprintf(bb, sizeof bb, "%u", m->B);
	double load = (double)m->count / (double)((uint64_t)1 << m->B);
	snprintf(ld, sizeof ld, "%.2f", load);
	snprintf(nb, sizeof nb, " (%" PRIu64 " bucket%s)", (uint64_t)1 << m->B, m->B ? "s" : "");
	s[n++] = (struct tui_seg){"  count ", TR_LABEL, 0, 0};
	s[n++] = (struct tui_seg){cnt, TR_VALUE, 0, 0};
	s[n++] = (struct tui_seg){"  B ", TR_LABEL, 0, 0};
	s[n++] = (struct tui_seg){bb, TR_VALUE, 0, 0};
	s[n++] = (struct tui_seg){nb, TR_LABEL, 0, 0};
	s[n++] = (struct tui_seg){"  load ", TR_LABEL, 0, 0};
	s[n++] = (struct tui_seg){ld, load > 6.5 ? TR_WRITING : TR_VALUE, 0, 0};
	s[n++] = (struct tui_seg){" / 6.5 per bucket", TR_LABEL, 0, 1};
	s[n++] = (struct tui_seg){" / 6.5", TR_LABEL, 0, -1};
	s[n++] = (struct tui_seg){"  flags ", TR_LABEL, 0, 0};
	/* the flags by name; hashWriting with the goroutines that hold it */
	static const struct {
		uint8_t bit;
		const char *name;
	} fls[] = {{GM_F_HASH_WRITING, "hashWriting"},
	           {GM_F_ITERATOR, "iterator"},
	           {GM_F_OLD_ITERATOR, "oldIterator"},
	           {GM_F_SAME_SIZE_GROW, "sameSizeGrow"}};
	char wr[120] = "";
	int o = 0;
	fl[0] = '\0';
	for (size_t i = 0; i < sizeof fls / sizeof fls[0]; i++) {
		if (!(m->flags & fls[i].bit))
			continue;
		if (fls[i].bit != GM_F_HASH_WRITING) {
			o += snprintf(fl + o, sizeof fl - (size_t)o, "%s%s",
			              o || (m->flags & GM_F_HASH_WRITING) ? " " : "", fls[i].name);
			continue;
		}
		int wo = snprintf(wr, sizeof wr, "hashWriting");
		uint64_t h = writers_of(w, mi);
		for (uint32_t k = 0; k < w->nworkers && h; k++)
			if (h >> k & 1) {
				wo += snprintf(wr + wo, sizeof wr - (size_t)wo, "%sG%u",
				               h & (((uint64_t)1 << k) - 1) ? "," : "(", k + 1);
				if (!(h >> (k + 1)))
					snprintf(wr + wo, sizeof wr - (size_t)wo, ")");
			}
	}
	if (!m->flags)
		s[n++] = (struct tui_seg){"0", TR_VALUE, 0, 0};
	if (wr[0])
		s[n++] = (struct tui_seg){wr, TR_WRITING, 0, 0};
	if (fl[0])
		s[n++] = (struct tui_seg){fl, TR_VALUE, 0, 0};
	tui_segs_draw(c, 1, y, maxx, s, n, tui_segs_fit(s, n, maxx - 1));

	/* line 2: overflow, seed, growth, memory */
	y++;
	n = 0;
	char nov[16], h0[16], fill[64], empty[64], done_s[40], nev[64], th[64], th2[64];
	snprintf(nov, sizeof nov, "%u", m->noverflow);
	snprintf(h0, sizeof h0, "%#" PRIx32, m->hash0);
	s[n++] = (struct tui_seg){"noverflow ", TR_LABEL, 0, 0};
	s[n++] = (struct tui_seg){nov, TR_VALUE, 0, 0};
	s[n++] = (struct tui_seg){"  hash0 ", TR_LABEL, 0, 3};
	s[n++] = (struct tui_seg){h0, TR_VALUE, 0, 3};
	if (gomap_growing(m)) {
		uint64_t nold = gomap_noldbuckets(m), done = 0;
		for (uint64_t j = 0; j < nold; j++)
			done += gomap_evacuated(m, j);
		s[n++] = (struct tui_seg){m->flags & GM_F_SAME_SIZE_GROW ? "  same-size grow " : "  growing ",
		                          TR_EVENT_GROW, TUI_A_BOLD, 0};
		tui_bar_text(t, 6, done, nold, fill, sizeof fill, empty, sizeof empty);
		s[n++] = (struct tui_seg){fill, TR_BAR_FILL, 0, 0};
		s[n++] = (struct tui_seg){empty, TR_BAR_EMPTY, 0, 0};
		snprintf(done_s, sizeof done_s, " %" PRIu64 "/%" PRIu64, done, nold);
		s[n++] = (struct tui_seg){done_s, TR_VALUE, 0, 0};
		snprintf(nev, sizeof nev, " old buckets moved (nevacuate %" PRIu64 ")", m->nevacuate);
		s[n++] = (struct tui_seg){nev, TR_LABEL, 0, 1};
	} else {
		uint64_t lim = m->B == 0 ? 8 : (uint64_t)13 << (m->B - 1);
		snprintf(th, sizeof th, "  not growing: grows when count > %" PRIu64, lim);
		snprintf(th2, sizeof th2, "  grows at count > %" PRIu64, lim);
		s[n++] = (struct tui_seg){th, TR_LABEL, 0, 1};
		s[n++] = (struct tui_seg){th2, TR_LABEL, 0, -1};
	}
	struct gm_memory mem;
	gomap_memory(m, &mem);
	char b1[24], b2[24], b3[24];
	tui_fmt_bytes(mem.buckets, b1, sizeof b1);
	tui_fmt_bytes(mem.overflow, b2, sizeof b2);
	tui_fmt_bytes(mem.old, b3, sizeof b3);
	/* the memory by part: in words where they fit */
	s[n++] = (struct tui_seg){"  memory: buckets ", TR_LABEL, 0, 2};
	s[n++] = (struct tui_seg){"  mem ", TR_LABEL, 0, -2};
	s[n++] = (struct tui_seg){b1, TR_VALUE, 0, 0};
	s[n++] = (struct tui_seg){", overflow ", TR_LABEL, 0, 2};
	s[n++] = (struct tui_seg){" + ovf ", TR_LABEL, 0, -2};
	s[n++] = (struct tui_seg){b2, TR_VALUE, 0, 0};
	s[n++] = (struct tui_seg){", old ", TR_LABEL, 0, 2};
	s[n++] = (struct tui_seg){" + old ", TR_LABEL, 0, -2};
	s[n++] = (struct tui_seg){b3, TR_VALUE, 0, 0};
	tui_segs_draw(c, 1, y, maxx, s, n, tui_segs_fit(s, n, maxx - 1));
}

/* ---- the map panel: bucket rows ---- */

enum bl_kind { BL_TITLE, BL_BUCKET, BL_EMPTY };

/* One line of the buckets panel. */
struct bline {
	uint8_t kind;   /* enum bl_kind */
	uint8_t old;    /* old array */
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

/* The slab bucket worker i's map operation on map mi is at, or 0. */
static uint32_t probe_at(const struct mv_world *w, uint32_t i, uint32_t mi)
{
	const struct mv_worker *wk = &w->workers[i];
	if (!wk->in_op || wk->op.stage != MV_ST_MAP || wk->op.shard != mi || !wk->op.mop.classic.op.steps ||
	    wk->op.mop.classic.op.phase == GM_PH_DONE)
		return 0;
	const struct gm_op *g = &wk->op.mop.classic.op;
	return g->phase == GM_PH_INSERT && g->insb ? g->insb : g->b ? g->b : g->touch_b;
}

/* Probe marks (◂G1) of the workers at slab bucket b of map mi. */
static int probe_marks(struct tui *t, uint32_t mi, uint32_t b, int x, int y, int maxx)
{
	const struct mv_world *w = tui_world(t);
	for (uint32_t i = 0; i < w->nworkers; i++)
		if (probe_at(w, i, mi) == b)
			x = tui_printf(&t->cv, x, y, maxx, TR_PROBE, 0, "%sG%u", tui_glyph(t, TR_PROBE),
			               i + 1);
	return x;
}

static bool probed(const struct tui *t, uint32_t mi, uint32_t b)
{
	const struct mv_world *w = tui_world(t);
	for (uint32_t i = 0; i < w->nworkers; i++)
		if (probe_at(w, i, mi) == b)
			return true;
	return false;
}

static bool touched_bucket(const struct tui *t, uint32_t mi, uint32_t b)
{
	return t->tl.m.touch_b == b && t->tl.m.touch_map == mi && t->tl.m.worker >= 0 && b != 0;
}

/* The live entries of a bucket as "k=v k=v" (vals) or "k k"; the width. */
static int keys_text(const struct tui *t, const struct gm_bucket *bk, bool vals, char *buf, size_t len)
{
	const struct mv_world *w = tui_world(t);
	size_t o = 0;
	buf[0] = '\0';
	for (int s = 0; s < GM_BUCKET_CNT && o + 1 < len; s++) {
		if (bk->tophash[s] < GM_MIN_TOPHASH)
			continue;
		char k[64];
		tui_key_text(w, bk->keys[s], k, sizeof k);
		int n = vals ? snprintf(buf + o, len - o, "%s%s=%" PRId64, o ? " " : "", k, bk->vals[s])
		             : snprintf(buf + o, len - o, "%s%s", o ? " " : "", k);
		if (n < 0 || (size_t)n >= len - o) {
			buf[o] = '\0';
			break;
		}
		o += (size_t)n;
	}
	return tui_text_width(buf);
}

/* Only emptyRest slots and no overflow: a row that says nothing. */
static bool bucket_empty(const struct gomap *m, uint32_t b)
{
	const struct gm_bucket *bk = &m->slab[b];
	if (bk->overflow)
		return false;
	for (int s = 0; s < GM_BUCKET_CNT; s++)
		if (bk->tophash[s] != GM_EMPTY_REST)
			return false;
	return true;
}

/* The columns a bucket row's marks take after its bytes: →X0 Y4, ↓, ◂G1. */
static int row_marks(const struct tui *t, const struct gomap *m, uint32_t mi, const struct bline *r)
{
	const struct mv_world *w = tui_world(t);
	const struct gm_bucket *bk = &m->slab[r->b];
	char buf[64];
	int n = 0;
	if (r->old && r->depth == 0 && gomap_evacuated(m, r->chain))
		n += 1 + (t->ascii ? 2 : 1) +
		     (m->flags & GM_F_SAME_SIZE_GROW ? snprintf(buf, sizeof buf, "%u", r->chain)
		                                     : snprintf(buf, sizeof buf, "X%u Y%" PRIu64, r->chain,
		                                                r->chain + gomap_noldbuckets(m)));
	else if (bk->overflow)
		n += 2;
	n++;
	for (uint32_t i = 0; i < w->nworkers; i++)
		if (probe_at(w, i, mi) == r->b)
			n += 1 + snprintf(buf, sizeof buf, "G%u", i + 1);
	return n;
}

/* How a bucket row shows its live entries: not at all, keys, key=value. */
enum { KEYS_NONE, KEYS_KEYS, KEYS_VALUES };

static void draw_bucket_row(struct tui *t, const struct gomap *m, uint32_t mi, const struct bline *r, int x,
                            int y, int maxx, int idxw, bool selected, int keymode)
{
	struct tui_canvas *c = &t->cv;
	const struct gm_bucket *bk = &m->slab[r->b];
	bool touched = touched_bucket(t, mi, r->b);
	x = tui_puts(c, x, y, maxx, selected ? tui_glyph(t, TR_SELECTED) : " ",
	             selected ? TR_SELECTED : TR_NORMAL, 0);
	if (r->depth == 0)
		x = tui_printf(c, x, y, maxx, touched ? TR_TOUCHED : TR_LABEL, 0, "%*u", idxw, r->chain);
	else
		x = tui_printf(c, x, y, maxx, TR_DIM, 0, "%*s+%u", idxw - 2, "", r->depth);
	x++;
	for (int s = 0; s < GM_BUCKET_CNT; s++) {
		char cell[16];
		enum tui_role role;
		slot_cell(t, bk->tophash[s], cell, &role);
		bool hit = touched && t->tl.m.touch_slot == s;
		tui_puts(c, x, y, maxx, cell, hit ? TR_TOUCHED : role, 0);
		x += s + 1 < GM_BUCKET_CNT ? 3 : 2;
	}
	if (r->old && r->depth == 0 && gomap_evacuated(m, r->chain)) {
		if (m->flags & GM_F_SAME_SIZE_GROW)
			x = tui_printf(c, x + 1, y, maxx, TR_DIM, 0, "%s%u", t->ascii ? "->" : "→", r->chain);
		else
			x = tui_printf(c, x + 1, y, maxx, TR_DIM, 0, "%sX%u Y%" PRIu64, t->ascii ? "->" : "→",
			               r->chain, r->chain + gomap_noldbuckets(m));
	} else if (bk->overflow) {
		x = tui_puts(c, x + 1, y, maxx, t->ascii ? "v" : "↓", TR_DIM, 0);
	}
	x = probe_marks(t, mi, r->b, x + 1, y, maxx);
	if (keymode == KEYS_NONE)
		return;
	/* the keys (and values) of the live slots, in slot order: the n-th
	 * live tophash byte is the n-th key; what does not fit is counted */
	char keys[300];
	int room = maxx - x - 1;
	if (keys_text(t, bk, keymode == KEYS_VALUES, keys, sizeof keys) <= room) {
		tui_puts(c, x + 1, y, maxx, keys, TR_DIM, 0);
		return;
	}
	keys_text(t, bk, false, keys, sizeof keys);
	int live = 0, shown = 0, ow = 0;
	for (int s = 0; s < GM_BUCKET_CNT; s++)
		live += bk->tophash[s] >= GM_MIN_TOPHASH;
	/* whole keys, then "+N" for the rest */
	char out[300] = "";
	for (const char *tok = keys; *tok;) {
		const char *sp = strchr(tok, ' ');
		int tl = sp ? (int)(sp - tok) : (int)strlen(tok);
		int rest = live - shown - 1;
		int need = ow + (ow ? 1 : 0) + tl + (rest > 0 ? 2 + (rest > 9 ? 2 : 1) : 0);
		if (need > room)
			break;
		ow += snprintf(out + ow, sizeof out - (size_t)ow, "%s%.*s", ow ? " " : "", tl, tok);
		shown++;
		tok = sp ? sp + 1 : tok + tl;
	}
	if (shown == 0)
		return;
	x = tui_puts(c, x + 1, y, maxx, out, TR_DIM, 0);
	if (shown < live)
		tui_printf(c, x + 1, y, maxx, TR_DIM, 0, "+%d", live - shown);
}

/* Lines of one array (old or new), appended to ls[] from n. */
static uint32_t array_lines(const struct gomap *m, bool old, struct bline *ls, uint32_t n, uint32_t *item)
{
	uint32_t first = old ? m->oldbuckets : m->buckets;
	uint64_t cnt = old ? gomap_noldbuckets(m) : (first ? (uint64_t)1 << m->B : 0);
	ls[n++] = (struct bline){BL_TITLE, old, 0, 0, 0, *item};
	for (uint64_t j = 0; j < cnt; j++, (*item)++) {
		uint16_t d = 0;
		for (uint32_t b = first + (uint32_t)j; b; b = m->slab[b].overflow, d++)
			ls[n++] = (struct bline){BL_BUCKET, old, d, (uint32_t)j, b, *item};
	}
	return n;
}

/* "1 3 5-7" : the chains of ls[lo, hi) that are folded away. */
static void empty_list(const struct bline *ls, const bool *fold, uint32_t lo, uint32_t hi, char *buf,
                       size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (uint32_t k = lo; k < hi && o + 16 < len; k++) {
		if (ls[k].kind != BL_BUCKET || !fold[k])
			continue;
		uint32_t e = k;
		while (e + 1 < hi && ls[e + 1].kind == BL_BUCKET && fold[e + 1] &&
		       ls[e + 1].chain == ls[e].chain + 1)
			e++;
		if (e == k)
			o += (size_t)snprintf(buf + o, len - o, "%s%u", o ? " " : "", ls[k].chain);
		else
			o += (size_t)snprintf(buf + o, len - o, "%s%u-%u", o ? " " : "", ls[k].chain,
			                      ls[e].chain);
		k = e;
	}
}

struct bpanel {
	struct tui *t;
	struct tui_view *v;
	const struct gomap *m;
	uint32_t mi;
	int idxw;
	uint64_t nold;
};

/* Draw lines ls[0, n) (folded ones left out) into r, scrolled so that the
 * line `anchor` shows; what is cut off is counted on row ind_y at the
 * right of r.  Returns false if nothing needed scrolling. */
static void draw_lines(struct bpanel *p, const struct bline *ls, const bool *fold, uint32_t n,
                       struct tui_rect r, uint32_t anchor, int ind_y, int ind_maxx)
{
	struct tui *t = p->t;
	struct tui_canvas *c = &t->cv;
	int maxx = r.x + r.w;
	/* the lines that are shown, with a line of folded chains after each
	 * title that has some */
	uint32_t *vis = malloc((n * 2 + 2) * sizeof *vis);
	if (!vis)
		return;
	uint32_t nv = 0, at = 0;
	for (uint32_t k = 0; k < n; k++) {
		if (!(ls[k].kind == BL_BUCKET && fold[k])) {
			if (k == anchor || (fold[anchor] && k < anchor))
				at = nv;
			vis[nv++] = k;
		}
		bool end = k + 1 == n || ls[k + 1].kind == BL_TITLE;
		if (!end)
			continue;
		/* the section's last line: its folded chains, if any */
		uint32_t t0 = k;
		while (t0 > 0 && ls[t0].kind != BL_TITLE)
			t0--;
		bool any = false;
		for (uint32_t e = t0 + 1; e <= k; e++)
			any |= ls[e].kind == BL_BUCKET && fold[e];
		if (any)
			vis[nv++] = t0 | 0x80000000u;
	}
	int first = 0;
	if ((int)nv > r.h) {
		first = (int)at - r.h / 2;
		if (first > (int)nv - r.h)
			first = (int)nv - r.h;
		if (first < 0)
			first = 0;
	}
	/* keys with their values if every row shown has room for them */
	int keymode = KEYS_VALUES, bytes_end = r.x + 1 + p->idxw + 1 + 3 * GM_BUCKET_CNT - 1;
	for (int i = first; i < (int)nv && i < first + r.h; i++) {
		const struct bline *l = &ls[vis[i] & 0x7fffffffu];
		if ((vis[i] & 0x80000000u) || l->kind != BL_BUCKET)
			continue;
		char kv[300];
		int room = maxx - (bytes_end + row_marks(t, p->m, p->mi, l)) - 1;
		if (keys_text(t, &p->m->slab[l->b], true, kv, sizeof kv) > room)
			keymode = KEYS_KEYS;
	}
	int y = r.y;
	for (int i = first; i < (int)nv && y < r.y + r.h; i++, y++) {
		bool fl = vis[i] & 0x80000000u;
		uint32_t k = vis[i] & 0x7fffffffu;
		const struct bline *l = &ls[k];
		if (fl) {
			uint32_t e = k + 1;
			while (e < n && ls[e].kind != BL_TITLE)
				e++;
			char list[200];
			/* k is the section's title */
			empty_list(ls, fold, k + 1, e, list, sizeof list);
			int x = tui_printf(c, r.x + 1, y, maxx, TR_LABEL, 0, "%*s ", p->idxw, "");
			x = tui_puts(c, x, y, maxx, tui_glyph(t, TR_EMPTY_REST), TR_EMPTY_REST, 0);
			tui_printf(c, x + 1, y, maxx, TR_DIM, 0, "empty: %s", list);
			continue;
		}
		if (l->kind == BL_TITLE) {
			uint64_t cnt = l->old ? p->nold : (uint64_t)1 << p->m->B;
			if (l->old)
				tui_printf(c, r.x, y, maxx, TR_LABEL, TUI_A_BOLD,
				           "old buckets (%" PRIu64 "), evacuating%s", cnt,
				           r.w < 60 || p->m->flags & GM_F_SAME_SIZE_GROW
				               ? ":"
				               : " (X: same index, Y: + old size):");
			else
				tui_printf(c, r.x, y, maxx, TR_LABEL, TUI_A_BOLD,
				           "%sbuckets (%" PRIu64 ", B=%u)", p->nold ? "new " : "", cnt,
				           p->m->B);
			continue;
		}
		bool sel = l->depth == 0 && (int)l->item == p->v->sel && t->focus == TP_MAP;
		draw_bucket_row(t, p->m, p->mi, l, r.x, y, maxx, p->idxw, sel, keymode);
	}
	int above = first, below = (int)nv - first - r.h;
	if (above > 0 || below > 0) {
		char ind[64];
		if (above > 0 && below > 0)
			snprintf(ind, sizeof ind, " %s%d %s%d more ", t->ascii ? "^" : "↑", above,
			         t->ascii ? "v" : "↓", below);
		else if (above > 0)
			snprintf(ind, sizeof ind, " %s%d more above ", t->ascii ? "^" : "↑", above);
		else
			snprintf(ind, sizeof ind, " %s%d more below ", t->ascii ? "v" : "↓", below);
		tui_puts(c, ind_maxx - tui_text_width(ind), ind_y, ind_maxx, ind, TR_KEY, 0);
	}
	free(vis);
}

static void heat_cell(const struct tui *t, const struct gomap *m, uint32_t b, bool evacuated, char *out,
                      enum tui_role *role)
{
	uint32_t live = 0, n = 0;
	if (evacuated) {
		*role = TR_EVAC_X;
		snprintf(out, 16, "%s", t->ascii ? ">" : "→");
		return;
	}
	for (uint32_t p = b; p; p = m->slab[p].overflow, n++)
		for (int s = 0; s < GM_BUCKET_CNT; s++)
			live += m->slab[p].tophash[s] >= GM_MIN_TOPHASH;
	if (n > 1) {
		*role = TR_HEAT3;
		snprintf(out, 16, "%s", tui_glyph(t, TR_HEAT3));
	} else {
		*role = live == 0 ? TR_HEAT0 : live <= 3 ? TR_HEAT1 : live <= 6 ? TR_HEAT2 : TR_HEAT3;
		snprintf(out, 16, "%u", live);
	}
}

static void draw_heat(struct tui *t, struct tui_view *v, const struct gomap *m, uint32_t mi,
                      struct tui_rect r)
{
	struct tui_canvas *c = &t->cv;
	int y = r.y, maxx = r.x + r.w;
	uint64_t nold = gomap_growing(m) ? gomap_noldbuckets(m) : 0,
	         nnew = m->buckets ? (uint64_t)1 << m->B : 0;
	/* the legend, complete: every cell is one of these */
	int x = tui_puts(c, r.x, y, maxx, "heat map: live entries per bucket, 0-8;", TR_DIM, 0);
	if (x + 24 > maxx) {
		y++;
		x = r.x;
	}
	x = tui_puts(c, x + (x > r.x), y, maxx, tui_glyph(t, TR_HEAT3), TR_HEAT3, 0);
	x = tui_puts(c, x + 1, y, maxx, "overflow chain", TR_DIM, 0);
	if (nold) {
		x = tui_puts(c, x + 2, y, maxx, t->ascii ? ">" : "→", TR_EVAC_X, 0);
		tui_puts(c, x + 1, y, maxx, "moved", TR_DIM, 0);
	}
	y++;
	int per = r.w - 6;
	if (per < 8)
		return;
	per = per / 8 * 8;
	v->nitems = (int)(nold + nnew);
	int total = (nold ? 1 + (int)((nold + (uint64_t)per - 1) / (uint64_t)per) : 0) + 1 +
	            (int)((nnew + (uint64_t)per - 1) / (uint64_t)per);
	int avail = r.y + r.h - y;
	/* a column between cells when the rows still fit */
	int cw = 1, per2 = (r.w - 6) / 2 / 8 * 8;
	if (per2 >= 8) {
		int total2 = (nold ? 1 + (int)((nold + (uint64_t)per2 - 1) / (uint64_t)per2) : 0) + 1 +
		             (int)((nnew + (uint64_t)per2 - 1) / (uint64_t)per2);
		if (total2 <= avail) {
			per = per2;
			total = total2;
			cw = 2;
		}
	}
	v->page = per * (avail > 2 ? avail - 2 : 1);
	int sel_line;
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
	int line = 0;
	for (int sec = 0; sec < 2; sec++) {
		bool old = sec == 0;
		uint64_t n = old ? nold : nnew;
		uint32_t first = old ? m->oldbuckets : m->buckets;
		if (old && !n)
			continue;
		if (line >= v->scroll && y < r.y + r.h) {
			if (nold)
				tui_printf(c, r.x, y++, maxx, TR_LABEL, TUI_A_BOLD,
				           "%s buckets (%" PRIu64 ")", old ? "old" : "new", n);
			else
				tui_printf(c, r.x, y++, maxx, TR_LABEL, TUI_A_BOLD,
				           "buckets (%" PRIu64 ", B=%u)", n, m->B);
		}
		line++;
		for (uint64_t j = 0; j < n; j += (uint64_t)per, line++) {
			if (line < v->scroll || y >= r.y + r.h)
				continue;
			x = tui_printf(c, r.x, y, maxx, TR_DIM, 0, "%5" PRIu64 " ", j);
			for (uint64_t k = j; k < j + (uint64_t)per && k < n; k++) {
				char cell[16];
				enum tui_role role;
				uint32_t b = first + (uint32_t)k;
				heat_cell(t, m, b, old && gomap_evacuated(m, k), cell, &role);
				int item = (int)(old ? k : nold + k);
				uint8_t attr = item == v->sel ? TUI_A_REVERSE : 0;
				bool touched = t->tl.m.touch_map == mi && t->tl.m.touch_b &&
				               chain_has(m, b, (uint32_t)t->tl.m.touch_b);
				tui_puts(c, x, y, maxx, cell, touched ? TR_TOUCHED : role, attr);
				x += cw;
			}
			y++;
		}
	}
}

/* The buckets of map m (index mi) in r; the scroll count goes on row ind_y
 * (the panel's top border) up to column ind_maxx. */
static void draw_map_body(struct tui *t, struct tui_view *v, struct tui_rect r, const struct gomap *m,
                          uint32_t mi, int ind_y, int ind_maxx)
{
	struct tui_canvas *c = &t->cv;
	if (r.h <= 0 || r.w <= 0)
		return;
	if (m->is_nil || !m->buckets) {
		tui_wrap(c, r.x, r.y, r.w, r.h, 0,
		         m->is_nil ? "nil map: no buckets, and a write panics"
		                   : "no buckets yet: the first write makes one",
		         TR_DIM, 0);
		v->nitems = 0;
		return;
	}
	uint32_t item = 0;
	uint64_t nold = gomap_growing(m) ? gomap_noldbuckets(m) : 0;
	uint32_t cap = m->slab_len + 8;
	struct bline *ls = malloc(cap * sizeof *ls);
	bool *fold = calloc(cap, sizeof *fold);
	if (!ls || !fold) {
		free(ls);
		free(fold);
		return;
	}
	uint32_t old_end = nold ? array_lines(m, true, ls, 0, &item) : 0;
	uint32_t n = array_lines(m, false, ls, old_end, &item);
	v->nitems = (int)item;
	if (v->sel >= v->nitems)
		v->sel = v->nitems - 1;
	if (v->sel < 0)
		v->sel = 0;
	v->scroll = 0;
	v->page = r.h;
	uint64_t nb = nold + ((uint64_t)1 << m->B);
	struct bpanel p = {t, v, m, mi, nb > 100 ? 3 : 2, nold};
	/* what must stay in sight: the selection, else the bucket the latest
	 * step touched, else a probe */
	uint32_t anchor = 0;
	bool have = false;
	for (uint32_t k = 0; k < n && !have; k++)
		if (ls[k].kind == BL_BUCKET && ls[k].depth == 0 && t->focus == TP_MAP &&
		    (int)ls[k].item == v->sel)
			anchor = k, have = true;
	for (uint32_t k = 0; k < n && !have; k++)
		if (ls[k].kind == BL_BUCKET && touched_bucket(t, mi, ls[k].b))
			anchor = k, have = true;
	for (uint32_t k = 0; k < n && !have; k++)
		if (ls[k].kind == BL_BUCKET && probed(t, mi, ls[k].b))
			anchor = k, have = true;
	int roww = 1 + p.idxw + 1 + 3 * GM_BUCKET_CNT + 10;
	bool side = nold && r.w >= 2 * roww + 2;
	int need = side ? (int)(old_end > n - old_end ? old_end : n - old_end) : (int)n;
	if (need > r.h) {
		/* fold the empty buckets away, but not one that matters now */
		int nf = 0;
		for (uint32_t k = 0; k < n; k++) {
			const struct bline *l = &ls[k];
			if (l->kind != BL_BUCKET || l->depth || !bucket_empty(m, l->b) ||
			    touched_bucket(t, mi, l->b) || probed(t, mi, l->b) ||
			    (t->focus == TP_MAP && (int)l->item == v->sel))
				continue;
			if (l->old && gomap_evacuated(m, l->chain))
				continue;
			fold[k] = true;
			nf++;
		}
		/* each section with folded chains gains their line */
		int lines_old = 0, lines_new = 0, fo = 0, fn = 0;
		for (uint32_t k = 0; k < n; k++) {
			if (fold[k])
				*(ls[k].old ? &fo : &fn) += 1;
			else
				*(ls[k].old ? &lines_old : &lines_new) += 1;
		}
		lines_old += fo > 0;
		lines_new += fn > 0;
		need = side ? (lines_old > lines_new ? lines_old : lines_new) : lines_old + lines_new;
		if (need > r.h && nb >= HEAT_MIN_BUCKETS) {
			free(ls);
			free(fold);
			draw_heat(t, v, m, mi, r);
			return;
		}
	}
	if (side) {
		int cw = r.w / 2;
		draw_lines(&p, ls, fold, old_end, (struct tui_rect){r.x, r.y, cw - 1, r.h},
		           anchor < old_end ? anchor : 0, ind_y, r.x + cw - 1);
		draw_lines(&p, ls + old_end, fold + old_end, n - old_end,
		           (struct tui_rect){r.x + cw, r.y, r.w - cw, r.h},
		           anchor >= old_end ? anchor - old_end : 0, ind_y, ind_maxx);
	} else {
		draw_lines(&p, ls, fold, n, r, anchor, ind_y, ind_maxx);
	}
	free(ls);
	free(fold);
}

static void gomap_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	draw_map_body(t, v, r, &tui_world(t)->maps[0].u.classic.m, 0, r.y - 1, r.x + r.w - 1);
}

const struct tui_view_ops tui_gomap_view = {"buckets", gomap_draw, tui_map_key};

/* ---- sharded maps ---- */

static void sharded_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	int maxx = r.x + r.w, y = r.y;
	if (r.h < 3)
		return;
	int64_t total = 0;
	for (uint32_t s = 0; s < w->nmaps; s++)
		total += w->maps[s].u.classic.m.count;
	/* a line per shard (its count and its lock) when they leave room for
	 * the shard's buckets, else the counts in one strip */
	const struct gomap *m = cur_map(t);
	int body_min = m->buckets ? 3 : 1;
	bool table = (int)w->nmaps + 2 + body_min <= r.h;
	tui_printf(c, r.x, y++, maxx, TR_LABEL, 0, "%u shards, each a map + RWMutex; count %" PRId64,
	           w->nmaps, total);
	if (table) {
		for (uint32_t s = 0; s < w->nmaps; s++, y++) {
			bool cur = s == t->shard;
			int x = tui_puts(c, r.x, y, maxx, cur ? tui_glyph(t, TR_SELECTED) : " ",
			                 cur ? TR_SELECTED : TR_NORMAL, 0);
			x = tui_printf(c, x, y, maxx, cur ? TR_VALUE : TR_LABEL, 0, "shard %-2u", s);
			x = tui_printf(c, x + 1, y, maxx, TR_DIM, 0, "count %-3" PRId64,
			               w->maps[s].u.classic.m.count);
			tui_lock_brief(t, x + 1, y, maxx, w->map_lock + s);
		}
	} else {
		int x = tui_puts(c, r.x, y, maxx, "count per shard: ", TR_DIM, 0);
		for (uint32_t s = 0; s < w->nmaps && x < maxx; s++) {
			int64_t k = w->maps[s].u.classic.m.count;
			char cell[24];
			if (k < 10)
				snprintf(cell, sizeof cell, "%" PRId64, k);
			else
				snprintf(cell, sizeof cell, "+");
			x = tui_puts(c, x, y, maxx, cell, k ? TR_HEAT1 : TR_HEAT0,
			             s == t->shard ? TUI_A_REVERSE : 0);
		}
		y++;
	}
	int x = tui_printf(c, r.x, y, maxx, TR_LABEL, TUI_A_BOLD, "shard %u", t->shard);
	if (!table) {
		char lb[40];
		x = tui_printf(c, x + 1, y, maxx, TR_LABEL, 0, "%s",
		               mv_world_lock_name(w, w->map_lock + t->shard, lb, sizeof lb));
		x = tui_lock_brief(t, x + 1, y, maxx, w->map_lock + t->shard);
	}
	tui_puts(c, x + 1, y, maxx, t->shard_pinned ? "(picked with [ ])" : "(followed; [ ] picks)", TR_DIM,
	         0);
	y++;
	draw_map_body(t, v, (struct tui_rect){r.x, y, r.w, r.y + r.h - y}, m, t->shard, y - 1, maxx);
}

const struct tui_view_ops tui_sharded_view = {"shards", sharded_draw, tui_map_key};

/* ---- the inspector ---- */

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
	return cur_map(t)->buckets ? NULL : "no buckets yet: the first write makes one";
}

static int rows_wanted(const struct tui *t)
{
	const struct mv_world *w = tui_world(t);
	const struct gomap *m = cur_map(t);
	int n = w->nmaps > 1 ? (int)w->nmaps + 2 : 0;
	if (m->is_nil || !m->buckets)
		return n + 1;
	uint64_t nold = gomap_growing(m) ? gomap_noldbuckets(m) : 0;
	n += 1 + (nold > 0);
	for (int sec = 0; sec < 2; sec++) {
		uint32_t first = sec ? m->buckets : m->oldbuckets;
		uint64_t cnt = sec ? (uint64_t)1 << m->B : nold;
		for (uint64_t j = 0; j < cnt; j++)
			for (uint32_t b = first + (uint32_t)j; b; b = m->slab[b].overflow)
				n++;
	}
	return n;
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
    .rows_wanted = rows_wanted,
};
