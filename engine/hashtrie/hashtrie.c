/*
 * hashtrie: Go 1.24+'s sync.Map (internal/sync.HashTrieMap) as resumable
 * step machines; see hashtrie.h for the contract.  Rule numbers refer to
 * go-swiss-semantics.md, section HT.
 *
 * Each phase function does one atomic action of hashtriemap.go and names
 * the next phase.  Go's locals (i, hashShift, slot, n, the chain cursor,
 * Range's recursion) live in struct ht_op, never on the C stack, so an
 * operation can stop between any two actions.
 *
 * Invariants the phases rely on, all from Go's code:
 *   - a node's children, its dead flag and the overflow links of the
 *     entries under it change only while its mu is held (HT7.3), so what an
 *     op reads under that lock is stable until it unlocks;
 *   - entries are immutable but for overflow (HT4.3): a key or value read
 *     from an entry never changes;
 *   - a writer holds one node lock at a time, except while pruning, child
 *     then parent (HT6.2, HT7.3), so locks are taken towards the root only
 *     and never deadlock among themselves.
 * Nodes are array indices: never keep a pointer into t->inds or t->ents
 * across an allocation (ind_new, ent_new may move the arrays).
 */
#include "engine/hashtrie/hashtrie.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"

static const char *const phase_names[] = {
#define HT_PHASE_NAME(name, str) str,
	HT_PHASE_MAP(HT_PHASE_NAME)
#undef HT_PHASE_NAME
};

static const char *const res_names[] = {"more", "blocked", "yield", "done", "fatal"};
static const char *const kind_names[] = {"load", "store", "load_or_store", "load_and_delete", "delete", "swap",
					 "compare_and_swap", "compare_and_delete", "range", "clear"};

/* HT1.6: Go's panics when a hash runs out of bits (only with a broken
 * hash: misuse, a race, or in the model a pin changed under a key). */
static const char msg_bits_iterating[] = "internal/sync.HashTrieMap: ran out of hash bits while iterating";
static const char msg_bits_inserting[] = "internal/sync.HashTrieMap: ran out of hash bits while inserting "
					 "(incorrect use of unsafe or cgo, or data race?)";

const char *ht_phase_name(enum ht_phase p)
{
	return (unsigned)p < HT_PH__COUNT ? phase_names[p] : "?";
}

const char *ht_res_name(enum ht_res r)
{
	return (unsigned)r < sizeof res_names / sizeof res_names[0] ? res_names[r] : "?";
}

const char *ht_opkind_name(enum ht_opkind k)
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

/* ---- hashing ---- */

uint64_t hashtrie_hash(const struct hashtrie *t, int64_t key)
{
	uint64_t h;
	if (mv_pins_get(&t->pins, key, &h))
		return h;
	if (t->keykind == MV_KEY_INT || !t->strs)
		return mv_hash_int(key, (uint32_t)t->seed);
	size_t n;
	const char *s = mv_strpool_get(t->strs, (uint32_t)key, &n);
	return mv_hash_str(s, n, (uint32_t)t->seed);
}

enum mv_status hashtrie_pin(struct hashtrie *t, int64_t key, uint64_t hash)
{
	return mv_pins_set(&t->pins, key, hash);
}

/* The child index at hashShift shift (HT1.6). */
static inline uint32_t child_at(uint64_t hash, uint32_t shift)
{
	return (uint32_t)(hash >> shift) & (HT_CHILDREN - 1);
}

/* ---- nodes ---- */

static uint32_t node_lock_index(const struct hashtrie *t, uint32_t i)
{
	return t->lock_base + 1 + i;
}

/* newIndirectNode(parent) */
static uint32_t ind_new(struct hashtrie *t, uint32_t parent)
{
	uint32_t i;
	if (t->free_ind) {
		i = t->free_ind;
		t->free_ind = t->inds[i].next_free;
	} else {
		if (t->ninds >= t->inds_cap) {
			t->inds_cap = t->inds_cap ? 2 * t->inds_cap : 16;
			t->inds = mv_xrealloc(t->inds, (size_t)t->inds_cap * sizeof *t->inds);
		}
		i = t->ninds++;
	}
	struct ht_indirect *n = &t->inds[i];
	memset(n, 0, sizeof *n);
	mv_lock_init(&n->mu, MV_LOCK_MUTEX);
	n->mu.index = node_lock_index(t, i);
	n->parent = parent;
	n->depth = parent ? (uint8_t)(t->inds[parent].depth + 1) : 0;
	n->live = true;
	t->in_use++;
	t->indirects_made++;
	return i;
}

/* newEntryNode(key, value) */
static uint32_t ent_new(struct hashtrie *t, int64_t key, int64_t value)
{
	uint32_t e;
	if (t->free_ent) {
		e = t->free_ent;
		t->free_ent = t->ents[e].overflow;
	} else {
		if (t->nents >= t->ents_cap) {
			t->ents_cap = t->ents_cap ? 2 * t->ents_cap : 16;
			t->ents = mv_xrealloc(t->ents, (size_t)t->ents_cap * sizeof *t->ents);
		}
		e = t->nents++;
	}
	t->ents[e] = (struct ht_entry){.key = key, .value = value, .overflow = 0, .live = true};
	t->in_use++;
	t->entries_made++;
	return e;
}

/* Mark every node reachable from indirect root. */
static void mark_tree(const struct hashtrie *t, uint32_t root, uint8_t *mi, uint8_t *me)
{
	uint32_t stack[HT_MAX_DEPTH + 1];
	uint8_t next[HT_MAX_DEPTH + 1];
	uint32_t d = 0;
	if (!root)
		return;
	mi[root] = 1;
	stack[0] = root;
	next[0] = 0;
	d = 1;
	while (d) {
		uint32_t i = stack[d - 1];
		if (next[d - 1] == HT_CHILDREN) {
			d--;
			continue;
		}
		uint32_t ref = t->inds[i].children[next[d - 1]++];
		if (ref == HT_NIL)
			continue;
		if (ht_ref_is_entry(ref)) {
			for (uint32_t e = ht_ref_index(ref); e && !me[e]; e = t->ents[e].overflow)
				me[e] = 1;
			continue;
		}
		uint32_t c = ht_ref_index(ref);
		if (mi[c] || d > HT_MAX_DEPTH) /* a corrupt tree: never loop */
			continue;
		mi[c] = 1;
		stack[d] = c;
		next[d] = 0;
		d++;
	}
}

