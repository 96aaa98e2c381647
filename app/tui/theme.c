/*
 * theme: the built-in default and theme files; see theme.h.  A theme file
 * is parsed into a yamltree and checked against the libcyaml schema below
 * with yamlcheck (unknown role names, wrong types, duplicate keys: at the
 * exact token, as for scenes); values are then read from the tree so that
 * a bad color or glyph is reported at its own position too.
 */
#include "theme.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cyaml/cyaml.h>

#include "engine/core/alloc.h"
#include "../yamlcheck.h"
#include "../yamltree.h"
#include "canvas.h"

#define THEME_MAX_BYTES (1u << 20)

static const struct tui_style defaults[TR__COUNT] = {
#define TUI_ROLE_DEF(e, name, fg, bg, attr, glyph, ascii) [TR_##e] = {fg, bg, attr, glyph, ascii},
    TUI_ROLE_MAP(TUI_ROLE_DEF)
#undef TUI_ROLE_DEF
};

static const char *const role_names[TR__COUNT] = {
#define TUI_ROLE_NAME(e, name, fg, bg, attr, glyph, ascii) [TR_##e] = name,
    TUI_ROLE_MAP(TUI_ROLE_NAME)
#undef TUI_ROLE_NAME
};

const char *tui_role_name(enum tui_role r)
{
	return (unsigned)r < TR__COUNT ? role_names[r] : "?";
}

void tui_theme_default(struct tui_theme *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "built-in");
	memcpy(t->role, defaults, sizeof defaults);
}

/* ---- the schema (for yamlcheck; the values are read from the tree) ---- */

struct y_role {
	char *fg, *bg, *glyph, *ascii;
	bool bold, dim, reverse, underline;
};

struct y_roles {
#define TUI_ROLE_MEMBER(e, name, fg, bg, attr, glyph, ascii) struct y_role *r_##e;
	TUI_ROLE_MAP(TUI_ROLE_MEMBER)
#undef TUI_ROLE_MEMBER
};

struct y_theme {
	int64_t version;
	char *name, *summary;
	struct y_roles *roles;
};

#define OPT CYAML_FLAG_OPTIONAL

