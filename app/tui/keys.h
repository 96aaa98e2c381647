/*
 * keys: the TUI's one keymap.  Each row is an action, the keys that do
 * it, the label the help screen, the key bar, `mapviz --help`, the man page
 * and the README show, and its help text.  Adding a binding is one line
 * here and one case in keys.c's dispatch (the compiler lists missing ones).
 *
 * Key codes: printable ASCII as themselves, special keys TK_* (term.c
 * decodes the terminal's escape sequences into them).
 */
#ifndef MV_TUI_KEYS_H
#define MV_TUI_KEYS_H

#include <stdio.h>

enum {
	TK_NONE = -1,
	TK_TAB = '\t',
	TK_ENTER = '\n',
	TK_ESC = 27,
	TK_UP = 0x100,
	TK_DOWN,
	TK_LEFT,
	TK_RIGHT,
	TK_HOME,
	TK_END,
	TK_PGUP,
	TK_PGDN,
	TK_BTAB,
	TK_BACKSPACE,
	TK_DELETE,
	TK_F1,
};

#define TK_CTRL(c) ((c)&0x1f)

/*
 * X(ACTION, word in the key bar ("" = not there), label, help, key codes...)
 * — up to 4 codes; 0 ends the list.  DIGIT is special: the keys 1..9.
 */
#define TUI_KEY_MAP(X)                                                                                      \
	X(STEP, "step", "space →", "step forward: one runtime step, or one whole operation (o toggles)",    \
	  ' ', TK_RIGHT, 'l', 0)                                                                            \
	X(BACK, "back", "←", "step back: exactly the screen before that step", TK_LEFT, TK_BACKSPACE, 0,    \
	  0)                                                                                                \
	X(PLAY, "play", "p", "play / pause", 'p', 0, 0, 0)                                                  \
	X(FASTER, "+/- speed", "+", "play faster", '+', '=', 0, 0)                                          \
	X(SLOWER, "", "-", "play slower", '-', '_', 0, 0)                                                   \
	X(START, "", "Home", "go to the start (step 0)", TK_HOME, '<', 0, 0)                                \
	X(END, "", "End", "run to the end of the scene", TK_END, '>', 0, 0)                                 \
	X(GOTO, "", "g", "go to step N (type the number, Enter)", 'g', 0, 0, 0)                             \
	X(NEXT_EVENT, "next event", "n", "run to the next event or caption (inside an operation too)", 'n', \
	  0, 0, 0)                                                                                          \
	X(NEXT_BREAK, "", "b", "run to the next breakpoint of the scene", 'b', 0, 0, 0)                     \
	X(DIGIT, "run G", "1-9", "run goroutine G1..G9's next step yourself (the choice is recorded)", '1', \
	  0, 0, 0)                                                                                          \
	X(EXPLORE, "", "x",                                                                                 \
	  "explore every schedule from this step: how the run can end, and the shortest way to each",       \
	  'x', 0, 0, 0)                                                                                     \
	X(HINT, "", "h", "challenges: the next goroutine to run on the shortest way to the goal", 'h', 0,   \
	  0, 0)                                                                                             \
	X(REJOIN, "", "s", "back to the scene's own schedule at this step (drops the steps you picked)",    \
	  's', 0, 0, 0)                                                                                     \
	X(UNIT, "", "o", "toggle what space runs: one runtime step or one whole operation", 'o', 0, 0, 0)   \
	X(FOCUS, "panel", "Tab", "focus the next panel (buckets, goroutines, locks, events)", TK_TAB, 0, 0, \
	  0)                                                                                                \
	X(FOCUS_BACK, "", "S-Tab", "focus the previous panel", TK_BTAB, 0, 0, 0)                            \
	X(UP, "", "↑ ↓", "move in the focused panel (bucket, goroutine, event)", TK_UP, 'k', 0, 0)          \
	X(DOWN, "", "", "", TK_DOWN, 'j', 0, 0)                                                             \
	X(PGUP, "", "PgUp PgDn", "scroll the focused panel a page", TK_PGUP, 0, 0, 0)                       \
	X(PGDN, "", "", "", TK_PGDN, 0, 0, 0)                                                               \
	X(OPEN, "", "Enter", "open the selected bucket in the inspector (keys, values, hash bits)",         \
	  TK_ENTER, '\r', 0, 0)                                                                             \
	X(SHARD_PREV, "", "[ ]", "previous / next shard (sharded maps; past the last: follow contention)",  \
	  '[', 0, 0, 0)                                                                                     \
	X(SHARD_NEXT, "", "", "", ']', 0, 0, 0)                                                             \
	X(SEARCH, "", "/", "search the event log (/ then Enter alone: the match before)", '/', 0, 0, 0)     \
	X(SOURCE, "", "y", "show the programs as the scene's YAML instead of Go (toggle)", 'y', 0, 0, 0)    \
	X(HELP, "help", "?", "this help", '?', TK_F1, 0, 0)                                                 \
	X(CLOSE, "", "Esc", "close the help, the inspector, a report or a list; stop a search", TK_ESC, 0,  \
	  0, 0)                                                                                                \
	X(RECORD, "", "r",                                                                                  \
	  "start / stop recording to SCENE-N.cast in --out-dir (asciicast; see mapviz record)", 'r', 0, 0,  \
	  0)                                                                                                \
	X(EXPORT, "", "e", "save the screen to SCENE-stepN.txt and .ans (colors), or .png or .svg (E)",    \
	  'e', 0, 0, 0)                                                                                     \
	X(EXPORT_KIND, "", "E", "what e saves: .txt and .ans, .png, .svg (in turn), in --out-dir", 'E', 0, \
	  0, 0)                                                                                             \
	X(REDRAW, "", "Ctrl-L", "redraw the whole screen", TK_CTRL('l'), 0, 0, 0)                           \
	X(QUIT, "quit", "q", "quit (Ctrl-C too)", 'q', 'Q', 0, 0)

enum tui_action {
#define TUI_KEY_ENUM(a, bar, label, help, k1, k2, k3, k4) TA_##a,
	TUI_KEY_MAP(TUI_KEY_ENUM)
#undef TUI_KEY_ENUM
	    TA__COUNT,
	TA_NONE = -1
};

struct tui_key {
	const char *label, *help;
	const char *bar; /* its word in the key bar, "" = not shown */
	int codes[4];    /* 0-terminated unless all four are used */
};

/* The table, indexed by action. */
extern const struct tui_key tui_keys[TA__COUNT];
/* The action bound to key code k (1..9 map to TA_DIGIT), or TA_NONE. */
enum tui_action tui_key_action(int k);
/* The keymap as text, one "  LABEL  HELP" line per labelled action (for
 * `mapviz --help`, the man page and the README). */
void tui_keys_print(FILE *f);

#endif
