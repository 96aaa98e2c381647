/*
 * syncmap: Go 1.19's sync.Map (sync/map.go) as resumable step machines;
 * see syncmap.h for the contract.  Rule numbers refer to
 * go-map-semantics.md, section S.
 *
 * Each phase does one atomic action of map.go and names the next phase.
 * Go's locals (read, e, ok, the p a CAS expects) live in struct sm_op,
 * never on the C stack, so an operation can stop between any two actions.
 * Actions on a map nobody can write any more (read.m, S3) are still one
 * step each, because the person watching should see them; they commute
 * with every other step, so splitting them costs no fidelity.
 *
 * The built-in maps are real gomaps, driven through gomap's whole-operation
 * API (a built-in map operation is atomic with respect to the sync.Map's
 * own protocol: dirty is only touched under mu, read.m never written), and
 * iterated with gm_op iteration one entry per step, as Go ranges over them
 * in Range and dirtyLocked.
 */
#include "engine/classic/syncmap.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"

static const char *const phase_names[] = {
#define SM_PHASE_NAME(name, str) str,
	SM_PHASE_MAP(SM_PHASE_NAME)
#undef SM_PHASE_NAME
};

static const char *const res_names[] = {"more", "blocked", "yield", "done", "fatal"};
static const char *const kind_names[] = {"load", "store", "load_or_store", "load_and_delete", "delete", "range"};

const char *sm_phase_name(enum sm_phase p)
{
	return (unsigned)p < SM_PH__COUNT ? phase_names[p] : "?";
}

const char *sm_res_name(enum sm_res r)
{
	return (unsigned)r < sizeof res_names / sizeof res_names[0] ? res_names[r] : "?";
}

const char *sm_opkind_name(enum sm_opkind k)
{
	return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "?";
}

#define EMIT(sink, ...)                                                        \
	do {                                                                   \
		if (mv_sink_on(sink)) {                                        \
			struct mv_event ev_ = {.other = -1, __VA_ARGS__};      \
			(sink)->fn((sink)->ctx, &ev_);                         \
		}                                                              \
	} while (0)

/* ---- maps: the pool of built-in maps, reference counted ---- */

static inline struct gomap *gm(struct syncmap *s, uint32_t id)
{
	return id == SM_NIL ? NULL : &s->maps[id].m;
}

const struct gomap *syncmap_map_by_id(const struct syncmap *s, uint32_t id)
{
	return id < s->nmaps && s->maps[id].refs ? &s->maps[id].m : NULL;
}

const struct gomap *syncmap_map(const struct syncmap *s, enum sm_which w)
{
	return syncmap_map_by_id(s, w == SM_READ ? s->read_m : s->dirty);
}

static inline int64_t len_of(const struct gomap *m)
{
	return m ? m->count : 0;
}

uint32_t syncmap_len(const struct syncmap *s, enum sm_which w)
{
	return (uint32_t)len_of(syncmap_map(s, w));
}

uint32_t syncmap_retired(const struct syncmap *s)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->nmaps; i++)
		if (s->maps[i].refs && i != s->read_m && i != s->dirty)
			n++;
	return n;
}

/* make(map[any]*entry, hint): a new map with one reference (the caller's).
 * Its hash0 and RNG are drawn from the syncmap's RNG, as Go draws a new
 * map's hash0 from fastrand (M3.2). */
static uint32_t map_new(struct syncmap *s, int64_t hint)
{
	uint32_t id;
	for (id = 0; id < s->nmaps && s->maps[id].refs; id++)
		;
	if (id == s->nmaps) {
		if (s->nmaps == s->maps_cap) {
			s->maps_cap = s->maps_cap ? 2 * s->maps_cap : 4;
			s->maps = mv_xrealloc(s->maps, (size_t)s->maps_cap * sizeof *s->maps);
		}
		s->nmaps++;
	}
	struct sm_map *m = &s->maps[id];
	/* with no pins, gomap_init cannot fail */
	(void)gomap_init(&m->m, s->keykind, hint, mv_rng_u64(&s->rng), false, NULL, 0, s->strs);
	m->refs = 1;
	return id;
}

static inline void map_ref(struct syncmap *s, uint32_t id)
{
	if (id != SM_NIL)
		s->maps[id].refs++;
}

/* Drop a reference; the last one frees the map (Go's GC, A2). */
static void map_unref(struct syncmap *s, uint32_t id)
{
	if (id == SM_NIL || !s->maps[id].refs)
		return;
	if (--s->maps[id].refs == 0)
		gomap_done(&s->maps[id].m);
}

/* e, ok := m[key] on the map with this id (a nil map has no keys). */
static bool map_lookup(struct syncmap *s, uint32_t id, int64_t key, uint32_t *e)
{
	int64_t v;
	if (id == SM_NIL || !gomap_load(gm(s, id), key, &v))
		return false;
	*e = (uint32_t)v;
	return true;
}

