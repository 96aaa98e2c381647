/*
 * canvas: the TUI's in-memory screen.  Views draw into a grid of cells
 * (one code point, a theme role and attribute bits per cell); the curses
 * backend (term.c) blits only the cells that changed since the last frame,
 * and the golden-screen tests dump the same grid as text without any
 * terminal.  No curses here.
 *
 * Text is UTF-8.  Every code point is drawn in one column: control bytes,
 * invalid UTF-8 and characters that are not one column wide become '?'.
 * With canvas->ascii set (LANG=C, or a terminal that is not UTF-8) every
 * non-ASCII code point is folded to an ASCII twin (box drawing to - | +,
 * arrows to < >, the middle dot to '.', ...), so views never branch on it.
 */
#ifndef MV_TUI_CANVAS_H
#define MV_TUI_CANVAS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Attribute bits of a cell, added to the role's own. */
enum {
	TUI_A_BOLD = 1,
	TUI_A_REVERSE = 2,
	TUI_A_UNDERLINE = 4,
	TUI_A_DIM = 8,
};

struct tui_cell {
	uint32_t ch;  /* one code point, ' ' when blank */
	uint8_t role; /* enum tui_role (theme.h) */
	uint8_t attr; /* TUI_A_* */
};

struct tui_canvas {
	int w, h;
	struct tui_cell *cells; /* h rows of w cells */
	bool ascii;             /* fold non-ASCII to ASCII twins */
};

struct tui_rect {
	int x, y, w, h;
};

void tui_canvas_init(struct tui_canvas *c, int w, int h, bool ascii);
void tui_canvas_done(struct tui_canvas *c);
/* Resize (content is cleared). */
void tui_canvas_resize(struct tui_canvas *c, int w, int h);
/* Every cell blank in role. */
void tui_canvas_clear(struct tui_canvas *c, uint8_t role);
static inline struct tui_cell *tui_cell_at(struct tui_canvas *c, int x, int y)
{
	return &c->cells[(long)y * c->w + x];
}

/* One code point at (x, y) if inside the canvas and x < maxx. */
void tui_putc(struct tui_canvas *c, int x, int y, int maxx, uint32_t ch, uint8_t role, uint8_t attr);
/* UTF-8 text from x, clipped before maxx (and the canvas edge); returns
 * the column after the last cell written. */
int tui_puts(struct tui_canvas *c, int x, int y, int maxx, const char *s, uint8_t role, uint8_t attr);
/* The same with a printf format. */
int tui_printf(struct tui_canvas *c, int x, int y, int maxx, uint8_t role, uint8_t attr, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Fill a rectangle with ch. */
void tui_fill(struct tui_canvas *c, struct tui_rect r, uint32_t ch, uint8_t role, uint8_t attr);
/* Change the attribute bits of cells [x, x+n) of row y. */
void tui_attr_span(struct tui_canvas *c, int x, int y, int n, uint8_t role, uint8_t attr);
/* A box around r with a title in the top border; returns the inner rect. */
struct tui_rect tui_box(struct tui_canvas *c, struct tui_rect r, const char *title, uint8_t role);
/* The number of columns UTF-8 text takes when drawn. */
int tui_text_width(const char *s);

/* The ASCII twin of a code point (itself if ASCII). */
uint32_t tui_ascii_fold(uint32_t ch);

/* Write the canvas as UTF-8 text, one line per row, trailing blanks cut. */
void tui_canvas_dump(const struct tui_canvas *c, FILE *f);

#endif
