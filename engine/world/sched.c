/* sched: worker threads on a turnstile; see sched.h. */
#include "engine/world/sched.h"

#include <stdlib.h>

#include "engine/core/alloc.h"

struct mv_sched_worker {
	struct mv_sched *s;
	uint32_t i;
};

static void *worker_main(void *arg)
{
	struct mv_sched_worker *a = arg;
	struct mv_sched *s = a->s;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->quit && !(s->granted == (int32_t)a->i && !s->stepped))
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->quit)
			break;
		/* this thread owns the world until it says it has stepped */
		pthread_mutex_unlock(&s->mu);
		mv_world_step(s->w, a->i);
		pthread_mutex_lock(&s->mu);
		s->stepped = true;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

enum mv_status mv_sched_start(struct mv_sched *s, struct mv_world *w)
{
	s->w = w;
	s->n = w->nworkers;
	s->granted = -1;
	s->stepped = false;
	s->quit = false;
	s->threads = mv_xcalloc(s->n, sizeof *s->threads);
	s->args = mv_xcalloc(s->n, sizeof *s->args);
	if (pthread_mutex_init(&s->mu, NULL) || pthread_cond_init(&s->cv, NULL))
		return MV_ENOMEM;
	for (uint32_t i = 0; i < s->n; i++) {
		s->args[i] = (struct mv_sched_worker){s, i};
		if (pthread_create(&s->threads[i], NULL, worker_main, &s->args[i]) != 0) {
			s->n = i;
			mv_sched_stop(s);
			return MV_ELIMIT;
		}
	}
	return MV_OK;
}

void mv_sched_step(struct mv_sched *s, uint32_t i)
{
	pthread_mutex_lock(&s->mu);
	s->granted = (int32_t)i;
	s->stepped = false;
	pthread_cond_broadcast(&s->cv);
	while (!s->stepped)
		pthread_cond_wait(&s->cv, &s->mu);
	s->granted = -1;
	pthread_mutex_unlock(&s->mu);
}

bool mv_sched_advance(struct mv_sched *s)
{
	int32_t i = mv_world_pick(s->w);
	if (i < 0)
		return false;
	mv_sched_step(s, (uint32_t)i);
	return true;
}

void mv_sched_stop(struct mv_sched *s)
{
	pthread_mutex_lock(&s->mu);
	s->quit = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	for (uint32_t i = 0; i < s->n; i++)
		pthread_join(s->threads[i], NULL);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->threads);
	free(s->args);
	s->threads = NULL;
	s->args = NULL;
}
