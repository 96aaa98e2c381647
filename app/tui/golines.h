/*
 * golines: a worker's program as the Go it stands for — `m[1] = 10`,
 * `v, ok := m[3]`, `delete(m, 5)`, `for k, v := range m {`, `mu.RLock()`,
 * `sm.LoadOrStore("d", 5)`, `close(done)`, `<-done`, a repeat as a for loop
 * (on one line when its one statement fits) — one line per Go line, each
 * knowing the scene instruction it stands for, so the TUI can mark where a
 * goroutine is.  An operation behind a SafeMap's lock (map impl mutex or
 * rwmutex) is its critical section: Lock, the map operation, Unlock, each
 * a line of its own.  No curses: the views draw the lines.
 *
 * Variable names come from the scene file's `var:` and `val:` (the spec
 * keeps only their indices); when they cannot be found, i, j, k... stand in.
 */
#ifndef MV_TUI_GOLINES_H
#define MV_TUI_GOLINES_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/world/world.h"

/* One Go line of a program. */
struct goline {
	char text[160];
	uint8_t depth; /* indentation: nesting of loop bodies */
	uint8_t part;  /* a critical section's line: 0 Lock (or the op), 1 the op, 2 Unlock */
	bool close;    /* a closing brace: stands for no instruction of its own */
	uint32_t pc;   /* the instruction (for a closing brace: its loop) */
	uint32_t line; /* where the instruction stands in the scene file */
};

struct goprog {
	struct goline *l;
	uint32_t n;
	int width; /* the width it was made for (one-line loops fit it) */
};

/* Make worker wi's program of spec as Go lines at most width columns wide
 * where a choice exists (a loop on one line or three).  src: the scene
 * file's lines (for variable names), may be NULL.  Free with
 * golines_free. */
void golines_build(struct goprog *gp, const struct mv_world_spec *sp, uint32_t wi, char *const *src,
                   uint32_t nsrc, int width);
void golines_free(struct goprog *gp);
/* The line worker wi of world w is at (its operation in flight, or the
 * next one), or -1 when its program has ended. */
int golines_current(const struct goprog *gp, const struct mv_world *w, uint32_t wi);
/* What the operation in flight does with its operands evaluated, in Go
 * ("m[12] = 3", "delete(m, \"b\")"); "" when nothing is in flight or the
 * line already says it (no variables). */
void golines_now(const struct goprog *gp, const struct mv_world *w, uint32_t wi, char *buf, size_t len);

#endif
