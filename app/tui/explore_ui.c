/*
 * explore_ui: the TUI's side of schedule search (engine/explore) and of
 * challenges.  x searches every way the run can go on from the current
 * step and lists how it can end (one line per class, with its shortest
 * witness); Enter plays the chosen witness as the student's own run, one
 * hand-picked step at a time, exactly as 1-9 would.  In a challenge scene
 * the student is the scheduler: the screen tracks the step limit, says
 * when the run reaches the goal in time (or what happened instead), and h
 * names the next goroutine of the shortest way to the goal.
 *
 * In the terminal a search runs on a thread of its own (struct
 * tui_explore says who owns what); headless and scripted runs search
 * synchronously, so their screens are deterministic.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"
#include "tui_int.h"

#define EX_BUDGET_MS 10000  /* a search's time budget */
#define EX_DEPTH 10000      /* outside a challenge: a run longer than this is cut */
#define EX_CLASSIFY_MS 2000 /* classifying one ended run */

/* ---- words ---- */

/* 1234567 as "1,234,567". */
static const char *commas(uint64_t v, char *buf, size_t len)
{
	char raw[32];
	int n = snprintf(raw, sizeof raw, "%" PRIu64, v);
	size_t o = 0;
	for (int i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = raw[i];
	}
	buf[o] = '\0';
	return buf;
}

/* A class as people read it: "fatal: concurrent map writes", "deadlock". */
static void class_name(enum mv_outcome o, const char *msg, char *buf, size_t len)
{
	const char *word = o == MV_OUT_LOST_UPDATE       ? "lost update"
	                   : o == MV_OUT_RACE_UNDETECTED ? "race undetected"
	                                                 : mv_outcome_name(o);
	snprintf(buf, len, "%s%s%s", word, msg ? ": " : "", msg ? msg : "");
}

/* How a run of class o ended, in a sentence. */
static void class_sentence(enum mv_outcome o, const char *msg, char *buf, size_t len)
{
	switch (o) {
	case MV_OUT_OK:
		snprintf(buf, len, "it ended normally: every goroutine finished, with no error");
		break;
	case MV_OUT_FATAL: snprintf(buf, len, "Go aborted with fatal error: %s", msg ? msg : "?"); break;
	case MV_OUT_PANIC: snprintf(buf, len, "the program panicked: %s", msg ? msg : "?"); break;
	case MV_OUT_DEADLOCK: snprintf(buf, len, "every goroutine was stuck: a deadlock"); break;
	case MV_OUT_LEAK: snprintf(buf, len, "main returned with a goroutine blocked forever: a leak"); break;
	case MV_OUT_LOST_UPDATE:
		snprintf(buf, len, "it ended without an error, but the map lost an update");
		break;
	case MV_OUT_RACE_UNDETECTED:
		snprintf(buf, len, "a data race happened and Go did not notice: the run ended normally");
		break;
	}
}

const char *tui_challenge_goal(const struct tui *t, char *buf, size_t len)
{
	const struct scene_challenge *ch = &t->sc.challenge;
	switch ((enum mv_outcome)ch->goal) {
	case MV_OUT_OK: snprintf(buf, len, "let every goroutine finish normally"); break;
	case MV_OUT_FATAL:
		if (ch->message)
			snprintf(buf, len, "make Go abort with \"fatal error: %s\"", ch->message);
		else
			snprintf(buf, len, "make Go abort with a fatal error");
		break;
	case MV_OUT_PANIC:
		if (ch->message)
			snprintf(buf, len, "make the program panic: %s", ch->message);
		else
			snprintf(buf, len, "make the program panic");
		break;
	case MV_OUT_DEADLOCK: snprintf(buf, len, "bring every goroutine to a standstill (deadlock)"); break;
	case MV_OUT_LEAK:
		snprintf(buf, len, "let main return while a goroutine is stuck forever (a leak)");
		break;
	case MV_OUT_LOST_UPDATE:
		snprintf(buf, len, "lose an update (the run ends with no error, but a write is gone)");
		break;
	case MV_OUT_RACE_UNDETECTED:
		snprintf(buf, len, "race on the map and end with no error: Go does not notice");
		break;
	default: snprintf(buf, len, "reach the goal"); break;
	}
	return buf;
}