/* ---- entries ---- */

/* newEntry(v): a fresh entry with p = &v. */
static uint32_t entry_new(struct syncmap *s, int64_t key, int64_t value)
{
	uint32_t id;
	if (s->free_entry != SM_NIL) {
		id = s->free_entry;
		s->free_entry = (uint32_t)s->entries[id].value;
	} else {
		if (s->nentries == s->entries_cap) {
			s->entries_cap = s->entries_cap ? 2 * s->entries_cap : 16;
			s->entries = mv_xrealloc(s->entries, (size_t)s->entries_cap * sizeof *s->entries);
		}
		id = s->nentries++;
	}
	struct sm_entry *e = &s->entries[id];
	e->key = key;
	e->p = SM_P_VALUE;
	e->value = value;
	e->box = ++s->next_box;
	e->live = true;
	s->in_use++;
	return id;
}

/* Mark the entries a map's live slots point at. */
static void mark_array(const struct gomap *m, uint32_t first, uint64_t n, uint8_t *mark, uint32_t nentries)
{
	for (uint64_t i = 0; i < n; i++) {
		for (uint32_t b = first + (uint32_t)i; b; b = gomap_bucket(m, b)->overflow) {
			const struct gm_bucket *p = gomap_bucket(m, b);
			for (int j = 0; j < GM_BUCKET_CNT; j++)
				if (p->tophash[j] >= GM_MIN_TOPHASH && (uint64_t)p->vals[j] < nentries)
					mark[p->vals[j]] = 1;
		}
	}
}

/* The model's garbage collector: with no operation in flight (so no
 * operation holds an entry id), free the entries no map refers to any more
 * — deleted from dirty (S10.1), or expunged and left behind in a retired
 * read.m (S8).  Go's GC does the same; nothing observable changes. */
static void sweep(struct syncmap *s)
{
	if (s->active || s->in_use < s->sweep_at)
		return;
	uint8_t *mark = mv_xcalloc(s->nentries ? s->nentries : 1, 1);
	for (uint32_t i = 0; i < s->nmaps; i++) {
		const struct gomap *m = &s->maps[i].m;
		if (!s->maps[i].refs)
			continue;
		if (m->buckets)
			mark_array(m, m->buckets, (uint64_t)1 << m->B, mark, s->nentries);
		if (m->oldbuckets)
			mark_array(m, m->oldbuckets, gomap_noldbuckets(m), mark, s->nentries);
	}
	for (uint32_t id = 0; id < s->nentries; id++) {
		struct sm_entry *e = &s->entries[id];
		if (!e->live || mark[id])
			continue;
		memset(e, 0, sizeof *e);
		e->value = s->free_entry;
		s->free_entry = id;
		s->in_use--;
	}
	free(mark);
	s->sweep_at = s->in_use * 2 > 64 ? s->in_use * 2 : 64;
}

/* ---- lifecycle ---- */

enum mv_status syncmap_init(struct syncmap *s, enum mv_keykind kind, uint64_t seed,
			    const struct mv_strpool *strs)
{
	memset(s, 0, sizeof *s);
	mv_lock_init(&s->mu, MV_LOCK_MUTEX);
	s->read_m = SM_NIL; /* S1: read absent = {m: nil, amended: false} */
	s->dirty = SM_NIL;
	s->keykind = kind;
	s->strs = strs;
	s->free_entry = SM_NIL;
	s->sweep_at = 64;
	mv_rng_init(&s->rng, seed);
	return MV_OK;
}

void syncmap_done(struct syncmap *s)
{
	for (uint32_t i = 0; i < s->nmaps; i++)
		if (s->maps[i].refs)
			gomap_done(&s->maps[i].m);
	free(s->maps);
	free(s->entries);
	memset(s, 0, sizeof *s);
	s->read_m = s->dirty = s->free_entry = SM_NIL;
}

enum mv_status syncmap_copy(struct syncmap *dst, const struct syncmap *src)
{
	*dst = *src;
	dst->entries = NULL;
	dst->maps = NULL;
	if (src->entries_cap) {
		dst->entries = mv_xmalloc((size_t)src->entries_cap * sizeof *dst->entries);
		memcpy(dst->entries, src->entries, (size_t)src->nentries * sizeof *dst->entries);
	}
	if (src->maps_cap) {
		dst->maps = mv_xcalloc(src->maps_cap, sizeof *dst->maps);
		for (uint32_t i = 0; i < src->nmaps; i++) {
			if (!src->maps[i].refs)
				continue;
			dst->maps[i].refs = src->maps[i].refs;
			if (gomap_copy(&dst->maps[i].m, &src->maps[i].m) != MV_OK) {
				dst->nmaps = i + 1;
				syncmap_done(dst);
				return MV_ENOMEM;
			}
		}
	}
	return MV_OK;
}

/* ---- operations ---- */

