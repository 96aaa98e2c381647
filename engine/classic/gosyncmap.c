/*
 * gosyncmap: sync.Map (Go 1.19 sync/map.go) on real threads.  See
 * gosyncmap.h for the design and the memory reclamation scheme.
 *
 * Ordering.  Everything the algorithm does atomically in Go is a seq_cst
 * atomic here (m.read, entry.p), as are the epoch loads that tag and free
 * retired memory: the reclamation argument needs "an object unlinked
 * before the epoch moved on is invisible to every operation that starts
 * after a thread saw the new epoch", which the single total order of
 * seq_cst operations gives.  On x86-64 seq_cst loads are plain loads and
 * the read-modify-writes are locked instructions either way; only the rare
 * publication of m.read pays for a fence.
 */
#include "engine/classic/gosyncmap.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"

/* S2: the expunged sentinel, a unique address no box can have (never
 * dereferenced, never written). */
static const int64_t expunged_box;
#define GSM_EXPUNGED ((int64_t *)&expunged_box)

#define SC memory_order_seq_cst
#define GSM_SCAN_EVERY 64  /* retirements between epoch scans */
#define GSM_CHUNK_BOXES 4096

enum gsm_kind { GK_ENTRY, GK_READONLY, GK_MAP };

struct gsm_garbage {
	enum gsm_kind kind;
	void *p;
};

struct gsm_chunk {
	struct gsm_chunk *next;
	int64_t boxes[GSM_CHUNK_BOXES];
};

/* ------------------------------------------------------------------ */
/* the built-in maps                                                   */

static struct gsm_map *map_new(struct gosyncmap *m, int64_t hint)
{
	struct gsm_map *g = mv_xmalloc(sizeof *g);
	uint64_t seed = mv_splitmix64(m->seed + m->nmaps++);
	/* int keys, no pins: cannot fail */
	(void)gomap_init(&g->m, MV_KEY_INT, hint, seed, false, NULL, 0, NULL);
	g->cap = hint > 0 ? (uint32_t)hint : 8;
	g->items = mv_xmalloc(g->cap * sizeof *g->items);
	g->n = 0;
	return g;
}

static void map_free(struct gsm_map *g)
{
	if (!g)
		return;
	gomap_done(&g->m);
	free(g->items);
	free(g);
}

static inline struct gsm_entry *map_get(struct gsm_map *g, int64_t key)
{
	int64_t v;
	if (!g || !gomap_load(&g->m, key, &v))
		return NULL;
	return (struct gsm_entry *)(intptr_t)v;
}

/* dirty[key] = e for a key not in g (under mu). */
static void map_add(struct gsm_map *g, int64_t key, struct gsm_entry *e)
{
	gomap_store(&g->m, key, (int64_t)(intptr_t)e);
	if (g->n == g->cap) {
		g->cap *= 2;
		g->items = mv_xrealloc(g->items, g->cap * sizeof *g->items);
	}
	e->dirty_idx = g->n;
	g->items[g->n++] = (struct gsm_item){key, e};
}

/* delete(dirty, key) for e = dirty[key] (under mu). */
static void map_remove(struct gsm_map *g, int64_t key, struct gsm_entry *e)
{
	gomap_delete(&g->m, key);
	uint32_t i = e->dirty_idx;
	g->items[i] = g->items[--g->n];
	g->items[i].e->dirty_idx = i;
}

static inline int64_t map_len(const struct gsm_map *g)
{
	return g ? g->m.count : 0;
}

/* ------------------------------------------------------------------ */
/* epochs, boxes and retired memory                                    */

static void push_ptr(void ***arr, uint32_t *n, uint32_t *cap, void *p)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*arr = mv_xrealloc(*arr, *cap * sizeof **arr);
	}
	(*arr)[(*n)++] = p;
}

static void free_garbage(struct gsm_garbage *g)
{
	switch (g->kind) {
	case GK_ENTRY:
	case GK_READONLY:
		free(g->p);
		break;
	case GK_MAP:
		map_free(g->p);
		break;
	}
}

/* Everything in the slot is unreachable by now: boxes to the free list,
 * the rest to free(). */
static void limbo_flush(struct gsm_thread *t, struct gsm_limbo *l)
{
	for (uint32_t i = 0; i < l->nboxes; i++)
		push_ptr((void ***)&t->free, &t->nfree, &t->capfree, l->boxes[i]);
	l->nboxes = 0;
	for (uint32_t i = 0; i < l->nobjs; i++)
		free_garbage(&l->objs[i]);
	l->nobjs = 0;
}

