/*
 * cmd_explore: `mapviz explore SCENE` — search the scene's schedules
 * (engine/explore), print each outcome class with its count and shortest
 * witness (text or one JSON object), and with --save write each witness
 * as a scene that `mapviz run` replays to the same outcome.
 */
#include "cmd_explore.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd_run.h"
#include "engine/core/alloc.h"
#include "engine/world/world.h"
#include "out_fmt.h"
#include "yamltree.h"

static const char explore_help[] =
	"usage: mapviz explore SCENE [options]\n"
	"Run every way the scene's workers can interleave (at the scene's\n"
	"granularity: step, or op) and sort the runs by outcome: ok, fatal:\n"
	"MESSAGE, panic: MESSAGE, deadlock, leak, lost_update (ended ok, but the\n"
	"map holds what no serial order of the workers leaves), race_undetected\n"
	"(ended ok, but the race detector saw a data race).  For each class: how\n"
	"many runs, and the shortest schedule that gets there.\n"
	"  (default)             reduced search: one order of steps that commute\n"
	"                        (touch different maps, locks, signals) is enough;\n"
	"                        finds the same classes as --all, in fewer steps\n"
	"  --all                 every interleaving: the counts are the true numbers\n"
	"                        of distinct schedules\n"
	"  --random N            sample N schedules (a uniform choice at each step)\n"
	"  --pct D               --random samples PCT-style instead: random worker\n"
	"                        priorities, D - 1 random points where the running\n"
	"                        worker drops to the lowest (finds bugs of depth D)\n"
	"  --seed S              the sampler's seed (default 1)\n"
	"  --budget SECONDS      stop after this long (default 60; 0: no limit); the\n"
	"                        search is then incomplete\n"
	"  --max-runs N          stop after N complete runs (incomplete)\n"
	"  --max-depth N         cut runs longer than N steps (default 1000000)\n"
	"  --save DIR            write each class's witness as DIR/SCENE-CLASS.yaml:\n"
	"                        the scene with schedule: {policy: script, ...} and\n"
	"                        expect: the class (mapviz run replays it exactly)\n"
	"  --force               let --save overwrite files\n"
	"  --format text|json    output format (default text)\n"
	"  --go 1.19|1.26        model this Go release instead of the scene's go:\n"
	"Memory: the search keeps one world copy per branching step of the run\n"
	"being explored, at most 512 MiB of them; deeper branches are cut (and the\n"
	"search reported incomplete).\n"
	"Exit status: 0 the search ran (whatever it found), 1 bad usage or a bad\n"
	"scene.\n";

static int usage(const char *fmt, const char *arg) __attribute__((format(printf, 1, 0)));

static int usage(const char *fmt, const char *arg)
{
	return cli_usage("explore", fmt, arg);
}


/* ---- names ---- */

void explore_class_label(const struct mv_explore_class *c, char *buf, size_t len)
{
	if (c->message)
		snprintf(buf, len, "%s: %s", mv_outcome_name(c->outcome), c->message);
	else
		snprintf(buf, len, "%s", mv_outcome_name(c->outcome));
}

