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

struct cg_box *cg_box_new(enum cg_mode mode)
{
	struct cg_box *cg = calloc(1, sizeof(*cg));

	if (cg == NULL)
		return NULL;
	cg->mode = mode;
	cg->leaf_dfd = -1;
	cg->parent_dfd = -1;
	for (int c = 0; c < CG_V1_N; c++) {
		cg->v1_dfd[c] = -1;
		cg->v1_parent_dfd[c] = -1;
	}
	return cg;
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

int cg_swap_check(struct cg_box *cg, struct nsr_err *err)
{
	char meminfo[8192];
	uint64_t kb = 0;

	if (nsr_read_file(AT_FDCWD, "/proc/meminfo", meminfo, sizeof(meminfo)) < 0 ||
	    cg_parse_swap_total(meminfo, &kb) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "swap limit: cannot read SwapTotal");
	if (kb != 0)
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "swap limit cannot be enforced: the kernel "
				   "has no swap accounting (memsw / memory.swap.max) "
				   "and the host has swap");
	cg->swap_unenforced = true;
	return 0;
}

bool cg_swap_unenforced(const struct cg_box *cg)
{
	return cg != NULL && cg->swap_unenforced;
}

static int cg_create_in(enum cg_mode mode, uid_t uid, const char *box, const struct cg_limits *lim,
			const char *origin, struct cg_box **out, struct nsr_err *err)
{
	struct cg_origin o;
	struct cg_box *cg;
	struct cg_mounts m;
	uint32_t rnd = 0;
	char suffix[32];
	int r;

	*out = NULL;
	if (mode == CG_MODE_NONE)
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "the policy sets %s but this host "
				   "has no usable cgroup controllers",
				   origin != NULL ? "cgroup = nested" : "limits or devices");
	if (origin != NULL && cg_parse_origin(origin, &o) < 0)
		return nsr_err_set(err, NSR_E_SETUP, EINVAL,
				   "cgroup = nested: cannot tell the caller's cgroup "
				   "(/proc/self/cgroup unreadable or malformed)");
	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return nsr_err_set(err, NSR_E_SETUP, errno, "getrandom");
	cg = cg_box_new(mode);
	if (cg == NULL)
		return nsr_err_set(err, NSR_E_SETUP, ENOMEM, "cgroup");
	if (nsr_fmt(suffix, sizeof(suffix), "%x%08x", (unsigned)getpid(), rnd) < 0 ||
	    cg_leaf_name(uid, box, suffix, cg->leaf, sizeof(cg->leaf)) < 0) {
		free(cg);
		return nsr_err_set(err, NSR_E_SETUP, errno, "cgroup leaf name");
	}
	if (cg_read_mounts(&m, err) < 0) {
		free(cg);
		return -1;
	}
	cg->has_memory_limit = lim->has_memory;
	/* From here on the leaf may exist in some hierarchy: destroy undoes
	 * whatever part of it was made. */
	cg->created = true;
	if (origin != NULL)
		r = mode == CG_MODE_V1 ? cg_v1_create_nested(cg, &m, &o, lim, err) :
					 cg_v2_create_nested(cg, &m, &o, lim, err);
	else if (mode == CG_MODE_V1)
		r = cg_v1_create(cg, &m, lim, err);
	else
		r = cg_v2_create(cg, &m, lim, err);
	if (r == 0)
		r = cg_apply_limits(cg, lim, err);
	if (r == 0 && lim->has_devices)
		r = cg_apply_devices(cg, lim, err);
	if (r < 0) {
		struct nsr_err ignored;
		nsr_err_prefix(err, "cgroup %s", cg->leaf);
		cg_destroy(&cg, &ignored);
		return -1;
	}
	*out = cg;
	return 0;
}

int cg_create(enum cg_mode mode, uid_t uid, const char *box, const struct cg_limits *lim,
	      struct cg_box **out, struct nsr_err *err)
{
	return cg_create_in(mode, uid, box, lim, NULL, out, err);
}

