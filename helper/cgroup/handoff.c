// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How the box child gets into its leaf, decided here and nowhere else.
 * v2: the child is born there (clone3 with CLONE_INTO_CGROUP and the
 * leaf's fd). v1: the supervisor opens each leaf's "tasks" file (write
 * only, CLOEXEC) before the clone and the child writes "0" to them first
 * thing, which moves the calling thread without the RCU grace period a
 * write of another pid waits for (doc/cgroups.md). Where neither applies
 * (a kernel that refuses the clone-into) the supervisor writes the child's
 * pid. Runs as root: the supervisor, and the child before it drops.
 */
#include "config.h"

#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

enum cg_handoff_way {
	CG_HANDOFF_NONE = 0,   /* no cgroup */
	CG_HANDOFF_CLONE_INTO, /* born in the leaf */
	CG_HANDOFF_SELF,       /* the child moves itself through tasks_fd[] */
	CG_HANDOFF_PARENT,     /* the supervisor moves the child by pid */
};

struct cg_handoff {
	enum cg_handoff_way way;
	struct cg_box *cg;
	int tasks_fd[CG_V1_N];
};

static void cg_handoff_close(struct cg_handoff *h)
{
	for (int c = 0; c < CG_V1_N; c++) {
		nsr_closep(&h->tasks_fd[c]);
		h->tasks_fd[c] = -1;
	}
}

int cg_handoff_new(struct cg_box *cg, struct cg_handoff **out, struct nsr_err *err)
{
	nsr_cleanup_free struct cg_handoff *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (h == NULL)
		return nsr_err_set(err, NSR_E_SETUP, ENOMEM, "cgroup hand-off");
	for (int c = 0; c < CG_V1_N; c++)
		h->tasks_fd[c] = -1;
	h->cg = cg;
	if (cg == NULL || !cg->created)
		h->way = CG_HANDOFF_NONE;
	else if (cg->mode == CG_MODE_V2)
		h->way = CG_HANDOFF_CLONE_INTO;
	else
		h->way = CG_HANDOFF_SELF;
	for (int c = 0; h->way == CG_HANDOFF_SELF && c < CG_V1_N; c++) {
		if (cg->v1_dfd[c] < 0)
			continue;
		h->tasks_fd[c] = nsr_openat(cg->v1_dfd[c], "tasks",
					    O_WRONLY | O_NOFOLLOW | O_NOCTTY, 0);
		if (h->tasks_fd[c] < 0) {
			int e = errno;
			cg_handoff_close(h);
			return nsr_err_set(err, NSR_E_SETUP, e, "cannot open the cgroup of %s",
					   cg->leaf);
		}
	}
	*out = nsr_steal_ptr(&h);
	return 0;
}

int cg_handoff_clone_fd(const struct cg_handoff *h)
{
	return h != NULL && h->way == CG_HANDOFF_CLONE_INTO ? h->cg->leaf_dfd : -1;
}

void cg_handoff_clone_refused(struct cg_handoff *h)
{
	if (h != NULL && h->way == CG_HANDOFF_CLONE_INTO)
		h->way = CG_HANDOFF_PARENT;
}

int cg_handoff_child(struct cg_handoff *h, struct nsr_err *err)
{
	int rc = 0;

	if (h == NULL || h->way != CG_HANDOFF_SELF)
		return 0;
	/* "0" is the writer itself: the child can only move itself, into
	 * the leaf the supervisor created and opened. */
	for (int c = 0; c < CG_V1_N; c++)
		if (rc == 0 && h->tasks_fd[c] >= 0 && write(h->tasks_fd[c], "0", 1) != 1)
			rc = nsr_err_set(err, NSR_E_SETUP, errno, "cannot enter the box's cgroup");
	cg_handoff_close(h);
	return rc;
}

int cg_handoff_parent(struct cg_handoff *h, pid_t pid, struct nsr_err *err)
{
	if (h == NULL)
		return 0;
	cg_handoff_close(h);
	if (h->way != CG_HANDOFF_PARENT)
		return 0;
	if (pid <= 0)
		return nsr_err_set(err, NSR_E_SETUP, EINVAL, "cgroup enter");
	/* Our own child, not yet running the payload. */
	return cg_enter_pid(h->cg, pid, err);
}

void cg_handoff_free(struct cg_handoff **h)
{
	int saved = errno;

	if (*h == NULL)
		return;
	cg_handoff_close(*h);
	free(*h);
	*h = NULL;
	errno = saved;
}
