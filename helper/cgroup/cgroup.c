// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cgroup interface: names a box's leaf, picks the backend for the
 * mode, and owns the life cycle (create, enter, OOM count, kill, destroy).
 * Runs as root in the supervisor; trusts the plan's limits (validated
 * policy) and the kernel's mount table, and touches only "nsrun" subtrees.
 */
#include "config.h"

#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

void cg_box_clear(struct cg_box *cg, enum cg_mode mode)
{
	memset(cg, 0, sizeof(*cg));
	cg->mode = mode;
	cg->leaf_dfd = -1;
	cg->parent_dfd = -1;
	for (int c = 0; c < CG_V1_N; c++) {
		cg->v1_dfd[c] = -1;
		cg->v1_parent_dfd[c] = -1;
	}
}

static void cg_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void cg_box_close(struct cg_box *cg)
{
	cg_close(&cg->leaf_dfd);
	cg_close(&cg->parent_dfd);
	for (int c = 0; c < CG_V1_N; c++) {
		cg_close(&cg->v1_dfd[c]);
		cg_close(&cg->v1_parent_dfd[c]);
	}
}

int cg_swap_check(struct cg_box *cg, bool can, struct nsr_err *err)
{
	char meminfo[8192];
	uint64_t kb = 0;

	if (can)
		return 0;
	if (cg_fs_read(AT_FDCWD, "/proc/meminfo", meminfo, sizeof(meminfo)) < 0 ||
	    cg_parse_swap_total(meminfo, &kb) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno,
				   "swap limit: cannot read SwapTotal");
	if (kb != 0)
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "swap limit cannot be enforced: the kernel "
				   "has no swap accounting (memsw / memory.swap.max) "
				   "and the host has swap");
	cg->swap_unenforced = true;
	snprintf(cg->swap_note, sizeof(cg->swap_note),
		 "swap limit not enforced (no swap accounting), "
		 "but the host has no swap");
	return 0;
}

static bool cg_wants_limits(const struct policy_limits *lim)
{
	return lim->has_pids || lim->has_memory || lim->has_swap || lim->has_cpu;
}

