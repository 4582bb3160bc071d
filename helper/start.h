/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One start, supervisor side: host state, clone, wait, clean up. */
#ifndef NSR_START_H
#define NSR_START_H

#include "plan.h"
#include "sanitize.h"

struct start_paths {
	const char *statedir;
	const char *datadir;
};

/* Run the box to its end. Returns the exit status for nsrun (CONTRACT §3),
 * or -1 with *err when the start failed (nothing is left behind). A
 * message that belongs to a finished box (OOM) is printed here. */
int start_box(const struct nsr_plan *plan, const struct nsr_inherited *inh,
	      const struct start_paths *paths, struct nsr_err *err);

/* Root only: remove leftovers of boxes whose supervisor is gone. */
int start_gc(const struct start_paths *paths, struct nsr_err *err);

#endif
