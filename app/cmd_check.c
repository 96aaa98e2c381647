/* cmd_check: validate scene files; see cmd_check.h. */
#include "cmd_check.h"

#include <stdio.h>

#include "scene.h"

int cmd_check(int argc, char **argv)
{
	int bad = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: mapviz check SCENE...\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		struct scene s;
		char err[1024];
		if (scene_load(argv[i], &s, err, sizeof err) != 0) {
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
