/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NSR_CALLER_H
#define NSR_CALLER_H

#include "plan.h"

/* Fill *c from the kernel's real ids and the user database. */
int caller_load(const char *term, struct nsr_caller *c, struct nsr_err *err);

#endif
