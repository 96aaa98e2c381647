/*
 * status: the engine's C-level status codes.  These are failures of the
 * program (bad input, out of memory), never modeled Go outcomes: a Go fatal
 * error, panic or deadlock is data (see world.h), not an mv_status.
 */
#ifndef MV_STATUS_H
#define MV_STATUS_H

#define MV_STATUS_MAP(X)                                                    \
	X(OK, "ok")                                                         \
	X(ENOMEM, "out of memory")                                          \
	X(EINVAL, "invalid argument")                                       \
	X(ERANGE, "value out of range")                                     \
	X(ENOTSUP, "operation not supported by this map kind")              \
	X(ELIMIT, "limit exceeded")

enum mv_status {
#define MV_STATUS_ENUM(name, msg) MV_##name,
	MV_STATUS_MAP(MV_STATUS_ENUM)
#undef MV_STATUS_ENUM
};

/* A static, human-readable message for a status code. */
const char *mv_strerror(enum mv_status s);

#endif
