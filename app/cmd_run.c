/*
 * cmd_run: the headless commands — `run` (a transcript in text or JSON
 * Lines), `test` (scenes against their expect blocks) and `list`.
 */
#include "cmd_run.h"
#include "cmd_check.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"
#include "engine/explore/explore.h"
#include "engine/world/sched.h"
#include "out.h"
#include "scenes.h"

int cli_parse_u64(const char *s, uint64_t *v)
{
	char *end;
	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*v = x;
	return 0;
}

int cli_usage(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "mapviz %s: ", cmd);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
	fprintf(stderr, "\n(see mapviz %s --help)\n", cmd);
	return 1;
}

/* Load a scene by path or bundled name; print the error and return -1. */
int load_scene_arg(const char *arg, struct scene *sc)
{
	char path[4096], err[1024];
	scenes_resolve(arg, path, sizeof path);
	if (scene_load(path, sc, err, sizeof err) != 0) {
		char near[128];
		fprintf(stderr, "%s\n", err);
		if (!strchr(arg, '/') && scenes_suggest(arg, near, sizeof near) == 0)
			fprintf(stderr, "did you mean '%s'? (mapviz list shows the bundled scenes)\n", near);
		return -1;
	}
	return 0;
}

static const char run_help[] =
	"usage: mapviz run SCENE [options]\n"
	"Run a scene without the TUI and print what happens.\n"
	"  --format text|jsonl     output format (default text)\n"
	"  --every op|step|event   print each completed op (default), every\n"
	"                          micro-step with its events, or events only\n"
	"  --state none|header|full  map state printed with each op (default:\n"
	"                          header for text, none for jsonl)\n"
	"  --until EVENT           stop after the first event of that kind\n"
	"  --steps N               stop after N micro-steps (without it, a scene\n"
	"                          must end within 1000000, as mapviz check says)\n"
	"  --seed N                override the schedule's seed\n"
	"  --go 1.19|1.26          model this Go release's map instead of the\n"
	"                          scene's go: (1.19: buckets, 1.26: Swiss tables)\n"
	"  --exec threads|inline   run each worker on its own thread, parked on a\n"
	"                          turnstile (default), or every step on this one;\n"
	"                          the output is the same byte for byte\n"
	"Exit status: 0 the scene ended normally, 2 it ended in a Go fatal error,\n"
	"panic or deadlock, 1 bad usage or a bad scene (one that does not end\n"
	"within 1000000 steps, unless --steps).\n";

