// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroupfs: no file under /sys/fs/cgroup inside is writable by the box's
 * user (the probe asks access(W_OK), it never writes).
 */
#include "config.h"

#include "checks.h"

static int chk_cgroupfs(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct facts *f = hx_facts(ctx, res);
	long n = -1;
	size_t i;
	int bad = 0;

	if (f == NULL)
		return -1;
	CHK_EXPECT(res, bad, facts_long(facts_get(f, "cgroup_writable_count"), &n) == 0,
		   "the probe did not scan /sys/fs/cgroup");
	CHK_EXPECT(res, bad, n <= 0, "%ld writable cgroup files inside, e.g.:", n);
	for (i = 0; i < facts_count(f, "cgroup_writable") && i < 5; i++)
		hx_note(res, "  %s", facts_nth(f, "cgroup_writable", i));
	return chk_done(res, bad);
}

const struct hx_check hx_check_cgroupfs = {
	.name = "cgroupfs",
	.proves = "no file under /sys/fs/cgroup is writable by the box's user (asked with access(2), never written)",
	.fails = "a writable cgroup file (the first ones are named)",
	.run = chk_cgroupfs,
};
