/*
 * view_util: the helpers every view shares — glyphs, worker names, the
 * world on screen, keys and event-log entries in words (as app/words.c
 * says them), bars and byte counts, lines that fit by wording
 * (tui_segs_*), word wrapping (tui_wrap) and list selection.
 */
#include <inttypes.h>
#include <stdio.h>

#include "../words.h"
#include "tui_int.h"

const char *tui_glyph(const struct tui *t, enum tui_role r)
{
	return t->ascii ? t->theme.role[r].ascii : t->theme.role[r].glyph;
}

const char *tui_wname(const struct tui *t, uint32_t i)
{
	return i < t->sc.spec.nworkers ? t->sc.spec.workers[i].name : "?";
}

const struct mv_world *tui_world(const struct tui *t)
{
	return &t->tl.w;
}

void tui_key_text(const struct mv_world *w, int64_t key, char *buf, size_t len)
{
	words_key(w->spec, key, buf, len);
}

/* ---- words for events (as app/out.c writes them) ---- */

void tui_entry_text(const struct tui *t, const struct tl_entry *e, char *buf, size_t len)
{
	const struct mv_world *w = tui_world(t);
	const struct mv_event *ev = &e->ev;
	char k[80], lb[40];
	if (e->kind == TL_STEP) {
		int o = snprintf(buf, len, "%s", mv_instr_name((enum mv_instr_kind)e->instr));
		if (e->has_key) {
			tui_key_text(w, e->key, k, sizeof k);
			o += snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " %s", k);
		}
		if (e->lock != UINT32_MAX)
			o += snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " %s",
			              mv_world_lock_name(w, e->lock, lb, sizeof lb));
		const char *g = e->phase ? words_gloss(w, e->phase) : NULL;
		snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, ": %s%s%s%s",
		         e->phase ? e->phase : "", g ? " (" : "", g ? g : "", g ? ")" : "");
		return;
	}
	if (e->kind == TL_OP) {
		int o = snprintf(buf, len, "%s", mv_instr_name((enum mv_instr_kind)e->instr));
		if (e->has_key) {
			tui_key_text(w, e->key, k, sizeof k);
			o += snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " %s", k);
		}
		if (e->instr == MV_I_STORE)
			o +=
			    snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " = %" PRId64, e->value);
		if (e->lock != UINT32_MAX)
			o += snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, " %s",
			              mv_world_lock_name(w, e->lock, lb, sizeof lb));
		const char *tail = "";
		char r[64] = "";
		switch (e->instr) {
		case MV_I_LOAD:
			if (e->ok)
				snprintf(r, sizeof r, " -> %" PRId64 ", true", e->result);
			else
				tail = " -> 0, false";
			break;
		case MV_I_DELETE: tail = e->ok ? " (deleted)" : " (absent)"; break;
		case MV_I_LEN: snprintf(r, sizeof r, " -> %" PRId64, e->result); break;
		case MV_I_TRYLOCK:
		case MV_I_TRYRLOCK: tail = e->ok ? " -> true" : " -> false"; break;
		case MV_I_RANGE: snprintf(r, sizeof r, ": %" PRId64 " entries", e->result); break;
		default: break;
		}
		snprintf(buf + o, len > (size_t)o ? len - (size_t)o : 0, "%s%s: done", r, tail);
		return;
	}
	words_event(buf, len, w, ev);
}

int tui_bar(struct tui *t, int x, int y, int maxx, int width, uint64_t done, uint64_t total)
{
	int fill = total ? (int)((done * (uint64_t)width + total / 2) / total) : 0;
	for (int i = 0; i < width; i++)
		x = tui_puts(&t->cv, x, y, maxx, tui_glyph(t, i < fill ? TR_BAR_FILL : TR_BAR_EMPTY),
		             i < fill ? TR_BAR_FILL : TR_BAR_EMPTY, 0);
	return x;
}

void tui_fmt_bytes(uint64_t b, char *buf, size_t len)
{
	if (b < 10 * 1024)
		snprintf(buf, len, "%" PRIu64 " B", b);
	else if (b < 10 * 1024 * 1024)
		snprintf(buf, len, "%" PRIu64 " KiB", b / 1024);
	else
		snprintf(buf, len, "%" PRIu64 " MiB", b / (1024 * 1024));
}

