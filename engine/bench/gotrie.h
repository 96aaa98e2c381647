/*
 * gotrie: a real, thread-safe sync.Map with Go 1.24+'s algorithm
 * (internal/sync.HashTrieMap, which sync.Map is in Go 1.26), for the
 * free-running benchmark (`mapviz bench contention --go 1.26`).  Rule
 * numbers (HT4.4) refer to go-swiss-semantics.md, section HT;
 * engine/hashtrie/hashtrie.h is the stepped model of the same algorithm,
 * engine/classic/gosyncmap.h the free-running Go 1.19 sync.Map.
 *
 * Keys and values are int64.  The trie (HT1):
 *
 *   indirect  16 atomic child pointers, the parent (NULL only for the
 *             root), an atomic dead flag and the node's own Mutex (a golock
 *             go_mutex, Go 1.19's algorithm, which internal/sync.Mutex
 *             still runs).  Child index at depth d: (h >> (60 - 4d)) & 15
 *             (HT1.6).
 *   entry     key, value and an atomic overflow link (a chain of entries
 *             whose full 64-bit hashes are equal, HT1.5).  Immutable once
 *             published apart from overflow: every Store of a present key
 *             publishes a new entry (HT4.3, HT8.1).
 *
 * Load is lock-free (HT3.1): atomic loads of child pointers from the root
 * down.  Store (= Swap, HT4), LoadOrStore (HT5) and LoadAndDelete / Delete
 * (HT6) descend the same way, lock the parent of the slot, re-check (dead
 * or no longer a nil/entry slot: unlock and restart from the root), then
 * build new nodes privately and publish them with one atomic store;
 * expand (HT4.4) builds the column of indirect nodes and publishes it
 * last; delete prunes empty indirect nodes upward, child lock then parent
 * lock (HT6.2), never collapsing a node with one entry left (HT6.3).
 *
 * Hash (HT2.2): Go hashes an int64 in an `any` with memhash64 under the
 * map's random seed; here mv_hash_int (engine/core/hash.h) under the low 32
 * bits of the seed given to gotrie_init, a bijection, then AND hash_mask.
 * hash_mask is all ones unless a test narrows it to force full-hash
 * collision chains and deep columns.  Init is eager (the root exists after
 * gotrie_init), which Go's lazy init (HT2.1) cannot tell apart here.
 *
 * Memory reclamation: the quiescent-state-based epochs of gosyncmap.h.  A
 * thread uses the trie through its struct gt_thread, announces the global
 * epoch at the end of every operation (it holds no pointer into the trie
 * between operations), and retires what it unlinks — a replaced or deleted
 * entry, a pruned indirect node — tagged with the epoch; entries are reused
 * and indirect nodes freed once the epoch is two ahead.  This stands in
 * for Go's garbage collector and is paid inside the measured loop.
 *
 * Threads: gotrie_init(m, n, ...) makes n handles; handle i is used by one
 * thread at a time.  Operations never fail (allocation failures go to the
 * mv_x* handler, alloc.h).  Nothing here prints.
 */
#ifndef MV_GOTRIE_H
#define MV_GOTRIE_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/bench/golock.h"
#include "engine/core/status.h"

enum { GT_CHILDREN_LOG2 = 4, GT_CHILDREN = 16 }; /* HT1.6 */

/* HT1.3: the header both node kinds start with. */
struct gt_node {
	bool is_entry;
};

/* HT1.5 */
struct gt_entry {
	struct gt_node n;
	_Atomic(struct gt_entry *) overflow;
	int64_t key, value;
};

/* HT1.4 */
struct gt_indirect {
	struct gt_node n;
	_Atomic bool dead;
	struct gt_indirect *parent;
	struct go_mutex mu;
	_Atomic(struct gt_node *) children[GT_CHILDREN];
};

struct gt_limbo {
	uint64_t epoch;
	struct gt_entry **entries;
	uint32_t nentries, capentries;
	struct gt_indirect **nodes;
	uint32_t nnodes, capnodes;
};

struct gt_chunk;

struct gt_thread {
	alignas(GOLOCK_LINE) _Atomic uint64_t epoch; /* announced; GT_OFFLINE */
	/* private to the thread using this handle */
	alignas(GOLOCK_LINE) struct gotrie *map;
	struct gt_entry **free; /* reusable entries */
	uint32_t nfree, capfree;
	struct gt_entry *bump, *bump_end; /* fresh entries in the current chunk */
	struct gt_chunk *chunks;
	struct gt_limbo limbo[3];
	uint32_t retired; /* since the last epoch scan */
	uint32_t depth;   /* operations in progress (Range nests them) */
	struct golock_counts freed; /* lock counters of indirect nodes freed */
	uint64_t restarts;          /* lock, re-check failed, start over */
	uint64_t pruned;            /* indirect nodes pruned (HT6.2) */
	uint64_t expanded;          /* indirect nodes made by expand (HT4.4) */
};

struct gotrie {
	alignas(GOLOCK_LINE) _Atomic(struct gt_indirect *) root;
	uint64_t hash_mask; /* all ones but in tests */
	uint32_t seed;
	alignas(GOLOCK_LINE) _Atomic uint64_t epoch;
	uint32_t nthreads;
	struct gt_thread *threads;
	void *threads_mem;
};

/* Counters summed over the handles (see gotrie_counts). */
struct gt_stats {
	uint64_t restarts, pruned, expanded;
	uint64_t indirects; /* indirect nodes in the trie now, the root too */
	uint64_t max_depth; /* deepest indirect node now (root = 0) */
};

#define GT_OFFLINE UINT64_MAX

/* nthreads >= 1 handles; seed is the hash seed (HT2.1 draws it at random;
 * here the caller does). */
enum mv_status gotrie_init(struct gotrie *m, uint32_t nthreads, uint64_t seed);
/* Frees everything; no thread may be using the trie. */
void gotrie_done(struct gotrie *m);
struct gt_thread *gotrie_thread(struct gotrie *m, uint32_t i);
/* The thread holds no pointer into the trie until its next operation. */
void gotrie_offline(struct gt_thread *t);

/* The hash the trie uses for key (HT2.2, with hash_mask). */
uint64_t gotrie_hash(const struct gotrie *m, int64_t key);

bool gotrie_load(struct gt_thread *t, int64_t key, int64_t *value); /* HT3 */
/* HT4: true (loaded) with *previous = the replaced value. */
bool gotrie_swap(struct gt_thread *t, int64_t key, int64_t value, int64_t *previous);
void gotrie_store(struct gt_thread *t, int64_t key, int64_t value);
/* HT5: true (loaded) with *actual = the present value, or false after
 * storing value (*actual = value). */
bool gotrie_load_or_store(struct gt_thread *t, int64_t key, int64_t value, int64_t *actual);
bool gotrie_load_and_delete(struct gt_thread *t, int64_t key, int64_t *value); /* HT6.2 */
void gotrie_delete(struct gt_thread *t, int64_t key);
/* HT7.1: f(ctx, key, value) for each entry, depth first from the root,
 * until f returns false.  f may use the trie through t or any handle. */
void gotrie_range(struct gt_thread *t, bool (*f)(void *ctx, int64_t key, int64_t value), void *ctx);

/* The lock counters of every indirect node the trie has had (those in it
 * now and those freed) and the handles' counters.  Call when no thread is
 * inside an operation. */
void gotrie_counts(struct gotrie *m, struct golock_counts *lock, struct gt_stats *st);

#endif
