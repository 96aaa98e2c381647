/*
 * swiss: Go 1.26's Swiss-table map (internal/runtime/maps, 1.25+ rules:
 * tombstone pruning, tombstonePossible, the 1.26 clear) as a model that can
 * be stepped one runtime phase at a time.  Rule numbers (SW4.8) refer to
 * go-swiss-semantics.md.
 *
 * Ownership: a struct swmap owns its arrays, each named by uint32 index so
 * that a map — and every in-flight operation, which refers to them only by
 * index — copies with swiss_copy and memcpy:
 *   - the group slab: every group (ctrl word + 8 key/value slots) of every
 *     table and the small map's one group.  A table's groups are
 *     consecutive.  Index 0 is never a group (0 = nil).
 *   - the table array: struct sw_table records; a record is reused once its
 *     table is freed (state SW_TAB_FREE).
 *   - the directory: dir_len table indices (SW1.4), and beside it dirc, the
 *     same entries resolved to group blocks for the look-ups.
 *   - the pins (hash.h), changed only by swiss_init and by an op's
 *     hash_pin.
 * Keys and values are int64; a string map stores string pool ids as keys
 * (the pool is shared and append-only, see strpool.h).
 *
 * Garbage: a table replaced by grow or split becomes stale (index -1,
 * SW5.4.4) and a small group replaced by a table is dropped (SW2.6), but
 * neither is freed while any operation is in flight on the map — an
 * iterator may have pinned it (SW5.12, SW6.8) and a racing writer may still
 * be inside it.  They are freed when the map is quiescent again.
 *
 * Operations are resumable step machines (struct sw_op): sw_op_*_init sets
 * one up, swiss_step runs exactly one named phase, swiss_run runs it to the
 * end.  Several operations may be in flight on one map at once; their
 * phases interleave where Go's could be preempted, which is where its
 * `writing` checks (SW7) fire.  A grow or split re-inserts one old group per
 * step; meanwhile the new table(s) exist with state SW_TAB_BUILDING and the
 * directory still names the old table.
 */
#ifndef MV_SWISS_H
#define MV_SWISS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/core/event.h"
#include "engine/core/hash.h"
#include "engine/core/rng.h"
#include "engine/core/spec.h"
#include "engine/core/status.h"
#include "engine/core/strpool.h"

/* SW1 constants. */
enum {
	SW_SLOTS = 8,                /* abi.MapGroupSlots */
	SW_MAX_TABLE_CAP = 1024,     /* maxTableCapacity (SW5.3) */
	SW_CTRL_EMPTY = 0x80,        /* SW1.9 */
	SW_CTRL_DELETED = 0xFE,      /* SW1.9: tombstone */
	SW_SMALL_MAX = 8,            /* SW2.1 */
};
#define SW_CTRL_ALL_EMPTY 0x8080808080808080ULL /* a new group (SW1.9) */
#define SW_PENDING_TABLE 0x80000000u

/* A group (SW1.5, SW1.7): the control word, then 8 slots of key and value
 * interleaved, as Go lays out map[int64]int64 (SlotSize 16, GroupSize 136).
 * Byte i of ctrl (little-endian, i.e. bits 8i..8i+7 of the word whatever
 * the host) is slot i's control byte: SW_CTRL_EMPTY, SW_CTRL_DELETED or
 * H2.  A string map's key is a pool id.  An emptied slot may keep stale
 * bytes (SW4.11): only full slots (sw_slot_full) hold entries. */
struct sw_slot {
	int64_t key;
	int64_t val;
};
struct sw_group {
	uint64_t ctrl;
	struct sw_slot slots[SW_SLOTS];
};

static inline uint8_t sw_ctrl(const struct sw_group *g, unsigned slot)
{
	return (uint8_t)(g->ctrl >> (8 * slot));
}
static inline bool sw_slot_full(const struct sw_group *g, unsigned slot)
{
	return sw_ctrl(g, slot) < 0x80;
}

