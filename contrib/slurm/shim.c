// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsrun-slurm-shim: what a Slurm task runs instead of its command when
 * spank_nsrun.so boxes it (doc/slurm.md). Not setuid: it runs as the job's
 * user, reads what the plugin left in NSRUN_SLURM_* and execs
 *     nsrun --policy POLICY BOX -- ARGV0 ARGS...
 * For a batch step ARGV0 is the script in slurmd's spool directory, which
 * the box cannot see: the shim opens it as the user, makes it the box's
 * stdin, and runs the interpreter of its "#!" line on /proc/self/fd/0.
 * Any error: one line on stderr, exit 125, nothing run. Statically linked,
 * so the job's LD_PRELOAD cannot take it over before it reaches nsrun.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHIM_FAIL 125
#define SHEBANG_MAX 256

static char *take(const char *name)
{
	const char *v = getenv(name);
	char *copy = v != NULL ? strdup(v) : NULL;

	unsetenv(name);
	return copy;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("nsrun: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return SHIM_FAIL;
}

/* "#!INTERP[ ARG]\n" -> interp, arg (arg may be NULL). In place. */
static int shebang(char *line, char **interp, char **arg)
{
	char *p, *end;

	if (strncmp(line, "#!", 2) != 0)
		return -1;
	end = strchr(line, '\n');
	if (end == NULL)
		return -1;
	*end = '\0';
	p = line + 2 + strspn(line + 2, " \t");
	if (*p != '/')
		return -1;
	*interp = p;
	p += strcspn(p, " \t");
	*arg = NULL;
	if (*p != '\0') {
		*p++ = '\0';
		p += strspn(p, " \t");
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (*p != '\0')
			*arg = p;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char a_nsrun[] = "nsrun", a_policy[] = "--policy", a_dashes[] = "--",
		    a_stdin[] = "/proc/self/fd/0";
	char *error = take("NSRUN_SLURM_ERROR");
	char *policy = take("NSRUN_SLURM_POLICY");
	char *box = take("NSRUN_SLURM_BOX");
	char *nsrun = take("NSRUN_SLURM_NSRUN");
	char *argv0 = take("NSRUN_SLURM_ARGV0");
	char *batch = take("NSRUN_SLURM_BATCH");
	char line[SHEBANG_MAX + 1];
	char *interp = NULL, *iarg = NULL;
	char **nargv;
	int n = 0;

	if (error != NULL)
		return fail("%s", error);
	if (policy == NULL || box == NULL || nsrun == NULL || argv0 == NULL ||
	    argc < 1)
		return fail("%s", "nsrun-slurm-shim runs only as a task of "
			    "spank_nsrun.so (its settings are missing)");
	if (batch != NULL) {
		ssize_t got;
		int fd = open(argv0, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);

		if (fd < 0)
			return fail("cannot open the batch script: %s", strerror(errno));
		got = pread(fd, line, SHEBANG_MAX, 0);
		if (got < 0)
			return fail("cannot read the batch script: %s", strerror(errno));
		line[got] = '\0';
		if (shebang(line, &interp, &iarg) < 0)
			return fail("%s", "the batch script does not start with "
				    "\"#!/absolute/interpreter\"");
		if (dup2(fd, STDIN_FILENO) < 0)
			return fail("cannot pass the batch script: %s", strerror(errno));
	}
	nargv = calloc((size_t)argc + 8, sizeof(*nargv));
	if (nargv == NULL)
		return fail("%s", "out of memory");
	nargv[n++] = a_nsrun;
	nargv[n++] = a_policy;
	nargv[n++] = policy;
	nargv[n++] = box;
	nargv[n++] = a_dashes;
	if (batch != NULL) {
		nargv[n++] = interp;
		if (iarg != NULL)
			nargv[n++] = iarg;
		nargv[n++] = a_stdin;
	} else {
		nargv[n++] = argv0;
	}
	for (int i = 1; i < argc; i++)
		nargv[n++] = argv[i];
	nargv[n] = NULL;
	execv(nsrun, nargv);
	return fail("cannot run nsrun: %s", strerror(errno));
}