static void op_init(struct sm_op *op, enum sm_opkind kind, int64_t key, int64_t value)
{
	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->phase = SM_PH_LOAD_READ;
	op->last = SM_PH_LOAD_READ;
	op->key = key;
	op->value = value;
	op->read_m = SM_NIL;
	op->e = SM_NIL;
	op->it_e = SM_NIL;
	op->touch = SM_NIL;
	op->pin_start = op->pin_offset = -1;
}

void sm_op_load_init(struct sm_op *op, int64_t key)
{
	op_init(op, SM_OP_LOAD, key, 0);
}

void sm_op_store_init(struct sm_op *op, int64_t key, int64_t value)
{
	op_init(op, SM_OP_STORE, key, value);
}

void sm_op_load_or_store_init(struct sm_op *op, int64_t key, int64_t value)
{
	op_init(op, SM_OP_LOAD_OR_STORE, key, value);
}

void sm_op_load_and_delete_init(struct sm_op *op, int64_t key)
{
	op_init(op, SM_OP_LOAD_AND_DELETE, key, 0);
}

void sm_op_delete_init(struct sm_op *op, int64_t key)
{
	op_init(op, SM_OP_DELETE, key, 0);
}

void sm_op_range_init(struct sm_op *op, int32_t start, int32_t offset)
{
	op_init(op, SM_OP_RANGE, 0, 0);
	op->pin_start = start;
	op->pin_offset = offset;
}

/* The step context. */
struct smctx {
	struct syncmap *s;
	struct sm_op *op;
	uint32_t self;
	uint64_t now;
	uint32_t *woken;
	uint32_t *nwoken;
	const struct mv_sink *sink;
};

static enum sm_res finish(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	if (op->iterating) {
		gomap_abandon(gm(s, op->read_m), &op->it);
		op->iterating = false;
	}
	map_unref(s, op->read_m);
	op->read_m = SM_NIL;
	op->phase = SM_PH_DONE;
	if (s->active)
		s->active--;
	sweep(s);
	return op->fatal ? SM_FATAL : SM_DONE;
}

static enum sm_res next(const struct smctx *c, enum sm_phase p)
{
	c->op->phase = p;
	return SM_MORE;
}

/* read := m.read.Load(): the op takes a reference on the read.m it saw. */
static void load_read(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	map_ref(s, s->read_m);
	map_unref(s, op->read_m);
	op->read_m = s->read_m;
	op->amended = s->amended;
}

/* m.read.Store(readOnly{m: id, amended: amended}) */
static void publish_read(struct syncmap *s, uint32_t id, bool amended)
{
	map_ref(s, id);
	map_unref(s, s->read_m);
	s->read_m = id;
	s->amended = amended;
}

static enum sm_res to_lock(const struct smctx *c)
{
	mv_lock_op_init(&c->op->lk, MV_I_LOCK);
	return next(c, SM_PH_LOCK);
}

static enum sm_res to_unlock(const struct smctx *c)
{
	mv_lock_op_init(&c->op->lk, MV_I_UNLOCK);
	return next(c, SM_PH_UNLOCK);
}

/* for k, e := range read.m (S11.2): set up the iteration. */
static enum sm_res begin_range(const struct smctx *c)
{
	struct sm_op *op = c->op;
	if (op->read_m == SM_NIL) /* ranging over a nil map: nothing */
		return finish(c);
	gm_op_iter_init(&op->it, op->pin_start, op->pin_offset);
	op->iterating = true;
	return next(c, SM_PH_RANGE_NEXT);
}

/* mapiternext over op->read_m: true with (it_key, it_e) set, false at the
 * end.  gomap's iter_init phase produces nothing, so it runs here too. */
static bool iter_next(const struct smctx *c)
{
	struct sm_op *op = c->op;
	struct gomap *m = gm(c->s, op->read_m);
	for (;;) {
		enum gm_stepres r = gomap_step(m, &op->it, NULL);
		if (r == GM_YIELD) {
			op->it_key = op->it.result_key;
			op->it_e = (uint32_t)op->it.result;
			return true;
		}
		if (r == GM_DONE) {
			op->iterating = false;
			return false;
		}
	}
}

/* e.p, read atomically (S4). */
static void load_p(const struct smctx *c, uint32_t e)
{
	const struct sm_entry *en = &c->s->entries[e];
	c->op->p = en->p;
	c->op->pv = en->value;
	c->op->pbox = en->box;
	c->op->touch = e;
}

/* CompareAndSwapPointer(&e.p, the p last loaded, ...): does p still hold
 * exactly that pointer? */
static bool p_unchanged(const struct smctx *c, uint32_t e)
{
	const struct sm_entry *en = &c->s->entries[e];
	c->op->touch = e;
	return en->p == c->op->p && (en->p != SM_P_VALUE || en->box == c->op->pbox);
}

