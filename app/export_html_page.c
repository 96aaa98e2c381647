/*
 * export_html_page: the page `mapviz export -o F.html` writes — HTML and
 * JSON escaping, reading a cast's markers back, and the page itself: for
 * each scene its title, summary and Go runtime, a player element, the
 * controls and the marker list (and in a lesson its captions), then the
 * casts as JSON and the inlined player (export_html_assets.h).  Every text
 * from a scene is escaped; the page names no network address, and its
 * Content-Security-Policy lets it load nothing from one.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"
#include "engine/core/event.h"
#include "export_html_assets.h"
#include "export_html_int.h"
#include "scenes.h"

void html_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

void html_json_string(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned c = p[i];
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc((int)c, f);
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else if (c == 0xe2 && i + 2 < n && p[i + 1] == 0x80 &&
		           (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
			fprintf(f, "\\u%04x", p[i + 2] == 0xa8 ? 0x2028u : 0x2029u);
			i += 2;
		} else {
			fputc((int)c, f);
		}
	}
	fputc('"', f);
}

/* ---- reading a cast's markers ---- */

static void put_utf8(char **o, unsigned long cp)
{
	unsigned char *q = (unsigned char *)*o;
	if (cp < 0x80) {
		*q++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*q++ = (unsigned char)(0xc0 | cp >> 6);
		*q++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*q++ = (unsigned char)(0xe0 | cp >> 12);
		*q++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		*q++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*q++ = (unsigned char)(0xf0 | cp >> 18);
		*q++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		*q++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		*q++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	*o = (char *)q;
}

static int hex4(const char *p, unsigned long *v)
{
	char buf[5];
	memcpy(buf, p, 4);
	buf[4] = '\0';
	for (int i = 0; i < 4; i++)
		if (!strchr("0123456789abcdefABCDEF", buf[i]) || !buf[i])
			return -1;
	*v = strtoul(buf, NULL, 16);
	return 0;
}

/* Decode the JSON string at *pp (at its opening quote); the text in a new
 * buffer, *pp after the closing quote.  NULL if malformed. */
static char *json_string(const char **pp)
{
	const char *p = *pp;
	if (*p != '"')
		return NULL;
	p++;
	const char *end = p;
	while (*end && *end != '"' && *end != '\n')
		end += *end == '\\' && end[1] ? 2 : 1;
	if (*end != '"')
		return NULL;
	char *out = mv_xmalloc((size_t)(end - p) * 2 + 1), *o = out; /* \uXXXX: 6 in, at most 4 out */
	while (p < end) {
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		p++;
		switch (*p++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned long cp, lo;
			if (end - p < 4 || hex4(p, &cp) != 0)
				goto bad;
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
			    hex4(p + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0xfffd; /* a lone surrogate */
			}
			put_utf8(&o, cp);
			break;
		}
		default: goto bad;
		}
	}
	*o = '\0';
	*pp = end + 1;
	return out;
bad:
	free(out);
	return NULL;
}

int html_cast_markers(const char *cast, struct html_marker **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (strncmp(cast, "{", 1) != 0 || !strstr(cast, "\"version\": 2"))
		return -1;
	size_t cap = 0;
	const char *line = strchr(cast, '\n');
	while (line && line[1]) {
		line++;
		const char *p = line;
		char *e;
		if (*p++ != '[')
			goto bad;
		double t = strtod(p, &e);
		if (e == p)
			goto bad;
		p = e;
		if (strncmp(p, ", \"m\", ", 7) == 0) {
			p += 7;
			char *label = json_string(&p);
			if (!label)
				goto bad;
			if (*n == cap) {
				cap = cap ? cap * 2 : 16;
				*out = mv_xrealloc(*out, cap * sizeof **out);
			}
			(*out)[(*n)++] = (struct html_marker){t, label};
		}
		line = strchr(line, '\n');
	}
	return 0;
bad:
	for (size_t i = 0; i < *n; i++)
		free((*out)[i].label);
	free(*out);
	*out = NULL;
	*n = 0;
	return -1;
}

/* ---- the page ---- */

static void put_time(FILE *f, double t)
{
	int ms = (int)(t * 1000 + 0.5);
	fprintf(f, "%d:%02d.%d", ms / 60000, ms / 1000 % 60, ms / 100 % 10);
}

