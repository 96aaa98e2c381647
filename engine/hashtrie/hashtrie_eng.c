/*
 * Go 1.26's sync.Map (HashTrieMap, hashtrie.h) as a row of the sync.Map
 * engine table (synceng.h).
 */
#include "engine/core/synceng.h"
#include "engine/hashtrie/hashtrie.h"

_Static_assert((int)HT_FATAL == (int)MV_SSTEP_FATAL && (int)HT_BLOCKED == (int)MV_SSTEP_BLOCKED,
	       "step results differ");

static enum mv_status eng_init(void *t, const struct mv_map_spec *ms, uint32_t lock_base,
			       const struct mv_strpool *strs)
{
	enum mv_status st = hashtrie_init(t, ms->key, ms->seed, ms->pins, ms->npins, strs);
	if (st == MV_OK)
		hashtrie_set_lock_base(t, lock_base);
	return st;
}

static void eng_done(void *t)
{
	hashtrie_done(t);
}

static enum mv_status eng_copy(void *dst, const void *src)
{
	return hashtrie_copy(dst, src);
}

/* HT3-HT7: every method of Go 1.26's sync.Map. */
static bool eng_has(enum mv_sop_kind k)
{
	(void)k;
	return true;
}

static void eng_op_start(void *opp, const struct mv_sop_start *a)
{
	struct ht_op *op = opp;
	switch (a->kind) {
	case MV_SOP_LOAD: ht_op_load_init(op, a->key, a->hash_pin); break;
	case MV_SOP_STORE: ht_op_store_init(op, a->key, a->value, a->hash_pin); break;
	case MV_SOP_LOAD_OR_STORE: ht_op_load_or_store_init(op, a->key, a->value, a->hash_pin); break;
	case MV_SOP_LOAD_AND_DELETE: ht_op_load_and_delete_init(op, a->key, a->hash_pin); break;
	case MV_SOP_DELETE: ht_op_delete_init(op, a->key, a->hash_pin); break;
	case MV_SOP_SWAP: ht_op_swap_init(op, a->key, a->value, a->hash_pin); break;
	case MV_SOP_COMPARE_AND_SWAP: ht_op_compare_and_swap_init(op, a->key, a->old, a->value, a->hash_pin); break;
	case MV_SOP_COMPARE_AND_DELETE: ht_op_compare_and_delete_init(op, a->key, a->old, a->hash_pin); break;
	case MV_SOP_CLEAR: ht_op_clear_init(op); break;
	case MV_SOP_RANGE: ht_op_range_init(op); break;
	}
}

static enum mv_sstep eng_step(void *t, void *op, uint32_t self, uint64_t now, uint32_t *woken, uint32_t *nwoken,
			      const struct mv_sink *sink)
{
	return (enum mv_sstep)ht_step(t, op, self, now, woken, nwoken, sink);
}

static void eng_op_state(const void *opp, struct mv_sop_state *st)
{
	const struct ht_op *op = opp;
	st->phase = ht_phase_name(op->phase);
	st->last = ht_phase_name(op->last);
	st->steps = op->steps;
	st->done = op->phase == HT_PH_DONE;
	st->found = op->found;
	st->result = op->result;
	st->result_key = op->result_key;
	st->fatal = op->fatal;
	st->touch = op->touch_entry;
}

static uint64_t eng_model_bytes(const void *tp)
{
	struct ht_memory mem;
	hashtrie_memory(tp, &mem);
	return mem.model;
}

static const char *eng_lock_name(const void *t, uint32_t n, char *buf, unsigned len)
{
	uint32_t node = 0;
	switch (hashtrie_lock_of(t, n, &node)) {
	case 1: return "sync.Map initMu";
	case 2: {
		/* "node[N].mu" without stdio (the engine prints nothing) */
		char num[12];
		unsigned k = 0, o = 0;
		do {
			num[k++] = (char)('0' + node % 10);
			node /= 10;
		} while (node && k < sizeof num);
		for (const char *p = "node["; *p && o + 1 < len; p++)
			buf[o++] = *p;
		while (k && o + 1 < len)
			buf[o++] = num[--k];
		for (const char *p = "].mu"; *p && o + 1 < len; p++)
			buf[o++] = *p;
		buf[o] = '\0';
		return buf;
	}
	default: return "?";
	}
}

const struct mv_synceng mv_hashtrie_engine = {
	.id = MV_SYNC_TRIE,
	.name = "hashtrie",
	.go = MV_GO_1_26,
	.init = eng_init,
	.done = eng_done,
	.copy = eng_copy,
	.has = eng_has,
	.op_start = eng_op_start,
	.step = eng_step,
	.op_state = eng_op_state,
	.model_bytes = eng_model_bytes,
	.lock_name = eng_lock_name,
};
