/*
 * views: everything the TUI draws, into the canvas (no curses): the header,
 * the layout (the map panel beside the goroutines, the locks under whichever
 * has rows to spare, the events below sharing their border; a scene without
 * map operations gives the map's place to goroutines and locks), the
 * sync.Map panel, one lane per goroutine (its program as Go, golines.c, the
 * current line marked with its state), locks, the event log (long entries
 * on two lines), the caption (with the note that a run picked by hand is
 * the student's own), the key bar and the overlays (help, Go's crash
 * report with the run's own "why", the "terminal too small" line).  Each
 * map engine draws its own header and panel (view_maps.c).  Wording of
 * events follows app/words.c, so the TUI and `mapviz run` say the same.
 *
 * Nothing is cut where its meaning is: lines fit by wording (tui_segs_*)
 * or wrap (tui_wrap), and a lane shows a whole explanation or none.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../out.h"
#include "../words.h"
#include "engine/core/alloc.h"
#include "tui_int.h"

const int tui_speeds[] = {1, 2, 4, 8, 16, 32, 64, 250, 1000, 10000};
const int tui_nspeeds = (int)(sizeof tui_speeds / sizeof tui_speeds[0]);

const char *tui_glyph(const struct tui *t, enum tui_role r)
{
	return t->ascii ? t->theme.role[r].ascii : t->theme.role[r].glyph;
}

const char *tui_wname(const struct tui *t, uint32_t i)
{
	return i < t->sc.spec.nworkers ? t->sc.spec.workers[i].name : "?";
}

const struct mv_world *tui_world(const struct tui *t)
{
	return &t->tl.w;
}

void tui_key_text(const struct mv_world *w, int64_t key, char *buf, size_t len)
{
	words_key(w->spec, key, buf, len);
}

/* ---- words for events (as app/out.c writes them) ---- */

void tui_entry_text(const struct tui *t, const struct tl_entry *e, char *buf, size_t len)
{
	const struct mv_world *w = tui_world(t);
	const struct mv_event *ev = &e->ev;
	char k[80], lb[40];
	if (e->kind == TL_STEP) {
		int o = snprintf(buf, len, "%s", mv_instr_name((enum mv_instr_kind)e->instr));
		if (e->has_key) {
			tui_key_text(w, e->key, k, sizeof k);
			o += snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " %s", k);
		}
		if (e->lock != UINT32_MAX)
			o += snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " %s",
			              mv_world_lock_name(w, e->lock, lb, sizeof lb));
		const char *g = e->phase ? words_gloss(w, e->phase) : NULL;
		snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, ": %s%s%s%s",
		         e->phase ? e->phase : "", g ? " (" : "", g ? g : "", g ? ")" : "");
		return;
	}
	if (e->kind == TL_OP) {
		int o = snprintf(buf, len, "%s", mv_instr_name((enum mv_instr_kind)e->instr));
		if (e->has_key) {
			tui_key_text(w, e->key, k, sizeof k);
			o += snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " %s", k);
		}
		if (e->instr == MV_I_STORE)
			o +=
			    snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " = %" PRId64, e->value);
		if (e->lock != UINT32_MAX)
			o += snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " %s",
			              mv_world_lock_name(w, e->lock, lb, sizeof lb));
		const char *tail = "";
		char r[64] = "";
		switch (e->instr) {
		case MV_I_LOAD:
			if (e->ok)
				snprintf(r, sizeof r, " -> %" PRId64 ", true", e->result);
			else
				tail = " -> 0, false";
			break;
		case MV_I_DELETE: tail = e->ok ? " (deleted)" : " (absent)"; break;
		case MV_I_LEN: snprintf(r, sizeof r, " -> %" PRId64, e->result); break;
		case MV_I_TRYLOCK:
		case MV_I_TRYRLOCK: tail = e->ok ? " -> true" : " -> false"; break;
		case MV_I_RANGE: snprintf(r, sizeof r, ": %" PRId64 " entries", e->result); break;
		default: break;
		}
		snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, "%s%s: done", r, tail);
		return;
	}
	words_event(buf, len, w, ev);
}

static enum tui_role entry_role(const struct tl_entry *e)
{
	if (e->kind == TL_STEP)
		return TR_DIM;
	if (e->kind == TL_OP)
		return TR_EVENT;
	switch (e->ev.kind) {
	case MV_EV_FATAL:
	case MV_EV_PANIC:
	case MV_EV_DEADLOCK:
	case MV_EV_DATA_RACE: return TR_EVENT_BAD;
	case MV_EV_GROW_START:
	case MV_EV_EVACUATE:
	case MV_EV_GROW_END:
	case MV_EV_NEW_OVERFLOW: return TR_EVENT_GROW;
	case MV_EV_LOCK_WAIT:
	case MV_EV_LOCK_ACQUIRE:
	case MV_EV_LOCK_RELEASE:
	case MV_EV_LOCK_HANDOFF:
	case MV_EV_SIGNAL_CLOSE: return TR_EVENT_LOCK;
	default: return TR_EVENT;
	}
}

/* ---- header and hmap lines ---- */

static void draw_header(struct tui *t, int y)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	char right[160];
	/* which runtime this screen shows: the engine of the scene's map */
	int o = snprintf(right, sizeof right, "Go %s  step %" PRIu64 "%s", mv_go_name(t->sc.spec.map.go),
	                 w->step, tl_own(&t->tl) ? " by hand" : "");
	if (mv_world_ended(w))
		o += snprintf(right + o, sizeof right - (size_t)o, "  %s %s",
		              tui_glyph(t, w->end == MV_END_OK ? TR_DONE : TR_FATAL),
		              w->end == MV_END_OK      ? "ended"
		              : w->end == MV_END_FATAL ? "fatal error"
		                                       : mv_end_name(w->end));
	else if (t->playing)
		o += snprintf(right + o, sizeof right - (size_t)o, "  %s play %d/s", tui_glyph(t, TR_RUNNING),
		              tui_speeds[t->speed]);
	else
		o += snprintf(right + o, sizeof right - (size_t)o, "  %s paused %d/s",
		              tui_glyph(t, TR_BLOCKED), tui_speeds[t->speed]);
	tui_fill(c, (struct tui_rect){0, y, c->w, 1}, ' ', TR_TITLE, TUI_A_REVERSE);
	int rw = tui_text_width(right) + (t->recording ? 6 : 0) + 1;
	/* the title matters most: drop "mapviz ·", then the scene's name,
	 * before cutting the title short */
	int avail = c->w - rw - 2;
	char left[512];
	snprintf(left, sizeof left, "mapviz · %s · \"%s\"", t->sc.name, t->sc.title);
	if (tui_text_width(left) > avail)
		snprintf(left, sizeof left, "%s · \"%s\"", t->sc.name, t->sc.title);
	if (tui_text_width(left) > avail)
		snprintf(left, sizeof left, "\"%s\"", t->sc.title);
	tui_puts(c, 1, y, 1 + avail, left, TR_TITLE, TUI_A_REVERSE);
	int rx = c->w - rw;
	rx = tui_puts(c, rx, y, c->w, right, TR_TITLE, TUI_A_REVERSE | TUI_A_BOLD);
	if (t->recording)
		tui_printf(c, rx + 1, y, c->w, TR_REC, TUI_A_REVERSE, "%s REC", tui_glyph(t, TR_REC));
}

int tui_bar(struct tui *t, int x, int y, int maxx, int width, uint64_t done, uint64_t total)
{
	int fill = total ? (int)((done * (uint64_t)width + total / 2) / total) : 0;
	for (int i = 0; i < width; i++)
		x = tui_puts(&t->cv, x, y, maxx, tui_glyph(t, i < fill ? TR_BAR_FILL : TR_BAR_EMPTY),
		             i < fill ? TR_BAR_FILL : TR_BAR_EMPTY, 0);
	return x;
}

void tui_fmt_bytes(uint64_t b, char *buf, size_t len)
{
	if (b < 10 * 1024)
		snprintf(buf, len, "%" PRIu64 " B", b);
	else if (b < 10 * 1024 * 1024)
		snprintf(buf, len, "%" PRIu64 " KiB", b / 1024);
	else
		snprintf(buf, len, "%" PRIu64 " MiB", b / (1024 * 1024));
}

void tui_bar_text(const struct tui *t, int width, uint64_t done, uint64_t total, char *fill, size_t flen,
                  char *empty, size_t elen)
{
	int n = total ? (int)((done * (uint64_t)width + total / 2) / total) : 0;
	size_t fo = 0, eo = 0;
	fill[0] = empty[0] = '\0';
	for (int i = 0; i < width; i++) {
		if (i < n && fo + 8 < flen)
			fo += (size_t)snprintf(fill + fo, flen - fo, "%s", tui_glyph(t, TR_BAR_FILL));
		else if (i >= n && eo + 8 < elen)
			eo += (size_t)snprintf(empty + eo, elen - eo, "%s", tui_glyph(t, TR_BAR_EMPTY));
	}
}

