/* cmd_check: validate scene files, warn about what misleads; see cmd_check.h. */
#include "cmd_check.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"
#include "engine/explore/explore.h"
#include "engine/world/world.h"
#include "scenes.h"

/* One finding: a line for f, kept to be printed in file order. */
struct finding {
	struct scene_pos at;
	uint32_t seq;
	char *line;
};

struct report {
	const struct scene *sc;
	FILE *f;
	bool errors_only; /* warnings are counted, not printed */
	int warnings;
	struct finding *v;
	uint32_t n, cap;
};

static void finding(struct report *r, bool warning, struct scene_pos at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void finding(struct report *r, bool warning, struct scene_pos at, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];
	if (warning)
		r->warnings++;
	if (!r->f || (warning && r->errors_only))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	size_t len = strlen(r->sc->path) + strlen(msg) + 64;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->v = mv_xrealloc(r->v, r->cap * sizeof *r->v);
	}
	struct finding *fd = &r->v[r->n];
	fd->at = at;
	fd->seq = r->n++;
	fd->line = mv_xmalloc(len);
	snprintf(fd->line, len, "%s:%u:%u: %s%s", r->sc->path, at.line, at.col, warning ? "warning: " : "", msg);
}

static int finding_cmp(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	if (x->at.line != y->at.line)
		return x->at.line < y->at.line ? -1 : 1;
	if (x->at.col != y->at.col)
		return x->at.col < y->at.col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Print the findings in file order; free them. */
static void report_flush(struct report *r)
{
	if (r->n)
		qsort(r->v, r->n, sizeof *r->v, finding_cmp);
	for (uint32_t i = 0; i < r->n; i++) {
		fprintf(r->f, "%s\n", r->v[i].line);
		free(r->v[i].line);
	}
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

static struct scene_pos instr_pos(const struct mv_instr *in)
{
	return (struct scene_pos){in->line, in->col};
}

/* Columns the TUI gives s: one per character (app/tui/canvas.c). */
static size_t text_cols(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* ---- what the file says ---- */

static void check_captions(struct report *r)
{
	const struct scene *sc = r->sc;
	size_t n;
	for (uint32_t i = 0; i < sc->nnotes; i++)
		if ((n = text_cols(sc->notes[i].say)) > CHECK_CAPTION_COLS)
			finding(r, true, sc->notes[i].say_pos,
				"found a caption of %zu characters, expected at most %d (the caption line of an "
				"80-column screen cuts the rest)", n, CHECK_CAPTION_COLS);
	const struct scene_challenge *ch = &sc->challenge;
	if (ch->present && ch->say_win && (n = text_cols(ch->say_win)) > CHECK_CAPTION_COLS)
		finding(r, true, ch->say_win_pos,
			"found a challenge.say_win of %zu characters, expected at most %d (it stands in the "
			"caption line of an 80-column screen, which cuts the rest)", n, CHECK_CAPTION_COLS);
	if (ch->present && ch->say_lose && (n = text_cols(ch->say_lose)) > CHECK_CAPTION_COLS)
		finding(r, true, ch->say_lose_pos,
			"found a challenge.say_lose of %zu characters, expected at most %d (it stands in the "
			"caption line of an 80-column screen, which cuts the rest)", n, CHECK_CAPTION_COLS);
	if (sc->summary && (n = text_cols(sc->summary)) > CHECK_CAPTION_COLS)
		finding(r, true, sc->summary_pos,
			"found a summary of %zu characters, expected at most %d (it stands in the caption line "
			"of an 80-column screen, which cuts the rest)", n, CHECK_CAPTION_COLS);
}

/* Whether expect.leaked names worker w (or a challenge asks for a leak). */
static bool expected_leak(const struct scene *sc, uint32_t w)
{
	if (sc->challenge.present && sc->challenge.goal == MV_OUT_LEAK)
		return true;
	for (uint32_t i = 0; sc->expect.has_leaked && i < sc->expect.nleaked; i++)
		if (strcmp(sc->expect.leaked[i], sc->spec.workers[w].name) == 0)
			return true;
	return false;
}

/* A signal that is waited on and never closed blocks its waiters for good
 * (fine if the scene expects them leaked); one closed and never waited on
 * releases nobody. */
static void check_signals(struct report *r)
{
	const struct mv_world_spec *sp = &r->sc->spec;
	for (uint32_t s = 0; s < sp->nsignals; s++) {
		const struct mv_instr *close = NULL, *wait = NULL;
		bool all_leak = true;
		for (uint32_t w = 0; w < sp->nworkers; w++) {
			const struct mv_program *p = &sp->workers[w].prog;
			for (uint32_t k = 0; k < p->n; k++) {
				const struct mv_instr *in = &p->instrs[k];
				if (in->ref != s || (in->kind != MV_I_CLOSE && in->kind != MV_I_WAIT))
					continue;
				if (in->kind == MV_I_CLOSE && !close)
					close = in;
				if (in->kind == MV_I_WAIT) {
					if (!wait)
						wait = in;
					all_leak = all_leak && expected_leak(r->sc, w);
				}
			}
		}
		const char *name = sp->signals[s];
		if (wait && !close && !all_leak)
			finding(r, true, instr_pos(wait),
				"found wait on signal '%s', which no worker closes, expected a close: {signal: %s} "
				"somewhere (or the waiter blocks for good; list it in expect.leaked if that is the "
				"point)", name, name);
		if (close && !wait)
			finding(r, true, instr_pos(close),
				"found close on signal '%s', on which no worker waits, expected a wait: {signal: %s} "
				"somewhere (or no close)", name, name);
	}
}

/* ---- what the scene does ---- */

/* "name" or "name*N": schedule.script entry e as written. */
static const char *entry_text(const struct scene *sc, const struct scene_script_entry *e, char *buf, size_t cap)
{
	const char *name = sc->spec.workers[sc->spec.sched.script[e->first]].name;
	if (e->n == 1)
		snprintf(buf, cap, "%s", name);
	else
		snprintf(buf, cap, "%s*%" PRIu32, name, e->n);
	return buf;
}

/* Script entries none of whose steps ran: skipped[k] (its worker could not
 * run when the script came to it), ran[k], or never reached. */
static void check_script(struct report *r, const bool *ran, const bool *reached, uint64_t end_step)
{
	const struct scene *sc = r->sc;
	char text[160];
	if (sc->nscript && sc->spec.sched.policy != MV_POLICY_SCRIPT) {
		static const char *const policy[] = {"roundrobin", "random", "script", "manual"};
		finding(r, true, sc->script[0].pos,
			"found schedule.script with policy %s, which does not follow it, expected policy: script",
			policy[sc->spec.sched.policy]);
		return;
	}
	for (uint32_t i = 0; i < sc->nscript; i++) {
		const struct scene_script_entry *e = &sc->script[i];
		bool any_ran = false, any_reached = false;
		for (uint32_t k = e->first; k < e->first + e->n; k++) {
			any_ran |= ran[k];
			any_reached |= reached[k];
		}
		if (any_ran)
			continue;
		const char *name = sc->spec.workers[sc->spec.sched.script[e->first]].name;
		if (any_reached)
			finding(r, true, e->pos,
				"found '%s' in schedule.script, but it never runs: worker '%s' cannot run when "
				"the script comes to it (blocked, asleep or finished), expected a worker that can",
				entry_text(sc, e, text, sizeof text), name);
		else
			finding(r, true, e->pos,
				"found '%s' in schedule.script, but the scene ends (at step %" PRIu64 ") before "
				"the script comes to it, expected a script that ends with the scene",
				entry_text(sc, e, text, sizeof text), end_step);
	}
}

static void check_notes_at(struct report *r, uint64_t end_step)
{
	const struct scene *sc = r->sc;
	for (uint32_t i = 0; i < sc->nnotes; i++)
		if (!sc->notes[i].on_event && sc->notes[i].step > end_step)
			finding(r, true, sc->notes[i].at,
				"found a note at step %" PRIu64 ", but the scene ends at step %" PRIu64
				" (on its own schedule), expected a step from 0 to %" PRIu64,
				sc->notes[i].step, end_step, end_step);
}

/*
 * Run the scene as `mapviz test` does, noting which script steps were
 * reached and which ran.  -1 (reported) if it cannot run or does not end.
 */
static int check_run(struct report *r, uint64_t max_steps)
{
	const struct scene *sc = r->sc;
	const struct mv_sched_spec *ss = &sc->spec.sched;
	struct mv_world w;
	enum mv_status st = mv_world_init(&w, &sc->spec);
	if (st != MV_OK) {
		const char *why = mv_world_unsupported(&sc->spec);
		finding(r, false, (struct scene_pos){1, 1}, "cannot run this scene: %s", why ? why : mv_strerror(st));
		mv_world_done(&w);
		return -1;
	}
	bool *ran = mv_xcalloc(ss->nscript + 1u, sizeof *ran);
	bool *reached = mv_xcalloc(ss->nscript + 1u, sizeof *reached);
	while (!mv_world_ended(&w) && w.step < max_steps) {
		uint64_t pos = w.script_pos;
		int32_t i = mv_world_pick(&w);
		if (i < 0)
			break;
		for (uint64_t k = pos; k < w.script_pos && k < ss->nscript; k++)
			reached[k] = true;
		/* the last entry taken is the one that runs, if it names who runs */
		if (w.script_pos > pos && w.script_pos <= ss->nscript && ss->script[w.script_pos - 1] == (uint32_t)i)
			ran[w.script_pos - 1] = true;
		mv_world_step(&w, (uint32_t)i);
	}
	int rc = 0;
	if (!mv_world_ended(&w)) {
		/* where it is stuck: the outermost loop around the worker that ran last */
		uint32_t c = w.current < w.nworkers ? w.current : 0;
		const struct mv_worker *wk = &w.workers[c];
		const struct mv_instr *in = wk->depth ? &sc->spec.workers[c].prog.instrs[wk->frames[0].pc]
						      : mv_world_instr(&w, c);
		struct scene_pos at = in ? instr_pos(in) : (struct scene_pos){1, 1};
		finding(r, false, at,
			"found a scene that does not end within %" PRIu64 " steps (worker '%s' is still in this "
			"%s), expected one that ends (fewer repeat times or sleep steps)",
			max_steps, sc->spec.workers[c].name, in ? mv_instr_name(in->kind) : "program");
		rc = -1;
	} else {
		check_notes_at(r, w.step);
		check_script(r, ran, reached, w.step);
	}
	free(ran);
	free(reached);
	mv_world_done(&w);
	return rc;
}

int check_scene(const struct scene *sc, uint64_t max_steps, FILE *f)
{
	struct report r = {sc, f, false, 0, NULL, 0, 0};
	if (check_run(&r, max_steps) < 0) {
		report_flush(&r);
		return -1;
	}
	check_captions(&r);
	check_signals(&r);
	report_flush(&r);
	return r.warnings;
}

int check_ends(const struct scene *sc, uint64_t max_steps, FILE *f)
{
	struct report r = {sc, f, true, 0, NULL, 0, 0};
	int rc = check_run(&r, max_steps);
	report_flush(&r);
	return rc < 0 ? -1 : 0;
}

/* ---- mapviz check ---- */

int cmd_check(int argc, char **argv)
{
	static const char usage[] =
		"usage: mapviz check [--strict] SCENE...\n"
		"Validate scenes (paths or bundled scene names).  Each error is one line,\n"
		"FILE:LINE:COL: what was found, what was expected.  Each scene also runs on\n"
		"its own schedule: one that does not end within 1000000 steps is an error.\n"
		"Warnings (FILE:LINE:COL: warning: ...): a caption or summary too long for\n"
		"80 columns, a note at a step past the scene's end, a signal waited on but\n"
		"never closed (or closed and never waited on), a schedule.script entry\n"
		"that never runs.\n"
		"  --strict    warnings are errors\n"
		"Exit 1 if any scene is bad (or, with --strict, has a warning), else 0.\n";
	int bad = 0, npaths = 0;
	bool strict = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return 0;
		} else if (strcmp(argv[i], "--strict") == 0) {
			strict = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "mapviz check: unknown option '%s'\n%s", argv[i], usage);
			return 1;
		} else {
			npaths++;
		}
	}
	if (npaths == 0) {
		fputs(usage, stderr);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1])
			continue;
		struct scene s;
		char err[1024], path[4096];
		scenes_resolve(argv[i], path, sizeof path);
		if (scene_load(path, &s, err, sizeof err) != 0) {
			fprintf(stderr, "%s\n", err);
			bad = 1;
			continue;
		}
		fflush(stdout); /* findings and ok lines in order on a shared terminal */
		int w = check_scene(&s, SCENE_MAX_STEPS, stderr);
		if (w < 0 || (strict && w > 0))
			bad = 1;
		else if (w > 0)
			printf("%s: ok (%d warning%s)\n", argv[i], w, w == 1 ? "" : "s");
		else
			printf("%s: ok\n", argv[i]);
		scene_free(&s);
	}
	fflush(stdout);
	return bad;
}
