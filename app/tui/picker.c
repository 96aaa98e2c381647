/*
 * picker: `mapviz` alone — the bundled scenes by chapter, type to filter;
 * a scene opened from it returns to it.  Runs in the terminal or, for
 * --dump, headlessly after a key script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/core/alloc.h"
#include "../keyscript.h"
#include "../scenes.h"
#include "term.h"
#include "tui_int.h"

/*
 * The bundled scenes by chapter, each chapter under its name.  Typing
 * filters (name, title, chapter and its name); ↑ ↓ PgUp PgDn Home End
 * move; Enter opens; Esc clears the filter, then quits; q quits when
 * nothing is typed.
 */
struct pick {
	struct scene_info *e;
	size_t n;
	int sel;    /* index into e (a scene that matches the filter) */
	int scroll; /* first display row */
	char filter[48];
};

static bool contains_ci(const char *hay, const char *needle)
{
	if (!hay)
		return false;
	size_t nl = strlen(needle);
	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, nl) == 0)
			return true;
	return !nl;
}

static bool pick_match(const struct pick *p, size_t i)
{
	const struct scene_info *e = &p->e[i];
	return !p->filter[0] || contains_ci(e->name, p->filter) || contains_ci(e->title, p->filter) ||
	       contains_ci(e->chapter, p->filter) || contains_ci(scenes_chapter_name(e->chapter), p->filter);
}

static bool same_chapter(const struct scene_info *a, const struct scene_info *b)
{
	return (!a->chapter && !b->chapter) || (a->chapter && b->chapter && !strcmp(a->chapter, b->chapter));
}

/* The picker's rows: a chapter's title (item -1) or a scene (its index,
 * cont: its title's second line). */
struct pick_row {
	int item;
	bool cont;
	const struct scene_info *head;
};

static int pick_rows(const struct pick *p, struct pick_row *rows, int max, int namew, int width)
{
	int n = 0;
	const struct scene_info *last = NULL;
	for (size_t i = 0; i < p->n && n < max; i++) {
		if (!pick_match(p, i))
			continue;
		if (!last || !same_chapter(last, &p->e[i])) {
			if (last && n < max)
				rows[n++] = (struct pick_row){-2, false, NULL}; /* a blank line */
			if (n < max)
				rows[n++] = (struct pick_row){-1, false, &p->e[i]};
		}
		last = &p->e[i];
		if (n < max)
			rows[n++] = (struct pick_row){(int)i, false, NULL};
		if (n < max && 3 + namew + 2 + tui_text_width(p->e[i].title) > width)
			rows[n++] = (struct pick_row){(int)i, true, NULL};
	}
	return n;
}