/* ---- lines that fit by wording, wrapped text ---- */

bool tui_seg_on(const struct tui_seg *s, int level)
{
	return s->level == 0 || (s->level > 0 && level < s->level) || (s->level < 0 && level >= -s->level);
}

int tui_segs_fit(const struct tui_seg *s, int n, int maxw)
{
	int top = 0;
	for (int i = 0; i < n; i++) {
		int l = s[i].level < 0 ? -s[i].level : s[i].level;
		if (l > top)
			top = l;
	}
	for (int level = 0; level <= top; level++) {
		int w = 0;
		for (int i = 0; i < n; i++)
			if (tui_seg_on(&s[i], level))
				w += tui_text_width(s[i].text);
		if (w <= maxw)
			return level;
	}
	return top;
}

int tui_segs_draw(struct tui_canvas *c, int x, int y, int maxx, const struct tui_seg *s, int n, int level)
{
	for (int i = 0; i < n; i++)
		if (tui_seg_on(&s[i], level))
			x = tui_puts(c, x, y, maxx, s[i].text, s[i].role, s[i].attr);
	return x;
}

/* Where the first line of s, w columns wide, ends: *cut bytes are drawn,
 * the next line starts after the spaces that follow. */
static int wrap_cut(const char *s, int w)
{
	int cols = 0, i = 0, last_space = -1;
	while (s[i] && cols < w) {
		if (s[i] == ' ')
			last_space = i;
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		cols++;
	}
	if (!s[i])
		return i;
	if (s[i] == ' ')
		return i;
	return last_space > 0 ? last_space : i;
}

int tui_wrap(struct tui_canvas *c, int x, int y, int w, int h, int indent, const char *s, uint8_t role,
             uint8_t attr)
{
	int lines = 0;
	while (*s && lines < h) {
		int lw = lines ? w - indent : w;
		if (lw < 1)
			break;
		int cut = wrap_cut(s, lw);
		char line[512];
		snprintf(line, sizeof line, "%.*s", cut < (int)sizeof line - 1 ? cut : (int)sizeof line - 1,
		         s);
		int lx = lines ? x + indent : x;
		tui_puts(c, lx, y + lines, lx + lw, line, role, attr);
		s += cut;
		while (*s == ' ')
			s++;
		lines++;
	}
	return lines;
}

int tui_wrap_lines(int w, int indent, const char *s, int max)
{
	int lines = 0;
	while (*s && lines < max) {
		int lw = lines ? w - indent : w;
		if (lw < 1)
			break;
		s += wrap_cut(s, lw);
		while (*s == ' ')
			s++;
		lines++;
	}
	return lines ? lines : 1;
}

/* ---- the map panel: shared ---- */

int tui_move_selection(struct tui_view *v, enum tui_action a, int page)
{
	if (v->page > 0)
		page = v->page;
	switch (a) {
	case TA_UP: v->sel--; break;
	case TA_DOWN: v->sel++; break;
	case TA_PGUP: v->sel -= page; break;
	case TA_PGDN: v->sel += page; break;
	default: return TUI_UNHANDLED;
	}
	if (v->sel >= v->nitems)
		v->sel = v->nitems - 1;
	if (v->sel < 0)
		v->sel = 0;
	return TUI_HANDLED | TUI_REDRAW;
}

int tui_map_key(struct tui *t, struct tui_view *v, enum tui_action a)
{
	(void)t;
	return tui_move_selection(v, a, 8);
}

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

/* ---- goroutines ---- */

static enum tui_role worker_role(const struct tui *t, uint32_t i, char *word, size_t len)
{
	const struct mv_world *w = tui_world(t);
	const struct mv_worker *wk = &w->workers[i];
	char lb[40];
	if ((int32_t)i == w->culprit && (w->end == MV_END_FATAL || w->end == MV_END_PANIC)) {
		snprintf(word, len, "%s", w->end == MV_END_PANIC ? "panicked" : "fatal");
		return TR_FATAL;
	}
	if (w->leaked >> i & 1) {
		snprintf(word, len, "leaked");
		return TR_LEAKED;
	}
	switch (wk->state) {
	case MV_W_DONE: snprintf(word, len, "done"); return TR_DONE;
	case MV_W_BLOCKED:
		if (wk->wait == MV_WAIT_CHAN_RECEIVE)
			snprintf(word, len, "blocked on %s",
			         wk->wait_on < w->spec->nsignals ? w->spec->signals[wk->wait_on]
			                                         : "a channel");
		else if (wk->wait_on == UINT32_MAX)
			snprintf(word, len, "blocked on sync.Map mu");
		else
			snprintf(word, len, "blocked on %s",
			         mv_world_lock_name(w, wk->wait_on, lb, sizeof lb));
		return w->end == MV_END_DEADLOCK ? TR_FATAL : TR_BLOCKED;
	case MV_W_SLEEPING: snprintf(word, len, "sleeping"); return TR_SLEEPING;
	case MV_W_RUNNABLE: break;
	}
	if ((int32_t)i == t->tl.m.worker && !mv_world_ended(w)) {
		snprintf(word, len, "running");
		return TR_RUNNING;
	}
	snprintf(word, len, "runnable");
	return TR_RUNNABLE;
}

/* "next: probe", "starts with check_writing" (nothing run yet), with the
 * shard of a sharded map's operation. */
static void phase_text(const struct tui *t, uint32_t i, char *buf, size_t len)
{
	const struct mv_world *w = tui_world(t);
	const struct mv_worker *wk = &w->workers[i];
	buf[0] = '\0';
	if (!wk->in_op || wk->state == MV_W_DONE)
		return;
	const char *ph = mv_world_phase(w, i);
	bool started = wk->op.steps > 0;
	if (wk->op.stage == MV_ST_MAP) {
		struct mv_mop_state st;
		mv_mop_state(&w->maps[wk->op.shard], &wk->op.mop, &st);
		started = st.steps > 0 || wk->op.steps > 0;
	}
	char sh[32] = "";
	if (w->nmaps > 1 &&
	    (wk->op.stage == MV_ST_MAP || wk->op.stage == MV_ST_LOCK || wk->op.stage == MV_ST_UNLOCK))
		snprintf(sh, sizeof sh, "shard %u · ", wk->op.shard);
	if (!strcmp(ph, "start"))
		snprintf(buf, len, "%snot started yet", sh);
	else
		snprintf(buf, len, "%s%s%s", sh, started ? "next: " : "starts with ", ph);
}

/* ---- goroutines: one lane each, its program as Go (or YAML) ---- */

/* Worker wi's program as YAML: the scene file's lines from its first
 * instruction to its last, each standing for the instruction on it. */
static void yaml_prog(const struct tui *t, uint32_t wi, struct goprog *gp)
{
	memset(gp, 0, sizeof *gp);
	const struct mv_program *p = &t->sc.spec.workers[wi].prog;
	if (!p->n)
		return;
	uint32_t lo = p->instrs[0].line, hi = lo;
	for (uint32_t k = 0; k < p->n; k++)
		if (p->instrs[k].line > hi)
			hi = p->instrs[k].line;
	int base = -1;
	for (uint32_t l = lo; l <= hi && l <= t->nsrc_lines; l++) {
		const char *s = l ? t->src_lines[l - 1] : "";
		int ind = 0;
		while (s[ind] == ' ')
			ind++;
		if (s[ind] && (base < 0 || ind < base))
			base = ind;
	}
	gp->l = mv_xcalloc(hi - lo + 1, sizeof *gp->l);
	uint32_t pc = 0;
	for (uint32_t l = lo; l <= hi; l++) {
		struct goline *g = &gp->l[gp->n++];
		const char *s = l && l <= t->nsrc_lines ? t->src_lines[l - 1] : "";
		int ind = 0;
		while (s[ind] == ' ')
			ind++;
		snprintf(g->text, sizeof g->text, "%*s%s",
		         ind - (base > 0 ? base : 0) > 0 ? ind - (base > 0 ? base : 0) : 0, "", s + ind);
		while (pc + 1 < p->n && p->instrs[pc + 1].line <= l)
			pc++;
		g->pc = pc;
		g->line = l;
		g->close = p->instrs[pc].line != l;
	}
}

