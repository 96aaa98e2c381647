/*
 * spec: what a world is made from — the map's configuration, the locks, the
 * workers and their programs, the schedule.  The app fills a spec from a
 * scene file (app/scene_load.c); the engine only reads it.  A spec is plain
 * data and is never modified once a world runs from it.
 */
#ifndef MV_SPEC_H
#define MV_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/core/strpool.h"

/* Map kinds (DESIGN: map.impl). */
#define MV_IMPL_MAP(X)                                                      \
	X(GOMAP, "gomap")                                                   \
	X(MUTEX, "mutex")                                                   \
	X(RWMUTEX, "rwmutex")                                               \
	X(SYNCMAP, "syncmap")                                               \
	X(SHARDED, "sharded")

enum mv_impl {
#define MV_IMPL_ENUM(name, str) MV_IMPL_##name,
	MV_IMPL_MAP(MV_IMPL_ENUM)
#undef MV_IMPL_ENUM
};

/* The Go release whose runtime a world models (scene `go:`, --go).  The
 * string is how scenes and output name it; the text says what it stands
 * for.  1.19 stands for the 1.19-1.23 bucket map and 1.19's sync.Map; 1.26
 * for the Swiss-table map of 1.25-1.26. */
#define MV_GO_MAP(X)                                                        \
	X(1_19, "1.19", "Go 1.19-1.23 (buckets; sync.Map: read/dirty)")     \
	X(1_26, "1.26", "Go 1.26 (Swiss tables; sync.Map: HashTrieMap)")

enum mv_go {
#define MV_GO_ENUM(name, str, text) MV_GO_##name,
	MV_GO_MAP(MV_GO_ENUM)
#undef MV_GO_ENUM
	MV_GO__COUNT
};
const char *mv_go_name(enum mv_go g);
/* What release go stands for, in words ("Go 1.26 (Swiss tables)"). */
const char *mv_go_text(enum mv_go g);
/* Parse "1.19" / "1.26"; false if s names neither. */
bool mv_go_parse(const char *s, enum mv_go *out);

enum mv_keykind { MV_KEY_INT, MV_KEY_STRING };

enum mv_lock_kind { MV_LOCK_MUTEX, MV_LOCK_RWMUTEX };

/* Instructions of a worker's program.  The string is the scene's op name. */
#define MV_INSTR_MAP(X)                                                     \
	X(STORE, "store")                                                   \
	X(LOAD, "load")                                                     \
	X(DELETE, "delete")                                                 \
	X(RANGE, "range")                                                   \
	X(LEN, "len")                                                       \
	X(CLEAR, "clear")                                                   \
	X(REPEAT, "repeat")                                                 \
	X(LOAD_OR_STORE, "load_or_store")                                   \
	X(LOAD_AND_DELETE, "load_and_delete")                               \
	X(LOCK, "lock")                                                     \
	X(UNLOCK, "unlock")                                                 \
	X(RLOCK, "rlock")                                                   \
	X(RUNLOCK, "runlock")                                               \
	X(TRYLOCK, "trylock")                                               \
	X(TRYRLOCK, "tryrlock")                                             \
	X(SLEEP, "sleep")                                                   \
	X(CLOSE, "close")                                                   \
	X(WAIT, "wait")                                                     \
	X(SWAP, "swap")                     /* sync.Map, Go 1.20+ */        \
	X(COMPARE_AND_SWAP, "compare_and_swap")                             \
	X(COMPARE_AND_DELETE, "compare_and_delete")

enum mv_instr_kind {
#define MV_INSTR_ENUM(name, str) MV_I_##name,
	MV_INSTR_MAP(MV_INSTR_ENUM)
#undef MV_INSTR_ENUM
	MV_I__COUNT
};

const char *mv_instr_name(enum mv_instr_kind k);
const char *mv_impl_name(enum mv_impl k);