static void picker_render(struct tui *t, struct pick *p)
{
	struct tui_canvas *c = &t->cv;
	tui_canvas_clear(c, TR_NORMAL);
	if (c->w < TUI_MIN_W || c->h < TUI_MIN_H) {
		tui_puts(c, 0, c->h / 2, c->w,
		         t->ascii ? "terminal too small (need 80x24)" : "terminal too small (need 80×24)",
		         TR_EVENT_BAD, TUI_A_BOLD);
		return;
	}
	tui_fill(c, (struct tui_rect){0, 0, c->w, 1}, ' ', TR_TITLE, TUI_A_REVERSE);
	tui_puts(c, 1, 0, c->w,
	         c->w >= 84 ? "mapviz · pick a scene: how Go's map works, and why it breaks under concurrency"
	                    : "mapviz · pick a scene: how Go's map works, why it breaks",
	         TR_TITLE, TUI_A_REVERSE);
	char title[96];
	snprintf(title, sizeof title, "scenes, by chapter%s%s%s", p->filter[0] ? " · matching \"" : "",
	         p->filter, p->filter[0] ? "\"" : "");
	struct tui_rect in = tui_box(c, (struct tui_rect){0, 1, c->w, c->h - 4}, title, TR_BORDER_FOCUS);
	int namew = 8;
	for (size_t i = 0; i < p->n; i++)
		if ((int)strlen(p->e[i].name) > namew)
			namew = (int)strlen(p->e[i].name) > 30 ? 30 : (int)strlen(p->e[i].name);
	int cap = (int)p->n * 4 + 4;
	struct pick_row *rows = mv_xcalloc((size_t)cap, sizeof *rows);
	int nr = pick_rows(p, rows, cap, namew, in.w);
	/* the selection: a scene that matches, else the first that does */
	int selrow = -1;
	for (int r = 0; r < nr; r++)
		if (rows[r].item == p->sel && !rows[r].cont)
			selrow = r;
	if (selrow < 0)
		for (int r = 0; r < nr; r++)
			if (rows[r].item >= 0) {
				p->sel = rows[r].item;
				selrow = r;
				break;
			}
	if (selrow >= 0) {
		int top =
		    selrow > 0 && rows[selrow - 1].item == -1 ? selrow - 1 : selrow; /* its chapter too */
		if (top < p->scroll)
			p->scroll = top;
		int bottom = selrow + (selrow + 1 < nr && rows[selrow + 1].cont);
		if (bottom >= p->scroll + in.h)
			p->scroll = bottom - in.h + 1;
	}
	if (p->scroll > nr - in.h)
		p->scroll = nr - in.h > 0 ? nr - in.h : 0;
	if (p->scroll < 0)
		p->scroll = 0;
	int maxx = in.x + in.w;
	for (int i = 0; i < in.h && p->scroll + i < nr; i++) {
		const struct pick_row *r = &rows[p->scroll + i];
		int y = in.y + i;
		if (r->item == -2)
			continue;
		if (r->item == -1) {
			const char *cn = scenes_chapter_name(r->head->chapter);
			int x = tui_printf(c, in.x + 1, y, maxx, TR_LABEL, TUI_A_BOLD, "%s",
			                   r->head->chapter ? r->head->chapter : "");
			tui_puts(c, x + (r->head->chapter ? 2 : 0), y, maxx,
			         cn                 ? cn
			         : r->head->chapter ? ""
			                            : "other scenes",
			         TR_TITLE, 0);
			continue;
		}
		const struct scene_info *e = &p->e[r->item];
		bool sel = r->item == p->sel;
		int tx = in.x + 3 + namew + 2, tw = maxx - tx;
		if (r->cont) {
			int cut = 0, cols = 0;
			const char *s = e->title;
			/* the part of the title the row above did not show */
			while (s[cut] && cols < tw) {
				cut++;
				while (((unsigned char)s[cut] & 0xc0) == 0x80)
					cut++;
				cols++;
			}
			int back = cut;
			while (back > 0 && s[back] && s[back] != ' ')
				back--;
			if (back > 0)
				cut = back;
			while (s[cut] == ' ')
				cut++;
			tui_puts(c, tx + 2, y, maxx, s + cut, sel ? TR_VALUE : TR_NORMAL, 0);
			continue;
		}
		int x = tui_puts(c, in.x + 1, y, maxx, sel ? tui_glyph(t, TR_SELECTED) : " ",
		                 sel ? TR_SELECTED : TR_NORMAL, 0);
		tui_printf(c, x + 1, y, maxx, TR_VALUE, sel ? TUI_A_REVERSE : 0, "%-*.*s", namew, namew,
		           e->name);
		tui_wrap(c, tx, y, tw, 1, 0, e->title,
		         e->broken ? TR_EVENT_BAD
		         : sel     ? TR_VALUE
		                   : TR_NORMAL,
		         0);
	}
	if (!p->n)
		tui_puts(c, in.x + 1, in.y, maxx, "no bundled scenes found (set MAPVIZ_SCENES)", TR_EVENT_BAD,
		         0);
	else if (selrow < 0)
		tui_printf(c, in.x + 1, in.y, maxx, TR_DIM, 0,
		           "no scene matches \"%s\" (Backspace, Esc clears)", p->filter);
	if (selrow >= 0)
		tui_wrap(c, 1, c->h - 3, c->w - 2, 2, 2, p->e[p->sel].summary, TR_CAPTION, 0);
	free(rows);
	int x = tui_puts(c, 1, c->h - 1, c->w, "↑ ↓ Home End", TR_KEY, 0);
	x = tui_puts(c, x + 1, c->h - 1, c->w, "choose", TR_KEYHINT, 0);
	x = tui_puts(c, x + 2, c->h - 1, c->w, "Enter", TR_KEY, 0);
	x = tui_puts(c, x + 1, c->h - 1, c->w, "open", TR_KEYHINT, 0);
	x = tui_puts(c, x + 2, c->h - 1, c->w, "type", TR_KEY, 0);
	x = tui_puts(c, x + 1, c->h - 1, c->w, p->filter[0] ? "filter (Esc clears)" : "to filter", TR_KEYHINT,
	             0);
	x = tui_puts(c, x + 2, c->h - 1, c->w, p->filter[0] ? "Esc Esc" : "q", TR_KEY, 0);
	tui_puts(c, x + 1, c->h - 1, c->w, "quit", TR_KEYHINT, 0);
}

static void pick_load(struct pick *p, const char *select)
{
	memset(p, 0, sizeof *p);
	p->e = scenes_catalog(&p->n);
	/* open on the tour (or the scene just left) */
	const char *want = select ? select : "tour";
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->e[i].name, want) || !strcmp(p->e[i].path, want))
			p->sel = (int)i;
}

