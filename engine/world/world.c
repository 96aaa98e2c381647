/*
 * world: workers running programs of map, lock and channel operations, one
 * micro-step at a time; see world.h.  Everything here is deterministic: the
 * only randomness is the maps' RNGs and the scheduler's, all inside the
 * world, so a copy replays exactly.
 */
#include "engine/world/world.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"

static const char *const end_names[] = {
#define MV_END_NAME(name, str) str,
	MV_END_MAP(MV_END_NAME)
#undef MV_END_NAME
};

static const char *const wstate_names[] = {
#define MV_WSTATE_NAME(name, str) str,
	MV_WSTATE_MAP(MV_WSTATE_NAME)
#undef MV_WSTATE_NAME
};

static const char *const instr_names[] = {
#define MV_INSTR_NAME(name, str) str,
	MV_INSTR_MAP(MV_INSTR_NAME)
#undef MV_INSTR_NAME
};

static const char *const impl_names[] = {
#define MV_IMPL_NAME(name, str) str,
	MV_IMPL_MAP(MV_IMPL_NAME)
#undef MV_IMPL_NAME
};

const char *mv_end_name(enum mv_end e)
{
	return (unsigned)e < sizeof end_names / sizeof end_names[0] ? end_names[e] : "?";
}

const char *mv_wstate_name(enum mv_wstate s)
{
	return (unsigned)s < sizeof wstate_names / sizeof wstate_names[0] ? wstate_names[s] : "?";
}

const char *mv_instr_name(enum mv_instr_kind k)
{
	return (unsigned)k < MV_I__COUNT ? instr_names[k] : "?";
}

static const char *const go_names[] = {
#define GO_NAME(name, str, text) str,
	MV_GO_MAP(GO_NAME)
#undef GO_NAME
};

const char *mv_go_name(enum mv_go g)
{
	return (unsigned)g < MV_GO__COUNT ? go_names[g] : "?";
}

static const char *const go_texts[] = {
#define GO_TEXT(name, str, text) text,
	MV_GO_MAP(GO_TEXT)
#undef GO_TEXT
};

const char *mv_go_text(enum mv_go g)
{
	return (unsigned)g < MV_GO__COUNT ? go_texts[g] : "?";
}

bool mv_go_parse(const char *s, enum mv_go *out)
{
	for (unsigned g = 0; g < MV_GO__COUNT; g++)
		if (strcmp(s, go_names[g]) == 0) {
			*out = (enum mv_go)g;
			return true;
		}
	return false;
}

const char *mv_impl_name(enum mv_impl k)
{
	return (unsigned)k < sizeof impl_names / sizeof impl_names[0] ? impl_names[k] : "?";
}

static const struct mv_program *prog_of(const struct mv_world *w, uint32_t i)
{
	return &w->spec->workers[i].prog;
}

const struct mv_instr *mv_world_instr(const struct mv_world *w, uint32_t i)
{
	const struct mv_program *p = prog_of(w, i);
	const struct mv_worker *wk = &w->workers[i];
	uint32_t pc = wk->in_op ? wk->op_pc : wk->pc;
	return pc < p->n ? &p->instrs[pc] : NULL;
}

static bool is_map_instr(enum mv_instr_kind k)
{
	switch (k) {
	case MV_I_STORE:
	case MV_I_LOAD:
	case MV_I_DELETE:
	case MV_I_RANGE:
	case MV_I_LEN:
	case MV_I_CLEAR:
		return true;
	default:
		return false;
	}
}

static bool is_write_instr(enum mv_instr_kind k)
{
	return k == MV_I_STORE || k == MV_I_DELETE || k == MV_I_CLEAR;
}

const char *mv_world_phase(const struct mv_world *w, uint32_t i)
{
	const struct mv_worker *wk = &w->workers[i];
	if (!wk->in_op)
		return "";
	switch (wk->op.stage) {
	case MV_ST_LOCK:
	case MV_ST_UNLOCK:
		return mv_lk_phase_name(wk->op.lk.steps ? wk->op.lk.phase : MV_LK_PH_START);
	case MV_ST_MAP:
	{
		struct mv_mop_state st;
		mv_mop_state(&w->maps[wk->op.shard], &wk->op.mop, &st);
		return st.phase;
	}
	case MV_ST_SLEEP:
		return "start_timer";
	case MV_ST_CLOSE:
		return "close";
	case MV_ST_WAIT:
		return wk->op.instr == MV_I_SLEEP ? "timer_fired" : "receive";
	case MV_ST_SYNC:
	{
		struct mv_sop_state st;
		mv_sop_state(w->sm, &wk->op.sop, &st);
		return st.phase;
	}
	}
	return "";
}

const char *mv_world_wait_reason(const struct mv_world *w, uint32_t i)
{
	const struct mv_worker *wk = &w->workers[i];
	if ((int32_t)i == w->culprit)
		return "running";
	switch (wk->state) {
	case MV_W_BLOCKED:
		return wk->wait == MV_WAIT_CHAN_RECEIVE ? "chan receive" : "semacquire"; /* D5 */
	case MV_W_SLEEPING:
		return "sleep";
	case MV_W_DONE:
		return "done";
	case MV_W_RUNNABLE:
		break;
	}
	return "runnable";
}

const char *mv_world_lock_name(const struct mv_world *w, uint32_t i, char *buf, unsigned len)
{
	const struct mv_world_spec *s = w->spec;
	if (i < s->nlocks)
		return s->locks[i].name;
	if (w->sm)
		return w->sm->eng->lock_name(&w->sm->u, i, buf, len);
	if (s->map.impl == MV_IMPL_SHARDED) {
		/* shard[N].mu */
		unsigned n = i - w->map_lock, k = 0;
		char num[12];
		do {
			num[k++] = (char)('0' + n % 10);
			n /= 10;
		} while (n && k < sizeof num);
		unsigned o = 0;
		const char *pre = "shard[";
		while (*pre && o + 1 < len)
			buf[o++] = *pre++;
		while (k && o + 1 < len)
			buf[o++] = num[--k];
		pre = "].mu";
		while (*pre && o + 1 < len)
			buf[o++] = *pre++;
		buf[o < len ? o : len - 1] = '\0';
		return buf;
	}
	return "map.mu";
}

