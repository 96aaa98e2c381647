/*
 * view_workers: the goroutines panel — one lane per goroutine, its program
 * as Go (golines.c) or as the scene's YAML, the current line marked with
 * its state, and what it does now; a lane shows a whole explanation or
 * none.  Owns the programs made as Go (t->progs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../words.h"
#include "engine/core/alloc.h"
#include "tui_int.h"

/* ---- goroutines ---- */

static enum tui_role worker_role(const struct tui *t, uint32_t i, char *word, size_t len)
{
	const struct mv_world *w = tui_world(t);
	const struct mv_worker *wk = &w->workers[i];
	char lb[40];
	if ((int32_t)i == w->culprit && (w->end == MV_END_FATAL || w->end == MV_END_PANIC)) {
		snprintf(word, len, "%s", w->end == MV_END_PANIC ? "panicked" : "fatal");
		return TR_FATAL;
	}
	if (w->leaked >> i & 1) {
		snprintf(word, len, "leaked");
		return TR_LEAKED;
	}
	switch (wk->state) {
	case MV_W_DONE: snprintf(word, len, "done"); return TR_DONE;
	case MV_W_BLOCKED:
		if (wk->wait == MV_WAIT_CHAN_RECEIVE)
			snprintf(word, len, "blocked on %s",
			         wk->wait_on < w->spec->nsignals ? w->spec->signals[wk->wait_on]
			                                         : "a channel");
		else if (wk->wait_on == UINT32_MAX)
			snprintf(word, len, "blocked on sync.Map mu");
		else
			snprintf(word, len, "blocked on %s",
			         mv_world_lock_name(w, wk->wait_on, lb, sizeof lb));
		return w->end == MV_END_DEADLOCK ? TR_FATAL : TR_BLOCKED;
	case MV_W_SLEEPING: snprintf(word, len, "sleeping"); return TR_SLEEPING;
	case MV_W_RUNNABLE: break;
	}
	if ((int32_t)i == t->tl.m.worker && !mv_world_ended(w)) {
		snprintf(word, len, "running");
		return TR_RUNNING;
	}
	snprintf(word, len, "runnable");
	return TR_RUNNABLE;
}

/* "next: probe", "starts with check_writing" (nothing run yet), with the
 * shard of a sharded map's operation. */
static void phase_text(const struct tui *t, uint32_t i, char *buf, size_t len)
{
	const struct mv_world *w = tui_world(t);
	const struct mv_worker *wk = &w->workers[i];
	buf[0] = '\0';
	if (!wk->in_op || wk->state == MV_W_DONE)
		return;
	const char *ph = mv_world_phase(w, i);
	bool started = wk->op.steps > 0;
	if (wk->op.stage == MV_ST_MAP) {
		struct mv_mop_state st;
		mv_mop_state(&w->maps[wk->op.shard], &wk->op.mop, &st);
		started = st.steps > 0 || wk->op.steps > 0;
	}
	char sh[32] = "";
	if (w->nmaps > 1 &&
	    (wk->op.stage == MV_ST_MAP || wk->op.stage == MV_ST_LOCK || wk->op.stage == MV_ST_UNLOCK))
		snprintf(sh, sizeof sh, "shard %u · ", wk->op.shard);
	if (!strcmp(ph, "start"))
		snprintf(buf, len, "%snot started yet", sh);
	else
		snprintf(buf, len, "%s%s%s", sh, started ? "next: " : "starts with ", ph);
}

/* ---- goroutines: one lane each, its program as Go (or YAML) ---- */

/* Worker wi's program as YAML: the scene file's lines from its first
 * instruction to its last, each standing for the instruction on it. */