const char *tui_challenge_brief(const struct tui *t, char *buf, size_t len)
{
	const struct scene_challenge *ch = &t->sc.challenge;
	switch ((enum mv_outcome)ch->goal) {
	case MV_OUT_FATAL:
		snprintf(buf, len, "fatal error%s%s", ch->message ? ": " : "", ch->message ? ch->message : "");
		break;
	case MV_OUT_PANIC:
		snprintf(buf, len, "a panic%s%s", ch->message ? ": " : "", ch->message ? ch->message : "");
		break;
	case MV_OUT_DEADLOCK: snprintf(buf, len, "a deadlock"); break;
	case MV_OUT_LEAK: snprintf(buf, len, "a leaked goroutine"); break;
	case MV_OUT_LOST_UPDATE: snprintf(buf, len, "a lost update"); break;
	case MV_OUT_RACE_UNDETECTED: snprintf(buf, len, "a race Go does not notice"); break;
	default: snprintf(buf, len, "a normal end"); break;
	}
	return buf;
}

/* Whether a class (o, msg) is the challenge's goal. */
static bool is_goal(const struct tui *t, enum mv_outcome o, const char *msg)
{
	const struct scene_challenge *ch = &t->sc.challenge;
	if ((int)o != ch->goal)
		return false;
	if (!ch->message)
		return true;
	if (!msg)
		return false;
	size_t a = strlen(msg), b = strlen(ch->message);
	return a >= b && strcmp(msg + a - b, ch->message) == 0;
}

/* The goal's class in r with the shortest witness, or NULL. */
static const struct mv_explore_class *find_goal(const struct tui *t, const struct mv_explore_result *r)
{
	const struct mv_explore_class *best = NULL;
	for (uint32_t i = 0; i < r->nclasses; i++)
		if (is_goal(t, r->classes[i].outcome, r->classes[i].message) &&
		    (!best || r->classes[i].nshortest < best->nshortest))
			best = &r->classes[i];
	return best;
}

/* ---- the search ---- */

static void on_progress(void *ctx, uint64_t runs, uint64_t steps)
{
	struct tui_explore *ex = ctx;
	atomic_store(&ex->runs, runs);
	atomic_store(&ex->steps, steps);
}

static void run_search(struct tui_explore *ex, bool progress)
{
	struct mv_explore_opts o = {
	    .mode = MV_EXPLORE_REDUCED,
	    .budget_ms = EX_BUDGET_MS,
	    .max_depth = ex->max_depth,
	    .cancel = &ex->cancel,
	    .progress = progress ? on_progress : NULL,
	    .ctx = ex,
	};
	ex->st = mv_explore(&ex->from, &o, &ex->res);
}

static void *search_thread(void *arg)
{
	struct tui_explore *ex = arg;
	run_search(ex, true);
	atomic_store(&ex->done, true);
	return NULL;
}

static void drop_snap(struct tui_explore *ex)
{
	free(ex->snap);
	ex->snap = NULL;
}

bool tui_explore_frozen(struct tui *t)
{
	struct tui_explore *ex = &t->ex;
	if (!ex->running)
		return false;
	struct tui_canvas *c = &t->cv;
	if (ex->snap && ex->snap_w == c->w && ex->snap_h == c->h)
		memcpy(c->cells, ex->snap, (size_t)c->w * (size_t)c->h * sizeof *c->cells);
	/* else the terminal was resized: a blank screen until the search ends */
	return true;
}

static void free_result(struct tui_explore *ex)
{
	if (ex->have_res)
		mv_explore_result_free(&ex->res);
	ex->have_res = false;
}