/* p = &v: a newly boxed value. */
static void set_value(struct syncmap *s, uint32_t e, int64_t v)
{
	struct sm_entry *en = &s->entries[e];
	en->p = SM_P_VALUE;
	en->value = v;
	en->box = ++s->next_box;
}

/* LoadOrStore after tryLoadOrStore returned: the fast path is done; the
 * slow path goes on to missLocked (dirty hit, S9.2) or Unlock. */
static enum sm_res after_load_or_store(const struct smctx *c)
{
	if (!c->op->locked)
		return finish(c);
	if (c->op->from_dirty)
		return next(c, SM_PH_MISS_LOCKED);
	return to_unlock(c);
}

/* After m.mu.Unlock(). */
static enum sm_res after_unlock(const struct smctx *c)
{
	struct sm_op *op = c->op;
	switch (op->kind) {
	case SM_OP_LOAD:
	case SM_OP_LOAD_AND_DELETE:
	case SM_OP_DELETE:
		if (op->ok) /* S5, S10.2: e.load() / e.delete() */
			return next(c, SM_PH_ENTRY_LOAD);
		op->found = false;
		return finish(c);
	case SM_OP_RANGE:
		return begin_range(c);
	case SM_OP_STORE:
	case SM_OP_LOAD_OR_STORE:
		break;
	}
	return finish(c);
}

/* S7.3, S9.2: after the unexpunge (and re-adding to dirty). */
static enum sm_res after_unexpunge(const struct smctx *c)
{
	if (c->op->kind == SM_OP_STORE)
		return next(c, SM_PH_STORE_LOCKED);
	return next(c, SM_PH_ENTRY_LOAD); /* tryLoadOrStore */
}

/* S7.5, S9.2: a new key under mu. */
static enum sm_res new_key_locked(const struct smctx *c)
{
	if (!c->op->amended)
		return next(c, SM_PH_DIRTY_LOCKED);
	return next(c, SM_PH_STORE_DIRTY);
}

/* The fast path's read.m lookup found nothing, or found e (ok). */
static enum sm_res after_lookup(const struct smctx *c)
{
	struct sm_op *op = c->op;
	switch (op->kind) {
	case SM_OP_LOAD:
	case SM_OP_LOAD_AND_DELETE:
	case SM_OP_DELETE:
		if (!op->ok && op->amended) /* S5, S10.1 */
			return to_lock(c);
		if (op->ok)
			return next(c, SM_PH_ENTRY_LOAD);
		op->found = false;
		return finish(c);
	case SM_OP_STORE:         /* S7.1: tryStore */
	case SM_OP_LOAD_OR_STORE: /* S9.1: tryLoadOrStore */
		if (op->ok)
			return next(c, SM_PH_ENTRY_LOAD);
		return to_lock(c);
	case SM_OP_RANGE:
		break;
	}
	return finish(c);
}

/* The slow path's read.m lookup, under mu. */
static enum sm_res after_relookup(const struct smctx *c)
{
	struct sm_op *op = c->op;
	switch (op->kind) {
	case SM_OP_LOAD:
	case SM_OP_LOAD_AND_DELETE:
	case SM_OP_DELETE:
		if (!op->ok && op->amended)
			return next(c, SM_PH_LOAD_DIRTY);
		return to_unlock(c);
	case SM_OP_STORE:
	case SM_OP_LOAD_OR_STORE:
		if (op->ok) /* S7.3, S9.2 */
			return next(c, SM_PH_UNEXPUNGE);
		return next(c, SM_PH_LOAD_DIRTY);
	case SM_OP_RANGE:
		break;
	}
	return finish(c);
}

/* e.p was just loaded into op->p: what each of Go's entry methods does
 * with it. */
static enum sm_res entry_loaded(const struct smctx *c)
{
	struct sm_op *op = c->op;
	switch (op->kind) {
	case SM_OP_LOAD: /* S4 e.load */
		op->found = op->p == SM_P_VALUE;
		op->result = op->found ? op->pv : 0;
		return finish(c);
	case SM_OP_RANGE: /* S11.2: skip unless e.load is ok */
		op->phase = SM_PH_RANGE_NEXT;
		if (op->p != SM_P_VALUE)
			return SM_MORE;
		op->found = true;
		op->result_key = op->it_key;
		op->result = op->pv;
		return SM_YIELD;
	case SM_OP_STORE: /* S7.1 tryStore: expunged -> fail, else CAS */
		if (op->p == SM_P_EXPUNGED)
			return to_lock(c);
		return next(c, SM_PH_TRY_STORE);
	case SM_OP_LOAD_OR_STORE: /* S9.1 tryLoadOrStore */
		if (op->p == SM_P_EXPUNGED) {
			if (!op->locked)
				return to_lock(c); /* not ok: the slow path */
			op->found = false; /* (nil, false): unreachable under mu */
			op->result = 0;
			return after_load_or_store(c);
		}
		if (op->p == SM_P_VALUE) {
			op->found = true;
			op->result = op->pv;
			return after_load_or_store(c);
		}
		return next(c, SM_PH_TRY_LOAD_OR_STORE);
	case SM_OP_LOAD_AND_DELETE:
	case SM_OP_DELETE: /* S10.2 e.delete */
		if (op->p != SM_P_VALUE) {
			op->found = false;
			return finish(c);
		}
		return next(c, SM_PH_TRY_DELETE);
	}
	return finish(c);
}

