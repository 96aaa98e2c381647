/*
 * hashtrie: Go 1.24+'s sync.Map — internal/sync.HashTrieMap[any, any]
 * (src/internal/sync/hashtriemap.go, identical in 1.24-1.26 but for one
 * panic message, VD.12) — as resumable step machines.  Rule numbers (HT4.4)
 * refer to go-swiss-semantics.md, section HT.
 *
 * The shape follows engine/classic/syncmap.h (Go 1.19's sync.Map), so both
 * can sit behind one sync.Map seam: a struct hashtrie, a struct ht_op with a
 * named phase, ht_step(t, op, self, now, woken, nwoken, sink) returning
 * HT_MORE / HT_BLOCKED / HT_YIELD / HT_DONE / HT_FATAL in the order of
 * syncmap's enum sm_res, results in op->found / result / result_key,
 * op->touch_* for the TUI, hashtrie_copy for checkpoints, and whole-op
 * convenience functions.
 *
 * Storage.  Nodes live in two arrays and are named by index, never by
 * pointer, so a trie and every operation in flight on it copy with memcpy
 * (hashtrie_copy duplicates the arrays and the pin table):
 *   - indirect nodes (HT1.4): 16 children, the parent, dead, and the node's
 *     own Mutex as a struct mv_lock (engine/locks/locks.h), stepped one
 *     atomic action at a time, with a wait queue people can see;
 *   - entry nodes (HT1.5): key, value and the overflow link of a full-hash
 *     collision chain.  An entry is never changed after it is published
 *     except for its overflow link: every Store/Swap/CompareAndSwap of a
 *     present key makes a new entry (HT4.3, HT8.1).
 * Index 0 of both arrays is unused.  A child slot holds a uint32 "ref":
 * 0 = nil, HT_REF_ENTRY | e = entry e, otherwise indirect node i.
 * Nodes that became unreachable (replaced entries, pruned indirects, a tree
 * dropped by Clear) are garbage: an operation in flight may still hold
 * them, as Go's GC lets it, so they are swept only when no operation is in
 * flight (t->active == 0); sweeping changes nothing observable.
 *
 * Hashes (HT2.2): an unpinned key hashes with mv_hash_int / mv_hash_str
 * under the low 32 bits of t->seed, which lazy init draws from an rng
 * seeded by hashtrie_init's seed and which is never redrawn (HT2.3).  A
 * pinned key (the pins given to hashtrie_init, hashtrie_pin, or an op's
 * hash_pin, which replaces the key's pin at the op's first step) always
 * hashes to its pin: the oracle feeds Go's real hashes this way, and a
 * scene builds full-hash collisions by pinning two keys to one hash.
 *
 * Steps.  Each ht_step runs one phase: one atomic load or store of Go's
 * code on shared memory (inited, root, a child slot, an overflow link),
 * one step of a Mutex's Lock or Unlock, or one publication.  Work done
 * under a node's lock on data only that lock's holder can change (the
 * chain under it, dead, the other children) shares a step with the
 * decision it feeds, since no other worker can tell the difference.
 * Work on nodes nobody else can reach yet (expand's new column) is one
 * step; its publication is the next (HT4.4.3).
 *
 * Blocking: a step of a lock phase (init_lock, lock, lock_parent) may
 * return HT_BLOCKED — the worker is queued on that Mutex's semaphore and
 * must not be scheduled until a later step (of whichever worker unlocks
 * it) lists it in woken[], exactly as with mv_lock_step (locks.h);
 * stepping it while still queued changes nothing and returns HT_BLOCKED
 * again.  op->lk.yield after an unlock step says the unlocker handed the
 * Mutex over in starvation mode and yields to woken[0].  (Go 1.24+'s
 * internal/sync.Mutex runs the algorithm of Go 1.19's sync.Mutex, which
 * locks.h models.)
 *
 * Lock events: the LOCK_* events of initMu carry n = t->lock_base, those
 * of indirect node i's mu n = t->lock_base + 1 + i (hashtrie_lock_of
 * decodes them; hashtrie_set_lock_base moves the range).
 */
#ifndef MV_HASHTRIE_H
#define MV_HASHTRIE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/core/event.h"
#include "engine/core/hash.h"
#include "engine/core/rng.h"
#include "engine/core/spec.h"
#include "engine/core/status.h"
#include "engine/core/strpool.h"
#include "engine/locks/locks.h"

