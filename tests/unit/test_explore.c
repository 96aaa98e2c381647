/*
 * Unit tests of engine/explore: --all counts every interleaving (the
 * multinomial, for workers that never block), the reduced search finds the
 * same classes with the same shortest witnesses (scenes built here and
 * every small bundled scene), witnesses replay, lost updates are told from
 * serial orders, and the stops (max_runs, budget, cancel) say incomplete.
 */
#include <stdlib.h>
#include <unistd.h>

#include "../../app/scene.h"
#include "../../app/scenes.h"
#include "engine/explore/explore.h"
#include "engine/world/world.h"
#include "unit.h"

static void load_text(const char *yaml, struct scene *sc)
{
	char err[512];
	if (scene_load_buf("explore-unit.yaml", yaml, strlen(yaml), sc, err, sizeof err) != 0)
		unit_fail(__FILE__, __LINE__, "scene did not load: %s", err);
}

static void explore(const struct scene *sc, enum mv_explore_mode mode, struct mv_explore_result *r)
{
	struct mv_world w;
	ASSERT(mv_world_init(&w, &sc->spec) == MV_OK);
	struct mv_explore_opts o = {.mode = mode};
	ASSERT(mv_explore(&w, &o, r) == MV_OK);
	mv_world_done(&w);
}

/* How many steps worker i takes when it runs alone from step 0. */
static uint64_t solo_steps(const struct scene *sc, uint32_t i)
{
	struct mv_world w;
	ASSERT(mv_world_init(&w, &sc->spec) == MV_OK);
	uint64_t n = 0;
	while (mv_world_runnable(&w, i)) {
		mv_world_step(&w, i);
		n++;
	}
	ASSERT_EQ(w.workers[i].state, MV_W_DONE);
	mv_world_done(&w);
	return n;
}

static uint64_t multinomial(const uint64_t *k, unsigned n)
{
	/* product of binomials C(k0+..+kj, kj), exact in 64 bits here */
	uint64_t r = 1, sum = 0;
	for (unsigned j = 0; j < n; j++)
		for (uint64_t t = 1; t <= k[j]; t++) {
			sum++;
			r = r * sum / t;
		}
	return r;
}

/* Same classes (outcome and message), same shortest lengths. */
static void assert_same_classes(const char *name, const struct mv_explore_result *a,
				const struct mv_explore_result *b)
{
	if (a->nclasses != b->nclasses)
		unit_fail(__FILE__, __LINE__, "%s: %u classes in --all, %u reduced", name, a->nclasses, b->nclasses);
	for (uint32_t i = 0; i < a->nclasses; i++) {
		const struct mv_explore_class *x = &a->classes[i], *y = &b->classes[i];
		if (x->outcome != y->outcome || (x->message == NULL) != (y->message == NULL) ||
		    (x->message && strcmp(x->message, y->message)))
			unit_fail(__FILE__, __LINE__, "%s: class %u: %s/%s vs %s/%s", name, i,
				  mv_outcome_name(x->outcome), x->message ? x->message : "",
				  mv_outcome_name(y->outcome), y->message ? y->message : "");
		if (x->nshortest != y->nshortest)
			unit_fail(__FILE__, __LINE__, "%s: %s: shortest %u in --all, %u reduced", name,
				  mv_outcome_name(x->outcome), x->nshortest, y->nshortest);
	}
}

/* Replay a witness from step 0: it must end in the class. */
static void assert_replays(const struct scene *sc, const struct mv_explore_class *c)
{
	struct mv_world w;
	ASSERT(mv_world_init(&w, &sc->spec) == MV_OK);
	for (uint32_t k = 0; k < c->nshortest; k++) {
		ASSERT(mv_world_runnable(&w, c->shortest[k]));
		mv_world_step(&w, c->shortest[k]);
	}
	ASSERT(mv_world_ended(&w));
	switch (c->outcome) {
	case MV_OUT_FATAL:
		ASSERT_EQ(w.end, MV_END_FATAL);
		ASSERT_STR(w.message, c->message);
		break;
	case MV_OUT_PANIC:
		ASSERT_EQ(w.end, MV_END_PANIC);
		ASSERT_STR(w.message, c->message);
		break;
	case MV_OUT_DEADLOCK:
		ASSERT_EQ(w.end, MV_END_DEADLOCK);
		break;
	case MV_OUT_LEAK:
		ASSERT_EQ(w.end, MV_END_OK);
		ASSERT(w.leaked != 0);
		break;
	case MV_OUT_RACE_UNDETECTED:
		ASSERT_EQ(w.end, MV_END_OK);
		ASSERT(w.nrace_seen > 0);
		break;
	case MV_OUT_OK:
		ASSERT_EQ(w.end, MV_END_OK);
		ASSERT_EQ(w.nrace_seen, 0);
		break;
	case MV_OUT_LOST_UPDATE:
		ASSERT_EQ(w.end, MV_END_OK);
		break;
	}
	mv_world_done(&w);
}

