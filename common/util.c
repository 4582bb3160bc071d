// SPDX-License-Identifier: GPL-2.0-or-later
/* fd and file helpers. No privilege of their own; callers decide who opens. */
#include "util.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

int nsr_openat(int dfd, const char *path, int flags, unsigned mode)
{
	int fd;

	do
		fd = openat(dfd, path, flags | O_CLOEXEC, mode);
	while (fd < 0 && errno == EINTR);
	return fd;
}

DIR *nsr_opendir_at(int dfd, const char *path)
{
	int fd = nsr_openat(dfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (d == NULL)
		nsr_closep(&fd);
	return d;
}

int nsr_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static struct {
	const void *p;
	size_t n;
} fresh[NSR_FRESH_MAX];

void nsr_mark_fresh(const void *p, size_t n)
{
	for (size_t i = 0; i < NSR_FRESH_MAX; i++)
		if (fresh[i].p == NULL) {
			fresh[i].p = p;
			fresh[i].n = n;
			return;
		}
}

void nsr_zero_sparse(void *p, size_t n)
{
	unsigned char *b = p;
	size_t len;

	/* Untouched since main() started: zero already. Once only. */
	for (size_t i = 0; i < NSR_FRESH_MAX; i++)
		if (fresh[i].p != NULL && fresh[i].p == p && fresh[i].n == n) {
			fresh[i].p = NULL;
			return;
		}

	for (; n > 0; b += len, n -= len) {
		/* Page by page (4 KiB, the smallest page size): a page left
		 * alone must be left alone whole. */
		len = 4096 - ((uintptr_t)b & 4095);
		if (len > n)
			len = n;
		/* All bytes equal to their neighbour, and the first is 0. */
		if (b[0] != 0 || (len > 1 && memcmp(b, b + 1, len - 1) != 0))
			memset(b, 0, len);
	}
}

ssize_t nsr_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

ssize_t nsr_read_file(int dfd, const char *path, char *buf, size_t max)
{
	nsr_cleanup_fd int fd = -1;
	ssize_t n;

	if (max == 0) {
		errno = EINVAL;
		return -1;
	}
	fd = nsr_openat(dfd, path, O_RDONLY | O_NOFOLLOW | O_NOCTTY, 0);
	if (fd < 0)
		return -1;
	n = nsr_read_full(fd, buf, max - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

int nsr_write_file(int dfd, const char *path, const char *s, struct nsr_err *err)
{
	nsr_cleanup_fd int fd = nsr_openat(dfd, path, O_WRONLY | O_NOFOLLOW | O_NOCTTY, 0);
	size_t len = strlen(s);
	ssize_t n;

	if (fd < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "open %s", path);
	/* cgroup and proc files take one write; a short one is a failure. */
	do
		n = write(fd, s, len);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len)
		return nsr_err_set(err, NSR_E_SETUP, n < 0 ? errno : EIO, "write '%s' to %s", s,
				   path);
	return 0;
}

int nsr_fmt(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int nsr_format_size(uint64_t bytes, char *out, size_t outsz)
{
	static const char units[] = "KMGTPE";
	uint64_t v = bytes;
	int u = -1;

	while (v != 0 && v % 1024 == 0 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		return nsr_fmt(out, outsz, "%" PRIu64, v);
	return nsr_fmt(out, outsz, "%" PRIu64 "%c", v, units[u]);
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434 /* one number on every architecture */
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

int nsr_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int nsr_pidfd_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

void nsr_child_fail(int fd, struct nsr_err *err)
{
	if (err->kind == NSR_E_NONE)
		err->kind = NSR_E_SETUP;
	nsr_write_all(fd, err, sizeof(*err));
	_exit(125);
}