/* The line worker wi is at in a YAML listing, or -1. */
static int yaml_current(const struct tui *t, const struct goprog *gp, uint32_t wi)
{
	const struct mv_world *w = tui_world(t);
	const struct mv_instr *in = mv_world_instr(w, wi);
	if (!in || w->workers[wi].state == MV_W_DONE)
		return -1;
	for (uint32_t k = 0; k < gp->n; k++)
		if (gp->l[k].line == in->line)
			return (int)k;
	return -1;
}

void tui_progs_free(struct tui *t)
{
	for (uint32_t i = 0; i < t->nprogs; i++)
		golines_free(&t->progs[i]);
	free(t->progs);
	t->progs = NULL;
	t->nprogs = 0;
}

/* The programs as Go lines, made again when the lanes' width changed. */
static const struct goprog *lane_prog(struct tui *t, uint32_t wi, int width, struct goprog *yaml)
{
	if (t->show_yaml) {
		yaml_prog(t, wi, yaml);
		return yaml;
	}
	uint32_t n = t->sc.spec.nworkers;
	if (t->nprogs != n || !t->progs || t->progs[0].width != width) {
		tui_progs_free(t);
		t->progs = mv_xcalloc(n ? n : 1, sizeof *t->progs);
		t->nprogs = n;
		for (uint32_t i = 0; i < n; i++)
			golines_build(&t->progs[i], &t->sc.spec, i, t->src_lines, t->nsrc_lines, width);
	}
	return &t->progs[wi];
}

static int lane_current(const struct tui *t, const struct goprog *gp, uint32_t wi)
{
	return t->show_yaml ? yaml_current(t, gp, wi) : golines_current(gp, tui_world(t), wi);
}

/* What a lane says under its code: the operation in flight with its
 * operands, the phase it runs next and (unless brief) what that phase
 * does. */
static void lane_detail(const struct tui *t, const struct goprog *gp, uint32_t wi, bool brief, char *buf,
                        size_t len)
{
	const struct mv_world *w = tui_world(t);
	const struct mv_worker *wk = &w->workers[wi];
	char now[128], ph[160];
	buf[0] = '\0';
	if ((int32_t)wi == w->culprit && (w->end == MV_END_FATAL || w->end == MV_END_PANIC)) {
		snprintf(buf, len, "died here: %s%s",
		         w->end == MV_END_PANIC ? "panic: " : "fatal error: ", w->message ? w->message : "");
		return;
	}
	if (wk->state == MV_W_DONE || !mv_world_instr(w, wi) || !wk->in_op)
		return;
	golines_now(gp, w, wi, now, sizeof now);
	phase_text(t, wi, ph, sizeof ph);
	if (wk->state == MV_W_BLOCKED) {
		/* what it waits for: the code line does not always say (a
		 * SafeMap's or a shard's own lock) */
		char word[96], tmp[160];
		worker_role(t, wi, word, sizeof word);
		snprintf(tmp, sizeof tmp, "%s", ph);
		snprintf(ph, sizeof ph, "%.60s · %.90s", word, tmp);
	}
	const char *g = brief ? NULL : words_gloss(w, mv_world_phase(w, wi));
	snprintf(buf, len, "%s%s%s%s%s", now, now[0] ? " · " : "", ph, g ? ": " : "", g ? g : "");
}

/* Lines [first, first+h) of a lane's program from (x, y), the current one
 * marked with the goroutine's state glyph; -1 = the end of the program,
 * drawn as a last line. */
static void lane_code(struct tui *t, const struct goprog *gp, int cur, enum tui_role role, int first, int h,
                      int x, int y, int maxx)
{
	struct tui_canvas *c = &t->cv;
	int n = (int)gp->n + (cur < 0);
	for (int k = first; k < first + h && k < n; k++, y++) {
		if (k == (int)gp->n) {
			int xx = tui_puts(c, x, y, maxx, tui_glyph(t, role), role, 0);
			tui_puts(c, xx + 1, y, maxx, "(end of program)", TR_DIM, 0);
			continue;
		}
		const struct goline *l = &gp->l[k];
		bool at = k == cur;
		int xx = tui_puts(c, x, y, maxx, at ? tui_glyph(t, role) : " ", at ? role : TR_DIM, 0);
		tui_printf(c, xx + 1 + 2 * l->depth, y, maxx, at ? TR_VALUE : TR_NORMAL, at ? TUI_A_BOLD : 0,
		           "%s", l->text);
	}
}

/* The first line of a window of h lines over a program of n lines that
 * keeps line cur (or the end, -1) in sight, with what comes before it. */
static int window_first(int n, int cur, int h)
{
	if (cur < 0)
		cur = n - 1;
	if (n <= h)
		return 0;
	int first = cur - (h - 1) / 2;
	if (first > n - h)
		first = n - h;
	return first < 0 ? 0 : first;
}

/* A lane's header: selection mark, G1, its state glyph, name, state. */
static int lane_header(struct tui *t, uint32_t i, int x, int y, int maxx, int namew, bool sel)
{
	struct tui_canvas *c = &t->cv;
	char word[96];
	enum tui_role role = worker_role(t, i, word, sizeof word);
	x = tui_puts(c, x, y, maxx, sel ? tui_glyph(t, TR_SELECTED) : " ", sel ? TR_SELECTED : TR_NORMAL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "G%u ", i + 1);
	x = tui_puts(c, x, y, maxx, tui_glyph(t, role), role, 0);
	x = tui_printf(c, x + 1, y, maxx, TR_NORMAL, 0, "%-*s", namew, tui_wname(t, i));
	if (x + 1 + tui_text_width(word) > maxx) {
		char *sp = strchr(word, ' '); /* "blocked on shard[3].mu": the detail says on what */
		if (sp)
			*sp = '\0';
	}
	return tui_puts(c, x + 1, y, maxx, word, role, 0);
}