enum sw_tabstate {
	SW_TAB_FREE,     /* an unused record of the table array */
	SW_TAB_LIVE,     /* named by the directory */
	SW_TAB_BUILDING, /* being filled by a grow, split or conversion in flight */
	SW_TAB_STALE,    /* replaced (index -1), kept while operations are in flight */
};

/* A table (maps.table, SW1.3). */
struct sw_table {
	uint16_t used;
	uint16_t capacity;       /* slots: a power of two, 16..1024 */
	uint16_t growth_left;    /* uint16 as in Go: it wraps under races */
	uint8_t local_depth;
	uint8_t state;           /* enum sw_tabstate */
	int32_t index;           /* first directory index naming it; -1 stale */
	uint32_t groups;         /* slab index of group 0; capacity/8 groups */
	uint32_t next_free;      /* model: free-list link while SW_TAB_FREE */
};

static inline uint32_t sw_table_ngroups(const struct sw_table *t)
{
	return (uint32_t)t->capacity / SW_SLOTS; /* lengthMask + 1 */
}

/* maxGrowthLeft (SW3.4). */
static inline uint16_t sw_max_growth_left(uint16_t capacity)
{
	return capacity <= SW_SLOTS ? (uint16_t)(capacity - 1) : (uint16_t)(capacity / 8 * 7);
}

struct sw_dirc {
	uint32_t groups; /* = tables[dir[i]].groups */
	uint32_t mask;   /* = capacity/8 - 1 */
};

struct swmap {
	/* maps.Map (SW1.1) */
	uint64_t used;
	uint64_t seed;            /* drawn from rng; hashes use its low 32 bits */
	uint32_t small;           /* dirPtr of a small map: its group, 0 = none */
	uint32_t dir_len;         /* 0: small or not yet allocated */
	uint32_t *dir;            /* dirPtr of a table map: dir_len table indices */
	struct sw_dirc *dirc;     /* model: for each directory entry, its table's
				     groups and lengthMask (a shortcut the
				     look-ups take past the table record) */
	uint8_t global_depth;
	uint8_t global_shift;     /* 64 - globalDepth; 0 while there is no directory */
	uint8_t writing;          /* SW7.1: toggled with ^= 1 */
	bool tombstone_possible;  /* SW1.1, VD.4 */
	uint64_t clear_seq;

	/* the model */
	enum mv_keykind keykind;
	bool is_nil;              /* a nil map (SW1.2) */
	uint32_t group_size;      /* SW1.7: 136 for int64 keys, 200 for strings */
	struct sw_group *slab;    /* all groups; index 0 unused */
	uint32_t slab_len, slab_cap;
	uint32_t slab_dirty;      /* groups from here to slab_cap are still zero */
	uint32_t free_groups[8];  /* free blocks of 2^i groups, 0 = none */
	struct sw_table *tables;
	uint32_t ntables, tables_cap;
	uint32_t free_table;      /* first free table record, UINT32_MAX = none */
	uint32_t dir_cap;
	uint32_t *pending;        /* dropped while operations were in flight:
				     table indices | SW_PENDING_TABLE, or small
				     groups; freed when the map is quiescent */
	uint32_t npending, pending_cap;
	uint32_t active;          /* operations in flight */
	struct mv_rng rng;        /* rand(): seeds (SW1.16, SW8.3), iterator offsets (SW6.3) */
	struct mv_pins pins;      /* pinned hashes */
	const struct mv_strpool *strs;
};

/* Read-only views.  Tables: records 0..ntables-1, see state; the live ones
 * in directory order are dir[i] for i stepping by 1 << (globalDepth -
 * localDepth) (SW5.10). */
static inline bool swiss_is_small(const struct swmap *m)
{
	return m->dir_len == 0 && m->small != 0;
}
static inline const struct sw_group *swiss_small_group(const struct swmap *m)
{
	return m->small ? &m->slab[m->small] : 0;
}
static inline uint32_t swiss_ntables(const struct swmap *m)
{
	return m->ntables;
}
static inline const struct sw_table *swiss_table(const struct swmap *m, uint32_t t)
{
	return &m->tables[t];
}
static inline uint32_t swiss_dir_len(const struct swmap *m)
{
	return m->dir_len;
}
static inline uint32_t swiss_dir_at(const struct swmap *m, uint32_t i)
{
	return m->dir[i];
}
/* Group g (0 .. capacity/8 - 1) of table t. */
static inline const struct sw_group *swiss_group(const struct swmap *m, uint32_t t, uint32_t g)
{
	return &m->slab[m->tables[t].groups + g];
}

