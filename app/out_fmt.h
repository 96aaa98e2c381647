/*
 * out_fmt: the pieces every headless writer (out.c, out_gomap.c,
 * out_syncmap.c ...) prints with: JSON strings, keys as JSON and as text,
 * and how much map state a record carries.
 */
#ifndef MV_OUT_FMT_H
#define MV_OUT_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/core/spec.h"

enum out_state { OUT_STATE_NONE, OUT_STATE_HEADER, OUT_STATE_FULL };

/* What it takes to print a key: int, or a string pool id. */
struct out_keys {
	enum mv_keykind kind;
	const struct mv_strpool *strs;
};

/* Write a JSON string for the bytes s[0..n): '"' and '\\' escaped, bytes
 * below 0x20 and 0x7f as \u00XX, every other byte as it is. */
void out_json_string(FILE *f, const char *s, size_t n);
/* A key as JSON: a number for int maps, a string for string maps. */
void out_json_key(FILE *f, const struct out_keys *k, int64_t key);
/* A key as a transcript shows it: a number, or a quoted string with
 * control bytes, '"' and '\\' as \xNN. */
void out_text_key(FILE *f, const struct out_keys *k, int64_t key);

#endif