uint32_t mv_world_shard_of(const struct mv_world *w, int64_t key)
{
	/* The shard function of a typical Go sharded map: FNV-1a of the key's
	 * bytes, modulo the shard count. */
	uint64_t h = 1469598103934665603ULL;
	if (w->spec->map.key == MV_KEY_STRING) {
		size_t n;
		const char *s = mv_strpool_get(w->spec->strs, (uint32_t)key, &n);
		for (size_t i = 0; i < n; i++) {
			h ^= (unsigned char)s[i];
			h *= 1099511628211ULL;
		}
	} else {
		for (int i = 0; i < 8; i++) {
			h ^= (uint64_t)key >> (8 * i) & 0xff;
			h *= 1099511628211ULL;
		}
	}
	return (uint32_t)(h % w->nmaps);
}

/* ---- operands ---- */

static void buf_put(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		while (*len + n + 1 > *cap)
			*cap = *cap ? *cap * 2 : 64;
		*buf = mv_xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
}

/* Expand a template ("$N" = variable N, "$$" = '$') for worker i. */
static int64_t expand_template(struct mv_world *w, uint32_t i, uint32_t text)
{
	size_t tlen, len = 0, cap = 0;
	const char *t = mv_strpool_get(w->spec->strs, text, &tlen);
	char *buf = NULL;
	const struct mv_worker *wk = &w->workers[i];
	for (size_t k = 0; k < tlen; k++) {
		if (t[k] != '$' || k + 1 >= tlen) {
			buf_put(&buf, &len, &cap, &t[k], 1);
			continue;
		}
		if (t[k + 1] == '$') {
			buf_put(&buf, &len, &cap, "$", 1);
			k++;
			continue;
		}
		unsigned v = 0;
		while (k + 1 < tlen && t[k + 1] >= '0' && t[k + 1] <= '9')
			v = v * 10 + (unsigned)(t[++k] - '0');
		int64_t val = v < MV_MAX_VARS ? wk->vars[v] : 0;
		if (v < MV_MAX_VARS && (wk->var_str >> v & 1)) {
			/* a range variable over a string map holds a key: its bytes,
			 * copied first because the pool may move as we intern */
			size_t n;
			const char *s = mv_strpool_get(w->spec->strs, (uint32_t)val, &n);
			char *copy = mv_xmalloc(n + 1);
			memcpy(copy, s, n);
			buf_put(&buf, &len, &cap, copy, n);
			free(copy);
		} else {
			char num[24];
			size_t n = 0;
			uint64_t u = val < 0 ? (uint64_t)0 - (uint64_t)val : (uint64_t)val;
			do {
				num[sizeof num - 1 - n++] = (char)('0' + u % 10);
				u /= 10;
			} while (u);
			if (val < 0)
				num[sizeof num - 1 - n++] = '-';
			buf_put(&buf, &len, &cap, num + sizeof num - n, n);
		}
	}
	uint32_t id = 0;
	if (mv_strpool_intern(w->spec->strs, buf ? buf : "", len, &id) != MV_OK)
		id = 0;
	free(buf);
	return id;
}

int64_t mv_world_operand(struct mv_world *w, uint32_t i, const struct mv_operand *o)
{
	switch (o->kind) {
	case MV_OPD_INT:
		return o->num;
	case MV_OPD_STR:
		return o->str;
	case MV_OPD_VAR:
		if (o->var >= MV_MAX_VARS)
			return o->num;
		return (int64_t)((uint64_t)w->workers[i].vars[o->var] + (uint64_t)o->num);
	case MV_OPD_TEMPLATE:
		return expand_template(w, i, o->str);
	case MV_OPD_NONE:
		break;
	}
	return 0;
}

/* ---- events ---- */

static void emit_world(struct mv_world *w, uint32_t i, const struct mv_event *ev)
{
	if (w->obs && w->obs->event)
		w->obs->event(w->obs->ctx, i, ev);
}

struct step_sink {
	struct mv_world *w;
	uint32_t i;
};

static void sink_fn(void *ctx, const struct mv_event *ev)
{
	struct step_sink *s = ctx;
	emit_world(s->w, s->i, ev);
}

/* ---- starting operations ---- */

static void start_map_stage(struct mv_world *w, uint32_t i)
{
	struct mv_worker *wk = &w->workers[i];
	struct mv_wop *op = &wk->op;
	const struct mv_instr *in = &prog_of(w, i)->instrs[wk->op_pc];
	const uint64_t *pin = in->has_hash ? &in->hash : NULL;
	op->stage = MV_ST_MAP;
	struct mv_mop_start a = {.key = op->key, .value = op->value, .hash_pin = pin, .in = in};
	switch (op->instr) {
	case MV_I_STORE:
		a.kind = MV_MOP_ASSIGN;
		break;
	case MV_I_LOAD:
		a.kind = MV_MOP_LOOKUP;
		break;
	case MV_I_DELETE:
		a.kind = MV_MOP_DELETE;
		break;
	case MV_I_RANGE:
		a.kind = MV_MOP_ITER;
		break;
	case MV_I_LEN:
		a.kind = MV_MOP_LEN;
		break;
	default:
		a.kind = MV_MOP_CLEAR;
		break;
	}
	const struct mv_map *m = &w->maps[op->shard];
	m->eng->op_start(&op->mop, &a);
}

static void start_lock_stage(struct mv_world *w, uint32_t i, enum mv_stage stage)
{
	struct mv_wop *op = &w->workers[i].op;
	enum mv_instr_kind k;
	op->stage = stage;
	if (op->wrapped)
		k = stage == MV_ST_LOCK ? (op->read ? MV_I_RLOCK : MV_I_LOCK) : (op->read ? MV_I_RUNLOCK : MV_I_UNLOCK);
	else
		k = op->instr;
	mv_lock_op_init(&op->lk, k);
}

