/*
 * export: pictures of the TUI's screen made without a terminal — `mapviz
 * export SCENE -o F.svg|.png|.txt|.ans` (one step), `-o F.gif` (a scripted
 * session, one frame per screen change).  The scene is opened headlessly
 * (dump.c), brought to the step or through the key script, and its canvas
 * written with the theme's colors: so a picture is, cell for cell, what
 * `mapviz --dump` prints for the same arguments.
 *
 * The writers (export_svg.c, export_png.c, export_gif.c) work from a
 * struct tui_canvas and a struct tui_theme only; export_color.c is their
 * palette.  No curses here.
 */
#ifndef MV_TUI_EXPORT_H
#define MV_TUI_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "canvas.h"
#include "theme.h"

enum tui_pic_fmt { TUI_PIC_SVG, TUI_PIC_PNG, TUI_PIC_TXT, TUI_PIC_ANS, TUI_PIC_GIF };

/* What `mapviz export` asks for (app/export.c fills it). */
struct tui_export_req {
	const char *scene; /* a path or a bundled scene's name */
	const char *out;   /* the file to write */
	bool force;        /* replace an existing file */
	enum tui_pic_fmt fmt;
	bool has_step;
	uint64_t step;     /* go to this step first */
	const char *keys;  /* then this key script (keyscript.h), NULL none */
	int w, h;          /* the virtual screen */
	const char *theme; /* NULL: the default theme */
	const char *go;    /* "1.19", "1.26", NULL: the scene's own */
	bool ascii;
	double speed; /* GIF: delays are divided by it */
	int loop;     /* GIF: times to play in all, 0 forever */
};

/* Write the picture; 0, or 1 with a message in err. */
int tui_export(const struct tui_export_req *r, char *err, size_t errlen);

/* ---- colors (export_color.c) ---- */

/* A cell as a picture shows it: 0xRRGGBB colors. */
struct tui_pic_style {
	uint32_t fg, bg;
	bool bold, underline;
};

/*
 * The palette of pictures: the 16 ANSI colors as the Tango palette,
 * 16..255 as xterm's cube and gray ramp, with the terminal's default
 * foreground and background per theme: light gray on near-black, or for a
 * theme whose name starts with "light" near-black on white.  Reverse swaps
 * fg and bg; dim blends fg halfway toward bg; bold is a bold font (colors
 * stay).  mono (NO_COLOR): every color is the default one; reverse,
 * bold and underline still show.
 */
struct tui_pic_style tui_pic_style(const struct tui_theme *th, const struct tui_cell *c, bool mono);
/* The default background of the theme (the picture's margin). */
uint32_t tui_pic_background(const struct tui_theme *th, bool mono);
/* An ANSI color 0..15 or -1 (the default foreground, or background when
 * bg) as RGB. */
uint32_t tui_pic_rgb(const struct tui_theme *th, int color, bool bg);

/* ---- the writers ---- */

/* Cell size in pixels of SVG, PNG and GIF pictures (DejaVu Sans Mono at
 * 15 px: 9 px wide, its box drawing 17.5 px high). */
#define TUI_PIC_CW 9
#define TUI_PIC_CH 18
#define TUI_PIC_FONT_PX 15.0
#define TUI_PIC_MARGIN 8
#define TUI_PIC_BASELINE 14 /* from the top of a cell */

/* SVG: a <title>, background rects merged per span, one <text> per run of
 * cells of one style (x per run, textLength to the cell grid).  false on
 * a write error. */
bool tui_export_svg(const struct tui_canvas *c, const struct tui_theme *th, bool mono, const char *title,
                    FILE *f);

/* Paint the canvas into a cairo context (cairo_t *) with its origin at the
 * picture's top left (the margin included); antialias false draws text and
 * lines with the exact palette colors only (for GIF).  Defined in
 * export_png.c; void * keeps cairo out of this header. */
void tui_pic_paint(void *cairo_ctx, const struct tui_canvas *c, const struct tui_theme *th, bool mono,
                   bool antialias);
/* The picture's size in pixels for a canvas of w x h cells. */
void tui_pic_size(int w, int h, int *pw, int *ph);
/* Free cairo's and fontconfig's caches; call when no cairo object is
 * alive.  A picture's fonts are not kept for the next one (the TUI draws
 * pictures seldom), and leak checkers see nothing left. */
void tui_pic_release(void);
/* PNG through cairo; 0, or -1 with err set. */
int tui_export_png(const struct tui_canvas *c, const struct tui_theme *th, bool mono, const char *path,
                   char *err, size_t errlen);

/* GIF: an animation built frame by frame (export_gif.c). */
struct tui_gif;
/* Start writing path (fd: an open descriptor of it, taken over) for
 * canvases of w x h cells; loop: the times to play in all, 0 forever (the
 * loop block counts the repeats after the first, as browsers read it; 1
 * has none); delays are divided by speed.  NULL with err set (fd closed). */
struct tui_gif *tui_gif_create(int fd, const char *path, int w, int h, const struct tui_theme *th, bool mono,
                               int loop, double speed, char *err, size_t errlen);
/* A frame shown from virtual time ms on (ms never decreases); a canvas
 * equal to the last one adds nothing; one that comes less than 20 ms
 * after the one before replaces it (browsers slow faster frames down). */
void tui_gif_frame(struct tui_gif *g, const struct tui_canvas *c, uint64_t ms);
/* The last frame is shown until end_ms.  Writes the rest and frees; 0, or
 * -1 with err set (the file is removed).  *frames: the frames written. */
int tui_gif_finish(struct tui_gif *g, uint64_t end_ms, int *frames, char *err, size_t errlen);
/* Free without finishing (an error elsewhere); the file is removed. */
void tui_gif_abort(struct tui_gif *g);

#endif
