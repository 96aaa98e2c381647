/* out: JSON Lines and text transcripts of a running world; see out.h. */
#include "out.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"
#include "out_fmt.h"
#include "out_maps.h"
#include "words.h"
#include "out_syncmap.h"

static void json_queue(FILE *f, const struct mv_world *w, const char *name, const struct mv_sema *q)
{
	fprintf(f, ",\"%s\":[", name);
	for (uint32_t k = 0; k < q->n; k++) {
		const char *wn = w->spec->workers[q->q[k]].name;
		if (k)
			fputc(',', f);
		out_json_string(f, wn, strlen(wn));
	}
	fputc(']', f);
}

/* A lock's state (MU1, R1), its semaphores' queues and its counters. */
void out_json_lock(FILE *f, const struct mv_world *w, const struct mv_lock *lk)
{
	if (lk->kind == MV_LOCK_MUTEX) {
		fprintf(f, "{\"kind\":\"mutex\",\"state\":%d,\"locked\":%s,\"starving\":%s", lk->mu.state,
			lk->mu.state & MV_MUTEX_LOCKED ? "true" : "false",
			lk->mu.state & MV_MUTEX_STARVING ? "true" : "false");
		json_queue(f, w, "waiters", &lk->mu.sema);
	} else {
		fprintf(f, "{\"kind\":\"rwmutex\",\"readerCount\":%d,\"readerWait\":%d,\"w\":%d",
			lk->rw.reader_count, lk->rw.reader_wait, lk->rw.w.state);
		json_queue(f, w, "writer_waiters", &lk->rw.writer_sem);
		json_queue(f, w, "reader_waiters", &lk->rw.reader_sem);
		json_queue(f, w, "w_waiters", &lk->rw.w.sema);
	}
	fprintf(f, ",\"acquisitions\":%" PRIu64 ",\"read_acquisitions\":%" PRIu64 ",\"contended\":%" PRIu64
		   ",\"waits\":%" PRIu64 ",\"handoffs\":%" PRIu64 "}",
		lk->acquisitions, lk->read_acquisitions, lk->contended, lk->waits, lk->handoffs);
}

static void json_locks(FILE *f, const struct mv_world *w)
{
	fputs("{", f);
	for (uint32_t l = 0; l < w->nlocks; l++) {
		char buf[32];
		const char *name = mv_world_lock_name(w, l, buf, sizeof buf);
		if (l)
			fputc(',', f);
		out_json_string(f, name, strlen(name));
		fputc(':', f);
		out_json_lock(f, w, &w->locks[l]);
	}
	fputs("}", f);
}

void out_json_world_state(FILE *f, const struct mv_world *w, enum out_state level)
{
	if (w->sm) {
		out_syncfmt_of(w)->json_state(f, w, level);
	} else if (w->nmaps == 1) {
		out_map_json_state(f, &w->maps[0], level);
	} else {
		fputs("{\"shards\":[", f);
		for (uint32_t s = 0; s < w->nmaps; s++) {
			if (s)
				fputc(',', f);
			out_map_json_state(f, &w->maps[s], level);
		}
		fputs("]}", f);
	}
	if (w->nlocks) {
		fputs(",\"locks\":", f);
		json_locks(f, w);
	} else if (w->sm) {
		fputs(",\"locks\":{", f);
		out_syncfmt_of(w)->json_locks(f, w, true);
		fputc('}', f);
	}
}

/* ---- text helpers ---- */


static void text_world_state(FILE *f, const struct mv_world *w, enum out_state level)
{
	if (w->sm)
		out_syncfmt_of(w)->text_state(f, w);
	for (uint32_t s = 0; s < w->nmaps; s++) {
		if (w->nmaps > 1)
			fprintf(f, "        shard %u:\n", s);
		out_map_text_state(f, &w->maps[s], level);
	}
	for (uint32_t l = 0; l < w->nlocks; l++) {
		const struct mv_lock *lk = &w->locks[l];
		char buf[32];
		fprintf(f, "        lock %s: ", mv_world_lock_name(w, l, buf, sizeof buf));
		if (lk->kind == MV_LOCK_MUTEX)
			fprintf(f, "Mutex state %d (%s, %d waiting)\n", lk->mu.state,
				lk->mu.state & MV_MUTEX_LOCKED ? "locked" : "unlocked", mv_mutex_waiters(&lk->mu));
		else
			fprintf(f, "RWMutex readerCount %d readerWait %d w.state %d\n", lk->rw.reader_count,
				lk->rw.reader_wait, lk->rw.w.state);
	}
}

