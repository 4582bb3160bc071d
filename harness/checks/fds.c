// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fds: the runner leaks two inheritable fds (/ and the policy dir) into
 * nsrun on purpose; inside, only 0, 1 and 2 may be open.
 */
#include "config.h"

#include "checks.h"

#include <stdlib.h>

static int chk_fds(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct facts *f = hx_facts(ctx, res);
	size_t i, n;
	int bad = 0, std = 0;

	if (f == NULL)
		return -1;
	n = facts_count(f, "fd");
	for (i = 0; i < n; i++) {
		const char *v = facts_nth(f, "fd", i);
		long fd = strtol(v, NULL, 10);

		if (v[0] != '!' && fd >= 0 && fd <= 2) {
			std++;
			continue;
		}
		CHK_EXPECT(res, bad, false, "open inside: fd %s", v);
	}
	CHK_EXPECT(res, bad, std == 3, "only %d of fds 0, 1, 2 open inside", std);
	return chk_done(res, bad);
}

const struct hx_check hx_check_fds = {
	.name = "fds",
	.proves = "only fds 0, 1 and 2 are open inside, although the harness leaks two inheritable fds into nsrun",
	.fails = "any other open fd (its number and target are named)",
	.run = chk_fds,
};
