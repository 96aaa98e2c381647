/*
 * scene: a scene file loaded into memory — the engine's world spec plus what
 * only people see (title, summary, captions, breakpoints) and what a test
 * checks (expect).  Loaded by scene_load.c with libcyaml; every error names
 * FILE:LINE:COL.
 *
 * Every text a loaded scene holds — title, summary, chapter, captions,
 * worker, lock and signal names, expect.message — is safe to print on a
 * terminal: the loader writes each C0 and C1 control character and DEL as
 * a visible \xNN (in prose a tab or line break as a space).  String keys
 * are data and kept byte for byte (Go hashes those bytes): whoever prints
 * one quotes it with its control characters escaped.
 */
#ifndef MV_SCENE_H
#define MV_SCENE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/spec.h"

enum scene_status { SCENE_ST_OK, SCENE_ST_FATAL, SCENE_ST_PANIC, SCENE_ST_DEADLOCK };

/* mv_instr.var / var2 of an op that binds no variable (repeat or range
 * without `var:`; var2 always, as scenes have no range value variable). */
#define SCENE_NO_VAR UINT8_MAX

/*
 * The most micro-steps a scene may take to end.  `mapviz check` runs a
 * scene on its own schedule and refuses one that has not ended by then;
 * `mapviz run` stops there unless --steps says otherwise.
 */
#define SCENE_MAX_STEPS 1000000u

/* Where a token stands in the scene file (1-based; 0:0 = nowhere). */
struct scene_pos {
	uint32_t line, col;
};

struct scene_note {
	bool on_event;        /* true: at the event `event`; false: at step `step` */
	int event;            /* enum mv_event_kind */
	uint64_t step;
	const char *say;
	uint32_t line;
	struct scene_pos at;  /* the value of at: or on: */
	struct scene_pos say_pos;
};

/* An entry of schedule.script, "name" or "name*N": the steps
 * spec.sched.script[first .. first + n). */
struct scene_script_entry {
	uint32_t first, n;
	struct scene_pos pos;
};

/* An expected value of the final map header (expect.state); -1 = unchecked. */
/* The header fields expect.state may name, in one table: each engine
 * answers for its own (mapeng.h header_field). */
#define SCENE_STATE_FIELDS(X)                                               \
	X(count) X(B) X(flags) X(noverflow) X(nevacuate)                    \
	X(used) X(globalDepth) X(dirLen) X(clearSeq) X(tables)

struct scene_expect_state {
#define SCENE_STATE_MEMBER(name) int64_t name;
	SCENE_STATE_FIELDS(SCENE_STATE_MEMBER)
#undef SCENE_STATE_MEMBER
};

struct scene_expect {
	bool has_status;
	enum scene_status status;
	const char *message;           /* NULL = unchecked */
	struct scene_expect_state state;
	int *events;                   /* event kinds that must occur at least once */
	uint32_t nevents;
	int *no_events;                /* event kinds that must not occur */
	uint32_t nno_events;
	const char **leaked;           /* worker names, exact set when has_leaked */
	uint32_t nleaked;
	bool has_leaked;
	uint32_t line;                 /* where `expect:` stands */
};

/* What a scene says for one Go release other than its own (versions:):
 * its expect, schedule and notes replace the scene's when a run models
 * that release (--go). */
struct scene_version {
	enum mv_go go;
	bool has_expect, has_sched, has_notes;
	struct scene_expect expect;
	struct mv_sched_spec sched;
	const struct scene_script_entry *script;
	uint32_t nscript;
	struct scene_note *notes;
	uint32_t nnotes;
	uint32_t line;
};

/*
 * challenge: the student is the scheduler (manual policy from the first
 * step) and must bring the run to `goal` within `within` micro-steps.
 * `mapviz test` proves each challenge winnable (engine/explore) and not
 * won by the default round-robin schedule.
 */
struct scene_challenge {
	bool present;
	int goal;             /* enum mv_outcome (engine/explore/explore.h) */
	const char *message;  /* goal fatal/panic: Go's message it must end with; NULL: any */
	uint64_t within;      /* micro-steps from step 0 */
	const char *say_win;  /* narration when the goal is reached */
	const char *say_lose; /* narration when the run ends otherwise */
	struct scene_pos pos; /* where `challenge:` stands */
	bool impossible;      /* the goal cannot be reached: test proves it absent */
	struct scene_pos say_win_pos, say_lose_pos;
};

struct scene {
	char *path;           /* as given on the command line */
	const char *name;     /* file name without directory and .yaml */
	const char *title;
	const char *summary;
	const char *chapter;  /* the article chapter it teaches ("2.1"), or NULL */
	struct mv_world_spec spec;
	struct scene_note *notes;
	uint32_t nnotes;
	int *breakpoints;     /* event kinds */
	uint32_t nbreakpoints;
	struct scene_expect expect;
	struct scene_pos summary_pos;
	const struct scene_script_entry *script; /* schedule.script as written */
	uint32_t nscript;
	enum mv_go go;        /* the scene's own go: (spec.map.go is what runs) */
	struct scene_version *versions;
	uint32_t nversions;
	struct scene_challenge challenge;
	/* worker w's variable names (repeat/range var:, load into:):
	 * var_names[w][v] for v as in mv_worker.vars, NULL where unused;
	 * spec.nworkers rows */
	const char *(*var_names)[MV_MAX_VARS];
	void *priv;           /* the loader's allocations */
};

/* Make the scene model release go (--go): spec.map.go, and the expect,
 * schedule and notes of its versions: block for go if it has one.  On a
 * release that is not its own and has no block, captions tied to a step
 * are dropped (the steps differ), event captions stay. */
void scene_select_go(struct scene *sc, enum mv_go go);


/*
 * Load and validate the scene at path.  On success return 0 and fill *out
 * (free with scene_free).  On failure return -1 and write one message
 * "FILE:LINE:COL: what was found, what was expected" (no newline) into
 * err[0..errlen).
 */
int scene_load(const char *path, struct scene *out, char *err, size_t errlen);
/* The same from buf[0..len) (the scene's text, which need not end in NUL);
 * path only names it (in messages, scene->path and scene->name). */
int scene_load_buf(const char *path, const char *buf, size_t len, struct scene *out, char *err, size_t errlen);
void scene_free(struct scene *s);

const char *scene_status_name(enum scene_status s);

#endif
