/* bench_opts: the benchmarks' option parsing; see bench_opts.h. */
#include "bench_opts.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

