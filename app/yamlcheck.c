/* yamlcheck: a libcyaml schema checked against a yamltree; see yamlcheck.h. */
#include "yamlcheck.h"

#include <stdio.h>
#include <string.h>

#define LABEL_MAX 128
#define LIST_MAX 400

struct yc {
	const struct ytree *t;
	const struct ycheck_name *names;
	struct yerr *err;
};

bool ycheck_parse_uint(const char *s, uint64_t *out, bool *range)
{
	uint64_t v = 0;
	*range = false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		if (!*s)
			return false;
		for (; *s; s++) {
			unsigned d;
			if (*s >= '0' && *s <= '9')
				d = (unsigned)(*s - '0');
			else if (*s >= 'a' && *s <= 'f')
				d = (unsigned)(*s - 'a' + 10);
			else if (*s >= 'A' && *s <= 'F')
				d = (unsigned)(*s - 'A' + 10);
			else
				return false;
			if (v >> 60)
				*range = true;
			v = v << 4 | d;
		}
	} else {
		if (!*s || (s[0] == '0' && s[1]))
			return false; /* empty, or a leading zero (octal to C) */
		for (; *s; s++) {
			if (*s < '0' || *s > '9')
				return false;
			unsigned d = (unsigned)(*s - '0');
			if (v > (UINT64_MAX - d) / 10)
				*range = true;
			v = v * 10 + d;
		}
	}
	if (*range)
		return false;
	*out = v;
	return true;
}

bool ycheck_parse_int(const char *s, int64_t *out, bool *range)
{
	bool neg = false;
	uint64_t u;
	*range = false; /* every way out below says what went wrong */
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (*s == '+' || *s == '-' || !ycheck_parse_uint(s, &u, range))
		return false;
	if (neg ? u > (uint64_t)INT64_MAX + 1 : u > (uint64_t)INT64_MAX) {
		*range = true;
		return false;
	}
	*out = neg ? (int64_t)(0 - u) : (int64_t)u;
	return true;
}

static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[33];
	if (la > 32 || lb > 32)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *ycheck_suggest(const char *s, const char *const *cands, unsigned n)
{
	const char *best = NULL;
	unsigned bd = 3;
	for (unsigned i = 0; i < n; i++) {
		unsigned d = edit_distance(s, cands[i]);
		if (d < bd) {
			bd = d;
			best = cands[i];
		}
	}
	return best;
}

const char *ycheck_found(const struct ytree *t, uint32_t i, char *buf, size_t cap)
{
	const struct ynode *nd = &t->nodes[i];
	char q[96];
	if (nd->kind == YN_MAP)
		snprintf(buf, cap, "a mapping");
	else if (nd->kind == YN_SEQ)
		snprintf(buf, cap, "a sequence");
	else if (nd->style == YS_PLAIN && nd->n == 0)
		snprintf(buf, cap, "an empty value");
	else
		snprintf(buf, cap, "'%s'", yquote(q, sizeof q, ytree_str(t, i), nd->n, 40));
	return buf;
}

static const struct ycheck_name *find_name(const struct yc *c, const cyaml_schema_field_t *fields)
{
	for (const struct ycheck_name *n = c->names; n && n->fields; n++)
		if (n->fields == fields && !n->field)
			return n;
	return NULL;
}

static const char *find_expected(const struct yc *c, const cyaml_schema_field_t *fields, const char *key)
{
	for (const struct ycheck_name *n = c->names; n && n->fields; n++)
		if (n->fields == fields && n->field && strcmp(n->field, key) == 0)
			return n->expected;
	return NULL;
}

/* "a, b, c" from a field table. */
static const char *field_list(const cyaml_schema_field_t *f, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (; f->key && o < cap; f++)
		o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? ", " : "", f->key);
	return buf;
}

static const char *enum_list(const cyaml_schema_value_t *s, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < s->enumeration.count && o < cap; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? ", " : "", s->enumeration.strings[i].str);
	return buf;
}

static int type_error(struct yc *c, uint32_t i, const char *label, const char *expected)
{
	char f[128];
	const struct ynode *nd = &c->t->nodes[i];
	return yerr_set(c->err, nd->line, nd->col, "found %s for %s, expected %s", ycheck_found(c->t, i, f, sizeof f),
			label, expected);
}

static int check_value(struct yc *c, uint32_t i, const cyaml_schema_value_t *s, const char *label,
		       const char *expected);

