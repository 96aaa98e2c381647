/*
 * views: everything the TUI draws, into the canvas (no curses): the header,
 * the hmap line, the map panel (gomap buckets or a heat map, sharded maps),
 * goroutines with their programs, locks, the event log, the caption, the
 * key bar and the overlays (help, bucket inspector, Go's crash report, the
 * "terminal too small" line).  Wording of events follows app/out.c, so the
 * TUI and `mapviz run` say the same thing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../out.h"
#include "../words.h"
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
	int o = snprintf(right, sizeof right, "Go %s  step %" PRIu64, mv_go_name(t->sc.spec.map.go), w->step);
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
		o += snprintf(right + o, sizeof right - (size_t)o, "  %s paused %d/s", tui_glyph(t, TR_BLOCKED),
		              tui_speeds[t->speed]);
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

/* The hmap lines for a sync.Map (S1): read, amended, dirty, misses, mu. */
static void draw_sync_header(struct tui *t, int y)
{
	struct tui_canvas *c = &t->cv;
	const struct syncmap *sm = tui_world(t)->sm;
	int maxx = c->w;
	int x = tui_puts(c, 1, y, maxx, "sync.Map", TR_TITLE, TUI_A_BOLD);
	x = tui_puts(c, x + 2, y, maxx, "read.m ", TR_LABEL, 0);
	if (sm->read_m == SM_NIL)
		x = tui_puts(c, x, y, maxx, "unset", TR_VALUE, 0);
	else
		x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%u entries", syncmap_len(sm, SM_READ));
	x = tui_puts(c, x + 2, y, maxx, "amended ", TR_LABEL, 0);
	x = tui_puts(c, x, y, maxx, sm->amended ? "true" : "false", sm->amended ? TR_WRITING : TR_VALUE, 0);
	x = tui_puts(c, x + 2, y, maxx, "dirty ", TR_LABEL, 0);
	if (sm->dirty == SM_NIL)
		x = tui_puts(c, x, y, maxx, "nil", TR_VALUE, 0);
	else
		x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%u entries", syncmap_len(sm, SM_DIRTY));
	x = tui_puts(c, x + 2, y, maxx, "misses ", TR_LABEL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%" PRId64, sm->misses);
	if (sm->dirty != SM_NIL)
		tui_printf(c, x, y, maxx, TR_LABEL, 0, " / len(dirty) %u: promote at %u",
		           syncmap_len(sm, SM_DIRTY), syncmap_len(sm, SM_DIRTY));
	y++;
	x = tui_puts(c, 1, y, maxx, "mu ", TR_LABEL, 0);
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
	tui_printf(c, x + 2, y, maxx, TR_LABEL, 0,
	           "promotions %" PRIu64 "  dirty rebuilds %" PRIu64 "  expunged %" PRIu64
	           "  retired read maps %u",
	           sm->promotions, sm->dirty_inits, sm->expunges, syncmap_retired(sm));
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
			if (wk->in_op && wk->op.stage == MV_ST_SYNC && wk->op.sm.e == items[i].entry &&
			    wk->op.sm.steps && wk->op.sm.phase != SM_PH_DONE)
				x = tui_printf(c, x + 1, y, maxx, TR_PROBE, 0, "%sG%u", tui_glyph(t, TR_PROBE),
				               q + 1);
		}
	}
	free(items);
}

static void sync_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	const struct syncmap *sm = tui_world(t)->sm;
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

/* "store 17 = 170", "lock mu", "sleep 3" */
static void op_text(const struct tui *t, uint32_t i, char *buf, size_t len)
{
	const struct mv_world *w = tui_world(t);
	const struct mv_worker *wk = &w->workers[i];
	const struct mv_instr *in = mv_world_instr(w, i);
	char k[64], lb[40];
	if (!in) {
		snprintf(buf, len, "-");
		return;
	}
	int o = snprintf(buf, len, "%s", mv_instr_name(in->kind));
	if (wk->in_op) {
		if (in->kind == MV_I_STORE || in->kind == MV_I_LOAD || in->kind == MV_I_DELETE) {
			tui_key_text(w, wk->op.key, k, sizeof k);
			o += snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " %s", k);
			if (in->kind == MV_I_STORE)
				o += snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " = %" PRId64,
				              wk->op.value);
		}
		if (!wk->op.wrapped && (wk->op.stage == MV_ST_LOCK || wk->op.stage == MV_ST_UNLOCK))
			snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " %s",
			         mv_world_lock_name(w, wk->op.lock, lb, sizeof lb));
		else if (in->kind == MV_I_SLEEP)
			snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " %" PRId64 " steps", in->n);
	}
}

