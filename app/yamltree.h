/*
 * yamltree: a YAML document read with libyaml into a compact, read-only
 * tree that remembers where every node stands in the file.  The scene
 * loader uses it to point each error at the exact token (libcyaml, which
 * fills the C structures, does not keep positions).
 *
 * The tree is an array of nodes in document order (pre-order); a node's
 * subtree is nodes[i .. nodes[i].end), its first child is i + 1 and the
 * child after c is nodes[c].end.  A mapping's children alternate key,
 * value.  Parsing is bounded: no aliases, a maximum nesting depth, a
 * maximum node count; the first problem is reported with its position.
 */
#ifndef MV_YAMLTREE_H
#define MV_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define YTREE_MAX_DEPTH 64        /* nested mappings and sequences */
#define YTREE_MAX_NODES 4000000u  /* scalars + collections in one file */
#define YTREE_NONE UINT32_MAX     /* "no node" */

/* A user-facing error: 1-based position (0:0 = none) and one line of text. */
struct yerr {
	uint32_t line, col;
	char msg[512];
};

enum ynode_kind { YN_SCALAR, YN_MAP, YN_SEQ };
enum ynode_style { YS_PLAIN, YS_SINGLE, YS_DOUBLE, YS_LITERAL, YS_FOLDED, YS_FLOW, YS_BLOCK };

struct ynode {
	uint8_t kind;     /* enum ynode_kind */
	uint8_t style;    /* enum ynode_style */
	uint32_t line;    /* 1-based position of the node's first character */
	uint32_t col;     /* 1-based, in characters */
	uint32_t end;     /* one past the last node of this subtree */
	uint32_t n;       /* scalar: length in bytes; map: children (2 per
	                   * pair); seq: items */
	uint32_t text;    /* scalar: offset of its NUL-terminated text */
	uint32_t src;     /* byte offset of the node in the source */
};

struct ytree {
	struct ynode *nodes;
	uint32_t n, cap;
	char *text;       /* scalar texts, each NUL-terminated */
	size_t tlen, tcap;
	const char *src;  /* the source buffer (borrowed) */
	size_t srclen;
};

/*
 * Parse buf[0..len) (one YAML document) into t.  Returns 0, or -1 with *err
 * set: a syntax error, an alias, too deep, too many nodes, a second
 * document, no document at all, or out of memory.  buf must outlive t.
 * Free t with ytree_done in both cases.
 */
int ytree_parse(struct ytree *t, const char *buf, size_t len, struct yerr *err);
void ytree_done(struct ytree *t);

/* The NUL-terminated text of scalar i. */
const char *ytree_str(const struct ytree *t, uint32_t i);
/* Whether i is a plain null scalar: empty, ~, null, Null or NULL. */
bool ytree_is_null(const struct ytree *t, uint32_t i);
/* The value node of key `key` in mapping m, or YTREE_NONE. */
uint32_t ytree_get(const struct ytree *t, uint32_t m, const char *key);
/* The key node of key `key` in mapping m, or YTREE_NONE. */
uint32_t ytree_key(const struct ytree *t, uint32_t m, const char *key);
/* The k-th item of sequence s (0-based), or YTREE_NONE. */
uint32_t ytree_item(const struct ytree *t, uint32_t s, uint32_t k);

/*
 * The position of byte `at` inside scalar i's text, when the scalar's text
 * can be found verbatim in the source on one line (plain or quoted without
 * escapes); else the scalar's own position.
 */
void ytree_pos_in(const struct ytree *t, uint32_t i, size_t at, uint32_t *line, uint32_t *col);

/* The 1-based line and column (in characters) of byte offset off in buf. */
void ytree_offset_pos(const char *buf, size_t len, size_t off, uint32_t *line, uint32_t *col);

/* Set *err (position and printf-style message); returns -1. */
int yerr_set(struct yerr *err, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Write s[0..len) quoted for a one-line message into out[0..cap): control
 * characters (C0, DEL, and C1 written as UTF-8) escaped as \n, \t, \r or
 * \xNN, cut to about max characters with "...".  Returns out.
 */
char *yquote(char *out, size_t cap, const char *s, size_t len, size_t max);

#endif
