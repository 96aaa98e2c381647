/*
 * test_export: the pictures' colors (roles, reverse, dim, NO_COLOR, the
 * light theme, the 256-color cube), SVG escaping and layout, a PNG read
 * back with cairo's PNG reader, and a GIF read back with giflib's reader
 * (DGifSlurp): frames, rectangles, delays, loop block, transparency.
 */
#include <cairo.h>
#include <fcntl.h>
#include <gif_lib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../app/tui/export.h"
#include "unit.h"

static void tmp_path(char *buf, size_t len, const char *ext)
{
	static int n;
	snprintf(buf, len, "%s/mapviz-export-%d-%d%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
	         (int)getpid(), n++, ext);
	unlink(buf);
}

static struct tui_pic_style style(const struct tui_theme *th, int role, int attr, bool mono)
{
	struct tui_cell c = {'x', (uint8_t)role, (uint8_t)attr};
	return tui_pic_style(th, &c, mono);
}

static void pic_colors(void)
{
	struct tui_theme th;
	tui_theme_default(&th);
	/* the default colors: light gray on near-black */
	ASSERT_EQ(tui_pic_background(&th, false), 0x1c1c1c);
	ASSERT_EQ(style(&th, TR_NORMAL, 0, false).fg, 0xd3d7cf);
	/* a role's ANSI color, as the Tango palette */
	ASSERT_EQ(style(&th, TR_BORDER, 0, false).fg, 0x3465a4);
	ASSERT_EQ(style(&th, TR_FATAL, 0, false).fg, 0xcc0000);
	ASSERT(style(&th, TR_FATAL, 0, false).bold);
	/* reverse swaps: touched is black on yellow, reversed */
	struct tui_pic_style s = style(&th, TR_TOUCHED, 0, false);
	ASSERT_EQ(s.fg, 0xc4a000);
	ASSERT_EQ(s.bg, 0x2e3436);
	/* dim: halfway to the background */
	ASSERT_EQ(style(&th, TR_DIM, 0, false).fg, 0x777975);
	/* a cell's own attributes add to the role's */
	s = style(&th, TR_NORMAL, TUI_A_REVERSE | TUI_A_UNDERLINE, false);
	ASSERT_EQ(s.fg, 0x1c1c1c);
	ASSERT_EQ(s.bg, 0xd3d7cf);
	ASSERT(s.underline);
	/* NO_COLOR: every color is the default one; reverse still shows */
	ASSERT_EQ(style(&th, TR_BORDER, 0, true).fg, 0xd3d7cf);
	ASSERT_EQ(style(&th, TR_TOUCHED, 0, true).bg, 0xd3d7cf);
	/* the 256 colors: the cube and the gray ramp */
	ASSERT_EQ(tui_pic_rgb(&th, 196, false), 0xff0000);
	ASSERT_EQ(tui_pic_rgb(&th, 16, false), 0x000000);
	ASSERT_EQ(tui_pic_rgb(&th, 232, false), 0x080808);
	ASSERT_EQ(tui_pic_rgb(&th, 9, false), 0xef2929);
	/* a light theme: dark text on white */
	snprintf(th.name, sizeof th.name, "light");
	ASSERT_EQ(tui_pic_background(&th, false), 0xffffff);
	ASSERT_EQ(style(&th, TR_NORMAL, 0, false).fg, 0x1c1c1c);
}

static void svg_escape_grid(void)
{
	struct tui_canvas c;
	struct tui_theme th;
	tui_theme_default(&th);
	tui_canvas_init(&c, 20, 2, false);
	tui_canvas_clear(&c, TR_NORMAL);
	tui_puts(&c, 0, 0, 20, "a<b&c>d", TR_NORMAL, 0);
	tui_puts(&c, 2, 1, 20, "│→x", TR_BORDER, 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ASSERT(tui_export_svg(&c, &th, false, "t <1> & 2", f));
	fclose(f);
	ASSERT(strstr(buf, "<title>t &lt;1&gt; &amp; 2</title>"));
	ASSERT(strstr(buf, ">a&lt;b&amp;c&gt;d</text>"));
	/* ASCII: stretched to its 7 cells; other characters: an x each */
	ASSERT(strstr(buf, "x=\"8\" textLength=\"63\""));
	ASSERT(strstr(buf, "x=\"26 35 44\""));
	ASSERT(strstr(buf, "fill=\"#3465a4\""));
	free(buf);
	tui_canvas_done(&c);
}

static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
	const unsigned char *d = cairo_image_surface_get_data(s);
	const uint32_t *row =
	    (const uint32_t *)(const void *)(d + (long)y * cairo_image_surface_get_stride(s));
	return row[x] & 0xffffff;
}