/* The instructions that are sync.Map methods in a syncmap world. */
static bool is_sync_instr(enum mv_instr_kind k)
{
	switch (k) {
	case MV_I_STORE:
	case MV_I_LOAD:
	case MV_I_DELETE:
	case MV_I_RANGE:
	case MV_I_CLEAR:
	case MV_I_LOAD_OR_STORE:
	case MV_I_LOAD_AND_DELETE:
	case MV_I_SWAP:
	case MV_I_COMPARE_AND_SWAP:
	case MV_I_COMPARE_AND_DELETE:
		return true;
	default:
		return false;
	}
}

static enum mv_sop_kind sop_kind(enum mv_instr_kind k)
{
	switch (k) {
	case MV_I_STORE: return MV_SOP_STORE;
	case MV_I_LOAD: return MV_SOP_LOAD;
	case MV_I_DELETE: return MV_SOP_DELETE;
	case MV_I_CLEAR: return MV_SOP_CLEAR;
	case MV_I_LOAD_OR_STORE: return MV_SOP_LOAD_OR_STORE;
	case MV_I_LOAD_AND_DELETE: return MV_SOP_LOAD_AND_DELETE;
	case MV_I_SWAP: return MV_SOP_SWAP;
	case MV_I_COMPARE_AND_SWAP: return MV_SOP_COMPARE_AND_SWAP;
	case MV_I_COMPARE_AND_DELETE: return MV_SOP_COMPARE_AND_DELETE;
	default: return MV_SOP_RANGE;
	}
}

/* Set up the op of instruction pc for worker i. */
static void start_op(struct mv_world *w, uint32_t i, const struct mv_instr *in, uint32_t pc)
{
	struct mv_worker *wk = &w->workers[i];
	struct mv_wop *op = &wk->op;
	memset(op, 0, sizeof *op);
	op->instr = in->kind;
	wk->in_op = true;
	wk->mid_op = false;
	wk->op_pc = pc;
	if (w->sm && is_sync_instr(in->kind)) {
		struct mv_sop_start a = {.hash_pin = in->has_hash ? &in->hash : NULL, .in = in};
		a.key = in->key.kind != MV_OPD_NONE ? mv_world_operand(w, i, &in->key) : 0;
		a.value = in->value.kind != MV_OPD_NONE ? mv_world_operand(w, i, &in->value) : 0;
		a.old = in->old.kind != MV_OPD_NONE ? mv_world_operand(w, i, &in->old) : 0;
		a.kind = sop_kind(in->kind);
		op->key = a.key;
		op->value = a.value;
		op->stage = MV_ST_SYNC;
		w->sm->eng->op_start(&op->sop, &a);
		return;
	}
	if (is_map_instr(in->kind)) {
		if (in->key.kind != MV_OPD_NONE)
			op->key = mv_world_operand(w, i, &in->key);
		if (in->value.kind != MV_OPD_NONE)
			op->value = mv_world_operand(w, i, &in->value);
		switch (w->spec->map.impl) {
		case MV_IMPL_MUTEX:
		case MV_IMPL_RWMUTEX:
			op->wrapped = true;
			op->read = w->spec->map.impl == MV_IMPL_RWMUTEX && !is_write_instr(in->kind);
			op->lock = w->map_lock;
			start_lock_stage(w, i, MV_ST_LOCK);
			return;
		case MV_IMPL_SHARDED:
			op->wrapped = true;
			op->read = !is_write_instr(in->kind);
			op->all_shards = in->kind == MV_I_RANGE || in->kind == MV_I_LEN || in->kind == MV_I_CLEAR;
			op->shard = op->all_shards ? 0 : mv_world_shard_of(w, op->key);
			op->lock = w->map_lock + op->shard;
			start_lock_stage(w, i, MV_ST_LOCK);
			return;
		default:
			start_map_stage(w, i);
			return;
		}
	}
	switch (in->kind) {
	case MV_I_LOCK:
	case MV_I_UNLOCK:
	case MV_I_RLOCK:
	case MV_I_RUNLOCK:
	case MV_I_TRYLOCK:
	case MV_I_TRYRLOCK:
		op->lock = in->ref;
		start_lock_stage(w, i, in->kind == MV_I_UNLOCK || in->kind == MV_I_RUNLOCK ? MV_ST_UNLOCK : MV_ST_LOCK);
		return;
	case MV_I_SLEEP:
		op->stage = MV_ST_SLEEP;
		return;
	case MV_I_CLOSE:
		op->stage = MV_ST_CLOSE;
		return;
	default:
		op->stage = MV_ST_WAIT;
		return;
	}
}

/*
 * Move worker i to its next operation: run repeat bookkeeping and the ends
 * of loop bodies (no step is charged for them) until an op is set up or the
 * program ends.
 */
static void advance_worker(struct mv_world *w, uint32_t i)
{
	struct mv_worker *wk = &w->workers[i];
	const struct mv_program *p = prog_of(w, i);
	for (;;) {
		if (wk->depth) {
			struct mv_frame *f = &wk->frames[wk->depth - 1];
			const struct mv_instr *loop = &p->instrs[f->pc];
			if (wk->pc == f->pc + 1 + loop->body) {
				if (f->is_range) {
					/* the body ran for one entry: resume the iteration */
					wk->op = f->it;
					wk->op_pc = f->pc;
					wk->in_op = true;
					wk->mid_op = false;
					wk->depth--;
					return;
				}
				if (++f->count < loop->n) {
					if (loop->var < MV_MAX_VARS)
						wk->vars[loop->var] = f->count;
					wk->pc = f->pc + 1;
					continue;
				}
				wk->depth--;
				continue;
			}
		}
		if (wk->pc >= p->n) {
			wk->state = MV_W_DONE;
			wk->in_op = false;
			struct mv_event ev = {.kind = MV_EV_WORKER_DONE, .other = -1};
			emit_world(w, i, &ev);
			return;
		}
		const struct mv_instr *in = &p->instrs[wk->pc];
		if (in->kind == MV_I_REPEAT) {
			if (in->n <= 0 || wk->depth == MV_MAX_DEPTH) {
				wk->pc += 1 + in->body;
				continue;
			}
			struct mv_frame *f = &wk->frames[wk->depth++];
			f->pc = wk->pc;
			f->count = 0;
			f->is_range = false;
			if (in->var < MV_MAX_VARS)
				wk->vars[in->var] = 0;
			wk->pc++;
			continue;
		}
		start_op(w, i, in, wk->pc);
		return;
	}
}

