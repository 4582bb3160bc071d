// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroup v2 backend: one leaf per box under "nsrun", which sits at the
 * root of the cgroup2 mount or, on a systemd host, in the subtree systemd
 * delegates to nsrun (contrib/systemd, doc/cgroups.md). Runs as root in
 * the supervisor; all access is relative to directory fds.
 */
#include "config.h"

#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define CG_SD_SLICE "nsrun.slice"
#define CG_SD_UNIT "nsrun-cgroup.service"

static const char *const cg_v2_ctrls[] = { "pids", "memory", "cpu" };

static bool cg_v2_word(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += wl)
		if ((p == list || p[-1] == ' ') && (p[wl] == '\0' || p[wl] == ' ' || p[wl] == '\n'))
			return true;
	return false;
}

/* Enable pids, memory and cpu for dfd's children, where offered. */
static int cg_v2_enable(int dfd, const char *what, struct nsr_err *err)
{
	char have[512], on[512], req[64] = "";

	if (nsr_read_file(dfd, "cgroup.controllers", have, sizeof(have)) < 0 ||
	    nsr_read_file(dfd, "cgroup.subtree_control", on, sizeof(on)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "read controllers of %s", what);
	for (size_t i = 0; i < NSR_ARRAY_SIZE(cg_v2_ctrls); i++) {
		if (!cg_v2_word(have, cg_v2_ctrls[i]) || cg_v2_word(on, cg_v2_ctrls[i]))
			continue;
		strcat(req, req[0] ? " +" : "+");
		strcat(req, cg_v2_ctrls[i]);
	}
	if (req[0] != '\0' && nsr_write_file(dfd, "cgroup.subtree_control", req, err) < 0)
		return nsr_err_prefix(err, "enable controllers in %s", what);
	return 0;
}

static bool cg_v2_systemd(void)
{
	struct stat st;

	return fstatat(AT_FDCWD, "/run/systemd/system", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* The directory that holds "nsrun": the delegated unit's cgroup on a
 * systemd host, the cgroup2 root elsewhere. */
static int cg_v2_base(const struct cg_mounts *m, struct nsr_err *err)
{
	nsr_cleanup_fd int mnt = -1;
	nsr_cleanup_fd int slice = -1;

	if (m->v2[0] == '\0')
		return nsr_err_set(err, NSR_E_SETUP, 0, "no cgroup2 mount");
	mnt = cg_fs_open_mount(m->v2, true, err);
	if (mnt < 0 || !cg_v2_systemd())
		return nsr_steal_fd(&mnt);
	slice = nsr_root_dir(mnt, CG_SD_SLICE, 0755, 0, NULL, err);
	if (slice < 0)
		return nsr_err_prefix(err,
				      "systemd host without the delegated "
				      "%s/%s (install contrib/systemd)",
				      CG_SD_SLICE, CG_SD_UNIT);
	return nsr_root_dir(slice, CG_SD_UNIT, 0755, 0, NULL, err);
}

int cg_v2_open_parent(const struct cg_mounts *m, int *dfd, struct nsr_err *err)
{
	nsr_cleanup_fd int base = cg_v2_base(m, NULL);

	*dfd = base < 0 ? -1 : nsr_root_dir(base, CG_PARENT, 0755, 0, NULL, NULL);
	return 0;
}

/* The box's leaf under *parent (taken over), and the controllers its
 * limits need, available in it; `o`: cgroup = nested, whose parent's
 * subtree_control is the scheduler's to set, never nsrun's. */
static int cg_v2_make_leaf(struct cg_box *cg, int *parent, const struct cg_limits *lim,
			   const struct cg_origin *o, struct nsr_err *err)
{
	nsr_cleanup_fd int leaf = -1;
	bool need[3] = { lim->has_pids, lim->has_memory || lim->has_swap,
			 lim->has_cpu }; /* cg_v2_ctrls[] */
	char have[512];
	bool made = false;

	leaf = nsr_root_dir(*parent, cg->leaf, 0755, NSR_DIR_CREATE, &made, err);
	if (leaf < 0)
		return -1;
	if (!made)
		return nsr_err_set(err, NSR_E_SETUP, EEXIST, "leaf exists");
	cg->leaf_dfd = nsr_steal_fd(&leaf);
	cg->parent_dfd = nsr_steal_fd(parent);
	if (nsr_read_file(cg->leaf_dfd, "cgroup.controllers", have, sizeof(have)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "read controllers");
	for (size_t i = 0; i < NSR_ARRAY_SIZE(cg_v2_ctrls); i++) {
		if (!need[i] || cg_v2_word(have, cg_v2_ctrls[i]))
			continue;
		if (o != NULL)
			return nsr_err_set(err, NSR_E_SETUP, 0,
					   "cgroup = nested: the caller's cgroup %s does not "
					   "enable %s for its children (cgroup.subtree_control); "
					   "see doc/cgroups.md",
					   o->v2, cg_v2_ctrls[i]);
		return nsr_err_set(err, NSR_E_SETUP, 0, "the %s controller is not available",
				   cg_v2_ctrls[i]);
	}
	return 0;
}

int cg_v2_create(struct cg_box *cg, const struct cg_mounts *m, const struct cg_limits *lim,
		 struct nsr_err *err)
{
	nsr_cleanup_fd int base = -1;
	nsr_cleanup_fd int parent = -1;

	base = cg_v2_base(m, err);
	if (base < 0 || cg_v2_enable(base, "the cgroup2 base", err) < 0)
		return -1;
	parent = nsr_root_dir(base, CG_PARENT, 0755, NSR_DIR_CREATE | NSR_DIR_FIX_GROUP, NULL, err);
	if (parent < 0 || cg_v2_enable(parent, CG_PARENT, err) < 0)
		return -1;
	return cg_v2_make_leaf(cg, &parent, lim, NULL, err);
}

int cg_v2_enter(struct cg_box *cg, pid_t pid, struct nsr_err *err)
{
	char v[32];

	snprintf(v, sizeof(v), "%d", (int)pid);
	/* Our own child, not yet running the payload: fallback for kernels
	 * without clone3(CLONE_INTO_CGROUP). */
	return nsr_write_file(cg->leaf_dfd, "cgroup.procs", v, err);
}

int cg_v2_kill(struct cg_box *cg, struct nsr_err *err)
{
	int leaf = cg->leaf_dfd;

	if (leaf < 0)
		return 0;
	/* cgroup.kill (5.14+) kills the whole leaf atomically, forks in
	 * flight included. Older kernels: freeze, kill, thaw. */
	if (nsr_write_file(leaf, "cgroup.kill", "1", NULL) < 0) {
		bool frozen = nsr_write_file(leaf, "cgroup.freeze", "1", NULL) == 0;
		cg_fs_kill_procs(leaf, NULL);
		if (frozen)
			nsr_write_file(leaf, "cgroup.freeze", "0", NULL);
	}
	return cg_fs_wait_empty(leaf, CG_KILL_WAIT_MS, err);
}

int cg_v2_oom_kills(const struct cg_box *cg, uint64_t *count)
{
	char buf[1024];

	*count = 0;
	if (cg->leaf_dfd < 0 || !cg_fs_exists(cg->leaf_dfd, "memory.events"))
		return 0;
	if (nsr_read_file(cg->leaf_dfd, "memory.events", buf, sizeof(buf)) < 0)
		return -1;
	return cg_parse_v2_oom_kill(buf, count);
}

int cg_v2_create_nested(struct cg_box *cg, const struct cg_mounts *m, const struct cg_origin *o,
			const struct cg_limits *lim, struct nsr_err *err)
{
	nsr_cleanup_fd int mnt = -1;
	nsr_cleanup_fd int parent = -1;

	if (m->v2[0] == '\0' || o->v2[0] == '\0')
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "cgroup = nested: the caller is in no cgroup2 hierarchy");
	mnt = cg_fs_open_mount(m->v2, true, err);
	if (mnt < 0)
		return -1;
	parent = cg_origin_open(mnt, o->v2, err);
	if (parent < 0)
		return -1;
	/* The parent's cgroup.subtree_control is its owner's (the
	 * scheduler's) to set: nsrun uses what it delegates, never changes it. */
	return cg_v2_make_leaf(cg, &parent, lim, o, err);
}
