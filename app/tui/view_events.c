/*
 * view_events: the event log panel — one entry per step, operation or
 * event (long entries on two lines), colored by kind, the search hit
 * highlighted, scrolled back or following the run.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui_int.h"

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
		tui_puts(c, r.x + 1, r.y, maxx,
		         t->sc.challenge.present
		             ? "nothing has happened yet: you schedule, press 1-9 to run a goroutine"
		             : "nothing has happened yet: press space to take a step",
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
