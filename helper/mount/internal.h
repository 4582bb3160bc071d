/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mount primitives on fds (new mount API + openat2), used by mount.c and fs.c.
 * Run as root inside the box's private mount namespace. */
#ifndef NSR_MNT_UTIL_H
#define NSR_MNT_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

/* Resolution inside a root: never above it, no magic links. */
#define MNT_RESOLVE_IN (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

/* openat2(root_fd, path, flags, resolve). path may start with '/'. */
int mnt_open_in(int root_fd, const char *path, int flags, uint64_t resolve);

/* A new detached filesystem: fsopen(type) + string options + fsmount(attrs). */
int mnt_fs_new(const char *type, const char *const *opts, unsigned attrs, int *out,
	       struct nsr_err *err);

/* Attach a detached mount (tree_fd) on the object target_fd refers to. */
int mnt_attach(int tree_fd, int target_fd, const char *what, struct nsr_err *err);

/* Set/clear mount attributes on the mount at fd (optionally recursive). */
int mnt_setattr(int fd, unsigned set, unsigned clr, bool recursive, const char *what,
		struct nsr_err *err);

/* Clone the mount (tree) at dfd/path (path may be "" for dfd itself). */
int mnt_clone(int dfd, const char *path, bool recursive, int *out, const char *what,
	      struct nsr_err *err);

/* Make sure `path` exists under root_fd (dirs created 0755, a final file
 * created empty 0644 when want_dir is false); every step resolved inside
 * the root. Returns an O_PATH fd of the target in *out. */
int mnt_ensure(int root_fd, const char *path, bool want_dir, int *out, struct nsr_err *err);

/* Size limits of every tmpfs nsrun makes for a box (/tmp, /dev/shm, the
 * staging tmpfs that holds a tmpfs overlay's upper, a policy tmpfs with
 * no size= of its own): size = the policy's memory limit, or
 * MNT_TMPFS_DEFAULT without one; nr_inodes = size / 8 KiB (at least
 * 1024). Memory a host process pins after the box ended (an fd into its
 * /dev/shm) is then bounded by the limit the box ran under. */
#define MNT_TMPFS_DEFAULT (512ULL << 20)
struct mnt_tmpfs_size {
	char size[24];
	char inodes[24];
};
void mnt_tmpfs_size(uint64_t memory_limit, struct mnt_tmpfs_size *out);

#endif