/* Move the global epoch on if every online thread has announced it. */
static void try_advance(struct gosyncmap *m)
{
	uint64_t e = atomic_load_explicit(&m->epoch, SC);
	for (uint32_t i = 0; i < m->nthreads; i++) {
		uint64_t x = atomic_load_explicit(&m->threads[i].epoch, SC);
		if (x != GSM_OFFLINE && x != e)
			return;
	}
	atomic_compare_exchange_strong_explicit(&m->epoch, &e, e + 1, SC, SC);
}

static void reclaim(struct gsm_thread *t)
{
	try_advance(t->map);
	uint64_t e = atomic_load_explicit(&t->map->epoch, SC);
	for (int i = 0; i < 3; i++)
		if (t->limbo[i].epoch + 2 <= e)
			limbo_flush(t, &t->limbo[i]);
}

/* The slot for objects unlinked now; tag read after the unlink (SC). */
static struct gsm_limbo *limbo_now(struct gsm_thread *t)
{
	uint64_t e = atomic_load_explicit(&t->map->epoch, SC);
	struct gsm_limbo *l = &t->limbo[e % 3];
	if (l->epoch != e) {
		/* it holds objects of epoch e - 3 or older */
		limbo_flush(t, l);
		l->epoch = e;
	}
	return l;
}

static void after_retire(struct gsm_thread *t)
{
	if (++t->retired >= GSM_SCAN_EVERY) {
		t->retired = 0;
		reclaim(t);
	}
}

static void retire_box(struct gsm_thread *t, int64_t *box)
{
	struct gsm_limbo *l = limbo_now(t);
	push_ptr((void ***)&l->boxes, &l->nboxes, &l->capboxes, box);
	after_retire(t);
}

static void retire_obj(struct gsm_thread *t, enum gsm_kind kind, void *p)
{
	struct gsm_limbo *l = limbo_now(t);
	if (l->nobjs == l->capobjs) {
		l->capobjs = l->capobjs ? l->capobjs * 2 : 64;
		l->objs = mv_xrealloc(l->objs, l->capobjs * sizeof *l->objs);
	}
	l->objs[l->nobjs++] = (struct gsm_garbage){kind, p};
	after_retire(t);
}

/* A fresh box holding v, private until published by a CAS or store of p. */
static int64_t *box_new(struct gsm_thread *t, int64_t v)
{
	int64_t *b;
	if (t->nfree) {
		b = t->free[--t->nfree];
	} else {
		if (t->bump == t->bump_end) {
			struct gsm_chunk *c = mv_xmalloc(sizeof *c);
			c->next = t->chunks;
			t->chunks = c;
			t->bump = c->boxes;
			t->bump_end = c->boxes + GSM_CHUNK_BOXES;
		}
		b = t->bump++;
	}
	*b = v;
	return b;
}

/* A box that was never published. */
static void box_unused(struct gsm_thread *t, int64_t *b)
{
	push_ptr((void ***)&t->free, &t->nfree, &t->capfree, b);
}

static void go_online(struct gsm_thread *t)
{
	for (;;) {
		uint64_t e = atomic_load_explicit(&t->map->epoch, SC);
		atomic_store_explicit(&t->epoch, e, SC);
		if (atomic_load_explicit(&t->map->epoch, SC) == e)
			return;
	}
}

/* Start of an operation (operations nest inside a Range's callback). */
static inline void op_begin(struct gsm_thread *t)
{
	if (t->depth++ == 0 &&
	    __builtin_expect(atomic_load_explicit(&t->epoch, memory_order_relaxed) == GSM_OFFLINE, 0))
		go_online(t);
}

/* End of an operation: the outermost one ends in a quiescent state. */
static inline void op_end(struct gsm_thread *t)
{
	if (--t->depth == 0)
		atomic_store_explicit(&t->epoch, atomic_load_explicit(&t->map->epoch, SC),
				      memory_order_release);
}

void gosyncmap_offline(struct gsm_thread *t)
{
	atomic_store_explicit(&t->epoch, GSM_OFFLINE, memory_order_release);
}

/* ------------------------------------------------------------------ */
/* entries (S2, S4)                                                    */

static struct gsm_entry *entry_new(int64_t *box)
{
	struct gsm_entry *e = mv_xmalloc(sizeof *e);
	atomic_init(&e->p, box);
	e->dirty_idx = 0;
	return e;
}

