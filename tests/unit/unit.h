/*
 * unit: the unit-test harness.  Each tests/unit/test_MODULE.c defines
 *     const struct unit_test MODULE_tests[] = { UNIT(name), ..., {0} };
 * and tests/unit/modules.h lists MODULE once.  A failing assertion prints
 * both operands and ends that test (the others still run).  Every test runs
 * under an alarm, so a test that would deadlock fails cleanly instead.
 */
#ifndef MV_UNIT_H
#define MV_UNIT_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

#define UNIT(fn) {#fn, fn}

extern jmp_buf unit_jmp;
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

#define ASSERT(c)                                                              \
	do {                                                                   \
		if (!(c))                                                      \
			unit_fail(__FILE__, __LINE__, "assertion failed: %s", #c); \
	} while (0)

#define ASSERT_EQ(a, b)                                                        \
	do {                                                                   \
		int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                  \
		if (a_ != b_)                                                  \
			unit_fail(__FILE__, __LINE__, "%s == %s: %" PRId64 " != %" PRId64, #a, #b, a_, b_); \
	} while (0)

#define ASSERT_EQ_U64(a, b)                                                    \
	do {                                                                   \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);               \
		if (a_ != b_)                                                  \
			unit_fail(__FILE__, __LINE__, "%s == %s: 0x%016" PRIx64 " != 0x%016" PRIx64, #a, #b, a_, b_); \
	} while (0)

#define ASSERT_STR(a, b)                                                       \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (!a_ || !b_ || strcmp(a_, b_) != 0)                         \
			unit_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	} while (0)

#endif
