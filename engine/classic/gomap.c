/*
 * gomap: Go 1.19's runtime map (runtime/map.go, map_fast64.go,
 * map_faststr.go) as resumable step machines.  See gomap.h for the
 * contract; rule numbers refer to go-map-semantics.md.
 *
 * Storage: every bucket of a map lives in one slab and is named by its
 * index.  A bucket array of n buckets is n consecutive slab entries (M1.5);
 * an overflow bucket allocated on its own (M8.3.2) is one more entry.  The
 * slab never shrinks while operations are in flight — an operation may hold
 * the index of a bucket that Go's GC would keep alive for it — and is
 * compacted when the map is quiescent and mostly garbage.
 *
 * Each phase of an operation is one call of gomap_step: it does what the
 * runtime does between two points where another goroutine could observe the
 * map, then names the next phase.  A phase never keeps state on the C stack
 * across calls: everything is in struct gm_op.
 */
#include "engine/classic/gomap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "engine/core/alloc.h"

static const char *const phase_names[] = {
#define GM_PHASE_NAME(name, str) str,
	GM_PHASE_MAP(GM_PHASE_NAME)
#undef GM_PHASE_NAME
};

static const char *const outcome_msgs[] = {
#define GM_OUTCOME_MSG(name, str) str,
	GM_OUTCOME_MAP(GM_OUTCOME_MSG)
#undef GM_OUTCOME_MSG
};

const char *gm_phase_name(enum gm_phase p)
{
	return (unsigned)p < GM_PH__COUNT ? phase_names[p] : "?";
}

const char *gm_outcome_message(enum gm_outcome o)
{
	return (unsigned)o < sizeof outcome_msgs / sizeof outcome_msgs[0] ? outcome_msgs[o] : "";
}

/* ---- constants and small predicates (M0, M1.7, M2, M3.1, M8.2) ---- */

static inline uint64_t bucket_mask(uint8_t B)
{
	return ((uint64_t)1 << B) - 1;
}

static inline uint8_t tophash_of(uint64_t hash)
{
	uint8_t top = (uint8_t)(hash >> 56);
	return top < GM_MIN_TOPHASH ? (uint8_t)(top + GM_MIN_TOPHASH) : top; /* M2.2 */
}

static inline bool is_empty(uint8_t t)
{
	return t <= GM_EMPTY_ONE; /* M1.7 */
}

/* M3.1 */
static inline bool over_load_factor(int64_t count, uint8_t B)
{
	return count > GM_BUCKET_CNT && (uint64_t)count > 13 * (((uint64_t)1 << B) / 2);
}

/* M8.2 */
static inline bool too_many_overflow(uint16_t noverflow, uint8_t B)
{
	if (B > 15)
		B = 15;
	return noverflow >= ((uint32_t)1 << B);
}

static inline struct gm_bucket *bk(const struct gomap *m, uint32_t idx)
{
	return &m->slab[idx];
}

static inline bool bucket_evacuated(const struct gomap *m, uint32_t b)
{
	uint8_t h = m->slab[b].tophash[0];
	return h > GM_EMPTY_ONE && h < GM_MIN_TOPHASH; /* M1.7 */
}

uint64_t gomap_noldbuckets(const struct gomap *m)
{
	if (!m->oldbuckets)
		return 0;
	uint64_t n = (uint64_t)1 << m->B; /* M2.4 */
	return (m->flags & GM_F_SAME_SIZE_GROW) ? n : n >> 1;
}

static inline uint64_t oldbucket_mask(const struct gomap *m)
{
	return gomap_noldbuckets(m) - 1;
}

bool gomap_evacuated(const struct gomap *m, uint64_t oldbucket)
{
	return m->oldbuckets && bucket_evacuated(m, m->oldbuckets + (uint32_t)oldbucket);
}

static inline bool keys_equal(int64_t a, int64_t b)
{
	/* Int keys compare by value; string keys are interned, so equal bytes
	 * mean equal ids. */
	return a == b;
}

/* The hasher with hash0 (M2.1), or the key's pin. */
static inline uint64_t hash_of(const struct gomap *m, int64_t key)
{
	uint64_t h;
	if (mv_pins_get(&m->pins, key, &h))
		return h;
	if (m->keykind == MV_KEY_INT)
		return mv_hash_int(key, m->hash0);
	size_t n;
	const char *s = mv_strpool_get(m->strs, (uint32_t)key, &n);
	return mv_hash_str(s, n, m->hash0);
}

uint64_t gomap_hash(const struct gomap *m, int64_t key)
{
	return hash_of(m, key);
}

static inline void emit(const struct mv_sink *sink, const struct mv_event *ev)
{
	sink->fn(sink->ctx, ev);
}

#define EMIT(sink, ...)                                                        \
	do {                                                                   \
		if (mv_sink_on(sink)) {                                        \
			struct mv_event ev_ = {.other = -1, __VA_ARGS__};      \
			emit(sink, &ev_);                                      \
		}                                                              \
	} while (0)

/* ---- memory: the slab, roundupsize, makeBucketArray ---- */

/* M8.6 size classes of Go 1.19's malloc, up to 32 KiB. */
static const uint16_t size_classes[] = {
	8,     16,    24,    32,    48,    64,    80,    96,    112,   128,   144,   160,
	176,   192,   208,   224,   240,   256,   288,   320,   352,   384,   416,   448,
	480,   512,   576,   640,   704,   768,   896,   1024,  1152,  1280,  1408,  1536,
	1792,  2048,  2304,  2688,  3072,  3200,  3456,  4096,  4864,  5376,  6144,  6528,
	6784,  6912,  8192,  9472,  9728,  10240, 10880, 12288, 13568, 14336, 16384, 18432,
	19072, 20480, 21760, 24576, 27264, 28672, 32768,
};

