/* yamltree: libyaml events into a positioned node array; see yamltree.h. */
#include "yamltree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

int yerr_set(struct yerr *err, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

char *yquote(char *out, size_t cap, const char *s, size_t len, size_t max)
{
	size_t o = 0, chars = 0;
	if (cap == 0)
		return out;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[8];
		size_t tl;
		if ((c & 0xC0) != 0x80 && chars++ >= max) {
			if (o + 4 <= cap - 1) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (c == '\n')
			tl = (size_t)snprintf(tmp, sizeof tmp, "\\n");
		else if (c == '\t')
			tl = (size_t)snprintf(tmp, sizeof tmp, "\\t");
		else if (c == '\r')
			tl = (size_t)snprintf(tmp, sizeof tmp, "\\r");
		else if (c < 0x20 || c == 0x7F)
			tl = (size_t)snprintf(tmp, sizeof tmp, "\\x%02x", c);
		else if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
			 (unsigned char)s[i + 1] <= 0x9F) /* C1: U+0080..U+009F */
			tl = (size_t)snprintf(tmp, sizeof tmp, "\\x%02x", (unsigned char)s[++i]);
		else {
			tmp[0] = (char)c;
			tl = 1;
		}
		if (o + tl > cap - 1)
			break;
		memcpy(out + o, tmp, tl);
		o += tl;
	}
	/* never end in the middle of a UTF-8 sequence */
	while (o > 0 && ((unsigned char)out[o - 1] & 0x80)) {
		size_t start = o - 1;
		while (start > 0 && ((unsigned char)out[start] & 0xC0) == 0x80)
			start--;
		unsigned char lead = (unsigned char)out[start];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		if (o - start >= need)
			break;
		o = start;
	}
	out[o] = '\0';
	return out;
}

