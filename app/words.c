/*
 * words: what people read about a run, worded once for every writer — the
 * transcript of `mapviz run`, the TUI's event log and goroutine panel, the
 * recordings.  Events, keys and what each runtime phase does.
 */
#include "words.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* A key as people read it: 17, or "alice" quoted with control bytes escaped. */
void words_key(const struct mv_world_spec *spec, int64_t key, char *buf, size_t len)
{
	if (spec->map.key == MV_KEY_INT) {
		snprintf(buf, len, "%" PRId64, key);
		return;
	}
	size_t n, o = 0;
	const char *s = mv_strpool_get(spec->strs, (uint32_t)key, &n);
	if (len < 4) {
		buf[0] = '\0';
		return;
	}
	buf[o++] = '"';
	for (size_t i = 0; i < n && o + 5 < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

/* What the lock phases do (locks.h); the map phases are each engine's. */
static const struct words_gloss lock_glosses[] = {
    {"fast_cas", "CAS the mutex from unlocked to locked"},
    {"sem_acquire", "lock taken: sleep on the semaphore"},
    {"unlock_add", "unlock: state -= locked"},
    {"add_reader_count", "readerCount++ (negative: a writer is waiting)"},
    {"sub_reader_count", "readerCount--"},
    {"announce_writer", "readerCount -= 2^30: readers must wait"},
    {"retract_writer", "readerCount += 2^30: readers may enter"},
    {"load_state", "read the mutex state to decide: spin, queue or starve (MU2)"},
    {"slow_cas", "CAS the new state: locked, a waiter more, or starving"},
    {"sem_wait", "asleep on the semaphore until an Unlock wakes it"},
    {"woke_load", "woken: read the state again and retry"},
    {"take_handoff", "starving mode: the lock was handed straight to it"},
    {"trylock_load", "TryLock: read the state; locked or starving means no"},
    {"trylock_cas", "TryLock: one CAS to locked, no waiting"},
    {"unlock_load", "Unlock: read the state to see who waits"},
    {"unlock_cas", "Unlock: CAS a waiter out and mark one woken"},
    {"sem_release", "wake one waiter on the semaphore"},
    {"sem_handoff", "starving: hand the lock to the first waiter"},
    {"acquire_reader_sem", "a writer is waiting: queue on readerSem"},
    {"wait_reader_sem", "asleep until the writer's Unlock lets readers in"},
    {"tryrlock_load", "TryRLock: a writer pending means no"},
    {"tryrlock_cas", "TryRLock: one CAS of readerCount"},
    {"sub_reader_wait", "the last reader a writer waits for wakes it"},
    {"release_writer_sem", "wake the writer waiting for the readers"},
    {"add_reader_wait", "the writer counts the readers still inside"},
    {"acquire_writer_sem", "readers still inside: queue on writerSem"},
    {"wait_writer_sem", "asleep until the last reader leaves"},
    {"trylock_announce", "TryLock: announce the writer if no reader is in"},
    {"release_reader_sem", "wake the readers that queued behind the writer"},
    {"start_timer", "time.Sleep: park until the timer fires"},
    {"timer_fired", "the timer fired: runnable again"},
    {"receive", "<-ch: wait until the channel is closed"},
    {"close", "close(ch): every waiting receiver wakes"},
    {NULL, NULL},
};

static const struct words_engine *const engines[MV_ENGINE__COUNT] = {
	[MV_ENGINE_CLASSIC] = &words_gomap,
	[MV_ENGINE_SWISS] = &words_swiss,
};

/* The wording of the world's map engine (Go 1.19's for sync.Map worlds). */
static const struct words_engine *engine_of(const struct mv_world *w)
{
	const struct mv_mapeng *e = w->nmaps ? w->maps[0].eng : NULL;
	return engines[e ? e->id : MV_ENGINE_CLASSIC];
}

const char *words_find_gloss(const struct words_gloss *g, const char *phase)
{
	for (; g->phase; g++)
		if (strcmp(g->phase, phase) == 0)
			return g->gloss;
	return NULL;
}

const char *words_gloss(const struct mv_world *w, const char *phase)
{
	const char *g = words_find_gloss(engine_of(w)->glosses, phase);
	return g ? g : words_find_gloss(lock_glosses, phase);
}

void words_event(char *buf, size_t len, const struct mv_world *w, const struct mv_event *ev)
{
	char lb[40];
	if (engine_of(w)->event(buf, len, w, ev))
		return;
	switch (ev->kind) {
	case MV_EV_FATAL:
	case MV_EV_DEADLOCK: snprintf(buf, len, "fatal error: %s", ev->msg ? ev->msg : ""); break;
	case MV_EV_PANIC: snprintf(buf, len, "panic: %s", ev->msg ? ev->msg : ""); break;
	case MV_EV_WORKER_DONE: snprintf(buf, len, "finished its program"); break;
	case MV_EV_LOCK_WAIT:
		snprintf(buf, len, "%s is taken: goes to sleep on its semaphore",
		         mv_world_lock_name(w, (uint32_t)ev->n, lb, sizeof lb));
		break;
	case MV_EV_LOCK_ACQUIRE:
		snprintf(buf, len, "acquired %s", mv_world_lock_name(w, (uint32_t)ev->n, lb, sizeof lb));
		break;
	case MV_EV_LOCK_RELEASE:
		snprintf(buf, len, "released %s", mv_world_lock_name(w, (uint32_t)ev->n, lb, sizeof lb));
		break;
	case MV_EV_LOCK_HANDOFF:
		snprintf(buf, len, "starvation mode: hands %s straight to %s",
		         mv_world_lock_name(w, (uint32_t)ev->n, lb, sizeof lb),
		         ev->other >= 0 ? w->spec->workers[ev->other].name : "?");
		break;
	case MV_EV_SIGNAL_CLOSE:
		snprintf(buf, len, "closed the channel: %" PRId64 " waiter(s) released", ev->n);
		break;
	case MV_EV_DATA_RACE:
		snprintf(buf, len, "DATA RACE (%s): %s here vs %s in %s; %s", ev->msg ? ev->msg : "",
		         mv_instr_name((enum mv_instr_kind)ev->x), mv_instr_name((enum mv_instr_kind)ev->y),
		         ev->other >= 0 ? w->spec->workers[ev->other].name : "?",
		         ev->caught ? "the runtime's check caught it"
		                    : "the runtime's check did not catch it");
		break;
	default: snprintf(buf, len, "%s", mv_event_name(ev->kind)); break;
	}

}
