/*
 * record: `mapviz record SCENE -o FILE.cast` — records the TUI (app/tui/)
 * as an asciicast v2 file (cast.h) or, with --keys, a plain-text
 * transcript.
 */
#ifndef MV_RECORD_H
#define MV_RECORD_H

/* The writer's declarations, for callers that still find them here (the
 * unit test tests/unit/test_record.c); new code includes cast.h. */
#include "cast.h"

/* `mapviz record`. */
int cmd_record(int argc, char **argv);

#endif