/* HT1.6 */
enum {
	HT_CHILDREN_LOG2 = 4,
	HT_CHILDREN = 16,
	HT_MAX_DEPTH = 16, /* indirect levels: 64 hash bits / 4 */
};

/* A child slot's content: 0 = nil, HT_REF_ENTRY | e = entry e, otherwise
 * indirect node i. */
#define HT_REF_ENTRY 0x80000000u
#define HT_NIL 0u

static inline bool ht_ref_is_entry(uint32_t ref)
{
	return (ref & HT_REF_ENTRY) != 0;
}
static inline bool ht_ref_is_indirect(uint32_t ref)
{
	return ref != HT_NIL && !(ref & HT_REF_ENTRY);
}
static inline uint32_t ht_ref_index(uint32_t ref)
{
	return ref & ~HT_REF_ENTRY;
}

/* HT1.4 indirect[K,V]. */
struct ht_indirect {
	uint32_t children[HT_CHILDREN]; /* refs */
	uint32_t parent;                /* indirect index, 0 = nil (a root) */
	bool dead;                      /* HT4.2, HT6.2 */
	bool live;                      /* the model: allocated (not on the free list) */
	uint8_t depth;                  /* display: 0 for a root; children[j] is
					   picked by hash bits 63-4d .. 60-4d */
	uint32_t next_free;             /* the model: free-list link */
	struct mv_lock mu;              /* kind MV_LOCK_MUTEX */
};

/* HT1.5 entry[K,V]. */
struct ht_entry {
	int64_t key;        /* int key, or string pool id */
	int64_t value;
	uint32_t overflow;  /* entry index of the next in the chain, 0 = nil */
	bool live;          /* the model: allocated (not on the free list) */
};

struct hashtrie {
	/* HashTrieMap (HT1.2) */
	bool inited;             /* inited atomic.Uint32 */
	struct mv_lock init_mu;  /* initMu, kind MV_LOCK_MUTEX */
	uint32_t root;           /* root atomic.Pointer[indirect]: indirect index, 0 = nil */
	uint64_t seed;           /* seed uintptr: drawn by init, 0 before (HT2.1) */
	/* the model */
	enum mv_keykind keykind;
	const struct mv_strpool *strs;
	struct mv_pins pins;     /* pinned hashes */
	struct mv_rng rng;       /* runtime_rand() for the seed */
	struct ht_indirect *inds;
	uint32_t ninds, inds_cap, free_ind;
	struct ht_entry *ents;
	uint32_t nents, ents_cap, free_ent;
	uint32_t in_use;         /* nodes allocated and not swept */
	uint32_t sweep_at;       /* sweep garbage when in_use reaches it */
	uint32_t active;         /* operations in flight (no sweep then) */
	uint32_t lock_base;      /* n of initMu's LOCK_* events; nodes follow */
	/* counters (display) */
	uint64_t entries_made, indirects_made, expands, collisions, prunes, restarts, clears;
};

enum ht_opkind {
	HT_OP_LOAD,
	HT_OP_STORE,
	HT_OP_LOAD_OR_STORE,
	HT_OP_LOAD_AND_DELETE,
	HT_OP_DELETE,
	HT_OP_SWAP,
	HT_OP_COMPARE_AND_SWAP,
	HT_OP_COMPARE_AND_DELETE,
	HT_OP_RANGE,
	HT_OP_CLEAR,
};