/* The model's garbage collector: with no operation in flight (so no op
 * holds a node index), free the nodes the root no longer reaches —
 * replaced entries (HT4.3), pruned indirects (HT6.2), trees dropped by
 * Clear (HT7.2).  Go's GC does the same; nothing observable changes. */
static void sweep(struct hashtrie *t, bool force)
{
	if (t->active || (!force && t->in_use < t->sweep_at))
		return;
	uint8_t *mi = mv_xcalloc(t->ninds ? t->ninds : 1, 1);
	uint8_t *me = mv_xcalloc(t->nents ? t->nents : 1, 1);
	mark_tree(t, t->root, mi, me);
	for (uint32_t i = 1; i < t->ninds; i++) {
		struct ht_indirect *n = &t->inds[i];
		if (!n->live || mi[i])
			continue;
		memset(n, 0, sizeof *n);
		n->next_free = t->free_ind;
		t->free_ind = i;
		t->in_use--;
	}
	for (uint32_t e = 1; e < t->nents; e++) {
		struct ht_entry *en = &t->ents[e];
		if (!en->live || me[e])
			continue;
		memset(en, 0, sizeof *en);
		en->overflow = t->free_ent;
		t->free_ent = e;
		t->in_use--;
	}
	free(mi);
	free(me);
	t->sweep_at = t->in_use * 2 > 256 ? t->in_use * 2 : 256;
}

void hashtrie_sweep(struct hashtrie *t)
{
	sweep(t, true);
}

/* ---- lifecycle ---- */

enum mv_status hashtrie_init(struct hashtrie *t, enum mv_keykind kind, uint64_t seed, const struct mv_pin *pins,
			     uint32_t npins, const struct mv_strpool *strs)
{
	memset(t, 0, sizeof *t);
	mv_lock_init(&t->init_mu, MV_LOCK_MUTEX);
	t->keykind = kind;
	t->strs = strs;
	mv_rng_init(&t->rng, seed);
	mv_pins_init(&t->pins);
	for (uint32_t i = 0; i < npins; i++)
		if (mv_pins_set(&t->pins, pins[i].key, pins[i].hash) != MV_OK) {
			mv_pins_done(&t->pins);
			return MV_ENOMEM;
		}
	t->ninds = t->nents = 1; /* index 0 is nil */
	t->sweep_at = 256;
	return MV_OK;
}

void hashtrie_done(struct hashtrie *t)
{
	free(t->inds);
	free(t->ents);
	mv_pins_done(&t->pins);
	memset(t, 0, sizeof *t);
}

enum mv_status hashtrie_copy(struct hashtrie *dst, const struct hashtrie *src)
{
	*dst = *src;
	dst->inds = NULL;
	dst->ents = NULL;
	if (mv_pins_copy(&dst->pins, &src->pins) != MV_OK) {
		mv_pins_init(&dst->pins);
		hashtrie_done(dst);
		return MV_ENOMEM;
	}
	if (src->inds_cap) {
		dst->inds = mv_xmalloc((size_t)src->inds_cap * sizeof *dst->inds);
		memcpy(dst->inds, src->inds, (size_t)src->ninds * sizeof *dst->inds);
	}
	if (src->ents_cap) {
		dst->ents = mv_xmalloc((size_t)src->ents_cap * sizeof *dst->ents);
		memcpy(dst->ents, src->ents, (size_t)src->nents * sizeof *dst->ents);
	}
	return MV_OK;
}

void hashtrie_set_lock_base(struct hashtrie *t, uint32_t base)
{
	t->lock_base = base;
	t->init_mu.index = base;
	for (uint32_t i = 1; i < t->ninds; i++)
		if (t->inds[i].live)
			t->inds[i].mu.index = node_lock_index(t, i);
}

/* ---- operations ---- */

static void op_init(struct ht_op *op, enum ht_opkind kind, int64_t key, int64_t value, const uint64_t *hash_pin)
{
	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->phase = HT_PH_INIT_CHECK;
	op->last = HT_PH_INIT_CHECK;
	op->key = key;
	op->value = value;
	op->touch_slot = -1;
	if (hash_pin) {
		op->pinned = true;
		op->hash = *hash_pin;
	}
}

void ht_op_load_init(struct ht_op *op, int64_t key, const uint64_t *hash_pin)
{
	op_init(op, HT_OP_LOAD, key, 0, hash_pin);
}

void ht_op_store_init(struct ht_op *op, int64_t key, int64_t value, const uint64_t *hash_pin)
{
	op_init(op, HT_OP_STORE, key, value, hash_pin);
}

void ht_op_swap_init(struct ht_op *op, int64_t key, int64_t value, const uint64_t *hash_pin)
{
	op_init(op, HT_OP_SWAP, key, value, hash_pin);
}

void ht_op_load_or_store_init(struct ht_op *op, int64_t key, int64_t value, const uint64_t *hash_pin)
{
	op_init(op, HT_OP_LOAD_OR_STORE, key, value, hash_pin);
}

void ht_op_load_and_delete_init(struct ht_op *op, int64_t key, const uint64_t *hash_pin)
{
	op_init(op, HT_OP_LOAD_AND_DELETE, key, 0, hash_pin);
}

void ht_op_delete_init(struct ht_op *op, int64_t key, const uint64_t *hash_pin)
{
	op_init(op, HT_OP_DELETE, key, 0, hash_pin);
}

