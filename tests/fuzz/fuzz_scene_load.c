/*
 * fuzz_scene_load: libFuzzer target — any bytes as a scene file.  The loader
 * must never crash, leak or hang; a scene it accepts holds only printable
 * text, and an error is one printable line naming the scene (fuzz.h).
 * Built and run by `make fuzz` (tests/fuzz/run.sh).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scene s;
	char err[1024];
	if (scene_load_buf(FUZZ_PATH, (const char *)data, size, &s, err, sizeof err) != 0) {
		fuzz_check_error(err);
		return 0;
	}
	fuzz_check_scene(&s);
	scene_free(&s);
	return 0;
}
