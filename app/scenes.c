/* scenes: resolve scene names to files; see scenes.h. */
#include "scenes.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/alloc.h"

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
