/*
 * export: `mapviz export` — its command line.  A picture of one step
 * (.svg .png .txt .ans) or of a scripted session (.gif) is made by
 * app/tui/export.c; a web page (.html, --lesson) by export_html.c.
 */
#ifndef MV_EXPORT_H
#define MV_EXPORT_H

/* argv[0] is "export"; the exit status: 0 written, 1 bad usage or a bad
 * scene or the file exists. */
int cmd_export(int argc, char **argv);

#endif