static void put_scene(FILE *f, const struct html_page *p, size_t k)
{
	const struct html_scene *pg = &p->scenes[k];
	const struct scene *sc = &pg->sc;
	const char *h = p->lesson ? "h2" : "h1";
	fprintf(f, "<section class=\"mv-scene\" id=\"scene-%zu\" data-scene=\"%zu\">\n", k + 1, k);
	fprintf(f, "<%s class=\"mv-title\">", h);
	html_text(f, sc->title);
	fprintf(f, "</%s>\n", h);
	if (sc->summary && *sc->summary) {
		fputs("<p class=\"mv-summary\">", f);
		html_text(f, sc->summary);
		fputs("</p>\n", f);
	}
	fputs("<p class=\"mv-meta\">Models <span class=\"mv-go\">", f);
	html_text(f, mv_go_text(sc->spec.map.go));
	fputs("</span> · scene <code>", f);
	html_text(f, sc->name);
	fputs("</code>", f);
	if (sc->chapter) {
		const char *cn = scenes_chapter_name(sc->chapter);
		fputs(" · chapter ", f);
		html_text(f, sc->chapter);
		if (cn) {
			fputs(": ", f);
			html_text(f, cn);
		}
	}
	fputs(" · keys <code class=\"mv-keys\">", f);
	html_text(f, pg->keys);
	fputs("</code></p>\n", f);
	fputs("<div class=\"mv-stage\">\n<div class=\"mv-player\"></div>\n", f);
	fputs("<div class=\"mv-controls\">"
	      "<button type=\"button\" class=\"mv-prev\" title=\"previous marker\">&#9664; marker</button>"
	      "<button type=\"button\" class=\"mv-play\">Play</button>"
	      "<button type=\"button\" class=\"mv-next\" title=\"next marker\">marker &#9654;</button>"
	      "<label>speed <select class=\"mv-speed\">",
	      f);
	static const double speeds[] = {0.25, 0.5, 1, 1.5, 2, 3, 4};
	bool done = false; /* the page's speed is selected, in its place in the list */
	for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++) {
		if (!done && p->speed < speeds[i] - 1e-9) {
			fprintf(f, "<option value=\"%g\" selected>%g&#215;</option>", p->speed, p->speed);
			done = true;
		}
		bool sel = !done && fabs(speeds[i] - p->speed) < 1e-9;
		done = done || sel;
		fprintf(f, "<option value=\"%g\"%s>%g&#215;</option>", speeds[i], sel ? " selected" : "",
		        speeds[i]);
	}
	if (!done)
		fprintf(f, "<option value=\"%g\" selected>%g&#215;</option>", p->speed, p->speed);
	fputs("</select></label></div>\n", f);
	fprintf(f, "<nav class=\"mv-markers\" aria-label=\"markers\"><h3>Markers (%zu)</h3>\n<ol>\n",
	        pg->nmarkers);
	for (size_t i = 0; i < pg->nmarkers; i++) {
		fprintf(f, "<li><button type=\"button\" class=\"mv-marker\" data-i=\"%zu\" data-t=\"%.6f\">",
		        i, pg->markers[i].t);
		fputs("<span class=\"mv-time\">", f);
		put_time(f, pg->markers[i].t);
		fputs("</span> <span class=\"mv-label\">", f);
		html_text(f, pg->markers[i].label);
		fputs("</span></button></li>\n", f);
	}
	fputs("</ol></nav>\n</div>\n", f);
	if (p->lesson && sc->nnotes) {
		fputs("<details class=\"mv-notes\" open><summary>Captions</summary>\n<ol>\n", f);
		for (uint32_t i = 0; i < sc->nnotes; i++) {
			const struct scene_note *nt = &sc->notes[i];
			fputs("<li><span class=\"mv-when\">", f);
			if (nt->on_event) {
				fputs("on ", f);
				html_text(f, mv_event_name((enum mv_event_kind)nt->event));
			} else {
				fprintf(f, "at step %llu", (unsigned long long)nt->step);
			}
			fputs("</span> ", f);
			html_text(f, nt->say);
			fputs("</li>\n", f);
		}
		fputs("</ol></details>\n", f);
	}
	fputs("</section>\n", f);
}

void html_page_write(FILE *f, const struct html_page *p)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      /* nothing from a network; the player's terminal is WebAssembly */
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "script-src 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; "
	      "img-src data: blob:; font-src data:; media-src data: blob:; worker-src blob:\">\n",
	      f);
	fprintf(f, "<meta name=\"generator\" content=\"mapviz export (asciinema-player %s)\">\n",
	        mv_player_version);
	fputs("<title>", f);
	if (p->lesson) {
		fputs("Course: ", f);
		for (size_t k = 0; k < p->n; k++) {
			if (k)
				fputs(" · ", f);
			html_text(f, p->scenes[k].sc.title);
		}
	} else {
		html_text(f, p->scenes[0].sc.title);
		fputs(" — mapviz", f);
	}
	fputs("</title>\n<style>\n", f);
	fwrite(mv_player_css, 1, mv_player_css_len, f);
	fputs("</style>\n<style>\n", f);
	fwrite(mv_page_css, 1, mv_page_css_len, f);
	fprintf(f, "</style>\n</head>\n<body%s>\n", p->lesson ? " class=\"mv-lesson\"" : "");
	if (p->lesson) {
		fprintf(f,
		        "<header class=\"mv-course\"><h1>Course: %zu scene%s</h1>\n"
		        "<nav class=\"mv-toc\" aria-label=\"contents\"><h2>Contents</h2>\n<ol>\n",
		        p->n, p->n == 1 ? "" : "s");
		for (size_t k = 0; k < p->n; k++) {
			fprintf(f, "<li><a href=\"#scene-%zu\">", k + 1);
			html_text(f, p->scenes[k].sc.title);
			fputs("</a></li>\n", f);
		}
		fputs("</ol></nav></header>\n", f);
	}
	fputs("<main>\n", f);
	for (size_t k = 0; k < p->n; k++)
		put_scene(f, p, k);
	fprintf(f,
	        "</main>\n<footer>Exported by mapviz · played by asciinema-player %s (Apache-2.0), "
	        "inlined</footer>\n",
	        mv_player_version);
	fprintf(f, "<script type=\"application/json\" id=\"mv-data\">{\"speed\": %g, \"casts\": [", p->speed);
	for (size_t k = 0; k < p->n; k++) {
		if (k)
			fputs(",\n", f);
		html_json_string(f, p->scenes[k].cast, p->scenes[k].castlen);
	}
	fputs("]}</script>\n<script>\n", f);
	fwrite(mv_player_js, 1, mv_player_js_len, f);
	fputs("</script>\n<script>\n", f);
	fwrite(mv_page_js, 1, mv_page_js_len, f);
	fputs("</script>\n</body>\n</html>\n", f);
}
