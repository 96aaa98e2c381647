/*
 * keys: the keymap (one table, keys.h) and what each key does — step,
 * back, play, run to the end / next event / breakpoint / step N, search,
 * pick a goroutine, panels and overlays, the files r and e write (in
 * --out-dir, named in full) — and what follows any move of the timeline
 * (tui_after_move).  A key only changes state and says whether the screen
 * must be redrawn; the loop draws.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "term.h"
#include "tui_int.h"

/* ---- the keymap ---- */

const struct tui_key tui_keys[TA__COUNT] = {
#define TUI_KEY_ROW(a, bar, label, help, k1, k2, k3, k4) [TA_##a] = {label, help, bar, {k1, k2, k3, k4}},
    TUI_KEY_MAP(TUI_KEY_ROW)
#undef TUI_KEY_ROW
};

enum tui_action tui_key_action(int k)
{
	if (k >= '1' && k <= '9')
		return TA_DIGIT;
	for (int a = 0; a < TA__COUNT; a++)
		for (int i = 0; i < 4 && tui_keys[a].codes[i]; i++)
			if (tui_keys[a].codes[i] == k)
				return (enum tui_action)a;
	return TA_NONE;
}

void tui_keys_print(FILE *f)
{
	for (int a = 0; a < TA__COUNT; a++)
		if (tui_keys[a].label[0])
			fprintf(f, "  %s%*s %s\n", tui_keys[a].label, 10 - tui_text_width(tui_keys[a].label),
			        "", tui_keys[a].help);
}

/* ---- actions ---- */

const char *tui_end_words(const struct mv_world *w, char *buf, size_t len)
{
	if (w->end == MV_END_OK)
		snprintf(buf, len, "the scene has ended normally");
	else
		snprintf(buf, len, "the scene has ended: %s%s%s", mv_end_name(w->end), w->message ? ": " : "",
		         w->message ? w->message : "");
	return buf;
}

void tui_after_move(struct tui *t)
{
	const struct mv_world *w = &t->tl.w;
	bool bad = w->end == MV_END_FATAL || w->end == MV_END_PANIC || w->end == MV_END_DEADLOCK;
	if (bad && t->overlay == TO_NONE && t->fatal_dismissed_at != w->step + 1)
		t->overlay = TO_FATAL;
	if (!bad && t->overlay == TO_FATAL)
		t->overlay = TO_NONE;
	if (!bad)
		t->fatal_dismissed_at = 0; /* reaching the end again shows the report again */
	if (bad)
		t->playing = false;
	t->views[TP_EVENTS].scroll = 0;
	if (t->search_hit >= 0 && (uint64_t)t->search_hit >= t->tl.log_end)
		t->search_hit = -1;
	if (t->flash[0] && t->flash_step != UINT64_MAX && t->flash_step != w->step) {
		t->flash[0] = '\0'; /* it was about a step the run has left */
		t->flash_step = UINT64_MAX;
	}
	tui_challenge_update(t);
}

/* A challenge: the student is the scheduler; keys that would run the
 * scene's own schedule say so instead.  True when a is one of them. */
static bool challenge_refuses(struct tui *t, enum tui_action a)
{
	if (!t->sc.challenge.present)
		return false;
	switch (a) {
	case TA_STEP:
	case TA_PLAY:
	case TA_END:
	case TA_NEXT_EVENT:
	case TA_NEXT_BREAK:
	case TA_REJOIN: break;
	case TA_DIGIT:
		if (t->chal == TC_PLAYING)
			return false;
		/* won or lost: the run is over, whatever could still run */
		tui_flash(t, "the challenge is %s at step %" PRIu64 ": ← steps back, Home tries again",
		          t->chal == TC_WON ? "won" : "lost", tl_step(&t->tl));
		return true;
	default: return false;
	}
	t->playing = false;
	if (mv_world_ended(&t->tl.w))
		tui_flash(t, "the run is over: ← steps back, Home tries again");
	else
		tui_flash(t, "you are the scheduler: press 1-%u to run a goroutine (h: a hint, x: explore)",
		          t->tl.w.nworkers < 9 ? t->tl.w.nworkers : 9);
	return true;
}

static void step_forward(struct tui *t)
{
	char buf[200];
	if (!tl_forward_unit(&t->tl, false))
		tui_flash(t, "%s: <- steps back, Home restarts", tui_end_words(&t->tl.w, buf, sizeof buf));
	tui_after_move(t);
}

