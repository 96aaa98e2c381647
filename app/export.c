/* export: `mapviz export` — its options; see export.h. */
#include "export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "engine/core/alloc.h"
#include "engine/core/spec.h"
#include "cmd_run.h"
#include "export_html.h"
#include "tui/export.h"

static const char export_help[] =
    "usage: mapviz export SCENE -o FILE [options]\n"
    "       mapviz export --lesson A.yaml B.yaml ... -o course.html\n"
    "Write what the TUI shows as a file anyone can open; the kind comes from FILE's end:\n"
    "  .svg   the screen at a step: text you can select and search, the theme's colors\n"
    "  .png   the same as an image\n"
    "  .txt   the screen as plain text; .ans: with ANSI colors (cat it in a terminal)\n"
    "  .gif   a scripted session (--keys), one frame per screen change, in its own time\n"
    "  .html  a scripted session as a page that plays offline; --lesson: several scenes\n"
    "options:\n"
    "  -o, --output FILE    the file to write (an existing one is refused)\n"
    "  --force              replace FILE if it exists\n"
    "  --out-dir DIR        where a relative FILE goes (default: the current directory)\n"
    "  --step N             go to step N first (.html: the session starts there)\n"
    "  --keys \"SCRIPT\"      then press these keys (as mapviz record --keys: space n b\n"
    "                       left q ..., KEY*N, wait:S, delay:S); a .gif needs it\n"
    "  --size WxH           the screen (default 100x30; a picture: up to 500x300)\n"
    "  --theme NAME         colors: default, light, high-contrast, or a theme file\n"
    "  --go 1.19|1.26       model this Go release instead of the scene's go:\n"
    "  --ascii              ASCII only (box drawing as - | +); NO_COLOR=1: no colors\n"
    "  --speed X            .gif .html: play X times as fast (default 1)\n"
    "  --loop N, --no-loop  .gif: play N times in all (default 0: forever), or once\n"
    "The picture of a step is, cell for cell, what `mapviz --dump --size WxH --step N\n"
    "--keys ...` prints.  e.g.\n"
    "  mapviz export tour --step 229 -o tour.png\n"
    "  mapviz export concurrent-writes --keys \"space wait:3 q\" -o crash.gif\n"
    "Exit status: 0 written, 1 bad usage, a bad scene, or FILE exists.\n";

static int export_usage(const char *fmt, const char *arg) __attribute__((format(printf, 1, 0)));
static int export_usage(const char *fmt, const char *arg)
{
	return cli_usage("export", fmt, arg);
}

enum out_kind { OUT_SVG, OUT_PNG, OUT_TXT, OUT_ANS, OUT_GIF, OUT_HTML, OUT__BAD };

/* The kind of file by its extension (any case). */
static enum out_kind out_kind_of(const char *path, const char **ext)
{
	static const char *const exts[] = {".svg", ".png", ".txt", ".ans", ".gif", ".html"};
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	*ext = dot ? dot : "";
	for (int i = 0; dot && i < OUT__BAD; i++)
		if (strcasecmp(dot, exts[i]) == 0)
			return (enum out_kind)i;
	return OUT__BAD;
}

static bool parse_double(const char *s, double lo, double hi, double *v)
{
	char *end;
	errno = 0;
	double d = s ? strtod(s, &end) : 0;
	if (!s || !*s || *end || errno || !(d >= lo) || !(d <= hi))
		return false;
	*v = d;
	return true;
}

