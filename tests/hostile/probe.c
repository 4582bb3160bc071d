// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Attacks run INSIDE a box by the hostile suite (tests/hostile). Built
 * static, so it runs on any image. Unprivileged; every attempt prints one
 * line "NAME: ok" or "NAME: denied (errno)"; the tests decide what passes.
 *   probe ids | suid | status | tiocsti | exe | fds | eatmem MB | forkbomb SECONDS
 *         | setns-user (join the user namespace open on fd 0)
 * Variants that may fault by the host's configuration rather than by
 * nsrun's doing (the i386 entry through int 0x80, x32) run in a child: a
 * child killed by SIGSEGV, SIGILL or SIGSYS is a refusal, "denied (ABI
 * unavailable: signal N)", and the probe goes on with the next variant.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int report(const char *what, long rc)
{
	if (rc < 0)
		printf("%s: denied (%s)\n", what, strerrorname_np(errno));
	else
		printf("%s: ok\n", what);
	fflush(stdout);
	return rc < 0 ? 0 : 1;
}

static int try_open(const char *what, const char *path, int flags)
{
	int fd = open(path, flags);
	int r = report(what, fd);

	if (fd >= 0)
		close(fd);
	return r;
}

static int ids(void)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	getresuid(&r, &e, &s);
	getresgid(&rg, &eg, &sg);
	printf("uid=%u,%u,%u gid=%u,%u,%u\n", r, e, s, rg, eg, sg);
	return 0;
}

/* A setuid-root copy of this binary must still run as the caller. */
static int suid(void)
{
	int got = 0;

	ids();
	got += report("setuid0", setuid(0));
	got += report("setresuid0", setresuid(0, 0, 0));
	got += report("setgid0", setgid(0));
	got += try_open("open-shadow", "/etc/shadow", O_RDONLY);
	printf("euid-now=%u\n", geteuid());
	return got ? 1 : 0;
}

/* The i386 ioctl(fd, req, p) through int 0x80; -1 and errno on failure. */
static long ioctl_i386(int fd, unsigned long req, const char *p)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(54), "b"(fd), "c"(req), "d"(p) : "memory");
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* The x32 ioctl: the filter refuses the whole x32 ABI. */
static long ioctl_x32(int fd, unsigned long req, const char *p)
{
	return syscall(__NR_ioctl | 0x40000000, fd, req, p);
}

/* Run one variant in a child; its exit status is report()'s result. A
 * child killed by a signal the ABI itself raises (no int 0x80 on this
 * host, say) is reported as a refusal; any other death is reported as
 * such and counts as not refused, so a test never mistakes it for one. */
static int abi_variant(const char *what, long (*fn)(int, unsigned long, const char *), int fd,
		       unsigned long req, const char *p)
{
	int st;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("%s: probe error (fork: %s)\n", what, strerrorname_np(errno));
		return 1;
	}
	if (pid == 0)
		_exit(report(what, fn(fd, req, p)));
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WTERMSIG(st) == SIGSEGV || WTERMSIG(st) == SIGILL || WTERMSIG(st) == SIGSYS) {
		printf("%s: denied (ABI unavailable: signal %d)\n", what, WTERMSIG(st));
		fflush(stdout);
		return 0;
	}
	printf("%s: probe error (killed by signal %d)\n", what, WTERMSIG(st));
	fflush(stdout);
	return 1;
}

/* Push "echo INJECTED" into the terminal on fds 0-2 and /dev/tty, as
 * plain ioctl, with high bits set in the request (CVE-2017-5226), through
 * the i386 and x32 entry points, and TIOCLINUX paste. */
static int tiocsti(void)
{
	static const char cmd[] = "echo INJECTED\n";
	int fds[4] = { 0, 1, 2, open("/dev/tty", O_RDWR | O_NOCTTY) };
	char what[64];
	int got = 0, i;

	for (i = 0; i < 4; i++) {
		if (fds[i] < 0) {
			printf("tiocsti-fd%d: denied (no tty)\n", i);
			continue;
		}
		snprintf(what, sizeof(what), "tiocsti-fd%d", i);
		got += report(what, ioctl(fds[i], TIOCSTI, &cmd[0]));
		snprintf(what, sizeof(what), "tiocsti-highbits-fd%d", i);
		got += report(what, syscall(SYS_ioctl, fds[i], (unsigned long)TIOCSTI | (1UL << 32),
					    &cmd[1]));
		char sub[2] = { 3, 0 }; /* TIOCL_PASTESEL */
		snprintf(what, sizeof(what), "tioclinux-fd%d", i);
		got += report(what, ioctl(fds[i], TIOCLINUX, sub));
		snprintf(what, sizeof(what), "tiocsti-i386-fd%d", i);
		got += abi_variant(what, ioctl_i386, fds[i], TIOCSTI, &cmd[2]);
		snprintf(what, sizeof(what), "tiocsti-x32-fd%d", i);
		got += abi_variant(what, ioctl_x32, fds[i], TIOCSTI, &cmd[3]);
	}
	return got ? 1 : 0;
}

