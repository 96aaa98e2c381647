/*
 * export_gif: an animated GIF of a scripted session, with giflib.  Frames
 * are painted by export_png.c without antialiasing, so every pixel is a
 * color of the global palette: each color a cell of the theme can have
 * (every role, with every attribute).  A frame holds only the rectangle
 * that changed since the frame before, its unchanged pixels transparent
 * (disposal "leave in place"), which keeps a long session small.
 *
 * Timing: a frame waits until the next screen change comes in, so its
 * delay is the virtual time between the two (divided by the speed),
 * rounded on the running total in centiseconds, so no drift adds up.
 */
#include <cairo.h>
#include <gif_lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/alloc.h"
#include "export.h"

#define GIF_MIN_CS 2 /* browsers slow frames under 20 ms down to 100 ms */

struct tui_gif {
	GifFileType *gf;
	char path[4096];
	const struct tui_theme *th;
	bool mono;
	int w, h;   /* cells */
	int pw, ph; /* pixels */
	double speed;
	/* the palette: RGB of index i; ncolors used, trans the transparent one */
	uint32_t rgb[256];
	int ncolors, trans;
	/* pixel -> index, direct-mapped (a screen has a few dozen colors) */
	uint32_t memo_px[1024];
	uint8_t memo_ix[1024];
	/* the last canvas given, and the frame waiting for its delay */
	struct tui_cell *last, *pending;
	bool have_last, have_pending;
	uint64_t pending_cs; /* its start, in scaled centiseconds */
	/* what a viewer shows now (palette indices), and the next frame's */
	uint8_t *shown, *cur;
	bool shown_any;
	cairo_surface_t *surf;
	int frames;
	bool failed;
	int gif_err;
};

static int palette_add(struct tui_gif *g, uint32_t c)
{
	for (int i = 0; i < g->ncolors; i++)
		if (g->rgb[i] == c)
			return i;
	if (g->ncolors == 255) /* the last index is the transparent one */
		return -1;
	g->rgb[g->ncolors] = c;
	return g->ncolors++;
}

/* Every color a cell can take in this theme. */
static void palette_build(struct tui_gif *g)
{
	palette_add(g, tui_pic_background(g->th, g->mono));
	for (int r = 0; r < TR__COUNT; r++)
		for (int a = 0; a < 16; a++) {
			struct tui_cell c = {' ', (uint8_t)r, (uint8_t)a};
			struct tui_pic_style s = tui_pic_style(g->th, &c, g->mono);
			palette_add(g, s.fg);
			palette_add(g, s.bg);
		}
	g->trans = g->ncolors;
	g->rgb[g->trans] = 0;
}

/* The palette index of a pixel: exact, or the nearest color. */
static uint8_t index_of(struct tui_gif *g, uint32_t px)
{
	unsigned slot = (px * 2654435761u) >> 22;
	if (g->memo_px[slot] == px)
		return g->memo_ix[slot];
	int best = 0;
	long bestd = -1;
	for (int i = 0; i < g->ncolors; i++) {
		long dr = (long)(px >> 16 & 0xff) - (g->rgb[i] >> 16 & 0xff);
		long dg = (long)(px >> 8 & 0xff) - (g->rgb[i] >> 8 & 0xff);
		long db = (long)(px & 0xff) - (g->rgb[i] & 0xff);
		long d = dr * dr + dg * dg + db * db;
		if (bestd < 0 || d < bestd) {
			best = i;
			bestd = d;
			if (!d)
				break;
		}
	}
	g->memo_px[slot] = px;
	g->memo_ix[slot] = (uint8_t)best;
	return (uint8_t)best;
}

