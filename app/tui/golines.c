/* golines: a worker's program as Go lines; see golines.h. */
#include "golines.h"

#include <ctype.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"
#include "../words.h"

#define GL_NO_VAR 0xFF

struct gl_build {
	const struct mv_world_spec *sp;
	const struct mv_program *p;
	char names[MV_MAX_VARS][24];
	bool is_str[MV_MAX_VARS];
	uint32_t first_into[MV_MAX_VARS]; /* the first op whose into: binds v (`:=`), or UINT32_MAX */
	struct goprog *gp;
	uint32_t cap;
	int width;
};

/* ---- names ---- */

/* The word after `key:` in the scene file from line `from` (column col) up
 * to line `to`, or false. */
static bool find_name(char *const *src, uint32_t nsrc, uint32_t from, uint32_t col, uint32_t to,
                      const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	for (uint32_t l = from; l <= to && l >= 1 && l <= nsrc; l++) {
		const char *s = src[l - 1];
		if (l == from && col > 1 && strlen(s) >= col - 1)
			s += col - 1;
		for (const char *p = strstr(s, key); p; p = strstr(p + 1, key)) {
			if (p > src[l - 1] && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
				continue;
			p += kl;
			while (*p == ' ' || *p == '"' || *p == '\'')
				p++;
			size_t n = 0;
			while ((isalnum((unsigned char)p[n]) || p[n] == '_') && n + 1 < len)
				n++;
			if (!n)
				continue;
			snprintf(out, len, "%.*s", (int)n, p);
			return true;
		}
	}
	return false;
}

static void learn_names(struct gl_build *b, char *const *src, uint32_t nsrc)
{
	static const char *const fallback[MV_MAX_VARS] = {"i", "j", "k", "n", "x", "y", "a", "b"};
	for (int v = 0; v < MV_MAX_VARS; v++)
		snprintf(b->names[v], sizeof b->names[v], "%s", fallback[v]);
	bool known[MV_MAX_VARS] = {false};
	for (int v = 0; v < MV_MAX_VARS; v++)
		b->first_into[v] = UINT32_MAX;
	for (uint32_t pc = 0; pc < b->p->n; pc++) {
		const struct mv_instr *in = &b->p->instrs[pc];
		if (in->has_into && in->into < MV_MAX_VARS) { /* load: {key: 1, into: v} */
			if (b->first_into[in->into] == UINT32_MAX)
				b->first_into[in->into] = pc;
			b->is_str[in->into] = false;
			uint32_t last = pc + 1 < b->p->n && b->p->instrs[pc + 1].line > in->line
			                    ? b->p->instrs[pc + 1].line - 1
			                    : in->line;
			if (!known[in->into] && src &&
			    find_name(src, nsrc, in->line, in->col, last, "into:", b->names[in->into],
			              sizeof b->names[in->into]))
				known[in->into] = true;
			continue;
		}
		if (in->kind != MV_I_REPEAT && in->kind != MV_I_RANGE)
			continue;
		uint32_t to = pc + 1 < b->p->n && b->p->instrs[pc + 1].line > in->line
		                  ? b->p->instrs[pc + 1].line
		                  : in->line;
		if (in->var < MV_MAX_VARS) {
			b->is_str[in->var] = in->kind == MV_I_RANGE && b->sp->map.key == MV_KEY_STRING;
			if (!known[in->var] && src &&
			    find_name(src, nsrc, in->line, in->col, to, "var:", b->names[in->var],
			              sizeof b->names[in->var]))
				known[in->var] = true;
		}
		if (in->var2 < MV_MAX_VARS && !known[in->var2] && src &&
		    find_name(src, nsrc, in->line, in->col, to, "val:", b->names[in->var2],
		              sizeof b->names[in->var2]))
			known[in->var2] = true;
	}
}

/* ---- operands ---- */

static void var_text(const struct gl_build *b, uint8_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%s", v < MV_MAX_VARS ? b->names[v] : "_");
}

static void opd_text(const struct gl_build *b, const struct mv_operand *o, char *buf, size_t len)
{
	char nm[32];
	switch (o->kind) {
	case MV_OPD_NONE: snprintf(buf, len, "0"); return;
	case MV_OPD_INT: snprintf(buf, len, "%" PRId64, o->num); return;
	case MV_OPD_STR: words_key(b->sp, (int64_t)o->str, buf, len); return;
	case MV_OPD_VAR:
		var_text(b, o->var, nm, sizeof nm);
		if (o->num > 0)
			snprintf(buf, len, "%s+%" PRId64, nm, o->num);
		else if (o->num < 0)
			snprintf(buf, len, "%s-%" PRId64, nm, -o->num);
		else
			snprintf(buf, len, "%s", nm);
		return;
	case MV_OPD_TEMPLATE: {
		/* "k$0" -> "k"+strconv.Itoa(i); a string variable joins as is */
		size_t n, o2 = 0;
		const char *s = mv_strpool_get(b->sp->strs, o->str, &n);
		bool open = false, any = false;
		buf[0] = '\0';
		for (size_t i = 0; i < n && o2 + 24 < len; i++) {
			if (s[i] == '$' && i + 1 < n && isdigit((unsigned char)s[i + 1])) {
				unsigned v = 0;
				while (i + 1 < n && isdigit((unsigned char)s[i + 1]))
					v = v * 10 + (unsigned)(s[++i] - '0');
				if (open) {
					buf[o2++] = '"';
					open = false;
				}
				var_text(b, (uint8_t)v, nm, sizeof nm);
				o2 += (size_t)snprintf(buf + o2, len - o2, any ? "+%s%s%s" : "%s%s%s",
				                       v < MV_MAX_VARS && b->is_str[v] ? "" : "strconv.Itoa(",
				                       nm, v < MV_MAX_VARS && b->is_str[v] ? "" : ")");
				any = true;
				continue;
			}
			if (s[i] == '$' && i + 1 < n && s[i + 1] == '$')
				i++;
			if (!open) {
				o2 += (size_t)snprintf(buf + o2, len - o2, any ? "+\"" : "\"");
				open = any = true;
			}
			unsigned char ch = (unsigned char)s[i];
			if (ch < 0x20 || ch == '"' || ch == '\\' || ch == 0x7f)
				o2 += (size_t)snprintf(buf + o2, len - o2, "\\x%02x", ch);
			else
				buf[o2++] = (char)ch;
		}
		if (open)
			buf[o2++] = '"';
		if (!any)
			o2 += (size_t)snprintf(buf + o2, len - o2, "\"\"");
		buf[o2] = '\0';
		return;
	}
	}
	buf[0] = '\0';
}

/* ---- lines ---- */

static struct goline *add(struct gl_build *b, uint32_t pc, uint8_t depth, uint8_t part, bool close,
                          const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static struct goline *add(struct gl_build *b, uint32_t pc, uint8_t depth, uint8_t part, bool close,
                          const char *fmt, ...)
{
	struct goprog *gp = b->gp;
	if (gp->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		gp->l = mv_xrealloc(gp->l, b->cap * sizeof *gp->l);
	}
	struct goline *l = &gp->l[gp->n++];
	memset(l, 0, sizeof *l);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->text, sizeof l->text, fmt, ap);
	va_end(ap);
	l->depth = depth;
	l->part = part;
	l->close = close;
	l->pc = pc;
	l->line = pc < b->p->n ? b->p->instrs[pc].line : 0;
	return l;
}

static const char *lock_name(const struct gl_build *b, uint32_t ref)
{
	return ref < b->sp->nlocks && b->sp->locks[ref].name ? b->sp->locks[ref].name : "mu";
}

static const char *signal_name(const struct gl_build *b, uint32_t ref)
{
	return ref < b->sp->nsignals && b->sp->signals[ref] ? b->sp->signals[ref] : "done";
}

/* A map operation (or a lock, sleep, channel op) as one Go statement;
 * false for loops, which are more than a statement. */
static bool stmt_text_as(const struct gl_build *b, const struct mv_instr *in, bool brief, char *buf,
                         size_t len);

/* A statement, without its results when the long form does not fit. */
static bool stmt_text(const struct gl_build *b, const struct mv_instr *in, char *buf, size_t len)
{
	if (!stmt_text_as(b, in, false, buf, len))
		return false;
	if ((int)strlen(buf) > b->width)
		stmt_text_as(b, in, true, buf, len);
	return true;
}

/* brief: a call without the variables its results go to. */
static bool stmt_text_as(const struct gl_build *b, const struct mv_instr *in, bool brief, char *buf,
                         size_t len)
{
	char k[96], v[64];
	enum mv_impl impl = b->sp->map.impl;
	bool sync = impl == MV_IMPL_SYNCMAP, sharded = impl == MV_IMPL_SHARDED;
	opd_text(b, &in->key, k, sizeof k);
	opd_text(b, &in->value, v, sizeof v);
	const char *mname = sync || sharded ? "sm" : "m";
	char into[40] = "";
	if (in->has_into && in->into < MV_MAX_VARS) { /* `v := m[1]`, then `v = m[1]` */
		bool first = b->first_into[in->into] == (uint32_t)(in - b->p->instrs);
		snprintf(into, sizeof into, "%s%s", b->names[in->into], first ? " :=" : " =");
	}
	if (into[0]) {
		switch (in->kind) {
		case MV_I_LOAD:
			if (sync || sharded)
				snprintf(buf, len, "%s, _%s %s.Load(%s)", b->names[in->into], into + strlen(b->names[in->into]),
				         mname, k);
			else
				snprintf(buf, len, "%s m[%s]", into, k);
			return true;
		case MV_I_LOAD_OR_STORE:
		case MV_I_LOAD_AND_DELETE:
		case MV_I_SWAP:
			snprintf(buf, len, "%s, _%s %s.%s(%s%s%s)", b->names[in->into],
			         into + strlen(b->names[in->into]), mname,
			         in->kind == MV_I_LOAD_OR_STORE ? "LoadOrStore"
			         : in->kind == MV_I_SWAP        ? "Swap"
			                                        : "LoadAndDelete",
			         k, in->kind == MV_I_LOAD_AND_DELETE ? "" : ", ",
			         in->kind == MV_I_LOAD_AND_DELETE ? "" : v);
			return true;
		default: break;
		}
	}
	switch (in->kind) {
	case MV_I_STORE:
		if (sync || sharded)
			snprintf(buf, len, "%s.Store(%s, %s)", mname, k, v);
		else
			snprintf(buf, len, "m[%s] = %s", k, v);
		return true;
	case MV_I_LOAD:
		if (sync || sharded)
			snprintf(buf, len, "%s%s.Load(%s)", brief ? "" : "v, ok := ", mname, k);
		else
			snprintf(buf, len, "%sm[%s]", brief ? "_ = " : "v, ok := ", k);
		return true;
	case MV_I_DELETE:
		if (sync || sharded)
			snprintf(buf, len, "%s.Delete(%s)", mname, k);
		else
			snprintf(buf, len, "delete(m, %s)", k);
		return true;
	case MV_I_LEN:
		if (sync || sharded)
			snprintf(buf, len, "n := %s.Len()", mname);
		else
			snprintf(buf, len, "n := len(m)");
		return true;
	case MV_I_CLEAR:
		if (sync || sharded)
			snprintf(buf, len, "%s.Clear()", mname);
		else /* M10.1: Go 1.19 compiles this loop to a map clear */
			snprintf(buf, len, "for k := range m { delete(m, k) }");
		return true;
	case MV_I_LOAD_OR_STORE:
		snprintf(buf, len, "%s%s.LoadOrStore(%s, %s)", brief ? "" : "v, loaded := ", mname, k, v);
		return true;
	case MV_I_LOAD_AND_DELETE:
		snprintf(buf, len, "%s%s.LoadAndDelete(%s)", brief ? "" : "v, loaded := ", mname, k);
		return true;
	case MV_I_SWAP:
		snprintf(buf, len, "%s%s.Swap(%s, %s)", brief ? "" : "prev, loaded := ", mname, k, v);
		return true;
	case MV_I_COMPARE_AND_SWAP: {
		char o[64];
		opd_text(b, &in->old, o, sizeof o);
		snprintf(buf, len, "%s%s.CompareAndSwap(%s, %s, %s)", brief ? "" : "swapped := ", mname, k, o, v);
		return true;
	}
	case MV_I_COMPARE_AND_DELETE: {
		char o[64];
		opd_text(b, &in->old, o, sizeof o);
		snprintf(buf, len, "%s%s.CompareAndDelete(%s, %s)", brief ? "" : "deleted := ", mname, k, o);
		return true;
	}
	case MV_I_LOCK: snprintf(buf, len, "%s.Lock()", lock_name(b, in->ref)); return true;
	case MV_I_UNLOCK: snprintf(buf, len, "%s.Unlock()", lock_name(b, in->ref)); return true;
	case MV_I_RLOCK: snprintf(buf, len, "%s.RLock()", lock_name(b, in->ref)); return true;
	case MV_I_RUNLOCK: snprintf(buf, len, "%s.RUnlock()", lock_name(b, in->ref)); return true;
	case MV_I_TRYLOCK: snprintf(buf, len, "ok := %s.TryLock()", lock_name(b, in->ref)); return true;
	case MV_I_TRYRLOCK: snprintf(buf, len, "ok := %s.TryRLock()", lock_name(b, in->ref)); return true;
	case MV_I_SLEEP: snprintf(buf, len, "time.Sleep(%" PRId64 " * step)", in->n); return true;
	case MV_I_CLOSE: snprintf(buf, len, "close(%s)", signal_name(b, in->ref)); return true;
	case MV_I_WAIT: snprintf(buf, len, "<-%s", signal_name(b, in->ref)); return true;
	case MV_I_RANGE:
	case MV_I_REPEAT:
	case MV_I__COUNT: break;
	}
	return false;
}

/* A SafeMap method: the map operation inside its lock. */
static bool wrapped(const struct gl_build *b, const struct mv_instr *in)
{
	enum mv_impl impl = b->sp->map.impl;
	if (impl != MV_IMPL_MUTEX && impl != MV_IMPL_RWMUTEX)
		return false;
	switch (in->kind) {
	case MV_I_STORE:
	case MV_I_LOAD:
	case MV_I_DELETE:
	case MV_I_LEN:
	case MV_I_CLEAR:
	case MV_I_RANGE: return true;
	default: return false;
	}
}

static bool reads(const struct mv_instr *in)
{
	return in->kind == MV_I_LOAD || in->kind == MV_I_LEN || in->kind == MV_I_RANGE;
}

static uint32_t emit(struct gl_build *b, uint32_t pc, uint32_t end, uint8_t depth);

/* Lines of the instruction at pc (and its body); returns the pc after. */
static uint32_t emit_one(struct gl_build *b, uint32_t pc, uint8_t depth)
{
	const struct mv_instr *in = &b->p->instrs[pc];
	char s[256], nm[32], nm2[32];
	bool rw = b->sp->map.impl == MV_IMPL_RWMUTEX;
	if (wrapped(b, in)) {
		const char *mu = "mu";
		add(b, pc, depth, 0, false, "%s.%s()", mu, rw && reads(in) ? "RLock" : "Lock");
		uint32_t next = pc + 1;
		if (in->kind == MV_I_RANGE) {
			var_text(b, in->var, nm, sizeof nm);
			if (in->body) {
				add(b, pc, depth, 1, false, "for %s := range m {",
				    in->var < MV_MAX_VARS ? nm : "k");
				next = emit(b, pc + 1, pc + 1 + in->body, (uint8_t)(depth + 1));
				add(b, pc, depth, 1, true, "}");
			} else {
				add(b, pc, depth, 1, false, "for k, v := range m {}");
			}
		} else {
			stmt_text(b, in, s, sizeof s);
			add(b, pc, depth, 1, false, "%s", s);
		}
		add(b, pc, depth, 2, false, "%s.%s()", mu, rw && reads(in) ? "RUnlock" : "Unlock");
		return next;
	}
	if (in->kind == MV_I_CLEAR && b->sp->map.impl == MV_IMPL_GOMAP && stmt_text(b, in, s, sizeof s) &&
	    (int)strlen(s) + 2 * depth > b->width) {
		/* M10.1: the loop Go 1.19 compiles to a map clear, on three lines */
		add(b, pc, depth, 0, false, "for k := range m {");
		add(b, pc, (uint8_t)(depth + 1), 0, true, "delete(m, k)");
		add(b, pc, depth, 0, true, "}");
		return pc + 1;
	}
	if (stmt_text(b, in, s, sizeof s)) {
		add(b, pc, depth, 0, false, "%s", s);
		return pc + 1;
	}
	if (in->kind == MV_I_REPEAT) {
		var_text(b, in->var, nm, sizeof nm);
		const char *v = in->var < MV_MAX_VARS ? nm : "n";
		char head[200];
		snprintf(head, sizeof head, "for %s := 0; %s < %" PRId64 "; %s++", v, v, in->n, v);
		/* one simple statement: the loop on one line if it fits */
		if (in->body == 1 && pc + 1 < b->p->n && !wrapped(b, &b->p->instrs[pc + 1]) &&
		    stmt_text(b, &b->p->instrs[pc + 1], s, sizeof s) &&
		    (int)(strlen(head) + strlen(s) + 6 + 2 * depth) <= b->width) {
			add(b, pc, depth, 0, false, "%s { %s }", head, s);
			return pc + 2;
		}
		add(b, pc, depth, 0, false, "%s {", head);
		uint32_t next = emit(b, pc + 1, pc + 1 + in->body, (uint8_t)(depth + 1));
		add(b, pc, depth, 0, true, "}");
		return next;
	}
	if (in->kind == MV_I_RANGE) {
		bool sync = b->sp->map.impl == MV_IMPL_SYNCMAP;
		var_text(b, in->var, nm, sizeof nm);
		var_text(b, in->var2, nm2, sizeof nm2);
		const char *k = in->var < MV_MAX_VARS ? nm : "k", *v = in->var2 < MV_MAX_VARS ? nm2 : "v";
		if (sync) {
			char one[160];
			snprintf(one, sizeof one, "sm.Range(func(%s, %s any) bool { return true })", k, v);
			if (!in->body && (int)strlen(one) + 2 * depth <= b->width) {
				add(b, pc, depth, 0, false, "%s", one);
				return pc + 1;
			}
			add(b, pc, depth, 0, false, "sm.Range(func(%s, %s any) bool {", k, v);
			uint32_t next = emit(b, pc + 1, pc + 1 + in->body, (uint8_t)(depth + 1));
			add(b, pc, (uint8_t)(depth + 1), 0, true, "return true");
			add(b, pc, depth, 0, true, "})");
			return next;
		}
		if (!in->body) {
			add(b, pc, depth, 0, false, "for %s, %s := range m {}", k, v);
			return pc + 1;
		}
		if (in->var2 < MV_MAX_VARS)
			add(b, pc, depth, 0, false, "for %s, %s := range m {", k, v);
		else
			add(b, pc, depth, 0, false, "for %s := range m {", k);
		uint32_t next = emit(b, pc + 1, pc + 1 + in->body, (uint8_t)(depth + 1));
		add(b, pc, depth, 0, true, "}");
		return next;
	}
	add(b, pc, depth, 0, false, "%s", mv_instr_name(in->kind));
	return pc + 1;
}

static uint32_t emit(struct gl_build *b, uint32_t pc, uint32_t end, uint8_t depth)
{
	while (pc < end && pc < b->p->n)
		pc = emit_one(b, pc, depth);
	return pc;
}

/* A program that takes a lock first and releases it last, with no other
 * release of it in between: the Go is `mu.Lock(); defer mu.Unlock()`,
 * and the release runs at the return. */
static bool defer_pattern(const struct mv_program *p)
{
	if (p->n < 2)
		return false;
	const struct mv_instr *a = &p->instrs[0], *z = &p->instrs[p->n - 1];
	enum mv_instr_kind rel = a->kind == MV_I_LOCK    ? MV_I_UNLOCK
	                         : a->kind == MV_I_RLOCK ? MV_I_RUNLOCK
	                                                 : MV_I__COUNT;
	if (rel == MV_I__COUNT || z->kind != rel || z->ref != a->ref)
		return false;
	for (uint32_t k = 1; k + 1 < p->n; k++)
		if (p->instrs[k].kind == rel && p->instrs[k].ref == a->ref)
			return false;
	return true;
}

void golines_build(struct goprog *gp, const struct mv_world_spec *sp, uint32_t wi, char *const *src,
                   uint32_t nsrc, int width)
{
	memset(gp, 0, sizeof *gp);
	gp->width = width;
	if (wi >= sp->nworkers)
		return;
	struct gl_build b = {.sp = sp, .p = &sp->workers[wi].prog, .gp = gp, .width = width};
	learn_names(&b, src, nsrc);
	if (!defer_pattern(b.p)) {
		emit(&b, 0, b.p->n, 0);
		return;
	}
	const struct mv_instr *z = &b.p->instrs[b.p->n - 1];
	const char *mu = lock_name(&b, z->ref);
	const char *rel = z->kind == MV_I_RUNLOCK ? "RUnlock" : "Unlock";
	emit_one(&b, 0, 0);
	add(&b, b.p->n - 1, 0, 0, true, "defer %s.%s()", mu, rel);
	emit(&b, 1, b.p->n - 1, 0);
	char ret[96];
	snprintf(ret, sizeof ret, "return // runs %s.%s()", mu, rel);
	if ((int)strlen(ret) > width)
		snprintf(ret, sizeof ret, "return // %s.%s()", mu, rel);
	if ((int)strlen(ret) > width)
		snprintf(ret, sizeof ret, "return");
	add(&b, b.p->n - 1, 0, 0, false, "%s", ret);
}

void golines_free(struct goprog *gp)
{
	free(gp->l);
	memset(gp, 0, sizeof *gp);
}

int golines_current(const struct goprog *gp, const struct mv_world *w, uint32_t wi)
{
	if (wi >= w->nworkers || !gp->n)
		return -1;
	const struct mv_worker *wk = &w->workers[wi];
	const struct mv_instr *in = mv_world_instr(w, wi);
	if (!in || wk->state == MV_W_DONE)
		return -1;
	uint32_t pc = (uint32_t)(in - w->spec->workers[wi].prog.instrs);
	uint8_t part = 0;
	if (wk->in_op && wk->op.wrapped)
		part = wk->op.stage == MV_ST_LOCK ? 0 : wk->op.stage == MV_ST_UNLOCK ? 2 : 1;
	for (uint32_t k = 0; k < gp->n; k++)
		if (!gp->l[k].close && gp->l[k].pc == pc && gp->l[k].part == part)
			return (int)k;
	for (uint32_t k = 0; k < gp->n; k++) /* an op drawn on one line */
		if (!gp->l[k].close && gp->l[k].pc == pc)
			return (int)k;
	/* the statement of a one-line loop: the loop's line */
	int best = -1;
	for (uint32_t k = 0; k < gp->n; k++)
		if (!gp->l[k].close && gp->l[k].pc < pc && (best < 0 || gp->l[k].pc >= gp->l[best].pc))
			best = (int)k;
	return best;
}

void golines_now(const struct goprog *gp, const struct mv_world *w, uint32_t wi, char *buf, size_t len)
{
	(void)gp;
	buf[0] = '\0';
	if (wi >= w->nworkers)
		return;
	const struct mv_worker *wk = &w->workers[wi];
	const struct mv_instr *in = mv_world_instr(w, wi);
	if (!in || !wk->in_op || wk->state == MV_W_DONE)
		return;
	bool vars =
	    in->key.kind == MV_OPD_VAR || in->key.kind == MV_OPD_TEMPLATE || in->value.kind == MV_OPD_VAR;
	if (!vars)
		return;
	char k[96];
	words_key(w->spec, wk->op.key, k, sizeof k);
	enum mv_impl impl = w->spec->map.impl;
	bool meth = impl == MV_IMPL_SYNCMAP || impl == MV_IMPL_SHARDED;
	switch (in->kind) {
	case MV_I_STORE:
		if (meth)
			snprintf(buf, len, "sm.Store(%s, %" PRId64 ")", k, wk->op.value);
		else
			snprintf(buf, len, "m[%s] = %" PRId64, k, wk->op.value);
		break;
	case MV_I_LOAD: snprintf(buf, len, meth ? "sm.Load(%s)" : "m[%s]", k); break;
	case MV_I_DELETE: snprintf(buf, len, meth ? "sm.Delete(%s)" : "delete(m, %s)", k); break;
	case MV_I_LOAD_OR_STORE:
		snprintf(buf, len, "sm.LoadOrStore(%s, %" PRId64 ")", k, wk->op.value);
		break;
	case MV_I_LOAD_AND_DELETE: snprintf(buf, len, "sm.LoadAndDelete(%s)", k); break;
	default: break;
	}
}
