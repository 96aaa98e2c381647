/* cmd_run: `mapviz run`, `mapviz test`, `mapviz list` (headless). */
#ifndef MV_CMD_RUN_H
#define MV_CMD_RUN_H

#include <stdint.h>

#include "scene.h"

int cmd_run(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_list(int argc, char **argv);
/* Load a scene given as a path or a bundled name; prints the error. */
int load_scene_arg(const char *arg, struct scene *sc);
/* An option's unsigned number (decimal, or 0x hex); -1 if s is not one. */
int cli_parse_u64(const char *s, uint64_t *v);
/* A usage error of `mapviz CMD`: "mapviz CMD: " fmt (with arg), then where
 * its --help is, on stderr; returns 1 (the exit status). */
int cli_usage(const char *cmd, const char *fmt, const char *arg) __attribute__((format(printf, 2, 0)));

#endif