/* Bytes (SW9.1): requested sizes, and the Go size class they land in (SW9.2;
 * pointerful objects over 512 bytes pay an 8-byte malloc header). */
struct sw_memory {
	uint64_t header;      /* the Map: 48 (0 for a nil map) */
	uint64_t small;       /* the small map's group */
	uint64_t tables;      /* 32 per live table */
	uint64_t groups;      /* live tables' group arrays */
	uint64_t directory;   /* 8 per directory entry */
	uint64_t stale;       /* stale tables (struct + groups) and a dropped small
				 group still held for an operation in flight */
	uint64_t total;       /* the sum of the above */
	uint64_t total_class; /* the same objects rounded to Go's size classes */
	uint64_t model;       /* what this model holds in memory (a copy's cost) */
};
void swiss_memory(const struct swmap *m, struct sw_memory *mem);
/* Go's roundupsize for an object of size bytes (pointerful: with header). */
uint64_t sw_roundupsize(uint64_t size, bool pointerful);

enum sw_opkind { SW_OP_LOOKUP, SW_OP_ASSIGN, SW_OP_DELETE, SW_OP_ITER, SW_OP_CLEAR, SW_OP_LEN };

/* The phases, in the runtime's order; the string is the name people see. */
#define SW_PHASE_MAP(X)                                                     \
	X(CHECK_WRITING, "check_writing")     /* SW4.4, SW4.6, SW4.10, SW8.1 */ \
	X(HASH, "hash")                       /* SW1.14 */                  \
	X(SET_WRITING, "set_writing")         /* SW7.1 */                   \
	X(ALLOC_SMALL, "alloc_small")         /* SW2.2 growToSmall */       \
	X(SMALL_PROBE, "small_probe")         /* SW2.3-SW2.5 */             \
	X(TO_TABLE, "to_table")               /* SW2.6 growToTable */       \
	X(SELECT_TABLE, "select_table")       /* SW1.12 */                  \
	X(PROBE, "probe")                     /* SW4.1-SW4.6: one group */  \
	X(UPDATE, "update")                   /* SW4.6.2, SW2.3.1 */        \
	X(REUSE_TOMBSTONE, "reuse_tombstone") /* SW4.6.5 */                 \
	X(PRUNE, "prune")                     /* SW4.14, SW4.15 */          \
	X(INSERT, "insert")                   /* SW4.6.7, SW2.3.2 */        \
	X(GROW, "grow")                       /* SW5.3, SW5.4 */            \
	X(SPLIT, "split")                     /* SW5.6 */                   \
	X(MOVE_GROUP, "move_group")           /* SW2.6.2, SW5.4.2, SW5.6.3 */ \
	X(INSTALL, "install")                 /* SW2.6.3, SW5.4.3, SW5.7 */ \
	X(REMOVE, "remove")                   /* SW2.4, SW4.10.3 */         \
	X(RESEED, "reseed")                   /* SW4.10.4 */                \
	X(CLEAR_TABLE, "clear_table")         /* SW8.1.2-3, SW8.2 */        \
	X(CLEAR_END, "clear_end")             /* SW8.1.3-5 */               \
	X(ITER_INIT, "iter_init")             /* SW6.3 */                   \
	X(ITER_NEXT, "iter_next")             /* SW6.4-SW6.10 */            \
	X(ITER_RELOOKUP, "iter_relookup")     /* SW6.5, SW6.8 getWithKey */ \
	X(ITER_SCAN, "iter_scan")             /* the rest of Next after a miss */ \
	X(READ_LEN, "read_len")               /* len(m) reads used (SW7.3) */ \
	X(CHECK_AND_CLEAR, "check_and_clear") /* SW7.1 exit check */        \
	X(WRITE_VALUE, "write_value")         /* the store after mapassign returns */ \
	X(DONE, "done")

