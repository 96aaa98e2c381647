/*
 * syncmap: Go 1.19's sync.Map (sync/map.go) as resumable step machines.
 * Rule numbers (S7.3) refer to go-map-semantics.md, section S.
 *
 * The model is built from the other engine modules, so every part of it
 * is as honest as they are: read.m and dirty are real struct gomaps (key ->
 * entry id, M*), and mu is a struct mv_lock of kind MV_LOCK_MUTEX whose
 * Lock and Unlock are the multi-step machines of locks.h — a worker
 * contending for a sync.Map's internal mutex parks and is woken exactly as
 * on any other Mutex.
 *
 * Entries (S2) live in one array and are named by index: an entry id is
 * the model's *entry, shared by read.m and dirty as Go shares the pointer.
 * entry.p is (p, value, box): VALUE with the boxed value, NIL, or EXPUNGED;
 * box numbers every value Go would box, so a compare-and-swap of p
 * compares pointers, not values, as Go's does (a Store of an equal value
 * still changes p).
 *
 * Maps are named by index too (struct sm_map) and reference counted: the
 * read.m published in m.read holds one reference, dirty one, and every
 * operation that has loaded m.read holds one on the read.m it loaded —
 * Go's GC keeps that map alive for it (A2).  Promotion (S6, S11) moves the
 * dirty map into read and drops read's reference on the old read.m, which
 * is freed when no operation (a Range still iterating it, a Load between
 * its atomic load and its lookup) refers to it any more.  A map installed
 * as read.m is never written again (S3).  Everything is plain data held by
 * index: syncmap_copy makes an independent checkpoint, and an in-flight
 * struct sm_op copied with it stays valid for the copy.
 *
 * Operations (struct sm_op) follow map.go line by line; each sm_step runs
 * one atomic action of it — the atomic load of m.read, one built-in map
 * operation on read.m or dirty, one load / CAS / store of an entry's p, one
 * phase of mu.Lock or mu.Unlock — so a scheduler can interleave workers
 * exactly where goroutines could interleave.
 *
 * Blocking: a step of the "lock" phase may return SM_BLOCKED — the worker
 * is queued on mu's semaphore and must not be scheduled until a later
 * step (of whichever worker unlocks mu) lists it in woken[], exactly as
 * with mv_lock_step (locks.h); stepping it while still queued changes
 * nothing and returns SM_BLOCKED again.  op->lk.yield after an "unlock"
 * step says Go's unlocker handed mu over in starvation mode and yields to
 * woken[0].
 */
#ifndef MV_SYNCMAP_H
#define MV_SYNCMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/core/event.h"
#include "engine/classic/gomap.h"
#include "engine/locks/locks.h"
#include "engine/core/rng.h"
#include "engine/core/spec.h"
#include "engine/core/strpool.h"

/* No map (a nil map[any]*entry), no entry. */
#define SM_NIL UINT32_MAX

/* S2: what entry.p points at. */
enum sm_p { SM_P_VALUE, SM_P_NIL, SM_P_EXPUNGED };

struct sm_entry {
	int64_t key;     /* the key this entry was made for (display only) */
	enum sm_p p;
	int64_t value;   /* SM_P_VALUE: *p */
	uint64_t box;    /* SM_P_VALUE: which boxed value p points at */
	bool live;       /* the model: false = on the free list */
};

/* One built-in map of the model: read.m, dirty, or a retired read.m still
 * referenced by an operation. */
struct sm_map {
	struct gomap m;  /* key -> entry id */
	uint32_t refs;   /* 0: a free slot */
};

struct syncmap {
	/* Go's Map (S1) */
	struct mv_lock mu;      /* kind MV_LOCK_MUTEX; set mu.index for events */
	uint32_t read_m;        /* read.m: a map id, SM_NIL while m.read is unset */
	bool amended;           /* read.amended */
	uint32_t dirty;         /* a map id, or SM_NIL */
	int64_t misses;
	/* the model */
	enum mv_keykind keykind;
	const struct mv_strpool *strs;
	struct sm_entry *entries;
	uint32_t nentries, entries_cap;
	uint32_t free_entry;    /* head of the free list (linked through value) */
	uint32_t in_use;        /* entries allocated and not swept */
	uint32_t sweep_at;      /* sweep unreachable entries when in_use reaches it */
	struct sm_map *maps;
	uint32_t nmaps, maps_cap;
	struct mv_rng rng;      /* seeds of the maps it makes (their hash0, M3.2) */
	uint64_t next_box;
	uint32_t active;        /* operations in flight (no sweep then) */
	/* counters (display) */
	uint64_t promotions, total_misses, dirty_inits, expunges;
};

enum sm_opkind { SM_OP_LOAD, SM_OP_STORE, SM_OP_LOAD_OR_STORE, SM_OP_LOAD_AND_DELETE, SM_OP_DELETE, SM_OP_RANGE };

