/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --list and --check, as data: main.c prints. */
#ifndef NSR_LIST_H
#define NSR_LIST_H

#include <stdbool.h>

#include "plan.h"

#define LIST_MAX 512

/* The policies of a directory, one at a time, in name order. */
struct list_iter {
	const char *policydir;
	const struct nsr_caller *caller;
	char *names[LIST_MAX];
	size_t n, next;
};

struct list_entry {
	const char *name;
	const struct policy *pol;	  /* loaded and authorised: list it */
	const struct policy_diags *diags; /* failed to load (root only): why */
};

/* Read the directory through the trusted loader. A directory that fails
 * the trust walk is described only to root. */
int list_open(const char *policydir, const struct nsr_caller *caller, struct list_iter *it,
	      struct nsr_err *err);
/* 1 with *e filled (pointers valid until the next call), 0 at the end.
 * Policies the caller may not use (or, for non-root, cannot load) are
 * skipped. */
int list_next(struct list_iter *it, struct list_entry *e);
void list_close(struct list_iter *it);

/* Lint one file as the caller (main drops privileges first): syntax,
 * values and trust. true when it is valid; *diags says why not. */
bool list_check_file(const char *file, const struct policy_diags **diags);

#endif