int cmd_run(int argc, char **argv)
{
	const char *scene_arg = NULL;
	enum out_format format = OUT_TEXT;
	enum out_every every = OUT_EVERY_OP;
	int state = -1;
	const char *until = NULL;
	uint64_t max_steps = SCENE_MAX_STEPS, seed = 0;
	bool has_seed = false, threads = true, has_go = false, has_steps = false;
	enum mv_go go = MV_GO_1_19;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(run_help, stdout);
			return 0;
		} else if (strcmp(a, "--format") == 0) {
			if (!v || (strcmp(v, "text") && strcmp(v, "jsonl")))
				return cli_usage("run", "--format takes text or jsonl, found '%s'", v ? v : "");
			format = strcmp(v, "text") == 0 ? OUT_TEXT : OUT_JSONL;
			i++;
		} else if (strcmp(a, "--every") == 0) {
			if (!v || (strcmp(v, "op") && strcmp(v, "step") && strcmp(v, "event")))
				return cli_usage("run", "--every takes op, step or event, found '%s'", v ? v : "");
			every = strcmp(v, "op") == 0 ? OUT_EVERY_OP : strcmp(v, "step") == 0 ? OUT_EVERY_STEP : OUT_EVERY_EVENT;
			i++;
		} else if (strcmp(a, "--state") == 0) {
			if (!v || (strcmp(v, "none") && strcmp(v, "header") && strcmp(v, "full")))
				return cli_usage("run", "--state takes none, header or full, found '%s'", v ? v : "");
			state = strcmp(v, "none") == 0 ? OUT_STATE_NONE : strcmp(v, "header") == 0 ? OUT_STATE_HEADER : OUT_STATE_FULL;
			i++;
		} else if (strcmp(a, "--until") == 0) {
			if (!v || mv_event_lookup(v) < 0)
				return cli_usage("run", "--until takes an event name (e.g. grow_start, fatal), found '%s'", v ? v : "");
			until = v;
			i++;
		} else if (strcmp(a, "--steps") == 0) {
			if (cli_parse_u64(v, &max_steps))
				return cli_usage("run", "--steps takes a number, found '%s'", v ? v : "");
			has_steps = true;
			i++;
		} else if (strcmp(a, "--seed") == 0) {
			if (cli_parse_u64(v, &seed))
				return cli_usage("run", "--seed takes a number, found '%s'", v ? v : "");
			has_seed = true;
			i++;
		} else if (strcmp(a, "--go") == 0) {
			if (!v || !mv_go_parse(v, &go))
				return cli_usage("run", "--go takes 1.19 or 1.26, found '%s'", v ? v : "");
			has_go = true;
			i++;
		} else if (strcmp(a, "--exec") == 0) {
			if (!v || (strcmp(v, "inline") && strcmp(v, "threads")))
				return cli_usage("run", "--exec takes threads or inline, found '%s'", v ? v : "");
			threads = strcmp(v, "threads") == 0;
			i++;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage("run", "unknown option '%s'", a);
		} else if (!scene_arg) {
			scene_arg = a;
		} else {
			return cli_usage("run", "one scene at a time; found a second: '%s'", a);
		}
	}
	if (!scene_arg)
		return cli_usage("run", "%s", "which scene? e.g. mapviz run tour");
	struct scene sc;
	if (load_scene_arg(scene_arg, &sc) != 0)
		return 1;
	if (has_seed)
		sc.spec.sched.seed = seed;
	if (has_go)
		scene_select_go(&sc, go);
	struct mv_world w;
	enum mv_status st = mv_world_init(&w, &sc.spec);
	if (st != MV_OK) {
		const char *why = mv_world_unsupported(&sc.spec);
		fprintf(stderr, "%s: cannot run this scene: %s\n", sc.path, why ? why : mv_strerror(st));
		scene_free(&sc);
		return 1;
	}
	/* A scene that would not end is refused before anything is printed,
	 * with mapviz check's FILE:LINE:COL message (an inline run of at most
	 * SCENE_MAX_STEPS, after --seed and --go); --steps N runs it N steps. */
	if (!has_steps && check_ends(&sc, SCENE_MAX_STEPS, stderr) != 0) {
		mv_world_done(&w);
		scene_free(&sc);
		return 1;
	}
	struct out o;
	out_init(&o, stdout, &sc, &w);
	o.format = format;
	o.every = every;
	o.state = state >= 0 ? (enum out_state)state : format == OUT_TEXT ? OUT_STATE_HEADER : OUT_STATE_NONE;
	o.until = until ? mv_event_lookup(until) : -1;
	mv_world_observe(&w, out_observer(&o));
	out_begin(&o);
	uint64_t n = 0;
	struct mv_sched sched;
	if (threads && mv_sched_start(&sched, &w) != MV_OK) {
		fprintf(stderr, "mapviz run: cannot start worker threads; use --exec inline\n");
		threads = false;
	}
	while (n < max_steps && !o.until_hit && (threads ? mv_sched_advance(&sched) : mv_world_advance(&w)))
		n++;
	if (threads)
		mv_sched_stop(&sched);
	out_end(&o);
	fflush(stdout);
	int rc = 0;
	if (w.end == MV_END_FATAL || w.end == MV_END_PANIC || w.end == MV_END_DEADLOCK) {
		out_go_report(stderr, &w, &sc);
		rc = 2;
	}
	out_done(&o);
	mv_world_done(&w);
	scene_free(&sc);
	return rc;
}

/* ---- test ---- */

struct test_obs {
	bool seen[MV_EV__COUNT];
};

static void test_ev(void *ctx, uint32_t w, const struct mv_event *ev)
{
	struct test_obs *t = ctx;
	(void)w;
	t->seen[ev->kind] = true;
}

static const enum mv_end status_to_end[] = {
	[SCENE_ST_OK] = MV_END_OK,
	[SCENE_ST_FATAL] = MV_END_FATAL,
	[SCENE_ST_PANIC] = MV_END_PANIC,
	[SCENE_ST_DEADLOCK] = MV_END_DEADLOCK,
};

