/*
 * export_html: `mapviz export SCENE -o F.html` and `mapviz export --lesson
 * A B ... -o course.html` (see export_html.h).  Each scene is recorded as
 * `mapviz record --keys` records it (tui_main_record, virtual time, into a
 * temporary directory), the cast is read back for its chapter markers, and
 * one page is written: the scene's title, summary and Go runtime, the
 * asciinema web player with the cast inlined, and the markers as a list.
 * The player's and the page's script and style are linked into the binary
 * (export_html_assets.h), so the page needs no network.  The page's text
 * is written by export_html_page.c.
 */
#include "export_html.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/alloc.h"
#include "engine/explore/explore.h"
#include "engine/world/world.h"
#include "export_html_int.h"
#include "keyscript.h"
#include "scenes.h"
#include "tui/tui.h"

/* The default session: one runtime step a key (o first where space runs
 * whole operations) at the TUI's own playing pace (4 steps a second) to
 * the end; a scene longer than HTML_DEFAULT_MAX_STEPS plays
 * that many and then End runs it to its end.  Play (p) would stop at every
 * breakpoint; this does not. */
#define HTML_DEFAULT_DELAY "0.25"
#define HTML_DEFAULT_MAX_STEPS 400u

/* How many micro-steps the scene takes to end on its own schedule (as
 * `mapviz check` runs it); 0 when it cannot run. */
static uint64_t scene_steps(const struct scene *sc)
{
	struct mv_world w;
	if (mv_world_init(&w, &sc->spec) != MV_OK) {
		mv_world_done(&w);
		return 0;
	}
	while (!mv_world_ended(&w) && w.step < SCENE_MAX_STEPS) {
		int32_t i = mv_world_pick(&w);
		if (i < 0)
			break;
		mv_world_step(&w, (uint32_t)i);
	}
	uint64_t n = w.step;
	mv_world_done(&w);
	return n;
}

void html_default_keys(uint64_t steps, bool op_unit, char *buf, size_t len)
{
	const char *o = op_unit ? "o " : "";
	if (steps == 0)
		snprintf(buf, len, "wait:2");
	else if (steps <= HTML_DEFAULT_MAX_STEPS)
		snprintf(buf, len, "%sdelay:%s space*%llu wait:2", o, HTML_DEFAULT_DELAY,
		         (unsigned long long)steps);
	else
		snprintf(buf, len, "%sdelay:%s space*%u end wait:2", o, HTML_DEFAULT_DELAY,
		         HTML_DEFAULT_MAX_STEPS);
}

bool html_challenge_keys(const uint32_t *wit, uint32_t n, bool op_unit, char *buf, size_t len)
{
	int o = snprintf(buf, len, "%sdelay:%s", op_unit ? "o " : "", HTML_DEFAULT_DELAY);
	for (uint32_t i = 0; i < n; i++) {
		if (wit[i] > 8 || o < 0 || (size_t)o + 3 >= len)
			return false;
		buf[o++] = ' ';
		buf[o++] = (char)('1' + wit[i]);
		buf[o] = '\0';
	}
	return snprintf(buf + o, len - (size_t)o, " wait:3") < (int)(len - (size_t)o);
}

/* A challenge's shortest win from step 0, as keys; false if none is found
 * within its limit (the search's budget: a few seconds). */
