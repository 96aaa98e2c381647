/*
 * compare: `mapviz --compare SCENE`, the same scene on Go 1.19's and Go
 * 1.26's map side by side in lockstep (compare.c).
 */
#ifndef MV_TUI_COMPARE_H
#define MV_TUI_COMPARE_H

/* argv: the program, then --compare, the scene and its options. */
int tui_compare_main(int argc, char **argv);

#endif
