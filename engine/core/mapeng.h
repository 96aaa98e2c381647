/*
 * mapeng: the seam between the world and a map engine.  A map engine is a
 * model of one Go runtime's built-in map (Go 1.19's buckets, Go 1.26's
 * Swiss tables) whose operations are resumable step machines.  The world,
 * the timeline and the TUI loop call an engine only through its row, a
 * struct mv_mapeng; only the engine's own files and its own output and view
 * files name its types.
 *
 * Storage: the world keeps each map as a struct mv_map (engine/world/maps.h),
 * a union of every engine's map struct, and each in-flight operation as a
 * union mv_mop, so a checkpoint stays a copy (plus each engine's own deep
 * copy of the arrays its map owns).  The row's functions take pointers to
 * those unions' storage as void *: an engine casts them to its own types.
 *
 * Adding an engine: its files under engine/NAME/, a member in the two unions
 * of maps.h and one row in maps.c; for the app, a row in the output table
 * (app/out_maps.c) and in the TUI's view table (app/tui/view_maps.c).
 */
#ifndef MV_MAPENG_H
#define MV_MAPENG_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/core/event.h"
#include "engine/core/spec.h"
#include "engine/core/status.h"
#include "engine/core/strpool.h"

/* Engines, one per row of the table in maps.c. */
enum mv_engine_id { MV_ENGINE_CLASSIC, MV_ENGINE_SWISS, MV_ENGINE__COUNT };

/* The world's own result of one map step. */
enum mv_mstep {
	MV_MSTEP_MORE,  /* the operation has more phases */
	MV_MSTEP_YIELD, /* an iteration produced an entry (result_key, result) */
	MV_MSTEP_DONE,  /* finished (possibly in a fatal error or panic) */
};

enum mv_mop_kind { MV_MOP_LOOKUP, MV_MOP_ASSIGN, MV_MOP_DELETE, MV_MOP_ITER, MV_MOP_CLEAR, MV_MOP_LEN };

/* How a map operation ended when it ended badly (E2, E4.1, SW7.2): the
 * first six are every Go's; the last two only Go 1.24+'s, when a race
 * breaks a Swiss table's invariants before a `writing` check notices.
 * MV_MOUT_IS_PANIC says which are panics (recoverable) rather than fatal
 * errors. */
#define MV_MOUT_MAP(X)                                                      \
	X(NONE, "")                                                         \
	X(FATAL_WRITES, "concurrent map writes")                            \
	X(FATAL_READ_WRITE, "concurrent map read and map write")            \
	X(FATAL_ITER_WRITE, "concurrent map iteration and map write")       \
	X(PANIC_NIL, "assignment to entry in nil map")                      \
	X(THROW_BAD_STATE, "bad map state")                                 \
	X(FATAL_SMALL_FULL, "small map with no empty slot (concurrent map writes?)") \
	X(PANIC_GROWTH_LEFT, "invariant failed: growthLeft is unexpectedly 0")
#define MV_MOUT_IS_PANIC(o) ((o) == MV_MOUT_PANIC_NIL || (o) == MV_MOUT_PANIC_GROWTH_LEFT)

enum mv_mout {
#define MV_MOUT_ENUM(name, str) MV_MOUT_##name,
	MV_MOUT_MAP(MV_MOUT_ENUM)
#undef MV_MOUT_ENUM
};
const char *mv_mout_message(enum mv_mout o);

/* What to start: instr carries the pinned iterator offsets of a range. */
struct mv_mop_start {
	enum mv_mop_kind kind;
	int64_t key, value;
	const uint64_t *hash_pin; /* the op's hash: pin, or NULL */
	const struct mv_instr *in;
};

/* What the world reads of an operation in flight. */
struct mv_mop_state {
	const char *phase;   /* the next phase ("done" when finished) */
	const char *last;    /* the phase the latest step ran */
	uint32_t steps;      /* phases run so far */
	bool done;
	enum mv_mout outcome;
	bool found;          /* lookup hit, delete removed */
	int64_t result;      /* lookup: value; len: count; iter: value */
	int64_t result_key;  /* iter: key */
	bool hashed;         /* hash below is the one the op used */
	uint64_t hash;
	/* what the latest step touched, for the TUI's highlight: a place in
	 * the engine's own terms (0 = nothing) and a slot there (-1 = none) */
	uint64_t touch_at;
	int32_t touch_slot;
};

struct mv_mapeng {
	enum mv_engine_id id;
	const char *name;  /* "classic", "swiss": state JSON "engine" */
	enum mv_go go;     /* the release it models */
	/* m: the map's storage; seed: this map's seed (shards differ) */
	enum mv_status (*init)(void *m, const struct mv_map_spec *ms, uint64_t seed, const struct mv_strpool *strs);
	void (*done)(void *m);
	enum mv_status (*copy)(void *dst, const void *src);
	void (*op_start)(void *op, const struct mv_mop_start *a);
	enum mv_mstep (*step)(void *m, void *op, const struct mv_sink *sink);
	void (*op_state)(const void *op, struct mv_mop_state *st);
	uint64_t (*hash)(const void *m, int64_t key); /* key's hash now */
	int64_t (*len)(const void *m);
	uint64_t (*runtime_bytes)(const void *m);     /* what Go would hold */
	uint64_t (*model_bytes)(const void *m);       /* what a copy costs here */
	/* The header field called name ("count", "B", "globalDepth"...) as
	 * scenes' expect.state names it; false if this engine has none. */
	bool (*header_field)(const void *m, const char *name, int64_t *value);
	/* Those names, NULL-terminated (the loader checks a scene's against it). */
	const char *const *state_fields;
};

#endif
