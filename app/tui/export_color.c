/*
 * export_color: the colors of pictures (SVG, PNG, GIF) — see export.h.
 * A terminal decides what "red" looks like; a picture must pick: the 16
 * ANSI colors are the Tango palette (GNOME Terminal's long-time default,
 * readable on dark and light backgrounds), 16..255 xterm's 6x6x6 cube and
 * gray ramp.  The terminal's default colors come from the theme: dark
 * (#d3d7cf on #1c1c1c) unless the theme's name starts with "light"
 * (#1c1c1c on #ffffff).
 */
#include <string.h>

#include "export.h"

static const uint32_t ansi16[16] = {
    0x2e3436, 0xcc0000, 0x4e9a06, 0xc4a000, 0x3465a4, 0x75507b, 0x06989a, 0xd3d7cf,
    0x555753, 0xef2929, 0x8ae234, 0xfce94f, 0x729fcf, 0xad7fa8, 0x34e2e2, 0xeeeeec,
};

static bool theme_light(const struct tui_theme *th)
{
	return strncmp(th->name, "light", 5) == 0;
}

uint32_t tui_pic_rgb(const struct tui_theme *th, int color, bool bg)
{
	if (color < 0 || color > 255) {
		if (theme_light(th)) /* dark text on white */
			return bg ? 0xffffff : 0x1c1c1c;
		return bg ? 0x1c1c1c : 0xd3d7cf;
	}
	if (color < 16)
		return ansi16[color];
	if (color < 232) {
		static const uint8_t level[6] = {0, 95, 135, 175, 215, 255};
		int c = color - 16;
		return (uint32_t)level[c / 36] << 16 | (uint32_t)level[c / 6 % 6] << 8 | level[c % 6];
	}
	uint32_t g = 8 + 10 * (uint32_t)(color - 232);
	return g << 16 | g << 8 | g;
}

uint32_t tui_pic_background(const struct tui_theme *th, bool mono)
{
	(void)mono;
	return tui_pic_rgb(th, -1, true);
}

/* a halfway between two colors, channel by channel */
static uint32_t blend(uint32_t a, uint32_t b)
{
	uint32_t r = 0;
	for (int s = 0; s < 24; s += 8)
		r |= ((((a >> s) & 0xff) + ((b >> s) & 0xff)) / 2) << s;
	return r;
}

struct tui_pic_style tui_pic_style(const struct tui_theme *th, const struct tui_cell *c, bool mono)
{
	const struct tui_style *st = &th->role[c->role < TR__COUNT ? c->role : 0];
	unsigned a = st->attr | c->attr;
	struct tui_pic_style s;
	s.fg = tui_pic_rgb(th, mono ? -1 : st->fg, false);
	s.bg = tui_pic_rgb(th, mono ? -1 : st->bg, true);
	if (a & TUI_A_REVERSE) {
		uint32_t x = s.fg;
		s.fg = s.bg;
		s.bg = x;
	}
	if (a & TUI_A_DIM)
		s.fg = blend(s.fg, s.bg);
	s.bold = a & TUI_A_BOLD;
	s.underline = a & TUI_A_UNDERLINE;
	return s;
}
