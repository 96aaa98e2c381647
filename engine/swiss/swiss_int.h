/*
 * swiss_int: what the files of engine/swiss share and nobody else sees —
 * control-word matching (SW1.9, SWAR on the 8-byte word), the probe
 * sequence (SW4.1), hashing and table selection (SW1.11-SW1.14), and the
 * helpers that both the step machine (swiss_step.c, swiss_iter.c) and the
 * whole operations (swiss.c) run, so the two cannot drift apart.
 */
#ifndef MV_SWISS_INT_H
#define MV_SWISS_INT_H

#include "engine/swiss/swiss.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define SW_LSB 0x0101010101010101ULL
#define SW_MSB 0x8080808080808080ULL

/* ---- control words (SW1.9, SW1.10).  A bitset has bit 7 of byte i set
 * for each matching slot i; slots come out in ascending order. ---- */

/* matchH2: full slots whose byte is h2 (SW1.10).  With SSE2 it is exact,
 * as Go's amd64 version; the portable SWAR test may also report a full slot
 * whose byte is h2 ^ 1 just above a real match (a borrow), never an empty
 * or deleted one.  Every caller compares the key next, so such a slot
 * changes nothing. */
static inline uint64_t sw_match_h2(uint64_t ctrl, uint8_t h2)
{
#ifdef __SSE2__
	__m128i eq = _mm_cmpeq_epi8(_mm_cvtsi64_si128((long long)ctrl), _mm_set1_epi8((char)h2));
	return (uint64_t)_mm_cvtsi128_si64(eq) & SW_MSB;
#else
	uint64_t v = ctrl ^ (SW_LSB * h2);
	return (v - SW_LSB) & ~v & SW_MSB;
#endif
}
/* matchEmpty: high bit set, bit 1 clear (0x80, not 0xFE). */
static inline uint64_t sw_match_empty(uint64_t ctrl)
{
	return ctrl & ~(ctrl << 6) & SW_MSB;
}
static inline uint64_t sw_match_empty_or_deleted(uint64_t ctrl)
{
	return ctrl & SW_MSB;
}
static inline uint64_t sw_match_full(uint64_t ctrl)
{
	return ~ctrl & SW_MSB;
}
static inline unsigned sw_first(uint64_t bits)
{
	return (unsigned)__builtin_ctzll(bits) >> 3;
}
static inline uint64_t sw_remove_first(uint64_t bits)
{
	return bits & (bits - 1);
}
static inline uint64_t sw_remove_below(uint64_t bits, unsigned slot)
{
	return bits & (~0ULL << (8 * slot));
}
static inline void sw_ctrl_set(struct sw_group *g, unsigned slot, uint8_t c)
{
	g->ctrl = (g->ctrl & ~(0xffULL << (8 * slot))) | ((uint64_t)c << (8 * slot));
}

/* ---- hashing (SW1.11-SW1.14) ---- */

static inline uint64_t sw_h1(uint64_t hash)
{
	return hash >> 7;
}
static inline uint8_t sw_h2(uint64_t hash)
{
	return (uint8_t)(hash & 0x7f);
}

/* The key's pin, or the model hasher with the map's seed: the general
 * case out of line, an int key with no pins inline. */
uint64_t sw_hash_slow(const struct swmap *m, int64_t key);
static inline uint64_t sw_hash_of(const struct swmap *m, int64_t key)
{
	if (__builtin_expect(m->pins.n == 0 && m->keykind == MV_KEY_INT, 1))
		return mv_hash_int(key, (uint32_t)m->seed);
	return sw_hash_slow(m, key);
}

/* SW1.12 directoryIndex: the top globalDepth bits. */
static inline uint32_t sw_dir_index(const struct swmap *m, uint64_t hash)
{
	return m->dir_len == 1 ? 0 : (uint32_t)(hash >> (m->global_shift & 63));
}

/* ---- the probe sequence (SW4.1) ---- */

static inline void sw_probe_init(uint64_t *offset, uint64_t *index, uint64_t hash, uint64_t mask)
{
	*offset = sw_h1(hash) & mask;
	*index = 0;
}
static inline void sw_probe_next(uint64_t *offset, uint64_t *index, uint64_t mask)
{
	(*index)++;
	*offset = (*offset + *index) & mask;
}

static inline struct sw_group *sw_grp(const struct swmap *m, const struct sw_table *t, uint64_t g)
{
	return &m->slab[t->groups + g];
}

/* SW4.4 getWithKey on one table (its groups and lengthMask): the group and
 * slot holding key.  A probe that meets no empty slot in a whole cycle
 * (only after racing writers broke the invariant; Go would spin forever)
 * reports *cycled. */
static inline bool sw_find(const struct swmap *m, uint32_t groups, uint64_t mask, uint64_t hash, int64_t key,
			   uint32_t *grp, unsigned *slot, bool *cycled)
{
	uint64_t off, idx;
	const struct sw_group *base = &m->slab[groups];
	uint8_t h2 = sw_h2(hash);
	*cycled = false;
	for (sw_probe_init(&off, &idx, hash, mask);; sw_probe_next(&off, &idx, mask)) {
		const struct sw_group *g = &base[off];
		for (uint64_t b = sw_match_h2(g->ctrl, h2); b; b = sw_remove_first(b)) {
			unsigned i = sw_first(b);
			if (g->slots[i].key == key) { /* int keys, or interned string ids */
				*grp = (uint32_t)off;
				*slot = i;
				return true;
			}
		}
		if (sw_match_empty(g->ctrl))
			return false;
		if (idx >= mask) {
			*cycled = true;
			return false;
		}
	}
}

