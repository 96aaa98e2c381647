/*
 * tui: the interactive view — options, the scene picker (by chapter, type
 * to filter; a scene opened from it returns to it), the main loop (keys
 * in, one redraw per change out), actions from the keymap, --watch, the
 * files r and e write (in --out-dir, named in full), and the headless
 * screen dump the golden tests use.  Drawing is in views.c, time travel
 * in timeline.c, the terminal in term.c.
 *
 * The loop is the only place that draws: a key, a play tick, a finished
 * chunk of a long run, a resize flag or a file change marks the screen
 * dirty, and the loop renders the canvas and blits what changed.
 */
#include "tui.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/alloc.h"
#include "../cmd_run.h"
#include "../keyscript.h"
#include "../record.h"
#include "../scenes.h"
#include <strings.h>
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

#define TUI_OPTIONS                                                                                 \
	"  --theme NAME      colors and glyphs: default, light, high-contrast, or a theme file\n"   \
	"  --watch           reload the scene when its file changes (keeps the step when it can)\n" \
	"  --ascii           ASCII only (also when the locale is not UTF-8, e.g. LANG=C)\n"         \
	"  --out-dir DIR     where r and e write their files (default: the current directory)\n"    \
	"  --go 1.19|1.26    model this Go release instead of the scene's go: (1.19: the bucket\n"  \
	"                    map of Go 1.19-1.23; 1.26: the Swiss-table map of Go 1.24+)\n"         \
	"  --dump            print the screen as text instead of opening the terminal (tests):\n"   \
	"    --size WxH        its size (default 80x24)\n"                                          \
	"    --step N          go to step N first\n"                                                \
	"    --keys \"K ...\"    then press these keys (space left right up down home end tab\n"    \
	"                      enter esc pgup pgdn, one character, KEY*N: see mapviz record)\n"     \
	"    --rec             draw the header as while recording (● REC)\n"                      \
	"  NO_COLOR=1 in the environment turns colors off; every color has a glyph twin.\n"

void tui_help(FILE *f)
{
	fputs("\nthe TUI (mapviz [options] SCENE, or mapviz alone for the scene picker):\n" TUI_OPTIONS
	      "\nkeys in the TUI:\n",
	      f);
	tui_keys_print(f);
}

bool tui_is_option(const char *a)
{
	static const char *const opts[] = {"--theme", "--watch", "--ascii", "--dump", "--size",
	                                   "--step",  "--keys",  "--rec",   "--go",   "--out-dir"};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		if (strncmp(a, opts[i], strlen(opts[i])) == 0 &&
		    (a[strlen(opts[i])] == '\0' || a[strlen(opts[i])] == '='))
			return true;
	return false;
}

/* ---- clock, flash ---- */

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void flash(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void flash(struct tui *t, const char *fmt, ...)
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
static void flash_here(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void flash_here(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->flash, sizeof t->flash, fmt, ap);
	va_end(ap);
	t->flash_until_ms = t->now_ms + 8000;
	t->flash_step = t->have_scene ? tl_step(&t->tl) : UINT64_MAX;
}

/* ---- scenes ---- */

static void free_source(struct tui *t)
{
	for (uint32_t i = 0; i < t->nsrc_lines; i++)
		free(t->src_lines[i]);
	free(t->src_lines);
	t->src_lines = NULL;
	t->nsrc_lines = 0;
}

static void read_source(struct tui *t, const char *path)
{
	free_source(t);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	uint32_t lcap = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		for (ssize_t i = 0; i < n; i++)
			if (line[i] == '\t')
				line[i] = ' ';
		if (t->nsrc_lines == lcap) {
			lcap = lcap ? lcap * 2 : 64;
			t->src_lines = mv_xrealloc(t->src_lines, lcap * sizeof *t->src_lines);
		}
		t->src_lines[t->nsrc_lines++] = mv_xstrdup(line);
	}
	free(line);
	fclose(f);
}

static void file_mtime(const char *path, struct timespec *ts)
{
	struct stat st;
	if (stat(path, &st) == 0)
		*ts = st.st_mtim;
	else
		memset(ts, 0, sizeof *ts);
}

static void setup_views(struct tui *t)
{
	memset(t->views, 0, sizeof t->views);
	t->views[TP_MAP].ops = t->sc.spec.map.impl == MV_IMPL_SHARDED ? tui_mapview_of(t)->sharded
	                                                              : tui_mapview_of(t)->view;
	t->views[TP_WORKERS].ops = &tui_workers_view;
	t->views[TP_LOCKS].ops = &tui_locks_view;
	t->views[TP_EVENTS].ops = &tui_events_view;
	t->shard = 0;
}

/* Load a scene into t (replacing one that is open).  On error: -1 and the
 * message in err. */
int tui_open_scene(struct tui *t, const char *path, char *err, size_t errlen)
{
	struct scene sc;
	if (scene_load(path, &sc, err, errlen) != 0)
		return -1;
	if (t->has_go)
		scene_select_go(&sc, t->go);
	struct timeline tl;
	enum mv_status st = tl_init(&tl, &sc);
	if (st != MV_OK) {
		const char *why = mv_world_unsupported(&sc.spec);
		snprintf(err, errlen, "%s: cannot run this scene: %s", sc.path, why ? why : mv_strerror(st));
		scene_free(&sc);
		return -1;
	}
	if (t->have_scene) {
		tl_done(&t->tl);
		scene_free(&t->sc);
	}
	tui_progs_free(t);
	t->sc = sc;
	t->tl = tl;
	/* the timeline points at its scene: fix it up after the move */
	t->tl.sc = &t->sc;
	t->tl.obs.ctx = &t->tl;
	mv_world_observe(&t->tl.w, &t->tl.obs);
	for (uint32_t k = 0; k < t->tl.nck; k++)
		t->tl.ck[k].w.spec = &t->sc.spec;
	t->tl.w.spec = &t->sc.spec;
	t->have_scene = true;
	snprintf(t->scene_path, sizeof t->scene_path, "%s", path);
	read_source(t, path);
	file_mtime(path, &t->mtime);
	setup_views(t);
	t->overlay = TO_NONE;
	t->fatal_dismissed_at = 0;
	t->search_hit = -1;
	return 0;
}

void tui_close_scene(struct tui *t)
{
	if (!t->have_scene)
		return;
	tl_done(&t->tl);
	scene_free(&t->sc);
	free_source(t);
	tui_progs_free(t);
	t->have_scene = false;
}

/* --watch: reload when the file changed; keep the step when it can. */
static bool check_watch(struct tui *t)
{
	struct timespec ts;
	file_mtime(t->scene_path, &ts);
	if (ts.tv_sec == t->mtime.tv_sec && ts.tv_nsec == t->mtime.tv_nsec)
		return false;
	t->mtime = ts;
	uint64_t step = tl_step(&t->tl);
	char err[1024], path[4096];
	snprintf(path, sizeof path, "%s", t->scene_path);
	if (tui_open_scene(t, path, err, sizeof err) != 0) {
		/* FILE:LINE:COL: message, FILE by its name: the message must fit */
		const char *base = strrchr(path, '/');
		size_t pl = strlen(path);
		const char *msg = err;
		char shortened[1100];
		if (base && !strncmp(err, path, pl)) {
			snprintf(shortened, sizeof shortened, "%s%s", base + 1, err + pl);
			msg = shortened;
		}
		flash(t, "reload failed (the old scene stays): %s", msg);
		t->flash_until_ms = t->now_ms + 15000;
		return true;
	}
	tl_seek(&t->tl, step);
	if (tl_step(&t->tl) == step)
		flash(t, "reloaded %s at step %" PRIu64, t->sc.name, step);
	else
		flash(t, "reloaded %s: the scene now ends at step %" PRIu64, t->sc.name, tl_step(&t->tl));
	return true;
}

