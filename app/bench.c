/*
 * bench: `mapviz bench SUBCOMMAND` (see bench.h and bench/README.md).
 *
 * Subcommands live in the table `subs` below; a new one (contention, tui)
 * is a function `int NAME(int argc, char **argv)` (argv[0] = its name) plus
 * one table row.  Shared helpers: bench_parse_int for strict option values,
 * bench_now_ns for the clock, bench_median for the reported statistic.
 */
#include "bench.h"
#include "bench_contention.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/classic/gomap.h"
#include "engine/core/rng.h"
#include "tui/tui.h" /* bench tui */

/* Anything stored here is observable, so the loops feeding it stay. */
static volatile int64_t bench_sink;

static uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of v[0..n) (n >= 1); sorts v. */
static double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* bench.h */
bool bench_parse_int(const char *cmd, const char *opt, const char *s, int64_t lo, int64_t hi,
			    int64_t *out)
{
	if (!s) {
		fprintf(stderr, "mapviz bench %s: %s needs a value\n", cmd, opt);
		return false;
	}
	bool digits = *s != '\0';
	for (const char *p = s; *p; p++)
		digits = digits && *p >= '0' && *p <= '9';
	errno = 0;
	char *end = NULL;
	long long v = digits ? strtoll(s, &end, 10) : 0;
	if (!digits || errno || *end || v < lo || v > hi) {
		fprintf(stderr, "mapviz bench %s: bad value for %s: '%s' (want an integer in %" PRId64
			"..%" PRId64 ")\n", cmd, opt, s, lo, hi);
		return false;
	}
	*out = (int64_t)v;
	return true;
}

/*
 * Match argv[*i] against option `name` taking a value, as "--name VALUE" or
 * "--name=VALUE".  On a match sets *val (NULL if the value is missing) and
 * advances *i past the value.
 */
bool bench_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t len = strlen(name);
	if (strncmp(a, name, len) != 0)
		return false;
	if (a[len] == '=') {
		*val = a + len + 1;
		return true;
	}
	if (a[len] != '\0')
		return false;
	*val = *i + 1 < argc ? argv[++*i] : NULL;
	return true;
}

/* ------------------------------------------------------------------ */
/* bench engine                                                        */

#define ENGINE_DEFAULT_N 1000000
#define ENGINE_MAX_N 1000000000
#define ENGINE_MAX_REPS 1000
#define ENGINE_SEED 0x6d617076697aULL /* "mapviz" */

#define ENGINE_PHASE_MAP(X)                                                 \
	X(INSERT_NOHINT, "insert_nohint")                                   \
	X(INSERT_HINT, "insert_hint")                                       \
	X(LOOKUP_HIT, "lookup_hit")                                         \
	X(LOOKUP_MISS, "lookup_miss")                                       \
	X(DELETE, "delete")

enum engine_phase {
#define ENGINE_PHASE_ENUM(name, str) EP_##name,
	ENGINE_PHASE_MAP(ENGINE_PHASE_ENUM)
#undef ENGINE_PHASE_ENUM
	EP__COUNT
};

static const char *const engine_phase_names[EP__COUNT] = {
#define ENGINE_PHASE_STR(name, str) str,
	ENGINE_PHASE_MAP(ENGINE_PHASE_STR)
#undef ENGINE_PHASE_STR
};

static inline int64_t engine_key(int64_t i)
{
	return (int64_t)mv_splitmix64((uint64_t)i);
}

static bool engine_map_init(struct gomap *m, int64_t hint)
{
	enum mv_status st = gomap_init(m, MV_KEY_INT, hint, ENGINE_SEED, false, NULL, 0, NULL);
	if (st != MV_OK) {
		fprintf(stderr, "mapviz bench engine: gomap_init(hint %" PRId64 "): %s\n", hint,
			mv_strerror(st));
		return false;
	}
	return true;
}

/* Insert key_i -> i for all i; returns ns/op or -1 after a message. */
static double engine_insert(struct gomap *m, int64_t n, const char *phase)
{
	int64_t failed = 0;
	uint64_t t0 = bench_now_ns();
	for (int64_t i = 0; i < n; i++)
		failed += !gomap_store(m, engine_key(i), i);
	uint64_t t1 = bench_now_ns();
	if (failed || m->count != n) {
		fprintf(stderr, "mapviz bench engine: %s: %" PRId64 " stores failed, count %" PRId64
			" (want %" PRId64 ")\n", phase, failed, m->count, n);
		return -1;
	}
	return (double)(t1 - t0) / (double)n;
}