static enum sm_res lock_result(const struct smctx *c, enum mv_lkres r, bool locking)
{
	struct sm_op *op = c->op;
	switch (r) {
	case MV_LK_MORE:
		return SM_MORE;
	case MV_LK_BLOCKED:
		return SM_BLOCKED;
	case MV_LK_DONE:
		if (locking) {
			op->locked = true;
			return next(c, SM_PH_RELOAD_READ);
		}
		op->locked = false;
		return after_unlock(c);
	case MV_LK_FATAL:
		break;
	}
	op->fatal = op->lk.fatal ? op->lk.fatal : "sync: unlock of unlocked mutex";
	return finish(c);
}

static enum sm_res ph_load_read(const struct smctx *c)
{
	struct sm_op *op = c->op;
	load_read(c);
	if (op->kind != SM_OP_RANGE)
		return next(c, SM_PH_LOOKUP_READ);
	if (op->amended) /* S11.1 */
		return to_lock(c);
	return begin_range(c);
}

static enum sm_res ph_lookup_read(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	op->ok = map_lookup(s, op->read_m, op->key, &op->e);
	op->touch = op->ok ? op->e : SM_NIL;
	return after_lookup(c);
}

static enum sm_res ph_lock(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	const struct mv_sink *sink = c->sink;
	return lock_result(c, mv_lock_step(&s->mu, &op->lk, c->self, c->now, c->woken, c->nwoken, sink),
			   true);
}

static enum sm_res ph_reload_read(const struct smctx *c)
{
	struct sm_op *op = c->op;
	load_read(c);
	if (op->kind != SM_OP_RANGE)
		return next(c, SM_PH_RELOOKUP_READ);
	if (op->amended) /* S11.1: still amended */
		return next(c, SM_PH_RANGE_PROMOTE);
	return to_unlock(c);
}

static enum sm_res ph_relookup_read(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	op->ok = map_lookup(s, op->read_m, op->key, &op->e);
	op->touch = op->ok ? op->e : SM_NIL;
	return after_relookup(c);
}

static enum sm_res ph_load_dirty(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	op->ok = map_lookup(s, s->dirty, op->key, &op->e);
	op->touch = op->ok ? op->e : SM_NIL;
	switch (op->kind) {
	case SM_OP_LOAD: /* S5: a miss whether or not dirty has it */
		return next(c, SM_PH_MISS_LOCKED);
	case SM_OP_LOAD_AND_DELETE:
	case SM_OP_DELETE:
		return next(c, SM_PH_DELETE_DIRTY);
	case SM_OP_STORE: /* S7.4 */
		if (op->ok)
			return next(c, SM_PH_STORE_LOCKED);
		return new_key_locked(c);
	case SM_OP_LOAD_OR_STORE: /* S9.2: dirty hit: tryLoadOrStore, missLocked */
		if (op->ok) {
			op->from_dirty = true;
			return next(c, SM_PH_ENTRY_LOAD);
		}
		return new_key_locked(c);
	case SM_OP_RANGE:
		break;
	}
	return finish(c);
}

/* S10.1: delete(m.dirty, key), found or not */
static enum sm_res ph_delete_dirty(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	if (s->dirty != SM_NIL)
		gomap_delete(gm(s, s->dirty), op->key);
	return next(c, SM_PH_MISS_LOCKED);
}

/* S6 */
static enum sm_res ph_miss_locked(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	const struct mv_sink *sink = c->sink;
	s->misses++;
	s->total_misses++;
	EMIT(sink, .kind = MV_EV_MISS, .key = op->key, .n = s->misses);
	if (s->misses < len_of(gm(s, s->dirty)))
		return to_unlock(c);
	return next(c, SM_PH_PROMOTE);
}

/* S6: read = {m: dirty}, dirty = nil, misses = 0 */
static enum sm_res ph_promote(const struct smctx *c)
{
	struct syncmap *s = c->s;
	const struct mv_sink *sink = c->sink;
	publish_read(s, s->dirty, false);
	map_unref(s, s->dirty);
	s->dirty = SM_NIL;
	s->misses = 0;
	s->promotions++;
	EMIT(sink, .kind = MV_EV_PROMOTE, .n = len_of(gm(s, s->read_m)));
	return to_unlock(c);
}

