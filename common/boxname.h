/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The box name rule of nsrun(1), shared by the policy library (argv and
 * $BOX) and the cgroup library (leaf names it builds and parses back):
 * [a-z0-9][a-z0-9-]{0,62}. Pure.
 */
#ifndef NSR_BOXNAME_H
#define NSR_BOXNAME_H

#include <stdbool.h>

#define NSR_BOX_NAME_MAX 63

bool nsr_box_name_valid(const char *box);

#endif
