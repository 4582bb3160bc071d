// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * File system helpers for the cgroup backends. Runs as root in the
 * supervisor. Trusts only the kernel's mountinfo for mount points; every
 * other access is relative to an opened directory fd, with O_NOFOLLOW and
 * no path walk, so nothing a user can create redirects a write.
 */
#include "config.h"

#include "internal.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>

void cg_fs_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int cg_fs_open_mount(const char *path, bool v2, struct nsr_err *err)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	nsr_cleanup_fd int fd = -1;
	struct statfs sfs;

	/* Mount points come from the kernel's mountinfo; no component may be
	 * a symlink, and statfs proves it is cgroupfs before any write. */
	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = nsr_openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (fd < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "open %s", path);
	if (fstatfs(fd, &sfs) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "statfs %s", path);
	if (sfs.f_type != (v2 ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC))
		return nsr_err_set(err, NSR_E_SETUP, 0, "%s is not a cgroup%s file system", path,
				   v2 ? "2" : "");
	return nsr_steal_fd(&fd);
}

bool cg_fs_exists(int dfd, const char *file)
{
	struct stat st;

	return fstatat(dfd, file, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

/* Signal the process the kernel listed as pid in the leaf at dfd, and only
 * that one: a pidfd pins it (its pid cannot be reused while the pidfd is
 * open), then /proc/PID/cgroup must still name the leaf. A pid that
 * exited and was reused by a process elsewhere is left alone. */
void cg_fs_signal_member(int dfd, pid_t pid, int sig)
{
	char link[64], leaf[4096], path[64], text[4096];
	nsr_cleanup_fd int pfd = nsr_pidfd_open(pid);
	nsr_cleanup_fd int cfd = -1;
	ssize_t n;
	const char *name;

	if (pfd < 0)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dfd);
	n = readlink(link, leaf, sizeof(leaf) - 1);
	if (n <= 0)
		return;
	leaf[n] = '\0';
	name = strrchr(leaf, '/');
	name = name ? name + 1 : leaf;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	cfd = nsr_openat(AT_FDCWD, path, O_RDONLY, 0);
	n = cfd < 0 ? -1 : read(cfd, text, sizeof(text) - 1);
	if (n <= 0)
		return;
	text[n] = '\0';
	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		const char *s = strrchr(line, '/');
		if (s != NULL && strcmp(s + 1, name) == 0) {
			nsr_pidfd_signal(pfd, sig);
			return;
		}
	}
}

/* Stream dfd/cgroup.procs (it can be long), calling kill when sig != 0. */
static int cg_fs_walk_procs(int dfd, int sig)
{
	nsr_cleanup_fd int fd = -1;
	char buf[4096];
	long pid = 0;
	bool in_num = false;
	int n = 0;

	fd = nsr_openat(dfd, "cgroup.procs", O_RDONLY | O_NOFOLLOW, 0);
	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t got = read(fd, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		for (ssize_t i = 0; i <= got; i++) {
			char c = i < got ? buf[i] : '\n';
			if (c >= '0' && c <= '9' && pid < 100000000) {
				pid = pid * 10 + (c - '0');
				in_num = true;
				continue;
			}
			if (i == got && got > 0)
				break; /* a number may go on in the next read */
			if (in_num && pid > 0) {
				/* The kernel listed this pid in our leaf;
				 * it may have exited (and its pid been
				 * reused) since: signal it through a pidfd
				 * after checking it is still ours. */
				if (sig != 0)
					cg_fs_signal_member(dfd, (pid_t)pid, sig);
				n++;
			}
			pid = 0;
			in_num = false;
		}
		if (got == 0)
			return n;
	}
}

int cg_fs_kill_procs(int dfd, int *n)
{
	int r = cg_fs_walk_procs(dfd, SIGKILL);

	if (n)
		*n = r < 0 ? 0 : r;
	return r < 0 ? -1 : 0;
}

int cg_fs_count_procs(int dfd)
{
	return cg_fs_walk_procs(dfd, 0);
}

int cg_fs_wait_empty(int dfd, int ms, struct nsr_err *err)
{
	int waited = 0, left = -1;

	while (waited <= ms) {
		if (cg_fs_kill_procs(dfd, &left) < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno, "read cgroup.procs");
		if (left == 0)
			return 0;
		cg_fs_sleep_ms(waited < 50 ? 1 : 10);
		waited += waited < 50 ? 1 : 10;
	}
	return nsr_err_set(err, NSR_E_SETUP, EBUSY,
			   "%d process(es) still in the cgroup after %d ms", left, ms);
}

int cg_fs_rmdir(int parent_dfd, const char *leaf, struct nsr_err *err)
{
	int waited = 0;

	/* rmdir of a leaf under our own parent fd: nothing else is named. */
	while (unlinkat(parent_dfd, leaf, AT_REMOVEDIR) < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != EBUSY || waited >= CG_RMDIR_WAIT_MS)
			return nsr_err_set(err, NSR_E_SETUP, errno, "rmdir cgroup %s", leaf);
		cg_fs_sleep_ms(5);
		waited += 5;
	}
	return 0;
}