static void pick_free(struct pick *p)
{
	scenes_catalog_free(p->e, p->n);
	p->e = NULL;
	p->n = 0;
}

/* Move the selection by d matching scenes (clamped). */
static void pick_move(struct pick *p, int d)
{
	int step = d > 0 ? 1 : -1;
	for (int moved = 0; moved != d;) {
		int i = p->sel + step;
		while (i >= 0 && i < (int)p->n && !pick_match(p, (size_t)i))
			i += step;
		if (i < 0 || i >= (int)p->n)
			break;
		p->sel = i;
		moved += step;
	}
}

/* A key in the picker: 1 a scene was chosen (its path in path), -1 quit,
 * 0 go on. */
static int pick_key(struct pick *p, int k, char *path, size_t len)
{
	size_t fl = strlen(p->filter);
	enum tui_action a = tui_key_action(k);
	if (k == TK_ESC) {
		if (!fl)
			return -1;
		p->filter[0] = '\0';
		return 0;
	}
	if (k == TK_BACKSPACE) {
		if (fl)
			p->filter[fl - 1] = '\0';
		return 0;
	}
	if ((k == 'q' || k == 'Q') && !fl)
		return -1;
	if (k == TK_CTRL('c'))
		return -1;
	if (k == TK_ENTER || k == '\r' || k == ' ' || k == TK_RIGHT) {
		if (p->n && pick_match(p, (size_t)p->sel)) {
			snprintf(path, len, "%s", p->e[p->sel].path);
			return 1;
		}
		return 0;
	}
	if (k >= 0x21 && k < 0x7f && fl + 1 < sizeof p->filter) {
		p->filter[fl] = (char)k;
		p->filter[fl + 1] = '\0';
		if (!pick_match(p, (size_t)p->sel)) { /* the first scene that matches */
			p->sel = -1;
			pick_move(p, 1);
			if (p->sel < 0)
				p->sel = 0;
		}
		return 0;
	}
	switch (k) {
	case TK_HOME:
		p->sel = (int)p->n;
		pick_move(p, -(int)p->n - 1);
		break;
	case TK_END:
		p->sel = -1;
		pick_move(p, (int)p->n + 1);
		break;
	default:
		if (a == TA_UP)
			pick_move(p, -1);
		else if (a == TA_DOWN)
			pick_move(p, 1);
		else if (a == TA_PGUP)
			pick_move(p, -10);
		else if (a == TA_PGDN)
			pick_move(p, 10);
		break;
	}
	return 0;
}

/* The picker; returns 1 with a scene path chosen, 0 on quit. */
int tui_run_picker(struct tui *t, struct tui_term *term, const char *select, char *filter, size_t flen,
                   char *path, size_t len)
{
	struct pick p;
	pick_load(&p, select);
	snprintf(p.filter, sizeof p.filter, "%s", filter);
	int rc = 0;
	bool dirty = true;
	while (!tui_term_quit_requested()) {
		if (tui_term_resized()) {
			tui_resize_canvas(t, term);
			dirty = true;
		}
		if (dirty) {
			picker_render(t, &p);
			tui_term_blit(term, &t->cv);
			dirty = false;
		}
		int k = tui_term_key(term, 500);
		if (k == TK_NONE)
			continue;
		dirty = true;
		if (k == TK_CTRL('l')) {
			tui_term_repaint(term);
			continue;
		}
		int r = pick_key(&p, k, path, len);
		if (r) {
			rc = r > 0;
			break;
		}
	}
	snprintf(filter, flen, "%s", p.filter); /* kept for the way back */
	pick_free(&p);
	return rc;
}

/* mapviz --dump with no scene: the picker, after the keys. */
int tui_dump_picker(struct tui *t, int w, int h, const char *keys)
{
	struct pick p;
	pick_load(&p, NULL);
	tui_canvas_resize(&t->cv, w, h);
	char path[4096];
	int rc = 0;
	if (keys) {
		struct keyscript ks;
		char err[300];
		if (keyscript_parse(keys, &ks, err, sizeof err) != 0) {
			fprintf(stderr, "mapviz --keys: %s\n", err);
			pick_free(&p);
			return 1;
		}
		bool done = false;
		for (size_t i = 0; i < ks.n && !done; i++)
			for (uint32_t r = 0; ks.items[i].kind == KS_KEY && r < ks.items[i].repeat && !done;
			     r++)
				done = pick_key(&p, ks.items[i].key, path, sizeof path) != 0;
		keyscript_free(&ks);
	}
	picker_render(t, &p);
	tui_canvas_dump(&t->cv, stdout);
	pick_free(&p);
	return fflush(stdout) == 0 ? rc : 1;
}
