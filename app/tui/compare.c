/*
 * compare: `mapviz --compare SCENE` — the same scene on Go 1.19's bucket
 * map and on Go 1.26's Swiss tables, one column each, in lockstep.  One key
 * moves both sides by one unit of the scene's own granularity (a micro-step
 * of each runtime, or a whole map operation) under the scene's own
 * schedule, so a class sees the same keys land in buckets on one side and
 * in groups on the other, growth that is incremental on one side and all at
 * once on the other, and a scripted race abort on both with Go's message.
 * `mapviz record --compare SCENE -o F.cast --keys "..."` records it (virtual
 * screen and time, a marker when a side's run ends).
 *
 * Each side is a headless struct tui of its own (its timeline, views and
 * canvas); this file draws its parts (the engine's header and map panel, the
 * last events) into the side's canvas and lays the two canvases side by side.
 * Keys: space/→ one operation, ← back, Home, End, p play, +/- speed, q quit.
 */
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cast.h"
#include "../keyscript.h"
#include "../scenes.h"
#include "compare.h"
#include "term.h"
#include "tui_int.h"

#define COMPARE_MIN_W 80
#define COMPARE_MIN_H 20
#define COMPARE_END_OPS 1000000 /* End stops after this many operations */

struct compare {
	struct tui *side[2];
	struct tui_canvas cv; /* the whole screen */
	struct tui_theme theme;
	bool ascii, playing;
	int speed;
	uint64_t ops; /* moves made (the lockstep counter) */
	char path[4096];
};

static const enum mv_go side_go[2] = {MV_GO_1_19, MV_GO_1_26};

/* Open the scene on both sides; -1 with the message in err. */
static int open_sides(struct compare *cp, int w, int h, char *err, size_t len)
{
	for (int s = 0; s < 2; s++) {
		struct tui *t = tui_headless(w, h, cp->ascii);
		t->has_go = true;
		t->go = side_go[s];
		t->theme = cp->theme;
		if (tui_open_scene(t, cp->path, err, len) != 0) {
			tui_headless_done(t);
			return -1;
		}
		t->focus = TP_WORKERS;
		cp->side[s] = t;
	}
	return 0;
}

static bool ended(const struct tui *t)
{
	return mv_world_ended(&t->tl.w);
}

/* One operation forward on each side that has not ended; false if neither
 * moved. */
static bool forward(struct compare *cp)
{
	bool moved = false;
	for (int s = 0; s < 2; s++) {
		struct tui *t = cp->side[s];
		if (!ended(t) && tl_forward_unit(&t->tl, false)) {
			moved = true;
			tui_after_move(t);
		}
	}
	cp->ops += moved;
	return moved;
}

static void back(struct compare *cp)
{
	if (cp->ops == 0)
		return;
	/* both sides go back to the same operation count: replay from 0 */
	uint64_t target = cp->ops - 1;
	for (int s = 0; s < 2; s++) {
		tl_seek(&cp->side[s]->tl, 0);
		tui_after_move(cp->side[s]);
	}
	cp->ops = 0;
	while (cp->ops < target && forward(cp))
		;
}

static void home(struct compare *cp)
{
	for (int s = 0; s < 2; s++) {
		tl_seek(&cp->side[s]->tl, 0);
		tui_after_move(cp->side[s]);
	}
	cp->ops = 0;
}

static void end(struct compare *cp)
{
	for (uint64_t n = 0; n < COMPARE_END_OPS && forward(cp); n++)
		;
}

/* ---- drawing ---- */

