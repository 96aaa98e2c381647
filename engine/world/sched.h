/*
 * sched: running a world's workers on real threads.  Each worker gets a
 * pthread parked on a turnstile; the caller (the scheduler thread) grants
 * one worker one micro-step at a time and waits until it has run.  The step
 * is mv_world_step — the same function the inline path calls — so a world
 * run on threads and one run inline produce the same events, byte for byte.
 *
 * Invariant: at most one thread touches the world at any moment; the
 * turnstile's mutex orders every hand-off (the grant and the "done").
 */
#ifndef MV_SCHED_H
#define MV_SCHED_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/world/world.h"

struct mv_sched_worker;

struct mv_sched {
	struct mv_world *w;
	pthread_t *threads;
	struct mv_sched_worker *args;
	uint32_t n;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int32_t granted;  /* the worker allowed to take a step, -1 none */
	bool stepped;     /* the granted worker has taken it */
	bool quit;
};

/* Start one parked thread per worker of w. */
enum mv_status mv_sched_start(struct mv_sched *s, struct mv_world *w);
/* Let worker i take one step on its own thread; returns when it has. */
void mv_sched_step(struct mv_sched *s, uint32_t i);
/* Pick by the scene's policy and step on a thread; false once ended. */
bool mv_sched_advance(struct mv_sched *s);
/* Stop and join every thread. */
void mv_sched_stop(struct mv_sched *s);

#endif
