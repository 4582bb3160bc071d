// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Logs of detached boxes. The writer is a small root process of the
 * supervisor's (real uid 0, so the caller cannot stop it), reading the
 * box's stdout and stderr from a pipe: the box never holds a file on the
 * host, and the size cap holds whatever it writes. Files are root's,
 * 0600, under a root-owned directory; a user reads their own log through
 * nsrun --logs only. Names come from a numeric uid and a validated box.
 */
#include "boxlog.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "rootdir.h"
#include "util.h"

#define BOXLOG_DIR "logs"

static int boxlog_names(uid_t uid, const char *box, char *name, size_t nsz, char *old, size_t osz)
{
	if (!policy_box_valid(box) || nsr_fmt(name, nsz, "%u-%s.log", (unsigned)uid, box) < 0 ||
	    nsr_fmt(old, osz, "%u-%s.log.1", (unsigned)uid, box) < 0)
		return -1;
	return 0;
}

static int boxlog_create(int dfd, const char *name)
{
	unlinkat(dfd, name, 0);
	return nsr_openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_NOCTTY,
			  0600);
}

__attribute__((noreturn)) static void boxlog_writer(int dfd, int in, const char *name,
						    const char *old, uint64_t max, bool keep)
{
	static char buf[65536];
	uint64_t half = max / 2, size = 0;
	int out;

	prctl(PR_SET_NAME, "nsrun-log", 0, 0, 0);
	/* Real uid 0: signals from the caller no longer reach us. */
	if (setresuid(0, 0, 0) < 0)
		_exit(1);
	signal(SIGPIPE, SIG_IGN);
	out = boxlog_create(dfd, name);
	if (out < 0)
		_exit(1);
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		size_t off = 0;
		while (off < (size_t)n) {
			size_t chunk = (size_t)n - off;
			if (size + chunk > half)
				chunk = size < half ? (size_t)(half - size) : 0;
			if (chunk == 0) {
				/* Rotate: the newest half stays in NAME, the one before in NAME.1. */
				close(out);
				renameat(dfd, name, dfd, old);
				out = boxlog_create(dfd, name);
				if (out < 0)
					_exit(1);
				size = 0;
				continue;
			}
			if (nsr_write_all(out, buf + off, chunk) < 0)
				break; /* disk full: drop, keep draining */
			size += chunk;
			off += chunk;
		}
	}
	close(out);
	if (!keep) {
		unlinkat(dfd, name, 0);
		unlinkat(dfd, old, 0);
	}
	_exit(0);
}

int boxlog_start(const char *datadir, uid_t uid, const char *box, uint64_t max, bool keep,
		 pid_t *writer, int *out_fd, struct nsr_err *err)
{
	nsr_cleanup_fd int dfd = -1;
	char name[96], old[100];
	int p[2];
	pid_t pid;

	if (boxlog_names(uid, box, name, sizeof(name), old, sizeof(old)) < 0)
		return nsr_err_set(err, NSR_E_USAGE, 0, "invalid box name");
	if (nsr_state_dir(datadir, BOXLOG_DIR, 0755, NSR_DIR_CREATE | NSR_DIR_PATH, &dfd, err) < 0)
		return -1;
	unlinkat(dfd, old, 0);
	if (pipe2(p, O_CLOEXEC) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return nsr_err_set(err, NSR_E_SETUP, e, "cannot start the log writer");
	}
	if (pid == 0) {
		/* Only the pipe's read end and the directory. */
		int in = fcntl(p[0], F_DUPFD_CLOEXEC, 3);
		int d = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
		if (in < 0 || d < 0)
			_exit(1);
		int lo = in < d ? in : d, hi = in < d ? d : in;
		int devnull = nsr_openat(AT_FDCWD, "/dev/null", O_RDWR, 0);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		if (lo > 3)
			close_range(3, (unsigned)lo - 1, 0);
		if (hi > lo + 1)
			close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
		close_range((unsigned)hi + 1, ~0U, 0);
		boxlog_writer(d, in, name, old, max, keep);
	}
	close(p[0]);
	*writer = pid;
	*out_fd = p[1];
	return 0;
}

void boxlog_remove(const char *datadir, uid_t uid, const char *box)
{
	nsr_cleanup_fd int dfd = -1;
	char name[96], old[100];

	if (boxlog_names(uid, box, name, sizeof(name), old, sizeof(old)) < 0 ||
	    nsr_state_dir(datadir, BOXLOG_DIR, 0755, NSR_DIR_CREATE | NSR_DIR_PATH, &dfd, NULL) < 0)
		return;
	unlinkat(dfd, name, 0);
	unlinkat(dfd, old, 0);
}

static int boxlog_open_file(int dfd, const char *name, ino_t *ino)
{
	struct stat st;
	int fd = nsr_openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY, 0);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	if (ino)
		*ino = st.st_ino;
	return fd;
}

int boxlog_open(const char *datadir, uid_t uid, const char *box, struct boxlog_reader *r,
		struct nsr_err *err)
{
	memset(r, 0, sizeof(*r));
	r->dfd = r->fd = -1;
	if (boxlog_names(uid, box, r->name, sizeof(r->name), r->old, sizeof(r->old)) < 0)
		return nsr_err_set(err, NSR_E_USAGE, 0, "invalid box name");
	if (nsr_state_dir(datadir, BOXLOG_DIR, 0755, NSR_DIR_CREATE | NSR_DIR_PATH, &r->dfd, err) < 0)
		return -1;
	int cur = boxlog_open_file(r->dfd, r->name, &r->ino);
	if (cur < 0) {
		boxlog_close(r);
		return nsr_err_set(err, NSR_E_USAGE, 0,
				   "box %s has no log (only a box started with --detach has one)",
				   box);
	}
	r->fd = boxlog_open_file(r->dfd, r->old, NULL);
	if (r->fd >= 0) {
		r->in_old = true;
		close(cur); /* reopened by name after the old part */
	} else {
		r->fd = cur;
	}
	return 0;
}

ssize_t boxlog_read(struct boxlog_reader *r, char *buf, size_t sz, bool follow,
		    bool (*alive)(void *ctx), void *ctx)
{
	for (;;) {
		ssize_t n = read(r->fd, buf, sz);
		struct stat st;

		if (n != 0)
			return n;
		if (r->in_old) {
			close(r->fd);
			r->in_old = false;
			r->fd = boxlog_open_file(r->dfd, r->name, &r->ino);
			if (r->fd < 0)
				return 0;
			continue;
		}
		/* At the end of the current file. Rotated since? Go on in the new one. */
		if (fstatat(r->dfd, r->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_ino != r->ino) {
			int fd = boxlog_open_file(r->dfd, r->name, &r->ino);
			if (fd >= 0) {
				/* Drain what the old file got before the switch. */
				n = read(r->fd, buf, sz);
				close(r->fd);
				r->fd = fd;
				if (n > 0)
					return n;
				continue;
			}
		}
		if (!follow)
			return 0;
		bool still = alive(ctx);
		n = read(r->fd, buf, sz);
		if (n != 0)
			return n;
		if (!still)
			return 0;
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
}

void boxlog_close(struct boxlog_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	if (r->dfd >= 0)
		close(r->dfd);
	r->fd = r->dfd = -1;
}