static void phase_text(const struct tui *t, uint32_t i, char *buf, size_t len)
{
	const struct mv_world *w = tui_world(t);
	const struct mv_worker *wk = &w->workers[i];
	char lb[40];
	buf[0] = '\0';
	if (!wk->in_op || wk->state == MV_W_DONE)
		return;
	const char *ph = mv_world_phase(w, i);
	switch (wk->op.stage) {
	case MV_ST_LOCK:
	case MV_ST_UNLOCK:
		if (wk->op.wrapped) /* a SafeMap method: its lock around the map operation */
			snprintf(buf, len, "%s%s %s, next: %s", wk->op.stage == MV_ST_LOCK ? "" : "",
			         wk->op.stage == MV_ST_LOCK ? (wk->op.read ? "RLock" : "Lock")
			                                    : (wk->op.read ? "RUnlock" : "Unlock"),
			         mv_world_lock_name(w, wk->op.lock, lb, sizeof lb), ph);
		else
			snprintf(buf, len, "next: %s", ph);
		break;
	case MV_ST_MAP: {
		struct mv_mop_state st;
		mv_mop_state(&w->maps[wk->op.shard], &wk->op.mop, &st);
		if (w->nmaps > 1)
			snprintf(buf, len, "shard %u, next: %s%s", wk->op.shard, ph, st.steps ? "" : " (not started)");
		else
			snprintf(buf, len, "next: %s%s", ph, st.steps ? "" : " (not started)");
		break;
	}
	case MV_ST_SYNC: snprintf(buf, len, "next: %s", ph); break;
	default: snprintf(buf, len, "next: %s", ph); break;
	}
}

/* The scene file line of the instruction, stripped of its indentation. */
static const char *src_line(const struct tui *t, uint32_t line, int *indent)
{
	*indent = 0;
	if (!line || line > t->nsrc_lines)
		return "";
	const char *s = t->src_lines[line - 1];
	while (*s == ' ') {
		s++;
		(*indent)++;
	}
	return s;
}

