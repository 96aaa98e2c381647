/*
 * term: the only file that talks to curses and to the terminal.
 *
 * Output.  curses (ncursesw) is the encoder: the canvas's changed cells
 * are blitted into stdscr and doupdate() turns them into the fewest
 * escape sequences.  The screen is made with newterm(NULL, out, in) where
 * `out` is a FILE on a pipe that term owns: ncurses writes its bytes there
 * (it writes to the FILE's descriptor, so a fopencookie FILE cannot catch
 * them), and a relay thread copies every byte to the terminal and, when
 * one is set, to an output tap — the exact bytes the terminal got, which
 * is what an asciicast recording needs.
 *
 * Input and modes.  Because curses talks to a pipe, term sets the real
 * terminal's modes itself (termios on stdin: no echo, no line buffering,
 * signals kept so Ctrl-C is SIGINT) and decodes keys itself (keys.h).
 *
 * Restoring the terminal.  On close, and also from an atexit handler, from
 * SIGINT/SIGTERM/SIGHUP (which only set a flag the main loop reads) and from
 * fatal signals (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL: restore with
 * async-signal-safe calls, then re-raise with the default action).
 * SIGWINCH only sets a flag; the main loop redraws.
 *
 * The state signal handlers need (flags, the saved modes, the restore
 * sequence) is the one file-scope variable of the TUI; nothing else here
 * is global.
 */
#ifndef MV_TUI_TERM_H
#define MV_TUI_TERM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "canvas.h"
#include "theme.h"
#include "tui.h" /* struct tui_output_tap */

struct tui_term {
	int pipefd[2];
	pthread_t relay;
	FILE *out;
	void *screen; /* SCREEN * */
	bool color;   /* colors in use (not NO_COLOR, terminal has them) */
	int rows, cols;
	const struct tui_theme *theme;
	struct tui_canvas front; /* what the terminal shows */
	bool force;              /* repaint every cell on the next blit */
	const struct tui_output_tap *tap;
	int pending; /* a byte read ahead by the key decoder, -1 */
	bool relay_started;
	FILE *vin;      /* a virtual screen's input (/dev/null) */
	int relay_busy; /* the relay holds bytes the tap has not had yet */
};

/* Why the TUI cannot start, or NULL: stdin/stdout not a terminal, no
 * TERM. */
const char *tui_term_unusable(void);
/* Take over the terminal.  no_color: ignore colors (NO_COLOR).  Returns 0
 * or -1 with a message on stderr. */
int tui_term_open(struct tui_term *t, const struct tui_theme *th, bool no_color,
                  const struct tui_output_tap *tap);
/* Give the terminal back exactly as it was. */
void tui_term_close(struct tui_term *t);
/* Install the signal handlers (once). */
void tui_term_signals(void);
/* Set by signal handlers: the terminal was resized (cleared by reading);
 * the signal that asked to quit (SIGINT, SIGTERM, SIGHUP), or 0. */
bool tui_term_resized(void);
int tui_term_quit_requested(void);
/* The terminal's size now. */
void tui_term_size(int *rows, int *cols);
/* Follow a new terminal size. */
void tui_term_resize(struct tui_term *t, int rows, int cols);
/* Show the canvas: only cells that differ from the last blit are sent. */
void tui_term_blit(struct tui_term *t, const struct tui_canvas *c);
/* Repaint everything on the next blit (Ctrl-L). */
void tui_term_repaint(struct tui_term *t);
/* The next key within timeout_ms (-1: wait), TK_NONE on timeout or when a
 * signal arrived. */
int tui_term_key(struct tui_term *t, int timeout_ms);

/* Wait until every byte curses wrote has reached the terminal and the tap
 * (so a recording can start or stop between two frames). */
void tui_term_drain(struct tui_term *t);
/* The bytes that take the terminal (smcup civis) and give it back (sgr0
 * cnorm rmcup), for a recording that starts or stops mid-session; their
 * length (0 if they do not fit). */
size_t tui_term_enter_sequence(char *buf, size_t len);
size_t tui_term_restore_sequence(char *buf, size_t len);

/* For benchmarks and tests: curses on a FILE that is not a terminal (e.g.
 * /dev/null) at a fixed size; no terminal modes, no relay. */
int tui_term_open_virtual(struct tui_term *t, const struct tui_theme *th, FILE *out, int rows, int cols);
void tui_term_close_virtual(struct tui_term *t);
/* The same, set up as the terminal is (no cursor, colors unless no_color):
 * a scripted recording's virtual screen, whose terminal type is
 * tui_term_virtual_name(). */
int tui_term_open_recorded(struct tui_term *t, const struct tui_theme *th, bool no_color, FILE *out, int rows,
                           int cols);
const char *tui_term_virtual_name(void);

#endif