/* ---- init / copy ---- */

const char *mv_world_unsupported(const struct mv_world_spec *spec)
{
	if (spec->nworkers == 0)
		return "the scene has no workers";
	if (spec->nworkers > MV_MAX_WORKERS)
		return "more than 64 workers";
	if (spec->map.impl == MV_IMPL_SHARDED && (spec->map.shards == 0 || spec->map.shards > MV_MAX_SHARDS))
		return "map.shards must be 1..256";
	if (spec->nsignals > 64)
		return "more than 64 signals";
	if (spec->map.impl != MV_IMPL_SYNCMAP && !mv_mapeng_for(spec->map.go))
		return "no map engine models this Go release yet";
	for (uint32_t i = 0; i < spec->nworkers; i++) {
		const struct mv_program *p = &spec->workers[i].prog;
		for (uint32_t k = 0; k < p->n; k++) {
			enum mv_instr_kind kind = p->instrs[k].kind;
			bool sync = spec->map.impl == MV_IMPL_SYNCMAP;
			if (!sync && (kind == MV_I_LOAD_OR_STORE || kind == MV_I_LOAD_AND_DELETE || kind == MV_I_SWAP ||
				      kind == MV_I_COMPARE_AND_SWAP || kind == MV_I_COMPARE_AND_DELETE))
				return "load_or_store, load_and_delete, swap, compare_and_swap and compare_and_delete "
				       "need map.impl syncmap";
			if (sync && kind == MV_I_LEN)
				return "sync.Map has no Len";
			if (sync && is_sync_instr(kind) && !mv_synceng_for(spec->map.go)->has(sop_kind(kind)))
				return "Go 1.19's sync.Map has no Clear (Go 1.23+), Swap, CompareAndSwap or "
				       "CompareAndDelete (Go 1.20+): use go: \"1.26\"";
		}
	}
	return NULL;
}

enum mv_status mv_world_init(struct mv_world *w, const struct mv_world_spec *spec)
{
	memset(w, 0, sizeof *w);
	w->spec = spec;
	w->culprit = -1;
	if (mv_world_unsupported(spec))
		return MV_ENOTSUP;
	const struct mv_map_spec *ms = &spec->map;
	if (ms->impl == MV_IMPL_SYNCMAP) {
		w->sm = mv_xcalloc(1, sizeof *w->sm);
		w->sm->eng = mv_synceng_for(ms->go);
		/* its mutexes report LOCK_* events after the scene's locks */
		if (w->sm->eng->init(&w->sm->u, ms, spec->nlocks, spec->strs) != MV_OK)
			return MV_ENOMEM;
	}
	w->nmaps = ms->impl == MV_IMPL_SHARDED ? ms->shards : ms->impl == MV_IMPL_SYNCMAP ? 0 : 1;
	w->maps = mv_xcalloc(w->nmaps ? w->nmaps : 1, sizeof *w->maps);
	const struct mv_mapeng *eng = mv_mapeng_for(ms->go);
	for (uint32_t s = 0; s < w->nmaps; s++) {
		/* each shard is make(map[K]V) with its own random hash0 */
		uint64_t seed = s == 0 ? ms->seed : mv_splitmix64(ms->seed + s);
		w->maps[s].eng = eng;
		enum mv_status st = eng->init(&w->maps[s].u, ms, seed, spec->strs);
		if (st != MV_OK)
			return st;
	}
	w->map_lock = spec->nlocks;
	uint32_t own = ms->impl == MV_IMPL_MUTEX || ms->impl == MV_IMPL_RWMUTEX ? 1
		       : ms->impl == MV_IMPL_SHARDED                       ? w->nmaps
									   : 0;
	w->nlocks = spec->nlocks + own;
	w->locks = mv_xcalloc(w->nlocks + 1, sizeof *w->locks);
	for (uint32_t l = 0; l < w->nlocks; l++) {
		enum mv_lock_kind kind = l < spec->nlocks ? spec->locks[l].kind
					 : ms->impl == MV_IMPL_MUTEX ? MV_LOCK_MUTEX
								     : MV_LOCK_RWMUTEX;
		mv_lock_init(&w->locks[l], kind);
		w->locks[l].index = l;
	}
	w->nworkers = spec->nworkers;
	w->workers = mv_xcalloc(w->nworkers, sizeof *w->workers);
	mv_race_init(&w->race, w->nworkers, w->nlocks, spec->nsignals, w->nmaps ? w->nmaps : 1);
	mv_rng_init(&w->sched_rng, spec->sched.seed);
	for (uint32_t i = 0; i < w->nworkers; i++)
		advance_worker(w, i);
	bool any = false;
	for (uint32_t i = 0; i < w->nworkers; i++)
		any |= w->workers[i].state != MV_W_DONE;
	if (!any)
		w->end = MV_END_OK;
	return MV_OK;
}

void mv_world_done(struct mv_world *w)
{
	for (uint32_t s = 0; s < w->nmaps; s++)
		w->maps[s].eng->done(&w->maps[s].u);
	free(w->maps);
	if (w->sm) {
		w->sm->eng->done(&w->sm->u);
		free(w->sm);
	}
	free(w->locks);
	free(w->workers);
	mv_race_done(&w->race);
	memset(w, 0, sizeof *w);
}

