/*
 * fuzz: what the scene fuzzers (tests/fuzz/fuzz_scene_*.c, libFuzzer) hold
 * every input to besides "no crash, no leak, no hang" (ASan, UBSan and
 * libFuzzer's timeout see to those): an error is one line naming the scene,
 * and nothing the loader lets through — error message or scene text (but
 * string keys, which are data) — carries a control character that could
 * reach a terminal.
 */
#ifndef MV_FUZZ_H
#define MV_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/scene.h"

#define FUZZ_PATH "fuzz.yaml"

/* Stop the run with a report (libFuzzer keeps the input as a crash). */
static void fuzz_fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz invariant broken: %s: \"%s\"\n", what, text ? text : "(null)");
	abort();
}

/* No C0, no DEL, no C1 written in UTF-8. */
static void fuzz_printable(const char *what, const char *s)
{
	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7F || (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F))
			fuzz_fail(what, s);
}

/* A failed load's message: "fuzz.yaml:..." on one printable line. */
static void fuzz_check_error(const char *err)
{
	if (strncmp(err, FUZZ_PATH ":", sizeof FUZZ_PATH) != 0)
		fuzz_fail("the error does not start with the scene's path", err);
	fuzz_printable("error message", err);
}

/* Every text of a loaded scene is safe to print. */
static void fuzz_check_scene(const struct scene *s)
{
	const struct mv_world_spec *sp = &s->spec;
	fuzz_printable("title", s->title);
	fuzz_printable("summary", s->summary);
	fuzz_printable("chapter", s->chapter);
	fuzz_printable("name", s->name);
	for (uint32_t i = 0; i < s->nnotes; i++)
		fuzz_printable("caption", s->notes[i].say);
	for (uint32_t i = 0; i < sp->nworkers; i++)
		fuzz_printable("worker name", sp->workers[i].name);
	for (uint32_t i = 0; i < sp->nlocks; i++)
		fuzz_printable("lock name", sp->locks[i].name);
	for (uint32_t i = 0; i < sp->nsignals; i++)
		fuzz_printable("signal name", sp->signals[i]);
	fuzz_printable("expect.message", s->expect.message);
	for (uint32_t i = 0; i < s->expect.nleaked; i++)
		fuzz_printable("expect.leaked", s->expect.leaked[i]);
	/* string keys are data, kept byte for byte: the writers escape them */
}

#endif
