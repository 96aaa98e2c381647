/* scenes: resolve scene names to files, the catalog the picker and
 * `mapviz list` show; see scenes.h. */
#include "scenes.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/alloc.h"
#include "scene.h"

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Directory of the running binary. */
static int exe_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

int scenes_dir(char *buf, size_t len)
{
	const char *env = getenv("MAPVIZ_SCENES");
	char exe[4096];
	if (env && *env && is_dir(env)) {
		snprintf(buf, len, "%s", env);
		return 0;
	}
	if (exe_dir(exe, sizeof exe) == 0) {
		const char *rel[] = {"/scenes", "/../share/mapviz/scenes", "/../scenes"};
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			snprintf(buf, len, "%s%s", exe, rel[i]);
			if (is_dir(buf))
				return 0;
		}
	}
	return -1;
}

int scenes_resolve(const char *name, char *buf, size_t len)
{
	char dir[4096];
	if (is_file(name) || strchr(name, '/')) {
		snprintf(buf, len, "%s", name);
		return 0;
	}
	if (scenes_dir(dir, sizeof dir) == 0) {
		size_t nl = strlen(name);
		const char *ext = nl > 5 && strcmp(name + nl - 5, ".yaml") == 0 ? "" : ".yaml";
		snprintf(buf, len, "%s/%s%s", dir, name, ext);
		if (is_file(buf))
			return 0;
	}
	snprintf(buf, len, "%s", name);
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **scenes_list(size_t *n)
{
	char dir[4096];
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	*n = 0;
	if (scenes_dir(dir, sizeof dir) != 0)
		return NULL;
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l <= 5 || strcmp(e->d_name + l - 5, ".yaml") != 0)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 32;
			v = mv_xrealloc(v, cap * sizeof *v);
		}
		size_t pl = strlen(dir) + l + 2;
		v[cnt] = mv_xmalloc(pl);
		snprintf(v[cnt], pl, "%s/%s", dir, e->d_name);
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof *v, cmp_str);
	*n = cnt;
	return v;
}

/* ---- the catalog ---- */

/* The chapter of the challenge scenes (scene.h challenge:): listed after
 * every lesson. */
#define SCENES_CHALLENGES "C"

/* The article's chapters (seed/README.md), the Swiss-table lessons and
 * the challenges. */
static const struct {
	const char *chapter, *name;
} chapters[] = {
    {"1", "How the map works, and the three safe maps"},
    {"2.1", "The concurrent map writes fatal error"},
    {"2.2", "sync.Map or a locked map"},
    {"2.3", "RWMutex wrappers and their traps"},
    {"2.4", "Iterating while others write"},
    {"2.5", "Context cancel races map cleanup"},
    {"3", "Memory a map keeps"},
    {"3.3", "Memory: old buckets kept until growth ends"},
    {"4.1", "Maps made in hot paths"},
    {"4.2", "Capacity hints"},
    {"4.3", "Nil maps in structs"},
    {"5", "Practices: iteration order"},
    {"S1", "Swiss tables: small maps"},
    {"S2", "Swiss tables: probing with H1 and H2"},
    {"S3", "Swiss tables: tombstones"},
    {"S4", "Swiss tables: growth and splits"},
    {"S5", "Swiss tables: range while growing"},
    {"S6", "Swiss tables: clear"},
    {"S7", "Swiss tables: races"},
    {"S8", "sync.Map on Go 1.24+: a hash trie"},
    {SCENES_CHALLENGES, "Challenges: you are the scheduler"},
};

const char *scenes_chapter_name(const char *chapter)
{
	if (!chapter)
		return NULL;
	for (size_t i = 0; i < sizeof chapters / sizeof chapters[0]; i++)
		if (!strcmp(chapters[i].chapter, chapter))
			return chapters[i].name;
	return NULL;
}

/* Chapters as numbers ("2.10" after "2.9"), then the challenges after
 * every lesson; scenes without one last. */
static int chapter_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return !a - !b;
	bool ca = strcmp(a, SCENES_CHALLENGES) == 0, cb = strcmp(b, SCENES_CHALLENGES) == 0;
	if (ca || cb)
		return ca - cb;
	while (*a || *b) {
		char *ea, *eb;
		long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);
		if (ea == a || eb == b)
			return strcmp(a, b);
		if (x != y)
			return x < y ? -1 : 1;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
		if (!*ea || !*eb)
			return (*ea != 0) - (*eb != 0);
	}
	return 0;
}