/* The phases, in map.go's order; the string is the name people see. */
#define SM_PHASE_MAP(X)                                                     \
	X(LOAD_READ, "load_read")           /* read, _ := m.read.Load() */ \
	X(LOOKUP_READ, "lookup_read")       /* e, ok := read.m[key] */     \
	X(LOCK, "lock")                     /* m.mu.Lock(): mv_lock_op */  \
	X(RELOAD_READ, "reload_read")       /* under mu: m.read.Load() */  \
	X(RELOOKUP_READ, "relookup_read")   /* under mu: read.m[key] */    \
	X(LOAD_DIRTY, "load_dirty")         /* e, ok = m.dirty[key] */     \
	X(DELETE_DIRTY, "delete_dirty")     /* S10.1 delete(m.dirty, key) */\
	X(MISS_LOCKED, "miss_locked")       /* S6 misses++, compare */     \
	X(PROMOTE, "promote")               /* S6 dirty -> read */         \
	X(UNEXPUNGE, "unexpunge")           /* S7.3 CAS expunged -> nil */ \
	X(READD_DIRTY, "readd_dirty")       /* S7.3 m.dirty[key] = e */    \
	X(STORE_LOCKED, "store_locked")     /* S7.3-4 e.p = &v */          \
	X(DIRTY_LOCKED, "dirty_locked")     /* S8 dirty == nil? make */    \
	X(DIRTY_NEXT, "dirty_next")         /* S8 range read.m: next */    \
	X(EXPUNGE_LOAD, "expunge_load")     /* S8 tryExpungeLocked: load */\
	X(TRY_EXPUNGE, "try_expunge")       /* S8 CAS nil -> expunged */   \
	X(DIRTY_COPY, "dirty_copy")         /* S8 m.dirty[k] = e */        \
	X(PUBLISH_AMENDED, "publish_amended") /* S7.5 m.read.Store(amended) */\
	X(STORE_DIRTY, "store_dirty")       /* S7.5 m.dirty[key] = newEntry */\
	X(ENTRY_LOAD, "entry_load")         /* S4 atomic load of e.p */    \
	X(TRY_STORE, "try_store")           /* S7.1 CAS p -> &v */         \
	X(TRY_LOAD_OR_STORE, "try_load_or_store") /* S9 CAS nil -> &v */   \
	X(TRY_DELETE, "try_delete")         /* S10.2 CAS p -> nil */       \
	X(UNLOCK, "unlock")                 /* m.mu.Unlock(): mv_lock_op */\
	X(RANGE_PROMOTE, "range_promote")   /* S11.1 */                    \
	X(RANGE_NEXT, "range_next")         /* S11.2 mapiternext(read.m) */\
	X(DONE, "done")

enum sm_phase {
#define SM_PHASE_ENUM(name, str) SM_PH_##name,
	SM_PHASE_MAP(SM_PHASE_ENUM)
#undef SM_PHASE_ENUM
	SM_PH__COUNT
};

/* One in-flight operation.  Plain data: copy it with the syncmap. */
struct sm_op {
	enum sm_opkind kind;
	enum sm_phase phase;     /* the next phase to run */
	enum sm_phase last;      /* the phase run by the latest step */
	int64_t key, value;      /* the arguments */
	/* Go's locals */
	uint32_t read_m;         /* read.m of the read it loaded (a reference), or SM_NIL */
	bool amended;            /* read.amended of it */
	uint32_t e;              /* e: the entry found, SM_NIL = none */
	bool ok;                 /* e, ok := ... */
	bool locked;             /* between m.mu.Lock and m.mu.Unlock */
	bool from_dirty;         /* LoadOrStore: e came from dirty (missLocked follows) */
	enum sm_p p;             /* e.p as the latest load saw it */
	int64_t pv;
	uint64_t pbox;
	struct mv_lock_op lk;    /* the Lock or Unlock in progress */
	struct gm_op it;         /* Range, dirtyLocked: the iteration of read.m */
	bool iterating;          /* it is in flight on read_m */
	int64_t it_key;          /* ... the pair it produced: k */
	uint32_t it_e;           /* ... and e */
	int32_t pin_start, pin_offset; /* Range: M9.3 draw pinned, or -1 */
	/* results */
	bool found;              /* load: ok; load_or_store, load_and_delete: loaded;
				    range: an entry was produced (SM_YIELD) */
	int64_t result;          /* load: value; load_or_store: actual;
				    load_and_delete: value; range: value */
	int64_t result_key;      /* range: key */
	uint32_t touch;          /* the entry the latest step touched, SM_NIL = none */
	uint32_t steps;          /* steps run so far */
	const char *fatal;       /* static: Go's message when it ended fatally */
};

