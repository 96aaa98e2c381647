/*
 * gomap: Go's classic runtime map (Go 1.19–1.23, runtime/map.go) as a model
 * that can be stepped one runtime phase at a time.  Rule numbers (M5.8) refer
 * to go-map-semantics.md.
 *
 * Ownership: a struct gomap owns its buckets, held in a slab and named by
 * uint32 index (0 = nil), so a map — and every in-flight operation, which
 * refers to buckets only by index — can be copied with gomap_copy and
 * memcpy.  Keys and values are int64; a string map stores string pool ids
 * as keys (the pool is shared and append-only, see strpool.h).
 *
 * Operations are resumable step machines (struct gm_op): gm_op_*_init sets
 * one up, gomap_step runs exactly one named phase, gomap_run runs it to the
 * end.  Several operations may be in flight on one map at once; their
 * phases interleave exactly where Go's could be preempted, which is where
 * its flag checks (M4.2, M5.2, M5.12, M6.2, M6.7, M9.6.1) fire.
 */
#ifndef MV_GOMAP_H
#define MV_GOMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/core/event.h"
#include "engine/core/hash.h"
#include "engine/core/rng.h"
#include "engine/core/spec.h"
#include "engine/core/status.h"
#include "engine/core/strpool.h"

/* M0 constants. */
enum {
	GM_BUCKET_CNT = 8,
	GM_EMPTY_REST = 0,
	GM_EMPTY_ONE = 1,
	GM_EVACUATED_X = 2,
	GM_EVACUATED_Y = 3,
	GM_EVACUATED_EMPTY = 4,
	GM_MIN_TOPHASH = 5,
	GM_F_ITERATOR = 1,
	GM_F_OLD_ITERATOR = 2,
	GM_F_HASH_WRITING = 4,
	GM_F_SAME_SIZE_GROW = 8,
};
#define GM_NO_CHECK UINT64_MAX

/* A bucket (M1.3): tophash, 8 keys, 8 values, the overflow link. */
struct gm_bucket {
	uint8_t tophash[GM_BUCKET_CNT];
	int64_t keys[GM_BUCKET_CNT];
	int64_t vals[GM_BUCKET_CNT];
	uint32_t overflow; /* slab index of the next chain bucket, 0 = nil */
};

struct gomap {
	/* hmap (M1.1) */
	int64_t count;
	uint8_t flags;
	uint8_t B;
	uint16_t noverflow;
	uint32_t hash0;
	uint32_t buckets;     /* slab index of bucket 0, 0 = nil */
	uint32_t oldbuckets;  /* 0 = nil (not growing) */
	uint64_t nevacuate;
	/* mapextra (M1.2): only nextOverflow matters to the model; the overflow
	 * lists just keep buckets alive for Go's GC */
	uint32_t next_overflow; /* pre-allocated free overflow bucket, 0 = nil */

	/* the model */
	enum mv_keykind keykind;
	uint32_t bucketsize;      /* M1.4: 144 for int64 keys, 208 for strings */
	bool is_nil;              /* a nil map (E4.1) */
	struct gm_bucket *slab;   /* all buckets; index 0 unused */
	uint32_t slab_len, slab_cap;
	uint32_t cur_fresh;       /* fresh overflow buckets of `buckets` */
	uint32_t old_fresh;       /* ... of `oldbuckets` */
	uint32_t cur_n, old_n;    /* buckets in each array incl. pre-allocated */
	uint32_t active;          /* operations in flight (no compaction then) */
	struct mv_rng rng;        /* fastrand: hash0 reseeds, iteration, M8.1 */
	struct mv_pins pins;      /* pinned hashes */
	const struct mv_strpool *strs;
};

/* Bytes the runtime would hold for this map (M1.4, M8.5, M8.6). */
struct gm_memory {
	uint64_t buckets;   /* current bucket array incl. pre-allocated overflow */
	uint64_t overflow;  /* overflow buckets allocated one by one */
	uint64_t old;       /* old array and its overflow, kept until evacuation ends */
};

enum gm_opkind { GM_OP_LOOKUP, GM_OP_ASSIGN, GM_OP_DELETE, GM_OP_ITER, GM_OP_CLEAR, GM_OP_LEN };

