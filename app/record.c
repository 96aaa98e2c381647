/* record: `mapviz record` — its options, and a scripted recording stopped
 * by a signal; see record.h.  The asciicast writer is cast.c. */
#include "record.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/alloc.h"
#include "cast.h"
#include "cmd_run.h"
#include "keyscript.h"
#include "tui/tui.h"

/* ---- a scripted recording stopped by a signal ---- */

struct stop_ctx {
	sigset_t set;
	const char *path;
};

/*
 * A scripted recording has no terminal and nobody to press q: SIGINT,
 * SIGTERM or SIGHUP ends it here, on a thread of its own (the signals are
 * blocked in every other thread, so curses' handlers, which would exit 1,
 * never run).  Each open cast keeps every complete line, gets the character
 * it held back and is then kept from the writers; a transcript is flushed;
 * the process exits 128 + N, as the TUI does.
 */
static void *record_stop_thread(void *arg)
{
	struct stop_ctx *sc = arg;
	int sig;
	if (sigwait(&sc->set, &sig) != 0)
		return NULL;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	cast_freeze_all();
	fflush(NULL); /* a transcript */
	const char *name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
	if (strcmp(sc->path, "-") == 0)
		fprintf(stderr, "mapviz record: stopped by %s\n", name);
	else
		fprintf(stderr, "mapviz record: stopped by %s; %s keeps what was recorded until then\n", name,
		        sc->path);
	fflush(stderr);
	_exit(128 + sig);
}