enum mv_status mv_world_copy(struct mv_world *dst, const struct mv_world *src)
{
	*dst = *src;
	dst->obs = NULL;
	dst->workers = mv_xmalloc(src->nworkers * sizeof *dst->workers);
	memcpy(dst->workers, src->workers, src->nworkers * sizeof *dst->workers);
	dst->locks = mv_xmalloc((src->nlocks + 1) * sizeof *dst->locks);
	memcpy(dst->locks, src->locks, (src->nlocks + 1) * sizeof *dst->locks);
	if (src->sm) {
		dst->sm = mv_xmalloc(sizeof *dst->sm);
		dst->sm->eng = src->sm->eng;
		if (src->sm->eng->copy(&dst->sm->u, &src->sm->u) != MV_OK)
			return MV_ENOMEM;
	}
	dst->maps = mv_xcalloc(src->nmaps ? src->nmaps : 1, sizeof *dst->maps);
	for (uint32_t s = 0; s < src->nmaps; s++) {
		dst->maps[s].eng = src->maps[s].eng;
		if (src->maps[s].eng->copy(&dst->maps[s].u, &src->maps[s].u) != MV_OK)
			return MV_ENOMEM;
	}
	return mv_race_copy(&dst->race, &src->race);
}

/* The race detector's arrays, copied into dst's (same sizes: one spec). */
static void race_copy_into(struct mv_race *dst, const struct mv_race *src)
{
	size_t n = src->n;
	memcpy(dst->vc, src->vc, n * n * sizeof *dst->vc);
	memcpy(dst->lvc, src->lvc, ((size_t)src->nlocks * n + 1) * sizeof *dst->lvc);
	memcpy(dst->svc, src->svc, ((size_t)src->nsignals * n + 1) * sizeof *dst->svc);
	memcpy(dst->lw, src->lw, src->nmaps * sizeof *dst->lw);
	memcpy(dst->lw_clk, src->lw_clk, src->nmaps * sizeof *dst->lw_clk);
	memcpy(dst->lw_pc, src->lw_pc, src->nmaps * sizeof *dst->lw_pc);
	memcpy(dst->rd, src->rd, (size_t)src->nmaps * n * sizeof *dst->rd);
	memcpy(dst->rd_pc, src->rd_pc, (size_t)src->nmaps * n * sizeof *dst->rd_pc);
}

enum mv_status mv_world_copy_into(struct mv_world *dst, const struct mv_world *src)
{
	struct mv_worker *workers = dst->workers;
	struct mv_lock *locks = dst->locks;
	struct mv_map *maps = dst->maps;
	struct mv_syncmap *sm = dst->sm;
	struct mv_race race = dst->race;
	const struct mv_observer *obs = dst->obs;
	enum mv_status st = MV_OK;
	memcpy(workers, src->workers, src->nworkers * sizeof *workers);
	memcpy(locks, src->locks, (src->nlocks + 1) * sizeof *locks);
	race_copy_into(&race, &src->race);
	for (uint32_t s = 0; s < src->nmaps; s++) {
		maps[s].eng->done(&maps[s].u);
		if (src->maps[s].eng->copy(&maps[s].u, &src->maps[s].u) != MV_OK)
			st = MV_ENOMEM;
	}
	if (sm) {
		sm->eng->done(&sm->u);
		if (src->sm->eng->copy(&sm->u, &src->sm->u) != MV_OK)
			st = MV_ENOMEM;
	}
	*dst = *src;
	dst->workers = workers;
	dst->locks = locks;
	dst->maps = maps;
	dst->sm = sm;
	dst->race = race;
	dst->obs = obs;
	return st;
}

/* ---- scheduling ---- */

bool mv_world_runnable(const struct mv_world *w, uint32_t i)
{
	return !mv_world_ended(w) && i < w->nworkers && w->workers[i].state == MV_W_RUNNABLE &&
	       w->workers[i].in_op;
}

static int32_t next_rr(struct mv_world *w)
{
	for (uint32_t k = 0; k < w->nworkers; k++) {
		uint32_t i = (w->rr_next + k) % w->nworkers;
		if (mv_world_runnable(w, i))
			return (int32_t)i;
	}
	return -1;
}

int32_t mv_world_pick(struct mv_world *w)
{
	if (mv_world_ended(w))
		return -1;
	const struct mv_sched_spec *s = &w->spec->sched;
	/* op granularity: a started operation runs to its end (or to its next
	 * produced entry) before anyone else runs — unless it blocks */
	if (s->granularity == MV_GRAN_OP && mv_world_runnable(w, w->current) && w->workers[w->current].mid_op)
		return (int32_t)w->current;
	switch (s->policy) {
	case MV_POLICY_SCRIPT:
		while (w->script_pos < s->nscript) {
			uint32_t i = s->script[w->script_pos++];
			if (mv_world_runnable(w, i))
				return (int32_t)i;
		}
		return next_rr(w);
	case MV_POLICY_RANDOM: {
		uint32_t cand[MV_MAX_WORKERS], n = 0;
		for (uint32_t i = 0; i < w->nworkers; i++)
			if (mv_world_runnable(w, i))
				cand[n++] = i;
		if (!n)
			return -1;
		return (int32_t)cand[mv_rng_u64(&w->sched_rng) % n];
	}
	case MV_POLICY_MANUAL:
	case MV_POLICY_ROUNDROBIN:
		break;
	}
	return next_rr(w);
}

static void flush_races(struct mv_world *w, int32_t i, bool caught);

/* ---- the end of a world ---- */

static void end_world(struct mv_world *w, enum mv_end end, const char *msg, int32_t culprit)
{
	if (mv_world_ended(w))
		return;
	w->end = end;
	w->message = msg;
	w->culprit = culprit;
	/* overlapping races end here: the runtime caught them if it died of
	 * one of its concurrent-map checks (E2) */
	flush_races(w, -1, end == MV_END_FATAL && msg && strncmp(msg, "concurrent map", 14) == 0);
	if (msg && (end == MV_END_DEADLOCK))
		emit_world(w, culprit >= 0 ? (uint32_t)culprit : 0,
			   &(struct mv_event){.kind = MV_EV_DEADLOCK, .msg = msg, .other = -1});
}