void explore_class_slug(const struct mv_explore_class *c, char *buf, size_t len)
{
	char label[512];
	explore_class_label(c, label, sizeof label);
	size_t o = 0;
	bool dash = false;
	for (const char *p = label; *p && o + 1 < len && o < 80; p++) {
		char ch = *p;
		bool keep = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
			    (ch >= 'A' && ch <= 'Z');
		if (keep) {
			if (dash && o && o + 2 < len)
				buf[o++] = '-';
			dash = false;
			buf[o++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
		} else {
			dash = true;
		}
	}
	buf[o] = '\0';
}

void explore_print_witness(FILE *f, const struct scene *sc, const uint32_t *wit, uint32_t n)
{
	for (uint32_t k = 0; k < n;) {
		uint32_t j = k;
		while (j < n && wit[j] == wit[k])
			j++;
		fprintf(f, "%s%s", k ? " " : "", sc->spec.workers[wit[k]].name);
		if (j - k > 1)
			fprintf(f, "*%" PRIu32, j - k);
		k = j;
	}
}

static const char *mode_name(enum mv_explore_mode m)
{
	return m == MV_EXPLORE_ALL ? "all" : m == MV_EXPLORE_RANDOM ? "random" : "reduced";
}

/* ---- output ---- */

static void print_text(FILE *f, const struct scene *sc, const struct mv_explore_result *r,
		       const struct mv_explore_opts *o, const char *stop_why)
{
	fprintf(f, "%s (Go %s): ", sc->name, mv_go_name(sc->spec.map.go));
	if (r->mode == MV_EXPLORE_RANDOM)
		fprintf(f, "%" PRIu64 " random schedules (%s, seed %" PRIu64 ")\n", r->runs,
			o->pct_depth ? "PCT" : "uniform", o->seed);
	else
		fprintf(f, "%s search, %s\n", r->mode == MV_EXPLORE_ALL ? "every interleaving (--all)" : "reduced",
			r->complete ? "complete" : "incomplete");
	size_t width = 0;
	for (uint32_t i = 0; i < r->nclasses; i++) {
		char label[512];
		explore_class_label(&r->classes[i], label, sizeof label);
		if (strlen(label) > width)
			width = strlen(label);
	}
	for (uint32_t i = 0; i < r->nclasses; i++) {
		const struct mv_explore_class *c = &r->classes[i];
		char label[512];
		explore_class_label(c, label, sizeof label);
		double p = r->runs ? (double)c->runs / (double)r->runs : 0;
		fprintf(f, "  %-*s %10" PRIu64 " runs %6.2f%%", (int)width, label, c->runs, 100 * p);
		if (r->mode == MV_EXPLORE_RANDOM && r->runs)
			fprintf(f, " (+-%.2f%%)", 100 * 1.96 * sqrt(p * (1 - p) / (double)r->runs));
		fprintf(f, "  shortest %" PRIu32 ": ", c->nshortest);
		explore_print_witness(f, sc, c->shortest, c->nshortest);
		fputc('\n', f);
	}
	if (!r->nclasses)
		fprintf(f, "  no run ended\n");
	double sps = r->seconds > 0 ? (double)r->steps / r->seconds : 0;
	fprintf(f, "%" PRIu64 " runs, %" PRIu64 " steps executed, %.3f s (%.0f steps/s)\n", r->runs, r->steps,
		r->seconds, sps);
	if (r->mode == MV_EXPLORE_RANDOM)
		fprintf(f, "frequencies are estimates from a sample of %" PRIu64 " runs (95%% interval)\n", r->runs);
	if (r->mode == MV_EXPLORE_REDUCED)
		fprintf(f, "reduced: %" PRIu64 " steps executed; orders of commuting steps were run once "
			   "(mapviz explore --all counts every interleaving)\n",
			r->steps);
	if (r->cut)
		fprintf(f, "%" PRIu64 " runs cut at %" PRIu64 " steps (--max-depth), not classified\n", r->cut,
			o->max_depth ? o->max_depth : 1000000);
	if (!r->complete && r->mode != MV_EXPLORE_RANDOM)
		fprintf(f, "incomplete: %s; other classes may exist\n", stop_why);
}

static void print_json(FILE *f, const struct scene *sc, const struct mv_explore_result *r)
{
	fprintf(f, "{\"mode\":\"%s\",\"complete\":%s,\"runs\":%" PRIu64 ",\"steps_executed\":%" PRIu64
		   ",\"seconds\":%.6f,\"classes\":[",
		mode_name(r->mode), r->complete ? "true" : "false", r->runs, r->steps, r->seconds);
	for (uint32_t i = 0; i < r->nclasses; i++) {
		const struct mv_explore_class *c = &r->classes[i];
		char label[512];
		explore_class_label(c, label, sizeof label);
		fprintf(f, "%s{\"outcome\":", i ? "," : "");
		out_json_string(f, label, strlen(label));
		fprintf(f, ",\"runs\":%" PRIu64 ",\"shortest\":[", c->runs);
		for (uint32_t k = 0; k < c->nshortest; k++) {
			const char *name = sc->spec.workers[c->shortest[k]].name;
			if (k)
				fputc(',', f);
			out_json_string(f, name, strlen(name));
		}
		fprintf(f, "]}");
	}
	fprintf(f, "]}\n");
}

/* ---- --save ---- */

struct sbuf {
	char *s;
	size_t n, cap;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		while (b->n + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 1024;
		b->s = mv_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

/* s as a YAML double-quoted scalar. */
static void sb_quoted(struct sbuf *b, const char *s)
{
	sb_str(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			sb_put(b, esc, 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof esc, "\\x%02x", *p);
			sb_str(b, esc);
		} else {
			sb_put(b, (const char *)p, 1);
		}
	}
	sb_str(b, "\"");
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct sbuf b = {0};
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sb_put(&b, chunk, n);
	fclose(f);
	if (!b.s)
		sb_put(&b, "", 0);
	*len = b.n;
	return b.s;
}

/* A finished replay of the scene's own schedule: how it ended. */
struct replay {
	enum mv_end end;
	const char *message;
	uint64_t leaked;
	bool raced;
	bool ended;
};

static void replay_scene(const struct scene *sc, struct replay *rp)
{
	struct mv_world w;
	memset(rp, 0, sizeof *rp);
	if (mv_world_init(&w, &sc->spec) != MV_OK) {
		mv_world_done(&w);
		return;
	}
	for (uint64_t n = 0; n < SCENE_MAX_STEPS && mv_world_advance(&w); n++)
		;
	rp->ended = mv_world_ended(&w);
	rp->end = w.end;
	rp->message = w.message;
	rp->leaked = w.leaked;
	rp->raced = w.nrace_seen > 0;
	mv_world_done(&w);
}

static bool class_matches(const struct mv_explore_class *c, const struct replay *rp)
{
	if (!rp->ended)
		return false;
	switch (c->outcome) {
	case MV_OUT_FATAL:
	case MV_OUT_PANIC:
		return rp->end == (c->outcome == MV_OUT_FATAL ? MV_END_FATAL : MV_END_PANIC) && rp->message &&
		       strcmp(rp->message, c->message) == 0;
	case MV_OUT_DEADLOCK:
		return rp->end == MV_END_DEADLOCK;
	case MV_OUT_LEAK:
		return rp->end == MV_END_OK && rp->leaked;
	case MV_OUT_RACE_UNDETECTED:
		return rp->end == MV_END_OK && !rp->leaked && rp->raced;
	case MV_OUT_OK:
		return rp->end == MV_END_OK && !rp->leaked && !rp->raced;
	case MV_OUT_LOST_UPDATE:
		return rp->end == MV_END_OK && !rp->leaked;
	}
	return false;
}

/* Remove the top-level keys named in drop (with their values) from the
 * scene text; false if the top level is not a block mapping. */
static bool strip_keys(const struct ytree *t, const char *src, size_t len, const char *const *drop,
		       struct sbuf *out)
{
	if (t->n == 0 || t->nodes[0].kind != YN_MAP || t->nodes[0].style == YS_FLOW)
		return false;
	size_t at = 0;
	uint32_t c = 1;
	while (c < t->nodes[0].end) {
		uint32_t v = t->nodes[c].end;
		uint32_t next = v < t->nodes[0].end ? t->nodes[v].end : t->nodes[0].end;
		const char *name = ytree_str(t, c);
		bool gone = false;
		for (const char *const *d = drop; *d; d++)
			gone |= strcmp(name, *d) == 0;
		if (gone) {
			size_t from = t->nodes[c].src;
			size_t to = next < t->nodes[0].end ? t->nodes[next].src : len;
			if (t->nodes[c].col != 1)
				return false;
			sb_put(out, src + at, from - at);
			at = to;
		}
		c = next;
	}
	sb_put(out, src + at, len - at);
	if (out->n && out->s[out->n - 1] != '\n')
		sb_str(out, "\n");
	return true;
}

/* The worker names as the file writes them (the loader makes control
 * characters visible in sc's copies). */
static const char *raw_worker_name(const struct ytree *t, uint32_t i, const char *fallback)
{
	uint32_t ws = ytree_get(t, 0, "workers");
	uint32_t item = ws == YTREE_NONE ? YTREE_NONE : ytree_item(t, ws, i);
	uint32_t nm = item == YTREE_NONE ? YTREE_NONE : ytree_get(t, item, "name");
	return nm == YTREE_NONE ? fallback : ytree_str(t, nm);
}

static int save_class(const struct scene *sc, const char *src, size_t len, const struct ytree *t,
		      const struct mv_explore_class *c, const char *dir, bool force, char *path,
		      size_t pathlen)
{
	char slug[128];
	explore_class_slug(c, slug, sizeof slug);
	snprintf(path, pathlen, "%s/%s-%s.yaml", dir, sc->name, slug);
	if (!force) {
		struct stat stt;
		if (stat(path, &stt) == 0) {
			fprintf(stderr, "mapviz explore: %s exists (use --force to overwrite)\n", path);
			return -1;
		}
	}
	static const char *const drop[] = {"schedule", "expect", "versions", "challenge", "go", NULL};
	struct sbuf b = {0};
	if (!strip_keys(t, src, len, drop, &b)) {
		fprintf(stderr, "%s: cannot save a witness: the scene's top level is not a block mapping\n",
			sc->path);
		free(b.s);
		return -1;
	}
	/* the Go release the search modelled */
	sb_str(&b, "go: \"");
	sb_str(&b, mv_go_name(sc->spec.map.go));
	sb_str(&b, "\"\n");
	/* the script: one entry per step, except in op granularity the steps
	 * the schedule does not choose (a started op runs on) */
	struct mv_world w;
	if (mv_world_init(&w, &sc->spec) != MV_OK) {
		mv_world_done(&w);
		free(b.s);
		return -1;
	}
	bool op_gran = sc->spec.sched.granularity == MV_GRAN_OP;
	{
		char head[256];
		snprintf(head, sizeof head,
		         "# mapviz explore: the shortest schedule that ends in %s (%" PRIu32 " steps)\n", slug,
		         c->nshortest);
		sb_str(&b, head);
	}
	sb_str(&b, "schedule:\n  policy: script\n");
	if (op_gran)
		sb_str(&b, "  granularity: op\n");
	sb_str(&b, "  script: [");
	uint32_t prev = UINT32_MAX, run = 0;
	bool first = true;
	for (uint32_t k = 0; k <= c->nshortest; k++) {
		bool chosen = false;
		uint32_t wk = 0;
		if (k < c->nshortest) {
			wk = c->shortest[k];
			chosen = !(op_gran && mv_world_runnable(&w, w.current) && w.workers[w.current].mid_op);
			mv_world_step(&w, wk);
		}
		if (k < c->nshortest && chosen && wk == prev) {
			run++;
			continue;
		}
		if (k < c->nshortest && !chosen)
			continue;
		if (run) {
			char num[24];
			if (!first)
				sb_str(&b, ", ");
			first = false;
			const char *name = raw_worker_name(t, prev, sc->spec.workers[prev].name);
			if (run > 1) {
				struct sbuf nb = {0};
				sb_str(&nb, name);
				snprintf(num, sizeof num, "*%" PRIu32, run);
				sb_str(&nb, num);
				sb_quoted(&b, nb.s);
				free(nb.s);
			} else {
				sb_quoted(&b, name);
			}
		}
		prev = wk;
		run = k < c->nshortest ? 1 : 0;
	}
	sb_str(&b, "]\n");
	/* expect: the class */
	sb_str(&b, "expect:\n");
	switch (c->outcome) {
	case MV_OUT_FATAL:
	case MV_OUT_PANIC:
		sb_str(&b, c->outcome == MV_OUT_FATAL ? "  status: fatal\n  message: " : "  status: panic\n  message: ");
		sb_quoted(&b, c->message);
		sb_str(&b, "\n");
		break;
	case MV_OUT_DEADLOCK:
		sb_str(&b, "  status: deadlock\n");
		break;
	case MV_OUT_LEAK:
		sb_str(&b, "  status: ok\n  leaked: [");
		for (uint32_t i = 0, n = 0; i < w.nworkers; i++)
			if (w.leaked >> i & 1) {
				if (n++)
					sb_str(&b, ", ");
				sb_quoted(&b, raw_worker_name(t, i, sc->spec.workers[i].name));
			}
		sb_str(&b, "]\n");
		break;
	case MV_OUT_RACE_UNDETECTED:
		sb_str(&b, "  status: ok\n  events: [data_race]\n");
		break;
	case MV_OUT_OK:
		sb_str(&b, "  status: ok\n  no_events: [data_race]\n");
		break;
	case MV_OUT_LOST_UPDATE:
		sb_str(&b, "  status: ok\n");
		break;
	}
	mv_world_done(&w);
	/* the file must replay to the class before it is written */
	struct scene re;
	char err[1024];
	if (scene_load_buf(path, b.s, b.n, &re, err, sizeof err) != 0) {
		fprintf(stderr, "mapviz explore: the witness scene does not load: %s\n", err);
		free(b.s);
		return -1;
	}
	struct replay rp;
	replay_scene(&re, &rp);
	scene_free(&re);
	if (!class_matches(c, &rp)) {
		char label[512];
		explore_class_label(c, label, sizeof label);
		fprintf(stderr, "mapviz explore: the witness of %s does not replay to it (%s)\n", label,
			rp.ended ? mv_end_name(rp.end) : "did not end");
		free(b.s);
		return -1;
	}
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b.s, 1, b.n, f) != b.n || fclose(f) != 0) {
		fprintf(stderr, "mapviz explore: cannot write %s: %s\n", path, strerror(errno));
		free(b.s);
		return -1;
	}
	free(b.s);
	return 0;
}

