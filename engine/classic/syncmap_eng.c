/*
 * Go 1.19's sync.Map (syncmap.h) as a row of the sync.Map engine table
 * (synceng.h).
 */
#include "engine/classic/syncmap.h"
#include "engine/core/synceng.h"

_Static_assert((int)SM_FATAL == (int)MV_SSTEP_FATAL && (int)SM_BLOCKED == (int)MV_SSTEP_BLOCKED,
	       "step results differ");

static enum mv_status eng_init(void *s, const struct mv_map_spec *ms, uint32_t lock_base,
			       const struct mv_strpool *strs)
{
	(void)lock_base; /* its one mutex reports n = 0, named below */
	return syncmap_init(s, ms->key, ms->seed, strs);
}

static void eng_done(void *s)
{
	syncmap_done(s);
}

static enum mv_status eng_copy(void *dst, const void *src)
{
	return syncmap_copy(dst, src);
}

/* S1-S11: Load, Store, LoadOrStore, LoadAndDelete, Delete, Range. */
static bool eng_has(enum mv_sop_kind k)
{
	return k <= MV_SOP_RANGE;
}

static void eng_op_start(void *opp, const struct mv_sop_start *a)
{
	struct sm_op *op = opp;
	switch (a->kind) {
	case MV_SOP_STORE: sm_op_store_init(op, a->key, a->value); break;
	case MV_SOP_LOAD: sm_op_load_init(op, a->key); break;
	case MV_SOP_DELETE: sm_op_delete_init(op, a->key); break;
	case MV_SOP_LOAD_OR_STORE: sm_op_load_or_store_init(op, a->key, a->value); break;
	case MV_SOP_LOAD_AND_DELETE: sm_op_load_and_delete_init(op, a->key); break;
	default: sm_op_range_init(op, a->in ? a->in->start : -1, a->in ? a->in->offset : -1); break;
	}
}

static enum mv_sstep eng_step(void *s, void *op, uint32_t self, uint64_t now, uint32_t *woken, uint32_t *nwoken,
			      const struct mv_sink *sink)
{
	return (enum mv_sstep)sm_step(s, op, self, now, woken, nwoken, sink);
}

static void eng_op_state(const void *opp, struct mv_sop_state *st)
{
	const struct sm_op *op = opp;
	st->phase = sm_phase_name(op->phase);
	st->last = sm_phase_name(op->last);
	st->steps = op->steps;
	st->done = op->phase == SM_PH_DONE;
	st->found = op->found;
	st->result = op->result;
	st->result_key = op->result_key;
	st->fatal = op->fatal;
	st->touch = op->touch;
}

static uint64_t eng_model_bytes(const void *sp)
{
	const struct syncmap *s = sp;
	return (uint64_t)s->entries_cap * sizeof *s->entries + (uint64_t)s->maps_cap * (sizeof *s->maps + 1024);
}

static const char *eng_lock_name(const void *s, uint32_t n, char *buf, unsigned len)
{
	(void)s;
	(void)n;
	(void)buf;
	(void)len;
	return "sync.Map.mu";
}

const struct mv_synceng mv_syncmap_engine = {
	.id = MV_SYNC_CLASSIC,
	.name = "syncmap",
	.go = MV_GO_1_19,
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
