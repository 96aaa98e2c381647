/*
 * scenes: finding scenes — a path as given, or a bundled scene by name,
 * looked up in $MAPVIZ_SCENES, then beside the binary (scenes/), then in the
 * installed share directory (../share/mapviz/scenes relative to the binary).
 */
#ifndef MV_SCENES_H
#define MV_SCENES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "engine/core/spec.h"

/* Resolve name to a readable file path in buf; 0 on success, -1 if none. */
int scenes_resolve(const char *name, char *buf, size_t len);
/* The bundled scene directory in buf; 0 on success. */
int scenes_dir(char *buf, size_t len);
/* The bundled scenes' paths, sorted (free each and the array). */
char **scenes_list(size_t *n);

/* A bundled scene as the picker and `mapviz list` show it. */
struct scene_info {
	char *path, *name, *title, *summary;
	char *chapter; /* "2.1", or NULL */
	enum mv_go go; /* the Go release it models (its go:) */
	bool broken;   /* does not load: summary holds the error */
};
/* Every bundled scene, loaded, by chapter ("2.10" after "2.9"; none
 * last) then name.  NULL (and *n = 0) when there is no scene directory.
 * Free with scenes_catalog_free. */
struct scene_info *scenes_catalog(size_t *n);
void scenes_catalog_free(struct scene_info *v, size_t n);
/* What a chapter of the article is about ("The concurrent-writes fatal
 * error"), or NULL. */
const char *scenes_chapter_name(const char *chapter);
/* The bundled scene whose name is closest to name (a typo: "tuor"), in
 * buf; 0 if one is close enough, -1 if none. */
int scenes_suggest(const char *name, char *buf, size_t len);
/* `mapviz list`: the bundled scenes grouped by chapter, in aligned
 * columns; returns 1 when there are none (a message on stderr). */
int scenes_print_list(FILE *f);

#endif
