// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capabilities: the five capability sets of the box's process are empty
 * and no_new_privs is set. Reads the shared facts run.
 */
#include "config.h"

#include "checks.h"

#include <string.h>

#include "util.h"

static int chk_capabilities(struct hx_ctx *ctx, struct hx_result *res)
{
	static const char *const sets[] = { "capinh", "capprm", "capeff", "capbnd", "capamb" };
	const struct facts *f = hx_facts(ctx, res);
	const char *nnp;
	size_t i;
	int bad = 0;

	if (f == NULL)
		return -1;
	for (i = 0; i < NSR_ARRAY_SIZE(sets); i++) {
		const char *v = facts_get(f, sets[i]);
		uint64_t m = 1;

		CHK_EXPECT(res, bad, facts_hex(v, &m) == 0 && m == 0, "%s is %s, expected empty",
			   sets[i], v ? v : "(missing)");
	}
	nnp = facts_get(f, "nonewprivs");
	CHK_EXPECT(res, bad, nnp != NULL && strcmp(nnp, "1") == 0, "NoNewPrivs is %s, expected 1",
		   nnp ? nnp : "(missing)");
	return chk_done(res, bad);
}

const struct hx_check hx_check_capabilities = {
	.name = "capabilities",
	.proves = "all five capability sets (inheritable, permitted, effective, bounding, ambient) are empty and NoNewPrivs is 1",
	.fails = "any capability bit set, or NoNewPrivs 0",
	.run = chk_capabilities,
};
