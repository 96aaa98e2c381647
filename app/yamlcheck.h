/*
 * yamlcheck: validate a yamltree against a libcyaml schema before libcyaml
 * loads it, so that every schema error names the exact token: an unknown
 * or duplicate key (the key), a value of the wrong type or form (the
 * value), a missing required key (the mapping that lacks it), too few or
 * too many sequence entries.  Scalars are checked more strictly than
 * libcyaml 1.3 does (it reads "1e3" as 1 and "x" as true): integers are
 * decimal or 0x hex, booleans true/false, enums exact, strings without NUL.
 * A tree that passes loads into the same values with libcyaml.
 */
#ifndef MV_YAMLCHECK_H
#define MV_YAMLCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include <cyaml/cyaml.h>

#include "yamltree.h"

/* ycheck_name.flags */
enum {
	YC_CHILD_BARE = 1 << 0, /* call a value by its key alone ("store", not "item.store") */
	YC_ONE_KEY = 1 << 1,    /* the mapping holds exactly one of its keys */
};

/*
 * How messages call a mapping of the schema (found by its field table), or,
 * when `field` is set, what messages say the value of that field should be
 * when it is not even a scalar ("a key (an integer or a string)").
 */
struct ycheck_name {
	const cyaml_schema_field_t *fields;
	const char *name;      /* "worker"; NULL: by the path that leads to it */
	const char *key_noun;  /* "op"; NULL: "key" */
	unsigned flags;
	const char *field;     /* a key of `fields`, for `expected` */
	const char *expected;
};

/*
 * Check node `root` of t against schema (a mapping schema); names (ended by
 * a NULL fields entry, may be NULL) name mappings in messages.  Returns 0,
 * or -1 with *err set to "found X for Y, expected Z" at the exact node.
 */
int ycheck(const struct ytree *t, uint32_t root, const cyaml_schema_value_t *schema,
	   const struct ycheck_name *names, struct yerr *err);

/* Integers as scenes write them: [+-] then 0x hex digits, or a decimal
 * without leading zeros.  On a syntax error return false with *range
 * false; on overflow false with *range true. */
bool ycheck_parse_int(const char *s, int64_t *out, bool *range);
/* The same without a sign, up to 2^64-1. */
bool ycheck_parse_uint(const char *s, uint64_t *out, bool *range);

/* The candidate in cands[0..n) closest to s (edit distance <= 2), or NULL. */
const char *ycheck_suggest(const char *s, const char *const *cands, unsigned n);

/* "found X" for node i: "'text'", "an empty value", "a mapping", "a sequence". */
const char *ycheck_found(const struct ytree *t, uint32_t i, char *buf, size_t cap);

#endif
