/*
 * export_png: the canvas painted with cairo — backgrounds, then text in
 * DejaVu Sans Mono (fonts-dejavu-core, through cairo's font API), with
 * box drawing, block elements and shades drawn as shapes so lines join
 * across cells whatever the font.  PNGs are written by cairo; GIF frames
 * (export_gif.c) are painted here too, without antialiasing, so every
 * pixel has a palette color.
 */
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

#define PIC_FONT "DejaVu Sans Mono"

void tui_pic_size(int w, int h, int *pw, int *ph)
{
	*pw = 2 * TUI_PIC_MARGIN + w * TUI_PIC_CW;
	*ph = 2 * TUI_PIC_MARGIN + h * TUI_PIC_CH;
}

static void set_rgb(cairo_t *cr, uint32_t c)
{
	cairo_set_source_rgb(cr, (c >> 16 & 0xff) / 255.0, (c >> 8 & 0xff) / 255.0, (c & 0xff) / 255.0);
}

/* ---- box drawing: each of the four arms of a cell, light, heavy or double ---- */

enum { ARM_NONE, ARM_LIGHT, ARM_HEAVY, ARM_DOUBLE };
enum { BOX_PLAIN, BOX_ROUND, BOX_DASH3, BOX_DASH4 };

struct box_glyph {
	uint32_t cp;
	uint8_t l, r, u, d, kind;
};

#define L ARM_LIGHT
#define H ARM_HEAVY
#define D ARM_DOUBLE
static const struct box_glyph boxes[] = {
    {0x2500, L, L, 0, 0, 0},         {0x2501, H, H, 0, 0, 0},         {0x2502, 0, 0, L, L, 0},
    {0x2503, 0, 0, H, H, 0},         {0x2504, L, L, 0, 0, BOX_DASH3}, {0x2505, H, H, 0, 0, BOX_DASH3},
    {0x2506, 0, 0, L, L, BOX_DASH3}, {0x2507, 0, 0, H, H, BOX_DASH3}, {0x2508, L, L, 0, 0, BOX_DASH4},
    {0x2509, H, H, 0, 0, BOX_DASH4}, {0x250a, 0, 0, L, L, BOX_DASH4}, {0x250b, 0, 0, H, H, BOX_DASH4},
    {0x250c, 0, L, 0, L, 0},         {0x250f, 0, H, 0, H, 0},         {0x2510, L, 0, 0, L, 0},
    {0x2513, H, 0, 0, H, 0},         {0x2514, 0, L, L, 0, 0},         {0x2517, 0, H, H, 0, 0},
    {0x2518, L, 0, L, 0, 0},         {0x251b, H, 0, H, 0, 0},         {0x251c, 0, L, L, L, 0},
    {0x2523, 0, H, H, H, 0},         {0x2524, L, 0, L, L, 0},         {0x252b, H, 0, H, H, 0},
    {0x252c, L, L, 0, L, 0},         {0x2533, H, H, 0, H, 0},         {0x2534, L, L, L, 0, 0},
    {0x253b, H, H, H, 0, 0},         {0x253c, L, L, L, L, 0},         {0x254b, H, H, H, H, 0},
    {0x2550, D, D, 0, 0, 0},         {0x2551, 0, 0, D, D, 0},         {0x2554, 0, D, 0, D, 0},
    {0x2557, D, 0, 0, D, 0},         {0x255a, 0, D, D, 0, 0},         {0x255d, D, 0, D, 0, 0},
    {0x2560, 0, D, D, D, 0},         {0x2563, D, 0, D, D, 0},         {0x2566, D, D, 0, D, 0},
    {0x2569, D, D, D, 0, 0},         {0x256c, D, D, D, D, 0},         {0x256d, 0, L, 0, L, BOX_ROUND},
    {0x256e, L, 0, 0, L, BOX_ROUND}, {0x256f, L, 0, L, 0, BOX_ROUND}, {0x2570, 0, L, L, 0, BOX_ROUND},
    {0x2574, L, 0, 0, 0, 0},         {0x2575, 0, 0, L, 0, 0},         {0x2576, 0, L, 0, 0, 0},
    {0x2577, 0, 0, 0, L, 0},         {0x2578, H, 0, 0, 0, 0},         {0x2579, 0, 0, H, 0, 0},
    {0x257a, 0, H, 0, 0, 0},         {0x257b, 0, 0, 0, H, 0},
};
#undef L
#undef H
#undef D

