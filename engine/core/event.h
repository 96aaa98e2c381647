/*
 * event: what a step did, reported by the engine to whoever listens (the
 * headless writer, the TUI, tests).  The engine never prints; it calls the
 * sink.  Event kinds, their JSON names and the fields each one carries come
 * from one table, MV_EVENT_MAP, so adding an event is one line.
 *
 * Field letters in the table say which members of struct mv_event are
 * meaningful for that kind (the JSON writer prints exactly those):
 *   k key  v value  b bucket  s slot  t tophash  B B  o old bucket
 *   x entries moved to X  y entries moved to Y
 *   p op (x) and other_op (y) as instruction names
 *   n count/number  h hash0  g same_size  m message  w other worker  c caught
 *   T table (Swiss: index in the map's table array, -1 = the small group)
 *   L new table (Swiss: grow's or conversion's new table, split's left half)
 *   R right half of a split  C capacity (slots)  D depth (local or global)
 * Swiss events reuse b for a group index inside a table and t for a
 * control byte (H2); they also fill `table` for insert/update/remove/
 * iter_key, though those rows do not list T.
 */
#ifndef MV_EVENT_H
#define MV_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#define MV_EVENT_MAP(X)                                                     \
	X(BUCKET_ALLOC, "bucket_alloc", "B")   /* M5.5 lazy first bucket */ \
	X(INSERT, "insert", "kbst")            /* M5.11 new key stored */   \
	X(UPDATE, "update", "kbs")             /* M5.7.2 key found */       \
	X(REMOVE, "remove", "kbs")             /* M6.6 slot emptied */      \
	X(EMPTY_REST, "empty_rest", "bsn")     /* M6.6.4 back-walk */       \
	X(RESEED, "reseed", "h")               /* M6.6.5, M10.2 */          \
	X(NEW_OVERFLOW, "new_overflow", "bn")  /* M8.3 */                   \
	X(GROW_START, "grow_start", "Bgn")     /* M7.1 hashGrow */          \
	X(EVACUATE, "evacuate", "oxyg")        /* M7.4 one old bucket */    \
	X(GROW_END, "grow_end", "B")           /* M7.5 growth finished */   \
	X(ITER_START, "iter_start", "bs")      /* M9.3 start bucket/offset */\
	X(ITER_KEY, "iter_key", "kvbs")        /* M9.6 an entry produced */ \
	X(CLEAR, "clear", "h")                 /* M10.2 */                  \
	X(SMALL_ALLOC, "small_alloc", "")      /* SW2.2 the small group */  \
	X(TO_TABLE, "to_table", "LCn")         /* SW2.6 small -> table L */ \
	X(TABLE_GROW, "table_grow", "TLCn")    /* SW5.4 T -> L of C slots */ \
	X(TABLE_SPLIT, "table_split", "TLRDn") /* SW5.6 T -> L, R; depth D */ \
	X(MOVE_GROUP, "move_group", "Tbxy")    /* one old group: x to L, y to R */ \
	X(TABLE_INSTALL, "table_install", "TLRD") /* SW5.4.3, SW5.7; D = gd */ \
	X(DIR_GROW, "dir_grow", "Dn")          /* SW5.7.1 directory doubled */ \
	X(PRUNE, "prune", "Tn")                /* SW4.15 n tombstones freed */ \
	X(TOMBSTONE, "tombstone", "kTbs")      /* SW4.10.3 slot -> 0xFE */  \
	/* sync.Map of Go 1.24+ (engine/hashtrie): D = an indirect node's \
	 * depth (root 0), s = a child index 0..15 in it */                 \
	X(TRIE_INIT, "trie_init", "n")         /* HT2.1 root made; n = seed */ \
	X(TRIE_INSERT, "trie_insert", "kvDs")  /* HT4.3 entry into a nil slot */ \
	X(TRIE_REPLACE, "trie_replace", "kvDs") /* HT4.3 new entry for a key */ \
	X(TRIE_EXPAND, "trie_expand", "kDsn")  /* HT4.4 n indirect levels */ \
	X(TRIE_COLLIDE, "trie_collide", "kDs") /* HT4.4.1 prepended to a chain */ \
	X(TRIE_REMOVE, "trie_remove", "kDs")   /* HT6.2 entry unlinked */   \
	X(TRIE_PRUNE, "trie_prune", "Ds")      /* HT6.2 empty node D cut */ \
	X(TRIE_RESTART, "trie_restart", "kD")  /* HT4.2 dead / now indirect */ \
	X(TRIE_CLEAR, "trie_clear", "")        /* HT7.2 a fresh root */     \
	X(FATAL, "fatal", "m")                 /* E2, E6, D5 */             \
	X(PANIC, "panic", "m")                 /* E4.1 */                   \
	X(DATA_RACE, "data_race", "wcpm")      /* unsynchronized access */  \
	X(LOCK_WAIT, "lock_wait", "n")                                      \
	X(LOCK_ACQUIRE, "lock_acquire", "n")                                \
	X(LOCK_RELEASE, "lock_release", "n")                                \
	X(LOCK_HANDOFF, "lock_handoff", "wn")                               \
	X(PROMOTE, "promote", "n")             /* S6 dirty → read */        \
	X(DIRTY_INIT, "dirty_init", "n")       /* S8 dirtyLocked */         \
	X(EXPUNGE, "expunge", "k")             /* S8 tryExpunge */          \
	X(MISS, "miss", "n")                   /* S6 missLocked */          \
	X(SIGNAL_CLOSE, "signal_close", "n")                                \
	X(WORKER_DONE, "worker_done", "")                                   \
	X(DEADLOCK, "deadlock", "m")           /* D5 */

enum mv_event_kind {
#define MV_EVENT_ENUM(name, json, fields) MV_EV_##name,
	MV_EVENT_MAP(MV_EVENT_ENUM)
#undef MV_EVENT_ENUM
	MV_EV__COUNT
};

struct mv_event {
	enum mv_event_kind kind;
	int64_t key;         /* the model's key (int, or string pool id) */
	int64_t value;
	int64_t bucket, slot, tophash, old, x, y, n;
	uint8_t B;
	uint32_t hash0;
	bool same_size;
	bool caught;          /* data_race: did the runtime's flag check fire */
	int32_t other;        /* data_race, handoff: the other worker, or -1 */
	int64_t table, table2, table3; /* T, L, R (Swiss) */
	int64_t capacity;     /* C */
	int64_t depth;        /* D */
	const char *msg;      /* static text */
};

/* Where the engine sends events.  A NULL sink (or NULL fn) means tracing is
 * off: the engine then builds no event at all. */
struct mv_sink {
	void (*fn)(void *ctx, const struct mv_event *ev);
	void *ctx;
};

static inline bool mv_sink_on(const struct mv_sink *s)
{
	return s && s->fn;
}

/* The JSON name of an event kind ("grow_start"), or NULL if out of range. */
const char *mv_event_name(enum mv_event_kind k);
/* The field letters of an event kind (see the table above). */
const char *mv_event_fields(enum mv_event_kind k);
/* Look an event kind up by its JSON name; -1 if unknown. */
int mv_event_lookup(const char *name);

#endif