static bool challenge_keys(const struct scene *sc, char *buf, size_t len)
{
	const struct scene_challenge *ch = &sc->challenge;
	struct mv_world w;
	if (mv_world_init(&w, &sc->spec) != MV_OK) {
		mv_world_done(&w);
		return false;
	}
	struct mv_explore_opts o = {.mode = MV_EXPLORE_REDUCED, .budget_ms = 5000, .max_depth = ch->within};
	struct mv_explore_result r;
	bool ok = false;
	if (mv_explore(&w, &o, &r) == MV_OK) {
		const struct mv_explore_class *best = NULL;
		for (uint32_t i = 0; i < r.nclasses; i++) {
			const struct mv_explore_class *c = &r.classes[i];
			if ((int)c->outcome != ch->goal || (ch->message && (!c->message || strcmp(c->message, ch->message))))
				continue;
			if (!best || c->nshortest < best->nshortest)
				best = c;
		}
		ok = best && html_challenge_keys(best->shortest, best->nshortest,
		                                 sc->spec.sched.granularity == MV_GRAN_OP, buf, len);
		mv_explore_result_free(&r);
	}
	mv_world_done(&w);
	return ok;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = mv_xmalloc(cap);
	for (;;) {
		size_t k = fread(buf + n, 1, cap - n - 1, f);
		n += k;
		if (n + 1 < cap)
			break;
		cap *= 2;
		buf = mv_xrealloc(buf, cap);
	}
	bool bad = ferror(f) != 0;
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Record scene path into dir/N.cast with the request's keys, size, theme,
 * looks and Go release; the cast's text in pg->cast. */
static int record_scene(const struct export_html_req *r, struct html_scene *pg, const char *dir, size_t idx,
                        char *err, size_t errlen)
{
	char cast[4200];
	snprintf(cast, sizeof cast, "%s/%zu.cast", dir, idx);
	char prog[] = "mapviz", o_go[] = "--go", o_theme[] = "--theme", o_ascii[] = "--ascii";
	char go[8], theme[4096];
	snprintf(go, sizeof go, "%s", mv_go_name(pg->sc.spec.map.go));
	char *argv[8];
	int argc = 0;
	argv[argc++] = prog;
	argv[argc++] = pg->path;
	argv[argc++] = o_go;
	argv[argc++] = go;
	if (r->theme) {
		snprintf(theme, sizeof theme, "%s", r->theme);
		argv[argc++] = o_theme;
		argv[argc++] = theme;
	}
	if (r->ascii)
		argv[argc++] = o_ascii;
	argv[argc] = NULL;
	struct tui_record rec = {
	    .path = cast,
	    .script = pg->keys,
	    .w = r->w > 0 ? r->w : HTML_DEFAULT_W,
	    .h = r->h > 0 ? r->h : HTML_DEFAULT_H,
	};
	fflush(stdout);
	if (tui_main_record(argc, argv, &rec) != 0) {
		snprintf(err, errlen, "%s: recording the session failed (the message above says why)",
		         pg->path);
		unlink(cast);
		return 1;
	}
	pg->cast = read_file(cast, &pg->castlen);
	int e = errno;
	unlink(cast);
	if (!pg->cast) {
		snprintf(err, errlen, "%s: %s", cast, strerror(e));
		return 1;
	}
	if (html_cast_markers(pg->cast, &pg->markers, &pg->nmarkers) != 0) {
		snprintf(err, errlen, "%s: the recording is not an asciicast v2 file", pg->path);
		return 1;
	}
	return 0;
}

/* Resolve and load one scene, choose its Go release and key script. */
static int load_one(const struct export_html_req *r, const char *arg, struct html_scene *pg, char *err,
                    size_t errlen)
{
	char path[4096];
	if (scenes_resolve(arg, path, sizeof path) != 0) {
		char near[256];
		if (!strchr(arg, '/') && scenes_suggest(arg, near, sizeof near) == 0)
			snprintf(err, errlen,
			         "no scene named '%s'; did you mean '%s'? (mapviz list shows them all)", arg,
			         near);
		else
			snprintf(err, errlen, "%s: no such scene file (mapviz list shows the bundled scenes)",
			         arg);
		return 1;
	}
	pg->path = mv_xstrdup(path);
	if (scene_load(path, &pg->sc, err, errlen) != 0)
		return 1;
	pg->loaded = true;
	if (r->go) {
		enum mv_go g;
		if (!mv_go_parse(r->go, &g)) {
			snprintf(err, errlen, "--go takes 1.19 or 1.26, found '%s'", r->go);
			return 1;
		}
		scene_select_go(&pg->sc, g);
	}
	if (r->keys) {
		snprintf(pg->keys, sizeof pg->keys, "%s", r->keys);
		if (strlen(r->keys) >= sizeof pg->keys) {
			snprintf(err, errlen, "--keys: the key script is longer than %zu characters",
			         sizeof pg->keys - 1);
			return 1;
		}
	} else {
		/* a challenge opens with the student as the scheduler: its page
		 * plays the shortest win */
		if (!pg->sc.challenge.present || !challenge_keys(&pg->sc, pg->keys, sizeof pg->keys))
			html_default_keys(scene_steps(&pg->sc), pg->sc.spec.sched.granularity == MV_GRAN_OP,
			                  pg->keys, sizeof pg->keys);
	}
	return 0;
}

static void free_scene(struct html_scene *pg)
{
	if (pg->loaded)
		scene_free(&pg->sc);
	for (size_t i = 0; i < pg->nmarkers; i++)
		free(pg->markers[i].label);
	free(pg->markers);
	free(pg->cast);
	free(pg->path);
}

/* Write the page to a temporary file beside r->out, then put it in place
 * (refusing an existing file unless force). */
static int write_out(const struct export_html_req *r, const struct html_scene *pg, size_t n, char *err,
                     size_t errlen)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", r->out);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", r->out, strerror(errno));
		return 1;
	}
	fchmod(fd, 0644);
	FILE *f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", r->out, strerror(errno));
		close(fd);
		unlink(tmp);
		return 1;
	}
	struct html_page page = {
	    .scenes = pg,
	    .n = n,
	    .lesson = r->lesson,
	    .speed = r->speed > 0 ? r->speed : 1.0,
	};
	html_page_write(f, &page);
	bool bad = ferror(f) != 0;
	int e = errno;
	if (fclose(f) != 0 && !bad) {
		bad = true;
		e = errno;
	}
	if (bad) {
		snprintf(err, errlen, "%s: %s", r->out, strerror(e));
		unlink(tmp);
		return 1;
	}
	if (r->force) {
		if (rename(tmp, r->out) != 0) {
			snprintf(err, errlen, "%s: %s", r->out, strerror(errno));
			unlink(tmp);
			return 1;
		}
	} else {
		/* link fails if the file came meanwhile: never replaced */
		if (link(tmp, r->out) != 0) {
			e = errno;
			if (e == EEXIST)
				snprintf(err, errlen, "%s exists; not overwriting it (--force replaces it)",
				         r->out);
			else
				snprintf(err, errlen, "%s: %s", r->out, strerror(e));
			unlink(tmp);
			return 1;
		}
		unlink(tmp);
	}
	return 0;
}

