/*
 * theme: what each role on the screen looks like — a foreground and
 * background color, attributes, and for the roles that stand for a state
 * (a slot's tophash state, a goroutine's state, a heat level) a glyph in
 * UTF-8 and its ASCII twin.  Colors carry meaning, glyphs carry the same
 * meaning without color (NO_COLOR, monochrome, LANG=C).
 *
 * Themes are YAML files (assets/themes/NAME.yaml) checked with the scene
 * loader's machinery (yamltree + yamlcheck): every error names
 * FILE:LINE:COL.  A theme lists only the roles it changes; the rest keep
 * the built-in default below.
 */
#ifndef MV_TUI_THEME_H
#define MV_TUI_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Colors: -1 = the terminal's default, 0..7 the ANSI colors, 8..15 bright. */
enum { TC_DEF = -1, TC_BLACK, TC_RED, TC_GREEN, TC_YELLOW, TC_BLUE, TC_MAGENTA, TC_CYAN, TC_WHITE };

/*
 * X(ENUM, name in theme files, fg, bg, attributes (TUI_A_* of canvas.h),
 *   glyph, ASCII glyph).  A glyph is "" for roles that are not a state.
 */
#define TUI_ROLE_MAP(X)                                                  \
	X(NORMAL, "normal", TC_DEF, TC_DEF, 0, "", "")                   \
	X(TITLE, "title", TC_CYAN, TC_DEF, 1, "", "")                    \
	X(BORDER, "border", TC_BLUE, TC_DEF, 0, "", "")                  \
	X(BORDER_FOCUS, "border_focus", TC_CYAN, TC_DEF, 1, "", "")      \
	X(LABEL, "label", TC_DEF, TC_DEF, 8, "", "")                     \
	X(VALUE, "value", TC_DEF, TC_DEF, 1, "", "")                     \
	X(DIM, "dim", TC_DEF, TC_DEF, 8, "", "")                         \
	X(EMPTY_REST, "empty_rest", TC_BLUE, TC_DEF, 8, "··", "..")      \
	X(EMPTY_ONE, "empty_one", TC_YELLOW, TC_DEF, 0, "__", "__")      \
	X(LIVE, "live", TC_GREEN, TC_DEF, 1, "", "")                     \
	X(EVAC_X, "evacuated_x", TC_MAGENTA, TC_DEF, 0, "→X", ">X")      \
	X(EVAC_Y, "evacuated_y", TC_CYAN, TC_DEF, 0, "→Y", ">Y")         \
	X(EVAC_EMPTY, "evacuated_empty", TC_BLUE, TC_DEF, 8, "→·", ">.") \
	X(CTRL_EMPTY, "ctrl_empty", TC_BLUE, TC_DEF, 8, "··", "..")      \
	X(TOMBSTONE, "tombstone", TC_YELLOW, TC_DEF, 0, "××", "xx")       \
	X(TOUCHED, "touched", TC_BLACK, TC_YELLOW, 2, "", "")            \
	X(PROBE, "probe", TC_YELLOW, TC_DEF, 1, "◂", "<")                \
	X(SELECTED, "selected", TC_DEF, TC_DEF, 2, "▸", ">")             \
	X(HEAT0, "heat_empty", TC_BLUE, TC_DEF, 8, "·", ".")             \
	X(HEAT1, "heat_low", TC_GREEN, TC_DEF, 0, "", "")                \
	X(HEAT2, "heat_mid", TC_YELLOW, TC_DEF, 1, "", "")               \
	X(HEAT3, "heat_full", TC_RED, TC_DEF, 1, "+", "+")               \
	X(RUNNING, "running", TC_GREEN, TC_DEF, 1, "▶", ">")             \
	X(RUNNABLE, "runnable", TC_DEF, TC_DEF, 0, "•", "o")             \
	X(BLOCKED, "blocked", TC_YELLOW, TC_DEF, 1, "‖", "=")            \
	X(SLEEPING, "sleeping", TC_BLUE, TC_DEF, 0, "z", "z")            \
	X(DONE, "done", TC_DEF, TC_DEF, 8, "✓", "v")                     \
	X(LEAKED, "leaked", TC_MAGENTA, TC_DEF, 1, "!", "!")             \
	X(FATAL, "fatal", TC_RED, TC_DEF, 1, "✗", "x")                   \
	X(WRITING, "writing", TC_RED, TC_DEF, 1, "", "")                 \
	X(EVENT, "event", TC_DEF, TC_DEF, 0, "", "")                     \
	X(EVENT_STEP, "event_step", TC_DEF, TC_DEF, 8, "", "")           \
	X(EVENT_GROW, "event_grow", TC_MAGENTA, TC_DEF, 0, "", "")       \
	X(EVENT_LOCK, "event_lock", TC_YELLOW, TC_DEF, 0, "", "")        \
	X(EVENT_BAD, "event_bad", TC_RED, TC_DEF, 1, "", "")             \
	X(MATCH, "match", TC_BLACK, TC_CYAN, 2, "", "")                  \
	X(CAPTION, "caption", TC_YELLOW, TC_DEF, 1, "", "")              \
	X(KEYHINT, "keyhint", TC_DEF, TC_DEF, 8, "", "")                 \
	X(KEY, "key", TC_CYAN, TC_DEF, 1, "", "")                        \
	X(FLASH, "flash", TC_BLACK, TC_YELLOW, 1, "", "")                \
	X(OVERLAY, "overlay", TC_DEF, TC_DEF, 0, "", "")                 \
	X(OVERLAY_BORDER, "overlay_border", TC_RED, TC_DEF, 1, "", "")   \
	X(BAR_FILL, "bar_fill", TC_GREEN, TC_DEF, 0, "█", "#")           \
	X(BAR_EMPTY, "bar_empty", TC_DEF, TC_DEF, 8, "░", ".")           \
	X(REC, "rec", TC_RED, TC_DEF, 1, "●", "*")

enum tui_role {
#define TUI_ROLE_ENUM(e, name, fg, bg, attr, glyph, ascii) TR_##e,
	TUI_ROLE_MAP(TUI_ROLE_ENUM)
#undef TUI_ROLE_ENUM
	    TR__COUNT
};

struct tui_style {
	int16_t fg, bg;
	uint8_t attr;
	char glyph[16]; /* UTF-8, "" = none */
	char ascii[8];  /* the ASCII twin */
};

struct tui_theme {
	char name[64];
	struct tui_style role[TR__COUNT];
};

/* The built-in default theme. */
void tui_theme_default(struct tui_theme *t);
/* A role's name in theme files. */
const char *tui_role_name(enum tui_role r);

/*
 * Load a theme by name (a bundled theme in $MAPVIZ_THEMES, beside the
 * binary in assets/themes/, or ../share/mapviz/themes) or by path (a name
 * with a '/' or ending in .yaml).  Starts from the default.  On error
 * returns -1 with "FILE:LINE:COL: message" in err.
 */
int tui_theme_load(struct tui_theme *t, const char *name_or_path, char *err, size_t errlen);
/* Load from a file path. */
int tui_theme_load_file(struct tui_theme *t, const char *path, char *err, size_t errlen);

#endif