/* After a step: wake sleepers whose time came; if no one can run, let time
 * pass to the next timer (D4), or die of a global deadlock (D5). */
static void settle(struct mv_world *w)
{
	if (mv_world_ended(w))
		return;
	for (;;) {
		uint64_t next_wake = UINT64_MAX;
		bool runnable = false, blocked = false, alive = false;
		for (uint32_t k = 0; k < w->nworkers; k++) {
			struct mv_worker *wk = &w->workers[k];
			if (wk->state == MV_W_SLEEPING && wk->op.wake_at <= w->now)
				wk->state = MV_W_RUNNABLE; /* the timer fired */
			if (wk->state == MV_W_SLEEPING && wk->op.wake_at < next_wake)
				next_wake = wk->op.wake_at;
			runnable |= wk->state == MV_W_RUNNABLE;
			blocked |= wk->state == MV_W_BLOCKED;
			alive |= wk->state != MV_W_DONE;
		}
		if (!alive) {
			end_world(w, MV_END_OK, NULL, -1);
			return;
		}
		if (runnable)
			return;
		if (next_wake != UINT64_MAX) {
			w->now = next_wake; /* nothing to do until a timer fires */
			continue;
		}
		if (blocked)
			end_world(w, MV_END_DEADLOCK, "all goroutines are asleep - deadlock!", -1);
		return;
	}
}

/* ---- stepping ---- */

/* `into:` of a completed load, load_or_store, load_and_delete or swap:
 * its result into the worker's variable, an int from now on.  A miss
 * binds Go's zero value, 0; LoadOrStore binds the actual value. */
static void bind_into(struct mv_world *w, uint32_t i, const struct mv_instr *in)
{
	struct mv_worker *wk = &w->workers[i];
	const struct mv_wop *op = &wk->op;
	int64_t v;
	if (op->stage == MV_ST_SYNC) {
		struct mv_sop_state st;
		mv_sop_state(w->sm, &op->sop, &st);
		v = st.found || op->instr == MV_I_LOAD_OR_STORE ? st.result : 0;
	} else {
		v = op->ok || op->instr == MV_I_LOAD_OR_STORE ? op->result : 0;
	}
	wk->vars[in->into] = v;
	wk->var_str &= (uint8_t)~(1u << in->into);
}

/* A completed operation: tell the observer, move the worker on. */
static void complete_op(struct mv_world *w, uint32_t i)
{
	struct mv_worker *wk = &w->workers[i];
	struct mv_wop *op = &wk->op;
	const struct mv_instr *in = &prog_of(w, i)->instrs[wk->op_pc];
	if (w->obs && w->obs->op_done) {
		struct mv_oprec rec = {
			.worker = i,
			.in = in,
			.op = op,
			.has_key = op->instr == MV_I_STORE || op->instr == MV_I_LOAD || op->instr == MV_I_DELETE ||
				   op->instr == MV_I_LOAD_OR_STORE || op->instr == MV_I_LOAD_AND_DELETE ||
				   op->instr == MV_I_SWAP || op->instr == MV_I_COMPARE_AND_SWAP ||
				   op->instr == MV_I_COMPARE_AND_DELETE,
			.key = op->key,
			.ok = op->ok,
		};
		rec.has_hash = rec.has_key && op->stage != MV_ST_SYNC;
		if (rec.has_hash) {
			const struct mv_map *m = &w->maps[op->shard];
			struct mv_mop_state st;
			mv_mop_state(m, &op->mop, &st);
			rec.hash = st.hashed ? st.hash : m->eng->hash(&m->u, op->key);
		}
		if (op->stage == MV_ST_SYNC) {
			struct mv_sop_state st;
			mv_sop_state(w->sm, &op->sop, &st);
			rec.result = st.result;
		} else {
			rec.result = op->instr == MV_I_LEN ? op->len : op->result;
		}
		w->obs->op_done(w->obs->ctx, &rec);
	}
	if (in->has_into && in->into < MV_MAX_VARS)
		bind_into(w, i, in);
	flush_races(w, (int32_t)i, false);
	wk->ops_done++;
	wk->in_op = false;
	wk->mid_op = false;
	wk->pc = wk->op_pc + 1 + (in->kind == MV_I_RANGE ? in->body : 0);
	bool is_main = w->spec->workers[i].main;
	advance_worker(w, i);
	if (is_main && wk->state == MV_W_DONE) {
		/* main returned: the program exits; goroutines blocked for good
		 * are leaks */
		for (uint32_t k = 0; k < w->nworkers; k++)
			if (w->workers[k].state == MV_W_BLOCKED)
				w->leaked |= (uint64_t)1 << k;
		end_world(w, MV_END_OK, NULL, -1);
	}
}

static void emit_race(struct mv_world *w, const struct mv_pending_race *p, bool caught)
{
	const struct mv_program *pw = prog_of(w, p->w), *po = prog_of(w, p->other);
	struct mv_event ev = {
		.kind = MV_EV_DATA_RACE,
		.other = (int32_t)p->other,
		.caught = caught,
		.x = pw->instrs[p->pc].kind,
		.y = po->instrs[p->other_pc].kind,
		.msg = p->what,
	};
	emit_world(w, p->w, &ev);
}

/* Report a data race found at worker i's access, once per pair of
 * instructions (the race detector reports each pair of stacks once).  When
 * the other operation is still in flight, the report waits until one of
 * the two ends, to say whether the runtime's check caught it. */