struct tui_gif *tui_gif_create(int fd, const char *path, int w, int h, const struct tui_theme *th, bool mono,
                               int loop, double speed, char *err, size_t errlen)
{
	int e = 0;
	GifFileType *gf = EGifOpenFileHandle(fd, &e);
	if (!gf) {
		snprintf(err, errlen, "%s: %s", path, GifErrorString(e));
		close(fd);
		return NULL;
	}
	struct tui_gif *g = mv_xcalloc(1, sizeof *g);
	g->gf = gf;
	snprintf(g->path, sizeof g->path, "%s", path);
	g->th = th;
	g->mono = mono;
	g->w = w;
	g->h = h;
	g->speed = speed > 0 ? speed : 1;
	tui_pic_size(w, h, &g->pw, &g->ph);
	palette_build(g);
	memset(g->memo_px, 0xff, sizeof g->memo_px); /* no pixel is 0xffffffff */
	g->last = mv_xcalloc((size_t)w * (size_t)h, sizeof *g->last);
	g->pending = mv_xcalloc((size_t)w * (size_t)h, sizeof *g->pending);
	g->shown = mv_xcalloc((size_t)g->pw * (size_t)g->ph, 1);
	g->cur = mv_xcalloc((size_t)g->pw * (size_t)g->ph, 1);
	g->surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, g->pw, g->ph);
	GifColorType colors[256];
	memset(colors, 0, sizeof colors);
	for (int i = 0; i <= g->trans; i++) {
		colors[i].Red = (GifByteType)(g->rgb[i] >> 16);
		colors[i].Green = (GifByteType)(g->rgb[i] >> 8);
		colors[i].Blue = (GifByteType)g->rgb[i];
	}
	ColorMapObject *cm = GifMakeMapObject(256, colors);
	EGifSetGifVersion(gf, true);
	bool ok = cm && EGifPutScreenDesc(gf, g->pw, g->ph, 8, 0, cm) == GIF_OK;
	GifFreeMapObject(cm);
	if (ok && loop != 1) {
		/* the NETSCAPE2.0 application block: how many times to repeat
		 * after the first (0: for ever) */
		int rep = loop > 1 ? loop - 1 : 0;
		unsigned char sub[3] = {1, (unsigned char)(rep & 0xff), (unsigned char)(rep >> 8 & 0xff)};
		ok = EGifPutExtensionLeader(gf, APPLICATION_EXT_FUNC_CODE) == GIF_OK &&
		     EGifPutExtensionBlock(gf, 11, "NETSCAPE2.0") == GIF_OK &&
		     EGifPutExtensionBlock(gf, 3, sub) == GIF_OK && EGifPutExtensionTrailer(gf) == GIF_OK;
	}
	if (!ok) {
		snprintf(err, errlen, "writing %s failed: %s", path, GifErrorString(gf->Error));
		tui_gif_abort(g);
		return NULL;
	}
	return g;
}

/* Paint cells into g->cur (palette indices). */
static void render(struct tui_gif *g, const struct tui_cell *cells)
{
	struct tui_canvas c = {g->w, g->h, (struct tui_cell *)cells, false};
	cairo_t *cr = cairo_create(g->surf);
	tui_pic_paint(cr, &c, g->th, g->mono, false);
	cairo_destroy(cr);
	cairo_surface_flush(g->surf);
	const unsigned char *data = cairo_image_surface_get_data(g->surf);
	int stride = cairo_image_surface_get_stride(g->surf);
	for (int y = 0; y < g->ph; y++) {
		const uint32_t *src = (const uint32_t *)(const void *)(data + (long)y * stride);
		uint8_t *dst = &g->cur[(long)y * g->pw];
		for (int x = 0; x < g->pw; x++)
			dst[x] = index_of(g, src[x] & 0xffffff);
	}
}