/* The hint's words, from the search just finished. */
static void show_hint(struct tui *t)
{
	struct tui_explore *ex = &t->ex;
	const struct scene_challenge *ch = &t->sc.challenge;
	const struct mv_explore_class *c = find_goal(t, &ex->res);
	char n[32];
	if (c && c->nshortest && ex->from_step + c->nshortest <= ch->within) {
		uint32_t g = c->shortest[0];
		tui_flash_here(t, "hint: run G%u (%s) next (shortest way: %u more step%s)", g + 1,
		               tui_wname(t, g), c->nshortest, c->nshortest == 1 ? "" : "s");
	} else if (c && c->nshortest) {
		tui_flash_here(t,
		               "the goal is %u steps away from here, past the limit of %" PRIu64
		               ": Home to start over",
		               c->nshortest, ch->within);
	} else if (ex->res.covered && !ex->res.cancelled && ex->from_step == 0) {
		tui_flash_here(t, "no schedule at all reaches the goal within %" PRIu64 " steps", ch->within);
	} else if (ex->res.covered && !ex->res.cancelled) {
		tui_flash_here(t,
		               "no schedule from here reaches the goal within %" PRIu64
		               " steps: Home to start over (← steps back)",
		               ch->within);
	} else {
		tui_flash_here(t,
		               "no schedule found yet reaches the goal from here (%s runs searched, "
		               "the search stopped early): Home to start over",
		               commas(ex->res.runs, n, sizeof n));
	}
}

/* A search has ended (ex->st, ex->res): show what it found. */
static void finish(struct tui *t)
{
	struct tui_explore *ex = &t->ex;
	if (ex->have_from)
		mv_world_done(&ex->from);
	ex->have_from = false;
	if (ex->st != MV_OK) {
		mv_explore_result_free(&ex->res);
		ex->have_res = false;
		tui_flash(t, "cannot search the schedules: %s%s", mv_strerror(ex->st),
		          ex->st == MV_ENOTSUP ? " (schedule search is not available in this build)" : "");
		return;
	}
	ex->have_res = true;
	if (ex->purpose == TX_HINT) {
		show_hint(t);
		return;
	}
	ex->sel = 0;
	ex->scroll = 0;
	t->overlay = TO_EXPLORE;
	char n[32];
	tui_rec_marker(t, "explore: %u ways to end from step %" PRIu64 " (%s runs%s)", ex->res.nclasses,
	               ex->from_step, commas(ex->res.runs, n, sizeof n),
	               ex->res.complete ? "" : ", incomplete");
}

void tui_explore_start(struct tui *t, const struct tui_loop *lp, enum tui_explore_for purpose)
{
	struct tui_explore *ex = &t->ex;
	const struct mv_world *w = &t->tl.w;
	const struct scene_challenge *ch = &t->sc.challenge;
	if (ex->running) {
		tui_flash(t, "a search is running: Esc stops it");
		return;
	}
	if (purpose == TX_HINT && !ch->present) {
		tui_flash(t, "h gives a hint in a challenge; x explores every schedule from here");
		return;
	}
	if (mv_world_ended(w)) {
		tui_flash(t, "the run has ended: ← or Home, then %s from an earlier step",
		          purpose == TX_HINT ? "h" : "x");
		return;
	}
	uint64_t depth = EX_DEPTH;
	if (ch->present) {
		if (w->step >= ch->within) {
			tui_flash(t, "step %" PRIu64 " is the limit of this challenge: Home to start over",
			          w->step);
			return;
		}
		depth = ch->within - w->step;
	}
	free_result(ex);
	if (mv_world_copy(&ex->from, w) != MV_OK) {
		tui_flash(t, "cannot search the schedules: out of memory");
		return;
	}
	ex->have_from = true;
	ex->from_step = w->step;
	ex->max_depth = depth;
	ex->purpose = purpose;
	atomic_store(&ex->cancel, 0);
	atomic_store(&ex->done, false);
	atomic_store(&ex->runs, 0);
	atomic_store(&ex->steps, 0);
	t->playing = false;
	if (lp && lp->term && !lp->scripted) {
		size_t ncell = (size_t)t->cv.w * (size_t)t->cv.h;
		ex->snap = mv_xmalloc((ncell ? ncell : 1) * sizeof *ex->snap);
		memcpy(ex->snap, t->cv.cells, ncell * sizeof *ex->snap);
		ex->snap_w = t->cv.w;
		ex->snap_h = t->cv.h;
		if (pthread_create(&ex->th, NULL, search_thread, ex) == 0) {
			ex->running = true;
			return;
		}
		drop_snap(ex);
	}
	run_search(ex, false);
	finish(t);
}

