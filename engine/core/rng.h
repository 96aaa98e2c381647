/*
 * rng: the engine's only source of randomness, a splitmix64 generator held
 * by value in whatever owns it (a map, a scheduler), so copying the owner
 * copies the generator and replay is exact.  Go draws the same values from
 * its per-M fastrand (go-map-semantics P3); the model makes them injectable
 * (G1).
 */
#ifndef MV_RNG_H
#define MV_RNG_H

#include <stdint.h>

struct mv_rng {
	uint64_t state;
};

static inline void mv_rng_init(struct mv_rng *r, uint64_t seed)
{
	r->state = seed;
}

/* splitmix64: one 64-bit draw. */
static inline uint64_t mv_rng_u64(struct mv_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint32_t mv_rng_u32(struct mv_rng *r)
{
	return (uint32_t)(mv_rng_u64(r) >> 32);
}

/* The splitmix64 finalizer of x, stateless: the benchmark's key sequence. */
static inline uint64_t mv_splitmix64(uint64_t x)
{
	uint64_t z = x + 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
