/*
 * gotrie: Go 1.24+'s sync.Map (internal/sync.HashTrieMap) on real threads.
 * See gotrie.h for the design and the memory reclamation scheme.
 *
 * Ordering.  Everything Go does with an atomic (root, the child pointers,
 * overflow, dead) is a seq_cst atomic here, as are the epoch loads that tag
 * and free retired memory: reclamation needs "an object unlinked before the
 * epoch moved on is invisible to every operation that starts after a thread
 * saw the new epoch", which the single total order of seq_cst operations
 * gives (gosyncmap.c argues the same).  A node's fields other than those
 * are written only before it is published (the publishing store releases
 * them) or, for an indirect node's parent, never after.  On x86-64 the
 * seq_cst loads are plain loads; the stores are exchanges, paid only by
 * writers, which hold a node's lock anyway.
 */
#include "engine/bench/gotrie.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"
#include "engine/core/hash.h"

#define SC memory_order_seq_cst
#define GT_SCAN_EVERY 64 /* retirements between epoch scans */
#define GT_CHUNK_ENTRIES 2048
#define GT_HASH_BITS 64

struct gt_chunk {
	struct gt_chunk *next;
	struct gt_entry entries[GT_CHUNK_ENTRIES];
};

static inline struct gt_entry *as_entry(struct gt_node *n)
{
	return (struct gt_entry *)n;
}

static inline struct gt_indirect *as_indirect(struct gt_node *n)
{
	return (struct gt_indirect *)n;
}

static inline unsigned child_index(uint64_t h, unsigned shift)
{
	return (unsigned)(h >> shift) & (GT_CHILDREN - 1);
}

/* The code is Go's; a broken hash could make it run out of bits, which Go
 * answers with a panic ("ran out of hash bits"): unreachable with a hash
 * that is a function of the key. */
static void out_of_bits(void)
{
	abort();
}

uint64_t gotrie_hash(const struct gotrie *m, int64_t key)
{
	return mv_hash_int(key, m->seed) & m->hash_mask;
}

/* ------------------------------------------------------------------ */
/* epochs, entries and retired memory (as in gosyncmap.c)              */

static void push_ptr(void ***arr, uint32_t *n, uint32_t *cap, void *p)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*arr = mv_xrealloc(*arr, *cap * sizeof **arr);
	}
	(*arr)[(*n)++] = p;
}

static void add_counts(struct golock_counts *sum, const struct golock_counts *c)
{
	sum->waits += c->waits;
	sum->sleeps += c->sleeps;
	sum->handoffs += c->handoffs;
	sum->starving += c->starving;
}

static void indirect_free(struct gt_thread *t, struct gt_indirect *i)
{
	struct golock_counts c;
	go_mutex_counts(&i->mu, &c);
	add_counts(&t->freed, &c);
	free(i);
}

/* Everything in the slot is unreachable by now. */
static void limbo_flush(struct gt_thread *t, struct gt_limbo *l)
{
	for (uint32_t k = 0; k < l->nentries; k++)
		push_ptr((void ***)&t->free, &t->nfree, &t->capfree, l->entries[k]);
	l->nentries = 0;
	for (uint32_t k = 0; k < l->nnodes; k++)
		indirect_free(t, l->nodes[k]);
	l->nnodes = 0;
}

/* Move the global epoch on if every online thread has announced it. */
static void try_advance(struct gotrie *m)
{
	uint64_t e = atomic_load_explicit(&m->epoch, SC);
	for (uint32_t k = 0; k < m->nthreads; k++) {
		uint64_t x = atomic_load_explicit(&m->threads[k].epoch, SC);
		if (x != GT_OFFLINE && x != e)
			return;
	}
	atomic_compare_exchange_strong_explicit(&m->epoch, &e, e + 1, SC, SC);
}

static void reclaim(struct gt_thread *t)
{
	try_advance(t->map);
	uint64_t e = atomic_load_explicit(&t->map->epoch, SC);
	for (int k = 0; k < 3; k++)
		if (t->limbo[k].epoch + 2 <= e)
			limbo_flush(t, &t->limbo[k]);
}

