/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --ps: the running boxes, as data for the front end to render. */
#ifndef NSR_PS_H
#define NSR_PS_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

#define PS_MAX 1024

struct ps_entry {
	struct box_record rec;
	bool stopping;
	bool has_memory, has_pids; /* usage read from the box's cgroup */
	uint64_t memory;	   /* bytes */
	uint64_t pids;
};

/* The live boxes of uid (or of every user when all), sorted by user and
 * box. Stale records (their box is gone) are left out, never shown.
 * Returns the number, or -1. */
int ps_list(const char *statedir, bool all, uid_t uid, struct ps_entry *out, size_t max,
	    struct nsr_err *err);

#endif