static void multinomial_check(const char *yaml, unsigned nworkers)
{
	struct scene sc;
	load_text(yaml, &sc);
	uint64_t k[3];
	for (unsigned i = 0; i < nworkers; i++) {
		k[i] = solo_steps(&sc, i);
		ASSERT(k[i] > 0);
	}
	struct mv_explore_result all, red;
	explore(&sc, MV_EXPLORE_ALL, &all);
	ASSERT(all.complete);
	ASSERT_EQ(all.runs, multinomial(k, nworkers));
	ASSERT_EQ(all.nclasses, 1);
	ASSERT_EQ(all.classes[0].outcome, MV_OUT_OK);
	/* reads of one map commute: one order is enough */
	explore(&sc, MV_EXPLORE_REDUCED, &red);
	ASSERT(red.complete);
	assert_same_classes("reads", &all, &red);
	ASSERT_EQ(red.runs, 1);
	ASSERT(red.steps * 10 < all.steps);
	mv_explore_result_free(&all);
	mv_explore_result_free(&red);
	scene_free(&sc);
}

/* Workers that only read never block and never end early: --all runs
 * (a+b)!/(a!b!) and (a+b+c)!/(a!b!c!) schedules. */
static void all_counts_interleavings(void)
{
	multinomial_check("mapviz: 1\ntitle: t\nmap: {impl: gomap, key: int, seed: 3}\nworkers:\n"
			  "  - name: a\n    program: [{repeat: {times: 6, var: i, do: [{load: {key: \"$i\"}}]}}]\n"
			  "  - name: b\n    program: [{len: {}}, {repeat: {times: 7, do: [{load: {key: 5}}]}}]\n",
			  2);
	multinomial_check("mapviz: 1\ntitle: t\nmap: {impl: gomap, key: string, seed: 1}\nworkers:\n"
			  "  - name: a\n    program: [{load: {key: x}}, {load: {key: x}}, {load: {key: y}}]\n"
			  "  - name: b\n    program: [{len: {}}, {load: {key: y}}, {len: {}}, {load: {key: z}}]\n"
			  "  - name: c\n    program: [{load: {key: z}}, {load: {key: w}}, {len: {}}]\n",
			  3);
}

/* Two writers on one map: the same classes both ways, the shortest
 * concurrent-writes witness is as short as Go allows, every witness
 * replays. */
static void two_writers(void)
{
	struct scene sc;
	load_text("mapviz: 1\ntitle: t\nmap: {impl: gomap, key: int, seed: 1}\nworkers:\n"
		  "  - name: a\n    program: [{store: {key: 1, value: 10}}]\n"
		  "  - name: b\n    program: [{store: {key: 2, value: 20}}]\n",
		  &sc);
	struct mv_explore_result all, red;
	explore(&sc, MV_EXPLORE_ALL, &all);
	explore(&sc, MV_EXPLORE_REDUCED, &red);
	assert_same_classes("two writers", &all, &red);
	const struct mv_explore_class *f = mv_explore_find(&all, MV_OUT_FATAL);
	ASSERT(f);
	ASSERT_STR(f->message, "concurrent map writes");
	ASSERT(mv_explore_find(&all, MV_OUT_RACE_UNDETECTED));
	ASSERT(!mv_explore_find(&all, MV_OUT_OK));
	uint64_t sum = 0;
	for (uint32_t i = 0; i < all.nclasses; i++) {
		sum += all.classes[i].runs;
		assert_replays(&sc, &all.classes[i]);
		assert_replays(&sc, &red.classes[i]);
	}
	ASSERT_EQ(sum, all.runs);
	mv_explore_result_free(&all);
	mv_explore_result_free(&red);
	scene_free(&sc);
}

/* A range whose body writes back what it read, racing a writer, whole
 * operations at a time (granularity op): Go never notices, but some orders
 * end with contents no serial order leaves (b's store of 2 is lost). */