enum sm_res {
	SM_MORE,    /* the operation has more phases */
	SM_BLOCKED, /* the worker sleeps on mu: not runnable until woken */
	SM_YIELD,   /* Range produced op->result_key, op->result: run the body,
		       then step on */
	SM_DONE,    /* finished; results in the op */
	SM_FATAL,   /* a fatal error: op->fatal holds Go's message */
};

const char *sm_phase_name(enum sm_phase p);
const char *sm_res_name(enum sm_res r);
const char *sm_opkind_name(enum sm_opkind k);

/* The zero Map (S1): read unset, dirty nil, misses 0, mu unlocked.  seed
 * seeds the hash0 of the maps it makes; strs (string keys) must outlive
 * it. */
enum mv_status syncmap_init(struct syncmap *s, enum mv_keykind kind, uint64_t seed,
			    const struct mv_strpool *strs);
void syncmap_done(struct syncmap *s);
/* Make *dst an independent deep copy of *src (dst uninitialized). */
enum mv_status syncmap_copy(struct syncmap *dst, const struct syncmap *src);

void sm_op_load_init(struct sm_op *op, int64_t key);
void sm_op_store_init(struct sm_op *op, int64_t key, int64_t value);
void sm_op_load_or_store_init(struct sm_op *op, int64_t key, int64_t value);
void sm_op_load_and_delete_init(struct sm_op *op, int64_t key);
void sm_op_delete_init(struct sm_op *op, int64_t key);
/* start/offset < 0: drawn from read.m's RNG (M9.3). */
void sm_op_range_init(struct sm_op *op, int32_t start, int32_t offset);

/*
 * Run one step of op by worker self (< MV_LOCK_MAX_WAITERS) at time now
 * (the caller's step counter; see locks.h).  Workers this step made
 * runnable are appended to woken[*nwoken] (at most one per step; woken may
 * be NULL).  Events go to sink when it is on: PROMOTE (n = entries in the
 * new read.m), DIRTY_INIT (n = len(read.m)), EXPUNGE (key), MISS (n =
 * misses after the increment), and mu's LOCK_* events (n = mu.index).
 */
enum sm_res sm_step(struct syncmap *s, struct sm_op *op, uint32_t self, uint64_t now, uint32_t *woken,
		    uint32_t *nwoken, const struct mv_sink *sink);
/* Step op until it blocks, ends or fails, passing over a Range's yields.
 * woken as for mv_lock_run. */
enum sm_res sm_run(struct syncmap *s, struct sm_op *op, uint32_t self, uint64_t now, uint32_t *woken,
		   uint32_t *nwoken, const struct mv_sink *sink);
/* Abandon an operation (the scene ended, or a Range's body broke out):
 * drops its references.  A mutex it holds stays held. */
void sm_op_abandon(struct syncmap *s, struct sm_op *op);

/* Whole operations by worker 0, tracing off (tests, benchmarks).  Only
 * while no stepped operation holds mu: they would block. */
bool syncmap_load(struct syncmap *s, int64_t key, int64_t *value);
void syncmap_store(struct syncmap *s, int64_t key, int64_t value);
bool syncmap_load_or_store(struct syncmap *s, int64_t key, int64_t value, int64_t *actual);
bool syncmap_load_and_delete(struct syncmap *s, int64_t key, int64_t *value);
void syncmap_delete(struct syncmap *s, int64_t key);

/* ---- read-only views for snapshots ---- */

enum sm_which { SM_READ, SM_DIRTY };

/* read.m or dirty as a gomap, NULL when nil. */
const struct gomap *syncmap_map(const struct syncmap *s, enum sm_which w);
/* A map by id (op->read_m), NULL for SM_NIL or a free slot. */
const struct gomap *syncmap_map_by_id(const struct syncmap *s, uint32_t id);
static inline const struct sm_entry *syncmap_entry(const struct syncmap *s, uint32_t id)
{
	return id < s->nentries ? &s->entries[id] : 0;
}
/* len(read.m) or len(dirty): 0 when nil. */
uint32_t syncmap_len(const struct syncmap *s, enum sm_which w);
/* Retired read maps still referenced by operations. */
uint32_t syncmap_retired(const struct syncmap *s);

struct sm_item {
	int64_t key;     /* int key or string pool id */
	uint32_t entry;  /* entry id */
};
/* The entries of read.m or dirty sorted by key (numerically for int keys,
 * bytewise for strings); writes up to cap items, returns how many there
 * are. */
uint32_t syncmap_list(const struct syncmap *s, enum sm_which w, struct sm_item *out, uint32_t cap);
/* Key order used by syncmap_list: <0, 0, >0. */
int syncmap_key_cmp(const struct syncmap *s, int64_t a, int64_t b);

#endif
