/*
 * loop: the interactive run loop and its clock — keys in, one redraw per
 * change out: a key, a play tick, a finished chunk of a long run, a resize
 * flag, a file change or a search's progress marks the screen dirty, and the loop renders the
 * canvas and blits what changed (the only place that draws).  Also the
 * message line (tui_flash) and long runs cut into chunks (tui_run_chunk).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "term.h"
#include "tui_int.h"

uint64_t tui_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void tui_flash(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->flash, sizeof t->flash, fmt, ap);
	va_end(ap);
	t->flash_until_ms = t->now_ms + 4000;
	t->flash_step = UINT64_MAX;
}

/* A message about where the run stands now (a breakpoint, a stop): it
 * goes away as soon as the run moves on. */
void tui_flash_here(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->flash, sizeof t->flash, fmt, ap);
	va_end(ap);
	t->flash_until_ms = t->now_ms + 8000;
	t->flash_step = t->have_scene ? tl_step(&t->tl) : UINT64_MAX;
}

/* Up to `budget_ms` of a long run (End, n, b, g); true when it is over. */
bool tui_run_chunk(struct tui *t, struct tui_loop *lp, uint64_t budget_ms)
{
	uint64_t until = tui_now_ms() + budget_ms;
	char why[200];
	for (int i = 0;; i++) {
		if ((i & 255) == 255 && tui_now_ms() >= until)
			return false;
		if (lp->run == TUI_RUN_TO && tl_step(&t->tl) >= lp->run_target)
			break;
		/* n and g go one micro-step at a time: n stops inside an
		 * operation too */
		bool moved = lp->run == TUI_RUN_TO || lp->run == TUI_RUN_EVENT
		                 ? tl_forward(&t->tl)
		                 : tl_forward_unit(&t->tl, lp->run == TUI_RUN_BREAK);
		if (!moved) {
			if (lp->run != TUI_RUN_END)
				tui_flash(t, "%s", tui_end_words(&t->tl.w, why, sizeof why));
			break;
		}
		if (lp->run == TUI_RUN_EVENT &&
		    (t->tl.hit_event >= 0 ||
		     (t->tl.m.caption >= 0 && t->tl.m.caption_step == tl_step(&t->tl))))
			break;
		if (lp->run == TUI_RUN_BREAK && t->tl.hit_breakpoint) {
			tui_flash_here(t, "breakpoint: %s at step %" PRIu64,
			               mv_event_name((enum mv_event_kind)t->tl.hit_bp_event),
			               tl_step(&t->tl));
			break;
		}
	}
	lp->run = TUI_RUN_NONE;
	return true;
}

void tui_play_tick(struct tui *t)
{
	int sp = tui_speeds[t->speed];
	int n = sp > 60 ? sp / 60 : 1;
	for (int i = 0; i < n && t->playing; i++) {
		if (!tl_forward_unit(&t->tl, true)) {
			t->playing = false;
			char why[200];
			tui_flash(t, "%s", tui_end_words(&t->tl.w, why, sizeof why));
		} else if (t->tl.hit_breakpoint) {
			t->playing = false;
			tui_flash_here(t, "breakpoint: %s at step %" PRIu64 " (p plays on)",
			               mv_event_name((enum mv_event_kind)t->tl.hit_bp_event),
			               tl_step(&t->tl));
		}
	}
	tui_after_move(t);
	t->next_tick_ms += sp > 60 ? 16 : (uint64_t)(1000 / sp);
	if (t->next_tick_ms < t->now_ms)
		t->next_tick_ms = t->now_ms;
}

/* ---- the loop ---- */

void tui_resize_canvas(struct tui *t, struct tui_term *term)
{
	int rows, cols;
	tui_term_size(&rows, &cols);
	if (tui_rec_active(t) && (rows != term->rows || cols != term->cols))
		tui_rec_resize(t, cols, rows);
	tui_term_resize(term, rows, cols);
	tui_canvas_resize(&t->cv, cols, rows);
}

int tui_run_loop(struct tui *t, struct tui_term *term)
{
	struct tui_loop lp = {TUI_RUN_NONE, 0, 0, true, term, false};
	uint64_t next_watch = 0;
	t->now_ms = tui_now_ms();
	t->next_tick_ms = t->now_ms;
	while (!t->quit && !tui_term_quit_requested()) {
		t->now_ms = tui_now_ms();
		if (tui_term_resized()) {
			tui_resize_canvas(t, term);
			lp.dirty = true;
		}
		if (t->watch && t->now_ms >= next_watch) {
			next_watch = t->now_ms + 300;
			if (tui_check_watch(t))
				lp.dirty = true;
		}
		if (t->ex.running && tui_explore_poll(t)) {
			tui_rec_check(t);
			lp.dirty = true;
		}
		if (lp.run != TUI_RUN_NONE) {
			if (tui_run_chunk(t, &lp, 30))
				tui_rec_check(t);
			tui_after_move(t);
			lp.dirty = true;
		} else if (t->playing && t->now_ms >= t->next_tick_ms) {
			tui_play_tick(t);
			tui_rec_check(t);
			lp.dirty = true;
		}
		if (t->flash[0] && t->now_ms >= t->flash_until_ms) {
			t->flash[0] = '\0';
			lp.dirty = true;
		}
		if (lp.dirty) {
			tui_render(t);
			tui_term_blit(term, &t->cv);
			lp.dirty = false;
		}
		int timeout = -1;
		if (lp.run != TUI_RUN_NONE)
			timeout = 0;
		else if (t->playing)
			timeout = t->next_tick_ms > t->now_ms ? (int)(t->next_tick_ms - t->now_ms) : 0;
		if (t->flash[0]) {
			int ft = t->flash_until_ms > t->now_ms ? (int)(t->flash_until_ms - t->now_ms) : 0;
			timeout = timeout < 0 || ft < timeout ? ft : timeout;
		}
		if (t->watch && (timeout < 0 || timeout > 300))
			timeout = 300;
		if (t->ex.running && (timeout < 0 || timeout > 100))
			timeout = 100; /* the search's progress line */
		int k = tui_term_key(term, timeout);
		if (k == TK_NONE)
			continue;
		t->now_ms = tui_now_ms();
		if (k == TK_CTRL('l'))
			tui_term_repaint(term);
		if (tui_handle_key(t, &lp, k))
			lp.dirty = true;
		if (lp.run == TUI_RUN_NONE)
			tui_rec_check(t);
	}
	return 0;
}
