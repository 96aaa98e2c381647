/*
 * Unit tests of engine/world: results through SafeMap wrappers, Go's
 * deadlock rule and timers (D4, D5), leaks, the race detector, and that a
 * checkpoint (mv_world_copy) replays exactly.  Worlds are built from scene
 * text, loaded the way the app loads them.
 */
#include <stdlib.h>
#include <unistd.h>

#include "../../app/scene.h"
#include "engine/world/sched.h"
#include "engine/world/world.h"
#include "unit.h"

static void load_text(const char *yaml, struct scene *sc)
{
	char path[] = "/tmp/mapviz-unit-XXXXXX";
	int fd = mkstemp(path);
	ASSERT(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(yaml, f);
	fclose(f);
	char err[512];
	int rc = scene_load(path, sc, err, sizeof err);
	unlink(path);
	if (rc != 0)
		unit_fail(__FILE__, __LINE__, "scene did not load: %s", err);
}

/* Records what a world reports. */
struct rec {
	int events[MV_EV__COUNT];
	struct mv_event last_race;
	int64_t last_result;
	bool last_ok;
	enum mv_instr_kind last_instr;
	char trace[16384];
	size_t tlen;
};

static void rec_event(void *ctx, uint32_t w, const struct mv_event *ev)
{
	struct rec *r = ctx;
	r->events[ev->kind]++;
	if (ev->kind == MV_EV_DATA_RACE)
		r->last_race = *ev;
	if (r->tlen + 64 < sizeof r->trace)
		r->tlen += (size_t)snprintf(r->trace + r->tlen, sizeof r->trace - r->tlen, "%u:%d:%lld:%lld ", w,
					    ev->kind, (long long)ev->bucket, (long long)ev->slot);
}

static void rec_op(void *ctx, const struct mv_oprec *o)
{
	struct rec *r = ctx;
	r->last_result = o->result;
	r->last_ok = o->ok;
	r->last_instr = o->in->kind;
	if (r->tlen + 64 < sizeof r->trace)
		r->tlen += (size_t)snprintf(r->trace + r->tlen, sizeof r->trace - r->tlen, "op%u:%d:%lld ", o->worker,
					    o->in->kind, (long long)o->result);
}

static void run_all(struct mv_world *w)
{
	for (int n = 0; n < 1000000 && mv_world_advance(w); n++)
		;
}

/* Load a scene from text, run its world to the end while recording into
 * *r; the caller checks *w and frees both with mv_world_done, scene_free. */
static void run_recorded(const char *yaml, struct scene *sc, struct mv_world *w, struct rec *r)
{
	load_text(yaml, sc);
	ASSERT(mv_world_init(w, &sc->spec) == MV_OK);
	memset(r, 0, sizeof *r);
	struct mv_observer obs = {.event = rec_event, .op_done = rec_op, .ctx = r};
	mv_world_observe(w, &obs);
	run_all(w);
	mv_world_observe(w, NULL);
}

/* A SafeMap's load reports the map's result, not the lock's. */
static void wrapped_load_result(void)
{
	static const char *impls[] = {"mutex", "rwmutex", "sharded"};
	for (int k = 0; k < 3; k++) {
		char yaml[512];
		snprintf(yaml, sizeof yaml,
			 "mapviz: 1\ntitle: t\nmap: {impl: %s, key: int}\nworkers:\n"
			 "  - name: g\n    program:\n      - store: {key: 5, value: 50}\n      - load: {key: 5}\n",
			 impls[k]);
		struct scene sc;
		struct mv_world w;
		static struct rec r;
		run_recorded(yaml, &sc, &w, &r);
		ASSERT_EQ(w.end, MV_END_OK);
		ASSERT_EQ(r.last_instr, MV_I_LOAD);
		ASSERT(r.last_ok);
		ASSERT_EQ(r.last_result, 50);
		ASSERT(r.events[MV_EV_LOCK_ACQUIRE] >= 2);
		mv_world_done(&w);
		scene_free(&sc);
	}
}

/* D5, A3: RLock then Lock alone deadlocks; D4: a timer hides it, and when
 * main returns the stuck goroutine is leaked. */
static void deadlock_and_timer(void)
{
	struct scene sc;
	load_text("mapviz: 1\ntitle: t\nlocks: [{name: mu, kind: rwmutex}]\nworkers:\n"
		  "  - name: g\n    program: [{rlock: {name: mu}}, {lock: {name: mu}}]\n",
		  &sc);
	struct mv_world w;
	ASSERT(mv_world_init(&w, &sc.spec) == MV_OK);
	run_all(&w);
	ASSERT_EQ(w.end, MV_END_DEADLOCK);
	ASSERT_STR(w.message, "all goroutines are asleep - deadlock!");
	ASSERT_STR(mv_world_wait_reason(&w, 0), "semacquire");
	ASSERT_EQ(w.locks[0].rw.reader_wait, 1);
	mv_world_done(&w);
	scene_free(&sc);

	load_text("mapviz: 1\ntitle: t\nlocks: [{name: mu, kind: rwmutex}]\nworkers:\n"
		  "  - name: g\n    program: [{rlock: {name: mu}}, {lock: {name: mu}}]\n"
		  "  - name: m\n    main: true\n    program: [{sleep: {steps: 100000}}]\n",
		  &sc);
	ASSERT(mv_world_init(&w, &sc.spec) == MV_OK);
	run_all(&w);
	ASSERT_EQ(w.end, MV_END_OK);
	ASSERT_EQ(w.leaked, 1);
	ASSERT(w.now >= 100000); /* time jumped to the timer */
	ASSERT(w.step < 20);     /* without running idle steps */
	mv_world_done(&w);
	scene_free(&sc);
}

/* Unsynchronized writers race even when they never overlap (the race
 * detector's rule, not the runtime's); behind an RWMutex they do not. */
static void race_detection(void)
{
	static const char *impls[] = {"gomap", "rwmutex"};
	for (int k = 0; k < 2; k++) {
		char yaml[512];
		snprintf(yaml, sizeof yaml,
			 "mapviz: 1\ntitle: t\nmap: {impl: %s, key: int}\nworkers:\n"
			 "  - name: a\n    program: [{store: {key: 1, value: 1}}]\n"
			 "  - name: b\n    program: [{load: {key: 1}}]\n"
			 "schedule: {granularity: op}\n",
			 impls[k]);
		struct scene sc;
		struct mv_world w;
		static struct rec r;
		run_recorded(yaml, &sc, &w, &r);
		ASSERT_EQ(w.end, MV_END_OK);
		ASSERT_EQ(r.events[MV_EV_DATA_RACE], k == 0 ? 1 : 0);
		if (k == 0) {
			ASSERT_EQ(r.last_race.other, 0);
			ASSERT(!r.last_race.caught);
			ASSERT_EQ(r.last_race.x, MV_I_LOAD);
			ASSERT_EQ(r.last_race.y, MV_I_STORE);
		}
		mv_world_done(&w);
		scene_free(&sc);
	}
}

/* Two writers interleaved phase by phase: the runtime's exit check fires
 * (M5.12) and the race is reported as caught by it. */
static void race_caught_by_runtime(void)
{
	struct scene sc;
	struct mv_world w;
	static struct rec r;
	run_recorded("mapviz: 1\ntitle: t\nworkers:\n"
		     "  - name: a\n    program: [{store: {key: 1, value: 1}}]\n"
		     "  - name: b\n    program: [{store: {key: 2, value: 2}}]\n",
		     &sc, &w, &r);
	ASSERT_EQ(w.end, MV_END_FATAL);
	ASSERT_STR(w.message, "concurrent map writes");
	ASSERT_EQ(r.events[MV_EV_DATA_RACE], 1);
	ASSERT(r.last_race.caught);
	mv_world_done(&w);
	scene_free(&sc);
}

/* A checkpoint taken mid-run replays the rest exactly, also on threads. */
static void checkpoint_replays(void)
{
	struct scene sc;
	load_text("mapviz: 1\ntitle: t\nmap: {impl: rwmutex, key: int, seed: 4}\nworkers:\n"
		  "  - name: a\n    program: [{repeat: {times: 30, var: i, do: [{store: {key: \"$i\", value: 1}}]}}]\n"
		  "  - name: b\n    program: [{repeat: {times: 30, var: i, do: [{load: {key: \"$i\"}}]}}, {range: {}}]\n"
		  "  - name: c\n    program: [{repeat: {times: 30, var: i, do: [{delete: {key: \"$i\"}}]}}]\n"
		  "schedule: {policy: random, seed: 77}\n",
		  &sc);
	struct mv_world w, cp;
	ASSERT(mv_world_init(&w, &sc.spec) == MV_OK);
	for (int n = 0; n < 200; n++)
		ASSERT(mv_world_advance(&w));
	ASSERT(mv_world_copy(&cp, &w) == MV_OK);
	static struct rec r1, r2, r3;
	memset(&r1, 0, sizeof r1);
	memset(&r2, 0, sizeof r2);
	memset(&r3, 0, sizeof r3);
	struct mv_observer o1 = {.event = rec_event, .op_done = rec_op, .ctx = &r1};
	struct mv_observer o2 = {.event = rec_event, .op_done = rec_op, .ctx = &r2};
	mv_world_observe(&w, &o1);
	mv_world_observe(&cp, &o2);
	run_all(&w);
	run_all(&cp);
	ASSERT(r1.tlen > 100);
	ASSERT_EQ(r1.tlen, r2.tlen);
	ASSERT(memcmp(r1.trace, r2.trace, r1.tlen) == 0);
	ASSERT_EQ(w.step, cp.step);
	ASSERT_EQ(w.maps[0].u.classic.m.count, cp.maps[0].u.classic.m.count);
	mv_world_done(&cp);
	/* the same world from the start, on one thread per worker */
	struct mv_world t;
	ASSERT(mv_world_init(&t, &sc.spec) == MV_OK);
	struct mv_observer o3 = {.event = rec_event, .op_done = rec_op, .ctx = &r3};
	struct mv_sched s;
	ASSERT(mv_sched_start(&s, &t) == MV_OK);
	for (int n = 0; n < 200; n++)
		ASSERT(mv_sched_advance(&s));
	mv_world_observe(&t, &o3);
	while (mv_sched_advance(&s))
		;
	mv_sched_stop(&s);
	ASSERT_EQ(r1.tlen, r3.tlen);
	ASSERT(memcmp(r1.trace, r3.trace, r1.tlen) == 0);
	mv_world_done(&t);
	mv_world_done(&w);
	scene_free(&sc);
}

/* A script names workers one step each; entries for workers that cannot
 * run are passed over. */
/* load into: binds the value read; a later "$v+1" reads it.  Two
 * increments interleaved load-load-store-store lose one; run one after the
 * other they do not.  The variables are part of a checkpoint. */
static void into_binding(void)
{
	static const char *const text =
	    "mapviz: 1\ntitle: t\nmap: {impl: mutex, key: int}\n"
	    "workers:\n"
	    "  - {name: a, program: [{load: {key: 1, into: v}}, {store: {key: 1, value: \"$v+1\"}}]}\n"
	    "  - {name: b, program: [{load: {key: 1, into: v}}, {store: {key: 1, value: \"$v+1\"}},\n"
	    "                        {load: {key: 1, into: w}}, {store: {key: 2, value: \"$w\"}}]}\n"
	    "schedule: {policy: script, granularity: op, script: [%s]}\n";
	static const struct {
		const char *script;
		int64_t want;
	} cases[] = {{"a, b, a, b, b, b", 1}, {"a, a, b, b, b, b", 2}, {"b, b, a, a, b, b", 2}};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char yaml[1024];
		struct scene sc;
		struct mv_world w;
		struct rec r;
		snprintf(yaml, sizeof yaml, text, cases[c].script);
		run_recorded(yaml, &sc, &w, &r);
		ASSERT_EQ(w.end, MV_END_OK);
		ASSERT_EQ(r.last_instr, MV_I_STORE);
		ASSERT_EQ(w.workers[1].vars[1], cases[c].want); /* w: what b read last */
		ASSERT_EQ(w.workers[1].op.value, cases[c].want);  /* m[2] = w */
		mv_world_done(&w);
		scene_free(&sc);
	}
	/* a value that was there; a miss binds Go's zero value; a checkpoint
	 * keeps the variables */
	char yaml[512];
	struct scene sc;
	struct mv_world w, cp;
	snprintf(yaml, sizeof yaml,
		 "mapviz: 1\ntitle: t\nworkers:\n  - {name: a, program: [{store: {key: 3, value: 40}},\n"
		 "      {load: {key: 3, into: x}}, {load: {key: 4, into: y}}, {store: {key: 5, value: \"$x-1\"}}]}\n");
	load_text(yaml, &sc);
	ASSERT(mv_world_init(&w, &sc.spec) == MV_OK);
	for (int n = 0; n < 1000 && w.workers[0].ops_done < 2; n++)
		mv_world_step(&w, 0);
	ASSERT_EQ(w.workers[0].vars[0], 40);
	ASSERT(mv_world_copy(&cp, &w) == MV_OK);
	run_all(&cp);
	ASSERT_EQ(cp.end, MV_END_OK);
	ASSERT_EQ(cp.workers[0].vars[0], 40);
	ASSERT_EQ(cp.workers[0].vars[1], 0);
	ASSERT_EQ(cp.workers[0].op.value, 39);
	mv_world_done(&cp);
	mv_world_done(&w);
	scene_free(&sc);
}

