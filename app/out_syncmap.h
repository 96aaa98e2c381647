/*
 * out_syncmap: sync.Map's state for the headless writers (DESIGN "Headless
 * output contract"): the JSON STATE object and a one-line text form for
 * transcripts.
 */
#ifndef MV_OUT_SYNCMAP_H
#define MV_OUT_SYNCMAP_H

#include <stdint.h>
#include <stdio.h>

#include "engine/classic/syncmap.h"

/* STATE: {"read":{"amended":B,"entries":{"K":"value:V"|"nil"|"expunged",...}},
 * "dirty":null|{"K":...},"misses":N}; entries sorted by key (numerically
 * for int keys, bytewise for strings); an int key is written as its
 * decimal digits, a string key escaped like out_json_string. */
void out_json_syncmap_state(FILE *f, const struct syncmap *s);
/* The same with "engine":"syncmap" first, as `run --state full` writes it
 * beside Go 1.26's {"engine":"hashtrie",...}. */
void out_json_syncmap_engine_state(FILE *f, const struct syncmap *s);
/* A key as a JSON value: a number for int maps, a string for string maps. */
void out_json_syncmap_key(FILE *f, const struct syncmap *s, int64_t key);
/* One line, no newline:
 * read{1:value:10 2:nil 3:expunged} amended dirty{1:value:10 4:value:40} misses 1
 * (dirty=nil when dirty is nil; string keys JSON-quoted). */
void out_text_syncmap_state(FILE *f, const struct syncmap *s);
/* An entry's state as the JSON form shows it, into buf: "value:V", "nil",
 * "expunged". */
const char *out_syncmap_entry_str(const struct sm_entry *e, char *buf, size_t len);

#endif
