// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Attacks run ON THE HOST as the unprivileged test user by the hostile
 * suite: reach into a running nsrun (supervisor or box init) through
 * ptrace and /proc; exec nsrun with an empty argv; swap two paths in a
 * tight loop while nsrun starts (RENAME_EXCHANGE).
 *   hostprobe peek PID          exit 0 when every attempt was denied
 *   hostprobe argv0 PATH ENV... execve(PATH, {NULL}, {ENV...})
 *   hostprobe swap A B SECONDS  exchange A and B until time is up
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int got;

static void report(const char *what, long rc)
{
	if (rc < 0) {
		printf("%s: denied (%s)\n", what, strerrorname_np(errno));
	} else {
		printf("%s: ok\n", what);
		got++;
	}
}

static void try_open(const char *what, int pid, const char *file, int flags)
{
	char p[64];
	int fd;

	snprintf(p, sizeof(p), "/proc/%d/%s", pid, file);
	fd = open(p, flags);
	report(what, fd);
	if (fd >= 0)
		close(fd);
}

static int peek(int pid)
{
	char p[64], buf[256];
	struct iovec local = { buf, sizeof(buf) }, remote = { (void *)0x400000, sizeof(buf) };

	try_open("mem-rw", pid, "mem", O_RDWR);
	try_open("mem-ro", pid, "mem", O_RDONLY);
	try_open("environ", pid, "environ", O_RDONLY);
	try_open("fd-dir", pid, "fd", O_RDONLY | O_DIRECTORY);
	try_open("exe-wr", pid, "exe", O_WRONLY);
	try_open("exe-ro", pid, "exe", O_RDONLY);
	snprintf(p, sizeof(p), "/proc/%d/root", pid);
	report("root-link", readlink(p, buf, sizeof(buf)));
	snprintf(p, sizeof(p), "/proc/%d/cwd", pid);
	report("cwd-link", readlink(p, buf, sizeof(buf)));
	report("process_vm_readv", process_vm_readv(pid, &local, 1, &remote, 1, 0));
	if (ptrace(PTRACE_ATTACH, pid, 0, 0) == 0) {
		report("ptrace-attach", 0);
		waitpid(pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, pid, 0, 0);
	} else {
		report("ptrace-attach", -1);
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) == 0) {
		report("ptrace-seize", 0);
		ptrace(PTRACE_DETACH, pid, 0, 0);
	} else {
		report("ptrace-seize", -1);
	}
	return got ? 1 : 0;
}

static int swap(const char *a, const char *b, int seconds)
{
	time_t end = time(NULL) + seconds;
	long n = 0;

	while (time(NULL) < end) {
		if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) < 0) {
			perror("renameat2");
			return 2;
		}
		n++;
	}
	printf("swaps: %ld\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "peek") == 0)
		return peek(atoi(argv[2]));
	if (argc >= 3 && strcmp(argv[1], "argv0") == 0) {
		char *none[] = { NULL };
		execve(argv[2], none, argv + 3);
		perror("execve");
		return 2;
	}
	if (argc >= 5 && strcmp(argv[1], "swap") == 0)
		return swap(argv[2], argv[3], atoi(argv[4]));
	return 2;
}
