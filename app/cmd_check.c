/* cmd_check: validate scene files; see cmd_check.h. */
#include "cmd_check.h"

#include <stdio.h>
#include <string.h>

#include "scene.h"
#include "scenes.h"

int cmd_check(int argc, char **argv)
{
	static const char usage[] =
		"usage: mapviz check SCENE...\n"
		"Validate scenes (paths or bundled scene names).  Each error is one line,\n"
		"FILE:LINE:COL: what was found, what was expected.  Exit 1 if any is bad.\n";
	int bad = 0;
	if (argc < 2) {
		fputs(usage, stderr);
		return 1;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		struct scene s;
		char err[1024], path[4096];
		scenes_resolve(argv[i], path, sizeof path);
		if (scene_load(path, &s, err, sizeof err) != 0) {
			fprintf(stderr, "%s\n", err);
			bad = 1;
			continue;
		}
		printf("%s: ok\n", argv[i]);
		scene_free(&s);
	}
	fflush(stdout);
	return bad;
}
