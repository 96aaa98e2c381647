/*
 * out_swiss: the Swiss engine's (Go 1.26's map) part of the headless
 * writers — its STATE object as JSON (the contract in docs/headless.md:
 * engine, used, globalDepth, writing, tombstonePossible, clearSeq, small,
 * directory, tables), as transcript lines, and its memory in the end record.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "engine/swiss/swiss.h"
#include "out_maps.h"

static bool full(uint8_t c)
{
	return c < SW_CTRL_EMPTY; /* SW1.9: high bit clear */
}

static void json_group(FILE *f, const struct out_keys *k, const struct sw_group *g)
{
	fputs("{\"ctrl\":[", f);
	for (unsigned i = 0; i < SW_SLOTS; i++)
		fprintf(f, "%s%u", i ? "," : "", sw_ctrl(g, i));
	fputs("],\"keys\":[", f);
	for (unsigned i = 0; i < SW_SLOTS; i++) {
		if (i)
			fputc(',', f);
		if (full(sw_ctrl(g, i)))
			out_json_key(f, k, g->slots[i].key);
		else
			fputs("null", f);
	}
	fputs("],\"values\":[", f);
	for (unsigned i = 0; i < SW_SLOTS; i++) {
		if (i)
			fputc(',', f);
		if (full(sw_ctrl(g, i)))
			fprintf(f, "%" PRId64, g->slots[i].val);
		else
			fputs("null", f);
	}
	fputs("]}", f);
}

/* The distinct live tables in directory order (SW1.4): each table's first
 * directory entry is its index; the others of its run follow it. */
static uint32_t live_tables(const struct swmap *m, uint32_t *out)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->dir_len; i++)
		if (i == 0 || m->dir[i] != m->dir[i - 1])
			out[n++] = m->dir[i];
	return n;
}

static uint32_t position_of(const uint32_t *tabs, uint32_t n, uint32_t t)
{
	for (uint32_t i = 0; i < n; i++)
		if (tabs[i] == t)
			return i;
	return UINT32_MAX;
}

static void json_state(FILE *f, const void *mp, enum out_state level)
{
	const struct swmap *m = mp;
	const struct out_keys k = {m->keykind, m->strs};
	fprintf(f,
		"{\"engine\":\"swiss\",\"used\":%" PRIu64 ",\"globalDepth\":%u,\"writing\":%u,"
		"\"tombstonePossible\":%s,\"clearSeq\":%" PRIu64,
		m->used, m->global_depth, m->writing, m->tombstone_possible ? "true" : "false", m->clear_seq);
	if (level == OUT_STATE_FULL) {
		fputs(",\"small\":", f);
		if (m->dir_len == 0 && m->small)
			json_group(f, &k, &m->slab[m->small]);
		else
			fputs("null", f);
		uint32_t *tabs = m->dir_len ? malloc(m->dir_len * sizeof *tabs) : NULL;
		uint32_t nt = tabs ? live_tables(m, tabs) : 0;
		fputs(",\"directory\":[", f);
		for (uint32_t i = 0; i < m->dir_len; i++)
			fprintf(f, "%s%u", i ? "," : "", position_of(tabs, nt, m->dir[i]));
		fputs("],\"tables\":[", f);
		for (uint32_t i = 0; i < nt; i++) {
			const struct sw_table *t = &m->tables[tabs[i]];
			fprintf(f,
				"%s{\"index\":%" PRId32 ",\"localDepth\":%u,\"capacity\":%u,\"used\":%u,"
				"\"growthLeft\":%u,\"groups\":[",
				i ? "," : "", t->index, t->local_depth, t->capacity, t->used, t->growth_left);
			for (uint32_t g = 0; g < sw_table_ngroups(t); g++) {
				if (g)
					fputc(',', f);
				json_group(f, &k, &m->slab[t->groups + g]);
			}
			fputs("]}", f);
		}
		fputc(']', f);
		free(tabs);
	}
	fputc('}', f);
}

