/*
 * gosyncmap: a real, thread-safe sync.Map with Go 1.19's algorithm
 * (sync/map.go), for the free-running benchmark (`mapviz bench
 * contention`).  Rule numbers (S7.3) refer to go-map-semantics.md,
 * section S; engine/syncmap.h is the stepped model of the same algorithm.
 *
 * Keys and values are int64.  The built-in maps are gomaps (gomap.h) from
 * key to entry pointer, each with the list of its (key, entry) items so
 * dirtyLocked (S8) can range over a read map without writing to it (Go's
 * map iteration sets flags in the hmap; a published read map is never
 * written again, S3).
 *
 *   read    an atomic pointer to an immutable struct gsm_readonly {m,
 *           amended}; a new one is published (seq_cst store) whenever
 *           either field changes, as Go stores a new readOnly value in its
 *           atomic.Value.  Lookups in read->m run lock-free from any number
 *           of threads: gomap_load only reads.
 *   entry   its p is an atomic pointer: a boxed value, NULL (deleted), or
 *           GSM_EXPUNGED (deleted and absent from a non-nil dirty), S2.
 *           Every Store boxes its value anew, as Go's does, so a CAS of p
 *           compares boxes, not values.
 *   dirty   a gsm_map written only under mu (a golock sync.Mutex), with
 *           misses and promotion (S6), dirtyLocked / tryExpunge (S8).
 *
 * Memory reclamation: quiescent-state-based (QSBR) epochs.  A thread uses
 * the map through its own struct gsm_thread, which announces the global
 * epoch at the end of every operation (one store to the thread's own cache
 * line; a quiescent state: it holds no pointer into the map between
 * operations).  Whatever an operation unlinks — a value box replaced by
 * Store or Delete, a read map and its readOnly replaced by promotion, an
 * entry deleted from dirty or expunged for good — goes to the unlinking
 * thread's limbo list tagged with the epoch, and is reused (boxes) or freed
 * (the rest) once the epoch is two ahead, i.e. once every thread has passed
 * a quiescent state since.  This plays the part of Go's garbage collector:
 * nothing is freed while a reader may hold it, memory stays bounded, and
 * the cost (a store per operation, a list push per retired box, an epoch
 * scan every GSM_SCAN_EVERY retirements) is paid inside the measured loop,
 * as Go pays for its allocations and GC there.  A thread that stops using
 * the map for a while calls gosyncmap_offline so it does not hold the
 * epoch back; its next operation brings it online again.
 *
 * Threads: gosyncmap_init(m, n) makes n handles; handle i must be used by
 * one thread at a time.  Operations never fail (allocation failures go to
 * the mv_x* handler, alloc.h).
 */
#ifndef MV_GOSYNCMAP_H
#define MV_GOSYNCMAP_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/bench/golock.h"
#include "engine/classic/gomap.h"
#include "engine/core/status.h"

struct gsm_entry {
	_Atomic(int64_t *) p; /* S2: box, NULL or GSM_EXPUNGED */
	uint32_t dirty_idx;   /* its item index in dirty (under mu) */
};

struct gsm_item {
	int64_t key;
	struct gsm_entry *e;
};

/* A built-in map[key]*entry. */
struct gsm_map {
	struct gomap m; /* key -> (intptr_t)entry */
	struct gsm_item *items;
	uint32_t n, cap;
};

/* S1 readOnly */
struct gsm_readonly {
	struct gsm_map *m; /* NULL: an empty (nil) map */
	bool amended;
};

struct gsm_limbo {
	uint64_t epoch;
	int64_t **boxes;
	uint32_t nboxes, capboxes;
	struct gsm_garbage *objs;
	uint32_t nobjs, capobjs;
};

struct gsm_chunk;

struct gsm_thread {
	alignas(GOLOCK_LINE) _Atomic uint64_t epoch; /* announced; GSM_OFFLINE */
	/* private to the thread using this handle */
	alignas(GOLOCK_LINE) struct gosyncmap *map;
	int64_t **free;          /* reusable boxes */
	uint32_t nfree, capfree;
	int64_t *bump, *bump_end; /* fresh boxes in the current chunk */
	struct gsm_chunk *chunks;
	struct gsm_limbo limbo[3];
	uint32_t retired; /* since the last epoch scan */
	uint32_t depth;   /* operations in progress (Range nests them) */
};

struct gsm_stats {
	uint64_t misses;     /* missLocked calls */
	uint64_t promotions; /* dirty -> read (S6, S11) */
	uint64_t dirty_copies; /* dirtyLocked copies (S8) */
};

struct gosyncmap {
	alignas(GOLOCK_LINE) _Atomic(struct gsm_readonly *) read; /* NULL = empty */
	alignas(GOLOCK_LINE) _Atomic uint64_t epoch;
	uint32_t nthreads;
	struct gsm_thread *threads;
	void *threads_mem;
	alignas(GOLOCK_LINE) struct go_mutex mu;
	/* under mu */
	struct gsm_map *dirty; /* NULL = nil */
	int64_t misses;
	uint64_t seed, nmaps; /* hash seeds of new maps */
	struct gsm_stats st;
};

#define GSM_OFFLINE UINT64_MAX

/* nthreads >= 1 handles; seed seeds the maps' hash0s. */
enum mv_status gosyncmap_init(struct gosyncmap *m, uint32_t nthreads, uint64_t seed);
/* Frees everything; no thread may be using the map. */
void gosyncmap_done(struct gosyncmap *m);
struct gsm_thread *gosyncmap_thread(struct gosyncmap *m, uint32_t i);
/* The thread holds no pointer into the map until its next operation. */
void gosyncmap_offline(struct gsm_thread *t);

bool gosyncmap_load(struct gsm_thread *t, int64_t key, int64_t *value);          /* S5 */
void gosyncmap_store(struct gsm_thread *t, int64_t key, int64_t value);          /* S7 */
/* S9: true (loaded) with *actual = the present value, or false after
 * storing value (*actual = value). */
bool gosyncmap_load_or_store(struct gsm_thread *t, int64_t key, int64_t value, int64_t *actual);
bool gosyncmap_load_and_delete(struct gsm_thread *t, int64_t key, int64_t *value); /* S10 */
void gosyncmap_delete(struct gsm_thread *t, int64_t key);
/* S11: f(ctx, key, value) for each entry until f returns false.  f may use
 * the map through t (the same thread) or any other handle. */
void gosyncmap_range(struct gsm_thread *t, bool (*f)(void *ctx, int64_t key, int64_t value), void *ctx);

/* Snapshot of mu's counters and the map's (call when no thread is inside
 * an operation, or accept a slightly stale view). */
void gosyncmap_counts(struct gosyncmap *m, struct golock_counts *lock, struct gsm_stats *st);

#endif