uint64_t gm_roundupsize(uint64_t size)
{
	if (size < 32768) {
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

/*
 * Like Go's heap, ask for transparent huge pages, so that a probe into a
 * large bucket array costs one TLB entry per 2 MiB — but only for a slab
 * allocated at its full size at once (makemap with a large hint).  A slab
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

/* Append n zeroed buckets to the slab; return the index of the first. */
static uint32_t slab_alloc(struct gomap *m, uint32_t n)
{
	if ((uint64_t)m->slab_len + n > m->slab_cap) {
		uint64_t cap = m->slab_cap ? m->slab_cap : 16;
		while (cap < (uint64_t)m->slab_len + n)
			cap *= 2;
		if (cap > UINT32_MAX)
			cap = UINT32_MAX; /* the allocation below then fails loudly */
		bool fresh = m->slab_cap == 0;
		m->slab = mv_xrealloc(m->slab, cap * sizeof *m->slab);
		m->slab_cap = (uint32_t)cap;
		if (fresh)
			advise_huge(m->slab, cap * sizeof *m->slab);
	}
	uint32_t first = m->slab_len;
	memset(&m->slab[first], 0, (size_t)n * sizeof *m->slab);
	m->slab_len += n;
	return first;
}

/* Buckets makeBucketArray(b) allocates, pre-allocated overflow included (M8.5). */
static uint32_t array_len(const struct gomap *m, uint8_t b)
{
	uint64_t base = (uint64_t)1 << b, n = base;
	if (b >= 4) {
		n += base >> 4;
		uint64_t sz = m->bucketsize * n, up = gm_roundupsize(sz);
		if (up != sz)
			n = up / m->bucketsize;
	}
	return (uint32_t)n;
}

/* Lay out the free list of pre-allocated overflow buckets of an array at
 * `first` (M8.5) and return nextOverflow (0 if none). */
static uint32_t array_free_list(struct gomap *m, uint32_t first, uint8_t b, uint32_t n)
{
	uint32_t base = (uint32_t)1 << b;
	if (n == base)
		return 0;
	m->slab[first + n - 1].overflow = first; /* the non-nil sentinel */
	return first + base;
}

/* makeBucketArray(b) (M8.5): a fresh zeroed array; *next gets nextOverflow. */
static uint32_t make_bucket_array(struct gomap *m, uint8_t b, uint32_t *n, uint32_t *next)
{
	*n = array_len(m, b);
	uint32_t first = slab_alloc(m, *n);
	*next = array_free_list(m, first, b, *n);
	return first;
}

void gomap_memory(const struct gomap *m, struct gm_memory *mem)
{
	uint64_t one = gm_roundupsize(m->bucketsize);
	mem->buckets = m->buckets ? gm_roundupsize((uint64_t)m->cur_n * m->bucketsize) : 0;
	mem->overflow = (uint64_t)m->cur_fresh * one;
	mem->old = m->oldbuckets ? gm_roundupsize((uint64_t)m->old_n * m->bucketsize) + (uint64_t)m->old_fresh * one : 0;
}

/* ---- compaction (model only: Go's GC has no counterpart to show) ---- */

static uint32_t live_buckets(const struct gomap *m)
{
	return 1 + (m->buckets ? m->cur_n + m->cur_fresh : 0) + (m->oldbuckets ? m->old_n + m->old_fresh : 0);
}

/* Copy array [first, first+n) of src into dst's slab and every bucket
 * reachable from its chains; return the new first index.  Links into the
 * array keep their offset; a link elsewhere is an overflow bucket of its own
 * and is copied after the array. */
static uint32_t compact_array(struct gomap *dst, const struct gomap *src, uint32_t first, uint32_t n,
			      uint32_t *fresh)
{
	uint32_t nf = slab_alloc(dst, n);
	memcpy(&dst->slab[nf], &src->slab[first], (size_t)n * sizeof *dst->slab);
	*fresh = 0;
	for (uint32_t j = 0; j < n; j++) {
		uint32_t cur = nf + j;
		for (;;) {
			uint32_t link = dst->slab[cur].overflow;
			if (link == 0)
				break;
			if (link >= first && link < first + n) {
				dst->slab[cur].overflow = nf + (link - first);
				break;
			}
			uint32_t copy = slab_alloc(dst, 1);
			dst->slab[copy] = src->slab[link];
			dst->slab[cur].overflow = copy;
			(*fresh)++;
			cur = copy;
		}
	}
	return nf;
}

static void maybe_compact(struct gomap *m)
{
	if (m->active || m->slab_len < 4096 || m->slab_len / 2 < live_buckets(m))
		return;
	struct gomap old = *m;
	m->slab = NULL;
	m->slab_len = m->slab_cap = 0;
	slab_alloc(m, 1); /* index 0 stays nil */
	if (old.buckets) {
		uint32_t first = old.buckets;
		m->buckets = compact_array(m, &old, first, old.cur_n, &m->cur_fresh);
		if (old.next_overflow)
			m->next_overflow = m->buckets + (old.next_overflow - first);
	}
	if (old.oldbuckets)
		m->oldbuckets = compact_array(m, &old, old.oldbuckets, old.old_n, &m->old_fresh);
	free(old.slab);
}

/* ---- lifecycle ---- */

enum mv_status gomap_init(struct gomap *m, enum mv_keykind kind, int64_t hint, uint64_t seed,
			  bool nil, const struct mv_pin *pins, uint32_t npins,
			  const struct mv_strpool *strs)
{
	memset(m, 0, sizeof *m);
	m->keykind = kind;
	m->bucketsize = kind == MV_KEY_INT ? 144 : 208; /* M1.4 */
	m->strs = strs;
	m->is_nil = nil;
	mv_rng_init(&m->rng, seed);
	mv_pins_init(&m->pins);
	for (uint32_t i = 0; i < npins; i++)
		if (mv_pins_set(&m->pins, pins[i].key, pins[i].hash) != MV_OK)
			return MV_ENOMEM;
	if (nil) {
		slab_alloc(m, 1); /* index 0 is nil */
		return MV_OK;
	}
	m->hash0 = (uint32_t)seed; /* M3.2: the scene's seed plays fastrand's part */
	/* M3.4: a hint that overflows the allocation behaves as 0; the model
	 * caps the array at 2^24 buckets. */
	if (hint < 0 || hint > ((int64_t)1 << 27))
		hint = 0;
	uint8_t B = 0;
	while (over_load_factor(hint, B))
		B++;
	/* one allocation for index 0 and the whole array */
	uint32_t first = slab_alloc(m, 1 + (B ? array_len(m, B) : 0));
	m->slab_len = first + 1; /* index 0 is nil; the array follows */
	if (B != 0)
		m->buckets = make_bucket_array(m, B, &m->cur_n, &m->next_overflow);
	m->B = B;
	return MV_OK;
}

void gomap_done(struct gomap *m)
{
	free(m->slab);
	mv_pins_done(&m->pins);
	memset(m, 0, sizeof *m);
}

enum mv_status gomap_copy(struct gomap *dst, const struct gomap *src)
{
	*dst = *src;
	dst->slab = mv_xmalloc((size_t)src->slab_cap * sizeof *dst->slab);
	memcpy(dst->slab, src->slab, (size_t)src->slab_len * sizeof *dst->slab);
	return mv_pins_copy(&dst->pins, &src->pins);
}

/* ---- overflow (M8) ---- */

/* M8.1 */
static void incrnoverflow(struct gomap *m)
{
	if (m->B < 16) {
		m->noverflow++;
		return;
	}
	uint32_t mask = ((uint32_t)1 << (m->B - 15)) - 1;
	if ((mv_rng_u32(&m->rng) & mask) == 0)
		m->noverflow++;
}

/* M8.3: link a new overflow bucket after b (the last of its chain). */
static uint32_t newoverflow(struct gomap *m, uint32_t b, const struct mv_sink *sink, uint64_t bucket)
{
	uint32_t ovf;
	if (m->next_overflow) {
		ovf = m->next_overflow;
		if (bk(m, ovf)->overflow == 0) {
			m->next_overflow = ovf + 1;
		} else {
			bk(m, ovf)->overflow = 0;
			m->next_overflow = 0;
		}
	} else {
		ovf = slab_alloc(m, 1);
		m->cur_fresh++;
	}
	incrnoverflow(m);
	bk(m, b)->overflow = ovf;
	EMIT(sink, .kind = MV_EV_NEW_OVERFLOW, .bucket = (int64_t)bucket, .n = m->noverflow);
	return ovf;
}

/* ---- growth (M7) ---- */

/* M7.1 hashGrow: called with hashWriting set, from assign only. */
static void hash_grow(struct gomap *m, const struct mv_sink *sink)
{
	uint8_t bigger = 1;
	maybe_compact(m); /* callers hold no bucket index across this call */
	if (!over_load_factor(m->count + 1, m->B)) {
		bigger = 0;
		m->flags |= GM_F_SAME_SIZE_GROW;
	}
	uint32_t n, next;
	uint32_t nb = make_bucket_array(m, (uint8_t)(m->B + bigger), &n, &next);
	uint8_t flags = m->flags & (uint8_t) ~(GM_F_ITERATOR | GM_F_OLD_ITERATOR);
	if (m->flags & GM_F_ITERATOR)
		flags |= GM_F_OLD_ITERATOR;
	m->B = (uint8_t)(m->B + bigger);
	m->flags = flags;
	m->oldbuckets = m->buckets;
	m->old_n = m->cur_n;
	m->old_fresh = m->cur_fresh;
	m->buckets = nb;
	m->cur_n = n;
	m->cur_fresh = 0;
	m->nevacuate = 0;
	m->noverflow = 0;
	if (next) /* M7.1.6: with none, nextOverflow is left as it was */
		m->next_overflow = next;
	EMIT(sink, .kind = MV_EV_GROW_START, .B = m->B, .same_size = !bigger, .n = m->count);
}

/* M7.5 */
static void advance_evacuation_mark(struct gomap *m, uint64_t newbit, const struct mv_sink *sink)
{
	m->nevacuate++;
	uint64_t stop = m->nevacuate + 1024;
	if (stop > newbit)
		stop = newbit;
	while (m->nevacuate != stop && bucket_evacuated(m, m->oldbuckets + (uint32_t)m->nevacuate))
		m->nevacuate++;
	if (m->nevacuate == newbit) {
		m->oldbuckets = 0;
		m->old_n = m->old_fresh = 0;
		m->flags &= (uint8_t)~GM_F_SAME_SIZE_GROW;
		EMIT(sink, .kind = MV_EV_GROW_END, .B = m->B);
	}
}

/* M7.4 evacuate(oldbucket).  Returns false on "bad map state" (E3). */
static bool evacuate(struct gomap *m, uint64_t oldbucket, const struct mv_sink *sink)
{
	uint32_t ob = m->oldbuckets + (uint32_t)oldbucket;
	uint64_t newbit = gomap_noldbuckets(m);
	if (!bucket_evacuated(m, ob)) {
		bool same = m->flags & GM_F_SAME_SIZE_GROW;
		uint32_t dst_b[2] = {m->buckets + (uint32_t)oldbucket, 0};
		uint32_t dst_i[2] = {0, 0};
		int64_t moved[2] = {0, 0};
		if (!same)
			dst_b[1] = m->buckets + (uint32_t)(oldbucket + newbit);
		for (uint32_t b = ob; b; b = bk(m, b)->overflow) {
			for (int i = 0; i < GM_BUCKET_CNT; i++) {
				struct gm_bucket *src = bk(m, b);
				uint8_t top = src->tophash[i];
				if (is_empty(top)) {
					src->tophash[i] = GM_EVACUATED_EMPTY;
					continue;
				}
				if (top < GM_MIN_TOPHASH)
					return false;
				int use_y = 0;
				/* M7.4.3c: int and string keys are reflexive, so the
				 * NaN case never applies. */
				if (!same && (hash_of(m, src->keys[i]) & newbit))
					use_y = 1;
				src->tophash[i] = (uint8_t)(GM_EVACUATED_X + use_y);
				if (dst_i[use_y] == GM_BUCKET_CNT) {
					dst_b[use_y] = newoverflow(m, dst_b[use_y], sink,
								   oldbucket + (use_y ? newbit : 0));
					dst_i[use_y] = 0;
				}
				struct gm_bucket *d = bk(m, dst_b[use_y]);
				src = bk(m, b); /* newoverflow may have moved the slab */
				d->tophash[dst_i[use_y]] = top;
				d->keys[dst_i[use_y]] = src->keys[i];
				d->vals[dst_i[use_y]] = src->vals[i];
				dst_i[use_y]++;
				moved[use_y]++;
			}
		}
		/* M7.4.5: a bucket type with pointers (string keys) has its old
		 * primary bucket cleared after the tophash array, overflow link
		 * included, unless an old iterator may still read it. */
		if (!(m->flags & GM_F_OLD_ITERATOR) && m->keykind == MV_KEY_STRING) {
			struct gm_bucket *p = bk(m, ob);
			memset(p->keys, 0, sizeof p->keys);
			memset(p->vals, 0, sizeof p->vals);
			p->overflow = 0;
		}
		EMIT(sink, .kind = MV_EV_EVACUATE, .old = (int64_t)oldbucket, .x = moved[0], .y = moved[1],
		     .same_size = same);
	}
	if (oldbucket == m->nevacuate)
		advance_evacuation_mark(m, newbit, sink);
	return true;
}

/* ---- operations ---- */

static void op_init(struct gm_op *op, enum gm_opkind kind, enum gm_phase first, int64_t key,
		    const uint64_t *hash_pin)
{
	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->phase = first;
	op->key = key;
	op->slot = -1;
	op->touch_slot = -1;
	if (hash_pin) {
		op->pinned = true;
		op->hash = *hash_pin;
	}
}

void gm_op_lookup_init(struct gm_op *op, int64_t key, const uint64_t *hash_pin)
{
	op_init(op, GM_OP_LOOKUP, GM_PH_CHECK_WRITING, key, hash_pin);
}

void gm_op_assign_init(struct gm_op *op, int64_t key, int64_t value, const uint64_t *hash_pin)
{
	op_init(op, GM_OP_ASSIGN, GM_PH_CHECK_WRITING, key, hash_pin);
	op->value = value;
}

void gm_op_delete_init(struct gm_op *op, int64_t key, const uint64_t *hash_pin)
{
	op_init(op, GM_OP_DELETE, GM_PH_CHECK_WRITING, key, hash_pin);
}

void gm_op_iter_init(struct gm_op *op, int32_t start, int32_t offset)
{
	op_init(op, GM_OP_ITER, GM_PH_ITER_INIT, 0, NULL);
	op->it.pin_start = start;
	op->it.pin_offset = offset;
}

void gm_op_clear_init(struct gm_op *op)
{
	op_init(op, GM_OP_CLEAR, GM_PH_CHECK_WRITING, 0, NULL);
}

void gm_op_len_init(struct gm_op *op)
{
	op_init(op, GM_OP_LEN, GM_PH_READ_COUNT, 0, NULL);
}

static enum gm_stepres finish(struct gomap *m, struct gm_op *op, enum gm_outcome outcome)
{
	op->phase = GM_PH_DONE;
	op->outcome = outcome;
	if (m->active)
		m->active--;
	return GM_DONE;
}

static enum gm_stepres fail(struct gomap *m, struct gm_op *op, enum gm_outcome outcome,
			    const struct mv_sink *sink)
{
	EMIT(sink, .kind = outcome == GM_OUT_PANIC_NIL ? MV_EV_PANIC : MV_EV_FATAL,
	     .msg = gm_outcome_message(outcome));
	return finish(m, op, outcome);
}

/* M5.3, M6.3, M4.3: the op's hash (a pinned one is in the pin table). */
static void op_hash(struct gomap *m, struct gm_op *op)
{
	op->hash = hash_of(m, op->key);
	op->hashed = true;
	op->top = tophash_of(op->hash);
}

/* "again:" of mapassign, and the start of mapdelete's search (M5.6, M6.4):
 * pick the bucket under the current B; while growing, grow work comes first. */
static void op_again(struct gomap *m, struct gm_op *op)
{
	op->bucket = op->hash & bucket_mask(m->B);
	op->insb = 0;
	op->insi = 0;
	if (m->oldbuckets) {
		op->phase = GM_PH_GROW_WORK;
	} else {
		op->b = op->borig = m->buckets + (uint32_t)op->bucket;
		op->phase = GM_PH_PROBE;
	}
}

/* M4.3, M4.4: the chain to search for hash — the new bucket, or its old
 * bucket while that one is not evacuated yet (lookups never evacuate). */
static inline uint32_t pick_bucket(const struct gomap *m, uint64_t hash, uint64_t *bucket)
{
	uint64_t mask = bucket_mask(m->B);
	*bucket = hash & mask;
	uint32_t b = m->buckets + (uint32_t)*bucket;
	if (m->oldbuckets) {
		if (!(m->flags & GM_F_SAME_SIZE_GROW))
			mask >>= 1;
		uint32_t ob = m->oldbuckets + (uint32_t)(hash & mask);
		if (!bucket_evacuated(m, ob))
			b = ob;
	}
	return b;
}

static inline bool find(const struct gomap *m, int64_t key, uint64_t hash, uint32_t *rb, int *ri);

/* M4.8 mapaccessK: find key without any flag check (iteration's lookup). */
static bool access_k(const struct gomap *m, int64_t key, int64_t *val)
{
	uint32_t b;
	int i;
	if (m->is_nil || m->count == 0 || !find(m, key, hash_of(m, key), &b, &i))
		return false;
	*val = bk(m, b)->vals[i];
	return true;
}

static void touch(struct gm_op *op, uint32_t b, int32_t slot)
{
	op->touch_b = b;
	op->touch_slot = slot;
}

/*
 * Slot i of p against op's key, by the rule of the runtime function Go
 * compiles for this map's key type (F1): map[int64] uses the _fast64
 * functions, map[string] the _faststr ones.  Without a race every variant
 * finds the same slot (G5); with one they differ — a racing reader that
 * meets evacuation marks still finds an int key by comparing keys (F3),
 * where a tophash compare would miss it.  1: the key is here; 0: go on;
 * -1: emptyRest ends the search.
 */
static inline int probe_slot(const struct gomap *m, const struct gm_op *op, const struct gm_bucket *p, int i)
{
	uint8_t t = p->tophash[i];
	bool same = keys_equal(p->keys[i], op->key);
	if (m->keykind == MV_KEY_INT) {
		if (op->kind == GM_OP_ASSIGN) /* F4: emptiness first, then keys */
			return is_empty(t) ? (t == GM_EMPTY_REST ? -1 : 0) : same;
		return same && !is_empty(t); /* F3, F5: keys only, no early exit */
	}
	switch (op->kind) {
	case GM_OP_LOOKUP:
		if (!op->hashed) /* F3 faststr, B == 0: no hash, no tophash */
			return is_empty(t) ? (t == GM_EMPTY_REST ? -1 : 0) : same;
		return t == op->top && same; /* F3 faststr: no early exit */
	case GM_OP_DELETE:
		return t == op->top && same; /* F5 faststr */
	default:
		if (t != op->top) /* M5.7 */
			return t == GM_EMPTY_REST ? -1 : 0;
		return same;
	}
}

/* One phase of a lookup, assign or delete: the probe of one chain bucket
 * (M4.5, M5.7, M6.5).  Sets the next phase. */
static enum gm_stepres step_probe(struct gomap *m, struct gm_op *op, const struct mv_sink *sink)
{
	struct gm_bucket *p = bk(m, op->b);
	touch(op, op->b, -1);
	for (int i = 0; i < GM_BUCKET_CNT; i++) {
		if (op->kind == GM_OP_ASSIGN && is_empty(p->tophash[i]) && !op->insb) {
			op->insb = op->b; /* M5.10: the first empty slot */
			op->insi = i;
		}
		int r = probe_slot(m, op, p, i);
		if (r < 0)
			goto absent;
		if (r == 0)
			continue;
		/* found */
		op->found = true;
		op->resb = op->b;
		op->slot = i;
		touch(op, op->b, i);
		switch (op->kind) {
		case GM_OP_LOOKUP:
			op->result = p->vals[i];
			return finish(m, op, GM_OUT_NONE);
		case GM_OP_ASSIGN:
			/* M5.7.2: needkeyupdate rewrites a string key with equal
			 * bytes — the same interned id here. */
			EMIT(sink, .kind = MV_EV_UPDATE, .key = op->key, .bucket = (int64_t)op->bucket, .slot = i);
			op->phase = GM_PH_CHECK_AND_CLEAR;
			return GM_MORE;
		case GM_OP_DELETE:
			op->phase = GM_PH_REMOVE;
			return GM_MORE;
		default:
			return finish(m, op, GM_OUT_NONE);
		}
	}
	if (p->overflow) {
		op->b = p->overflow;
		return GM_MORE;
	}
absent:
	switch (op->kind) {
	case GM_OP_LOOKUP:
		return finish(m, op, GM_OUT_NONE);
	case GM_OP_ASSIGN:
		op->phase = GM_PH_MAYBE_GROW;
		return GM_MORE;
	case GM_OP_DELETE:
		op->phase = GM_PH_CHECK_AND_CLEAR;
		return GM_MORE;
	default:
		return finish(m, op, GM_OUT_NONE);
	}
}

/* M6.6.4: does slot i of bucket b end its chain's live data? */
static inline bool slot_ends_chain(const struct gomap *m, const struct gm_bucket *p, int i)
{
	if (i == GM_BUCKET_CNT - 1)
		return !(p->overflow && bk(m, p->overflow)->tophash[0] != GM_EMPTY_REST);
	return p->tophash[i + 1] == GM_EMPTY_REST;
}

/* M6.6.4: walk back from slot i of bucket b (chain starting at borig)
 * marking emptyRest; returns the number of slots marked. */
static int64_t mark_empty_rest(struct gomap *m, uint32_t borig, uint32_t b, int i)
{
	int64_t marked = 0;
	for (;;) {
		bk(m, b)->tophash[i] = GM_EMPTY_REST;
		marked++;
		if (i == 0) {
			if (b == borig)
				break;
			uint32_t c = b;
			for (b = borig; bk(m, b)->overflow != c; b = bk(m, b)->overflow)
				;
			i = GM_BUCKET_CNT - 1;
		} else {
			i--;
		}
		if (bk(m, b)->tophash[i] != GM_EMPTY_ONE)
			break;
	}
	return marked;
}

/* M6.6.1-3; decides whether the slot ends the chain's live data (M6.6.4). */
static void step_remove(struct gomap *m, struct gm_op *op, const struct mv_sink *sink)
{
	struct gm_bucket *p = bk(m, op->resb);
	int i = op->slot;
	if (m->keykind == MV_KEY_STRING)
		p->keys[i] = 0; /* pointerful key zeroed; an int key's bytes stay (M6.6.1) */
	p->vals[i] = 0;
	p->tophash[i] = GM_EMPTY_ONE;
	touch(op, op->resb, i);
	EMIT(sink, .kind = MV_EV_REMOVE, .key = op->key, .bucket = (int64_t)op->bucket, .slot = i);
	op->phase = slot_ends_chain(m, p, i) ? GM_PH_MARK_EMPTY_REST : GM_PH_DEC_COUNT;
}

static void step_mark_empty_rest(struct gomap *m, struct gm_op *op, const struct mv_sink *sink)
{
	int64_t marked = mark_empty_rest(m, op->borig, op->resb, op->slot);
	EMIT(sink, .kind = MV_EV_EMPTY_REST, .bucket = (int64_t)op->bucket, .slot = op->slot, .n = marked);
	op->phase = GM_PH_DEC_COUNT;
}

/* M9.2-M9.4 */
static enum gm_stepres step_iter_init(struct gomap *m, struct gm_op *op, const struct mv_sink *sink)
{
	struct gm_iter *it = &op->it;
	if (m->is_nil || m->count == 0)
		return finish(m, op, GM_OUT_NONE);
	it->B = m->B;
	it->buckets = m->buckets;
	uint64_t r;
	if (it->pin_start >= 0 || it->pin_offset >= 0) {
		uint64_t s = it->pin_start >= 0 ? (uint64_t)it->pin_start : 0;
		uint64_t o = it->pin_offset >= 0 ? (uint64_t)it->pin_offset : 0;
		r = (s & bucket_mask(it->B)) | ((o & 7) << it->B);
	} else {
		r = it->B > 28 ? mv_rng_u64(&m->rng) : mv_rng_u32(&m->rng);
	}
	it->start_bucket = r & bucket_mask(it->B);
	it->offset = (uint8_t)((r >> it->B) & 7);
	it->bucket = it->start_bucket;
	it->started = true;
	if ((m->flags & (GM_F_ITERATOR | GM_F_OLD_ITERATOR)) != (GM_F_ITERATOR | GM_F_OLD_ITERATOR))
		m->flags |= GM_F_ITERATOR | GM_F_OLD_ITERATOR;
	EMIT(sink, .kind = MV_EV_ITER_START, .bucket = (int64_t)it->start_bucket, .slot = it->offset);
	op->phase = GM_PH_ITER_NEXT;
	return GM_MORE;
}

/* M9.6 mapiternext: one call, up to the next entry produced or the end. */
static enum gm_stepres step_iter_next(struct gomap *m, struct gm_op *op, const struct mv_sink *sink)
{
	struct gm_iter *it = &op->it;
	if (m->flags & GM_F_HASH_WRITING)
		return fail(m, op, GM_OUT_FATAL_ITER_WRITE, sink);
	op->found = false;
	for (;;) {
		if (!it->bptr) {
			if (it->bucket == it->start_bucket && it->wrapped)
				return finish(m, op, GM_OUT_NONE);
			if (m->oldbuckets && it->B == m->B) {
				uint64_t oldbucket = it->bucket & oldbucket_mask(m);
				uint32_t b = m->oldbuckets + (uint32_t)oldbucket;
				if (!bucket_evacuated(m, b)) {
					it->bptr = b;
					it->check_bucket = it->bucket;
				} else {
					it->bptr = it->buckets + (uint32_t)it->bucket;
					it->check_bucket = GM_NO_CHECK;
				}
			} else {
				it->bptr = it->buckets + (uint32_t)it->bucket;
				it->check_bucket = GM_NO_CHECK;
			}
			it->bucket++;
			if (it->bucket == ((uint64_t)1 << it->B)) {
				it->bucket = 0;
				it->wrapped = true;
			}
			it->i = 0;
		}
		const struct gm_bucket *p = bk(m, it->bptr);
		for (; it->i < GM_BUCKET_CNT; it->i++) {
			int off = (it->i + it->offset) & (GM_BUCKET_CNT - 1);
			uint8_t t = p->tophash[off];
			if (is_empty(t) || t == GM_EVACUATED_EMPTY)
				continue;
			int64_t k = p->keys[off];
			if (it->check_bucket != GM_NO_CHECK && !(m->flags & GM_F_SAME_SIZE_GROW)) {
				/* M9.6.3b: keys are reflexive */
				if ((hash_of(m, k) & bucket_mask(it->B)) != it->check_bucket)
					continue;
			}
			int64_t v;
			if (t != GM_EVACUATED_X && t != GM_EVACUATED_Y) {
				v = p->vals[off];
			} else if (!access_k(m, k, &v)) {
				continue; /* M9.6.3d: deleted since */
			}
			op->found = true;
			op->result_key = k;
			op->result = v;
			touch(op, it->bptr, off);
			it->i++;
			EMIT(sink, .kind = MV_EV_ITER_KEY, .key = k, .value = v,
			     .bucket = (int64_t)((it->bucket - 1) & bucket_mask(it->B)), .slot = off);
			return GM_YIELD;
		}
		it->bptr = p->overflow;
		it->i = 0;
	}
}

/* M10.2 (between the toggles) */
static void step_clear(struct gomap *m, const struct mv_sink *sink)
{
	m->flags &= (uint8_t)~GM_F_SAME_SIZE_GROW;
	m->oldbuckets = 0;
	m->old_n = m->old_fresh = 0;
	m->nevacuate = 0;
	m->noverflow = 0;
	m->count = 0;
	m->hash0 = mv_rng_u32(&m->rng);
	m->next_overflow = 0;
	/* makeBucketArray(t, B, buckets): zero the array in place and lay out
	 * the pre-allocated overflow free list again; buckets allocated one by
	 * one become garbage. */
	memset(&m->slab[m->buckets], 0, (size_t)m->cur_n * sizeof *m->slab);
	m->cur_fresh = 0;
	uint32_t next = array_free_list(m, m->buckets, m->B, m->cur_n);
	if (next)
		m->next_overflow = next;
	EMIT(sink, .kind = MV_EV_CLEAR, .hash0 = m->hash0);
}

/* One phase of op; sets the next. */
static enum gm_stepres phase(struct gomap *m, struct gm_op *op, const struct mv_sink *sink)
{
	op->last = op->phase;
	switch (op->phase) {
	case GM_PH_CHECK_WRITING:
		switch (op->kind) {
		case GM_OP_ASSIGN:
			if (m->is_nil) /* M5.1 */
				return fail(m, op, GM_OUT_PANIC_NIL, sink);
			if (m->flags & GM_F_HASH_WRITING) /* M5.2 */
				return fail(m, op, GM_OUT_FATAL_WRITES, sink);
			op->phase = GM_PH_HASH;
			return GM_MORE;
		case GM_OP_LOOKUP:
		case GM_OP_DELETE:
		case GM_OP_CLEAR:
			if (m->is_nil || m->count == 0) /* M4.1, M6.1, M10.2 */
				return finish(m, op, GM_OUT_NONE);
			if (m->flags & GM_F_HASH_WRITING) /* M4.2, M6.2, M10.2 */
				return fail(m, op,
					    op->kind == GM_OP_LOOKUP ? GM_OUT_FATAL_READ_WRITE : GM_OUT_FATAL_WRITES,
					    sink);
			if (op->kind == GM_OP_LOOKUP && m->B == 0) {
				/* F3: with one bucket the fast lookups scan it
				 * without hashing */
				op->bucket = 0;
				op->b = m->buckets;
				op->phase = GM_PH_PROBE;
				return GM_MORE;
			}
			op->phase = op->kind == GM_OP_CLEAR ? GM_PH_SET_WRITING : GM_PH_HASH;
			return GM_MORE;
		default:
			return finish(m, op, GM_OUT_NONE);
		}
	case GM_PH_HASH:
		op_hash(m, op);
		if (op->kind == GM_OP_LOOKUP) {
			op->phase = GM_PH_PICK_BUCKET;
		} else {
			op->phase = GM_PH_SET_WRITING;
		}
		return GM_MORE;
	case GM_PH_SET_WRITING:
		m->flags ^= GM_F_HASH_WRITING; /* M5.4, M6.3: a toggle, not a set (A1) */
		if (op->kind == GM_OP_CLEAR)
			op->phase = GM_PH_CLEAR;
		else if (op->kind == GM_OP_ASSIGN && !m->buckets)
			op->phase = GM_PH_ALLOC;
		else
			op_again(m, op);
		return GM_MORE;
	case GM_PH_ALLOC:
		if (!m->buckets) { /* M5.5: one bucket, B stays 0 */
			m->buckets = slab_alloc(m, 1);
			m->cur_n = 1;
			EMIT(sink, .kind = MV_EV_BUCKET_ALLOC, .B = m->B);
		}
		op_again(m, op);
		return GM_MORE;
	case GM_PH_GROW_WORK: /* M7.3.1 */
		if (m->oldbuckets && !evacuate(m, op->bucket & oldbucket_mask(m), sink))
			return fail(m, op, GM_OUT_THROW_BAD_STATE, sink);
		if (m->oldbuckets) {
			op->phase = GM_PH_GROW_WORK_NEXT;
		} else {
			op->b = op->borig = m->buckets + (uint32_t)op->bucket;
			op->phase = GM_PH_PROBE;
		}
		return GM_MORE;
	case GM_PH_GROW_WORK_NEXT: /* M7.3.2 */
		if (m->oldbuckets && !evacuate(m, m->nevacuate, sink))
			return fail(m, op, GM_OUT_THROW_BAD_STATE, sink);
		op->b = op->borig = m->buckets + (uint32_t)op->bucket;
		op->phase = GM_PH_PROBE;
		return GM_MORE;
	case GM_PH_PICK_BUCKET: /* M4.3, M4.4 */
		op->b = pick_bucket(m, op->hash, &op->bucket);
		op->phase = GM_PH_PROBE;
		return GM_MORE;
	case GM_PH_PROBE:
		return step_probe(m, op, sink);
	case GM_PH_MAYBE_GROW: /* M5.8 */
		if (!m->oldbuckets && (over_load_factor(m->count + 1, m->B) || too_many_overflow(m->noverflow, m->B))) {
			hash_grow(m, sink);
			op_again(m, op); /* goto again */
			return GM_MORE;
		}
		op->phase = op->insb ? GM_PH_INSERT : GM_PH_NEW_OVERFLOW;
		return GM_MORE;
	case GM_PH_NEW_OVERFLOW: /* M5.9 */
		op->insb = newoverflow(m, op->b, sink, op->bucket);
		op->insi = 0;
		op->phase = GM_PH_INSERT;
		return GM_MORE;
	case GM_PH_INSERT: { /* M5.11 */
		struct gm_bucket *p = bk(m, op->insb);
		p->keys[op->insi] = op->key;
		p->tophash[op->insi] = op->top;
		m->count++;
		op->resb = op->insb;
		op->slot = op->insi;
		touch(op, op->insb, op->insi);
		EMIT(sink, .kind = MV_EV_INSERT, .key = op->key, .bucket = (int64_t)op->bucket, .slot = op->insi,
		     .tophash = op->top);
		op->phase = GM_PH_CHECK_AND_CLEAR;
		return GM_MORE;
	}
	case GM_PH_REMOVE:
		step_remove(m, op, sink);
		return GM_MORE;
	case GM_PH_MARK_EMPTY_REST:
		step_mark_empty_rest(m, op, sink);
		return GM_MORE;
	case GM_PH_DEC_COUNT: /* M6.6.5 */
		m->count--;
		if (m->count == 0) {
			m->hash0 = mv_rng_u32(&m->rng);
			EMIT(sink, .kind = MV_EV_RESEED, .hash0 = m->hash0);
		}
		op->phase = GM_PH_CHECK_AND_CLEAR;
		return GM_MORE;
	case GM_PH_CLEAR:
		step_clear(m, sink);
		op->phase = GM_PH_CHECK_AND_CLEAR;
		return GM_MORE;
	case GM_PH_CHECK_AND_CLEAR: /* M5.12, M6.7, M10.2 */
		if (!(m->flags & GM_F_HASH_WRITING))
			return fail(m, op, GM_OUT_FATAL_WRITES, sink);
		m->flags &= (uint8_t)~GM_F_HASH_WRITING;
		if (op->kind == GM_OP_ASSIGN) {
			op->phase = GM_PH_WRITE_VALUE;
			return GM_MORE;
		}
		return finish(m, op, GM_OUT_NONE);
	case GM_PH_WRITE_VALUE: /* M5.13: after hashWriting is cleared */
		bk(m, op->resb)->vals[op->slot] = op->value;
		touch(op, op->resb, op->slot);
		return finish(m, op, GM_OUT_NONE);
	case GM_PH_ITER_INIT:
		return step_iter_init(m, op, sink);
	case GM_PH_ITER_NEXT:
		return step_iter_next(m, op, sink);
	case GM_PH_READ_COUNT:
		op->result = m->is_nil ? 0 : m->count;
		return finish(m, op, GM_OUT_NONE);
	case GM_PH_DONE:
	case GM_PH__COUNT:
		break;
	}
	return GM_DONE;
}

static inline void op_begin(struct gomap *m, struct gm_op *op)
{
	if (op->steps++ == 0) {
		maybe_compact(m);
		m->active++;
		if (op->pinned) /* the key hashes to its pin from now on */
			mv_pins_set(&m->pins, op->key, op->hash);
	}
}

enum gm_stepres gomap_step(struct gomap *m, struct gm_op *op, const struct mv_sink *sink)
{
	op_begin(m, op);
	return phase(m, op, sink);
}

void gomap_abandon(struct gomap *m, struct gm_op *op)
{
	if (op->steps && op->phase != GM_PH_DONE && m->active)
		m->active--;
	op->phase = GM_PH_DONE;
}

bool gomap_run(struct gomap *m, struct gm_op *op, const struct mv_sink *sink)
{
	op_begin(m, op);
	while (phase(m, op, sink) != GM_DONE)
		op->steps++;
	return op->outcome == GM_OUT_NONE;
}

/*
 * Whole operations with no one stepping: the counterparts of Go's
 * mapaccess2_fast64, mapassign_fast64 and mapdelete_fast64 (F1-F6).  They
 * run the same rules in the same order as the step machine above and share
 * its helpers (growth, evacuation, overflow, emptyRest marking); what they
 * drop is the per-phase bookkeeping, which costs a lookup twice its time
 * because the CPU then cannot overlap independent lookups' cache misses.
 * tests/unit/test_gomap.c runs both on the same operations and compares
 * every bucket.
 */

/* M4.3-M4.6 (F3): the slot holding key, or false. */
static inline bool find(const struct gomap *m, int64_t key, uint64_t hash, uint32_t *rb, int *ri)
{
	uint64_t bucket;
	uint32_t b = pick_bucket(m, hash, &bucket);
	if (m->keykind == MV_KEY_INT) {
		/* F3 mapaccess2_fast64: compare keys, then require a non-empty
		 * tophash; no tophash compare, no emptyRest early exit */
		do {
			const struct gm_bucket *p = bk(m, b);
			for (int i = 0; i < GM_BUCKET_CNT; i++)
				if (p->keys[i] == key && !is_empty(p->tophash[i])) {
					*rb = b;
					*ri = i;
					return true;
				}
			b = p->overflow;
		} while (b);
		return false;
	}
	uint8_t top = tophash_of(hash);
	do {
		const struct gm_bucket *p = bk(m, b);
		for (int i = 0; i < GM_BUCKET_CNT; i++) {
			if (p->tophash[i] != top) {
				if (p->tophash[i] == GM_EMPTY_REST)
					return false;
				continue;
			}
			if (keys_equal(p->keys[i], key)) {
				*rb = b;
				*ri = i;
				return true;
			}
		}
		b = p->overflow;
	} while (b);
	return false;
}

bool gomap_load(struct gomap *m, int64_t key, int64_t *value)
{
	if (m->is_nil || m->count == 0) /* M4.1 */
		return false;
	if (m->flags & GM_F_HASH_WRITING) /* M4.2: cannot happen unstepped */
		return false;
	uint32_t b;
	int i;
	if (!find(m, key, hash_of(m, key), &b, &i))
		return false;
	if (value)
		*value = bk(m, b)->vals[i];
	return true;
}

/* M7.3 growWork */
static inline void grow_work(struct gomap *m, uint64_t bucket)
{
	evacuate(m, bucket & oldbucket_mask(m), NULL);
	if (m->oldbuckets)
		evacuate(m, m->nevacuate, NULL);
}

bool gomap_store(struct gomap *m, int64_t key, int64_t value)
{
	if (m->is_nil || (m->flags & GM_F_HASH_WRITING)) /* M5.1, M5.2 */
		return false;
	uint64_t hash = hash_of(m, key);
	uint8_t top = tophash_of(hash);
	m->flags ^= GM_F_HASH_WRITING; /* M5.4 */
	if (!m->buckets) {            /* M5.5 */
		m->buckets = slab_alloc(m, 1);
		m->cur_n = 1;
	}
	uint32_t b, insb;
	int insi;
again:
	insb = 0;
	insi = 0;
	uint64_t bucket = hash & bucket_mask(m->B);
	if (m->oldbuckets)
		grow_work(m, bucket);
	b = m->buckets + (uint32_t)bucket;
	bool ints = m->keykind == MV_KEY_INT;
	for (;;) { /* M5.7 */
		struct gm_bucket *p = bk(m, b);
		for (int i = 0; i < GM_BUCKET_CNT; i++) {
			uint8_t t = p->tophash[i];
			if (ints ? is_empty(t) : t != top) {
				/* F4 mapassign_fast64 tests emptiness first and then
				 * compares keys; the generic path compares tophash */
				if (is_empty(t) && !insb) {
					insb = b;
					insi = i;
				}
				if (t == GM_EMPTY_REST)
					goto absent;
				continue;
			}
			if (!keys_equal(p->keys[i], key))
				continue;
			insb = b;
			insi = i;
			goto done;
		}
		if (!p->overflow)
			break;
		b = p->overflow;
	}
absent:
	if (!m->oldbuckets && (over_load_factor(m->count + 1, m->B) || too_many_overflow(m->noverflow, m->B))) {
		hash_grow(m, NULL); /* M5.8 */
		goto again;
	}
	if (!insb) { /* M5.9 */
		insb = newoverflow(m, b, NULL, bucket);
		insi = 0;
	}
	bk(m, insb)->keys[insi] = key; /* M5.11 */
	bk(m, insb)->tophash[insi] = top;
	m->count++;
done:
	if (!(m->flags & GM_F_HASH_WRITING)) /* M5.12 */
		return false;
	m->flags &= (uint8_t)~GM_F_HASH_WRITING;
	bk(m, insb)->vals[insi] = value; /* M5.13 */
	return true;
}

bool gomap_delete(struct gomap *m, int64_t key)
{
	if (m->is_nil || m->count == 0) /* M6.1 */
		return false;
	if (m->flags & GM_F_HASH_WRITING) /* M6.2 */
		return false;
	uint64_t hash = hash_of(m, key);
	m->flags ^= GM_F_HASH_WRITING; /* M6.3 */
	uint64_t bucket = hash & bucket_mask(m->B);
	if (m->oldbuckets) /* M6.4 */
		grow_work(m, bucket);
	uint32_t borig = m->buckets + (uint32_t)bucket, b = borig;
	uint8_t top = tophash_of(hash);
	bool found = false;
	do { /* M6.5 */
		struct gm_bucket *p = bk(m, b);
		for (int i = 0; i < GM_BUCKET_CNT; i++) {
			if (m->keykind == MV_KEY_INT) {
				/* F5 mapdelete_fast64: keys only, no early exit */
				if (p->keys[i] != key || is_empty(p->tophash[i]))
					continue;
			} else {
				if (p->tophash[i] != top) {
					if (p->tophash[i] == GM_EMPTY_REST)
						goto out;
					continue;
				}
				if (!keys_equal(p->keys[i], key))
					continue;
			}
			/* M6.6 */
			if (m->keykind == MV_KEY_STRING)
				p->keys[i] = 0;
			p->vals[i] = 0;
			p->tophash[i] = GM_EMPTY_ONE;
			if (slot_ends_chain(m, p, i))
				mark_empty_rest(m, borig, b, i);
			if (--m->count == 0)
				m->hash0 = mv_rng_u32(&m->rng);
			found = true;
			goto out;
		}
		b = p->overflow;
	} while (b);
out:
	if (!(m->flags & GM_F_HASH_WRITING)) /* M6.7 */
		return false;
	m->flags &= (uint8_t)~GM_F_HASH_WRITING;
	return found;
}
