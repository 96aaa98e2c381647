/* canvas: the in-memory screen; see canvas.h. */
#include "canvas.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"

void tui_canvas_init(struct tui_canvas *c, int w, int h, bool ascii)
{
	memset(c, 0, sizeof *c);
	c->ascii = ascii;
	tui_canvas_resize(c, w, h);
}

void tui_canvas_done(struct tui_canvas *c)
{
	free(c->cells);
	c->cells = NULL;
	c->w = c->h = 0;
}

void tui_canvas_resize(struct tui_canvas *c, int w, int h)
{
	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	free(c->cells);
	c->w = w;
	c->h = h;
	c->cells = mv_xcalloc((size_t)w * (size_t)h, sizeof *c->cells);
	tui_canvas_clear(c, 0);
}

void tui_canvas_clear(struct tui_canvas *c, uint8_t role)
{
	long n = (long)c->w * c->h;
	for (long i = 0; i < n; i++)
		c->cells[i] = (struct tui_cell){' ', role, 0};
}

/* Code points drawn one column wide by terminals we care about: not a
 * control, not combining, not East Asian wide, not an emoji. */
static bool one_column(uint32_t ch)
{
	if (ch < 0x20 || (ch >= 0x7f && ch < 0xa0))
		return false;
	if ((ch >= 0x300 && ch < 0x370) || (ch >= 0x200b && ch <= 0x200f) || (ch >= 0xfe00 && ch <= 0xfe0f))
		return false;
	if ((ch >= 0x1100 && ch <= 0x115f) || (ch >= 0x2e80 && ch <= 0xa4cf) ||
	    (ch >= 0xac00 && ch <= 0xd7a3) || (ch >= 0xf900 && ch <= 0xfaff) ||
	    (ch >= 0xfe30 && ch <= 0xfe4f) || (ch >= 0xff00 && ch <= 0xff60) ||
	    (ch >= 0xffe0 && ch <= 0xffe6) || (ch >= 0x1f000 && ch <= 0x1faff) || ch >= 0x20000)
		return false;
	if (ch >= 0xd800 && ch <= 0xdfff)
		return false;
	return true;
}

uint32_t tui_ascii_fold(uint32_t ch)
{
	if (ch < 0x80)
		return ch;
	switch (ch) {
	case 0x2500:
	case 0x2501:
	case 0x2504:
	case 0x2508:
	case 0x2550: /* ─ ━ ┄ ┈ ═ */ return '-';
	case 0x2013:
	case 0x2014: /* – — */ return '-';
	case 0x2502:
	case 0x2503:
	case 0x2506:
	case 0x250a:
	case 0x2551:
	case 0x2016: /* │ ┃ ┆ ┊ ║ ‖ */ return '|';
	case 0x250c:
	case 0x2510:
	case 0x2514:
	case 0x2518:
	case 0x251c:
	case 0x2524:
	case 0x252c:
	case 0x2534:
	case 0x253c:
	case 0x256d:
	case 0x256e:
	case 0x256f:
	case 0x2570: return '+';
	case 0x2192:
	case 0x25b6:
	case 0x25b8:
	case 0x276f:
	case 0x21d2: /* → ▶ ▸ ❯ ⇒ */ return '>';
	case 0x2190:
	case 0x25c0:
	case 0x25c2:
	case 0x276e: /* ← ◀ ◂ ❮ */ return '<';
	case 0x2191:
	case 0x25b2: return '^';
	case 0x2193:
	case 0x25bc: return 'v';
	case 0x00b7:
	case 0x2219:
	case 0x2022:
	case 0x22c5: return '.'; /* · ∙ • ⋅ */
	case 0x25cf:
	case 0x2605: return '*'; /* ● ★ */
	case 0x25cb: return 'o';
	case 0x2717:
	case 0x2716:
	case 0x00d7: return 'x'; /* ✗ ✖ × */
	case 0x2713:
	case 0x2714: return 'v';
	case 0x2588:
	case 0x2593: return '#'; /* █ ▓ */
	case 0x2592: return '=';
	case 0x2591: return ':';
	case 0x2581:
	case 0x2582:
	case 0x2583: return '_';
	case 0x2584:
	case 0x2585: return 'o';
	case 0x2586:
	case 0x2587: return 'O';
	case 0x23f8:
	case 0x2759: return '='; /* ⏸ */
	case 0x2026: return '~'; /* … */
	case 0x2264: return '<';
	case 0x2265: return '>';
	case 0x00b2: return '2';
	case 0x2248: return '~';
	case 0x2260: return '#';
	case 0x21bb:
	case 0x21ba: return '@';
	default: return '?';
	}
}

void tui_putc(struct tui_canvas *c, int x, int y, int maxx, uint32_t ch, uint8_t role, uint8_t attr)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h || x >= maxx)
		return;
	if (!one_column(ch))
		ch = '?';
	if (c->ascii)
		ch = tui_ascii_fold(ch);
	struct tui_cell *cell = tui_cell_at(c, x, y);
	cell->ch = ch;
	cell->role = role;
	cell->attr = attr;
}

