/*
 * test_tui: the TUI without a terminal — the screen after a step back is
 * exactly the screen before the step (at every step of several scenes, at
 * two sizes), far jumps back land on the same screens as going forward,
 * manual picks are replayed, challenges are won and lost, x's witness plays
 * as a branch of the student's own, the keymap has no key bound twice, the canvas
 * folds to ASCII, and the "too small" screen.
 */
#include <stdlib.h>
#include <string.h>

#include "../../app/tui/keys.h"
#include "../../app/tui/tui_int.h"
#include "unit.h"

/* A file of the repository: tests run from its top (make test) or with
 * MAPVIZ_SCENES=TOP/scenes. */
static const char *repo_path(const char *rel, char *buf, size_t len)
{
	const char *sc = getenv("MAPVIZ_SCENES");
	if (sc && *sc)
		snprintf(buf, len, "%s/../%s", sc, rel);
	else
		snprintf(buf, len, "%s", rel);
	return buf;
}

static struct tui *open_tui(const char *rel, int w, int h)
{
	char path[4096], err[1024];
	struct tui *t = tui_headless(w, h, false);
	if (tui_open_scene(t, repo_path(rel, path, sizeof path), err, sizeof err) != 0) {
		tui_headless_done(t);
		unit_fail(__FILE__, __LINE__, "cannot open %s: %s", rel, err);
	}
	return t;
}

static struct tui_cell *snap(struct tui *t)
{
	tui_render(t);
	size_t n = (size_t)t->cv.w * (size_t)t->cv.h;
	struct tui_cell *c = malloc(n * sizeof *c);
	memcpy(c, t->cv.cells, n * sizeof *c);
	return c;
}

static int same(struct tui *t, const struct tui_cell *a)
{
	tui_render(t);
	size_t n = (size_t)t->cv.w * (size_t)t->cv.h;
	for (size_t i = 0; i < n; i++)
		if (a[i].ch != t->cv.cells[i].ch || a[i].role != t->cv.cells[i].role ||
		    a[i].attr != t->cv.cells[i].attr)
			return (int)i + 1;
	return 0;
}

/* Step forward through the scene; at each step go forward one unit and
 * back one: the screen must be the one before. */
static void back_exact(const char *rel, int w, int h, int max)
{
	struct tui *t = open_tui(rel, w, h);
	for (int s = 0; s < max && !mv_world_ended(&t->tl.w); s++) {
		struct tui_cell *before = snap(t);
		uint64_t at = t->tl.w.step;
		tui_feed_key(t, ' ');
		tui_feed_key(t, TK_LEFT);
		int d = same(t, before);
		free(before);
		if (d || t->tl.w.step != at) {
			tui_headless_done(t);
			unit_fail(__FILE__, __LINE__,
			          "%s %dx%d: after step %llu and back, cell %d differs (step %llu)", rel, w,
			          h, (unsigned long long)at, d - 1, (unsigned long long)at);
		}
		tui_feed_key(t, ' ');
	}
	tui_headless_done(t);
}

static void back_two_writers(void)
{
	back_exact("tests/tui/scenes/two-writers.yaml", 80, 24, 200);
}
static void back_tour(void)
{
	back_exact("tests/tui/scenes/tour.yaml", 120, 40, 400);
}
static void back_rwmutex(void)
{
	back_exact("tests/tui/scenes/safemap-rwmutex.yaml", 80, 24, 400);
}
static void back_sharded(void)
{
	back_exact("tests/tui/scenes/sharded.yaml", 100, 30, 300);
}
static void back_writer_pref(void)
{
	back_exact("tests/tui/scenes/writer-preference.yaml", 80, 24, 300);
}
static void back_syncmap(void)
{
	back_exact("tests/tui/scenes/syncmap.yaml", 120, 40, 300);
}

/* Screens met going forward are met again after far jumps back. */
static void far_jumps(void)
{
	struct tui *t = open_tui("tests/tui/scenes/safemap-mutex.yaml", 80, 24);
	enum { N = 12 };
	struct tui_cell *at[N];
	uint64_t steps[N];
	int n = 0;
	for (int i = 0; i < N; i++) {
		for (int k = 0; k < 37 && !mv_world_ended(&t->tl.w); k++)
			tui_feed_key(t, ' ');
		steps[n] = t->tl.w.step;
		at[n++] = snap(t);
	}
	for (int i = n - 1; i >= 0; i--) {
		tl_seek(&t->tl, steps[i]);
		tui_after_move(t);
		int d = same(t, at[i]);
		if (d)
			unit_fail(__FILE__, __LINE__, "seek back to step %llu: cell %d differs",
			          (unsigned long long)steps[i], d - 1);
	}
	for (int i = 0; i < n; i++)
		free(at[i]);
	tui_headless_done(t);
}