static void report_race(struct mv_world *w, uint32_t i, const struct mv_race_hit *hit)
{
	uint32_t pc = w->workers[i].op_pc;
	uint64_t a = ((uint64_t)pc << 32 | hit->other_pc) + 1, b = ((uint64_t)hit->other_pc << 32 | pc) + 1;
	for (uint32_t k = 0; k < w->nrace_seen; k++)
		if (w->race_seen[k] == a || w->race_seen[k] == b)
			return;
	if (w->nrace_seen < MV_RACE_SEEN)
		w->race_seen[w->nrace_seen++] = a;
	const struct mv_worker *other = &w->workers[hit->other];
	bool overlap = false;
	if (other->in_op && other->op.stage == MV_ST_MAP) {
		struct mv_mop_state st;
		mv_mop_state(&w->maps[other->op.shard], &other->op.mop, &st);
		overlap = st.steps > 0 && !st.done;
	}
	struct mv_pending_race p = {
		.w = i,
		.other = hit->other,
		.pc = pc,
		.other_pc = hit->other_pc,
		.what = is_write_instr(w->workers[i].op.instr) ? (hit->other_write ? "write/write" : "write after read")
							       : "read after write",
	};
	if (overlap && w->npending < MV_RACE_PENDING)
		w->pending[w->npending++] = p;
	else
		emit_race(w, &p, false);
}

/* Report the pending races of worker i (all of them if i < 0). */
static void flush_races(struct mv_world *w, int32_t i, bool caught)
{
	uint32_t keep = 0;
	for (uint32_t k = 0; k < w->npending; k++) {
		struct mv_pending_race *p = &w->pending[k];
		if (i < 0 || p->w == (uint32_t)i || p->other == (uint32_t)i)
			emit_race(w, p, caught);
		else
			w->pending[keep++] = *p;
	}
	w->npending = keep;
}

/* A lock stage step; returns true if the stage finished. */
static bool step_lock(struct mv_world *w, uint32_t i, const struct mv_sink *sink)
{
	struct mv_worker *wk = &w->workers[i];
	struct mv_wop *op = &wk->op;
	struct mv_lock *lk = &w->locks[op->lock];
	uint32_t woken[MV_MAX_WORKERS], nwoken = 0;
	if (op->stage == MV_ST_UNLOCK && op->lk.steps == 0)
		mv_race_release(&w->race, i, op->lock);
	enum mv_lkres r = mv_lock_step(lk, &op->lk, i, w->now, woken, &nwoken, sink);
	w->ran = mv_lk_phase_name(op->lk.last);
	for (uint32_t k = 0; k < nwoken; k++) {
		struct mv_worker *o = &w->workers[woken[k]];
		o->state = MV_W_RUNNABLE;
		o->wait = MV_WAIT_NONE;
	}
	if (op->lk.yield && nwoken && w->spec->sched.policy != MV_POLICY_RANDOM)
		w->rr_next = woken[0]; /* MU3: the unlocker yields to the woken waiter */
	switch (r) {
	case MV_LK_MORE:
		return false;
	case MV_LK_BLOCKED:
		wk->state = MV_W_BLOCKED;
		wk->wait = MV_WAIT_SEMACQUIRE;
		wk->wait_on = op->lock;
		return false;
	case MV_LK_FATAL:
		end_world(w, MV_END_FATAL, op->lk.fatal, (int32_t)i);
		return false;
	case MV_LK_DONE:
		break;
	}
	if (op->stage == MV_ST_LOCK && op->lk.result)
		mv_race_acquire(&w->race, i, op->lock);
	if (!op->wrapped) /* a wrapped map op's result is the map's */
		op->ok = op->lk.result;
	return true;
}

/* One step of worker i's operation.  Returns the map step's result when
 * the step was a map phase that produced an entry (MV_MSTEP_YIELD). */