/* S4 e.load */
static inline bool entry_load(struct gsm_entry *e, int64_t *value)
{
	int64_t *p = atomic_load_explicit(&e->p, SC);
	if (!p || p == GSM_EXPUNGED)
		return false;
	if (value)
		*value = *p;
	return true;
}

/* S7.1 tryStore: false if expunged. */
static bool entry_try_store(struct gsm_thread *t, struct gsm_entry *e, int64_t *box)
{
	int64_t *p = atomic_load_explicit(&e->p, SC);
	for (;;) {
		if (p == GSM_EXPUNGED)
			return false;
		if (atomic_compare_exchange_weak_explicit(&e->p, &p, box, SC, SC)) {
			if (p)
				retire_box(t, p);
			return true;
		}
	}
}

/* unexpungeLocked: true if e was expunged (and is now nil). */
static bool entry_unexpunge_locked(struct gsm_entry *e)
{
	int64_t *x = GSM_EXPUNGED;
	return atomic_compare_exchange_strong_explicit(&e->p, &x, NULL, SC, SC);
}

/* storeLocked */
static void entry_store_locked(struct gsm_thread *t, struct gsm_entry *e, int64_t *box)
{
	int64_t *old = atomic_exchange_explicit(&e->p, box, SC);
	if (old && old != GSM_EXPUNGED)
		retire_box(t, old);
}

/* S8 tryExpungeLocked */
static bool entry_try_expunge_locked(struct gsm_entry *e)
{
	int64_t *p = atomic_load_explicit(&e->p, SC);
	while (!p) {
		if (atomic_compare_exchange_weak_explicit(&e->p, &p, GSM_EXPUNGED, SC, SC))
			return true;
	}
	return p == GSM_EXPUNGED;
}

/* S9 tryLoadOrStore: ok = false if expunged.  *box is consumed when
 * stored (set to NULL). */
static bool entry_try_load_or_store(struct gsm_entry *e, int64_t **box, int64_t *actual, bool *loaded)
{
	int64_t *p = atomic_load_explicit(&e->p, SC);
	for (;;) {
		if (p == GSM_EXPUNGED)
			return false;
		if (p) {
			*actual = *p;
			*loaded = true;
			return true;
		}
		if (atomic_compare_exchange_weak_explicit(&e->p, &p, *box, SC, SC)) {
			*actual = **box;
			*box = NULL;
			*loaded = false;
			return true;
		}
	}
}

/* S10 e.delete */
static bool entry_delete(struct gsm_thread *t, struct gsm_entry *e, int64_t *value)
{
	int64_t *p = atomic_load_explicit(&e->p, SC);
	for (;;) {
		if (!p || p == GSM_EXPUNGED)
			return false;
		if (atomic_compare_exchange_weak_explicit(&e->p, &p, NULL, SC, SC)) {
			if (value)
				*value = *p;
			retire_box(t, p);
			return true;
		}
	}
}

/* ------------------------------------------------------------------ */
/* the Map (under mu where named *_locked)                             */

static inline struct gsm_readonly *load_read(struct gosyncmap *m)
{
	return atomic_load_explicit(&m->read, SC);
}

static void publish_read(struct gsm_thread *t, struct gsm_map *rm, bool amended)
{
	struct gosyncmap *m = t->map;
	struct gsm_readonly *r = mv_xmalloc(sizeof *r);
	r->m = rm;
	r->amended = amended;
	struct gsm_readonly *old = atomic_exchange_explicit(&m->read, r, SC);
	if (old)
		retire_obj(t, GK_READONLY, old);
}

/* Promotion (S6, S11.1): read := {dirty, false}, dirty := nil. */
static void promote_locked(struct gsm_thread *t, struct gsm_readonly *cur)
{
	struct gosyncmap *m = t->map;
	struct gsm_map *old = cur ? cur->m : NULL;
	publish_read(t, m->dirty, false);
	m->dirty = NULL;
	m->misses = 0;
	m->st.promotions++;
	if (old) {
		/* entries only the old read map holds: the expunged ones */
		for (uint32_t i = 0; i < old->n; i++)
			if (atomic_load_explicit(&old->items[i].e->p, SC) == GSM_EXPUNGED)
				retire_obj(t, GK_ENTRY, old->items[i].e);
		retire_obj(t, GK_MAP, old);
	}
}

/* S6 missLocked */
static void miss_locked(struct gsm_thread *t)
{
	struct gosyncmap *m = t->map;
	m->st.misses++;
	m->misses++;
	if (m->misses < map_len(m->dirty))
		return;
	promote_locked(t, load_read(m));
}

