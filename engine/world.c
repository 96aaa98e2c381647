/*
 * world: workers running programs of map operations, one micro-step at a
 * time; see world.h.  Everything here is deterministic: the only
 * randomness is the map's RNG and the scheduler's, both inside the world.
 */
#include "world.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

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
		if (w->spec->map.key == MV_KEY_STRING && (wk->var_str >> v & 1)) {
			/* a range variable over a string map holds a key: its bytes */
			size_t n;
			const char *s = mv_strpool_get(w->spec->strs, (uint32_t)val, &n);
			char tmp[64];
			if (n < sizeof tmp) {
				memcpy(tmp, s, n); /* the pool may move while we append */
				buf_put(&buf, &len, &cap, tmp, n);
			} else {
				char *copy = mv_xmalloc(n);
				memcpy(copy, s, n);
				buf_put(&buf, &len, &cap, copy, n);
				free(copy);
			}
		} else {
			/* decimal text of the variable */
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
		return (int64_t)((uint64_t)w->workers[i].vars[o->var] + (uint64_t)o->num);
	case MV_OPD_TEMPLATE:
		return expand_template(w, i, o->str);
	case MV_OPD_NONE:
		break;
	}
	return 0;
}

/* ---- control flow ---- */

static void emit_world(struct mv_world *w, uint32_t i, const struct mv_event *ev)
{
	if (w->obs && w->obs->event)
		w->obs->event(w->obs->ctx, i, ev);
}

/* Set up the op of instruction pc for worker i. */
static void start_op(struct mv_world *w, uint32_t i, const struct mv_instr *in, uint32_t pc)
{
	struct mv_worker *wk = &w->workers[i];
	const uint64_t *pin = in->has_hash ? &in->hash : NULL;
	switch (in->kind) {
	case MV_I_STORE:
		gm_op_assign_init(&wk->op, mv_world_operand(w, i, &in->key), mv_world_operand(w, i, &in->value), pin);
		break;
	case MV_I_LOAD:
		gm_op_lookup_init(&wk->op, mv_world_operand(w, i, &in->key), pin);
		break;
	case MV_I_DELETE:
		gm_op_delete_init(&wk->op, mv_world_operand(w, i, &in->key), pin);
		break;
	case MV_I_RANGE:
		gm_op_iter_init(&wk->op, in->start, in->offset);
		break;
	case MV_I_LEN:
		gm_op_len_init(&wk->op);
		break;
	case MV_I_CLEAR:
		gm_op_clear_init(&wk->op);
		break;
	default:
		/* not a map operation of this world (checked at init) */
		gm_op_len_init(&wk->op);
		break;
	}
	wk->in_op = true;
	wk->op_pc = pc;
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
					/* the body ran for one entry: resume the iterator */
					wk->op = f->it;
					wk->op_pc = f->pc;
					wk->in_op = true;
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

static bool instr_supported(const struct mv_world_spec *spec, const struct mv_instr *in)
{
	switch (in->kind) {
	case MV_I_STORE:
	case MV_I_LOAD:
	case MV_I_DELETE:
	case MV_I_RANGE:
	case MV_I_LEN:
	case MV_I_CLEAR:
	case MV_I_REPEAT:
		return spec->map.impl == MV_IMPL_GOMAP;
	default:
		return false;
	}
}

enum mv_status mv_world_init(struct mv_world *w, const struct mv_world_spec *spec)
{
	memset(w, 0, sizeof *w);
	w->spec = spec;
	w->culprit = -1;
	if (spec->nworkers == 0 || spec->nworkers > MV_MAX_WORKERS)
		return MV_EINVAL;
	if (spec->map.impl != MV_IMPL_GOMAP)
		return MV_ENOTSUP;
	for (uint32_t i = 0; i < spec->nworkers; i++)
		for (uint32_t k = 0; k < spec->workers[i].prog.n; k++)
			if (!instr_supported(spec, &spec->workers[i].prog.instrs[k]))
				return MV_ENOTSUP;
	enum mv_status st = gomap_init(&w->map, spec->map.key, spec->map.hint, spec->map.seed, spec->map.nil,
				       spec->map.pins, spec->map.npins, spec->strs);
	if (st != MV_OK)
		return st;
	w->nworkers = spec->nworkers;
	w->workers = mv_xcalloc(w->nworkers, sizeof *w->workers);
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
	gomap_done(&w->map);
	free(w->workers);
	memset(w, 0, sizeof *w);
}

enum mv_status mv_world_copy(struct mv_world *dst, const struct mv_world *src)
{
	*dst = *src;
	dst->obs = NULL;
	dst->workers = mv_xmalloc(src->nworkers * sizeof *dst->workers);
	memcpy(dst->workers, src->workers, src->nworkers * sizeof *dst->workers);
	return gomap_copy(&dst->map, &src->map);
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
	/* op granularity: a started operation runs to its end (or its next
	 * produced entry) before anyone else runs */
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
	case MV_POLICY_MANUAL: /* headless: round-robin; the TUI asks a person */
	case MV_POLICY_ROUNDROBIN:
		break;
	}
	return next_rr(w);
}