#define TEST_MAX_STEPS ((unsigned long long)SCENE_MAX_STEPS)

/* How long test may search one challenge's schedules. */
#define TEST_CHALLENGE_BUDGET_MS 10000

/* Whether class c is the challenge's goal (and its message, if it names one). */
static bool challenge_goal(const struct scene_challenge *ch, const struct mv_explore_class *c)
{
	if ((int)c->outcome != ch->goal)
		return false;
	return !ch->message || (c->message && strcmp(c->message, ch->message) == 0);
}

/* The goal's class of r with the shortest witness, or NULL. */
static const struct mv_explore_class *challenge_find(const struct scene_challenge *ch,
						     const struct mv_explore_result *r)
{
	const struct mv_explore_class *best = NULL;
	for (uint32_t i = 0; i < r->nclasses; i++)
		if (challenge_goal(ch, &r->classes[i]) && (!best || r->classes[i].nshortest < best->nshortest))
			best = &r->classes[i];
	return best;
}

/* "G1*2 G2 G1" (worker numbers as the TUI's 1-9 keys) of a witness. */
static void witness_text(const uint32_t *s, uint32_t n, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < n && o + 16 < cap;) {
		uint32_t k = i;
		while (k < n && s[k] == s[i])
			k++;
		int w = k - i > 1 ? snprintf(buf + o, cap - o, "%sG%u*%u", o ? " " : "", s[i] + 1, k - i)
				  : snprintf(buf + o, cap - o, "%sG%u", o ? " " : "", s[i] + 1);
		o += (size_t)w;
		i = k;
	}
	if (o + 16 >= cap && cap > 4)
		snprintf(buf + cap - 5, 5, "...");
}

/* The class engine/explore gives the run that ended in `ended` (a search
 * from an ended world covers exactly that run); -1 if it cannot. */
static int ended_class(const struct mv_world *ended, const struct mv_explore_class **cls,
		       struct mv_explore_result *r, char *why, size_t whylen)
{
	struct mv_explore_opts o = {.mode = MV_EXPLORE_ALL, .budget_ms = TEST_CHALLENGE_BUDGET_MS};
	enum mv_status st = mv_explore(ended, &o, r);
	if (st != MV_OK) {
		snprintf(why, whylen, "challenge: cannot classify the default run: explore: %s", mv_strerror(st));
		return -1;
	}
	if (r->nclasses != 1) {
		snprintf(why, whylen, "challenge: exploring the ended default run gave %u classes, expected 1",
			 r->nclasses);
		return -1;
	}
	*cls = &r->classes[0];
	return 0;
}

/*
 * The proof of a challenge: (a) a search from step 0 reaches the goal
 * within `within` steps (or, for an impossible one, a complete search never
 * reaches it), and (b) the scene's default run, `ended`, does not.  On
 * success a summary in proof, else the reason in why; 0 or 1.
 */