/* The slot for objects unlinked now; tag read after the unlink (SC). */
static struct gt_limbo *limbo_now(struct gt_thread *t)
{
	uint64_t e = atomic_load_explicit(&t->map->epoch, SC);
	struct gt_limbo *l = &t->limbo[e % 3];
	if (l->epoch != e) {
		/* it holds objects of epoch e - 3 or older */
		limbo_flush(t, l);
		l->epoch = e;
	}
	return l;
}

static void after_retire(struct gt_thread *t)
{
	if (++t->retired >= GT_SCAN_EVERY) {
		t->retired = 0;
		reclaim(t);
	}
}

static void retire_entry(struct gt_thread *t, struct gt_entry *e)
{
	struct gt_limbo *l = limbo_now(t);
	push_ptr((void ***)&l->entries, &l->nentries, &l->capentries, e);
	after_retire(t);
}

static void retire_indirect(struct gt_thread *t, struct gt_indirect *i)
{
	struct gt_limbo *l = limbo_now(t);
	push_ptr((void ***)&l->nodes, &l->nnodes, &l->capnodes, i);
	after_retire(t);
}

/* newEntryNode: private until published by a store of a child or an
 * overflow pointer. */
static struct gt_entry *entry_new(struct gt_thread *t, int64_t key, int64_t value)
{
	struct gt_entry *e;
	if (t->nfree) {
		e = t->free[--t->nfree];
	} else {
		if (t->bump == t->bump_end) {
			struct gt_chunk *c = mv_xmalloc(sizeof *c);
			c->next = t->chunks;
			t->chunks = c;
			t->bump = c->entries;
			t->bump_end = c->entries + GT_CHUNK_ENTRIES;
		}
		e = t->bump++;
	}
	e->n.is_entry = true;
	atomic_store_explicit(&e->overflow, NULL, memory_order_relaxed);
	e->key = key;
	e->value = value;
	return e;
}

/* newIndirectNode */
static struct gt_indirect *indirect_new(struct gt_indirect *parent)
{
	struct gt_indirect *i = mv_xmalloc(sizeof *i);
	i->n.is_entry = false;
	atomic_init(&i->dead, false);
	i->parent = parent;
	go_mutex_init(&i->mu);
	for (int k = 0; k < GT_CHILDREN; k++)
		atomic_init(&i->children[k], NULL);
	return i;
}

static void go_online(struct gt_thread *t)
{
	for (;;) {
		uint64_t e = atomic_load_explicit(&t->map->epoch, SC);
		atomic_store_explicit(&t->epoch, e, SC);
		if (atomic_load_explicit(&t->map->epoch, SC) == e)
			return;
	}
}

/* Start of an operation (operations nest inside a Range's callback). */
static inline void op_begin(struct gt_thread *t)
{
	if (t->depth++ == 0 &&
	    __builtin_expect(atomic_load_explicit(&t->epoch, memory_order_relaxed) == GT_OFFLINE, 0))
		go_online(t);
}

/* End of an operation: the outermost one ends in a quiescent state. */
static inline void op_end(struct gt_thread *t)
{
	if (--t->depth == 0)
		atomic_store_explicit(&t->epoch, atomic_load_explicit(&t->map->epoch, SC),
				      memory_order_release);
}

void gotrie_offline(struct gt_thread *t)
{
	atomic_store_explicit(&t->epoch, GT_OFFLINE, memory_order_release);
}

/* ------------------------------------------------------------------ */
/* entry chains (HT1.5)                                                */

static inline struct gt_node *load_child(struct gt_indirect *i, unsigned idx)
{
	return atomic_load_explicit(&i->children[idx], SC);
}

static inline struct gt_entry *load_overflow(struct gt_entry *e)
{
	return atomic_load_explicit(&e->overflow, SC);
}

/* entry.lookup */
static inline struct gt_entry *chain_lookup(struct gt_entry *head, int64_t key)
{
	for (struct gt_entry *e = head; e; e = load_overflow(e))
		if (e->key == key)
			return e;
	return NULL;
}

