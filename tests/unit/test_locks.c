#include "unit.h"

const struct unit_test locks_tests[] = {
	{0},
};
