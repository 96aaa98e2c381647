/*
 * words: what people read about a run, worded once for every writer — the
 * transcript of `mapviz run`, the TUI's event log and goroutine panel, the
 * recordings.  Events, keys and what each runtime phase does.
 */
#include "words.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* A key as people read it: 17, or "alice" quoted with control bytes escaped. */
void words_key(const struct mv_world_spec *spec, int64_t key, char *buf, size_t len)
{
	if (spec->map.key == MV_KEY_INT) {
		snprintf(buf, len, "%" PRId64, key);
		return;
	}
	size_t n, o = 0;
	const char *s = mv_strpool_get(spec->strs, (uint32_t)key, &n);
	if (len < 4) {
		buf[0] = '\0';
		return;
	}
	buf[o++] = '"';
	for (size_t i = 0; i < n && o + 5 < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

/* What a runtime phase does, in a few words (go-map-semantics.md M4-M10,
 * locks.h for the lock phases). */
static const struct {
	const char *phase, *gloss;
} glosses[] = {
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
    {"fast_cas", "CAS the mutex from unlocked to locked"},
    {"sem_acquire", "lock taken: sleep on the semaphore"},
    {"unlock_add", "unlock: state -= locked"},
    {"add_reader_count", "readerCount++ (negative: a writer is waiting)"},
    {"sub_reader_count", "readerCount--"},
    {"announce_writer", "readerCount -= 2^30: readers must wait"},
    {"retract_writer", "readerCount += 2^30: readers may enter"},
};

const char *words_gloss(const struct mv_world *w, const char *phase)
{
	(void)w;
	for (size_t i = 0; i < sizeof glosses / sizeof glosses[0]; i++)
		if (strcmp(glosses[i].phase, phase) == 0)
			return glosses[i].gloss;
	return NULL;
}

void words_event(char *buf, size_t len, const struct mv_world *w, const struct mv_event *ev)
{
	char k[256], lb[40];
	switch (ev->kind) {
	case MV_EV_BUCKET_ALLOC:
		snprintf(buf, len, "first write: the bucket array (1 bucket) is allocated");
		break;
	case MV_EV_INSERT:
		words_key(w->spec, ev->key, k, sizeof k);
		snprintf(buf, len, "new key %s -> bucket %" PRId64 " slot %" PRId64 ", tophash 0x%02" PRIx64,
		         k, ev->bucket, ev->slot, ev->tophash);
		break;
	case MV_EV_UPDATE:
		words_key(w->spec, ev->key, k, sizeof k);
		snprintf(buf, len, "key %s found in bucket %" PRId64 " slot %" PRId64 ": value updated", k,
		         ev->bucket, ev->slot);
		break;
	case MV_EV_REMOVE:
		words_key(w->spec, ev->key, k, sizeof k);
		snprintf(buf, len,
		         "key %s removed from bucket %" PRId64 " slot %" PRId64 " (tophash -> emptyOne)", k,
		         ev->bucket, ev->slot);
		break;
	case MV_EV_EMPTY_REST:
		snprintf(buf, len, "%" PRId64 " slot(s) marked emptyRest: lookups stop there", ev->n);
		break;
	case MV_EV_RESEED: snprintf(buf, len, "map is empty: hash0 reseeded to %" PRIu32, ev->hash0); break;
	case MV_EV_NEW_OVERFLOW:
		snprintf(buf, len,
		         "bucket %" PRId64 " is full: overflow bucket linked (noverflow %" PRId64 ")",
		         ev->bucket, ev->n);
		break;
	case MV_EV_GROW_START:
		if (ev->same_size)
			snprintf(buf, len, "too many overflow buckets: same-size grow starts (B stays %u)",
			         ev->B);
		else
			snprintf(buf, len, "load factor exceeded: map grows to B=%u (%" PRIu64 " buckets)",
			         ev->B, (uint64_t)1 << ev->B);
		break;
	case MV_EV_EVACUATE:
		if (ev->same_size)
			snprintf(buf, len, "old bucket %" PRId64 " evacuated: %" PRId64 " entries compacted",
			         ev->old, ev->x);
		else
			snprintf(buf, len,
			         "old bucket %" PRId64 " evacuated: %" PRId64 " to X, %" PRId64 " to Y",
			         ev->old, ev->x, ev->y);
		break;
	case MV_EV_GROW_END:
		snprintf(buf, len, "every old bucket evacuated: growth finished, old buckets freed");
		break;
	case MV_EV_ITER_START:
		snprintf(buf, len, "range starts at bucket %" PRId64 ", slot offset %" PRId64, ev->bucket,
		         ev->slot);
		break;
	case MV_EV_ITER_KEY:
		words_key(w->spec, ev->key, k, sizeof k);
		snprintf(buf, len, "range yields %s=%" PRId64, k, ev->value);
		break;
	case MV_EV_CLEAR: snprintf(buf, len, "map cleared in place (B kept), hash0 reseeded"); break;
	case MV_EV_FATAL:
	case MV_EV_DEADLOCK: snprintf(buf, len, "fatal error: %s", ev->msg ? ev->msg : ""); break;
	case MV_EV_PANIC: snprintf(buf, len, "panic: %s", ev->msg ? ev->msg : ""); break;
	case MV_EV_WORKER_DONE: snprintf(buf, len, "finished its program"); break;
	case MV_EV_LOCK_WAIT:
		snprintf(buf, len, "%s is taken: goes to sleep on its semaphore",
		         mv_world_lock_name(w, (uint32_t)ev->n, lb, sizeof lb));
		break;
	case MV_EV_LOCK_ACQUIRE:
		snprintf(buf, len, "acquired %s", mv_world_lock_name(w, (uint32_t)ev->n, lb, sizeof lb));
		break;
	case MV_EV_LOCK_RELEASE:
		snprintf(buf, len, "released %s", mv_world_lock_name(w, (uint32_t)ev->n, lb, sizeof lb));
		break;
	case MV_EV_LOCK_HANDOFF:
		snprintf(buf, len, "starvation mode: hands %s straight to %s",
		         mv_world_lock_name(w, (uint32_t)ev->n, lb, sizeof lb),
		         ev->other >= 0 ? w->spec->workers[ev->other].name : "?");
		break;
	case MV_EV_SIGNAL_CLOSE:
		snprintf(buf, len, "closed the channel: %" PRId64 " waiter(s) released", ev->n);
		break;
	case MV_EV_DATA_RACE:
		snprintf(buf, len, "DATA RACE (%s): %s here vs %s in %s; %s", ev->msg ? ev->msg : "",
		         mv_instr_name((enum mv_instr_kind)ev->x), mv_instr_name((enum mv_instr_kind)ev->y),
		         ev->other >= 0 ? w->spec->workers[ev->other].name : "?",
		         ev->caught ? "the runtime's check caught it"
		                    : "the runtime's check did not catch it");
		break;
	default: snprintf(buf, len, "%s", mv_event_name(ev->kind)); break;
	}

}
