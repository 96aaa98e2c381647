/*
 * test_record: the asciicast writer and the key script — JSON escaping
 * (quotes, controls, UTF-8 kept, bad bytes as U+FFFD), a character split
 * across two writes held back until whole, virtual time and the idle
 * limit, refusing to overwrite, markers; key scripts parsed and refused.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../app/cast.h"
#include "../../app/keyscript.h"
#include "../../app/record.h"
#include "../../app/tui/keys.h"
#include "unit.h"

static char *esc(const char *s, size_t n, bool carry, size_t *held)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	size_t h = cast_json_escape(&buf, &len, &cap, s, n, carry);
	if (held)
		*held = h;
	if (!buf)
		buf = strdup("");
	return buf;
}

static void json_escape(void)
{
	char *e = esc("a\"b\\c\n\r\t\x1b[0m\x7f", 13, false, NULL);
	ASSERT_STR(e, "a\\\"b\\\\c\\n\\r\\t\\u001b[0m\\u007f");
	free(e);
	/* UTF-8 is kept as it is */
	e = esc("\xe2\x94\x80 \xc2\xb7 \xf0\x9f\x98\x80", 11, false, NULL);
	ASSERT_STR(e, "\xe2\x94\x80 \xc2\xb7 \xf0\x9f\x98\x80");
	free(e);
	/* bad bytes: U+FFFD (a lone continuation, an overlong, a surrogate, 0xff) */
	e = esc("\x80x\xc0\xafy\xed\xa0\x80z\xff", 10, false, NULL);
	ASSERT(strstr(e, "x") && strstr(e, "y") && strstr(e, "z"));
	ASSERT(!strchr(e, '\x80') && !strchr(e, '\xff') && !strchr(e, '\xed') && !strchr(e, '\xc0'));
	ASSERT(strstr(e, "\\ufffd") != NULL);
	free(e);
}

static void json_escape_carry(void)
{
	size_t held = 99;
	/* "a" then the first two bytes of ─ (e2 94 80) */
	char *e = esc("a\xe2\x94", 3, true, &held);
	ASSERT_STR(e, "a");
	ASSERT_EQ(held, 2);
	free(e);
	/* without carry the cut character is U+FFFD */
	e = esc("a\xe2\x94", 3, false, &held);
	ASSERT_STR(e, "a\\ufffd");
	ASSERT_EQ(held, 0);
	free(e);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void tmp_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/mapviz-unit-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	int fd = mkstemp(buf);
	ASSERT(fd >= 0);
	close(fd);
	unlink(buf);
}

static const struct cast_header hd = {
    .width = 80, .height = 24, .title = "t \"q\"", .term = "xterm", .shell = "/bin/sh"};

static void cast_file(void)
{
	char path[256], err[300];
	struct cast c;
	tmp_path(path, sizeof path);
	ASSERT_EQ(cast_open(&c, path, false, &hd, true, err, sizeof err), 0);
	cast_output(&c, "hi", 2);
	cast_set_time(&c, 1.25);
	/* ─ split over two writes: one event, whole */
	cast_output(&c, "x\xe2", 2);
	cast_output(&c, "\x94", 1);
	cast_set_time(&c, 2.5);
	cast_output(&c, "\x80y", 2);
	cast_marker(&c, "caption: \"quoted\"");
	cast_resize(&c, 100, 30);
	cast_close(&c);
	const char *s = slurp(path);
	ASSERT(s != NULL);
	ASSERT_STR(s, "{\"version\": 2, \"width\": 80, \"height\": 24, \"title\": \"t \\\"q\\\"\", "
	              "\"env\": {\"TERM\": \"xterm\", \"SHELL\": \"/bin/sh\"}}\n"
	              "[0.000000, \"o\", \"hi\"]\n"
	              "[1.250000, \"o\", \"x\"]\n"
	              "[2.500000, \"o\", \"\xe2\x94\x80y\"]\n"
	              "[2.500000, \"m\", \"caption: \\\"quoted\\\"\"]\n"
	              "[2.500000, \"r\", \"100x30\"]\n");
	/* it exists now: refused, and left alone */
	ASSERT_EQ(cast_open(&c, path, false, &hd, true, err, sizeof err), -1);
	ASSERT(strstr(err, "exists") && strstr(err, "--force"));
	ASSERT(strstr(slurp(path), "caption") != NULL);
	/* --force replaces it */
	ASSERT_EQ(cast_open(&c, path, true, &hd, true, err, sizeof err), 0);
	cast_close(&c);
	ASSERT(strstr(slurp(path), "caption") == NULL);
	unlink(path);
}

