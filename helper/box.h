/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The box child: from clone to init. */
#ifndef NSR_BOX_H
#define NSR_BOX_H

#include <stdint.h>

#include "cgroup/cgroup.h"
#include "plan.h"
#include "sanitize.h"

#define BOX_GO_MAGIC 0x6e737267u /* "nsrg" */

/* The supervisor's "go": everything host-side is in place. */
struct box_go {
	uint32_t magic;
	uint32_t addr; /* bridge mode: leased address, host order */
	uint32_t gateway;
	uint32_t prefix;
};

struct box_ctx {
	const struct nsr_plan *plan;
	const struct nsr_inherited *inh;
	const char *statedir;
	const char *datadir;
	int go_fd;	       /* read end: struct box_go, EOF = abort */
	int err_fd;	       /* write end, CLOEXEC: struct nsr_err */
	struct cg_handoff *cg; /* the way into the box's cgroup leaf */
	int pty_fd;	       /* plan->pty: socket for the pty master, else -1 */
};

/* Runs in the clone child; never returns. */
__attribute__((noreturn)) void box_child(const struct box_ctx *ctx);

#endif
