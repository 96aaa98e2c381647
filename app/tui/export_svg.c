/*
 * export_svg: the canvas as SVG — a fixed grid of TUI_PIC_CW x TUI_PIC_CH
 * pixel cells; one rect per run of cells with the same background (the
 * picture's own background once), one <text> per run of cells of the same
 * look.  Text stays text: box drawing and glyphs are characters, so the
 * picture can be searched and copied.  A run of ASCII is stretched to its
 * cells (textLength); a run with other characters places each one (an x
 * per character), since a fallback font may be wider.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

static void put_utf8(FILE *f, uint32_t cp)
{
	char b[4];
	int n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	fwrite(b, 1, (size_t)n, f);
}

/* One code point as XML character data. */
static void put_xml_char(FILE *f, uint32_t cp)
{
	switch (cp) {
	case '<': fputs("&lt;", f); break;
	case '>': fputs("&gt;", f); break;
	case '&': fputs("&amp;", f); break;
	default:
		/* XML 1.0 has no control characters (the canvas has none either) */
		put_utf8(f, cp < 0x20 || (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff ? '?' : cp);
	}
}

static void put_xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if ((unsigned char)*s >= 0x20 || *s == '\t')
			fputc(*s, f);
	}
}

static bool same_look(struct tui_pic_style a, struct tui_pic_style b)
{
	return a.fg == b.fg && a.bold == b.bold && a.underline == b.underline;
}

bool tui_export_svg(const struct tui_canvas *c, const struct tui_theme *th, bool mono, const char *title,
                    FILE *f)
{
	int pw, ph;
	tui_pic_size(c->w, c->h, &pw, &ph);
	uint32_t page = tui_pic_background(th, mono);
	fprintf(f,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	        "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"%g\">\n"
	        "<title>",
	        pw, ph, pw, ph, TUI_PIC_FONT_PX);
	put_xml_text(f, title);
	fprintf(f, "</title>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#%06" PRIx32 "\"/>\n", page);
	struct tui_pic_style *row = malloc(sizeof *row * (size_t)(c->w ? c->w : 1));
	if (!row)
		return false;
	for (int y = 0; y < c->h; y++) {
		const struct tui_cell *cells = &c->cells[(long)y * c->w];
		for (int x = 0; x < c->w; x++)
			row[x] = tui_pic_style(th, &cells[x], mono);
		int py = TUI_PIC_MARGIN + y * TUI_PIC_CH;
		/* backgrounds */
		for (int x = 0; x < c->w;) {
			int e = x + 1;
			while (e < c->w && row[e].bg == row[x].bg)
				e++;
			if (row[x].bg != page)
				fprintf(
				    f,
				    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#%06" PRIx32
				    "\"/>\n",
				    TUI_PIC_MARGIN + x * TUI_PIC_CW, py, (e - x) * TUI_PIC_CW, TUI_PIC_CH,
				    row[x].bg);
			x = e;
		}
		/* text: runs of one look, blanks at either end left out */
		for (int x = 0; x < c->w;) {
			int e = x + 1;
			while (e < c->w && same_look(row[e], row[x]))
				e++;
			int b = x, l = e;
			if (!row[x].underline) {
				while (b < e && cells[b].ch == ' ')
					b++;
				while (l > b && cells[l - 1].ch == ' ')
					l--;
			}
			if (b < l) {
				bool ascii = true;
				for (int i = b; i < l; i++)
					ascii &= cells[i].ch < 0x80;
				fprintf(f,
				        "<text y=\"%d\" fill=\"#%06" PRIx32 "\"%s%s xml:space=\"preserve\"",
				        py + TUI_PIC_BASELINE, row[x].fg,
				        row[x].bold ? " font-weight=\"bold\"" : "",
				        row[x].underline ? " text-decoration=\"underline\"" : "");
				if (ascii) {
					fprintf(
					    f,
					    " x=\"%d\" textLength=\"%d\" lengthAdjust=\"spacingAndGlyphs\">",
					    TUI_PIC_MARGIN + b * TUI_PIC_CW, (l - b) * TUI_PIC_CW);
				} else {
					fputs(" x=\"", f);
					for (int i = b; i < l; i++)
						fprintf(f, i > b ? " %d" : "%d",
						        TUI_PIC_MARGIN + i * TUI_PIC_CW);
					fputs("\">", f);
				}
				for (int i = b; i < l; i++)
					put_xml_char(f, cells[i].ch);
				fputs("</text>\n", f);
			}
			x = e;
		}
	}
	free(row);
	fputs("</svg>\n", f);
	return !ferror(f);
}
