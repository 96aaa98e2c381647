#include "unit.h"

const struct unit_test hash_tests[] = {
	{0},
};
