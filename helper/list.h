/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --list and --check. */
#ifndef NSR_LIST_H
#define NSR_LIST_H

#include "plan.h"

/* Print the policies the caller may use; problems only to root. Exit status. */
int list_policies(const char *policydir, const struct nsr_caller *caller);
/* Lint files as the caller: every problem as FILE:LINE: message. 0 or 1. */
int list_check_files(char *const *files, int n);

#endif