void ht_op_compare_and_swap_init(struct ht_op *op, int64_t key, int64_t old, int64_t new_value,
				 const uint64_t *hash_pin)
{
	op_init(op, HT_OP_COMPARE_AND_SWAP, key, new_value, hash_pin);
	op->old = old;
}

void ht_op_compare_and_delete_init(struct ht_op *op, int64_t key, int64_t old, const uint64_t *hash_pin)
{
	op_init(op, HT_OP_COMPARE_AND_DELETE, key, 0, hash_pin);
	op->old = old;
}

void ht_op_range_init(struct ht_op *op)
{
	op_init(op, HT_OP_RANGE, 0, 0, NULL);
}

void ht_op_clear_init(struct ht_op *op)
{
	op_init(op, HT_OP_CLEAR, 0, 0, NULL);
}

/* The step context. */
struct htctx {
	struct hashtrie *t;
	struct ht_op *op;
	uint32_t self;
	uint64_t now;
	uint32_t *woken;
	uint32_t *nwoken;
	const struct mv_sink *sink;
};

static enum ht_res finish(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	struct ht_op *op = c->op;
	op->phase = HT_PH_DONE;
	if (t->active)
		t->active--;
	sweep(t, false);
	return op->fatal ? HT_FATAL : HT_DONE;
}

/* A panic (HT1.6) or fatal error: the caller reports it, as for
 * syncmap's SM_FATAL. */
static enum ht_res fail(const struct htctx *c, const char *msg, bool panicked)
{
	c->op->fatal = msg;
	c->op->panicked = panicked;
	return finish(c);
}

static enum ht_res next(const struct htctx *c, enum ht_phase p)
{
	c->op->phase = p;
	return HT_MORE;
}

/* The depth of the node whose children hashShift shift indexes. */
static inline int64_t depth_of(uint32_t shift)
{
	return (60 - (int64_t)shift) / 4;
}

static void touch(const struct htctx *c, uint32_t node, int32_t slot, uint32_t ref)
{
	c->op->touch_node = node;
	c->op->touch_slot = slot;
	c->op->touch_entry = ht_ref_is_entry(ref) ? ht_ref_index(ref) : 0;
}

/* Does entry e match: the key, and for CompareAndSwap (the only find with
 * valEqual, HT6.5) also the value old?  valEqual is nilinterequal: all
 * values are int64, so equal dynamic types, and values compare by value. */
static bool entry_matches(const struct hashtrie *t, uint32_t e, int64_t key, bool by_value, int64_t old)
{
	const struct ht_entry *en = &t->ents[e];
	return en->key == key && (!by_value || en->value == old);
}

/* Under i.mu: the chain from head e holding key (and value old when
 * by_value); its predecessor in *pred (0 = it is the head).  0 = none. */
static uint32_t chain_find(const struct hashtrie *t, uint32_t e, int64_t key, bool by_value, int64_t old,
			   uint32_t *pred)
{
	uint32_t p = 0;
	for (uint32_t n = 0; e && n <= t->nents; e = t->ents[e].overflow, n++) {
		if (entry_matches(t, e, key, by_value, old)) {
			if (pred)
				*pred = p;
			return e;
		}
		p = e;
	}
	return 0;
}

/* ---- lock phases ---- */

static enum ht_res to_lock(const struct htctx *c, enum ht_phase p)
{
	mv_lock_op_init(&c->op->lk, MV_I_LOCK);
	return next(c, p);
}

static enum ht_res to_unlock(const struct htctx *c, enum ht_phase p)
{
	mv_lock_op_init(&c->op->lk, MV_I_UNLOCK);
	return next(c, p);
}

/* One step of op->lk on lk: HT_MORE / HT_BLOCKED while it runs; on
 * success *done is set. */
static enum ht_res lock_step(const struct htctx *c, struct mv_lock *lk, bool *done)
{
	struct ht_op *op = c->op;
	*done = false;
	switch (mv_lock_step(lk, &op->lk, c->self, c->now, c->woken, c->nwoken, c->sink)) {
	case MV_LK_MORE:
		return HT_MORE;
	case MV_LK_BLOCKED:
		return HT_BLOCKED;
	case MV_LK_DONE:
		*done = true;
		return HT_MORE;
	case MV_LK_FATAL:
		break;
	}
	op->fatal = op->lk.fatal ? op->lk.fatal : "sync: unlock of unlocked mutex";
	return finish(c);
}

/* ---- init (HT2.1) ---- */

/* After init(): what the method does next. */
static enum ht_res after_init(const struct htctx *c)
{
	switch (c->op->kind) {
	case HT_OP_RANGE:
		return next(c, HT_PH_RANGE_ROOT);
	case HT_OP_CLEAR:
		return next(c, HT_PH_CLEAR_ROOT);
	default:
		return next(c, HT_PH_HASH);
	}
}

static enum ht_res ph_init_check(const struct htctx *c)
{
	if (c->t->inited)
		return after_init(c);
	return to_lock(c, HT_PH_INIT_LOCK); /* initSlow */
}

static enum ht_res ph_init_lock(const struct htctx *c)
{
	bool done;
	enum ht_res r = lock_step(c, &c->t->init_mu, &done);
	if (!done)
		return r;
	c->op->init_locked = true;
	return next(c, HT_PH_INIT_RECHECK);
}

static enum ht_res ph_init_recheck(const struct htctx *c)
{
	if (c->t->inited) /* someone got to it while we were waiting */
		return to_unlock(c, HT_PH_INIT_UNLOCK);
	return next(c, HT_PH_INIT_ROOT);
}

/* root.Store(newIndirectNode(nil)); keyHash, valEqual; seed = rand().  The
 * plain writes are invisible until inited.Store(1): every reader of root
 * first sees inited == 1. */
static enum ht_res ph_init_root(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	t->root = ind_new(t, 0);
	t->seed = mv_rng_u64(&t->rng);
	EMIT(c->sink, .kind = MV_EV_TRIE_INIT, .n = (int64_t)t->seed);
	touch(c, t->root, -1, 0);
	return next(c, HT_PH_INIT_DONE);
}

