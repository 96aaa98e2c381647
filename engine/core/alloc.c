/* alloc: allocation wrappers that never return NULL; see alloc.h. */
#include "engine/core/alloc.h"

#include <stdlib.h>
#include <string.h>

static void (*oom_handler)(size_t);

void mv_alloc_set_handler(void (*on_oom)(size_t bytes))
{
	oom_handler = on_oom;
}

static void oom(size_t n)
{
	if (oom_handler)
		oom_handler(n);
	abort();
}

void *mv_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *mv_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *mv_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *mv_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(mv_xmalloc(n), s, n);
}