void tui_bar_text(const struct tui *t, int width, uint64_t done, uint64_t total, char *fill, size_t flen,
                  char *empty, size_t elen)
{
	int n = total ? (int)((done * (uint64_t)width + total / 2) / total) : 0;
	size_t fo = 0, eo = 0;
	fill[0] = empty[0] = '\0';
	for (int i = 0; i < width; i++) {
		if (i < n && fo + 8 < flen)
			fo += (size_t)snprintf(fill + fo, flen - fo, "%s", tui_glyph(t, TR_BAR_FILL));
		else if (i >= n && eo + 8 < elen)
			eo += (size_t)snprintf(empty + eo, elen - eo, "%s", tui_glyph(t, TR_BAR_EMPTY));
	}
}

/* ---- lines that fit by wording, wrapped text ---- */

bool tui_seg_on(const struct tui_seg *s, int level)
{
	return s->level == 0 || (s->level > 0 && level < s->level) || (s->level < 0 && level >= -s->level);
}

int tui_segs_fit(const struct tui_seg *s, int n, int maxw)
{
	int top = 0;
	for (int i = 0; i < n; i++) {
		int l = s[i].level < 0 ? -s[i].level : s[i].level;
		if (l > top)
			top = l;
	}
	for (int level = 0; level <= top; level++) {
		int w = 0;
		for (int i = 0; i < n; i++)
			if (tui_seg_on(&s[i], level))
				w += tui_text_width(s[i].text);
		if (w <= maxw)
			return level;
	}
	return top;
}

int tui_segs_draw(struct tui_canvas *c, int x, int y, int maxx, const struct tui_seg *s, int n, int level)
{
	for (int i = 0; i < n; i++)
		if (tui_seg_on(&s[i], level))
			x = tui_puts(c, x, y, maxx, s[i].text, s[i].role, s[i].attr);
	return x;
}

/* Where the first line of s, w columns wide, ends: *cut bytes are drawn,
 * the next line starts after the spaces that follow. */
int tui_wrap_cut(const char *s, int w)
{
	int cols = 0, i = 0, last_space = -1;
	while (s[i] && cols < w) {
		if (s[i] == ' ')
			last_space = i;
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		cols++;
	}
	if (!s[i])
		return i;
	if (s[i] == ' ')
		return i;
	return last_space > 0 ? last_space : i;
}

int tui_wrap(struct tui_canvas *c, int x, int y, int w, int h, int indent, const char *s, uint8_t role,
             uint8_t attr)
{
	int lines = 0;
	while (*s && lines < h) {
		int lw = lines ? w - indent : w;
		if (lw < 1)
			break;
		int cut = tui_wrap_cut(s, lw);
		char line[512];
		snprintf(line, sizeof line, "%.*s", cut < (int)sizeof line - 1 ? cut : (int)sizeof line - 1,
		         s);
		int lx = lines ? x + indent : x;
		tui_puts(c, lx, y + lines, lx + lw, line, role, attr);
		s += cut;
		while (*s == ' ')
			s++;
		lines++;
	}
	return lines;
}

int tui_wrap_lines(int w, int indent, const char *s, int max)
{
	int lines = 0;
	while (*s && lines < max) {
		int lw = lines ? w - indent : w;
		if (lw < 1)
			break;
		s += tui_wrap_cut(s, lw);
		while (*s == ' ')
			s++;
		lines++;
	}
	return lines ? lines : 1;
}

/* ---- the map panel: shared ---- */

int tui_move_selection(struct tui_view *v, enum tui_action a, int page)
{
	if (v->page > 0)
		page = v->page;
	switch (a) {
	case TA_UP: v->sel--; break;
	case TA_DOWN: v->sel++; break;
	case TA_PGUP: v->sel -= page; break;
	case TA_PGDN: v->sel += page; break;
	default: return TUI_UNHANDLED;
	}
	if (v->sel >= v->nitems)
		v->sel = v->nitems - 1;
	if (v->sel < 0)
		v->sel = 0;
	return TUI_HANDLED | TUI_REDRAW;
}

int tui_map_key(struct tui *t, struct tui_view *v, enum tui_action a)
{
	(void)t;
	return tui_move_selection(v, a, 8);
}

int tui_list_key(struct tui *t, struct tui_view *v, enum tui_action a)
{
	(void)t;
	return tui_move_selection(v, a, 4);
}