static int save_all(const struct scene *sc, const struct mv_explore_result *r, const char *dir, bool force,
		    FILE *report)
{
	size_t len;
	char *src = read_file(sc->path, &len);
	if (!src) {
		fprintf(stderr, "mapviz explore: cannot read %s again for --save: %s\n", sc->path, strerror(errno));
		return -1;
	}
	struct ytree t;
	struct yerr ye;
	if (ytree_parse(&t, src, len, &ye) != 0) {
		fprintf(stderr, "%s:%" PRIu32 ":%" PRIu32 ": %s\n", sc->path, ye.line, ye.col, ye.msg);
		ytree_done(&t);
		free(src);
		return -1;
	}
	struct stat st;
	if (stat(dir, &st) != 0 && mkdir(dir, 0777) != 0) {
		fprintf(stderr, "mapviz explore: cannot create %s: %s\n", dir, strerror(errno));
		ytree_done(&t);
		free(src);
		return -1;
	}
	int rc = 0;
	for (uint32_t i = 0; i < r->nclasses && rc == 0; i++) {
		char path[4096];
		rc = save_class(sc, src, len, &t, &r->classes[i], dir, force, path, sizeof path);
		if (rc == 0 && report)
			fprintf(report, "saved %s\n", path);
	}
	ytree_done(&t);
	free(src);
	return rc;
}

