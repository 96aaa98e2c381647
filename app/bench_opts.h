/*
 * bench_opts: option parsing every `mapviz bench` subcommand shares.
 */
#ifndef MV_BENCH_OPTS_H
#define MV_BENCH_OPTS_H

#include <stdbool.h>
#include <stdint.h>

/* Match argv[*i] against option `name` taking a value, as "--name VALUE"
 * or "--name=VALUE"; on a match set *val (NULL if missing) and advance *i. */
bool bench_opt(int argc, char **argv, int *i, const char *name, const char **val);

/* Strict decimal integer in [lo, hi]: digits only (no sign, no spaces, no
 * trailing text).  On error prints "mapviz bench CMD: ..." (a missing
 * value: s is NULL) and returns false. */
bool bench_parse_int(const char *cmd, const char *opt, const char *s, int64_t lo, int64_t hi,
		     int64_t *out);

#endif
