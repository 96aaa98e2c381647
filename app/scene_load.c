/*
 * scene_load: a scene file (DESIGN.md "Scene format (version 1)") into a
 * struct scene.  Five bounded passes over one buffer:
 *
 *  1. read the file: at most SCENE_MAX_BYTES, no NUL bytes;
 *  2. yamltree: libyaml events into a tree that keeps every node's line and
 *     column (syntax errors, aliases, nesting depth and node count are
 *     caught here), so that every later error names its own token;
 *  3. yamlcheck + libcyaml: the schema below is first checked against the
 *     tree (unknown or duplicate keys, wrong types, bad enums, missing
 *     required keys, at the exact token), then libcyaml loads the buffer
 *     into the y_* structs;
 *  4. convert: the y_* values, walked together with the tree (positions),
 *     become the spec; this checks what a schema cannot say: version,
 *     names of locks, workers, variables (a loop's var: in its body, a
 *     load's into: from the load to the program's end), signals and
 *     events, ranges, nesting, program size, a challenge's goal and
 *     schedule; and every text is made safe to print (arena_safe: no
 *     control character reaches a terminal);
 *  5. check_runnable: what the engine would refuse to run
 *     (mv_world_unsupported) is refused at the op that asks for it.
 *
 * scene_load reads a file (a FIFO or pipe to its end, however late its
 * writer comes); scene_load_buf takes the text from memory.
 *
 * The scene owns everything it points to: one arena (scene->priv) and the
 * string pool (spec.strs); scene_free releases both.
 */
#include "scene.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cyaml/cyaml.h>

#include "engine/core/alloc.h"
#include "engine/core/event.h"
#include "engine/core/strpool.h"
#include "engine/explore/explore.h"
#include "engine/world/world.h"
#include "yamlcheck.h"
#include "yamltree.h"

#define SCENE_MAX_BYTES (16u << 20)      /* file size */
#define SCENE_MAX_INSTRS 1000000u        /* flattened instructions, all workers */
#define SCENE_MAX_WORKERS 64
#define SCENE_MAX_LOCKS 64
#define SCENE_MAX_NAME 32                /* worker, lock and variable names, bytes */
#define SCENE_MAX_COUNT 1000000000       /* repeat.times, sleep.steps */
#define SCENE_MAX_SHARDS 256
#define SCENE_MAX_SIGNALS 64             /* distinct signal names (a world's closed mask) */
#define SCENE_MAX_HINT (1 << 18)         /* map.hint, times the shards: the model makes the
					  * whole bucket array up front (~22 bytes a key) */
#define SCENE_CYAML_BUDGET ((size_t)1 << 30) /* bytes libcyaml may hold at once */

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- what libcyaml loads ------------------------------------------------ */

struct y_pin {
	char *key;
	uint64_t hash;
};

struct y_map {
	enum mv_impl impl;
	enum mv_keykind key;
	int64_t hint;
	uint64_t seed;
	int64_t *shards;
	struct y_pin *hashes;
	unsigned hashes_count;
	bool nil;
};

struct y_lock {
	char *name;
	enum mv_lock_kind kind;
};

/* A program item: exactly one op[k] is set (or none, for `- len:`). */
struct y_item {
	void *op[MV_I__COUNT];
};

struct y_kv { /* store, load, delete, load_or_store, load_and_delete, swap,
	       * compare_and_swap (old, new), compare_and_delete (old) */
	char *key;
	char *value;
	char *old;
	char *new_value;
	char *into;   /* load, load_or_store, load_and_delete, swap */
	uint64_t *hash;
};

struct y_iter { /* range.iter on Go 1.26 (SW6.7) */
	int64_t *entry_offset;
	int64_t *dir_offset;
};

struct y_range {
	struct y_iter *iter;
	int64_t *start;
	int64_t *offset;
	char *var;
	char *val;
	struct y_item *body;
	unsigned nbody;
};

struct y_repeat {
	int64_t times;
	char *var;
	struct y_item *body;
	unsigned nbody;
};

struct y_lockop {
	char *name;
};

struct y_sleep {
	int64_t steps;
};

struct y_signal {
	char *signal;
};

struct y_empty {
	char unused;
};

struct y_worker {
	char *name;
	bool main;
	struct y_item *program;
	unsigned program_count;
};

struct y_sched {
	enum mv_policy policy;
	uint64_t seed;
	char **script;
	unsigned script_count;
	enum mv_granularity granularity;
};

struct y_note {
	char *on;
	uint64_t *at;
	char *say;
};

struct y_state {
#define Y_STATE_MEMBER(name) int64_t *name;
	SCENE_STATE_FIELDS(Y_STATE_MEMBER)
#undef Y_STATE_MEMBER
};

struct y_expect {
	enum scene_status *status;
	char *message;
	struct y_state *state;
	char **events;
	unsigned events_count;
	char **no_events;
	unsigned no_events_count;
	char **leaked;
	unsigned leaked_count;
};

struct y_challenge {
	int goal; /* enum mv_outcome */
	char *message;
	int64_t within;
	char *say_win;
	char *say_lose;
	bool impossible;
};

struct y_version { /* one entry of versions: */
	char *go;
	struct y_sched *schedule;
	struct y_note *notes;
	unsigned notes_count;
	struct y_expect *expect;
};

struct y_scene {
	int64_t mapviz;
	char *go;
	char *title;
	char *summary;
	char *chapter;
	struct y_map *map;
	struct y_lock *locks;
	unsigned locks_count;
	struct y_worker *workers;
	unsigned workers_count;
	struct y_sched *schedule;
	struct y_note *notes;
	unsigned notes_count;
	char **breakpoints;
	unsigned breakpoints_count;
	struct y_expect *expect;
	struct y_version *versions;
	unsigned versions_count;
	struct y_challenge *challenge;
};

/* ---- the schema --------------------------------------------------------- */

#define OPT CYAML_FLAG_OPTIONAL
#define ENUM_FLAGS (CYAML_FLAG_OPTIONAL | CYAML_FLAG_STRICT)

static const cyaml_strval_t impl_strs[] = {
#define IMPL_STR(name, str) {str, MV_IMPL_##name},
	MV_IMPL_MAP(IMPL_STR)
#undef IMPL_STR
};
static const cyaml_strval_t keykind_strs[] = {{"int", MV_KEY_INT}, {"string", MV_KEY_STRING}};
static const cyaml_strval_t lockkind_strs[] = {{"mutex", MV_LOCK_MUTEX}, {"rwmutex", MV_LOCK_RWMUTEX}};
static const cyaml_strval_t policy_strs[] = {{"roundrobin", MV_POLICY_ROUNDROBIN},
					     {"random", MV_POLICY_RANDOM},
					     {"script", MV_POLICY_SCRIPT},
					     {"manual", MV_POLICY_MANUAL}};
static const cyaml_strval_t gran_strs[] = {{"step", MV_GRAN_STEP}, {"op", MV_GRAN_OP}};
/* challenge.goal: every outcome of engine/explore but ok */
static const cyaml_strval_t goal_strs[] = {{"fatal", MV_OUT_FATAL},
					   {"panic", MV_OUT_PANIC},
					   {"deadlock", MV_OUT_DEADLOCK},
					   {"leak", MV_OUT_LEAK},
					   {"lost_update", MV_OUT_LOST_UPDATE},
					   {"race_undetected", MV_OUT_RACE_UNDETECTED}};
static const cyaml_strval_t status_strs[] = {{"ok", SCENE_ST_OK},
					     {"fatal", SCENE_ST_FATAL},
					     {"panic", SCENE_ST_PANIC},
					     {"deadlock", SCENE_ST_DEADLOCK}};

static const char *const instr_names[] = {
#define INSTR_NAME(name, str) str,
	MV_INSTR_MAP(INSTR_NAME)
#undef INSTR_NAME
};

/* A non-empty string entry of a sequence (names). */
static const cyaml_schema_value_t name_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t pin_fields[] = {
	CYAML_FIELD_STRING_PTR("key", CYAML_FLAG_POINTER, struct y_pin, key, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT("hash", CYAML_FLAG_DEFAULT, struct y_pin, hash),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t pin_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_pin, pin_fields),
};

static const cyaml_schema_field_t map_fields[] = {
	CYAML_FIELD_ENUM("impl", ENUM_FLAGS, struct y_map, impl, impl_strs, N_ELEMS(impl_strs)),
	CYAML_FIELD_ENUM("key", ENUM_FLAGS, struct y_map, key, keykind_strs, N_ELEMS(keykind_strs)),
	CYAML_FIELD_INT("hint", OPT, struct y_map, hint),
	CYAML_FIELD_UINT("seed", OPT, struct y_map, seed),
	CYAML_FIELD_INT_PTR("shards", OPT, struct y_map, shards),
	CYAML_FIELD_SEQUENCE("hashes", OPT | CYAML_FLAG_POINTER, struct y_map, hashes, &pin_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_BOOL("nil", OPT, struct y_map, nil),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t lock_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct y_lock, name, 1, SCENE_MAX_NAME),
	CYAML_FIELD_ENUM("kind", ENUM_FLAGS, struct y_lock, kind, lockkind_strs, N_ELEMS(lockkind_strs)),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t lock_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_lock, lock_fields),
};

/* Program items nest (repeat and range bodies), so the schema is recursive. */
static const cyaml_schema_value_t item_entry;