/* ---- actions ---- */

enum run_mode { RUN_NONE, RUN_END, RUN_EVENT, RUN_BREAK, RUN_TO };

struct loop {
	enum run_mode run;
	uint64_t run_target;
	uint64_t run_started;
	bool dirty;
	struct tui_term *term; /* NULL: headless */
	bool scripted;         /* a scripted recording: r does not stop it */
};

static const char *end_words(const struct mv_world *w, char *buf, size_t len)
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
}

static void step_forward(struct tui *t)
{
	char buf[200];
	if (!tl_forward_unit(&t->tl, false))
		flash(t, "%s: <- steps back, Home restarts", end_words(&t->tl.w, buf, sizeof buf));
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
				flash(t, "event at step %" PRIu64 " matches \"%s\" (/ Enter: the one before)",
				      tl_log_at(tl, (uint64_t)i)->step, t->search);
				return;
			}
		}
		from = (int64_t)tl->log_end - 1; /* wrap around once */
	}
	t->search_hit = -1;
	flash(t, "no event in the log matches \"%s\"", t->search);
}

static void prompt_key(struct tui *t, struct loop *lp, int k)
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
				flash(t, "go to step: type a number, found \"%s\"", t->input);
			} else if (v < tl_step(&t->tl)) {
				tl_seek(&t->tl, v);
				tui_after_move(t);
			} else {
				lp->run = RUN_TO;
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
		flash(t, "%s %s in %.*s %s", what, slash + 1, (int)(slash - path), path, tail);
	else
		flash(t, "%s %s %s", what, path, tail);
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

/* e: the screen as text (SCENE-stepN.txt) and with colors (.ans) in the
 * output directory; the message names both files by their full paths. */
static void export_screen(struct tui *t, char *msg, size_t len)
{
	char stem[4096], txt[4200], ans[4200];
	out_stem(t, stem, sizeof stem);
	uint64_t step = t->have_scene ? tl_step(&t->tl) : 0;
	for (int i = 1; i < 1000; i++) {
		snprintf(txt, sizeof txt,
		         i == 1 ? "%.4000s-step%" PRIu64 ".txt" : "%.4000s-step%" PRIu64 "-%d.txt", stem,
		         step, i);
		snprintf(ans, sizeof ans,
		         i == 1 ? "%.4000s-step%" PRIu64 ".ans" : "%.4000s-step%" PRIu64 "-%d.ans", stem,
		         step, i);
		if (access(txt, F_OK) != 0 && access(ans, F_OK) != 0)
			break;
	}
	FILE *ft = create_new(txt);
	FILE *fa = ft ? create_new(ans) : NULL;
	if (!ft || !fa) {
		snprintf(msg, len, "cannot export the screen: %.480s: %.60s", ft ? ans : txt,
		         strerror(errno));
		if (ft) {
			fclose(ft);
			unlink(txt);
		}
		return;
	}
	tui_canvas_dump(&t->cv, ft);
	tui_canvas_dump_ansi(&t->cv, &t->theme, fa);
	bool ok = fclose(ft) == 0;
	ok = (fclose(fa) == 0) && ok;
	if (!ok) {
		snprintf(msg, len, "cannot export the screen: %s", strerror(errno));
		return;
	}
	const char *slash = strrchr(txt, '/'); /* the name, then where it is */
	snprintf(msg, len, "screen is in %.200s (text) and .ans (colors), in %.*s", slash ? slash + 1 : txt,
	         slash ? (int)(slash - txt) : 1, slash ? txt : ".");
}

/* r: start or stop a recording (mid-session: the recording begins with
 * the terminal's enter sequence and a full repaint, and ends with its
 * restore sequence, so it plays on its own). */
static void toggle_recording(struct tui *t, struct loop *lp)
{
	if (lp->scripted) {
		flash(t, "a scripted recording ends with its key script");
		return;
	}
	if (!lp->term || !t->rec) {
		flash(t,
		      "r records in the terminal; without one: mapviz record SCENE -o FILE.cast --keys ...");
		return;
	}
	char seq[256], err[300];
	tui_term_drain(lp->term); /* what is on screen now is not part of it */
	if (tui_rec_active(t)) {
		size_t n = tui_term_restore_sequence(seq, sizeof seq);
		if (tui_rec_stop(t, seq, n))
			flash_path(t, "recording saved to", t->rec->path, "(asciinema play it)");
		else
			flash(t, "recording %s is cut short: writing it failed (disk full?)", t->rec->path);
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
		flash(t, "cannot record: %s", err);
		return;
	}
	tui_term_repaint(lp->term);
	flash_path(t, "recording to", t->rec->path, "(r stops)");
	tui_rec_check(t);
}

/* Handle one key; returns whether the screen changed. */
static bool handle_key(struct tui *t, struct loop *lp, int k)
{
	if (t->prompt != TQ_NONE) {
		prompt_key(t, lp, k);
		return true;
	}
	enum tui_action a = tui_key_action(k);
	if (lp->run != RUN_NONE) {
		/* any key stops a long run */
		lp->run = RUN_NONE;
		flash_here(t, "stopped at step %" PRIu64, tl_step(&t->tl));
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
			flash(t, "this is step 0: nothing happened before it");
		tui_after_move(t);
		return true;
	case TA_PLAY:
		if (mv_world_ended(w)) {
			flash(t, "%s: Home restarts", end_words(w, why, sizeof why));
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
	case TA_END: lp->run = RUN_END; return true;
	case TA_GOTO:
		t->prompt = TQ_GOTO;
		t->input[0] = '\0';
		return true;
	case TA_NEXT_EVENT: lp->run = RUN_EVENT; return true;
	case TA_NEXT_BREAK:
		if (!t->sc.nbreakpoints) {
			flash(t, "this scene has no breakpoints (add `breakpoints: [grow_start]` to it)");
			return true;
		}
		lp->run = RUN_BREAK;
		return true;
	case TA_DIGIT: {
		uint32_t i = (uint32_t)(k - '1');
		char reason[160];
		t->playing = false;
		if (!tl_manual(&t->tl, i, reason, sizeof reason))
			flash(t, "%s", reason);
		else
			tui_rec_marker(t, "manual: G%u (%s)", i + 1, t->sc.spec.workers[i].name);
		tui_after_move(t);
		return true;
	}
	case TA_REJOIN: {
		uint64_t at = tl_step(&t->tl);
		t->playing = false;
		if (!tl_rejoin(&t->tl)) {
			flash(t, "this run follows the scene's own schedule already");
			return true;
		}
		tui_after_move(t);
		if (tl_step(&t->tl) < at)
			flash(t,
			      "back on the scene's schedule: it ends at step %" PRIu64
			      ", before step %" PRIu64,
			      tl_step(&t->tl), at);
		else
			flash(t,
			      "back on the scene's own schedule at step %" PRIu64
			      ": its captions apply again",
			      tl_step(&t->tl));
		tui_rec_marker(t, "schedule: the scene's own, from step %" PRIu64, tl_step(&t->tl));
		return true;
	}
	case TA_UNIT:
		t->tl.unit = t->tl.unit == MV_GRAN_OP ? MV_GRAN_STEP : MV_GRAN_OP;
		flash(t, "%s",
		      t->tl.unit == MV_GRAN_OP
		          ? "space and 1-9 now run a whole operation (o: one step)"
		          : "space and 1-9 now run one runtime step (o: a whole operation)");
		return true;
	case TA_SOURCE:
		t->show_yaml = !t->show_yaml;
		flash(t, "%s",
		      t->show_yaml ? "programs as the scene's YAML (y: as Go)"
		                   : "programs as Go (y: the scene's YAML)");
		return true;
	case TA_FOCUS:
	case TA_FOCUS_BACK: focus_next(t, a == TA_FOCUS ? 1 : -1); return true;
	case TA_SHARD_PREV:
	case TA_SHARD_NEXT: {
		uint32_t n = w->nmaps;
		if (n < 2) {
			flash(t, "[ and ] switch shards in a sharded map; this map has one");
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
			flash(t, "following the shard under contention again ([ ] pick one)");
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
			flash(t, "Enter opens a bucket: Tab to the buckets panel, pick one with the arrows");
			return true;
		}
		const char *no_inspect = tui_mapview_of(t)->why_no_inspect(t);
		if (no_inspect) {
			flash(t, "%s", no_inspect);
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
		t->overlay = TO_NONE;
		t->playing = false;
		return true;
	case TA_RECORD: toggle_recording(t, lp); return true;
	case TA_EXPORT: {
		char msg[sizeof t->flash];
		export_screen(t, msg, sizeof msg);
		flash(t, "%s", msg);
		t->flash_until_ms = t->now_ms + 8000;
		return true;
	}
	case TA_REDRAW: return true;
	case TA_QUIT: t->quit = true; return true;
	case TA__COUNT: break;
	}
	return false;
}

/* Up to `budget_ms` of a long run (End, n, b, g); true when it is over. */
static bool run_chunk(struct tui *t, struct loop *lp, uint64_t budget_ms)
{
	uint64_t until = now_ms() + budget_ms;
	char why[200];
	for (int i = 0;; i++) {
		if ((i & 255) == 255 && now_ms() >= until)
			return false;
		if (lp->run == RUN_TO && tl_step(&t->tl) >= lp->run_target)
			break;
		/* n and g go one micro-step at a time: n stops inside an
		 * operation too */
		bool moved = lp->run == RUN_TO || lp->run == RUN_EVENT
		                 ? tl_forward(&t->tl)
		                 : tl_forward_unit(&t->tl, lp->run == RUN_BREAK);
		if (!moved) {
			if (lp->run != RUN_END)
				flash(t, "%s", end_words(&t->tl.w, why, sizeof why));
			break;
		}
		if (lp->run == RUN_EVENT &&
		    (t->tl.hit_event >= 0 ||
		     (t->tl.m.caption >= 0 && t->tl.m.caption_step == tl_step(&t->tl))))
			break;
		if (lp->run == RUN_BREAK && t->tl.hit_breakpoint) {
			flash_here(t, "breakpoint: %s at step %" PRIu64,
			           mv_event_name((enum mv_event_kind)t->tl.hit_bp_event), tl_step(&t->tl));
			break;
		}
	}
	lp->run = RUN_NONE;
	return true;
}

static void play_tick(struct tui *t)
{
	int sp = tui_speeds[t->speed];
	int n = sp > 60 ? sp / 60 : 1;
	for (int i = 0; i < n && t->playing; i++) {
		if (!tl_forward_unit(&t->tl, true)) {
			t->playing = false;
			char why[200];
			flash(t, "%s", end_words(&t->tl.w, why, sizeof why));
		} else if (t->tl.hit_breakpoint) {
			t->playing = false;
			flash_here(t, "breakpoint: %s at step %" PRIu64 " (p plays on)",
			           mv_event_name((enum mv_event_kind)t->tl.hit_bp_event), tl_step(&t->tl));
		}
	}
	tui_after_move(t);
	t->next_tick_ms += sp > 60 ? 16 : (uint64_t)(1000 / sp);
	if (t->next_tick_ms < t->now_ms)
		t->next_tick_ms = t->now_ms;
}

/* ---- looks ---- */

static bool want_ascii(bool forced)
{
	if (forced)
		return true;
	const char *e = getenv("MAPVIZ_ASCII");
	if (e && *e && strcmp(e, "0") != 0)
		return true;
	const char *cs = nl_langinfo(CODESET);
	return !cs || (strcmp(cs, "UTF-8") != 0 && strcmp(cs, "utf8") != 0);
}

static bool no_color(void)
{
	const char *e = getenv("NO_COLOR");
	return e && *e;
}

/* ---- the picker ---- */

/*
 * The bundled scenes by chapter, each chapter under its name.  Typing
 * filters (name, title, chapter and its name); ↑ ↓ PgUp PgDn Home End
 * move; Enter opens; Esc clears the filter, then quits; q quits when
 * nothing is typed.
 */
struct pick {
	struct scene_info *e;
	size_t n;
	int sel;    /* index into e (a scene that matches the filter) */
	int scroll; /* first display row */
	char filter[48];
};

static bool contains_ci(const char *hay, const char *needle)
{
	if (!hay)
		return false;
	size_t nl = strlen(needle);
	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, nl) == 0)
			return true;
	return !nl;
}

static bool pick_match(const struct pick *p, size_t i)
{
	const struct scene_info *e = &p->e[i];
	return !p->filter[0] || contains_ci(e->name, p->filter) || contains_ci(e->title, p->filter) ||
	       contains_ci(e->chapter, p->filter) || contains_ci(scenes_chapter_name(e->chapter), p->filter);
}

static bool same_chapter(const struct scene_info *a, const struct scene_info *b)
{
	return (!a->chapter && !b->chapter) || (a->chapter && b->chapter && !strcmp(a->chapter, b->chapter));
}

/* The picker's rows: a chapter's title (item -1) or a scene (its index,
 * cont: its title's second line). */
struct pick_row {
	int item;
	bool cont;
	const struct scene_info *head;
};

static int pick_rows(const struct pick *p, struct pick_row *rows, int max, int namew, int width)
{
	int n = 0;
	const struct scene_info *last = NULL;
	for (size_t i = 0; i < p->n && n < max; i++) {
		if (!pick_match(p, i))
			continue;
		if (!last || !same_chapter(last, &p->e[i])) {
			if (last && n < max)
				rows[n++] = (struct pick_row){-2, false, NULL}; /* a blank line */
			if (n < max)
				rows[n++] = (struct pick_row){-1, false, &p->e[i]};
		}
		last = &p->e[i];
		if (n < max)
			rows[n++] = (struct pick_row){(int)i, false, NULL};
		if (n < max && 3 + namew + 2 + tui_text_width(p->e[i].title) > width)
			rows[n++] = (struct pick_row){(int)i, true, NULL};
	}
	return n;
}

static void picker_render(struct tui *t, struct pick *p)
{
	struct tui_canvas *c = &t->cv;
	tui_canvas_clear(c, TR_NORMAL);
	if (c->w < TUI_MIN_W || c->h < TUI_MIN_H) {
		tui_puts(c, 0, c->h / 2, c->w,
		         t->ascii ? "terminal too small (need 80x24)" : "terminal too small (need 80×24)",
		         TR_EVENT_BAD, TUI_A_BOLD);
		return;
	}
	tui_fill(c, (struct tui_rect){0, 0, c->w, 1}, ' ', TR_TITLE, TUI_A_REVERSE);
	tui_puts(c, 1, 0, c->w,
	         c->w >= 84 ? "mapviz · pick a scene: how Go's map works, and why it breaks under concurrency"
	                    : "mapviz · pick a scene: how Go's map works, why it breaks",
	         TR_TITLE, TUI_A_REVERSE);
	char title[96];
	snprintf(title, sizeof title, "scenes, by chapter%s%s%s", p->filter[0] ? " · matching \"" : "",
	         p->filter, p->filter[0] ? "\"" : "");
	struct tui_rect in = tui_box(c, (struct tui_rect){0, 1, c->w, c->h - 4}, title, TR_BORDER_FOCUS);
	int namew = 8;
	for (size_t i = 0; i < p->n; i++)
		if ((int)strlen(p->e[i].name) > namew)
			namew = (int)strlen(p->e[i].name) > 30 ? 30 : (int)strlen(p->e[i].name);
	int cap = (int)p->n * 4 + 4;
	struct pick_row *rows = mv_xcalloc((size_t)cap, sizeof *rows);
	int nr = pick_rows(p, rows, cap, namew, in.w);
	/* the selection: a scene that matches, else the first that does */
	int selrow = -1;
	for (int r = 0; r < nr; r++)
		if (rows[r].item == p->sel && !rows[r].cont)
			selrow = r;
	if (selrow < 0)
		for (int r = 0; r < nr; r++)
			if (rows[r].item >= 0) {
				p->sel = rows[r].item;
				selrow = r;
				break;
			}
	if (selrow >= 0) {
		int top =
		    selrow > 0 && rows[selrow - 1].item == -1 ? selrow - 1 : selrow; /* its chapter too */
		if (top < p->scroll)
			p->scroll = top;
		int bottom = selrow + (selrow + 1 < nr && rows[selrow + 1].cont);
		if (bottom >= p->scroll + in.h)
			p->scroll = bottom - in.h + 1;
	}
	if (p->scroll > nr - in.h)
		p->scroll = nr - in.h > 0 ? nr - in.h : 0;
	if (p->scroll < 0)
		p->scroll = 0;
	int maxx = in.x + in.w;
	for (int i = 0; i < in.h && p->scroll + i < nr; i++) {
		const struct pick_row *r = &rows[p->scroll + i];
		int y = in.y + i;
		if (r->item == -2)
			continue;
		if (r->item == -1) {
			const char *cn = scenes_chapter_name(r->head->chapter);
			int x = tui_printf(c, in.x + 1, y, maxx, TR_LABEL, TUI_A_BOLD, "%s",
			                   r->head->chapter ? r->head->chapter : "");
			tui_puts(c, x + (r->head->chapter ? 2 : 0), y, maxx,
			         cn                 ? cn
			         : r->head->chapter ? ""
			                            : "other scenes",
			         TR_TITLE, 0);
			continue;
		}
		const struct scene_info *e = &p->e[r->item];
		bool sel = r->item == p->sel;
		int tx = in.x + 3 + namew + 2, tw = maxx - tx;
		if (r->cont) {
			int cut = 0, cols = 0;
			const char *s = e->title;
			/* the part of the title the row above did not show */
			while (s[cut] && cols < tw) {
				cut++;
				while (((unsigned char)s[cut] & 0xc0) == 0x80)
					cut++;
				cols++;
			}
			int back = cut;
			while (back > 0 && s[back] && s[back] != ' ')
				back--;
			if (back > 0)
				cut = back;
			while (s[cut] == ' ')
				cut++;
			tui_puts(c, tx + 2, y, maxx, s + cut, sel ? TR_VALUE : TR_NORMAL, 0);
			continue;
		}
		int x = tui_puts(c, in.x + 1, y, maxx, sel ? tui_glyph(t, TR_SELECTED) : " ",
		                 sel ? TR_SELECTED : TR_NORMAL, 0);
		tui_printf(c, x + 1, y, maxx, TR_VALUE, sel ? TUI_A_REVERSE : 0, "%-*.*s", namew, namew,
		           e->name);
		tui_wrap(c, tx, y, tw, 1, 0, e->title,
		         e->broken ? TR_EVENT_BAD
		         : sel     ? TR_VALUE
		                   : TR_NORMAL,
		         0);
	}
	if (!p->n)
		tui_puts(c, in.x + 1, in.y, maxx, "no bundled scenes found (set MAPVIZ_SCENES)", TR_EVENT_BAD,
		         0);
	else if (selrow < 0)
		tui_printf(c, in.x + 1, in.y, maxx, TR_DIM, 0,
		           "no scene matches \"%s\" (Backspace, Esc clears)", p->filter);
	if (selrow >= 0)
		tui_wrap(c, 1, c->h - 3, c->w - 2, 2, 2, p->e[p->sel].summary, TR_CAPTION, 0);
	free(rows);
	int x = tui_puts(c, 1, c->h - 1, c->w, "↑ ↓ Home End", TR_KEY, 0);
	x = tui_puts(c, x + 1, c->h - 1, c->w, "choose", TR_KEYHINT, 0);
	x = tui_puts(c, x + 2, c->h - 1, c->w, "Enter", TR_KEY, 0);
	x = tui_puts(c, x + 1, c->h - 1, c->w, "open", TR_KEYHINT, 0);
	x = tui_puts(c, x + 2, c->h - 1, c->w, "type", TR_KEY, 0);
	x = tui_puts(c, x + 1, c->h - 1, c->w, p->filter[0] ? "filter (Esc clears)" : "to filter", TR_KEYHINT,
	             0);
	x = tui_puts(c, x + 2, c->h - 1, c->w, p->filter[0] ? "Esc Esc" : "q", TR_KEY, 0);
	tui_puts(c, x + 1, c->h - 1, c->w, "quit", TR_KEYHINT, 0);
}

static void pick_load(struct pick *p, const char *select)
{
	memset(p, 0, sizeof *p);
	p->e = scenes_catalog(&p->n);
	/* open on the tour (or the scene just left) */
	const char *want = select ? select : "tour";
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->e[i].name, want) || !strcmp(p->e[i].path, want))
			p->sel = (int)i;
}