/* S8 dirtyLocked */
static void dirty_locked(struct gosyncmap *m)
{
	if (m->dirty)
		return;
	struct gsm_readonly *r = load_read(m);
	struct gsm_map *rm = r ? r->m : NULL;
	m->dirty = map_new(m, map_len(rm));
	m->st.dirty_copies++;
	if (!rm)
		return;
	for (uint32_t i = 0; i < rm->n; i++)
		if (!entry_try_expunge_locked(rm->items[i].e))
			map_add(m->dirty, rm->items[i].key, rm->items[i].e);
}

/* S7.5 / S9.2: a new key goes into dirty, made first if need be. */
static void add_new_locked(struct gsm_thread *t, struct gsm_readonly *r, int64_t key, int64_t *box)
{
	struct gosyncmap *m = t->map;
	if (!r || !r->amended) {
		dirty_locked(m);
		publish_read(t, r ? r->m : NULL, true);
	}
	map_add(m->dirty, key, entry_new(box));
}

/* S5 */
bool gosyncmap_load(struct gsm_thread *t, int64_t key, int64_t *value)
{
	struct gosyncmap *m = t->map;
	op_begin(t);
	struct gsm_readonly *r = load_read(m);
	struct gsm_entry *e = r ? map_get(r->m, key) : NULL;
	if (!e && r && r->amended) {
		go_mutex_lock(&m->mu);
		r = load_read(m);
		e = map_get(r->m, key);
		if (!e && r->amended) {
			e = map_get(m->dirty, key);
			miss_locked(t);
		}
		go_mutex_unlock(&m->mu);
	}
	bool ok = e && entry_load(e, value);
	op_end(t);
	return ok;
}

/* S7 */
void gosyncmap_store(struct gsm_thread *t, int64_t key, int64_t value)
{
	struct gosyncmap *m = t->map;
	op_begin(t);
	int64_t *box = box_new(t, value);
	struct gsm_readonly *r = load_read(m);
	struct gsm_entry *e = r ? map_get(r->m, key) : NULL;
	if (e && entry_try_store(t, e, box)) {
		op_end(t);
		return;
	}
	go_mutex_lock(&m->mu);
	r = load_read(m);
	if ((e = r ? map_get(r->m, key) : NULL)) {
		if (entry_unexpunge_locked(e))
			map_add(m->dirty, key, e);
		entry_store_locked(t, e, box);
	} else if ((e = map_get(m->dirty, key))) {
		entry_store_locked(t, e, box);
	} else {
		add_new_locked(t, r, key, box);
	}
	go_mutex_unlock(&m->mu);
	op_end(t);
}

/* S9 */
bool gosyncmap_load_or_store(struct gsm_thread *t, int64_t key, int64_t value, int64_t *actual)
{
	struct gosyncmap *m = t->map;
	op_begin(t);
	int64_t *box = box_new(t, value);
	bool loaded = false;
	int64_t got = value;
	struct gsm_readonly *r = load_read(m);
	struct gsm_entry *e = r ? map_get(r->m, key) : NULL;
	if (e && entry_try_load_or_store(e, &box, &got, &loaded))
		goto out;
	go_mutex_lock(&m->mu);
	r = load_read(m);
	if ((e = r ? map_get(r->m, key) : NULL)) {
		if (entry_unexpunge_locked(e))
			map_add(m->dirty, key, e);
		entry_try_load_or_store(e, &box, &got, &loaded);
	} else if ((e = map_get(m->dirty, key))) {
		entry_try_load_or_store(e, &box, &got, &loaded);
		miss_locked(t);
	} else {
		add_new_locked(t, r, key, box);
		box = NULL;
		got = value;
		loaded = false;
	}
	go_mutex_unlock(&m->mu);
out:
	if (box)
		box_unused(t, box);
	if (actual)
		*actual = got;
	op_end(t);
	return loaded;
}

/* S10 */
bool gosyncmap_load_and_delete(struct gsm_thread *t, int64_t key, int64_t *value)
{
	struct gosyncmap *m = t->map;
	op_begin(t);
	struct gsm_readonly *r = load_read(m);
	struct gsm_entry *e = r ? map_get(r->m, key) : NULL;
	if (!e && r && r->amended) {
		go_mutex_lock(&m->mu);
		r = load_read(m);
		e = map_get(r->m, key);
		if (!e && r->amended) {
			e = map_get(m->dirty, key);
			if (e) {
				map_remove(m->dirty, key, e);
				/* in no map any more; e.delete below still uses
				 * it, which our own epoch covers */
				retire_obj(t, GK_ENTRY, e);
			}
			miss_locked(t);
		}
		go_mutex_unlock(&m->mu);
	}
	bool ok = e && entry_delete(t, e, value);
	op_end(t);
	return ok;
}

