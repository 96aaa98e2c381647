/*
 * bench_tui: `mapviz bench tui` — the cost of one step's redraw (canvas,
 * diff, curses on /dev/null) and of one step back on a long scene.
 */

#include "tui.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/alloc.h"
#include "term.h"
#include "tui_int.h"

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
