/*
 * scenes: finding scenes — a path as given, or a bundled scene by name,
 * looked up in $MAPVIZ_SCENES, then beside the binary (scenes/), then in the
 * installed share directory (../share/mapviz/scenes relative to the binary).
 */
#ifndef MV_SCENES_H
#define MV_SCENES_H

#include <stddef.h>

/* Resolve name to a readable file path in buf; 0 on success, -1 if none. */
int scenes_resolve(const char *name, char *buf, size_t len);
/* The bundled scene directory in buf; 0 on success. */
int scenes_dir(char *buf, size_t len);
/* The bundled scenes' paths, sorted (free each and the array). */
char **scenes_list(size_t *n);

#endif
