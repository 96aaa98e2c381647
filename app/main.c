/*
 * main: mapviz's command-line dispatch.  One table lists the commands, their
 * one-line help and their entry points; `mapviz --help` is generated from it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/alloc.h"
#include "bench.h"
#include "cmd_check.h"
#include "cmd_run.h"

#define MAPVIZ_VERSION "0.1.0"

#define COMMAND_MAP(X)                                                                          \
	X("run", cmd_run, "SCENE [opts]", "run a scene headless: text or JSON Lines")           \
	X("check", cmd_check, "SCENE...", "validate scenes; errors as FILE:LINE:COL: message") \
	X("test", cmd_test, "[SCENE...]", "run scenes against their expect blocks")            \
	X("list", cmd_list, "", "list the bundled scenes")                                     \
	X("bench", cmd_bench, "engine [--n N]", "benchmarks (see bench/README.md)")

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
	      "       mapviz SCENE            show a scene (a path, or a bundled scene's name)\n\n"
	      "commands:\n",
	      f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-6s %-16s %s\n", commands[i].name, commands[i].args, commands[i].help);
	fputs("\nmapviz COMMAND --help shows a command's options.\n", f);
}

int main(int argc, char **argv)
{
	mv_alloc_set_handler(on_oom);
	if (argc < 2) {
		/* Until the scene picker: list what there is. */
		help(stdout);
		fputs("\nbundled scenes:\n", stdout);
		return cmd_list(argc, argv);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("mapviz " MAPVIZ_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	if (argv[1][0] == '-') {
		fprintf(stderr, "mapviz: unknown option '%s'\n", argv[1]);
		help(stderr);
		return 1;
	}
	/* mapviz SCENE: a transcript until the TUI opens scenes. */
	char *run_argv[] = {(char *)"run", argv[1], NULL};
	return cmd_run(2, run_argv);
}
