/*
 * tui_scene: the life of a scene in the TUI — open (load, the timeline,
 * the scene file's lines for the program view), close, and --watch's
 * reload that keeps the step when it can.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "engine/core/alloc.h"
#include "tui_int.h"

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
		tui_explore_done(t); /* a search reads the old scene's spec */
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
	tui_challenge_open(t);
	tui_challenge_update(t);
	return 0;
}

void tui_close_scene(struct tui *t)
{
	if (!t->have_scene)
		return;
	tui_explore_done(t);
	tl_done(&t->tl);
	scene_free(&t->sc);
	free_source(t);
	tui_progs_free(t);
	t->have_scene = false;
}

/* --watch: reload when the file changed; keep the step when it can. */
bool tui_check_watch(struct tui *t)
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
		tui_flash(t, "reload failed (the old scene stays): %s", msg);
		t->flash_until_ms = t->now_ms + 15000;
		return true;
	}
	tl_seek(&t->tl, step);
	if (tl_step(&t->tl) == step)
		tui_flash(t, "reloaded %s at step %" PRIu64, t->sc.name, step);
	else
		tui_flash(t, "reloaded %s: the scene now ends at step %" PRIu64, t->sc.name, tl_step(&t->tl));
	return true;
}
