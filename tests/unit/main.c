/* The unit-test runner: runs every module's table (or those named on the
 * command line: MODULE or MODULE.test) and ends with "N passed, N failed". */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

/* Which modules this runner holds (engine_modules.h for engine-tests) and
 * the name of its result line. */
#ifndef UNIT_MODULES
#define UNIT_MODULES "modules.h"
#endif
#ifndef UNIT_LAYER
#define UNIT_LAYER "unit"
#endif

#define MODULE(name) extern const struct unit_test name##_tests[];
#include UNIT_MODULES
#undef MODULE

static const struct {
	const char *name;
	const struct unit_test *tests;
} modules[] = {
#define MODULE(name) {#name, name##_tests},
#include UNIT_MODULES
#undef MODULE
};

jmp_buf unit_jmp;

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "    %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	longjmp(unit_jmp, 1);
}

static void on_alarm(int sig)
{
	static const char msg[] = "    timed out (deadlock?)\n";
	(void)sig;
	(void)!write(2, msg, sizeof msg - 1);
	_exit(3);
}

static bool selected(int argc, char **argv, const char *mod, const char *test)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++) {
		size_t ml = strlen(mod);
		if (strcmp(argv[i], mod) == 0)
			return true;
		if (strncmp(argv[i], mod, ml) == 0 && argv[i][ml] == '.' && strcmp(argv[i] + ml + 1, test) == 0)
			return true;
	}
	return false;
}

/* Run one test in this process; true if it passed.  Kept apart so that
 * no local of the caller lives across setjmp. */
static bool run_here(const struct unit_test *t)
{
	if (setjmp(unit_jmp) == 0) {
		t->fn();
		return true;
	}
	return false;
}

/* Run one test in a child process of its own, so that a test that
 * crashes, aborts or hangs fails alone and the run goes on (UNIT_NOFORK=1
 * runs it here, for a debugger).  True if it passed. */
static bool run_one(const struct unit_test *t)
{
	const char *nofork = getenv("UNIT_NOFORK");
	if (nofork && strcmp(nofork, "1") == 0) {
		alarm(60);
		bool ok = run_here(t);
		alarm(0);
		return ok;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		perror("unit: fork");
		return false;
	}
	if (pid == 0) {
		alarm(60);
		bool ok = run_here(t);
		fflush(stdout);
		fflush(stderr);
		_exit(ok ? 0 : 1);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			perror("unit: waitpid");
			return false;
		}
	if (WIFSIGNALED(st)) {
		fprintf(stderr, "    died of signal %d (%s)\n", WTERMSIG(st), strsignal(WTERMSIG(st)));
		return false;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	signal(SIGALRM, on_alarm);
	for (size_t m = 0; m < sizeof modules / sizeof modules[0]; m++) {
		for (const struct unit_test *t = modules[m].tests; t->name; t++) {
			if (!selected(argc, argv, modules[m].name, t->name))
				continue;
			if (run_one(t)) {
				passed++;
				printf("ok   %s.%s\n", modules[m].name, t->name);
			} else {
				failed++;
				printf("FAIL %s.%s\n", modules[m].name, t->name);
			}
			fflush(stdout);
		}
	}
	printf(UNIT_LAYER ": %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
