/*
 * words_gomap: the classic engine's (Go 1.19's bucket map) words — its
 * events and what its phases do (go-map-semantics.md M4-M10).
 */
#include <inttypes.h>
#include <stdio.h>

#include "words.h"

static const struct words_gloss glosses[] = {
    {"check_writing", "is hashWriting set? then another goroutine is writing: fatal"},
    {"hash", "hash the key with hash0"},
    {"set_writing", "set hashWriting: this goroutine writes now"},
    {"alloc", "no buckets yet: allocate the first one"},
    {"grow_work", "growing: evacuate the old bucket this key maps to"},
    {"grow_work_next", "growing: evacuate one more old bucket"},
    {"pick_bucket", "low B bits of the hash pick the bucket"},
    {"probe", "look through the bucket's 8 slots (and its overflow chain)"},
    {"maybe_grow", "too full or too many overflow buckets? start growing"},
    {"new_overflow", "bucket full: link an overflow bucket"},
    {"insert", "write tophash, key and value into a free slot"},
    {"remove", "clear the slot: tophash emptyOne"},
    {"mark_empty_rest", "trailing empty slots become emptyRest"},
    {"dec_count", "count--"},
    {"clear", "empty every bucket"},
    {"iter_init", "pick a random start bucket and offset"},
    {"iter_next", "produce the next entry"},
    {"read_count", "read count"},
    {"check_and_clear", "is hashWriting still set? clear it (if not: fatal)"},
    {"write_value", "store the value"},
    {NULL, NULL},
};

static bool event(char *buf, size_t len, const struct mv_world *w, const struct mv_event *ev)
{
	char k[256];
	switch (ev->kind) {
	case MV_EV_BUCKET_ALLOC:
		snprintf(buf, len, "first write: the bucket array (1 bucket) is allocated");
		return true;
	case MV_EV_INSERT:
		words_key(w->spec, ev->key, k, sizeof k);
		snprintf(buf, len, "new key %s -> bucket %" PRId64 " slot %" PRId64 ", tophash 0x%02" PRIx64,
		         k, ev->bucket, ev->slot, ev->tophash);
		return true;
	case MV_EV_UPDATE:
		words_key(w->spec, ev->key, k, sizeof k);
		snprintf(buf, len, "key %s found in bucket %" PRId64 " slot %" PRId64 ": value updated", k,
		         ev->bucket, ev->slot);
		return true;
	case MV_EV_REMOVE:
		words_key(w->spec, ev->key, k, sizeof k);
		snprintf(buf, len,
		         "key %s removed from bucket %" PRId64 " slot %" PRId64 " (tophash -> emptyOne)", k,
		         ev->bucket, ev->slot);
		return true;
	case MV_EV_EMPTY_REST:
		snprintf(buf, len, "%" PRId64 " slot(s) marked emptyRest: lookups stop there", ev->n);
		return true;
	case MV_EV_RESEED: snprintf(buf, len, "map is empty: hash0 reseeded to %" PRIu32, ev->hash0); return true;
	case MV_EV_NEW_OVERFLOW:
		snprintf(buf, len,
		         "bucket %" PRId64 " is full: overflow bucket linked (noverflow %" PRId64 ")",
		         ev->bucket, ev->n);
		return true;
	case MV_EV_GROW_START:
		if (ev->same_size)
			snprintf(buf, len, "too many overflow buckets: same-size grow starts (B stays %u)",
			         ev->B);
		else
			snprintf(buf, len, "load factor exceeded: map grows to B=%u (%" PRIu64 " buckets)",
			         ev->B, (uint64_t)1 << ev->B);
		return true;
	case MV_EV_EVACUATE:
		if (ev->same_size)
			snprintf(buf, len, "old bucket %" PRId64 " evacuated: %" PRId64 " entries compacted",
			         ev->old, ev->x);
		else
			snprintf(buf, len,
			         "old bucket %" PRId64 " evacuated: %" PRId64 " to X, %" PRId64 " to Y",
			         ev->old, ev->x, ev->y);
		return true;
	case MV_EV_GROW_END:
		snprintf(buf, len, "every old bucket evacuated: growth finished, old buckets freed");
		return true;
	case MV_EV_ITER_START:
		snprintf(buf, len, "range starts at bucket %" PRId64 ", slot offset %" PRId64, ev->bucket,
		         ev->slot);
		return true;
	case MV_EV_ITER_KEY:
		words_key(w->spec, ev->key, k, sizeof k);
		snprintf(buf, len, "range yields %s=%" PRId64, k, ev->value);
		return true;
	case MV_EV_CLEAR: snprintf(buf, len, "map cleared in place (B kept), hash0 reseeded"); return true;
	default:
		return false;
	}
}

const struct words_engine words_gomap = {glosses, event};
