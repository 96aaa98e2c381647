/*
 * view_locks: the locks panel — each lock the scene (or a SafeMap) has,
 * its holders, waiters and counters — and a lock in brief for other views.
 */

#include <stdio.h>

#include "tui_int.h"

/* ---- locks ---- */

static int worker_list(struct tui *t, int x, int y, int maxx, uint64_t mask, enum tui_role role)
{
	bool first = true;
	for (uint32_t k = 0; k < 64; k++)
		if (mask >> k & 1) {
			x = tui_printf(&t->cv, x, y, maxx, role, 0, "%sG%u", first ? "" : ",", k + 1);
			first = false;
		}
	return x;
}

static int queue_text(char *buf, size_t len, const struct mv_sema *s)
{
	int o = 0;
	buf[0] = '\0';
	for (uint32_t k = 0; k < s->n && (size_t)o + 8 < len; k++)
		o += snprintf(buf + o, len - (size_t)o, "%sG%u", k ? " " : "", s->q[k] + 1);
	return o;
}

int tui_lock_brief(struct tui *t, int x, int y, int maxx, uint32_t i)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	if (i >= w->nlocks)
		return x;
	const struct mv_lock *lk = &w->locks[i];
	const struct mv_mutex *mu = lk->kind == MV_LOCK_MUTEX ? &lk->mu : &lk->rw.w;
	uint32_t waiting = mu->sema.n;
	if (lk->kind == MV_LOCK_MUTEX) {
		if (mu->state & MV_MUTEX_LOCKED) {
			x = tui_puts(c, x, y, maxx, "held by ", TR_LABEL, 0);
			x = worker_list(t, x, y, maxx, mu->holder_mask, TR_RUNNING);
		} else {
			x = tui_puts(c, x, y, maxx, "free", TR_DIM, 0);
		}
	} else {
		const struct mv_rwmutex *rw = &lk->rw;
		waiting += rw->writer_sem.n + rw->reader_sem.n;
		if (rw->writer_mask) {
			x = tui_puts(c, x, y, maxx, "Lock ", TR_LABEL, 0);
			x = worker_list(t, x, y, maxx, rw->writer_mask, TR_RUNNING);
		}
		if (rw->readers_mask) {
			x = tui_puts(c, x + (rw->writer_mask != 0), y, maxx, "RLock ", TR_LABEL, 0);
			x = worker_list(t, x, y, maxx, rw->readers_mask, TR_RUNNING);
		}
		if (!rw->writer_mask && !rw->readers_mask)
			x = tui_puts(c, x, y, maxx, "free", TR_DIM, 0);
	}
	if (waiting) {
		x = tui_puts(c, x, y, maxx, " · waiting", TR_LABEL, 0);
		const struct mv_sema *q[3] = {&mu->sema, NULL, NULL};
		if (lk->kind == MV_LOCK_RWMUTEX) {
			q[1] = &lk->rw.writer_sem;
			q[2] = &lk->rw.reader_sem;
		}
		for (int k = 0; k < 3; k++)
			for (uint32_t j = 0; q[k] && j < q[k]->n; j++)
				x = tui_printf(c, x, y, maxx, TR_BLOCKED, 0, " G%u", q[k]->q[j] + 1);
	}
	return x;
}

/* The locks the locks panel lists: the scene's own and a SafeMap's lock;
 * a sharded map's locks are in its panel, a line per shard. */
uint32_t tui_locks_shown(const struct mv_world *w)
{
	return w->spec->map.impl == MV_IMPL_SHARDED ? w->map_lock : w->nlocks;
}

/* Lock k of the panel: its name, kind and holders, then its counters and
 * who waits where (wrapped to the width).  Draws nothing when !draw.
 * Returns the lines it takes. */