static enum ht_res ph_init_done(const struct htctx *c)
{
	c->t->inited = true;
	return to_unlock(c, HT_PH_INIT_UNLOCK);
}

static enum ht_res ph_init_unlock(const struct htctx *c)
{
	bool done;
	enum ht_res r = lock_step(c, &c->t->init_mu, &done);
	if (!done)
		return r;
	c->op->init_locked = false;
	return after_init(c);
}

/* ---- the descent (HT3.1, HT4.2, HT5.1, HT6.1) ---- */

/* HT2.2: hash := keyHash(key, seed). */
static enum ht_res ph_hash(const struct htctx *c)
{
	struct ht_op *op = c->op;
	op->hash = hashtrie_hash(c->t, op->key);
	op->hashed = true;
	return next(c, HT_PH_LOAD_ROOT);
}

static enum ht_res ph_load_root(const struct htctx *c)
{
	struct ht_op *op = c->op;
	op->i = c->t->root;
	op->shift = 64;
	touch(c, op->i, -1, 0);
	return next(c, HT_PH_LOAD_CHILD);
}

/* The lock-free chain walk reached entry op->e (e.lookup, HT3.1, HT5.1;
 * e.lookupWithValue, HT6.1). */
static enum ht_res chain_at(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	struct ht_op *op = c->op;
	const struct ht_entry *en = &t->ents[op->e];
	c->op->touch_entry = op->e;
	if (!entry_matches(t, op->e, op->key, op->kind == HT_OP_COMPARE_AND_SWAP, op->old))
		return next(c, HT_PH_LOAD_OVERFLOW);
	switch (op->kind) {
	case HT_OP_LOAD:
	case HT_OP_LOAD_OR_STORE: /* HT5.1: loaded without locking */
		op->found = true;
		op->result = en->value;
		return finish(c);
	default: /* find: a match; lock the parent and check again */
		return to_lock(c, HT_PH_LOCK);
	}
}

/* The chain walk ended without a match. */
static enum ht_res chain_end(const struct htctx *c)
{
	struct ht_op *op = c->op;
	switch (op->kind) {
	case HT_OP_LOAD_OR_STORE: /* an insertion point */
		return to_lock(c, HT_PH_LOCK);
	default: /* Load, find: not found, no lock held */
		op->found = false;
		op->result = 0;
		return finish(c);
	}
}

static enum ht_res ph_load_child(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	struct ht_op *op = c->op;
	if (op->shift == 0) /* HT1.6: only with a broken hash */
		return fail(c, msg_bits_iterating, true);
	op->shift -= HT_CHILDREN_LOG2;
	op->slot = child_at(op->hash, op->shift);
	uint32_t n = op->n = t->inds[op->i].children[op->slot];
	touch(c, op->i, (int32_t)op->slot, n);
	if (ht_ref_is_indirect(n)) {
		op->i = ht_ref_index(n);
		return HT_MORE; /* load_child again, one level down */
	}
	if (n == HT_NIL) {
		switch (op->kind) {
		case HT_OP_STORE:
		case HT_OP_SWAP:
		case HT_OP_LOAD_OR_STORE: /* a nil slot: the insertion point */
			return to_lock(c, HT_PH_LOCK);
		default: /* Load miss; find: nothing to compare with */
			op->found = false;
			op->result = 0;
			return finish(c);
		}
	}
	if (op->kind == HT_OP_STORE || op->kind == HT_OP_SWAP) /* HT4.2: replace or expand it */
		return to_lock(c, HT_PH_LOCK);
	op->e = ht_ref_index(n);
	return chain_at(c);
}

static enum ht_res ph_load_overflow(const struct htctx *c)
{
	struct ht_op *op = c->op;
	op->e = c->t->ents[op->e].overflow;
	if (!op->e)
		return chain_end(c);
	return chain_at(c);
}

/* ---- under i.mu ---- */

static enum ht_res ph_lock(const struct htctx *c)
{
	struct ht_op *op = c->op;
	bool done;
	enum ht_res r = lock_step(c, &c->t->inds[op->i].mu, &done);
	if (!done)
		return r;
	op->locked = true;
	touch(c, op->i, (int32_t)op->slot, 0);
	return next(c, HT_PH_RECHECK);
}

/* The result of an op that inserted its key. */
static void inserted(struct ht_op *op)
{
	op->found = false;
	op->result = op->kind == HT_OP_LOAD_OR_STORE ? op->value : 0;
}

/* HT4.2, HT5.1, HT6.1: n = slot.Load(); restart if i is dead or the slot
 * became an indirect node.  Then decide under the lock what to do. */
static enum ht_res ph_recheck(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	struct ht_op *op = c->op;
	const struct ht_indirect *in = &t->inds[op->i];
	uint32_t n = op->n = in->children[op->slot];
	touch(c, op->i, (int32_t)op->slot, n);
	if (ht_ref_is_indirect(n) || in->dead) {
		t->restarts++;
		EMIT(c->sink, .kind = MV_EV_TRIE_RESTART, .key = op->key, .depth = depth_of(op->shift));
		op->restart = true;
		return to_unlock(c, HT_PH_UNLOCK);
	}
	uint32_t head = ht_ref_index(n), e = 0;
	switch (op->kind) {
	case HT_OP_STORE:
	case HT_OP_SWAP: /* HT4.3 */
		if (n == HT_NIL)
			return next(c, HT_PH_INSERT);
		if (chain_find(t, head, op->key, false, 0, NULL))
			return next(c, HT_PH_REPLACE);
		return next(c, HT_PH_EXPAND);
	case HT_OP_LOAD_OR_STORE: /* HT5.1: look again under the lock */
		if (n == HT_NIL)
			return next(c, HT_PH_INSERT);
		if ((e = chain_find(t, head, op->key, false, 0, NULL)) != 0) {
			op->found = true;
			op->result = t->ents[e].value;
			return to_unlock(c, HT_PH_UNLOCK);
		}
		return next(c, HT_PH_EXPAND);
	case HT_OP_LOAD_AND_DELETE:
	case HT_OP_DELETE:
	case HT_OP_COMPARE_AND_DELETE: /* HT6.2, HT6.4: find had no valEqual */
	case HT_OP_COMPARE_AND_SWAP:   /* HT6.5 */
		if (n != HT_NIL)
			e = chain_find(t, head, op->key,
				       op->kind == HT_OP_COMPARE_AND_DELETE || op->kind == HT_OP_COMPARE_AND_SWAP,
				       op->old, NULL);
		if (!e) { /* gone (or changed) since the lock-free look */
			op->found = false;
			op->result = 0;
			return to_unlock(c, HT_PH_UNLOCK);
		}
		return next(c, op->kind == HT_OP_COMPARE_AND_SWAP ? HT_PH_REPLACE : HT_PH_REMOVE);
	case HT_OP_LOAD:
	case HT_OP_RANGE:
	case HT_OP_CLEAR:
		break;
	}
	return to_unlock(c, HT_PH_UNLOCK);
}

