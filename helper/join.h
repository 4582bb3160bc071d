/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --join: run a command in the caller's running box (nsrun(1)). */
#ifndef NSR_JOIN_H
#define NSR_JOIN_H

#include "plan.h"
#include "sanitize.h"
#include "state.h"

/* The caller's running box, by its state record: 0, or -1 with a
 * one-line reason (not running, stopping). */
int join_find(const char *statedir, uid_t uid, const char *box, struct box_record *rec,
	      struct nsr_err *err);

struct join_result {
	int status;		/* the joined command's, as nsrun's exit */
	struct nsr_err cmd_err; /* kind != NONE: why it could not be run */
};

/* Run plan->argv (a plan built for the caller from the box's own policy)
 * in the box rec names: its namespaces, root and cgroup leaf, then the
 * payload's drop, filter, rlimits and environment. Returns 0 with *res
 * filled once the command ended, or -1 with *err (nothing was run). */
int join_run(const struct nsr_plan *plan, const struct box_record *rec,
	     const struct nsr_inherited *inh, struct join_result *res, struct nsr_err *err);

#endif
