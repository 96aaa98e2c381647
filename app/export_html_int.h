/*
 * export_html_int: what export_html.c (recording the scenes) and
 * export_html_page.c (writing the page) share.  Not for other modules.
 */
#ifndef MV_EXPORT_HTML_INT_H
#define MV_EXPORT_HTML_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scene.h"

/* The virtual screen when the request gives none (as mapviz record). */
#define HTML_DEFAULT_W 100
#define HTML_DEFAULT_H 30

/* A chapter marker of a cast: its time (seconds) and label (UTF-8). */
struct html_marker {
	double t;
	char *label;
};

/* One scene of the page, recorded. */
struct html_scene {
	char *path;      /* the scene file */
	struct scene sc; /* loaded, with the request's Go release selected */
	bool loaded;
	char keys[4096]; /* the key script it was recorded with */
	char *cast;      /* the asciicast v2 text */
	size_t castlen;
	struct html_marker *markers;
	size_t nmarkers;
};

struct html_page {
	const struct html_scene *scenes;
	size_t n;
	bool lesson;  /* a course: a table of contents and each scene's captions */
	double speed; /* the players' starting speed */
};

/* The default key script for a scene that ends after steps micro-steps
 * (0: it cannot run): a runtime step every 0.25 s to the end (o first
 * when the scene's space runs whole operations, op_unit; a scene of more
 * than 400 steps: 400, then End); two seconds close it. */
void html_default_keys(uint64_t steps, bool op_unit, char *buf, size_t len);
/* A challenge's default key script: its shortest win, one goroutine's
 * digit (1-9) a step, every 0.25 s (o first when op_unit); wit holds the
 * worker index of each step.  false if it does not fit in buf or a
 * worker has no digit. */
bool html_challenge_keys(const uint32_t *wit, uint32_t n, bool op_unit, char *buf, size_t len);
/* The "m" events of an asciicast v2 text, in order (free each label and
 * the array).  -1 when the text is not asciicast v2. */
int html_cast_markers(const char *cast, struct html_marker **out, size_t *n);
/* Write the whole page. */
void html_page_write(FILE *f, const struct html_page *p);
/* Text as HTML (& < > " ' escaped); text as a JSON string that is safe
 * inside a <script> element (< > & U+2028 U+2029 escaped too). */
void html_text(FILE *f, const char *s);
void html_json_string(FILE *f, const char *s, size_t n);

#endif