static const char *worker_name(const struct out *o, uint32_t w)
{
	return o->world->spec->workers[w].name;
}

static void text_event(struct out *o, uint32_t w, const struct mv_event *ev)
{
	char line[1024];
	words_event(line, sizeof line, o->world, ev);
	fprintf(o->f, "%6" PRIu64 " %-10s   * %s\n", o->world->step, worker_name(o, w), line);
}

/* ---- JSON records ---- */

static void json_event(struct out *o, uint32_t w, const struct mv_event *ev)
{
	FILE *f = o->f;
	const struct out_keys *m = &o->keys;
	const struct out_mapfmt *fmt = out_mapfmt_of(o->world);
	fprintf(f, "{\"type\":\"event\",\"step\":%" PRIu64 ",\"worker\":", o->world->step);
	out_json_string(f, worker_name(o, w), strlen(worker_name(o, w)));
	fprintf(f, ",\"event\":\"%s\"", mv_event_name(ev->kind));
	for (const char *c = mv_event_fields(ev->kind); *c; c++) {
		switch (*c) {
		case 'k':
			fputs(",\"key\":", f);
			out_json_key(f, m, ev->key);
			break;
		case 'v': fprintf(f, ",\"value\":%" PRId64, ev->value); break;
		case 'b': fprintf(f, ",\"%s\":%" PRId64, fmt->where, ev->bucket); break;
		case 's': fprintf(f, ",\"slot\":%" PRId64, ev->slot); break;
		case 't': fprintf(f, ",\"%s\":%" PRId64, fmt->byte, ev->tophash); break;
		case 'T': fprintf(f, ",\"table\":%" PRId64, ev->table); break;
		case 'L': fprintf(f, ",\"new_table\":%" PRId64, ev->table2); break;
		case 'R': fprintf(f, ",\"right_table\":%" PRId64, ev->table3); break;
		case 'C': fprintf(f, ",\"capacity\":%" PRId64, ev->capacity); break;
		case 'D': fprintf(f, ",\"depth\":%" PRId64, ev->depth); break;
		case 'B': fprintf(f, ",\"B\":%u", ev->B); break;
		case 'o': fprintf(f, ",\"old\":%" PRId64, ev->old); break;
		case 'x': fprintf(f, ",\"x\":%" PRId64, ev->x); break;
		case 'y': fprintf(f, ",\"y\":%" PRId64, ev->y); break;
		case 'n': fprintf(f, ",\"n\":%" PRId64, ev->n); break;
		case 'h': fprintf(f, ",\"hash0\":%" PRIu32, ev->hash0); break;
		case 'g': fprintf(f, ",\"same_size\":%s", ev->same_size ? "true" : "false"); break;
		case 'c': fprintf(f, ",\"caught\":%s", ev->caught ? "true" : "false"); break;
		case 'p':
			fprintf(f, ",\"op\":\"%s\",\"other_op\":\"%s\"", mv_instr_name((enum mv_instr_kind)ev->x),
				mv_instr_name((enum mv_instr_kind)ev->y));
			break;
		case 'w':
			fputs(",\"other\":", f);
			if (ev->other >= 0)
				out_json_string(f, worker_name(o, (uint32_t)ev->other), strlen(worker_name(o, (uint32_t)ev->other)));
			else
				fputs("null", f);
			break;
		case 'm':
			fputs(",\"message\":", f);
			out_json_string(f, ev->msg ? ev->msg : "", ev->msg ? strlen(ev->msg) : 0);
			break;
		default:
			break;
		}
	}
	fputs("}\n", f);
}