static void yaml_prog(const struct tui *t, uint32_t wi, struct goprog *gp)
{
	memset(gp, 0, sizeof *gp);
	const struct mv_program *p = &t->sc.spec.workers[wi].prog;
	if (!p->n)
		return;
	uint32_t lo = p->instrs[0].line, hi = lo;
	for (uint32_t k = 0; k < p->n; k++)
		if (p->instrs[k].line > hi)
			hi = p->instrs[k].line;
	int base = -1;
	for (uint32_t l = lo; l <= hi && l <= t->nsrc_lines; l++) {
		const char *s = l ? t->src_lines[l - 1] : "";
		int ind = 0;
		while (s[ind] == ' ')
			ind++;
		if (s[ind] && (base < 0 || ind < base))
			base = ind;
	}
	gp->l = mv_xcalloc(hi - lo + 1, sizeof *gp->l);
	uint32_t pc = 0;
	for (uint32_t l = lo; l <= hi; l++) {
		struct goline *g = &gp->l[gp->n++];
		const char *s = l && l <= t->nsrc_lines ? t->src_lines[l - 1] : "";
		int ind = 0;
		while (s[ind] == ' ')
			ind++;
		snprintf(g->text, sizeof g->text, "%*s%s",
		         ind - (base > 0 ? base : 0) > 0 ? ind - (base > 0 ? base : 0) : 0, "", s + ind);
		while (pc + 1 < p->n && p->instrs[pc + 1].line <= l)
			pc++;
		g->pc = pc;
		g->line = l;
		g->close = p->instrs[pc].line != l;
	}
}

/* The line worker wi is at in a YAML listing, or -1. */
static int yaml_current(const struct tui *t, const struct goprog *gp, uint32_t wi)
{
	const struct mv_world *w = tui_world(t);
	const struct mv_instr *in = mv_world_instr(w, wi);
	if (!in || w->workers[wi].state == MV_W_DONE)
		return -1;
	for (uint32_t k = 0; k < gp->n; k++)
		if (gp->l[k].line == in->line)
			return (int)k;
	return -1;
}

void tui_progs_free(struct tui *t)
{
	for (uint32_t i = 0; i < t->nprogs; i++)
		golines_free(&t->progs[i]);
	free(t->progs);
	t->progs = NULL;
	t->nprogs = 0;
}

/* The programs as Go lines, made again when the lanes' width changed. */
static const struct goprog *lane_prog(struct tui *t, uint32_t wi, int width, struct goprog *yaml)
{
	if (t->show_yaml) {
		yaml_prog(t, wi, yaml);
		return yaml;
	}
	uint32_t n = t->sc.spec.nworkers;
	if (t->nprogs != n || !t->progs || t->progs[0].width != width) {
		tui_progs_free(t);
		t->progs = mv_xcalloc(n ? n : 1, sizeof *t->progs);
		t->nprogs = n;
		for (uint32_t i = 0; i < n; i++)
			golines_build(&t->progs[i], &t->sc.spec, i, t->src_lines, t->nsrc_lines, width);
	}
	return &t->progs[wi];
}

static int lane_current(const struct tui *t, const struct goprog *gp, uint32_t wi)
{
	return t->show_yaml ? yaml_current(t, gp, wi) : golines_current(gp, tui_world(t), wi);
}

/* What a lane says under its code: the operation in flight with its
 * operands, the phase it runs next and (unless brief) what that phase
 * does. */
static void lane_detail(const struct tui *t, const struct goprog *gp, uint32_t wi, bool brief, char *buf,
                        size_t len)
{
	const struct mv_world *w = tui_world(t);
	const struct mv_worker *wk = &w->workers[wi];
	char now[128], ph[160];
	buf[0] = '\0';
	if ((int32_t)wi == w->culprit && (w->end == MV_END_FATAL || w->end == MV_END_PANIC)) {
		snprintf(buf, len, "died here: %s%s",
		         w->end == MV_END_PANIC ? "panic: " : "fatal error: ", w->message ? w->message : "");
		return;
	}
	if (wk->state == MV_W_DONE || !mv_world_instr(w, wi) || !wk->in_op)
		return;
	golines_now(gp, w, wi, now, sizeof now);
	phase_text(t, wi, ph, sizeof ph);
	if (wk->state == MV_W_BLOCKED) {
		/* what it waits for: the code line does not always say (a
		 * SafeMap's or a shard's own lock) */
		char word[96], tmp[160];
		worker_role(t, wi, word, sizeof word);
		snprintf(tmp, sizeof tmp, "%s", ph);
		snprintf(ph, sizeof ph, "%.60s · %.90s", word, tmp);
	}
	const char *g = brief ? NULL : words_gloss(w, mv_world_phase(w, wi));
	snprintf(buf, len, "%s%s%s%s%s", now, now[0] ? " · " : "", ph, g ? ": " : "", g ? g : "");
}