/* Decode one UTF-8 code point at *s; invalid bytes decode as '?'. */
static uint32_t utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t ch = p[0];
	int n = ch < 0x80             ? 0
	        : (ch & 0xe0) == 0xc0 ? 1
	        : (ch & 0xf0) == 0xe0 ? 2
	        : (ch & 0xf8) == 0xf0 ? 3
	                              : -1;
	if (n < 0) {
		*s += 1;
		return '?';
	}
	ch &= n == 0 ? 0x7f : n == 1 ? 0x1f : n == 2 ? 0x0f : 0x07;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s += i;
			return '?';
		}
		ch = ch << 6 | (p[i] & 0x3f);
	}
	*s += n + 1;
	return ch;
}

int tui_puts(struct tui_canvas *c, int x, int y, int maxx, const char *s, uint8_t role, uint8_t attr)
{
	if (maxx > c->w)
		maxx = c->w;
	while (*s && x < maxx) {
		uint32_t ch = utf8_next(&s);
		tui_putc(c, x, y, maxx, ch, role, attr);
		x++;
	}
	return x;
}

int tui_printf(struct tui_canvas *c, int x, int y, int maxx, uint8_t role, uint8_t attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return tui_puts(c, x, y, maxx, buf, role, attr);
}

int tui_text_width(const char *s)
{
	int n = 0;
	while (*s) {
		utf8_next(&s);
		n++;
	}
	return n;
}

void tui_fill(struct tui_canvas *c, struct tui_rect r, uint32_t ch, uint8_t role, uint8_t attr)
{
	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++)
			tui_putc(c, x, y, c->w, ch, role, attr);
}

void tui_attr_span(struct tui_canvas *c, int x, int y, int n, uint8_t role, uint8_t attr)
{
	if (y < 0 || y >= c->h)
		return;
	for (int i = x < 0 ? 0 : x; i < x + n && i < c->w; i++) {
		struct tui_cell *cell = tui_cell_at(c, i, y);
		cell->role = role;
		cell->attr |= attr;
	}
}

struct tui_rect tui_box(struct tui_canvas *c, struct tui_rect r, const char *title, uint8_t role)
{
	if (r.w < 2 || r.h < 2)
		return (struct tui_rect){r.x, r.y, 0, 0};
	int x1 = r.x + r.w - 1, y1 = r.y + r.h - 1;
	for (int x = r.x + 1; x < x1; x++) {
		tui_putc(c, x, r.y, c->w, 0x2500, role, 0);
		tui_putc(c, x, y1, c->w, 0x2500, role, 0);
	}
	for (int y = r.y + 1; y < y1; y++) {
		tui_putc(c, r.x, y, c->w, 0x2502, role, 0);
		tui_putc(c, x1, y, c->w, 0x2502, role, 0);
	}
	tui_putc(c, r.x, r.y, c->w, 0x250c, role, 0);
	tui_putc(c, x1, r.y, c->w, 0x2510, role, 0);
	tui_putc(c, r.x, y1, c->w, 0x2514, role, 0);
	tui_putc(c, x1, y1, c->w, 0x2518, role, 0);
	if (title && *title && r.w > 4) {
		tui_putc(c, r.x + 1, r.y, x1, ' ', role, 0);
		int x = tui_puts(c, r.x + 2, r.y, x1 - 1, title, role, TUI_A_BOLD);
		tui_putc(c, x, r.y, x1, ' ', role, 0);
	}
	return (struct tui_rect){r.x + 1, r.y + 1, r.w - 2, r.h - 2};
}

static void put_utf8(FILE *f, uint32_t ch)
{
	if (ch < 0x80) {
		fputc((int)ch, f);
	} else if (ch < 0x800) {
		fputc((int)(0xc0 | ch >> 6), f);
		fputc((int)(0x80 | (ch & 0x3f)), f);
	} else if (ch < 0x10000) {
		fputc((int)(0xe0 | ch >> 12), f);
		fputc((int)(0x80 | (ch >> 6 & 0x3f)), f);
		fputc((int)(0x80 | (ch & 0x3f)), f);
	} else {
		fputc((int)(0xf0 | ch >> 18), f);
		fputc((int)(0x80 | (ch >> 12 & 0x3f)), f);
		fputc((int)(0x80 | (ch >> 6 & 0x3f)), f);
		fputc((int)(0x80 | (ch & 0x3f)), f);
	}
}

void tui_canvas_dump(const struct tui_canvas *c, FILE *f)
{
	for (int y = 0; y < c->h; y++) {
		int end = c->w;
		while (end > 0 && c->cells[(long)y * c->w + end - 1].ch == ' ')
			end--;
		for (int x = 0; x < end; x++)
			put_utf8(f, c->cells[(long)y * c->w + x].ch);
		fputc('\n', f);
	}
}
