/*
 * view_hashtrie: Go 1.26's sync.Map (HashTrieMap) in the TUI — a header
 * (entries, nodes, depth, held mutexes), the trie as an indented tree that
 * shows only non-empty children (child index = the hash nibble at that
 * level), each goroutine's cursor on the node or entry its latest step
 * touched, held node mutexes and their waiters, and an inspector for a
 * node's 16 children.  Rule numbers (HT4.2) refer to go-swiss-semantics.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

static const struct hashtrie *trie_of(const struct tui *t)
{
	return &tui_world(t)->sm->u.trie;
}

/* One line of the tree: an indirect node or an entry chain, at a depth. */
struct trow {
	uint32_t ref;   /* an indirect index, or HT_REF_ENTRY | entry */
	uint8_t depth;  /* 0: the root */
	uint8_t nibble; /* the child index it hangs from */
};

static uint32_t count_rows(const struct hashtrie *tr, uint32_t ref)
{
	if (ref == HT_NIL)
		return 0;
	if (ht_ref_is_entry(ref))
		return 1;
	uint32_t n = 1;
	for (unsigned j = 0; j < HT_CHILDREN; j++)
		n += count_rows(tr, hashtrie_child(tr, ht_ref_index(ref), j));
	return n;
}

static uint32_t build(const struct hashtrie *tr, uint32_t ref, uint8_t depth, uint8_t nibble, struct trow *rows,
                      uint32_t n)
{
	if (ref == HT_NIL)
		return n;
	rows[n++] = (struct trow){ref, depth, nibble};
	if (ht_ref_is_entry(ref))
		return n;
	for (unsigned j = 0; j < HT_CHILDREN; j++)
		n = build(tr, hashtrie_child(tr, ht_ref_index(ref), j), (uint8_t)(depth + 1), (uint8_t)j, rows, n);
	return n;
}

/* The workers whose latest step touched this row: ◂G1 marks. */
static int cursors(struct tui *t, const struct trow *r, int x, int y, int maxx)
{
	const struct mv_world *w = tui_world(t);
	for (uint32_t i = 0; i < w->nworkers; i++) {
		const struct mv_worker *wk = &w->workers[i];
		if (!wk->in_op || wk->op.stage != MV_ST_SYNC)
			continue;
		const struct ht_op *op = &wk->op.sop.trie;
		if (!op->steps || op->phase == HT_PH_DONE)
			continue;
		bool here = ht_ref_is_entry(r->ref) ? op->touch_entry == ht_ref_index(r->ref)
		                                    : op->touch_node == ht_ref_index(r->ref);
		if (here)
			x = tui_printf(&t->cv, x, y, maxx, TR_PROBE, 0, " %sG%u %s", tui_glyph(t, TR_PROBE), i + 1,
			               ht_phase_name(op->phase));
	}
	return x;
}

static void draw_row(struct tui *t, const struct trow *r, int x, int y, int maxx, bool selected)
{
	struct tui_canvas *c = &t->cv;
	const struct hashtrie *tr = trie_of(t);
	const struct mv_world *w = tui_world(t);
	x = tui_puts(c, x, y, maxx, selected ? tui_glyph(t, TR_SELECTED) : " ", selected ? TR_SELECTED : TR_NORMAL, 0);
	for (unsigned d = 0; d < r->depth && x < maxx; d++)
		x = tui_puts(c, x, y, maxx, "  ", TR_NORMAL, 0);
	if (r->depth)
		x = tui_printf(c, x, y, maxx, TR_LABEL, 0, "%x: ", r->nibble);
	if (ht_ref_is_entry(r->ref)) {
		bool chain = hashtrie_overflow(tr, ht_ref_index(r->ref)) != 0;
		for (uint32_t e = ht_ref_index(r->ref); e && x < maxx; e = hashtrie_overflow(tr, e)) {
			const struct ht_entry *en = hashtrie_entry(tr, e);
			char k[48];
			tui_key_text(w, en->key, k, sizeof k);
			x = tui_printf(c, x, y, maxx, TR_LIVE, 0, "%s%s=%" PRId64, e == ht_ref_index(r->ref) ? "" : " → ", k,
			               en->value);
		}
		if (chain)
			x = tui_puts(c, x, y, maxx, "  (same hash: a chain, HT4.3)", TR_DIM, 0);
	} else {
		const struct ht_indirect *n = hashtrie_indirect(tr, ht_ref_index(r->ref));
		x = tui_printf(c, x, y, maxx, TR_VALUE, TUI_A_BOLD, "%s", r->depth ? "node" : "root");
		x = tui_printf(c, x, y, maxx, TR_DIM, 0, "[%u]", ht_ref_index(r->ref));
		if (n && n->dead)
			x = tui_puts(c, x, y, maxx, " dead", TR_FATAL, 0);
		int32_t holder = n ? hashtrie_lock_holder(&n->mu) : -1;
		if (holder >= 0) {
			x = tui_printf(c, x, y, maxx, TR_WRITING, 0, " mu held by G%d", holder + 1);
			int wn = mv_mutex_waiters(&n->mu.mu);
			if (wn > 0)
				x = tui_printf(c, x, y, maxx, TR_BLOCKED, 0, ", %d waiting", wn);
		}
	}
	cursors(t, r, x, y, maxx);
}