/* CVE-2019-5736 class: the box's init is nsrun; its exe, mem, fds and root
 * must be out of reach. */
static int exe(void)
{
	int got = 0;
	char buf[256];

	got += try_open("proc1-exe-rdonly", "/proc/1/exe", O_RDONLY);
	got += try_open("proc1-exe-wronly", "/proc/1/exe", O_WRONLY);
	got += try_open("proc1-exe-path", "/proc/1/exe", O_PATH);
	got += try_open("proc1-mem", "/proc/1/mem", O_RDWR);
	got += try_open("proc1-environ", "/proc/1/environ", O_RDONLY);
	got += report("proc1-root", readlink("/proc/1/root", buf, sizeof(buf)));
	got += report("proc1-cwd", readlink("/proc/1/cwd", buf, sizeof(buf)));
	got += try_open("proc1-fd", "/proc/1/fd", O_RDONLY | O_DIRECTORY);
	got += report("ptrace-attach-1", ptrace(PTRACE_ATTACH, 1, 0, 0));
	got += report("ptrace-seize-1", ptrace(PTRACE_SEIZE, 1, 0, 0));
	return got ? 1 : 0;
}

static int fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int self = d ? dirfd(d) : -1;

	if (d == NULL)
		return 2;
	while ((de = readdir(d)) != NULL) {
		char p[300], t[512];
		ssize_t n;

		if (de->d_name[0] == '.' || atoi(de->d_name) == self)
			continue;
		snprintf(p, sizeof(p), "/proc/self/fd/%s", de->d_name);
		n = readlink(p, t, sizeof(t) - 1);
		t[n < 0 ? 0 : n] = '\0';
		struct stat st;
		if (stat(p, &st) == 0 && S_ISCHR(st.st_mode))
			printf("fd %s -> %s char %u:%u\n", de->d_name, t, major(st.st_rdev),
			       minor(st.st_rdev));
		else
			printf("fd %s -> %s\n", de->d_name, t);
	}
	closedir(d);
	char cwd[512];
	printf("cwd %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	return 0;
}

/* Our own credentials, as the kernel reports them. */
static int status(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];

	if (f == NULL)
		return 2;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Cap", 3) == 0 || strncmp(line, "NoNewPrivs", 10) == 0 ||
		    strncmp(line, "Seccomp:", 8) == 0 || strncmp(line, "Uid", 3) == 0 ||
		    strncmp(line, "Gid", 3) == 0 || strncmp(line, "Groups", 6) == 0)
			fputs(line, stdout);
	fclose(f);
	return 0;
}

static int eatmem(long mb)
{
	long i;

	for (i = 0; i < mb; i++) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (p == MAP_FAILED) {
			printf("eatmem: stopped at %ld MiB (%s)\n", i, strerrorname_np(errno));
			return 1;
		}
		memset(p, 0x5a, 1 << 20);
	}
	printf("eatmem: got %ld MiB\n", mb);
	return 0;
}

static int forkbomb(int seconds)
{
	long made = 0;
	int fails = 0;

	alarm((unsigned)seconds);
	for (;;) {
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p > 0)
			made++;
		else if (++fails == 1000) {
			printf("forkbomb: %ld children, then %s\n", made, strerrorname_np(errno));
			fflush(stdout);
			pause();
		}
	}
}

/* Join the user namespace whose fd is 0 (passed in by the caller), with
 * nstype 0 and with CLONE_NEWUSER, each in a child; a child that joined
 * prints its capabilities there and tries a mount. */
static int setns_user(void)
{
	static const int types[] = { 0, CLONE_NEWUSER };
	int got = 0;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int st;
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			char what[32];
			snprintf(what, sizeof(what), "setns-user-type%d", types[i]);
			if (!report(what, setns(0, types[i])))
				_exit(0);
			status();
			report("mount-tmpfs-after-setns", mount("x", "/tmp", "tmpfs", 0, NULL));
			_exit(1);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			got++;
	}
	return got ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "ids") == 0)
		return ids();
	if (strcmp(argv[1], "suid") == 0)
		return suid();
	if (strcmp(argv[1], "status") == 0)
		return status();
	if (strcmp(argv[1], "tiocsti") == 0)
		return tiocsti();
	if (strcmp(argv[1], "exe") == 0)
		return exe();
	if (strcmp(argv[1], "fds") == 0)
		return fds();
	if (strcmp(argv[1], "setns-user") == 0)
		return setns_user();
	if (strcmp(argv[1], "eatmem") == 0 && argc > 2)
		return eatmem(atol(argv[2]));
	if (strcmp(argv[1], "forkbomb") == 0 && argc > 2)
		return forkbomb(atoi(argv[2]));
	return 2;
}