void gosyncmap_delete(struct gsm_thread *t, int64_t key)
{
	gosyncmap_load_and_delete(t, key, NULL);
}

/* S11 */
void gosyncmap_range(struct gsm_thread *t, bool (*f)(void *ctx, int64_t key, int64_t value), void *ctx)
{
	struct gosyncmap *m = t->map;
	op_begin(t);
	struct gsm_readonly *r = load_read(m);
	if (r && r->amended) {
		go_mutex_lock(&m->mu);
		r = load_read(m);
		if (r->amended)
			promote_locked(t, r);
		go_mutex_unlock(&m->mu);
		r = load_read(m);
	}
	/* r and its map stay ours until op_end: operations f makes through t
	 * nest in this one and announce no quiescent state */
	struct gsm_map *rm = r ? r->m : NULL;
	uint32_t n = rm ? rm->n : 0;
	for (uint32_t i = 0; i < n; i++) {
		int64_t v;
		if (entry_load(rm->items[i].e, &v) && !f(ctx, rm->items[i].key, v))
			break;
	}
	op_end(t);
}

/* ------------------------------------------------------------------ */
/* setup and teardown                                                  */

enum mv_status gosyncmap_init(struct gosyncmap *m, uint32_t nthreads, uint64_t seed)
{
	if (nthreads == 0)
		return MV_EINVAL;
	memset(m, 0, sizeof *m);
	atomic_init(&m->read, NULL);
	atomic_init(&m->epoch, 2);
	go_mutex_init(&m->mu);
	m->seed = seed;
	m->nthreads = nthreads;
	/* handles on their own cache lines */
	size_t sz = (size_t)nthreads * sizeof(struct gsm_thread) + GOLOCK_LINE;
	m->threads_mem = mv_xcalloc(1, sz);
	uintptr_t a = ((uintptr_t)m->threads_mem + GOLOCK_LINE - 1) & ~(uintptr_t)(GOLOCK_LINE - 1);
	m->threads = (struct gsm_thread *)a;
	for (uint32_t i = 0; i < nthreads; i++) {
		struct gsm_thread *t = &m->threads[i];
		atomic_init(&t->epoch, GSM_OFFLINE);
		t->map = m;
	}
	return MV_OK;
}

struct gsm_thread *gosyncmap_thread(struct gosyncmap *m, uint32_t i)
{
	return i < m->nthreads ? &m->threads[i] : NULL;
}

void gosyncmap_done(struct gosyncmap *m)
{
	struct gsm_readonly *r = atomic_load_explicit(&m->read, memory_order_acquire);
	struct gsm_map *rm = r ? r->m : NULL;
	/* entries: every one in dirty, and those only read.m holds */
	if (m->dirty) {
		if (rm)
			for (uint32_t i = 0; i < rm->n; i++)
				if (atomic_load_explicit(&rm->items[i].e->p, memory_order_relaxed) == GSM_EXPUNGED)
					free(rm->items[i].e);
		for (uint32_t i = 0; i < m->dirty->n; i++)
			free(m->dirty->items[i].e);
	} else if (rm) {
		for (uint32_t i = 0; i < rm->n; i++)
			free(rm->items[i].e);
	}
	map_free(m->dirty);
	map_free(rm);
	free(r);
	for (uint32_t i = 0; i < m->nthreads; i++) {
		struct gsm_thread *t = &m->threads[i];
		for (int j = 0; j < 3; j++) {
			struct gsm_limbo *l = &t->limbo[j];
			for (uint32_t k = 0; k < l->nobjs; k++)
				free_garbage(&l->objs[k]);
			free(l->objs);
			free(l->boxes);
		}
		free(t->free);
		while (t->chunks) {
			struct gsm_chunk *c = t->chunks;
			t->chunks = c->next;
			free(c);
		}
	}
	free(m->threads_mem);
	memset(m, 0, sizeof *m);
}

void gosyncmap_counts(struct gosyncmap *m, struct golock_counts *lock, struct gsm_stats *st)
{
	go_mutex_lock(&m->mu);
	if (st)
		*st = m->st;
	go_mutex_unlock(&m->mu);
	if (lock)
		go_mutex_counts(&m->mu, lock);
}