static void cast_idle_limit(void)
{
	char path[256], err[300];
	struct cast c;
	struct cast_header h = hd;
	h.idle_limit = 2;
	h.has_timestamp = true;
	h.timestamp = 1790000000;
	h.title = NULL;
	tmp_path(path, sizeof path);
	ASSERT_EQ(cast_open(&c, path, false, &h, true, err, sizeof err), 0);
	cast_output(&c, "a", 1);
	cast_set_time(&c, 10);
	cast_output(&c, "b", 1);
	cast_set_time(&c, 10.5);
	cast_output(&c, "c", 1);
	cast_set_time(&c, 9); /* never back in time */
	cast_output(&c, "d", 1);
	cast_close(&c);
	ASSERT_STR(slurp(path),
	           "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 1790000000, "
	           "\"idle_time_limit\": 2, \"env\": {\"TERM\": \"xterm\", \"SHELL\": \"/bin/sh\"}}\n"
	           "[0.000000, \"o\", \"a\"]\n"
	           "[2.000000, \"o\", \"b\"]\n"
	           "[2.500000, \"o\", \"c\"]\n"
	           "[2.500000, \"o\", \"d\"]\n");
	unlink(path);
}

static void cast_cut_at_close(void)
{
	char path[256], err[300];
	struct cast c;
	tmp_path(path, sizeof path);
	ASSERT_EQ(cast_open(&c, path, false, &hd, true, err, sizeof err), 0);
	cast_output(&c, "\xe2\x94", 2); /* never completed */
	cast_close(&c);
	ASSERT(strstr(slurp(path), "[0.000000, \"o\", \"\\ufffd\"]\n") != NULL);
	unlink(path);
}

static void keyscript_ok(void)
{
	struct keyscript ks;
	char err[300];
	ASSERT_EQ(keyscript_parse("  space*5 wait:0.5 n\tEnd delay:1.25 ctrl-l * 3*2 ", &ks, err, sizeof err),
	          0);
	ASSERT_EQ(ks.n, 8);
	ASSERT_EQ(ks.items[0].kind, KS_KEY);
	ASSERT_EQ(ks.items[0].key, ' ');
	ASSERT_EQ(ks.items[0].repeat, 5);
	ASSERT_STR(ks.items[0].word, "space");
	ASSERT_EQ(ks.items[1].kind, KS_WAIT);
	ASSERT_EQ(ks.items[1].ms, 500);
	ASSERT_EQ(ks.items[2].key, 'n');
	ASSERT_EQ(ks.items[3].key, TK_END);
	ASSERT_EQ(ks.items[4].kind, KS_DELAY);
	ASSERT_EQ(ks.items[4].ms, 1250);
	ASSERT_EQ(ks.items[5].key, TK_CTRL('l'));
	ASSERT_EQ(ks.items[6].key, '*');
	ASSERT_EQ(ks.items[7].key, '3');
	ASSERT_EQ(ks.items[7].repeat, 2);
	keyscript_free(&ks);
	ASSERT_EQ(keyscript_parse("", &ks, err, sizeof err), 0);
	ASSERT_EQ(ks.n, 0);
	keyscript_free(&ks);
}

static void keyscript_bad(void)
{
	struct keyscript ks;
	char err[300];
	static const struct {
		const char *src, *msg;
	} bad[] = {
	    {"space spice", "unknown key 'spice'"}, {"space*0", "N from 1 to 10000"},
	    {"q*10001", "N from 1 to 10000"},       {"q*x", "N from 1 to 10000"},
	    {"wait:", "wait takes seconds"},        {"wait:-1", "wait takes seconds"},
	    {"delay:9999", "delay takes seconds"},  {"wait:1s", "wait takes seconds"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ASSERT_EQ(keyscript_parse(bad[i].src, &ks, err, sizeof err), -1);
		if (!strstr(err, bad[i].msg))
			unit_fail(__FILE__, __LINE__, "%s: \"%s\" lacks \"%s\"", bad[i].src, err, bad[i].msg);
	}
}

const struct unit_test record_tests[] = {
    UNIT(json_escape),       UNIT(json_escape_carry), UNIT(cast_file),     UNIT(cast_idle_limit),
    UNIT(cast_cut_at_close), UNIT(keyscript_ok),      UNIT(keyscript_bad), {0},
};
