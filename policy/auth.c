// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whether a caller may use a policy: its real uid is listed in users, or
 * its real gid or one of its supplementary groups is listed in groups.
 * The caller's ids come from the kernel, never from the caller. Deny is the
 * zero value, so a zeroed verdict or a NULL argument fails closed.
 */
#include "config.h"

#include "policy.h"

static bool auth_has_gid(const struct policy *p, gid_t g)
{
	size_t i;

	for (i = 0; i < p->n_groups && i < POLICY_MAX_IDS; i++)
		if (p->groups[i] == g)
			return true;
	return false;
}

enum policy_verdict policy_authorize(const struct policy *p, const struct policy_caller *c)
{
	size_t i;

	if (p == NULL || c == NULL || (c->n_groups > 0 && c->groups == NULL))
		return POLICY_DENY;
	for (i = 0; i < p->n_users && i < POLICY_MAX_IDS; i++)
		if (p->users[i] == c->uid)
			return POLICY_ALLOW;
	if (auth_has_gid(p, c->gid))
		return POLICY_ALLOW;
	for (i = 0; i < c->n_groups; i++)
		if (auth_has_gid(p, c->groups[i]))
			return POLICY_ALLOW;
	return POLICY_DENY;
}