static int check_scalar(struct yc *c, uint32_t i, const cyaml_schema_value_t *s, const char *label,
			const char *expected)
{
	const struct ynode *nd = &c->t->nodes[i];
	const char *v = ytree_str(c->t, i);
	char list[LIST_MAX], exp[LIST_MAX + 32];
	bool range;
	int64_t iv;
	uint64_t uv;

	if (nd->kind != YN_SCALAR) {
		if (expected)
			return type_error(c, i, label, expected);
		switch (s->type) {
		case CYAML_INT:
		case CYAML_UINT:
			return type_error(c, i, label, "an integer");
		case CYAML_BOOL:
			return type_error(c, i, label, "true or false");
		case CYAML_ENUM:
			snprintf(exp, sizeof exp, "one of %s", enum_list(s, list, sizeof list));
			return type_error(c, i, label, exp);
		default:
			return type_error(c, i, label, "a string");
		}
	}
	switch (s->type) {
	case CYAML_INT:
		if (!ycheck_parse_int(v, &iv, &range))
			return type_error(c, i, label, range ? "an integer that fits in 64 bits"
							     : "an integer (decimal or 0x hex)");
		return 0;
	case CYAML_UINT:
		if (!ycheck_parse_uint(v, &uv, &range) || (s->data_size < 8 && uv >> (s->data_size * 8)))
			return type_error(c, i, label, range ? "an unsigned integer that fits in 64 bits"
							     : "an unsigned integer (decimal or 0x hex)");
		return 0;
	case CYAML_BOOL:
		if (strcmp(v, "true") && strcmp(v, "false") && strcmp(v, "True") && strcmp(v, "False") &&
		    strcmp(v, "TRUE") && strcmp(v, "FALSE"))
			return type_error(c, i, label, "true or false");
		return 0;
	case CYAML_ENUM:
		for (uint32_t k = 0; k < s->enumeration.count; k++)
			if (strcmp(v, s->enumeration.strings[k].str) == 0 && strlen(v) == nd->n)
				return 0;
		snprintf(exp, sizeof exp, "one of %s", enum_list(s, list, sizeof list));
		return type_error(c, i, label, exp);
	case CYAML_STRING:
		if (memchr(v, '\0', nd->n))
			return type_error(c, i, label, "text without NUL characters");
		if (nd->n < s->string.min)
			return type_error(c, i, label, s->string.min == 1 ? "a non-empty string" : "a longer string");
		if (s->string.max != CYAML_UNLIMITED && nd->n > s->string.max) {
			snprintf(exp, sizeof exp, "a string of at most %u bytes", s->string.max);
			return type_error(c, i, label, exp);
		}
		return 0;
	default:
		return 0;
	}
}

static int check_mapping(struct yc *c, uint32_t m, const cyaml_schema_value_t *s, const char *label)
{
	const struct ytree *t = c->t;
	const cyaml_schema_field_t *fields = s->mapping.fields;
	const struct ycheck_name *nm = find_name(c, fields);
	const char *name = nm && nm->name ? nm->name : label;
	const char *noun = nm && nm->key_noun ? nm->key_noun : "key";
	char in[LABEL_MAX + 16], list[LIST_MAX], child[LABEL_MAX];
	uint32_t seen_at[64] = {0};
	unsigned nf = 0, npairs = 0;

	while (fields[nf].key)
		nf++;
	if (nf > 64)
		return yerr_set(c->err, 0, 0, "internal error: schema mapping with %u fields", nf);
	if (*name)
		snprintf(in, sizeof in, "in %s", name);
	else
		snprintf(in, sizeof in, "at the top level");

	for (uint32_t k = m + 1; k < t->nodes[m].end; k = t->nodes[t->nodes[k].end].end, npairs++) {
		const struct ynode *kn = &t->nodes[k];
		uint32_t v = kn->end;
		const char *key = ytree_str(t, k);
		unsigned f;
		char q[96];
		if (kn->kind != YN_SCALAR)
			return yerr_set(c->err, kn->line, kn->col, "found %s as a key %s, expected a plain %s",
					kn->kind == YN_MAP ? "a mapping" : "a sequence", in, noun);
		if (nm && (nm->flags & YC_ONE_KEY) && npairs > 0)
			return yerr_set(c->err, kn->line, kn->col,
					"found a second %s '%s' %s, expected one %s per entry (start a new '- ' entry)",
					noun, yquote(q, sizeof q, key, kn->n, 40), in, noun);
		for (f = 0; f < nf; f++)
			if (strcmp(fields[f].key, key) == 0 && strlen(key) == kn->n)
				break;
		if (f == nf) {
			const char *cands[64];
			for (unsigned j = 0; j < nf; j++)
				cands[j] = fields[j].key;
			const char *sug = ycheck_suggest(key, cands, nf);
			char hint[80] = "";
			if (sug)
				snprintf(hint, sizeof hint, "; did you mean '%s'?", sug);
			return yerr_set(c->err, kn->line, kn->col, "unknown %s '%s' %s (expected %s%s%s)", noun,
					yquote(q, sizeof q, key, kn->n, 40), in,
					nm && (nm->flags & YC_ONE_KEY) ? "one of " : "",
					field_list(fields, list, sizeof list), hint);
		}
		if (seen_at[f]) {
			const struct ynode *first = &t->nodes[seen_at[f] - 1];
			return yerr_set(c->err, kn->line, kn->col,
					"found %s '%s' again %s (first at %u:%u), expected each %s once", noun,
					fields[f].key, in, first->line, first->col, noun);
		}
		seen_at[f] = k + 1;
		if ((nm && (nm->flags & YC_CHILD_BARE)) || !*name)
			snprintf(child, sizeof child, "%s", fields[f].key);
		else
			snprintf(child, sizeof child, "%s.%s", name, fields[f].key);
		if (check_value(c, v, &fields[f].value, child, find_expected(c, fields, fields[f].key)))
			return -1;
	}
	if (nm && (nm->flags & YC_ONE_KEY) && npairs == 0)
		return yerr_set(c->err, t->nodes[m].line, t->nodes[m].col, "found an empty %s, expected one %s: %s",
				name, noun, field_list(fields, list, sizeof list));
	for (unsigned f = 0; f < nf; f++)
		if (!seen_at[f] && !(fields[f].value.flags & CYAML_FLAG_OPTIONAL))
			return yerr_set(c->err, t->nodes[m].line, t->nodes[m].col,
					"missing required %s '%s' %s (expected %s)", noun, fields[f].key, in,
					field_list(fields, list, sizeof list));
	return 0;
}