/* One group as a transcript line: ctrl bytes (H2 in hex, .. empty, xx
 * tombstone), then key=value of the full slots. */
static void text_group(FILE *f, const struct out_keys *k, const char *label, const struct sw_group *g)
{
	fprintf(f, "        %-14s", label);
	for (unsigned i = 0; i < SW_SLOTS; i++) {
		uint8_t c = sw_ctrl(g, i);
		if (c == SW_CTRL_EMPTY)
			fputs(" ..", f);
		else if (c == SW_CTRL_DELETED)
			fputs(" xx", f);
		else
			fprintf(f, " %02x", c);
	}
	fputs("  ", f);
	for (unsigned i = 0; i < SW_SLOTS; i++) {
		if (!full(sw_ctrl(g, i)))
			continue;
		fputc(' ', f);
		out_text_key(f, k, g->slots[i].key);
		fprintf(f, "=%" PRId64, g->slots[i].val);
	}
	fputc('\n', f);
}

static void text_state(FILE *f, const void *mp, enum out_state level)
{
	const struct swmap *m = mp;
	const struct out_keys k = {m->keykind, m->strs};
	fprintf(f, "        used %" PRIu64 "  globalDepth %u  dirLen %u  writing %u  clearSeq %" PRIu64 "  seed %#" PRIx32,
		m->used, m->global_depth, m->dir_len, m->writing, m->clear_seq, (uint32_t)m->seed);
	if (m->tombstone_possible)
		fputs("  tombstonePossible", f);
	fputc('\n', f);
	if (level != OUT_STATE_FULL)
		return;
	struct sw_memory mem;
	swiss_memory(m, &mem);
	fprintf(f,
		"        memory: %" PRIu64 " B header, %" PRIu64 " B small group, %" PRIu64 " B directory, %" PRIu64
		" B tables, %" PRIu64 " B groups\n",
		mem.header, mem.small, mem.directory, mem.tables, mem.groups);
	if (m->dir_len == 0 && m->small)
		text_group(f, &k, "small", &m->slab[m->small]);
	for (uint32_t i = 0; i < m->dir_len; i++) {
		if (i && m->dir[i] == m->dir[i - 1])
			continue;
		const struct sw_table *t = &m->tables[m->dir[i]];
		fprintf(f, "        table @dir %u: capacity %u, used %u, growthLeft %u, localDepth %u\n", i,
			t->capacity, t->used, t->growth_left, t->local_depth);
		for (uint32_t g = 0; g < sw_table_ngroups(t); g++) {
			char label[24];
			snprintf(label, sizeof label, "  group %u", g);
			text_group(f, &k, label, &m->slab[t->groups + g]);
		}
	}
}

static void json_memory(FILE *f, const struct mv_map *maps, uint32_t n)
{
	struct sw_memory sum = {0};
	for (uint32_t s = 0; s < n; s++) {
		struct sw_memory one;
		swiss_memory(&maps[s].u.swiss, &one);
		sum.header += one.header;
		sum.small += one.small;
		sum.directory += one.directory;
		sum.tables += one.tables;
		sum.groups += one.groups;
		sum.stale += one.stale;
		sum.total += one.total;
		sum.total_class += one.total_class;
	}
	fprintf(f,
		"{\"header\":%" PRIu64 ",\"small\":%" PRIu64 ",\"directory\":%" PRIu64 ",\"tables\":%" PRIu64
		",\"groups\":%" PRIu64 ",\"stale\":%" PRIu64 ",\"total\":%" PRIu64 ",\"allocated\":%" PRIu64 "}",
		sum.header, sum.small, sum.directory, sum.tables, sum.groups, sum.stale, sum.total, sum.total_class);
}

const struct out_mapfmt out_swiss_fmt = {
	.where = "group",
	.byte = "h2",
	.json_state = json_state,
	.text_state = text_state,
	.json_memory = json_memory,
};