static void script_policy(void)
{
	struct scene sc;
	load_text("mapviz: 1\ntitle: t\nworkers:\n"
		  "  - name: a\n    program: [{wait: {signal: go}}, {len: {}}]\n"
		  "  - name: b\n    program: [{sleep: {steps: 1}}, {close: {signal: go}}]\n"
		  "schedule: {policy: script, script: [a, \"b*2\", a, a]}\n",
		  &sc);
	struct mv_world w;
	ASSERT(mv_world_init(&w, &sc.spec) == MV_OK);
	ASSERT(mv_world_advance(&w)); /* a: waits, blocks */
	ASSERT_EQ(w.workers[0].state, MV_W_BLOCKED);
	ASSERT_STR(mv_world_wait_reason(&w, 0), "chan receive");
	run_all(&w);
	ASSERT_EQ(w.end, MV_END_OK);
	ASSERT_EQ(w.workers[0].state, MV_W_DONE);
	mv_world_done(&w);
	scene_free(&sc);
}

const struct unit_test world_tests[] = {
	UNIT(wrapped_load_result),
	UNIT(deadlock_and_timer),
	UNIT(race_detection),
	UNIT(race_caught_by_runtime),
	UNIT(checkpoint_replays),
	UNIT(script_policy),
	UNIT(into_binding),
	{0},
};
