#include "unit.h"

const struct unit_test world_tests[] = {
	{0},
};