/* Write the pending frame, shown for delay_cs. */
static void put_frame(struct tui_gif *g, uint64_t delay_cs)
{
	if (g->failed)
		return;
	render(g, g->pending);
	/* the rectangle that changed */
	int x0 = g->pw, y0 = g->ph, x1 = -1, y1 = -1;
	if (!g->shown_any) {
		x0 = y0 = 0;
		x1 = g->pw - 1;
		y1 = g->ph - 1;
	} else {
		for (int y = 0; y < g->ph; y++) {
			const uint8_t *a = &g->cur[(long)y * g->pw], *b = &g->shown[(long)y * g->pw];
			if (!memcmp(a, b, (size_t)g->pw))
				continue;
			if (y < y0)
				y0 = y;
			y1 = y;
			for (int x = 0; x < g->pw; x++)
				if (a[x] != b[x]) {
					if (x < x0)
						x0 = x;
					if (x > x1)
						x1 = x;
				}
		}
		if (x1 < 0) /* the same pixels: one transparent pixel holds the time */
			x0 = y0 = x1 = y1 = 0;
	}
	int rw = x1 - x0 + 1, rh = y1 - y0 + 1;
	GraphicsControlBlock gcb = {
	    .DisposalMode = DISPOSE_DO_NOT,
	    .UserInputFlag = false,
	    .DelayTime = (int)(delay_cs > 65535 ? 65535 : delay_cs),
	    .TransparentColor = g->shown_any ? g->trans : NO_TRANSPARENT_COLOR,
	};
	GifByteType ext[4];
	EGifGCBToExtension(&gcb, ext);
	GifByteType *line = mv_xmalloc((size_t)rw);
	bool ok = EGifPutExtension(g->gf, GRAPHICS_EXT_FUNC_CODE, 4, ext) == GIF_OK &&
	          EGifPutImageDesc(g->gf, x0, y0, rw, rh, false, NULL) == GIF_OK;
	for (int y = y0; ok && y <= y1; y++) {
		const uint8_t *a = &g->cur[(long)y * g->pw], *b = &g->shown[(long)y * g->pw];
		for (int x = x0; x <= x1; x++)
			line[x - x0] = g->shown_any && a[x] == b[x] ? (GifByteType)g->trans : a[x];
		ok = EGifPutLine(g->gf, line, rw) == GIF_OK;
	}
	free(line);
	if (!ok) {
		g->failed = true;
		g->gif_err = g->gf->Error;
		return;
	}
	uint8_t *t = g->shown;
	g->shown = g->cur;
	g->cur = t;
	g->shown_any = true;
	g->frames++;
}

static uint64_t scaled_cs(const struct tui_gif *g, uint64_t ms)
{
	return (uint64_t)llround((double)ms / g->speed / 10.0);
}

void tui_gif_frame(struct tui_gif *g, const struct tui_canvas *c, uint64_t ms)
{
	size_t n = (size_t)g->w * (size_t)g->h;
	if (c->w != g->w || c->h != g->h)
		return;
	if (g->have_last && !memcmp(g->last, c->cells, n * sizeof *c->cells))
		return;
	memcpy(g->last, c->cells, n * sizeof *c->cells);
	g->have_last = true;
	uint64_t at = scaled_cs(g, ms);
	if (g->have_pending && at < g->pending_cs + GIF_MIN_CS) {
		memcpy(g->pending, c->cells, n * sizeof *c->cells); /* too soon: replaces it */
		return;
	}
	if (g->have_pending)
		put_frame(g, at - g->pending_cs);
	memcpy(g->pending, c->cells, n * sizeof *c->cells);
	g->pending_cs = at;
	g->have_pending = true;
}

static void gif_free(struct tui_gif *g)
{
	if (g->surf)
		cairo_surface_destroy(g->surf);
	free(g->last);
	free(g->pending);
	free(g->shown);
	free(g->cur);
	free(g);
	tui_pic_release();
}

int tui_gif_finish(struct tui_gif *g, uint64_t end_ms, int *frames, char *err, size_t errlen)
{
	if (g->have_pending) {
		uint64_t end = scaled_cs(g, end_ms);
		put_frame(g, end > g->pending_cs + GIF_MIN_CS ? end - g->pending_cs : GIF_MIN_CS);
	}
	int e = 0;
	bool ok = !g->failed;
	if (EGifCloseFile(g->gf, &e) != GIF_OK && ok) {
		ok = false;
		g->gif_err = e;
	}
	*frames = g->frames;
	if (!ok) {
		snprintf(err, errlen, "writing %s failed: %s", g->path, GifErrorString(g->gif_err));
		unlink(g->path);
	}
	gif_free(g);
	return ok ? 0 : -1;
}

void tui_gif_abort(struct tui_gif *g)
{
	int e;
	EGifCloseFile(g->gf, &e);
	unlink(g->path);
	gif_free(g);
}