int cg_create_nested(enum cg_mode mode, uid_t uid, const char *box, const struct cg_limits *lim,
		     const char *origin, struct cg_box **out, struct nsr_err *err)
{
	*out = NULL;
	if (origin == NULL)
		return nsr_err_set(err, NSR_E_SETUP, EINVAL,
				   "cgroup = nested: the caller's cgroups are unknown");
	return cg_create_in(mode, uid, box, lim, origin, out, err);
}

int cg_enter_pid(struct cg_box *cg, pid_t pid, struct nsr_err *err)
{
	if (cg == NULL || !cg->created)
		return 0;
	if (cg->mode == CG_MODE_V1)
		return cg_v1_enter(cg, pid, err);
	return cg_v2_enter(cg, pid, err);
}

int cg_oom_kills(const struct cg_box *cg, uint64_t *count)
{
	*count = 0;
	if (cg == NULL || !cg->created || !cg->has_memory_limit)
		return 0;
	if (cg->mode == CG_MODE_V1)
		return cg_v1_oom_kills(cg, count);
	return cg_v2_oom_kills(cg, count);
}

int cg_kill_all(struct cg_box *cg, struct nsr_err *err)
{
	if (cg == NULL || !cg->created || cg->borrowed || cg->mode == CG_MODE_NONE)
		return 0;
	if (cg->mode == CG_MODE_V1)
		return cg_v1_kill(cg, err);
	return cg_v2_kill(cg, err);
}

int cg_destroy(struct cg_box **cgp, struct nsr_err *err)
{
	struct cg_box *cg = nsr_steal_ptr(cgp);
	struct nsr_err e2;
	int r = 0;

	if (cg == NULL)
		return 0;
	if (cg->borrowed) {
		cg_close_existing(&cg);
		return 0;
	}
	if (cg->created && cg_kill_all(cg, err) < 0)
		r = -1;
	if (cg->created && cg->mode == CG_MODE_V2 && cg->parent_dfd >= 0) {
		cg_close(&cg->leaf_dfd);
		if (cg_fs_rmdir(cg->parent_dfd, cg->leaf, r < 0 ? &e2 : err) < 0)
			r = -1;
	}
	for (int c = 0; cg->created && cg->mode == CG_MODE_V1 && c < CG_V1_N; c++) {
		if (cg->v1_parent_dfd[c] < 0)
			continue;
		cg_close(&cg->v1_dfd[c]);
		if (cg_fs_rmdir(cg->v1_parent_dfd[c], cg->leaf, r < 0 ? &e2 : err) < 0)
			r = -1;
	}
	cg_box_close(cg);
	free(cg);
	return r;
}

int cg_attach(enum cg_mode mode, const int *parents, const char *leaf, struct cg_box **out,
	      struct nsr_err *err)
{
	int n = mode == CG_MODE_V1 ? CG_V1_N : 1;
	struct cg_box *cg = cg_box_new(mode);

	*out = NULL;
	if (cg == NULL)
		return nsr_err_set(err, NSR_E_SETUP, ENOMEM, "cgroup");
	if (nsr_fmt(cg->leaf, sizeof(cg->leaf), "%s", leaf) < 0) {
		free(cg);
		return nsr_err_set(err, NSR_E_SETUP, ENAMETOOLONG, "leaf name");
	}
	for (int c = 0; c < n; c++) {
		int fd, pfd;
		if (parents[c] < 0)
			continue;
		fd = nsr_root_dir(parents[c], leaf, 0755, 0, NULL, NULL);
		if (fd < 0)
			continue;
		pfd = fcntl(parents[c], F_DUPFD_CLOEXEC, 3);
		if (pfd < 0) {
			int e = errno;
			close(fd);
			cg_box_close(cg);
			free(cg);
			return nsr_err_set(err, NSR_E_SETUP, e, "dup");
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
	*out = cg;
	return 0;
}

int cg_open_parents(enum cg_mode mode, int dfds[CG_V1_N], struct nsr_err *err)
{
	struct cg_mounts m;

	for (int c = 0; c < CG_V1_N; c++)
		dfds[c] = -1;
	if (cg_read_mounts(&m, err) < 0)
		return -1;
	if (mode == CG_MODE_V1)
		return cg_v1_open_parents(&m, dfds, err);
	return cg_v2_open_parent(&m, &dfds[0], err);
}
