/*
 * tui_main: `mapviz [OPTIONS] [SCENE]` and `mapviz record`'s TUI — the
 * options (and their --help text), the looks (ASCII, NO_COLOR), and which
 * way a run goes: the picker, the terminal loop, a headless --dump or a
 * scripted recording.  Time travel is in timeline.c, the terminal in
 * term.c, drawing in views.c.
 */

#include "tui.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/alloc.h"
#include "../scenes.h"
#include "term.h"
#include "tui_int.h"

#define TUI_OPTIONS                                                                                 \
	"  --theme NAME      colors and glyphs: default, light, high-contrast, or a theme file\n"   \
	"  --watch           reload the scene when its file changes (keeps the step when it can)\n" \
	"  --ascii           ASCII only (also when the locale is not UTF-8, e.g. LANG=C)\n"         \
	"  --out-dir DIR     where r and e write their files (default: the current directory)\n"    \
	"  --go 1.19|1.26    model this Go release instead of the scene's go: (1.19: the bucket\n"  \
	"                    map of Go 1.19-1.23; 1.26: the Swiss-table map of Go 1.24+)\n"         \
	"  --dump            print the screen as text instead of opening the terminal (tests):\n"   \
	"    --size WxH        its size (default 80x24)\n"                                          \
	"    --step N          go to step N first\n"                                                \
	"    --keys \"K ...\"    then press these keys (space left right up down home end tab\n"    \
	"                      enter esc pgup pgdn, one character, KEY*N: see mapviz record)\n"     \
	"    --rec             draw the header as while recording (● REC)\n"                      \
	"  NO_COLOR=1 in the environment turns colors off; every color has a glyph twin.\n"

void tui_help(FILE *f)
{
	fputs("\nthe TUI (mapviz [options] SCENE, or mapviz alone for the scene picker):\n" TUI_OPTIONS
	      "\nkeys in the TUI:\n",
	      f);
	tui_keys_print(f);
}

bool tui_is_option(const char *a)
{
	static const char *const opts[] = {"--theme", "--watch", "--ascii", "--dump", "--size",
	                                   "--step",  "--keys",  "--rec",   "--go",   "--out-dir"};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		if (strncmp(a, opts[i], strlen(opts[i])) == 0 &&
		    (a[strlen(opts[i])] == '\0' || a[strlen(opts[i])] == '='))
			return true;
	return false;
}

/* ---- looks ---- */

static bool want_ascii(bool forced)
{
	if (forced)
		return true;
	const char *e = getenv("MAPVIZ_ASCII");
	if (e && *e && strcmp(e, "0") != 0)
		return true;
	const char *cs = nl_langinfo(CODESET);
	return !cs || (strcmp(cs, "UTF-8") != 0 && strcmp(cs, "utf8") != 0);
}

bool tui_no_color(void)
{
	const char *e = getenv("NO_COLOR");
	return e && *e;
}

/* ---- main ---- */

static int usage(const char *fmt, const char *arg)
{
	fputs("mapviz: ", stderr);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
	fputs("\n(see mapviz --help)\n", stderr);
	return 1;
}

int tui_main(int argc, char **argv)
{
	return tui_main_tap(argc, argv, NULL);
}

/* ---- main ---- */

static int tui_main_common(int argc, char **argv, const struct tui_output_tap *tap,
                           const struct tui_record *rec);

int tui_main_tap(int argc, char **argv, const struct tui_output_tap *tap)
{
	return tui_main_common(argc, argv, tap, NULL);
}

int tui_main_record(int argc, char **argv, const struct tui_record *rec)
{
	return tui_main_common(argc, argv, NULL, rec);
}