/* S7.3: CAS expunged -> nil */
static enum sm_res ph_unexpunge(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	c->op->touch = op->e;
	if (s->entries[op->e].p == SM_P_EXPUNGED) {
		s->entries[op->e].p = SM_P_NIL;
		return next(c, SM_PH_READD_DIRTY);
	}
	return after_unexpunge(c);
}

/* S7.3: m.dirty[key] = e */
static enum sm_res ph_readd_dirty(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	if (s->dirty == SM_NIL) /* cannot happen: expunged implies dirty != nil (S2) */
		s->dirty = map_new(s, 0);
	gomap_store(gm(s, s->dirty), op->key, op->e);
	op->touch = op->e;
	return after_unexpunge(c);
}

/* S7.3-4: e.storeLocked(&v) */
static enum sm_res ph_store_locked(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	set_value(s, op->e, op->value);
	op->touch = op->e;
	return to_unlock(c);
}

/* S8 */
static enum sm_res ph_dirty_locked(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	const struct mv_sink *sink = c->sink;
	if (s->dirty != SM_NIL)
		return next(c, SM_PH_PUBLISH_AMENDED);
	/* dirtyLocked's own m.read.Load() sees the read this op
	 * reloaded under mu: only mu's holder stores m.read. */
	int64_t n = len_of(gm(s, op->read_m));
	s->dirty = map_new(s, n); /* make(map[any]*entry, len(read.m)) */
	s->dirty_inits++;
	EMIT(sink, .kind = MV_EV_DIRTY_INIT, .n = n);
	if (n == 0) /* ranging over an empty map: no iteration (M9.2) */
		return next(c, SM_PH_PUBLISH_AMENDED);
	gm_op_iter_init(&op->it, -1, -1);
	op->iterating = true;
	return next(c, SM_PH_DIRTY_NEXT);
}

static enum sm_res ph_dirty_next(const struct smctx *c)
{
	struct sm_op *op = c->op;
	if (!iter_next(c))
		return next(c, SM_PH_PUBLISH_AMENDED);
	op->touch = op->it_e;
	return next(c, SM_PH_EXPUNGE_LOAD);
}

/* S8 tryExpungeLocked: p := load */
static enum sm_res ph_expunge_load(const struct smctx *c)
{
	struct sm_op *op = c->op;
	load_p(c, op->it_e);
	if (op->p == SM_P_NIL)
		return next(c, SM_PH_TRY_EXPUNGE);
	if (op->p == SM_P_EXPUNGED) /* already expunged: not copied */
		return next(c, SM_PH_DIRTY_NEXT);
	return next(c, SM_PH_DIRTY_COPY);
}

/* S8: CAS nil -> expunged; on failure reload */
static enum sm_res ph_try_expunge(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	const struct mv_sink *sink = c->sink;
	if (!p_unchanged(c, op->it_e))
		return next(c, SM_PH_EXPUNGE_LOAD);
	s->entries[op->it_e].p = SM_P_EXPUNGED;
	s->expunges++;
	EMIT(sink, .kind = MV_EV_EXPUNGE, .key = op->it_key);
	return next(c, SM_PH_DIRTY_NEXT);
}

/* S8: m.dirty[k] = e */
static enum sm_res ph_dirty_copy(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	gomap_store(gm(s, s->dirty), op->it_key, op->it_e);
	op->touch = op->it_e;
	return next(c, SM_PH_DIRTY_NEXT);
}

/* S7.5: m.read.Store(readOnly{m: read.m, amended: true}) */
static enum sm_res ph_publish_amended(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	publish_read(s, op->read_m, true);
	return next(c, SM_PH_STORE_DIRTY);
}

/* S7.5, S9.2: m.dirty[key] = newEntry(value) */
static enum sm_res ph_store_dirty(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	uint32_t e = entry_new(s, op->key, op->value);
	if (s->dirty == SM_NIL) /* cannot happen: amended implies dirty != nil */
		s->dirty = map_new(s, 0);
	gomap_store(gm(s, s->dirty), op->key, e);
	op->touch = e;
	if (op->kind == SM_OP_LOAD_OR_STORE) {
		op->found = false; /* actual, loaded = value, false */
		op->result = op->value;
	}
	return to_unlock(c);
}

static enum sm_res ph_entry_load(const struct smctx *c)
{
	struct sm_op *op = c->op;
	load_p(c, op->e);
	return entry_loaded(c);
}

/* S7.1: CAS p -> &v */
static enum sm_res ph_try_store(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	if (!p_unchanged(c, op->e))
		return next(c, SM_PH_ENTRY_LOAD);
	set_value(s, op->e, op->value);
	return finish(c);
}

/* S9.1: CAS nil -> &v; on failure reload */
static enum sm_res ph_try_load_or_store(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	if (!p_unchanged(c, op->e))
		return next(c, SM_PH_ENTRY_LOAD);
	set_value(s, op->e, op->value);
	op->found = false;
	op->result = op->value;
	return after_load_or_store(c);
}