static void ev_cb(void *ctx, uint32_t w, const struct mv_event *ev)
{
	struct out *o = ctx;
	o->seen[ev->kind] = true;
	if ((int)ev->kind == o->until)
		o->until_hit = true;
	if (o->every == OUT_EVERY_OP)
		return;
	FILE *real = o->f;
	if (o->every == OUT_EVERY_STEP) {
		if (!o->hold)
			o->hold = open_memstream(&o->held, &o->held_len);
		if (o->hold)
			o->f = o->hold;
	}
	if (o->format == OUT_JSONL)
		json_event(o, w, ev);
	else
		text_event(o, w, ev);
	o->f = real;
}

/* Write out the events held back during a step. */
static void release_held(struct out *o)
{
	if (!o->hold)
		return;
	fclose(o->hold);
	o->hold = NULL;
	fwrite(o->held, 1, o->held_len, o->f);
	free(o->held);
	o->held = NULL;
	o->held_len = 0;
}

static void yield_cb(void *ctx, uint32_t w, int64_t key, int64_t value)
{
	struct out *o = ctx;
	(void)w;
	if (o->range_n + 2 > o->range_cap) {
		o->range_cap = o->range_cap ? o->range_cap * 2 : 64;
		o->range_kv = mv_xrealloc(o->range_kv, o->range_cap * sizeof *o->range_kv);
	}
	o->range_kv[o->range_n++] = key;
	o->range_kv[o->range_n++] = value;
}

static void step_cb(void *ctx, uint32_t w, const char *phase)
{
	struct out *o = ctx;
	const struct mv_instr *in = mv_world_instr(o->world, w);
	if (o->every != OUT_EVERY_STEP)
		return;
	if (o->world->workers[w].in_op && in)
		in = &o->scene->spec.workers[w].prog.instrs[o->world->workers[w].op_pc];
	if (o->format == OUT_JSONL) {
		fprintf(o->f, "{\"type\":\"step\",\"step\":%" PRIu64 ",\"worker\":", o->world->step);
		out_json_string(o->f, worker_name(o, w), strlen(worker_name(o, w)));
		fprintf(o->f, ",\"op\":\"%s\",\"phase\":\"%s\"}\n", in ? mv_instr_name(in->kind) : "",
			phase);
	} else {
		fprintf(o->f, "%6" PRIu64 " %-10s %s: %s\n", o->world->step, worker_name(o, w),
			in ? mv_instr_name(in->kind) : "", phase);
	}
	release_held(o);
}

static void json_result(struct out *o, const struct mv_oprec *r)
{
	FILE *f = o->f;
	const struct out_keys *m = &o->keys;
	bool nil = o->world->sm && out_syncfmt_of(o->world)->nil_results;
	char v[32];
	snprintf(v, sizeof v, "%" PRId64, r->result);
	const char *val_or_nil = r->ok ? v : "null";
	switch (r->in->kind) {
	case MV_I_LOAD:
		fprintf(f, ",\"result\":{\"value\":%s,\"ok\":%s}", nil ? val_or_nil : r->ok ? v : "0",
			r->ok ? "true" : "false");
		break;
	case MV_I_DELETE:
		fprintf(f, ",\"result\":{\"deleted\":%s}", r->ok ? "true" : "false");
		break;
	case MV_I_LEN:
		fprintf(f, ",\"result\":%" PRId64, r->result);
		break;
	case MV_I_TRYLOCK:
	case MV_I_TRYRLOCK:
		fprintf(f, ",\"result\":{\"ok\":%s}", r->ok ? "true" : "false");
		break;
	case MV_I_LOAD_OR_STORE:
		fprintf(f, ",\"result\":{\"value\":%s,\"loaded\":%s}", v, r->ok ? "true" : "false");
		break;
	case MV_I_LOAD_AND_DELETE:
		fprintf(f, ",\"result\":{\"value\":%s,\"loaded\":%s}", nil ? val_or_nil : v,
			r->ok ? "true" : "false");
		break;
	case MV_I_SWAP:
		fprintf(f, ",\"result\":{\"previous\":%s,\"loaded\":%s}", val_or_nil, r->ok ? "true" : "false");
		break;
	case MV_I_COMPARE_AND_SWAP:
		fprintf(f, ",\"result\":{\"swapped\":%s}", r->ok ? "true" : "false");
		break;
	case MV_I_COMPARE_AND_DELETE:
		fprintf(f, ",\"result\":{\"deleted\":%s}", r->ok ? "true" : "false");
		break;
	case MV_I_RANGE:
		if (nil) {
			fputs(",\"result\":{\"keys\":[", f);
			for (size_t i = 0; i < o->range_n; i += 2) {
				if (i)
					fputc(',', f);
				out_json_key(f, m, o->range_kv[i]);
			}
			fputs("]}", f);
			break;
		}
		fputs(",\"result\":[", f);
		for (size_t i = 0; i < o->range_n; i += 2) {
			fputs(i ? ",[" : "[", f);
			out_json_key(f, m, o->range_kv[i]);
			fprintf(f, ",%" PRId64 "]", o->range_kv[i + 1]);
		}
		fputc(']', f);
		break;
	default:
		break;
	}
}