static const struct box_glyph *box_of(uint32_t cp)
{
	if (cp < 0x2500 || cp > 0x257f)
		return NULL;
	for (size_t i = 0; i < sizeof boxes / sizeof boxes[0]; i++)
		if (boxes[i].cp == cp)
			return &boxes[i];
	return NULL;
}

/* A filled rectangle, dashed along its length into n dashes when n > 0. */
static void bar(cairo_t *cr, double x0, double y0, double x1, double y1, int n)
{
	if (n <= 0) {
		cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
		return;
	}
	bool horiz = x1 - x0 > y1 - y0;
	double len = horiz ? x1 - x0 : y1 - y0, seg = len / n;
	for (int i = 0; i < n; i++) {
		double a = floor(i * seg + 0.5), b = floor(i * seg + seg * 0.65 + 0.5);
		if (horiz)
			cairo_rectangle(cr, x0 + a, y0, b - a, y1 - y0);
		else
			cairo_rectangle(cr, x0, y0 + a, x1 - x0, b - a);
	}
}

static void draw_box(cairo_t *cr, const struct box_glyph *g, double x0, double y0)
{
	const double cw = TUI_PIC_CW, ch = TUI_PIC_CH;
	/* the centre lines sit on pixel boundaries: a light line is one
	 * pixel, a heavy one three, a double two one-pixel lines */
	double xc = x0 + floor(cw / 2) + 0.5, yc = y0 + floor(ch / 2) + 0.5;
	int dash = g->kind == BOX_DASH3 ? 3 : g->kind == BOX_DASH4 ? 4 : 0;
	if (g->kind == BOX_ROUND) {
		int hx = g->r ? 1 : -1, vy = g->d ? 1 : -1;
		double r = floor(cw / 2);
		cairo_set_line_width(cr, 1);
		cairo_move_to(cr, hx > 0 ? x0 + cw : x0, yc);
		cairo_line_to(cr, xc + hx * r, yc);
		cairo_curve_to(cr, xc + hx * r * 0.45, yc, xc, yc + vy * r * 0.45, xc, yc + vy * r);
		cairo_line_to(cr, xc, vy > 0 ? y0 + ch : y0);
		cairo_stroke(cr);
		return;
	}
	const uint8_t arm[4] = {g->l, g->r, g->u, g->d};
	for (int i = 0; i < 4; i++) {
		if (!arm[i])
			continue;
		double t = arm[i] == ARM_HEAVY ? 1.5 : 0.5;
		/* the perpendicular arms' reach, so corners and tees close */
		double reach = 0.5;
		for (int j = 0; j < 4; j++)
			if ((j < 2) != (i < 2) && arm[j])
				reach = fmax(reach, arm[j] == ARM_HEAVY    ? 1.5
				                    : arm[j] == ARM_DOUBLE ? 2.5
				                                           : 0.5);
		int lines = arm[i] == ARM_DOUBLE ? 2 : 1;
		for (int k = 0; k < lines; k++) {
			double off = lines == 2 ? (k ? 2 : -2) : 0;
			switch (i) {
			case 0: bar(cr, x0, yc + off - t, xc + reach, yc + off + t, dash); break;
			case 1: bar(cr, xc - reach, yc + off - t, x0 + cw, yc + off + t, dash); break;
			case 2: bar(cr, xc + off - t, y0, xc + off + t, yc + reach, dash); break;
			default: bar(cr, xc + off - t, yc - reach, xc + off + t, y0 + ch, dash); break;
			}
		}
	}
	cairo_fill(cr);
}

