/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one check that stops other users redirecting nsrun's writes: open a
 * directory that only root can change (not a symbolic link, owned by uid
 * 0, writable by neither group nor others), creating it first if asked.
 * Used for the state dir and everything under it (locks, leases, the
 * staging mount point), persistent box data and nsrun's cgroups.
 */
#ifndef NSR_ROOTDIR_H
#define NSR_ROOTDIR_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

enum nsr_dir_flags {
	NSR_DIR_CREATE = 1 << 0, /* mkdir with the given mode if missing */
	NSR_DIR_PATH = 1 << 1,	 /* an O_PATH fd (else O_RDONLY) */
	/* nsrun's own directory: one an older nsrun left as root:<caller's
	 * group> is given to group 0 (nsr_root_fix_group). nsr_state_dir
	 * always sets it. */
	NSR_DIR_FIX_GROUP = 1 << 2,
};

/* dfd/name, name being one path component. *made (may be NULL) tells
 * whether this call created it; a directory we made that fails the check
 * is removed again. A missing one without NSR_DIR_CREATE: -1, ENOENT. */
int nsr_root_dir(int dfd, const char *name, mode_t mode, int flags, bool *made, struct nsr_err *err);

/* fd (st its fstat) is a file or directory of nsrun's in the directory
 * parent: it must be owned by uid 0 (else -1, errno EPERM); if its group
 * is not 0 (made by an older nsrun that kept the caller's gid), it is
 * given to root:root, but only when parent is owned by uid 0 too (else
 * -1, EPERM). */
struct stat;
int nsr_root_fix_group(int parent, int fd, const struct stat *st);

/* The state (or data) dir, an absolute path whose parent exists, then
 * optionally its subdirectory sub, each checked as above. The state dir
 * is made 0755, sub with sub_mode. *dfd gets sub (or the state dir). */
int nsr_state_dir(const char *statedir, const char *sub, mode_t sub_mode, int flags, int *dfd,
		  struct nsr_err *err);

#endif