static void lost_update(void)
{
	struct scene sc;
	load_text("mapviz: 1\ntitle: t\nmap: {impl: gomap, key: int, seed: 1}\nworkers:\n"
		  "  - name: a\n    program:\n      - store: {key: 1, value: 1}\n      - store: {key: 2, value: 2}\n"
		  "      - range: {var: k, val: v, do: [{store: {key: \"$k\", value: \"$v+100\"}}]}\n"
		  "  - name: b\n    program: [{store: {key: 2, value: 20}}, {store: {key: 3, value: 30}}]\n"
		  "schedule: {granularity: op}\n",
		  &sc);
	struct mv_explore_result all, red;
	explore(&sc, MV_EXPLORE_ALL, &all);
	explore(&sc, MV_EXPLORE_REDUCED, &red);
	ASSERT(all.complete && red.complete);
	assert_same_classes("lost update", &all, &red);
	const struct mv_explore_class *l = mv_explore_find(&all, MV_OUT_LOST_UPDATE);
	ASSERT(l);
	ASSERT(mv_explore_find(&all, MV_OUT_RACE_UNDETECTED));
	ASSERT(!mv_explore_find(&all, MV_OUT_OK));
	assert_replays(&sc, l);
	mv_explore_result_free(&all);
	mv_explore_result_free(&red);
	scene_free(&sc);
}

/* Deadlock and leak classes: lock order inversion, and a main that
 * returns while a worker waits on a signal nobody closes. */
static void deadlock_and_leak(void)
{
	struct scene sc;
	load_text("mapviz: 1\ntitle: t\nlocks: [{name: x, kind: mutex}, {name: y, kind: mutex}]\nworkers:\n"
		  "  - name: a\n    program: [{lock: {name: x}}, {lock: {name: y}}, {unlock: {name: y}}, {unlock: {name: x}}]\n"
		  "  - name: b\n    program: [{lock: {name: y}}, {lock: {name: x}}, {unlock: {name: x}}, {unlock: {name: y}}]\n",
		  &sc);
	struct mv_explore_result all, red;
	explore(&sc, MV_EXPLORE_ALL, &all);
	explore(&sc, MV_EXPLORE_REDUCED, &red);
	assert_same_classes("lock order", &all, &red);
	ASSERT(mv_explore_find(&all, MV_OUT_DEADLOCK));
	ASSERT(mv_explore_find(&all, MV_OUT_OK));
	assert_replays(&sc, mv_explore_find(&red, MV_OUT_DEADLOCK));
	mv_explore_result_free(&all);
	mv_explore_result_free(&red);
	scene_free(&sc);

	load_text("mapviz: 1\ntitle: t\nworkers:\n"
		  "  - name: main\n    main: true\n    program: [{len: {}}, {close: {signal: s}}]\n"
		  "  - name: w\n    program: [{wait: {signal: t}}]\n"
		  "  - name: v\n    program: [{wait: {signal: s}}, {len: {}}]\n",
		  &sc);
	explore(&sc, MV_EXPLORE_ALL, &all);
	explore(&sc, MV_EXPLORE_REDUCED, &red);
	assert_same_classes("leak", &all, &red);
	ASSERT(mv_explore_find(&all, MV_OUT_LEAK));
	assert_replays(&sc, mv_explore_find(&red, MV_OUT_LEAK));
	mv_explore_result_free(&all);
	mv_explore_result_free(&red);
	scene_free(&sc);
}

/* The search from a prefix: witnesses count from `from`'s step. */
static void from_a_prefix(void)
{
	struct scene sc;
	load_text("mapviz: 1\ntitle: t\nmap: {impl: gomap, key: int, seed: 1}\nworkers:\n"
		  "  - name: a\n    program: [{store: {key: 1, value: 10}}]\n"
		  "  - name: b\n    program: [{store: {key: 2, value: 20}}]\n",
		  &sc);
	struct mv_world w;
	ASSERT(mv_world_init(&w, &sc.spec) == MV_OK);
	/* a runs alone through its whole store: no overlap is possible now */
	while (mv_world_runnable(&w, 0))
		mv_world_step(&w, 0);
	uint64_t before = w.step, rest = 0;
	struct mv_world alone;
	ASSERT(mv_world_copy(&alone, &w) == MV_OK);
	while (mv_world_runnable(&alone, 1)) {
		mv_world_step(&alone, 1);
		rest++;
	}
	mv_world_done(&alone);
	struct mv_explore_opts o = {.mode = MV_EXPLORE_ALL};
	struct mv_explore_result r;
	ASSERT(mv_explore(&w, &o, &r) == MV_OK);
	ASSERT_EQ(w.step, before); /* from is not changed */
	ASSERT_EQ(r.runs, 1);
	ASSERT_EQ(r.nclasses, 1);
	ASSERT_EQ(r.classes[0].outcome, MV_OUT_RACE_UNDETECTED);
	ASSERT_EQ(r.classes[0].nshortest, rest);
	for (uint32_t k = 0; k < r.classes[0].nshortest; k++)
		ASSERT_EQ(r.classes[0].shortest[k], 1);
	mv_explore_result_free(&r);
	mv_world_done(&w);
	scene_free(&sc);
}