static const cyaml_schema_field_t kv_fields[] = {
	CYAML_FIELD_STRING_PTR("key", CYAML_FLAG_POINTER, struct y_kv, key, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("value", CYAML_FLAG_POINTER, struct y_kv, value, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("hash", OPT, struct y_kv, hash),
	CYAML_FIELD_END,
};
static const cyaml_schema_field_t cas_fields[] = {
	CYAML_FIELD_STRING_PTR("key", CYAML_FLAG_POINTER, struct y_kv, key, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("old", CYAML_FLAG_POINTER, struct y_kv, old, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("new", CYAML_FLAG_POINTER, struct y_kv, new_value, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("hash", OPT, struct y_kv, hash),
	CYAML_FIELD_END,
};
static const cyaml_schema_field_t cad_fields[] = {
	CYAML_FIELD_STRING_PTR("key", CYAML_FLAG_POINTER, struct y_kv, key, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("old", CYAML_FLAG_POINTER, struct y_kv, old, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("hash", OPT, struct y_kv, hash),
	CYAML_FIELD_END,
};
static const cyaml_schema_field_t k_fields[] = {
	CYAML_FIELD_STRING_PTR("key", CYAML_FLAG_POINTER, struct y_kv, key, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("hash", OPT, struct y_kv, hash),
	CYAML_FIELD_END,
};
/* load, load_and_delete: key, and into: the variable the result binds */
static const cyaml_schema_field_t load_fields[] = {
	CYAML_FIELD_STRING_PTR("key", CYAML_FLAG_POINTER, struct y_kv, key, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("into", OPT, struct y_kv, into, 1, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("hash", OPT, struct y_kv, hash),
	CYAML_FIELD_END,
};
/* load_or_store, swap: key, value, into */
static const cyaml_schema_field_t kvi_fields[] = {
	CYAML_FIELD_STRING_PTR("key", CYAML_FLAG_POINTER, struct y_kv, key, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("value", CYAML_FLAG_POINTER, struct y_kv, value, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("into", OPT, struct y_kv, into, 1, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("hash", OPT, struct y_kv, hash),
	CYAML_FIELD_END,
};
static const cyaml_schema_field_t iter_fields[] = {
	CYAML_FIELD_INT_PTR("entryOffset", OPT, struct y_iter, entry_offset),
	CYAML_FIELD_INT_PTR("dirOffset", OPT, struct y_iter, dir_offset),
	CYAML_FIELD_END,
};
static const cyaml_schema_field_t range_fields[] = {
	CYAML_FIELD_MAPPING_PTR("iter", OPT, struct y_range, iter, iter_fields),
	CYAML_FIELD_INT_PTR("start", OPT, struct y_range, start),
	CYAML_FIELD_INT_PTR("offset", OPT, struct y_range, offset),
	CYAML_FIELD_STRING_PTR("var", OPT, struct y_range, var, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("val", OPT, struct y_range, val, 1, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE_COUNT("do", OPT | CYAML_FLAG_POINTER, struct y_range, body, nbody, &item_entry, 0,
				   CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_field_t repeat_fields[] = {
	CYAML_FIELD_INT("times", CYAML_FLAG_DEFAULT, struct y_repeat, times),
	CYAML_FIELD_STRING_PTR("var", OPT, struct y_repeat, var, 1, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE_COUNT("do", CYAML_FLAG_POINTER, struct y_repeat, body, nbody, &item_entry, 0,
				   CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_field_t lockop_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct y_lockop, name, 1, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_field_t sleep_fields[] = {
	CYAML_FIELD_INT("steps", CYAML_FLAG_DEFAULT, struct y_sleep, steps),
	CYAML_FIELD_END,
};
static const cyaml_schema_field_t signal_fields[] = {
	CYAML_FIELD_STRING_PTR("signal", CYAML_FLAG_POINTER, struct y_signal, signal, 1, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_field_t empty_fields[] = {
	CYAML_FIELD_END,
};

/*
 * Each op's arguments: field table, C struct, and whether the op may stand
 * with no arguments at all (`- len:`).  One row per MV_INSTR_MAP entry; a
 * new instruction fails to compile until it has a row here.
 */
#define ARGS_STORE kv_fields, struct y_kv, 0
#define ARGS_LOAD load_fields, struct y_kv, 0
#define ARGS_DELETE k_fields, struct y_kv, 0
#define ARGS_RANGE range_fields, struct y_range, 1
#define ARGS_LEN empty_fields, struct y_empty, 1
#define ARGS_CLEAR empty_fields, struct y_empty, 1
#define ARGS_REPEAT repeat_fields, struct y_repeat, 0
#define ARGS_LOAD_OR_STORE kvi_fields, struct y_kv, 0
#define ARGS_LOAD_AND_DELETE load_fields, struct y_kv, 0
#define ARGS_LOCK lockop_fields, struct y_lockop, 0
#define ARGS_UNLOCK lockop_fields, struct y_lockop, 0
#define ARGS_RLOCK lockop_fields, struct y_lockop, 0
#define ARGS_RUNLOCK lockop_fields, struct y_lockop, 0
#define ARGS_TRYLOCK lockop_fields, struct y_lockop, 0
#define ARGS_TRYRLOCK lockop_fields, struct y_lockop, 0
#define ARGS_SLEEP sleep_fields, struct y_sleep, 0
#define ARGS_CLOSE signal_fields, struct y_signal, 0
#define ARGS_WAIT signal_fields, struct y_signal, 0
#define ARGS_SWAP kvi_fields, struct y_kv, 0
#define ARGS_COMPARE_AND_SWAP cas_fields, struct y_kv, 0
#define ARGS_COMPARE_AND_DELETE cad_fields, struct y_kv, 0

#define OP_FIELD__(name, str, flds, ctype, nullable)                                                   \
	{                                                                                              \
		.key = str,                                                                            \
		.data_offset = offsetof(struct y_item, op) + MV_I_##name * sizeof(void *),             \
		.value = {                                                                             \
			.type = CYAML_MAPPING,                                                         \
			.flags = (enum cyaml_flag)(CYAML_FLAG_OPTIONAL |                               \
						   ((nullable) ? CYAML_FLAG_POINTER_NULL_STR           \
							       : CYAML_FLAG_POINTER)),                 \
			.data_size = sizeof(ctype),                                                    \
			.mapping = {.fields = flds},                                                   \
		},                                                                                     \
	},
#define OP_FIELD_(name, str, ...) OP_FIELD__(name, str, __VA_ARGS__)
#define OP_FIELD(name, str) OP_FIELD_(name, str, ARGS_##name)

static const cyaml_schema_field_t item_fields[] = {
	MV_INSTR_MAP(OP_FIELD) CYAML_FIELD_END,
};
static const cyaml_schema_value_t item_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_item, item_fields),
};

static const cyaml_schema_field_t worker_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct y_worker, name, 1, SCENE_MAX_NAME),
	CYAML_FIELD_BOOL("main", OPT, struct y_worker, main),
	CYAML_FIELD_SEQUENCE("program", CYAML_FLAG_POINTER, struct y_worker, program, &item_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t worker_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_worker, worker_fields),
};

static const cyaml_schema_field_t sched_fields[] = {
	CYAML_FIELD_ENUM("policy", ENUM_FLAGS, struct y_sched, policy, policy_strs, N_ELEMS(policy_strs)),
	CYAML_FIELD_UINT("seed", OPT, struct y_sched, seed),
	CYAML_FIELD_SEQUENCE("script", OPT | CYAML_FLAG_POINTER, struct y_sched, script, &name_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_ENUM("granularity", ENUM_FLAGS, struct y_sched, granularity, gran_strs,
			 N_ELEMS(gran_strs)),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t note_fields[] = {
	CYAML_FIELD_STRING_PTR("on", OPT, struct y_note, on, 1, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("at", OPT, struct y_note, at),
	CYAML_FIELD_STRING_PTR("say", CYAML_FLAG_POINTER, struct y_note, say, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t note_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_note, note_fields),
};

static const cyaml_schema_field_t state_fields[] = {
#define STATE_FIELD(name) CYAML_FIELD_INT_PTR(#name, OPT, struct y_state, name),
	SCENE_STATE_FIELDS(STATE_FIELD)
#undef STATE_FIELD
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t expect_fields[] = {
	CYAML_FIELD_ENUM_PTR("status", ENUM_FLAGS, struct y_expect, status, status_strs, N_ELEMS(status_strs)),
	CYAML_FIELD_STRING_PTR("message", OPT, struct y_expect, message, 0, CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("state", OPT, struct y_expect, state, state_fields),
	CYAML_FIELD_SEQUENCE("events", OPT | CYAML_FLAG_POINTER, struct y_expect, events, &name_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("no_events", OPT | CYAML_FLAG_POINTER, struct y_expect, no_events, &name_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("leaked", OPT | CYAML_FLAG_POINTER, struct y_expect, leaked, &name_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t version_fields[] = {
	CYAML_FIELD_STRING_PTR("go", CYAML_FLAG_POINTER, struct y_version, go, 1, 16),
	CYAML_FIELD_MAPPING_PTR("schedule", OPT, struct y_version, schedule, sched_fields),
	CYAML_FIELD_SEQUENCE("notes", OPT | CYAML_FLAG_POINTER, struct y_version, notes, &note_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("expect", OPT, struct y_version, expect, expect_fields),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t version_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_version, version_fields),
};

static const cyaml_schema_field_t challenge_fields[] = {
	CYAML_FIELD_ENUM("goal", CYAML_FLAG_STRICT, struct y_challenge, goal, goal_strs, N_ELEMS(goal_strs)),
	CYAML_FIELD_STRING_PTR("message", OPT, struct y_challenge, message, 1, CYAML_UNLIMITED),
	CYAML_FIELD_INT("within", CYAML_FLAG_DEFAULT, struct y_challenge, within),
	CYAML_FIELD_STRING_PTR("say_win", CYAML_FLAG_POINTER, struct y_challenge, say_win, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("say_lose", CYAML_FLAG_POINTER, struct y_challenge, say_lose, 1, CYAML_UNLIMITED),
	CYAML_FIELD_BOOL("impossible", OPT, struct y_challenge, impossible),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t top_fields[] = {
	CYAML_FIELD_INT("mapviz", CYAML_FLAG_DEFAULT, struct y_scene, mapviz),
	CYAML_FIELD_STRING_PTR("go", OPT, struct y_scene, go, 1, 16),
	CYAML_FIELD_STRING_PTR("title", CYAML_FLAG_POINTER, struct y_scene, title, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("summary", OPT, struct y_scene, summary, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("chapter", OPT, struct y_scene, chapter, 0, 32),
	CYAML_FIELD_MAPPING_PTR("map", OPT, struct y_scene, map, map_fields),
	CYAML_FIELD_SEQUENCE("locks", OPT | CYAML_FLAG_POINTER, struct y_scene, locks, &lock_entry, 0,
			     SCENE_MAX_LOCKS),
	CYAML_FIELD_SEQUENCE("workers", CYAML_FLAG_POINTER, struct y_scene, workers, &worker_entry, 1,
			     SCENE_MAX_WORKERS),
	CYAML_FIELD_MAPPING_PTR("schedule", OPT, struct y_scene, schedule, sched_fields),
	CYAML_FIELD_SEQUENCE("notes", OPT | CYAML_FLAG_POINTER, struct y_scene, notes, &note_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("breakpoints", OPT | CYAML_FLAG_POINTER, struct y_scene, breakpoints, &name_entry,
			     0, CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("expect", OPT, struct y_scene, expect, expect_fields),
	CYAML_FIELD_SEQUENCE("versions", OPT | CYAML_FLAG_POINTER, struct y_scene, versions, &version_entry, 0,
			     MV_GO__COUNT),
	CYAML_FIELD_MAPPING_PTR("challenge", OPT, struct y_scene, challenge, challenge_fields),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t top_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct y_scene, top_fields),
};

#define KEY_EXPECTED "a key (an integer, a string, or \"$var\")"
#define VALUE_EXPECTED "an integer value (like 10, -3, 0x1f, \"$i\" or \"$i+1\")"

/* How schema errors name things. */
static const struct ycheck_name scene_names[] = {
	{.fields = top_fields, .name = ""},
	{.fields = worker_fields, .name = "worker"},
	{.fields = lock_fields, .name = "lock"},
	{.fields = note_fields, .name = "note"},
	{.fields = pin_fields, .name = "map.hashes entry"},
	{.fields = challenge_fields, .name = "challenge"},
	{.fields = item_fields, .name = "program", .key_noun = "op", .flags = YC_CHILD_BARE | YC_ONE_KEY},
	{.fields = kv_fields, .field = "key", .expected = KEY_EXPECTED},
	{.fields = k_fields, .field = "key", .expected = KEY_EXPECTED},
	{.fields = pin_fields, .field = "key", .expected = KEY_EXPECTED},
	{.fields = kv_fields, .field = "value", .expected = VALUE_EXPECTED},
	{.fields = load_fields, .field = "key", .expected = KEY_EXPECTED},
	{.fields = kvi_fields, .field = "key", .expected = KEY_EXPECTED},
	{.fields = kvi_fields, .field = "value", .expected = VALUE_EXPECTED},
	{.fields = NULL},
};

const char *scene_status_name(enum scene_status s)
{
	for (size_t i = 0; i < N_ELEMS(status_strs); i++)
		if (status_strs[i].val == (int64_t)s)
			return status_strs[i].str;
	return "?";
}

/* ---- the arena the scene owns ------------------------------------------- */

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

struct scene_priv {
	struct arena_block *blocks;
};

#define ARENA_BLOCK 65536

/* n zeroed bytes that live until scene_free. */
static void *arena_alloc(struct scene_priv *p, size_t n)
{
	struct arena_block *b = p->blocks;
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = mv_xmalloc(sizeof *b + cap);
		b->used = 0;
		b->cap = cap;
		if (n > ARENA_BLOCK / 2 && p->blocks) { /* keep the current block's free space */
			b->next = p->blocks->next;
			p->blocks->next = b;
		} else {
			b->next = p->blocks;
			p->blocks = b;
		}
	}
	void *r = (char *)b->data + b->used;
	b->used += n;
	return memset(r, 0, n);
}

static void *arena_array(struct scene_priv *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		mv_xmalloc(SIZE_MAX); /* reports out of memory */
	return arena_alloc(p, n * size);
}

static const char *arena_strdup(struct scene_priv *p, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	return memcpy(arena_alloc(p, n), s, n);
}

/* Whether s[i..] starts a control character: C0, DEL, or C1 (U+0080 to
 * U+009F, written in UTF-8 as C2 80 .. C2 9F); its length in *n. */
static bool is_control(const char *s, size_t i, size_t *n)
{
	unsigned char c = (unsigned char)s[i];
	*n = 1;
	if (c < 0x20 || c == 0x7F)
		return true;
	if (c == 0xC2 && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9F) {
		*n = 2;
		return true;
	}
	return false;
}

/*
 * s made safe to print (scene.h): each control character becomes a visible
 * \xNN (NN its code point), except that in prose (title, summary, chapter,
 * captions, expect.message) a tab, CR or LF becomes a space and those at
 * the end are dropped (a folded or literal YAML block ends in a line
 * break).  Returns s itself when nothing changes, else a copy in the arena.
 */
static const char *arena_safe(struct scene_priv *p, const char *s, bool prose)
{
	size_t n, len, out = 0, keep = 0;
	bool change = false;
	if (!s)
		return NULL;
	len = strlen(s);
	for (size_t i = 0; i < len; i += n) /* the size of the result */
		if (is_control(s, i, &n)) {
			bool blank = prose && (s[i] == '\t' || s[i] == '\n' || s[i] == '\r');
			out += blank ? 1 : 4;
			change = true;
		} else {
			out += n;
		}
	if (!change)
		return s;
	char *r = arena_alloc(p, out + 1), *o = r;
	for (size_t i = 0; i < len; i += n) {
		if (!is_control(s, i, &n)) {
			memcpy(o, s + i, n);
			o += n;
			keep = (size_t)(o - r);
		} else if (prose && (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
			*o++ = ' ';
		} else {
			sprintf(o, "\\x%02x", (unsigned char)s[i + n - 1]);
			o += 4;
			keep = (size_t)(o - r);
		}
	}
	r[prose ? keep : (size_t)(o - r)] = '\0';
	return r;
}

void scene_free(struct scene *s)
{
	if (!s)
		return;
	struct scene_priv *p = s->priv;
	if (p) {
		for (struct arena_block *b = p->blocks, *next; b; b = next) {
			next = b->next;
			free(b);
		}
		free(p);
	}
	if (s->spec.strs) {
		mv_strpool_done(s->spec.strs);
		free(s->spec.strs);
	}
	memset(s, 0, sizeof *s);
}

/* ---- libcyaml: a memory budget and the log ------------------------------ */

struct cy_budget {
	size_t used, limit;
};

/*
 * libcyaml's allocator, refusing to hold more than limit bytes at once.
 * libcyaml grows a sequence one entry at a time (realloc to n + 1 entries),
 * which is quadratic wherever realloc copies (sanitizers do, always); so a
 * block that grows gets room to double, and a realloc that fits is free.
 * Each block starts with its capacity.
 */
static void *cy_mem(void *ctx, void *ptr, size_t size)
{
	struct cy_budget *b = ctx;
	max_align_t *h = ptr ? (max_align_t *)ptr - 1 : NULL;
	size_t cap = h ? *(size_t *)(void *)h : 0, ncap = size;
	if (size == 0) {
		if (h) {
			b->used -= cap;
			free(h);
		}
		return NULL;
	}
	if (h && size <= cap)
		return ptr;
	if (h && cap <= SIZE_MAX / 4 && size < cap * 2)
		ncap = cap * 2;
	if (ncap > b->limit - (b->used - cap)) {
		ncap = size;
		if (ncap > b->limit - (b->used - cap))
			return NULL;
	}
	if (ncap > SIZE_MAX - sizeof *h)
		return NULL;
	max_align_t *n = realloc(h, sizeof *n + ncap);
	if (!n)
		return NULL;
	*(size_t *)(void *)n = ncap;
	b->used = b->used - cap + ncap;
	return n + 1;
}

/* The first error libcyaml logs and the first position of its backtrace. */
struct cy_log {
	char msg[512];
	unsigned line, col;
	bool have_msg, have_pos;
};

static void cy_logger(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
	__attribute__((format(printf, 3, 0)));

static void cy_logger(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	struct cy_log *l = ctx;
	char buf[512];
	if (level < CYAML_LOG_ERROR)
		return;
	vsnprintf(buf, sizeof buf, fmt, args);
	buf[strcspn(buf, "\n")] = '\0';
	const char *p = strstr(buf, "(line: ");
	if (p && !l->have_pos && sscanf(p, "(line: %u, column: %u)", &l->line, &l->col) == 2)
		l->have_pos = true;
	if (!l->have_msg && !p && strncmp(buf, "Load: Backtrace", 15) != 0) {
		snprintf(l->msg, sizeof l->msg, "%s", strncmp(buf, "Load: ", 6) == 0 ? buf + 6 : buf);
		l->have_msg = true;
	}
}

/* ---- the loader --------------------------------------------------------- */

enum { VT_NONE, VT_INT, VT_STR }; /* what a variable in scope holds */

struct ld {
	struct ytree t;
	struct yerr err;
	struct scene *s;
	struct scene_priv *priv;
	struct mv_strpool *strs; /* == s->spec.strs */
	uint32_t root;
	enum mv_keykind keykind;
	enum mv_go go; /* the scene's go: */
	struct mv_strpool workers, locks, signals; /* names -> id - 1 = index */
	uint64_t ninstrs;
	/* the worker being converted: its variable names, which are in scope */
	const char *vname[MV_MAX_VARS];
	uint8_t nvars;
	uint8_t vtype[MV_MAX_VARS];
	uint32_t vnode[MV_MAX_VARS];
	bool vinto[MV_MAX_VARS]; /* bound by a load's into: (in scope to the program's end) */
	const char *wname;
	/* the `into:` name nodes of the worker's whole program, in file order:
	 * a use before the binding says which load binds it */
	uint32_t *intos;
	uint32_t nintos, capintos;
};

static int fail(struct ld *L, uint32_t node, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_pos(struct ld *L, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail_v(struct ld *L, uint32_t line, uint32_t col, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static int fail_v(struct ld *L, uint32_t line, uint32_t col, const char *fmt, va_list ap)
{
	L->err.line = line;
	L->err.col = col;
	vsnprintf(L->err.msg, sizeof L->err.msg, fmt, ap);
	return -1;
}

/* Set the error at node's position; returns -1. */
static int fail(struct ld *L, uint32_t node, const char *fmt, ...)
{
	va_list ap;
	uint32_t line = 1, col = 1;
	if (node < L->t.n) {
		line = L->t.nodes[node].line;
		col = L->t.nodes[node].col;
	}
	va_start(ap, fmt);
	fail_v(L, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

static int fail_pos(struct ld *L, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_v(L, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* s (of y_*, which libcyaml frees) made safe to print, in the arena. */
static const char *safe_dup(struct ld *L, const char *s, bool prose)
{
	const char *r = arena_safe(L->priv, s, prose);
	return r == s ? arena_strdup(L->priv, s) : r;
}

static struct scene_pos node_pos(const struct ld *L, uint32_t node)
{
	struct scene_pos p = {0, 0};
	if (node < L->t.n) {
		p.line = L->t.nodes[node].line;
		p.col = L->t.nodes[node].col;
	}
	return p;
}

/* The quoted text of scalar node i for a message. */
static const char *q_node(struct ld *L, uint32_t i, char *buf, size_t cap)
{
	if (i >= L->t.n)
		return "";
	return yquote(buf, cap, ytree_str(&L->t, i), L->t.nodes[i].n, 40);
}

/* "found X" for node i: "'text'", "an empty value", "a mapping"... */
static const char *found(struct ld *L, uint32_t i, char *buf, size_t cap)
{
	return i < L->t.n ? ycheck_found(&L->t, i, buf, cap) : "nothing";
}

static int range_error(struct ld *L, uint32_t node, const char *label, int64_t lo, int64_t hi)
{
	char f[128];
	return fail(L, node, "found %s for %s, expected an integer from %lld to %lld", found(L, node, f, sizeof f),
		    label, (long long)lo, (long long)hi);
}

static int pool_error(struct ld *L, uint32_t node, enum mv_status st)
{
	return fail(L, node, "cannot store this string: %s", mv_strerror(st));
}

/* Intern s[0..len) into pool p and return id (or -1 with the error set). */
static int64_t pool_id(struct ld *L, struct mv_strpool *p, uint32_t node, const char *s, size_t len)
{
	uint32_t id;
	enum mv_status st = mv_strpool_intern(p, s, len, &id);
	if (st != MV_OK)
		return pool_error(L, node, st);
	return id;
}

/* ", a, b, c" of a pool's names 1..n, for "expected one of" lists. */
static const char *pool_list(const struct mv_strpool *p, uint32_t n, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (uint32_t id = 1; id <= n && o + 1 < cap; id++) {
		int w = snprintf(buf + o, cap - o, "%s%s", id > 1 ? ", " : "", mv_strpool_get(p, id, NULL));
		if (w < 0 || (size_t)w >= cap - o) {
			if (cap > 4)
				memcpy(buf + (cap > o + 4 ? o : cap - 4), "...", 4);
			break;
		}
		o += (size_t)w;
	}
	return buf;
}

/* Look up `name` among the first n names of pool p: its index, or -1. */
static int64_t pool_find(struct ld *L, struct mv_strpool *p, uint32_t n, uint32_t node, const char *name)
{
	int64_t id = pool_id(L, p, node, name, strlen(name));
	if (id < 0)
		return -2;
	return id >= 1 && id <= (int64_t)n ? id - 1 : -1;
}

static bool is_ident(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static size_t ident_len(const char *s)
{
	size_t n = 0;
	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
	       s[n] == '_')
		n++;
	return n;
}

/* ---- events -------------------------------------------------------------- */

static int event_kind(struct ld *L, uint32_t node, const char *name, const char *label)
{
	int k = mv_event_lookup(name);
	if (k >= 0)
		return k;
	const char *cands[MV_EV__COUNT];
	char list[200], hint[80] = "", q[96];
	size_t o = 0;
	for (int i = 0; i < MV_EV__COUNT; i++)
		cands[i] = mv_event_name((enum mv_event_kind)i);
	for (int i = 0; i < MV_EV__COUNT && o < 120; i++)
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", cands[i]);
	const char *sug = ycheck_suggest(name, cands, MV_EV__COUNT);
	if (sug)
		snprintf(hint, sizeof hint, "did you mean '%s'? ", sug);
	return fail(L, node, "unknown event '%s' for %s, expected an event name (%sevents: %s, ...)",
		    q_node(L, node, q, sizeof q), label, hint, list);
}

/* Event kinds of a sequence of names into an arena array. */
static int event_list(struct ld *L, char **names, unsigned n, uint32_t seq, const char *label, int **out,
		      uint32_t *nout)
{
	int *ev = arena_array(L->priv, n, sizeof *ev);
	uint32_t e = seq + 1;
	for (unsigned i = 0; i < n; i++, e = L->t.nodes[e].end) {
		ev[i] = event_kind(L, e, names[i], label);
		if (ev[i] < 0)
			return -1;
	}
	*out = ev;
	*nout = n;
	return 0;
}

/* ---- operands ------------------------------------------------------------ */

/* Variable `name` (len bytes) in scope: its index, or -1. */
static int var_lookup(const struct ld *L, const char *name, size_t len)
{
	for (int i = 0; i < L->nvars; i++)
		if (L->vtype[i] != VT_NONE && strlen(L->vname[i]) == len && memcmp(L->vname[i], name, len) == 0)
			return i;
	return -1;
}

static int var_unknown(struct ld *L, uint32_t node, size_t at, const char *name, size_t len, const char *label)
{
	uint32_t line, col;
	char q[96];
	ytree_pos_in(&L->t, node, at, &line, &col);
	yquote(q, sizeof q, name, len, 32);
	for (uint32_t i = 0; i < L->nintos; i++) {
		const struct ynode *d = &L->t.nodes[L->intos[i]];
		if (d->n == len && memcmp(ytree_str(&L->t, L->intos[i]), name, len) == 0)
			return fail_pos(L, line, col,
					"found '$%s' in %s before any load binds it (into: %s at %u:%u comes later "
					"in the program), expected a variable bound by an earlier load's into: or "
					"by an enclosing repeat or range", q, label, q, d->line, d->col);
	}
	for (int i = 0; i < L->nvars; i++)
		if (strlen(L->vname[i]) == len && memcmp(L->vname[i], name, len) == 0)
			return fail_pos(L, line, col,
					"found variable '$%s' in %s outside the repeat or range that binds it, "
					"expected a variable in scope", q, label);
	return fail_pos(L, line, col,
			"unknown variable '$%s' in %s, expected a variable bound by an enclosing repeat or range "
			"(add var: %s there) or by an earlier load (into: %s), or $$ for a literal $", q, label, q,
			q);
}

/*
 * An int operand: a literal, or "$var", "$var+N", "$var-N" with var an int
 * variable in scope.
 */
static int opd_int(struct ld *L, uint32_t node, const char *text, const char *label, const char *expected,
		   struct mv_operand *out)
{
	char q[128];
	bool range;
	memset(out, 0, sizeof *out);
	if (ycheck_parse_int(text, &out->num, &range)) {
		out->kind = MV_OPD_INT;
		return 0;
	}
	if (range)
		return fail(L, node, "found %s for %s, expected an integer that fits in 64 bits",
			    found(L, node, q, sizeof q), label);
	if (text[0] != '$')
		return fail(L, node, "found %s for %s, expected %s", found(L, node, q, sizeof q), label, expected);
	size_t nl = ident_len(text + 1);
	if (nl == 0)
		return fail(L, node, "found %s for %s, expected %s", found(L, node, q, sizeof q), label, expected);
	int v = var_lookup(L, text + 1, nl);
	if (v < 0)
		return var_unknown(L, node, 0, text + 1, nl, label);
	if (L->vtype[v] != VT_INT)
		return fail(L, node,
			    "found '$%s' for %s, but it holds a string key (range over a string map), expected "
			    "an int variable", L->vname[v], label);
	const char *p = text + 1 + nl;
	int64_t num = 0;
	while (*p == ' ')
		p++;
	if (*p == '+' || *p == '-') {
		bool neg = *p++ == '-';
		uint64_t u = 0;
		while (*p == ' ')
			p++;
		bool ok = ycheck_parse_uint(p, &u, &range);
		if (ok && u > (uint64_t)INT64_MAX + neg) {
			ok = false;
			range = true;
		}
		if (!ok)
			return fail(L, node, "found %s for %s, expected \"$%s+N\" or \"$%s-N\" with N %s",
				    found(L, node, q, sizeof q), label, L->vname[v], L->vname[v],
				    range ? "in 64 bits" : "an integer");
		num = neg ? (int64_t)(0 - u) : (int64_t)u;
	} else if (*p) {
		return fail(L, node, "found %s for %s, expected %s", found(L, node, q, sizeof q), label, expected);
	}
	out->kind = MV_OPD_VAR;
	out->var = (uint8_t)v;
	out->num = num;
	return 0;
}

/*
 * A string key: literal text, or a template in which $name stands for a
 * variable in scope and $$ for '$'.  The template is stored with $N (N the
 * variable's index; the engine writes an int variable in decimal and a
 * range key of a string map as its text); a key that is just "$k", k such
 * a range key, is that variable itself.
 */
static int opd_str(struct ld *L, uint32_t node, const char *text, size_t len, const char *label,
		   struct mv_operand *out)
{
	char *tmpl = mv_xmalloc(len + 1), *lit = mv_xmalloc(len + 1);
	size_t tl = 0, ll = 0;
	unsigned nrefs = 0;
	int first = -1, rc = 0;
	int64_t id;

	memset(out, 0, sizeof *out);
	for (size_t p = 0; p < len && rc == 0;) {
		if (text[p] != '$') {
			tmpl[tl++] = lit[ll++] = text[p++];
		} else if (p + 1 < len && text[p + 1] == '$') {
			tmpl[tl++] = '$';
			tmpl[tl++] = '$';
			lit[ll++] = '$';
			p += 2;
		} else {
			size_t nl = ident_len(text + p + 1);
			int v = nl ? var_lookup(L, text + p + 1, nl) : -1;
			uint32_t line, col;
			if (nl == 0) {
				char q[96];
				ytree_pos_in(&L->t, node, p, &line, &col);
				rc = fail_pos(L, line, col,
					      "found a '$' not followed by a name in '%s' for %s, expected $name or "
					      "$$ for a literal $", q_node(L, node, q, sizeof q), label);
			} else if (v < 0) {
				rc = var_unknown(L, node, p, text + p + 1, nl, label);
			} else {
				tl += (size_t)sprintf(tmpl + tl, "$%d", v);
				if (first < 0)
					first = v;
				nrefs++;
				p += nl + 1;
			}
		}
	}
	if (rc == 0) {
		if (nrefs == 0) {
			id = pool_id(L, L->strs, node, lit, ll);
			out->kind = MV_OPD_STR;
		} else if (nrefs == 1 && L->vtype[first] == VT_STR && text[0] == '$' && tl == 2) {
			id = 0;
			out->kind = MV_OPD_VAR;
			out->var = (uint8_t)first;
		} else {
			id = pool_id(L, L->strs, node, tmpl, tl);
			out->kind = MV_OPD_TEMPLATE;
		}
		if (id < 0)
			rc = -1;
		else
			out->str = (uint32_t)id;
	}
	free(tmpl);
	free(lit);
	return rc;
}

#define INT_KEY_EXPECTED "an int key (like 5, -3, 0x1f, \"$i\" or \"$i+1\") since map.key is int"

/* A map key for the scene's key kind. */
static int opd_key(struct ld *L, uint32_t node, const char *text, const char *label, struct mv_operand *out)
{
	if (L->keykind == MV_KEY_INT)
		return opd_int(L, node, text, label, INT_KEY_EXPECTED, out);
	/* a key is data, kept byte for byte (its hash is Go's hash of those
	 * bytes): the writers quote it, control characters escaped */
	return opd_str(L, node, text, L->t.nodes[node].n, label, out);
}

/* ---- programs ------------------------------------------------------------ */

static int op_kind(const char *name)
{
	for (int k = 0; k < MV_I__COUNT; k++)
		if (strcmp(instr_names[k], name) == 0)
			return k;
	return -1;
}

/*
 * Count the instructions the op sequence `seq` of the tree flattens to into
 * L->ninstrs; fails at the first op past SCENE_MAX_INSTRS.
 */
static int count_ops(struct ld *L, uint32_t seq)
{
	const struct ytree *t = &L->t;
	if (seq == YTREE_NONE || t->nodes[seq].kind != YN_SEQ)
		return 0;
	for (uint32_t it = seq + 1; it < t->nodes[seq].end; it = t->nodes[it].end) {
		uint32_t k = it + 1, v = t->nodes[k].end;
		if (++L->ninstrs > SCENE_MAX_INSTRS)
			return fail(L, k, "found more than %u instructions in the scene's programs, expected at "
				    "most %u", SCENE_MAX_INSTRS, SCENE_MAX_INSTRS);
		if (t->nodes[v].kind == YN_MAP && count_ops(L, ytree_get(t, v, "do")))
			return -1;
	}
	return 0;
}

static uint32_t flat_count(const struct y_item *items, unsigned n)
{
	uint32_t c = 0;
	for (unsigned i = 0; i < n; i++) {
		c++;
		if (items[i].op[MV_I_REPEAT]) {
			const struct y_repeat *r = items[i].op[MV_I_REPEAT];
			c += flat_count(r->body, r->nbody);
		} else if (items[i].op[MV_I_RANGE]) {
			const struct y_range *r = items[i].op[MV_I_RANGE];
			c += flat_count(r->body, r->nbody);
		}
	}
	return c;
}

/* Bind loop variable `name` (node: its scalar) for a body; its index in *idx. */
static int var_bind(struct ld *L, uint32_t node, const char *name, uint8_t type, const char *label, uint8_t *idx)
{
	char q[96];
	if (!is_ident(name) || strlen(name) > SCENE_MAX_NAME)
		return fail(L, node, "found '%s' for %s, expected a variable name (letters, digits and _, not "
			    "starting with a digit, at most %d bytes)", q_node(L, node, q, sizeof q), label,
			    SCENE_MAX_NAME);
	int i;
	for (i = 0; i < L->nvars; i++)
		if (strcmp(L->vname[i], name) == 0)
			break;
	if (i < L->nvars && L->vtype[i] != VT_NONE) {
		const struct ynode *d = &L->t.nodes[L->vnode[i]];
		return fail(L, node, "found variable '%s' for %s while it is bound already (at %u:%u), "
			    "expected a different name", name, label, d->line, d->col);
	}
	if (i == L->nvars) {
		if (L->nvars == MV_MAX_VARS)
			return fail(L, node, "found a %dth variable name '%s' in worker '%s', expected at most %d "
				    "distinct variable names per worker", MV_MAX_VARS + 1, name, L->wname,
				    MV_MAX_VARS);
		L->vname[L->nvars++] = name;
	}
	L->vtype[i] = type;
	L->vnode[i] = node;
	L->vinto[i] = false;
	*idx = (uint8_t)i;
	return 0;
}

/*
 * into: NAME of a load (node: its scalar): NAME is bound from here to the
 * end of the worker's program (program order: later loop bodies too); a
 * second into: of the same name binds it again.  A loop variable in scope
 * cannot be the target.
 */
static int into_bind(struct ld *L, uint32_t node, const char *name, const char *label, uint8_t *idx)
{
	char q[96];
	if (!is_ident(name) || strlen(name) > SCENE_MAX_NAME)
		return fail(L, node, "found '%s' for %s, expected a variable name (letters, digits and _, not "
			    "starting with a digit, at most %d bytes)", q_node(L, node, q, sizeof q), label,
			    SCENE_MAX_NAME);
	int i;
	for (i = 0; i < L->nvars; i++)
		if (strcmp(L->vname[i], name) == 0)
			break;
	if (i < L->nvars && L->vtype[i] != VT_NONE && !L->vinto[i]) {
		const struct ynode *d = &L->t.nodes[L->vnode[i]];
		return fail(L, node, "found %s '%s', the loop variable of the repeat or range at %u:%u, "
			    "expected a name that is not a loop variable in scope", label, name, d->line, d->col);
	}
	if (i == L->nvars) {
		if (L->nvars == MV_MAX_VARS)
			return fail(L, node, "found a %dth variable name '%s' in worker '%s', expected at most %d "
				    "distinct variable names per worker (loop var: and into: together)",
				    MV_MAX_VARS + 1, name, L->wname, MV_MAX_VARS);
		L->vname[L->nvars++] = name;
	}
	if (L->vtype[i] == VT_NONE)
		L->vnode[i] = node;
	L->vtype[i] = VT_INT;
	L->vinto[i] = true;
	*idx = (uint8_t)i;
	return 0;
}

/* The into: name nodes of program sequence seq (nested bodies too), in
 * file order, into L->intos. */
static void collect_intos(struct ld *L, uint32_t seq)
{
	const struct ytree *t = &L->t;
	if (seq == YTREE_NONE || t->nodes[seq].kind != YN_SEQ)
		return;
	for (uint32_t it = seq + 1; it < t->nodes[seq].end; it = t->nodes[it].end) {
		if (t->nodes[it].kind != YN_MAP)
			continue;
		uint32_t k = it + 1, v = t->nodes[k].end;
		if (k >= t->nodes[it].end || t->nodes[v].kind != YN_MAP)
			continue;
		uint32_t in = ytree_get(t, v, "into");
		if (in != YTREE_NONE && t->nodes[in].kind == YN_SCALAR) {
			if (L->nintos == L->capintos) {
				L->capintos = L->capintos ? L->capintos * 2 : 8;
				L->intos = mv_xrealloc(L->intos, L->capintos * sizeof *L->intos);
			}
			L->intos[L->nintos++] = in;
		}
		collect_intos(L, ytree_get(t, v, "do"));
	}
}

struct emit {
	struct mv_instr *instrs;
	uint32_t pos;
};

static int emit_ops(struct ld *L, struct emit *E, const struct y_item *items, unsigned n, uint32_t seq,
		    unsigned depth);

/*
 * The body of a repeat or range: bind its variables (var: the counter or
 * the key; val: the value, range only), flatten the body after `in`, set
 * in->body, unbind.
 */
static int emit_body(struct ld *L, struct emit *E, struct mv_instr *in, uint32_t opkey, uint32_t args,
		     const char *var, uint8_t vtype, const char *val, const struct y_item *body, unsigned nbody,
		     unsigned depth)
{
	const char *op = instr_names[in->kind];
	char label[32];
	uint8_t idx = SCENE_NO_VAR, idx2 = SCENE_NO_VAR;
	if (depth + 1 > MV_MAX_DEPTH)
		return fail(L, opkey, "found %s nested %u bodies deep, expected at most %d nested repeat/range "
			    "bodies", op, depth + 1, MV_MAX_DEPTH);
	snprintf(label, sizeof label, "%s.var", op);
	if (var && var_bind(L, ytree_get(&L->t, args, "var"), var, vtype, label, &idx))
		return -1;
	snprintf(label, sizeof label, "%s.val", op);
	if (val && var_bind(L, ytree_get(&L->t, args, "val"), val, VT_INT, label, &idx2))
		return -1;
	in->var = idx;
	in->var2 = idx2;
	uint32_t start = E->pos;
	if (nbody && emit_ops(L, E, body, nbody, ytree_get(&L->t, args, "do"), depth + 1))
		return -1;
	in->body = E->pos - start;
	if (idx != SCENE_NO_VAR && !L->vinto[idx])
		L->vtype[idx] = VT_NONE;
	if (idx2 != SCENE_NO_VAR && !L->vinto[idx2])
		L->vtype[idx2] = VT_NONE;
	return 0;
}

static int emit_one(struct ld *L, struct emit *E, const struct y_item *item, uint32_t k, unsigned depth)
{
	const struct ytree *t = &L->t;
	uint32_t v = t->nodes[k].end; /* the op's arguments */
	int kind = op_kind(ytree_str(t, k));
	char label[48], q[96], list[256];
	if (kind < 0)
		return fail(L, k, "internal error: op '%s' passed the schema", q_node(L, k, q, sizeof q));
	const void *args = item->op[kind];
	const char *op = instr_names[kind];
	struct mv_instr *in = &E->instrs[E->pos++];

	in->kind = (enum mv_instr_kind)kind;
	in->start = -1;
	in->offset = -1;
	in->entry_offset = -1;
	in->dir_offset = -1;
	in->var = SCENE_NO_VAR;
	in->var2 = SCENE_NO_VAR;
	in->line = t->nodes[k].line;
	in->col = t->nodes[k].col;
	if (!args && (kind != MV_I_RANGE && kind != MV_I_LEN && kind != MV_I_CLEAR))
		return fail(L, k, "internal error: libcyaml left out the arguments of %s", op);

	switch (kind) {
	case MV_I_STORE:
	case MV_I_LOAD_OR_STORE:
	case MV_I_LOAD:
	case MV_I_DELETE:
	case MV_I_LOAD_AND_DELETE:
	case MV_I_SWAP:
	case MV_I_COMPARE_AND_SWAP:
	case MV_I_COMPARE_AND_DELETE: {
		const struct y_kv *a = args;
		snprintf(label, sizeof label, "%s.key", op);
		if (opd_key(L, ytree_get(t, v, "key"), a->key, label, &in->key))
			return -1;
		if (a->old) {
			snprintf(label, sizeof label, "%s.old", op);
			if (opd_int(L, ytree_get(t, v, "old"), a->old, label, VALUE_EXPECTED, &in->old))
				return -1;
		}
		if (a->new_value) { /* compare_and_swap's new value is the op's value */
			snprintf(label, sizeof label, "%s.new", op);
			if (opd_int(L, ytree_get(t, v, "new"), a->new_value, label, VALUE_EXPECTED, &in->value))
				return -1;
		}
		if (a->value) {
			snprintf(label, sizeof label, "%s.value", op);
			if (opd_int(L, ytree_get(t, v, "value"), a->value, label, VALUE_EXPECTED, &in->value))
				return -1;
		}
		if (a->hash) {
			in->has_hash = true;
			in->hash = *a->hash;
		}
		if (a->into) { /* bound after the op: its own operands cannot read it */
			snprintf(label, sizeof label, "%s.into", op);
			if (into_bind(L, ytree_get(t, v, "into"), a->into, label, &in->into))
				return -1;
			in->has_into = true;
		}
		return 0;
	}
	case MV_I_RANGE: {
		const struct y_range *a = args;
		if (!a)
			return 0;
		if ((a->start || a->offset) && L->go != MV_GO_1_19)
			return fail(L, ytree_key(t, v, a->start ? "start" : "offset"),
				    "found range.%s in a Go %s scene, expected iter: {entryOffset: N, dirOffset: N} "
				    "(start: and offset: pin Go 1.19's iterator)",
				    a->start ? "start" : "offset", mv_go_name(L->go));
		if (a->start && (*a->start < 0 || *a->start > INT32_MAX))
			return range_error(L, ytree_get(t, v, "start"), "range.start", 0, INT32_MAX);
		if (a->offset && (*a->offset < 0 || *a->offset > 7))
			return range_error(L, ytree_get(t, v, "offset"), "range.offset", 0, 7);
		in->start = a->start ? (int32_t)*a->start : -1;
		in->offset = a->offset ? (int32_t)*a->offset : -1;
		if (a->iter) {
			uint32_t itn = ytree_get(t, v, "iter");
			if (L->go != MV_GO_1_26)
				return fail(L, ytree_key(t, v, "iter"),
					    "found range.iter in a Go %s scene, expected it only with go: \"1.26\" "
					    "(Go 1.19 pins start: and offset: instead)",
					    mv_go_name(L->go));
			if (a->iter->entry_offset && *a->iter->entry_offset < 0)
				return range_error(L, ytree_get(t, itn, "entryOffset"), "range.iter.entryOffset", 0,
						   INT64_MAX);
			if (a->iter->dir_offset && *a->iter->dir_offset < 0)
				return range_error(L, ytree_get(t, itn, "dirOffset"), "range.iter.dirOffset", 0,
						   INT64_MAX);
			in->entry_offset = a->iter->entry_offset ? *a->iter->entry_offset : -1;
			in->dir_offset = a->iter->dir_offset ? *a->iter->dir_offset : -1;
		}
		return emit_body(L, E, in, k, v, a->var, L->keykind == MV_KEY_INT ? VT_INT : VT_STR, a->val,
				 a->body, a->nbody, depth);
	}
	case MV_I_REPEAT: {
		const struct y_repeat *a = args;
		if (a->times < 0 || a->times > SCENE_MAX_COUNT)
			return range_error(L, ytree_get(t, v, "times"), "repeat.times", 0, SCENE_MAX_COUNT);
		in->n = a->times;
		return emit_body(L, E, in, k, v, a->var, VT_INT, NULL, a->body, a->nbody, depth);
	}
	case MV_I_LEN:
	case MV_I_CLEAR:
		return 0;
	case MV_I_LOCK:
	case MV_I_UNLOCK:
	case MV_I_RLOCK:
	case MV_I_RUNLOCK:
	case MV_I_TRYLOCK:
	case MV_I_TRYRLOCK: {
		const struct y_lockop *a = args;
		uint32_t nn = ytree_get(t, v, "name");
		uint32_t nlocks = L->s->spec.nlocks;
		const char *name = arena_safe(L->priv, a->name, false);
		int64_t li = pool_find(L, &L->locks, nlocks, nn, name);
		if (li == -2)
			return -1;
		if (li < 0 && nlocks == 0)
			return fail(L, nn, "unknown lock '%s' for %s.name, expected a lock declared under locks: "
				    "(this scene declares none; add locks: [{name: %s, kind: mutex}])",
				    q_node(L, nn, q, sizeof q), op, q_node(L, nn, q, sizeof q));
		if (li < 0)
			return fail(L, nn, "unknown lock '%s' for %s.name, expected one of %s",
				    q_node(L, nn, q, sizeof q), op, pool_list(&L->locks, nlocks, list, sizeof list));
		if ((kind == MV_I_RLOCK || kind == MV_I_RUNLOCK || kind == MV_I_TRYRLOCK) &&
		    L->s->spec.locks[li].kind != MV_LOCK_RWMUTEX)
			return fail(L, nn, "found %s on lock '%s', a mutex; expected an rwmutex (declare it with "
				    "kind: rwmutex)", op, name);
		in->ref = (uint32_t)li;
		return 0;
	}
	case MV_I_SLEEP: {
		const struct y_sleep *a = args;
		if (a->steps < 0 || a->steps > SCENE_MAX_COUNT)
			return range_error(L, ytree_get(t, v, "steps"), "sleep.steps", 0, SCENE_MAX_COUNT);
		in->n = a->steps;
		return 0;
	}
	case MV_I_CLOSE:
	case MV_I_WAIT: {
		const struct y_signal *a = args;
		const char *name = arena_safe(L->priv, a->signal, false);
		uint32_t sn = ytree_get(t, v, "signal");
		int64_t id = pool_id(L, &L->signals, sn, name, strlen(name));
		if (id < 1)
			return -1;
		if (id > SCENE_MAX_SIGNALS)
			return fail(L, sn, "found a %lldth signal '%s', expected at most %d signals in a scene",
				    (long long)id, q_node(L, sn, q, sizeof q), SCENE_MAX_SIGNALS);
		in->ref = (uint32_t)(id - 1);
		return 0;
	}
	default:
		return fail(L, k, "internal error: op '%s' has no loader", op);
	}
}

static int emit_ops(struct ld *L, struct emit *E, const struct y_item *items, unsigned n, uint32_t seq,
		    unsigned depth)
{
	const struct ytree *t = &L->t;
	if (seq == YTREE_NONE || t->nodes[seq].kind != YN_SEQ || t->nodes[seq].n != n)
		return fail(L, seq, "internal error: the YAML tree and libcyaml disagree on a program");
	uint32_t it = seq + 1;
	for (unsigned i = 0; i < n; i++, it = t->nodes[it].end)
		if (emit_one(L, E, &items[i], it + 1, depth))
			return -1;
	return 0;
}

/* ---- the parts of a scene ------------------------------------------------ */

static int load_map(struct ld *L, const struct y_map *m)
{
	struct mv_map_spec *ms = &L->s->spec.map;
	uint32_t mn = ytree_get(&L->t, L->root, "map");
	char q[96];

	if (!m) {
		ms->impl = MV_IMPL_GOMAP;
		ms->key = MV_KEY_INT;
		L->keykind = MV_KEY_INT;
		return 0;
	}
	ms->impl = m->impl;
	ms->key = m->key;
	ms->hint = m->hint;
	ms->seed = m->seed;
	ms->nil = m->nil;
	L->keykind = m->key;
	if (m->shards) {
		uint32_t sn = ytree_get(&L->t, mn, "shards");
		if (m->impl != MV_IMPL_SHARDED)
			return fail(L, ytree_key(&L->t, mn, "shards"),
				    "found map.shards with impl %s, expected shards only with impl: sharded",
				    impl_strs[m->impl].str);
		if (*m->shards < 1 || *m->shards > SCENE_MAX_SHARDS)
			return range_error(L, sn, "map.shards", 1, SCENE_MAX_SHARDS);
		ms->shards = (uint32_t)*m->shards;
	} else {
		ms->shards = m->impl == MV_IMPL_SHARDED ? 16 : 0;
	}
	int64_t nmaps = ms->shards ? ms->shards : 1; /* each shard is made with the hint */
	if (m->hint > SCENE_MAX_HINT / nmaps) {
		uint32_t hn = ytree_get(&L->t, mn, "hint");
		if (nmaps == 1)
			return fail(L, hn, "found map.hint %s, expected at most %d (the model makes the whole "
				    "bucket array up front: a bigger map costs gigabytes and fits no screen)",
				    q_node(L, hn, q, sizeof q), SCENE_MAX_HINT);
		return fail(L, hn, "found map.hint %s with %lld shards, expected hint times shards at most %d "
			    "(each shard is made with the hint, its whole bucket array up front)",
			    q_node(L, hn, q, sizeof q), (long long)nmaps, SCENE_MAX_HINT);
	}
	if (m->hashes_count) {
		uint32_t hn = ytree_get(&L->t, mn, "hashes");
		struct mv_pin *pins = arena_array(L->priv, m->hashes_count, sizeof *pins);
		struct mv_strpool seen_int; /* int keys as text: duplicates by interning */
		uint32_t nseen = 0;
		int rc = 0;
		uint32_t *first = mv_xcalloc(m->hashes_count + 1u, sizeof *first);
		if (mv_strpool_init(&seen_int) != MV_OK)
			mv_xmalloc(SIZE_MAX);
		uint32_t e = hn + 1;
		for (unsigned i = 0; i < m->hashes_count && rc == 0; i++, e = L->t.nodes[e].end) {
			uint32_t kn = ytree_get(&L->t, e, "key");
			struct mv_operand o;
			char kbuf[32];
			if (opd_key(L, kn, m->hashes[i].key, "map.hashes entry.key", &o)) {
				rc = -1;
				break;
			}
			pins[i].key = o.kind == MV_OPD_INT ? o.num : (int64_t)o.str;
			pins[i].hash = m->hashes[i].hash;
			int kl = snprintf(kbuf, sizeof kbuf, "%c%lld", o.kind == MV_OPD_INT ? 'i' : 's',
					  (long long)pins[i].key);
			int64_t id = pool_id(L, &seen_int, kn, kbuf, (size_t)kl);
			if (id < 0) {
				rc = -1;
			} else if ((uint32_t)id <= nseen) {
				const struct ynode *f = &L->t.nodes[first[id]];
				rc = fail(L, kn, "found key '%s' pinned again (first at %u:%u), expected each key "
					  "in map.hashes once", q_node(L, kn, q, sizeof q), f->line, f->col);
			} else {
				first[++nseen] = kn;
			}
		}
		mv_strpool_done(&seen_int);
		free(first);
		if (rc)
			return -1;
		ms->pins = pins;
		ms->npins = m->hashes_count;
	}
	return 0;
}

static int load_locks(struct ld *L, const struct y_scene *y)
{
	struct mv_world_spec *sp = &L->s->spec;
	uint32_t ln = ytree_get(&L->t, L->root, "locks");
	char q[96];
	sp->locks = arena_array(L->priv, y->locks_count, sizeof *sp->locks);
	uint32_t e = ln + 1;
	for (unsigned i = 0; i < y->locks_count; i++, e = L->t.nodes[e].end) {
		uint32_t nn = ytree_get(&L->t, e, "name");
		const char *name = safe_dup(L, y->locks[i].name, false);
		int64_t id = pool_id(L, &L->locks, nn, name, strlen(name));
		if (id < 0)
			return -1;
		if ((uint64_t)id != i + 1u) {
			uint32_t prev = ytree_get(&L->t, ytree_item(&L->t, ln, (uint32_t)id - 1), "name");
			return fail(L, nn, "found lock name '%s' again (first at %u:%u), expected unique lock names",
				    q_node(L, nn, q, sizeof q), L->t.nodes[prev].line, L->t.nodes[prev].col);
		}
		sp->locks[i].name = name;
		sp->locks[i].kind = y->locks[i].kind;
	}
	sp->nlocks = y->locks_count;
	return 0;
}

static int load_workers(struct ld *L, const struct y_scene *y)
{
	struct mv_world_spec *sp = &L->s->spec;
	uint32_t wn = ytree_get(&L->t, L->root, "workers");
	uint32_t main_node = YTREE_NONE;
	char q[96];

	sp->workers = arena_array(L->priv, y->workers_count, sizeof *sp->workers);
	sp->nworkers = y->workers_count;
	L->s->var_names = arena_array(L->priv, y->workers_count, sizeof *L->s->var_names);
	/* names first: programs do not name workers, but the schedule does */
	uint32_t e = wn + 1;
	for (unsigned i = 0; i < y->workers_count; i++, e = L->t.nodes[e].end) {
		const struct y_worker *w = &y->workers[i];
		uint32_t nn = ytree_get(&L->t, e, "name");
		const char *name = safe_dup(L, w->name, false), *star = strchr(name, '*');
		if (star) { /* schedule.script reads "a*2" as two steps of a */
			uint32_t line, col;
			ytree_pos_in(&L->t, nn, (size_t)(strchr(w->name, '*') - w->name), &line, &col);
			return fail_pos(L, line, col, "found '*' in worker name '%s', expected a worker name "
					"without '*' (schedule.script writes NAME*N for N steps of NAME)",
					q_node(L, nn, q, sizeof q));
		}
		int64_t id = pool_id(L, &L->workers, nn, name, strlen(name));
		if (id < 0)
			return -1;
		if ((uint64_t)id != i + 1u) {
			uint32_t prev = ytree_get(&L->t, ytree_item(&L->t, wn, (uint32_t)id - 1), "name");
			return fail(L, nn, "found worker name '%s' again (first at %u:%u), expected unique worker "
				    "names", q_node(L, nn, q, sizeof q), L->t.nodes[prev].line,
				    L->t.nodes[prev].col);
		}
		if (w->main) {
			uint32_t mnode = ytree_get(&L->t, e, "main");
			if (main_node != YTREE_NONE)
				return fail(L, mnode, "found a second main worker '%s' (the first is at %u:%u), "
					    "expected at most one worker with main: true", name,
					    L->t.nodes[main_node].line, L->t.nodes[main_node].col);
			main_node = mnode;
		}
		sp->workers[i].name = name;
		sp->workers[i].main = w->main;
	}
	e = wn + 1;
	for (unsigned i = 0; i < y->workers_count; i++, e = L->t.nodes[e].end) {
		const struct y_worker *w = &y->workers[i];
		struct mv_worker_spec *ws = &sp->workers[i];
		struct emit E;
		L->nvars = 0;
		memset(L->vtype, 0, sizeof L->vtype);
		memset(L->vinto, 0, sizeof L->vinto);
		L->wname = ws->name;
		L->nintos = 0;
		collect_intos(L, ytree_get(&L->t, e, "program"));
		ws->prog.n = flat_count(w->program, w->program_count);
		E.instrs = arena_array(L->priv, ws->prog.n, sizeof *E.instrs);
		E.pos = 0;
		if (w->program_count &&
		    emit_ops(L, &E, w->program, w->program_count, ytree_get(&L->t, e, "program"), 0))
			return -1;
		if (E.pos != ws->prog.n)
			return fail(L, e, "internal error: program of worker '%s' flattened to %u, not %u", w->name,
				    E.pos, ws->prog.n);
		ws->prog.instrs = E.instrs;
		for (uint8_t v = 0; v < L->nvars; v++)
			L->s->var_names[i][v] = arena_strdup(L->priv, L->vname[v]);
	}
	/* signals, in order of first use */
	sp->nsignals = L->signals.n - 1;
	sp->signals = arena_array(L->priv, sp->nsignals, sizeof *sp->signals);
	for (uint32_t i = 0; i < sp->nsignals; i++)
		sp->signals[i] = arena_strdup(L->priv, mv_strpool_get(&L->signals, i + 1, NULL));
	return 0;
}

/* Worker indices of a sequence of worker names. */
static int worker_refs(struct ld *L, char **names, unsigned n, uint32_t seq, const char *label, uint32_t *out)
{
	char q[96], list[256];
	uint32_t e = seq + 1;
	for (unsigned i = 0; i < n; i++, e = L->t.nodes[e].end) {
		int64_t w = pool_find(L, &L->workers, L->s->spec.nworkers, e, arena_safe(L->priv, names[i], false));
		if (w == -2)
			return -1;
		if (w < 0)
			return fail(L, e, "unknown worker '%s' in %s, expected one of %s", q_node(L, e, q, sizeof q),
				    label, pool_list(&L->workers, L->s->spec.nworkers, list, sizeof list));
		out[i] = (uint32_t)w;
	}
	return 0;
}

#define SCRIPT_MAX_STEPS 1000000

/*
 * schedule.script: worker names, one per step; "name*N" stands for N steps
 * of that worker in a row.  Fills ss->script with worker indices.
 */
static int script_refs(struct ld *L, const struct y_sched *y, uint32_t seq, struct mv_sched_spec *ss)
{
	char q[96], list[256], name[4 * SCENE_MAX_NAME + 8]; /* a name after arena_safe */
	uint64_t total = 0;
	uint32_t *reps = arena_array(L->priv, y->script_count, sizeof *reps);
	uint32_t *who = arena_array(L->priv, y->script_count, sizeof *who);
	struct scene_script_entry *ent = arena_array(L->priv, y->script_count, sizeof *ent);
	uint32_t e = seq + 1;
	for (unsigned i = 0; i < y->script_count; i++, e = L->t.nodes[e].end) {
		const char *item = arena_safe(L->priv, y->script[i], false), *star = strrchr(item, '*');
		size_t nl = star ? (size_t)(star - item) : strlen(item);
		reps[i] = 1;
		if (star) {
			char *end;
			unsigned long long r = strtoull(star + 1, &end, 10);
			if (star[1] < '0' || star[1] > '9' || *end || r == 0 || r > SCRIPT_MAX_STEPS)
				return fail(L, e, "found '%s' in schedule.script, expected a worker name or NAME*N with N from 1 to %d",
					    q_node(L, e, q, sizeof q), SCRIPT_MAX_STEPS);
			reps[i] = (uint32_t)r;
		}
		if (nl >= sizeof name)
			nl = sizeof name - 1;
		memcpy(name, item, nl);
		name[nl] = '\0';
		int64_t w = pool_find(L, &L->workers, L->s->spec.nworkers, e, name);
		if (w == -2)
			return -1;
		if (w < 0)
			return fail(L, e, "unknown worker '%s' in schedule.script, expected one of %s (optionally NAME*N)",
				    q_node(L, e, q, sizeof q), pool_list(&L->workers, L->s->spec.nworkers, list, sizeof list));
		who[i] = (uint32_t)w;
		ent[i].first = (uint32_t)total;
		ent[i].n = reps[i];
		ent[i].pos = node_pos(L, e);
		total += reps[i];
		if (total > SCRIPT_MAX_STEPS)
			return fail(L, e, "schedule.script is longer than %d steps, expected a shorter script",
				    SCRIPT_MAX_STEPS);
	}
	ss->script = arena_array(L->priv, (size_t)total, sizeof *ss->script);
	ss->nscript = (uint32_t)total;
	L->s->script = ent;
	L->s->nscript = y->script_count;
	for (unsigned i = 0, k = 0; i < y->script_count; i++)
		for (uint32_t r = 0; r < reps[i]; r++)
			ss->script[k++] = who[i];
	return 0;
}

static int load_schedule(struct ld *L, const struct y_sched *y)
{
	struct mv_sched_spec *ss = &L->s->spec.sched;
	uint32_t sn = ytree_get(&L->t, L->root, "schedule");
	if (!y)
		return 0;
	ss->policy = y->policy;
	ss->seed = y->seed;
	ss->granularity = y->granularity;
	if (y->script_count && script_refs(L, y, ytree_get(&L->t, sn, "script"), ss))
		return -1;
	if (ss->policy == MV_POLICY_SCRIPT && ss->nscript == 0)
		return fail(L, ytree_get(&L->t, sn, "policy"),
			    "found policy: script with no schedule.script, expected a script: [worker, ...] too");
	return 0;
}

static int load_notes(struct ld *L, const struct y_scene *y)
{
	struct scene *s = L->s;
	uint32_t nn = ytree_get(&L->t, L->root, "notes");
	s->notes = arena_array(L->priv, y->notes_count, sizeof *s->notes);
	s->nnotes = y->notes_count;
	uint32_t e = nn + 1;
	for (unsigned i = 0; i < y->notes_count; i++, e = L->t.nodes[e].end) {
		const struct y_note *n = &y->notes[i];
		struct scene_note *sn = &s->notes[i];
		if (n->on && n->at) {
			uint32_t ko = ytree_key(&L->t, e, "on"), ka = ytree_key(&L->t, e, "at");
			return fail(L, ko > ka ? ko : ka, "found both 'on' and 'at' in a note, expected one of them");
		}
		if (!n->on && !n->at)
			return fail(L, e, "missing 'on' or 'at' in a note, expected {on: EVENT, say: ...} or "
				    "{at: STEP, say: ...}");
		if (n->on) {
			sn->on_event = true;
			sn->event = event_kind(L, ytree_get(&L->t, e, "on"), n->on, "note.on");
			if (sn->event < 0)
				return -1;
		} else {
			sn->step = *n->at;
		}
		sn->say = safe_dup(L, n->say, true);
		sn->line = L->t.nodes[e].line;
		sn->at = node_pos(L, ytree_get(&L->t, e, n->on ? "on" : "at"));
		sn->say_pos = node_pos(L, ytree_get(&L->t, e, "say"));
	}
	return 0;
}

static int load_expect(struct ld *L, const struct y_expect *y)
{
	struct scene_expect *x = &L->s->expect;
	uint32_t xn = ytree_get(&L->t, L->root, "expect");
#define STATE_UNSET(name) x->state.name = -1;
	SCENE_STATE_FIELDS(STATE_UNSET)
#undef STATE_UNSET
	if (!y)
		return 0;
	x->line = L->t.nodes[ytree_key(&L->t, L->root, "expect")].line;
	if (y->status) {
		x->has_status = true;
		x->status = *y->status;
	}
	x->message = safe_dup(L, y->message, true);
	if (y->state) {
		uint32_t stn = ytree_get(&L->t, xn, "state");
		const struct {
			const char *key;
			const int64_t *v;
			int64_t *out;
		} f[] = {
#define STATE_ROW(name) {#name, y->state->name, &x->state.name},
			SCENE_STATE_FIELDS(STATE_ROW)
#undef STATE_ROW
		};
		const struct mv_mapeng *eng = mv_mapeng_for(L->go);
		for (size_t i = 0; i < N_ELEMS(f); i++) {
			if (!f[i].v)
				continue;
			if (*f[i].v < 0) {
				char label[32];
				snprintf(label, sizeof label, "expect.state.%s", f[i].key);
				return range_error(L, ytree_get(&L->t, stn, f[i].key), label, 0, INT64_MAX);
			}
			bool known = false;
			for (const char *const *n = eng->state_fields; *n; n++)
				known |= strcmp(*n, f[i].key) == 0;
			if (!known) {
				char list[160] = "";
				for (const char *const *n = eng->state_fields; *n; n++)
					snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
						 n == eng->state_fields ? "" : ", ", *n);
				return fail(L, ytree_key(&L->t, stn, f[i].key),
					    "found expect.state.%s in a Go %s scene, expected one of Go %s's map: %s",
					    f[i].key, mv_go_name(L->go), mv_go_name(L->go), list);
			}
			*f[i].out = *f[i].v;
		}
	}
	if (y->events_count && event_list(L, y->events, y->events_count, ytree_get(&L->t, xn, "events"),
					  "expect.events", &x->events, &x->nevents))
		return -1;
	if (y->no_events_count && event_list(L, y->no_events, y->no_events_count,
					     ytree_get(&L->t, xn, "no_events"), "expect.no_events", &x->no_events,
					     &x->nno_events))
		return -1;
	if (ytree_get(&L->t, xn, "leaked") != YTREE_NONE) {
		uint32_t *idx = mv_xcalloc(y->leaked_count + 1u, sizeof *idx);
		int rc = worker_refs(L, y->leaked, y->leaked_count, ytree_get(&L->t, xn, "leaked"), "expect.leaked",
				     idx);
		free(idx);
		if (rc)
			return -1;
		x->has_leaked = true;
		x->nleaked = y->leaked_count;
		x->leaked = arena_array(L->priv, y->leaked_count, sizeof *x->leaked);
		for (unsigned i = 0; i < y->leaked_count; i++)
			x->leaked[i] = safe_dup(L, y->leaked[i], false);
	}
	return 0;
}

/* versions: [{go: "1.26", expect: ..., schedule: ..., notes: ...}]: each
 * entry is loaded like the scene's own blocks (with the entry as the root
 * they are read from) and kept aside; scene_select_go swaps them in. */
static int load_versions(struct ld *L, const struct y_scene *y)
{
	struct scene *s = L->s;
	if (!y->versions_count)
		return 0;
	uint32_t vn = ytree_get(&L->t, L->root, "versions");
	s->versions = arena_array(L->priv, y->versions_count, sizeof *s->versions);
	s->nversions = y->versions_count;
	/* what the scene's own blocks loaded, restored after each entry */
	const struct scene_expect own_expect = s->expect;
	const struct mv_sched_spec own_sched = s->spec.sched;
	const struct scene_script_entry *own_script = s->script;
	uint32_t own_nscript = s->nscript;
	struct scene_note *own_notes = s->notes;
	uint32_t own_nnotes = s->nnotes;
	const uint32_t root = L->root;
	const enum mv_go own_go = L->go;
	int rc = 0;
	uint32_t e = vn + 1;
	for (unsigned i = 0; i < y->versions_count && !rc; i++, e = L->t.nodes[e].end) {
		const struct y_version *yv = &y->versions[i];
		struct scene_version *v = &s->versions[i];
		uint32_t gn = ytree_get(&L->t, e, "go");
		char q[96];
		if (!mv_go_parse(yv->go, &v->go) || v->go == own_go) {
			rc = fail(L, gn, "found go %s in versions, expected a release other than the scene's own "
				  "(\"1.19\" or \"1.26\")", q_node(L, gn, q, sizeof q));
			break;
		}
		for (unsigned k = 0; k < i; k++)
			if (s->versions[k].go == v->go) {
				rc = fail(L, gn, "found go %s twice in versions, expected one entry per release",
					  q_node(L, gn, q, sizeof q));
				break;
			}
		if (rc)
			break;
		v->line = L->t.nodes[e].line;
		L->root = e;
		L->go = v->go;
		memset(&s->expect, 0, sizeof s->expect);
		v->has_expect = yv->expect != NULL;
		v->has_sched = yv->schedule != NULL;
		v->has_notes = yv->notes_count > 0 || ytree_get(&L->t, e, "notes") != YTREE_NONE;
		struct y_scene notes_only = {.notes = yv->notes, .notes_count = yv->notes_count};
		rc = load_expect(L, yv->expect) || (yv->schedule && load_schedule(L, yv->schedule)) ||
		     (v->has_notes && load_notes(L, &notes_only));
		v->expect = s->expect;
		v->sched = s->spec.sched;
		v->script = s->script;
		v->nscript = s->nscript;
		v->notes = s->notes;
		v->nnotes = s->nnotes;
		L->root = root;
		L->go = own_go;
		s->expect = own_expect;
		s->spec.sched = own_sched;
		s->script = own_script;
		s->nscript = own_nscript;
		s->notes = own_notes;
		s->nnotes = own_nnotes;
	}
	return rc ? -1 : 0;
}

void scene_select_go(struct scene *sc, enum mv_go go)
{
	sc->spec.map.go = go;
	if (go == sc->go)
		return;
	for (uint32_t i = 0; i < sc->nversions; i++) {
		struct scene_version *v = &sc->versions[i];
		if (v->go != go)
			continue;
		if (v->has_expect)
			sc->expect = v->expect;
		if (v->has_sched) {
			sc->spec.sched = v->sched;
			sc->script = v->script;
			sc->nscript = v->nscript;
		}
		if (v->has_notes) {
			sc->notes = v->notes;
			sc->nnotes = v->nnotes;
			return;
		}
		break;
	}
	/* captions tied to a step describe the scene's own release's steps */
	uint32_t k = 0;
	for (uint32_t i = 0; i < sc->nnotes; i++)
		if (sc->notes[i].on_event)
			sc->notes[k++] = sc->notes[i];
	sc->nnotes = k;
}

/* A challenge is scheduled by hand: the policy a schedule block names must
 * be roundrobin (the default run, for run and test) or manual; either way
 * the scene's policy becomes manual, which picks like round-robin when
 * nobody chooses. */
static int challenge_sched(struct ld *L, struct mv_sched_spec *ss, uint32_t root)
{
	if (ss->policy != MV_POLICY_ROUNDROBIN && ss->policy != MV_POLICY_MANUAL) {
		uint32_t sn = ytree_get(&L->t, root, "schedule");
		static const char *const policy[] = {"roundrobin", "random", "script", "manual"};
		return fail(L, ytree_get(&L->t, sn, "policy"),
			    "found schedule.policy %s in a scene with a challenge, expected roundrobin or manual "
			    "(the student schedules a challenge by hand; run and test use round-robin)",
			    policy[ss->policy]);
	}
	ss->policy = MV_POLICY_MANUAL;
	return 0;
}

static int load_challenge(struct ld *L, const struct y_challenge *y)
{
	struct scene *s = L->s;
	struct scene_challenge *c = &s->challenge;
	if (!y)
		return 0;
	uint32_t cn = ytree_get(&L->t, L->root, "challenge");
	c->present = true;
	c->pos = node_pos(L, ytree_key(&L->t, L->root, "challenge"));
	c->goal = y->goal;
	if (y->message && y->goal != MV_OUT_FATAL && y->goal != MV_OUT_PANIC)
		return fail(L, ytree_key(&L->t, cn, "message"),
			    "found challenge.message with goal %s, expected a message only with goal fatal or panic "
			    "(Go's message the run must end with)", mv_outcome_name((enum mv_outcome)y->goal));
	bool has_main = false;
	for (uint32_t w = 0; w < s->spec.nworkers; w++)
		has_main |= s->spec.workers[w].main;
	if (y->goal == MV_OUT_LEAK && !has_main)
		return fail(L, ytree_get(&L->t, cn, "goal"),
			    "found challenge.goal leak in a scene without a main worker, expected a worker with "
			    "main: true (a leak is a goroutine still blocked when main returns)");
	c->message = safe_dup(L, y->message, true);
	if (y->within < 1 || y->within > (int64_t)SCENE_MAX_STEPS)
		return range_error(L, ytree_get(&L->t, cn, "within"), "challenge.within", 1, SCENE_MAX_STEPS);
	c->within = (uint64_t)y->within;
	c->say_win = safe_dup(L, y->say_win, true);
	c->say_lose = safe_dup(L, y->say_lose, true);
	c->say_win_pos = node_pos(L, ytree_get(&L->t, cn, "say_win"));
	c->say_lose_pos = node_pos(L, ytree_get(&L->t, cn, "say_lose"));
	c->impossible = y->impossible;
	if (challenge_sched(L, &s->spec.sched, L->root))
		return -1;
	uint32_t vn = ytree_get(&L->t, L->root, "versions"), e = vn + 1;
	for (uint32_t i = 0; i < s->nversions; i++, e = L->t.nodes[e].end)
		if (s->versions[i].has_sched && challenge_sched(L, &s->versions[i].sched, e))
			return -1;
	return 0;
}

static int convert(struct ld *L, const struct y_scene *y)
{
	struct scene *s = L->s;
	s->title = safe_dup(L, y->title, true);
	s->summary = safe_dup(L, y->summary, true);
	s->chapter = safe_dup(L, y->chapter, true);
	if (y->summary)
		s->summary_pos = node_pos(L, ytree_get(&L->t, L->root, "summary"));
	L->go = MV_GO_1_19;
	if (y->go && !mv_go_parse(y->go, &L->go)) {
		char q[96];
		uint32_t gn = ytree_get(&L->t, L->root, "go");
		return fail(L, gn, "found go %s, expected \"1.19\" (the bucket map of Go 1.19-1.23) or \"1.26\" "
			    "(the Swiss-table map of Go 1.24+)", q_node(L, gn, q, sizeof q));
	}
	s->spec.map.go = L->go;
	s->go = L->go;
	if (load_map(L, y->map) || load_locks(L, y) || load_workers(L, y) || load_schedule(L, y->schedule) ||
	    load_notes(L, y))
		return -1;
	if (load_versions(L, y))
		return -1;
	if (y->breakpoints_count &&
	    event_list(L, y->breakpoints, y->breakpoints_count, ytree_get(&L->t, L->root, "breakpoints"),
		       "breakpoints", &s->breakpoints, &s->nbreakpoints))
		return -1;
	return load_expect(L, y->expect) || load_challenge(L, y->challenge);
}

/*
 * What the engine refuses to run (mv_world_unsupported), refused here at the
 * token that asks for it, so that run, test and the TUI never meet a scene
 * `mapviz check` passed.  Each op is put to the engine alone first (an op
 * the map cannot do: at that op), then the scene as a whole.
 */
static int check_runnable(struct ld *L)
{
	const struct mv_world_spec *sp = &L->s->spec;
	struct mv_world_spec probe = *sp;
	struct mv_worker_spec one = {.name = "probe"};
	struct mv_instr in;
	const char *why;
	probe.workers = &one;
	probe.nworkers = 1;
	if (!mv_world_unsupported(&probe)) {
		for (uint32_t w = 0; w < sp->nworkers; w++) {
			const struct mv_program *p = &sp->workers[w].prog;
			for (uint32_t k = 0; k < p->n; k++) {
				in = p->instrs[k];
				in.body = 0; /* alone */
				one.prog.instrs = &in;
				one.prog.n = 1;
				why = mv_world_unsupported(&probe);
				if (why)
					return fail_pos(L, in.line, in.col,
							"found %s with map.impl %s, expected an op that map supports "
							"(%s)", instr_names[in.kind], mv_impl_name(sp->map.impl), why);
			}
		}
	}
	why = mv_world_unsupported(sp);
	if (why)
		return fail(L, L->root, "found a scene this mapviz cannot run (%s), expected one it can", why);
	return 0;
}

/* ---- reading the file ---------------------------------------------------- */

/* The whole file into *buf (malloc'd, NUL-terminated); on error a message into err. */
static int read_file(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	/* O_NONBLOCK: opening a FIFO must not hang before we know it is one */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(EISDIR));
		close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode) && st.st_size > (off_t)SCENE_MAX_BYTES) {
		snprintf(err, errlen, "%s: file is %lld bytes, expected at most %u (16 MiB)", path,
			 (long long)st.st_size, SCENE_MAX_BYTES);
		close(fd);
		return -1;
	}
	if (S_ISFIFO(st.st_mode)) {
		/* A FIFO: wait for its writer, however late it comes, and read
		 * until it closes.  (Read through the non-blocking descriptor,
		 * a FIFO with no writer yet looks like an empty file.) */
		close(fd);
		do
			fd = open(path, O_RDONLY | O_CLOEXEC);
		while (fd < 0 && errno == EINTR);
		if (fd < 0) {
			snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
			return -1;
		}
	} else {
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	}
	size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536, n = 0;
	char *b = mv_xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > SCENE_MAX_BYTES)
				break;
			cap = cap * 2 > SCENE_MAX_BYTES + 1u ? SCENE_MAX_BYTES + 1u : cap * 2;
			b = mv_xrealloc(b, cap + 1);
		}
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
			free(b);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > SCENE_MAX_BYTES) {
		snprintf(err, errlen, "%s: file is larger than %u bytes (16 MiB), expected a smaller scene", path,
			 SCENE_MAX_BYTES);
		free(b);
		return -1;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* ---- scene_load ---------------------------------------------------------- */

static const char *base_name(struct scene_priv *p, const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t n = strlen(b);
	if (n > 5 && strcmp(b + n - 5, ".yaml") == 0)
		n -= 5;
	else if (n > 4 && strcmp(b + n - 4, ".yml") == 0)
		n -= 4;
	char *r = arena_alloc(p, n + 1);
	memcpy(r, b, n);
	return arena_safe(p, r, false); /* a file name may hold anything */
}

/* Steps 2 and 3: tree, checks, libcyaml; y is NULL when the tree was empty. */
static int parse(struct ld *L, const char *buf, size_t len, struct y_scene **y, const cyaml_config_t *cfg,
		 struct cy_log *log)
{
	const char *nul = memchr(buf, '\0', len);
	char f[128];
	if (nul) {
		uint32_t line, col;
		ytree_offset_pos(buf, len, (size_t)(nul - buf), &line, &col);
		return fail_pos(L, line, col, "found a NUL byte, expected UTF-8 text (is this a binary file?)");
	}
	if (ytree_parse(&L->t, buf, len, &L->err))
		return -1;
	if (L->t.n == 0 || ytree_is_null(&L->t, 0))
		return fail_pos(L, 1, 1, "empty file, expected a mapping with 'mapviz: 1'");
	L->root = 0;
	if (L->t.nodes[0].kind != YN_MAP)
		return fail(L, 0, "found %s at the top of the file, expected a mapping with 'mapviz: 1'",
			    ycheck_found(&L->t, 0, f, sizeof f));
	/* the version first: a newer scene's new keys are not the problem */
	uint32_t vn = ytree_get(&L->t, 0, "mapviz");
	int64_t version;
	bool range;
	if (vn != YTREE_NONE && L->t.nodes[vn].kind == YN_SCALAR &&
	    ycheck_parse_int(ytree_str(&L->t, vn), &version, &range) && version != 1)
		return fail(L, vn, "found mapviz: %s, expected mapviz: 1 (this mapviz reads scene format "
			    "version 1)", q_node(L, vn, f, sizeof f));
	if (ycheck(&L->t, 0, &top_schema, scene_names, &L->err))
		return -1;
	uint32_t wn = ytree_get(&L->t, 0, "workers");
	for (uint32_t w = wn + 1; w < L->t.nodes[wn].end; w = L->t.nodes[w].end)
		if (count_ops(L, ytree_get(&L->t, w, "program")))
			return -1;

	cyaml_err_t ce = cyaml_load_data((const uint8_t *)buf, len, cfg, &top_schema, (cyaml_data_t **)y, NULL);
	if (ce != CYAML_OK) {
		const char *what = log->have_msg ? log->msg : cyaml_strerror(ce);
		if (ce == CYAML_ERR_OOM)
			what = "the scene needs more memory than a scene may use (1 GiB), expected a smaller scene";
		if (log->have_pos)
			return fail_pos(L, log->line, log->col, "%s", what);
		return fail_pos(L, 1, 1, "%s", what);
	}
	if (!*y)
		return fail_pos(L, 1, 1, "empty file, expected a mapping with 'mapviz: 1'");
	return 0;
}

int scene_load(const char *path, struct scene *out, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	memset(out, 0, sizeof *out);
	if (errlen)
		err[0] = '\0';
	if (read_file(path, &buf, &len, err, errlen))
		return -1;
	int rc = scene_load_buf(path, buf, len, out, err, errlen);
	free(buf);
	return rc;
}

int scene_load_buf(const char *path, const char *buf, size_t len, struct scene *out, char *err, size_t errlen)
{
	struct ld L;
	struct y_scene *y = NULL;
	struct cy_budget budget = {0, SCENE_CYAML_BUDGET};
	struct cy_log log;
	cyaml_config_t cfg = {
		.log_fn = cy_logger,
		.log_ctx = &log,
		.mem_fn = cy_mem,
		.mem_ctx = &budget,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_NO_ALIAS,
	};
	int rc;

	memset(out, 0, sizeof *out);
	memset(&log, 0, sizeof log);
	if (errlen)
		err[0] = '\0';
	memset(&L, 0, sizeof L);
	L.s = out;
	L.priv = out->priv = mv_xcalloc(1, sizeof *L.priv);
	out->spec.strs = L.strs = mv_xcalloc(1, sizeof *L.strs);
	if (mv_strpool_init(L.strs) != MV_OK || mv_strpool_init(&L.workers) != MV_OK ||
	    mv_strpool_init(&L.locks) != MV_OK || mv_strpool_init(&L.signals) != MV_OK)
		mv_xmalloc(SIZE_MAX);
	out->path = (char *)arena_strdup(L.priv, path);
	out->name = base_name(L.priv, path);

	rc = parse(&L, buf, len, &y, &cfg, &log);
	if (rc == 0)
		rc = convert(&L, y);
	if (rc == 0)
		rc = check_runnable(&L);
	if (y)
		cyaml_free(&cfg, &top_schema, y, 0);
	ytree_done(&L.t);
	mv_strpool_done(&L.workers);
	mv_strpool_done(&L.locks);
	mv_strpool_done(&L.signals);
	free(L.intos);
	if (rc) {
		if (L.err.line)
			snprintf(err, errlen, "%s:%u:%u: %s", path, L.err.line, L.err.col, L.err.msg);
		else
			snprintf(err, errlen, "%s: %s", path, L.err.msg);
		scene_free(out);
		return -1;
	}
	return 0;
}
