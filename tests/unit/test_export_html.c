/*
 * test_export_html: the pieces of `mapviz export -o F.html` — HTML and
 * script-safe JSON escaping, reading a cast's markers back (escapes,
 * surrogate pairs, a file that is not a cast), the default key script, and
 * the page itself for one scene and for a lesson (escaped titles, the
 * contents, the marker list, three script elements).  The page in a
 * browser is tests/html/run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../app/export_html_int.h"
#include "unit.h"

/* What fn writes to a FILE, as a string (free it). */
#define CAPTURE(out, call)                             \
	do {                                           \
		size_t n_;                             \
		FILE *f = open_memstream(&(out), &n_); \
		call;                                  \
		fclose(f);                             \
	} while (0)

static void text_escaped(void)
{
	char *s;
	CAPTURE(s, html_text(f, "a<b>&\"c'd</script>"));
	ASSERT_STR(s, "a&lt;b&gt;&amp;&quot;c&#39;d&lt;/script&gt;");
	free(s);
	CAPTURE(s, html_text(f, NULL));
	ASSERT_STR(s, "");
	free(s);
}

static void json_script_safe(void)
{
	const char in[] = "q\"b\\ </script> <!-- & \x1b[0m \xe2\x80\xa8\xe2\x80\xa9 \xe2\x94\x80\xc2\xb7";
	char *s;
	CAPTURE(s, html_json_string(f, in, sizeof in - 1));
	ASSERT_STR(s, "\"q\\\"b\\\\ \\u003c/script\\u003e \\u003c!-- \\u0026 \\u001b[0m \\u2028\\u2029 "
	              "\xe2\x94\x80\xc2\xb7\"");
	free(s);
	/* a NUL inside is data, not the end */
	CAPTURE(s, html_json_string(f, "a\0b", 3));
	ASSERT_STR(s, "\"a\\u0000b\"");
	free(s);
}

static void markers_read_back(void)
{
	const char *cast =
	    "{\"version\": 2, \"width\": 80, \"height\": 24}\n"
	    "[0.000000, \"m\", \"caption: a \\\"quoted\\\" \\u00e9 \\ud83d\\ude00 \\\\ end\"]\n"
	    "[0.000000, \"o\", \"\\u001b[H\\\"m\\\"\"]\n"
	    "[1.500000, \"m\", \"breakpoint: grow_start\"]\n"
	    "[2.250000, \"o\", \"x\"]\n";
	struct html_marker *m;
	size_t n;
	ASSERT_EQ(html_cast_markers(cast, &m, &n), 0);
	ASSERT_EQ(n, 2);
	ASSERT(m[0].t == 0.0);
	ASSERT_STR(m[0].label, "caption: a \"quoted\" \xc3\xa9 \xf0\x9f\x98\x80 \\ end");
	ASSERT(m[1].t == 1.5);
	ASSERT_STR(m[1].label, "breakpoint: grow_start");
	for (size_t i = 0; i < n; i++)
		free(m[i].label);
	free(m);
	/* none */
	ASSERT_EQ(html_cast_markers("{\"version\": 2}\n[0.5, \"o\", \"x\"]\n", &m, &n), 0);
	ASSERT_EQ(n, 0);
	free(m);
	/* not a cast, or a broken line */
	ASSERT_EQ(html_cast_markers("hello\n", &m, &n), -1);
	ASSERT_EQ(html_cast_markers("{\"version\": 1}\n", &m, &n), -1);
	ASSERT_EQ(html_cast_markers("{\"version\": 2}\n[0.1, \"m\", \"ok\"]\n[x, \"m\", \"a\"]\n", &m, &n),
	          -1);
	ASSERT_EQ(n, 0);
	ASSERT_EQ(html_cast_markers("{\"version\": 2}\n[0.1, \"m\", \"bad \\q\"]\n", &m, &n), -1);
	ASSERT_EQ(html_cast_markers("{\"version\": 2}\n[0.1, \"m\", \"open\n", &m, &n), -1);
}

