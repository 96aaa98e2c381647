/*
 * record: `mapviz record SCENE -o FILE.cast` — records the TUI (app/tui/)
 * as an asciicast v2 file (cast.h) or, with --keys, a plain-text
 * transcript.
 */
#ifndef MV_RECORD_H
#define MV_RECORD_H

/* `mapviz record`. */
int cmd_record(int argc, char **argv);

#endif
