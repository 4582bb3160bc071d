// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * identity: real, effective, saved and fs uid and gid inside are the
 * invoker's (--as), and the supplementary groups are the invoker's set.
 * Reads the shared facts run; the expected ids come from the user database
 * on the host.
 */
#include "config.h"

#include "checks.h"

#include <stdlib.h>
#include <string.h>

/* Whether the space-separated list holds exactly the set of groups. */
static bool identity_same_groups(const char *v, const struct hx_user *u)
{
	size_t i, seen = 0;

	if (v == NULL)
		return false;
	while (*v != '\0') {
		char *end;
		unsigned long g;
		bool known = false;

		v += strspn(v, " ");
		if (*v == '\0')
			break;
		g = strtoul(v, &end, 10);
		if (end == v)
			return false;
		for (i = 0; i < u->n_groups; i++)
			known = known || u->groups[i] == (gid_t)g;
		if (!known)
			return false;
		seen++;
		v = end;
	}
	/* Every listed group is the invoker's; as many as theirs (distinct). */
	{
		size_t distinct = 0, j;

		for (i = 0; i < u->n_groups; i++) {
			bool dup = false;
			for (j = 0; j < i; j++)
				dup = dup || u->groups[j] == u->groups[i];
			distinct += !dup;
		}
		return seen == distinct;
	}
}

static int chk_identity(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct facts *f = hx_facts(ctx, res);
	const struct hx_user *u = &ctx->cfg->as;
	const char *uid, *gid, *groups;
	int bad = 0;

	if (f == NULL)
		return -1;
	uid = facts_get(f, "uid");
	gid = facts_get(f, "gid");
	groups = facts_get(f, "groups");
	CHK_EXPECT(res, bad, facts_ids_all(uid, u->uid),
		   "uids inside are [%s], expected all %lu (%s)", uid ? uid : "",
		   (unsigned long)u->uid, u->name);
	CHK_EXPECT(res, bad, facts_ids_all(gid, u->gid), "gids inside are [%s], expected all %lu",
		   gid ? gid : "", (unsigned long)u->gid);
	CHK_EXPECT(res, bad, identity_same_groups(groups ? groups : "", u),
		   "groups inside are [%s], not the invoker's %zu groups", groups ? groups : "",
		   u->n_groups);
	return chk_done(res, bad);
}

const struct hx_check hx_check_identity = {
	.name = "identity",
	.proves = "real, effective, saved and fs uid and gid and the supplementary groups are the --as user's",
	.fails = "any other id or group",
	.run = chk_identity,
};