/* ---- the command ---- */

int cmd_explore(int argc, char **argv)
{
	const char *scene_arg = NULL, *save = NULL;
	bool json = false, force = false, has_go = false, has_seed = false;
	enum mv_go go = MV_GO_1_19;
	struct mv_explore_opts o = {.mode = MV_EXPLORE_REDUCED, .seed = 1};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(explore_help, stdout);
			return 0;
		} else if (strcmp(a, "--all") == 0) {
			if (o.mode == MV_EXPLORE_RANDOM)
				return usage("%s and --random exclude each other", a);
			o.mode = MV_EXPLORE_ALL;
		} else if (strcmp(a, "--random") == 0) {
			if (cli_parse_u64(v, &o.samples) || o.samples == 0)
				return usage("--random takes a number of samples (1 or more), found '%s'", v ? v : "");
			if (o.mode == MV_EXPLORE_ALL)
				return usage("%s and --all exclude each other", a);
			o.mode = MV_EXPLORE_RANDOM;
			i++;
		} else if (strcmp(a, "--pct") == 0) {
			uint64_t d;
			if (cli_parse_u64(v, &d) || d == 0 || d > 16)
				return usage("--pct takes a depth from 1 to 16, found '%s'", v ? v : "");
			o.pct_depth = (uint32_t)d;
			i++;
		} else if (strcmp(a, "--seed") == 0) {
			if (cli_parse_u64(v, &o.seed))
				return usage("--seed takes a number, found '%s'", v ? v : "");
			has_seed = true;
			i++;
		} else if (strcmp(a, "--budget") == 0) {
			char *end = NULL;
			double s = v ? strtod(v, &end) : -1;
			if (!v || !*v || *end || !(s >= 0) || s > 1e9)
				return usage("--budget takes a number of seconds (0: no limit), found '%s'",
				             v ? v : "");
			o.budget_ms = (uint64_t)(s * 1000 + 0.5);
			if (!o.budget_ms && s > 0)
				o.budget_ms = 1;
			i++;
		} else if (strcmp(a, "--max-runs") == 0) {
			if (cli_parse_u64(v, &o.max_runs) || o.max_runs == 0)
				return usage("--max-runs takes a number (1 or more), found '%s'", v ? v : "");
			i++;
		} else if (strcmp(a, "--max-depth") == 0) {
			if (cli_parse_u64(v, &o.max_depth) || o.max_depth == 0 || o.max_depth > 100000000)
				return usage("--max-depth takes a number of steps (1 to 100000000), found '%s'",
					     v ? v : "");
			i++;
		} else if (strcmp(a, "--save") == 0) {
			if (!v || !*v)
				return usage("--save takes a directory, found '%s'", v ? v : "");
			save = v;
			i++;
		} else if (strcmp(a, "--force") == 0) {
			force = true;
		} else if (strcmp(a, "--format") == 0) {
			if (!v || (strcmp(v, "text") && strcmp(v, "json")))
				return usage("--format takes text or json, found '%s'", v ? v : "");
			json = strcmp(v, "json") == 0;
			i++;
		} else if (strcmp(a, "--go") == 0) {
			if (!v || !mv_go_parse(v, &go))
				return usage("--go takes 1.19 or 1.26, found '%s'", v ? v : "");
			has_go = true;
			i++;
		} else if (a[0] == '-' && a[1]) {
			return usage("unknown option '%s'", a);
		} else if (!scene_arg) {
			scene_arg = a;
		} else {
			return usage("one scene at a time; found a second: '%s'", a);
		}
	}
	if (!scene_arg)
		return usage("%s", "which scene? e.g. mapviz explore concurrent-writes");
	if (has_seed && o.mode != MV_EXPLORE_RANDOM)
		return usage("%s goes with --random N", "--seed");
	if (o.pct_depth && o.mode != MV_EXPLORE_RANDOM)
		return usage("%s goes with --random N", "--pct");
	struct scene sc;
	if (load_scene_arg(scene_arg, &sc) != 0)
		return 1;
	if (has_go)
		scene_select_go(&sc, go);
	struct mv_world w;
	enum mv_status st = mv_world_init(&w, &sc.spec);
	if (st != MV_OK) {
		const char *why = mv_world_unsupported(&sc.spec);
		fprintf(stderr, "%s: cannot run this scene: %s\n", sc.path, why ? why : mv_strerror(st));
		mv_world_done(&w);
		scene_free(&sc);
		return 1;
	}
	struct mv_explore_result r;
	st = mv_explore(&w, &o, &r);
	mv_world_done(&w);
	if (st != MV_OK) {
		fprintf(stderr, "mapviz explore: %s\n", mv_strerror(st));
		scene_free(&sc);
		return 1;
	}
	char why[128] = "";
	if (r.cancelled)
		snprintf(why, sizeof why, "cancelled");
	else if (o.max_runs && r.runs >= o.max_runs)
		snprintf(why, sizeof why, "stopped after %" PRIu64 " runs (--max-runs)", r.runs);
	else if (o.budget_ms && (double)o.budget_ms / 1000 <= r.seconds + 0.05)
		snprintf(why, sizeof why, "stopped after %.1f s (the time budget: --budget S, 0 for none)",
		         r.seconds);
	else if (r.cut)
		snprintf(why, sizeof why, "runs longer than %" PRIu64 " steps were cut (--max-depth)",
			 o.max_depth ? o.max_depth : 1000000);
	else
		snprintf(why, sizeof why, "the search stack reached its 512 MiB");
	if (json)
		print_json(stdout, &sc, &r);
	else
		print_text(stdout, &sc, &r, &o, why);
	int rc = 0;
	if (save && save_all(&sc, &r, save, force, json ? NULL : stdout) != 0)
		rc = 1;
	mv_explore_result_free(&r);
	scene_free(&sc);
	if (fflush(stdout) != 0)
		rc = 1;
	return rc;
}
