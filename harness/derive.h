/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * From the admin's parsed policy to what the harness needs: the test
 * policy text (the same policy, plus the probe's directory bound read-only
 * into the box, with the --as user allowed) and the expectations.
 */
#ifndef NSR_DERIVE_H
#define NSR_DERIVE_H

#include "harness.h"

/* Write the test policy for p into buf. probe_src is the host directory
 * holding the probe; it is bound at HX_PROBE_TARGET. Only `as_uid` is
 * authorised: the harness tests isolation, not who may start a box. */
int derive_policy(const struct policy *p, uid_t as_uid, const char *probe_src, char *buf, size_t sz,
		  struct nsr_err *err);

/* Expectations from the policy alone, for user u and box name box. */
int derive_expect(const struct policy *p, const struct hx_user *u, const char *box,
		  struct hx_expect *e, struct nsr_err *err);

#endif