/* Lines [first, first+h) of a lane's program from (x, y), the current one
 * marked with the goroutine's state glyph; -1 = the end of the program,
 * drawn as a last line. */
static void lane_code(struct tui *t, const struct goprog *gp, int cur, enum tui_role role, int first, int h,
                      int x, int y, int maxx)
{
	struct tui_canvas *c = &t->cv;
	int n = (int)gp->n + (cur < 0);
	for (int k = first; k < first + h && k < n; k++, y++) {
		if (k == (int)gp->n) {
			int xx = tui_puts(c, x, y, maxx, tui_glyph(t, role), role, 0);
			tui_puts(c, xx + 1, y, maxx, "(end of program)", TR_DIM, 0);
			continue;
		}
		const struct goline *l = &gp->l[k];
		bool at = k == cur;
		int xx = tui_puts(c, x, y, maxx, at ? tui_glyph(t, role) : " ", at ? role : TR_DIM, 0);
		tui_printf(c, xx + 1 + 2 * l->depth, y, maxx, at ? TR_VALUE : TR_NORMAL, at ? TUI_A_BOLD : 0,
		           "%s", l->text);
	}
}

/* The first line of a window of h lines over a program of n lines that
 * keeps line cur (or the end, -1) in sight, with what comes before it. */
static int window_first(int n, int cur, int h)
{
	if (cur < 0)
		cur = n - 1;
	if (n <= h)
		return 0;
	int first = cur - (h - 1) / 2;
	if (first > n - h)
		first = n - h;
	return first < 0 ? 0 : first;
}

/* Worker i's variables that hold a value now (load into:, a loop's
 * var:), "v = 1  k = 2", from the scene's names; "" none. */
static void vars_text(const struct tui *t, uint32_t i, char *buf, size_t len)
{
	const struct mv_world *w = tui_world(t);
	size_t o = 0;
	buf[0] = '\0';
	if (!t->sc.var_names || i >= t->sc.spec.nworkers || w->workers[i].state == MV_W_DONE)
		return; /* a finished goroutine's variables are gone */
	for (uint32_t v = 0; v < MV_MAX_VARS && o + 1 < len; v++) {
		const char *name = t->sc.var_names[i][v];
		if (!name)
			continue;
		char val[80];
		if (w->workers[i].var_str >> v & 1)
			tui_key_text(w, w->workers[i].vars[v], val, sizeof val);
		else
			snprintf(val, sizeof val, "%lld", (long long)w->workers[i].vars[v]);
		int n = snprintf(buf + o, len - o, "%s%s = %s", o ? "  " : "", name, val);
		if (n < 0 || (size_t)n >= len - o) {
			buf[o] = '\0';
			return;
		}
		o += (size_t)n;
	}
}

/* The variables after a lane's state word, at x when they fit. */
static void draw_vars(struct tui *t, uint32_t i, int x, int y, int maxx)
{
	char vars[200];
	vars_text(t, i, vars, sizeof vars);
	if (vars[0] && x + 2 + tui_text_width(vars) <= maxx)
		tui_puts(&t->cv, x + 2, y, maxx, vars, TR_VALUE, 0);
}

/* A lane's header: selection mark, G1, its state glyph, name, state and
 * its variables. */
