/*
 * tui: `mapviz SCENE` and `mapviz` alone (the scene picker) — the
 * interactive terminal view of a scene: watch, step, rewind, schedule.
 * Everything curses lives under app/tui/; this header does not include it.
 */
#ifndef MV_TUI_H
#define MV_TUI_H

#include <stdbool.h>
#include <stdio.h>

/* `mapviz [OPTIONS] [SCENE]`: argv[0] is the program.  Returns the exit
 * status: 0 on quit, 1 on bad usage, a bad scene or no terminal. */
int tui_main(int argc, char **argv);
/* Whether an argument is one of the TUI's options (for main's dispatch). */
bool tui_is_option(const char *arg);
/* The TUI's options and keys, as `mapviz --help` shows them. */
void tui_help(FILE *f);
/* `mapviz bench tui`: the cost of one step's redraw and of a step back. */
int tui_bench(int argc, char **argv);

#endif