/* HT4.3 entry.swap, HT6.5 entry.compareAndSwap: a brand-new entry for the
 * key.  At the head, it becomes the head (inheriting the old head's
 * overflow) and the slot gets it; further down, the predecessor's overflow
 * is repointed to it (Go then stores the unchanged head into the slot
 * again, which no one can tell from not storing it). */
static enum ht_res ph_replace(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	struct ht_op *op = c->op;
	uint32_t pred = 0, head = ht_ref_index(op->n);
	uint32_t old = chain_find(t, head, op->key, op->kind == HT_OP_COMPARE_AND_SWAP, op->old, &pred);
	if (!old) /* cannot happen: recheck found it and we hold the lock */
		return to_unlock(c, HT_PH_UNLOCK);
	int64_t was = t->ents[old].value;
	uint32_t ne = ent_new(t, op->key, op->value);
	t->ents[ne].overflow = t->ents[old].overflow;
	if (pred)
		t->ents[pred].overflow = ne;
	else
		t->inds[op->i].children[op->slot] = HT_REF_ENTRY | ne;
	op->found = true;
	op->result = op->kind == HT_OP_COMPARE_AND_SWAP ? 0 : was;
	touch(c, op->i, (int32_t)op->slot, HT_REF_ENTRY | ne);
	EMIT(c->sink, .kind = MV_EV_TRIE_REPLACE, .key = op->key, .value = op->value,
	     .depth = depth_of(op->shift), .slot = op->slot);
	return to_unlock(c, HT_PH_UNLOCK);
}

/* HT4.3: a nil slot gets the new entry. */
static enum ht_res ph_insert(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	struct ht_op *op = c->op;
	uint32_t ne = ent_new(t, op->key, op->value);
	t->inds[op->i].children[op->slot] = HT_REF_ENTRY | ne;
	inserted(op);
	touch(c, op->i, (int32_t)op->slot, HT_REF_ENTRY | ne);
	EMIT(c->sink, .kind = MV_EV_TRIE_INSERT, .key = op->key, .value = op->value, .depth = depth_of(op->shift),
	     .slot = op->slot);
	return to_unlock(c, HT_PH_UNLOCK);
}

/* HT4.4 expand(oldEntry, newEntry, hash, hashShift, i), on nodes no one
 * else can reach yet: a full-hash collision prepends the new entry to the
 * chain; otherwise a column of indirect nodes down to the first nibble
 * where the two hashes differ. */
static enum ht_res ph_expand(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	struct ht_op *op = c->op;
	uint32_t old = ht_ref_index(op->n);
	uint32_t ne = ent_new(t, op->key, op->value);
	uint64_t old_hash = hashtrie_hash(t, t->ents[old].key);
	op->levels = 0;
	if (old_hash == op->hash) { /* HT4.4.1 */
		t->ents[ne].overflow = old;
		op->top = HT_REF_ENTRY | ne;
		touch(c, op->i, (int32_t)op->slot, op->top);
		return next(c, HT_PH_PUBLISH);
	}
	uint32_t top = ind_new(t, op->i), cur = top, shift = op->shift;
	op->top = top;
	for (;;) {
		if (shift == 0) /* cannot happen with distinct 64-bit hashes */
			return fail(c, msg_bits_inserting, true);
		shift -= HT_CHILDREN_LOG2;
		op->levels++;
		uint32_t oi = child_at(old_hash, shift), ni = child_at(op->hash, shift);
		if (oi != ni) {
			t->inds[cur].children[oi] = HT_REF_ENTRY | old;
			t->inds[cur].children[ni] = HT_REF_ENTRY | ne;
			break;
		}
		uint32_t nx = ind_new(t, cur);
		t->inds[cur].children[oi] = nx;
		cur = nx;
	}
	touch(c, op->i, (int32_t)op->slot, HT_REF_ENTRY | ne);
	return next(c, HT_PH_PUBLISH);
}

/* HT4.4.3: slot.Store(top), last, so readers never see the old entry gone. */
static enum ht_res ph_publish(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	struct ht_op *op = c->op;
	t->inds[op->i].children[op->slot] = op->top;
	inserted(op);
	touch(c, op->i, (int32_t)op->slot, op->top);
	if (op->levels == 0) {
		t->collisions++;
		EMIT(c->sink, .kind = MV_EV_TRIE_COLLIDE, .key = op->key, .depth = depth_of(op->shift),
		     .slot = op->slot);
	} else {
		t->expands++;
		EMIT(c->sink, .kind = MV_EV_TRIE_EXPAND, .key = op->key, .depth = depth_of(op->shift),
		     .slot = op->slot, .n = op->levels);
	}
	return to_unlock(c, HT_PH_UNLOCK);
}

/* HT6.2 entry.loadAndDelete / HT6.4 entry.compareAndDelete: unlink the
 * entry; at the head the slot gets its overflow (nil for a lone entry). */