/* S10.2: CAS p -> nil */
static enum sm_res ph_try_delete(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	if (!p_unchanged(c, op->e))
		return next(c, SM_PH_ENTRY_LOAD);
	s->entries[op->e].p = SM_P_NIL;
	op->found = true;
	op->result = op->pv;
	return finish(c);
}

static enum sm_res ph_unlock(const struct smctx *c)
{
	struct syncmap *s = c->s;
	struct sm_op *op = c->op;
	const struct mv_sink *sink = c->sink;
	return lock_result(c, mv_lock_step(&s->mu, &op->lk, c->self, c->now, c->woken, c->nwoken, sink),
			   false);
}

/* S11.1: read = {m: dirty}, published; dirty = nil; misses = 0 */
static enum sm_res ph_range_promote(const struct smctx *c)
{
	struct syncmap *s = c->s;
	const struct mv_sink *sink = c->sink;
	publish_read(s, s->dirty, false);
	map_unref(s, s->dirty);
	s->dirty = SM_NIL;
	s->misses = 0;
	s->promotions++;
	load_read(c); /* the op's read is the one it just published */
	EMIT(sink, .kind = MV_EV_PROMOTE, .n = len_of(gm(s, s->read_m)));
	return to_unlock(c);
}

static enum sm_res ph_range_next(const struct smctx *c)
{
	struct sm_op *op = c->op;
	if (!iter_next(c))
		return finish(c);
	op->e = op->it_e;
	op->touch = op->e;
	return next(c, SM_PH_ENTRY_LOAD);
}

/* One phase per function; the table runs the op's next one. */
static enum sm_res (*const phases[SM_PH__COUNT])(const struct smctx *c) = {
	[SM_PH_LOAD_READ] = ph_load_read,
	[SM_PH_LOOKUP_READ] = ph_lookup_read,
	[SM_PH_LOCK] = ph_lock,
	[SM_PH_RELOAD_READ] = ph_reload_read,
	[SM_PH_RELOOKUP_READ] = ph_relookup_read,
	[SM_PH_LOAD_DIRTY] = ph_load_dirty,
	[SM_PH_DELETE_DIRTY] = ph_delete_dirty,
	[SM_PH_MISS_LOCKED] = ph_miss_locked,
	[SM_PH_PROMOTE] = ph_promote,
	[SM_PH_UNEXPUNGE] = ph_unexpunge,
	[SM_PH_READD_DIRTY] = ph_readd_dirty,
	[SM_PH_STORE_LOCKED] = ph_store_locked,
	[SM_PH_DIRTY_LOCKED] = ph_dirty_locked,
	[SM_PH_DIRTY_NEXT] = ph_dirty_next,
	[SM_PH_EXPUNGE_LOAD] = ph_expunge_load,
	[SM_PH_TRY_EXPUNGE] = ph_try_expunge,
	[SM_PH_DIRTY_COPY] = ph_dirty_copy,
	[SM_PH_PUBLISH_AMENDED] = ph_publish_amended,
	[SM_PH_STORE_DIRTY] = ph_store_dirty,
	[SM_PH_ENTRY_LOAD] = ph_entry_load,
	[SM_PH_TRY_STORE] = ph_try_store,
	[SM_PH_TRY_LOAD_OR_STORE] = ph_try_load_or_store,
	[SM_PH_TRY_DELETE] = ph_try_delete,
	[SM_PH_UNLOCK] = ph_unlock,
	[SM_PH_RANGE_PROMOTE] = ph_range_promote,
	[SM_PH_RANGE_NEXT] = ph_range_next,
};

/* One phase of op; sets the next. */
static enum sm_res phase(const struct smctx *c)
{
	const struct sm_op *op = c->op;
	if (op->phase < SM_PH__COUNT && phases[op->phase])
		return phases[op->phase](c);
	return op->fatal ? SM_FATAL : SM_DONE;
}

enum sm_res sm_step(struct syncmap *s, struct sm_op *op, uint32_t self, uint64_t now, uint32_t *woken,
		    uint32_t *nwoken, const struct mv_sink *sink)
{
	const struct smctx c = {s, op, self, now, woken, nwoken, sink};
	if (op->phase == SM_PH_DONE || op->phase >= SM_PH__COUNT)
		return op->fatal ? SM_FATAL : SM_DONE;
	/* Still queued on mu: not woken yet, nothing happens (locks.h). */
	if (op->phase == SM_PH_LOCK && self < MV_LOCK_MAX_WAITERS && mv_lock_queued(&s->mu, self))
		return SM_BLOCKED;
	if (op->steps == 0)
		s->active++;
	op->steps++;
	op->last = op->phase;
	return phase(&c);
}