static int info_cmp(const void *x, const void *y)
{
	const struct scene_info *a = x, *b = y;
	int c = chapter_cmp(a->chapter, b->chapter);
	return c ? c : strcmp(a->name, b->name);
}

struct scene_info *scenes_catalog(size_t *n)
{
	char **paths = scenes_list(n);
	if (!paths)
		return NULL;
	struct scene_info *v = mv_xcalloc(*n + 1, sizeof *v);
	for (size_t i = 0; i < *n; i++) {
		struct scene_info *e = &v[i];
		struct scene sc;
		char err[1024];
		e->path = paths[i];
		const char *base = strrchr(e->path, '/');
		e->name = mv_xstrdup(base ? base + 1 : e->path);
		size_t bl = strlen(e->name);
		if (bl > 5 && strcmp(e->name + bl - 5, ".yaml") == 0)
			e->name[bl - 5] = '\0';
		if (scene_load(e->path, &sc, err, sizeof err) == 0) {
			e->title = mv_xstrdup(sc.title ? sc.title : "");
			e->summary = mv_xstrdup(sc.summary ? sc.summary : "");
			e->chapter = sc.chapter ? mv_xstrdup(sc.chapter) : NULL;
			e->go = sc.go;
			scene_free(&sc);
		} else {
			e->title = mv_xstrdup("(does not load: mapviz check it)");
			e->summary = mv_xstrdup(err);
			e->broken = true;
		}
	}
	free(paths);
	if (*n)
		qsort(v, *n, sizeof *v, info_cmp);
	return v;
}

void scenes_catalog_free(struct scene_info *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].path);
		free(v[i].name);
		free(v[i].title);
		free(v[i].summary);
		free(v[i].chapter);
	}
	free(v);
}

/* Edit distance (adjacent swaps count one), for typos. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return SIZE_MAX;
	size_t d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	return d[la][lb];
}

int scenes_suggest(const char *name, char *buf, size_t len)
{
	size_t n;
	char **paths = scenes_list(&n);
	if (!paths)
		return -1;
	char want[256];
	snprintf(want, sizeof want, "%s", name);
	size_t wl = strlen(want);
	if (wl > 5 && !strcmp(want + wl - 5, ".yaml"))
		want[wl - 5] = '\0';
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(paths[i], '/');
		char nm[256];
		snprintf(nm, sizeof nm, "%s", base ? base + 1 : paths[i]);
		size_t l = strlen(nm);
		if (l > 5)
			nm[l - 5] = '\0';
		size_t d = distance(want, nm);
		/* close: a third of the name at most, or it begins the name */
		bool close = d <= (strlen(nm) + 2) / 3 || (wl >= 3 && !strncmp(nm, want, strlen(want)));
		if (close && d < best) {
			best = d;
			snprintf(buf, len, "%s", nm);
		}
		free(paths[i]);
	}
	free(paths);
	return best == SIZE_MAX ? -1 : 0;
}

int scenes_print_list(FILE *f)
{
	size_t n;
	struct scene_info *v = scenes_catalog(&n);
	if (!v || !n) {
		fprintf(stderr, "mapviz list: no bundled scenes found (set MAPVIZ_SCENES)\n");
		scenes_catalog_free(v, n);
		return 1;
	}
	int namew = 4;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(v[i].name) > namew)
			namew = (int)strlen(v[i].name);
	for (size_t i = 0; i < n; i++) {
		const struct scene_info *e = &v[i];
		if (i == 0 || chapter_cmp(e->chapter, v[i - 1].chapter) != 0 ||
		    (e->chapter && v[i - 1].chapter && strcmp(e->chapter, v[i - 1].chapter))) {
			const char *cn = scenes_chapter_name(e->chapter);
			if (i)
				fputc('\n', f);
			if (e->chapter)
				fprintf(f, "%s%s%s\n", e->chapter, cn ? "  " : "", cn ? cn : "");
			else
				fprintf(f, "other scenes\n");
		}
		fprintf(f, "  %-*s  %s  [Go %s]\n", namew, e->name, e->title, mv_go_name(e->go));
		fprintf(f, "  %-*s  %s\n", namew, "", e->summary);
	}
	scenes_catalog_free(v, n);
	return 0;
}
