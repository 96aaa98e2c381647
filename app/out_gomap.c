/*
 * out_gomap: the classic engine's (Go 1.19's bucket map) part of the
 * headless writers — its STATE object as JSON and as text, and its memory
 * in the end record (DESIGN "Headless output contract").
 */
#include <inttypes.h>
#include <string.h>

#include "engine/classic/gomap.h"
#include "out_maps.h"

static void json_bucket(FILE *f, const struct out_keys *k, const struct gm_bucket *b)
{
	fputs("{\"tophash\":[", f);
	for (int i = 0; i < GM_BUCKET_CNT; i++)
		fprintf(f, "%s%u", i ? "," : "", b->tophash[i]);
	fputs("],\"keys\":[", f);
	for (int i = 0; i < GM_BUCKET_CNT; i++) {
		if (i)
			fputc(',', f);
		if (b->tophash[i] >= GM_MIN_TOPHASH)
			out_json_key(f, k, b->keys[i]);
		else
			fputs("null", f);
	}
	fputs("],\"values\":[", f);
	for (int i = 0; i < GM_BUCKET_CNT; i++) {
		if (i)
			fputc(',', f);
		if (b->tophash[i] >= GM_MIN_TOPHASH)
			fprintf(f, "%" PRId64, b->vals[i]);
		else
			fputs("null", f);
	}
	fputs("]}", f);
}

/* An array of 2^B chains starting at slab index first. */
static void json_array(FILE *f, const struct gomap *m, const struct out_keys *k, uint32_t first, uint64_t n)
{
	fputc('[', f);
	for (uint64_t j = 0; j < n; j++) {
		if (j)
			fputc(',', f);
		fputc('[', f);
		bool firstb = true;
		for (uint32_t b = first + (uint32_t)j; b; b = m->slab[b].overflow) {
			if (!firstb)
				fputc(',', f);
			firstb = false;
			json_bucket(f, k, &m->slab[b]);
		}
		fputc(']', f);
	}
	fputc(']', f);
}

static void json_state(FILE *f, const void *mp, enum out_state level)
{
	const struct gomap *m = mp;
	const struct out_keys k = {m->keykind, m->strs};
	fprintf(f,
		"{\"engine\":\"classic\",\"count\":%" PRId64 ",\"B\":%u,\"flags\":%u,\"noverflow\":%u,\"hash0\":%" PRIu32
		",\"nevacuate\":%" PRIu64,
		m->count, m->B, m->flags, m->noverflow, m->hash0, m->nevacuate);
	if (level == OUT_STATE_FULL) {
		fputs(",\"buckets\":", f);
		if (m->buckets)
			json_array(f, m, &k, m->buckets, (uint64_t)1 << m->B);
		else
			fputs("[]", f);
		fputs(",\"oldbuckets\":", f);
		if (m->oldbuckets)
			json_array(f, m, &k, m->oldbuckets, gomap_noldbuckets(m));
		else
			fputs("null", f);
	}
	fputc('}', f);
}

static void text_bucket_row(FILE *f, const struct gomap *m, const struct out_keys *k, const char *label, uint32_t first, uint64_t n)
{
	for (uint64_t j = 0; j < n; j++) {
		int depth = 0;
		for (uint32_t b = first + (uint32_t)j; b; b = m->slab[b].overflow, depth++) {
			const struct gm_bucket *p = &m->slab[b];
			if (depth)
				fprintf(f, "        %*s  +ovf%d ", (int)strlen(label), "", depth);
			else
				fprintf(f, "        %s %3" PRIu64 "      ", label, j);
			for (int i = 0; i < GM_BUCKET_CNT; i++) {
				uint8_t t = p->tophash[i];
				switch (t) {
				case GM_EMPTY_REST: fputs(" ..", f); break;
				case GM_EMPTY_ONE: fputs(" __", f); break;
				case GM_EVACUATED_X: fputs(" >X", f); break;
				case GM_EVACUATED_Y: fputs(" >Y", f); break;
				case GM_EVACUATED_EMPTY: fputs(" >.", f); break;
				default: fprintf(f, " %02x", t); break;
				}
			}
			fputs("   ", f);
			bool any = false;
			for (int i = 0; i < GM_BUCKET_CNT; i++) {
				if (p->tophash[i] < GM_MIN_TOPHASH)
					continue;
				fputs(any ? " " : "", f);
				out_text_key(f, k, p->keys[i]);
				fprintf(f, "=%" PRId64, p->vals[i]);
				any = true;
			}
			fputc('\n', f);
		}
	}
}

static void text_state(FILE *f, const void *mp, enum out_state level)
{
	const struct gomap *m = mp;
	const struct out_keys k = {m->keykind, m->strs};
	fprintf(f, "        count %" PRId64 "  B %u  flags %u  noverflow %u  hash0 %" PRIu32, m->count, m->B,
		m->flags, m->noverflow, m->hash0);
	if (m->oldbuckets)
		fprintf(f, "  evacuated %" PRIu64 "/%" PRIu64, m->nevacuate, gomap_noldbuckets(m));
	fputc('\n', f);
	if (level != OUT_STATE_FULL)
		return;
	struct gm_memory mem;
	gomap_memory(m, &mem);
	fprintf(f, "        memory: %" PRIu64 " B bucket array, %" PRIu64 " B overflow, %" PRIu64 " B old buckets\n",
		mem.buckets, mem.overflow, mem.old);
	if (m->buckets)
		text_bucket_row(f, m, &k, "bucket", m->buckets, (uint64_t)1 << m->B);
	if (m->oldbuckets)
		text_bucket_row(f, m, &k, "old   ", m->oldbuckets, gomap_noldbuckets(m));
}

static void json_memory(FILE *f, const struct mv_map *maps, uint32_t n)
{
	struct gm_memory mem = {0, 0, 0};
	for (uint32_t s = 0; s < n; s++) {
		struct gm_memory one;
		gomap_memory(&maps[s].u.classic.m, &one);
		mem.buckets += one.buckets;
		mem.overflow += one.overflow;
		mem.old += one.old;
	}
	fprintf(f, "{\"buckets\":%" PRIu64 ",\"overflow\":%" PRIu64 ",\"old\":%" PRIu64 "}", mem.buckets,
		mem.overflow, mem.old);
}

const struct out_mapfmt out_gomap_fmt = {
	.where = "bucket",
	.byte = "tophash",
	.json_state = json_state,
	.text_state = text_state,
	.json_memory = json_memory,
};