/* ---- stepping ---- */

struct step_sink {
	struct mv_world *w;
	uint32_t i;
};

static void sink_fn(void *ctx, const struct mv_event *ev)
{
	struct step_sink *s = ctx;
	emit_world(s->w, s->i, ev);
}

static void op_completed(struct mv_world *w, uint32_t i)
{
	struct mv_worker *wk = &w->workers[i];
	const struct mv_instr *in = &prog_of(w, i)->instrs[wk->op_pc];
	if (w->obs && w->obs->op_done) {
		struct mv_oprec rec = {
			.worker = i,
			.instr = in->kind,
			.in = in,
			.op = &wk->op,
			.has_key = in->kind == MV_I_STORE || in->kind == MV_I_LOAD || in->kind == MV_I_DELETE,
			.key = wk->op.key,
			.hash = wk->op.pinned || wk->op.steps > 2 ? wk->op.hash : gomap_hash(&w->map, wk->op.key),
		};
		w->obs->op_done(w->obs->ctx, &rec);
	}
	wk->ops_done++;
	wk->in_op = false;
	wk->pc = wk->op_pc + 1 + (in->kind == MV_I_RANGE ? in->body : 0);
}

void mv_world_step(struct mv_world *w, uint32_t i)
{
	if (!mv_world_runnable(w, i))
		return;
	struct mv_worker *wk = &w->workers[i];
	struct step_sink ss = {w, i};
	struct mv_sink sink = {sink_fn, &ss};
	bool tracing = w->obs && w->obs->event;
	enum gm_phase phase = wk->op.phase;
	w->current = i;
	w->step++;
	enum gm_stepres r = gomap_step(&w->map, &wk->op, tracing ? &sink : NULL);
	wk->mid_op = r == GM_MORE;
	if (w->obs && w->obs->step)
		w->obs->step(w->obs->ctx, i, phase, &wk->op);
	if (w->spec->sched.granularity == MV_GRAN_STEP || r != GM_MORE)
		w->rr_next = (i + 1) % w->nworkers;
	if (r == GM_YIELD) {
		const struct mv_instr *in = &prog_of(w, i)->instrs[wk->op_pc];
		if (in->body && wk->depth < MV_MAX_DEPTH) {
			/* run the range body for this entry */
			struct mv_frame *f = &wk->frames[wk->depth++];
			f->pc = wk->op_pc;
			f->is_range = true;
			f->count = 0;
			f->it = wk->op;
			if (in->var < MV_MAX_VARS) {
				wk->vars[in->var] = wk->op.result_key;
				if (w->spec->map.key == MV_KEY_STRING)
					wk->var_str |= (uint8_t)(1u << in->var);
			}
			if (in->var2 < MV_MAX_VARS)
				wk->vars[in->var2] = wk->op.result;
			wk->in_op = false;
			wk->pc = wk->op_pc + 1;
			advance_worker(w, i);
		}
		return;
	}
	if (r == GM_MORE)
		return;
	if (wk->op.outcome != GM_OUT_NONE) {
		w->end = wk->op.outcome == GM_OUT_PANIC_NIL ? MV_END_PANIC : MV_END_FATAL;
		w->message = gm_outcome_message(wk->op.outcome);
		w->culprit = (int32_t)i;
		op_completed(w, i);
		wk->in_op = true; /* the dump shows the op it died in */
		return;
	}
	op_completed(w, i);
	advance_worker(w, i);
	for (uint32_t k = 0; k < w->nworkers; k++)
		if (w->workers[k].state != MV_W_DONE)
			return;
	w->end = MV_END_OK;
}

bool mv_world_advance(struct mv_world *w)
{
	int32_t i = mv_world_pick(w);
	if (i < 0)
		return false;
	mv_world_step(w, (uint32_t)i);
	return true;
}