static void default_keys(void)
{
	char k[128];
	html_default_keys(0, true, k, sizeof k);
	ASSERT_STR(k, "wait:2");
	html_default_keys(5, true, k, sizeof k);
	ASSERT_STR(k, "o delay:0.25 space*5 wait:2");
	html_default_keys(5, false, k, sizeof k);
	ASSERT_STR(k, "delay:0.25 space*5 wait:2");
	html_default_keys(400, true, k, sizeof k);
	ASSERT_STR(k, "o delay:0.25 space*400 wait:2");
	html_default_keys(401, false, k, sizeof k);
	ASSERT_STR(k, "delay:0.25 space*400 end wait:2");
	uint32_t wit[] = {1, 1, 0, 2};
	ASSERT(html_challenge_keys(wit, 4, false, k, sizeof k));
	ASSERT_STR(k, "delay:0.25 2 2 1 3 wait:3");
	ASSERT(html_challenge_keys(wit, 4, true, k, sizeof k));
	ASSERT_STR(k, "o delay:0.25 2 2 1 3 wait:3");
	uint32_t ten[] = {9};
	ASSERT(!html_challenge_keys(ten, 1, false, k, sizeof k)); /* G10 has no digit */
	ASSERT(!html_challenge_keys(wit, 4, false, k, 16));       /* does not fit */
}

static const char scene_yaml[] = "mapviz: 1\n"
                                 "title: \"A <b>bold</b> & 'quoted' map\"\n"
                                 "summary: \"x < y\"\n"
                                 "map: {impl: gomap, key: int}\n"
                                 "workers:\n"
                                 "  - name: main\n"
                                 "    main: true\n"
                                 "    program:\n"
                                 "      - store: {key: 1, value: 1}\n"
                                 "notes:\n"
                                 "  - {at: 0, say: \"Start </script> here.\"}\n";

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void page_written(void)
{
	struct html_scene pg[2];
	memset(pg, 0, sizeof pg);
	char cast[] = "{\"version\": 2, \"title\": \"</script>\"}\n";
	char l0[] = "caption: Start </script> here.", l1[] = "fatal: <x>";
	char err[512];
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(
		    scene_load_buf("t.yaml", scene_yaml, sizeof scene_yaml - 1, &pg[i].sc, err, sizeof err),
		    0);
		snprintf(pg[i].keys, sizeof pg[i].keys, "space*2");
		pg[i].cast = cast;
		pg[i].castlen = strlen(pg[i].cast);
	}
	struct html_marker mk[2] = {{0.0, l0}, {62.5, l1}};
	pg[0].markers = mk;
	pg[0].nmarkers = 2;
	struct html_page page = {.scenes = pg, .n = 1, .speed = 1.5};
	char *s;
	CAPTURE(s, html_page_write(f, &page));
	ASSERT(strstr(s, "<h1 class=\"mv-title\">A &lt;b&gt;bold&lt;/b&gt; &amp; &#39;quoted&#39; map</h1>"));
	ASSERT(strstr(s, "<p class=\"mv-summary\">x &lt; y</p>"));
	ASSERT(strstr(s, "Go 1.19-1.23"));
	ASSERT(strstr(s, "data-i=\"1\" data-t=\"62.500000\"><span class=\"mv-time\">1:02.5</span> "
	                 "<span class=\"mv-label\">fatal: &lt;x&gt;</span>"));
	ASSERT(strstr(s, "<option value=\"1.5\" selected>"));
	ASSERT(strstr(s, "\\u003c/script\\u003e"));
	ASSERT_EQ(count(s, "<script"), 3);
	ASSERT_EQ(count(s, "</script"), 3);
	ASSERT(!strstr(s, "<nav class=\"mv-toc\""));
	ASSERT(!strstr(s, "<details class=\"mv-notes\"")); /* captions as text: lessons only */
	free(s);
	page.n = 2;
	page.lesson = true;
	page.speed = 0.75; /* not in the list: added in its place */
	CAPTURE(s, html_page_write(f, &page));
	ASSERT(strstr(s, "<li><a href=\"#scene-1\">A &lt;b&gt;bold"));
	ASSERT(strstr(s, "<li><a href=\"#scene-2\">A &lt;b&gt;bold"));
	ASSERT(strstr(s, "<section class=\"mv-scene\" id=\"scene-2\" data-scene=\"1\">"));
	ASSERT(strstr(s, "<h2 class=\"mv-title\">"));
	ASSERT(strstr(s, "<span class=\"mv-when\">at step 0</span> Start &lt;/script&gt; here.</li>"));
	ASSERT(strstr(s, "<option value=\"0.5\">0.5&#215;</option><option value=\"0.75\" selected>"));
	ASSERT_EQ(count(s, "<script"), 3);
	ASSERT_EQ(count(s, "</script"), 3);
	free(s);
	for (int i = 0; i < 2; i++)
		scene_free(&pg[i].sc);
}

const struct unit_test export_html_tests[] = {
    UNIT(text_escaped), UNIT(json_script_safe), UNIT(markers_read_back),
    UNIT(default_keys), UNIT(page_written),     {0},
};
