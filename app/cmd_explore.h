/* cmd_explore: `mapviz explore SCENE` — every schedule of a scene, sorted
 * by outcome (engine/explore). */
#ifndef MV_CMD_EXPLORE_H
#define MV_CMD_EXPLORE_H

#include <stdint.h>
#include <stdio.h>

#include "engine/explore/explore.h"
#include "scene.h"

int cmd_explore(int argc, char **argv);

/* A class as the output names it: "ok", "fatal: concurrent map writes". */
void explore_class_label(const struct mv_explore_class *c, char *buf, size_t len);
/* The class's file-name slug: "ok", "fatal-concurrent-map-writes". */
void explore_class_slug(const struct mv_explore_class *c, char *buf, size_t len);
/* Print a witness as worker names, runs compressed: "writer-A*3 writer-B". */
void explore_print_witness(FILE *f, const struct scene *sc, const uint32_t *wit, uint32_t n);

#endif
