/*
 * cmd_check: `mapviz check SCENE...` — load and validate each scene file;
 * print "PATH: ok" on stdout for a good one and the one-line
 * "FILE:LINE:COL: message" on stderr for a bad one.
 */
#ifndef MV_CMD_CHECK_H
#define MV_CMD_CHECK_H

/* argv[0] is "check", then paths.  Returns 0 if every scene loads, else 1. */
int cmd_check(int argc, char **argv);

#endif
