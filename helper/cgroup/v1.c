// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroup v1 backend: a leaf per box in each hierarchy it needs (pids and
 * freezer to find and kill every process, memory and cpu when the policy
 * limits them), under "nsrun" in each. Runs as root in the supervisor;
 * writes only below the parent fds it opened, relative to directory fds.
 */
#include "config.h"

#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#define CG_FREEZE_WAIT_MS 1000

static const char *const cg_v1_label[CG_V1_N] = {
	"pids", "memory", "cpu", "freezer", "devices",
};

/* Make the leaf in hierarchy c (mount m->v1[c]): under nsrun's own parent,
 * made first, or with `o` (cgroup = nested) under the caller's cgroup. */
static int cg_v1_make(struct cg_box *cg, const struct cg_mounts *m, const struct cg_origin *o,
		      int c, struct nsr_err *err)
{
	nsr_cleanup_fd int mnt = -1;
	nsr_cleanup_fd int parent = -1;
	nsr_cleanup_fd int leaf = -1;
	bool made = false;
	char v[32];

	/* Co-mounted controllers (e.g. "pids,freezer") share one leaf. */
	for (int k = 0; k < c; k++) {
		if (cg->v1_dfd[k] >= 0 && strcmp(m->v1[k], m->v1[c]) == 0) {
			cg->v1_dfd[c] = fcntl(cg->v1_dfd[k], F_DUPFD_CLOEXEC, 3);
			if (cg->v1_dfd[c] < 0)
				return nsr_err_set(err, NSR_E_SETUP, errno, "dup");
			return 0;
		}
	}
	if (o != NULL && o->v1[c][0] == '\0')
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "cgroup = nested: the caller is in no %s cgroup", cg_v1_label[c]);
	mnt = cg_fs_open_mount(m->v1[c], false, err);
	if (mnt < 0)
		return -1;
	if (o != NULL) {
		parent = cg_origin_open(mnt, o->v1[c], err);
		if (parent < 0)
			return nsr_err_prefix(err, "%s", cg_v1_label[c]);
	} else {
		parent = nsr_root_dir(mnt, CG_PARENT, 0755, NSR_DIR_CREATE | NSR_DIR_FIX_GROUP,
				      &made, err);
		if (parent < 0)
			return -1;
		/* Always 1 on current kernels; on old ones it must be set while
		 * the parent has no children, so that limits nest as in v2. */
		if (made && c == CG_V1_MEMORY &&
		    nsr_read_file(parent, "memory.use_hierarchy", v, sizeof(v)) > 0 && v[0] == '0')
			nsr_write_file(parent, "memory.use_hierarchy", "1", NULL);
	}
	leaf = nsr_root_dir(parent, cg->leaf, 0755, NSR_DIR_CREATE, &made, err);
	if (leaf < 0)
		return -1;
	if (!made)
		return nsr_err_set(err, NSR_E_SETUP, EEXIST, "%s leaf exists", cg_v1_label[c]);
	cg->v1_dfd[c] = nsr_steal_fd(&leaf);
	cg->v1_parent_dfd[c] = nsr_steal_fd(&parent);
	return 0;
}

/* A leaf in every hierarchy nsrun uses (pids and freezer always, the
 * limits' controllers): nested, the box must stay below the caller's
 * cgroup in each, or that controller's limits stop. */
static int cg_v1_make_all(struct cg_box *cg, const struct cg_mounts *m, const struct cg_origin *o,
			  const struct cg_limits *lim, struct nsr_err *err)
{
	bool need[CG_V1_N] = { false };

	for (int l = 0; l < CG_LIMIT_N; l++)
		if (cg_limit_set(lim, (enum cg_limit)l))
			need[cg_limit_ctrl((enum cg_limit)l)] = true;
	need[CG_V1_DEVICES] = lim->has_devices;

	if (m->v1[CG_V1_PIDS][0] == '\0' && m->v1[CG_V1_FREEZER][0] == '\0')
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "cgroup v1 without pids or freezer hierarchy");
	for (int c = 0; c < CG_V1_N; c++) {
		bool use = need[c] || c == CG_V1_PIDS || c == CG_V1_FREEZER;
		if (m->v1[c][0] == '\0') {
			if (need[c])
				return nsr_err_set(err, NSR_E_SETUP, 0,
						   "the %s cgroup controller is not "
						   "mounted",
						   cg_v1_label[c]);
			continue;
		}
		if (use && cg_v1_make(cg, m, o, c, err) < 0)
			return -1;
	}
	return 0;
}