static void start_search(struct tui *t)
{
	const struct timeline *tl = &t->tl;
	if (!t->search[0])
		return;
	int64_t from = t->search_hit >= 0 ? t->search_hit - 1 : (int64_t)tl->log_end - 1;
	for (int pass = 0; pass < 2; pass++) {
		for (int64_t i = from; i >= (int64_t)tl->log_start; i--) {
			char text[300], lower[300], needle[64];
			tui_entry_text(t, tl_log_at(tl, (uint64_t)i), text, sizeof text);
			size_t k;
			for (k = 0; text[k] && k + 1 < sizeof lower; k++)
				lower[k] = (char)tolower((unsigned char)text[k]);
			lower[k] = '\0';
			for (k = 0; t->search[k] && k + 1 < sizeof needle; k++)
				needle[k] = (char)tolower((unsigned char)t->search[k]);
			needle[k] = '\0';
			if (strstr(lower, needle)) {
				t->search_hit = i;
				struct tui_view *v = &t->views[TP_EVENTS];
				int back = (int)((int64_t)tl->log_end - 1 - i);
				if (back < v->scroll || back >= v->scroll + (v->page > 0 ? v->page : 3))
					v->scroll = back - (v->page > 0 ? v->page / 2 : 1);
				if (v->scroll < 0)
					v->scroll = 0;
				tui_flash(
				    t, "event at step %" PRIu64 " matches \"%s\" (/ Enter: the one before)",
				    tl_log_at(tl, (uint64_t)i)->step, t->search);
				return;
			}
		}
		from = (int64_t)tl->log_end - 1; /* wrap around once */
	}
	t->search_hit = -1;
	tui_flash(t, "no event in the log matches \"%s\"", t->search);
}

static void prompt_key(struct tui *t, struct tui_loop *lp, int k)
{
	size_t n = strlen(t->input);
	if (k == TK_ESC) {
		t->prompt = TQ_NONE;
	} else if (k == TK_BACKSPACE) {
		if (n)
			t->input[n - 1] = '\0';
	} else if (k == TK_ENTER) {
		enum tui_prompt p = t->prompt;
		t->prompt = TQ_NONE;
		if (p == TQ_GOTO) {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(t->input, &end, 10);
			if (!t->input[0] || *end || errno) {
				tui_flash(t, "go to step: type a number, found \"%s\"", t->input);
			} else if (v < tl_step(&t->tl)) {
				tl_seek(&t->tl, v);
				tui_after_move(t);
			} else if (t->sc.challenge.present) {
				tui_flash(t, "in a challenge g goes back only: forward, you pick (1-9)");
			} else {
				lp->run = TUI_RUN_TO;
				lp->run_target = v;
			}
		} else {
			if (t->input[0]) {
				snprintf(t->search, sizeof t->search, "%s", t->input);
				t->search_hit = -1;
			}
			start_search(t);
		}
	} else if (k >= 0x20 && k < 0x7f && n + 1 < sizeof t->input) {
		if (t->prompt == TQ_GOTO && !isdigit(k))
			return;
		t->input[n] = (char)k;
		t->input[n + 1] = '\0';
	}
}

static void focus_next(struct tui *t, int dir)
{
	for (int i = 0; i < TP__COUNT; i++) {
		t->focus = (enum tui_panel)(((int)t->focus + dir + TP__COUNT) % TP__COUNT);
		if (t->views[t->focus].r.w > 0) /* a panel on screen */
			break;
	}
}

/* "what NAME in DIR (tail)": a file by its name, then the directory it
 * is in, so a stray key in a repository checkout is seen. */
static void flash_path(struct tui *t, const char *what, const char *path, const char *tail)
{
	const char *slash = strrchr(path, '/');
	if (slash && slash != path)
		tui_flash(t, "%s %s in %.*s %s", what, slash + 1, (int)(slash - path), path, tail);
	else
		tui_flash(t, "%s %s %s", what, path, tail);
}

/* The output directory and the scene's name: where r and e write
 * ("/home/x/talk/tour"). */
static void out_stem(const struct tui *t, char *buf, size_t len)
{
	const char *base = strrchr(t->scene_path, '/');
	char name[512];
	snprintf(name, sizeof name, "%.500s", t->have_scene ? (base ? base + 1 : t->scene_path) : "mapviz");
	size_t l = strlen(name);
	if (l > 5 && strcmp(name + l - 5, ".yaml") == 0)
		name[l - 5] = '\0';
	snprintf(buf, len, "%.3500s/%s", t->out_dir[0] ? t->out_dir : ".", name);
}