static int tui_main_common(int argc, char **argv, const struct tui_output_tap *tap,
                           const struct tui_record *rec)
{
	const char *scene_arg = NULL, *theme = NULL, *keys = NULL, *out_dir = NULL;
	bool watch = false, ascii = false, dump = false, has_step = false, show_rec = false, has_go = false;
	enum mv_go go = MV_GO_1_19;
	int dw = 80, dh = 24;
	uint64_t step = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *eq = strchr(a, '=');
		const char *v = eq && a[0] == '-' ? eq + 1 : i + 1 < argc ? argv[i + 1] : NULL;
		bool inl = eq && a[0] == '-';
#define OPT(name) (strncmp(a, name, strlen(name)) == 0 && (a[strlen(name)] == '\0' || a[strlen(name)] == '='))
		if (OPT("--theme") || OPT("--size") || OPT("--step") || OPT("--keys") || OPT("--go") ||
		    OPT("--out-dir")) {
			if (!v)
				return usage("%s needs a value", a);
			if (!inl)
				i++;
			if (OPT("--theme")) {
				theme = v;
			} else if (OPT("--out-dir")) {
				out_dir = v;
			} else if (OPT("--go")) {
				if (!mv_go_parse(v, &go))
					return usage("--go takes 1.19 or 1.26, found '%s'", v);
				has_go = true;
			} else if (OPT("--keys")) {
				keys = v;
			} else if (OPT("--size")) {
				if (sscanf(v, "%dx%d", &dw, &dh) != 2 || dw < 1 || dh < 1 || dw > 1000 ||
				    dh > 1000)
					return usage("--size takes WxH, like 80x24; found '%s'", v);
			} else {
				char *end;
				errno = 0;
				step = strtoull(v, &end, 10);
				if (!*v || *end || errno || *v == '-')
					return usage("--step takes a number, found '%s'", v);
				has_step = true;
			}
		} else if (strcmp(a, "--watch") == 0) {
			watch = true;
		} else if (strcmp(a, "--ascii") == 0) {
			ascii = true;
		} else if (strcmp(a, "--dump") == 0) {
			dump = true;
		} else if (strcmp(a, "--rec") == 0) {
			show_rec = true; /* --dump: the header as while recording */
		} else if (a[0] == '-' && a[1]) {
			return usage("unknown option '%s'", a);
		} else if (!scene_arg) {
			scene_arg = a;
		} else {
			return usage("one scene at a time; found a second: '%s'", a);
		}
#undef OPT
	}
	setlocale(LC_ALL, "");
	/* r and e name their files by full path: a stray key in a checkout
	 * is seen, not silent */
	char out_abs[4096];
	if (out_dir) {
		struct stat st;
		if (stat(out_dir, &st) != 0 || !S_ISDIR(st.st_mode) || !realpath(out_dir, out_abs))
			return usage("--out-dir takes a directory that exists, found '%s'", out_dir);
	} else if (!getcwd(out_abs, sizeof out_abs)) {
		snprintf(out_abs, sizeof out_abs, ".");
	}
	struct tui *t = mv_xcalloc(1, sizeof *t);
	snprintf(t->out_dir, sizeof t->out_dir, "%s", out_abs);
	t->ascii = want_ascii(ascii);
	t->watch = watch;
	t->has_go = has_go;
	t->go = go;
	t->speed = 2;
	t->search_hit = -1;
	tui_theme_default(&t->theme);
	char err[1024];
	int rc = 0;
	if (theme && tui_theme_load(&t->theme, theme, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		free(t);
		return 1;
	} else if (!theme && tui_theme_load(&t->theme, "default", err, sizeof err) != 0) {
		tui_theme_default(&t->theme); /* no assets installed: the built-in one */
	}
	tui_canvas_init(&t->cv, 80, 24, t->ascii);
	char path[4096] = "";
	if (scene_arg) {
		char near[256];
		if (scenes_resolve(scene_arg, path, sizeof path) != 0 && !strchr(scene_arg, '/') &&
		    scenes_suggest(scene_arg, near, sizeof near) == 0) {
			fprintf(
			    stderr,
			    "mapviz: no scene named '%s'; did you mean '%s'? (mapviz list shows them all)\n",
			    scene_arg, near);
			rc = 1;
			goto out;
		}
		if (tui_open_scene(t, path, err, sizeof err) != 0) {
			fprintf(stderr, "%s\n", err);
			rc = 1;
			goto out;
		}
	} else if (dump) {
		rc = tui_dump_picker(t, dw, dh, keys);
		goto out;
	}
	if (dump) {
		t->recording = show_rec;
		rc = tui_dump_screen(t, dw, dh, step, has_step, keys);
		goto out;
	}
	if (rec && rec->script) {
		rc = tui_record_script(t, rec);
		goto out;
	}
	const char *why = tui_term_unusable();
	if (why) {
		if (rec)
			fprintf(
			    stderr,
			    "mapviz record: %s, so nobody can drive the TUI; record a key script instead: "
			    "mapviz record %s -o %s --keys \"space*5 n q\"\n",
			    why, scene_arg, rec->path);
		else
			fprintf(stderr,
			        "mapviz: %s, so the TUI cannot start; for a transcript use `mapviz run %s`\n",
			        why, scene_arg ? scene_arg : "SCENE");
		rc = 1;
		goto out;
	}
	struct tui_term term;
	struct tui_rec tr;
	tui_rec_init(&tr, tap);
	t->rec = &tr;
	t->recording = tap != NULL;
	if (rec) {
		tr.force = rec->force;
		tr.idle_limit = rec->idle_limit;
		tr.title = rec->title;
		snprintf(tr.base, sizeof tr.base, "%s", rec->path);
		int rows, cols;
		tui_term_size(&rows, &cols);
		if (tui_rec_start(t, rec->path, cols, rows, false, NULL, 0, err, sizeof err) != 0) {
			fprintf(stderr, "mapviz record: %s\n", err);
			rc = 1;
			goto out;
		}
	}
	if (tui_term_open(&term, &t->theme, tui_no_color(), &tr.tap) != 0) {
		if (tui_rec_active(t)) {
			tui_rec_stop(t, NULL, 0);
			unlink(tr.path);
		}
		rc = 1;
		goto out;
	}
	tui_resize_canvas(t, &term);
	/* mapviz alone: the picker; quitting a scene opened from it comes
	 * back to it */
	char filter[48] = "";
	for (char last[4096] = "";;) {
		if (!scene_arg) {
			if (!tui_run_picker(t, &term, last[0] ? last : NULL, filter, sizeof filter, path,
			                    sizeof path))
				break;
			if (tui_open_scene(t, path, err, sizeof err) != 0) {
				tui_flash(t, "%s", err);
				continue;
			}
			snprintf(last, sizeof last, "%s", path);
		}
		if (has_step) {
			tl_seek(&t->tl, step);
			tui_after_move(t);
		}
		tui_rec_check(t);
		rc = tui_run_loop(t, &term);
		if (scene_arg || tui_term_quit_requested())
			break;
		tui_close_scene(t);
		t->quit = false;
		t->playing = false;
		t->flash[0] = '\0';
	}
	tui_term_close(&term); /* the relay has passed on every byte */
	if (tui_rec_active(t)) {
		if (tui_rec_stop(t, NULL, 0)) {
			fprintf(stderr, "mapviz: recorded %s (play it: asciinema play %s)\n", tr.path,
			        tr.path);
		} else {
			fprintf(stderr, "mapviz: writing %s failed; it is cut short\n", tr.path);
			rc = 1;
		}
	} else if (tr.nstarted) {
		fprintf(stderr, "mapviz: the last recording is %s (play it: asciinema play %s)\n", tr.path,
		        tr.path);
	}
	if (tui_term_quit_requested())
		rc = 128 + tui_term_quit_requested(); /* as a shell reports a signal */
out:
	if (t->rec == &tr) {
		tui_rec_stop(t, NULL, 0);
		pthread_mutex_destroy(&tr.mu);
	}
	t->rec = NULL;
	tui_close_scene(t);
	tui_canvas_done(&t->cv);
	free(t);
	return rc;
}
