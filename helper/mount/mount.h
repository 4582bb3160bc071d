/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The box's file system view, built in its private mount namespace, then
 * pivot_root. Runs as root in the box child before the privilege drop. */
#ifndef NSR_MOUNTS_H
#define NSR_MOUNTS_H

#include <stdint.h>

#include "plan.h"

struct mnt_input {
	const struct nsr_plan *plan;
	const char *statedir;
	const char *datadir;
	uint32_t box_addr; /* bridge mode address (host order), or 0 */
	int parent_fd;	   /* the supervisor's pipe, for caps_user_fs_* */
	char *shell;	   /* out, POLICY_STR_MAX: the user's shell in the box */
};

/* Everything from "mounts private" to "old root detached". */
int mnt_setup(const struct mnt_input *in, struct nsr_err *err);

#endif