/* The phases, in the runtime's order; the string is the name people see. */
#define GM_PHASE_MAP(X)                                                     \
	X(CHECK_WRITING, "check_writing")     /* M4.1-2, M5.1-2, M6.1-2 */  \
	X(HASH, "hash")                       /* M4.3, M5.3, M6.3 */        \
	X(SET_WRITING, "set_writing")         /* M5.4, M6.3 */              \
	X(ALLOC, "alloc")                     /* M5.5 */                    \
	X(GROW_WORK, "grow_work")             /* M7.3.1 */                  \
	X(GROW_WORK_NEXT, "grow_work_next")   /* M7.3.2 */                  \
	X(PICK_BUCKET, "pick_bucket")         /* M4.4 */                    \
	X(PROBE, "probe")                     /* M4.5, M5.7, M6.5 */        \
	X(MAYBE_GROW, "maybe_grow")           /* M5.8, M7.1 */              \
	X(NEW_OVERFLOW, "new_overflow")       /* M5.9, M8.3 */              \
	X(INSERT, "insert")                   /* M5.11 */                   \
	X(REMOVE, "remove")                   /* M6.6.1-3 */                \
	X(MARK_EMPTY_REST, "mark_empty_rest") /* M6.6.4 */                  \
	X(DEC_COUNT, "dec_count")             /* M6.6.5 */                  \
	X(CLEAR, "clear")                     /* M10.2 */                   \
	X(ITER_INIT, "iter_init")             /* M9.2-M9.4 */               \
	X(ITER_NEXT, "iter_next")             /* M9.6 */                    \
	X(READ_COUNT, "read_count")           /* len(m) */                  \
	X(CHECK_AND_CLEAR, "check_and_clear") /* M5.12, M6.7 */             \
	X(WRITE_VALUE, "write_value")         /* M5.13 */                   \
	X(DONE, "done")

enum gm_phase {
#define GM_PHASE_ENUM(name, str) GM_PH_##name,
	GM_PHASE_MAP(GM_PHASE_ENUM)
#undef GM_PHASE_ENUM
	GM_PH__COUNT
};

/* How an operation ended, when it ended badly (E2, E4.1). */
#define GM_OUTCOME_MAP(X)                                                   \
	X(NONE, "")                                                         \
	X(FATAL_WRITES, "concurrent map writes")                            \
	X(FATAL_READ_WRITE, "concurrent map read and map write")            \
	X(FATAL_ITER_WRITE, "concurrent map iteration and map write")       \
	X(PANIC_NIL, "assignment to entry in nil map")                      \
	X(THROW_BAD_STATE, "bad map state")

enum gm_outcome {
#define GM_OUTCOME_ENUM(name, str) GM_OUT_##name,
	GM_OUTCOME_MAP(GM_OUTCOME_ENUM)
#undef GM_OUTCOME_ENUM
};

/* Iterator state (M9.1).  Buckets are slab indices. */
struct gm_iter {
	uint32_t buckets;      /* snapshot of m->buckets */
	uint8_t B;             /* snapshot of m->B */
	uint64_t start_bucket;
	uint8_t offset;
	bool wrapped;
	uint32_t bptr;         /* current bucket, 0 = none */
	uint8_t i;
	uint64_t bucket;
	uint64_t check_bucket;
	bool started;
	int32_t pin_start;     /* -1: draw at random (M9.3) */
	int32_t pin_offset;
};

