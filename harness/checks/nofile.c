// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nofile: only under a policy with `nofile`. RLIMIT_NOFILE inside, soft
 * and hard, is the policy's value, or the caller's hard limit when that is
 * lower (nsrun(1): a ceiling under the caller's hard limit). nsrun's caller
 * is the harness's runner, which has the harness's own limits. Reads the
 * shared facts run.
 */
#include "config.h"

#include "checks.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static int chk_nofile(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct hx_expect *e = &ctx->t->exp;
	const struct facts *f;
	unsigned long long want, soft = 0, hard = 0;
	const char *v;
	struct rlimit rl;
	int bad = 0;

	if (!e->has_nofile)
		return hx_skip(res, "policy %s sets no nofile", ctx->t->policy);
	f = hx_facts(ctx, res);
	if (f == NULL)
		return -1;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return hx_fail(res, "cannot read the harness's own RLIMIT_NOFILE");
	want = e->nofile;
	if (rl.rlim_max != RLIM_INFINITY && (unsigned long long)rl.rlim_max < want)
		want = (unsigned long long)rl.rlim_max;
	v = facts_get(f, "nofile");
	CHK_EXPECT(res, bad,
		   v != NULL && sscanf(v, "%llu %llu", &soft, &hard) == 2 && soft == want &&
			   hard == want,
		   "RLIMIT_NOFILE inside is [%s] (soft hard), expected %llu %llu "
		   "(nofile = %llu, the caller's hard limit %llu)",
		   v ? v : "not reported", want, want, (unsigned long long)e->nofile,
		   (unsigned long long)rl.rlim_max);
	return chk_done(res, bad);
}

const struct hx_check hx_check_nofile = {
	.name = "nofile",
	.proves = "with nofile = N: RLIMIT_NOFILE inside, soft and hard, is N (or the "
		  "caller's hard limit where that is lower)",
	.fails = "another soft or hard limit inside (both are shown); skipped without nofile",
	.run = chk_nofile,
};
