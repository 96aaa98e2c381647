/* cast: the asciicast v2 writer (JSON lines, one write(2) each); see cast.h. */
#include "cast.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/alloc.h"

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
 * cast_freeze_all): it keeps them from the writers and finishes them. */
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

void cast_freeze_all(void)
{
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
}
