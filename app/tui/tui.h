/*
 * tui: `mapviz SCENE` and `mapviz` alone (the scene picker) — the
 * interactive terminal view of a scene: watch, step, rewind, schedule.
 * Everything curses lives under app/tui/; this header does not include it.
 */
#ifndef MV_TUI_H
#define MV_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Where the exact bytes written to the terminal are also sent (e.g. an
 * asciicast writer).  The callback runs on the terminal's relay thread, in
 * order, once per chunk; ctx is the caller's. */
struct tui_output_tap {
	void (*write)(void *ctx, const char *buf, size_t n);
	void *ctx;
};

/* `mapviz record` (app/record.c parses its options; see record.h). */
struct tui_record {
	const char *path;   /* the .cast to write (the transcript with text; "-" stdout) */
	bool force;         /* replace an existing file */
	double idle_limit;  /* seconds, 0: none */
	const char *title;  /* NULL: the scene's title */
	const char *script; /* a key script (keyscript.h): record headlessly */
	int w, h;           /* the virtual screen of a scripted recording */
	bool text;          /* a plain-text transcript instead of a cast (scripted) */
};

/* `mapviz [OPTIONS] [SCENE]`: argv[0] is the program.  Returns the exit
 * status: 0 on quit, 1 on bad usage, a bad scene or no terminal, 128+N
 * when signal N ended it. */
int tui_main(int argc, char **argv);
/* The same with a tap on the terminal output (NULL: none); while a tap is
 * set the header shows "● REC". */
int tui_main_tap(int argc, char **argv, const struct tui_output_tap *tap);
/* `mapviz record`: argv holds the scene and the TUI's own options
 * (--theme, --ascii).  Exit status as tui_main. */
int tui_main_record(int argc, char **argv, const struct tui_record *rec);
/* Whether an argument is one of the TUI's options (for main's dispatch). */
bool tui_is_option(const char *arg);
/* The TUI's options and keys, as `mapviz --help` shows them. */
void tui_help(FILE *f);
/* `mapviz bench tui`: the cost of one step's redraw and of a step back. */
int tui_bench(int argc, char **argv);

#endif
