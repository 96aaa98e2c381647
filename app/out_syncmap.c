/*
 * out_syncmap: sync.Map's state as JSON and as a line of text; see
 * out_syncmap.h.
 */
#include "out_syncmap.h"

#include <inttypes.h>
#include <stdlib.h>

#include "engine/core/alloc.h"
#include "out_fmt.h"
#include "out_maps.h"

const char *out_syncmap_entry_str(const struct sm_entry *e, char *buf, size_t len)
{
	if (!e)
		return "?";
	switch (e->p) {
	case SM_P_VALUE:
		snprintf(buf, len, "value:%" PRId64, e->value);
		return buf;
	case SM_P_NIL:
		return "nil";
	case SM_P_EXPUNGED:
		return "expunged";
	}
	return "?";
}

static void key_bytes(const struct syncmap *s, int64_t key, char *num, size_t numlen, const char **p,
		      size_t *n)
{
	if (s->keykind == MV_KEY_INT) {
		*n = (size_t)snprintf(num, numlen, "%" PRId64, key);
		*p = num;
	} else {
		*p = mv_strpool_get(s->strs, (uint32_t)key, n);
	}
}

void out_json_syncmap_key(FILE *f, const struct syncmap *s, int64_t key)
{
	if (s->keykind == MV_KEY_INT) {
		fprintf(f, "%" PRId64, key);
	} else {
		size_t n;
		const char *p = mv_strpool_get(s->strs, (uint32_t)key, &n);
		out_json_string(f, p, n);
	}
}

/* The sorted entries of read.m or dirty; *n gets the count.  Free it. */
static struct sm_item *items(const struct syncmap *s, enum sm_which w, uint32_t *n)
{
	*n = syncmap_len(s, w);
	struct sm_item *it = mv_xmalloc(((size_t)*n + 1) * sizeof *it);
	uint32_t got = syncmap_list(s, w, it, *n);
	if (got < *n)
		*n = got;
	return it;
}

/* {"K":"value:V",...} */
static void json_entries(FILE *f, const struct syncmap *s, enum sm_which w)
{
	uint32_t n;
	struct sm_item *it = items(s, w, &n);
	fputc('{', f);
	for (uint32_t i = 0; i < n; i++) {
		char num[32], val[40];
		const char *k;
		size_t kl;
		if (i)
			fputc(',', f);
		key_bytes(s, it[i].key, num, sizeof num, &k, &kl);
		out_json_string(f, k, kl);
		fputc(':', f);
		fprintf(f, "\"%s\"", out_syncmap_entry_str(syncmap_entry(s, it[i].entry), val, sizeof val));
	}
	fputc('}', f);
	free(it);
}

/* The STATE's fields, without the braces. */
static void json_fields(FILE *f, const struct syncmap *s)
{
	fprintf(f, "\"read\":{\"amended\":%s,\"entries\":", s->amended ? "true" : "false");
	json_entries(f, s, SM_READ);
	fputs("},\"dirty\":", f);
	if (syncmap_map(s, SM_DIRTY))
		json_entries(f, s, SM_DIRTY);
	else
		fputs("null", f);
	fprintf(f, ",\"misses\":%" PRId64, s->misses);
}

void out_json_syncmap_state(FILE *f, const struct syncmap *s)
{
	fputc('{', f);
	json_fields(f, s);
	fputc('}', f);
}

void out_json_syncmap_engine_state(FILE *f, const struct syncmap *s)
{
	fputs("{\"engine\":\"syncmap\",", f);
	json_fields(f, s);
	fputc('}', f);
}

static void text_entries(FILE *f, const struct syncmap *s, enum sm_which w)
{
	uint32_t n;
	struct sm_item *it = items(s, w, &n);
	fputc('{', f);
	for (uint32_t i = 0; i < n; i++) {
		char val[40];
		if (i)
			fputc(' ', f);
		out_json_syncmap_key(f, s, it[i].key);
		fprintf(f, ":%s", out_syncmap_entry_str(syncmap_entry(s, it[i].entry), val, sizeof val));
	}
	fputc('}', f);
	free(it);
}

void out_text_syncmap_state(FILE *f, const struct syncmap *s)
{
	fputs("read", f);
	text_entries(f, s, SM_READ);
	if (s->amended)
		fputs(" amended", f);
	fputs(" dirty", f);
	if (syncmap_map(s, SM_DIRTY))
		text_entries(f, s, SM_DIRTY);
	else
		fputs("=nil", f);
	fprintf(f, " misses %" PRId64, s->misses);
}

/* ---- its row of the sync.Map output table (out_maps.h) ---- */

static void row_json_state(FILE *f, const struct mv_world *w, enum out_state level)
{
	const struct syncmap *s = &w->sm->u.classic;
	if (level == OUT_STATE_FULL)
		out_json_syncmap_engine_state(f, s);
	else
		fprintf(f, "{\"engine\":\"syncmap\",\"amended\":%s,\"misses\":%" PRId64 "}",
			s->amended ? "true" : "false", s->misses);
}

static void row_text_state(FILE *f, const struct mv_world *w)
{
	const struct syncmap *s = &w->sm->u.classic;
	fputs("        sync.Map ", f);
	out_text_syncmap_state(f, s);
	fprintf(f, "\n        lock sync.Map.mu: Mutex state %d (%s, %d waiting)\n", s->mu.mu.state,
		s->mu.mu.state & MV_MUTEX_LOCKED ? "locked" : "unlocked", mv_mutex_waiters(&s->mu.mu));
}

static void row_json_locks(FILE *f, const struct mv_world *w, bool first)
{
	fprintf(f, "%s\"sync.Map.mu\":", first ? "" : ",");
	out_json_lock(f, w, &w->sm->u.classic.mu);
}

const struct out_syncfmt out_syncmap_fmt = {
	.json_state = row_json_state,
	.text_state = row_text_state,
	.json_locks = row_json_locks,
};
