/* status: messages for enum mv_status, generated from MV_STATUS_MAP. */
#include "engine/core/status.h"

const char *mv_strerror(enum mv_status s)
{
	switch (s) {
#define MV_STATUS_CASE(name, msg)                                           \
	case MV_##name:                                                     \
		return msg;
		MV_STATUS_MAP(MV_STATUS_CASE)
#undef MV_STATUS_CASE
	}
	return "unknown status";
}
