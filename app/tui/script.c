/*
 * script: `mapviz record --keys`, a scripted recording — no terminal and
 * virtual time: curses writes into a temporary file whose bytes feed the
 * cast (or a plain-text transcript gets each frame, or `mapviz export` a
 * GIF frame by frame: tui_script_frames), key by key, with the
 * script's waits setting the clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../keyscript.h"
#include "term.h"
#include "tui_int.h"

struct script_run {
	struct tui *t;
	struct tui_loop lp;
	struct tui_term term;
	FILE *out;  /* what curses wrote (a temporary file), NULL: a transcript */
	off_t off;  /* how much of it the cast has */
	FILE *text; /* the transcript, NULL: a cast */
	uint64_t delay_ms;
	/* export: each frame to sink (no cast, no transcript) */
	void (*sink)(void *ctx, const struct tui_canvas *cv, uint64_t ms);
	void *sink_ctx;
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
	if (sr->sink)
		sr->sink(sr->sink_ctx, &t->cv, t->now_ms);
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
			tui_play_tick(t);
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
	tui_handle_key(t, &sr->lp, k);
	while (sr->lp.run != TUI_RUN_NONE)
		tui_run_chunk(t, &sr->lp, 1000);
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

/* The key script's keys and waits, and the last screen's moment. */
static void script_play(struct script_run *sr, const struct keyscript *ks)
{
	struct tui *t = sr->t;
	for (size_t i = 0; i < ks->n && !t->quit; i++) {
		const struct ks_item *it = &ks->items[i];
		switch (it->kind) {
		case KS_DELAY: sr->delay_ms = it->ms; break;
		case KS_WAIT:
			script_advance(sr, t->now_ms + it->ms);
			if (sr->text) {
				char w[40];
				snprintf(w, sizeof w, "wait:%" PRIu64 ".%03" PRIu64, it->ms / 1000,
				         it->ms % 1000);
				script_text_frame(sr, w);
			}
			break;
		case KS_KEY:
			for (uint32_t r = 0; r < it->repeat && !t->quit; r++) {
				script_advance(sr, t->now_ms + sr->delay_ms);
				script_key(sr, it->key, it->word);
			}
			break;
		}
	}
	if (!t->quit) /* the last screen stays a moment */
		script_advance(sr, t->now_ms + sr->delay_ms);
}

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

int tui_record_script(struct tui *t, const struct tui_record *rec)
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
	sr.lp = (struct tui_loop){TUI_RUN_NONE, 0, 0, false, NULL, true};
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
		/* no person is at the keys: ● REC would only be noise in the film */
		t->recording = false;
		if (tui_term_open_recorded(&sr.term, &t->theme, tui_no_color(), sr.out, rec->h, rec->w) !=
		    0) {
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
	script_play(&sr, &ks);
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

int tui_script_frames(struct tui *t, const char *script, int w, int h,
                      void (*frame)(void *ctx, const struct tui_canvas *cv, uint64_t ms), void *ctx,
                      uint64_t *end_ms, char *err, size_t errlen)
{
	struct keyscript ks;
	if (keyscript_parse(script, &ks, err, errlen) != 0)
		return 1;
	struct script_run sr = {.t = t, .delay_ms = KS_DEFAULT_DELAY_MS, .sink = frame, .sink_ctx = ctx};
	sr.lp = (struct tui_loop){TUI_RUN_NONE, 0, 0, false, NULL, true};
	struct tui_rec *rec = t->rec;
	t->rec = NULL; /* no cast, no markers */
	tui_canvas_resize(&t->cv, w, h);
	t->now_ms = 0;
	t->next_tick_ms = 0;
	script_frame(&sr);
	script_play(&sr, &ks);
	*end_ms = t->now_ms;
	t->rec = rec;
	keyscript_free(&ks);
	return 0;
}