bool tui_explore_poll(struct tui *t)
{
	struct tui_explore *ex = &t->ex;
	if (!ex->running)
		return false;
	if (atomic_load(&ex->done)) {
		pthread_join(ex->th, NULL);
		ex->running = false;
		drop_snap(ex);
		finish(t);
	}
	return true; /* the progress line moved */
}

void tui_explore_cancel(struct tui *t)
{
	struct tui_explore *ex = &t->ex;
	if (!ex->running)
		return;
	atomic_store(&ex->cancel, 1);
	pthread_join(ex->th, NULL);
	ex->running = false;
	drop_snap(ex);
	finish(t);
}

void tui_explore_done(struct tui *t)
{
	struct tui_explore *ex = &t->ex;
	if (ex->running) {
		atomic_store(&ex->cancel, 1);
		pthread_join(ex->th, NULL);
		ex->running = false;
		drop_snap(ex);
		ex->have_res = true; /* partial or empty: freed below */
	}
	if (ex->have_from)
		mv_world_done(&ex->from);
	ex->have_from = false;
	free_result(ex);
	if (t->overlay == TO_EXPLORE || t->overlay == TO_CHALLENGE)
		t->overlay = TO_NONE;
}

void tui_explore_progress(const struct tui *t, char *buf, size_t len)
{
	char r[32], s[32];
	snprintf(buf, len, "exploring from step %" PRIu64 ": %s runs, %s steps — Esc cancels",
	         t->ex.from_step, commas(atomic_load(&t->ex.runs), r, sizeof r),
	         commas(atomic_load(&t->ex.steps), s, sizeof s));
}

/* ---- the list ---- */

/* Enter: play the selected class's witness from the step it was found
 * at, as hand-picked steps (one runtime step each). */
static void play_witness(struct tui *t)
{
	struct tui_explore *ex = &t->ex;
	if (!ex->have_res || ex->sel < 0 || (uint32_t)ex->sel >= ex->res.nclasses)
		return;
	const struct mv_explore_class *c = &ex->res.classes[ex->sel];
	char name[200], why[200];
	class_name(c->outcome, c->message, name, sizeof name);
	t->overlay = TO_NONE;
	t->playing = false;
	if (tl_step(&t->tl) != ex->from_step)
		tl_seek(&t->tl, ex->from_step);
	enum mv_granularity unit = t->tl.unit;
	t->tl.unit = MV_GRAN_STEP;
	uint32_t k = 0;
	for (; k < c->nshortest; k++)
		if (!tl_manual(&t->tl, c->shortest[k], why, sizeof why))
			break;
	t->tl.unit = unit;
	tui_rec_marker(t, "explore: witness of %s", name);
	tui_after_move(t);
	if (k < c->nshortest)
		tui_flash(t, "the witness stopped after %u of %u steps: %s", k, c->nshortest, why);
	else
		tui_flash(t, "%s: played from step %" PRIu64 " in %u steps as your own run (← steps back)",
		          name, ex->from_step, c->nshortest);
}