/* The phases, in hashtriemap.go's order; the string is the name people see. */
#define HT_PHASE_MAP(X)                                                      \
	X(INIT_CHECK, "init_check")         /* HT2.1 inited.Load() */         \
	X(INIT_LOCK, "init_lock")           /* HT2.1 initMu.Lock() */         \
	X(INIT_RECHECK, "init_recheck")     /* HT2.1 inited.Load() again */   \
	X(INIT_ROOT, "init_root")           /* HT2.1 root.Store(new), seed */ \
	X(INIT_DONE, "init_done")           /* HT2.1 inited.Store(1) */       \
	X(INIT_UNLOCK, "init_unlock")       /* HT2.1 initMu.Unlock() */       \
	X(HASH, "hash")                     /* HT2.2 keyHash(key, seed) */    \
	X(LOAD_ROOT, "load_root")           /* HT3.1 i = root.Load() */       \
	X(LOAD_CHILD, "load_child")         /* HT3.1 n = i.children[..].Load() */ \
	X(LOAD_OVERFLOW, "load_overflow")   /* HT3.1 e = e.overflow.Load() */ \
	X(LOCK, "lock")                     /* HT4.2 i.mu.Lock() */           \
	X(RECHECK, "recheck")               /* HT4.2 slot.Load(), i.dead.Load() */ \
	X(REPLACE, "replace")               /* HT4.3, HT6.5 a new entry spliced in */ \
	X(INSERT, "insert")                 /* HT4.3 slot.Store(new entry) */ \
	X(EXPAND, "expand")                 /* HT4.4 build the column / chain */ \
	X(PUBLISH, "publish")               /* HT4.4.3 slot.Store(top) */     \
	X(REMOVE, "remove")                 /* HT6.2 unlink the entry */      \
	X(PRUNE_CHECK, "prune_check")       /* HT6.2 parent != nil && empty */\
	X(LOCK_PARENT, "lock_parent")       /* HT6.2 parent.mu.Lock() */      \
	X(PRUNE, "prune")                   /* HT6.2 dead = true; slot = nil */ \
	X(UNLOCK_CHILD, "unlock_child")     /* HT6.2 i.mu.Unlock(); i = parent */ \
	X(UNLOCK, "unlock")                 /* i.mu.Unlock() */               \
	X(RANGE_ROOT, "range_root")         /* HT7.1 root.Load() */           \
	X(RANGE_CHILD, "range_child")       /* HT7.1 i.children[j].Load() */  \
	X(RANGE_OVERFLOW, "range_overflow") /* HT7.1 e = e.overflow.Load() */ \
	X(CLEAR_ROOT, "clear_root")         /* HT7.2 root.Store(new) */       \
	X(DONE, "done")

enum ht_phase {
#define HT_PHASE_ENUM(name, str) HT_PH_##name,
	HT_PHASE_MAP(HT_PHASE_ENUM)
#undef HT_PHASE_ENUM
	HT_PH__COUNT
};

/* One frame of Range's recursion (HT7.1): node, and the next child. */
struct ht_frame {
	uint32_t node;
	uint8_t next;
};

/* One in-flight operation.  Plain data: copy it with the trie. */
struct ht_op {
	enum ht_opkind kind;
	enum ht_phase phase;     /* the next phase to run */
	enum ht_phase last;      /* the phase run by the latest step */
	int64_t key;
	int64_t value;           /* store, swap, load_or_store: the value;
				    compare_and_swap: new */
	int64_t old;             /* compare_and_swap, compare_and_delete: old */
	bool pinned;             /* hash given by the op (pinned at its first step) */
	bool hashed;             /* hash is the one the op computed */
	uint64_t hash;
	/* Go's locals */
	uint32_t i;              /* the indirect node: descended to, or locked */
	uint32_t shift;          /* hashShift: 64 at the root, -4 per level */
	uint32_t slot;           /* the child index in i: (hash >> shift) & 15 */
	uint32_t n;              /* the ref the latest slot load saw */
	uint32_t e;              /* the chain entry being compared (lock-free walk) */
	uint32_t top;            /* expand: the subtree to publish (a ref) */
	uint32_t levels;         /* expand: indirect levels it built (0: a chain) */
	bool init_locked;        /* holds initMu */
	bool locked;             /* holds i.mu (and, in lock_parent..unlock_child,
				    i's parent's too once it got it) */
	bool restart;            /* the unlock in progress starts over (HT4.2) */
	struct mv_lock_op lk;    /* the Lock or Unlock in progress */
	struct ht_frame stack[HT_MAX_DEPTH + 1]; /* range */
	uint8_t depth;           /* range: frames in use */
	/* results */
	bool found;              /* load: ok; load_or_store, load_and_delete,
				    swap: loaded; delete: deleted; compare_and_swap:
				    swapped; compare_and_delete: deleted; range: an
				    entry was produced (HT_YIELD) */
	int64_t result;          /* load: value; load_or_store: actual;
				    load_and_delete: value; swap: previous;
				    range: value */
	int64_t result_key;      /* range: key */
	/* what the latest step touched, for the TUI (once the op has ended,
	 * a node named here may have been swept: check its live flag) */
	uint32_t touch_node;     /* indirect index, 0 = none */
	int32_t touch_slot;      /* its child, -1 = none */
	uint32_t touch_entry;    /* entry index, 0 = none */
	uint32_t steps;          /* steps run so far */
	const char *fatal;       /* static: Go's message when it ended badly */
	bool panicked;           /* fatal is a panic (HT1.6), not a fatal error */
};