static int lane_header(struct tui *t, uint32_t i, int x, int y, int maxx, int namew, bool sel)
{
	struct tui_canvas *c = &t->cv;
	char word[96];
	enum tui_role role = worker_role(t, i, word, sizeof word);
	x = tui_puts(c, x, y, maxx, sel ? tui_glyph(t, TR_SELECTED) : " ", sel ? TR_SELECTED : TR_NORMAL, 0);
	x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "G%u ", i + 1);
	x = tui_puts(c, x, y, maxx, tui_glyph(t, role), role, 0);
	x = tui_printf(c, x + 1, y, maxx, TR_NORMAL, 0, "%-*s", namew, tui_wname(t, i));
	if (x + 1 + tui_text_width(word) > maxx) {
		char *sp = strchr(word, ' '); /* "blocked on shard[3].mu": the detail says on what */
		if (sp)
			*sp = '\0';
	}
	x = tui_puts(c, x + 1, y, maxx, word, role, 0);
	draw_vars(t, i, x, y, maxx);
	return x;
}

static void workers_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	int maxx = r.x + r.w;
	int n = (int)w->nworkers;
	v->nitems = n;
	if (v->sel >= v->nitems)
		v->sel = v->nitems - 1;
	if (v->sel < 0)
		v->sel = 0;
	if (!n || r.h < 2)
		return;
	int namew = 1;
	for (uint32_t i = 0; i < w->nworkers; i++)
		if ((int)strlen(tui_wname(t, i)) > namew)
			namew = (int)strlen(tui_wname(t, i));
	if (namew > 12)
		namew = 12;
	/* side by side (The Deadlock Empire) when each lane has room, else
	 * one above the other */
	int lw = n > 1 ? (r.w - (n - 1)) / n : r.w;
	bool side = n > 1 && n <= 4 && lw >= 24 && r.h >= 8;
	struct goprog yaml[MV_MAX_WORKERS];
	const struct goprog *gp[MV_MAX_WORKERS];
	int cur[MV_MAX_WORKERS];
	enum tui_role role[MV_MAX_WORKERS];
	char detail[MV_MAX_WORKERS][300], brief[MV_MAX_WORKERS][200];
	int codew = side ? lw - 2 : r.w - 3;
	for (int i = 0; i < n; i++) {
		char word[96];
		gp[i] = lane_prog(t, (uint32_t)i, codew, &yaml[i]);
		cur[i] = lane_current(t, gp[i], (uint32_t)i);
		role[i] = worker_role(t, (uint32_t)i, word, sizeof word);
		lane_detail(t, gp[i], (uint32_t)i, false, detail[i], sizeof detail[i]);
		lane_detail(t, gp[i], (uint32_t)i, true, brief[i], sizeof brief[i]);
	}
	if (side) {
		v->page = 1;
		v->scroll = 0;
		for (int i = 0; i < n; i++) {
			int x = r.x + i * (lw + 1), y = r.y, mx = x + lw;
			if (i)
				for (int yy = r.y; yy < r.y + r.h; yy++)
					tui_putc(c, x - 1, yy, x, 0x2502, TR_BORDER, 0);
			bool sel = t->focus == TP_WORKERS && i == v->sel;
			char word[96];
			worker_role(t, (uint32_t)i, word, sizeof word);
			int hx = tui_puts(c, x, y, mx, sel ? tui_glyph(t, TR_SELECTED) : " ",
			                  sel ? TR_SELECTED : TR_NORMAL, 0);
			hx = tui_printf(c, hx, y, mx, TR_VALUE, 0, "G%u ", i + 1);
			hx = tui_puts(c, hx, y, mx, tui_glyph(t, role[i]), role[i], 0);
			tui_puts(c, hx + 1, y, mx, tui_wname(t, (uint32_t)i), TR_NORMAL, 0);
			y++;
			int wx = tui_puts(c, x + 1, y, mx, word, role[i], 0);
			draw_vars(t, (uint32_t)i, wx, y++, mx);
			int dl = detail[i][0] ? tui_wrap_lines(lw - 1, 0, detail[i], 6) : 0;
			int nl = (int)gp[i]->n + (cur[i] < 0);
			int code_h = r.y + r.h - y - dl;
			if (code_h > nl)
				code_h = nl;
			if (code_h < 1) {
				dl -= 1 - code_h;
				code_h = 1;
			}
			lane_code(t, gp[i], cur[i], role[i], window_first(nl, cur[i], code_h), code_h, x, y,
			          mx);
			if (dl > 0)
				tui_wrap(c, x + 1, y + code_h, lw - 1, dl, 0, detail[i], TR_DIM, 0);
		}
		for (int i = 0; i < n; i++)
			if (t->show_yaml)
				golines_free(&yaml[i]);
		return;
	}
	/* one above the other: each lane its header and its current line;
	 * then, as rows allow, the detail line, its second line, and more of
	 * the program around the current line */
	int code[MV_MAX_WORKERS], dlines[MV_MAX_WORKERS], full[MV_MAX_WORKERS], short_[MV_MAX_WORKERS];
	bool use_full[MV_MAX_WORKERS];
	int rows = r.h, dw = r.w - 4;
	int first = 0, shown = n;
	if (2 * n > rows) {
		/* not all fit: keep the selection (or who ran last) in sight */
		int keep = t->focus == TP_WORKERS ? v->sel : t->tl.m.worker >= 0 ? t->tl.m.worker : 0;
		shown = rows / 2;
		if (keep < v->scroll)
			v->scroll = keep;
		if (keep >= v->scroll + shown)
			v->scroll = keep - shown + 1;
		if (v->scroll > n - shown)
			v->scroll = n - shown;
		first = v->scroll;
	} else {
		v->scroll = 0;
	}
	v->page = shown;
	int left = rows - 2 * shown;
	int order[MV_MAX_WORKERS], no = 0;
	if (t->tl.m.worker >= first && t->tl.m.worker < first + shown)
		order[no++] = t->tl.m.worker;
	for (int i = first; i < first + shown; i++) {
		code[i] = 1;
		dlines[i] = 0;
		use_full[i] = false;
		full[i] = detail[i][0] ? tui_wrap_lines(dw, 0, detail[i], 6) : 0;
		short_[i] = brief[i][0] ? tui_wrap_lines(dw, 0, brief[i], 6) : 0;
		if (i != t->tl.m.worker)
			order[no++] = i;
	}
	/* whole details only: who ran last gets its explanation, every other
	 * lane its phase, then the others' explanations, as rows allow */
	for (int k = 0; k < no; k++) {
		int i = order[k];
		int want = k == 0 && order[0] == t->tl.m.worker ? full[i] : short_[i];
		if (want && want <= left) {
			dlines[i] = want;
			use_full[i] = want == full[i] && k == 0 && order[0] == t->tl.m.worker;
			left -= want;
		}
	}
	for (int k = 0; k < no; k++) {
		int i = order[k];
		if (!use_full[i] && full[i] > dlines[i] && full[i] - dlines[i] <= left) {
			left -= full[i] - dlines[i];
			dlines[i] = full[i];
			use_full[i] = true;
		}
	}
	/* more code around the current line, a line each in turn */
	for (bool more = true; more && left > 0;) {
		more = false;
		for (int k = 0; k < no && left > 0; k++) {
			int i = order[k];
			int nl = (int)gp[i]->n + (cur[i] < 0);
			if (code[i] < nl) {
				code[i]++;
				left--;
				more = true;
			}
		}
	}
	int y = r.y;
	for (int i = first; i < first + shown && y < r.y + r.h; i++) {
		lane_header(t, (uint32_t)i, r.x, y++, maxx, namew, t->focus == TP_WORKERS && i == v->sel);
		int nl = (int)gp[i]->n + (cur[i] < 0);
		lane_code(t, gp[i], cur[i], role[i], window_first(nl, cur[i], code[i]), code[i], r.x + 1, y,
		          maxx);
		y += code[i] < nl ? code[i] : nl;
		if (dlines[i]) {
			tui_wrap(c, r.x + 3, y, dw, dlines[i], 0, use_full[i] ? detail[i] : brief[i], TR_DIM,
			         0);
			y += dlines[i];
		}
	}
	for (int i = 0; i < n; i++)
		if (t->show_yaml)
			golines_free(&yaml[i]);
}

const struct tui_view_ops tui_workers_view = {"goroutines", workers_draw, tui_list_key};