static void pick_free(struct pick *p)
{
	scenes_catalog_free(p->e, p->n);
	p->e = NULL;
	p->n = 0;
}

/* Move the selection by d matching scenes (clamped). */
static void pick_move(struct pick *p, int d)
{
	int step = d > 0 ? 1 : -1;
	for (int moved = 0; moved != d;) {
		int i = p->sel + step;
		while (i >= 0 && i < (int)p->n && !pick_match(p, (size_t)i))
			i += step;
		if (i < 0 || i >= (int)p->n)
			break;
		p->sel = i;
		moved += step;
	}
}

/* A key in the picker: 1 a scene was chosen (its path in path), -1 quit,
 * 0 go on. */
static int pick_key(struct pick *p, int k, char *path, size_t len)
{
	size_t fl = strlen(p->filter);
	enum tui_action a = tui_key_action(k);
	if (k == TK_ESC) {
		if (!fl)
			return -1;
		p->filter[0] = '\0';
		return 0;
	}
	if (k == TK_BACKSPACE) {
		if (fl)
			p->filter[fl - 1] = '\0';
		return 0;
	}
	if ((k == 'q' || k == 'Q') && !fl)
		return -1;
	if (k == TK_CTRL('c'))
		return -1;
	if (k == TK_ENTER || k == '\r' || k == ' ' || k == TK_RIGHT) {
		if (p->n && pick_match(p, (size_t)p->sel)) {
			snprintf(path, len, "%s", p->e[p->sel].path);
			return 1;
		}
		return 0;
	}
	if (k >= 0x21 && k < 0x7f && fl + 1 < sizeof p->filter) {
		p->filter[fl] = (char)k;
		p->filter[fl + 1] = '\0';
		if (!pick_match(p, (size_t)p->sel)) { /* the first scene that matches */
			p->sel = -1;
			pick_move(p, 1);
			if (p->sel < 0)
				p->sel = 0;
		}
		return 0;
	}
	switch (k) {
	case TK_HOME:
		p->sel = (int)p->n;
		pick_move(p, -(int)p->n - 1);
		break;
	case TK_END:
		p->sel = -1;
		pick_move(p, (int)p->n + 1);
		break;
	default:
		if (a == TA_UP)
			pick_move(p, -1);
		else if (a == TA_DOWN)
			pick_move(p, 1);
		else if (a == TA_PGUP)
			pick_move(p, -10);
		else if (a == TA_PGDN)
			pick_move(p, 10);
		break;
	}
	return 0;
}

