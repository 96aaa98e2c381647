/*
 * dump: the headless TUI — a struct tui with no terminal for tests and
 * `mapviz --dump` (the golden screens): go to a step, feed keys, print
 * the canvas as text.
 */
#include <stdio.h>
#include <stdlib.h>

#include "engine/core/alloc.h"
#include "../keyscript.h"
#include "tui_int.h"

void tui_feed_key(struct tui *t, int k)
{
	struct tui_loop lp = {TUI_RUN_NONE, 0, 0, false, NULL, false};
	tui_handle_key(t, &lp, k);
	while (lp.run != TUI_RUN_NONE)
		tui_run_chunk(t, &lp, 1000);
	tui_after_move(t);
}

struct tui *tui_headless(int w, int h, bool ascii)
{
	struct tui *t = mv_xcalloc(1, sizeof *t);
	t->ascii = ascii;
	t->speed = 2;
	t->search_hit = -1;
	tui_theme_default(&t->theme);
	tui_canvas_init(&t->cv, w, h, ascii);
	return t;
}

void tui_headless_done(struct tui *t)
{
	tui_close_scene(t);
	tui_canvas_done(&t->cv);
	free(t);
}

int tui_headless_screen(struct tui *t, int w, int h, uint64_t step, bool has_step, const char *keys,
                        char *err, size_t errlen)
{
	t->now_ms = 0;
	tui_canvas_resize(&t->cv, w, h);
	if (has_step) {
		tl_seek(&t->tl, step);
		tui_after_move(t);
	}
	if (keys) {
		/* the key script of mapviz record; its waits take no time here */
		struct keyscript ks;
		if (keyscript_parse(keys, &ks, err, errlen) != 0)
			return 1;
		for (size_t i = 0; i < ks.n && !t->quit; i++)
			for (uint32_t r = 0; ks.items[i].kind == KS_KEY && r < ks.items[i].repeat && !t->quit;
			     r++) {
				tui_render(t); /* views learn their sizes, as in the loop */
				tui_feed_key(t, ks.items[i].key);
			}
		keyscript_free(&ks);
	}
	tui_render(t);
	return 0;
}

int tui_dump_screen(struct tui *t, int w, int h, uint64_t step, bool has_step, const char *keys)
{
	char err[300];
	if (tui_headless_screen(t, w, h, step, has_step, keys, err, sizeof err) != 0) {
		fprintf(stderr, "mapviz --keys: %s\n", err);
		return 1;
	}
	tui_canvas_dump(&t->cv, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
