// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pid1: the box has its own PID namespace whose PID 1 exists, the probe is
 * one of a handful of processes there, and no host process (the harness
 * itself, by its name) is visible. Reads the shared facts run.
 */
#include "config.h"

#include "checks.h"

#include <stdlib.h>
#include <string.h>

#define PID1_MAX_VISIBLE 16

int chk_pid1(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct facts *f = hx_facts(ctx, res);
	long pid = 0, ppid = -1;
	size_t visible;
	int bad = 0;

	if (f == NULL)
		return -1;
	bad += chk_ns_differs(f, "pid", res) < 0;
	visible = facts_count(f, "proc");
	/* The probe is the box's init, or a child of it. */
	CHK_EXPECT(res, bad, facts_long(facts_get(f, "pid"), &pid) == 0 &&
		   facts_long(facts_get(f, "ppid"), &ppid) == 0 &&
		   (pid == 1 || ppid == 1),
		   "the probe is pid %ld, its parent pid %ld: neither is the box's PID 1",
		   pid, ppid);
	CHK_EXPECT(res, bad, chk_sees_comm(f, "nsrun-harness") == false,
		   "the harness (a host process) is visible inside");
	CHK_EXPECT(res, bad, visible > 0 && visible <= PID1_MAX_VISIBLE,
		   "%zu processes visible inside (at most %d expected)", visible,
		   PID1_MAX_VISIBLE);
	{
		bool has1 = false;
		size_t i;

		for (i = 0; i < visible; i++)
			has1 = has1 || strncmp(facts_nth(f, "proc", i), "1 ", 2) == 0;
		CHK_EXPECT(res, bad, has1, "no PID 1 visible inside");
	}
	return chk_done(res, bad);
}