static void workers_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	int maxx = r.x + r.w;
	int n = (int)w->nworkers;
	v->nitems = n;
	if (v->sel >= v->nitems)
		v->sel = v->nitems - 1;
	if (v->sel < 0)
		v->sel = 0;
	if (!n || r.h < 2)
		return;
	int namew = 1;
	for (uint32_t i = 0; i < w->nworkers; i++)
		if ((int)strlen(tui_wname(t, i)) > namew)
			namew = (int)strlen(tui_wname(t, i));
	if (namew > 12)
		namew = 12;
	/* side by side (The Deadlock Empire) when each lane has room, else
	 * one above the other */
	int lw = n > 1 ? (r.w - (n - 1)) / n : r.w;
	bool side = n > 1 && n <= 4 && lw >= 24 && r.h >= 8;
	struct goprog yaml[MV_MAX_WORKERS];
	const struct goprog *gp[MV_MAX_WORKERS];
	int cur[MV_MAX_WORKERS];
	enum tui_role role[MV_MAX_WORKERS];
	char detail[MV_MAX_WORKERS][300], brief[MV_MAX_WORKERS][200];
	int codew = side ? lw - 2 : r.w - 3;
	for (int i = 0; i < n; i++) {
		char word[96];
		gp[i] = lane_prog(t, (uint32_t)i, codew, &yaml[i]);
		cur[i] = lane_current(t, gp[i], (uint32_t)i);
		role[i] = worker_role(t, (uint32_t)i, word, sizeof word);
		lane_detail(t, gp[i], (uint32_t)i, false, detail[i], sizeof detail[i]);
		lane_detail(t, gp[i], (uint32_t)i, true, brief[i], sizeof brief[i]);
	}
	if (side) {
		v->page = 1;
		v->scroll = 0;
		for (int i = 0; i < n; i++) {
			int x = r.x + i * (lw + 1), y = r.y, mx = x + lw;
			if (i)
				for (int yy = r.y; yy < r.y + r.h; yy++)
					tui_putc(c, x - 1, yy, x, 0x2502, TR_BORDER, 0);
			bool sel = t->focus == TP_WORKERS && i == v->sel;
			char word[96];
			worker_role(t, (uint32_t)i, word, sizeof word);
			int hx = tui_puts(c, x, y, mx, sel ? tui_glyph(t, TR_SELECTED) : " ",
			                  sel ? TR_SELECTED : TR_NORMAL, 0);
			hx = tui_printf(c, hx, y, mx, TR_VALUE, 0, "G%u ", i + 1);
			hx = tui_puts(c, hx, y, mx, tui_glyph(t, role[i]), role[i], 0);
			tui_puts(c, hx + 1, y, mx, tui_wname(t, (uint32_t)i), TR_NORMAL, 0);
			y++;
			tui_puts(c, x + 1, y++, mx, word, role[i], 0);
			int dl = detail[i][0] ? tui_wrap_lines(lw - 1, 0, detail[i], 6) : 0;
			int nl = (int)gp[i]->n + (cur[i] < 0);
			int code_h = r.y + r.h - y - dl;
			if (code_h > nl)
				code_h = nl;
			if (code_h < 1) {
				dl -= 1 - code_h;
				code_h = 1;
			}
			lane_code(t, gp[i], cur[i], role[i], window_first(nl, cur[i], code_h), code_h, x, y,
			          mx);
			if (dl > 0)
				tui_wrap(c, x + 1, y + code_h, lw - 1, dl, 0, detail[i], TR_DIM, 0);
		}
		for (int i = 0; i < n; i++)
			if (t->show_yaml)
				golines_free(&yaml[i]);
		return;
	}
	/* one above the other: each lane its header and its current line;
	 * then, as rows allow, the detail line, its second line, and more of
	 * the program around the current line */
	int code[MV_MAX_WORKERS], dlines[MV_MAX_WORKERS], full[MV_MAX_WORKERS], short_[MV_MAX_WORKERS];
	bool use_full[MV_MAX_WORKERS];
	int rows = r.h, dw = r.w - 4;
	int first = 0, shown = n;
	if (2 * n > rows) {
		/* not all fit: keep the selection (or who ran last) in sight */
		int keep = t->focus == TP_WORKERS ? v->sel : t->tl.m.worker >= 0 ? t->tl.m.worker : 0;
		shown = rows / 2;
		if (keep < v->scroll)
			v->scroll = keep;
		if (keep >= v->scroll + shown)
			v->scroll = keep - shown + 1;
		if (v->scroll > n - shown)
			v->scroll = n - shown;
		first = v->scroll;
	} else {
		v->scroll = 0;
	}
	v->page = shown;
	int left = rows - 2 * shown;
	int order[MV_MAX_WORKERS], no = 0;
	if (t->tl.m.worker >= first && t->tl.m.worker < first + shown)
		order[no++] = t->tl.m.worker;
	for (int i = first; i < first + shown; i++) {
		code[i] = 1;
		dlines[i] = 0;
		use_full[i] = false;
		full[i] = detail[i][0] ? tui_wrap_lines(dw, 0, detail[i], 6) : 0;
		short_[i] = brief[i][0] ? tui_wrap_lines(dw, 0, brief[i], 6) : 0;
		if (i != t->tl.m.worker)
			order[no++] = i;
	}
	/* whole details only: who ran last gets its explanation, every other
	 * lane its phase, then the others' explanations, as rows allow */
	for (int k = 0; k < no; k++) {
		int i = order[k];
		int want = k == 0 && order[0] == t->tl.m.worker ? full[i] : short_[i];
		if (want && want <= left) {
			dlines[i] = want;
			use_full[i] = want == full[i] && k == 0 && order[0] == t->tl.m.worker;
			left -= want;
		}
	}
	for (int k = 0; k < no; k++) {
		int i = order[k];
		if (!use_full[i] && full[i] > dlines[i] && full[i] - dlines[i] <= left) {
			left -= full[i] - dlines[i];
			dlines[i] = full[i];
			use_full[i] = true;
		}
	}
	/* more code around the current line, a line each in turn */
	for (bool more = true; more && left > 0;) {
		more = false;
		for (int k = 0; k < no && left > 0; k++) {
			int i = order[k];
			int nl = (int)gp[i]->n + (cur[i] < 0);
			if (code[i] < nl) {
				code[i]++;
				left--;
				more = true;
			}
		}
	}
	int y = r.y;
	for (int i = first; i < first + shown && y < r.y + r.h; i++) {
		lane_header(t, (uint32_t)i, r.x, y++, maxx, namew, t->focus == TP_WORKERS && i == v->sel);
		int nl = (int)gp[i]->n + (cur[i] < 0);
		lane_code(t, gp[i], cur[i], role[i], window_first(nl, cur[i], code[i]), code[i], r.x + 1, y,
		          maxx);
		y += code[i] < nl ? code[i] : nl;
		if (dlines[i]) {
			tui_wrap(c, r.x + 3, y, dw, dlines[i], 0, use_full[i] ? detail[i] : brief[i], TR_DIM,
			         0);
			y += dlines[i];
		}
	}
	for (int i = 0; i < n; i++)
		if (t->show_yaml)
			golines_free(&yaml[i]);
}

static int list_key(struct tui *t, struct tui_view *v, enum tui_action a)
{
	(void)t;
	return tui_move_selection(v, a, 4);
}

const struct tui_view_ops tui_workers_view = {"goroutines", workers_draw, list_key};

/* ---- locks ---- */

static int worker_list(struct tui *t, int x, int y, int maxx, uint64_t mask, enum tui_role role)
{
	bool first = true;
	for (uint32_t k = 0; k < 64; k++)
		if (mask >> k & 1) {
			x = tui_printf(&t->cv, x, y, maxx, role, 0, "%sG%u", first ? "" : ",", k + 1);
			first = false;
		}
	return x;
}

static int queue_text(char *buf, size_t len, const struct mv_sema *s)
{
	int o = 0;
	buf[0] = '\0';
	for (uint32_t k = 0; k < s->n && (size_t)o + 8 < len; k++)
		o += snprintf(buf + o, len - (size_t)o, "%sG%u", k ? " " : "", s->q[k] + 1);
	return o;
}

int tui_lock_brief(struct tui *t, int x, int y, int maxx, uint32_t i)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	if (i >= w->nlocks)
		return x;
	const struct mv_lock *lk = &w->locks[i];
	const struct mv_mutex *mu = lk->kind == MV_LOCK_MUTEX ? &lk->mu : &lk->rw.w;
	uint32_t waiting = mu->sema.n;
	if (lk->kind == MV_LOCK_MUTEX) {
		if (mu->state & MV_MUTEX_LOCKED) {
			x = tui_puts(c, x, y, maxx, "held by ", TR_LABEL, 0);
			x = worker_list(t, x, y, maxx, mu->holder_mask, TR_RUNNING);
		} else {
			x = tui_puts(c, x, y, maxx, "free", TR_DIM, 0);
		}
	} else {
		const struct mv_rwmutex *rw = &lk->rw;
		waiting += rw->writer_sem.n + rw->reader_sem.n;
		if (rw->writer_mask) {
			x = tui_puts(c, x, y, maxx, "Lock ", TR_LABEL, 0);
			x = worker_list(t, x, y, maxx, rw->writer_mask, TR_RUNNING);
		}
		if (rw->readers_mask) {
			x = tui_puts(c, x + (rw->writer_mask != 0), y, maxx, "RLock ", TR_LABEL, 0);
			x = worker_list(t, x, y, maxx, rw->readers_mask, TR_RUNNING);
		}
		if (!rw->writer_mask && !rw->readers_mask)
			x = tui_puts(c, x, y, maxx, "free", TR_DIM, 0);
	}
	if (waiting) {
		x = tui_puts(c, x, y, maxx, " · waiting", TR_LABEL, 0);
		const struct mv_sema *q[3] = {&mu->sema, NULL, NULL};
		if (lk->kind == MV_LOCK_RWMUTEX) {
			q[1] = &lk->rw.writer_sem;
			q[2] = &lk->rw.reader_sem;
		}
		for (int k = 0; k < 3; k++)
			for (uint32_t j = 0; q[k] && j < q[k]->n; j++)
				x = tui_printf(c, x, y, maxx, TR_BLOCKED, 0, " G%u", q[k]->q[j] + 1);
	}
	return x;
}

/* The locks the locks panel lists: the scene's own and a SafeMap's lock;
 * a sharded map's locks are in its panel, a line per shard. */
static uint32_t locks_shown(const struct mv_world *w)
{
	return w->spec->map.impl == MV_IMPL_SHARDED ? w->map_lock : w->nlocks;
}

/* Lock k of the panel: its name, kind and holders, then its counters and
 * who waits where (wrapped to the width).  Draws nothing when !draw.
 * Returns the lines it takes. */