/* entry.swap (HT4.3), under the parent's lock: the chain's new head, or
 * NULL if key is not in it.  *old is the replaced entry. */
static struct gt_entry *chain_swap(struct gt_thread *t, struct gt_entry *head, int64_t key,
				   int64_t value, struct gt_entry **old)
{
	if (head->key == key) {
		struct gt_entry *e = entry_new(t, key, value);
		atomic_store_explicit(&e->overflow, load_overflow(head), memory_order_relaxed);
		*old = head;
		return e;
	}
	_Atomic(struct gt_entry *) *link = &head->overflow;
	for (struct gt_entry *e = atomic_load_explicit(link, SC); e; e = load_overflow(e)) {
		if (e->key == key) {
			struct gt_entry *fresh = entry_new(t, key, value);
			atomic_store_explicit(&fresh->overflow, load_overflow(e), memory_order_relaxed);
			atomic_store_explicit(link, fresh, SC);
			*old = e;
			return head;
		}
		link = &e->overflow;
	}
	return NULL;
}

/* entry.loadAndDelete (HT6.2), under the parent's lock: false if key is not
 * in the chain; else *removed is the unlinked entry and *rest the chain's
 * new head (NULL: the chain is gone). */
static bool chain_delete(struct gt_entry *head, int64_t key, struct gt_entry **removed,
			 struct gt_entry **rest)
{
	if (head->key == key) {
		*removed = head;
		*rest = load_overflow(head);
		return true;
	}
	_Atomic(struct gt_entry *) *link = &head->overflow;
	for (struct gt_entry *e = atomic_load_explicit(link, SC); e; e = load_overflow(e)) {
		if (e->key == key) {
			atomic_store_explicit(link, load_overflow(e), SC);
			*removed = e;
			*rest = head;
			return true;
		}
		link = &e->overflow;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* the trie                                                            */

/* HT3.1 */
bool gotrie_load(struct gt_thread *t, int64_t key, int64_t *value)
{
	struct gotrie *m = t->map;
	op_begin(t);
	uint64_t h = gotrie_hash(m, key);
	struct gt_indirect *i = atomic_load_explicit(&m->root, SC);
	bool ok = false;
	for (unsigned shift = GT_HASH_BITS; shift != 0;) {
		shift -= GT_CHILDREN_LOG2;
		struct gt_node *n = load_child(i, child_index(h, shift));
		if (!n)
			goto out;
		if (n->is_entry) {
			struct gt_entry *e = chain_lookup(as_entry(n), key);
			if (e) {
				ok = true;
				if (value)
					*value = e->value;
			}
			goto out;
		}
		i = as_indirect(n);
	}
	out_of_bits();
out:
	op_end(t);
	return ok;
}

/* The descent of Swap and LoadOrStore (HT4.2, HT5.1): lock the parent of
 * the first nil or entry slot on the way to h and return with its lock
 * held, the slot's content in *np.  With lookup, a chain holding key found
 * on the way is returned in *found instead, no lock taken, NULL back. */
static struct gt_indirect *insert_point(struct gt_thread *t, uint64_t h, int64_t key, bool lookup,
					 struct gt_entry **found, unsigned *shiftp, struct gt_node **np)
{
	struct gotrie *m = t->map;
	for (;;) {
		struct gt_indirect *i = atomic_load_explicit(&m->root, SC);
		unsigned shift = GT_HASH_BITS, idx;
		struct gt_node *n;
		for (;;) {
			if (shift == 0)
				out_of_bits();
			shift -= GT_CHILDREN_LOG2;
			idx = child_index(h, shift);
			n = load_child(i, idx);
			if (!n)
				break;
			if (n->is_entry) {
				struct gt_entry *e;
				if (lookup && (e = chain_lookup(as_entry(n), key))) {
					*found = e;
					return NULL;
				}
				break;
			}
			i = as_indirect(n);
		}
		go_mutex_lock(&i->mu);
		n = load_child(i, idx);
		if ((!n || n->is_entry) && !atomic_load_explicit(&i->dead, SC)) {
			*shiftp = shift;
			*np = n;
			return i;
		}
		go_mutex_unlock(&i->mu);
		t->restarts++;
	}
}

/* HT4.4 expand: the node to publish in place of old's slot. */
static struct gt_node *expand(struct gt_thread *t, struct gt_entry *old, struct gt_entry *fresh,
			      uint64_t new_hash, unsigned shift, struct gt_indirect *parent)
{
	uint64_t old_hash = gotrie_hash(t->map, old->key);
	if (old_hash == new_hash) {
		atomic_store_explicit(&fresh->overflow, old, memory_order_relaxed);
		return &fresh->n;
	}
	struct gt_indirect *top = indirect_new(parent), *cur = top;
	t->expanded++;
	for (;;) {
		if (shift == 0)
			out_of_bits();
		shift -= GT_CHILDREN_LOG2;
		unsigned oi = child_index(old_hash, shift), ni = child_index(new_hash, shift);
		if (oi != ni) {
			atomic_store_explicit(&cur->children[oi], &old->n, memory_order_relaxed);
			atomic_store_explicit(&cur->children[ni], &fresh->n, memory_order_relaxed);
			break;
		}
		struct gt_indirect *next = indirect_new(cur);
		t->expanded++;
		atomic_store_explicit(&cur->children[oi], &next->n, memory_order_relaxed);
		cur = next;
	}
	return &top->n;
}

/* HT4.3 / HT5.1 with i's lock held: put a new entry {key, value} at slot
 * idx, which holds n (nil or a chain without key). */
static void insert_locked(struct gt_thread *t, struct gt_indirect *i, unsigned shift, struct gt_node *n,
			  uint64_t h, int64_t key, int64_t value)
{
	struct gt_entry *fresh = entry_new(t, key, value);
	unsigned idx = child_index(h, shift);
	if (!n)
		atomic_store_explicit(&i->children[idx], &fresh->n, SC);
	else /* publish last (HT4.4.3) */
		atomic_store_explicit(&i->children[idx], expand(t, as_entry(n), fresh, h, shift, i), SC);
}

/* HT4 */
bool gotrie_swap(struct gt_thread *t, int64_t key, int64_t value, int64_t *previous)
{
	struct gotrie *m = t->map;
	op_begin(t);
	uint64_t h = gotrie_hash(m, key);
	unsigned shift;
	struct gt_node *n;
	struct gt_indirect *i = insert_point(t, h, key, false, NULL, &shift, &n);
	bool loaded = false;
	if (n) {
		struct gt_entry *old = NULL;
		struct gt_entry *head = chain_swap(t, as_entry(n), key, value, &old);
		if (head) {
			atomic_store_explicit(&i->children[child_index(h, shift)], &head->n, SC);
			if (previous)
				*previous = old->value;
			retire_entry(t, old);
			loaded = true;
		}
	}
	if (!loaded)
		insert_locked(t, i, shift, n, h, key, value);
	go_mutex_unlock(&i->mu);
	op_end(t);
	return loaded;
}

void gotrie_store(struct gt_thread *t, int64_t key, int64_t value)
{
	gotrie_swap(t, key, value, NULL);
}

/* HT5 */
bool gotrie_load_or_store(struct gt_thread *t, int64_t key, int64_t value, int64_t *actual)
{
	struct gotrie *m = t->map;
	op_begin(t);
	uint64_t h = gotrie_hash(m, key);
	unsigned shift;
	struct gt_node *n;
	struct gt_entry *e = NULL;
	struct gt_indirect *i = insert_point(t, h, key, true, &e, &shift, &n);
	if (i) {
		if (n)
			e = chain_lookup(as_entry(n), key);
		if (!e)
			insert_locked(t, i, shift, n, h, key, value);
		go_mutex_unlock(&i->mu);
	}
	bool loaded = e != NULL;
	if (actual)
		*actual = loaded ? e->value : value;
	op_end(t);
	return loaded;
}

/* HT6.1 find (valEqual nil): the parent of key's chain, locked, with the
 * slot re-loaded under the lock in *np (possibly nil now); NULL if key is
 * not in the trie (no lock held). */
static struct gt_indirect *find_locked(struct gt_thread *t, uint64_t h, int64_t key, unsigned *shiftp,
				       struct gt_node **np)
{
	struct gotrie *m = t->map;
	for (;;) {
		struct gt_indirect *i = atomic_load_explicit(&m->root, SC);
		unsigned shift = GT_HASH_BITS, idx;
		struct gt_node *n;
		for (;;) {
			if (shift == 0)
				out_of_bits();
			shift -= GT_CHILDREN_LOG2;
			idx = child_index(h, shift);
			n = load_child(i, idx);
			if (!n)
				return NULL;
			if (n->is_entry) {
				if (!chain_lookup(as_entry(n), key))
					return NULL;
				break;
			}
			i = as_indirect(n);
		}
		go_mutex_lock(&i->mu);
		n = load_child(i, idx);
		if (!atomic_load_explicit(&i->dead, SC) && (!n || n->is_entry)) {
			*shiftp = shift;
			*np = n;
			return i;
		}
		go_mutex_unlock(&i->mu);
		t->restarts++;
	}
}

static bool indirect_empty(struct gt_indirect *i)
{
	for (int k = 0; k < GT_CHILDREN; k++)
		if (load_child(i, (unsigned)k))
			return false;
	return true;
}

/* HT6.2 */
bool gotrie_load_and_delete(struct gt_thread *t, int64_t key, int64_t *value)
{
	struct gotrie *m = t->map;
	op_begin(t);
	uint64_t h = gotrie_hash(m, key);
	unsigned shift;
	struct gt_node *n;
	bool loaded = false;
	struct gt_indirect *i = find_locked(t, h, key, &shift, &n);
	struct gt_entry *removed, *rest;
	if (!i)
		goto out;
	if (!n || !chain_delete(as_entry(n), key, &removed, &rest)) {
		go_mutex_unlock(&i->mu);
		goto out;
	}
	loaded = true;
	if (value)
		*value = removed->value;
	if (rest != as_entry(n)) /* Go stores an unchanged head back too */
		atomic_store_explicit(&i->children[child_index(h, shift)], rest ? &rest->n : NULL, SC);
	retire_entry(t, removed);
	if (!rest) {
		/* prune empty indirect nodes upward, child lock then parent's */
		while (i->parent && indirect_empty(i)) {
			if (shift == GT_HASH_BITS)
				out_of_bits();
			shift += GT_CHILDREN_LOG2;
			struct gt_indirect *parent = i->parent;
			go_mutex_lock(&parent->mu);
			atomic_store_explicit(&i->dead, true, SC);
			atomic_store_explicit(&parent->children[child_index(h, shift)], NULL, SC);
			go_mutex_unlock(&i->mu);
			retire_indirect(t, i);
			t->pruned++;
			i = parent;
		}
	}
	go_mutex_unlock(&i->mu);
out:
	op_end(t);
	return loaded;
}

void gotrie_delete(struct gt_thread *t, int64_t key)
{
	gotrie_load_and_delete(t, key, NULL);
}

/* HT7.1: depth first, children 0..15, chains head to tail. */
static bool range_node(struct gt_indirect *i, bool (*f)(void *, int64_t, int64_t), void *ctx)
{
	for (unsigned k = 0; k < GT_CHILDREN; k++) {
		struct gt_node *n = load_child(i, k);
		if (!n)
			continue;
		if (!n->is_entry) {
			if (!range_node(as_indirect(n), f, ctx))
				return false;
			continue;
		}
		for (struct gt_entry *e = as_entry(n); e; e = load_overflow(e))
			if (!f(ctx, e->key, e->value))
				return false;
	}
	return true;
}

void gotrie_range(struct gt_thread *t, bool (*f)(void *ctx, int64_t key, int64_t value), void *ctx)
{
	op_begin(t);
	/* the nodes we hold stay ours until op_end: operations f makes
	 * through t nest in this one and announce no quiescent state */
	range_node(atomic_load_explicit(&t->map->root, SC), f, ctx);
	op_end(t);
}

/* ------------------------------------------------------------------ */
/* setup and teardown                                                  */

enum mv_status gotrie_init(struct gotrie *m, uint32_t nthreads, uint64_t seed)
{
	if (nthreads == 0)
		return MV_EINVAL;
	memset(m, 0, sizeof *m);
	atomic_init(&m->root, indirect_new(NULL));
	m->hash_mask = ~(uint64_t)0;
	m->seed = (uint32_t)seed;
	atomic_init(&m->epoch, 2);
	m->nthreads = nthreads;
	/* handles on their own cache lines */
	size_t sz = (size_t)nthreads * sizeof(struct gt_thread) + GOLOCK_LINE;
	m->threads_mem = mv_xcalloc(1, sz);
	uintptr_t a = ((uintptr_t)m->threads_mem + GOLOCK_LINE - 1) & ~(uintptr_t)(GOLOCK_LINE - 1);
	m->threads = (struct gt_thread *)a;
	for (uint32_t k = 0; k < nthreads; k++) {
		struct gt_thread *t = &m->threads[k];
		atomic_init(&t->epoch, GT_OFFLINE);
		t->map = m;
	}
	return MV_OK;
}

struct gt_thread *gotrie_thread(struct gotrie *m, uint32_t i)
{
	return i < m->nthreads ? &m->threads[i] : NULL;
}

/* Walks the trie under node i: counts (if c), then frees (if free_it). */
static void tree_walk(struct gt_indirect *i, uint64_t depth, struct golock_counts *c, struct gt_stats *st,
		      bool free_it)
{
	for (unsigned k = 0; k < GT_CHILDREN; k++) {
		struct gt_node *n = atomic_load_explicit(&i->children[k], memory_order_acquire);
		if (n && !n->is_entry)
			tree_walk(as_indirect(n), depth + 1, c, st, free_it);
	}
	if (c) {
		struct golock_counts lc;
		go_mutex_counts(&i->mu, &lc);
		add_counts(c, &lc);
	}
	if (st) {
		st->indirects++;
		if (depth > st->max_depth)
			st->max_depth = depth;
	}
	if (free_it)
		free(i);
}

void gotrie_done(struct gotrie *m)
{
	/* entries live in the handles' chunks; indirect nodes are malloc'd */
	struct gt_indirect *root = atomic_load_explicit(&m->root, memory_order_acquire);
	if (root)
		tree_walk(root, 0, NULL, NULL, true);
	for (uint32_t k = 0; k < m->nthreads; k++) {
		struct gt_thread *t = &m->threads[k];
		for (int j = 0; j < 3; j++) {
			struct gt_limbo *l = &t->limbo[j];
			for (uint32_t x = 0; x < l->nnodes; x++)
				free(l->nodes[x]);
			free(l->nodes);
			free(l->entries);
		}
		free(t->free);
		while (t->chunks) {
			struct gt_chunk *c = t->chunks;
			t->chunks = c->next;
			free(c);
		}
	}
	free(m->threads_mem);
	memset(m, 0, sizeof *m);
}

void gotrie_counts(struct gotrie *m, struct golock_counts *lock, struct gt_stats *st)
{
	struct golock_counts c = {0};
	struct gt_stats s = {0};
	tree_walk(atomic_load_explicit(&m->root, SC), 0, &c, &s, false);
	for (uint32_t k = 0; k < m->nthreads; k++) {
		struct gt_thread *t = &m->threads[k];
		add_counts(&c, &t->freed);
		for (int j = 0; j < 3; j++)
			for (uint32_t x = 0; x < t->limbo[j].nnodes; x++) {
				struct golock_counts lc;
				go_mutex_counts(&t->limbo[j].nodes[x]->mu, &lc);
				add_counts(&c, &lc);
			}
		s.restarts += t->restarts;
		s.pruned += t->pruned;
		s.expanded += t->expanded;
	}
	if (lock)
		*lock = c;
	if (st)
		*st = s;
}
