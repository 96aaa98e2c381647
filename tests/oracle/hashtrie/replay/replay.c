/*
 * replay: drives engine/hashtrie directly (no world, no scene loader) with
 * the ops `oracle-hashtrie gen` wrote to NAME.ops, and prints the trace in
 * the shape `mapviz run --format jsonl --every op --state full` is to print
 * for a go: "1.26" sync.Map scene, so `oracle-hashtrie compare` can check
 * the engine against Go's runtime before mapviz runs these scenes.  Its
 * state writer is the reference for the headless one:
 *
 *   STATE = {"engine":"hashtrie","inited":B,"root":NODE}
 *   NODE  = null | {"indirect":[16 NODE]} | {"entries":[{"key":K,"value":V},...]}
 *
 *   replay OPS-FILE > ACTUAL.jsonl
 *
 * OPS-FILE: "# keys: int|string", then one op per line:
 *   store K V H | load K H | load_or_store K V H | load_and_delete K H |
 *   delete K H | swap K V H | compare_and_swap K OLD NEW H |
 *   compare_and_delete K OLD H | range | clear
 * K is i:DECIMAL or s:HEX (the string's bytes), H the pinned hash (0x…).
 * Every op runs through ht_step, one step at a time, by worker 0.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/hashtrie/hashtrie.h"

static struct mv_strpool pool;
static enum mv_keykind kind = MV_KEY_INT;

static void die(const char *what, unsigned line)
{
	fprintf(stderr, "replay: line %u: %s\n", line, what);
	exit(2);
}

static void put_key(int64_t k)
{
	if (kind == MV_KEY_INT) {
		printf("%" PRId64, k);
		return;
	}
	size_t n;
	const char *s = mv_strpool_get(&pool, (uint32_t)k, &n);
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void put_node(const struct hashtrie *t, uint32_t ref)
{
	if (ref == HT_NIL) {
		fputs("null", stdout);
		return;
	}
	if (ht_ref_is_entry(ref)) {
		fputs("{\"entries\":[", stdout);
		for (uint32_t e = ht_ref_index(ref); e; e = hashtrie_overflow(t, e)) {
			const struct ht_entry *en = hashtrie_entry(t, e);
			fputs("{\"key\":", stdout);
			put_key(en->key);
			printf(",\"value\":%" PRId64 "}%s", en->value, hashtrie_overflow(t, e) ? "," : "");
		}
		fputs("]}", stdout);
		return;
	}
	fputs("{\"indirect\":[", stdout);
	for (unsigned j = 0; j < HT_CHILDREN; j++) {
		put_node(t, hashtrie_child(t, ht_ref_index(ref), j));
		if (j + 1 < HT_CHILDREN)
			putchar(',');
	}
	fputs("]}", stdout);
}

static void put_state(const struct hashtrie *t)
{
	printf("{\"engine\":\"hashtrie\",\"inited\":%s,\"root\":", hashtrie_inited(t) ? "true" : "false");
	put_node(t, hashtrie_root(t));
	putchar('}');
}

static int64_t parse_key(const char *tok, unsigned line)
{
	if (strncmp(tok, "i:", 2) == 0) {
		char *end;
		int64_t v = strtoll(tok + 2, &end, 10);
		if (*end)
			die("bad int key", line);
		return v;
	}
	if (strncmp(tok, "s:", 2) != 0)
		die("a key is i:DECIMAL or s:HEX", line);
	size_t n = strlen(tok + 2) / 2;
	char *b = malloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned x;
		if (sscanf(tok + 2 + 2 * i, "%2x", &x) != 1)
			die("bad hex key", line);
		b[i] = (char)x;
	}
	uint32_t id;
	if (mv_strpool_intern(&pool, b, n, &id) != MV_OK)
		die("out of memory", line);
	free(b);
	return id;
}

static void put_nullable(const char *name, int64_t v, bool ok)
{
	printf("\"%s\":", name);
	if (ok)
		printf("%" PRId64, v);
	else
		fputs("null", stdout);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: replay OPS-FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	if (mv_strpool_init(&pool) != MV_OK)
		return 2;
	static char buf[1 << 16];
	unsigned line = 0, ops = 0;
	struct hashtrie t;
	bool started = false;
	uint64_t steps = 0;
	while (fgets(buf, sizeof buf, f)) {
		line++;
		buf[strcspn(buf, "\n")] = 0;
		if (buf[0] == '#') {
			if (strstr(buf, "keys: string"))
				kind = MV_KEY_STRING;
			continue;
		}
		if (!started) {
			if (hashtrie_init(&t, kind, 1, NULL, 0, &pool) != MV_OK)
				die("hashtrie_init", line);
			started = true;
			fputs("{\"type\":\"scene\",\"state\":", stdout);
			put_state(&t);
			fputs("}\n", stdout);
		}
		char *tok[8];
		int n = 0;
		for (char *p = strtok(buf, " "); p && n < 8; p = strtok(NULL, " "))
			tok[n++] = p;
		if (n == 0)
			continue;
		const char *op = tok[0];
		int64_t key = 0, a = 0, b = 0;
		uint64_t hash = 0;
		bool keyed = strcmp(op, "range") != 0 && strcmp(op, "clear") != 0;
		if (keyed) {
			if (n < 3)
				die("too few fields", line);
			key = parse_key(tok[1], line);
			hash = strtoull(tok[n - 1], NULL, 16);
			if (n > 3)
				a = strtoll(tok[2], NULL, 10);
			if (n > 4)
				b = strtoll(tok[3], NULL, 10);
		}
		struct ht_op o;
		if (strcmp(op, "store") == 0)
			ht_op_store_init(&o, key, a, &hash);
		else if (strcmp(op, "load") == 0)
			ht_op_load_init(&o, key, &hash);
		else if (strcmp(op, "load_or_store") == 0)
			ht_op_load_or_store_init(&o, key, a, &hash);
		else if (strcmp(op, "load_and_delete") == 0)
			ht_op_load_and_delete_init(&o, key, &hash);
		else if (strcmp(op, "delete") == 0)
			ht_op_delete_init(&o, key, &hash);
		else if (strcmp(op, "swap") == 0)
			ht_op_swap_init(&o, key, a, &hash);
		else if (strcmp(op, "compare_and_swap") == 0)
			ht_op_compare_and_swap_init(&o, key, a, b, &hash);
		else if (strcmp(op, "compare_and_delete") == 0)
			ht_op_compare_and_delete_init(&o, key, a, &hash);
		else if (strcmp(op, "range") == 0)
			ht_op_range_init(&o);
		else if (strcmp(op, "clear") == 0)
			ht_op_clear_init(&o);
		else
			die("unknown op", line);
		ops++;
		printf("{\"type\":\"op\",\"step\":%u,\"worker\":\"main\",\"op\":\"%s\"", ops, op);
		if (keyed) {
			fputs(",\"key\":", stdout);
			put_key(key);
		}
		/* the op, one step at a time; a Range collects its yields */
		int64_t *rk = NULL, *rv = NULL;
		size_t rn = 0, rcap = 0;
		enum ht_res r;
		while ((r = ht_step(&t, &o, 0, steps++, NULL, NULL, NULL)) == HT_MORE || r == HT_YIELD) {
			if (r != HT_YIELD)
				continue;
			if (rn == rcap) {
				rcap = rcap ? 2 * rcap : 64;
				rk = realloc(rk, rcap * sizeof *rk);
				rv = realloc(rv, rcap * sizeof *rv);
			}
			rk[rn] = o.result_key;
			rv[rn++] = o.result;
		}
		if (r != HT_DONE) {
			printf("}\n{\"type\":\"end\",\"status\":\"%s\",\"message\":\"%s\"}\n",
			       r == HT_FATAL ? (o.panicked ? "panic" : "fatal") : "blocked", o.fatal ? o.fatal : "");
			return 1;
		}
		if (keyed)
			printf(",\"hash\":\"0x%016" PRIx64 "\"", o.hash);
		fputs(",\"result\":", stdout);
		switch (o.kind) {
		case HT_OP_LOAD:
			putchar('{');
			put_nullable("value", o.result, o.found);
			printf(",\"ok\":%s}", o.found ? "true" : "false");
			break;
		case HT_OP_LOAD_OR_STORE:
			printf("{\"value\":%" PRId64 ",\"loaded\":%s}", o.result, o.found ? "true" : "false");
			break;
		case HT_OP_LOAD_AND_DELETE:
			putchar('{');
			put_nullable("value", o.result, o.found);
			printf(",\"loaded\":%s}", o.found ? "true" : "false");
			break;
		case HT_OP_SWAP:
			putchar('{');
			put_nullable("previous", o.result, o.found);
			printf(",\"loaded\":%s}", o.found ? "true" : "false");
			break;
		case HT_OP_COMPARE_AND_SWAP:
			printf("{\"swapped\":%s}", o.found ? "true" : "false");
			break;
		case HT_OP_COMPARE_AND_DELETE:
			printf("{\"deleted\":%s}", o.found ? "true" : "false");
			break;
		case HT_OP_RANGE:
			fputs("{\"keys\":[", stdout);
			for (size_t i = 0; i < rn; i++) {
				if (i)
					putchar(',');
				put_key(rk[i]);
			}
			fputs("],\"values\":[", stdout);
			for (size_t i = 0; i < rn; i++)
				printf("%s%" PRId64, i ? "," : "", rv[i]);
			fputs("]}", stdout);
			break;
		default:
			fputs("null", stdout);
		}
		free(rk);
		free(rv);
		fputs(",\"state\":", stdout);
		put_state(&t);
		fputs("}\n", stdout);
	}
	fclose(f);
	printf("{\"type\":\"end\",\"steps\":%" PRIu64 ",\"status\":\"ok\",\"message\":\"\"}\n", steps);
	if (started)
		hashtrie_done(&t);
	mv_strpool_done(&pool);
	return 0;
}
