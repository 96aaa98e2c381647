/*
 * main: mapviz's command-line dispatch.  One table lists the commands, their
 * one-line help and their entry points; `mapviz --help` is generated from it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"
#include "bench.h"
#include "cmd_check.h"
#include "cmd_explore.h"
#include "cmd_run.h"
#include "export.h"
#include "record.h"
#include "tui/compare.h"
#include "tui/tui.h" /* TUI: mapviz [opts] [SCENE] */

#define MAPVIZ_VERSION "0.1.0"

#define COMMAND_MAP(X)                                                                                 \
	X("run", cmd_run, "SCENE [opts]", "run a scene headless: text or JSON Lines")                  \
	X("record", cmd_record, "SCENE -o F.cast", "record the TUI: asciicast v2 (--keys: no person)") \
	X("export", cmd_export, "SCENE -o F.png", "pictures: .svg .png .txt .ans; .gif .html of --keys") \
	X("explore", cmd_explore, "SCENE [--all]", "every schedule of a scene, sorted by outcome")           \
	X("check", cmd_check, "SCENE...", "validate scenes; errors as FILE:LINE:COL: message")         \
	X("test", cmd_test, "[SCENE...]", "run scenes against their expect blocks")                    \
	X("list", cmd_list, "", "list the bundled scenes")                                             \
	X("bench", cmd_bench, "KIND [opts]", "engine, contention, tui, explore (bench/README.md)")

static const struct command {
	const char *name;
	int (*fn)(int, char **);
	const char *args, *help;
} commands[] = {
#define COMMAND_ENTRY(name, fn, args, help) {name, fn, args, help},
	COMMAND_MAP(COMMAND_ENTRY)
#undef COMMAND_ENTRY
};

static void on_oom(size_t n)
{
	fprintf(stderr, "mapviz: out of memory (allocating %zu bytes)\n", n);
	exit(1);
}

static void help(FILE *f)
{
	fputs("mapviz " MAPVIZ_VERSION " - how Go's runtime map works, and why it breaks under concurrency\n\n"
	      "usage: mapviz COMMAND [args]\n"
	      "       mapviz [opts] SCENE     show a scene in the TUI (a path, or a bundled scene's name)\n"
	      "       mapviz                  pick a bundled scene in the TUI\n"
	      "       mapviz --compare SCENE  the scene on Go 1.19's and Go 1.26's runtime side by side\n"
	      "                               (mapviz record --compare SCENE -o F.cast --keys ...: recorded)\n\n"
	      "commands:\n",
	      f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-7s %-16s %s\n", commands[i].name, commands[i].args, commands[i].help);
	fputs("\nmapviz COMMAND --help shows a command's options.\n", f);
	tui_help(f); /* TUI: options and keys */
}

int main(int argc, char **argv)
{
	mv_alloc_set_handler(on_oom);
	if (argc < 2)
		return tui_main(argc, argv); /* TUI: the scene picker */
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("mapviz " MAPVIZ_VERSION);
		return 0;
	}
	/* both runtimes side by side: in the TUI (mapviz --compare SCENE), or
	 * recorded (mapviz record --compare SCENE -o F.cast --keys ...) */
	bool is_command = false;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		is_command |= strcmp(argv[1], commands[i].name) == 0;
	if (!is_command || strcmp(argv[1], "record") == 0)
		for (int i = 1; i < argc; i++)
			if (strcmp(argv[i], "--compare") == 0)
				return tui_compare_main(argc, argv);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	if (tui_is_option(argv[1]))
		return tui_main(argc, argv); /* TUI: options before the scene */
	if (argv[1][0] == '-') {
		fprintf(stderr, "mapviz: unknown option '%s'\n", argv[1]);
		help(stderr);
		return 1;
	}
	return tui_main(argc, argv); /* TUI: mapviz SCENE [opts] */
}
