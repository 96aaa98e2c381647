/*
 * The classic engine's row in the map-engine table (mapeng.h): Go 1.19's
 * bucket map (gomap) behind the seam.
 */
#include <stddef.h>
#include <string.h>

#include "engine/classic/gomap.h"
#include "engine/core/mapeng.h"

_Static_assert((int)GM_OUT_THROW_BAD_STATE == (int)MV_MOUT_THROW_BAD_STATE, "outcome tables differ");
_Static_assert((int)GM_DONE == (int)MV_MSTEP_DONE && (int)GM_YIELD == (int)MV_MSTEP_YIELD, "step results differ");

static enum mv_status eng_init(void *m, const struct mv_map_spec *ms, uint64_t seed, const struct mv_strpool *strs)
{
	return gomap_init(m, ms->key, ms->hint, seed, ms->nil, ms->pins, ms->npins, strs);
}

static void eng_done(void *m)
{
	gomap_done(m);
}

static enum mv_status eng_copy(void *dst, const void *src)
{
	return gomap_copy(dst, src);
}

static void eng_op_start(void *opp, const struct mv_mop_start *a)
{
	struct gm_op *op = opp;
	switch (a->kind) {
	case MV_MOP_ASSIGN:
		gm_op_assign_init(op, a->key, a->value, a->hash_pin);
		break;
	case MV_MOP_LOOKUP:
		gm_op_lookup_init(op, a->key, a->hash_pin);
		break;
	case MV_MOP_DELETE:
		gm_op_delete_init(op, a->key, a->hash_pin);
		break;
	case MV_MOP_ITER:
		gm_op_iter_init(op, a->in ? a->in->start : -1, a->in ? a->in->offset : -1);
		break;
	case MV_MOP_LEN:
		gm_op_len_init(op);
		break;
	case MV_MOP_CLEAR:
		gm_op_clear_init(op);
		break;
	}
}

static enum mv_mstep eng_step(void *m, void *op, const struct mv_sink *sink)
{
	return (enum mv_mstep)gomap_step(m, op, sink);
}

static void eng_op_state(const void *opp, struct mv_mop_state *st)
{
	const struct gm_op *op = opp;
	st->phase = gm_phase_name(op->phase);
	st->last = gm_phase_name(op->last);
	st->steps = op->steps;
	st->done = op->phase == GM_PH_DONE;
	st->outcome = (enum mv_mout)op->outcome;
	st->found = op->found;
	st->result = op->result;
	st->result_key = op->result_key;
	st->hashed = op->pinned || op->hashed;
	st->hash = op->hash;
	st->touch_at = op->touch_b; /* a bucket's slab index */
	st->touch_slot = op->touch_slot;
}

static uint64_t eng_hash(const void *m, int64_t key)
{
	return gomap_hash(m, key);
}

static int64_t eng_len(const void *m)
{
	return ((const struct gomap *)m)->count;
}

static uint64_t eng_runtime_bytes(const void *m)
{
	struct gm_memory mem;
	gomap_memory(m, &mem);
	return mem.buckets + mem.overflow + mem.old;
}

static uint64_t eng_model_bytes(const void *mp)
{
	const struct gomap *m = mp;
	return (uint64_t)m->slab_cap * sizeof(struct gm_bucket) + (uint64_t)m->pins.cap * sizeof *m->pins.slots;
}

static bool eng_header_field(const void *mp, const char *name, int64_t *v)
{
	const struct gomap *m = mp;
	if (strcmp(name, "count") == 0)
		*v = m->count;
	else if (strcmp(name, "B") == 0)
		*v = m->B;
	else if (strcmp(name, "flags") == 0)
		*v = m->flags;
	else if (strcmp(name, "noverflow") == 0)
		*v = m->noverflow;
	else if (strcmp(name, "nevacuate") == 0)
		*v = (int64_t)m->nevacuate;
	else
		return false;
	return true;
}

static const char *const state_fields[] = {"count", "B", "flags", "noverflow", "nevacuate", NULL};

const struct mv_mapeng mv_classic_engine = {
	.id = MV_ENGINE_CLASSIC,
	.name = "classic",
	.go = MV_GO_1_19,
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