/* Far jumps back in a scene with more events than the log keeps. */
static void far_jumps_long(void)
{
	struct tui *t = open_tui("tests/tui/scenes/long.yaml", 120, 40);
	enum { N = 6 };
	static const uint64_t at_steps[N] = {300, 5000, 9000, 17000, 23000, 30000};
	struct tui_cell *at[N];
	for (int i = 0; i < N; i++) {
		tl_seek(&t->tl, at_steps[i]);
		tui_after_move(t);
		ASSERT_EQ(t->tl.w.step, at_steps[i]);
		at[i] = snap(t);
	}
	ASSERT(t->tl.log_start > 0); /* the ring let entries go */
	for (int i = N - 1; i >= 0; i--) {
		tl_seek(&t->tl, at_steps[i]);
		tui_after_move(t);
		int d = same(t, at[i]);
		if (d)
			unit_fail(__FILE__, __LINE__, "seek back to step %llu: cell %d differs",
			          (unsigned long long)at_steps[i], d - 1);
	}
	for (int i = 0; i < N; i++)
		free(at[i]);
	tui_headless_done(t);
}

/* Two writers, picked by hand: G1 sets hashWriting, G2 finds it set. */
static void manual_fatal(void)
{
	struct tui *t = open_tui("tests/tui/scenes/two-writers.yaml", 80, 24);
	/* G1 runs to just after set_writing, then G2 runs */
	for (int i = 0; i < 3; i++)
		tui_feed_key(t, '1');
	for (int i = 0; i < 12 && !mv_world_ended(&t->tl.w); i++)
		tui_feed_key(t, '2');
	ASSERT(mv_world_ended(&t->tl.w));
	ASSERT_EQ(t->tl.w.end, MV_END_FATAL);
	ASSERT_STR(t->tl.w.message, "concurrent map writes");
	ASSERT_EQ(t->overlay, TO_FATAL);
	uint64_t end = t->tl.w.step;
	/* the manual picks are recorded: back to 0 and forward again */
	tui_feed_key(t, TK_HOME);
	ASSERT_EQ(t->tl.w.step, 0);
	ASSERT_EQ(t->overlay, TO_NONE);
	for (uint64_t i = 0; i < end; i++)
		tui_feed_key(t, ' ');
	ASSERT_EQ(t->tl.w.end, MV_END_FATAL);
	ASSERT_EQ(t->tl.w.step, end);
	tui_headless_done(t);
}

static void keys_unique(void)
{
	for (int a = 0; a < TA__COUNT; a++)
		for (int i = 0; i < 4 && tui_keys[a].codes[i]; i++) {
			int k = tui_keys[a].codes[i];
			ASSERT_EQ(tui_key_action(k), a);
		}
	ASSERT_EQ(tui_key_action('5'), TA_DIGIT);
	ASSERT_EQ(tui_key_action('q'), TA_QUIT);
}

static void ascii_fold(void)
{
	struct tui_canvas c;
	tui_canvas_init(&c, 10, 1, true);
	tui_puts(&c, 0, 0, 10, "┌─→·▶é", 0, 0);
	ASSERT_EQ(c.cells[0].ch, '+');
	ASSERT_EQ(c.cells[1].ch, '-');
	ASSERT_EQ(c.cells[2].ch, '>');
	ASSERT_EQ(c.cells[3].ch, '.');
	ASSERT_EQ(c.cells[4].ch, '>');
	ASSERT_EQ(c.cells[5].ch, '?');
	tui_canvas_done(&c);
}

static void too_small(void)
{
	struct tui *t = open_tui("tests/tui/scenes/tour.yaml", 60, 20);
	tui_render(t);
	char line[128] = "";
	int y = 20 / 2 - 1, n = 0;
	for (int x = 0; x < 60 && n < 120; x++)
		if (t->cv.cells[y * 60 + x].ch < 0x80)
			line[n++] = (char)t->cv.cells[y * 60 + x].ch;
	line[n] = '\0';
	ASSERT(strstr(line, "terminal too small (need 80") != NULL);
	tui_headless_done(t);
}

