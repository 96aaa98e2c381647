/*
 * rec: the TUI's side of recording (see tui_int.h): the tap between the
 * terminal's relay thread and the cast in progress, r's start and stop,
 * the chapter markers, and e's frame export.  The cast itself (asciicast
 * v2) is app/cast.c's.  No curses here.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/alloc.h"
#include "../cast.h"
#include "term.h"
#include "tui_int.h"

/* The relay thread: every byte to the caller's tap and the cast. */
static void tap_write(void *ctx, const char *buf, size_t n)
{
	struct tui_rec *r = ctx;
	if (r->ext && r->ext->write)
		r->ext->write(r->ext->ctx, buf, n);
	pthread_mutex_lock(&r->mu);
	if (r->cast)
		cast_output(r->cast, buf, n);
	pthread_mutex_unlock(&r->mu);
}

void tui_rec_init(struct tui_rec *r, const struct tui_output_tap *ext)
{
	memset(r, 0, sizeof *r);
	pthread_mutex_init(&r->mu, NULL);
	r->ext = ext;
	r->tap.write = tap_write;
	r->tap.ctx = r;
	r->caption = -1;
}

bool tui_rec_active(const struct tui *t)
{
	return t->rec && t->rec->cast;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 || errno != ENOENT;
}

/* The next recording's file: -o FILE first, then FILE-2.cast, FILE-3.cast
 * ...; without -o, SCENE-1.cast, SCENE-2.cast ... in the current
 * directory; the first that does not exist. */
static void next_path(struct tui *t, char *buf, size_t len)
{
	struct tui_rec *r = t->rec;
	if (r->base[0] && r->nstarted == 0) {
		snprintf(buf, len, "%s", r->base);
		return;
	}
	char stem[4096];
	if (r->base[0]) {
		snprintf(stem, sizeof stem, "%s", r->base);
		size_t l = strlen(stem);
		if (l > 5 && strcmp(stem + l - 5, ".cast") == 0)
			stem[l - 5] = '\0';
	} else {
		const char *base = strrchr(t->scene_path, '/');
		snprintf(stem, sizeof stem, "%s", base ? base + 1 : t->scene_path);
		size_t l = strlen(stem);
		if (l > 5 && strcmp(stem + l - 5, ".yaml") == 0)
			stem[l - 5] = '\0';
	}
	for (int i = r->base[0] ? 2 : 1; i < 100000; i++) {
		snprintf(buf, len, "%.4000s-%d.cast", stem, i);
		if (!exists(buf))
			return;
	}
}

int tui_rec_start(struct tui *t, const char *path, int w, int h, bool virt, const char *prefix,
                  size_t nprefix, char *err, size_t errlen)
{
	struct tui_rec *r = t->rec;
	if (!r) {
		snprintf(err, errlen, "recording needs the terminal: mapviz record SCENE -o FILE.cast");
		return -1;
	}
	char p[4096];
	if (path)
		snprintf(p, sizeof p, "%s", path);
	else
		next_path(t, p, sizeof p);
	struct cast_header hd = {
	    .width = w,
	    .height = h,
	    .idle_limit = r->idle_limit,
	    .title = r->title        ? r->title
	             : t->have_scene ? t->sc.title
	                             : NULL,
	    .shell = getenv("SHELL") ? getenv("SHELL") : "/bin/sh",
	};
	if (virt) {
		/* reproducible: a timestamp only when asked for one */
		const char *sde = getenv("SOURCE_DATE_EPOCH");
		if (sde && *sde) {
			hd.has_timestamp = true;
			hd.timestamp = strtoll(sde, NULL, 10);
		}
	} else {
		hd.has_timestamp = true;
		hd.timestamp = (int64_t)time(NULL);
	}
	hd.term = getenv("TERM") ? getenv("TERM") : "";
	if (virt)
		hd.term = tui_term_virtual_name();
	struct cast *c = mv_xcalloc(1, sizeof *c);
	if (cast_open(c, p, r->force && r->nstarted == 0, &hd, virt, err, errlen) != 0) {
		free(c);
		return -1;
	}
	if (nprefix)
		cast_output(c, prefix, nprefix);
	snprintf(r->path, sizeof r->path, "%s", p);
	r->nstarted++;
	/* the markers start afresh: what is on screen now is a chapter */
	r->caption = -1;
	r->ended_bad = false;
	r->bp_step = 0;
	pthread_mutex_lock(&r->mu);
	r->cast = c;
	pthread_mutex_unlock(&r->mu);
	t->recording = true;
	return 0;
}