bool tui_explore_key(struct tui *t, enum tui_action a)
{
	struct tui_explore *ex = &t->ex;
	int n = ex->have_res ? (int)ex->res.nclasses : 0;
	switch (a) {
	case TA_UP:
	case TA_PGUP: ex->sel -= a == TA_UP ? 1 : 5; break;
	case TA_DOWN:
	case TA_PGDN: ex->sel += a == TA_DOWN ? 1 : 5; break;
	case TA_OPEN: play_witness(t); return true;
	case TA_CLOSE: t->overlay = TO_NONE; return true;
	default: return false;
	}
	if (ex->sel >= n)
		ex->sel = n - 1;
	if (ex->sel < 0)
		ex->sel = 0;
	return true;
}

/* "G1×3 G2 G1 ..." (a run of one goroutine's steps as G×N) into buf, as
 * many as fit in w columns. */
static void picks_text(const struct mv_explore_class *c, int w, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (uint32_t k = 0; k < c->nshortest;) {
		uint32_t g = c->shortest[k], run = 1;
		while (k + run < c->nshortest && c->shortest[k + run] == g)
			run++;
		char one[32];
		int n = run > 1 ? snprintf(one, sizeof one, "%sG%u×%u", k ? " " : "", g + 1, run)
		                : snprintf(one, sizeof one, "%sG%u", k ? " " : "", g + 1);
		k += run;
		bool last = k == c->nshortest;
		int cols = tui_text_width(one);
		if ((int)o + cols + (last ? 0 : 4) > w || o + (size_t)n + 8 > len) {
			snprintf(buf + o, len - o, " ...");
			return;
		}
		memcpy(buf + o, one, (size_t)n + 1);
		o += (size_t)n;
	}
}

void tui_draw_explore(struct tui *t)
{
	struct tui_canvas *c = &t->cv;
	struct tui_explore *ex = &t->ex;
	if (!ex->have_res)
		return;
	const struct mv_explore_result *r = &ex->res;
	int rows = (int)r->nclasses * 2;
	int bw = c->w - 2 < 96 ? c->w - 2 : 96;
	char title[80];
	snprintf(title, sizeof title, "explore: how the run can end from step %" PRIu64, ex->from_step);
	struct tui_rect in = tui_overlay_box(t, bw, rows + 6, title, TR_BORDER_FOCUS);
	int maxx = in.x + in.w, y = in.y;
	char n1[32], n2[32], head[300];
	int o = snprintf(head, sizeof head, "%s runs searched (orders of independent steps counted once)",
	                 commas(r->runs, n1, sizeof n1));
	if (r->cancelled)
		snprintf(head + o, sizeof head - (size_t)o, " · incomplete: cancelled");
	else if (!r->covered)
		snprintf(head + o, sizeof head - (size_t)o, " · incomplete: the search's budget ran out");
	y += tui_wrap(c, in.x + 1, y, in.w - 2, 2, 2, head, r->covered ? TR_DIM : TR_EVENT_BAD, 0);
	if (r->cut)
		tui_printf(c, in.x + 1, y++, maxx, TR_DIM, 0, "%s runs longer than %s steps were cut",
		           commas(r->cut, n1, sizeof n1), commas(ex->max_depth, n2, sizeof n2));
	y++;
	if (!r->nclasses)
		tui_puts(c, in.x + 1, y, maxx, "no run ended within the search", TR_NORMAL, 0);
	int page = (in.y + in.h - 2 - y) / 2;
	if (page < 1)
		page = 1;
	if (ex->sel < ex->scroll)
		ex->scroll = ex->sel;
	if (ex->sel >= ex->scroll + page)
		ex->scroll = ex->sel - page + 1;
	for (int i = ex->scroll; i < (int)r->nclasses && y + 1 < in.y + in.h - 1; i++) {
		const struct mv_explore_class *k = &r->classes[i];
		bool sel = i == ex->sel;
		bool bad = k->outcome != MV_OUT_OK;
		char name[200], runs[80], picks[200];
		class_name(k->outcome, k->message, name, sizeof name);
		if (t->sc.challenge.present && is_goal(t, k->outcome, k->message))
			snprintf(name + strlen(name), sizeof name - strlen(name), " (the goal)");
		snprintf(runs, sizeof runs, "%s of %s runs", commas(k->runs, n1, sizeof n1),
		         commas(r->runs, n2, sizeof n2));
		int x = tui_puts(c, in.x + 1, y, maxx, sel ? tui_glyph(t, TR_SELECTED) : " ",
		                 sel ? TR_SELECTED : TR_NORMAL, 0);
		int rx = maxx - 1 - tui_text_width(runs);
		tui_puts(c, x + 1, y, rx - 1, name, bad ? TR_EVENT_BAD : TR_DONE, sel ? TUI_A_BOLD : 0);
		tui_puts(c, rx, y, maxx, runs, TR_DIM, 0);
		y++;
		x = tui_printf(c, in.x + 3, y, maxx, TR_NORMAL, 0, "%u step%s:", k->nshortest,
		               k->nshortest == 1 ? "" : "s");
		picks_text(k, maxx - x - 2, picks, sizeof picks);
		tui_puts(c, x + 1, y, maxx, picks, TR_VALUE, 0);
		y++;
	}
	tui_puts(c, in.x + 1, in.y + in.h - 1, maxx,
	         "↑ ↓ select · Enter plays the shortest run as your own · Esc closes", TR_DIM, 0);
}