int export_html(const struct export_html_req *r, char *err, size_t errlen)
{
	if (!r->out || !*r->out) {
		snprintf(err, errlen, "where to? -o FILE.html");
		return 1;
	}
	if (r->nscenes == 0) {
		snprintf(err, errlen, r->lesson ? "--lesson needs one or more scenes" : "which scene?");
		return 1;
	}
	if (!r->lesson && r->nscenes > 1) {
		snprintf(err, errlen, "one scene at a time; several on one page: --lesson A B ...");
		return 1;
	}
	struct stat st;
	if (!r->force && stat(r->out, &st) == 0) {
		snprintf(err, errlen, "%s exists; not overwriting it (--force replaces it)", r->out);
		return 1;
	}
	if (r->keys) {
		struct keyscript ks;
		char kerr[256];
		if (keyscript_parse(r->keys, &ks, kerr, sizeof kerr) != 0) {
			snprintf(err, errlen, "--keys: %s", kerr);
			return 1;
		}
		keyscript_free(&ks);
	}
	struct html_scene *pg = mv_xcalloc(r->nscenes, sizeof *pg);
	int rc = 0;
	for (size_t i = 0; i < r->nscenes && rc == 0; i++)
		rc = load_one(r, r->scenes[i], &pg[i], err, errlen);
	char dir[4096] = "";
	if (rc == 0) {
		const char *td = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/mapviz-export-XXXXXX", td && *td ? td : "/tmp");
		if (!mkdtemp(dir)) {
			snprintf(err, errlen, "cannot make a temporary directory in %s: %s",
			         td && *td ? td : "/tmp", strerror(errno));
			dir[0] = '\0';
			rc = 1;
		}
	}
	for (size_t i = 0; i < r->nscenes && rc == 0; i++)
		rc = record_scene(r, &pg[i], dir, i, err, errlen);
	if (dir[0])
		rmdir(dir);
	if (rc == 0)
		rc = write_out(r, pg, r->nscenes, err, errlen);
	for (size_t i = 0; i < r->nscenes; i++)
		free_scene(&pg[i]);
	free(pg);
	return rc;
}
