/*
 * cast: the asciicast v2 writer (`mapviz record` and the TUI's r write
 * through it).
 *
 * An asciicast v2 file is one JSON header line
 *     {"version": 2, "width": W, "height": H, "timestamp": T,
 *      "idle_time_limit": S, "title": "...", "env": {"TERM": ..., "SHELL": ...}}
 * then one JSON array per line: [seconds, "o", "bytes written"] for output,
 * [seconds, "m", "label"] for a marker (a chapter a player can jump to),
 * [seconds, "r", "WxH"] for a resize.
 *
 * The writer writes each line with one write(2) as it happens — no stdio
 * buffer — so a recording killed at any moment is a valid file up to its
 * last complete line.  Output is UTF-8: a multi-byte character split
 * across two chunks is held back until it is complete; bytes that are not
 * UTF-8 become U+FFFD (curses in a UTF-8 locale writes none).
 *
 * Time is real (seconds since the recording began) or virtual (set by the
 * caller: a key script's waits); either way every pause longer than the
 * idle limit is cut to it, and times never go backwards.
 *
 * No curses here; the TUI (app/tui/rec.c) feeds a cast through its output
 * tap.
 * Thread-safe: the TUI's relay thread writes output while its main thread
 * writes markers.
 */
#ifndef MV_CAST_H
#define MV_CAST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct cast {
	int fd;
	pthread_mutex_t mu;
	bool virt;          /* time is set by cast_set_time */
	double vnow;        /* virtual: the time now */
	struct timespec t0; /* real: when it began */
	double idle_limit;  /* 0: none */
	double last_src;    /* the clock at the last event */
	double last_t;      /* the time written at the last event */
	unsigned char carry[4];
	size_t ncarry;
	char *line;
	size_t cap;
	bool failed; /* a write failed: the rest is dropped */
	uint64_t nout, nmarkers;
};

struct cast_header {
	int width, height;
	bool has_timestamp;
	int64_t timestamp;
	double idle_limit; /* 0: not in the header */
	const char *title; /* NULL: none */
	const char *term, *shell;
};

/* Create path (refusing an existing file unless force) and write the
 * header.  virt: time is virtual.  -1 with a message in err. */
int cast_open(struct cast *c, const char *path, bool force, const struct cast_header *h, bool virt, char *err,
              size_t errlen);
/* Finish (a held-back partial character is written as U+FFFD); -1 if a
 * write failed at any time (the file is cut there). */
int cast_close(struct cast *c);
/* Output bytes, as the terminal got them. */
void cast_output(struct cast *c, const char *buf, size_t n);
/* A marker. */
void cast_marker(struct cast *c, const char *label);
/* The screen's new size. */
void cast_resize(struct cast *c, int width, int height);
/* Virtual time: the clock now, in seconds. */
void cast_set_time(struct cast *c, double seconds);

/* JSON string contents for bytes [s, s+n): appended to *buf (grown with
 * mv_xrealloc).  With carry: a trailing incomplete UTF-8 sequence is not
 * written; its length is returned (else it becomes U+FFFD and 0 is
 * returned). */
size_t cast_json_escape(char **buf, size_t *len, size_t *cap, const char *s, size_t n, bool carry);

/* For a process about to _exit on a signal: every open cast writes the
 * character it held back (as U+FFFD) and is then kept from the writers for
 * good (its lock and the registry's stay held), so each file ends on its
 * last complete line.  Never returns the locks; call once. */
void cast_freeze_all(void);

#endif