/* ---- challenges ---- */

void tui_challenge_open(struct tui *t)
{
	t->chal = TC_PLAYING;
	t->chal_key = 0;
	t->chal_marked = 0;
	t->chal_dismissed_at = 0;
	t->chal_past = false;
	if (t->sc.challenge.present)
		t->playing = false;
}

/* The run up to now, as a number: its steps and who ran each. */
static uint64_t run_key(const struct timeline *tl)
{
	uint64_t h = 1469598103934665603ull;
	for (uint64_t k = 0; k < tl->w.step && k < tl->nsched; k++)
		h = (h ^ (tl->sched[k] & TL_WORKER)) * 1099511628211ull;
	h = (h ^ tl->w.step) * 1099511628211ull;
	return h ? h : 1;
}

/* How the run (ended) came out, as explore classifies it: the search from
 * the ended world has exactly one run, this one. */
static enum mv_outcome ended_class(const struct tui *t, const char **msg)
{
	const struct mv_world *w = &t->tl.w;
	enum mv_outcome o = w->end == MV_END_FATAL      ? MV_OUT_FATAL
	                    : w->end == MV_END_PANIC    ? MV_OUT_PANIC
	                    : w->end == MV_END_DEADLOCK ? MV_OUT_DEADLOCK
	                    : w->leaked                 ? MV_OUT_LEAK
	                                                : MV_OUT_OK;
	*msg = o == MV_OUT_FATAL || o == MV_OUT_PANIC ? w->message : NULL;
	struct mv_world from;
	if (mv_world_copy(&from, w) != MV_OK)
		return o;
	atomic_int cancel = 0;
	struct mv_explore_opts opts = {.mode = MV_EXPLORE_REDUCED,
	                               .budget_ms = EX_CLASSIFY_MS,
	                               .max_depth = EX_DEPTH,
	                               .cancel = &cancel};
	struct mv_explore_result r;
	if (mv_explore(&from, &opts, &r) == MV_OK && r.nclasses == 1) {
		o = r.classes[0].outcome;
		*msg = r.classes[0].message;
	}
	mv_explore_result_free(&r);
	mv_world_done(&from);
	return o;
}

