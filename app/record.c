/* record: the asciicast v2 writer and `mapviz record`; see record.h. */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/alloc.h"
#include "keyscript.h"
#include "tui/tui.h"

/* ---- JSON ---- */

static void put(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t nc = *cap ? *cap : 256;
		while (nc < *len + n + 1)
			nc *= 2;
		*buf = mv_xrealloc(*buf, nc);
		*cap = nc;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* The length of the UTF-8 sequence at s (n bytes available): > 0 a valid
 * character, 0 incomplete (valid so far), -1 invalid. */
static int utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	int len;
	unsigned lo = 0x80, hi = 0xbf; /* the second byte's range */
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0; /* no overlongs */
		if (c == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f; /* <= U+10FFFF */
	} else
		return -1;
	for (int i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return 0;
		unsigned b = s[i];
		if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf))
			return -1;
	}
	return len;
}

/* The length of an incomplete UTF-8 character at the end of s[0..n). */
static size_t incomplete_tail(const unsigned char *s, size_t n)
{
	for (size_t k = 1; k <= 3 && k <= n; k++) {
		unsigned char b = s[n - k];
		if (b >= 0xc0)
			return utf8_len(s + n - k, k) == 0 ? k : 0;
		if (b < 0x80)
			return 0;
	}
	return 0;
}

size_t cast_json_escape(char **buf, size_t *len, size_t *cap, const char *s, size_t n, bool carry)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned char c = u[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(buf, len, cap, esc, 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			const char *e = c == '\n'   ? "\\n"
			                : c == '\r' ? "\\r"
			                : c == '\t' ? "\\t"
			                : c == '\b' ? "\\b"
			                : c == '\f' ? "\\f"
			                            : NULL;
			if (e)
				put(buf, len, cap, e, 2);
			else {
				snprintf(esc, sizeof esc, "\\u%04x", c);
				put(buf, len, cap, esc, 6);
			}
			i++;
		} else if (c < 0x80) {
			size_t j = i;
			while (j < n && u[j] >= 0x20 && u[j] < 0x7f && u[j] != '"' && u[j] != '\\')
				j++;
			put(buf, len, cap, s + i, j - i);
			i = j;
		} else {
			int l = utf8_len(u + i, n - i);
			if (l > 0) {
				put(buf, len, cap, s + i, (size_t)l);
				i += (size_t)l;
			} else if (l == 0 && carry) {
				return n - i; /* held back for the next chunk */
			} else {
				put(buf, len, cap, "\\ufffd", 6);
				i++;
				/* an invalid or cut sequence: skip its continuation bytes */
				while (l == 0 && i < n && (u[i] & 0xc0) == 0x80)
					i++;
			}
		}
	}
	return 0;
}

/* ---- the file ---- */

/* The casts open now, for a recording stopped by a signal (see
 * record_stop_thread): it keeps them from the writers and finishes them. */
#define CAST_OPEN_MAX 8
static struct {
	pthread_mutex_t mu;
	struct cast *open[CAST_OPEN_MAX];
} g_casts = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void casts_track(struct cast *c, bool add)
{
	pthread_mutex_lock(&g_casts.mu);
	for (int i = 0; i < CAST_OPEN_MAX; i++)
		if (add ? !g_casts.open[i] : g_casts.open[i] == c) {
			g_casts.open[i] = add ? c : NULL;
			break;
		}
	pthread_mutex_unlock(&g_casts.mu);
}

static void write_all(struct cast *c, const char *s, size_t n)
{
	while (n && !c->failed) {
		ssize_t w = write(c->fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			c->failed = true;
			break;
		}
		s += w;
		n -= (size_t)w;
	}
}

static double real_now(const struct cast *c)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)(ts.tv_sec - c->t0.tv_sec) + (double)(ts.tv_nsec - c->t0.tv_nsec) / 1e9;
}

/* The time of an event now (the caller holds mu). */
static double event_time(struct cast *c)
{
	double src = c->virt ? c->vnow : real_now(c);
	double d = src - c->last_src;
	if (d < 0)
		d = 0;
	if (c->idle_limit > 0 && d > c->idle_limit)
		d = c->idle_limit;
	c->last_src = src;
	c->last_t += d;
	/* what is written is rounded to microseconds: keep the sum exact */
	c->last_t = round(c->last_t * 1e6) / 1e6;
	return c->last_t;
}

/* One event line: [t, "code", "escaped data"] (the caller holds mu). */
static size_t event_line(struct cast *c, const char *code, const char *data, size_t n, bool carry)
{
	size_t len = 0;
	char head[64];
	int hl = snprintf(head, sizeof head, "[%.6f, \"%s\", \"", event_time(c), code);
	put(&c->line, &len, &c->cap, head, (size_t)hl);
	size_t held = cast_json_escape(&c->line, &len, &c->cap, data, n, carry);
	put(&c->line, &len, &c->cap, "\"]\n", 3);
	write_all(c, c->line, len);
	return held;
}

