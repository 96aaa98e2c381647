/* keyscript: parse `--keys` scripts; see keyscript.h. */
#include "keyscript.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/core/alloc.h"
#include "tui/keys.h"

int keyscript_key(const char *s)
{
	static const struct {
		const char *name;
		int code;
	} names[] = {{"space", ' '},        {"left", TK_LEFT},       {"right", TK_RIGHT},
	             {"up", TK_UP},         {"down", TK_DOWN},       {"home", TK_HOME},
	             {"end", TK_END},       {"tab", TK_TAB},         {"btab", TK_BTAB},
	             {"enter", TK_ENTER},   {"esc", TK_ESC},         {"pgup", TK_PGUP},
	             {"pgdn", TK_PGDN},     {"f1", TK_F1},           {"bs", TK_BACKSPACE},
	             {"delete", TK_DELETE}, {"ctrl-l", TK_CTRL('l')}};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(s, names[i].name) == 0) /* End, PgUp, Ctrl-L too */
			return names[i].code;
	if (s[0] && !s[1] && (unsigned char)s[0] > 0x20 && (unsigned char)s[0] < 0x7f)
		return (unsigned char)s[0];
	return TK_NONE;
}

static int seconds_ms(const char *s, uint64_t *ms)
{
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (!*s || *end || errno || !(d >= 0) || d > 3600)
		return -1;
	*ms = (uint64_t)llround(d * 1000);
	return 0;
}

int keyscript_parse(const char *src, struct keyscript *ks, char *err, size_t errlen)
{
	memset(ks, 0, sizeof *ks);
	size_t cap = 0;
	const char *p = src;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		const char *e = p;
		while (*e && *e != ' ' && *e != '\t' && *e != '\n')
			e++;
		char word[64];
		size_t wl = (size_t)(e - p);
		if (wl >= sizeof word) {
			snprintf(err, errlen, "'%.*s...' is not a key", 20, p);
			goto bad;
		}
		memcpy(word, p, wl);
		word[wl] = '\0';
		p = e;
		struct ks_item it = {.kind = KS_KEY, .repeat = 1};
		if (!strncmp(word, "wait:", 5) || !strncmp(word, "delay:", 6)) {
			it.kind = word[0] == 'w' ? KS_WAIT : KS_DELAY;
			if (seconds_ms(strchr(word, ':') + 1, &it.ms)) {
				snprintf(err, errlen, "'%s': %s takes seconds from 0 to 3600, like %s:0.5",
				         word, it.kind == KS_WAIT ? "wait" : "delay",
				         it.kind == KS_WAIT ? "wait" : "delay");
				goto bad;
			}
		} else {
			char *star = wl > 1 ? strrchr(word, '*') : NULL;
			if (star && star != word) {
				char *end;
				errno = 0;
				long n = strtol(star + 1, &end, 10);
				if (!star[1] || *end || errno || n < 1 || n > 10000) {
					snprintf(err, errlen,
					         "'%s': KEY*N repeats a key N times, N from 1 to 10000",
					         word);
					goto bad;
				}
				it.repeat = (uint32_t)n;
				*star = '\0';
			}
			it.key = keyscript_key(word);
			if (it.key == TK_NONE) {
				snprintf(
				    err, errlen,
				    "unknown key '%s' (space left right up down home end tab btab enter esc "
				    "pgup pgdn f1 bs ctrl-l, one character, wait:S, delay:S)",
				    word);
				goto bad;
			}
			snprintf(it.word, sizeof it.word, "%.23s", word);
		}
		if (ks->n == cap) {
			cap = cap ? cap * 2 : 16;
			ks->items = mv_xrealloc(ks->items, cap * sizeof *ks->items);
		}
		ks->items[ks->n++] = it;
	}
	return 0;
bad:
	keyscript_free(ks);
	return -1;
}

void keyscript_free(struct keyscript *ks)
{
	free(ks->items);
	ks->items = NULL;
	ks->n = 0;
}