void tui_challenge_update(struct tui *t)
{
	const struct scene_challenge *ch = &t->sc.challenge;
	if (!t->have_scene || !ch->present)
		return;
	const struct mv_world *w = &t->tl.w;
	uint64_t key = run_key(&t->tl);
	if (key != t->chal_key) {
		t->chal_key = key;
		t->chal_past = false;
		t->chal_end_msg = NULL;
		if (mv_world_ended(w)) {
			t->chal_end = ended_class(t, &t->chal_end_msg);
			bool goal = is_goal(t, t->chal_end, t->chal_end_msg);
			t->chal = goal && w->step <= ch->within ? TC_WON : TC_LOST;
			t->chal_past = goal && w->step > ch->within;
		} else if (w->step > ch->within) {
			t->chal = TC_LOST;
			t->chal_past = true;
		} else {
			t->chal = TC_PLAYING;
		}
		if (t->chal != TC_PLAYING && t->chal_marked != key) {
			t->chal_marked = key;
			if (t->chal == TC_WON)
				tui_rec_marker(t, "challenge: won in %" PRIu64 " steps", w->step);
			else
				tui_rec_marker(t, "challenge: lost at step %" PRIu64, w->step);
		}
	}
	if (t->chal == TC_PLAYING) {
		t->chal_dismissed_at = 0;
		if (t->overlay == TO_CHALLENGE)
			t->overlay = TO_NONE;
		return;
	}
	if (t->chal_dismissed_at != w->step + 1 && (t->overlay == TO_NONE || t->overlay == TO_FATAL)) {
		t->overlay = TO_CHALLENGE;
		t->playing = false;
	}
}

void tui_draw_challenge(struct tui *t)
{
	struct tui_canvas *c = &t->cv;
	const struct scene_challenge *ch = &t->sc.challenge;
	const struct mv_world *w = &t->tl.w;
	bool won = t->chal == TC_WON;
	char goal[200], what[300], result[400];
	tui_challenge_goal(t, goal, sizeof goal);
	if (won) {
		class_sentence(t->chal_end, t->chal_end_msg, what, sizeof what);
		snprintf(result, sizeof result, "Won in %" PRIu64 " steps (the limit was %" PRIu64 "): %s",
		         w->step, ch->within, what);
	} else if (t->chal_past && mv_world_ended(w)) {
		class_sentence(t->chal_end, t->chal_end_msg, what, sizeof what);
		snprintf(result, sizeof result, "Step %" PRIu64 ": past the limit of %" PRIu64 " — %s",
		         w->step, ch->within, what);
	} else if (t->chal_past) {
		snprintf(result, sizeof result,
		         "Step %" PRIu64 ": past the limit of %" PRIu64 " steps, and the goal is not reached",
		         w->step, ch->within);
	} else {
		class_sentence(t->chal_end, t->chal_end_msg, what, sizeof what);
		snprintf(result, sizeof result, "Instead, at step %" PRIu64 ", %s", w->step, what);
	}
	const char *say = won ? ch->say_win : ch->say_lose;
	int bw = c->w - 2 < 80 ? c->w - 2 : 80, tw = bw - 4;
	int gl = tui_wrap_lines(tw, 0, goal, 2) + 0;
	int rl = tui_wrap_lines(tw, 0, result, 3);
	int sl = say ? tui_wrap_lines(tw, 0, say, 6) : 0;
	int h = 1 + gl + 1 + rl + (sl ? sl + 1 : 0) + 2;
	struct tui_rect in = tui_overlay_box(t, bw, h + 2, won ? "challenge won" : "challenge lost",
	                                     won ? TR_BORDER_FOCUS : TR_OVERLAY_BORDER);
	int x = in.x + 2, y = in.y + 1, maxx = in.x + in.w - 1;
	int gx = tui_puts(c, x, y, maxx, "Goal:", TR_LABEL, TUI_A_BOLD);
	y += tui_wrap(c, gx + 1, y, maxx - gx - 1, gl, 0, goal, TR_NORMAL, 0) + 1;
	y += tui_wrap(c, x, y, tw, rl, 0, result, won ? TR_DONE : TR_EVENT_BAD, TUI_A_BOLD);
	if (sl) {
		y++;
		y += tui_wrap(c, x, y, tw, sl, 0, say, TR_CAPTION, 0);
	}
	tui_puts(c, in.x + 1, in.y + in.h - 1, in.x + in.w,
	         won ? "Esc closes · ← steps back · Home: play again"
	             : "Home: try again · ← steps back · Esc closes",
	         TR_DIM, 0);
}
