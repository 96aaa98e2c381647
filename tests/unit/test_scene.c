/*
 * Unit tests of the scene loader (app/scene_load.c, app/yamltree.c,
 * app/yamlcheck.c): a full scene loads into the right spec, instructions
 * carry their file positions and flattened bodies, operands and variables
 * are encoded as spec.h says, and every kind of error names the exact
 * token as FILE:LINE:COL.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#include "../../app/scene.h"
#include "../../app/yamlcheck.h"
#include "engine/core/event.h"
#include "engine/core/strpool.h"
#include "engine/explore/explore.h"

#define H "mapviz: 1\ntitle: t\n"
#define W "workers:\n  - name: a\n    program:\n"
#define ONE_WORKER "workers: [{name: a, program: []}]\n"

/* Write len bytes to a fresh temporary .yaml file; its path into path. */
static void write_tmp(const char *text, size_t len, char *path, size_t cap)
{
	snprintf(path, cap, "/tmp/mapviz-scene-XXXXXX.yaml");
	int fd = mkstemps(path, 5);
	ASSERT(fd >= 0);
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		ASSERT(w > 0);
		off += (size_t)w;
	}
	close(fd);
}

/* Load YAML text through a temporary file; the path is in path. */
static int load_text_n(const char *text, size_t len, struct scene *s, char *err, size_t errlen, char *path,
		       size_t pcap)
{
	write_tmp(text, len, path, pcap);
	int rc = scene_load(path, s, err, errlen);
	unlink(path);
	return rc;
}

static int load_text(const char *text, struct scene *s, char *err, size_t errlen)
{
	char path[64];
	return load_text_n(text, strlen(text), s, err, errlen, path, sizeof path);
}

/* 1-based line and column (in characters) of the n-th (0-based) occurrence of needle. */
static bool pos_of(const char *text, const char *needle, int n, unsigned *line, unsigned *col)
{
	const char *p = text;
	for (;;) {
		p = strstr(p, needle);
		if (!p)
			return false;
		if (n-- == 0)
			break;
		p++;
	}
	*line = 1;
	*col = 1;
	for (const char *q = text; q < p; q++) {
		if (*q == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)*q & 0xC0) != 0x80) {
			++*col;
		}
	}
	return true;
}

/*
 * Loading yaml must fail with "PATH:LINE:COL: ...sub..." where LINE:COL is
 * where the nth occurrence of `at` stands (at NULL: pos is "L:C").
 */
static void check_err(const char *file, int line, const char *yaml, size_t len, const char *at, int nth,
		      const char *pos, const char *sub)
{
	struct scene s;
	char err[1024], path[64], want[128];
	int rc = load_text_n(yaml, len, &s, err, sizeof err, path, sizeof path);
	if (rc == 0) {
		scene_free(&s);
		unit_fail(file, line, "loaded, expected an error with '%s'", sub);
	}
	if (at) {
		unsigned l, c;
		if (!pos_of(yaml, at, nth, &l, &c))
			unit_fail(file, line, "test bug: '%s' not in the YAML", at);
		snprintf(want, sizeof want, "%s:%u:%u: ", path, l, c);
	} else {
		snprintf(want, sizeof want, "%s:%s: ", path, pos);
	}
	if (strncmp(err, want, strlen(want)) != 0)
		unit_fail(file, line, "error \"%s\" does not start with \"%s\"", err, want);
	if (!strstr(err, sub))
		unit_fail(file, line, "error \"%s\" does not contain \"%s\"", err, sub);
	if (strchr(err, '\n'))
		unit_fail(file, line, "error \"%s\" has a newline", err);
	/* a failed load leaves a scene that is safe to free */
	ASSERT(s.priv == NULL && s.spec.workers == NULL);
	scene_free(&s);
}

/* The error is at the first occurrence of `at`. */
#define ERR_AT(yaml, at, sub) check_err(__FILE__, __LINE__, yaml, strlen(yaml), at, 0, NULL, sub)
/* ... at its nth occurrence (0-based). */
#define ERR_ATN(yaml, at, n, sub) check_err(__FILE__, __LINE__, yaml, strlen(yaml), at, n, NULL, sub)
/* ... at "LINE:COL". */
#define ERR_POS(yaml, pos, sub) check_err(__FILE__, __LINE__, yaml, strlen(yaml), NULL, 0, pos, sub)

static const char *pool_str(const struct scene *s, uint32_t id)
{
	return mv_strpool_get(s->spec.strs, id, NULL);
}

#define ASSERT_POS(in, l, c)                                                                                   \
	do {                                                                                                   \
		ASSERT_EQ((in)->line, l);                                                                      \
		ASSERT_EQ((in)->col, c);                                                                       \
	} while (0)

#define ASSERT_OPD(o, k, n, v)                                                                                 \
	do {                                                                                                   \
		ASSERT_EQ((o).kind, k);                                                                        \
		ASSERT_EQ((o).num, n);                                                                         \
		ASSERT_EQ((o).var, v);                                                                         \
	} while (0)

/* ---- good scenes ---------------------------------------------------------- */