/* One line per goroutine whose op has hashed its key: the hash and the
 * nibbles that lead from the root to its slot (HT1.3: 4 bits a level from
 * the top).  Returns the lines used. */
static int draw_paths(struct tui *t, int x, int y, int maxx, int maxy)
{
	const struct mv_world *w = tui_world(t);
	int n = 0;
	for (uint32_t i = 0; i < w->nworkers && y + n < maxy; i++) {
		const struct mv_worker *wk = &w->workers[i];
		if (!wk->in_op || wk->op.stage != MV_ST_SYNC)
			continue;
		const struct ht_op *op = &wk->op.sop.trie;
		if (!op->steps || op->phase == HT_PH_DONE || !(op->hashed || op->pinned))
			continue;
		char k[32], path[64];
		tui_key_text(w, op->key, k, sizeof k);
		int o = 0;
		for (unsigned d = 0; d < 6; d++)
			o += snprintf(path + o, sizeof path - (size_t)o, "%s%x", d ? " " : "",
			              (unsigned)(op->hash >> (60 - 4 * d)) & 0xf);
		tui_printf(&t->cv, x, y + n, maxx, TR_PROBE, 0, "%sG%u key %s: nibbles %s ...",
		           tui_glyph(t, TR_PROBE), i + 1, k, path);
		n++;
	}
	return n;
}

static void trie_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	struct tui_canvas *c = &t->cv;
	const struct hashtrie *tr = trie_of(t);
	int maxx = r.x + r.w;
	if (r.h <= 0)
		return;
	if (r.h > 6) {
		int used = draw_paths(t, r.x, r.y, maxx, r.y + 2);
		r.y += used;
		r.h -= used;
	}
	if (!hashtrie_inited(tr)) {
		tui_puts(c, r.x + 1, r.y, maxx, "not initialized: the first call makes the root (HT2.1)", TR_DIM, 0);
		v->nitems = 0;
		return;
	}
	uint32_t n = count_rows(tr, hashtrie_root(tr));
	struct trow *rows = malloc((n + 1) * sizeof *rows);
	if (!rows)
		return;
	n = build(tr, hashtrie_root(tr), 0, 0, rows, 0);
	v->nitems = (int)n;
	if (v->sel >= v->nitems)
		v->sel = v->nitems - 1;
	if (v->sel < 0)
		v->sel = 0;
	if (v->sel < v->scroll)
		v->scroll = v->sel;
	if (v->sel >= v->scroll + r.h)
		v->scroll = v->sel - r.h + 1;
	v->page = r.h > 2 ? r.h - 2 : 1;
	for (int k = 0; k < r.h && v->scroll + k < (int)n; k++)
		draw_row(t, &rows[v->scroll + k], r.x, r.y + k, maxx, v->scroll + k == v->sel && t->focus == TP_MAP);
	free(rows);
}

static const struct tui_view_ops trie_view = {"sync.Map trie", trie_draw, tui_map_key};