static int lock_entry(struct tui *t, uint32_t k, int x0, int y, int maxx, int ymax, bool sel, bool draw)
{
	struct tui_canvas *c = &t->cv;
	const struct mv_world *w = tui_world(t);
	const struct mv_lock *lk = &w->locks[k];
	char lb[40], text[300];
	int lines = 1, width = maxx - x0 - 3;
	if (draw) {
		int x = tui_puts(c, x0, y, maxx, sel ? tui_glyph(t, TR_SELECTED) : " ",
		                 sel ? TR_SELECTED : TR_NORMAL, 0);
		x = tui_printf(c, x, y, maxx, TR_VALUE, 0, "%s", mv_world_lock_name(w, k, lb, sizeof lb));
		x = tui_puts(c, x + 1, y, maxx, lk->kind == MV_LOCK_MUTEX ? "Mutex" : "RWMutex", TR_DIM, 0);
		x = tui_lock_brief(t, x + 2, y, maxx, k);
		if (lk->kind == MV_LOCK_MUTEX && lk->mu.state & MV_MUTEX_STARVING)
			tui_puts(c, x + 1, y, maxx, "starving", TR_WRITING, 0);
	}
	/* the words Go's fields and semaphores stand for, one thought a line */
	const char *what[4] = {NULL, NULL, NULL, NULL};
	enum tui_role roles[4] = {TR_DIM, TR_BLOCKED, TR_BLOCKED, TR_BLOCKED};
	char q1[120], q2[120], q3[120], b1[200], b2[200], b3[200];
	if (lk->kind == MV_LOCK_MUTEX) {
		snprintf(text, sizeof text, "state %#x, %d waiting", lk->mu.state, mv_mutex_waiters(&lk->mu));
		what[0] = text;
		if (queue_text(q1, sizeof q1, &lk->mu.sema)) {
			snprintf(b1, sizeof b1, "sema %s: Lock waits for the holder", q1);
			what[1] = b1;
		}
	} else {
		const struct mv_rwmutex *rw = &lk->rw;
		if (rw->reader_count < 0) /* R6.2: a writer subtracted rwmutexMaxReaders */
			snprintf(text, sizeof text,
			         "readerCount -2^30%+d  readerWait %d · below 0: a writer is pending",
			         rw->reader_count + MV_RW_MAX_READERS, rw->reader_wait);
		else
			snprintf(text, sizeof text, "readerCount %d  readerWait %d", rw->reader_count,
			         rw->reader_wait);
		what[0] = text;
		if (queue_text(q1, sizeof q1, &rw->w.sema)) {
			snprintf(b1, sizeof b1, "w %s: Lock waits for the other writer", q1);
			what[1] = b1;
		}
		if (queue_text(q2, sizeof q2, &rw->writer_sem)) {
			snprintf(b2, sizeof b2, "writerSem %s: Lock waits for readers to leave", q2);
			what[2] = b2;
		}
		if (queue_text(q3, sizeof q3, &rw->reader_sem)) {
			snprintf(b3, sizeof b3, "readerSem %s: RLock waits for the writer", q3);
			what[3] = b3;
		}
	}
	for (int i = 0; i < 4; i++) {
		if (!what[i])
			continue;
		int n = tui_wrap_lines(width, 2, what[i], 3);
		if (draw)
			n = tui_wrap(c, x0 + 3, y + lines, width, ymax - (y + lines), 2, what[i], roles[i],
			             0);
		lines += n;
	}
	return lines;
}

/* Rows the locks panel wants at width w (its box included). */
int tui_locks_height(struct tui *t, int w)
{
	const struct mv_world *wd = tui_world(t);
	int h = 0;
	for (uint32_t k = 0; k < tui_locks_shown(wd); k++)
		h += lock_entry(t, k, 0, 0, w - 3, 1000, false, false);
	return h ? h + 2 : 0;
}

static void locks_draw(struct tui *t, struct tui_view *v, struct tui_rect r)
{
	const struct mv_world *w = tui_world(t);
	int maxx = r.x + r.w, y = r.y;
	int n = (int)tui_locks_shown(w);
	v->nitems = n;
	if (v->sel >= v->nitems)
		v->sel = v->nitems - 1;
	if (v->sel < 0)
		v->sel = 0;
	int fit = r.h / 2 > 0 ? r.h / 2 : 1;
	if (v->sel < v->scroll)
		v->scroll = v->sel;
	if (v->sel >= v->scroll + fit)
		v->scroll = v->sel - fit + 1;
	v->page = fit;
	if (!n) {
		tui_puts(&t->cv, r.x + 1, y, maxx, "no locks in this scene", TR_DIM, 0);
		return;
	}
	for (int k = v->scroll; k < n && y < r.y + r.h; k++)
		y += lock_entry(t, (uint32_t)k, r.x, y, maxx, r.y + r.h, t->focus == TP_LOCKS && k == v->sel,
		                true);
}

const struct tui_view_ops tui_locks_view = {"locks", locks_draw, tui_list_key};