static void full_fixture(void)
{
	struct scene s;
	char err[1024];
	int rc = scene_load("tests/scenes/loader-full.yaml", &s, err, sizeof err);
	if (rc)
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT_STR(s.path, "tests/scenes/loader-full.yaml");
	ASSERT_STR(s.name, "loader-full");
	ASSERT_STR(s.title, "Two writers, one map");
	ASSERT_STR(s.summary, "Why Go aborts with 'concurrent map writes'");

	const struct mv_map_spec *m = &s.spec.map;
	ASSERT_EQ(m->impl, MV_IMPL_GOMAP);
	ASSERT_EQ(m->key, MV_KEY_INT);
	ASSERT_EQ(m->hint, -4);
	ASSERT_EQ_U64(m->seed, 7);
	ASSERT_EQ(m->shards, 0);
	ASSERT(!m->nil);
	ASSERT_EQ(m->npins, 2);
	ASSERT_EQ(m->pins[0].key, 3);
	ASSERT_EQ_U64(m->pins[0].hash, 0x0300000000000001ULL);
	ASSERT_EQ(m->pins[1].key, -2);
	ASSERT_EQ_U64(m->pins[1].hash, UINT64_MAX);

	ASSERT_EQ(s.spec.nlocks, 2);
	ASSERT_STR(s.spec.locks[0].name, "mu");
	ASSERT_EQ(s.spec.locks[0].kind, MV_LOCK_RWMUTEX);
	ASSERT_STR(s.spec.locks[1].name, "plain");
	ASSERT_EQ(s.spec.locks[1].kind, MV_LOCK_MUTEX);

	ASSERT_EQ(s.spec.nsignals, 2);
	ASSERT_STR(s.spec.signals[0], "done");
	ASSERT_STR(s.spec.signals[1], "go");

	ASSERT_EQ(s.spec.nworkers, 2);
	const struct mv_worker_spec *a = &s.spec.workers[0], *b = &s.spec.workers[1];
	ASSERT_STR(a->name, "writer-A");
	ASSERT(a->main);
	ASSERT_STR(b->name, "writer-B");
	ASSERT(!b->main);

	/* writer-A: 11 items, the repeat's body flattened after it */
	ASSERT_EQ(a->prog.n, 12);
	const struct mv_instr *in = a->prog.instrs;
	ASSERT_EQ(in[0].kind, MV_I_STORE);
	ASSERT_POS(&in[0], 21, 9);
	ASSERT_OPD(in[0].key, MV_OPD_INT, 1, 0);
	ASSERT_OPD(in[0].value, MV_OPD_INT, 10, 0);
	ASSERT(!in[0].has_hash);
	ASSERT_EQ(in[1].kind, MV_I_STORE);
	ASSERT_POS(&in[1], 22, 9);
	ASSERT(in[1].has_hash);
	ASSERT_EQ_U64(in[1].hash, 0x00ab00cd00ef0011ULL);
	ASSERT_EQ(in[2].kind, MV_I_REPEAT);
	ASSERT_POS(&in[2], 23, 9);
	ASSERT_EQ(in[2].n, 100);
	ASSERT_EQ(in[2].var, 0);
	ASSERT_EQ(in[2].body, 1);
	ASSERT_EQ(in[3].kind, MV_I_STORE);
	ASSERT_POS(&in[3], 23, 45);
	ASSERT_OPD(in[3].key, MV_OPD_VAR, 0, 0);
	ASSERT_OPD(in[3].value, MV_OPD_VAR, 5, 0);
	ASSERT_EQ(in[4].kind, MV_I_LOAD);
	ASSERT_OPD(in[4].key, MV_OPD_INT, 16, 0);
	ASSERT_EQ(in[4].value.kind, MV_OPD_NONE);
	ASSERT_EQ(in[5].kind, MV_I_DELETE);
	ASSERT_OPD(in[5].key, MV_OPD_INT, -5, 0);
	ASSERT_EQ(in[6].kind, MV_I_RANGE);
	ASSERT_POS(&in[6], 26, 9);
	ASSERT_EQ(in[6].start, -1);
	ASSERT_EQ(in[6].offset, -1);
	ASSERT_EQ(in[6].var, SCENE_NO_VAR);
	ASSERT_EQ(in[6].var2, SCENE_NO_VAR);
	ASSERT_EQ(in[6].body, 0);
	ASSERT_EQ(in[7].kind, MV_I_RLOCK);
	ASSERT_EQ(in[7].ref, 0);
	ASSERT_EQ(in[8].kind, MV_I_LOCK);
	ASSERT_EQ(in[8].ref, 1);
	ASSERT_EQ(in[9].kind, MV_I_SLEEP);
	ASSERT_EQ(in[9].n, 3);
	ASSERT_EQ(in[10].kind, MV_I_CLOSE);
	ASSERT_EQ(in[10].ref, 0);
	ASSERT_EQ(in[11].kind, MV_I_WAIT);
	ASSERT_EQ(in[11].ref, 0);
	ASSERT_POS(&in[11], 31, 9);

	/* writer-B: nested bodies, null forms, variables numbered per worker */
	ASSERT_EQ(b->prog.n, 12);
	in = b->prog.instrs;
	ASSERT_EQ(in[0].kind, MV_I_LEN);
	ASSERT_POS(&in[0], 34, 9);
	ASSERT_EQ(in[1].kind, MV_I_WAIT);
	ASSERT_EQ(in[1].ref, 1);
	ASSERT_EQ(in[2].kind, MV_I_RANGE);
	ASSERT_POS(&in[2], 36, 9);
	ASSERT_EQ(in[2].start, 2);
	ASSERT_EQ(in[2].offset, 7);
	ASSERT_EQ(in[2].var, 0);
	ASSERT_EQ(in[2].body, 4);
	ASSERT_EQ(in[3].kind, MV_I_REPEAT);
	ASSERT_POS(&in[3], 41, 15);
	ASSERT_EQ(in[3].n, 0);
	ASSERT_EQ(in[3].var, 1);
	ASSERT_EQ(in[3].body, 2);
	ASSERT_EQ(in[4].kind, MV_I_STORE);
	ASSERT_POS(&in[4], 45, 21);
	ASSERT_OPD(in[4].key, MV_OPD_VAR, 0, 0);
	ASSERT_OPD(in[4].value, MV_OPD_VAR, -2, 1);
	ASSERT_EQ(in[5].kind, MV_I_DELETE);
	ASSERT_POS(&in[5], 46, 21);
	ASSERT_OPD(in[5].key, MV_OPD_VAR, 1, 0);
	ASSERT_EQ(in[6].kind, MV_I_CLEAR);
	ASSERT_POS(&in[6], 47, 15);
	ASSERT_EQ(in[7].kind, MV_I_TRYLOCK);
	ASSERT_EQ(in[7].ref, 1);
	ASSERT_EQ(in[8].kind, MV_I_TRYRLOCK);
	ASSERT_EQ(in[8].ref, 0);
	ASSERT_EQ(in[9].kind, MV_I_RUNLOCK);
	ASSERT_EQ(in[10].kind, MV_I_UNLOCK);
	ASSERT_EQ(in[10].ref, 1);
	ASSERT_EQ(in[11].kind, MV_I_CLOSE);
	ASSERT_POS(&in[11], 52, 9);

	const struct mv_sched_spec *sc = &s.spec.sched;
	ASSERT_EQ(sc->policy, MV_POLICY_SCRIPT);
	ASSERT_EQ_U64(sc->seed, 42);
	ASSERT_EQ(sc->granularity, MV_GRAN_OP);
	ASSERT_EQ(sc->nscript, 3);
	ASSERT_EQ(sc->script[0], 0);
	ASSERT_EQ(sc->script[1], 0);
	ASSERT_EQ(sc->script[2], 1);

	ASSERT_EQ(s.nnotes, 2);
	ASSERT(s.notes[0].on_event);
	ASSERT_EQ(s.notes[0].event, MV_EV_GROW_START);
	ASSERT_STR(s.notes[0].say, "count passed 6.5 × 2^B: the map starts to grow");
	ASSERT_EQ(s.notes[0].line, 59);
	ASSERT(!s.notes[1].on_event);
	ASSERT_EQ(s.notes[1].step, 12);
	ASSERT_STR(s.notes[1].say, "step twelve");
	ASSERT_EQ(s.notes[1].line, 60);

	ASSERT_EQ(s.nbreakpoints, 2);
	ASSERT_EQ(s.breakpoints[0], MV_EV_GROW_START);
	ASSERT_EQ(s.breakpoints[1], MV_EV_FATAL);

	const struct scene_expect *x = &s.expect;
	ASSERT_EQ(x->line, 63);
	ASSERT(x->has_status);
	ASSERT_EQ(x->status, SCENE_ST_DEADLOCK);
	ASSERT_STR(x->message, "all goroutines are asleep");
	ASSERT_EQ(x->state.count, 3);
	ASSERT_EQ(x->state.B, 1);
	ASSERT_EQ(x->state.flags, -1);
	ASSERT_EQ(x->state.noverflow, -1);
	ASSERT_EQ(x->state.nevacuate, -1);
	ASSERT_EQ(x->nevents, 2);
	ASSERT_EQ(x->events[0], MV_EV_INSERT);
	ASSERT_EQ(x->events[1], MV_EV_EVACUATE);
	ASSERT_EQ(x->nno_events, 1);
	ASSERT_EQ(x->no_events[0], MV_EV_FATAL);
	ASSERT(x->has_leaked);
	ASSERT_EQ(x->nleaked, 1);
	ASSERT_STR(x->leaked[0], "writer-B");
	scene_free(&s);
	scene_free(&s); /* a freed scene is zeroed: freeing again is harmless */
}