static void text_result(struct out *o, const struct mv_oprec *r)
{
	FILE *f = o->f;
	const struct out_keys *m = &o->keys;
	switch (r->in->kind) {
	case MV_I_LOAD:
		if (r->ok)
			fprintf(f, " -> %" PRId64 ", true", r->result);
		else
			fputs(" -> 0, false", f);
		break;
	case MV_I_DELETE:
		fputs(r->ok ? " (deleted)" : " (absent)", f);
		break;
	case MV_I_LEN:
		fprintf(f, " -> %" PRId64, r->result);
		break;
	case MV_I_TRYLOCK:
	case MV_I_TRYRLOCK:
		fputs(r->ok ? " -> true" : " -> false", f);
		break;
	case MV_I_LOAD_OR_STORE:
	case MV_I_LOAD_AND_DELETE:
		fprintf(f, " -> %" PRId64 ", %s", r->result, r->ok ? "loaded" : "not loaded");
		break;
	case MV_I_SWAP:
		if (r->ok)
			fprintf(f, " -> previous %" PRId64 ", loaded", r->result);
		else
			fputs(" -> previous nil, not loaded", f);
		break;
	case MV_I_COMPARE_AND_SWAP:
		fputs(r->ok ? " -> swapped" : " -> not swapped", f);
		break;
	case MV_I_COMPARE_AND_DELETE:
		fputs(r->ok ? " -> deleted" : " -> not deleted", f);
		break;
	case MV_I_RANGE:
		fputs(" ->", f);
		for (size_t i = 0; i < o->range_n; i += 2) {
			fputc(' ', f);
			out_text_key(f, m, o->range_kv[i]);
			fprintf(f, "=%" PRId64, o->range_kv[i + 1]);
		}
		if (!o->range_n)
			fputs(" (no entries)", f);
		break;
	default:
		break;
	}
}

/* `into:` of a load: ,"into":{"var":"v","value":N}, the value the
 * variable now holds (0 on a miss; LoadOrStore: the actual value). */
static void json_into(struct out *o, const struct mv_oprec *r)
{
	if (!r->in->has_into || r->in->into >= MV_MAX_VARS)
		return;
	const struct scene *sc = o->scene;
	const char *name = sc && sc->var_names ? sc->var_names[r->worker][r->in->into] : NULL;
	int64_t v = r->ok || r->in->kind == MV_I_LOAD_OR_STORE ? r->result : 0;
	fputs(",\"into\":{\"var\":", o->f);
	if (name)
		out_json_string(o->f, name, strlen(name));
	else
		fputs("null", o->f);
	fprintf(o->f, ",\"value\":%" PRId64 "}", v);
}