/*
 * An operand: a literal int, a literal string (pool id), a loop variable,
 * or a string template (pool id of text in which "$N" — N a decimal
 * variable index — stands for that variable's value and "$$" for '$').
 * An int operand may add a constant to a variable (num + var).
 */
enum mv_operand_kind { MV_OPD_NONE, MV_OPD_INT, MV_OPD_STR, MV_OPD_VAR, MV_OPD_TEMPLATE };

struct mv_operand {
	enum mv_operand_kind kind;
	int64_t num;   /* INT: the value; VAR: added to the variable */
	uint32_t str;  /* STR, TEMPLATE: pool id */
	uint8_t var;   /* VAR: variable index */
};

#define MV_MAX_VARS 8   /* variables per worker (loop var:, load into:) */
#define MV_NO_VAR 0xFF  /* var, var2: no variable */
#define MV_MAX_DEPTH 8  /* nesting of repeat/range bodies */

struct mv_instr {
	enum mv_instr_kind kind;
	struct mv_operand key, value;
	struct mv_operand old;  /* compare_and_swap, compare_and_delete */
	bool has_hash;      /* the op pins this key's hash */
	uint64_t hash;
	int64_t n;          /* repeat: times; sleep: steps */
	int32_t start;      /* range: pinned start bucket, -1 = random (M9.3) */
	int32_t offset;     /* range: pinned slot offset 0..7, -1 = random */
	int64_t entry_offset; /* range on Go 1.26: pinned iter.entryOffset, -1 = random (SW6.3) */
	int64_t dir_offset;   /* range on Go 1.26: pinned iter.dirOffset, -1 = random */
	uint8_t var;        /* repeat: loop variable; range: key variable */
	uint8_t var2;       /* range: value variable */
	bool has_into;      /* load, load_or_store, load_and_delete, swap:
	                       the result is bound into variable `into` */
	uint8_t into;       /* load: the value, 0 (Go's zero value) on a miss;
	                       load_or_store: the actual value; load_and_delete:
	                       the deleted value or 0; swap: the previous or 0 */
	uint32_t body;      /* repeat, range: length of the body that follows */
	uint32_t ref;       /* lock or signal index */
	uint32_t line, col; /* where the op stands in the scene file */
};

struct mv_program {
	struct mv_instr *instrs;
	uint32_t n;
};

struct mv_pin {
	int64_t key;    /* int key, or string pool id */
	uint64_t hash;
};

struct mv_map_spec {
	enum mv_go go;        /* which runtime's map (and sync.Map) */
	enum mv_impl impl;
	enum mv_keykind key;
	int64_t hint;         /* make(map[K]V, hint) */
	uint64_t seed;        /* hash0 = low 32 bits; the map's RNG is seeded with it */
	uint32_t shards;      /* sharded only */
	bool nil;             /* a nil map */
	struct mv_pin *pins;  /* map.hashes */
	uint32_t npins;
};

struct mv_lock_spec {
	const char *name;
	enum mv_lock_kind kind;
};

struct mv_worker_spec {
	const char *name;
	bool main;
	struct mv_program prog;
};

enum mv_policy { MV_POLICY_ROUNDROBIN, MV_POLICY_RANDOM, MV_POLICY_SCRIPT, MV_POLICY_MANUAL };
enum mv_granularity { MV_GRAN_STEP, MV_GRAN_OP };

struct mv_sched_spec {
	enum mv_policy policy;
	uint64_t seed;
	uint32_t *script;     /* worker indices, one per step */
	uint32_t nscript;
	enum mv_granularity granularity;
};

struct mv_world_spec {
	struct mv_map_spec map;
	struct mv_lock_spec *locks;
	uint32_t nlocks;
	const char **signals;  /* names used by close/wait */
	uint32_t nsignals;
	struct mv_worker_spec *workers;
	uint32_t nworkers;
	struct mv_sched_spec sched;
	struct mv_strpool *strs;  /* owns every string key and template */
};

#endif