/* Block elements and shades (a shade is a pixel pattern: exact colors in
 * a GIF too); the pause sign, which DejaVu lacks.  false: not a shape. */
static bool draw_shape(cairo_t *cr, uint32_t cp, double x0, double y0)
{
	const double cw = TUI_PIC_CW, ch = TUI_PIC_CH;
	switch (cp) {
	case 0x2588: cairo_rectangle(cr, x0, y0, cw, ch); break;                                 /* █ */
	case 0x2580: cairo_rectangle(cr, x0, y0, cw, ch / 2); break;                             /* ▀ */
	case 0x2584: cairo_rectangle(cr, x0, y0 + ch / 2, cw, ch / 2); break;                    /* ▄ */
	case 0x258c: cairo_rectangle(cr, x0, y0, floor(cw / 2), ch); break;                      /* ▌ */
	case 0x2590: cairo_rectangle(cr, x0 + floor(cw / 2), y0, cw - floor(cw / 2), ch); break; /* ▐ */
	case 0x2591: /* ░ ▒ ▓ */
	case 0x2592:
	case 0x2593:
		for (int y = 0; y < TUI_PIC_CH; y++)
			for (int x = 0; x < TUI_PIC_CW; x++) {
				int on = cp == 0x2591   ? (x % 2 == 0 && y % 2 == 0)
				         : cp == 0x2592 ? (x + y) % 2 == 0
				                        : !(x % 2 == 1 && y % 2 == 1);
				if (on)
					cairo_rectangle(cr, x0 + x, y0 + y, 1, 1);
			}
		break;
	case 0x23f8: /* ⏸ */
		cairo_rectangle(cr, x0 + 2, y0 + 5, 2, ch - 9);
		cairo_rectangle(cr, x0 + cw - 4, y0 + 5, 2, ch - 9);
		break;
	default: return false;
	}
	cairo_fill(cr);
	return true;
}

/* ---- text ---- */

/* Glyph indices of a font, looked up once per code point. */
struct glyph_cache {
	cairo_scaled_font_t *font;
	unsigned long ascii[128];
	bool have_ascii[128];
};

static unsigned long glyph_of(struct glyph_cache *gc, uint32_t cp)
{
	if (cp < 128 && gc->have_ascii[cp])
		return gc->ascii[cp];
	char u[5] = {0};
	if (cp < 0x80) {
		u[0] = (char)cp;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
	}
	cairo_glyph_t *gl = NULL;
	int n = 0;
	unsigned long idx = 0;
	if (cairo_scaled_font_text_to_glyphs(gc->font, 0, 0, u, -1, &gl, &n, NULL, NULL, NULL) ==
	        CAIRO_STATUS_SUCCESS &&
	    n == 1)
		idx = gl[0].index;
	cairo_glyph_free(gl);
	if (cp < 128) {
		gc->ascii[cp] = idx;
		gc->have_ascii[cp] = true;
	}
	return idx;
}

static void cache_font(cairo_t *cr, struct glyph_cache *gc, bool bold, bool antialias)
{
	memset(gc, 0, sizeof *gc);
	cairo_select_font_face(cr, PIC_FONT, CAIRO_FONT_SLANT_NORMAL,
	                       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, TUI_PIC_FONT_PX);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_antialias(fo, antialias ? CAIRO_ANTIALIAS_GRAY : CAIRO_ANTIALIAS_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_ON);
	cairo_set_font_options(cr, fo);
	cairo_font_options_destroy(fo);
	gc->font = cairo_scaled_font_reference(cairo_get_scaled_font(cr));
}