static void workers_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	int maxx = r.x + r.w, y = r.y;
	v->nitems = (int)w->nworkers;
	if (v->sel >= v->nitems)
		v->sel = v->nitems - 1;
	if (v->sel < 0)
		v->sel = 0;
	uint32_t shown = t->focus == TP_WORKERS ? (uint32_t)v->sel
	                 : t->tl.m.worker >= 0  ? (uint32_t)t->tl.m.worker
	                                        : 0;
	int namew = 1;
	for (uint32_t i = 0; i < w->nworkers; i++)
		if ((int)strlen(tui_wname(t, i)) > namew)
			namew = (int)strlen(tui_wname(t, i));
	if (namew > 12)
		namew = 12;
	/* two or three lines per worker; the program of `shown` below if room */
	int n = (int)w->nworkers;
	int per = r.h >= 3 * n + 5 ? 3 : 2;
	int want_prog = r.h >= per * n + 4 ? r.h - per * n - 1 : 0;
	if (want_prog < 3)
		want_prog = 0;
	int list_h = r.h - (want_prog ? want_prog + 1 : 0);
	int fit = list_h / per;
	if (fit < 1)
		fit = 1;
	if (v->sel < v->scroll)
		v->scroll = v->sel;
	if (v->sel >= v->scroll + fit)
		v->scroll = v->sel - fit + 1;
	v->page = fit;
	for (int k = v->scroll; k < n && y + per <= r.y + list_h; k++) {
		uint32_t i = (uint32_t)k;
		char word[64], op[96], ph[120];
		enum tui_role role = worker_role(t, i, word, sizeof word);
		bool sel = t->focus == TP_WORKERS && k == v->sel;
		int y0 = y;
		int x = tui_puts(c, r.x, y, maxx, sel ? tui_glyph(t, TR_SELECTED) : " ",
		                 sel ? TR_SELECTED : TR_NORMAL, 0);
		x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "G%u ", i + 1);
		x = tui_puts(c, x, y, maxx, tui_glyph(t, role), role, 0);
		x = tui_printf(c, x + 1, y, maxx, TR_NORMAL, 0, "%-*s ", namew, tui_wname(t, i));
		x = tui_printf(c, x, y, maxx, role, 0, "%-8s", word);
		op_text(t, i, op, sizeof op);
		const struct mv_worker *wk = &w->workers[i];
		bool live = wk->state != MV_W_DONE && mv_world_instr(w, i);
		bool op_here = live && x + 1 + tui_text_width(op) <= maxx;
		if (op_here)
			tui_printf(c, x + 1, y, maxx, TR_VALUE, 0, "%s", op);
		y++;
		if (live) {
			phase_text(t, i, ph, sizeof ph);
			const char *g = wk->in_op ? words_gloss(w, mv_world_phase(w, i)) : NULL;
			x = r.x + 5;
			if (!op_here)
				x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%s ", op);
			x = tui_printf(c, x, y, maxx, TR_LABEL, 0, "%s", ph);
			if (g && per == 3)
				tui_printf(c, r.x + 5, y + 1, maxx, TR_DIM, 0, "(%s)", g);
			else if (g && x + 4 < maxx)
				tui_printf(c, x, y, maxx, TR_DIM, 0, " (%s)", g);
		}
		y = y0 + per;
	}
	if (!want_prog || shown >= w->nworkers)
		return;
	y = r.y + r.h - want_prog - 1;
	char title[96];
	snprintf(title, sizeof title, "G%u %s: program", shown + 1, tui_wname(t, shown));
	for (int x = r.x; x < maxx; x++)
		tui_putc(c, x, y, maxx, 0x2500, TR_BORDER, 0);
	tui_printf(c, r.x + 1, y, maxx, TR_LABEL, 0, " %s ", title);
	y++;
	const struct mv_program *p = &t->sc.spec.workers[shown].prog;
	if (!p->n)
		return;
	const struct mv_instr *cur = mv_world_instr(w, shown);
	uint32_t lo = p->instrs[0].line, hi = lo;
	for (uint32_t k = 0; k < p->n; k++)
		if (p->instrs[k].line > hi)
			hi = p->instrs[k].line;
	uint32_t curl = cur ? cur->line : hi + 1;
	int nl = (int)(hi - lo + 1), h = want_prog;
	uint32_t first = lo;
	if (nl > h && curl >= lo) {
		int off = (int)(curl - lo) - h / 2;
		if (off > nl - h)
			off = nl - h;
		if (off < 0)
			off = 0;
		first = lo + (uint32_t)off;
	}
	int base_indent = -1;
	for (uint32_t l = lo; l <= hi; l++) {
		int ind;
		const char *s = src_line(t, l, &ind);
		if (*s && (base_indent < 0 || ind < base_indent))
			base_indent = ind;
	}
	for (uint32_t l = first; l <= hi && y < r.y + r.h; l++, y++) {
		int ind;
		const char *s = src_line(t, l, &ind);
		bool at = l == curl;
		int x =
		    tui_puts(c, r.x, y, maxx, at ? tui_glyph(t, TR_RUNNING) : " ", at ? TR_RUNNING : TR_DIM, 0);
		x = tui_printf(c, x, y, maxx, TR_DIM, 0, "%3u ", l);
		x += ind - (base_indent > 0 ? base_indent : 0);
		tui_puts(c, x, y, maxx, s, at ? TR_VALUE : TR_NORMAL, at ? TUI_A_BOLD : 0);
	}
	if (!cur)
		tui_puts(c, r.x + 5, y < r.y + r.h ? y : r.y + r.h - 1, maxx, "(end of program)", TR_DIM, 0);
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

