/*
 * cmd_check: `mapviz check [--strict] SCENE...` — load and validate each
 * scene file, then look at it the way a student will meet it: run it on its
 * own schedule (headless, inline, as `mapviz test` does) and read what it
 * says.  A good scene prints "PATH: ok" on stdout; a bad one the one-line
 * "FILE:LINE:COL: message" on stderr.  Warnings, "FILE:LINE:COL: warning:
 * message" on stderr, leave a scene ok unless --strict.
 */
#ifndef MV_CMD_CHECK_H
#define MV_CMD_CHECK_H

#include <stdint.h>
#include <stdio.h>

#include "scene.h"

/* A caption or summary longer than this does not fit the TUI's caption
 * line at 80 columns (80, less the frame, the marker and its margins). */
#define CHECK_CAPTION_COLS 76

/* argv[0] is "check", then --strict and paths.  Returns 0 if every scene
 * loads (and, with --strict, has no warning), else 1. */
int cmd_check(int argc, char **argv);

/*
 * What check finds in a loaded scene beyond what the loader refuses.
 * Statically: captions and a summary too long for 80 columns; a signal
 * waited on that no worker closes (unless expect.leaked names every worker
 * that waits on it), or closed while no worker waits on it.  By running the
 * scene on its own schedule for at most max_steps micro-steps: a scene that
 * has not ended by then (an error), notes `at:` a step past the end, and
 * schedule.script entries that never run (their worker cannot run at that
 * point, or the scene ended before them; or the policy is not script).
 *
 * Each finding is one line on f (NULL: none): "PATH:LINE:COL: message" for
 * the error, "PATH:LINE:COL: warning: message" for a warning.  Returns -1
 * if the scene did not end within max_steps (or cannot run), else the
 * number of warnings.
 */
int check_scene(const struct scene *sc, uint64_t max_steps, FILE *f);

/*
 * Only whether the scene ends within max_steps on its own schedule (what
 * `mapviz run` asks before it runs a scene without --steps): 0, or -1 with
 * the same "PATH:LINE:COL: found a scene that does not end ..." line as
 * check_scene on f (NULL: none).
 */
int check_ends(const struct scene *sc, uint64_t max_steps, FILE *f);

#endif