/* ---- the loop ---- */

static void resize_canvas(struct tui *t, struct tui_term *term)
{
	int rows, cols;
	tui_term_size(&rows, &cols);
	if (tui_rec_active(t) && (rows != term->rows || cols != term->cols))
		tui_rec_resize(t, cols, rows);
	tui_term_resize(term, rows, cols);
	tui_canvas_resize(&t->cv, cols, rows);
}

/* The picker; returns 1 with a scene path chosen, 0 on quit. */
static int run_picker(struct tui *t, struct tui_term *term, const char *select, char *filter, size_t flen,
                      char *path, size_t len)
{
	struct pick p;
	pick_load(&p, select);
	snprintf(p.filter, sizeof p.filter, "%s", filter);
	int rc = 0;
	bool dirty = true;
	while (!tui_term_quit_requested()) {
		if (tui_term_resized()) {
			resize_canvas(t, term);
			dirty = true;
		}
		if (dirty) {
			picker_render(t, &p);
			tui_term_blit(term, &t->cv);
			dirty = false;
		}
		int k = tui_term_key(term, 500);
		if (k == TK_NONE)
			continue;
		dirty = true;
		if (k == TK_CTRL('l')) {
			tui_term_repaint(term);
			continue;
		}
		int r = pick_key(&p, k, path, len);
		if (r) {
			rc = r > 0;
			break;
		}
	}
	snprintf(filter, flen, "%s", p.filter); /* kept for the way back */
	pick_free(&p);
	return rc;
}

