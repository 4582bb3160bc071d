/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --stop: end a running box (nsrun(1)). */
#ifndef NSR_STOP_H
#define NSR_STOP_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "state.h"

#define STOP_TIMEOUT_DEFAULT 10
#define STOP_TIMEOUT_MAX 86400

struct stop_request {
	uid_t uid; /* whose box */
	const char *box;
	int sig;	  /* first signal, default SIGTERM */
	unsigned timeout; /* seconds before SIGKILL */
};

struct stop_result {
	struct box_record rec; /* the box that was stopped */
	bool killed;	       /* the timeout ran out: SIGKILL */
};

/* Mark the box stopping (--join refuses it), send sig to its init (which
 * forwards it), SIGKILL the whole box after the timeout, and return once
 * its supervisor has cleaned up and left. -1 with *err: not running, or a
 * box that would not go. */
int stop_box(const char *statedir, const struct stop_request *req, struct stop_result *res,
	     struct nsr_err *err);

/* "TERM", "SIGTERM" or a number: the signal, or -1. Pure. */
int stop_parse_signal(const char *s);

#endif
