/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers shared by every part: cleanup attributes for fds and
 * memory, ownership hand-over, and an open wrapper that always adds
 * O_CLOEXEC (lxc-user-nic once passed it in the wrong argument).
 */
#ifndef NSR_UTIL_H
#define NSR_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "err.h"

#define NSR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void nsr_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void nsr_freep(void *p)
{
	int saved = errno;
	free(*(void **)p);
	errno = saved;
}

static inline void nsr_closedirp(DIR **d)
{
	if (*d != NULL) {
		int saved = errno;
		closedir(*d);
		errno = saved;
	}
}

#define nsr_cleanup_fd __attribute__((cleanup(nsr_closep)))
#define nsr_cleanup_dir __attribute__((cleanup(nsr_closedirp)))
#define nsr_cleanup_free __attribute__((cleanup(nsr_freep)))

/* Hand an fd on: the cleanup variable is left holding -1. */
static inline int nsr_steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

static inline void *nsr_steal_ptr(void *pp)
{
	void **p = pp;
	void *r = *p;
	*p = NULL;
	return r;
}

/* open/openat with O_CLOEXEC always set; mode only used with O_CREAT. */
int nsr_openat(int dfd, const char *path, int flags, unsigned mode);

/* A DIR * reading dfd/path, a directory opened without following a
 * symlink; dfd stays the caller's. NULL with errno on failure. */
DIR *nsr_opendir_at(int dfd, const char *path);

/* memset(p, 0, n), writing only the pages that are not all zero yet. The
 * large structures (plan, policy: hundreds of KiB, mostly unused) live in
 * static storage; untouched, they are backed by the kernel's shared zero
 * page, which reading leaves so. A plain memset would make every page the
 * process's own: time, page faults, resident memory (doc/performance.md).
 * Garbage is zeroed like memset would; the result is the same.
 * Storage nsr_mark_fresh() named is left alone, once. */
void nsr_zero_sparse(void *p, size_t n);

/* [p, p + n) is zero and no page of it was touched yet: a static object
 * before its first use (C zeroes static storage before main() runs). The
 * next nsr_zero_sparse() of exactly that object returns at once, without
 * reading it: even reading an untouched page costs a page fault, and on a
 * virtual machine a fault costs what ten system calls do
 * (doc/performance.md). Only main() marks, and only its own static
 * objects, before their first use. At most NSR_FRESH_MAX are remembered;
 * a mark past that is dropped (the zeroing then reads, as before). */
#define NSR_FRESH_MAX 8
void nsr_mark_fresh(const void *p, size_t n);

/* write all of buf, retrying on EINTR and short writes. */
int nsr_write_all(int fd, const void *buf, size_t len);

/* read exactly len bytes; returns bytes read (< len only at EOF) or -1. */
ssize_t nsr_read_full(int fd, void *buf, size_t len);

/* The one small-file family, never following a final symlink: read a
 * whole file at dfd/path (at most max-1 bytes, NUL-terminated; returns
 * its length or -1 with errno), and write a string to an existing file
 * in one write (cgroup and proc files; 0, or -1 with *err). */
ssize_t nsr_read_file(int dfd, const char *path, char *buf, size_t max);
int nsr_write_file(int dfd, const char *path, const char *s, struct nsr_err *err);

/* A pidfd for pid (pidfd_open(2), Linux 5.3), and a signal through one
 * (pidfd_send_signal(2); sig 0 checks the process is still there): -1
 * with errno on failure, as the system calls. */
int nsr_pidfd_open(pid_t pid);
int nsr_pidfd_signal(int pidfd, int sig);

/* A child's last word: the error record down fd (kind NSR_E_SETUP where
 * none was set), then exit 125 without running atexit handlers. */
__attribute__((noreturn)) void nsr_child_fail(int fd, struct nsr_err *err);

/* snprintf that reports truncation as -1 (ENAMETOOLONG). */
int nsr_fmt(char *buf, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "64M", "1G", "1536K", "100" (bytes): the largest K/M/G/T/P/E unit
 * that divides the value exactly, as nsrun.policy(5) writes sizes. */
int nsr_format_size(uint64_t bytes, char *out, size_t outsz);

#endif