int cg_create(struct cg_box *cg, enum cg_mode mode, uid_t uid, const char *box,
	      const struct policy_limits *lim, struct nsr_err *err)
{
	struct cg_mounts m;
	uint32_t rnd = 0;
	char suffix[32];
	int r;

	cg_box_clear(cg, mode);
	if (mode == CG_MODE_NONE) {
		if (cg_wants_limits(lim))
			return nsr_err_set(err, NSR_E_SETUP, 0,
					   "the policy sets limits but this host "
					   "has no usable cgroup controllers");
		return 0;
	}
	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return nsr_err_set(err, NSR_E_SETUP, errno, "getrandom");
	if (nsr_fmt(suffix, sizeof(suffix), "%x%08x", (unsigned)getpid(), rnd) < 0 ||
	    cg_leaf_name(uid, box, suffix, cg->leaf, sizeof(cg->leaf)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cgroup leaf name");
	if (cg_read_mounts(&m, err) < 0)
		return -1;
	cg->memory_limit = lim->has_memory ? lim->memory : 0;
	if (mode == CG_MODE_V1)
		r = cg_v1_create(cg, &m, lim, err);
	else
		r = cg_v2_create(cg, &m, lim, err);
	if (r < 0) {
		struct nsr_err ignored;
		cg->created = true;
		cg_destroy(cg, &ignored);
		return nsr_err_prefix(err, "cgroup %s", cg->leaf);
	}
	cg->created = true;
	return 0;
}

int cg_clone_fd(const struct cg_box *cg)
{
	return cg->created && cg->mode == CG_MODE_V2 ? cg->leaf_dfd : -1;
}

int cg_enter(struct cg_box *cg, pid_t pid, struct nsr_err *err)
{
	if (!cg->created || cg->mode == CG_MODE_NONE)
		return 0;
	if (pid <= 0)
		return nsr_err_set(err, NSR_E_SETUP, EINVAL, "cgroup enter");
	if (cg->mode == CG_MODE_V1)
		return cg_v1_enter(cg, pid, err);
	return cg_v2_enter(cg, pid, err);
}

int cg_open_self_enter(const struct cg_box *cg, int fds[CG_V1_N], struct nsr_err *err)
{
	int i;

	for (i = 0; i < CG_V1_N; i++)
		fds[i] = -1;
	if (!cg->created || cg->mode != CG_MODE_V1)
		return 0;
	for (i = 0; i < CG_V1_N; i++) {
		if (cg->v1_dfd[i] < 0)
			continue;
		fds[i] = nsr_openat(cg->v1_dfd[i], "tasks", O_WRONLY | O_NOFOLLOW | O_NOCTTY, 0);
		if (fds[i] < 0) {
			int e = errno;
			while (--i >= 0)
				if (fds[i] >= 0)
					close(fds[i]);
			return nsr_err_set(err, NSR_E_SETUP, e, "cannot open the cgroup of %s", cg->leaf);
		}
	}
	return 0;
}

int cg_self_enter(int fds[CG_V1_N], struct nsr_err *err)
{
	int i, rc = 0;

	for (i = 0; i < CG_V1_N; i++) {
		if (fds[i] < 0)
			continue;
		if (rc == 0 && write(fds[i], "0", 1) != 1)
			rc = nsr_err_set(err, NSR_E_SETUP, errno, "cannot enter the box's cgroup");
		close(fds[i]);
		fds[i] = -1;
	}
	return rc;
}

int cg_oom_kills(const struct cg_box *cg, uint64_t *count)
{
	*count = 0;
	if (!cg->created || cg->mode == CG_MODE_NONE)
		return 0;
	if (cg->mode == CG_MODE_V1)
		return cg_v1_oom_kills(cg, count);
	return cg_v2_oom_kills(cg, count);
}

int cg_kill_all(struct cg_box *cg, struct nsr_err *err)
{
	if (!cg->created || cg->mode == CG_MODE_NONE)
		return 0;
	if (cg->mode == CG_MODE_V1)
		return cg_v1_kill(cg, err);
	return cg_v2_kill(cg, err);
}

int cg_destroy(struct cg_box *cg, struct nsr_err *err)
{
	struct nsr_err e2;
	int r = 0;

	if (!cg->created)
		return 0;
	if (cg_kill_all(cg, err) < 0)
		r = -1;
	if (cg->mode == CG_MODE_V2 && cg->parent_dfd >= 0) {
		cg_close(&cg->leaf_dfd);
		if (cg_fs_rmdir(cg->parent_dfd, cg->leaf, r < 0 ? &e2 : err) < 0)
			r = -1;
	}
	for (int c = 0; cg->mode == CG_MODE_V1 && c < CG_V1_N; c++) {
		if (cg->v1_parent_dfd[c] < 0)
			continue;
		cg_close(&cg->v1_dfd[c]);
		if (cg_fs_rmdir(cg->v1_parent_dfd[c], cg->leaf,
				r < 0 ? &e2 : err) < 0)
			r = -1;
	}
	cg_box_close(cg);
	cg->created = false;
	return r;
}

int cg_attach(struct cg_box *cg, enum cg_mode mode, const int *parents,
	      const char *leaf, struct nsr_err *err)
{
	int n = mode == CG_MODE_V1 ? CG_V1_N : 1;

	cg_box_clear(cg, mode);
	if (nsr_fmt(cg->leaf, sizeof(cg->leaf), "%s", leaf) < 0)
		return nsr_err_set(err, NSR_E_SETUP, ENAMETOOLONG, "leaf name");
	for (int c = 0; c < n; c++) {
		int fd, pfd;
		if (parents[c] < 0)
			continue;
		fd = cg_fs_open_dir(parents[c], leaf, false, NULL, NULL);
		if (fd < 0)
			continue;
		pfd = fcntl(parents[c], F_DUPFD_CLOEXEC, 3);
		if (pfd < 0) {
			close(fd);
			cg_box_close(cg);
			return nsr_err_set(err, NSR_E_SETUP, errno, "dup");
		}
		if (mode == CG_MODE_V1) {
			cg->v1_dfd[c] = fd;
			cg->v1_parent_dfd[c] = pfd;
		} else {
			cg->leaf_dfd = fd;
			cg->parent_dfd = pfd;
		}
		cg->created = true;
	}
	return 0;
}
