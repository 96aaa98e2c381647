/* strpool: append-only interning of byte strings; see strpool.h. */
#include "engine/core/strpool.h"

#include <stdlib.h>
#include <string.h>

static uint64_t str_fnv(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static enum mv_status index_put(uint32_t *index, uint32_t icap, uint64_t h, uint32_t id)
{
	for (uint32_t i = (uint32_t)h & (icap - 1);; i = (i + 1) & (icap - 1)) {
		if (index[i] == 0) {
			index[i] = id + 1;
			return MV_OK;
		}
	}
}

static enum mv_status index_grow(struct mv_strpool *p)
{
	uint32_t ncap = p->icap ? p->icap * 2 : 64;
	uint32_t *ni = calloc(ncap, sizeof *ni);
	if (!ni)
		return MV_ENOMEM;
	for (uint32_t id = 0; id < p->n; id++)
		index_put(ni, ncap, str_fnv(p->bytes + p->off[id], p->slen[id]), id);
	free(p->index);
	p->index = ni;
	p->icap = ncap;
	return MV_OK;
}

enum mv_status mv_strpool_init(struct mv_strpool *p)
{
	uint32_t id;
	memset(p, 0, sizeof *p);
	return mv_strpool_intern(p, "", 0, &id);
}

void mv_strpool_done(struct mv_strpool *p)
{
	free(p->bytes);
	free(p->off);
	free(p->slen);
	free(p->index);
	memset(p, 0, sizeof *p);
}

enum mv_status mv_strpool_intern(struct mv_strpool *p, const char *s, size_t len, uint32_t *id)
{
	uint64_t h = str_fnv(s, len);
	if (len > UINT32_MAX / 2)
		return MV_ERANGE;
	if (p->icap) {
		for (uint32_t i = (uint32_t)h & (p->icap - 1); p->index[i]; i = (i + 1) & (p->icap - 1)) {
			uint32_t cand = p->index[i] - 1;
			if (p->slen[cand] == len && memcmp(p->bytes + p->off[cand], s, len) == 0) {
				*id = cand;
				return MV_OK;
			}
		}
	}
	if ((p->n + 1) * 2 > p->icap && index_grow(p) != MV_OK)
		return MV_ENOMEM;
	if (p->n == p->ncap) {
		uint32_t nc = p->ncap ? p->ncap * 2 : 64;
		uint32_t *no = realloc(p->off, nc * sizeof *no);
		if (!no)
			return MV_ENOMEM;
		p->off = no;
		uint32_t *nl = realloc(p->slen, nc * sizeof *nl);
		if (!nl)
			return MV_ENOMEM;
		p->slen = nl;
		p->ncap = nc;
	}
	if (p->len + len + 1 > p->cap) {
		size_t nc = p->cap ? p->cap : 256;
		while (nc < p->len + len + 1)
			nc *= 2;
		if (nc > UINT32_MAX)
			return MV_ELIMIT;
		char *nb = realloc(p->bytes, nc);
		if (!nb)
			return MV_ENOMEM;
		p->bytes = nb;
		p->cap = nc;
	}
	memcpy(p->bytes + p->len, s, len);
	p->bytes[p->len + len] = '\0';
	p->off[p->n] = (uint32_t)p->len;
	p->slen[p->n] = (uint32_t)len;
	p->len += len + 1;
	*id = p->n++;
	index_put(p->index, p->icap, h, *id);
	return MV_OK;
}

const char *mv_strpool_get(const struct mv_strpool *p, uint32_t id, size_t *len)
{
	if (id >= p->n) {
		if (len)
			*len = 0;
		return "";
	}
	if (len)
		*len = p->slen[id];
	return p->bytes + p->off[id];
}
