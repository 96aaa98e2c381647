/*
 * view_overlays: the boxes drawn over the screen — the help (keys from
 * keys.h, wrapped beside their labels) and Go's crash report with the
 * run's own "why" — and the box every overlay (inspectors too) sits in.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../out.h"
#include "tui_int.h"

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
		int cut = *s ? tui_wrap_cut(s, w) : 0;
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

void tui_draw_help(struct tui *t)
{
	struct tui_canvas *c = &t->cv;
	struct tui_rect in = tui_overlay_box(t, 96, c->h - 2, "help: keys and symbols", TR_BORDER_FOCUS);
	struct help_out h = {t, in, in.y - t->overlay_scroll, 0};
	int maxx = in.x + in.w;
	/* which runtime this screen follows, and how to see the other one */
	enum mv_go go = t->sc.spec.map.go;
	char rt[200];
	snprintf(rt, sizeof rt, "this screen follows %s; %s", mv_go_text(go),
	         go == MV_GO_1_19 ? "Go 1.24+ changed both: --go 1.26 (or --compare) shows them"
	                          : "--go 1.19 (or --compare) shows Go 1.19-1.23's");
	help_row(&h, 0, NULL, TR_NORMAL, in.x + 1, rt, TR_LABEL, TUI_A_BOLD);
	h.lines++;
	for (int a = 0; a < TA__COUNT; a++)
		if (tui_keys[a].label[0])
			help_row(&h, in.x + 1, tui_keys[a].label, TR_KEY, in.x + 12, tui_keys[a].help,
			         TR_NORMAL, 0);
	h.lines++;
	bool swiss = !t->tl.w.sm && tui_mapview_of(t) == &tui_swiss_mapview;
	help_row(&h, 0, NULL, TR_NORMAL, in.x + 1,
	         swiss ? "control bytes (one per slot of a group of 8):"
	               : "slots (tophash byte of each of a bucket's 8 slots):",
	         TR_LABEL, TUI_A_BOLD);
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
	static const struct {
		enum tui_role r;
		const char *text;
	} swiss_legend[] = {
	    {TR_LIVE, "full: H2, the low 7 bits of its key's hash (0x00-0x7f)"},
	    {TR_CTRL_EMPTY, "empty (0x80): lookups stop at a group that has one"},
	    {TR_TOMBSTONE, "deleted (0xFE): a tombstone in a full group; lookups go on"},
	    {TR_TOUCHED, "the slot or group the latest step touched"},
	    {TR_PROBE, "G1: where goroutine 1's operation is probing (h2: its key's H2)"},
	};
	for (size_t i = 0; swiss && i < sizeof swiss_legend / sizeof swiss_legend[0]; i++) {
		const char *g = swiss_legend[i].r == TR_LIVE      ? "3e"
		                : swiss_legend[i].r == TR_TOUCHED ? "5c"
		                                                  : tui_glyph(t, swiss_legend[i].r);
		help_row(&h, in.x + 3, g, swiss_legend[i].r, in.x + 7, swiss_legend[i].text, TR_NORMAL, 0);
	}
	for (size_t i = 0; !swiss && i < sizeof legend / sizeof legend[0]; i++) {
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

void tui_draw_fatal(struct tui *t)
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