static const cyaml_schema_field_t role_fields[] = {
    CYAML_FIELD_STRING_PTR("fg", OPT | CYAML_FLAG_POINTER, struct y_role, fg, 1, 32),
    CYAML_FIELD_STRING_PTR("bg", OPT | CYAML_FLAG_POINTER, struct y_role, bg, 1, 32),
    CYAML_FIELD_BOOL("bold", OPT, struct y_role, bold),
    CYAML_FIELD_BOOL("dim", OPT, struct y_role, dim),
    CYAML_FIELD_BOOL("reverse", OPT, struct y_role, reverse),
    CYAML_FIELD_BOOL("underline", OPT, struct y_role, underline),
    CYAML_FIELD_STRING_PTR("glyph", OPT | CYAML_FLAG_POINTER, struct y_role, glyph, 1, 15),
    CYAML_FIELD_STRING_PTR("ascii", OPT | CYAML_FLAG_POINTER, struct y_role, ascii, 1, 7),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t roles_fields[] = {
#define TUI_ROLE_FIELD(e, name, fg, bg, attr, glyph, ascii) \
	CYAML_FIELD_MAPPING_PTR(name, OPT | CYAML_FLAG_POINTER, struct y_roles, r_##e, role_fields),
    TUI_ROLE_MAP(TUI_ROLE_FIELD)
#undef TUI_ROLE_FIELD
        CYAML_FIELD_END,
};

static const cyaml_schema_field_t top_fields[] = {
    CYAML_FIELD_INT("mapviz-theme", CYAML_FLAG_DEFAULT, struct y_theme, version),
    CYAML_FIELD_STRING_PTR("name", OPT | CYAML_FLAG_POINTER, struct y_theme, name, 1, 63),
    CYAML_FIELD_STRING_PTR("summary", OPT | CYAML_FLAG_POINTER, struct y_theme, summary, 0, CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING_PTR("roles", OPT | CYAML_FLAG_POINTER, struct y_theme, roles, roles_fields),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t top_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct y_theme, top_fields),
};

static const struct ycheck_name theme_names[] = {
    {.fields = top_fields, .name = ""},
    {.fields = roles_fields, .name = "roles", .key_noun = "role"},
    {.fields = role_fields, .name = "role"},
    {.fields = NULL},
};

/* ---- values ---- */

static const char *const color_names[] = {"black", "red",     "green", "yellow",
                                          "blue",  "magenta", "cyan",  "white"};

static bool parse_color(const char *s, int16_t *out)
{
	if (strcmp(s, "default") == 0) {
		*out = TC_DEF;
		return true;
	}
	bool bright = strncmp(s, "bright-", 7) == 0;
	const char *n = bright ? s + 7 : s;
	for (int i = 0; i < 8; i++)
		if (strcmp(n, color_names[i]) == 0) {
			*out = (int16_t)(i + (bright ? 8 : 0));
			return true;
		}
	uint64_t v;
	bool range;
	if (!bright && ycheck_parse_uint(s, &v, &range) && v < 256) {
		*out = (int16_t)v;
		return true;
	}
	return false;
}

static int role_value(const struct ytree *t, uint32_t rn, enum tui_role r, struct tui_style *st,
                      struct yerr *err)
{
	static const struct {
		const char *key;
		uint8_t bit;
	} attrs[] = {{"bold", TUI_A_BOLD},
	             {"dim", TUI_A_DIM},
	             {"reverse", TUI_A_REVERSE},
	             {"underline", TUI_A_UNDERLINE}};
	struct tui_style s = defaults[r];
	uint32_t n;
	char q[96];
	/* a role given in a theme replaces the default's colors and attributes */
	s.fg = s.bg = TC_DEF;
	s.attr = 0;
	for (int k = 0; k < 2; k++) {
		const char *key = k ? "bg" : "fg";
		if ((n = ytree_get(t, rn, key)) == YTREE_NONE)
			continue;
		const char *v = ytree_str(t, n);
		if (!parse_color(v, k ? &s.bg : &s.fg))
			return yerr_set(
			    err, t->nodes[n].line, t->nodes[n].col,
			    "found '%s' for roles.%s.%s, expected a color: default, black, red, green, "
			    "yellow, blue, magenta, cyan, white, bright-NAME, or 0..255",
			    yquote(q, sizeof q, v, strlen(v), 40), role_names[r], key);
	}
	for (size_t a = 0; a < sizeof attrs / sizeof attrs[0]; a++)
		if ((n = ytree_get(t, rn, attrs[a].key)) != YTREE_NONE &&
		    strcmp(ytree_str(t, n), "true") == 0)
			s.attr |= attrs[a].bit;
	for (int k = 0; k < 2; k++) {
		const char *key = k ? "ascii" : "glyph";
		if ((n = ytree_get(t, rn, key)) == YTREE_NONE)
			continue;
		const char *v = ytree_str(t, n);
		int want = tui_text_width(defaults[r].glyph);
		if (!defaults[r].glyph[0])
			return yerr_set(
			    err, t->nodes[n].line, t->nodes[n].col,
			    "found a %s for role %s, which draws text, not a glyph; expected no %s", key,
			    role_names[r], key);
		bool ok = tui_text_width(v) == want;
		for (const char *p = v; *p && k; p++)
			ok = ok && *p >= 0x20 && *p < 0x7f;
		for (const char *p = v; *p; p++)
			ok = ok && (unsigned char)*p >= 0x20 && *p != 0x7f;
		if (!ok)
			return yerr_set(err, t->nodes[n].line, t->nodes[n].col,
			                "found '%s' for roles.%s.%s, expected %d %s character%s",
			                yquote(q, sizeof q, v, strlen(v), 40), role_names[r], key, want,
			                k ? "printable ASCII" : "one-column", want == 1 ? "" : "s");
		snprintf(k ? s.ascii : s.glyph, k ? sizeof s.ascii : sizeof s.glyph, "%s", v);
	}
	*st = s;
	return 0;
}

static int read_all(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *b = mv_xmalloc(THEME_MAX_BYTES + 1);
	size_t n = fread(b, 1, THEME_MAX_BYTES + 1, f);
	fclose(f);
	if (n > THEME_MAX_BYTES) {
		snprintf(err, errlen, "%s: larger than %u bytes, expected a small theme file", path,
		         THEME_MAX_BYTES);
		free(b);
		return -1;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int tui_theme_load_file(struct tui_theme *th, const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	struct ytree t;
	struct yerr e = {0, 0, ""};
	int rc = -1;
	if (read_all(path, &buf, &len, err, errlen))
		return -1;
	memset(&t, 0, sizeof t);
	struct tui_theme out;
	tui_theme_default(&out);
	if (memchr(buf, '\0', len)) {
		yerr_set(&e, 1, 1, "found a NUL byte, expected UTF-8 text");
		goto done;
	}
	if (ytree_parse(&t, buf, len, &e))
		goto done;
	if (t.n == 0 || t.nodes[0].kind != YN_MAP) {
		yerr_set(&e, 1, 1, "expected a mapping with 'mapviz-theme: 1'");
		goto done;
	}
	if (ycheck(&t, 0, &top_schema, theme_names, &e))
		goto done;
	uint32_t vn = ytree_get(&t, 0, "mapviz-theme");
	if (strcmp(ytree_str(&t, vn), "1") != 0) {
		yerr_set(&e, t.nodes[vn].line, t.nodes[vn].col,
		         "found mapviz-theme: %s, expected mapviz-theme: 1", ytree_str(&t, vn));
		goto done;
	}
	const char *slash = strrchr(path, '/');
	snprintf(out.name, sizeof out.name, "%s", slash ? slash + 1 : path);
	char *dot = strrchr(out.name, '.');
	if (dot && strcmp(dot, ".yaml") == 0)
		*dot = '\0';
	uint32_t nn = ytree_get(&t, 0, "name");
	if (nn != YTREE_NONE)
		snprintf(out.name, sizeof out.name, "%s", ytree_str(&t, nn));
	uint32_t rs = ytree_get(&t, 0, "roles");
	if (rs != YTREE_NONE && t.nodes[rs].kind == YN_MAP) {
		for (int r = 0; r < TR__COUNT; r++) {
			uint32_t rn = ytree_get(&t, rs, role_names[r]);
			if (rn != YTREE_NONE && t.nodes[rn].kind == YN_MAP &&
			    role_value(&t, rn, (enum tui_role)r, &out.role[r], &e))
				goto done;
		}
	}
	*th = out;
	rc = 0;
done:
	if (rc) {
		if (e.line)
			snprintf(err, errlen, "%s:%u:%u: %s", path, e.line, e.col, e.msg);
		else
			snprintf(err, errlen, "%s: %s", path, e.msg);
	}
	ytree_done(&t);
	free(buf);
	return rc;
}

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int tui_theme_load(struct tui_theme *t, const char *name, char *err, size_t errlen)
{
	size_t nl = strlen(name);
	if (strchr(name, '/') || (nl > 5 && strcmp(name + nl - 5, ".yaml") == 0) || is_file(name))
		return tui_theme_load_file(t, name, err, errlen);
	char exe[4096], path[4600];
	const char *env = getenv("MAPVIZ_THEMES");
	if (env && *env) {
		snprintf(path, sizeof path, "%s/%s.yaml", env, name);
		if (is_file(path))
			return tui_theme_load_file(t, path, err, errlen);
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		const char *rel[] = {"/assets/themes", "/../share/mapviz/themes", "/../assets/themes"};
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			snprintf(path, sizeof path, "%s%s/%s.yaml", exe, rel[i], name);
			if (is_file(path))
				return tui_theme_load_file(t, path, err, errlen);
		}
	}
	snprintf(err, errlen,
	         "mapviz: no theme named '%s' (bundled: default, light, high-contrast; or give a path)",
	         name);
	return -1;
}