static void op_cb(void *ctx, const struct mv_oprec *r)
{
	struct out *o = ctx;
	FILE *f = o->f;
	const struct out_keys *m = &o->keys;
	if (o->every != OUT_EVERY_EVENT) {
		const char *wn = worker_name(o, r->worker);
		if (o->format == OUT_JSONL) {
			fprintf(f, "{\"type\":\"op\",\"step\":%" PRIu64 ",\"worker\":", o->world->step);
			out_json_string(f, wn, strlen(wn));
			fprintf(f, ",\"op\":\"%s\"", mv_instr_name(r->in->kind));
			if (r->has_key) {
				fputs(",\"key\":", f);
				out_json_key(f, m, r->key);
				if (r->has_hash)
					fprintf(f, ",\"hash\":\"0x%016" PRIx64 "\"", r->hash);
			}
			if (r->in->kind == MV_I_STORE || r->in->kind == MV_I_LOAD_OR_STORE)
				fprintf(f, ",\"value\":%" PRId64, r->op->value);
			if (!r->op->wrapped && (r->op->stage == MV_ST_LOCK || r->op->stage == MV_ST_UNLOCK)) {
				char buf[32];
				const char *ln = mv_world_lock_name(o->world, r->op->lock, buf, sizeof buf);
				fputs(",\"lock\":", f);
				out_json_string(f, ln, strlen(ln));
			}
			json_result(o, r);
			json_into(o, r);
			if (o->state != OUT_STATE_NONE) {
				fputs(",\"state\":", f);
				out_json_world_state(f, o->world, o->state);
			}
			fputs("}\n", f);
		} else {
			fprintf(f, "%6" PRIu64 " %-10s %s", o->world->step, wn, mv_instr_name(r->in->kind));
			if (r->has_key) {
				fputc(' ', f);
				out_text_key(f, m, r->key);
			}
			if (r->in->kind == MV_I_STORE)
				fprintf(f, " = %" PRId64, r->op->value);
			if (!r->op->wrapped && (r->op->stage == MV_ST_LOCK || r->op->stage == MV_ST_UNLOCK)) {
				char buf[32];
				fprintf(f, " %s", mv_world_lock_name(o->world, r->op->lock, buf, sizeof buf));
			}
			if (r->in->kind == MV_I_SLEEP)
				fprintf(f, " %" PRId64 " steps", r->in->n);
			text_result(o, r);
			fputc('\n', f);
			if (o->state != OUT_STATE_NONE)
				text_world_state(f, o->world, o->state);
		}
	}
	if (r->in->kind == MV_I_RANGE)
		o->range_n = 0;
}

void out_init(struct out *o, FILE *f, const struct scene *sc, struct mv_world *w)
{
	memset(o, 0, sizeof *o);
	o->f = f;
	o->scene = sc;
	o->world = w;
	o->until = -1;
	o->keys.kind = sc->spec.map.key;
	o->keys.strs = sc->spec.strs;
}

void out_done(struct out *o)
{
	free(o->range_kv);
	o->range_kv = NULL;
}

const struct mv_observer *out_observer(struct out *o)
{
	o->obs_storage = (struct mv_observer){step_cb, ev_cb, op_cb, yield_cb, o};
	return &o->obs_storage;
}

void out_begin(struct out *o)
{
	FILE *f = o->f;
	const struct mv_world_spec *sp = &o->scene->spec;
	if (o->format == OUT_JSONL) {
		fputs("{\"type\":\"scene\",\"title\":", f);
		out_json_string(f, o->scene->title, strlen(o->scene->title));
		fprintf(f, ",\"go\":\"%s\",\"impl\":\"%s\",\"key\":\"%s\",\"workers\":[", mv_go_name(sp->map.go),
			mv_impl_name(sp->map.impl),
			sp->map.key == MV_KEY_INT ? "int" : "string");
		for (uint32_t i = 0; i < sp->nworkers; i++) {
			if (i)
				fputc(',', f);
			out_json_string(f, sp->workers[i].name, strlen(sp->workers[i].name));
		}
		fputs("]", f);
		if (o->state != OUT_STATE_NONE) {
			fputs(",\"state\":", f);
			out_json_world_state(f, o->world, o->state);
		}
		fputs("}\n", f);
	} else {
		fprintf(f, "mapviz run %s: \"%s\"\n", o->scene->path, o->scene->title);
		if (o->scene->summary)
			fprintf(f, "  %s\n", o->scene->summary);
		fprintf(f, "  map[%s]int64 (%s), hint %" PRId64 ", %u worker(s)\n",
			sp->map.key == MV_KEY_INT ? "int64" : "string", mv_impl_name(sp->map.impl), sp->map.hint,
			sp->nworkers);
		fprintf(f, "  runtime: %s\n", mv_go_text(sp->map.go));
		if (o->state != OUT_STATE_NONE)
			text_world_state(f, o->world, o->state);
		fputs("  step worker     what happened\n", f);
	}
}

