/*
 * alloc: the engine's allocation wrappers.  Out-of-memory is handled once:
 * the app registers a handler (which restores the terminal and exits); with
 * none registered the process aborts.  Functions never return NULL.
 */
#ifndef MV_ALLOC_H
#define MV_ALLOC_H

#include <stddef.h>

void mv_alloc_set_handler(void (*on_oom)(size_t bytes));
void *mv_xmalloc(size_t n);
void *mv_xcalloc(size_t n, size_t size);
void *mv_xrealloc(void *p, size_t n);
char *mv_xstrdup(const char *s);

#endif
