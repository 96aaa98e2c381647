/*
 * strpool: interned strings.  A string map's keys are stored in buckets as
 * pool ids (int64), so a bucket is plain data and a map can be copied with
 * memcpy; the bytes live here.  The pool is append-only: an id, once given,
 * names the same bytes forever, so every copy of a map can share one pool.
 * Id 0 is always the empty string (a zeroed Go string, M6.6.1).
 */
#ifndef MV_STRPOOL_H
#define MV_STRPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"

struct mv_strpool {
	char *bytes;        /* all strings, each followed by a NUL */
	size_t len, cap;
	uint32_t *off;      /* off[id]: start of string id in bytes */
	uint32_t *slen;     /* slen[id]: its length */
	uint32_t n, ncap;   /* number of strings */
	uint32_t *index;    /* open-addressing table of ids + 1, 0 = free */
	uint32_t icap;      /* power of two */
};

enum mv_status mv_strpool_init(struct mv_strpool *p);
void mv_strpool_done(struct mv_strpool *p);
/* Intern s[0..len) and store its id in *id. */
enum mv_status mv_strpool_intern(struct mv_strpool *p, const char *s, size_t len, uint32_t *id);
/* The NUL-terminated bytes of id (valid until the next intern) and length. */
const char *mv_strpool_get(const struct mv_strpool *p, uint32_t id, size_t *len);

#endif
