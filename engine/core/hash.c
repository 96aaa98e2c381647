/* hash: the default seeded hashes and the pin table; see hash.h. */
#include "engine/core/hash.h"

#include <stdlib.h>
#include <string.h>

uint64_t mv_hash_str(const char *s, size_t n, uint32_t seed)
{
	uint64_t h = ((uint64_t)seed * 0x9E3779B97F4A7C15ULL) ^ 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return mv_fmix64(h ^ (uint64_t)n);
}

void mv_pins_init(struct mv_pins *p)
{
	memset(p, 0, sizeof *p);
}

void mv_pins_done(struct mv_pins *p)
{
	free(p->slots);
	memset(p, 0, sizeof *p);
}

enum mv_status mv_pins_copy(struct mv_pins *dst, const struct mv_pins *src)
{
	*dst = *src;
	if (!src->cap)
		return MV_OK;
	dst->slots = malloc(src->cap * sizeof *dst->slots);
	if (!dst->slots)
		return MV_ENOMEM;
	memcpy(dst->slots, src->slots, src->cap * sizeof *dst->slots);
	return MV_OK;
}

static void pins_put(struct mv_pin_slot *slots, uint32_t cap, int64_t key, uint64_t hash, uint32_t *n)
{
	for (uint32_t i = (uint32_t)mv_fmix64((uint64_t)key) & (cap - 1);; i = (i + 1) & (cap - 1)) {
		if (!slots[i].used) {
			slots[i] = (struct mv_pin_slot){key, hash, true};
			(*n)++;
			return;
		}
		if (slots[i].key == key) {
			slots[i].hash = hash;
			return;
		}
	}
}

enum mv_status mv_pins_set(struct mv_pins *p, int64_t key, uint64_t hash)
{
	if ((p->n + 1) * 2 > p->cap) {
		uint32_t ncap = p->cap ? p->cap * 2 : 16;
		struct mv_pin_slot *ns = calloc(ncap, sizeof *ns);
		uint32_t nn = 0;
		if (!ns)
			return MV_ENOMEM;
		for (uint32_t i = 0; i < p->cap; i++)
			if (p->slots[i].used)
				pins_put(ns, ncap, p->slots[i].key, p->slots[i].hash, &nn);
		free(p->slots);
		p->slots = ns;
		p->cap = ncap;
		p->n = nn;
	}
	pins_put(p->slots, p->cap, key, hash, &p->n);
	return MV_OK;
}