static int prove_challenge(const struct scene *sc, const struct mv_world *ended, char *proof, size_t prooflen,
			   char *why, size_t whylen)
{
	const struct scene_challenge *ch = &sc->challenge;
	const char *goal = mv_outcome_name((enum mv_outcome)ch->goal);
	struct mv_explore_result def, r;
	const struct mv_explore_class *dc = NULL;
	char wit[160], dtext[200];
	memset(&def, 0, sizeof def);
	memset(&r, 0, sizeof r);
	if (ended_class(ended, &dc, &def, why, whylen)) {
		mv_explore_result_free(&def);
		return 1;
	}
	snprintf(dtext, sizeof dtext, "%s%s%s", mv_outcome_name(dc->outcome), dc->message ? ": " : "",
		 dc->message ? dc->message : "");
	if (challenge_goal(ch, dc)) {
		snprintf(why, whylen, "challenge: the default schedule already reaches the goal (%s)", dtext);
		mv_explore_result_free(&def);
		return 1;
	}
	mv_explore_result_free(&def);

	struct mv_world w;
	enum mv_status st = mv_world_init(&w, &sc->spec);
	if (st == MV_OK) {
		struct mv_explore_opts o = {
			.mode = MV_EXPLORE_REDUCED,
			.budget_ms = TEST_CHALLENGE_BUDGET_MS,
			/* a run cut short is not classified: a goal that is only
			 * known at the end (a lost update, an uncaught race) is
			 * judged against whole serial runs, which are cut too */
			.max_depth = ch->impossible || ch->goal == MV_OUT_LOST_UPDATE ||
					     ch->goal == MV_OUT_RACE_UNDETECTED
					 ? 0
					 : ch->within,
		};
		st = mv_explore(&w, &o, &r);
		mv_world_done(&w);
	}
	if (st != MV_OK) {
		snprintf(why, whylen, "challenge: cannot search its schedules: %s", mv_strerror(st));
		mv_explore_result_free(&r);
		return 1;
	}
	const struct mv_explore_class *c = challenge_find(ch, &r);
	int rc = 0;
	if (ch->impossible) {
		if (c) {
			witness_text(c->shortest, c->nshortest, wit, sizeof wit);
			snprintf(why, whylen, "challenge: marked impossible, but %s is reached in %u steps by %s", goal,
				 c->nshortest, wit);
			rc = 1;
		} else if (!r.complete || r.cut) {
			snprintf(why, whylen, "challenge: marked impossible, but the search did not cover every "
				 "schedule (%" PRIu64 " runs in %.1f s%s), expected a complete search", r.runs,
				 r.seconds, r.cut ? ", some cut" : "");
			rc = 1;
		} else {
			snprintf(proof, prooflen, "challenge: %s never happens (a complete search, %" PRIu64
				 " runs); %s ends %s", goal, r.runs,
				 sc->spec.sched.policy == MV_POLICY_SCRIPT ? "the script" : "round-robin", dtext);
		}
	} else if (!c || c->nshortest > ch->within) {
		snprintf(why, whylen, "challenge: %s%s%s not reached within %" PRIu64 " steps (%" PRIu64
			 " runs searched%s)", goal, ch->message ? ": " : "", ch->message ? ch->message : "",
			 ch->within, r.runs, r.complete ? ", all of them" : ", search incomplete");
		rc = 1;
	} else {
		witness_text(c->shortest, c->nshortest, wit, sizeof wit);
		snprintf(proof, prooflen, "challenge: won in %u steps by %s; round-robin ends %s", c->nshortest, wit,
			 dtext);
	}
	mv_explore_result_free(&r);
	return rc;
}

/* Run one scene (on *go when go is set) against its expect block; print
 * a line; 0 if it passed, 1 if not. */