static enum mv_mstep step_op(struct mv_world *w, uint32_t i, const struct mv_sink *sink)
{
	struct mv_worker *wk = &w->workers[i];
	struct mv_wop *op = &wk->op;
	op->steps++;
	switch (op->stage) {
	case MV_ST_LOCK:
		if (!step_lock(w, i, sink))
			return MV_MSTEP_MORE;
		if (op->wrapped) {
			start_map_stage(w, i);
			return MV_MSTEP_MORE;
		}
		return MV_MSTEP_DONE;
	case MV_ST_UNLOCK:
		if (!step_lock(w, i, sink))
			return MV_MSTEP_MORE;
		if (op->all_shards && ++op->shard < w->nmaps) {
			op->lock = w->map_lock + op->shard;
			start_lock_stage(w, i, MV_ST_LOCK);
			return MV_MSTEP_MORE;
		}
		return MV_MSTEP_DONE;
	case MV_ST_MAP: {
		struct mv_map *m = &w->maps[op->shard];
		struct mv_mop_state st;
		mv_mop_state(m, &op->mop, &st);
		if (st.steps == 0) {
			struct mv_race_hit hit;
			if (mv_race_access(&w->race, op->shard, i, is_write_instr(op->instr), wk->op_pc, &hit))
				report_race(w, i, &hit);
		}
		enum mv_mstep r = m->eng->step(&m->u, &op->mop, sink);
		mv_mop_state(m, &op->mop, &st);
		w->ran = st.last;
		if (r == MV_MSTEP_YIELD) {
			op->yield_key = st.result_key;
			op->yield_value = st.result;
			return MV_MSTEP_YIELD;
		}
		if (r == MV_MSTEP_MORE)
			return MV_MSTEP_MORE;
		if (st.outcome != MV_MOUT_NONE) {
			end_world(w, MV_MOUT_IS_PANIC(st.outcome) ? MV_END_PANIC : MV_END_FATAL,
				  mv_mout_message(st.outcome), (int32_t)i);
			return MV_MSTEP_MORE;
		}
		op->ok = st.found;
		op->result = st.result;
		if (op->instr == MV_I_LEN)
			op->len += st.result;
		if (op->wrapped) {
			start_lock_stage(w, i, MV_ST_UNLOCK);
			return MV_MSTEP_MORE;
		}
		return MV_MSTEP_DONE;
	}
	case MV_ST_SYNC: {
		uint32_t woken[MV_MAX_WORKERS], nwoken = 0;
		enum mv_sstep r = w->sm->eng->step(&w->sm->u, &op->sop, i, w->now, woken, &nwoken, sink);
		struct mv_sop_state st;
		mv_sop_state(w->sm, &op->sop, &st);
		w->ran = st.last;
		for (uint32_t k = 0; k < nwoken; k++) {
			w->workers[woken[k]].state = MV_W_RUNNABLE;
			w->workers[woken[k]].wait = MV_WAIT_NONE;
		}
		switch (r) {
		case MV_SSTEP_MORE:
			return MV_MSTEP_MORE;
		case MV_SSTEP_BLOCKED:
			wk->state = MV_W_BLOCKED;
			wk->wait = MV_WAIT_SEMACQUIRE;
			wk->wait_on = UINT32_MAX; /* one of the sync.Map's own mutexes */
			return MV_MSTEP_MORE;
		case MV_SSTEP_YIELD:
			op->yield_key = st.result_key;
			op->yield_value = st.result;
			return MV_MSTEP_YIELD;
		case MV_SSTEP_FATAL:
			end_world(w, MV_END_FATAL, st.fatal, (int32_t)i);
			return MV_MSTEP_MORE;
		case MV_SSTEP_DONE:
			break;
		}
		op->ok = st.found;
		return MV_MSTEP_DONE;
	}
	case MV_ST_SLEEP: {
		const struct mv_instr *in = &prog_of(w, i)->instrs[wk->op_pc];
		w->ran = "start_timer";
		op->wake_at = w->now + (uint64_t)(in->n > 0 ? in->n : 0);
		if (in->n > 0) {
			wk->state = MV_W_SLEEPING;
			op->stage = MV_ST_WAIT; /* completes when it wakes */
			op->lock = UINT32_MAX;
			return MV_MSTEP_MORE;
		}
		return MV_MSTEP_DONE;
	}
	case MV_ST_CLOSE: {
		uint32_t s = prog_of(w, i)->instrs[wk->op_pc].ref;
		w->ran = "close";
		if (w->closed >> s & 1) {
			end_world(w, MV_END_PANIC, "close of closed channel", (int32_t)i);
			return MV_MSTEP_MORE;
		}
		w->closed |= (uint64_t)1 << s;
		mv_race_close(&w->race, i, s);
		uint32_t n = 0;
		for (uint32_t k = 0; k < w->nworkers; k++) {
			struct mv_worker *o = &w->workers[k];
			if (o->state == MV_W_BLOCKED && o->wait == MV_WAIT_CHAN_RECEIVE && o->wait_on == s) {
				o->state = MV_W_RUNNABLE;
				o->wait = MV_WAIT_NONE;
				n++;
			}
		}
		emit_world(w, i, &(struct mv_event){.kind = MV_EV_SIGNAL_CLOSE, .n = n, .other = -1});
		return MV_MSTEP_DONE;
	}
	case MV_ST_WAIT: {
		w->ran = op->instr == MV_I_SLEEP ? "timer_fired" : "receive";
		if (op->instr == MV_I_SLEEP) /* woken from a sleep */
			return MV_MSTEP_DONE;
		uint32_t s = prog_of(w, i)->instrs[wk->op_pc].ref;
		if (w->closed >> s & 1) {
			mv_race_receive(&w->race, i, s);
			return MV_MSTEP_DONE;
		}
		wk->state = MV_W_BLOCKED;
		wk->wait = MV_WAIT_CHAN_RECEIVE;
		wk->wait_on = s;
		return MV_MSTEP_MORE;
	}
	}
	return MV_MSTEP_MORE;
}

void mv_world_step(struct mv_world *w, uint32_t i)
{
	if (!mv_world_runnable(w, i))
		return;
	struct mv_worker *wk = &w->workers[i];
	struct step_sink ss = {w, i};
	struct mv_sink sink = {sink_fn, &ss};
	bool tracing = w->obs && w->obs->event;
	w->ran = mv_world_phase(w, i);
	w->current = i;
	w->step++;
	w->now++;
	enum mv_mstep r = step_op(w, i, tracing ? &sink : NULL);
	wk->mid_op = r == MV_MSTEP_MORE && wk->state == MV_W_RUNNABLE;
	if (w->obs && w->obs->step)
		w->obs->step(w->obs->ctx, i, w->ran);
	if (w->spec->sched.granularity == MV_GRAN_STEP || !wk->mid_op)
		w->rr_next = (i + 1) % w->nworkers;
	if (mv_world_ended(w))
		return;
	if (r == MV_MSTEP_YIELD) {
		const struct mv_instr *in = &prog_of(w, i)->instrs[wk->op_pc];
		int64_t yk = wk->op.yield_key;
		int64_t yv = wk->op.yield_value;
		if (w->obs && w->obs->yield)
			w->obs->yield(w->obs->ctx, i, yk, yv);
		if (in->body && wk->depth < MV_MAX_DEPTH) {
			/* run the range body for this entry */
			struct mv_frame *f = &wk->frames[wk->depth++];
			f->pc = wk->op_pc;
			f->is_range = true;
			f->count = 0;
			f->it = wk->op;
			if (in->var < MV_MAX_VARS) {
				wk->vars[in->var] = yk;
				if (w->spec->map.key == MV_KEY_STRING)
					wk->var_str |= (uint8_t)(1u << in->var);
			}
			if (in->var2 < MV_MAX_VARS)
				wk->vars[in->var2] = yv;
			wk->in_op = false;
			wk->pc = wk->op_pc + 1;
			advance_worker(w, i);
		}
		settle(w);
		return;
	}
	if (r == MV_MSTEP_DONE)
		complete_op(w, i);
	settle(w);
}

bool mv_world_advance(struct mv_world *w)
{
	int32_t i = mv_world_pick(w);
	if (i < 0)
		return false;
	mv_world_step(w, (uint32_t)i);
	return true;
}
