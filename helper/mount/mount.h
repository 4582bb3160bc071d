/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The box's file system view, built in its private mount namespace, then
 * pivot_root. Runs as root in the box child before the privilege drop. */
#ifndef NSR_MOUNTS_H
#define NSR_MOUNTS_H

#include <stdint.h>

#include "etcfiles.h"
#include "plan.h"

struct mnt_input {
	const struct nsr_plan *plan;
	const char *statedir;
	const char *datadir;
	const int *src_fds;            /* per plan->mounts[i]: bind source fd, or -1 */
	uint32_t box_addr;             /* bridge mode address (host order), or 0 */
	const struct etc_group_entry *groups;
	size_t n_groups;
	char *shell;                   /* out, POLICY_STR_MAX: the user's shell in the box */
};

/* Open every bind source with the caller's own permissions (fsuid/fsgid
 * and groups of the user), so nobody binds what they could not open. */
int mnt_open_sources(const struct nsr_plan *plan, int *src_fds, struct nsr_err *err);

/* Everything from "mounts private" to "old root detached". */
int mnt_setup(const struct mnt_input *in, struct nsr_err *err);

#endif
