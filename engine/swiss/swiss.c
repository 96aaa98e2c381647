/*
 * swiss: storage, lifecycle, the rules the step machine and the whole
 * operations share (uncheckedPutSlot, pruneTombstones, table.Clear, grow,
 * split, conversion, directory installs), the whole operations themselves
 * (mapassign_fast64/_faststr, mapaccess2, mapdelete) and memory accounting.
 * See swiss.h for the contract; rule numbers refer to go-swiss-semantics.md.
 *
 * Storage: groups live in one slab named by index.  A table's groups are a
 * block of 2^k consecutive groups (k <= 7); freed blocks go on a free list
 * per k and are reused first, so a map that keeps growing and splitting
 * reuses the memory of the tables it replaced, as Go's heap would.
 */
#include "engine/swiss/swiss_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "engine/core/alloc.h"

/* ---- storage ---- */

/*
 * Like Go's heap, ask for transparent huge pages, so that a probe into a
 * large map costs one TLB entry per 2 MiB — but only for a slab allocated
 * at its full size at once (make with a large hint), as gomap does: a slab
 * that grows is moved by realloc, which glibc does with mremap, copying
 * nothing; huge pages there would turn each move into fresh page faults.
 */
static void advise_huge(void *p, size_t len)
{
	uintptr_t lo = ((uintptr_t)p + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
	uintptr_t hi = ((uintptr_t)p + len) & ~(uintptr_t)((2u << 20) - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

static void slab_reserve(struct swmap *m, uint64_t n)
{
	if (n <= m->slab_cap)
		return;
	uint64_t cap = m->slab_cap ? m->slab_cap : 16;
	if (m->slab_cap == 0 && n > cap)
		cap = n; /* make with a hint: exactly its tables */
	while (cap < n)
		cap *= 2;
	if (cap > UINT32_MAX)
		cap = UINT32_MAX; /* the allocation below then fails loudly */
	if (m->slab_cap == 0) {
		/* fresh zeroed memory, like the pages Go's heap gets from the
		 * OS: blocks carved from it need no zeroing (slab_dirty); a
		 * copy of a map with no slab holds a placeholder */
		free(m->slab);
		m->slab = mv_xcalloc(cap, sizeof *m->slab);
		advise_huge(m->slab, cap * sizeof *m->slab);
	} else {
		m->slab = mv_xrealloc(m->slab, cap * sizeof *m->slab);
		m->slab_dirty = (uint32_t)cap; /* realloc's new tail is not zeroed */
	}
	m->slab_cap = (uint32_t)cap;
}

static inline unsigned log2u(uint32_t n)
{
	return (unsigned)__builtin_ctz(n);
}

uint32_t sw_groups_alloc(struct swmap *m, uint32_t n)
{
	unsigned k = log2u(n);
	uint32_t first = m->free_groups[k];
	if (first) {
		m->free_groups[k] = (uint32_t)m->slab[first].slots[0].key;
	} else {
		slab_reserve(m, (uint64_t)m->slab_len + n);
		first = m->slab_len;
		m->slab_len += n;
	}
	struct sw_group *g = &m->slab[first];
	if (first < m->slab_dirty)
		memset(g, 0, (size_t)n * sizeof *g); /* newarray: zeroed */
	else
		m->slab_dirty = first + n; /* still zero from calloc */
	for (uint32_t i = 0; i < n; i++)
		g[i].ctrl = SW_CTRL_ALL_EMPTY; /* SW1.9 */
	return first;
}

static void groups_free(struct swmap *m, uint32_t first, uint32_t n)
{
	unsigned k = log2u(n);
	m->slab[first].slots[0].key = (int64_t)m->free_groups[k];
	m->free_groups[k] = first;
}

/* alignUpPow2 */
static uint64_t align_pow2(uint64_t n)
{
	uint64_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

int32_t sw_table_new(struct swmap *m, uint64_t capacity, int32_t index, uint8_t local_depth, enum sw_tabstate st)
{
	if (capacity < SW_SLOTS)
		capacity = SW_SLOTS;
	capacity = align_pow2(capacity); /* <= 1024 by every caller */
	uint32_t groups = sw_groups_alloc(m, (uint32_t)(capacity / SW_SLOTS));
	uint32_t t = m->free_table;
	if (t != UINT32_MAX) {
		m->free_table = m->tables[t].next_free;
	} else {
		if (m->ntables == m->tables_cap) {
			m->tables_cap = m->tables_cap ? 2 * m->tables_cap : 8;
			m->tables = mv_xrealloc(m->tables, (size_t)m->tables_cap * sizeof *m->tables);
		}
		t = m->ntables++;
	}
	struct sw_table *tb = &m->tables[t];
	memset(tb, 0, sizeof *tb);
	tb->capacity = (uint16_t)capacity;
	tb->growth_left = sw_max_growth_left(tb->capacity);
	tb->local_depth = local_depth;
	tb->index = index;
	tb->groups = groups;
	tb->state = (uint8_t)st;
	tb->next_free = UINT32_MAX;
	return (int32_t)t;
}

static void table_release(struct swmap *m, uint32_t t)
{
	struct sw_table *tb = &m->tables[t];
	groups_free(m, tb->groups, sw_table_ngroups(tb));
	tb->state = SW_TAB_FREE;
	tb->groups = 0;
	tb->next_free = m->free_table;
	m->free_table = t;
}

static void pending_push(struct swmap *m, uint32_t v)
{
	if (m->npending == m->pending_cap) {
		m->pending_cap = m->pending_cap ? 2 * m->pending_cap : 8;
		m->pending = mv_xrealloc(m->pending, (size_t)m->pending_cap * sizeof *m->pending);
	}
	m->pending[m->npending++] = v;
}

void sw_drop_table(struct swmap *m, int32_t t)
{
	if (m->tables[t].state == SW_TAB_STALE || m->tables[t].state == SW_TAB_FREE)
		return; /* already dropped (racing writers replaced it twice) */
	m->tables[t].state = SW_TAB_STALE;
	if (m->active == 0)
		table_release(m, (uint32_t)t);
	else
		pending_push(m, (uint32_t)t | SW_PENDING_TABLE);
}

void sw_drop_small(struct swmap *m, uint32_t g)
{
	if (m->active == 0)
		groups_free(m, g, 1);
	else
		pending_push(m, g);
}

void sw_collect(struct swmap *m)
{
	for (uint32_t i = 0; i < m->npending; i++) {
		uint32_t v = m->pending[i];
		if (v & SW_PENDING_TABLE)
			table_release(m, v & ~SW_PENDING_TABLE);
		else
			groups_free(m, v, 1);
	}
	m->npending = 0;
}

static void dir_reserve(struct swmap *m, uint32_t n)
{
	if (n <= m->dir_cap)
		return;
	uint32_t cap = m->dir_cap ? m->dir_cap : 1;
	while (cap < n)
		cap *= 2;
	m->dir = mv_xrealloc(m->dir, (size_t)cap * sizeof *m->dir);
	m->dirc = mv_xrealloc(m->dirc, (size_t)cap * sizeof *m->dirc);
	m->dir_cap = cap;
}

/* directorySet, keeping the look-up shortcut in step. */
static void dir_set(struct swmap *m, uint64_t i, uint32_t t)
{
	m->dir[i] = t;
	m->dirc[i].groups = m->tables[t].groups;
	m->dirc[i].mask = sw_table_ngroups(&m->tables[t]) - 1;
}

/* ---- lifecycle ---- */

enum mv_status swiss_init(struct swmap *m, enum mv_keykind kind, int64_t hint, uint64_t seed, bool nil,
			  const struct mv_pin *pins, uint32_t npins, const struct mv_strpool *strs)
{
	memset(m, 0, sizeof *m);
	m->keykind = kind;
	m->group_size = kind == MV_KEY_INT ? 136 : 200; /* SW1.7 */
	m->strs = strs;
	m->is_nil = nil;
	m->free_table = UINT32_MAX;
	mv_rng_init(&m->rng, seed);
	mv_pins_init(&m->pins);
	for (uint32_t i = 0; i < npins; i++)
		if (mv_pins_set(&m->pins, pins[i].key, pins[i].hash) != MV_OK)
			return MV_ENOMEM;
	m->slab_len = 1; /* index 0 is nil */
	if (nil)
		return MV_OK; /* SW1.2: no Map at all */
	m->seed = mv_rng_u64(&m->rng); /* SW3.1: seed = rand() always */
	/* SW3.1: a negative hint is 0.  The model caps hints at 2^27 (as
	 * gomap does); beyond that it behaves as 0. */
	if (hint < 0 || hint > ((int64_t)1 << 27))
		hint = 0;
	if (hint <= SW_SMALL_MAX) /* SW3.2: nothing allocated */
		return MV_OK;
	uint64_t target = (uint64_t)hint * SW_SLOTS / 7; /* SW3.3 */
	uint64_t dir_size = align_pow2((target + SW_MAX_TABLE_CAP - 1) / SW_MAX_TABLE_CAP);
	uint8_t gd = (uint8_t)__builtin_ctzll(dir_size);
	uint64_t per = align_pow2(target / dir_size < SW_SLOTS ? SW_SLOTS : target / dir_size);
	slab_reserve(m, 1 + dir_size * (per / SW_SLOTS));
	m->tables_cap = (uint32_t)dir_size;
	m->tables = mv_xmalloc((size_t)m->tables_cap * sizeof *m->tables);
	dir_reserve(m, (uint32_t)dir_size);
	for (uint64_t i = 0; i < dir_size; i++)
		dir_set(m, i, (uint32_t)sw_table_new(m, target / dir_size, (int32_t)i, gd, SW_TAB_LIVE));
	m->dir_len = (uint32_t)dir_size;
	m->global_depth = gd;
	m->global_shift = (uint8_t)(64 - gd);
	return MV_OK;
}

void swiss_done(struct swmap *m)
{
	free(m->slab);
	free(m->tables);
	free(m->dir);
	free(m->dirc);
	free(m->pending);
	mv_pins_done(&m->pins);
	memset(m, 0, sizeof *m);
}

enum mv_status swiss_copy(struct swmap *dst, const struct swmap *src)
{
	*dst = *src;
	dst->slab = mv_xmalloc((size_t)(src->slab_cap ? src->slab_cap : 1) * sizeof *dst->slab);
	dst->slab_dirty = src->slab_cap; /* the tail past slab_len is not zeroed */
	if (src->slab)
		memcpy(dst->slab, src->slab, (size_t)src->slab_len * sizeof *dst->slab);
	dst->tables = src->tables_cap ? mv_xmalloc((size_t)src->tables_cap * sizeof *dst->tables) : NULL;
	if (src->ntables)
		memcpy(dst->tables, src->tables, (size_t)src->ntables * sizeof *dst->tables);
	dst->dir = src->dir_cap ? mv_xmalloc((size_t)src->dir_cap * sizeof *dst->dir) : NULL;
	dst->dirc = src->dir_cap ? mv_xmalloc((size_t)src->dir_cap * sizeof *dst->dirc) : NULL;
	if (src->dir_len) {
		memcpy(dst->dir, src->dir, (size_t)src->dir_len * sizeof *dst->dir);
		memcpy(dst->dirc, src->dirc, (size_t)src->dir_len * sizeof *dst->dirc);
	}
	dst->pending = src->pending_cap ? mv_xmalloc((size_t)src->pending_cap * sizeof *dst->pending) : NULL;
	if (src->npending)
		memcpy(dst->pending, src->pending, (size_t)src->npending * sizeof *dst->pending);
	return mv_pins_copy(&dst->pins, &src->pins);
}

uint64_t sw_hash_slow(const struct swmap *m, int64_t key)
{
	uint64_t h;
	if (mv_pins_get(&m->pins, key, &h))
		return h;
	if (m->keykind == MV_KEY_INT)
		return mv_hash_int(key, (uint32_t)m->seed);
	size_t n;
	const char *s = mv_strpool_get(m->strs, (uint32_t)key, &n);
	return mv_hash_str(s, n, (uint32_t)m->seed);
}

uint64_t swiss_hash(const struct swmap *m, int64_t key)
{
	return sw_hash_of(m, key);
}

/* ---- the shared rules ---- */

/* longStringQuickEqualityTest (SW2.5): might a and b be equal? (len >= 8) */
static bool quick_equal(const char *a, size_t na, const char *b, size_t nb)
{
	return na == nb && memcmp(a, b, 8) == 0 && memcmp(a + na - 8, b + nb - 8, 8) == 0;
}

int sw_small_find_str(const struct swmap *m, const struct sw_group *g, int64_t key, bool *hashed, uint64_t *hash)
{
	size_t n;
	const char *s = mv_strpool_get(m->strs, (uint32_t)key, &n);
	*hashed = false;
	if (n > 64) {
		/* a quick test on every full slot; exactly one candidate is
		 * compared in full, two send it to the hashed path */
		int cand = -1;
		bool two = false;
		for (unsigned i = 0; i < SW_SLOTS && !two; i++) {
			if (sw_ctrl(g, i) & 0x80)
				continue;
			size_t sn;
			const char *ss = mv_strpool_get(m->strs, (uint32_t)g->slots[i].key, &sn);
			if (quick_equal(s, n, ss, sn)) {
				if (cand >= 0)
					two = true;
				else
					cand = (int)i;
			}
		}
		if (!two)
			return cand >= 0 && g->slots[cand].key == key ? cand : -1;
	}
	*hash = sw_hash_of(m, key);
	*hashed = true;
	uint8_t h2 = sw_h2(*hash);
	for (unsigned i = 0; i < SW_SLOTS; i++)
		if (sw_ctrl(g, i) == h2 && g->slots[i].key == key)
			return (int)i;
	return -1;
}

bool sw_unchecked_put(struct swmap *m, int32_t t, uint64_t hash, int64_t key, int64_t val)
{
	struct sw_table *tb = &m->tables[t];
	if (tb->growth_left == 0)
		return false; /* SW4.9: Go panics */
	uint64_t mask = sw_table_ngroups(tb) - 1, off, idx;
	struct sw_group *base = &m->slab[tb->groups];
	for (sw_probe_init(&off, &idx, hash, mask); idx <= mask; sw_probe_next(&off, &idx, mask)) {
		struct sw_group *g = &base[off];
		uint64_t b = sw_match_empty_or_deleted(g->ctrl);
		if (b) {
			unsigned i = sw_first(b);
			g->slots[i].key = key;
			g->slots[i].val = val;
			tb->growth_left--;
			tb->used++;
			sw_ctrl_set(g, i, sw_h2(hash));
			return true;
		}
	}
	return false;
}

uint32_t sw_prune(struct swmap *m, int32_t t)
{
	struct sw_table *tb = &m->tables[t];
	uint64_t mask = sw_table_ngroups(tb) - 1;
	struct sw_group *base = &m->slab[tb->groups];
	/* SW4.15.1: tombstones = capacity*7/8 - used - growthLeft (uint16) */
	uint16_t tomb = (uint16_t)((uint16_t)(tb->capacity * 7 / 8) - tb->used - tb->growth_left);
	if ((uint16_t)(tomb * 10) < tb->capacity)
		return 0;
	/* SW4.15.2: groups whose tombstones some probe path needs */
	uint32_t needed[SW_MAX_TABLE_CAP / SW_SLOTS / 32] = {0};
	for (uint64_t i = 0; i <= mask; i++) {
		const struct sw_group *g = &base[i];
		for (uint64_t b = sw_match_full(g->ctrl); b; b = sw_remove_first(b)) {
			/* int and string keys always equal themselves */
			uint64_t hash = sw_hash_of(m, g->slots[sw_first(b)].key), off, idx;
			for (sw_probe_init(&off, &idx, hash, mask); off != i && idx <= mask;
			     sw_probe_next(&off, &idx, mask))
				if (sw_match_empty_or_deleted(base[off].ctrl))
					needed[off / 32] |= 1u << (off % 32);
		}
		if (sw_match_empty(g->ctrl))
			needed[i / 32] |= 1u << (i % 32);
	}
	/* SW4.15.3: enough to restore 10% of the capacity? */
	uint32_t cnt = 0;
	for (uint64_t i = 0; i <= mask; i++)
		if (!(needed[i / 32] >> (i % 32) & 1))
			cnt += (uint32_t)__builtin_popcountll(sw_match_empty_or_deleted(base[i].ctrl));
	if (cnt * 10 < tb->capacity)
		return 0;
	/* SW4.15.4 */
	for (uint64_t i = 0; i <= mask; i++) {
		if (needed[i / 32] >> (i % 32) & 1)
			continue;
		for (uint64_t b = sw_match_empty_or_deleted(base[i].ctrl); b; b = sw_remove_first(b)) {
			sw_ctrl_set(&base[i], sw_first(b), SW_CTRL_EMPTY);
			tb->growth_left++;
		}
	}
	return cnt;
}

void sw_table_clear(struct swmap *m, int32_t t)
{
	struct sw_table *tb = &m->tables[t];
	uint16_t mgl = sw_max_growth_left(tb->capacity);
	if (tb->used == 0 && tb->growth_left == mgl) /* no entries, no tombstones */
		return;
	uint64_t mask = sw_table_ngroups(tb) - 1;
	/* SW8.2 (1.26): with few entries only groups holding a full slot are
	 * zeroed; slots of 16 and 24 bytes are never "large" (> 32) */
	bool full_test = (uint64_t)tb->used * 4 <= mask;
	struct sw_group *base = &m->slab[tb->groups];
	for (uint64_t i = 0; i <= mask; i++) {
		if (!full_test || sw_match_full(base[i].ctrl))
			memset(&base[i], 0, sizeof base[i]);
		base[i].ctrl = SW_CTRL_ALL_EMPTY;
	}
	tb->used = 0;
	tb->growth_left = mgl;
}

void sw_rehash_start(struct swmap *m, struct sw_rehash *rh, enum sw_rehash_kind kind, int32_t old)
{
	memset(rh, 0, sizeof *rh);
	rh->kind = (uint8_t)kind;
	rh->old = old;
	rh->left = rh->right = -1;
	if (kind == SW_RH_CONVERT) { /* SW2.6.1: newTable(16, index 0, depth 0) */
		rh->old = -1;
		rh->old_small = m->small;
		rh->ngroups = 1;
		rh->left = sw_table_new(m, 2 * SW_SLOTS, 0, 0, SW_TAB_BUILDING);
		return;
	}
	const struct sw_table *t = &m->tables[old];
	uint16_t cap = t->capacity;
	uint8_t ld = t->local_depth;
	int32_t index = t->index;
	rh->ngroups = sw_table_ngroups(t);
	if (kind == SW_RH_GROW) { /* SW5.4.1 */
		rh->left = sw_table_new(m, 2 * (uint64_t)cap, index, ld, SW_TAB_BUILDING);
	} else { /* SW5.6.2: both halves get 1024 slots */
		rh->left = sw_table_new(m, SW_MAX_TABLE_CAP, -1, (uint8_t)(ld + 1), SW_TAB_BUILDING);
		rh->right = sw_table_new(m, SW_MAX_TABLE_CAP, -1, (uint8_t)(ld + 1), SW_TAB_BUILDING);
	}
}

bool sw_rehash_move(struct swmap *m, struct sw_rehash *rh, int64_t *nx, int64_t *ny)
{
	struct sw_group g = rh->kind == SW_RH_CONVERT ? m->slab[rh->old_small]
						      : *sw_grp(m, &m->tables[rh->old], rh->next);
	uint64_t bit = 0;
	if (rh->kind == SW_RH_SPLIT) /* SW5.6.3: hash bit 63 - old localDepth */
		bit = (uint64_t)1 << (64 - m->tables[rh->left].local_depth);
	*nx = *ny = 0;
	rh->next++;
	for (unsigned j = 0; j < SW_SLOTS; j++) {
		if (sw_ctrl(&g, j) & SW_CTRL_EMPTY)
			continue; /* empty or deleted: tombstones are dropped */
		uint64_t hash = sw_hash_of(m, g.slots[j].key);
		bool right = (hash & bit) != 0;
		if (!sw_unchecked_put(m, right ? rh->right : rh->left, hash, g.slots[j].key, g.slots[j].val))
			return false;
		(*(right ? ny : nx))++;
	}
	return true;
}

/* replaceTable (SW1.4): the aligned run of directory entries from
 * t.index.  A table displaced from the run other than `old` (possible only
 * when writers race) is noted in *displaced. */
static bool replace_table(struct swmap *m, int32_t t, int32_t old, bool *displaced)
{
	const struct sw_table *tb = &m->tables[t];
	if (tb->index < 0 || tb->local_depth > m->global_depth)
		return false;
	uint64_t n = (uint64_t)1 << (m->global_depth - tb->local_depth);
	if ((uint64_t)tb->index + n > m->dir_len)
		return false;
	for (uint64_t i = (uint64_t)tb->index; i < (uint64_t)tb->index + n; i++) {
		if (m->dir[i] != (uint32_t)old && m->dir[i] != (uint32_t)t)
			*displaced = true;
		dir_set(m, i, (uint32_t)t);
	}
	return true;
}

/* After racing installs: a live table that no directory entry names any
 * more is garbage.  Its index stays what Go would leave (an iterator that
 * pinned it does not see it as grown). */
static void drop_unreachable(struct swmap *m)
{
	for (uint32_t t = 0; t < m->ntables; t++) {
		if (m->tables[t].state != SW_TAB_LIVE)
			continue;
		bool named = false;
		for (uint32_t i = 0; i < m->dir_len && !named; i++)
			named = m->dir[i] == t;
		if (!named)
			sw_drop_table(m, (int32_t)t);
	}
}

/* installTableSplit (SW5.7).  Returns false on a bad state. */
static bool install_split(struct swmap *m, const struct sw_rehash *rh, bool *dir_grew, bool *displaced)
{
	struct sw_table *old = &m->tables[rh->old];
	if (old->index < 0 || old->local_depth > m->global_depth)
		return false; /* replaced meanwhile: Go would index dir[-1] */
	if (old->local_depth == m->global_depth) { /* SW5.7.1: the directory doubles */
		uint32_t n = m->dir_len;
		if (m->global_depth >= 31)
			return false;
		dir_reserve(m, 2 * n);
		for (uint32_t i = n; i-- > 0;) {
			m->dir[2 * i] = m->dir[2 * i + 1] = m->dir[i];
			m->dirc[2 * i] = m->dirc[2 * i + 1] = m->dirc[i];
		}
		/* t.index is updated the first time t is seen; stale tables are
		 * not in the directory */
		for (uint32_t i = 0; i < n; i++) {
			struct sw_table *t = &m->tables[m->dir[2 * i]];
			if (t->index == (int32_t)i)
				t->index = (int32_t)(2 * i);
		}
		m->dir_len = 2 * n;
		m->global_depth++;
		m->global_shift--;
		*dir_grew = true;
	}
	struct sw_table *l = &m->tables[rh->left], *r = &m->tables[rh->right];
	l->index = m->tables[rh->old].index; /* SW5.7.2 */
	if (!replace_table(m, rh->left, rh->old, displaced))
		return false;
	r->index = l->index + (int32_t)(1u << (m->global_depth - l->local_depth)); /* SW5.7.3 */
	return replace_table(m, rh->right, rh->old, displaced);
}

bool sw_rehash_install(struct swmap *m, struct sw_rehash *rh, bool *dir_grew)
{
	bool displaced = false;
	*dir_grew = false;
	switch (rh->kind) {
	case SW_RH_CONVERT: /* SW2.6.3: a new 1-element directory */
		/* another writer converted meanwhile: its directory is
		 * dropped, as Go overwrites dirPtr */
		displaced = m->dir_len != 0;
		dir_reserve(m, 1);
		dir_set(m, 0, (uint32_t)rh->left);
		m->dir_len = 1;
		m->global_depth = 0;
		m->global_shift = 64;
		m->tables[rh->left].state = SW_TAB_LIVE;
		if (m->small == rh->old_small)
			m->small = 0;
		sw_drop_small(m, rh->old_small);
		break;
	case SW_RH_GROW: /* SW5.4.3-4 */
		if (!replace_table(m, rh->left, rh->old, &displaced))
			return false;
		m->tables[rh->left].state = SW_TAB_LIVE;
		m->tables[rh->old].index = -1;
		sw_drop_table(m, rh->old);
		break;
	case SW_RH_SPLIT: /* SW5.6.4 */
		if (!install_split(m, rh, dir_grew, &displaced))
			return false;
		m->tables[rh->left].state = SW_TAB_LIVE;
		m->tables[rh->right].state = SW_TAB_LIVE;
		m->tables[rh->old].index = -1;
		sw_drop_table(m, rh->old);
		break;
	default:
		return false;
	}
	if (displaced)
		drop_unreachable(m);
	rh->kind = SW_RH_NONE;
	return true;
}

/* A whole rehash at once (the whole operations' path). */
static bool rehash_all(struct swmap *m, enum sw_rehash_kind kind, int32_t old)
{
	struct sw_rehash rh;
	int64_t nx, ny;
	bool grew;
	sw_rehash_start(m, &rh, kind, old);
	while (rh.next < rh.ngroups)
		if (!sw_rehash_move(m, &rh, &nx, &ny))
			return false;
	return sw_rehash_install(m, &rh, &grew);
}

/* ---- whole operations ---- */

/* SW2.5: the small map's look-up (mapaccess2_fast64 / _faststr). */
static __attribute__((noinline)) bool small_load(const struct swmap *m, int64_t key, int64_t *value)
{
	const struct sw_group *g = &m->slab[m->small];
	int s;
	if (m->keykind == MV_KEY_INT) {
		s = sw_small_find_int(g, key);
	} else {
		bool hashed;
		uint64_t h;
		s = sw_small_find_str(m, g, key, &hashed, &h);
	}
	if (s < 0)
		return false;
	if (value)
		*value = g->slots[s].val;
	return true;
}

/* sw_find for a look-up, from the table the directory gives for hash
 * (SW4.4): H2 matches in each group of the probe sequence, and the stop
 * rule; a whole cycle without an empty slot (racing writers only) is a
 * miss.  Keys compare as int64 (a string key is its pool id). */
static inline __attribute__((always_inline)) bool probe_load(const struct swmap *m, uint64_t hash, int64_t key,
                                                              int64_t *value)
{
	const struct sw_dirc *d = &m->dirc[sw_dir_index(m, hash)];
	const struct sw_group *base = m->slab + d->groups;
	uint64_t mask = d->mask, off, idx;
	uint8_t h2 = sw_h2(hash);
	for (sw_probe_init(&off, &idx, hash, mask);; sw_probe_next(&off, &idx, mask)) {
		const struct sw_group *g = base + off;
		uint64_t c = g->ctrl;
		for (uint64_t b = sw_match_h2(c, h2); b; b = sw_remove_first(b)) {
			const struct sw_slot *sl = &g->slots[sw_first(b)];
			if (sl->key == key) {
				if (value)
					*value = sl->val;
				return true;
			}
		}
		if (sw_match_empty(c) || idx >= mask)
			return false;
	}
}

static __attribute__((noinline)) bool load_general(const struct swmap *m, int64_t key, int64_t *value)
{
	/* SW4.4: a nil map has used 0; a writer inside would be fatal in Go
	 * and cannot be unstepped */
	if (m->used == 0 || m->writing)
		return false;
	if (__builtin_expect(m->dir_len == 0, 0))
		return small_load(m, key, value);
	return probe_load(m, sw_hash_of(m, key), key, value);
}

/* The table loop of mapassign (SW4.6) from the probe's end on, when
 * growthLeft is 0: prune (SW4.14), or rehash (SW4.6.8); true if the key
 * now fits at g/i of table ti. */
static __attribute__((noinline)) bool put_full(struct swmap *m, int32_t ti)
{
	sw_prune(m, ti); /* SW4.6.6 */
	if (m->tables[ti].growth_left > 0)
		return true;
	(void)rehash_all(m, 2 * (uint32_t)m->tables[ti].capacity <= SW_MAX_TABLE_CAP ? SW_RH_GROW : SW_RH_SPLIT, ti);
	return false;
}

/* SW4.6: the slot for key in the table map (an update's, or a new one's
 * with key and control byte written), or NULL (racing writers only). */
static inline struct sw_slot *table_put(struct swmap *m, uint64_t hash, int64_t key)
{
	uint8_t h2 = sw_h2(hash);
	for (;;) {
		uint32_t di = sw_dir_index(m, hash);
		uint64_t mask = m->dirc[di].mask, off, idx;
		struct sw_group *base = &m->slab[m->dirc[di].groups];
		struct sw_group *tg = NULL;
		unsigned ts = 0;
		for (sw_probe_init(&off, &idx, hash, mask);; sw_probe_next(&off, &idx, mask)) {
			struct sw_group *g = &base[off];
			uint64_t c = g->ctrl;
			for (uint64_t b = sw_match_h2(c, h2); b; b = sw_remove_first(b)) {
				unsigned i = sw_first(b);
				if (g->slots[i].key == key) /* SW4.6.2: an update */
					return &g->slots[i];
			}
			uint64_t b = sw_match_empty_or_deleted(c);
			if (b) {
				unsigned i = sw_first(b);
				if ((uint8_t)(c >> (8 * i)) != SW_CTRL_DELETED) { /* SW4.6.5: the end */
					int32_t ti = (int32_t)m->dir[di];
					struct sw_table *t = &m->tables[ti];
					if (tg) { /* the first tombstone takes it, at no cost */
						g = tg;
						i = ts;
						t->growth_left++;
					}
					if (__builtin_expect(t->growth_left == 0, 0) && !put_full(m, ti))
						break; /* rehashed: start over (SW4.6.8) */
					g->slots[i].key = key; /* SW4.6.7 */
					if (g == base + off) /* an empty slot: 0x80 -> H2 */
						g->ctrl = c ^ ((uint64_t)(SW_CTRL_EMPTY ^ h2) << (8 * i));
					else
						sw_ctrl_set(g, i, h2);
					t->growth_left--;
					t->used++;
					m->used++;
					return &g->slots[i];
				}
				if (!tg) { /* SW4.6.4 */
					tg = g;
					ts = i;
				}
			}
			if (idx >= mask)
				return NULL; /* no empty slot anywhere (races only) */
		}
	}
}

/* mapassign on a map with no directory: growToSmall, the small map's put
 * (SW2.3), or the conversion at 8 entries (SW2.6) and the table put. */
static __attribute__((noinline)) struct sw_slot *small_put(struct swmap *m, uint64_t hash, int64_t key)
{
	if (!m->small) /* SW2.2 growToSmall */
		m->small = sw_groups_alloc(m, 1);
	if (m->used >= SW_SMALL_MAX) {
		if (!rehash_all(m, SW_RH_CONVERT, -1)) /* even for an update */
			return NULL;
		return table_put(m, hash, key);
	}
	struct sw_group *g = &m->slab[m->small];
	int s = sw_small_find_h2(g, sw_h2(hash), key);
	if (s < 0) {
		uint64_t b = sw_match_empty_or_deleted(g->ctrl);
		if (!b)
			return NULL; /* fatal: small map with no empty slot */
		s = (int)sw_first(b);
		g->slots[s].key = key;
		sw_ctrl_set(g, (unsigned)s, sw_h2(hash));
		m->used++;
	}
	return &g->slots[s];
}

static __attribute__((noinline)) bool store_general(struct swmap *m, int64_t key, int64_t value)
{
	if (m->is_nil || m->writing) /* SW1.2, SW4.6 */
		return false;
	uint64_t hash = sw_hash_of(m, key);
	m->writing ^= 1; /* SW7.1 */
	struct sw_slot *s = __builtin_expect(m->dir_len == 0, 0) ? small_put(m, hash, key) : table_put(m, hash, key);
	if (!s || !m->writing) /* SW7.1 exit check */
		return false;
	m->writing ^= 1;
	s->val = value; /* the compiled store after mapassign returns */
	return true;
}

static __attribute__((noinline)) bool delete_general(struct swmap *m, int64_t key)
{
	if (m->is_nil || m->used == 0) /* SW4.10.1 */
		return false;
	if (m->writing) /* SW4.10.2 */
		return false;
	uint64_t hash = sw_hash_of(m, key);
	m->writing ^= 1;
	bool found = false;
	if (m->dir_len == 0) { /* SW2.4 */
		struct sw_group *g = &m->slab[m->small];
		int s = sw_small_find_h2(g, sw_h2(hash), key);
		if (s >= 0) {
			m->used--;
			if (m->keykind == MV_KEY_STRING)
				g->slots[s].key = 0; /* pointerful key cleared; int bytes stay (SW4.11) */
			g->slots[s].val = 0;
			sw_ctrl_set(g, (unsigned)s, SW_CTRL_EMPTY);
			found = true;
		}
	} else { /* SW4.10.3 */
		uint32_t di = sw_dir_index(m, hash), grp;
		unsigned s;
		bool cycled;
		if (sw_find(m, m->dirc[di].groups, m->dirc[di].mask, hash, key, &grp, &s, &cycled)) {
			struct sw_table *t = &m->tables[m->dir[di]];
			struct sw_group *g = sw_grp(m, t, grp);
			t->used--;
			m->used--;
			if (m->keykind == MV_KEY_STRING)
				g->slots[s].key = 0;
			g->slots[s].val = 0;
			if (sw_match_empty(g->ctrl)) {
				sw_ctrl_set(g, s, SW_CTRL_EMPTY);
				t->growth_left++;
			} else {
				sw_ctrl_set(g, s, SW_CTRL_DELETED);
				m->tombstone_possible = true;
			}
			found = true;
		}
	}
	if (m->used == 0) /* SW4.10.4 */
		m->seed = mv_rng_u64(&m->rng);
	if (!m->writing) /* SW4.10.5 */
		return false;
	m->writing ^= 1;
	return found;
}

/*
 * The entry points: the common case inline, everything else through the
 * general functions above.  The common case is a table map of int keys with
 * no pins and no write in flight: the model hash is then inline, and the
 * two toggles of `writing` (SW7.1) cancel with nothing between them that
 * could observe the flag, so they are left out.  A leaf that meets anything
 * unusual before it has changed the map (a tombstone on an insert's path,
 * growthLeft 0, a probe without an empty slot) hands the whole operation
 * to the general function.  Kept lean on purpose: these loops are memory
 * bound, and the fewer instructions each look-up takes, the more of them
 * the CPU overlaps.
 */
static inline bool plain(const struct swmap *m)
{
	return m->dir_len != 0 && m->pins.n == 0 && m->keykind == MV_KEY_INT && !m->writing;
}

bool swiss_load(const struct swmap *m, int64_t key, int64_t *value)
{
	if (__builtin_expect(!plain(m), 0))
		return load_general(m, key, value);
	return probe_load(m, mv_hash_int(key, (uint32_t)m->seed), key, value); /* SW4.4 */
}

bool swiss_store(struct swmap *m, int64_t key, int64_t value)
{
	if (__builtin_expect(!plain(m), 0))
		return store_general(m, key, value);
	uint64_t hash = mv_hash_int(key, (uint32_t)m->seed); /* SW4.6 */
	uint32_t di = sw_dir_index(m, hash);
	struct sw_group *base = m->slab + m->dirc[di].groups;
	uint64_t mask = m->dirc[di].mask, off, idx;
	uint8_t h2 = sw_h2(hash);
	for (sw_probe_init(&off, &idx, hash, mask);; sw_probe_next(&off, &idx, mask)) {
		struct sw_group *g = base + off;
		uint64_t c = g->ctrl;
		for (uint64_t b = sw_match_h2(c, h2); b; b = sw_remove_first(b)) {
			struct sw_slot *sl = &g->slots[sw_first(b)];
			if (sl->key == key) { /* SW4.6.2: an update */
				sl->val = value;
				return true;
			}
		}
		uint64_t b = sw_match_empty_or_deleted(c);
		if (b) {
			unsigned i = sw_first(b);
			struct sw_table *t = &m->tables[m->dir[di]];
			if ((uint8_t)(c >> (8 * i)) == SW_CTRL_DELETED || t->growth_left == 0)
				break; /* a tombstone on the path, or pruning or growth ahead */
			g->slots[i].key = key; /* SW4.6.7 */
			g->slots[i].val = value;
			g->ctrl = c ^ ((uint64_t)(SW_CTRL_EMPTY ^ h2) << (8 * i));
			t->growth_left--;
			t->used++;
			m->used++;
			return true;
		}
		if (idx >= mask)
			break;
	}
	return store_general(m, key, value);
}

bool swiss_delete(struct swmap *m, int64_t key)
{
	if (__builtin_expect(!plain(m) || m->used == 0, 0))
		return delete_general(m, key);
	uint64_t hash = mv_hash_int(key, (uint32_t)m->seed); /* SW4.10 */
	uint32_t di = sw_dir_index(m, hash);
	struct sw_group *base = m->slab + m->dirc[di].groups;
	uint64_t mask = m->dirc[di].mask, off, idx;
	uint8_t h2 = sw_h2(hash);
	for (sw_probe_init(&off, &idx, hash, mask);; sw_probe_next(&off, &idx, mask)) {
		struct sw_group *g = base + off;
		uint64_t c = g->ctrl;
		for (uint64_t b = sw_match_h2(c, h2); b; b = sw_remove_first(b)) {
			unsigned i = sw_first(b);
			if (g->slots[i].key != key)
				continue;
			struct sw_table *t = &m->tables[m->dir[di]];
			t->used--;
			m->used--;
			g->slots[i].val = 0; /* the int key's bytes stay (SW4.11) */
			if (sw_match_empty(c)) {
				g->ctrl = c ^ ((uint64_t)(SW_CTRL_EMPTY ^ h2) << (8 * i));
				t->growth_left++;
			} else {
				g->ctrl = c ^ ((uint64_t)(SW_CTRL_DELETED ^ h2) << (8 * i));
				m->tombstone_possible = true;
			}
			if (m->used == 0) /* SW4.10.4 */
				m->seed = mv_rng_u64(&m->rng);
			return true;
		}
		if (sw_match_empty(c) || idx >= mask)
			return false;
	}
}

/* ---- memory (SW9) ---- */

/* Go's size classes up to 32 KiB (internal/runtime/gc/sizeclasses.go). */
static const uint16_t size_classes[] = {
	8,     16,    24,    32,    48,    64,    80,    96,    112,   128,   144,   160,
	176,   192,   208,   224,   240,   256,   288,   320,   352,   384,   416,   448,
	480,   512,   576,   640,   704,   768,   896,   1024,  1152,  1280,  1408,  1536,
	1792,  2048,  2304,  2688,  3072,  3200,  3456,  4096,  4864,  5376,  6144,  6528,
	6784,  6912,  8192,  9472,  9728,  10240, 10880, 12288, 13568, 14336, 16384, 18432,
	19072, 20480, 21760, 24576, 27264, 28672, 32768,
};

uint64_t sw_roundupsize(uint64_t size, bool pointerful)
{
	if (pointerful && size > 512)
		size += 8; /* MinSizeForMallocHeader, MallocHeaderSize */
	if (size <= 32768) {
		size_t lo = 0, hi = sizeof size_classes / sizeof size_classes[0] - 1;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (size_classes[mid] >= size)
				hi = mid;
			else
				lo = mid + 1;
		}
		return size_classes[lo];
	}
	return (size + 8191) & ~(uint64_t)8191;
}

void swiss_memory(const struct swmap *m, struct sw_memory *mem)
{
	memset(mem, 0, sizeof *mem);
	bool ptr = m->keykind == MV_KEY_STRING; /* string groups hold pointers */
	uint64_t cls = 0;
	if (!m->is_nil) {
		mem->header = 48;
		cls += 48;
	}
	if (m->small) {
		mem->small = m->group_size;
		cls += sw_roundupsize(m->group_size, ptr);
	}
	if (m->dir_len) {
		mem->directory = 8 * (uint64_t)m->dir_len;
		cls += sw_roundupsize(mem->directory, true);
	}
	for (uint32_t t = 0; t < m->ntables; t++) {
		const struct sw_table *tb = &m->tables[t];
		if (tb->state == SW_TAB_FREE)
			continue;
		uint64_t g = (uint64_t)sw_table_ngroups(tb) * m->group_size;
		cls += 32 + sw_roundupsize(g, ptr);
		if (tb->state == SW_TAB_STALE) {
			mem->stale += 32 + g;
		} else {
			mem->tables += 32;
			mem->groups += g;
		}
	}
	for (uint32_t i = 0; i < m->npending; i++)
		if (!(m->pending[i] & SW_PENDING_TABLE)) {
			mem->stale += m->group_size;
			cls += sw_roundupsize(m->group_size, ptr);
		}
	mem->total = mem->header + mem->small + mem->tables + mem->groups + mem->directory + mem->stale;
	mem->total_class = cls;
	mem->model = sizeof *m + (uint64_t)m->slab_cap * sizeof *m->slab +
		     (uint64_t)m->tables_cap * sizeof *m->tables + (uint64_t)m->dir_cap * (sizeof *m->dir + sizeof *m->dirc) +
		     (uint64_t)m->pending_cap * sizeof *m->pending + (uint64_t)m->pins.cap * sizeof *m->pins.slots;
}