static int check_sequence(struct yc *c, uint32_t q, const cyaml_schema_value_t *s, const char *label)
{
	const struct ytree *t = c->t;
	const struct ynode *nd = &t->nodes[q];
	char child[LABEL_MAX];
	uint32_t k = 0;

	if (nd->n < s->sequence.min)
		return yerr_set(c->err, nd->line, nd->col, "found %u entries in %s, expected at least %u", nd->n,
				label, s->sequence.min);
	snprintf(child, sizeof child, "%s entry", label);
	for (uint32_t e = q + 1; e < nd->end; e = t->nodes[e].end, k++) {
		if (s->sequence.max != CYAML_UNLIMITED && k >= s->sequence.max)
			return yerr_set(c->err, t->nodes[e].line, t->nodes[e].col,
					"found more than %u entries in %s, expected at most %u", s->sequence.max,
					label, s->sequence.max);
		if (check_value(c, e, s->sequence.entry, child, NULL))
			return -1;
	}
	return 0;
}

static int check_value(struct yc *c, uint32_t i, const cyaml_schema_value_t *s, const char *label,
		       const char *expected)
{
	const struct ynode *nd = &c->t->nodes[i];
	char list[LIST_MAX], exp[LIST_MAX + 32];

	switch (s->type) {
	case CYAML_MAPPING:
		if ((s->flags & CYAML_FLAG_POINTER_NULL_STR) == CYAML_FLAG_POINTER_NULL_STR &&
		    ytree_is_null(c->t, i))
			return 0;
		if (nd->kind != YN_MAP) {
			const struct ycheck_name *nm = find_name(c, s->mapping.fields);
			if (nm && (nm->flags & YC_ONE_KEY))
				snprintf(exp, sizeof exp, "a mapping with one %s: %s",
					 nm->key_noun ? nm->key_noun : "key",
					 field_list(s->mapping.fields, list, sizeof list));
			else if (s->mapping.fields[0].key)
				snprintf(exp, sizeof exp, "a mapping with keys %s",
					 field_list(s->mapping.fields, list, sizeof list));
			else
				snprintf(exp, sizeof exp, "an empty mapping {}");
			return type_error(c, i, label, exp);
		}
		return check_mapping(c, i, s, label);
	case CYAML_SEQUENCE:
	case CYAML_SEQUENCE_FIXED:
		if (nd->kind != YN_SEQ)
			return type_error(c, i, label, "a sequence");
		return check_sequence(c, i, s, label);
	case CYAML_IGNORE:
		return 0;
	default:
		return check_scalar(c, i, s, label, expected);
	}
}

int ycheck(const struct ytree *t, uint32_t root, const cyaml_schema_value_t *schema,
	   const struct ycheck_name *names, struct yerr *err)
{
	struct yc c = {t, names, err};
	return check_value(&c, root, schema, "", NULL);
}