/* Keys as typed: "1 1 2" (one character each, spaces between; S space,
 * H Home, E Enter, L ←). */
static void feed(struct tui *t, const char *keys)
{
	for (const char *k = keys; *k; k++)
		if (*k != ' ')
			tui_feed_key(t, *k == 'H'   ? TK_HOME
			                : *k == 'E' ? TK_ENTER
			                : *k == 'L' ? TK_LEFT
			                : *k == 'S' ? ' '
			                            : *k);
}

static void challenge_win_lose(void)
{
	struct tui *t = open_tui("tests/tui/scenes/challenge-fatal.yaml", 80, 24);
	ASSERT(t->sc.challenge.present);
	ASSERT_EQ(t->chal, TC_PLAYING);
	feed(t, "S");
	ASSERT_EQ_U64(tl_step(&t->tl), 0); /* space does not run the schedule */
	ASSERT(strstr(t->flash, "you are the scheduler") != NULL);
	feed(t, "1 1 1 2");
	ASSERT_EQ(t->tl.w.end, MV_END_FATAL);
	ASSERT_EQ(t->chal, TC_WON);
	ASSERT_EQ(t->overlay, TO_CHALLENGE);
	feed(t, "L");
	ASSERT_EQ(t->chal, TC_PLAYING);
	ASSERT_EQ(t->overlay, TO_NONE);
	feed(t, "H 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2");
	ASSERT_EQ(t->tl.w.end, MV_END_OK);
	ASSERT_EQ(t->chal, TC_LOST);
	ASSERT_EQ(t->chal_end, MV_OUT_RACE_UNDETECTED);
	ASSERT_EQ(t->overlay, TO_CHALLENGE);
	feed(t, "H");
	ASSERT_EQ(t->chal, TC_PLAYING);
	tui_headless_done(t);
}

static void challenge_lost_update(void)
{
	struct tui *t = open_tui("tests/tui/scenes/challenge-lost-update.yaml", 80, 24);
	/* one after the other: nothing lost */
	feed(t, "1 1 1 1 1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 2 2");
	ASSERT(mv_world_ended(&t->tl.w));
	ASSERT_EQ(t->chal, TC_LOST);
	ASSERT_EQ(t->chal_end, MV_OUT_OK);
	/* both read before either writes */
	feed(t, "H 1 1 1 2 2 2 1 1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2");
	ASSERT_EQ(t->chal, TC_WON);
	ASSERT_EQ(t->chal_end, MV_OUT_LOST_UPDATE);
	/* the hint at step 4: A holds the lock to write, nothing can be lost */
	feed(t, "H 1 1 1 1 h");
	ASSERT(strstr(t->flash, "no schedule from here reaches the goal") != NULL);
	feed(t, "H 1 1 1 h");
	ASSERT(strstr(t->flash, "hint: run G2") != NULL);
	tui_headless_done(t);
}

static void explore_witness(void)
{
	struct tui *t = open_tui("tests/tui/scenes/two-writers.yaml", 80, 24);
	feed(t, "x");
	ASSERT_EQ(t->overlay, TO_EXPLORE);
	ASSERT(t->ex.have_res && t->ex.res.complete);
	ASSERT(t->ex.res.nclasses >= 1);
	const struct mv_explore_class *c = &t->ex.res.classes[0];
	ASSERT_EQ(c->outcome, MV_OUT_FATAL);
	uint32_t n = c->nshortest;
	feed(t, "E");
	ASSERT_EQ(t->overlay, TO_FATAL);
	ASSERT_EQ(t->tl.w.end, MV_END_FATAL);
	ASSERT_EQ_U64(tl_step(&t->tl), n);
	ASSERT(tl_own(&t->tl)); /* a branch of the student's own */
	feed(t, "L");
	ASSERT_EQ_U64(tl_step(&t->tl), n - 1);
	ASSERT(!mv_world_ended(&t->tl.w));
	tui_headless_done(t);
}

const struct unit_test tui_tests[] = {
    UNIT(challenge_win_lose),
    UNIT(challenge_lost_update),
    UNIT(explore_witness),
    UNIT(back_two_writers),
    UNIT(back_tour),
    UNIT(back_rwmutex),
    UNIT(back_sharded),
    UNIT(back_writer_pref),
    UNIT(back_syncmap),
    UNIT(far_jumps),
    UNIT(far_jumps_long),
    UNIT(manual_fatal),
    UNIT(keys_unique),
    UNIT(ascii_fold),
    UNIT(too_small),
    {0},
};