static enum ht_res ph_remove(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	struct ht_op *op = c->op;
	uint32_t pred = 0, head = ht_ref_index(op->n);
	uint32_t e = chain_find(t, head, op->key, op->kind == HT_OP_COMPARE_AND_DELETE, op->old, &pred);
	if (!e)
		return to_unlock(c, HT_PH_UNLOCK);
	op->found = true;
	op->result = op->kind == HT_OP_COMPARE_AND_DELETE ? 0 : t->ents[e].value;
	uint32_t rest;
	if (pred) {
		t->ents[pred].overflow = t->ents[e].overflow;
		rest = HT_REF_ENTRY | head;
	} else {
		rest = t->ents[e].overflow ? HT_REF_ENTRY | t->ents[e].overflow : HT_NIL;
	}
	t->inds[op->i].children[op->slot] = rest;
	touch(c, op->i, (int32_t)op->slot, HT_REF_ENTRY | e);
	EMIT(c->sink, .kind = MV_EV_TRIE_REMOVE, .key = op->key, .depth = depth_of(op->shift), .slot = op->slot);
	if (rest != HT_NIL) /* the chain lives on: the parent is not empty */
		return to_unlock(c, HT_PH_UNLOCK);
	return next(c, HT_PH_PRUNE_CHECK);
}

/* HT6.2: for i.parent != nil && i.empty() — under i.mu, i's children are
 * stable, so the 16 loads of empty() are one step. */
static enum ht_res ph_prune_check(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	struct ht_op *op = c->op;
	const struct ht_indirect *in = &t->inds[op->i];
	bool empty = true;
	for (unsigned j = 0; j < HT_CHILDREN; j++)
		if (in->children[j] != HT_NIL)
			empty = false;
	touch(c, op->i, -1, 0);
	if (!in->parent || !empty)
		return to_unlock(c, HT_PH_UNLOCK);
	if (op->shift >= 64)
		return fail(c, msg_bits_iterating, true);
	op->shift += HT_CHILDREN_LOG2;
	return to_lock(c, HT_PH_LOCK_PARENT);
}

static enum ht_res ph_lock_parent(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	struct ht_op *op = c->op;
	bool done;
	enum ht_res r = lock_step(c, &t->inds[t->inds[op->i].parent].mu, &done);
	if (!done)
		return r;
	return next(c, HT_PH_PRUNE);
}

/* HT6.2: i.dead.Store(true); parent.children[..].Store(nil).  No one can
 * tell the two stores apart: whoever waits for i.mu checks dead only after
 * this op's unlock, and readers never look at dead. */
static enum ht_res ph_prune(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	struct ht_op *op = c->op;
	uint32_t p = t->inds[op->i].parent, j = child_at(op->hash, op->shift);
	t->inds[op->i].dead = true;
	t->inds[p].children[j] = HT_NIL;
	t->prunes++;
	touch(c, p, (int32_t)j, 0);
	EMIT(c->sink, .kind = MV_EV_TRIE_PRUNE, .depth = t->inds[op->i].depth, .slot = j);
	return to_unlock(c, HT_PH_UNLOCK_CHILD);
}

static enum ht_res ph_unlock_child(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	struct ht_op *op = c->op;
	bool done;
	enum ht_res r = lock_step(c, &t->inds[op->i].mu, &done);
	if (!done)
		return r;
	op->i = t->inds[op->i].parent; /* i = parent: its lock is held */
	return next(c, HT_PH_PRUNE_CHECK);
}

static enum ht_res ph_unlock(const struct htctx *c)
{
	struct ht_op *op = c->op;
	bool done;
	enum ht_res r = lock_step(c, &c->t->inds[op->i].mu, &done);
	if (!done)
		return r;
	op->locked = false;
	if (op->restart) { /* HT4.2: start over from the root */
		op->restart = false;
		return next(c, HT_PH_LOAD_ROOT);
	}
	return finish(c);
}

/* ---- Range (HT7.1) and Clear (HT7.2) ---- */

/* Past the last child of finished frames; done when none is left. */
static enum ht_res range_advance(const struct htctx *c)
{
	struct ht_op *op = c->op;
	while (op->depth && op->stack[op->depth - 1].next >= HT_CHILDREN)
		op->depth--;
	if (!op->depth)
		return finish(c);
	return next(c, HT_PH_RANGE_CHILD);
}

static enum ht_res range_yield(const struct htctx *c)
{
	struct ht_op *op = c->op;
	const struct ht_entry *en = &c->t->ents[op->e];
	op->found = true;
	op->result_key = en->key;
	op->result = en->value;
	op->touch_entry = op->e;
	op->phase = HT_PH_RANGE_OVERFLOW;
	return HT_YIELD;
}

static enum ht_res ph_range_root(const struct htctx *c)
{
	struct ht_op *op = c->op;
	op->depth = 1;
	op->stack[0] = (struct ht_frame){c->t->root, 0};
	touch(c, c->t->root, -1, 0);
	return next(c, HT_PH_RANGE_CHILD);
}

static enum ht_res ph_range_child(const struct htctx *c)
{
	struct ht_op *op = c->op;
	struct ht_frame *f = &op->stack[op->depth - 1];
	uint32_t j = f->next++, n = c->t->inds[f->node].children[j];
	touch(c, f->node, (int32_t)j, n);
	if (n == HT_NIL)
		return range_advance(c);
	if (ht_ref_is_entry(n)) {
		op->e = ht_ref_index(n);
		return range_yield(c);
	}
	if (op->depth > HT_MAX_DEPTH) /* HT1.6: deeper than 64 bits */
		return fail(c, msg_bits_iterating, true);
	op->stack[op->depth++] = (struct ht_frame){ht_ref_index(n), 0};
	return HT_MORE;
}

static enum ht_res ph_range_overflow(const struct htctx *c)
{
	struct ht_op *op = c->op;
	op->e = c->t->ents[op->e].overflow;
	if (op->e)
		return range_yield(c);
	return range_advance(c);
}

