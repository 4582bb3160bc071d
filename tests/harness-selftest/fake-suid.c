// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test-only set-uid root wrapper for the harness self-test: the harness
 * execs "nsrun" as its --as user, as it does the real setuid nsrun; this
 * records the caller's ids, becomes root for good and runs the fake runner
 * script (FAKE_NSRUN_SCRIPT, root-owned, installed by the self-test under
 * /run). Never installed; the self-test copies it with mode 4755 only for
 * its own run and removes it afterwards. It runs nothing unless that
 * script exists and is root-owned and not writable by others.
 */
#include "config.h"

#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FAKE_MAX_ARGS 64

int main(int argc, char **argv)
{
	static char e_uid[32], e_gid[32], e_groups[4096],
		e_path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	char bash[] = "/bin/bash", script[] = FAKE_NSRUN_SCRIPT;
	char *envp[] = { e_path, e_uid, e_gid, e_groups, NULL };
	char *args[FAKE_MAX_ARGS + 3];
	gid_t groups[256];
	int n = getgroups(256, groups), i;
	size_t used;
	struct stat st;

	if (argc > FAKE_MAX_ARGS || n < 0)
		return 125;
	if (stat(script, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022) != 0) {
		fprintf(stderr, "nsrun: fake runner %s missing or not root-owned\n", script);
		return 125;
	}
	snprintf(e_uid, sizeof(e_uid), "FAKE_UID=%u", (unsigned)getuid());
	snprintf(e_gid, sizeof(e_gid), "FAKE_GID=%u", (unsigned)getgid());
	used = (size_t)snprintf(e_groups, sizeof(e_groups), "FAKE_GROUPS=");
	for (i = 0; i < n && used + 16 < sizeof(e_groups); i++)
		used += (size_t)snprintf(e_groups + used, sizeof(e_groups) - used, "%s%u",
					 i ? "," : "", (unsigned)groups[i]);
	/* Root for good (the fake runner drops to FAKE_UID for the payload). */
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		perror("nsrun: fake runner: setresuid");
		return 125;
	}
	args[0] = bash;
	args[1] = script;
	for (i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	args[argc + 1] = NULL;
	execve(bash, args, envp);
	perror("nsrun: fake runner: exec");
	return 125;
}
