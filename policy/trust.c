// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whether a file may be believed: walk from "/" one component at a time
 * with O_PATH|O_NOFOLLOW, fstat every opened fd, and require root
 * ownership, no group/other write and no symlink all the way down (like
 * sudo's sudoers check). Runs with whatever privilege the caller has;
 * every decision is taken on an opened fd, so a rename race cannot win.
 */
#include "config.h"

#include "internal.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static int trust_fail(char *why, size_t whysz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int trust_fail(char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whysz > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whysz, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int trust_check_fd(int fd, bool want_dir, char *why, size_t whysz)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return trust_fail(why, whysz, "cannot stat: %s", strerror(errno));
	if (S_ISLNK(st.st_mode))
		return trust_fail(why, whysz, "is a symbolic link");
	if (want_dir && !S_ISDIR(st.st_mode))
		return trust_fail(why, whysz, "is not a directory");
	if (!want_dir && !S_ISREG(st.st_mode))
		return trust_fail(why, whysz, "is not a regular file");
	if (st.st_uid != 0)
		return trust_fail(why, whysz, "is owned by uid %u, not root", (unsigned)st.st_uid);
	if (st.st_mode & S_IWOTH)
		return trust_fail(why, whysz, "is writable by others");
	if (st.st_mode & S_IWGRP)
		return trust_fail(why, whysz, "is writable by its group");
	return 0;
}

/* Open one component below dfd as O_PATH without following it, and check
 * it as a directory or (for the last one) a file. */
static int trust_step(int dfd, const char *comp, const char *walked, bool dir, char *why, size_t whysz)
{
	nsr_cleanup_fd int fd = nsr_openat(dfd, comp, O_PATH | O_NOFOLLOW, 0);
	char r[200];

	if (fd < 0)
		return trust_fail(why, whysz, "%s: %s", walked, strerror(errno));
	if (trust_check_fd(fd, dir, r, sizeof(r)) < 0)
		return trust_fail(why, whysz, "%s %s", walked, r);
	return nsr_steal_fd(&fd);
}

/* The last component of a file path: checked through an O_PATH fd first,
 * so the read-only open below never touches a FIFO or a device node. */
static int trust_last(int dfd, const char *comp, const char *walked, int *fd_out, char *why,
		      size_t whysz)
{
	nsr_cleanup_fd int path_fd = trust_step(dfd, comp, walked, false, why, whysz);
	nsr_cleanup_fd int fd = -1;
	struct stat a, b;
	char r[200];

	if (path_fd < 0)
		return -1;
	fd = nsr_openat(dfd, comp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0)
		return trust_fail(why, whysz, "%s: %s", walked, strerror(errno));
	if (fstat(fd, &a) < 0 || fstat(path_fd, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino)
		return trust_fail(why, whysz, "%s changed while being checked", walked);
	if (trust_check_fd(fd, false, r, sizeof(r)) < 0)
		return trust_fail(why, whysz, "%s %s", walked, r);
	*fd_out = nsr_steal_fd(&fd);
	return 0;
}

int trust_walk_at(int start_dfd, const char *shown, const char *rel, bool want_dir, int *fd_out,
		  char *why, size_t whysz)
{
	nsr_cleanup_fd int cur = -1;
	char buf[PATH_MAX], walked[PATH_MAX];
	char *comp = buf, *next;

	if (nsr_fmt(buf, sizeof(buf), "%s", rel) < 0 ||
	    nsr_fmt(walked, sizeof(walked), "%s", shown) < 0)
		return trust_fail(why, whysz, "path too long");
	cur = fcntl(start_dfd, F_DUPFD_CLOEXEC, 3);
	if (cur < 0)
		return trust_fail(why, whysz, "%s", strerror(errno));
	if (buf[0] == '\0') {
		if (!want_dir)
			return trust_fail(why, whysz, "%s is not a regular file", shown);
		*fd_out = nsr_steal_fd(&cur);
		return 0;
	}
	for (;;) {
		size_t wl = strlen(walked);
		int fd;

		next = strchr(comp, '/');
		if (next != NULL)
			*next++ = '\0';
		if (*comp == '\0' || strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0 ||
		    (next != NULL && *next == '\0'))
			return trust_fail(why, whysz, "%s%s: not a normalised path", shown, rel);
		if (nsr_fmt(walked + wl, sizeof(walked) - wl, "%s%s",
			    wl > 0 && walked[wl - 1] != '/' ? "/" : "", comp) < 0)
			return trust_fail(why, whysz, "path too long");
		if (next == NULL && !want_dir)
			return trust_last(cur, comp, walked, fd_out, why, whysz);
		fd = trust_step(cur, comp, walked, true, why, whysz);
		if (fd < 0)
			return -1;
		close(cur);
		cur = fd;
		if (next == NULL)
			break;
		comp = next;
	}
	*fd_out = nsr_steal_fd(&cur);
	return 0;
}

/* Open "/" and check it, then walk the rest of an absolute path. */
static int trust_open(const char *path, bool want_dir, int *fd_out, char *why, size_t whysz)
{
	nsr_cleanup_fd int root = -1;
	char r[200];

	if (path == NULL || path[0] != '/')
		return trust_fail(why, whysz, "%s: not an absolute path", path ? path : "(null)");
	root = nsr_openat(AT_FDCWD, "/", O_PATH | O_DIRECTORY, 0);
	if (root < 0)
		return trust_fail(why, whysz, "/: %s", strerror(errno));
	if (trust_check_fd(root, true, r, sizeof(r)) < 0)
		return trust_fail(why, whysz, "/ %s", r);
	return trust_walk_at(root, "/", path + 1, want_dir, fd_out, why, whysz);
}

int trust_open_file(const char *path, int *fd_out, char *why, size_t whysz)
{
	return trust_open(path, false, fd_out, why, whysz);
}

int trust_open_dir(const char *path, int *fd_out, char *why, size_t whysz)
{
	return trust_open(path, true, fd_out, why, whysz);
}