static int lock_entry(struct tui *t, uint32_t k, int x0, int y, int maxx, int ymax, bool sel, bool draw)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	const struct mv_lock *lk = &w->locks[k];
	char lb[40], text[300];
	int lines = 1, width = maxx - x0 - 3;
	if (draw) {
		int x = tui_puts(c, x0, y, maxx, sel ? tui_glyph(t, TR_SELECTED) : " ",
		                 sel ? TR_SELECTED : TR_NORMAL, 0);
		x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%s", mv_world_lock_name(w, k, lb, sizeof lb));
		x = tui_puts(c, x + 1, y, maxx, lk->kind == MV_LOCK_MUTEX ? "Mutex" : "RWMutex", TR_DIM, 0);
		x = tui_lock_brief(t, x + 2, y, maxx, k);
		if (lk->kind == MV_LOCK_MUTEX && lk->mu.state & MV_MUTEX_STARVING)
			tui_puts(c, x + 1, y, maxx, "starving", TR_WRITING, 0);
	}
	/* the words Go's fields and semaphores stand for, one thought a line */
	const char *what[4] = {NULL, NULL, NULL, NULL};
	enum tui_role roles[4] = {TR_DIM, TR_BLOCKED, TR_BLOCKED, TR_BLOCKED};
	char q1[120], q2[120], q3[120], b1[200], b2[200], b3[200];
	if (lk->kind == MV_LOCK_MUTEX) {
		snprintf(text, sizeof text, "state %#x, %d waiting", lk->mu.state, mv_mutex_waiters(&lk->mu));
		what[0] = text;
		if (queue_text(q1, sizeof q1, &lk->mu.sema)) {
			snprintf(b1, sizeof b1, "sema %s: Lock waits for the holder", q1);
			what[1] = b1;
		}
	} else {
		const struct mv_rwmutex *rw = &lk->rw;
		if (rw->reader_count < 0) /* R6.2: a writer subtracted rwmutexMaxReaders */
			snprintf(text, sizeof text,
			         "readerCount -2^30%+d  readerWait %d · below 0: a writer is pending",
			         rw->reader_count + MV_RW_MAX_READERS, rw->reader_wait);
		else
			snprintf(text, sizeof text, "readerCount %d  readerWait %d", rw->reader_count,
			         rw->reader_wait);
		what[0] = text;
		if (queue_text(q1, sizeof q1, &rw->w.sema)) {
			snprintf(b1, sizeof b1, "w %s: Lock waits for the other writer", q1);
			what[1] = b1;
		}
		if (queue_text(q2, sizeof q2, &rw->writer_sem)) {
			snprintf(b2, sizeof b2, "writerSem %s: Lock waits for readers to leave", q2);
			what[2] = b2;
		}
		if (queue_text(q3, sizeof q3, &rw->reader_sem)) {
			snprintf(b3, sizeof b3, "readerSem %s: RLock waits for the writer", q3);
			what[3] = b3;
		}
	}
	for (int i = 0; i < 4; i++) {
		if (!what[i])
			continue;
		int n = tui_wrap_lines(width, 2, what[i], 3);
		if (draw)
			n = tui_wrap(c, x0 + 3, y + lines, width, ymax - (y + lines), 2, what[i], roles[i],
			             0);
		lines += n;
	}
	return lines;
}

/* Rows the locks panel wants at width w (its box included). */
static int locks_height(struct tui *t, int w)
{
	const struct mv_world *wd = tui_world(t);
	int h = 0;
	for (uint32_t k = 0; k < locks_shown(wd); k++)
		h += lock_entry(t, k, 0, 0, w - 3, 1000, false, false);
	return h ? h + 2 : 0;
}

static void locks_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	const struct mv_world *w = tui_world(t);
	int maxx = r.x + r.w, y = r.y;
	int n = (int)locks_shown(w);
	v->nitems = n;
	if (v->sel >= v->nitems)
		v->sel = v->nitems - 1;
	if (v->sel < 0)
		v->sel = 0;
	int fit = r.h / 2 > 0 ? r.h / 2 : 1;
	if (v->sel < v->scroll)
		v->scroll = v->sel;
	if (v->sel >= v->scroll + fit)
		v->scroll = v->sel - fit + 1;
	v->page = fit;
	if (!n) {
		tui_puts(&t->cv, r.x + 1, y, maxx, "no locks in this scene", TR_DIM, 0);
		return;
	}
	for (int k = v->scroll; k < n && y < r.y + r.h; k++)
		y += lock_entry(t, (uint32_t)k, r.x, y, maxx, r.y + r.h, t->focus == TP_LOCKS && k == v->sel,
		                true);
}

const struct tui_view_ops tui_locks_view = {"locks", locks_draw, list_key};

/* ---- events ---- */

static void events_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	struct tui_canvas *c = &t->cv;
	const struct timeline *tl = &t->tl;
	int maxx = r.x + r.w;
	uint64_t n = tl->log_end - tl->log_start;
	v->nitems = (int)n;
	v->page = r.h;
	if (v->scroll > (int)n - 1)
		v->scroll = (int)n - 1;
	if (v->scroll < 0)
		v->scroll = 0;
	if (!n) {
		tui_puts(c, r.x + 1, r.y, maxx, "nothing has happened yet: press space to take a step",
		         TR_DIM, 0);
		return;
	}
	int namew = 1;
	for (uint32_t i = 0; i < t->tl.w.nworkers; i++)
		if ((int)strlen(tui_wname(t, i)) > namew)
			namew = (int)strlen(tui_wname(t, i));
	if (namew > 10)
		namew = 10;
	char gw[8];
	int gl = snprintf(gw, sizeof gw, "G%u", t->tl.w.nworkers);
	/* the text column; an entry too long for one line goes on below it */
	int tx = r.x + 5 + 1 + gl + 1 + namew + 1 + 1 + 1;
	int tw = maxx - tx;
	int maxl = r.h >= 5 ? 3 : 2;
	/* the newest at the bottom; scroll counts entries back from the end */
	int64_t last = (int64_t)tl->log_end - 1 - v->scroll;
	int64_t first = last;
	int used = 0, first_lines = maxl;
	for (int64_t i = last; i >= (int64_t)tl->log_start && used < r.h; i--) {
		char text[300];
		tui_entry_text(t, tl_log_at(tl, (uint64_t)i), text, sizeof text);
		int l = tui_wrap_lines(tw, 2, text, maxl);
		if (used + l > r.h && i != last)
			break; /* an entry shows whole or not at all */
		if (used + l > r.h)
			l = r.h - used;
		first_lines = l;
		used += l;
		first = i;
	}
	int y = r.y + (r.h - used > 0 ? r.h - used : 0);
	for (int64_t i = first; i <= last && y < r.y + r.h; i++) {
		const struct tl_entry *e = tl_log_at(tl, (uint64_t)i);
		char text[300];
		tui_entry_text(t, e, text, sizeof text);
		bool now = e->step == tl->w.step;
		bool hit = i == t->search_hit;
		enum tui_role role = hit ? TR_MATCH : entry_role(e);
		int x = tui_printf(c, r.x, y, maxx, now ? TR_VALUE : TR_EVENT_STEP, 0, "%5" PRIu64, e->step);
		x = tui_printf(c, x + 1, y, maxx, TR_LABEL, 0, "G%-*u %-*.*s", gl - 1, e->worker + 1, namew,
		               namew, tui_wname(t, e->worker));
		tui_puts(c, x + 1, y, maxx, e->kind == TL_EV ? (t->ascii ? "*" : "•") : " ", role, 0);
		int lines = i == first ? first_lines : maxl;
		y += tui_wrap(c, tx, y, tw, r.y + r.h - y < lines ? r.y + r.h - y : lines, 2, text, role,
		              now ? TUI_A_BOLD : 0);
	}
}

static int events_key(struct tui *t, struct tui_view *v, enum tui_action a)
{
	(void)t;
	int page = v->page > 1 ? v->page - 1 : 1;
	switch (a) {
	case TA_UP: v->scroll++; break;
	case TA_DOWN: v->scroll--; break;
	case TA_PGUP: v->scroll += page; break;
	case TA_PGDN: v->scroll -= page; break;
	default: return TUI_UNHANDLED;
	}
	if (v->scroll > v->nitems - v->page)
		v->scroll = v->nitems - v->page;
	if (v->scroll < 0)
		v->scroll = 0;
	return TUI_HANDLED | TUI_REDRAW;
}

const struct tui_view_ops tui_events_view = {"events", events_draw, events_key};

/* ---- caption, key bar ---- */

/* The caption on screen: a scene note, unless it is tied to a step and
 * the run is the student's own interleaving; NULL none. */
static const char *caption_text(const struct tui *t)
{
	const struct tl_marks *m = &t->tl.m;
	if (m->caption < 0 || (uint32_t)m->caption >= t->sc.nnotes)
		return NULL;
	const struct scene_note *n = &t->sc.notes[m->caption];
	if (!n->on_event && tl_own(&t->tl))
		return NULL;
	return n->say;
}

/* What the caption row says about a run picked by hand. */
static void own_text(const struct tui *t, char *buf, size_t len)
{
	snprintf(buf, len,
	         "Your own interleaving since step %" PRIu64 ": step captions off; s: scene's schedule",
	         t->tl.first_manual + 1);
}