/* One in-flight operation.  Plain data: copy it with the map. */
struct gm_op {
	enum gm_opkind kind;
	enum gm_phase phase;      /* the next phase to run */
	enum gm_phase last;       /* the phase run by the latest step */
	enum gm_outcome outcome;
	int64_t key;
	int64_t value;           /* assign: the value to write */
	bool pinned;             /* hash given by the op */
	bool hashed;             /* the op computed its hash (B == 0 lookups
				    do not: F3) */
	uint64_t hash;
	uint8_t top;
	uint64_t bucket;         /* index under the current mask */
	uint32_t b;              /* slab index of the chain bucket to probe next */
	uint32_t borig;          /* delete: first bucket of the chain (M6.6.4) */
	int32_t slot;            /* slot found or touched */
	uint32_t insb;           /* assign: insert position, 0 = none yet */
	int32_t insi;
	uint32_t resb;           /* assign/lookup: bucket holding the result */
	/* results */
	bool found;              /* lookup hit / delete removed / iter produced */
	int64_t result;          /* lookup: value; len: count; iter: value */
	int64_t result_key;      /* iter: key */
	uint32_t steps;          /* phases run so far */
	/* what the last phase touched (for the TUI's highlight) */
	uint32_t touch_b;        /* slab index, 0 = none */
	int32_t touch_slot;
	struct gm_iter it;
};

const char *gm_phase_name(enum gm_phase p);
const char *gm_outcome_message(enum gm_outcome o);

/* Create a map as makemap(hint) would (M3.2, M3.4); nil=true models a nil
 * map.  Pins (may be NULL) are copied.  strs must outlive the map. */
enum mv_status gomap_init(struct gomap *m, enum mv_keykind kind, int64_t hint, uint64_t seed,
			  bool nil, const struct mv_pin *pins, uint32_t npins,
			  const struct mv_strpool *strs);
void gomap_done(struct gomap *m);
/* Make *dst an independent deep copy of *src (dst uninitialized). */
enum mv_status gomap_copy(struct gomap *dst, const struct gomap *src);

/* Set up operations.  hash_pin: if non-NULL, the op uses that hash for its
 * key and remembers it for the key from then on. */
void gm_op_lookup_init(struct gm_op *op, int64_t key, const uint64_t *hash_pin);
void gm_op_assign_init(struct gm_op *op, int64_t key, int64_t value, const uint64_t *hash_pin);
void gm_op_delete_init(struct gm_op *op, int64_t key, const uint64_t *hash_pin);
/* start/offset < 0: random (M9.3). */
void gm_op_iter_init(struct gm_op *op, int32_t start, int32_t offset);
void gm_op_clear_init(struct gm_op *op);
void gm_op_len_init(struct gm_op *op);

enum gm_stepres {
	GM_MORE,  /* the operation has more phases */
	GM_YIELD, /* an iteration produced an entry (op->result_key, op->result);
		     the next step goes on to the next entry (M9.5) */
	GM_DONE,  /* finished: op->phase == GM_PH_DONE; op->outcome says whether
		     it ended in a fatal error or panic */
};

/* Run one phase of op.  Events go to sink when it is on. */
enum gm_stepres gomap_step(struct gomap *m, struct gm_op *op, const struct mv_sink *sink);
/* Run op to its end (an iteration: through every entry); returns false if it
 * ended in a fatal error or panic. */
bool gomap_run(struct gomap *m, struct gm_op *op, const struct mv_sink *sink);
/* Abandon an operation (the scene ended while it was in flight). */
void gomap_abandon(struct gomap *m, struct gm_op *op);

/* Convenience: whole operations with tracing off (benchmarks, tests). */
bool gomap_store(struct gomap *m, int64_t key, int64_t value);
bool gomap_load(struct gomap *m, int64_t key, int64_t *value);
bool gomap_delete(struct gomap *m, int64_t key);

/* The hash the map uses for key under its current hash0 (pinned or not). */
uint64_t gomap_hash(const struct gomap *m, int64_t key);
/* Read-only views for snapshots. */
static inline const struct gm_bucket *gomap_bucket(const struct gomap *m, uint32_t idx)
{
	return idx ? &m->slab[idx] : 0;
}
static inline bool gomap_growing(const struct gomap *m)
{
	return m->oldbuckets != 0;
}
/* Number of old buckets while growing (M2.4), else 0. */
uint64_t gomap_noldbuckets(const struct gomap *m);
/* True if old bucket i has been evacuated (M1.7). */
bool gomap_evacuated(const struct gomap *m, uint64_t oldbucket);
void gomap_memory(const struct gomap *m, struct gm_memory *mem);
/* roundupsize (M8.6). */
uint64_t gm_roundupsize(uint64_t size);

#endif