/* Create path, never replacing a file. */
static FILE *create_new(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

/* What e writes, in the order E goes through them (.txt comes with .ans). */
static const char *const export_exts[TUI_EXPORT_KINDS] = {".txt", ".png", ".svg"};

/* e: the screen in the output directory — as text (SCENE-stepN.txt) and
 * with colors (.ans), or as a picture (.png, .svg), as E chose; never
 * replacing a file (the next is SCENE-stepN-2.png); the message names the
 * file by its full path (the name, then where it is). */
static void export_screen(struct tui *t, char *msg, size_t len)
{
	char stem[4096], out[4200], ans[4200];
	out_stem(t, stem, sizeof stem);
	uint64_t step = t->have_scene ? tl_step(&t->tl) : 0;
	int kind = t->export_kind % TUI_EXPORT_KINDS;
	bool text = kind == 0;
	for (int i = 1; i < 1000; i++) {
		if (i == 1)
			snprintf(out, sizeof out, "%.4000s-step%" PRIu64 "%s", stem, step, export_exts[kind]);
		else
			snprintf(out, sizeof out, "%.4000s-step%" PRIu64 "-%d%s", stem, step, i,
			         export_exts[kind]);
		snprintf(ans, sizeof ans, "%.*s.ans", (int)(strlen(out) - 4), out);
		if (access(out, F_OK) != 0 && (!text || access(ans, F_OK) != 0))
			break;
	}
	FILE *f = create_new(out);
	FILE *fa = f && text ? create_new(ans) : NULL;
	if (!f || (text && !fa)) {
		snprintf(msg, len, "cannot export the screen: %.480s: %.60s", f ? ans : out, strerror(errno));
		if (f) {
			fclose(f);
			unlink(out);
		}
		return;
	}
	bool ok = true;
	char err[600] = "";
	if (kind == 1) { /* .png: cairo writes the file itself */
		fclose(f);
		ok = tui_export_png(&t->cv, &t->theme, tui_no_color(), out, err, sizeof err) == 0;
	} else {
		if (text) {
			tui_canvas_dump(&t->cv, f);
			tui_canvas_dump_ansi(&t->cv, &t->theme, fa);
			ok = fclose(fa) == 0;
		} else {
			char title[600], name[512];
			const char *slash = strrchr(stem, '/');
			snprintf(name, sizeof name, "%.500s", slash ? slash + 1 : stem);
			snprintf(title, sizeof title, "%s — step %" PRIu64, name, step);
			ok = tui_export_svg(&t->cv, &t->theme, tui_no_color(), title, f);
		}
		ok = fclose(f) == 0 && ok;
		if (!ok)
			snprintf(err, sizeof err, "%.60s", strerror(errno));
	}
	if (!ok) {
		snprintf(msg, len, "cannot export the screen: %.500s", err);
		unlink(out);
		if (text)
			unlink(ans);
		return;
	}
	const char *slash = strrchr(out, '/');
	snprintf(msg, len, "screen is in %.200s%s, in %.*s", slash ? slash + 1 : out,
	         text ? " (text) and .ans (colors)" : "", slash ? (int)(slash - out) : 1, slash ? out : ".");
}

/* r: start or stop a recording (mid-session: the recording begins with
 * the terminal's enter sequence and a full repaint, and ends with its
 * restore sequence, so it plays on its own). */
static void toggle_recording(struct tui *t, struct tui_loop *lp)
{
	if (lp->scripted) {
		tui_flash(t, "a scripted recording ends with its key script");
		return;
	}
	if (!lp->term || !t->rec) {
		tui_flash(
		    t, "r records in the terminal; without one: mapviz record SCENE -o FILE.cast --keys ...");
		return;
	}
	char seq[256], err[300];
	tui_term_drain(lp->term); /* what is on screen now is not part of it */
	if (tui_rec_active(t)) {
		size_t n = tui_term_restore_sequence(seq, sizeof seq);
		if (tui_rec_stop(t, seq, n))
			flash_path(t, "recording saved to", t->rec->path, "(asciinema play it)");
		else
			tui_flash(t, "recording %s is cut short: writing it failed (disk full?)",
			          t->rec->path);
		return;
	}
	size_t n = tui_term_enter_sequence(seq, sizeof seq);
	/* SCENE-N.cast in the output directory, by its full path, unless
	 * `mapviz record -o FILE` named the files */
	char path[4200];
	bool named = !t->rec->base[0];
	if (named) {
		char stem[4096];
		out_stem(t, stem, sizeof stem);
		for (int i = 1; i < 100000; i++) {
			snprintf(path, sizeof path, "%.4000s-%d.cast", stem, i);
			if (access(path, F_OK) != 0)
				break;
		}
	}
	if (tui_rec_start(t, named ? path : NULL, lp->term->cols, lp->term->rows, false, seq, n, err,
	                  sizeof err) != 0) {
		tui_flash(t, "cannot record: %s", err);
		return;
	}
	tui_term_repaint(lp->term);
	flash_path(t, "recording to", t->rec->path, "(r stops)");
	tui_rec_check(t);
}

/* Handle one key; returns whether the screen changed. */
bool tui_handle_key(struct tui *t, struct tui_loop *lp, int k)
{
	if (t->prompt != TQ_NONE) {
		prompt_key(t, lp, k);
		return true;
	}
	enum tui_action a = tui_key_action(k);
	if (t->ex.running) {
		/* a search runs: Esc stops it (what it found so far is shown),
		 * q quits */
		if (a == TA_CLOSE || a == TA_QUIT)
			tui_explore_cancel(t);
		if (a == TA_QUIT)
			t->quit = true;
		return true;
	}
	if (t->overlay == TO_EXPLORE) {
		if (tui_explore_key(t, a))
			return true;
		t->overlay = TO_NONE; /* any other key: the list goes, the key acts */
	}
	if (t->have_scene && challenge_refuses(t, a))
		return true;
	if (lp->run != TUI_RUN_NONE) {
		/* any key stops a long run */
		lp->run = TUI_RUN_NONE;
		tui_flash_here(t, "stopped at step %" PRIu64, tl_step(&t->tl));
		if (a != TA_QUIT)
			return true;
	}
	if (t->overlay == TO_HELP && (a == TA_UP || a == TA_DOWN || a == TA_PGUP || a == TA_PGDN)) {
		t->overlay_scroll += a == TA_UP ? -1 : a == TA_DOWN ? 1 : a == TA_PGUP ? -10 : 10;
		if (t->overlay_scroll < 0)
			t->overlay_scroll = 0;
		return true;
	}
	if (t->overlay == TO_INSPECT && a == TA_OPEN) {
		t->overlay = TO_NONE;
		return true;
	}
	char why[200];
	const struct mv_world *w = &t->tl.w;
	switch (a) {
	case TA_NONE: return false;
	case TA_STEP:
		t->playing = false;
		step_forward(t);
		return true;
	case TA_BACK:
		t->playing = false;
		if (!tl_back_unit(&t->tl))
			tui_flash(t, "this is step 0: nothing happened before it");
		tui_after_move(t);
		return true;
	case TA_PLAY:
		if (mv_world_ended(w)) {
			tui_flash(t, "%s: Home restarts", tui_end_words(w, why, sizeof why));
			return true;
		}
		t->playing = !t->playing;
		t->next_tick_ms = t->now_ms;
		return true;
	case TA_FASTER:
	case TA_SLOWER:
		t->speed += a == TA_FASTER ? 1 : -1;
		if (t->speed < 0)
			t->speed = 0;
		if (t->speed >= tui_nspeeds)
			t->speed = tui_nspeeds - 1;
		return true;
	case TA_START:
		t->playing = false;
		tl_seek(&t->tl, 0);
		tui_after_move(t);
		return true;
	case TA_END: lp->run = TUI_RUN_END; return true;
	case TA_GOTO:
		t->prompt = TQ_GOTO;
		t->input[0] = '\0';
		return true;
	case TA_NEXT_EVENT: lp->run = TUI_RUN_EVENT; return true;
	case TA_NEXT_BREAK:
		if (!t->sc.nbreakpoints) {
			tui_flash(t, "this scene has no breakpoints (add `breakpoints: [grow_start]` to it)");
			return true;
		}
		lp->run = TUI_RUN_BREAK;
		return true;
	case TA_DIGIT: {
		uint32_t i = (uint32_t)(k - '1');
		char reason[160];
		t->playing = false;
		if (!tl_manual(&t->tl, i, reason, sizeof reason))
			tui_flash(t, "%s", reason);
		else
			tui_rec_marker(t, "manual: G%u (%s)", i + 1, t->sc.spec.workers[i].name);
		tui_after_move(t);
		return true;
	}
	case TA_EXPLORE: tui_explore_start(t, lp, TX_LIST); return true;
	case TA_HINT: tui_explore_start(t, lp, TX_HINT); return true;
	case TA_REJOIN: {
		uint64_t at = tl_step(&t->tl);
		t->playing = false;
		if (!tl_rejoin(&t->tl)) {
			tui_flash(t, "this run follows the scene's own schedule already");
			return true;
		}
		tui_after_move(t);
		if (tl_step(&t->tl) < at)
			tui_flash(t,
			          "back on the scene's schedule: it ends at step %" PRIu64
			          ", before step %" PRIu64,
			          tl_step(&t->tl), at);
		else
			tui_flash(t,
			          "back on the scene's own schedule at step %" PRIu64
			          ": its captions apply again",
			          tl_step(&t->tl));
		tui_rec_marker(t, "schedule: the scene's own, from step %" PRIu64, tl_step(&t->tl));
		return true;
	}
	case TA_UNIT:
		t->tl.unit = t->tl.unit == MV_GRAN_OP ? MV_GRAN_STEP : MV_GRAN_OP;
		tui_flash(t, "%s",
		          t->tl.unit == MV_GRAN_OP
		              ? "space and 1-9 now run a whole operation (o: one step)"
		              : "space and 1-9 now run one runtime step (o: a whole operation)");
		return true;
	case TA_SOURCE:
		t->show_yaml = !t->show_yaml;
		tui_flash(t, "%s",
		          t->show_yaml ? "programs as the scene's YAML (y: as Go)"
		                       : "programs as Go (y: the scene's YAML)");
		return true;
	case TA_FOCUS:
	case TA_FOCUS_BACK: focus_next(t, a == TA_FOCUS ? 1 : -1); return true;
	case TA_SHARD_PREV:
	case TA_SHARD_NEXT: {
		uint32_t n = w->nmaps;
		if (n < 2) {
			tui_flash(t, "[ and ] switch shards in a sharded map; this map has one");
			return true;
		}
		/* the shard followed, then each by hand; past either end: follow
		 * the contention again */
		bool next = a == TA_SHARD_NEXT;
		if (!t->shard_pinned) {
			t->shard_pinned = true;
			t->shard = (t->shard + (next ? 1 : n - 1)) % n;
		} else if ((next && t->shard + 1 == n) || (!next && t->shard == 0)) {
			t->shard_pinned = false;
		} else {
			t->shard += next ? 1 : (uint32_t)-1;
		}
		t->views[TP_MAP].sel = 0;
		t->views[TP_MAP].scroll = 0;
		if (!t->shard_pinned)
			tui_flash(t, "following the shard under contention again ([ ] pick one)");
		return true;
	}
	case TA_UP:
	case TA_DOWN:
	case TA_PGUP:
	case TA_PGDN: {
		struct tui_view *v = &t->views[t->focus];
		int r = v->ops->key(t, v, a);
		return (r & TUI_REDRAW) != 0;
	}
	case TA_OPEN:
		if (t->focus != TP_MAP) {
			tui_flash(t,
			          "Enter opens a bucket: Tab to the buckets panel, pick one with the arrows");
			return true;
		}
		const char *no_inspect = tui_mapview_of(t)->why_no_inspect(t);
		if (no_inspect) {
			tui_flash(t, "%s", no_inspect);
			return true;
		}
		t->overlay = TO_INSPECT;
		return true;
	case TA_SEARCH:
		t->prompt = TQ_SEARCH;
		t->input[0] = '\0';
		return true;
	case TA_HELP:
		t->overlay = t->overlay == TO_HELP ? TO_NONE : TO_HELP;
		t->overlay_scroll = 0;
		return true;
	case TA_CLOSE:
		if (t->overlay == TO_FATAL)
			t->fatal_dismissed_at = w->step + 1;
		if (t->overlay == TO_CHALLENGE) { /* Go's report stays closed too */
			t->chal_dismissed_at = w->step + 1;
			t->fatal_dismissed_at = w->step + 1;
		}
		t->overlay = TO_NONE;
		t->playing = false;
		return true;
	case TA_RECORD: toggle_recording(t, lp); return true;
	case TA_EXPORT_KIND:
		t->export_kind = (t->export_kind + 1) % TUI_EXPORT_KINDS;
		tui_flash(t, "e saves the screen as %s%s now (E: as %s%s)", export_exts[t->export_kind],
		          t->export_kind == 0 ? " and .ans" : "",
		          export_exts[(t->export_kind + 1) % TUI_EXPORT_KINDS],
		          t->export_kind == TUI_EXPORT_KINDS - 1 ? " and .ans" : "");
		return true;
	case TA_EXPORT: {
		char msg[sizeof t->flash];
		export_screen(t, msg, sizeof msg);
		tui_flash(t, "%s", msg);
		t->flash_until_ms = t->now_ms + 8000;
		return true;
	}
	case TA_REDRAW: return true;
	case TA_QUIT: t->quit = true; return true;
	case TA__COUNT: break;
	}
	return false;
}