/* root.Store(newIndirectNode(nil)): the old tree is dropped whole, the
 * seed kept (HT2.3). */
static enum ht_res ph_clear_root(const struct htctx *c)
{
	struct hashtrie *t = c->t;
	t->root = ind_new(t, 0);
	t->clears++;
	touch(c, t->root, -1, 0);
	EMIT(c->sink, .kind = MV_EV_TRIE_CLEAR);
	return finish(c);
}

/* One phase per function; the table runs the op's next one. */
static enum ht_res (*const phases[HT_PH__COUNT])(const struct htctx *c) = {
	[HT_PH_INIT_CHECK] = ph_init_check,
	[HT_PH_INIT_LOCK] = ph_init_lock,
	[HT_PH_INIT_RECHECK] = ph_init_recheck,
	[HT_PH_INIT_ROOT] = ph_init_root,
	[HT_PH_INIT_DONE] = ph_init_done,
	[HT_PH_INIT_UNLOCK] = ph_init_unlock,
	[HT_PH_HASH] = ph_hash,
	[HT_PH_LOAD_ROOT] = ph_load_root,
	[HT_PH_LOAD_CHILD] = ph_load_child,
	[HT_PH_LOAD_OVERFLOW] = ph_load_overflow,
	[HT_PH_LOCK] = ph_lock,
	[HT_PH_RECHECK] = ph_recheck,
	[HT_PH_REPLACE] = ph_replace,
	[HT_PH_INSERT] = ph_insert,
	[HT_PH_EXPAND] = ph_expand,
	[HT_PH_PUBLISH] = ph_publish,
	[HT_PH_REMOVE] = ph_remove,
	[HT_PH_PRUNE_CHECK] = ph_prune_check,
	[HT_PH_LOCK_PARENT] = ph_lock_parent,
	[HT_PH_PRUNE] = ph_prune,
	[HT_PH_UNLOCK_CHILD] = ph_unlock_child,
	[HT_PH_UNLOCK] = ph_unlock,
	[HT_PH_RANGE_ROOT] = ph_range_root,
	[HT_PH_RANGE_CHILD] = ph_range_child,
	[HT_PH_RANGE_OVERFLOW] = ph_range_overflow,
	[HT_PH_CLEAR_ROOT] = ph_clear_root,
};

const struct mv_lock *ht_op_lock(const struct hashtrie *t, const struct ht_op *op)
{
	switch (op->phase) {
	case HT_PH_INIT_LOCK:
	case HT_PH_INIT_UNLOCK:
		return &t->init_mu;
	case HT_PH_LOCK:
	case HT_PH_UNLOCK:
	case HT_PH_UNLOCK_CHILD:
		return op->i && op->i < t->ninds ? &t->inds[op->i].mu : NULL;
	case HT_PH_LOCK_PARENT:
		return op->i && op->i < t->ninds && t->inds[op->i].parent ? &t->inds[t->inds[op->i].parent].mu
									   : NULL;
	default:
		return NULL;
	}
}

enum ht_res ht_step(struct hashtrie *t, struct ht_op *op, uint32_t self, uint64_t now, uint32_t *woken,
		    uint32_t *nwoken, const struct mv_sink *sink)
{
	const struct htctx c = {t, op, self, now, woken, nwoken, sink};
	if (op->phase == HT_PH_DONE || op->phase >= HT_PH__COUNT)
		return op->fatal ? HT_FATAL : HT_DONE;
	/* Still queued on a Mutex: not woken yet, nothing happens (locks.h). */
	if (op->phase == HT_PH_INIT_LOCK || op->phase == HT_PH_LOCK || op->phase == HT_PH_LOCK_PARENT) {
		const struct mv_lock *lk = ht_op_lock(t, op);
		if (lk && self < MV_LOCK_MAX_WAITERS && mv_lock_queued(lk, self))
			return HT_BLOCKED;
	}
	if (op->steps == 0) {
		t->active++;
		if (op->pinned) /* the op's pin is the key's hash from now on */
			(void)mv_pins_set(&t->pins, op->key, op->hash);
	}
	op->steps++;
	op->last = op->phase;
	return phases[op->phase](&c);
}

enum ht_res ht_run(struct hashtrie *t, struct ht_op *op, uint32_t self, uint64_t now, uint32_t *woken,
		   uint32_t *nwoken, const struct mv_sink *sink)
{
	enum ht_res r;
	while ((r = ht_step(t, op, self, now, woken, nwoken, sink)) == HT_MORE || r == HT_YIELD)
		;
	return r;
}

void ht_op_abandon(struct hashtrie *t, struct ht_op *op)
{
	if (op->phase == HT_PH_DONE)
		return;
	if (op->steps == 0) {
		op->phase = HT_PH_DONE;
		return;
	}
	const struct htctx c = {t, op, 0, 0, NULL, NULL, NULL};
	finish(&c);
}

/* ---- whole operations ---- */

static bool run_whole(struct hashtrie *t, struct ht_op *op)
{
	if (ht_run(t, op, 0, 0, NULL, NULL, NULL) != HT_DONE) {
		ht_op_abandon(t, op);
		return false;
	}
	return true;
}

bool hashtrie_load(struct hashtrie *t, int64_t key, int64_t *value)
{
	struct ht_op op;
	ht_op_load_init(&op, key, NULL);
	if (!run_whole(t, &op) || !op.found)
		return false;
	if (value)
		*value = op.result;
	return true;
}

void hashtrie_store(struct hashtrie *t, int64_t key, int64_t value)
{
	struct ht_op op;
	ht_op_store_init(&op, key, value, NULL);
	run_whole(t, &op);
}

bool hashtrie_swap(struct hashtrie *t, int64_t key, int64_t value, int64_t *previous)
{
	struct ht_op op;
	ht_op_swap_init(&op, key, value, NULL);
	if (!run_whole(t, &op) || !op.found)
		return false;
	if (previous)
		*previous = op.result;
	return true;
}

