// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test-only helper of the fake runner (tests/harness-selftest/fake-nsrun):
 * runs as root in the box's new namespaces with the box root as its cwd,
 * optionally pivots into it (pivot_root(".", ".") and detaches the old
 * root), then acts as the box's init: forks the payload, which drops to
 * the given ids, capabilities and no_new_privs (each droppable on purpose
 * by the self-test) and execs with the environment the runner handed over
 * as BOXENV_NAME=value; the init waits and returns its status.
 * Static, so it works after the pivot in any rootfs.
 *
 * fake-drop PIVOT UID GID GROUPS|- KEEP_BSET NNP -- CMD [ARG...]
 */
#include "config.h"

#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void fake_die(const char *what)
{
	perror(what);
	_exit(125);
}

static void fake_drop(uid_t uid, gid_t gid, const char *groups, int keep_bset, int nnp)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	gid_t gs[256];
	size_t n = 0;
	int c;

	while (groups[0] != '-' && *groups != '\0' && n < 256) {
		char *end;

		gs[n++] = (gid_t)strtoul(groups, &end, 10);
		groups = *end == ',' ? end + 1 : end;
		if (end == groups && *end != '\0')
			break;
	}
	if (!keep_bset)
		for (c = 0; c <= 63; c++)
			if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && c <= CAP_LAST_CAP)
				fake_die("PR_CAPBSET_DROP");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		fake_die("PR_CAP_AMBIENT_CLEAR_ALL");
	if (setgroups(n, gs) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		fake_die("drop ids");
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d) < 0)
		fake_die("capset");
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fake_die("PR_SET_NO_NEW_PRIVS");
}

/* The box's environment: every BOXENV_NAME=value of ours as NAME=value. */
static char **fake_env(void)
{
	extern char **environ;
	static char *envp[64];
	size_t n = 0;

	for (char **e = environ; *e != NULL && n + 1 < 64; e++)
		if (strncmp(*e, "BOXENV_", 7) == 0)
			envp[n++] = *e + 7;
	envp[n] = NULL;
	return envp;
}

int main(int argc, char **argv)
{
	char **envp = fake_env();
	int st;
	pid_t pid;

	if (argc < 9 || strcmp(argv[7], "--") != 0) {
		fprintf(stderr, "usage: fake-drop PIVOT UID GID GROUPS KEEP_BSET NNP -- CMD...\n");
		return 125;
	}
	if (atoi(argv[1])) {
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			fake_die("pivot_root");
		if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
			fake_die("detach the old root");
	}
	pid = fork();
	if (pid < 0)
		fake_die("fork");
	if (pid == 0) {
		fake_drop((uid_t)atol(argv[2]), (gid_t)atol(argv[3]), argv[4], atoi(argv[5]),
			  atoi(argv[6]));
		execve(argv[8], argv + 8, envp);
		perror(argv[8]);
		_exit(127);
	}
	close(0);
	while (waitpid(pid, &st, 0) < 0)
		;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
