/*
 * words: one wording of events, keys and runtime phases for every writer
 * (out.c's transcript, the TUI, recordings).
 */
#ifndef MV_WORDS_H
#define MV_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/event.h"
#include "engine/world/world.h"

/* A key as people read it: 17, or "alice" quoted with control bytes,
 * '"' and '\\' as \xNN (cut to fit len). */
void words_key(const struct mv_world_spec *spec, int64_t key, char *buf, size_t len);
/* What event ev (of a step in world w) means, in one line. */
void words_event(char *buf, size_t len, const struct mv_world *w, const struct mv_event *ev);
/* What the runtime phase called phase does in w's map engine, in a few
 * words; NULL if there is nothing to say. */
const char *words_gloss(const struct mv_world *w, const char *phase);

/* Each map engine's words (words_gomap.c, words_swiss.c): its phases'
 * glosses (ended by a NULL phase) and its own events, worded into buf
 * (false: not one of its events). */
struct words_gloss {
	const char *phase, *gloss;
};
struct words_engine {
	const struct words_gloss *glosses;
	bool (*event)(char *buf, size_t len, const struct mv_world *w, const struct mv_event *ev);
};
extern const struct words_engine words_gomap, words_swiss;
const char *words_find_gloss(const struct words_gloss *g, const char *phase);

#endif