/* The lines the caption takes at width w. */
static int caption_lines(const struct tui *t, int w)
{
	int n = 0;
	const char *say = caption_text(t);
	if (tl_own(&t->tl)) {
		char own[240];
		own_text(t, own, sizeof own);
		n += tui_wrap_lines(w, 2, own, 2);
	}
	if (say)
		n += tui_wrap_lines(w, 0, say, 3);
	else if (!tl_own(&t->tl) && t->sc.summary)
		n += tui_wrap_lines(w, 0, t->sc.summary, 2);
	return n ? n : 1;
}

static void draw_caption(struct tui *t, struct tui_rect r)
{
	int y = r.y, ymax = r.y + r.h;
	const char *say = caption_text(t);
	if (tl_own(&t->tl)) {
		char own[240];
		own_text(t, own, sizeof own);
		/* the event caption keeps a line when there is one */
		int room = ymax - y - (say ? 1 : 0);
		y += tui_wrap(&t->cv, r.x + 2, y, r.w - 2, room > 0 ? room : 1, 2, own, TR_KEY, 0);
	}
	if (say && y < ymax) {
		int x = tui_puts(&t->cv, r.x, y, r.x + r.w, tui_glyph(t, TR_SELECTED), TR_CAPTION, 0);
		tui_wrap(&t->cv, x + 1, y, r.w - 2, ymax - y, 0, say, TR_CAPTION, 0);
	} else if (!tl_own(&t->tl) && t->sc.summary) {
		tui_wrap(&t->cv, r.x + 2, y, r.w - 2, ymax - y, 0, t->sc.summary, TR_DIM, 0);
	}
}

static void draw_keybar(struct tui *t, int y)
{
	struct tui_canvas *c = &t->cv;
	int maxx = c->w;
	if (t->prompt != TQ_NONE) {
		int x = tui_puts(c, 1, y, maxx,
		                 t->prompt == TQ_GOTO ? "go to step: " : "search events: ", TR_KEY, 0);
		x = tui_puts(c, x, y, maxx, t->input, TR_VALUE, 0);
		tui_putc(c, x, y, maxx, '_', TR_VALUE, TUI_A_REVERSE);
		tui_puts(c, x + 3, y, maxx, "(Enter: go, Esc: cancel)", TR_DIM, 0);
		return;
	}
	if (t->flash[0] && t->now_ms < t->flash_until_ms) {
		/* a message too long for the line takes the line above too */
		int n = tui_wrap_lines(c->w - 2, 2, t->flash, 3);
		tui_fill(c, (struct tui_rect){0, y - n + 1, c->w, n}, ' ', TR_FLASH, 0);
		tui_wrap(c, 1, y - n + 1, c->w - 2, n, 2, t->flash, TR_FLASH, 0);
		return;
	}
	/* every labelled key if they fit, else without the less urgent ones */
	for (int pass = 0; pass < 2; pass++) {
		int need = 1;
		for (int a = 0; a < TA__COUNT; a++)
			if (tui_keys[a].bar[0] && (pass == 0 || (a != TA_FASTER && a != TA_FOCUS)))
				need +=
				    tui_text_width(tui_keys[a].label) + tui_text_width(tui_keys[a].bar) + 3;
		if (need > maxx && pass == 0)
			continue;
		int x = 1;
		for (int a = 0; a < TA__COUNT; a++) {
			if (!tui_keys[a].bar[0] || (pass == 1 && (a == TA_FASTER || a == TA_FOCUS)))
				continue;
			const char *label = a == TA_FASTER ? "+/-" : tui_keys[a].label;
			const char *word = a == TA_FASTER ? "speed" : tui_keys[a].bar;
			if (a == TA_STEP && t->have_scene) /* what space runs now (o toggles it) */
				word = t->tl.unit == MV_GRAN_OP ? "step op" : "step";
			x = tui_puts(c, x, y, maxx, label, TR_KEY, 0);
			x = tui_puts(c, x + 1, y, maxx, word, TR_KEYHINT, 0);
			x += 2;
		}
		break;
	}
}

/* ---- overlays ---- */

struct tui_rect tui_overlay_box(struct tui *t, int w, int h, const char *title, enum tui_role border)
{
	struct tui_canvas *c = &t->cv;
	if (w > c->w - 2)
		w = c->w - 2;
	if (h > c->h - 2)
		h = c->h - 2;
	struct tui_rect r = {(c->w - w) / 2, (c->h - h) / 2, w, h};
	tui_fill(c, r, ' ', TR_OVERLAY, 0);
	return tui_box(c, r, title, border);
}

/* The help screen's lines: a label in its column, text wrapped beside it,
 * scrolled by t->overlay_scroll. */
struct help_out {
	struct tui *t;
	struct tui_rect in;
	int y0, lines;
};

static void help_row(struct help_out *h, int lx, const char *label, enum tui_role lrole, int tx,
                     const char *text, enum tui_role trole, uint8_t tattr)
{
	struct tui_canvas *c = &h->t->cv;
	int maxx = h->in.x + h->in.w, w = maxx - tx;
	const char *s = text;
	bool first = true;
	do {
		int y = h->y0 + h->lines++;
		bool vis = y >= h->in.y && y < h->in.y + h->in.h - 1;
		int cut = *s ? wrap_cut(s, w) : 0;
		if (vis) {
			if (first && label)
				tui_puts(c, lx, y, tx - 1, label, lrole, 0);
			char line[512];
			snprintf(line, sizeof line, "%.*s", cut < 511 ? cut : 511, s);
			tui_puts(c, tx, y, maxx, line, trole, tattr);
		}
		s += cut;
		while (*s == ' ')
			s++;
		first = false;
	} while (*s);
}

static void draw_help(struct tui *t)
{
	struct tui_canvas *c = &t->cv;
	struct tui_rect in = tui_overlay_box(t, 96, c->h - 2, "help: keys and symbols", TR_BORDER_FOCUS);
	struct help_out h = {t, in, in.y - t->overlay_scroll, 0};
	int maxx = in.x + in.w;
	for (int a = 0; a < TA__COUNT; a++)
		if (tui_keys[a].label[0])
			help_row(&h, in.x + 1, tui_keys[a].label, TR_KEY, in.x + 12, tui_keys[a].help,
			         TR_NORMAL, 0);
	h.lines++;
	help_row(&h, 0, NULL, TR_NORMAL, in.x + 1,
	         "slots (tophash byte of each of a bucket's 8 slots):", TR_LABEL, TUI_A_BOLD);
	static const struct {
		enum tui_role r;
		const char *text;
	} legend[] = {
	    {TR_LIVE, "a live entry: the top byte of its key's hash (tophash >= 5)"},
	    {TR_EMPTY_REST, "emptyRest (0): empty, and so is every slot after it; lookups stop"},
	    {TR_EMPTY_ONE, "emptyOne (1): empty, an entry was deleted here; lookups go on"},
	    {TR_EVAC_X, "evacuatedX (2): moved to the new bucket with the same index"},
	    {TR_EVAC_Y, "evacuatedY (3): moved to the new bucket at index + old size"},
	    {TR_EVAC_EMPTY, "evacuatedEmpty (4): was empty when its bucket was evacuated"},
	    {TR_TOUCHED, "the slot or bucket the latest step touched"},
	    {TR_PROBE, "G1: where goroutine 1's operation is probing"},
	};
	for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++) {
		const char *g = legend[i].r == TR_LIVE      ? "a3"
		                : legend[i].r == TR_TOUCHED ? "5c"
		                                            : tui_glyph(t, legend[i].r);
		help_row(&h, in.x + 3, g, legend[i].r, in.x + 7, legend[i].text, TR_NORMAL, 0);
	}
	h.lines++;
	help_row(&h, 0, NULL, TR_NORMAL, in.x + 1, "goroutines:", TR_LABEL, TUI_A_BOLD);
	static const struct {
		enum tui_role r;
		const char *text;
	} gl[] = {
	    {TR_RUNNING, "running: took the latest step"},
	    {TR_RUNNABLE, "runnable: can take a step (press its number to run it)"},
	    {TR_BLOCKED, "blocked: waits for a lock or a channel"},
	    {TR_SLEEPING, "sleeping: waits for a timer"},
	    {TR_DONE, "done: finished its program"},
	    {TR_LEAKED, "leaked: blocked forever when main returned"},
	    {TR_FATAL, "fatal: its operation crashed the program"},
	};
	for (size_t i = 0; i < sizeof gl / sizeof gl[0]; i++)
		help_row(&h, in.x + 3, tui_glyph(t, gl[i].r), gl[i].r, in.x + 7, gl[i].text, TR_NORMAL, 0);
	h.lines++;
	char info[320];
	snprintf(info, sizeof info, "theme %s · checkpoints %u every %" PRIu64 " steps · %" PRIu64 " KiB%s",
	         t->theme.name, t->tl.nck, t->tl.every, tl_memory(&t->tl) / 1024,
	         t->tl.budget_bound ? " (a big map: fewer checkpoints to stay in 256 MiB; ← replays longer)" : "");
	help_row(&h, 0, NULL, TR_NORMAL, in.x + 1, info, TR_DIM, 0);
	if (t->overlay_scroll > h.lines - in.h + 1)
		t->overlay_scroll = h.lines - in.h + 1 > 0 ? h.lines - in.h + 1 : 0;
	tui_puts(c, in.x + 1, in.y + in.h - 1, maxx, "Esc or ? closes · ↑ ↓ scroll", TR_DIM, 0);
}

