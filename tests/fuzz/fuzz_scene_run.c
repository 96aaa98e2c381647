/*
 * fuzz_scene_run: libFuzzer target — any bytes as a scene, and a scene that
 * loads is run: `mapviz check`'s run and findings (check_scene), then the
 * headless writers (text or JSON Lines, every step, full state for a map
 * of modest hint; the crash report when it ends badly), inline, at most
 * FUZZ_STEPS micro-steps each.
 * Nothing may crash, leak or hang; what is printed (to /dev/null) must not
 * trip the sanitizers either.  Built and run by `make fuzz`.
 */
#include "fuzz.h"

#include "app/cmd_check.h"
#include "app/out.h"
#include "engine/world/world.h"

#define FUZZ_STEPS 3000

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scene s;
	char err[1024];
	if (scene_load_buf(FUZZ_PATH, (const char *)data, size, &s, err, sizeof err) != 0) {
		fuzz_check_error(err);
		return 0;
	}
	fuzz_check_scene(&s);
	/* every scene that loads can run (the loader refuses what the engine would) */
	if (mv_world_unsupported(&s.spec))
		fuzz_fail("loaded, but the engine refuses it", mv_world_unsupported(&s.spec));
	check_scene(&s, FUZZ_STEPS, devnull);

	struct mv_world w;
	if (mv_world_init(&w, &s.spec) != MV_OK)
		fuzz_fail("loaded, but the world does not start", s.title);
	struct out o;
	out_init(&o, devnull, &s, &w);
	o.format = size & 1 ? OUT_JSONL : OUT_TEXT; /* both, over the corpus */
	o.every = OUT_EVERY_STEP;
	/* every bucket at every step, unless a hint made thousands of them
	 * (that is output, not a hang) */
	o.state = s.spec.map.hint <= 1024 ? OUT_STATE_FULL : OUT_STATE_HEADER;
	o.until = -1;
	mv_world_observe(&w, out_observer(&o));
	out_begin(&o);
	for (int n = 0; n < FUZZ_STEPS && mv_world_advance(&w); n++)
		;
	out_end(&o);
	if (w.end == MV_END_FATAL || w.end == MV_END_PANIC || w.end == MV_END_DEADLOCK)
		out_go_report(devnull, &w, &s);
	out_done(&o);
	mv_world_done(&w);
	scene_free(&s);
	return 0;
}