void ytree_offset_pos(const char *buf, size_t len, size_t off, uint32_t *line, uint32_t *col)
{
	uint32_t l = 1, c = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (ch == '\n' || (ch == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
			l++;
			c = 1;
		} else if (ch != '\r' && (ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

void ytree_done(struct ytree *t)
{
	free(t->nodes);
	free(t->text);
	memset(t, 0, sizeof *t);
}

const char *ytree_str(const struct ytree *t, uint32_t i)
{
	if (i >= t->n || t->nodes[i].kind != YN_SCALAR)
		return "";
	return t->text + t->nodes[i].text;
}

bool ytree_is_null(const struct ytree *t, uint32_t i)
{
	if (i >= t->n || t->nodes[i].kind != YN_SCALAR || t->nodes[i].style != YS_PLAIN)
		return false;
	const char *s = ytree_str(t, i);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

uint32_t ytree_key(const struct ytree *t, uint32_t m, const char *key)
{
	if (m >= t->n || t->nodes[m].kind != YN_MAP)
		return YTREE_NONE;
	for (uint32_t k = m + 1; k < t->nodes[m].end;) {
		uint32_t v = t->nodes[k].end;
		if (t->nodes[k].kind == YN_SCALAR && strcmp(ytree_str(t, k), key) == 0)
			return k;
		k = t->nodes[v].end;
	}
	return YTREE_NONE;
}

uint32_t ytree_get(const struct ytree *t, uint32_t m, const char *key)
{
	uint32_t k = ytree_key(t, m, key);
	return k == YTREE_NONE ? YTREE_NONE : t->nodes[k].end;
}

uint32_t ytree_item(const struct ytree *t, uint32_t s, uint32_t k)
{
	if (s >= t->n || t->nodes[s].kind != YN_SEQ || k >= t->nodes[s].n)
		return YTREE_NONE;
	uint32_t c = s + 1;
	while (k--)
		c = t->nodes[c].end;
	return c;
}

void ytree_pos_in(const struct ytree *t, uint32_t i, size_t at, uint32_t *line, uint32_t *col)
{
	const struct ynode *nd = &t->nodes[i];
	*line = nd->line;
	*col = nd->col;
	if (nd->kind != YN_SCALAR || at > nd->n)
		return;
	if (nd->style != YS_PLAIN && nd->style != YS_SINGLE && nd->style != YS_DOUBLE)
		return;
	size_t q = nd->style != YS_PLAIN;
	const char *s = ytree_str(t, i);
	if (memchr(s, '\n', nd->n) || nd->src + q + nd->n > t->srclen ||
	    memcmp(t->src + nd->src + q, s, nd->n) != 0)
		return;
	uint32_t c = nd->col + (uint32_t)q;
	for (size_t k = 0; k < at; k++)
		if (((unsigned char)s[k] & 0xC0) != 0x80)
			c++;
	*col = c;
}

static int tree_grow_nodes(struct ytree *t)
{
	if (t->n < t->cap)
		return 0;
	uint32_t nc = t->cap ? t->cap * 2 : 256;
	if (nc > YTREE_MAX_NODES)
		nc = YTREE_MAX_NODES;
	struct ynode *nn = realloc(t->nodes, (size_t)nc * sizeof *nn);
	if (!nn)
		return -1;
	t->nodes = nn;
	t->cap = nc;
	return 0;
}

static int tree_add_text(struct ytree *t, const char *s, size_t len, uint32_t *off)
{
	if (t->tlen + len + 1 > t->tcap) {
		size_t nc = t->tcap ? t->tcap : 4096;
		while (nc < t->tlen + len + 1)
			nc *= 2;
		if (nc > UINT32_MAX)
			return -1;
		char *nt = realloc(t->text, nc);
		if (!nt)
			return -1;
		t->text = nt;
		t->tcap = nc;
	}
	memcpy(t->text + t->tlen, s, len);
	t->text[t->tlen + len] = '\0';
	*off = (uint32_t)t->tlen;
	t->tlen += len + 1;
	return 0;
}

static int parser_error(const yaml_parser_t *p, const char *buf, size_t len, struct yerr *err)
{
	uint32_t line = 1, col = 1;
	const char *problem = p->problem ? p->problem : "unknown error";
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return yerr_set(err, 0, 0, "out of memory while parsing YAML");
	case YAML_READER_ERROR:
		ytree_offset_pos(buf, len, p->problem_offset, &line, &col);
		if (strstr(problem, "UTF-8") && p->problem_offset < len) /* the byte where it starts */
			return yerr_set(err, line, col, "found byte 0x%02x (%s), expected UTF-8 text",
					(unsigned char)buf[p->problem_offset], problem);
		if (p->problem_value >= 0)
			return yerr_set(err, line, col, "found character U+%04X (%s), expected printable text",
					(unsigned)p->problem_value, problem);
		return yerr_set(err, line, col, "cannot read the text: %s", problem);
	default:
		break;
	}
	line = (uint32_t)p->problem_mark.line + 1;
	col = (uint32_t)p->problem_mark.column + 1;
	if (p->problem_mark.index < len && buf[p->problem_mark.index] == '\t')
		return yerr_set(err, line, col,
				"found a tab character, expected spaces (YAML indents with spaces only)");
	if (p->context)
		return yerr_set(err, line, col, "YAML syntax error: %s (%s started at %u:%u)", problem,
				p->context, (unsigned)p->context_mark.line + 1,
				(unsigned)p->context_mark.column + 1);
	return yerr_set(err, line, col, "YAML syntax error: %s", problem);
}

static uint8_t scalar_style(yaml_scalar_style_t s)
{
	switch (s) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		return YS_SINGLE;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return YS_DOUBLE;
	case YAML_LITERAL_SCALAR_STYLE:
		return YS_LITERAL;
	case YAML_FOLDED_SCALAR_STYLE:
		return YS_FOLDED;
	default:
		return YS_PLAIN;
	}
}

/* Handle one event; returns 1 at the end of the stream, 0 to go on, -1 on error. */
static int tree_event(struct ytree *t, const yaml_event_t *ev, uint32_t *stack, int *depth, int *docs,
		      struct yerr *err)
{
	uint32_t line = (uint32_t)ev->start_mark.line + 1, col = (uint32_t)ev->start_mark.column + 1;
	struct ynode *nd;
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if ((*docs)++)
			return yerr_set(err, line, col,
					"found a second YAML document, expected one document per scene file");
		return 0;
	case YAML_ALIAS_EVENT: {
		char q[64];
		const char *a = (const char *)ev->data.alias.anchor;
		return yerr_set(err, line, col, "found alias '*%s', expected no aliases (scenes do not support "
				"YAML anchors and aliases)", yquote(q, sizeof q, a, strlen(a), 32));
	}
	case YAML_SCALAR_EVENT:
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (t->n >= YTREE_MAX_NODES)
			return yerr_set(err, line, col, "found more than %u YAML nodes, expected a smaller file",
					YTREE_MAX_NODES);
		if (ev->type != YAML_SCALAR_EVENT && *depth >= YTREE_MAX_DEPTH)
			return yerr_set(err, line, col,
					"found nesting deeper than %d levels, expected at most %d", YTREE_MAX_DEPTH,
					YTREE_MAX_DEPTH);
		if (tree_grow_nodes(t))
			return yerr_set(err, line, col, "out of memory");
		if (*depth > 0)
			t->nodes[stack[*depth - 1]].n++;
		nd = &t->nodes[t->n];
		memset(nd, 0, sizeof *nd);
		nd->line = line;
		nd->col = col;
		nd->src = ev->start_mark.index > UINT32_MAX ? UINT32_MAX : (uint32_t)ev->start_mark.index;
		if (ev->type == YAML_SCALAR_EVENT) {
			nd->kind = YN_SCALAR;
			nd->style = scalar_style(ev->data.scalar.style);
			if (ev->data.scalar.length > UINT32_MAX / 2 ||
			    tree_add_text(t, (const char *)ev->data.scalar.value, ev->data.scalar.length, &nd->text))
				return yerr_set(err, line, col, "out of memory");
			nd->n = (uint32_t)ev->data.scalar.length;
			nd->end = ++t->n;
		} else {
			bool flow = ev->type == YAML_SEQUENCE_START_EVENT
					    ? ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
					    : ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
			nd->kind = ev->type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP;
			nd->style = flow ? YS_FLOW : YS_BLOCK;
			stack[(*depth)++] = t->n++;
		}
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (*depth > 0)
			t->nodes[stack[--*depth]].end = t->n;
		return 0;
	default:
		return 0;
	}
}

int ytree_parse(struct ytree *t, const char *buf, size_t len, struct yerr *err)
{
	yaml_parser_t p;
	yaml_event_t ev;
	uint32_t stack[YTREE_MAX_DEPTH];
	int depth = 0, docs = 0, rc;

	memset(t, 0, sizeof *t);
	t->src = buf;
	t->srclen = len;
	if (!yaml_parser_initialize(&p))
		return yerr_set(err, 0, 0, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = parser_error(&p, buf, len, err);
			break;
		}
		rc = tree_event(t, &ev, stack, &depth, &docs, err);
		yaml_event_delete(&ev);
		if (rc) {
			rc = rc > 0 ? 0 : -1;
			break;
		}
	}
	yaml_parser_delete(&p);
	return rc;
}
