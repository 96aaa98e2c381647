/*
 * export: `mapviz export` for pictures — open the scene headlessly, bring
 * it to the step (and through the keys), write the canvas; for a GIF play
 * the key script in virtual time, frame by frame.  See export.h.
 */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../scenes.h"
#include "tui_int.h"

/* Create path for writing: never replacing a file unless force.  -1 with
 * err set. */
static int create_out(const char *path, bool force, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			snprintf(err, errlen, "%s exists; not overwriting it (--force replaces it)", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
	}
	return fd;
}

/* The scene open in a headless TUI of w x h with the request's looks;
 * NULL with err set. */
static struct tui *open_headless(const struct tui_export_req *r, char *err, size_t errlen)
{
	struct tui *t = tui_headless(r->w, r->h, r->ascii);
	if (r->go) {
		t->has_go = mv_go_parse(r->go, &t->go);
	}
	if (r->theme) {
		if (tui_theme_load(&t->theme, r->theme, err, errlen) != 0)
			goto fail;
	} else if (tui_theme_load(&t->theme, "default", err, errlen) != 0) {
		tui_theme_default(&t->theme); /* no assets installed: the built-in one */
	}
	char path[4096], near[256];
	if (scenes_resolve(r->scene, path, sizeof path) != 0 && !strchr(r->scene, '/') &&
	    scenes_suggest(r->scene, near, sizeof near) == 0) {
		snprintf(err, errlen, "no scene named '%s'; did you mean '%s'? (mapviz list shows them all)",
		         r->scene, near);
		goto fail;
	}
	if (tui_open_scene(t, path, err, errlen) != 0)
		goto fail;
	if (r->has_step) {
		tl_seek(&t->tl, r->step);
		if (tl_step(&t->tl) < r->step) {
			char how[200];
			snprintf(err, errlen,
			         "--step %" PRIu64 ": %s ends at step %" PRIu64
			         " (%s); take a step from 0 to %" PRIu64,
			         r->step, r->scene, tl_step(&t->tl), tui_end_words(&t->tl.w, how, sizeof how),
			         tl_step(&t->tl));
			goto fail;
		}
	}
	return t;
fail:
	tui_headless_done(t);
	return NULL;
}

/* The picture's title: "SCENE — step N". */
static void pic_title(const struct tui *t, const struct tui_export_req *r, char *buf, size_t len)
{
	const char *base = strrchr(r->scene, '/');
	base = base ? base + 1 : r->scene;
	size_t n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".yaml") == 0)
		n -= 5;
	snprintf(buf, len, "%.*s — step %" PRIu64, (int)n, base, tl_step(&t->tl));
}

/* .svg .png .txt .ans: one screen. */
static int export_still(struct tui *t, const struct tui_export_req *r, bool mono, char *err, size_t errlen)
{
	if (tui_headless_screen(t, r->w, r->h, r->step, r->has_step, r->keys, err, errlen) != 0) {
		char msg[600];
		snprintf(msg, sizeof msg, "--keys: %s", err);
		snprintf(err, errlen, "%s", msg);
		return 1;
	}
	int fd = create_out(r->out, r->force, err, errlen);
	if (fd < 0)
		return 1;
	if (r->fmt == TUI_PIC_PNG) {
		close(fd);
		if (tui_export_png(&t->cv, &t->theme, mono, r->out, err, errlen) != 0) {
			unlink(r->out);
			return 1;
		}
		return 0;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", r->out, strerror(errno));
		close(fd);
		unlink(r->out);
		return 1;
	}
	bool ok = true;
	if (r->fmt == TUI_PIC_SVG) {
		char title[300];
		pic_title(t, r, title, sizeof title);
		ok = tui_export_svg(&t->cv, &t->theme, mono, title, f);
	} else if (r->fmt == TUI_PIC_TXT) {
		tui_canvas_dump(&t->cv, f);
	} else {
		tui_canvas_dump_ansi(&t->cv, &t->theme, f);
	}
	ok = !ferror(f) && ok;
	ok = fclose(f) == 0 && ok;
	if (!ok) {
		snprintf(err, errlen, "writing %s failed: %s", r->out, strerror(errno));
		unlink(r->out);
		return 1;
	}
	return 0;
}

static void gif_sink(void *ctx, const struct tui_canvas *cv, uint64_t ms)
{
	tui_gif_frame(ctx, cv, ms);
}

/* .gif: the key script, frame by frame. */
static int export_gif(struct tui *t, const struct tui_export_req *r, bool mono, int *frames, char *err,
                      size_t errlen)
{
	int fd = create_out(r->out, r->force, err, errlen);
	if (fd < 0)
		return 1;
	struct tui_gif *g =
	    tui_gif_create(fd, r->out, r->w, r->h, &t->theme, mono, r->loop, r->speed, err, errlen);
	if (!g) {
		unlink(r->out);
		return 1;
	}
	uint64_t end_ms;
	if (tui_script_frames(t, r->keys, r->w, r->h, gif_sink, g, &end_ms, err, errlen) != 0) {
		char msg[600];
		snprintf(msg, sizeof msg, "--keys: %s", err);
		snprintf(err, errlen, "%s", msg);
		tui_gif_abort(g);
		return 1;
	}
	return tui_gif_finish(g, end_ms, frames, err, errlen) == 0 ? 0 : 1;
}

int tui_export(const struct tui_export_req *r, char *err, size_t errlen)
{
	struct tui *t = open_headless(r, err, errlen);
	if (!t)
		return 1;
	bool mono = tui_no_color();
	int frames = 0;
	int rc = r->fmt == TUI_PIC_GIF ? export_gif(t, r, mono, &frames, err, errlen)
	                               : export_still(t, r, mono, err, errlen);
	if (rc == 0) {
		char abs[4096];
		const char *shown = realpath(r->out, abs) ? abs : r->out;
		struct stat st;
		long long size = stat(r->out, &st) == 0 ? (long long)st.st_size : 0;
		if (r->fmt == TUI_PIC_GIF)
			fprintf(stderr, "mapviz export: wrote %s (%d frames, %lld bytes)\n", shown, frames,
			        size);
		else
			fprintf(stderr, "mapviz export: wrote %s (step %" PRIu64 ", %lld bytes)\n", shown,
			        tl_step(&t->tl), size);
	}
	tui_headless_done(t);
	return rc;
}
