/*
 * words_swiss: the Swiss engine's (Go 1.26's map) words — its events and
 * what its phases do (go-swiss-semantics.md SW2-SW8).  Tables are named by
 * their first directory slot (@N) when they have one.
 */
#include <inttypes.h>
#include <stdio.h>

#include "words.h"

static const struct words_gloss glosses[] = {
    {"check_writing", "is writing set? then another goroutine is writing: fatal"},
    {"hash", "hash the key with the map's seed"},
    {"set_writing", "writing ^= 1: this goroutine writes now"},
    {"alloc_small", "no group yet: allocate one (a small map of 8 slots)"},
    {"small_probe", "compare the key with the small map's full slots"},
    {"to_table", "small map full: it becomes a 16-slot table"},
    {"select_table", "the top globalDepth bits of the hash pick the table"},
    {"probe", "match H2 against one group's 8 control bytes"},
    {"update", "key found: overwrite its value"},
    {"reuse_tombstone", "new key: it takes the first tombstone seen"},
    {"prune", "no growthLeft: reclaim tombstones before growing (Go 1.25+)"},
    {"insert", "write ctrl = H2, key and value into the lowest empty slot"},
    {"grow", "table full: allocate one twice as big"},
    {"split", "a full 1024-slot table: allocate two, split by the next hash bit"},
    {"move_group", "rehash one old group into the new table(s)"},
    {"install", "point the directory at the new table(s); the old one is stale"},
    {"remove", "clear the slot: empty, or a tombstone if the group has no empty slot"},
    {"reseed", "the map is empty now: draw a new seed"},
    {"clear_table", "empty one table's groups (capacity stays)"},
    {"clear_end", "used = 0, a new seed, clearSeq++"},
    {"iter_init", "draw random entry and directory offsets"},
    {"iter_next", "produce the next full slot"},
    {"iter_relookup", "the table grew or split: look the key up in the live map"},
    {"iter_scan", "scan on for the next full slot"},
    {"read_len", "read used"},
    {"check_and_clear", "is writing still set? clear it (if not: fatal)"},
    {"write_value", "store the value"},
    {NULL, NULL},
};

/* "group 3 of table @2", or "the small map's group". */
static void where(char *buf, size_t len, const struct mv_event *ev)
{
	if (ev->table < 0)
		snprintf(buf, len, "the small group");
	else
		snprintf(buf, len, "group %" PRId64, ev->bucket);
}

static bool event(char *buf, size_t len, const struct mv_world *w, const struct mv_event *ev)
{
	char k[256], at[64];
	where(at, sizeof at, ev);
	switch (ev->kind) {
	case MV_EV_SMALL_ALLOC:
		snprintf(buf, len, "first write: one group of 8 slots is allocated (a small map)");
		return true;
	case MV_EV_INSERT:
		words_key(w->spec, ev->key, k, sizeof k);
		snprintf(buf, len, "new key %s -> %s slot %" PRId64 ", ctrl = H2 0x%02" PRIx64, k, at, ev->slot,
			 ev->tophash);
		return true;
	case MV_EV_UPDATE:
		words_key(w->spec, ev->key, k, sizeof k);
		snprintf(buf, len, "key %s found in %s slot %" PRId64 ": value updated", k, at, ev->slot);
		return true;
	case MV_EV_REMOVE:
		words_key(w->spec, ev->key, k, sizeof k);
		snprintf(buf, len, "key %s removed from %s slot %" PRId64 " (ctrl -> empty)", k, at, ev->slot);
		return true;
	case MV_EV_TOMBSTONE:
		words_key(w->spec, ev->key, k, sizeof k);
		snprintf(buf, len,
			 "key %s removed from %s slot %" PRId64 ": the group has no empty slot, so a tombstone "
			 "keeps lookups probing on",
			 k, at, ev->slot);
		return true;
	case MV_EV_TO_TABLE:
		snprintf(buf, len, "small map full: it becomes a table of %" PRId64 " slots", ev->capacity);
		return true;
	case MV_EV_TABLE_GROW:
		snprintf(buf, len, "table full (growthLeft 0): it grows to %" PRId64 " slots, every entry rehashed",
			 ev->capacity);
		return true;
	case MV_EV_TABLE_SPLIT:
		snprintf(buf, len, "a full 1024-slot table splits in two by the next hash bit (localDepth %" PRId64 ")",
			 ev->depth);
		return true;
	case MV_EV_MOVE_GROUP:
		if (ev->y)
			snprintf(buf, len,
				 "old group %" PRId64 " rehashed: %" PRId64 " to the low table, %" PRId64
				 " to the high one",
				 ev->bucket, ev->x, ev->y);
		else
			snprintf(buf, len, "old %s rehashed: %" PRId64 " entr%s moved to the new table",
				 ev->table < 0 ? "small group" : at, ev->x, ev->x == 1 ? "y" : "ies");
		return true;
	case MV_EV_TABLE_INSTALL:
		if (ev->table < 0)
			snprintf(buf, len, "the map now has a directory of one table; the small group is gone");
		else
			snprintf(buf, len, "the directory now points at the new table%s; the old one is stale",
				 ev->table3 > 0 && ev->table3 != ev->table2 ? "s" : "");
		return true;
	case MV_EV_DIR_GROW:
		snprintf(buf, len, "the directory doubles to %" PRId64 " slots (globalDepth %" PRId64 ")", ev->n,
			 ev->depth);
		return true;
	case MV_EV_PRUNE:
		if (ev->n)
			snprintf(buf, len, "%" PRId64 " tombstone(s) reclaimed instead of growing (Go 1.25+)", ev->n);
		else
			snprintf(buf, len, "no tombstone worth reclaiming (Go 1.25+ looks first): the table must grow");
		return true;
	case MV_EV_RESEED:
		snprintf(buf, len, "the map is empty: a new seed is drawn (%#" PRIx32 ")", ev->hash0);
		return true;
	case MV_EV_CLEAR:
		snprintf(buf, len, "map cleared in place (capacity kept), new seed, clearSeq++");
		return true;
	case MV_EV_ITER_START:
		snprintf(buf, len, "range starts at directory slot %" PRId64 ", entry offset %" PRId64, ev->bucket,
			 ev->slot);
		return true;
	case MV_EV_ITER_KEY:
		words_key(w->spec, ev->key, k, sizeof k);
		snprintf(buf, len, "range yields %s=%" PRId64, k, ev->value);
		return true;
	default:
		return false;
	}
}

const struct words_engine words_swiss = {glosses, event};
