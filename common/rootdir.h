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
};

/* dfd/name, name being one path component. *made (may be NULL) tells
 * whether this call created it; a directory we made that fails the check
 * is removed again. A missing one without NSR_DIR_CREATE: -1, ENOENT. */
int nsr_root_dir(int dfd, const char *name, mode_t mode, int flags, bool *made, struct nsr_err *err);

/* The state (or data) dir, an absolute path whose parent exists, then
 * optionally its subdirectory sub, each checked as above. The state dir
 * is made 0755, sub with sub_mode. *dfd gets sub (or the state dir). */
int nsr_state_dir(const char *statedir, const char *sub, mode_t sub_mode, int flags, int *dfd,
		  struct nsr_err *err);

#endif