int cmd_export(int argc, char **argv)
{
	struct tui_export_req req = {.w = 100, .h = 30, .speed = 1, .loop = 0};
	const char **scenes = mv_xcalloc((size_t)argc + 1, sizeof *scenes);
	size_t nscenes = 0;
	const char *out = NULL, *out_dir = NULL;
	bool lesson = false, has_speed = false, has_loop = false;
	char *path = NULL;
	int rc = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = !strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--out-dir") ||
		             !strcmp(a, "--step") || !strcmp(a, "--keys") || !strcmp(a, "--size") ||
		             !strcmp(a, "--theme") || !strcmp(a, "--go") || !strcmp(a, "--speed") ||
		             !strcmp(a, "--loop");
		if (takes && !v) {
			export_usage("%s needs a value", a);
			goto out;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(export_help, stdout);
			rc = 0;
			goto out;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (!*v) {
				export_usage("%s needs a file name", a);
				goto out;
			}
			out = v;
		} else if (!strcmp(a, "--out-dir")) {
			out_dir = v;
		} else if (!strcmp(a, "--step")) {
			char *end;
			errno = 0;
			req.step = strtoull(v, &end, 10);
			if (!*v || *end || errno || *v == '-') {
				export_usage("--step takes a number, like 229; found '%s'", v);
				goto out;
			}
			req.has_step = true;
		} else if (!strcmp(a, "--keys")) {
			req.keys = v;
		} else if (!strcmp(a, "--size")) {
			char extra;
			if (sscanf(v, "%dx%d%c", &req.w, &req.h, &extra) != 2 || req.w < 1 || req.h < 1 ||
			    req.w > 1000 || req.h > 1000) {
				export_usage("--size takes WxH (1..1000 each), like 100x30; found '%s'", v);
				goto out;
			}
		} else if (!strcmp(a, "--theme")) {
			req.theme = v;
		} else if (!strcmp(a, "--go")) {
			enum mv_go g;
			if (!mv_go_parse(v, &g)) {
				export_usage("--go takes 1.19 or 1.26, found '%s'", v);
				goto out;
			}
			req.go = v;
		} else if (!strcmp(a, "--speed")) {
			if (!parse_double(v, 0.01, 100, &req.speed)) {
				export_usage(
				    "--speed takes a factor from 0.01 to 100, like 2 or 0.5; found '%s'", v);
				goto out;
			}
			has_speed = true;
		} else if (!strcmp(a, "--loop")) {
			double n;
			if (!parse_double(v, 0, 65536, &n) || n != (int)n) {
				export_usage("--loop takes a count from 0 (forever) to 65536; found '%s'", v);
				goto out;
			}
			req.loop = (int)n;
			has_loop = true;
		} else if (!strcmp(a, "--no-loop")) {
			req.loop = 1;
			has_loop = true;
		} else if (!strcmp(a, "--force")) {
			req.force = true;
		} else if (!strcmp(a, "--ascii")) {
			req.ascii = true;
		} else if (!strcmp(a, "--lesson")) {
			lesson = true;
		} else if (a[0] == '-' && a[1]) {
			export_usage("unknown option '%s'", a);
			goto out;
		} else {
			scenes[nscenes++] = a;
		}
		if (takes)
			i++;
	}
	if (!nscenes) {
		export_usage("%s",
		             lesson ? "which scenes? e.g. mapviz export --lesson a.yaml b.yaml -o course.html"
		                    : "which scene? e.g. mapviz export tour --step 229 -o tour.png");
		goto out;
	}
	if (!out) {
		export_usage("%s", "where to? -o FILE (.svg .png .txt .ans .gif .html)");
		goto out;
	}
	const char *ext;
	enum out_kind kind = out_kind_of(out, &ext);
	if (kind == OUT__BAD) {
		if (*ext)
			export_usage(
			    "cannot write '%s' files; the file's name ends in .svg .png .txt .ans .gif "
			    "or .html",
			    ext);
		else
			export_usage("'%s' has no extension; end it in .svg .png .txt .ans .gif or .html",
			             out);
		goto out;
	}
	if (lesson && kind != OUT_HTML) {
		export_usage("--lesson writes a course page: -o FILE.html, found '%s'", out);
		goto out;
	}
	if (!lesson && nscenes > 1) {
		export_usage("one scene at a time (--lesson takes several); found a second: '%s'", scenes[1]);
		goto out;
	}
	if ((kind == OUT_SVG || kind == OUT_PNG || kind == OUT_GIF) && (req.w > 500 || req.h > 300)) {
		char sz[32];
		snprintf(sz, sizeof sz, "%dx%d", req.w, req.h);
		export_usage("--size: a picture is at most 500x300 cells; found %s", sz);
		goto out;
	}
	if (kind == OUT_GIF && !req.keys) {
		export_usage("%s", "a .gif is a scripted session: add --keys, e.g. --keys \"space*20 q\"");
		goto out;
	}
	if (has_speed && kind != OUT_GIF && kind != OUT_HTML) {
		export_usage("--speed is for .gif and .html; '%s' is one screen", out);
		goto out;
	}
	if (has_loop && kind != OUT_GIF) {
		export_usage("--loop and --no-loop are for .gif, not '%s'", out);
		goto out;
	}
	if (req.has_step && kind == OUT_HTML && (lesson || !req.keys)) {
		export_usage("%s", lesson
		                       ? "--step is for one scene; a course page plays each from its start"
		                       : "--step with .html: add --keys, what the page plays from that step, "
		                         "e.g. --keys \"space*20 q\"");
		goto out;
	}
	if (out_dir) {
		struct stat st;
		if (stat(out_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			export_usage("--out-dir takes a directory that exists, found '%s'", out_dir);
			goto out;
		}
		if (out[0] != '/') {
			size_t n = strlen(out_dir) + strlen(out) + 2;
			path = mv_xmalloc(n);
			snprintf(path, n, "%s/%s", out_dir, out);
			out = path;
		}
	}
	char err[2048];
	char *jump = NULL;
	if (kind == OUT_HTML && req.has_step) {
		/* the session starts at the step: g N Enter, taking no time */
		size_t n = strlen(req.keys) + 96;
		char digits[24];
		snprintf(digits, sizeof digits, "%" PRIu64, req.step);
		jump = mv_xmalloc(n);
		size_t at = (size_t)snprintf(jump, n, "delay:0 g");
		for (const char *c = digits; *c; c++)
			at += (size_t)snprintf(jump + at, n - at, " %c", *c);
		snprintf(jump + at, n - at, " enter delay:0.5 %s", req.keys);
		req.keys = jump;
	}
	if (kind == OUT_HTML) {
		struct export_html_req h = {
		    .out = out,
		    .force = req.force,
		    .scenes = scenes,
		    .nscenes = nscenes,
		    .lesson = lesson,
		    .keys = req.keys,
		    .w = req.w,
		    .h = req.h,
		    .theme = req.theme,
		    .go = req.go,
		    .speed = req.speed,
		    .ascii = req.ascii,
		};
		rc = export_html(&h, err, sizeof err);
	} else {
		static const enum tui_pic_fmt fmts[] = {TUI_PIC_SVG, TUI_PIC_PNG, TUI_PIC_TXT, TUI_PIC_ANS,
		                                        TUI_PIC_GIF};
		req.fmt = fmts[kind];
		req.scene = scenes[0];
		req.out = out;
		rc = tui_export(&req, err, sizeof err);
	}
	if (rc != 0) {
		fprintf(stderr, "mapviz export: %s\n", err);
		rc = 1;
	}
	free(jump);
out:
	free(path);
	free(scenes);
	return rc;
}
