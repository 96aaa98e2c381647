/*
 * synceng: the seam between the world and a sync.Map engine — Go 1.19's
 * read/dirty sync.Map (engine/classic/syncmap) or Go 1.26's HashTrieMap
 * (engine/hashtrie).  As mapeng.h does for the built-in map: the world keeps
 * a sync.Map as a struct mv_syncmap (engine/world/maps.h: the row and a
 * union of the engines' structs) and an operation as a union mv_sop, and
 * calls the engine only through its row.  A sync.Map's internal mutexes
 * block and wake workers (locks.h), so a step may leave the worker blocked.
 */
#ifndef MV_SYNCENG_H
#define MV_SYNCENG_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/core/event.h"
#include "engine/core/spec.h"
#include "engine/core/status.h"
#include "engine/core/strpool.h"

enum mv_sync_id { MV_SYNC_CLASSIC, MV_SYNC_TRIE, MV_SYNC__COUNT };

/* One step's result (the order of both engines' own). */
enum mv_sstep { MV_SSTEP_MORE, MV_SSTEP_BLOCKED, MV_SSTEP_YIELD, MV_SSTEP_DONE, MV_SSTEP_FATAL };

enum mv_sop_kind {
	MV_SOP_LOAD,
	MV_SOP_STORE,
	MV_SOP_LOAD_OR_STORE,
	MV_SOP_LOAD_AND_DELETE,
	MV_SOP_DELETE,
	MV_SOP_RANGE,
	MV_SOP_SWAP,
	MV_SOP_COMPARE_AND_SWAP,
	MV_SOP_COMPARE_AND_DELETE,
	MV_SOP_CLEAR,
};

struct mv_sop_start {
	enum mv_sop_kind kind;
	int64_t key, value, old;  /* CompareAndSwap: value is new */
	const uint64_t *hash_pin; /* the op's hash: pin, or NULL */
	const struct mv_instr *in;
};

struct mv_sop_state {
	const char *phase, *last; /* next phase; the phase the latest step ran */
	uint32_t steps;
	bool done;
	bool found;               /* load: ok; loaded; swapped; deleted */
	int64_t result;           /* load, load_or_store, load_and_delete, swap (previous), range: value */
	int64_t result_key;       /* range: key */
	const char *fatal;        /* Go's message when it ended fatally */
	uint32_t touch;           /* what the latest step touched, in the engine's terms */
};

struct mv_synceng {
	enum mv_sync_id id;
	const char *name; /* "syncmap", "hashtrie": state JSON "engine" */
	enum mv_go go;
	/* lock_base: the n its internal mutexes' LOCK_* events start at */
	enum mv_status (*init)(void *s, const struct mv_map_spec *ms, uint32_t lock_base,
			       const struct mv_strpool *strs);
	void (*done)(void *s);
	enum mv_status (*copy)(void *dst, const void *src);
	/* Whether this sync.Map has the method (Go 1.19's has no Swap,
	 * CompareAndSwap, CompareAndDelete or Clear). */
	bool (*has)(enum mv_sop_kind k);
	void (*op_start)(void *op, const struct mv_sop_start *a);
	enum mv_sstep (*step)(void *s, void *op, uint32_t self, uint64_t now, uint32_t *woken, uint32_t *nwoken,
			      const struct mv_sink *sink);
	void (*op_state)(const void *op, struct mv_sop_state *st);
	uint64_t (*model_bytes)(const void *s);
	/* The name of the internal mutex whose LOCK_* events carry n, in buf
	 * ("sync.Map.mu", "node[3].mu"). */
	const char *(*lock_name)(const void *s, uint32_t n, char *buf, unsigned len);
};

#endif