enum ht_res {
	HT_MORE,    /* the operation has more phases */
	HT_BLOCKED, /* the worker sleeps on a Mutex: not runnable until woken */
	HT_YIELD,   /* Range produced op->result_key, op->result: run the body,
		       then step on */
	HT_DONE,    /* finished; results in the op */
	HT_FATAL,   /* ended badly: op->fatal holds Go's message */
};

const char *ht_phase_name(enum ht_phase p);
const char *ht_res_name(enum ht_res r);
const char *ht_opkind_name(enum ht_opkind k);

/* The zero sync.Map (HT2.1): not inited, root nil, seed 0.  seed seeds the
 * rng lazy init draws the trie's seed from.  pins (may be NULL) are
 * copied.  strs (string keys) must outlive it. */
enum mv_status hashtrie_init(struct hashtrie *t, enum mv_keykind kind, uint64_t seed, const struct mv_pin *pins,
			     uint32_t npins, const struct mv_strpool *strs);
void hashtrie_done(struct hashtrie *t);
/* Make *dst an independent deep copy of *src (dst uninitialized). */
enum mv_status hashtrie_copy(struct hashtrie *dst, const struct hashtrie *src);
/* Pin key's hash from now on. */
enum mv_status hashtrie_pin(struct hashtrie *t, int64_t key, uint64_t hash);
/* The LOCK_* event numbers: initMu gets base, node i's mu base + 1 + i. */
void hashtrie_set_lock_base(struct hashtrie *t, uint32_t base);

/* Set up operations.  hash_pin: if non-NULL, the op uses that hash for its
 * key and pins it for the key from its first step on. */
void ht_op_load_init(struct ht_op *op, int64_t key, const uint64_t *hash_pin);
void ht_op_store_init(struct ht_op *op, int64_t key, int64_t value, const uint64_t *hash_pin);
void ht_op_swap_init(struct ht_op *op, int64_t key, int64_t value, const uint64_t *hash_pin);
void ht_op_load_or_store_init(struct ht_op *op, int64_t key, int64_t value, const uint64_t *hash_pin);
void ht_op_load_and_delete_init(struct ht_op *op, int64_t key, const uint64_t *hash_pin);
void ht_op_delete_init(struct ht_op *op, int64_t key, const uint64_t *hash_pin);
void ht_op_compare_and_swap_init(struct ht_op *op, int64_t key, int64_t old, int64_t new_value,
				 const uint64_t *hash_pin);
void ht_op_compare_and_delete_init(struct ht_op *op, int64_t key, int64_t old, const uint64_t *hash_pin);
void ht_op_range_init(struct ht_op *op);
void ht_op_clear_init(struct ht_op *op);

/*
 * Run one step of op by worker self (< MV_LOCK_MAX_WAITERS) at time now
 * (the caller's step counter; see locks.h).  Workers this step made
 * runnable are appended to woken[*nwoken] (at most one per step; woken may
 * be NULL).  Events go to sink when it is on: TRIE_INIT, TRIE_INSERT,
 * TRIE_REPLACE, TRIE_EXPAND, TRIE_COLLIDE, TRIE_REMOVE, TRIE_PRUNE,
 * TRIE_RESTART, TRIE_CLEAR (see event.h), and the Mutexes' LOCK_* events.
 */
enum ht_res ht_step(struct hashtrie *t, struct ht_op *op, uint32_t self, uint64_t now, uint32_t *woken,
		    uint32_t *nwoken, const struct mv_sink *sink);
/* Step op until it blocks, ends or fails, passing over a Range's yields.
 * woken as for mv_lock_run. */
enum ht_res ht_run(struct hashtrie *t, struct ht_op *op, uint32_t self, uint64_t now, uint32_t *woken,
		   uint32_t *nwoken, const struct mv_sink *sink);
/* Abandon an operation (the scene ended, or a Range's body broke out).
 * A Mutex it holds stays held. */
void ht_op_abandon(struct hashtrie *t, struct ht_op *op);
/* The Mutex op's current phase locks or unlocks, or NULL. */
const struct mv_lock *ht_op_lock(const struct hashtrie *t, const struct ht_op *op);

/* Whole operations by worker 0, tracing off (tests, benchmarks).  Only
 * while no stepped operation holds a Mutex they need: they would block
 * (and then return as if the op had not happened). */
