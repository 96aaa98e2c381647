/*
 * keyscript: the little language of `--keys` — what `mapviz record
 * --keys` presses on its virtual screen and `mapviz --dump --keys` presses
 * before it prints the screen.
 *
 *   KEY       one key: a name (space left right up down home end tab btab
 *             enter esc pgup pgdn f1 bs ctrl-l) or a single character
 *   KEY*N     the key N times (1..10000)
 *   wait:S    S seconds pass (decimal, up to 3600)
 *   delay:S   from here on, S seconds pass before each key (default 0.5)
 *
 * Words are separated by blanks.  No curses here: key codes are keys.h's.
 */
#ifndef MV_KEYSCRIPT_H
#define MV_KEYSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#define KS_DEFAULT_DELAY_MS 500

enum ks_kind { KS_KEY, KS_WAIT, KS_DELAY };

struct ks_item {
	enum ks_kind kind;
	int key;         /* KS_KEY: the key code */
	uint32_t repeat; /* KS_KEY: how many times */
	uint64_t ms;     /* KS_WAIT, KS_DELAY */
	char word[24];   /* KS_KEY: the key as written (without *N) */
};

struct keyscript {
	struct ks_item *items;
	size_t n;
};

/* Parse; -1 with the message in err (the bad word named). */
int keyscript_parse(const char *src, struct keyscript *ks, char *err, size_t errlen);
void keyscript_free(struct keyscript *ks);
/* The key code of a key's name (or a single character), -1 (TK_NONE) if
 * none. */
int keyscript_key(const char *name);

#endif