enum sw_phase {
#define SW_PHASE_ENUM(name, str) SW_PH_##name,
	SW_PHASE_MAP(SW_PHASE_ENUM)
#undef SW_PHASE_ENUM
	SW_PH__COUNT
};

/* How an operation ended, when it ended badly (SW1.2, SW7.2).  The first
 * six are every Go's (mapeng.h MV_MOUT_MAP), member for member. */
#define SW_OUTCOME_MAP(X)                                                   \
	X(NONE, "")                                                         \
	X(FATAL_WRITES, "concurrent map writes")                            \
	X(FATAL_READ_WRITE, "concurrent map read and map write")            \
	X(FATAL_ITER_WRITE, "concurrent map iteration and map write")       \
	X(PANIC_NIL, "assignment to entry in nil map")                      \
	X(THROW_BAD_STATE, "bad map state")                                 \
	X(FATAL_SMALL_FULL, "small map with no empty slot (concurrent map writes?)") \
	X(PANIC_GROWTH_LEFT, "invariant failed: growthLeft is unexpectedly 0")

enum sw_outcome {
#define SW_OUTCOME_ENUM(name, str) SW_OUT_##name,
	SW_OUTCOME_MAP(SW_OUTCOME_ENUM)
#undef SW_OUTCOME_ENUM
	SW_OUT__COUNT
};

/* A grow, split or small-to-table conversion in flight (SW2.6, SW5). */
enum sw_rehash_kind { SW_RH_NONE, SW_RH_CONVERT, SW_RH_GROW, SW_RH_SPLIT };
struct sw_rehash {
	uint8_t kind;          /* enum sw_rehash_kind */
	int32_t old;           /* the table being replaced; -1: the small group */
	uint32_t old_small;    /* CONVERT: the small group (slab index) */
	int32_t left, right;   /* new tables (GROW, CONVERT: left only), -1 none */
	uint32_t next;         /* the next old group to re-insert */
	uint32_t ngroups;      /* old groups in all */
};

/* Iterator state (maps.Iter, SW6.1).  Tables are table indices. */
struct sw_iter {
	int64_t pin_entry, pin_dir; /* < 0: draw (SW6.3) */
	bool live;              /* it.m != nil: the map had entries at Init */
	uint64_t entry_offset, dir_offset;
	uint64_t clear_seq;     /* only consulted for keys unequal to themselves
				   (NaN, SW6.5/SW6.8), which int and string keys
				   never are */
	uint8_t global_depth;
	int64_t dir_idx;        /* -1: the map was small at Init */
	uint32_t small;         /* it.group of a small-at-Init map */
	int32_t tab;            /* it.tab, -1 = nil */
	int32_t group;          /* it.group: group index in tab, -1 = nil */
	uint64_t entry_idx;
	uint64_t group_match;   /* Next's groupMatch, kept across a re-lookup */
	uint8_t resume;         /* where ITER_SCAN resumes (engine-private) */
	uint8_t rl_slot;        /* re-lookup: the slot of the key in it.group */
	int64_t rl_key;         /* re-lookup: the key read from the old slot */
};

/* One in-flight operation.  Plain data: copy it with the map. */
struct sw_op {
	enum sw_opkind kind;
	enum sw_phase phase;     /* the next phase to run */
	enum sw_phase last;      /* the phase run by the latest step */
	enum sw_outcome outcome;
	int64_t key;
	int64_t value;           /* assign: the value to write */
	bool pinned;             /* hash given by the op */
	bool hashed;             /* the op computed its hash (small int lookups
				    do not, SW2.5) */
	uint64_t hash;
	/* where the op is */
	uint32_t sgrp;           /* the small group it works on (slab index) */
	int32_t tab;             /* table probed / written, -1 = the small group */
	uint64_t probe_offset;   /* probeSeq (SW4.1) */
	uint64_t probe_index;
	int32_t grp;             /* group of the result or target, -1 none */
	int32_t slot;            /* slot of the result or target, -1 none */
	int32_t tomb_grp;        /* assign: first tombstone seen (SW4.6.4) */
	int32_t tomb_slot;
	uint32_t clear_i;        /* clear: next directory index */
	int32_t clear_last;      /* clear: lastTab, -1 none */
	struct sw_rehash rh;
	/* results */
	bool found;              /* lookup hit / assign updated / delete removed /
				    iter produced */
	int64_t result;          /* lookup: value; len: used; iter: value */
	int64_t result_key;      /* iter: key */
	uint32_t steps;          /* phases run so far */
	/* what the last phase touched (the TUI's highlight): a table (or -1:
	 * the small group when touch_group is 0, nothing when it is -1), a
	 * group in it (-1 none) and a slot (-1 none) */
	int32_t touch_table;
	int32_t touch_group;
	int32_t touch_slot;
	struct sw_iter it;
};