/* Why the program died, in the run's own terms: who found what, set by
 * whom, at which step.  False when there is nothing to add to Go's words. */
static bool fatal_why(const struct tui *t, char *buf, size_t len)
{
	const struct mv_world *w = tui_world(t);
	const struct tl_marks *m = &t->tl.m;
	int32_t c = w->culprit;
	char lb[40];
	if (w->end == MV_END_DEADLOCK) {
		int o = snprintf(buf, len, "no goroutine can run and none sleeps:");
		bool first = true;
		for (uint32_t i = 0; i < w->nworkers && (size_t)o + 40 < len; i++) {
			const struct mv_worker *wk = &w->workers[i];
			if (wk->state != MV_W_BLOCKED)
				continue;
			o += snprintf(buf + o, len - (size_t)o, "%s G%u waits ", first ? "" : ";", i + 1);
			first = false;
			if (wk->wait == MV_WAIT_CHAN_RECEIVE) {
				o += snprintf(buf + o, len - (size_t)o, "for %s to close",
				              wk->wait_on < w->spec->nsignals ? w->spec->signals[wk->wait_on]
				                                              : "a channel");
				continue;
			}
			if (wk->wait_on >= w->nlocks) {
				o += snprintf(buf + o, len - (size_t)o, "for a lock");
				continue;
			}
			const struct mv_lock *lk = &w->locks[wk->wait_on];
			uint64_t held = lk->kind == MV_LOCK_MUTEX ? lk->mu.holder_mask
			                                          : lk->rw.writer_mask | lk->rw.readers_mask;
			o += snprintf(buf + o, len - (size_t)o, "for %s",
			              mv_world_lock_name(w, wk->wait_on, lb, sizeof lb));
			if (held) {
				o += snprintf(buf + o, len - (size_t)o, ", held by");
				for (uint32_t k = 0; k < w->nworkers && (size_t)o + 16 < len; k++)
					if (held >> k & 1)
						o += snprintf(buf + o, len - (size_t)o,
						              k == i ? " G%u itself" : " G%u", k + 1);
			}
		}
		return true;
	}
	if (c < 0 || (uint32_t)c >= w->nworkers || !w->message)
		return false;
	if (w->end == MV_END_PANIC && strstr(w->message, "nil map")) {
		snprintf(buf, len,
		         "G%d wrote to a nil map at step %" PRIu64 ": the map was never made with make()",
		         c + 1, w->step);
		return true;
	}
	if (w->end != MV_END_FATAL || strncmp(w->message, "concurrent map", 14) != 0)
		return false;
	/* the other write: the latest hashWriting toggle (set_writing) of
	 * another goroutine, one still in its operation first */
	int32_t other = -1;
	uint64_t at = 0;
	for (int pass = 0; pass < 2 && other < 0; pass++)
		for (uint32_t i = 0; i < w->nworkers && i < MV_MAX_WORKERS; i++)
			if ((int32_t)i != c && m->set_writing[i] > at && (pass || w->workers[i].in_op)) {
				other = (int32_t)i;
				at = m->set_writing[i];
			}
	const struct mv_instr *in = mv_world_instr(w, (uint32_t)c);
	const char *what = !in                       ? "operation"
	                   : in->kind == MV_I_RANGE  ? "range"
	                   : in->kind == MV_I_LOAD   ? "read"
	                   : in->kind == MV_I_DELETE ? "delete"
	                                             : "write";
	/* the flag's name in the runtime shown: Go 1.19's hmap.flags
	 * hashWriting, Go 1.24+'s Map.writing */
	const char *flag = t->sc.spec.map.go == MV_GO_1_19 ? "hashWriting" : "writing";
	if (m->phase && !strcmp(m->phase, "check_and_clear") && other >= 0)
		snprintf(
		    buf, len,
		    "G%d's %s, at its end, found %s clear: G%d's write toggled it off (XOR) at step %" PRIu64,
		    c + 1, what, flag, other + 1, at);
	else if (other >= 0)
		snprintf(buf, len, "G%d's %s found %s set by G%d at step %" PRIu64, c + 1, what, flag,
		         other + 1, at);
	else
		snprintf(buf, len, "G%d's %s found %s set: another write was under way", c + 1, what, flag);
	return true;
}

static void draw_fatal(struct tui *t)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return;
	out_go_report(f, w, &t->sc);
	fclose(f);
	while (len && text[len - 1] == '\n')
		text[--len] = '\0';
	int lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	const char *title = w->end == MV_END_PANIC      ? "the program panicked"
	                    : w->end == MV_END_DEADLOCK ? "deadlock: the program died"
	                                                : "fatal error: the program died";
	char why[400];
	int bw = c->w - 2 < 96 ? c->w - 2 : 96; /* the screen's width: nothing peeks out beside it */
	int why_h = fatal_why(t, why, sizeof why) ? tui_wrap_lines(bw - 8, 0, why, 4) : 0;
	struct tui_rect in =
	    tui_overlay_box(t, bw, lines + 3 + (why_h ? why_h + 1 : 0), title, TR_OVERLAY_BORDER);
	int y = in.y, maxx = in.x + in.w;
	int text_end = in.y + in.h - 1 - (why_h ? why_h + 1 : 0);
	for (char *s = text, *nl; s && *s && y < text_end; s = nl ? nl + 1 : NULL, y++) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		/* tabs as Go's output has them: 8 columns */
		char line[300];
		size_t o = 0;
		for (const char *p = s; *p && o + 9 < sizeof line; p++) {
			if (*p == '\t')
				do
					line[o++] = ' ';
				while (o % 8);
			else
				line[o++] = *p;
		}
		line[o] = '\0';
		tui_puts(c, in.x + 1, y, maxx, line, y == in.y ? TR_EVENT_BAD : TR_OVERLAY,
		         y == in.y ? TUI_A_BOLD : 0);
	}
	free(text);
	if (why_h) {
		int wy = in.y + in.h - 1 - why_h;
		int x = tui_puts(c, in.x + 1, wy, maxx, "why:", TR_CAPTION, TUI_A_BOLD);
		tui_wrap(c, x + 1, wy, maxx - x - 1, why_h, 0, why, TR_CAPTION, 0);
	}
	tui_puts(c, in.x + 1, in.y + in.h - 1, maxx,
	         "Go's own output · Esc closes · ← steps back · Home restarts", TR_DIM, 0);
}

/* ---- the screen ---- */

static void panel(struct tui *t, enum tui_panel p, struct tui_rect r, const char *title)
{
	struct tui_view *v = &t->views[p];
	v->r = r;
	if (r.w < 4 || r.h < 3)
		return;
	char buf[96];
	snprintf(buf, sizeof buf, "%s%s", title ? title : v->ops->name, t->focus == p ? " *" : "");
	struct tui_rect in = tui_box(&t->cv, r, buf, t->focus == p ? TR_BORDER_FOCUS : TR_BORDER);
	v->ops->draw(t, v, (struct tui_rect){in.x + 1, in.y, in.w - 1, in.h});
}

/* Box-drawing arms: up, down, left, right. */
enum { ARM_U = 1, ARM_D = 2, ARM_L = 4, ARM_R = 8 };
static const struct {
	uint32_t ch;
	uint8_t arms;
} box_arms[] = {
    {0x2500, ARM_L | ARM_R},
    {0x2502, ARM_U | ARM_D},
    {0x250c, ARM_R | ARM_D},
    {0x2510, ARM_L | ARM_D},
    {0x2514, ARM_U | ARM_R},
    {0x2518, ARM_U | ARM_L},
    {0x251c, ARM_U | ARM_D | ARM_R},
    {0x2524, ARM_U | ARM_D | ARM_L},
    {0x252c, ARM_L | ARM_R | ARM_D},
    {0x2534, ARM_L | ARM_R | ARM_U},
    {0x253c, ARM_U | ARM_D | ARM_L | ARM_R},
};