static void on_progress(void *ctx, uint64_t runs, uint64_t steps)
{
	(void)runs;
	(void)steps;
	atomic_store((atomic_int *)ctx, 1);
}

/* max_runs, cancel and random sampling; bad options. */
static void stops_and_samples(void)
{
	struct scene sc;
	load_text("mapviz: 1\ntitle: t\nmap: {impl: gomap, key: int, seed: 1}\nworkers:\n"
		  "  - name: a\n    program: [{store: {key: 1, value: 10}}, {store: {key: 3, value: 30}}]\n"
		  "  - name: b\n    program: [{store: {key: 2, value: 20}}, {store: {key: 4, value: 40}}]\n",
		  &sc);
	struct mv_world w;
	ASSERT(mv_world_init(&w, &sc.spec) == MV_OK);
	struct mv_explore_result r;
	struct mv_explore_opts o = {.mode = MV_EXPLORE_ALL, .max_runs = 100};
	ASSERT(mv_explore(&w, &o, &r) == MV_OK);
	ASSERT(!r.complete);
	ASSERT_EQ(r.runs, 100);
	mv_explore_result_free(&r);

	atomic_int cancel = 1;
	o = (struct mv_explore_opts){.mode = MV_EXPLORE_ALL, .cancel = &cancel};
	ASSERT(mv_explore(&w, &o, &r) == MV_OK);
	ASSERT(!r.complete);
	ASSERT(r.cancelled);
	ASSERT(r.steps <= 2 * 4096);
	mv_explore_result_free(&r);

	atomic_int called = 0;
	o = (struct mv_explore_opts){.mode = MV_EXPLORE_ALL, .budget_ms = 100000, .progress = on_progress,
				     .ctx = &called};
	ASSERT(mv_explore(&w, &o, &r) == MV_OK);
	ASSERT(r.complete);
	if (r.seconds > 0.2)
		ASSERT(atomic_load(&called));
	mv_explore_result_free(&r);

	o = (struct mv_explore_opts){.mode = MV_EXPLORE_RANDOM, .samples = 500, .seed = 7};
	struct mv_explore_result r2;
	ASSERT(mv_explore(&w, &o, &r) == MV_OK);
	ASSERT(mv_explore(&w, &o, &r2) == MV_OK);
	ASSERT_EQ(r.runs + r.cut, 500);
	ASSERT_EQ(r.nclasses, r2.nclasses);
	for (uint32_t i = 0; i < r.nclasses; i++) {
		ASSERT_EQ(r.classes[i].runs, r2.classes[i].runs);
		assert_replays(&sc, &r.classes[i]);
	}
	ASSERT(mv_explore_find(&r, MV_OUT_FATAL));
	mv_explore_result_free(&r);
	mv_explore_result_free(&r2);

	/* PCT sampling: the clean order (one writer's stores, then the
	 * other's) is one priority change away: depth 2 finds both classes */
	o = (struct mv_explore_opts){.mode = MV_EXPLORE_RANDOM, .samples = 300, .seed = 5, .pct_depth = 2};
	ASSERT(mv_explore(&w, &o, &r) == MV_OK);
	ASSERT_EQ(r.runs + r.cut, 300);
	ASSERT(mv_explore_find(&r, MV_OUT_FATAL));
	ASSERT(mv_explore_find(&r, MV_OUT_RACE_UNDETECTED));
	for (uint32_t i = 0; i < r.nclasses; i++)
		assert_replays(&sc, &r.classes[i]);
	mv_explore_result_free(&r);

	o = (struct mv_explore_opts){.mode = MV_EXPLORE_RANDOM, .samples = 0};
	ASSERT(mv_explore(&w, &o, &r) == MV_EINVAL);

	/* max_depth cuts runs instead of classifying them */
	o = (struct mv_explore_opts){.mode = MV_EXPLORE_ALL, .max_depth = 5};
	ASSERT(mv_explore(&w, &o, &r) == MV_OK);
	ASSERT(r.cut > 0);
	ASSERT(!r.complete);
	for (uint32_t i = 0; i < r.nclasses; i++)
		ASSERT(r.classes[i].nshortest <= 5);
	mv_explore_result_free(&r);
	mv_world_done(&w);
	scene_free(&sc);
}

/* Runs long enough for a Mutex to starve (MU5: the clock matters): the
 * reduced search falls back to every order, so it runs what --all runs. */