static inline bool sw_table_find(const struct swmap *m, const struct sw_table *t, uint64_t hash, int64_t key,
				 uint32_t *grp, unsigned *slot, bool *cycled)
{
	return sw_find(m, t->groups, sw_table_ngroups(t) - 1, hash, key, grp, slot, cycled);
}

/* SW2.3.1, SW2.4, getWithKeySmall: the slot of key among the small group's
 * H2 matches, or -1. */
static inline int sw_small_find_h2(const struct sw_group *g, uint8_t h2, int64_t key)
{
	for (uint64_t b = sw_match_h2(g->ctrl, h2); b; b = sw_remove_first(b)) {
		unsigned i = sw_first(b);
		if (g->slots[i].key == key)
			return (int)i;
	}
	return -1;
}

/* SW2.5 mapaccess*_fast64 on a small map: keys compared against every full
 * slot, no hash, or -1. */
static inline int sw_small_find_int(const struct sw_group *g, int64_t key)
{
	for (uint64_t b = sw_match_full(g->ctrl); b; b = sw_remove_first(b)) {
		unsigned i = sw_first(b);
		if (g->slots[i].key == key)
			return (int)i;
	}
	return -1;
}

/* SW2.5 mapaccess*_faststr on a small map (getWithoutKeySmallFastStr):
 * the slot or -1; *hashed says whether it had to hash (into *hash). */
int sw_small_find_str(const struct swmap *m, const struct sw_group *g, int64_t key, bool *hashed, uint64_t *hash);

/* ---- storage (swiss.c) ---- */

/* A zeroed block of n groups (n a power of two <= 128) with every ctrl
 * word all-empty; the slab may move. */
uint32_t sw_groups_alloc(struct swmap *m, uint32_t n);
/* newTable (SW3.3): a table of max(capacity, 8) rounded up to a power of
 * two; returns its index.  The slab and table array may move. */
int32_t sw_table_new(struct swmap *m, uint64_t capacity, int32_t index, uint8_t local_depth, enum sw_tabstate st);
/* A replaced table or small group: freed now if no operation is in flight,
 * else when the map is next quiescent. */
void sw_drop_table(struct swmap *m, int32_t t);
void sw_drop_small(struct swmap *m, uint32_t g);
/* Free what was dropped while operations were in flight (active == 0). */
void sw_collect(struct swmap *m);

/* ---- the rules both paths share (swiss.c) ---- */

/* uncheckedPutSlot (SW4.9) into table t; false when growthLeft is 0 (a
 * panic in Go) or the table has no free slot at all. */
bool sw_unchecked_put(struct swmap *m, int32_t t, uint64_t hash, int64_t key, int64_t val);
/* pruneTombstones (SW4.15) on table t: the number of tombstones turned
 * empty (0 when it was not worth it). */
uint32_t sw_prune(struct swmap *m, int32_t t);
/* table.Clear (SW8.2, Go 1.26 zeroing). */
void sw_table_clear(struct swmap *m, int32_t t);
/* Start a rehash of old (a table; -1 with CONVERT: the small group):
 * allocate the new table(s) in state BUILDING. */
void sw_rehash_start(struct swmap *m, struct sw_rehash *rh, enum sw_rehash_kind kind, int32_t old);
/* Re-insert the full slots of old group rh->next (in slot order) and move
 * on; *nx, *ny: entries that went to left / right.  False if a put failed
 * (SW4.9's panic). */
bool sw_rehash_move(struct swmap *m, struct sw_rehash *rh, int64_t *nx, int64_t *ny);
/* Put the new table(s) in the directory (SW2.6.3, SW5.4.3, SW5.7) and drop
 * the old.  *dir_grew: the directory doubled.  False if the old table was
 * replaced meanwhile so that its directory run is gone (racing writers; Go
 * would write outside the directory). */
bool sw_rehash_install(struct swmap *m, struct sw_rehash *rh, bool *dir_grew);

/* ---- the step machine's context (swiss_step.c, swiss_iter.c) ---- */

struct swctx {
	struct swmap *m;
	struct sw_op *op;
	const struct mv_sink *sink;
};

#define SW_EMIT(c, ...)                                                        \
	do {                                                                   \
		if (mv_sink_on((c)->sink)) {                                   \
			struct mv_event ev_ = {.other = -1, __VA_ARGS__};      \
			(c)->sink->fn((c)->sink->ctx, &ev_);                    \
		}                                                              \
	} while (0)

enum sw_stepres sw_finish(const struct swctx *c, enum sw_outcome outcome);
enum sw_stepres sw_fail(const struct swctx *c, enum sw_outcome outcome);
static inline void sw_touch(struct sw_op *op, int32_t table, int32_t group, int32_t slot)
{
	op->touch_table = table;
	op->touch_group = group;
	op->touch_slot = slot;
}

enum sw_stepres sw_ph_iter_init(const struct swctx *c);
enum sw_stepres sw_ph_iter_next(const struct swctx *c);
enum sw_stepres sw_ph_iter_relookup(const struct swctx *c);
enum sw_stepres sw_ph_iter_scan(const struct swctx *c);

#endif