static void draw_events(struct tui *t, struct tui_rect r)
{
	struct tui_canvas *c = &t->cv;
	const struct timeline *tl = &t->tl;
	uint64_t n = tl->log_end;
	int rows = r.h;
	uint64_t first = n - tl->log_start > (uint64_t)rows ? n - (uint64_t)rows : tl->log_start;
	int y = r.y;
	for (uint64_t i = first; i < n && y < r.y + r.h; i++) {
		const struct tl_entry *e = tl_log_at(tl, i);
		char text[512];
		tui_entry_text(t, e, text, sizeof text);
		enum tui_role role = e->kind == TL_EV && (e->ev.kind == MV_EV_FATAL || e->ev.kind == MV_EV_PANIC)
		                         ? TR_EVENT_BAD
		                          : TR_DIM;
		tui_puts(c, r.x, y++, r.x + r.w, text, role, 0);
	}
}

/* One side into its own canvas: the runtime's name and state, the
 * engine's header lines, its map panel, the last events. */
static void draw_side(struct tui *t, enum mv_go go)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = &t->tl.w;
	tui_canvas_clear(c, TR_NORMAL);
	bool sync = t->sc.spec.map.impl == MV_IMPL_SYNCMAP;
	int x = tui_printf(c, 1, 0, c->w, TR_TITLE, TUI_A_BOLD, "Go %s %s", mv_go_name(go),
	                   go == MV_GO_1_19 ? (sync ? "sync.Map read/dirty" : "buckets")
	                                    : (sync ? "sync.Map hash trie" : "Swiss tables"));
	if (mv_world_ended(w)) {
		if (w->end == MV_END_OK)
			tui_printf(c, x + 2, 0, c->w, TR_DONE, 0, "%s ended", tui_glyph(t, TR_DONE));
		else
			tui_printf(c, x + 2, 0, c->w, TR_FATAL, TUI_A_BOLD, "%s %s%s", tui_glyph(t, TR_FATAL),
			           w->end == MV_END_PANIC ? "panic: " : "", w->message ? w->message : "");
	} else {
		tui_printf(c, x + 2, 0, c->w, TR_LABEL, 0, "step %" PRIu64, w->step);
	}
	const struct tui_mapview *mv = tui_mapview_of(t);
	int ev_h = c->h >= 30 ? 6 : 4;
	if (mv) {
		mv->draw_header(t, 1);
		struct tui_rect box = {0, 3, c->w, c->h - 3 - ev_h - 2};
		struct tui_rect in = tui_box(c, box, mv->view->name, TR_BORDER);
		struct tui_view *v = &t->views[TP_MAP];
		v->r = in;
		mv->view->draw(t, v, in);
	} else {
		tui_puts(c, 1, 1, c->w, "a sync.Map: --compare shows the built-in map only", TR_DIM, 0);
	}
	struct tui_rect eb = {0, c->h - ev_h - 2, c->w, ev_h + 2};
	draw_events(t, tui_box(c, eb, "events", TR_BORDER));
}

static void blit(struct tui_canvas *dst, const struct tui_canvas *src, int x0, int y0)
{
	for (int y = 0; y < src->h && y0 + y < dst->h; y++)
		for (int x = 0; x < src->w && x0 + x < dst->w; x++)
			*tui_cell_at(dst, x0 + x, y0 + y) = src->cells[(long)y * src->w + x];
}

