/*
 * hash: the model's hasher (the role of Go's memhash/strhash with the map's
 * hash0, M2.1) and pinned hashes.
 *
 * Default hash, int64 key k, seed s (hash0):
 *     x = k XOR (s * 0x9E3779B97F4A7C15)
 *     h = fmix64(x)  where fmix64 is MurmurHash3's 64-bit finalizer
 *         (x ^= x>>33; x *= 0xff51afd7ed558ccd; x ^= x>>33;
 *          x *= 0xc4ceb9fe1a85ec53; x ^= x>>33).
 * For a fixed seed it is a bijection, so distinct int keys never share a
 * full hash; changing hash0 moves every key.
 * Default hash, string key of n bytes: FNV-1a over the bytes, starting from
 * (s * 0x9E3779B97F4A7C15) ^ 0xcbf29ce484222325, then fmix64(h ^ n).
 * Go's real hashes are AES-based and randomly keyed per process, so no model
 * can reproduce them; instead a scene pins them (map.hashes, or hash: on an
 * op), and the oracle pins the values Go itself computed.
 *
 * Pins: a table key -> 64-bit hash.  A pinned key always hashes to its pin,
 * whatever hash0 is, in every phase (lookup, assign, evacuation, iteration).
 * The table is plain data inside the map and is copied with it.
 */
#ifndef MV_HASH_H
#define MV_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"

static inline uint64_t mv_fmix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static inline uint64_t mv_hash_int(int64_t k, uint32_t seed)
{
	return mv_fmix64((uint64_t)k ^ ((uint64_t)seed * 0x9E3779B97F4A7C15ULL));
}

uint64_t mv_hash_str(const char *s, size_t n, uint32_t seed);

struct mv_pin_slot {
	int64_t key;
	uint64_t hash;
	bool used;
};

struct mv_pins {
	struct mv_pin_slot *slots;
	uint32_t n, cap; /* cap: power of two or 0 */
};

void mv_pins_init(struct mv_pins *p);
void mv_pins_done(struct mv_pins *p);
enum mv_status mv_pins_copy(struct mv_pins *dst, const struct mv_pins *src);
enum mv_status mv_pins_set(struct mv_pins *p, int64_t key, uint64_t hash);

static inline bool mv_pins_get(const struct mv_pins *p, int64_t key, uint64_t *hash)
{
	if (p->n == 0)
		return false;
	for (uint32_t i = (uint32_t)mv_fmix64((uint64_t)key) & (p->cap - 1);; i = (i + 1) & (p->cap - 1)) {
		if (!p->slots[i].used)
			return false;
		if (p->slots[i].key == key) {
			*hash = p->slots[i].hash;
			return true;
		}
	}
}

#endif