static uint8_t arms_at(struct tui_canvas *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return 0;
	uint32_t ch = tui_cell_at(c, x, y)->ch;
	if (c->ascii)
		return ch == '-' ? ARM_L | ARM_R : ch == '|' ? ARM_U | ARM_D : ch == '+' ? 0xf : 0;
	for (size_t i = 0; i < sizeof box_arms / sizeof box_arms[0]; i++)
		if (box_arms[i].ch == ch)
			return box_arms[i].arms;
	return 0;
}

/* Where two boxes share a border: join the lines of row y (├ ┴ ┤). */
static void join_row(struct tui_canvas *c, int y)
{
	for (int x = 0; x < c->w; x++) {
		uint8_t a = arms_at(c, x, y);
		if (!a || a == 0xf)
			continue;
		uint8_t up = arms_at(c, x, y - 1);
		if (up & ARM_D)
			a |= ARM_U;
		struct tui_cell *cell = tui_cell_at(c, x, y);
		if (c->ascii) {
			if ((a & (ARM_U | ARM_D)) && (a & (ARM_L | ARM_R)))
				cell->ch = '+';
			continue;
		}
		for (size_t i = 0; i < sizeof box_arms / sizeof box_arms[0]; i++)
			if (box_arms[i].arms == a)
				cell->ch = box_arms[i].ch;
	}
}

/* A scene whose programs touch no map (only locks, sleeps, channels):
 * the screen goes to the goroutines and the locks. */
static bool locks_only(const struct tui *t)
{
	const struct mv_world_spec *sp = &t->sc.spec;
	if (sp->map.impl != MV_IMPL_GOMAP || !tui_world(t)->nlocks)
		return false;
	for (uint32_t i = 0; i < sp->nworkers; i++)
		for (uint32_t k = 0; k < sp->workers[i].prog.n; k++)
			switch (sp->workers[i].prog.instrs[k].kind) {
			case MV_I_STORE:
			case MV_I_LOAD:
			case MV_I_DELETE:
			case MV_I_RANGE:
			case MV_I_LEN:
			case MV_I_CLEAR:
			case MV_I_LOAD_OR_STORE:
			case MV_I_LOAD_AND_DELETE: return false;
			default: break;
			}
	return true;
}

/* Sharded maps follow the shard under contention (the most waiters on its
 * lock), else the shard of the latest step, unless [ ] picked one.  A
 * function of what is on screen, so a step back shows the same shard. */
static uint32_t follow_shard(const struct tui *t)
{
	const struct mv_world *w = tui_world(t);
	if (w->nmaps < 2)
		return 0;
	uint32_t best = UINT32_MAX, most = 0;
	for (uint32_t s = 0; s < w->nmaps; s++) {
		uint32_t li = w->map_lock + s;
		if (li >= w->nlocks)
			break;
		const struct mv_lock *lk = &w->locks[li];
		uint32_t n = lk->kind == MV_LOCK_MUTEX
		                 ? lk->mu.sema.n
		                 : lk->rw.w.sema.n + lk->rw.writer_sem.n + lk->rw.reader_sem.n;
		if (n > most) {
			most = n;
			best = s;
		}
	}
	if (best != UINT32_MAX)
		return best;
	int32_t k = t->tl.m.worker;
	if (k >= 0 && (uint32_t)k < w->nworkers) {
		const struct mv_worker *wk = &w->workers[k];
		if (wk->in_op &&
		    (wk->op.stage == MV_ST_LOCK || wk->op.stage == MV_ST_MAP ||
		     wk->op.stage == MV_ST_UNLOCK) &&
		    wk->op.shard < w->nmaps)
			return wk->op.shard;
	}
	return t->tl.m.touch_map < w->nmaps ? t->tl.m.touch_map : 0;
}

void tui_render(struct tui *t)
{
	struct tui_canvas *c = &t->cv;
	tui_canvas_clear(c, TR_NORMAL);
	int W_ = c->w, H = c->h;
	if (W_ < TUI_MIN_W || H < TUI_MIN_H) {
		const char *msg =
		    t->ascii ? "terminal too small (need 80x24)" : "terminal too small (need 80×24)";
		int y = H / 2 - 1;
		if (y < 0)
			y = 0;
		int x = (W_ - tui_text_width(msg)) / 2;
		tui_puts(c, x > 0 ? x : 0, y, W_, msg, TR_EVENT_BAD, TUI_A_BOLD);
		char now[64];
		snprintf(now, sizeof now, t->ascii ? "now %dx%d - q quits" : "now %d×%d · q quits", W_, H);
		x = (W_ - tui_text_width(now)) / 2;
		tui_puts(c, x > 0 ? x : 0, y + 1, W_, now, TR_DIM, 0);
		return;
	}
	const struct mv_world *w = tui_world(t);
	if (w->nmaps > 1) {
		if (!t->shard_pinned)
			t->shard = follow_shard(t);
		if (t->shard >= w->nmaps)
			t->shard = 0;
	}
	draw_header(t, 0);
	bool lonly = locks_only(t);
	int top = 1;
	if (!lonly) {
		tui_mapview_of(t)->draw_header(t, 1); /* the map's, or the sync.Map's */
		top = 3;
	}
	int cap_h = H >= 30 ? 2 : 1;
	int ev_h = H >= 50 ? 12 : H >= 40 ? 9 : H >= 30 ? 7 : 5;
	for (int need = caption_lines(t, W_ - 4); cap_h < need && cap_h < 3 && ev_h > 4;) {
		cap_h++; /* a caption that needs more lines takes them from the events */
		ev_h--;
	}
	int ev_y = H - 1 - cap_h - ev_h;
	/* the panels above the events share their bottom border with its top */
	int main_h = ev_y - top + 1;
	uint32_t nlk = locks_shown(w);
	if (lonly) {
		int lock_h = locks_height(t, W_);
		if (lock_h > main_h / 2)
			lock_h = main_h / 2;
		panel(t, TP_WORKERS, (struct tui_rect){0, top, W_, main_h - lock_h + 1}, NULL);
		panel(t, TP_LOCKS, (struct tui_rect){0, top + main_h - lock_h, W_, lock_h}, NULL);
		t->views[TP_MAP].r = (struct tui_rect){0, 0, 0, 0};
		join_row(c, top + main_h - lock_h);
	} else {
		int left_w = W_ >= 120 ? W_ * 55 / 100 : W_ >= 100 ? W_ / 2 : 44;
		int right_w = W_ - left_w;
		int lock_h = 0;
		if (nlk) {
			lock_h = locks_height(t, right_w);
			if (lock_h > main_h / 2)
				lock_h = main_h / 2;
		}
		/* the locks go under the map when it leaves the rows (and the
		 * goroutines keep theirs), else under the goroutines */
		int map_rows = -1;
		if (tui_mapview_of(t)->rows_wanted)
			map_rows = tui_mapview_of(t)->rows_wanted(t);
		bool lock_left = false;
		if (nlk) {
			lock_h = locks_height(t, left_w);
			lock_left = map_rows >= 0 && map_rows + 2 + lock_h - 1 <= main_h;
			if (!lock_left) {
				lock_h = locks_height(t, right_w);
				if (lock_h > main_h / 2)
					lock_h = main_h / 2;
			}
		}
		panel(t, TP_MAP, (struct tui_rect){0, top, left_w, main_h - (lock_left ? lock_h - 1 : 0)},
		      NULL);
		panel(
		    t, TP_WORKERS,
		    (struct tui_rect){left_w, top, right_w, main_h - (lock_h && !lock_left ? lock_h - 1 : 0)},
		    NULL);
		if (lock_h) {
			struct tui_rect lr =
			    lock_left ? (struct tui_rect){0, top + main_h - lock_h, left_w, lock_h}
			              : (struct tui_rect){left_w, top + main_h - lock_h, right_w, lock_h};
			panel(t, TP_LOCKS, lr, NULL);
			join_row(c, top + main_h - lock_h);
		} else {
			t->views[TP_LOCKS].r = (struct tui_rect){0, 0, 0, 0};
		}
	}
	char evt[64];
	snprintf(evt, sizeof evt, "events%s", t->views[TP_EVENTS].scroll ? " (scrolled: ↓ to follow)" : "");
	panel(t, TP_EVENTS, (struct tui_rect){0, ev_y, W_, ev_h}, evt);
	join_row(c, ev_y);
	draw_caption(t, (struct tui_rect){1, H - 1 - cap_h, W_ - 2, cap_h});
	draw_keybar(t, H - 1);
	switch (t->overlay) {
	case TO_HELP: draw_help(t); break;
	case TO_INSPECT: tui_mapview_of(t)->draw_inspector(t); break;
	case TO_FATAL: draw_fatal(t); break;
	case TO_NONE: break;
	}
}