/* One run of all five phases; ns[] gets ns/op per phase.  False on error. */
static bool engine_round(int64_t n, double ns[EP__COUNT])
{
	struct gomap m;

	/* 1. insert_nohint */
	if (!engine_map_init(&m, 0))
		return false;
	ns[EP_INSERT_NOHINT] = engine_insert(&m, n, "insert_nohint");
	gomap_done(&m);
	if (ns[EP_INSERT_NOHINT] < 0)
		return false;

	/* 2. insert_hint; this map serves the remaining phases */
	if (!engine_map_init(&m, n))
		return false;
	ns[EP_INSERT_HINT] = engine_insert(&m, n, "insert_hint");
	if (ns[EP_INSERT_HINT] < 0)
		goto fail;

	/* 3. lookup_hit */
	int64_t found = 0, sum = 0;
	uint64_t t0 = bench_now_ns();
	for (int64_t i = 0; i < n; i++) {
		int64_t v = 0;
		found += gomap_load(&m, engine_key(i), &v);
		sum += v;
	}
	uint64_t t1 = bench_now_ns();
	bench_sink += sum;
	/* sum of 0..n-1, modulo 2^64 like the loop's own arithmetic */
	uint64_t want_sum = (uint64_t)n % 2 ? (uint64_t)n * ((uint64_t)(n - 1) / 2)
					    : ((uint64_t)n / 2) * (uint64_t)(n - 1);
	if (found != n || (uint64_t)sum != want_sum) {
		fprintf(stderr, "mapviz bench engine: lookup_hit: %" PRId64 " of %" PRId64
			" keys found, value sum %" PRId64 " (want %" PRIu64 ")\n", found, n, sum, want_sum);
		goto fail;
	}
	ns[EP_LOOKUP_HIT] = (double)(t1 - t0) / (double)n;

	/* 4. lookup_miss: keys n..2n-1 of the same sequence were never stored */
	found = 0;
	sum = 0;
	t0 = bench_now_ns();
	for (int64_t i = 0; i < n; i++) {
		int64_t v = 0;
		found += gomap_load(&m, engine_key(i + n), &v);
		sum += v;
	}
	t1 = bench_now_ns();
	bench_sink += sum;
	if (found != 0) {
		fprintf(stderr, "mapviz bench engine: lookup_miss: %" PRId64 " absent keys found\n", found);
		goto fail;
	}
	ns[EP_LOOKUP_MISS] = (double)(t1 - t0) / (double)n;

	/* 5. delete */
	int64_t failed = 0;
	t0 = bench_now_ns();
	for (int64_t i = 0; i < n; i++)
		failed += !gomap_delete(&m, engine_key(i));
	t1 = bench_now_ns();
	if (failed || m.count != 0) {
		fprintf(stderr, "mapviz bench engine: delete: %" PRId64 " deletes failed, count %" PRId64
			" (want 0)\n", failed, m.count);
		goto fail;
	}
	ns[EP_DELETE] = (double)(t1 - t0) / (double)n;

	gomap_done(&m);
	return true;
fail:
	gomap_done(&m);
	return false;
}

static const char engine_usage[] =
	"usage: mapviz bench engine [--n N] [--reps R]\n"
	"  Time the map engine (tracing off) on N int64 keys splitmix64(0..N-1):\n"
	"  insert_nohint, insert_hint, lookup_hit, lookup_miss, delete.\n"
	"  Prints \"PHASE NS_PER_OP\" per phase; with --reps, the median of R runs.\n"
	"  --n N      number of keys (default 1000000)\n"
	"  --reps R   runs per phase (default 1)\n";

static int bench_engine(int argc, char **argv)
{
	int64_t n = ENGINE_DEFAULT_N, reps = 1;
	for (int i = 1; i < argc; i++) {
		const char *val;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(engine_usage, stdout);
			return 0;
		} else if (bench_opt(argc, argv, &i, "--n", &val)) {
			if (!bench_parse_int("engine", "--n", val, 1, ENGINE_MAX_N, &n))
				return 1;
		} else if (bench_opt(argc, argv, &i, "--reps", &val)) {
			if (!bench_parse_int("engine", "--reps", val, 1, ENGINE_MAX_REPS, &reps))
				return 1;
		} else {
			fprintf(stderr, "mapviz bench engine: unknown option '%s'\n%s", argv[i], engine_usage);
			return 1;
		}
	}

	double *samples = malloc((size_t)reps * EP__COUNT * sizeof *samples);
	if (!samples) {
		fprintf(stderr, "mapviz bench engine: out of memory\n");
		return 1;
	}
	/* samples[p * reps + r]: phase p of run r */
	for (int64_t r = 0; r < reps; r++) {
		double ns[EP__COUNT];
		if (!engine_round(n, ns)) {
			free(samples);
			return 1;
		}
		for (int p = 0; p < EP__COUNT; p++)
			samples[p * reps + r] = ns[p];
	}
	for (int p = 0; p < EP__COUNT; p++)
		printf("%s %.2f\n", engine_phase_names[p], bench_median(samples + p * reps, (size_t)reps));
	free(samples);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* ------------------------------------------------------------------ */
/* the subcommand table                                                */

struct bench_sub {
	const char *name;
	const char *args; /* for the usage line */
	const char *help;
	int (*run)(int argc, char **argv);
};

static const struct bench_sub subs[] = {
	{"engine", "[--n N] [--reps R]", "time the map engine's insert, lookup and delete", bench_engine},
	{"tui", "[--steps N]", "time one step's redraw and a step back (see tui/tui.c)", tui_bench},
	{"contention", "--impl I [--threads T ...]", "free-running threads on real locks and sync.Map", bench_contention},
};

static void bench_usage(FILE *f)
{
	fprintf(f, "usage: mapviz bench SUBCOMMAND [OPTIONS]\nsubcommands:\n");
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		fprintf(f, "  %-8s %-22s %s\n", subs[i].name, subs[i].args, subs[i].help);
	fprintf(f, "bench/run.sh compares the results with Go (make bench).\n");
}

int cmd_bench(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		bench_usage(stdout);
		return 0;
	}
	if (argc < 2) {
		bench_usage(stderr);
		return 1;
	}
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "mapviz bench: unknown subcommand '%s'\n", argv[1]);
	bench_usage(stderr);
	return 1;
}