static int test_one(const char *arg, const enum mv_go *go)
{
	struct scene sc;
	char why[512] = "";
	if (load_scene_arg(arg, &sc) != 0) {
		printf("FAIL %s: the scene does not load\n", arg);
		return 1;
	}
	if (go) {
		scene_select_go(&sc, *go);
	}
	struct mv_world w;
	enum mv_status st = mv_world_init(&w, &sc.spec);
	if (st != MV_OK) {
		const char *reason = mv_world_unsupported(&sc.spec);
		printf("FAIL %s: cannot run: %s\n", sc.name, reason ? reason : mv_strerror(st));
		scene_free(&sc);
		return 1;
	}
	struct test_obs t = {{0}};
	struct mv_observer obs = {.event = test_ev, .ctx = &t};
	mv_world_observe(&w, &obs);
	uint64_t n = 0;
	while (n < TEST_MAX_STEPS && mv_world_advance(&w))
		n++;
	const struct scene_expect *e = &sc.expect;
	enum mv_end want = e->has_status ? status_to_end[e->status] : MV_END_OK;
	const struct mv_map *m = w.nmaps ? &w.maps[0] : NULL;
	if (!mv_world_ended(&w))
		snprintf(why, sizeof why, "did not end within %llu steps", TEST_MAX_STEPS);
	else if (w.end != want)
		snprintf(why, sizeof why, "expected status %s, got %s%s%s", mv_end_name(want), mv_end_name(w.end),
			 w.message ? ": " : "", w.message ? w.message : "");
	else if (e->message && (!w.message || strcmp(e->message, w.message) != 0))
		snprintf(why, sizeof why, "expected message \"%s\", got \"%s\"", e->message,
			 w.message ? w.message : "");
	else {
		const struct {
			const char *name;
			int64_t want;
		} chk[] = {
#define CHECK_ROW(name) {#name, e->state.name},
			SCENE_STATE_FIELDS(CHECK_ROW)
#undef CHECK_ROW
		};
		for (size_t i = 0; i < sizeof chk / sizeof chk[0] && !why[0]; i++) {
			int64_t got;
			if (chk[i].want < 0)
				continue;
			if (!m)
				snprintf(why, sizeof why, "expect.state checks a built-in map's header; a sync.Map has none");
			else if (!m->eng->header_field(&m->u, chk[i].name, &got))
				snprintf(why, sizeof why, "expect.state.%s is not a field of Go %s's map", chk[i].name,
					 mv_go_name(m->eng->go));
			else if (chk[i].want != got)
				snprintf(why, sizeof why, "expected %s %" PRId64 " at the end, got %" PRId64, chk[i].name,
					 chk[i].want, got);
		}
		for (uint32_t i = 0; i < e->nevents && !why[0]; i++)
			if (!t.seen[e->events[i]])
				snprintf(why, sizeof why, "expected a %s event, none happened",
					 mv_event_name((enum mv_event_kind)e->events[i]));
		if (e->has_leaked && !why[0]) {
			uint64_t want_leaked = 0;
			for (uint32_t i = 0; i < e->nleaked; i++)
				for (uint32_t k = 0; k < w.nworkers; k++)
					if (strcmp(sc.spec.workers[k].name, e->leaked[i]) == 0)
						want_leaked |= (uint64_t)1 << k;
			if (want_leaked != w.leaked)
				snprintf(why, sizeof why, "expected leaked workers %#llx, got %#llx",
					 (unsigned long long)want_leaked, (unsigned long long)w.leaked);
		}
		for (uint32_t i = 0; i < e->nno_events && !why[0]; i++)
			if (t.seen[e->no_events[i]])
				snprintf(why, sizeof why, "expected no %s event, one happened",
					 mv_event_name((enum mv_event_kind)e->no_events[i]));
	}
	char proof[640] = "";
	if (!why[0] && sc.challenge.present)
		prove_challenge(&sc, &w, proof, sizeof proof, why, sizeof why);
	if (why[0])
		printf("FAIL %s: %s\n", sc.name, why);
	else
		printf("ok   %s (%s, %" PRIu64 " steps)%s%s\n", sc.name, mv_end_name(w.end), w.step,
		       proof[0] ? "; " : "", proof);
	mv_world_done(&w);
	scene_free(&sc);
	return why[0] ? 1 : 0;
}

int cmd_test(int argc, char **argv)
{
	int passed = 0, failed = 0;
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts("usage: mapviz test [--go 1.19|1.26] [SCENE...]\n"
		     "Run scenes headless against their expect blocks (default: every bundled\n"
		     "scene) and end with 'N passed, N failed'. Exit 1 if any failed.\n"
		     "--go runs them on that Go release's map instead of their go:.\n"
		     "A scene with a challenge: must also be winnable: a schedule search\n"
		     "(mapviz explore, at most 10 s) reaches its goal within its step limit,\n"
		     "and the default round-robin run does not; an impossible: true one\n"
		     "must never reach it.  The line then shows the shortest win.");
		return 0;
	}
	enum mv_go go_v;
	const enum mv_go *go = NULL;
	if (argc > 1 && strcmp(argv[1], "--go") == 0) {
		if (argc < 3 || !mv_go_parse(argv[2], &go_v))
			return cli_usage("test", "--go takes 1.19 or 1.26, found '%s'", argc < 3 ? "" : argv[2]);
		go = &go_v;
		argc -= 2;
		argv += 2;
	}
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			*(test_one(argv[i], go) ? &failed : &passed) += 1;
	} else {
		size_t n;
		char **v = scenes_list(&n);
		if (!v) {
			fprintf(stderr, "mapviz test: no bundled scenes found (set MAPVIZ_SCENES)\n");
			return 1;
		}
		for (size_t i = 0; i < n; i++) {
			*(test_one(v[i], go) ? &failed : &passed) += 1;
			free(v[i]);
		}
		free(v);
	}
	printf("scenes: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* ---- list ---- */

int cmd_list(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return scenes_print_list(stdout);
}
