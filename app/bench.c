/*
 * bench: `mapviz bench SUBCOMMAND` (see bench.h and bench/README.md).
 *
 * Subcommands live in the table `subs` below; a new one (contention, tui)
 * is a function `int NAME(int argc, char **argv)` (argv[0] = its name) plus
 * one table row.  Shared helpers: bench_parse_int for strict option values,
 * bench_now_ns for the clock, bench_median for the reported statistic.
 */
#include "bench.h"
#include "bench_opts.h"
#include "bench_engine.h"
#include "bench_classic_contention.h"
#include "bench_explore.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/core/rng.h"
#include "tui/tui.h" /* bench tui */

/* Anything stored here is observable, so the loops feeding it stay. */
volatile int64_t bench_sink;

uint64_t bench_now_ns(void)
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

/* ------------------------------------------------------------------ */
/* bench engine                                                        */

#define ENGINE_DEFAULT_N 1000000
#define ENGINE_MAX_N 1000000000
#define ENGINE_MAX_REPS 1000
static const char *const engine_phase_names[EP__COUNT] = {
#define ENGINE_PHASE_STR(name, str) str,
	ENGINE_PHASE_MAP(ENGINE_PHASE_STR)
#undef ENGINE_PHASE_STR
};

static const char engine_usage[] =
	"usage: mapviz bench engine [--n N] [--reps R] [--go 1.19|1.26]\n"
	"  Time a map engine (tracing off) on N int64 keys splitmix64(0..N-1):\n"
	"  insert_nohint, insert_hint, lookup_hit, lookup_miss, delete.\n"
	"  Prints \"PHASE NS_PER_OP\" per phase; with --reps, the median of R runs.\n"
	"  --n N      number of keys (default 1000000)\n"
	"  --reps R   runs per phase (default 1)\n"
	"  --go V     the engine of Go V's map: 1.19 buckets (default), 1.26 Swiss tables\n";

static int bench_engine(int argc, char **argv)
{
	int64_t n = ENGINE_DEFAULT_N, reps = 1;
	enum mv_go go = MV_GO_1_19;
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
		} else if (bench_opt(argc, argv, &i, "--go", &val)) {
			if (!mv_go_parse(val, &go)) {
				fprintf(stderr, "mapviz bench engine: --go takes 1.19 or 1.26, found '%s'\n", val);
				return 1;
			}
		} else {
			fprintf(stderr, "mapviz bench engine: unknown option '%s'\n%s", argv[i], engine_usage);
			return 1;
		}
	}

	const struct bench_engine_row *row = NULL;
	for (size_t k = 0; k < sizeof bench_engine_rows / sizeof bench_engine_rows[0]; k++)
		if (bench_engine_rows[k]->go == go)
			row = bench_engine_rows[k];
	if (!row) {
		fprintf(stderr, "mapviz bench engine: no engine models Go %s\n", mv_go_name(go));
		return 1;
	}
	double *samples = malloc((size_t)reps * EP__COUNT * sizeof *samples);
	if (!samples) {
		fprintf(stderr, "mapviz bench engine: out of memory\n");
		return 1;
	}
	/* samples[p * reps + r]: phase p of run r */
	for (int64_t r = 0; r < reps; r++) {
		double ns[EP__COUNT];
		if (!row->round(n, ns)) {
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
	{"engine", "[--n N] [--reps R] [--go V]", "time the map engine's insert, lookup and delete", bench_engine},
	{"tui", "[--steps N]", "time one step's redraw and a step back (see tui/bench_tui.c)", tui_bench},
	{"contention", "--impl I [--threads T ...]", "free-running threads on real locks and sync.Map", bench_contention},
	{"explore", "[--reps R]", "the schedule search: steps/s, reduced vs --all", bench_explore},
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