/* tui_main_record for a key script, with record_stop_thread standing by. */
static int record_scripted(int argc, char **argv, const struct tui_record *rec)
{
	struct stop_ctx sc = {.path = rec->path};
	sigset_t old;
	pthread_t th;
	sigemptyset(&sc.set);
	sigaddset(&sc.set, SIGINT);
	sigaddset(&sc.set, SIGTERM);
	sigaddset(&sc.set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sc.set, &old);
	bool started = pthread_create(&th, NULL, record_stop_thread, &sc) == 0;
	int rc = tui_main_record(argc, argv, rec);
	if (started) {
		pthread_cancel(th); /* in sigwait; or, stopping, it exits */
		pthread_join(th, NULL);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* ---- mapviz record ---- */

static const char record_help[] =
    "usage: mapviz record SCENE -o FILE.cast [options]\n"
    "Record the TUI as an asciicast v2 file (play it with `asciinema play FILE.cast`).\n"
    "Without --keys a person drives the TUI in this terminal; r stops the recording.\n"
    "  -o, --output FILE    the file to write (an existing one is refused)\n"
    "  --force              replace FILE if it exists\n"
    "  --keys \"SCRIPT\"      record without a person or a terminal: press these keys on\n"
    "                       a virtual screen, in virtual time (see below)\n"
    "  --size WxH           the virtual screen of --keys (default 100x30)\n"
    "  --idle-limit S       cut every pause longer than S seconds to S\n"
    "  --title TEXT         the recording's title (default: the scene's)\n"
    "  --format cast|text   cast (default), or with --keys a plain-text transcript:\n"
    "                       each screen after each key, for handouts (-o - for stdout)\n"
    "  --theme NAME, --ascii  as in the TUI\n"
    "The key script (--keys): words separated by spaces —\n"
    "  KEY          a key: space left right up down home end tab btab enter esc\n"
    "               pgup pgdn f1 bs ctrl-l, or one character (n b p q 1 ? ...)\n"
    "  KEY*N        the key N times\n"
    "  wait:S       S seconds pass (a playing scene plays on)\n"
    "  delay:S      S seconds pass before each key from here on (default 0.5)\n"
    "  e.g. --keys \"space*5 wait:0.5 n b left q\"\n"
    "Markers (chapters): every caption, breakpoint, fatal error and goroutine you\n"
    "pick by hand is a marker event in the file.  A scripted recording is the same\n"
    "byte for byte each time (its header has a timestamp only with SOURCE_DATE_EPOCH).\n"
    "Exit status: 0 recorded, 1 bad usage, a bad scene, or FILE exists, 128+N when\n"
    "signal N stopped it (SIGINT, SIGTERM, SIGHUP: FILE keeps what was recorded).\n";

static int record_usage(const char *fmt, const char *arg) __attribute__((format(printf, 1, 0)));
static int record_usage(const char *fmt, const char *arg)
{
	return cli_usage("record", fmt, arg);
}

static int parse_seconds(const char *s, double *v)
{
	char *end;
	errno = 0;
	double d = s ? strtod(s, &end) : 0;
	if (!s || !*s || *end || errno || !(d >= 0) || d > 86400)
		return -1;
	*v = d;
	return 0;
}

int cmd_record(int argc, char **argv)
{
	struct tui_record rec = {.w = 100, .h = 30};
	bool text = false, has_size = false;
	char **targv = mv_xcalloc((size_t)argc + 2, sizeof *targv);
	int targc = 0;
	targv[targc++] = argv[0];
	const char *scene = NULL;
	int rc = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(record_help, stdout);
			rc = 0;
			goto out;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (!v || !*v) {
				record_usage("%s needs a file name", a);
				goto out;
			}
			rec.path = v;
			i++;
		} else if (!strcmp(a, "--force")) {
			rec.force = true;
		} else if (!strcmp(a, "--keys")) {
			if (!v) {
				record_usage("%s", "--keys needs a key script, e.g. --keys \"space*5 q\"");
				goto out;
			}
			rec.script = v;
			i++;
		} else if (!strcmp(a, "--size")) {
			if (!v || sscanf(v, "%dx%d", &rec.w, &rec.h) != 2 || rec.w < 1 || rec.h < 1 ||
			    rec.w > 1000 || rec.h > 1000) {
				record_usage("--size takes WxH, like 100x30; found '%s'", v ? v : "");
				goto out;
			}
			has_size = true;
			i++;
		} else if (!strcmp(a, "--idle-limit")) {
			if (parse_seconds(v, &rec.idle_limit) || rec.idle_limit <= 0) {
				record_usage("--idle-limit takes seconds (> 0), like 2 or 0.5; found '%s'",
				             v ? v : "");
				goto out;
			}
			i++;
		} else if (!strcmp(a, "--title")) {
			if (!v) {
				record_usage("%s", "--title needs a text");
				goto out;
			}
			rec.title = v;
			i++;
		} else if (!strcmp(a, "--format")) {
			if (!v || (strcmp(v, "cast") && strcmp(v, "text"))) {
				record_usage("--format takes cast or text, found '%s'", v ? v : "");
				goto out;
			}
			text = !strcmp(v, "text");
			i++;
		} else if (!strcmp(a, "--theme")) {
			if (!v) {
				record_usage("%s", "--theme needs a name");
				goto out;
			}
			targv[targc++] = argv[i++];
			targv[targc++] = argv[i];
		} else if (!strcmp(a, "--ascii")) {
			targv[targc++] = argv[i];
		} else if (a[0] == '-' && a[1]) {
			record_usage("unknown option '%s'", a);
			goto out;
		} else if (!scene) {
			scene = a;
			targv[targc++] = argv[i];
		} else {
			record_usage("one scene at a time; found a second: '%s'", a);
			goto out;
		}
	}
	if (!scene) {
		record_usage("%s", "which scene? e.g. mapviz record tour -o tour.cast");
		goto out;
	}
	if (!rec.path) {
		record_usage("%s", "where to? -o FILE.cast");
		goto out;
	}
	if (text && !rec.script) {
		record_usage("%s", "--format text needs --keys (a transcript of a scripted session)");
		goto out;
	}
	if (has_size && !rec.script) {
		record_usage("%s", "--size is for --keys; a person's recording has the terminal's size");
		goto out;
	}
	if (!strcmp(rec.path, "-") && !text) {
		record_usage("%s", "-o - (stdout) is for --format text; a cast needs a file");
		goto out;
	}
	if (rec.script) {
		struct keyscript ks;
		char err[256];
		if (keyscript_parse(rec.script, &ks, err, sizeof err) != 0) {
			record_usage("--keys: %s", err);
			goto out;
		}
		keyscript_free(&ks);
	}
	rec.text = text;
	rc = rec.script ? record_scripted(targc, targv, &rec) : tui_main_record(targc, targv, &rec);
out:
	free(targv);
	return rc;
}