static void render(struct compare *cp)
{
	struct tui_canvas *c = &cp->cv;
	tui_canvas_clear(c, TR_NORMAL);
	const struct tui *a = cp->side[0];
	if (c->w < COMPARE_MIN_W || c->h < COMPARE_MIN_H) {
		tui_printf(c, 0, 0, c->w, TR_LABEL, 0, "--compare needs %dx%d; this terminal is %dx%d", COMPARE_MIN_W,
		           COMPARE_MIN_H, c->w, c->h);
		return;
	}
	tui_fill(c, (struct tui_rect){0, 0, c->w, 1}, ' ', TR_TITLE, TUI_A_REVERSE);
	char right[64];
	snprintf(right, sizeof right, "%s %" PRIu64 "%s",
	         a->sc.spec.sched.granularity == MV_GRAN_OP ? "operation" : "step", cp->ops,
	         cp->playing ? "  playing" : "");
	int rw = tui_text_width(right) + 1;
	tui_printf(c, 1, 0, c->w - rw - 1, TR_TITLE, TUI_A_REVERSE, "mapviz --compare · %s · \"%s\"", a->sc.name,
	           a->sc.title);
	tui_puts(c, c->w - rw, 0, c->w, right, TR_TITLE, TUI_A_REVERSE | TUI_A_BOLD);
	int half = (c->w - 1) / 2;
	for (int s = 0; s < 2; s++) {
		struct tui *t = cp->side[s];
		int sw = s == 0 ? half : c->w - half - 1;
		if (t->cv.w != sw || t->cv.h != c->h - 2)
			tui_canvas_resize(&t->cv, sw, c->h - 2);
		draw_side(t, side_go[s]);
		blit(c, &t->cv, s == 0 ? 0 : half + 1, 1);
	}
	for (int y = 1; y < c->h - 1; y++)
		tui_putc(c, half, y, c->w, cp->ascii ? '|' : 0x2502, TR_BORDER, 0);
	tui_puts(c, 1, c->h - 1, c->w,
	         a->sc.spec.sched.granularity == MV_GRAN_OP
	             ? "space/→ one operation on both  ← back  Home  End  p play  +/- speed  q quit"
	             : "space/→ one step on both  ← back  Home  End  p play  +/- speed  q quit",
	         TR_KEYHINT, 0);
}

/* ---- keys ---- */

static const int speeds[] = {1, 2, 4, 8, 16, 64};

