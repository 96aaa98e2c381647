/*
 * Unit tests of engine/core/hash: the model's seeded hash (hash.h) and the
 * pins that stand for Go's real hashes.
 */
#include <stdlib.h>

#include "engine/core/hash.h"
#include "unit.h"

/* For a fixed seed the int hash is a bijection (fmix64 of k ^ const), so
 * distinct keys never collide; another seed moves the keys. */
static void int_hash(void)
{
	ASSERT(mv_hash_int(1, 7) != mv_hash_int(2, 7));
	ASSERT(mv_hash_int(1, 7) != mv_hash_int(1, 8));
	ASSERT_EQ_U64(mv_hash_int(0, 0), mv_fmix64(0));
	uint64_t seen[512];
	for (int i = 0; i < 512; i++) {
		seen[i] = mv_hash_int(i - 256, 3);
		for (int j = 0; j < i; j++)
			ASSERT(seen[i] != seen[j]);
	}
}

/* The string hash depends on every byte, the length and the seed. */
static void string_hash(void)
{
	ASSERT(mv_hash_str("ab", 2, 1) != mv_hash_str("ba", 2, 1));
	ASSERT(mv_hash_str("a", 1, 1) != mv_hash_str("a\0", 2, 1));
	ASSERT(mv_hash_str("", 0, 1) != mv_hash_str("", 0, 2));
	ASSERT_EQ_U64(mv_hash_str("key", 3, 9), mv_hash_str("key", 3, 9));
}

/* Pins: a pinned key hashes to its pin whatever else is pinned; the table
 * grows, a later pin replaces an earlier one, and a copy is independent. */
static void pins(void)
{
	struct mv_pins p, q;
	mv_pins_init(&p);
	uint64_t h;
	ASSERT(!mv_pins_get(&p, 5, &h));
	for (int64_t k = 0; k < 1000; k++)
		ASSERT(mv_pins_set(&p, k * 7 - 300, (uint64_t)k << 40 | 0x7f) == MV_OK);
	ASSERT_EQ(p.n, 1000);
	for (int64_t k = 0; k < 1000; k++) {
		ASSERT(mv_pins_get(&p, k * 7 - 300, &h));
		ASSERT_EQ_U64(h, (uint64_t)k << 40 | 0x7f);
	}
	ASSERT(!mv_pins_get(&p, 2, &h)); /* 2 is no k*7-300 */
	ASSERT(mv_pins_set(&p, -300, 42) == MV_OK);
	ASSERT(mv_pins_get(&p, -300, &h) && h == 42);
	ASSERT_EQ(p.n, 1000);
	ASSERT(mv_pins_copy(&q, &p) == MV_OK);
	ASSERT(mv_pins_set(&p, -300, 43) == MV_OK);
	ASSERT(mv_pins_get(&q, -300, &h) && h == 42);
	mv_pins_done(&p);
	mv_pins_done(&q);
}

const struct unit_test hash_tests[] = {
	UNIT(int_hash),
	UNIT(string_hash),
	UNIT(pins),
	{0},
};
