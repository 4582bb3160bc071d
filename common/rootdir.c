// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Root-owned directories (rootdir.h). Runs as root in the supervisor and
 * in the box child before the drop. Trusts nothing about what it finds:
 * the name is opened without following a symlink and checked on the fd,
 * so the directory used is the one that passed the check.
 */
#include "rootdir.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int nsr_root_dir(int dfd, const char *name, mode_t mode, int flags, bool *made, struct nsr_err *err)
{
	nsr_cleanup_fd int fd = -1;
	struct stat st;
	bool mine = false;
	int e;

	if (made)
		*made = false;
	if (name[0] == '\0' || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return nsr_err_set(err, NSR_E_SETUP, EINVAL, "bad directory name '%s'", name);
	if (flags & NSR_DIR_CREATE) {
		if (mkdirat(dfd, name, mode) == 0)
			mine = true;
		else if (errno != EEXIST)
			return nsr_err_set(err, NSR_E_SETUP, errno, "cannot create %s", name);
	}
	fd = nsr_openat(dfd, name,
			O_DIRECTORY | O_NOFOLLOW | ((flags & NSR_DIR_PATH) ? O_PATH : O_RDONLY), 0);
	if (fd < 0) {
		e = errno;
		if (mine)
			unlinkat(dfd, name, AT_REMOVEDIR);
		nsr_err_set(err, NSR_E_SETUP, e, "cannot open %s", name);
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot stat %s", name);
	/* What we just made gets exactly its mode (cgroupfs ignores it). */
	if (mine && (st.st_mode & 07777) != mode && !(flags & NSR_DIR_PATH) && fchmod(fd, mode) == 0)
		st.st_mode = (st.st_mode & ~07777u) | mode;
	/* Owner 0, not the euid: nsrun's state is root's whoever runs it. */
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		if (mine)
			unlinkat(dfd, name, AT_REMOVEDIR);
		nsr_err_set(err, NSR_E_SETUP, 0,
			    "%s is not a root-owned directory closed to group and others", name);
		errno = EPERM;
		return -1;
	}
	/* Host state is root:root. An older nsrun made its directories
	 * with the caller's group (root:<group>, never group-writable:
	 * checked above); give such a one to group 0, on the fd that passed
	 * the check, and only below a root-owned parent. Only for nsrun's
	 * own directories (NSR_DIR_FIX_GROUP), never for one it merely
	 * walks (a caller's cgroup path). */
	if ((flags & NSR_DIR_FIX_GROUP) && st.st_gid != 0 && nsr_root_fix_group(dfd, fd, &st) < 0) {
		nsr_err_set(err, NSR_E_SETUP, errno, "cannot give %s to group root", name);
		return -1;
	}
	if (made)
		*made = mine;
	return nsr_steal_fd(&fd);
}

int nsr_root_fix_group(int parent, int fd, const struct stat *st)
{
	struct stat pst;

	if (st->st_uid != 0) {
		errno = EPERM;
		return -1;
	}
	if (st->st_gid == 0)
		return 0;
	if (fstat(parent, &pst) < 0 || pst.st_uid != 0) {
		errno = EPERM;
		return -1;
	}
	return fchownat(fd, "", 0, 0, AT_EMPTY_PATH);
}

int nsr_state_dir(const char *statedir, const char *sub, mode_t sub_mode, int flags, int *dfd,
		  struct nsr_err *err)
{
	nsr_cleanup_fd int pfd = -1, top = -1;
	char parent[512];
	const char *base;
	char *slash;
	int e;

	*dfd = -1;
	if (statedir[0] != '/' || nsr_fmt(parent, sizeof(parent), "%s", statedir) < 0 ||
	    strcmp(statedir, "/") == 0)
		return nsr_err_set(err, NSR_E_SETUP, EINVAL, "bad state directory %s", statedir);
	/* The state dir's parent (e.g. /run) must exist; we create the last level. */
	slash = strrchr(parent, '/');
	base = statedir + (slash - parent) + 1;
	if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	pfd = nsr_openat(AT_FDCWD, parent, O_PATH | O_DIRECTORY, 0);
	if (pfd < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open %s", parent);
	flags |= NSR_DIR_FIX_GROUP;
	top = nsr_root_dir(pfd, base, 0755, flags, NULL, err);
	if (top < 0) {
		e = errno;
		nsr_err_prefix(err, "%s", statedir);
		errno = e;
		return -1;
	}
	if (sub == NULL) {
		*dfd = nsr_steal_fd(&top);
		return 0;
	}
	*dfd = nsr_root_dir(top, sub, sub_mode, flags, NULL, err);
	return *dfd < 0 ? -1 : 0;
}