/* One key; false to quit. */
static bool on_key(struct compare *cp, int k)
{
	switch (k) {
	case 'q':
	case TK_ESC: return false;
	case ' ':
	case 'l':
	case TK_RIGHT: cp->playing = false; forward(cp); break;
	case 'h':
	case TK_LEFT: cp->playing = false; back(cp); break;
	case TK_HOME: cp->playing = false; home(cp); break;
	case TK_END: cp->playing = false; end(cp); break;
	case 'p': cp->playing = !cp->playing; break;
	case '+': cp->speed += cp->speed + 1 < (int)(sizeof speeds / sizeof speeds[0]); break;
	case '-': cp->speed -= cp->speed > 0; break;
	default: break;
	}
	return true;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int run_interactive(struct compare *cp)
{
	const char *why = tui_term_unusable();
	if (why) {
		fprintf(stderr, "mapviz --compare: %s, so the TUI cannot start; try --dump\n", why);
		return 1;
	}
	tui_term_signals();
	struct tui_term term;
	const char *nc = getenv("NO_COLOR");
	if (tui_term_open(&term, &cp->theme, nc && *nc, NULL) != 0)
		return 1;
	int rows, cols;
	tui_term_size(&rows, &cols);
	tui_canvas_resize(&cp->cv, cols, rows);
	uint64_t next = now_ms();
	bool dirty = true;
	while (!tui_term_quit_requested()) {
		if (tui_term_resized()) {
			tui_term_size(&rows, &cols);
			tui_term_resize(&term, rows, cols);
			tui_canvas_resize(&cp->cv, cols, rows);
			dirty = true;
		}
		if (cp->playing && now_ms() >= next) {
			if (!forward(cp))
				cp->playing = false;
			next = now_ms() + 1000 / (uint64_t)speeds[cp->speed];
			dirty = true;
		}
		if (dirty) {
			render(cp);
			tui_term_blit(&term, &cp->cv);
			dirty = false;
		}
		int timeout = cp->playing ? (int)(next > now_ms() ? next - now_ms() : 0) : -1;
		int k = tui_term_key(&term, timeout);
		if (k == TK_NONE)
			continue;
		if (!on_key(cp, k))
			break;
		dirty = true;
	}
	tui_term_close(&term);
	return tui_term_quit_requested() ? 128 + tui_term_quit_requested() : 0;
}

static int dump(struct compare *cp, int w, int h, const char *keys)
{
	tui_canvas_resize(&cp->cv, w, h);
	if (keys) {
		struct keyscript ks;
		char err[300];
		if (keyscript_parse(keys, &ks, err, sizeof err) != 0) {
			fprintf(stderr, "mapviz --compare --keys: %s\n", err);
			return 1;
		}
		bool go_on = true;
		for (size_t i = 0; i < ks.n && go_on; i++)
			for (uint32_t r = 0; ks.items[i].kind == KS_KEY && r < ks.items[i].repeat && go_on; r++)
				go_on = on_key(cp, ks.items[i].key);
		keyscript_free(&ks);
	}
	render(cp);
	tui_canvas_dump(&cp->cv, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- `mapviz record --compare`: a scripted recording of both sides ---- */

/* The bytes curses wrote to out since *off, to the cast. */
static void drain(FILE *out, off_t *off, struct cast *c)
{
	fflush(out);
	char buf[16384];
	ssize_t n;
	while ((n = pread(fileno(out), buf, sizeof buf, *off)) > 0) {
		cast_output(c, buf, (size_t)n);
		*off += n;
	}
}

/* A marker for each side whose run ended since the last frame. */
static void end_markers(struct compare *cp, struct cast *c, bool *marked)
{
	for (int s = 0; s < 2; s++) {
		const struct mv_world *w = &cp->side[s]->tl.w;
		if (!mv_world_ended(w) || marked[s])
			continue;
		char label[256];
		snprintf(label, sizeof label, "Go %s: %s%s%s", mv_go_name(side_go[s]), mv_end_name(w->end),
		         w->message ? ": " : "", w->message ? w->message : "");
		cast_marker(c, label);
		marked[s] = true;
	}
}

/* No terminal and virtual time, as mapviz record --keys: every key (and
 * delay:S between keys, 0.5 s by default) is one frame of the cast. */
static int record(struct compare *cp, const char *path, bool force, const char *keys, int w, int h)
{
	struct keyscript ks;
	char err[512];
	if (keyscript_parse(keys, &ks, err, sizeof err) != 0) {
		fprintf(stderr, "mapviz record --compare --keys: %s\n", err);
		return 1;
	}
	struct cast_header hd = {
	    .width = w,
	    .height = h,
	    .title = cp->side[0]->sc.title,
	    .term = tui_term_virtual_name(),
	    .shell = "/bin/sh",
	};
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		hd.has_timestamp = true;
		hd.timestamp = strtoll(sde, NULL, 10);
	}
	struct cast c = {0};
	if (cast_open(&c, path, force, &hd, true, err, sizeof err) != 0) {
		fprintf(stderr, "mapviz record --compare: %s\n", err);
		keyscript_free(&ks);
		return 1;
	}
	FILE *out = tmpfile();
	struct tui_term term;
	if (!out || tui_term_open_recorded(&term, &cp->theme, tui_no_color(), out, h, w) != 0) {
		fprintf(stderr, "mapviz record --compare: cannot start curses on a virtual screen\n");
		if (out)
			fclose(out);
		cast_close(&c);
		keyscript_free(&ks);
		return 1;
	}
	tui_canvas_resize(&cp->cv, w, h);
	off_t off = 0;
	double now = 0, delay = 0.5;
	bool marked[2] = {false, false};
	render(cp);
	tui_term_blit(&term, &cp->cv);
	drain(out, &off, &c);
	bool go_on = true;
	for (size_t i = 0; i < ks.n && go_on; i++) {
		const struct ks_item *it = &ks.items[i];
		if (it->kind == KS_DELAY) {
			delay = (double)it->ms / 1000;
			continue;
		}
		if (it->kind == KS_WAIT) {
			now += (double)it->ms / 1000;
			continue;
		}
		for (uint32_t r = 0; r < it->repeat && go_on; r++) {
			now += delay;
			cast_set_time(&c, now);
			go_on = on_key(cp, it->key);
			if (!go_on)
				break;
			render(cp);
			tui_term_blit(&term, &cp->cv);
			drain(out, &off, &c);
			end_markers(cp, &c, marked);
		}
	}
	tui_term_close_virtual(&term);
	drain(out, &off, &c);
	fclose(out);
	keyscript_free(&ks);
	int rc = cast_close(&c) == 0 ? 0 : 1;
	if (rc == 0)
		fprintf(stderr, "mapviz: recorded %s (play it: asciinema play %s)\n", path, path);
	return rc;
}

static int usage(const char *msg, const char *arg)
{
	fprintf(stderr, "mapviz --compare: %s%s%s", msg, arg ? " " : "", arg ? arg : "");
	fprintf(stderr, "\nusage: mapviz --compare SCENE [--ascii] [--dump [--size WxH] [--keys \"...\"]]\n"
	                "       mapviz record --compare SCENE -o F.cast --keys \"...\" [--size WxH] [--force]\n");
	return 1;
}

int tui_compare_main(int argc, char **argv)
{
	const char *scene = NULL, *keys = NULL, *out_path = NULL;
	bool dump_it = false, ascii = false, force = false;
	int w = 120, h = 30;
	/* `mapviz record --compare SCENE -o F.cast --keys "..."` comes here too */
	bool recording = argc > 1 && strcmp(argv[1], "record") == 0;
	for (int i = recording ? 2 : 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--compare") == 0) {
			continue;
		} else if (recording && (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)) {
			if (!v)
				return usage("-o needs a file name", NULL);
			out_path = v;
			i++;
		} else if (recording && strcmp(a, "--force") == 0) {
			force = true;
		} else if (strcmp(a, "--dump") == 0) {
			dump_it = true;
		} else if (strcmp(a, "--ascii") == 0) {
			ascii = true;
		} else if (strcmp(a, "--size") == 0) {
			if (!v || sscanf(v, "%dx%d", &w, &h) != 2 || w < 1 || h < 1 || w > 1000 || h > 1000)
				return usage("--size takes WxH, like 120x30; found", v ? v : "nothing");
			i++;
		} else if (strcmp(a, "--keys") == 0) {
			if (!v)
				return usage("--keys needs a key script", NULL);
			keys = v;
			i++;
		} else if (a[0] == '-') {
			return usage("unknown option", a);
		} else if (!scene) {
			scene = a;
		} else {
			return usage("one scene at a time; found a second:", a);
		}
	}
	if (!scene)
		return usage("which scene? e.g. mapviz --compare concurrent-writes", NULL);
	if (recording && (!out_path || !keys))
		return usage("record --compare needs -o FILE.cast and --keys \"...\" (a scripted recording)", NULL);
	struct compare *cp = calloc(1, sizeof *cp);
	if (!cp)
		return 1;
	setlocale(LC_ALL, "");
	const char *cs = nl_langinfo(CODESET);
	cp->ascii = ascii || !cs || (strcmp(cs, "UTF-8") != 0 && strcmp(cs, "utf8") != 0);
	cp->speed = 1;
	tui_theme_default(&cp->theme);
	char err[1024];
	if (tui_theme_load(&cp->theme, "default", err, sizeof err) != 0)
		tui_theme_default(&cp->theme);
	scenes_resolve(scene, cp->path, sizeof cp->path);
	tui_canvas_init(&cp->cv, w, h, cp->ascii);
	int rc;
	if (open_sides(cp, w / 2, h - 2, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		rc = 1;
	} else {
		rc = recording ? record(cp, out_path, force, keys, w, h)
		     : dump_it ? dump(cp, w, h, keys)
		               : run_interactive(cp);
	}
	for (int s = 0; s < 2; s++)
		if (cp->side[s])
			tui_headless_done(cp->side[s]);
	tui_canvas_done(&cp->cv);
	free(cp);
	return rc;
}
