/*
 * The Swiss engine's row in the map-engine table (mapeng.h): Go 1.26's
 * Swiss-table map (swiss.h) behind the seam.
 */
#include <stddef.h>
#include <string.h>

#include "engine/core/mapeng.h"
#include "engine/swiss/swiss.h"

_Static_assert((int)SW_OUT_PANIC_GROWTH_LEFT == (int)MV_MOUT_PANIC_GROWTH_LEFT, "outcome tables differ");
_Static_assert((int)SW_DONE == (int)MV_MSTEP_DONE && (int)SW_YIELD == (int)MV_MSTEP_YIELD, "step results differ");

static enum mv_status eng_init(void *m, const struct mv_map_spec *ms, uint64_t seed, const struct mv_strpool *strs)
{
	return swiss_init(m, ms->key, ms->hint, seed, ms->nil, ms->pins, ms->npins, strs);
}

static void eng_done(void *m)
{
	swiss_done(m);
}

static enum mv_status eng_copy(void *dst, const void *src)
{
	return swiss_copy(dst, src);
}

static void eng_op_start(void *opp, const struct mv_mop_start *a)
{
	struct sw_op *op = opp;
	switch (a->kind) {
	case MV_MOP_ASSIGN:
		sw_op_assign_init(op, a->key, a->value, a->hash_pin);
		break;
	case MV_MOP_LOOKUP:
		sw_op_lookup_init(op, a->key, a->hash_pin);
		break;
	case MV_MOP_DELETE:
		sw_op_delete_init(op, a->key, a->hash_pin);
		break;
	case MV_MOP_ITER: /* SW6.3: pinned offsets, or drawn */
		sw_op_iter_init(op, a->in ? a->in->entry_offset : -1, a->in ? a->in->dir_offset : -1);
		break;
	case MV_MOP_LEN:
		sw_op_len_init(op);
		break;
	case MV_MOP_CLEAR:
		sw_op_clear_init(op);
		break;
	}
}

static enum mv_mstep eng_step(void *m, void *op, const struct mv_sink *sink)
{
	return (enum mv_mstep)swiss_step(m, op, sink);
}

/* touch_at: table + 1 in the high half (0: the small group), group + 1 in
 * the low half; 0 when the step touched nothing. */
static void eng_op_state(const void *opp, struct mv_mop_state *st)
{
	const struct sw_op *op = opp;
	st->phase = sw_phase_name(op->phase);
	st->last = sw_phase_name(op->last);
	st->steps = op->steps;
	st->done = op->phase == SW_PH_DONE;
	st->outcome = (enum mv_mout)op->outcome;
	st->found = op->found;
	st->result = op->result;
	st->result_key = op->result_key;
	st->hashed = op->pinned || op->hashed;
	st->hash = op->hash;
	st->touch_at = 0;
	if (op->touch_group >= 0)
		st->touch_at = (uint64_t)(uint32_t)(op->touch_table + 1) << 32 | (uint32_t)(op->touch_group + 1);
	st->touch_slot = op->touch_slot;
}

static uint64_t eng_hash(const void *m, int64_t key)
{
	return swiss_hash(m, key);
}

static int64_t eng_len(const void *m)
{
	return (int64_t)((const struct swmap *)m)->used;
}

static uint64_t eng_runtime_bytes(const void *m)
{
	struct sw_memory mem;
	swiss_memory(m, &mem);
	return mem.total;
}

static uint64_t eng_model_bytes(const void *m)
{
	struct sw_memory mem;
	swiss_memory(m, &mem);
	return mem.model;
}

/* expect.state names (SW1.1): used (and count, len's other name),
 * globalDepth, dirLen, clearSeq, tables (live ones). */
static bool eng_header_field(const void *mp, const char *name, int64_t *v)
{
	const struct swmap *m = mp;
	if (strcmp(name, "count") == 0 || strcmp(name, "used") == 0) {
		*v = (int64_t)m->used;
	} else if (strcmp(name, "globalDepth") == 0) {
		*v = m->global_depth;
	} else if (strcmp(name, "dirLen") == 0) {
		*v = m->dir_len;
	} else if (strcmp(name, "clearSeq") == 0) {
		*v = (int64_t)m->clear_seq;
	} else if (strcmp(name, "tables") == 0) {
		int64_t n = 0;
		for (uint32_t t = 0; t < m->ntables; t++)
			n += m->tables[t].state == SW_TAB_LIVE;
		*v = n;
	} else {
		return false;
	}
	return true;
}

static const char *const state_fields[] = {"count", "used", "globalDepth", "dirLen", "clearSeq", "tables", NULL};

const struct mv_mapeng mv_swiss_engine = {
	.id = MV_ENGINE_SWISS,
	.name = "swiss",
	.go = MV_GO_1_26,
	.init = eng_init,
	.done = eng_done,
	.copy = eng_copy,
	.op_start = eng_op_start,
	.step = eng_step,
	.op_state = eng_op_state,
	.hash = eng_hash,
	.len = eng_len,
	.runtime_bytes = eng_runtime_bytes,
	.model_bytes = eng_model_bytes,
	.header_field = eng_header_field,
	.state_fields = state_fields,
};