bool hashtrie_load_or_store(struct hashtrie *t, int64_t key, int64_t value, int64_t *actual)
{
	struct ht_op op;
	ht_op_load_or_store_init(&op, key, value, NULL);
	run_whole(t, &op);
	if (actual)
		*actual = op.result;
	return op.found;
}

bool hashtrie_load_and_delete(struct hashtrie *t, int64_t key, int64_t *value)
{
	struct ht_op op;
	ht_op_load_and_delete_init(&op, key, NULL);
	if (!run_whole(t, &op) || !op.found)
		return false;
	if (value)
		*value = op.result;
	return true;
}

void hashtrie_delete(struct hashtrie *t, int64_t key)
{
	struct ht_op op;
	ht_op_delete_init(&op, key, NULL);
	run_whole(t, &op);
}

bool hashtrie_compare_and_swap(struct hashtrie *t, int64_t key, int64_t old, int64_t new_value)
{
	struct ht_op op;
	ht_op_compare_and_swap_init(&op, key, old, new_value, NULL);
	return run_whole(t, &op) && op.found;
}

bool hashtrie_compare_and_delete(struct hashtrie *t, int64_t key, int64_t old)
{
	struct ht_op op;
	ht_op_compare_and_delete_init(&op, key, old, NULL);
	return run_whole(t, &op) && op.found;
}

void hashtrie_clear(struct hashtrie *t)
{
	struct ht_op op;
	ht_op_clear_init(&op);
	run_whole(t, &op);
}

uint32_t hashtrie_range(struct hashtrie *t, int64_t *keys, int64_t *values, uint32_t cap)
{
	struct ht_op op;
	ht_op_range_init(&op);
	uint32_t n = 0;
	enum ht_res r;
	while ((r = ht_step(t, &op, 0, 0, NULL, NULL, NULL)) == HT_MORE || r == HT_YIELD) {
		if (r != HT_YIELD)
			continue;
		if (n < cap) {
			if (keys)
				keys[n] = op.result_key;
			if (values)
				values[n] = op.result;
		}
		n++;
	}
	if (r != HT_DONE)
		ht_op_abandon(t, &op);
	return n;
}

/* ---- views ---- */

int32_t hashtrie_lock_holder(const struct mv_lock *lk)
{
	const struct mv_mutex *m = &lk->mu;
	if (lk->kind != MV_LOCK_MUTEX || !(m->state & MV_MUTEX_LOCKED) || !m->holder_mask)
		return -1;
	int32_t w = 0;
	while (!(m->holder_mask & ((uint64_t)1 << w)))
		w++;
	return w;
}

int hashtrie_lock_of(const struct hashtrie *t, int64_t n, uint32_t *node)
{
	if (n == (int64_t)t->lock_base)
		return 1;
	int64_t i = n - (int64_t)t->lock_base - 1;
	if (i >= 1 && i < (int64_t)t->ninds && t->inds[i].live) {
		if (node)
			*node = (uint32_t)i;
		return 2;
	}
	return 0;
}

uint64_t hashtrie_count(const struct hashtrie *t)
{
	uint8_t *mi = mv_xcalloc(t->ninds ? t->ninds : 1, 1);
	uint8_t *me = mv_xcalloc(t->nents ? t->nents : 1, 1);
	mark_tree(t, t->root, mi, me);
	uint64_t n = 0;
	for (uint32_t e = 1; e < t->nents; e++)
		n += me[e];
	free(mi);
	free(me);
	return n;
}

int hashtrie_key_cmp(const struct hashtrie *t, int64_t a, int64_t b)
{
	if (t->keykind == MV_KEY_INT || !t->strs)
		return a < b ? -1 : a > b;
	size_t la, lb;
	const char *sa = mv_strpool_get(t->strs, (uint32_t)a, &la);
	const char *sb = mv_strpool_get(t->strs, (uint32_t)b, &lb);
	int r = memcmp(sa, sb, la < lb ? la : lb);
	if (r)
		return r;
	return la < lb ? -1 : la > lb;
}

/* HT8.1: what boxing v into an any allocates (convT64, convTstring). */
static uint64_t box_int(int64_t v)
{
	return (uint64_t)v < 256 ? 0 : 8;
}

void hashtrie_memory(const struct hashtrie *t, struct ht_memory *mem)
{
	memset(mem, 0, sizeof *mem);
	mem->header = 48;
	uint8_t *mi = mv_xcalloc(t->ninds ? t->ninds : 1, 1);
	uint8_t *me = mv_xcalloc(t->nents ? t->nents : 1, 1);
	mark_tree(t, t->root, mi, me);
	uint32_t allocated = 0;
	for (uint32_t i = 1; i < t->ninds; i++) {
		allocated += t->inds[i].live;
		mem->indirects += mi[i];
	}
	for (uint32_t e = 1; e < t->nents; e++) {
		allocated += t->ents[e].live;
		if (!me[e])
			continue;
		mem->entries++;
		const struct ht_entry *en = &t->ents[e];
		if (t->keykind == MV_KEY_INT) {
			mem->boxes += box_int(en->key);
		} else {
			size_t len = 0;
			if (t->strs)
				(void)mv_strpool_get(t->strs, (uint32_t)en->key, &len);
			mem->boxes += len ? 16 : 0;
		}
		mem->boxes += box_int(en->value);
	}
	free(mi);
	free(me);
	mem->indirect = 152 * (uint64_t)mem->indirects;
	mem->entry = 48 * (uint64_t)mem->entries;
	mem->total = mem->header + mem->indirect + mem->entry + mem->boxes;
	mem->total_class = mem->header + 160 * (uint64_t)mem->indirects + mem->entry + mem->boxes;
	mem->garbage = allocated - mem->indirects - mem->entries;
	mem->model = sizeof *t + (uint64_t)t->inds_cap * sizeof *t->inds + (uint64_t)t->ents_cap * sizeof *t->ents +
		     (uint64_t)t->pins.cap * sizeof *t->pins.slots;
}