enum sm_res sm_run(struct syncmap *s, struct sm_op *op, uint32_t self, uint64_t now, uint32_t *woken,
		   uint32_t *nwoken, const struct mv_sink *sink)
{
	enum sm_res r;
	while ((r = sm_step(s, op, self, now, woken, nwoken, sink)) == SM_MORE || r == SM_YIELD)
		;
	return r;
}

void sm_op_abandon(struct syncmap *s, struct sm_op *op)
{
	if (op->phase == SM_PH_DONE)
		return;
	if (op->steps == 0) {
		op->phase = SM_PH_DONE;
		return;
	}
	const struct smctx c = {s, op, 0, 0, NULL, NULL, NULL};
	finish(&c);
}

/* ---- whole operations ---- */

static bool run_whole(struct syncmap *s, struct sm_op *op)
{
	if (sm_run(s, op, 0, 0, NULL, NULL, NULL) != SM_DONE) {
		sm_op_abandon(s, op);
		return false;
	}
	return true;
}

bool syncmap_load(struct syncmap *s, int64_t key, int64_t *value)
{
	struct sm_op op;
	sm_op_load_init(&op, key);
	if (!run_whole(s, &op) || !op.found)
		return false;
	if (value)
		*value = op.result;
	return true;
}

void syncmap_store(struct syncmap *s, int64_t key, int64_t value)
{
	struct sm_op op;
	sm_op_store_init(&op, key, value);
	run_whole(s, &op);
}

bool syncmap_load_or_store(struct syncmap *s, int64_t key, int64_t value, int64_t *actual)
{
	struct sm_op op;
	sm_op_load_or_store_init(&op, key, value);
	run_whole(s, &op);
	if (actual)
		*actual = op.result;
	return op.found;
}

bool syncmap_load_and_delete(struct syncmap *s, int64_t key, int64_t *value)
{
	struct sm_op op;
	sm_op_load_and_delete_init(&op, key);
	if (!run_whole(s, &op) || !op.found)
		return false;
	if (value)
		*value = op.result;
	return true;
}

void syncmap_delete(struct syncmap *s, int64_t key)
{
	struct sm_op op;
	sm_op_delete_init(&op, key);
	run_whole(s, &op);
}

/* ---- snapshots ---- */

int syncmap_key_cmp(const struct syncmap *s, int64_t a, int64_t b)
{
	if (s->keykind == MV_KEY_INT || !s->strs)
		return a < b ? -1 : a > b;
	size_t la, lb;
	const char *sa = mv_strpool_get(s->strs, (uint32_t)a, &la);
	const char *sb = mv_strpool_get(s->strs, (uint32_t)b, &lb);
	int r = memcmp(sa, sb, la < lb ? la : lb);
	if (r)
		return r;
	return la < lb ? -1 : la > lb;
}

static void collect(const struct gomap *m, uint32_t first, uint64_t n, struct sm_item *out, uint32_t cap,
		    uint32_t *k)
{
	for (uint64_t i = 0; i < n; i++) {
		for (uint32_t b = first + (uint32_t)i; b; b = gomap_bucket(m, b)->overflow) {
			const struct gm_bucket *p = gomap_bucket(m, b);
			for (int j = 0; j < GM_BUCKET_CNT; j++) {
				if (p->tophash[j] < GM_MIN_TOPHASH)
					continue;
				if (*k < cap) {
					out[*k].key = p->keys[j];
					out[*k].entry = (uint32_t)p->vals[j];
				}
				(*k)++;
			}
		}
	}
}

uint32_t syncmap_list(const struct syncmap *s, enum sm_which w, struct sm_item *out, uint32_t cap)
{
	const struct gomap *m = syncmap_map(s, w);
	uint32_t k = 0;
	if (!m)
		return 0;
	if (m->buckets)
		collect(m, m->buckets, (uint64_t)1 << m->B, out, cap, &k);
	if (m->oldbuckets)
		collect(m, m->oldbuckets, gomap_noldbuckets(m), out, cap, &k);
	uint32_t n = k < cap ? k : cap;
	if (n > 1) { /* bottom-up merge sort: no context-free qsort comparator for strings */
		struct sm_item *tmp = mv_xmalloc((size_t)n * sizeof *tmp), *a = out, *b = tmp;
		for (uint32_t width = 1; width < n; width *= 2) {
			for (uint32_t lo = 0; lo < n; lo += 2 * width) {
				uint32_t mid = lo + width < n ? lo + width : n;
				uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
				uint32_t i = lo, j = mid, o = lo;
				while (i < mid && j < hi)
					b[o++] = syncmap_key_cmp(s, a[j].key, a[i].key) < 0 ? a[j++] : a[i++];
				while (i < mid)
					b[o++] = a[i++];
				while (j < hi)
					b[o++] = a[j++];
			}
			struct sm_item *t = a;
			a = b;
			b = t;
		}
		if (a != out)
			memcpy(out, a, (size_t)n * sizeof *out);
		free(tmp);
	}
	return k;
}