void tui_pic_paint(void *ctx, const struct tui_canvas *c, const struct tui_theme *th, bool mono,
                   bool antialias)
{
	cairo_t *cr = ctx;
	cairo_save(cr);
	cairo_set_antialias(cr, antialias ? CAIRO_ANTIALIAS_DEFAULT : CAIRO_ANTIALIAS_NONE);
	uint32_t page = tui_pic_background(th, mono);
	set_rgb(cr, page);
	cairo_paint(cr);
	struct glyph_cache fonts[2];
	cache_font(cr, &fonts[1], true, antialias);
	cache_font(cr, &fonts[0], false, antialias);
	cairo_glyph_t *run = malloc(sizeof *run * (size_t)(c->w ? c->w : 1));
	struct tui_pic_style *row = malloc(sizeof *row * (size_t)(c->w ? c->w : 1));
	for (int y = 0; run && row && y < c->h; y++) {
		const struct tui_cell *cells = &c->cells[(long)y * c->w];
		double py = TUI_PIC_MARGIN + y * TUI_PIC_CH;
		for (int x = 0; x < c->w; x++)
			row[x] = tui_pic_style(th, &cells[x], mono);
		for (int x = 0; x < c->w;) {
			int e = x + 1;
			while (e < c->w && row[e].bg == row[x].bg)
				e++;
			if (row[x].bg != page) {
				set_rgb(cr, row[x].bg);
				cairo_rectangle(cr, TUI_PIC_MARGIN + x * TUI_PIC_CW, py, (e - x) * TUI_PIC_CW,
				                TUI_PIC_CH);
				cairo_fill(cr);
			}
			x = e;
		}
		/* text: runs of one color and weight, each glyph at its cell */
		for (int x = 0; x < c->w;) {
			int e = x + 1;
			while (e < c->w && row[e].fg == row[x].fg && row[e].bold == row[x].bold)
				e++;
			set_rgb(cr, row[x].fg);
			struct glyph_cache *gc = &fonts[row[x].bold];
			int n = 0;
			for (int i = x; i < e; i++) {
				double px = TUI_PIC_MARGIN + i * TUI_PIC_CW;
				uint32_t cp = cells[i].ch;
				if (row[i].underline)
					cairo_rectangle(cr, px, py + TUI_PIC_BASELINE + 2, TUI_PIC_CW, 1);
				if (cp == ' ')
					continue;
				const struct box_glyph *bx = box_of(cp);
				if (bx) {
					draw_box(cr, bx, px, py);
				} else if (!draw_shape(cr, cp, px, py)) {
					run[n].index = glyph_of(gc, cp);
					run[n].x = px;
					run[n].y = py + TUI_PIC_BASELINE;
					n++;
				}
			}
			cairo_fill(cr); /* underlines */
			if (n) {
				cairo_set_scaled_font(cr, gc->font);
				cairo_show_glyphs(cr, run, n);
			}
			x = e;
		}
	}
	free(run);
	free(row);
	cairo_scaled_font_destroy(fonts[0].font);
	cairo_scaled_font_destroy(fonts[1].font);
	cairo_restore(cr);
}

void tui_pic_release(void)
{
	cairo_debug_reset_static_data();
	FcFini();
}

static cairo_status_t write_png_chunk(void *closure, const unsigned char *data, unsigned int n)
{
	return fwrite(data, 1, n, closure) == n ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int tui_export_png(const struct tui_canvas *c, const struct tui_theme *th, bool mono, const char *path,
                   char *err, size_t errlen)
{
	int pw, ph;
	tui_pic_size(c->w, c->h, &pw, &ph);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
	cairo_t *cr = cairo_create(s);
	tui_pic_paint(cr, c, th, mono, true);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS) {
		FILE *f = fopen(path, "wb");
		if (!f) {
			cairo_surface_destroy(s);
			snprintf(err, errlen, "%s: cannot write it", path);
			return -1;
		}
		st = cairo_surface_write_to_png_stream(s, write_png_chunk, f);
		if (fclose(f) != 0 && st == CAIRO_STATUS_SUCCESS)
			st = CAIRO_STATUS_WRITE_ERROR;
	}
	cairo_surface_destroy(s);
	tui_pic_release();
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "writing %s failed: %s", path, cairo_status_to_string(st));
		return -1;
	}
	return 0;
}