/* mapviz --dump with no scene: the picker, after the keys. */
static int dump_picker(struct tui *t, int w, int h, const char *keys)
{
	struct pick p;
	pick_load(&p, NULL);
	tui_canvas_resize(&t->cv, w, h);
	char path[4096];
	int rc = 0;
	if (keys) {
		struct keyscript ks;
		char err[300];
		if (keyscript_parse(keys, &ks, err, sizeof err) != 0) {
			fprintf(stderr, "mapviz --keys: %s\n", err);
			pick_free(&p);
			return 1;
		}
		bool done = false;
		for (size_t i = 0; i < ks.n && !done; i++)
			for (uint32_t r = 0; ks.items[i].kind == KS_KEY && r < ks.items[i].repeat && !done;
			     r++)
				done = pick_key(&p, ks.items[i].key, path, sizeof path) != 0;
		keyscript_free(&ks);
	}
	picker_render(t, &p);
	tui_canvas_dump(&t->cv, stdout);
	pick_free(&p);
	return fflush(stdout) == 0 ? rc : 1;
}

static int run_loop(struct tui *t, struct tui_term *term)
{
	struct loop lp = {RUN_NONE, 0, 0, true, term, false};
	uint64_t next_watch = 0;
	t->now_ms = now_ms();
	t->next_tick_ms = t->now_ms;
	while (!t->quit && !tui_term_quit_requested()) {
		t->now_ms = now_ms();
		if (tui_term_resized()) {
			resize_canvas(t, term);
			lp.dirty = true;
		}
		if (t->watch && t->now_ms >= next_watch) {
			next_watch = t->now_ms + 300;
			if (check_watch(t))
				lp.dirty = true;
		}
		if (lp.run != RUN_NONE) {
			if (run_chunk(t, &lp, 30))
				tui_rec_check(t);
			tui_after_move(t);
			lp.dirty = true;
		} else if (t->playing && t->now_ms >= t->next_tick_ms) {
			play_tick(t);
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
		if (lp.run != RUN_NONE)
			timeout = 0;
		else if (t->playing)
			timeout = t->next_tick_ms > t->now_ms ? (int)(t->next_tick_ms - t->now_ms) : 0;
		if (t->flash[0]) {
			int ft = t->flash_until_ms > t->now_ms ? (int)(t->flash_until_ms - t->now_ms) : 0;
			timeout = timeout < 0 || ft < timeout ? ft : timeout;
		}
		if (t->watch && (timeout < 0 || timeout > 300))
			timeout = 300;
		int k = tui_term_key(term, timeout);
		if (k == TK_NONE)
			continue;
		t->now_ms = now_ms();
		if (k == TK_CTRL('l'))
			tui_term_repaint(term);
		if (handle_key(t, &lp, k))
			lp.dirty = true;
		if (lp.run == RUN_NONE)
			tui_rec_check(t);
	}
	return 0;
}

/* ---- headless dump (golden screens) ---- */

void tui_feed_key(struct tui *t, int k)
{
	struct loop lp = {RUN_NONE, 0, 0, false, NULL, false};
	handle_key(t, &lp, k);
	while (lp.run != RUN_NONE)
		run_chunk(t, &lp, 1000);
	tui_after_move(t);
}

struct tui *tui_headless(int w, int h, bool ascii)
{
	struct tui *t = mv_xcalloc(1, sizeof *t);
	t->ascii = ascii;
	t->speed = 2;
	t->search_hit = -1;
	tui_theme_default(&t->theme);
	tui_canvas_init(&t->cv, w, h, ascii);
	return t;
}

void tui_headless_done(struct tui *t)
{
	tui_close_scene(t);
	tui_canvas_done(&t->cv);
	free(t);
}

static int dump_screen(struct tui *t, int w, int h, uint64_t step, bool has_step, const char *keys)
{
	t->now_ms = 0;
	tui_canvas_resize(&t->cv, w, h);
	if (has_step) {
		tl_seek(&t->tl, step);
		tui_after_move(t);
	}
	if (keys) {
		/* the key script of mapviz record; its waits take no time here */
		struct keyscript ks;
		char err[300];
		if (keyscript_parse(keys, &ks, err, sizeof err) != 0) {
			fprintf(stderr, "mapviz --keys: %s\n", err);
			return 1;
		}
		for (size_t i = 0; i < ks.n && !t->quit; i++)
			for (uint32_t r = 0; ks.items[i].kind == KS_KEY && r < ks.items[i].repeat && !t->quit;
			     r++) {
				tui_render(t); /* views learn their sizes, as in the loop */
				tui_feed_key(t, ks.items[i].key);
			}
		keyscript_free(&ks);
	}
	tui_render(t);
	tui_canvas_dump(&t->cv, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- main ---- */

static int usage(const char *fmt, const char *arg)
{
	fputs("mapviz: ", stderr);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
	fputs("\n(see mapviz --help)\n", stderr);
	return 1;
}

int tui_main(int argc, char **argv)
{
	return tui_main_tap(argc, argv, NULL);
}

/* ---- mapviz record --keys: a scripted recording ---- */

struct script_run {
	struct tui *t;
	struct loop lp;
	struct tui_term term;
	FILE *out;  /* what curses wrote (a temporary file), NULL: a transcript */
	off_t off;  /* how much of it the cast has */
	FILE *text; /* the transcript, NULL: a cast */
	uint64_t delay_ms;
};

/* The bytes curses wrote since the last call, to the cast. */
static void script_drain(struct script_run *sr)
{
	if (!sr->out)
		return;
	fflush(sr->out);
	char buf[16384];
	ssize_t n;
	while ((n = pread(fileno(sr->out), buf, sizeof buf, sr->off)) > 0) {
		sr->t->rec->tap.write(sr->t->rec->tap.ctx, buf, (size_t)n);
		sr->off += n;
	}
}

static void script_frame(struct script_run *sr)
{
	struct tui *t = sr->t;
	tui_render(t);
	if (sr->out) {
		tui_rec_time(t, t->now_ms);
		tui_term_blit(&sr->term, &t->cv);
		script_drain(sr);
	}
}

static void script_text_frame(struct script_run *sr, const char *what)
{
	struct tui *t = sr->t;
	fprintf(sr->text, "\n── %" PRIu64 ".%03" PRIu64 "s · %s · step %" PRIu64 " ──\n", t->now_ms / 1000,
	        t->now_ms % 1000, what, t->have_scene ? tl_step(&t->tl) : 0);
	tui_rec_check(t); /* its markers, under the heading */
	tui_render(t);
	tui_canvas_dump(&t->cv, sr->text);
}

/* Virtual time passes until `until`: a playing scene plays on, a message
 * goes away when its time is up; each change is a frame. */
static void script_advance(struct script_run *sr, uint64_t until)
{
	struct tui *t = sr->t;
	for (;;) {
		uint64_t due = UINT64_MAX;
		if (t->playing)
			due = t->next_tick_ms;
		if (t->flash[0] && t->flash_until_ms < due)
			due = t->flash_until_ms;
		if (due > until)
			break;
		if (due > t->now_ms)
			t->now_ms = due;
		tui_rec_time(t, t->now_ms);
		if (t->playing && t->now_ms >= t->next_tick_ms)
			play_tick(t);
		if (t->flash[0] && t->now_ms >= t->flash_until_ms)
			t->flash[0] = '\0';
		if (!sr->text) {
			tui_rec_check(t);
			script_frame(sr);
		}
	}
	if (until > t->now_ms)
		t->now_ms = until;
	tui_rec_time(t, t->now_ms);
}

static void script_key(struct script_run *sr, int k, const char *word)
{
	struct tui *t = sr->t;
	tui_render(t); /* views learn their sizes, as in the loop */
	if (k == TK_CTRL('l') && sr->out)
		tui_term_repaint(&sr->term);
	handle_key(t, &sr->lp, k);
	while (sr->lp.run != RUN_NONE)
		run_chunk(t, &sr->lp, 1000);
	tui_after_move(t);
	if (t->quit)
		return; /* q: the screen stays as it was */
	if (sr->text) {
		script_text_frame(sr, word);
	} else {
		tui_rec_check(t);
		script_frame(sr);
	}
}

static bool no_color(void);

/* Create the transcript (never replacing a file unless force); "-" is
 * stdout. */
static FILE *create_text(const char *path, bool force)
{
	if (strcmp(path, "-") == 0)
		return stdout;
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			fprintf(stderr,
			        "mapviz record: %s exists; not overwriting it (--force replaces it)\n", path);
		else
			fprintf(stderr, "mapviz record: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

static int record_script(struct tui *t, const struct tui_record *rec)
{
	struct keyscript ks;
	char err[1024];
	if (keyscript_parse(rec->script, &ks, err, sizeof err) != 0) {
		fprintf(stderr, "mapviz record --keys: %s\n", err);
		return 1;
	}
	struct tui_rec tr;
	tui_rec_init(&tr, NULL);
	tr.force = rec->force;
	tr.idle_limit = rec->idle_limit;
	tr.title = rec->title;
	snprintf(tr.base, sizeof tr.base, "%s", rec->path);
	t->rec = &tr;
	struct script_run sr = {.t = t, .delay_ms = KS_DEFAULT_DELAY_MS};
	sr.lp = (struct loop){RUN_NONE, 0, 0, false, NULL, true};
	tui_canvas_resize(&t->cv, rec->w, rec->h);
	t->now_ms = 0;
	t->next_tick_ms = 0;
	int rc = 0;
	if (rec->text) {
		sr.text = create_text(rec->path, rec->force);
		if (!sr.text) {
			rc = 1;
			goto done;
		}
		tr.text = sr.text;
		fprintf(sr.text, "mapviz: %s (%s), %dx%d, keys: %s\n", t->sc.title, t->scene_path, rec->w,
		        rec->h, rec->script);
		script_text_frame(&sr, "start");
	} else {
		sr.out = tmpfile();
		if (!sr.out) {
			fprintf(stderr, "mapviz record: cannot make a temporary file: %s\n", strerror(errno));
			rc = 1;
			goto done;
		}
		if (tui_rec_start(t, rec->path, rec->w, rec->h, true, NULL, 0, err, sizeof err) != 0) {
			fprintf(stderr, "mapviz record: %s\n", err);
			rc = 1;
			goto done;
		}
		if (tui_term_open_recorded(&sr.term, &t->theme, no_color(), sr.out, rec->h, rec->w) != 0) {
			fprintf(stderr, "mapviz record: cannot start curses on a virtual %s screen\n",
			        tui_term_virtual_name());
			tui_rec_stop(t, NULL, 0);
			unlink(rec->path);
			rc = 1;
			goto done;
		}
		tui_rec_check(t);
		script_frame(&sr);
	}
	for (size_t i = 0; i < ks.n && !t->quit; i++) {
		const struct ks_item *it = &ks.items[i];
		switch (it->kind) {
		case KS_DELAY: sr.delay_ms = it->ms; break;
		case KS_WAIT:
			script_advance(&sr, t->now_ms + it->ms);
			if (sr.text) {
				char w[40];
				snprintf(w, sizeof w, "wait:%" PRIu64 ".%03" PRIu64, it->ms / 1000,
				         it->ms % 1000);
				script_text_frame(&sr, w);
			}
			break;
		case KS_KEY:
			for (uint32_t r = 0; r < it->repeat && !t->quit; r++) {
				script_advance(&sr, t->now_ms + sr.delay_ms);
				script_key(&sr, it->key, it->word);
			}
			break;
		}
	}
	if (!t->quit) /* the last screen stays a moment */
		script_advance(&sr, t->now_ms + sr.delay_ms);
	if (sr.out) {
		tui_rec_time(t, t->now_ms);
		tui_term_close_virtual(&sr.term); /* endwin: as the terminal is given back */
		script_drain(&sr);
		if (!tui_rec_stop(t, NULL, 0)) {
			fprintf(stderr, "mapviz record: writing %s failed; it is cut short\n", rec->path);
			rc = 1;
		}
	}
done:
	if (sr.out)
		fclose(sr.out);
	if (sr.text && sr.text != stdout) {
		if (fclose(sr.text) != 0) {
			fprintf(stderr, "mapviz record: %s: %s\n", rec->path, strerror(errno));
			rc = 1;
		}
	} else if (sr.text && fflush(stdout) != 0) {
		rc = 1;
	}
	keyscript_free(&ks);
	t->rec = NULL;
	pthread_mutex_destroy(&tr.mu);
	return rc;
}

/* ---- main ---- */

static int tui_main_common(int argc, char **argv, const struct tui_output_tap *tap,
                           const struct tui_record *rec);

int tui_main_tap(int argc, char **argv, const struct tui_output_tap *tap)
{
	return tui_main_common(argc, argv, tap, NULL);
}

int tui_main_record(int argc, char **argv, const struct tui_record *rec)
{
	return tui_main_common(argc, argv, NULL, rec);
}

static int tui_main_common(int argc, char **argv, const struct tui_output_tap *tap,
                           const struct tui_record *rec)
{
	const char *scene_arg = NULL, *theme = NULL, *keys = NULL, *out_dir = NULL;
	bool watch = false, ascii = false, dump = false, has_step = false, show_rec = false, has_go = false;
	enum mv_go go = MV_GO_1_19;
	int dw = 80, dh = 24;
	uint64_t step = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *eq = strchr(a, '=');
		const char *v = eq && a[0] == '-' ? eq + 1 : i + 1 < argc ? argv[i + 1] : NULL;
		bool inl = eq && a[0] == '-';
#define OPT(name) (strncmp(a, name, strlen(name)) == 0 && (a[strlen(name)] == '\0' || a[strlen(name)] == '='))
		if (OPT("--theme") || OPT("--size") || OPT("--step") || OPT("--keys") || OPT("--go") ||
		    OPT("--out-dir")) {
			if (!v)
				return usage("%s needs a value", a);
			if (!inl)
				i++;
			if (OPT("--theme")) {
				theme = v;
			} else if (OPT("--out-dir")) {
				out_dir = v;
			} else if (OPT("--go")) {
				if (!mv_go_parse(v, &go))
					return usage("--go takes 1.19 or 1.26, found '%s'", v);
				has_go = true;
			} else if (OPT("--keys")) {
				keys = v;
			} else if (OPT("--size")) {
				if (sscanf(v, "%dx%d", &dw, &dh) != 2 || dw < 1 || dh < 1 || dw > 1000 ||
				    dh > 1000)
					return usage("--size takes WxH, like 80x24; found '%s'", v);
			} else {
				char *end;
				errno = 0;
				step = strtoull(v, &end, 10);
				if (!*v || *end || errno || *v == '-')
					return usage("--step takes a number, found '%s'", v);
				has_step = true;
			}
		} else if (strcmp(a, "--watch") == 0) {
			watch = true;
		} else if (strcmp(a, "--ascii") == 0) {
			ascii = true;
		} else if (strcmp(a, "--dump") == 0) {
			dump = true;
		} else if (strcmp(a, "--rec") == 0) {
			show_rec = true; /* --dump: the header as while recording */
		} else if (a[0] == '-' && a[1]) {
			return usage("unknown option '%s'", a);
		} else if (!scene_arg) {
			scene_arg = a;
		} else {
			return usage("one scene at a time; found a second: '%s'", a);
		}
#undef OPT
	}
	setlocale(LC_ALL, "");
	/* r and e name their files by full path: a stray key in a checkout
	 * is seen, not silent */
	char out_abs[4096];
	if (out_dir) {
		struct stat st;
		if (stat(out_dir, &st) != 0 || !S_ISDIR(st.st_mode) || !realpath(out_dir, out_abs))
			return usage("--out-dir takes a directory that exists, found '%s'", out_dir);
	} else if (!getcwd(out_abs, sizeof out_abs)) {
		snprintf(out_abs, sizeof out_abs, ".");
	}
	struct tui *t = mv_xcalloc(1, sizeof *t);
	snprintf(t->out_dir, sizeof t->out_dir, "%s", out_abs);
	t->ascii = want_ascii(ascii);
	t->watch = watch;
	t->has_go = has_go;
	t->go = go;
	t->speed = 2;
	t->search_hit = -1;
	tui_theme_default(&t->theme);
	char err[1024];
	int rc = 0;
	if (theme && tui_theme_load(&t->theme, theme, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		free(t);
		return 1;
	} else if (!theme && tui_theme_load(&t->theme, "default", err, sizeof err) != 0) {
		tui_theme_default(&t->theme); /* no assets installed: the built-in one */
	}
	tui_canvas_init(&t->cv, 80, 24, t->ascii);
	char path[4096] = "";
	if (scene_arg) {
		char near[256];
		if (scenes_resolve(scene_arg, path, sizeof path) != 0 && !strchr(scene_arg, '/') &&
		    scenes_suggest(scene_arg, near, sizeof near) == 0) {
			fprintf(
			    stderr,
			    "mapviz: no scene named '%s'; did you mean '%s'? (mapviz list shows them all)\n",
			    scene_arg, near);
			rc = 1;
			goto out;
		}
		if (tui_open_scene(t, path, err, sizeof err) != 0) {
			fprintf(stderr, "%s\n", err);
			rc = 1;
			goto out;
		}
	} else if (dump) {
		rc = dump_picker(t, dw, dh, keys);
		goto out;
	}
	if (dump) {
		t->recording = show_rec;
		rc = dump_screen(t, dw, dh, step, has_step, keys);
		goto out;
	}
	if (rec && rec->script) {
		rc = record_script(t, rec);
		goto out;
	}
	const char *why = tui_term_unusable();
	if (why) {
		if (rec)
			fprintf(
			    stderr,
			    "mapviz record: %s, so nobody can drive the TUI; record a key script instead: "
			    "mapviz record %s -o %s --keys \"space*5 n q\"\n",
			    why, scene_arg, rec->path);
		else
			fprintf(stderr,
			        "mapviz: %s, so the TUI cannot start; for a transcript use `mapviz run %s`\n",
			        why, scene_arg ? scene_arg : "SCENE");
		rc = 1;
		goto out;
	}
	struct tui_term term;
	struct tui_rec tr;
	tui_rec_init(&tr, tap);
	t->rec = &tr;
	t->recording = tap != NULL;
	if (rec) {
		tr.force = rec->force;
		tr.idle_limit = rec->idle_limit;
		tr.title = rec->title;
		snprintf(tr.base, sizeof tr.base, "%s", rec->path);
		int rows, cols;
		tui_term_size(&rows, &cols);
		if (tui_rec_start(t, rec->path, cols, rows, false, NULL, 0, err, sizeof err) != 0) {
			fprintf(stderr, "mapviz record: %s\n", err);
			rc = 1;
			goto out;
		}
	}
	if (tui_term_open(&term, &t->theme, no_color(), &tr.tap) != 0) {
		if (tui_rec_active(t)) {
			tui_rec_stop(t, NULL, 0);
			unlink(tr.path);
		}
		rc = 1;
		goto out;
	}
	resize_canvas(t, &term);
	/* mapviz alone: the picker; quitting a scene opened from it comes
	 * back to it */
	char filter[48] = "";
	for (char last[4096] = "";;) {
		if (!scene_arg) {
			if (!run_picker(t, &term, last[0] ? last : NULL, filter, sizeof filter, path,
			                sizeof path))
				break;
			if (tui_open_scene(t, path, err, sizeof err) != 0) {
				flash(t, "%s", err);
				continue;
			}
			snprintf(last, sizeof last, "%s", path);
		}
		if (has_step) {
			tl_seek(&t->tl, step);
			tui_after_move(t);
		}
		tui_rec_check(t);
		rc = run_loop(t, &term);
		if (scene_arg || tui_term_quit_requested())
			break;
		tui_close_scene(t);
		t->quit = false;
		t->playing = false;
		t->flash[0] = '\0';
	}
	tui_term_close(&term); /* the relay has passed on every byte */
	if (tui_rec_active(t)) {
		if (tui_rec_stop(t, NULL, 0)) {
			fprintf(stderr, "mapviz: recorded %s (play it: asciinema play %s)\n", tr.path,
			        tr.path);
		} else {
			fprintf(stderr, "mapviz: writing %s failed; it is cut short\n", tr.path);
			rc = 1;
		}
	} else if (tr.nstarted) {
		fprintf(stderr, "mapviz: the last recording is %s (play it: asciinema play %s)\n", tr.path,
		        tr.path);
	}
	if (tui_term_quit_requested())
		rc = 128 + tui_term_quit_requested(); /* as a shell reports a signal */
out:
	if (t->rec == &tr) {
		tui_rec_stop(t, NULL, 0);
		pthread_mutex_destroy(&tr.mu);
	}
	t->rec = NULL;
	tui_close_scene(t);
	tui_canvas_done(&t->cv);
	free(t);
	return rc;
}

/* ---- bench ---- */

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int write_scene(char *path, size_t len, const char *text)
{
	snprintf(path, len, "%s/mapviz-bench-XXXXXX.yaml", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	int fd = mkstemps(path, 5);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	bool ok = write(fd, text, n) == (ssize_t)n;
	close(fd);
	return ok ? 0 : -1;
}

int tui_bench(int argc, char **argv)
{
	int steps = 1000000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			puts("usage: mapviz bench tui [--steps N]\n"
			     "  redraw_ms  CPU ms of one step plus its redraw at 200x60 (canvas, diff, "
			     "curses on\n"
			     "             /dev/null), on a map of 256 buckets, median of 2000 steps\n"
			     "  back_ms    wall ms of one step back (<-) at step N of a long scene (default\n"
			     "             1000000), median of 50");
			return 0;
		} else if (!strcmp(argv[i], "--steps") && i + 1 < argc) {
			steps = atoi(argv[++i]);
			if (steps < 10) {
				fprintf(stderr, "mapviz bench tui: --steps wants at least 10\n");
				return 1;
			}
		} else {
			fprintf(stderr, "mapviz bench tui: unknown option '%s'\n", argv[i]);
			return 1;
		}
	}
	/* 1. redraw: two writers filling a map to 256 buckets (B=8), then
	 * stepping over it */
	static const char big[] =
	    "mapviz: 1\ntitle: \"bench: 256 buckets\"\nmap: {impl: rwmutex, key: int, hint: 1600, seed: 3}\n"
	    "workers:\n"
	    "  - name: writer-A\n    program:\n      - repeat: {times: 100000, var: i, do: [{store: {key: "
	    "\"$i\", value: \"$i\"}}]}\n"
	    "  - name: writer-B\n    program:\n      - repeat: {times: 100000, var: i, do: [{load: {key: "
	    "\"$i\"}}]}\n"
	    "schedule: {policy: roundrobin, granularity: step}\n";
	char path[4096], err[1024];
	if (write_scene(path, sizeof path, big) != 0) {
		fprintf(stderr, "mapviz bench tui: cannot write a scene in /tmp\n");
		return 1;
	}
	struct tui *t = mv_xcalloc(1, sizeof *t);
	tui_theme_default(&t->theme);
	t->speed = 2;
	t->search_hit = -1;
	tui_canvas_init(&t->cv, 200, 60, false);
	if (tui_open_scene(t, path, err, sizeof err) != 0) {
		fprintf(stderr, "mapviz bench tui: %s\n", err);
		unlink(path);
		free(t);
		return 1;
	}
	unlink(path);
	FILE *devnull = fopen("/dev/null", "w");
	struct tui_term term;
	if (!devnull || tui_term_open_virtual(&term, &t->theme, devnull, 60, 200) != 0) {
		fprintf(stderr, "mapviz bench tui: cannot start curses on /dev/null\n");
		return 1;
	}
	tl_seek(&t->tl, 20000); /* the map is large by now */
	uint64_t nb = tui_mapview_of(t)->panel_size(t);
	enum { N = 2000 };
	double *s = mv_xmalloc(N * sizeof *s);
	tui_render(t);
	tui_term_blit(&term, &t->cv);
	for (int i = 0; i < N; i++) {
		double c0 = cpu_ms();
		tl_forward_unit(&t->tl, false);
		tui_after_move(t);
		tui_render(t);
		tui_term_blit(&term, &t->cv);
		s[i] = cpu_ms() - c0;
	}
	qsort(s, N, sizeof *s, cmp_d);
	double redraw = s[N / 2], redraw_p99 = s[N * 99 / 100];
	tui_term_close_virtual(&term);
	fclose(devnull);
	tui_close_scene(t);

	/* 2. back: a scene of `steps` steps, then <- from its end */
	char scene2[1024];
	snprintf(
	    scene2, sizeof scene2,
	    "mapviz: 1\ntitle: \"bench: a long scene\"\nmap: {impl: mutex, key: int, seed: 5}\n"
	    "workers:\n"
	    "  - name: a\n    program:\n      - repeat: {times: %d, var: i, do: [{store: {key: \"$i\", "
	    "value: 1}}, {delete: {key: \"$i\"}}]}\n"
	    "  - name: b\n    program:\n      - repeat: {times: %d, var: i, do: [{load: {key: \"$i\"}}]}\n"
	    "schedule: {policy: random, seed: 1, granularity: step}\n",
	    steps, steps);
	if (write_scene(path, sizeof path, scene2) != 0 || tui_open_scene(t, path, err, sizeof err) != 0) {
		fprintf(stderr, "mapviz bench tui: %s\n", err);
		free(s);
		free(t);
		return 1;
	}
	unlink(path);
	double w0 = wall_ms();
	tl_seek(&t->tl, (uint64_t)steps);
	double fwd = wall_ms() - w0;
	uint64_t at = tl_step(&t->tl);
	enum { M = 50 };
	double b[M];
	for (int i = 0; i < M; i++) {
		double t0 = wall_ms();
		tl_back_unit(&t->tl);
		tui_render(t);
		b[i] = wall_ms() - t0;
	}
	qsort(b, M, sizeof *b, cmp_d);
	/* and the farthest jump back: to step 1 */
	double t0 = wall_ms();
	tl_seek(&t->tl, 1);
	double far = wall_ms() - t0;
	printf("redraw_ms %.3f\n", redraw);
	printf("redraw_p99_ms %.3f\n", redraw_p99);
	printf("redraw_buckets %" PRIu64 "\n", nb);
	printf("back_ms %.3f\n", b[M / 2]);
	printf("back_max_ms %.3f\n", b[M - 1]);
	printf("back_at_step %" PRIu64 "\n", at);
	printf("seek_to_1_ms %.3f\n", far);
	printf("forward_%" PRIu64 "_steps_ms %.1f\n", at, fwd);
	printf("checkpoints %u\n", t->tl.nck);
	printf("checkpoint_kib %" PRIu64 "\n", tl_memory(&t->tl) / 1024);
	bool met = redraw <= 2.0 && b[M - 1] <= 20.0;
	printf("target %s: redraw %.3f ms <= 2 ms, back (worst of %d) %.3f ms <= 20 ms\n",
	       met ? "met" : "MISSED", redraw, M, b[M - 1]);
	tui_close_scene(t);
	tui_canvas_done(&t->cv);
	free(s);
	free(t);
	return 0;
}
