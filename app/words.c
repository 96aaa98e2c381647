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