bool tui_rec_stop(struct tui *t, const char *suffix, size_t nsuffix)
{
	struct tui_rec *r = t->rec;
	if (!r || !r->cast)
		return true;
	pthread_mutex_lock(&r->mu);
	struct cast *c = r->cast;
	r->cast = NULL;
	pthread_mutex_unlock(&r->mu);
	if (nsuffix)
		cast_output(c, suffix, nsuffix);
	bool ok = cast_close(c) == 0;
	free(c);
	t->recording = r->ext != NULL;
	return ok;
}

static void vmarker(struct tui *t, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void vmarker(struct tui *t, const char *fmt, va_list ap)
{
	struct tui_rec *r = t->rec;
	if (!r || (!r->cast && !r->text))
		return;
	char label[200];
	vsnprintf(label, sizeof label, fmt, ap);
	/* one line: a caption's line breaks become spaces */
	for (char *p = label; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	if (r->cast)
		cast_marker(r->cast, label);
	if (r->text)
		fprintf(r->text, "» %s\n", label);
}

void tui_rec_marker(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmarker(t, fmt, ap);
	va_end(ap);
}

void tui_rec_check(struct tui *t)
{
	struct tui_rec *r = t->rec;
	if (!r || (!r->cast && !r->text) || !t->have_scene)
		return;
	const struct tl_marks *m = &t->tl.m;
	const struct mv_world *w = &t->tl.w;
	/* a caption is a chapter once each time it fires: compare with the
	 * last one written, not with what is on screen (it comes and goes) */
	if (m->caption >= 0 && (uint32_t)m->caption < t->sc.nnotes &&
	    (m->caption != r->caption || m->caption_step != r->caption_step)) {
		tui_rec_marker(t, "caption: %s", t->sc.notes[m->caption].say);
		r->caption = m->caption;
		r->caption_step = m->caption_step;
	}
	if (t->tl.hit_breakpoint && t->tl.hit_bp_event >= 0 && r->bp_step != w->step + 1) {
		tui_rec_marker(t, "breakpoint: %s", mv_event_name((enum mv_event_kind)t->tl.hit_bp_event));
		r->bp_step = w->step + 1;
	}
	bool bad = w->end == MV_END_FATAL || w->end == MV_END_PANIC || w->end == MV_END_DEADLOCK;
	if (bad && !r->ended_bad)
		tui_rec_marker(t, "%s: %s", mv_end_name(w->end), w->message ? w->message : "");
	r->ended_bad = bad;
}

void tui_rec_resize(struct tui *t, int w, int h)
{
	if (tui_rec_active(t))
		cast_resize(t->rec->cast, w, h);
}

void tui_rec_time(struct tui *t, uint64_t ms)
{
	if (tui_rec_active(t))
		cast_set_time(t->rec->cast, (double)ms / 1000.0);
}

/* ---- e: export the frame ---- */

static void sgr_color(FILE *f, int c, bool bg)
{
	if (c < 0)
		fprintf(f, ";%d", bg ? 49 : 39);
	else if (c < 8)
		fprintf(f, ";%d", (bg ? 40 : 30) + c);
	else if (c < 16)
		fprintf(f, ";%d", (bg ? 100 : 90) + c - 8);
	else
		fprintf(f, ";%d;5;%d", bg ? 48 : 38, c);
}

static void put_utf8(FILE *f, uint32_t ch)
{
	char b[4];
	int n;
	if (ch < 0x80) {
		b[0] = (char)ch;
		n = 1;
	} else if (ch < 0x800) {
		b[0] = (char)(0xc0 | ch >> 6);
		b[1] = (char)(0x80 | (ch & 0x3f));
		n = 2;
	} else if (ch < 0x10000) {
		b[0] = (char)(0xe0 | ch >> 12);
		b[1] = (char)(0x80 | (ch >> 6 & 0x3f));
		b[2] = (char)(0x80 | (ch & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | ch >> 18);
		b[1] = (char)(0x80 | (ch >> 12 & 0x3f));
		b[2] = (char)(0x80 | (ch >> 6 & 0x3f));
		b[3] = (char)(0x80 | (ch & 0x3f));
		n = 4;
	}
	fwrite(b, 1, (size_t)n, f);
}

void tui_canvas_dump_ansi(const struct tui_canvas *c, const struct tui_theme *th, FILE *f)
{
	for (int y = 0; y < c->h; y++) {
		int last = -1; /* the last cell that is not a plain blank */
		for (int x = 0; x < c->w; x++) {
			const struct tui_cell *cell = &c->cells[(long)y * c->w + x];
			const struct tui_style *st = &th->role[cell->role < TR__COUNT ? cell->role : 0];
			unsigned a = st->attr | cell->attr;
			if (cell->ch != ' ' || a & (TUI_A_REVERSE | TUI_A_UNDERLINE) || st->bg >= 0)
				last = x;
		}
		int cur_role = -1, cur_attr = -1;
		for (int x = 0; x <= last; x++) {
			const struct tui_cell *cell = &c->cells[(long)y * c->w + x];
			if (cell->role != cur_role || cell->attr != cur_attr) {
				const struct tui_style *st =
				    &th->role[cell->role < TR__COUNT ? cell->role : 0];
				unsigned a = st->attr | cell->attr;
				fputs("\033[0", f);
				if (a & TUI_A_BOLD)
					fputs(";1", f);
				if (a & TUI_A_DIM)
					fputs(";2", f);
				if (a & TUI_A_UNDERLINE)
					fputs(";4", f);
				if (a & TUI_A_REVERSE)
					fputs(";7", f);
				sgr_color(f, st->fg, false);
				sgr_color(f, st->bg, true);
				fputc('m', f);
				cur_role = cell->role;
				cur_attr = cell->attr;
			}
			put_utf8(f, cell->ch);
		}
		fputs(last >= 0 ? "\033[0m\n" : "\n", f);
	}
}

/* Create path (never replacing a file). */
static FILE *create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

int tui_export_frame(struct tui *t, char *msg, size_t len)
{
	char stem[4096], txt[4200], ans[4200];
	const char *base = strrchr(t->scene_path, '/');
	snprintf(stem, sizeof stem, "%s", t->have_scene ? (base ? base + 1 : t->scene_path) : "mapviz");
	size_t l = strlen(stem);
	if (l > 5 && strcmp(stem + l - 5, ".yaml") == 0)
		stem[l - 5] = '\0';
	uint64_t step = t->have_scene ? tl_step(&t->tl) : 0;
	for (int i = 1; i < 1000; i++) {
		if (i == 1) {
			snprintf(txt, sizeof txt, "%.4000s-step%" PRIu64 ".txt", stem, step);
			snprintf(ans, sizeof ans, "%.4000s-step%" PRIu64 ".ans", stem, step);
		} else {
			snprintf(txt, sizeof txt, "%.4000s-step%" PRIu64 "-%d.txt", stem, step, i);
			snprintf(ans, sizeof ans, "%.4000s-step%" PRIu64 "-%d.ans", stem, step, i);
		}
		if (!exists(txt) && !exists(ans))
			break;
	}
	FILE *ft = create(txt);
	FILE *fa = ft ? create(ans) : NULL;
	if (!ft || !fa) {
		snprintf(msg, len, "cannot export the screen: %s: %s", ft ? ans : txt, strerror(errno));
		if (ft) {
			fclose(ft);
			unlink(txt);
		}
		return -1;
	}
	tui_canvas_dump(&t->cv, ft);
	tui_canvas_dump_ansi(&t->cv, &t->theme, fa);
	bool ok = fclose(ft) == 0;
	ok = (fclose(fa) == 0) && ok;
	if (!ok) {
		snprintf(msg, len, "cannot export the screen: %s", strerror(errno));
		return -1;
	}
	snprintf(msg, len, "the screen is in %s (text) and %s (colors: cat it)", txt, ans);
	return 0;
}