int cg_v1_create(struct cg_box *cg, const struct cg_mounts *m, const struct cg_limits *lim,
		 struct nsr_err *err)
{
	return cg_v1_make_all(cg, m, NULL, lim, err);
}

int cg_v1_create_nested(struct cg_box *cg, const struct cg_mounts *m, const struct cg_origin *o,
			const struct cg_limits *lim, struct nsr_err *err)
{
	return cg_v1_make_all(cg, m, o, lim, err);
}

int cg_v1_enter(struct cg_box *cg, pid_t pid, struct nsr_err *err)
{
	char v[32];

	snprintf(v, sizeof(v), "%d", (int)pid);
	/* The pid is our own child, stopped before exec: moving it into
	 * our leaf gives it nothing but limits. */
	for (int c = 0; c < CG_V1_N; c++)
		if (cg->v1_dfd[c] >= 0 && nsr_write_file(cg->v1_dfd[c], "cgroup.procs", v, err) < 0)
			return nsr_err_prefix(err, "%s", cg_v1_label[c]);
	return 0;
}

/* Freeze, SIGKILL everything, thaw: nothing can fork or exit in between,
 * so every pid read from cgroup.procs is still the process it was. */
static int cg_v1_freeze_kill(int fz, struct nsr_err *err)
{
	char st[32] = "";
	int waited = 0;

	if (nsr_write_file(fz, "freezer.state", "FROZEN", err) < 0)
		return -1;
	while (waited < CG_FREEZE_WAIT_MS && (nsr_read_file(fz, "freezer.state", st, sizeof(st)) < 0 ||
					      strncmp(st, "FROZEN", 6) != 0)) {
		cg_fs_sleep_ms(1);
		waited++;
	}
	cg_fs_kill_procs(fz, NULL);
	return nsr_write_file(fz, "freezer.state", "THAWED", err);
}

static bool cg_v1_empty(const struct cg_box *cg)
{
	for (int c = 0; c < CG_V1_N; c++)
		if (cg->v1_dfd[c] >= 0 && cg_fs_count_procs(cg->v1_dfd[c]) != 0)
			return false;
	return true;
}

int cg_v1_kill(struct cg_box *cg, struct nsr_err *err)
{
	int r = 0;

	/* The usual end: the box's init is gone and took the rest with it
	 * (pid namespace). An empty leaf cannot fill up again by itself. */
	if (cg_v1_empty(cg))
		return 0;
	if (cg->v1_dfd[CG_V1_FREEZER] >= 0 && cg_v1_freeze_kill(cg->v1_dfd[CG_V1_FREEZER], err) < 0)
		r = -1;
	/* Then every leaf until empty (this also covers hosts without a
	 * freezer: a fork bomb loses to repeated SIGKILL under pids.max). */
	for (int c = 0; c < CG_V1_N; c++)
		if (cg->v1_dfd[c] >= 0 &&
		    cg_fs_wait_empty(cg->v1_dfd[c], CG_KILL_WAIT_MS, r < 0 ? NULL : err) < 0)
			r = -1;
	return r;
}

int cg_v1_oom_kills(const struct cg_box *cg, uint64_t *count)
{
	char buf[512];

	*count = 0;
	if (cg->v1_dfd[CG_V1_MEMORY] < 0)
		return 0;
	if (nsr_read_file(cg->v1_dfd[CG_V1_MEMORY], "memory.oom_control", buf, sizeof(buf)) < 0)
		return -1;
	return cg_parse_v1_oom_kill(buf, count);
}

int cg_v1_open_parents(const struct cg_mounts *m, int dfds[CG_V1_N], struct nsr_err *err)
{
	for (int c = 0; c < CG_V1_N; c++) {
		nsr_cleanup_fd int mnt = -1;
		bool dup_mount = false;
		dfds[c] = -1;
		for (int o = 0; o < c; o++)
			if (m->v1[o][0] && strcmp(m->v1[o], m->v1[c]) == 0)
				dup_mount = true;
		if (m->v1[c][0] == '\0' || dup_mount)
			continue;
		mnt = cg_fs_open_mount(m->v1[c], false, NULL);
		if (mnt >= 0)
			dfds[c] = nsr_root_dir(mnt, CG_PARENT, 0755, 0, NULL, NULL);
	}
	return 0;
}