const char *sw_phase_name(enum sw_phase p);
const char *sw_outcome_message(enum sw_outcome o);

/* Create a map as make(map[K]int64, hint) would (SW3); nil=true models a
 * nil map.  seed seeds the map's rng, from which the map's seed and every
 * reseed are drawn.  Pins (may be NULL) are copied.  strs must outlive the
 * map.  MV_ENOMEM only if the pins cannot be stored. */
enum mv_status swiss_init(struct swmap *m, enum mv_keykind kind, int64_t hint, uint64_t seed, bool nil,
			  const struct mv_pin *pins, uint32_t npins, const struct mv_strpool *strs);
void swiss_done(struct swmap *m);
/* Make *dst an independent deep copy of *src (dst uninitialized). */
enum mv_status swiss_copy(struct swmap *dst, const struct swmap *src);

/* Set up operations.  hash_pin: if non-NULL, the op uses that hash for its
 * key and, from its first step on, the map remembers it for the key
 * (replacing any earlier pin). */
void sw_op_lookup_init(struct sw_op *op, int64_t key, const uint64_t *hash_pin);
void sw_op_assign_init(struct sw_op *op, int64_t key, int64_t value, const uint64_t *hash_pin);
void sw_op_delete_init(struct sw_op *op, int64_t key, const uint64_t *hash_pin);
/* entry_offset/dir_offset < 0: drawn from the map's rng, entryOffset first
 * (SW6.3); nothing is drawn for a nil or empty map. */
void sw_op_iter_init(struct sw_op *op, int64_t entry_offset, int64_t dir_offset);
void sw_op_clear_init(struct sw_op *op);
void sw_op_len_init(struct sw_op *op);

enum sw_stepres {
	SW_MORE,  /* the operation has more phases */
	SW_YIELD, /* an iteration produced an entry (op->result_key, op->result);
		     the next step goes on to the next entry */
	SW_DONE,  /* finished: op->phase == SW_PH_DONE; op->outcome says whether
		     it ended in a fatal error or panic */
};

/* Run one phase of op.  Events go to sink when it is on. */
enum sw_stepres swiss_step(struct swmap *m, struct sw_op *op, const struct mv_sink *sink);
/* Run op to its end (an iteration: through every entry); returns false if it
 * ended in a fatal error or panic. */
bool swiss_run(struct swmap *m, struct sw_op *op, const struct mv_sink *sink);
/* Abandon an operation (the scene ended, or a range loop broke out). */
void swiss_abandon(struct swmap *m, struct sw_op *op);

/* Whole operations with tracing off (benchmarks, tests): mapassign_fast64 /
 * _faststr, mapaccess2_fast64 / _faststr, mapdelete, the same rules as the
 * step machine (tests/unit/test_swiss.c compares the two byte for byte).
 * store returns false on a nil map (or when a stepped write is in flight,
 * where Go would throw); load returns false there too; delete returns
 * whether the key was there. */
bool swiss_store(struct swmap *m, int64_t key, int64_t value);
bool swiss_load(const struct swmap *m, int64_t key, int64_t *value);
bool swiss_delete(struct swmap *m, int64_t key);

/* The hash the map uses for key now: its pin, or the model hash under the
 * map's current seed. */
uint64_t swiss_hash(const struct swmap *m, int64_t key);

#endif
