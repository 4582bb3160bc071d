/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to cgroup*.c: the file system helpers every backend uses (all
 * relative to directory fds, never following a symlink) and the backend
 * entry points that cgroup.c dispatches to. Callers use cgroup.h only.
 */
#ifndef NSR_CGROUP_INT_H
#define NSR_CGROUP_INT_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

#define CG_PARENT "nsrun"
#define CG_KILL_WAIT_MS 2000
#define CG_RMDIR_WAIT_MS 1000

/* Open a cgroup mount point (from mountinfo) as a directory fd, checking
 * by statfs that it is cgroupfs of the wanted version. */
int cg_fs_open_mount(const char *path, bool v2, struct nsr_err *err);
/* mkdir (if missing) and open dfd/name, a root-owned directory that is not
 * group/other writable and not a symlink. *made tells whether we made it. */
int cg_fs_open_dir(int dfd, const char *name, bool create, bool *made,
		   struct nsr_err *err);
/* Write / read a cgroup file at dfd (O_NOFOLLOW, no path walk). */
int cg_fs_write(int dfd, const char *file, const char *val,
		struct nsr_err *err);
int cg_fs_read(int dfd, const char *file, char *buf, size_t sz);
bool cg_fs_exists(int dfd, const char *file);
/* SIGKILL every pid listed in dfd/cgroup.procs; *n gets how many. */
int cg_fs_kill_procs(int dfd, int *n);
/* Number of pids in dfd/cgroup.procs, or -1. */
int cg_fs_count_procs(int dfd);
/* Wait until dfd/cgroup.procs is empty, killing stragglers meanwhile. */
int cg_fs_wait_empty(int dfd, int ms, struct nsr_err *err);
/* rmdir parent_dfd/leaf, retrying EBUSY for a while; ENOENT is success. */
int cg_fs_rmdir(int parent_dfd, const char *leaf, struct nsr_err *err);
void cg_fs_sleep_ms(int ms);

/* Swap rule shared by both backends: `can` tells whether the host can
 * enforce a swap limit. Fails closed when it cannot and the host swaps. */
int cg_swap_check(struct cg_box *cg, bool can, struct nsr_err *err);

/* Backends. create: the leaf (cg->leaf already named) and its limits. */
int cg_v1_create(struct cg_box *cg, const struct cg_mounts *m,
		 const struct policy_limits *lim, struct nsr_err *err);
int cg_v1_enter(struct cg_box *cg, pid_t pid, struct nsr_err *err);
int cg_v1_kill(struct cg_box *cg, struct nsr_err *err);
int cg_v1_oom_kills(const struct cg_box *cg, uint64_t *count);
int cg_v2_create(struct cg_box *cg, const struct cg_mounts *m,
		 const struct policy_limits *lim, struct nsr_err *err);
int cg_v2_enter(struct cg_box *cg, pid_t pid, struct nsr_err *err);
int cg_v2_kill(struct cg_box *cg, struct nsr_err *err);
int cg_v2_oom_kills(const struct cg_box *cg, uint64_t *count);

/* Open the parents of a mode ("nsrun" in each hierarchy) without creating
 * them; absent ones stay -1. For gc. */
int cg_v1_open_parents(const struct cg_mounts *m, int dfds[CG_V1_N],
		       struct nsr_err *err);
int cg_v2_open_parent(const struct cg_mounts *m, int *dfd,
		      struct nsr_err *err);
/* Fill cg for an existing leaf under the given parents (gc): fds of the
 * leaf dirs that exist; created = true when at least one does. */
int cg_attach(struct cg_box *cg, enum cg_mode mode, const int *parents,
	      const char *leaf, struct nsr_err *err);

/* cg_gc limited to leaves whose name starts with prefix (NULL: all). */
int cg_gc_match(enum cg_mode mode, const char *lock_dir, const char *prefix,
		struct nsr_err *err);

/* Reset every fd in cg to -1 (no close). */
void cg_box_clear(struct cg_box *cg, enum cg_mode mode);
/* Close every fd in cg. */
void cg_box_close(struct cg_box *cg);

#endif
