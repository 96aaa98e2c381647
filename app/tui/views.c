/*
 * views: the screen as a whole, into the canvas (no curses): the header
 * line, the layout (the map panel beside the goroutines, the locks under
 * whichever has rows to spare, the events below sharing their border; a
 * scene without map operations gives the map's place to goroutines and
 * locks), the caption (with the note that a run picked by hand is the
 * student's own), the key bar, the overlay on top and the "terminal too
 * small" line.  Each panel is its own file (view_syncmap.c,
 * view_workers.c, view_locks.c, view_events.c; each map engine's in
 * view_maps.c), the overlays are in view_overlays.c and the helpers they
 * share in view_util.c.
 *
 * Nothing is cut where its meaning is: lines fit by wording (tui_segs_*)
 * or wrap (tui_wrap), and a lane shows a whole explanation or none.
 */
#include <inttypes.h>
#include <stdio.h>

#include "tui_int.h"

const int tui_speeds[] = {1, 2, 4, 8, 16, 32, 64, 250, 1000, 10000};
const int tui_nspeeds = (int)(sizeof tui_speeds / sizeof tui_speeds[0]);

/* ---- header and hmap lines ---- */

static void draw_header(struct tui *t, int y)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	char right[160];
	/* which runtime this screen shows: the engine of the scene's map */
	int o = snprintf(right, sizeof right, "Go %s  step %" PRIu64, mv_go_name(t->sc.spec.map.go), w->step);
	if (t->sc.challenge.present) /* the challenge's limit: every step is the student's */
		o += snprintf(right + o, sizeof right - (size_t)o, " of %" PRIu64, t->sc.challenge.within);
	else if (tl_own(&t->tl))
		o += snprintf(right + o, sizeof right - (size_t)o, " by hand");
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

/* A challenge's banner at width w: the goal, the limit, how to play (the
 * keys go first when it would not fit a line: the key bar has them). */
static void challenge_text(const struct tui *t, int w, char *buf, size_t len)
{
	char goal[200];
	const struct mv_world *wd = tui_world(t);
	int n = snprintf(buf, len, "Goal: %s in %" PRIu64 " steps",
	                 tui_challenge_brief(t, goal, sizeof goal), t->sc.challenge.within);
	if (n < 0 || (size_t)n >= len)
		return;
	char keys[64];
	snprintf(keys, sizeof keys, " · you pick: 1-%u · h: hint", wd->nworkers < 9 ? wd->nworkers : 9);
	if (tui_text_width(buf) + tui_text_width(keys) <= w)
		snprintf(buf + n, len - (size_t)n, "%s", keys);
}

/* The lines the caption takes at width w. */
static int caption_lines(const struct tui *t, int w)
{
	int n = 0;
	const char *say = caption_text(t);
	if (t->sc.challenge.present) {
		char ch[300];
		challenge_text(t, w - 2, ch, sizeof ch);
		n += tui_wrap_lines(w - 2, 2, ch, 2);
		if (say)
			n += tui_wrap_lines(w, 0, say, 3);
		return n;
	}
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
	if (t->sc.challenge.present) {
		/* the goal first; an event caption under it when rows allow */
		char ch[300];
		challenge_text(t, r.w - 2, ch, sizeof ch);
		int room = ymax - y - (say && ymax - y > 1 ? 1 : 0);
		y += tui_wrap(&t->cv, r.x + 2, y, r.w - 2, room > 0 ? room : 1, 2, ch, TR_KEY, TUI_A_BOLD);
		if (say && y < ymax) {
			int x = tui_puts(&t->cv, r.x, y, r.x + r.w, tui_glyph(t, TR_SELECTED), TR_CAPTION, 0);
			tui_wrap(&t->cv, x + 1, y, r.w - 2, ymax - y, 0, say, TR_CAPTION, 0);
		}
		return;
	}
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
	if (t->ex.running) {
		char prog[200];
		tui_explore_progress(t, prog, sizeof prog);
		tui_fill(c, (struct tui_rect){0, y, c->w, 1}, ' ', TR_FLASH, 0);
		tui_puts(c, 1, y, maxx, prog, TR_FLASH, 0);
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
			if (t->have_scene && t->sc.challenge.present) {
				/* the student schedules: the keys that run the
				 * scene's schedule give their place to h and x */
				if (a == TA_STEP || a == TA_NEXT_EVENT || a == TA_FASTER)
					continue;
				if (a == TA_PLAY) {
					label = tui_keys[TA_HINT].label;
					word = "hint";
				} else if (a == TA_DIGIT) {
					x = tui_puts(c, x, y, maxx, label, TR_KEY, 0);
					x = tui_puts(c, x + 1, y, maxx, word, TR_KEYHINT, 0);
					x += 2;
					label = tui_keys[TA_EXPLORE].label;
					word = "explore";
				}
			}
			if (a == TA_STEP && t->have_scene) /* what space runs now (o toggles it) */
				word = t->tl.unit == MV_GRAN_OP ? "step op" : "step";
			x = tui_puts(c, x, y, maxx, label, TR_KEY, 0);
			x = tui_puts(c, x + 1, y, maxx, word, TR_KEYHINT, 0);
			x += 2;
		}
		break;
	}
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
	if (tui_explore_frozen(t)) {
		draw_keybar(t, H - 1); /* the search's progress */
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
	uint32_t nlk = tui_locks_shown(w);
	if (lonly) {
		int lock_h = tui_locks_height(t, W_);
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
			lock_h = tui_locks_height(t, right_w);
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
			lock_h = tui_locks_height(t, left_w);
			lock_left = map_rows >= 0 && map_rows + 2 + lock_h - 1 <= main_h;
			if (!lock_left) {
				lock_h = tui_locks_height(t, right_w);
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
	case TO_HELP: tui_draw_help(t); break;
	case TO_INSPECT: tui_mapview_of(t)->draw_inspector(t); break;
	case TO_FATAL: tui_draw_fatal(t); break;
	case TO_EXPLORE: tui_draw_explore(t); break;
	case TO_CHALLENGE: tui_draw_challenge(t); break;
	case TO_NONE: break;
	}
}