void out_end(struct out *o)
{
	release_held(o);
	FILE *f = o->f;
	const struct mv_world *w = o->world;
	if (o->format == OUT_JSONL) {
		fprintf(f, "{\"type\":\"end\",\"steps\":%" PRIu64 ",\"status\":\"%s\",\"message\":", w->step,
			mv_end_name(w->end));
		out_json_string(f, w->message ? w->message : "", w->message ? strlen(w->message) : 0);
		fputs(",\"leaked\":[", f);
		bool first = true;
		for (uint32_t i = 0; i < w->nworkers; i++) {
			if (!(w->leaked >> i & 1))
				continue;
			if (!first)
				fputc(',', f);
			first = false;
			out_json_string(f, worker_name(o, i), strlen(worker_name(o, i)));
		}
		fputc(']', f);
		fputs(",\"memory\":", f);
		out_maps_json_memory(f, w->maps, w->nmaps);
		if (o->state != OUT_STATE_NONE) {
			fputs(",\"state\":", f);
			out_json_world_state(f, w, o->state);
		}
		fputs("}\n", f);
	} else {
		fprintf(f, "end: %s after %" PRIu64 " steps", mv_end_name(w->end), w->step);
		if (w->message)
			fprintf(f, " (%s)", w->message);
		for (uint32_t i = 0, n = 0; i < w->nworkers; i++)
			if (w->leaked >> i & 1)
				fprintf(f, "%s%s", n++ ? ", " : "; leaked (blocked forever): ", worker_name(o, i));
		fputc('\n', f);
	}
}

void out_go_report(FILE *f, const struct mv_world *w, const struct scene *sc)
{
	struct out_keys keys = {.kind = sc->spec.map.key, .strs = sc->spec.strs};
	if (w->end == MV_END_PANIC)
		fprintf(f, "panic: %s\n\n", w->message);
	else
		fprintf(f, "fatal error: %s\n\n", w->message ? w->message : "");
	for (uint32_t i = 0; i < w->nworkers; i++) {
		const struct mv_worker *wk = &w->workers[i];
		if (wk->state == MV_W_DONE && (int32_t)i != w->culprit)
			continue; /* Go lists only goroutines that still exist */
		fprintf(f, "goroutine %u [%s]:\n", i + 1, mv_world_wait_reason(w, i));
		const struct mv_instr *in = mv_world_instr(w, i);
		fprintf(f, "main.%s()\n", sc->spec.workers[i].name);
		if (in) {
			fprintf(f, "\t%s", mv_instr_name(in->kind));
			if (wk->in_op && (in->kind == MV_I_STORE || in->kind == MV_I_LOAD || in->kind == MV_I_DELETE)) {
				fputc(' ', f);
				out_text_key(f, &keys, wk->op.key);
			}
			if (wk->in_op && (wk->op.stage == MV_ST_LOCK || wk->op.stage == MV_ST_UNLOCK)) {
				char buf[32];
				fprintf(f, " %s", mv_world_lock_name(w, wk->op.lock, buf, sizeof buf));
			}
			if ((int32_t)i == w->culprit && wk->op.stage == MV_ST_MAP) {
				struct mv_mop_state st;
				mv_mop_state(&w->maps[wk->op.shard], &wk->op.mop, &st);
				fprintf(f, ", in phase %s", st.last);
			}
			else if (wk->in_op && wk->op.steps)
				fprintf(f, ", at phase %s", mv_world_phase(w, i));
			fprintf(f, "\n\t%s:%u\n", sc->path, in->line);
		}
		fputc('\n', f);
	}
}
