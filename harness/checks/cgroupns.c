// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroupns: the box has its own cgroup namespace, so every line of
 * /proc/self/cgroup inside ends in "/" (the box's own root).
 */
#include "config.h"

#include "checks.h"

#include <string.h>

static int chk_cgroupns(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct facts *f = hx_facts(ctx, res);
	size_t i, n;
	int bad = 0;

	if (f == NULL)
		return -1;
	bad += chk_ns_differs(f, "cgroup", res) < 0;
	n = facts_count(f, "cgroup");
	CHK_EXPECT(res, bad, n > 0 && facts_get(f, "cgroup")[0] != '!',
		   "no /proc/self/cgroup inside");
	for (i = 0; i < n; i++) {
		const char *v = facts_nth(f, "cgroup", i);
		const char *colon = strrchr(v, ':');

		CHK_EXPECT(res, bad, colon != NULL && strcmp(colon, ":/") == 0,
			   "cgroup path inside is not the namespace root: %s", v);
	}
	return chk_done(res, bad);
}

const struct hx_check hx_check_cgroupns = {
	.name = "cgroupns",
	.proves = "the box has a cgroup namespace of its own: every line of /proc/self/cgroup ends in /",
	.fails = "the host's cgroup namespace, or a cgroup path other than /",
	.run = chk_cgroupns,
};
