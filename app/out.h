/*
 * out: the headless writers (DESIGN "Headless output contract"): JSON Lines
 * and a plain-text transcript of a world as it runs.  Also used by `mapviz
 * test` and the TUI's frame export for the state dumps.
 */
#ifndef MV_OUT_H
#define MV_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/world/world.h"
#include "out_fmt.h"
#include "scene.h"

enum out_format { OUT_TEXT, OUT_JSONL };
enum out_every { OUT_EVERY_OP, OUT_EVERY_STEP, OUT_EVERY_EVENT };

struct out {
	FILE *f;
	enum out_format format;
	enum out_every every;
	enum out_state state;
	const struct scene *scene;
	struct mv_world *world;
	/* a range's entries, gathered from iter_key events until it ends */
	int64_t *range_kv;
	size_t range_n, range_cap;
	/* stop condition: the first event of this kind (or -1) */
	int until;
	bool until_hit;
	bool seen[MV_EV__COUNT]; /* which event kinds occurred */
	struct mv_observer obs_storage;
	struct out_keys keys;
	/* --every step: a step's events, held until its step line is out */
	char *held;
	size_t held_len;
	FILE *hold;
};

/* The world's state: the map's STATE (or {"shards":[STATE...]}), then
 * ,"locks":{...} when the world has locks (a field of the enclosing record). */
void out_json_world_state(FILE *f, const struct mv_world *w, enum out_state level);

void out_init(struct out *o, FILE *f, const struct scene *sc, struct mv_world *w);
void out_done(struct out *o);
/* The observer to attach to the world. */
const struct mv_observer *out_observer(struct out *o);
void out_begin(struct out *o);
void out_end(struct out *o);
/* Go's crash report for a world that ended badly (E1, T8), as text. */
void out_go_report(FILE *f, const struct mv_world *w, const struct scene *sc);

#endif