static void json_str(char **buf, size_t *len, size_t *cap, const char *s)
{
	put(buf, len, cap, "\"", 1);
	cast_json_escape(buf, len, cap, s, strlen(s), false);
	put(buf, len, cap, "\"", 1);
}

int cast_open(struct cast *c, const char *path, bool force, const struct cast_header *h, bool virt, char *err,
              size_t errlen)
{
	memset(c, 0, sizeof *c);
	c->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0644);
	if (c->fd < 0) {
		if (errno == EEXIST)
			snprintf(err, errlen, "%s exists; not overwriting it (--force replaces it)", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	pthread_mutex_init(&c->mu, NULL);
	c->virt = virt;
	c->idle_limit = h->idle_limit;
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	size_t len = 0;
	char num[160];
	snprintf(num, sizeof num, "{\"version\": 2, \"width\": %d, \"height\": %d", h->width, h->height);
	put(&c->line, &len, &c->cap, num, strlen(num));
	if (h->has_timestamp) {
		snprintf(num, sizeof num, ", \"timestamp\": %" PRId64, h->timestamp);
		put(&c->line, &len, &c->cap, num, strlen(num));
	}
	if (h->idle_limit > 0) {
		snprintf(num, sizeof num, ", \"idle_time_limit\": %g", h->idle_limit);
		put(&c->line, &len, &c->cap, num, strlen(num));
	}
	if (h->title) {
		put(&c->line, &len, &c->cap, ", \"title\": ", 11);
		json_str(&c->line, &len, &c->cap, h->title);
	}
	put(&c->line, &len, &c->cap, ", \"env\": {\"TERM\": ", 18);
	json_str(&c->line, &len, &c->cap, h->term ? h->term : "");
	put(&c->line, &len, &c->cap, ", \"SHELL\": ", 11);
	json_str(&c->line, &len, &c->cap, h->shell ? h->shell : "");
	put(&c->line, &len, &c->cap, "}}\n", 3);
	write_all(c, c->line, len);
	if (c->failed) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		cast_close(c);
		return -1;
	}
	casts_track(c, true);
	return 0;
}

int cast_close(struct cast *c)
{
	if (c->fd < 0)
		return -1;
	casts_track(c, false);
	pthread_mutex_lock(&c->mu);
	if (c->ncarry)
		event_line(c, "o", (const char *)c->carry, c->ncarry, false);
	c->ncarry = 0;
	if (close(c->fd) != 0)
		c->failed = true;
	c->fd = -1;
	free(c->line);
	c->line = NULL;
	pthread_mutex_unlock(&c->mu);
	pthread_mutex_destroy(&c->mu);
	return c->failed ? -1 : 0;
}

void cast_output(struct cast *c, const char *buf, size_t n)
{
	if (!n)
		return;
	pthread_mutex_lock(&c->mu);
	const char *data = buf;
	char *joined = NULL;
	if (c->ncarry) {
		joined = mv_xmalloc(c->ncarry + n);
		memcpy(joined, c->carry, c->ncarry);
		memcpy(joined + c->ncarry, buf, n);
		n += c->ncarry;
		data = joined;
		c->ncarry = 0;
	}
	/* a character cut at the end of the chunk waits for the rest */
	size_t held = incomplete_tail((const unsigned char *)data, n);
	if (held < n)
		event_line(c, "o", data, n - held, false);
	if (held) {
		memcpy(c->carry, data + n - held, held);
		c->ncarry = held;
	}
	c->nout++;
	free(joined);
	pthread_mutex_unlock(&c->mu);
}

void cast_marker(struct cast *c, const char *label)
{
	pthread_mutex_lock(&c->mu);
	event_line(c, "m", label, strlen(label), false);
	c->nmarkers++;
	pthread_mutex_unlock(&c->mu);
}

void cast_resize(struct cast *c, int width, int height)
{
	char s[32];
	snprintf(s, sizeof s, "%dx%d", width, height);
	pthread_mutex_lock(&c->mu);
	event_line(c, "r", s, strlen(s), false);
	pthread_mutex_unlock(&c->mu);
}

void cast_set_time(struct cast *c, double seconds)
{
	pthread_mutex_lock(&c->mu);
	c->vnow = seconds;
	pthread_mutex_unlock(&c->mu);
}

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
	pthread_mutex_lock(&g_casts.mu);
	for (int i = 0; i < CAST_OPEN_MAX; i++) {
		struct cast *c = g_casts.open[i];
		if (!c)
			continue;
		pthread_mutex_lock(&c->mu); /* kept: nothing more is written */
		if (c->ncarry)
			event_line(c, "o", (const char *)c->carry, c->ncarry, false);
		c->ncarry = 0;
	}
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
	fputs("mapviz record: ", stderr);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
	fputs("\n(see mapviz record --help)\n", stderr);
	return 1;
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
