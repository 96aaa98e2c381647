/*
 * out_hashtrie: Go 1.26's sync.Map (HashTrieMap) in the headless writers —
 * its STATE {"engine":"hashtrie","inited":B,"root":NODE}, NODE = null |
 * {"indirect":[16 NODE]} | {"entries":[{"key":K,"value":V},...]} (a
 * collision chain, head first); a text line; and its busy mutexes.
 */
#include <inttypes.h>
#include <string.h>

#include "engine/hashtrie/hashtrie.h"
#include "out_maps.h"

static void json_node(FILE *f, const struct hashtrie *t, const struct out_keys *k, uint32_t ref)
{
	if (ref == HT_NIL) {
		fputs("null", f);
		return;
	}
	if (ht_ref_is_entry(ref)) {
		fputs("{\"entries\":[", f);
		for (uint32_t e = ht_ref_index(ref); e; e = hashtrie_overflow(t, e)) {
			const struct ht_entry *en = hashtrie_entry(t, e);
			if (e != ht_ref_index(ref))
				fputc(',', f);
			fputs("{\"key\":", f);
			out_json_key(f, k, en->key);
			fprintf(f, ",\"value\":%" PRId64 "}", en->value);
		}
		fputs("]}", f);
		return;
	}
	fputs("{\"indirect\":[", f);
	for (unsigned j = 0; j < HT_CHILDREN; j++) {
		if (j)
			fputc(',', f);
		json_node(f, t, k, hashtrie_child(t, ht_ref_index(ref), j));
	}
	fputs("]}", f);
}

static void json_state(FILE *f, const struct mv_world *w, enum out_state level)
{
	const struct hashtrie *t = &w->sm->u.trie;
	const struct out_keys k = {t->keykind, t->strs};
	fprintf(f, "{\"engine\":\"hashtrie\",\"inited\":%s", hashtrie_inited(t) ? "true" : "false");
	if (level == OUT_STATE_FULL) {
		fputs(",\"root\":", f);
		json_node(f, t, &k, hashtrie_root(t));
	} else {
		fprintf(f, ",\"entries\":%" PRIu64, hashtrie_count(t));
	}
	fputc('}', f);
}

/* A compact line: the tree in prefix form, [i: ...] for an indirect's
 * child i, k=v for an entry (k=v|k=v for a collision chain). */
static void text_node(FILE *f, const struct hashtrie *t, const struct out_keys *k, uint32_t ref)
{
	if (ht_ref_is_entry(ref)) {
		for (uint32_t e = ht_ref_index(ref); e; e = hashtrie_overflow(t, e)) {
			const struct ht_entry *en = hashtrie_entry(t, e);
			if (e != ht_ref_index(ref))
				fputc('|', f);
			out_text_key(f, k, en->key);
			fprintf(f, "=%" PRId64, en->value);
		}
		return;
	}
	fputc('{', f);
	bool first = true;
	for (unsigned j = 0; j < HT_CHILDREN; j++) {
		uint32_t c = hashtrie_child(t, ht_ref_index(ref), j);
		if (c == HT_NIL)
			continue;
		fprintf(f, "%s%x:", first ? "" : " ", j);
		first = false;
		text_node(f, t, k, c);
	}
	fputc('}', f);
}

static void text_state(FILE *f, const struct mv_world *w)
{
	const struct hashtrie *t = &w->sm->u.trie;
	const struct out_keys k = {t->keykind, t->strs};
	fputs("        sync.Map (HashTrieMap) ", f);
	if (!hashtrie_inited(t))
		fputs("not initialized yet (the first call makes the root)", f);
	else
		text_node(f, t, &k, hashtrie_root(t));
	fputc('\n', f);
	for (uint32_t i = 1; i < t->ninds; i++) {
		const struct ht_indirect *n = hashtrie_indirect(t, i);
		if (!n || !n->live || hashtrie_lock_holder(&n->mu) < 0)
			continue;
		fprintf(f, "        lock node[%u].mu: held by G%d, %d waiting\n", i, hashtrie_lock_holder(&n->mu) + 1,
			mv_mutex_waiters(&n->mu.mu));
	}
}

/* Only the mutexes that are held: a trie has one per indirect node. */
static void json_locks(FILE *f, const struct mv_world *w, bool first)
{
	const struct hashtrie *t = &w->sm->u.trie;
	for (uint32_t i = 1; i < t->ninds; i++) {
		const struct ht_indirect *n = hashtrie_indirect(t, i);
		if (!n || !n->live || hashtrie_lock_holder(&n->mu) < 0)
			continue;
		fprintf(f, "%s\"node[%u].mu\":", first ? "" : ",", i);
		out_json_lock(f, w, &n->mu);
		first = false;
	}
}

const struct out_syncfmt out_hashtrie_fmt = {
	.json_state = json_state,
	.text_state = text_state,
	.json_locks = json_locks,
	.nil_results = true,
};