static void defaults(void)
{
	struct scene s;
	char err[1024];
	const char *y = H "workers:\n  - name: only\n    program: [range: , len: , clear: ~, repeat: {times: 2, do: []}]\n";
	if (load_text(y, &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT_STR(s.title, "t");
	ASSERT(s.summary == NULL);
	ASSERT_EQ(s.spec.map.impl, MV_IMPL_GOMAP);
	ASSERT_EQ(s.spec.map.key, MV_KEY_INT);
	ASSERT_EQ(s.spec.map.hint, 0);
	ASSERT_EQ(s.spec.map.shards, 0);
	ASSERT_EQ(s.spec.map.npins, 0);
	ASSERT_EQ(s.spec.nlocks, 0);
	ASSERT_EQ(s.spec.nsignals, 0);
	ASSERT_EQ(s.spec.sched.policy, MV_POLICY_ROUNDROBIN);
	ASSERT_EQ(s.spec.sched.granularity, MV_GRAN_STEP);
	ASSERT_EQ(s.spec.sched.nscript, 0);
	ASSERT_EQ(s.nnotes, 0);
	ASSERT_EQ(s.nbreakpoints, 0);
	ASSERT(!s.expect.has_status);
	ASSERT(!s.expect.has_leaked);
	ASSERT(s.expect.message == NULL);
	ASSERT_EQ(s.expect.state.count, -1);
	ASSERT_EQ(s.expect.state.nevacuate, -1);
	ASSERT_EQ(s.spec.nworkers, 1);
	ASSERT(!s.spec.workers[0].main);
	const struct mv_instr *in = s.spec.workers[0].prog.instrs;
	ASSERT_EQ(s.spec.workers[0].prog.n, 4);
	ASSERT_EQ(in[0].kind, MV_I_RANGE);
	ASSERT_EQ(in[0].start, -1);
	ASSERT_EQ(in[0].offset, -1);
	ASSERT_EQ(in[0].var, SCENE_NO_VAR);
	ASSERT_EQ(in[1].kind, MV_I_LEN);
	ASSERT_EQ(in[2].kind, MV_I_CLEAR);
	ASSERT_EQ(in[3].kind, MV_I_REPEAT);
	ASSERT_EQ(in[3].var, SCENE_NO_VAR);
	ASSERT_EQ(in[3].body, 0);
	ASSERT_EQ(in[3].n, 2);
	ASSERT_POS(&in[0], 5, 15);
	ASSERT_POS(&in[3], 5, 41);
	scene_free(&s);
}

static void map_options(void)
{
	struct scene s;
	char err[1024];
	if (load_text(H "map: {impl: sharded, seed: 0xffffffffffffffff, nil: true}\n" ONE_WORKER, &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT_EQ(s.spec.map.impl, MV_IMPL_SHARDED);
	ASSERT_EQ(s.spec.map.shards, 16);
	ASSERT_EQ_U64(s.spec.map.seed, UINT64_MAX);
	ASSERT(s.spec.map.nil);
	scene_free(&s);
	if (load_text(H "map: {impl: sharded, shards: 256, hint: -1}\n" ONE_WORKER, &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT_EQ(s.spec.map.shards, 256);
	ASSERT_EQ(s.spec.map.hint, -1);
	scene_free(&s);
	static const struct {
		const char *name;
		enum mv_impl impl;
	} impls[] = {{"gomap", MV_IMPL_GOMAP},
		     {"mutex", MV_IMPL_MUTEX},
		     {"rwmutex", MV_IMPL_RWMUTEX},
		     {"syncmap", MV_IMPL_SYNCMAP},
		     {"sharded", MV_IMPL_SHARDED}};
	for (size_t i = 0; i < sizeof impls / sizeof impls[0]; i++) {
		char y[256];
		snprintf(y, sizeof y, H "map: {impl: %s}\n" ONE_WORKER, impls[i].name);
		if (load_text(y, &s, err, sizeof err))
			unit_fail(__FILE__, __LINE__, "%s", err);
		ASSERT_EQ(s.spec.map.impl, impls[i].impl);
		scene_free(&s);
	}
}

static void string_keys(void)
{
	struct scene s;
	char err[1024];
	const char *y = H "map:\n  key: string\n  hashes: [{key: pinned, hash: 5}, {key: \"a$$b\", hash: \"0x10\"}]\n" W
			  "      - store: {key: apple, value: 1}\n"                                          /* 0 */
			  "      - store: {key: 5, value: 2}\n"                                              /* 1 */
			  "      - store: {key: \"a$$b\", value: 3}\n"                                       /* 2 */
			  "      - repeat: {times: 3, var: i, do: [store: {key: \"k$i\", value: \"$i\"}]}\n" /* 3,4 */
			  "      - range: {var: k, do: [delete: {key: \"$k\"}]}\n"                           /* 5,6 */
			  "      - repeat: {times: 2, var: n, do: [load: {key: \"$n$$-$i_\"}]}\n"            /* err */;
	/* $i_ is a different (unknown) name: an error at its '$' */
	ERR_AT(y, "$i_", "unknown variable '$i_'");

	y = H "map:\n  key: string\n  hashes: [{key: pinned, hash: 5}, {key: \"a$$b\", hash: \"0x10\"}]\n" W
	      "      - store: {key: apple, value: 1}\n"
	      "      - store: {key: 5, value: 2}\n"
	      "      - store: {key: \"a$$b\", value: 3}\n"
	      "      - repeat: {times: 3, var: i, do: [store: {key: \"k$i\", value: \"$i\"}]}\n"
	      "      - range: {var: k, do: [delete: {key: \"$k\"}]}\n"
	      "      - repeat: {times: 2, var: n, do: [load: {key: \"$n$$-\"}]}\n"
	      "      - store: {key: \"\", value: 0}\n";
	if (load_text(y, &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT_EQ(s.spec.map.key, MV_KEY_STRING);
	ASSERT_EQ(s.spec.map.npins, 2);
	ASSERT_STR(pool_str(&s, (uint32_t)s.spec.map.pins[0].key), "pinned");
	ASSERT_EQ_U64(s.spec.map.pins[0].hash, 5);
	ASSERT_STR(pool_str(&s, (uint32_t)s.spec.map.pins[1].key), "a$b");
	ASSERT_EQ_U64(s.spec.map.pins[1].hash, 16);
	const struct mv_instr *in = s.spec.workers[0].prog.instrs;
	ASSERT_EQ(s.spec.workers[0].prog.n, 10);
	ASSERT_EQ(in[0].key.kind, MV_OPD_STR);
	ASSERT_STR(pool_str(&s, in[0].key.str), "apple");
	ASSERT_OPD(in[0].value, MV_OPD_INT, 1, 0);
	ASSERT_EQ(in[1].key.kind, MV_OPD_STR);
	ASSERT_STR(pool_str(&s, in[1].key.str), "5");
	ASSERT_EQ(in[2].key.kind, MV_OPD_STR);
	ASSERT_STR(pool_str(&s, in[2].key.str), "a$b");
	ASSERT_EQ(in[2].key.str, s.spec.map.pins[1].key); /* one pool, one id per string */
	ASSERT_EQ(in[3].kind, MV_I_REPEAT);
	ASSERT_EQ(in[4].key.kind, MV_OPD_TEMPLATE);
	ASSERT_STR(pool_str(&s, in[4].key.str), "k$0");
	ASSERT_OPD(in[4].value, MV_OPD_VAR, 0, 0);
	ASSERT_EQ(in[5].kind, MV_I_RANGE);
	ASSERT_EQ(in[5].var, 1);
	ASSERT_EQ(in[6].key.kind, MV_OPD_VAR); /* a range variable of a string map holds the key */
	ASSERT_EQ(in[6].key.var, 1);
	ASSERT_EQ(in[7].var, 2);
	ASSERT_EQ(in[8].key.kind, MV_OPD_TEMPLATE);
	ASSERT_STR(pool_str(&s, in[8].key.str), "$2$$-");
	ASSERT_EQ(in[9].key.kind, MV_OPD_STR);
	ASSERT_EQ(in[9].key.str, 0); /* id 0 is the empty string */
	scene_free(&s);

	/* a string map's range variable cannot be used as an int, nor inside a longer key */
	ERR_AT(H "map: {key: string}\n" W "      - range: {var: k, do: [store: {key: x, value: \"$k\"}]}\n", "\"$k\"",
	       "holds a string key");
	/* inside a longer key it is a template (the engine writes its text) */
	if (load_text(H "map: {key: string}\n" W "      - range: {var: k, val: v, do: [load: {key: \"x$k-$v\"}]}\n", &s,
		      err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	in = s.spec.workers[0].prog.instrs;
	ASSERT_EQ(in[0].var, 0);
	ASSERT_EQ(in[0].var2, 1);
	ASSERT_EQ(in[1].key.kind, MV_OPD_TEMPLATE);
	ASSERT_STR(pool_str(&s, in[1].key.str), "x$0-$1");
	scene_free(&s);
	ERR_AT(H "map: {key: string}\n" W "      - load: {key: \"a$ b\"}\n", "$ b", "'$' not followed by a name");
	ERR_AT(H "map: {key: string}\n" W "      - load: {key: [a]}\n", "[a]", "expected a key");
}

static void int_operands(void)
{
	struct scene s;
	char err[1024];
	const char *y = H W "      - repeat: {times: 1, var: i, do: [store: {key: \"$i + 5\", value: \"$i-0x10\"},\n"
			    "                                       store: {key: '$i', value: -9223372036854775808},\n"
			    "                                       store: {key: \"+7\", value: 9223372036854775807}]}\n";
	if (load_text(y, &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	const struct mv_instr *in = s.spec.workers[0].prog.instrs;
	ASSERT_EQ(in[0].body, 3);
	ASSERT_OPD(in[1].key, MV_OPD_VAR, 5, 0);
	ASSERT_OPD(in[1].value, MV_OPD_VAR, -16, 0);
	ASSERT_OPD(in[2].key, MV_OPD_VAR, 0, 0);
	ASSERT_OPD(in[2].value, MV_OPD_INT, INT64_MIN, 0);
	ASSERT_POS(&in[2], 7, 40);
	ASSERT_OPD(in[3].key, MV_OPD_INT, 7, 0);
	ASSERT_OPD(in[3].value, MV_OPD_INT, INT64_MAX, 0);
	scene_free(&s);

	ERR_AT(H W "      - store: {key: 1, value: 9223372036854775808}\n", "9223", "fits in 64 bits");
	ERR_AT(H W "      - store: {key: 1, value: 1e3}\n", "1e3", "found '1e3' for store.value");
	ERR_AT(H W "      - store: {key: 010, value: 1}\n", "010", "expected an int key");
	ERR_AT(H W "      - store: {key: 1_000, value: 1}\n", "1_000", "expected an int key");
	ERR_AT(H W "      - store: {key: 1, value: \"$i\"}\n", "$i", "unknown variable '$i'");
	ERR_AT(H W "      - repeat: {times: 1, var: i, do: [store: {key: 1, value: \"$i*2\"}]}\n", "\"$i*2\"",
	       "expected an integer value");
	ERR_AT(H W "      - repeat: {times: 1, var: i, do: [store: {key: 1, value: \"$i+x\"}]}\n", "\"$i+x\"",
	       "\"$i+N\" or \"$i-N\" with N an integer");
	ERR_AT(H W "      - repeat: {times: 1, var: i, do: [store: {key: 1, value: \"$i+0xg\"}]}\n", "\"$i+0xg",
	       "with N an integer");
	ERR_AT(H W "      - repeat: {times: 1, var: i, do: [store: {key: \"$i-9223372036854775809\", value: 1}]}\n",
	       "\"$i-", "with N in 64 bits");
	ERR_AT(H W "      - store: {key: , value: 1}\n", ", value", "found an empty value for store.key");
	ERR_AT(H W "      - store: {key: {a: 1}, value: 1}\n", "{a: 1}", "found a mapping for store.key");
	ERR_AT(H W "      - store: {key: 1, value: [1]}\n", "[1]", "found a sequence for store.value");
}

static void hashes(void)
{
	struct scene s;
	char err[1024];
	if (load_text(H W "      - load: {key: 1, hash: \"0xFFFFFFFFFFFFFFFF\"}\n      - delete: {key: 2, hash: 12}\n", &s,
		      err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT(s.spec.workers[0].prog.instrs[0].has_hash);
	ASSERT_EQ_U64(s.spec.workers[0].prog.instrs[0].hash, UINT64_MAX);
	ASSERT_EQ_U64(s.spec.workers[0].prog.instrs[1].hash, 12);
	scene_free(&s);
	ERR_AT(H W "      - load: {key: 1, hash: -1}\n", "-1", "expected an unsigned integer");
	ERR_AT(H W "      - load: {key: 1, hash: 0x10000000000000000}\n", "0x1", "fits in 64 bits");
	ERR_AT(H W "      - load: {key: 1, hash: 18446744073709551616}\n", "1844", "fits in 64 bits");
	ERR_AT(H W "      - load: {key: 1, hash: 0xg}\n", "0xg", "unsigned integer (decimal or 0x hex)");
	ERR_AT(H "map: {hashes: [{key: 1, hash: 1}, {key: 1, hash: 2}]}\n" ONE_WORKER, "1, hash: 2",
	       "pinned again (first at 3:22)");
	ERR_AT(H "map: {hashes: [{key: x, hash: 1}]}\n" ONE_WORKER, "x, hash", "expected an int key");
	ERR_AT(H "map: {hashes: [{key: 1}]}\n" ONE_WORKER, "{key: 1}", "missing required key 'hash' in map.hashes entry");
}

/* ---- errors: schema ------------------------------------------------------- */

static void unknown_keys(void)
{
	ERR_AT(H "bogus: 1\n" ONE_WORKER, "bogus", "unknown key 'bogus' at the top level (expected mapviz, go, title");
	ERR_AT(H "map:\n  impl: gomap\n  sede: 3\n" ONE_WORKER, "sede", "unknown key 'sede' in map (expected impl, key");
	ERR_AT(H W "      - store: {key: 1, kye: 2}\n", "kye",
	       "unknown key 'kye' in store (expected key, value, hash; did you mean 'key'?)");
	ERR_AT(H W "      - stor: {key: 1}\n", "stor", "unknown op 'stor' in program (expected one of store, load");
	ERR_AT(H W "      - load: {key: 1, value: 2}\n", "value", "unknown key 'value' in load (expected key, into, hash)");
	ERR_AT(H "workers:\n  - name: a\n    progam: []\n", "progam", "unknown key 'progam' in worker");
	ERR_AT(H "locks: [{name: mu, knd: mutex}]\n" ONE_WORKER, "knd", "unknown key 'knd' in lock");
	ERR_AT(H "notes: [{on: fatal, sey: x}]\n" ONE_WORKER, "sey", "unknown key 'sey' in note");
	ERR_AT(H "expect: {state: {cnt: 1}}\n" ONE_WORKER, "cnt", "unknown key 'cnt' in expect.state");
	ERR_AT(H "schedule: {polcy: random}\n" ONE_WORKER, "polcy", "did you mean 'policy'?");
	ERR_ATN(H "title: u\n" ONE_WORKER, "title", 1, "found key 'title' again at the top level (first at 2:1)");
	ERR_AT(H "? [a]\n: 1\n" ONE_WORKER, "[a]", "found a sequence as a key at the top level");
}

static void wrong_types(void)
{
	ERR_AT("mapviz: 1\ntitle: [a]\n" ONE_WORKER, "[a]", "found a sequence for title, expected a string");
	/* an empty value stands just after its key's colon */
	ERR_POS("mapviz: 1\ntitle: \n" ONE_WORKER, "2:7", "found an empty value for title, expected a non-empty string");
	ERR_AT(H "workers:\n  - name: a\n    main: maybe\n    program: []\n", "maybe", "expected true or false");
	ERR_AT(H W "      - repeat: {times: abc, do: []}\n", "abc", "found 'abc' for repeat.times, expected an integer");
	ERR_AT(H W "      - repeat: {times: 1e3, do: []}\n", "1e3", "expected an integer");
	ERR_AT(H "map: [gomap]\n" ONE_WORKER, "[gomap]", "found a sequence for map, expected a mapping with keys impl");
	ERR_AT(H "map: gomap\n" ONE_WORKER, "gomap", "found 'gomap' for map, expected a mapping");
	ERR_AT(H "workers: {name: a}\n", "{name: a}", "found a mapping for workers, expected a sequence");
	ERR_AT(H "workers: [a]\n", "a]", "found 'a' for workers entry, expected a mapping with keys name, main, program");
	ERR_AT(H W "      - store: [1, 2]\n", "[1, 2]", "found a sequence for store, expected a mapping with keys key, value");
	ERR_POS(H W "      - store:\n", "6:15", "found an empty value for store");
	ERR_AT(H W "      - len: {x: 1}\n", "x:", "unknown key 'x' in len (expected )");
	ERR_AT(H W "      - len: 5\n", "5", "expected an empty mapping {}");
	ERR_AT(H W "      - store\n", "store", "found 'store' for worker.program entry, expected a mapping with one op");
	ERR_AT(H W "      - {}\n", "{}", "found an empty program, expected one op");
	ERR_AT(H "map: {nil: 1}\n" ONE_WORKER, "1}", "expected true or false");
	ERR_AT(H "breakpoints: fatal\n" ONE_WORKER, "fatal", "expected a sequence");
	ERR_AT(H "breakpoints: [[fatal]]\n" ONE_WORKER, "[fatal]]", "found a sequence for breakpoints entry");
	ERR_AT(H "notes: [{on: , say: x}]\n" ONE_WORKER, ", say", "found an empty value for note.on");
}

static void enums(void)
{
	ERR_AT(H "map:\n  impl: gomapp\n" ONE_WORKER, "gomapp",
	       "found 'gomapp' for map.impl, expected one of gomap, mutex, rwmutex, syncmap, sharded");
	ERR_AT(H "map: {key: float}\n" ONE_WORKER, "float", "expected one of int, string");
	ERR_AT(H "map: {impl: GOMAP}\n" ONE_WORKER, "GOMAP", "expected one of gomap");
	ERR_AT(H "map: {impl: 0}\n" ONE_WORKER, "0}", "expected one of gomap");
	ERR_AT(H "locks: [{name: mu, kind: spin}]\n" ONE_WORKER, "spin", "expected one of mutex, rwmutex");
	ERR_AT(H "schedule: {policy: fifo}\n" ONE_WORKER, "fifo", "expected one of roundrobin, random, script, manual");
	ERR_AT(H "schedule: {granularity: micro}\n" ONE_WORKER, "micro", "expected one of step, op");
	ERR_AT(H "expect: {status: crashed}\n" ONE_WORKER, "crashed", "expected one of ok, fatal, panic, deadlock");
}

static void missing_keys(void)
{
	ERR_POS("mapviz: 1\n" ONE_WORKER, "1:1", "missing required key 'title' at the top level");
	ERR_POS("title: t\n" ONE_WORKER, "1:1", "missing required key 'mapviz'");
	ERR_AT(H "map: {}\n", "mapviz", "missing required key 'workers'");
	ERR_AT(H W "      - store: {key: 1}\n", "{key: 1}", "missing required key 'value' in store (expected key, value, hash)");
	ERR_AT(H W "      - store:\n          key: 1\n", "key: 1", "missing required key 'value' in store");
	ERR_AT(H "workers:\n  - {program: []}\n", "{program", "missing required key 'name' in worker");
	ERR_AT(H "workers:\n  - {name: a}\n", "{name", "missing required key 'program' in worker");
	ERR_AT(H "locks: [{kind: mutex}]\n" ONE_WORKER, "{kind", "missing required key 'name' in lock");
	ERR_AT(H "notes: [{on: fatal}]\n" ONE_WORKER, "{on", "missing required key 'say' in note");
	ERR_AT(H "notes: [{say: x}]\n" ONE_WORKER, "{say", "missing 'on' or 'at' in a note");
	ERR_AT(H W "      - repeat: {times: 3}\n", "{times", "missing required key 'do' in repeat");
	ERR_AT(H W "      - sleep: {}\n", "{}", "missing required key 'steps' in sleep");
	ERR_AT(H W "      - wait: {}\n", "{}", "missing required key 'signal' in wait");
	ERR_AT(H W "      - lock: {}\n", "{}", "missing required key 'name' in lock");
}

/* ---- errors: meaning ------------------------------------------------------ */

static void versions_and_files(void)
{
	char err[1024];
	struct scene s;
	ERR_AT("mapviz: 2\ntitle: x\nnew_key_of_v2: 1\n", "2", "found mapviz: 2, expected mapviz: 1");
	ERR_AT("mapviz: one\ntitle: x\n" ONE_WORKER, "one", "found 'one' for mapviz, expected an integer");
	ERR_POS("", "1:1", "empty file, expected a mapping with 'mapviz: 1'");
	ERR_POS("# nothing here\n\n", "1:1", "empty file");
	ERR_POS("---\n", "1:1", "empty file");
	ERR_POS("- a\n- b\n", "1:1", "found a sequence at the top of the file, expected a mapping with 'mapviz: 1'");
	ERR_POS("just text\n", "1:1", "found 'just text' at the top of the file");
	ERR_AT(H ONE_WORKER "---\n" H, "---", "found a second YAML document");

	ASSERT_EQ(scene_load("/nonexistent/dir/x.yaml", &s, err, sizeof err), -1);
	ASSERT_STR(err, "/nonexistent/dir/x.yaml: cannot read: No such file or directory");
	ASSERT(s.priv == NULL);
	ASSERT_EQ(scene_load("/tmp", &s, err, sizeof err), -1);
	ASSERT_STR(err, "/tmp: cannot read: Is a directory");

	/* a file over 16 MiB is refused before it is parsed */
	size_t big = (16u << 20) + 100;
	char *b = malloc(big), path[64];
	ASSERT(b);
	memset(b, '#', big);
	memcpy(b, H ONE_WORKER, strlen(H ONE_WORKER));
	b[strlen(H ONE_WORKER)] = '#';
	ASSERT_EQ(load_text_n(b, big, &s, err, sizeof err, path, sizeof path), -1);
	free(b);
	ASSERT(strstr(err, "expected at most 16777216 (16 MiB)"));
	ASSERT(strncmp(err, path, strlen(path)) == 0);
}

static void syntax_errors(void)
{
	ERR_AT(H "workers:\n\t- name: a\n", "\t", "found a tab character, expected spaces");
	ERR_POS(H "workers: [{name: a, program: []}\n", "4:1", "YAML syntax error: did not find expected ',' or ']'");
	ERR_POS(H "map:\n  impl: gomap\n key: int\n", "5:2", "YAML syntax error");
	ERR_POS(H "title2: \"unterminated\n", "4:1", "YAML syntax error: found unexpected end of stream");
	ERR_AT(H "title3: \"bad \\q escape\"\n", "\\q", "found unknown escape character");
	/* invalid UTF-8 and control characters get their position from the byte offset */
	ERR_POS("mapviz: 1\ntitle: caf\xc3\xa9 \xff\n", "2:13", "found byte 0xff (invalid leading UTF-8 octet), expected UTF-8 text");
	ERR_POS("mapviz: 1\ntitle: a\x01\n", "2:9", "expected printable text");
	/* NUL bytes: binary files */
	static const char nul[] = "mapviz: 1\ntitle: \"a\0b\"\n";
	check_err(__FILE__, __LINE__, nul, sizeof nul - 1, NULL, 0, "2:10", "found a NUL byte, expected UTF-8 text");
	/* a NUL written as an escape is refused too: names are C strings */
	ERR_AT("mapviz: 1\ntitle: \"a\\0b\"\n" ONE_WORKER, "\"a", "found 'a\\x00b' for title, expected text without NUL");
}

static void hostile(void)
{
	/* deep nesting stops at YTREE_MAX_DEPTH, whatever comes after */
	size_t n = 100000;
	char *y = malloc(n + 1);
	ASSERT(y);
	memset(y, '[', n);
	y[n] = '\0';
	check_err(__FILE__, __LINE__, y, n, NULL, 0, "1:65", "found nesting deeper than 64 levels");
	memset(y, '{', n);
	check_err(__FILE__, __LINE__, y, n, NULL, 0, "1:65", "found nesting deeper than 64 levels");
	free(y);

	/* the billion laughs: refused at the first alias */
	ERR_AT("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	       "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	       "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	       "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
	       "*a", "found alias '*a', expected no aliases");
	ERR_AT(H "base: &b {name: a, program: []}\nworkers: [*b]\n", "*b", "found alias '*b'");
	ERR_AT(H "<<: *x\n", "*x", "found alias '*x'");

	/* binary garbage without NUL: invalid UTF-8 */
	char bin[600];
	uint32_t r = 12345;
	for (size_t i = 0; i < sizeof bin - 1; i++) {
		r = r * 1103515245u + 12345u;
		bin[i] = (char)(0x80 | (r >> 16));
	}
	bin[0] = (char)0xff;
	bin[sizeof bin - 1] = '\0';
	check_err(__FILE__, __LINE__, bin, sizeof bin - 1, NULL, 0, "1:1", "expected UTF-8 text");
	/* random bytes with NULs */
	for (size_t i = 0; i < sizeof bin; i++) {
		r = r * 1103515245u + 12345u;
		bin[i] = (char)(r >> 16);
	}
	struct scene s;
	char err[1024], path[64];
	ASSERT_EQ(load_text_n(bin, sizeof bin, &s, err, sizeof err, path, sizeof path), -1);
	ASSERT(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':');
}

static void ranges(void)
{
	ERR_AT(H W "      - repeat: {times: -1, do: []}\n", "-1", "found '-1' for repeat.times, expected an integer from 0 to 1000000000");
	ERR_AT(H W "      - repeat: {times: 1000000001, do: []}\n", "1000000001", "from 0 to 1000000000");
	ERR_AT(H W "      - repeat: {times: 99999999999999999999, do: []}\n", "9999", "fits in 64 bits");
	ERR_AT(H W "      - sleep: {steps: -3}\n", "-3", "found '-3' for sleep.steps");
	ERR_AT(H W "      - range: {offset: 9}\n", "9", "found '9' for range.offset, expected an integer from 0 to 7");
	ERR_AT(H W "      - range: {offset: -1}\n", "-1", "range.offset");
	ERR_AT(H W "      - range: {start: -2}\n", "-2", "found '-2' for range.start, expected an integer from 0 to 2147483647");
	ERR_AT(H "map: {impl: sharded, shards: 0}\n" ONE_WORKER, "0}", "found '0' for map.shards, expected an integer from 1 to 256");
	ERR_AT(H "map: {impl: sharded, shards: 257}\n" ONE_WORKER, "257", "from 1 to 256");
	ERR_AT(H "map: {shards: 4}\n" ONE_WORKER, "shards", "found map.shards with impl gomap, expected shards only with impl: sharded");
	ERR_AT(H "expect: {state: {count: -1}}\n" ONE_WORKER, "-1", "expect.state.count");
	ERR_AT(H "notes: [{at: -1, say: x}]\n" ONE_WORKER, "-1", "found '-1' for note.at, expected an unsigned integer");
	ERR_AT(H "workers:\n  - name: \"\"\n    program: []\n", "\"\"", "expected a non-empty string");
	ERR_AT(H "workers:\n  - name: abcdefghijklmnopqrstuvwxyz0123456\n    program: []\n", "abc",
	       "expected a string of at most 32 bytes");
}

static void names(void)
{
	const char *lk = H "locks: [{name: mu}, {name: rw, kind: rwmutex}]\n" W;
	char y[512];
	snprintf(y, sizeof y, "%s      - lock: {name: mx}\n", lk);
	ERR_AT(y, "mx", "unknown lock 'mx' for lock.name, expected one of mu, rw");
	ERR_AT(H W "      - unlock: {name: mu}\n", "mu", "unknown lock 'mu' for unlock.name, expected a lock declared under locks:");
	snprintf(y, sizeof y, "%s      - rlock: {name: mu}\n", lk);
	ERR_AT(y, "mu}\n", "found rlock on lock 'mu', a mutex; expected an rwmutex");
	snprintf(y, sizeof y, "%s      - runlock: {name: mu}\n", lk);
	ERR_AT(y, "mu}\n", "found runlock on lock 'mu'");
	snprintf(y, sizeof y, "%s      - tryrlock: {name: mu}\n", lk);
	ERR_AT(y, "mu}\n", "found tryrlock on lock 'mu'");
	ERR_ATN(H "locks: [{name: mu}, {name: mu}]\n" ONE_WORKER, "mu", 1, "found lock name 'mu' again (first at 3:16)");

	ERR_ATN(H "workers:\n  - name: a\n    program: []\n  - name: a\n    program: []\n", "a\n", 1,
		"found worker name 'a' again (first at 4:11), expected unique worker names");
	ERR_ATN(H "workers:\n  - {name: a, main: true, program: []}\n  - {name: b, main: true, program: []}\n", "true", 1,
	       "found a second main worker 'b'");
	ERR_AT(H "schedule: {policy: script, script: [a, b]}\n" ONE_WORKER, "b]", "unknown worker 'b' in schedule.script, expected one of a");
	ERR_AT(H "schedule: {policy: script}\n" ONE_WORKER, "script", "found policy: script with no schedule.script");
	ERR_AT(H "expect: {leaked: [a, ghost]}\n" ONE_WORKER, "ghost", "unknown worker 'ghost' in expect.leaked");

	ERR_AT(H "notes:\n  - {on: grow_star, say: x}\n" ONE_WORKER, "grow_star",
	       "unknown event 'grow_star' for note.on, expected an event name (did you mean 'grow_start'? events: bucket_alloc");
	ERR_AT(H "notes:\n  - {on: fatal, at: 3, say: x}\n" ONE_WORKER, "at: 3", "found both 'on' and 'at' in a note");
	ERR_AT(H "breakpoints: [grow, fatal]\n" ONE_WORKER, "grow", "unknown event 'grow' for breakpoints");
	ERR_AT(H "expect: {events: [insert, nope]}\n" ONE_WORKER, "nope", "unknown event 'nope' for expect.events");
	ERR_AT(H "expect: {no_events: [fatl]}\n" ONE_WORKER, "fatl", "did you mean 'fatal'?");

	struct scene s;
	char err[1024];
	if (load_text(H "expect: {leaked: []}\n" ONE_WORKER, &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT(s.expect.has_leaked);
	ASSERT_EQ(s.expect.nleaked, 0);
	ASSERT_EQ(s.expect.line, 3);
	scene_free(&s);
	for (int k = 0; k < MV_EV__COUNT; k++) {
		snprintf(y, sizeof y, H "breakpoints: [%s]\n" ONE_WORKER, mv_event_name((enum mv_event_kind)k));
		if (load_text(y, &s, err, sizeof err))
			unit_fail(__FILE__, __LINE__, "%s", err);
		ASSERT_EQ(s.breakpoints[0], k);
		scene_free(&s);
	}
}

static void variables(void)
{
	/* out of scope after its body */
	ERR_AT(H W "      - repeat: {times: 1, var: i, do: []}\n      - load: {key: \"$i\"}\n", "$i\"",
	       "found variable '$i' in load.key outside the repeat or range that binds it");
	/* shadowing an enclosing loop's variable */
	ERR_AT(H W "      - repeat: {times: 1, var: i, do: [repeat: {times: 1, var: i, do: []}]}\n", "i, do: []", 
	       "found variable 'i' for repeat.var while it is bound already (at 6:33)");
	ERR_AT(H W "      - range: {var: k, val: k}\n", "k}", "found variable 'k' for range.val while it is bound already (at 6:22)");
	/* siblings may reuse a name; it keeps its index */
	struct scene s;
	char err[1024];
	if (load_text(H W "      - repeat: {times: 1, var: i, do: []}\n      - repeat: {times: 1, var: j, do: []}\n"
			  "      - range: {var: i, val: v, do: [store: {key: \"$i\", value: \"$v+1\"}]}\n",
		      &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	const struct mv_instr *in = s.spec.workers[0].prog.instrs;
	ASSERT_EQ(in[0].var, 0);
	ASSERT_EQ(in[1].var, 1);
	ASSERT_EQ(in[2].var, 0);
	ASSERT_EQ(in[2].var2, 2);
	ASSERT_OPD(in[3].key, MV_OPD_VAR, 0, 0);
	ASSERT_OPD(in[3].value, MV_OPD_VAR, 1, 2);
	scene_free(&s);
	/* at most MV_MAX_VARS names per worker; other workers start again */
	char y[2048];
	size_t o = (size_t)snprintf(y, sizeof y, "%s", H W);
	for (int i = 0; i <= MV_MAX_VARS; i++)
		o += (size_t)snprintf(y + o, sizeof y - o, "      - repeat: {times: 1, var: v%d, do: []}\n", i);
	ERR_AT(y, "v8", "found a 9th variable name 'v8' in worker 'a', expected at most 8");
	o = (size_t)snprintf(y, sizeof y, "%s", H "workers:\n");
	for (int w = 0; w < 2; w++) {
		o += (size_t)snprintf(y + o, sizeof y - o, "  - name: w%d\n    program:\n", w);
		for (int i = 0; i < MV_MAX_VARS; i++)
			o += (size_t)snprintf(y + o, sizeof y - o, "      - repeat: {times: 1, var: x%d_%d, do: []}\n", w,
					      i);
	}
	if (load_text(y, &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT_EQ(s.spec.workers[1].prog.instrs[7].var, 7);
	scene_free(&s);
	ERR_AT(H W "      - repeat: {times: 1, var: 2x, do: []}\n", "2x", "found '2x' for repeat.var, expected a variable name");
	ERR_AT(H W "      - range: {var: \"a b\"}\n", "\"a b\"", "expected a variable name");
}

/* load into: binds a worker variable from the op on, in program order */
static void into_variables(void)
{
	struct scene s;
	char err[1024];
	if (load_text(H W "      - repeat: {times: 2, var: i, do: [load: {key: \"$i\", into: v}]}\n"
			  "      - store: {key: 1, value: \"$v+1\"}\n"
			  "      - load: {key: 1, into: i}\n"
			  "      - load: {key: 2, into: v}\n"
			  "      - store: {key: \"$i\", value: \"$v-1\"}\n"
			  "  - name: b\n    program:\n      - load: {key: 3, into: w}\n",
		      &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	const struct mv_instr *in = s.spec.workers[0].prog.instrs;
	ASSERT_EQ(in[0].var, 0);      /* i */
	ASSERT(in[1].has_into);
	ASSERT_EQ(in[1].into, 1);     /* v */
	ASSERT_OPD(in[2].value, MV_OPD_VAR, 1, 1);
	ASSERT(in[3].has_into);       /* i again, now out of its loop: the same index */
	ASSERT_EQ(in[3].into, 0);
	ASSERT_EQ(in[4].into, 1);     /* v bound again */
	ASSERT_OPD(in[5].key, MV_OPD_VAR, 0, 0);
	ASSERT_OPD(in[5].value, MV_OPD_VAR, -1, 1);
	ASSERT(!in[2].has_into);
	ASSERT_STR(s.var_names[0][0], "i");
	ASSERT_STR(s.var_names[0][1], "v");
	ASSERT(s.var_names[0][2] == NULL);
	ASSERT_STR(s.var_names[1][0], "w");
	ASSERT(s.var_names[1][1] == NULL);
	ASSERT(!s.challenge.present);
	scene_free(&s);
	ERR_AT(H W "      - store: {key: 1, value: \"$v\"}\n      - load: {key: 1, into: v}\n", "$v",
	       "found '$v' in store.value before any load binds it (into: v at 7:30 comes later");
	ERR_AT(H W "      - load: {key: \"$v\", into: v}\n", "$v", "found '$v' in load.key before any load binds it");
	ERR_AT(H W "      - repeat: {times: 1, var: i, do: [load: {key: 1, into: i}]}\n", "i}",
	       "found load.into 'i', the loop variable of the repeat or range at 6:33");
	ERR_AT(H W "      - load: {key: 1, into: \"a-b\"}\n", "\"a-b\"", "found 'a-b' for load.into, expected a variable name");
	ERR_AT(H W "      - load_and_delete: {key: 1, into: 3}\n", "3}", "found '3' for load_and_delete.into");
}

/* challenge: the goal, its bounds and narration; the schedule is manual */
static void challenges(void)
{
	struct scene s;
	char err[1024];
	if (load_text(H W "      - store: {key: 1, value: 1}\n"
			  "challenge: {goal: fatal, message: \"concurrent map writes\", within: 12, say_win: yes,\n"
			  "            say_lose: \"no\\tnot yet\"}\n",
		      &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT(s.challenge.present);
	ASSERT_EQ(s.challenge.goal, MV_OUT_FATAL);
	ASSERT_STR(s.challenge.message, "concurrent map writes");
	ASSERT_EQ(s.challenge.within, 12);
	ASSERT_STR(s.challenge.say_win, "yes");
	ASSERT_STR(s.challenge.say_lose, "no not yet"); /* prose: a tab is a space */
	ASSERT(!s.challenge.impossible);
	ASSERT_EQ(s.challenge.pos.line, 7);
	ASSERT_EQ(s.challenge.pos.col, 1);
	ASSERT_EQ(s.challenge.say_win_pos.line, 7);
	ASSERT_EQ(s.challenge.say_lose_pos.line, 8);
	ASSERT_EQ(s.spec.sched.policy, MV_POLICY_MANUAL);
	scene_free(&s);
	if (load_text(H W "      - store: {key: 1, value: 1}\n"
			  "challenge: {goal: race_undetected, within: 3, say_win: w, say_lose: l, impossible: true}\n",
		      &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT_EQ(s.challenge.goal, MV_OUT_RACE_UNDETECTED);
	ASSERT(s.challenge.impossible);
	ASSERT(s.challenge.message == NULL);
	scene_free(&s);
	ERR_AT(H W "      - store: {key: 1, value: 1}\nchallenge: {goal: ok, within: 3, say_win: w, say_lose: l}\n",
	       "ok,", "found 'ok' for challenge.goal, expected one of fatal, panic");
	ERR_AT(H W "      - store: {key: 1, value: 1}\nchallenge: {goal: deadlock, message: m, within: 3, say_win: w, "
		   "say_lose: l}\n",
	       "message", "found challenge.message with goal deadlock");
	ERR_AT(H W "      - store: {key: 1, value: 1}\nchallenge: {goal: deadlock, within: -1, say_win: w, say_lose: l}\n",
	       "-1", "found '-1' for challenge.within, expected an integer from 1 to 1000000");
	ERR_AT(H W "      - store: {key: 1, value: 1}\nschedule: {policy: script, script: [a]}\n"
		   "challenge: {goal: deadlock, within: 1, say_win: w, say_lose: l}\n",
	       "script,", "found schedule.policy script in a scene with a challenge");
	ERR_AT(H W "      - store: {key: 1, value: 1}\n"
		   "versions: [{go: \"1.26\", schedule: {policy: random}}]\n"
		   "challenge: {goal: deadlock, within: 1, say_win: w, say_lose: l}\n",
	       "random", "found schedule.policy random in a scene with a challenge");
	ERR_AT(H W "      - wait: {signal: s}\nchallenge: {goal: leak, within: 1, say_win: w, say_lose: l}\n",
	       "leak,", "found challenge.goal leak in a scene without a main worker");
}

static void program_shape(void)
{
	ERR_AT(H W "      - store: {key: 1, value: 2}\n        load: {key: 1}\n", "load",
	       "found a second op 'load' in program, expected one op per entry");
	ERR_ATN(H W "      - {store: {key: 1, value: 2}, store: {key: 1, value: 2}}\n", "store", 1, "found a second op 'store'");
	/* MV_MAX_DEPTH nested bodies load; one more does not */
	char y[2048];
	size_t o = (size_t)snprintf(y, sizeof y, "%s      - ", H W);
	for (int i = 0; i < MV_MAX_DEPTH; i++)
		o += (size_t)snprintf(y + o, sizeof y - o, "repeat: {times: 2, do: [");
	o += (size_t)snprintf(y + o, sizeof y - o, "len: {}");
	for (int i = 0; i < MV_MAX_DEPTH; i++)
		o += (size_t)snprintf(y + o, sizeof y - o, "]}");
	snprintf(y + o, sizeof y - o, "\n");
	struct scene s;
	char err[1024];
	if (load_text(y, &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT_EQ(s.spec.workers[0].prog.n, MV_MAX_DEPTH + 1);
	for (int i = 0; i < MV_MAX_DEPTH; i++)
		ASSERT_EQ(s.spec.workers[0].prog.instrs[i].body, MV_MAX_DEPTH - i);
	scene_free(&s);
	o = (size_t)snprintf(y, sizeof y, "%s      - ", H W);
	for (int i = 0; i <= MV_MAX_DEPTH; i++)
		o += (size_t)snprintf(y + o, sizeof y - o, "range: {var: k%d, do: [", i);
	o += (size_t)snprintf(y + o, sizeof y - o, "len: {}");
	for (int i = 0; i <= MV_MAX_DEPTH; i++)
		o += (size_t)snprintf(y + o, sizeof y - o, "]}");
	snprintf(y + o, sizeof y - o, "\n");
	ERR_AT(y, "range: {var: k8", "found range nested 9 bodies deep, expected at most 8");

	/* 65 workers */
	o = (size_t)snprintf(y, sizeof y, "%s", H "workers:\n");
	for (int i = 0; i < 65; i++)
		o += (size_t)snprintf(y + o, sizeof y - o, "  - {name: w%d, program: []}\n", i);
	ERR_AT(y, "{name: w64", "found more than 64 entries in workers, expected at most 64");
	ERR_AT(H "workers: []\n", "[]", "found 0 entries in workers, expected at least 1");
}

/* A generated scene of 50,000 ops loads, quickly. */
static void many_ops(void)
{
	size_t n = 50000, cap = n * 48 + 256, o;
	char *y = malloc(cap);
	ASSERT(y);
	o = (size_t)snprintf(y, cap, "%s", H W);
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(y + o, cap - o, "      - store: {key: %zu, value: %zu}\n", i, i * 2);
	struct scene s;
	char err[1024], path[64];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = load_text_n(y, o, &s, err, sizeof err, path, sizeof path);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(y);
	if (rc)
		unit_fail(__FILE__, __LINE__, "%s", err);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ASSERT_EQ(s.spec.workers[0].prog.n, n);
	const struct mv_instr *last = &s.spec.workers[0].prog.instrs[n - 1];
	ASSERT_EQ(last->key.num, (int64_t)n - 1);
	ASSERT_EQ(last->value.num, 2 * ((int64_t)n - 1));
	ASSERT_EQ(last->line, 5 + n);
	scene_free(&s);
	if (secs > 5.0) /* loose: well under a second unoptimized, slower under sanitizers */
		unit_fail(__FILE__, __LINE__, "50,000 ops took %.2f s", secs);
}

/* More than SCENE_MAX_INSTRS instructions are refused, at the first one too many. */
static void instruction_cap(void)
{
	size_t n = 1000001, cap = n * 6 + 256, o;
	char *y = malloc(cap);
	ASSERT(y);
	o = (size_t)snprintf(y, cap, "%s", H "workers:\n  - name: a\n    program: [\n");
	for (size_t i = 0; i < n; i++) {
		memcpy(y + o, "len: ,", 6);
		o += 6;
	}
	o += (size_t)snprintf(y + o, cap - o, "]\n");
	/* the last "len" stands on line 6 at column 6 * 1000000 + 1 */
	check_err(__FILE__, __LINE__, y, o, NULL, 0, "6:6000001", "found more than 1000000 instructions");
	free(y);
}

static void status_names(void)
{
	ASSERT_STR(scene_status_name(SCENE_ST_OK), "ok");
	ASSERT_STR(scene_status_name(SCENE_ST_FATAL), "fatal");
	ASSERT_STR(scene_status_name(SCENE_ST_PANIC), "panic");
	ASSERT_STR(scene_status_name(SCENE_ST_DEADLOCK), "deadlock");
	struct scene s;
	memset(&s, 0, sizeof s);
	scene_free(&s);
	scene_free(NULL);
}

static void name_from_path(void)
{
	struct scene s;
	char err[1024], path[64];
	const char *y = H ONE_WORKER;
	write_tmp(y, strlen(y), path, sizeof path);
	int rc = scene_load(path, &s, err, sizeof err);
	unlink(path);
	if (rc)
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT_STR(s.path, path);
	char want[64];
	snprintf(want, sizeof want, "%.*s", (int)(strlen(path) - 5 - 5), path + 5); /* no "/tmp/", no ".yaml" */
	ASSERT_STR(s.name, want);
	scene_free(&s);
}

static void int_parsing(void)
{
	int64_t v;
	uint64_t u;
	bool range;
	ASSERT(ycheck_parse_int("0", &v, &range) && v == 0);
	ASSERT(ycheck_parse_int("-0x10", &v, &range) && v == -16);
	ASSERT(ycheck_parse_int("+12", &v, &range) && v == 12);
	ASSERT(ycheck_parse_int("-9223372036854775808", &v, &range) && v == INT64_MIN);
	ASSERT(!ycheck_parse_int("9223372036854775808", &v, &range) && range);
	ASSERT(!ycheck_parse_int("", &v, &range) && !range);
	ASSERT(!ycheck_parse_int("-", &v, &range) && !range);
	/* a doubled sign is a syntax error, and says so: *range is set (false)
	 * whatever it held before */
	range = true;
	ASSERT(!ycheck_parse_int("--1", &v, &range) && !range);
	range = true;
	ASSERT(!ycheck_parse_int("+-1", &v, &range) && !range);
	range = true;
	ASSERT(!ycheck_parse_int("-+0x1", &v, &range) && !range);
	ASSERT(!ycheck_parse_int("0x", &v, &range));
	ASSERT(!ycheck_parse_int("07", &v, &range));
	ASSERT(!ycheck_parse_int(" 7", &v, &range));
	ASSERT(!ycheck_parse_int("7 ", &v, &range));
	ASSERT(ycheck_parse_uint("0xFFFFFFFFFFFFFFFF", &u, &range) && u == UINT64_MAX);
	ASSERT(!ycheck_parse_uint("0x1FFFFFFFFFFFFFFFF", &u, &range) && range);
	ASSERT(ycheck_parse_uint("18446744073709551615", &u, &range) && u == UINT64_MAX);
	ASSERT(!ycheck_parse_uint("18446744073709551616", &u, &range) && range);
	ASSERT(!ycheck_parse_uint("-1", &u, &range) && !range);
	ASSERT(!ycheck_parse_uint("+1", &u, &range));
}

/* Text that reaches a terminal holds no control character: each is \xNN
 * (prose: a tab or line break is a space); names are matched in that form
 * everywhere.  String keys are data: kept byte for byte. */
static void control_characters(void)
{
	struct scene s;
	char err[1024];
	const char *y = "mapviz: 1\n"
			"title: \"a\\e[31mb\\a\"\n"
			"summary: \"one\\ttwo\\nthree\\u009b\\x7f\\n\\n\"\n"
			"chapter: \"\\e7\"\n"
			"map: {key: string}\n"
			"locks: [{name: \"m\\eu\"}]\n"
			"workers:\n"
			"  - name: \"w\\a\"\n"
			"    program:\n"
			"      - lock: {name: \"m\\eu\"}\n"
			"      - store: {key: \"k\\e$$\", value: 1}\n"
			"      - repeat: {times: 2, var: i, do: [store: {key: \"\\e$i\", value: 2}]}\n"
			"      - close: {signal: \"s\\u0085\"}\n"
			"schedule: {policy: script, script: [\"w\\a*2\", \"w\\x07\"]}\n"
			"notes: [{at: 1, say: \"\\e]0;x\\a\"}]\n"
			"expect: {message: \"m\\e\", leaked: [\"w\\a\"]}\n";
	if (load_text(y, &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT_STR(s.title, "a\\x1b[31mb\\x07");
	ASSERT_STR(s.summary, "one two three\\x9b\\x7f");
	ASSERT_STR(s.chapter, "\\x1b7");
	ASSERT_STR(s.spec.locks[0].name, "m\\x1bu");
	ASSERT_STR(s.spec.workers[0].name, "w\\x07");
	ASSERT_STR(s.spec.signals[0], "s\\x85");
	ASSERT_STR(s.notes[0].say, "\\x1b]0;x\\x07");
	ASSERT_STR(s.expect.message, "m\\x1b");
	ASSERT_STR(s.expect.leaked[0], "w\\x07");
	ASSERT_EQ(s.spec.sched.nscript, 3);
	ASSERT_EQ(s.spec.sched.script[2], 0); /* "w\x07" as text names the worker too */
	const struct mv_instr *in = s.spec.workers[0].prog.instrs;
	ASSERT_EQ(in[0].ref, 0);
	ASSERT_EQ(in[1].key.kind, MV_OPD_STR);
	ASSERT_STR(pool_str(&s, in[1].key.str), "k\x1b$");
	ASSERT_EQ(in[3].key.kind, MV_OPD_TEMPLATE);
	ASSERT_STR(pool_str(&s, in[3].key.str), "\x1b$0");
	scene_free(&s);
	/* error messages quote what they found without control characters */
	ERR_AT(H W "      - store: {key: 1, value: \"\\u009b1\"}\n", "\"\\u009b", "found '\\x9b1' for store.value");
	/* a file name may hold anything too */
	char path[64];
	write_tmp(H ONE_WORKER, strlen(H ONE_WORKER), path, sizeof path);
	char odd[80];
	snprintf(odd, sizeof odd, "/tmp/mapviz-\x1b[2J-%d.yaml", (int)getpid());
	ASSERT_EQ(rename(path, odd), 0);
	int rc = scene_load(odd, &s, err, sizeof err);
	unlink(odd);
	if (rc)
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT(strncmp(s.name, "mapviz-\\x1b[2J-", 15) == 0);
	scene_free(&s);
}

/* A worker name with '*' cannot be said in schedule.script: refused where it is defined. */
static void worker_name_star(void)
{
	ERR_AT(H "workers:\n  - {name: \"a*2\", program: []}\nschedule: {policy: script, script: [\"a*2\"]}\n", "*2\"",
	       "found '*' in worker name 'a*2', expected a worker name without '*'");
	ERR_AT(H "workers:\n  - {name: x*, program: []}\n", "*,", "found '*' in worker name 'x*'");
}

/* What the engine would refuse to run is refused by the loader, at the op. */
static void runnable(void)
{
	ERR_AT(H W "      - len:\n      - load_or_store: {key: 1, value: 2}\n", "load_or_store",
	       "found load_or_store with map.impl gomap, expected an op that map supports (load_or_store, "
	       "load_and_delete, swap, compare_and_swap and compare_and_delete need map.impl syncmap)");
	ERR_AT(H "map: {impl: sharded}\n" W "      - load_and_delete: {key: 1}\n", "load_and_delete",
	       "found load_and_delete with map.impl sharded");
	ERR_AT(H "map: {impl: syncmap}\n" W "      - load_or_store: {key: 1, value: 2}\n      - len: {}\n", "len",
	       "found len with map.impl syncmap, expected an op that map supports (sync.Map has no Len");
	ERR_AT(H "map: {impl: syncmap}\n" W "      - range: {do: [clear: ~]}\n", "clear", "found clear with map.impl syncmap");
	/* 64 signals load; the 65th is refused where it is first named */
	char y[4096];
	size_t o = (size_t)snprintf(y, sizeof y, "%s", H W);
	for (int i = 0; i < 64; i++)
		o += (size_t)snprintf(y + o, sizeof y - o, "      - close: {signal: s%d}\n", i);
	struct scene s;
	char err[1024];
	if (load_text(y, &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT_EQ(s.spec.nsignals, 64);
	scene_free(&s);
	snprintf(y + o, sizeof y - o, "      - wait: {signal: s0}\n      - wait: {signal: last}\n");
	ERR_AT(y, "last", "found a 65th signal 'last', expected at most 64 signals in a scene");
}

/* scene_load_buf: from memory (no NUL after the text), named by a path. */
static void load_from_memory(void)
{
	const char *y = H ONE_WORKER "notes: [{at: 3, say: hi}, {on: fatal, say: bye}]\n"
			"schedule: {policy: script, script: [a, \"a*3\"]}\n";
	size_t n = strlen(y);
	char *buf = malloc(n);
	ASSERT(buf);
	memcpy(buf, y, n);
	struct scene s;
	char err[1024];
	if (scene_load_buf("mem/scene.yaml", buf, n, &s, err, sizeof err))
		unit_fail(__FILE__, __LINE__, "%s", err);
	ASSERT_STR(s.path, "mem/scene.yaml");
	ASSERT_STR(s.name, "scene");
	/* where notes and script entries stand, for check's warnings */
	ASSERT_EQ(s.notes[0].at.line, 4);
	ASSERT_EQ(s.notes[0].at.col, 14);
	ASSERT_EQ(s.notes[0].say_pos.col, 22);
	ASSERT_EQ(s.notes[1].at.col, 32);
	ASSERT_EQ(s.nscript, 2);
	ASSERT_EQ(s.script[1].first, 1);
	ASSERT_EQ(s.script[1].n, 3);
	ASSERT_EQ(s.script[1].pos.line, 5);
	ASSERT_EQ(s.script[1].pos.col, 40);
	scene_free(&s);
	ASSERT_EQ(scene_load_buf("mem/bad.yaml", buf, n - 10, &s, err, sizeof err), -1);
	ASSERT(strncmp(err, "mem/bad.yaml:", 13) == 0);
	free(buf);
}

const struct unit_test scene_tests[] = {
	UNIT(full_fixture),
	UNIT(defaults),
	UNIT(map_options),
	UNIT(string_keys),
	UNIT(int_operands),
	UNIT(hashes),
	UNIT(unknown_keys),
	UNIT(wrong_types),
	UNIT(enums),
	UNIT(missing_keys),
	UNIT(versions_and_files),
	UNIT(syntax_errors),
	UNIT(hostile),
	UNIT(ranges),
	UNIT(names),
	UNIT(variables),
	UNIT(into_variables),
	UNIT(challenges),
	UNIT(program_shape),
	UNIT(many_ops),
	UNIT(instruction_cap),
	UNIT(status_names),
	UNIT(name_from_path),
	UNIT(int_parsing),
	UNIT(control_characters),
	UNIT(worker_name_star),
	UNIT(runnable),
	UNIT(load_from_memory),
	{0},
};