static void clock_fallback(void)
{
	struct scene sc;
	load_text("mapviz: 1\ntitle: t\nlocks: [{name: mu, kind: mutex}]\nworkers:\n"
		  "  - name: a\n    program: [{repeat: {times: 300, do: [{lock: {name: mu}}, {unlock: {name: mu}}]}}]\n"
		  "  - name: b\n    program: [{repeat: {times: 300, do: [{lock: {name: mu}}, {unlock: {name: mu}}]}}]\n",
		  &sc);
	struct mv_world w;
	ASSERT(mv_world_init(&w, &sc.spec) == MV_OK);
	struct mv_explore_result all, red;
	struct mv_explore_opts o = {.mode = MV_EXPLORE_ALL, .max_runs = 30};
	ASSERT(mv_explore(&w, &o, &all) == MV_OK);
	o.mode = MV_EXPLORE_REDUCED;
	ASSERT(mv_explore(&w, &o, &red) == MV_OK);
	ASSERT_EQ(all.runs, 30);
	ASSERT_EQ(red.runs, 30);
	ASSERT(red.steps > all.steps); /* the abandoned reduced start, then --all's */
	assert_same_classes("starvation", &all, &red);
	for (uint32_t i = 0; i < all.nclasses; i++)
		ASSERT_EQ(all.classes[i].runs, red.classes[i].runs);
	mv_explore_result_free(&all);
	mv_explore_result_free(&red);
	mv_world_done(&w);
	scene_free(&sc);
}

/* Every bundled scene with at most 3 workers whose --all search ends
 * within a second: the reduced search finds the same classes, with the
 * same shortest lengths, in no more steps. */
static void bundled_half(size_t half)
{
	size_t n;
	char **paths = scenes_list(&n);
	ASSERT(paths && n > 0);
	unsigned compared = 0;
	for (size_t i = 0; i < n; i++) {
		struct scene sc;
		char err[512];
		if (i % 2 != half) {
			free(paths[i]);
			continue;
		}
		if (scene_load(paths[i], &sc, err, sizeof err) != 0)
			unit_fail(__FILE__, __LINE__, "%s", err);
		struct mv_world w;
		if (sc.spec.nworkers <= 3 && mv_world_init(&w, &sc.spec) == MV_OK) {
			struct mv_explore_opts o = {.mode = MV_EXPLORE_ALL, .budget_ms = 1000};
			struct mv_explore_result all, red;
			ASSERT(mv_explore(&w, &o, &all) == MV_OK);
			if (all.complete) {
				o = (struct mv_explore_opts){.mode = MV_EXPLORE_REDUCED};
				ASSERT(mv_explore(&w, &o, &red) == MV_OK);
				ASSERT(red.complete);
				assert_same_classes(sc.name, &all, &red);
				ASSERT(red.steps <= all.steps);
				for (uint32_t c = 0; c < red.nclasses; c++)
					assert_replays(&sc, &red.classes[c]);
				mv_explore_result_free(&red);
				compared++;
				/* and from a prefix, as the TUI explores from its step */
				struct mv_world p;
				ASSERT(mv_world_copy(&p, &w) == MV_OK);
				for (int k = 0; k < 7 && mv_world_advance(&p); k++)
					;
				struct mv_explore_result pa, pr;
				o = (struct mv_explore_opts){.mode = MV_EXPLORE_ALL};
				ASSERT(mv_explore(&p, &o, &pa) == MV_OK);
				o.mode = MV_EXPLORE_REDUCED;
				ASSERT(mv_explore(&p, &o, &pr) == MV_OK);
				ASSERT(pa.complete && pr.complete);
				assert_same_classes(sc.name, &pa, &pr);
				mv_explore_result_free(&pa);
				mv_explore_result_free(&pr);
				mv_world_done(&p);
			}
			mv_explore_result_free(&all);
			mv_world_done(&w);
		}
		scene_free(&sc);
		free(paths[i]);
	}
	free(paths);
	ASSERT(compared >= 5);
}

/* (in two halves, each under the harness's time limit) */
static void bundled_all_vs_reduced_1(void)
{
	bundled_half(0);
}

static void bundled_all_vs_reduced_2(void)
{
	bundled_half(1);
}

const struct unit_test explore_tests[] = {
	UNIT(all_counts_interleavings),
	UNIT(two_writers),
	UNIT(lost_update),
	UNIT(deadlock_and_leak),
	UNIT(from_a_prefix),
	UNIT(stops_and_samples),
	UNIT(clock_fallback),
	UNIT(bundled_all_vs_reduced_1),
	UNIT(bundled_all_vs_reduced_2),
	{0},
};
