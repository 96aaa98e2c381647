/*
 * bench_explore: `mapviz bench explore` — the schedule search's speed
 * (engine/explore) on two fixed scenes: --all on a two-writer scene
 * (runs/s, steps/s; target >= 1,000,000 steps/s on one core), and --all
 * against the reduced search on a three-worker scene (the reduced search
 * must find the same classes in >= 10x fewer steps).
 */
#include "bench_explore.h"

#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_opts.h"
#include "engine/explore/explore.h"
#include "engine/world/world.h"
#include "scene.h"
#include "scenes.h"

static const char usage_text[] =
	"usage: mapviz bench explore [--reps R] [--two SCENE] [--three SCENE]\n"
	"  Time the schedule search (mapviz explore): --all on a two-writer scene\n"
	"  (default: the bundled concurrent-writes), and --all against the reduced\n"
	"  search on a three-worker scene (default: bench/scenes/explore-sharded3.yaml).\n"
	"  Prints one row per search (runs, steps, seconds, runs/s, steps/s; the\n"
	"  fastest of R repetitions), then\n"
	"    all_steps_per_s X      --all on the two-writer scene (target >= 1000000)\n"
	"    reduction X            --all steps / reduced steps, three workers (target >= 10)\n"
	"    classes_match yes|no   the reduced search found --all's classes\n"
	"  --reps R   repetitions of each search (default 3)\n";

static int load(const char *arg, struct scene *sc)
{
	char path[4096], err[1024];
	if (scenes_resolve(arg, path, sizeof path) != 0)
		snprintf(path, sizeof path, "%s", arg);
	if (scene_load(path, sc, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

/* The three-worker scene: bench/scenes/ beside the bundled scenes' parent,
 * or under the working directory. */
static void default_three(char *buf, size_t len)
{
	char dir[4096];
	if (scenes_dir(dir, sizeof dir) == 0) {
		snprintf(buf, len, "%s/../bench/scenes/explore-sharded3.yaml", dir);
		FILE *f = fopen(buf, "r");
		if (f) {
			fclose(f);
			return;
		}
	}
	snprintf(buf, len, "bench/scenes/explore-sharded3.yaml");
}

/* The fastest of reps searches of sc in mode; r keeps the last result. */
static int timed(const struct scene *sc, enum mv_explore_mode mode, int64_t reps, struct mv_explore_result *r)
{
	struct mv_world w;
	if (mv_world_init(&w, &sc->spec) != MV_OK) {
		fprintf(stderr, "mapviz bench explore: %s: cannot run this scene\n", sc->path);
		mv_world_done(&w);
		return -1;
	}
	double best = -1;
	memset(r, 0, sizeof *r);
	for (int64_t k = 0; k < reps; k++) {
		mv_explore_result_free(r);
		struct mv_explore_opts o = {.mode = mode};
		if (mv_explore(&w, &o, r) != MV_OK || !r->complete) {
			fprintf(stderr, "mapviz bench explore: %s: the search did not complete\n", sc->path);
			mv_world_done(&w);
			return -1;
		}
		if (best < 0 || r->seconds < best)
			best = r->seconds;
	}
	r->seconds = best;
	mv_world_done(&w);
	double s = best > 0 ? best : 1e-9;
	printf("%-22s %-8s %10" PRIu64 " runs %12" PRIu64 " steps %8.3f s %12.0f runs/s %12.0f steps/s\n", sc->name,
	       mode == MV_EXPLORE_ALL ? "all" : "reduced", r->runs, r->steps, best, (double)r->runs / s,
	       (double)r->steps / s);
	return 0;
}

static bool same_classes(const struct mv_explore_result *a, const struct mv_explore_result *b)
{
	if (a->nclasses != b->nclasses)
		return false;
	for (uint32_t i = 0; i < a->nclasses; i++) {
		const struct mv_explore_class *x = &a->classes[i], *y = &b->classes[i];
		if (x->outcome != y->outcome || x->nshortest != y->nshortest ||
		    (x->message == NULL) != (y->message == NULL) || (x->message && strcmp(x->message, y->message)))
			return false;
	}
	return true;
}

int bench_explore(int argc, char **argv)
{
	int64_t reps = 3;
	const char *two = "concurrent-writes", *three = NULL;
	char three_buf[4200];
	for (int i = 1; i < argc; i++) {
		const char *val;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (bench_opt(argc, argv, &i, "--reps", &val)) {
			if (!bench_parse_int("explore", "--reps", val, 1, 1000, &reps))
				return 1;
		} else if (bench_opt(argc, argv, &i, "--two", &val)) {
			two = val;
		} else if (bench_opt(argc, argv, &i, "--three", &val)) {
			three = val;
		} else {
			fprintf(stderr, "mapviz bench explore: unknown option '%s'\n%s", argv[i], usage_text);
			return 1;
		}
	}
	if (!three) {
		default_three(three_buf, sizeof three_buf);
		three = three_buf;
	}
	struct scene s2, s3;
	if (load(two, &s2) != 0)
		return 1;
	if (load(three, &s3) != 0) {
		scene_free(&s2);
		return 1;
	}
	int rc = 1;
	struct mv_explore_result a2, a3, r3;
	memset(&a2, 0, sizeof a2);
	memset(&a3, 0, sizeof a3);
	memset(&r3, 0, sizeof r3);
	if (timed(&s2, MV_EXPLORE_ALL, reps, &a2) == 0 && timed(&s3, MV_EXPLORE_ALL, reps, &a3) == 0 &&
	    timed(&s3, MV_EXPLORE_REDUCED, reps, &r3) == 0) {
		double sps = (double)a2.steps / (a2.seconds > 0 ? a2.seconds : 1e-9);
		printf("all_steps_per_s %.0f\n", sps);
		printf("reduction %.1f\n", r3.steps ? (double)a3.steps / (double)r3.steps : 0.0);
		printf("classes_match %s\n", same_classes(&a3, &r3) ? "yes" : "no");
		rc = 0;
	}
	mv_explore_result_free(&a2);
	mv_explore_result_free(&a3);
	mv_explore_result_free(&r3);
	scene_free(&s2);
	scene_free(&s3);
	return rc == 0 && fflush(stdout) == 0 ? 0 : 1;
}