static int queue_list(struct tui *t, int x, int y, int maxx, const struct mv_sema *s)
{
	for (uint32_t k = 0; k < s->n; k++)
		x = tui_printf(&t->cv, x, y, maxx, TR_BLOCKED, 0, " G%u", s->q[k] + 1);
	return x;
}

static void locks_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	int maxx = r.x + r.w, y = r.y;
	v->nitems = (int)w->nlocks;
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
	if (!w->nlocks) {
		tui_puts(c, r.x + 1, y, maxx, "no locks in this scene", TR_DIM, 0);
		return;
	}
	for (int k = v->scroll; k < (int)w->nlocks && y < r.y + r.h; k++) {
		const struct mv_lock *lk = &w->locks[k];
		char lb[40];
		bool sel = t->focus == TP_LOCKS && k == v->sel;
		int x = tui_puts(c, r.x, y, maxx, sel ? tui_glyph(t, TR_SELECTED) : " ",
		                 sel ? TR_SELECTED : TR_NORMAL, 0);
		x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%s",
		               mv_world_lock_name(w, (uint32_t)k, lb, sizeof lb));
		x = tui_puts(c, x + 1, y, maxx, lk->kind == MV_LOCK_MUTEX ? "Mutex" : "RWMutex", TR_DIM, 0);
		x++;
		if (lk->kind == MV_LOCK_MUTEX) {
			if (lk->mu.state & MV_MUTEX_LOCKED) {
				x = tui_puts(c, x + 1, y, maxx, "held by ", TR_LABEL, 0);
				x = worker_list(t, x, y, maxx, lk->mu.holder_mask, TR_RUNNING);
			} else {
				x = tui_puts(c, x + 1, y, maxx, "free", TR_DIM, 0);
			}
			if (lk->mu.state & MV_MUTEX_STARVING)
				tui_puts(c, x + 1, y, maxx, "starving", TR_WRITING, 0);
			y++;
			if (y >= r.y + r.h)
				break;
			x = tui_printf(c, r.x + 3, y, maxx, TR_DIM, 0, "state %#x, %d waiting:", lk->mu.state,
			               mv_mutex_waiters(&lk->mu));
			queue_list(t, x, y, maxx, &lk->mu.sema);
		} else {
			const struct mv_rwmutex *rw = &lk->rw;
			if (rw->writer_mask) {
				x = tui_puts(c, x + 1, y, maxx, "writer ", TR_LABEL, 0);
				x = worker_list(t, x, y, maxx, rw->writer_mask, TR_RUNNING);
			}
			if (rw->readers_mask) {
				x = tui_puts(c, x + 1, y, maxx, "readers ", TR_LABEL, 0);
				x = worker_list(t, x, y, maxx, rw->readers_mask, TR_RUNNING);
			}
			if (!rw->writer_mask && !rw->readers_mask)
				tui_puts(c, x + 1, y, maxx, "free", TR_DIM, 0);
			y++;
			if (y >= r.y + r.h)
				break;
			if (rw->reader_count < 0) /* R6.2: a writer subtracted rwmutexMaxReaders */
				x = tui_printf(c, r.x + 3, y, maxx, TR_DIM, 0,
				               "readerCount -2^30%+d readerWait %d",
				               rw->reader_count + MV_RW_MAX_READERS, rw->reader_wait);
			else
				x = tui_printf(c, r.x + 3, y, maxx, TR_DIM, 0, "readerCount %d readerWait %d",
				               rw->reader_count, rw->reader_wait);
			if (rw->w.sema.n || rw->writer_sem.n || rw->reader_sem.n) {
				int need = 9 + 4 * (int)(rw->w.sema.n + rw->writer_sem.n + rw->reader_sem.n);
				if (x + need > maxx && y + 1 < r.y + r.h) {
					y++;
					x = r.x + 3;
				}
				x = tui_puts(c, x, y, maxx, " waiting:", TR_DIM, 0);
				x = queue_list(t, x, y, maxx, &rw->w.sema);
				x = queue_list(t, x, y, maxx, &rw->writer_sem);
				queue_list(t, x, y, maxx, &rw->reader_sem);
			}
		}
		y++;
	}
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
	if (v->scroll > (int)n - r.h)
		v->scroll = (int)n - r.h;
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
	/* the newest at the bottom; scroll counts lines back from the end */
	int64_t last = (int64_t)tl->log_end - 1 - v->scroll;
	int64_t first = last - r.h + 1;
	if (first < (int64_t)tl->log_start)
		first = (int64_t)tl->log_start;
	int y = r.y;
	for (int64_t i = first; i <= last; i++, y++) {
		const struct tl_entry *e = tl_log_at(tl, (uint64_t)i);
		char text[300];
		tui_entry_text(t, e, text, sizeof text);
		bool now = e->step == tl->w.step;
		bool hit = i == t->search_hit;
		enum tui_role role = hit ? TR_MATCH : entry_role(e);
		int x = tui_printf(c, r.x, y, maxx, now ? TR_VALUE : TR_EVENT_STEP, 0, "%5" PRIu64, e->step);
		x = tui_printf(c, x + 1, y, maxx, TR_LABEL, 0, "G%u %-*.*s", e->worker + 1, namew, namew,
		               tui_wname(t, e->worker));
		x = tui_puts(c, x + 1, y, maxx, e->kind == TL_EV ? (t->ascii ? "*" : "•") : " ", role, 0);
		tui_puts(c, x + 1, y, maxx, text, role, now ? TUI_A_BOLD : 0);
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

/* Word-wrap s into at most h lines of width w from (x, y). */
static int wrap(struct tui_canvas *c, int x, int y, int w, int h, const char *s, enum tui_role role,
                uint8_t attr)
{
	int lines = 0;
	while (*s && lines < h) {
		int len = (int)strlen(s), cut = len;
		/* find the byte where w columns end */
		int cols = 0, i = 0, last_space = -1;
		while (s[i] && cols < w) {
			if (s[i] == ' ')
				last_space = i;
			i++;
			while (((unsigned char)s[i] & 0xc0) == 0x80)
				i++;
			cols++;
		}
		if (s[i] && cols >= w)
			cut = last_space > 0 ? last_space : i;
		else
			cut = i;
		char line[512];
		snprintf(line, sizeof line, "%.*s", cut < (int)sizeof line - 1 ? cut : (int)sizeof line - 1,
		         s);
		tui_puts(c, x, y + lines, x + w, line, role, attr);
		s += cut;
		while (*s == ' ')
			s++;
		lines++;
	}
	return lines;
}

static void draw_caption(struct tui *t, struct tui_rect r)
{
	const struct tl_marks *m = &t->tl.m;
	if (m->caption >= 0 && (uint32_t)m->caption < t->sc.nnotes) {
		int x = tui_puts(&t->cv, r.x, r.y, r.x + r.w, tui_glyph(t, TR_SELECTED), TR_CAPTION, 0);
		wrap(&t->cv, x + 1, r.y, r.w - 2, r.h, t->sc.notes[m->caption].say, TR_CAPTION, 0);
	} else if (t->sc.summary) {
		wrap(&t->cv, r.x + 2, r.y, r.w - 2, r.h, t->sc.summary, TR_DIM, 0);
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
		tui_fill(c, (struct tui_rect){0, y, c->w, 1}, ' ', TR_FLASH, 0);
		tui_puts(c, 1, y, maxx, t->flash, TR_FLASH, 0);
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

static void draw_help(struct tui *t)
{
	struct tui_canvas *c = &t->cv;
	struct tui_rect in = tui_overlay_box(t, 96, c->h - 2, "help: keys and symbols", TR_BORDER_FOCUS);
	int lines = 0, y0 = in.y - t->overlay_scroll, maxx = in.x + in.w, y;
#define HLINE(y_) (y = y0 + lines++, (y_) = y, y >= in.y && y < in.y + in.h - 1)
	int yy;
	for (int a = 0; a < TA__COUNT; a++) {
		if (!tui_keys[a].label[0])
			continue;
		if (HLINE(yy)) {
			tui_puts(c, in.x + 1, yy, maxx, tui_keys[a].label, TR_KEY, 0);
			tui_puts(c, in.x + 12, yy, maxx, tui_keys[a].help, TR_NORMAL, 0);
		}
	}
	lines++;
	if (HLINE(yy))
		tui_puts(c, in.x + 1, yy, maxx,
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
		if (!HLINE(yy))
			continue;
		const char *g = legend[i].r == TR_LIVE      ? "a3"
		                : legend[i].r == TR_TOUCHED ? "5c"
		                                            : tui_glyph(t, legend[i].r);
		int x = tui_puts(c, in.x + 3, yy, maxx, g, legend[i].r, 0);
		tui_puts(c, x + 2, yy, maxx, legend[i].text, TR_NORMAL, 0);
	}
	lines++;
	if (HLINE(yy))
		tui_puts(c, in.x + 1, yy, maxx, "goroutines:", TR_LABEL, TUI_A_BOLD);
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
	for (size_t i = 0; i < sizeof gl / sizeof gl[0]; i++) {
		if (!HLINE(yy))
			continue;
		int x = tui_puts(c, in.x + 3, yy, maxx, tui_glyph(t, gl[i].r), gl[i].r, 0);
		tui_puts(c, x + 3, yy, maxx, gl[i].text, TR_NORMAL, 0);
	}
	lines++;
	if (HLINE(yy))
		tui_printf(c, in.x + 1, yy, maxx, TR_DIM, 0,
		           "theme %s · checkpoints %u every %" PRIu64 " steps · %" PRIu64 " KiB",
		           t->theme.name, t->tl.nck, t->tl.every, tl_memory(&t->tl) / 1024);
#undef HLINE
	if (t->overlay_scroll > lines - in.h + 1)
		t->overlay_scroll = lines - in.h + 1 > 0 ? lines - in.h + 1 : 0;
	tui_puts(c, in.x + 1, in.y + in.h - 1, maxx, "Esc or ? closes · ↑ ↓ scroll", TR_DIM, 0);
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
	struct tui_rect in = tui_overlay_box(t, 76, lines + 3, title, TR_OVERLAY_BORDER);
	int y = in.y, maxx = in.x + in.w;
	for (char *s = text, *nl; s && *s && y < in.y + in.h - 1; s = nl ? nl + 1 : NULL, y++) {
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
	draw_header(t, 0);
	if (w->sm)
		draw_sync_header(t, 1);
	else
		tui_mapview_of(t)->draw_header(t, 1);
	int cap_h = H >= 40 ? 2 : 1;
	int ev_h = H >= 50 ? 12 : H >= 40 ? 9 : H >= 30 ? 7 : 5;
	int main_y = 3, main_h = H - 1 - cap_h - ev_h - main_y;
	int left_w = W_ >= 120 ? W_ * 55 / 100 : W_ >= 100 ? W_ / 2 : 44;
	int right_w = W_ - left_w;
	int lock_h = 0;
	if (w->nlocks) {
		lock_h = (W_ >= 120 ? 2 : 3) * (int)w->nlocks + 2;
		if (lock_h > main_h / 2)
			lock_h = main_h / 2;
	}
	panel(t, TP_MAP, (struct tui_rect){0, main_y, left_w, main_h}, NULL);
	panel(t, TP_WORKERS, (struct tui_rect){left_w, main_y, right_w, main_h - lock_h}, NULL);
	if (lock_h)
		panel(t, TP_LOCKS, (struct tui_rect){left_w, main_y + main_h - lock_h, right_w, lock_h},
		      NULL);
	else
		t->views[TP_LOCKS].r = (struct tui_rect){0, 0, 0, 0};
	char evt[64];
	snprintf(evt, sizeof evt, "events%s", t->views[TP_EVENTS].scroll ? " (scrolled: ↓ to follow)" : "");
	panel(t, TP_EVENTS, (struct tui_rect){0, main_y + main_h, W_, ev_h}, evt);
	draw_caption(t, (struct tui_rect){1, H - 1 - cap_h, W_ - 2, cap_h});
	draw_keybar(t, H - 1);
	switch (t->overlay) {
	case TO_HELP: draw_help(t); break;
	case TO_INSPECT: tui_mapview_of(t)->draw_inspector(t); break;
	case TO_FATAL: draw_fatal(t); break;
	case TO_NONE: break;
	}
}