static void draw_header(struct tui *t, int y)
{
	struct tui_canvas *c = &t->cv;
	const struct hashtrie *tr = trie_of(t);
	int maxx = c->w;
	int x = tui_puts(c, 1, y, maxx, "sync.Map", TR_TITLE, TUI_A_BOLD);
	x = tui_puts(c, x + 1, y, maxx, "(HashTrieMap)", TR_LABEL, 0);
	struct ht_memory mem;
	hashtrie_memory(tr, &mem);
	x = tui_puts(c, x + 2, y, maxx, "entries ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%u", mem.entries);
	x = tui_puts(c, x + 2, y, maxx, "nodes ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%u", mem.indirects);
	x = tui_puts(c, x + 2, y, maxx, "seed ", TR_LABEL, 0);
	tui_printf(c, x, y, maxx, TR_VALUE, 0, "%#" PRIx32, (uint32_t)tr->seed);
	y++;
	x = tui_puts(c, 1, y, maxx, "16 children per node, 4 hash bits per level; Load takes no lock", TR_DIM, 0);
	char b[24];
	tui_fmt_bytes(mem.total, b, sizeof b);
	x = tui_puts(c, x + 2, y, maxx, "mem ", TR_LABEL, 0);
	tui_printf(c, x, y, maxx, TR_VALUE, 0, "%s", b);
}

/* The selected row's node: its 16 children, with the hash nibble each
 * stands for. */
static void draw_inspector(struct tui *t)
{
	struct tui_canvas *c = &t->cv;
	const struct hashtrie *tr = trie_of(t);
	const struct mv_world *w = tui_world(t);
	uint32_t n = count_rows(tr, hashtrie_root(tr));
	struct trow *rows = malloc((n + 1) * sizeof *rows);
	if (!rows)
		return;
	n = build(tr, hashtrie_root(tr), 0, 0, rows, 0);
	int sel = t->views[TP_MAP].sel;
	if (sel < 0 || (uint32_t)sel >= n) {
		free(rows);
		return;
	}
	const struct trow r = rows[sel];
	free(rows);
	char title[48];
	snprintf(title, sizeof title, ht_ref_is_entry(r.ref) ? "entry chain" : "node[%u]", ht_ref_index(r.ref));
	struct tui_rect in = tui_overlay_box(t, 100, c->h - 2, title, TR_BORDER_FOCUS);
	int maxx = in.x + in.w, y = in.y;
	if (ht_ref_is_entry(r.ref)) {
		tui_puts(c, in.x + 1, y++, maxx, "entries are immutable: a Store of a key makes a new one (HT4.5)", TR_LABEL,
		         0);
		for (uint32_t e = ht_ref_index(r.ref); e && y < in.y + in.h - 1; e = hashtrie_overflow(tr, e)) {
			const struct ht_entry *en = hashtrie_entry(tr, e);
			char k[64];
			tui_key_text(w, en->key, k, sizeof k);
			tui_printf(c, in.x + 1, y++, maxx, TR_VALUE, 0, "%-16s = %-10" PRId64 " hash %016" PRIx64, k, en->value,
			           hashtrie_hash(tr, en->key));
		}
	} else {
		tui_printf(c, in.x + 1, y++, maxx, TR_LABEL, 0,
		           "level %u: child i holds the keys whose hash has nibble i at bits %u-%u from the top",
		           r.depth, 4 * r.depth, 4 * r.depth + 3);
		for (unsigned j = 0; j < HT_CHILDREN && y < in.y + in.h - 1; j++) {
			uint32_t ch = hashtrie_child(tr, ht_ref_index(r.ref), j);
			if (ch == HT_NIL)
				tui_printf(c, in.x + 1, y++, maxx, TR_DIM, 0, "%x  nil", j);
			else if (ht_ref_is_entry(ch))
				tui_printf(c, in.x + 1, y++, maxx, TR_VALUE, 0, "%x  entry", j);
			else
				tui_printf(c, in.x + 1, y++, maxx, TR_VALUE, 0, "%x  node[%u]", j, ht_ref_index(ch));
		}
	}
	tui_puts(c, in.x + 1, in.y + in.h - 1, maxx, "Esc closes", TR_DIM, 0);
}

static const char *why_no_inspect(const struct tui *t)
{
	return hashtrie_inited(trie_of(t)) ? NULL : "the trie has no root yet: the first call makes it";
}

static uint64_t panel_size(const struct tui *t)
{
	const struct hashtrie *tr = trie_of(t);
	return hashtrie_inited(tr) ? count_rows(tr, hashtrie_root(tr)) : 0;
}

static int rows_wanted(const struct tui *t)
{
	return (int)panel_size(t) + 2;
}

const struct tui_mapview tui_hashtrie_mapview = {
	.view = &trie_view,
	.sharded = &trie_view,
	.draw_header = draw_header,
	.draw_inspector = draw_inspector,
	.why_no_inspect = why_no_inspect,
	.panel_size = panel_size,
	.rows_wanted = rows_wanted,
};