bool hashtrie_load(struct hashtrie *t, int64_t key, int64_t *value);
void hashtrie_store(struct hashtrie *t, int64_t key, int64_t value);
bool hashtrie_swap(struct hashtrie *t, int64_t key, int64_t value, int64_t *previous);
bool hashtrie_load_or_store(struct hashtrie *t, int64_t key, int64_t value, int64_t *actual);
bool hashtrie_load_and_delete(struct hashtrie *t, int64_t key, int64_t *value);
void hashtrie_delete(struct hashtrie *t, int64_t key);
bool hashtrie_compare_and_swap(struct hashtrie *t, int64_t key, int64_t old, int64_t new_value);
bool hashtrie_compare_and_delete(struct hashtrie *t, int64_t key, int64_t old);
void hashtrie_clear(struct hashtrie *t);
/* A whole Range: writes up to cap pairs in walk order, returns how many
 * it produced. */
uint32_t hashtrie_range(struct hashtrie *t, int64_t *keys, int64_t *values, uint32_t cap);

/* Free the garbage now if no operation is in flight (it happens by itself
 * as garbage grows). */
void hashtrie_sweep(struct hashtrie *t);

/* ---- read-only views for snapshots ---- */

static inline bool hashtrie_inited(const struct hashtrie *t)
{
	return t->inited;
}
/* The root indirect's index, 0 before init. */
static inline uint32_t hashtrie_root(const struct hashtrie *t)
{
	return t->root;
}
static inline const struct ht_indirect *hashtrie_indirect(const struct hashtrie *t, uint32_t i)
{
	return i && i < t->ninds ? &t->inds[i] : 0;
}
static inline const struct ht_entry *hashtrie_entry(const struct hashtrie *t, uint32_t e)
{
	return e && e < t->nents ? &t->ents[e] : 0;
}
/* Child j of indirect i: a ref (ht_ref_is_entry / ht_ref_index). */
static inline uint32_t hashtrie_child(const struct hashtrie *t, uint32_t i, unsigned j)
{
	return t->inds[i].children[j & (HT_CHILDREN - 1)];
}
/* The entry after e in its collision chain, 0 at the end. */
static inline uint32_t hashtrie_overflow(const struct hashtrie *t, uint32_t e)
{
	return t->ents[e].overflow;
}
/* The worker holding a Mutex, or -1 when it is unlocked. */
int32_t hashtrie_lock_holder(const struct mv_lock *lk);
/* Indirect i's Mutex (its waiters: lk->mu.sema.q[0 .. n-1]). */
static inline const struct mv_lock *hashtrie_node_lock(const struct hashtrie *t, uint32_t i)
{
	return &t->inds[i].mu;
}
/* Which Mutex a LOCK_* event's n names: 0 = not this trie's, 1 = initMu,
 * 2 = indirect node *node's mu. */
int hashtrie_lock_of(const struct hashtrie *t, int64_t n, uint32_t *node);
/* The hash the trie uses for key (pinned or not; under seed 0 before
 * init). */
uint64_t hashtrie_hash(const struct hashtrie *t, int64_t key);
/* Entries reachable from the root (Go keeps no count: display only). */
uint64_t hashtrie_count(const struct hashtrie *t);
/* Key order by value (int keys) or bytes (strings): <0, 0, >0. */
int hashtrie_key_cmp(const struct hashtrie *t, int64_t a, int64_t b);

/* Bytes (HT8): what Go holds for what is reachable from the root, and
 * what the model holds. */
struct ht_memory {
	uint32_t indirects;   /* reachable indirect nodes */
	uint32_t entries;     /* reachable entry nodes */
	uint64_t header;      /* HashTrieMap: 48 (inside the sync.Map) */
	uint64_t indirect;    /* 152 per reachable indirect node */
	uint64_t entry;       /* 48 per reachable entry */
	uint64_t boxes;       /* keys and values boxed into any: 8 per int
				 outside 0..255, 16 per non-empty string
				 header (HT8.1; the string bytes are the
				 caller's) */
	uint64_t total;       /* the sum of the above */
	uint64_t total_class; /* the same rounded to Go's size classes
				 (indirect 160) */
	uint32_t garbage;     /* unreachable nodes not yet swept (Go's GC
				 would free them) */
	uint64_t model;       /* what this model holds in memory (a copy's cost) */
};
void hashtrie_memory(const struct hashtrie *t, struct ht_memory *mem);

#endif