static void png_read_back(void)
{
	struct tui_canvas c;
	struct tui_theme th;
	tui_theme_default(&th);
	tui_canvas_init(&c, 10, 3, false);
	tui_canvas_clear(&c, TR_NORMAL);
	tui_puts(&c, 0, 0, 10, "  ", TR_SELECTED, 0); /* reversed: the default fg as background */
	tui_puts(&c, 3, 1, 10, "│", TR_BORDER, 0);
	tui_puts(&c, 5, 2, 10, "█", TR_FATAL, 0);
	char path[512], err[300];
	tmp_path(path, sizeof path, ".png");
	ASSERT_EQ(tui_export_png(&c, &th, false, path, err, sizeof err), 0);
	cairo_surface_t *s = cairo_image_surface_create_from_png(path);
	ASSERT_EQ(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	ASSERT_EQ(cairo_image_surface_get_width(s), 2 * TUI_PIC_MARGIN + 10 * TUI_PIC_CW);
	ASSERT_EQ(cairo_image_surface_get_height(s), 2 * TUI_PIC_MARGIN + 3 * TUI_PIC_CH);
	int cx = TUI_PIC_CW / 2, cy = TUI_PIC_CH / 2;
	ASSERT_EQ(pixel(s, 2, 2), 0x1c1c1c); /* the margin */
	ASSERT_EQ(pixel(s, TUI_PIC_MARGIN + cx, TUI_PIC_MARGIN + cy), 0xd3d7cf);
	ASSERT_EQ(pixel(s, TUI_PIC_MARGIN + 3 * TUI_PIC_CW + cx, TUI_PIC_MARGIN + TUI_PIC_CH + cy), 0x3465a4);
	/* the line is one pixel wide: beside it, the background */
	ASSERT_EQ(pixel(s, TUI_PIC_MARGIN + 3 * TUI_PIC_CW + cx + 2, TUI_PIC_MARGIN + TUI_PIC_CH + cy),
	          0x1c1c1c);
	/* a full block fills its cell to the edges */
	ASSERT_EQ(pixel(s, TUI_PIC_MARGIN + 5 * TUI_PIC_CW, TUI_PIC_MARGIN + 2 * TUI_PIC_CH), 0xcc0000);
	ASSERT_EQ(pixel(s, TUI_PIC_MARGIN + 6 * TUI_PIC_CW - 1, TUI_PIC_MARGIN + 3 * TUI_PIC_CH - 1),
	          0xcc0000);
	cairo_surface_destroy(s);
	tui_pic_release();
	unlink(path);
	tui_canvas_done(&c);
}

static void gif_read_back(void)
{
	struct tui_canvas c;
	struct tui_theme th;
	tui_theme_default(&th);
	tui_canvas_init(&c, 12, 3, false);
	tui_canvas_clear(&c, TR_NORMAL);
	tui_puts(&c, 0, 0, 12, "step 1", TR_TITLE, 0);
	char path[512], err[300];
	tmp_path(path, sizeof path, ".gif");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ASSERT(fd >= 0);
	struct tui_gif *g = tui_gif_create(fd, path, 12, 3, &th, false, 2, 1.0, err, sizeof err);
	ASSERT(g);
	tui_gif_frame(g, &c, 0);
	tui_gif_frame(g, &c, 300); /* the same screen: no frame */
	tui_puts(&c, 5, 0, 12, "2", TR_TITLE, 0);
	tui_gif_frame(g, &c, 500);
	tui_puts(&c, 5, 0, 12, "3", TR_TITLE, 0);
	tui_gif_frame(g, &c, 1250);
	tui_puts(&c, 5, 0, 12, "4", TR_TITLE, 0);
	tui_gif_frame(g, &c, 1255); /* 5 ms later: replaces the one before */
	int frames = 0;
	ASSERT_EQ(tui_gif_finish(g, 2000, &frames, err, sizeof err), 0);
	ASSERT_EQ(frames, 3);
	int e = 0;
	GifFileType *gf = DGifOpenFileName(path, &e);
	ASSERT(gf);
	ASSERT_EQ(DGifSlurp(gf), GIF_OK);
	ASSERT_EQ(gf->ImageCount, 3);
	ASSERT_EQ(gf->SWidth, 2 * TUI_PIC_MARGIN + 12 * TUI_PIC_CW);
	ASSERT_EQ(gf->SHeight, 2 * TUI_PIC_MARGIN + 3 * TUI_PIC_CH);
	static const int delays[] = {50, 75, 75};
	for (int i = 0; i < 3; i++) {
		GraphicsControlBlock gcb;
		ASSERT_EQ(DGifSavedExtensionToGCB(gf, i, &gcb), GIF_OK);
		ASSERT_EQ(gcb.DelayTime, delays[i]);
		ASSERT_EQ(gcb.DisposalMode, DISPOSE_DO_NOT);
		ASSERT_EQ(gcb.TransparentColor == NO_TRANSPARENT_COLOR, i == 0);
	}
	/* the first frame is the whole picture, the others only the digit's cell */
	ASSERT_EQ(gf->SavedImages[0].ImageDesc.Width, gf->SWidth);
	const GifImageDesc *d = &gf->SavedImages[1].ImageDesc;
	ASSERT(d->Left >= TUI_PIC_MARGIN + 5 * TUI_PIC_CW &&
	       d->Left + d->Width <= TUI_PIC_MARGIN + 6 * TUI_PIC_CW);
	ASSERT(d->Top >= TUI_PIC_MARGIN && d->Top + d->Height <= TUI_PIC_MARGIN + TUI_PIC_CH);
	/* the first frame's corner is the background, in the global palette */
	const GifColorType *bg = &gf->SColorMap->Colors[gf->SavedImages[0].RasterBits[0]];
	ASSERT_EQ(bg->Red << 16 | bg->Green << 8 | bg->Blue, 0x1c1c1c);
	/* played twice: the NETSCAPE2.0 block (one repeat) before the first image */
	bool loop = false;
	for (int i = 0; i + 1 < gf->SavedImages[0].ExtensionBlockCount; i++) {
		const ExtensionBlock *x = &gf->SavedImages[0].ExtensionBlocks[i];
		if (x->Function == APPLICATION_EXT_FUNC_CODE && x->ByteCount == 11 &&
		    !memcmp(x->Bytes, "NETSCAPE2.0", 11))
			loop = x[1].Bytes[1] == 1 && x[1].Bytes[2] == 0;
	}
	ASSERT(loop);
	DGifCloseFile(gf, &e);
	unlink(path);
	tui_canvas_done(&c);
}

const struct unit_test export_tests[] = {
    UNIT(pic_colors), UNIT(svg_escape_grid), UNIT(png_read_back), UNIT(gif_read_back), {0},
};
