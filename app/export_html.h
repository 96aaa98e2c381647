/*
 * export_html: `mapviz export SCENE --keys "..." -o F.html` and
 * `mapviz export --lesson A.yaml B.yaml ... -o course.html` — one
 * self-contained page that plays scripted sessions offline in the
 * asciinema web player (inlined), with the chapter markers as a list.
 * app/export.c parses the command line and calls this.
 */
#ifndef MV_EXPORT_HTML_H
#define MV_EXPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>

struct export_html_req {
	const char *out;                 /* the .html file to write */
	bool force;                      /* replace an existing file */
	const char *const *scenes;       /* a scene (path or bundled name), or a lesson's */
	size_t nscenes;
	bool lesson;                     /* --lesson: a course page with a table of contents */
	const char *keys;                /* the key script; NULL: the exporter's default session */
	int w, h;                        /* the virtual screen */
	const char *theme;               /* NULL: default */
	const char *go;                  /* "1.19", "1.26", NULL: the scene's own */
	double speed;                    /* playback speed, 1.0 normal */
	bool ascii;                      /* --ascii */
};

/* Write the page; 0, or 1 with a message in err (file:line:col for a bad
 * scene, the path for an I/O error). */
int export_html(const struct export_html_req *r, char *err, size_t errlen);

#endif
