// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostname: the box's hostname is the expected one (policy or suite, with
 * $BOX/$USER/$UID expanded), it has its own UTS namespace, and the host's
 * hostname is what it was when the run began.
 */
#include "config.h"

#include "checks.h"

#include <string.h>
#include <unistd.h>

static int chk_hostname(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct facts *f = hx_facts(ctx, res);
	const char *h;
	char host[256] = "";
	int bad = 0;

	if (f == NULL)
		return -1;
	h = facts_get(f, "hostname");
	bad += chk_ns_differs(f, "uts", res) < 0;
	CHK_EXPECT(res, bad, h != NULL && strcmp(h, ctx->t->exp.hostname) == 0,
		   "hostname inside is [%s], expected [%s]", h ? h : "(none)", ctx->t->exp.hostname);
	gethostname(host, sizeof(host) - 1);
	CHK_EXPECT(res, bad, strcmp(host, ctx->cfg->hostname) == 0,
		   "the host's hostname changed from [%s] to [%s]", ctx->cfg->hostname, host);
	return chk_done(res, bad);
}

const struct hx_check hx_check_hostname = {
	.name = "hostname",
	.proves = "the box has a UTS namespace of its own with the expected hostname (the policy's, $BOX/$USER/$UID expanded, or the suite's), and the host's hostname is unchanged",
	.fails = "the host's UTS namespace, another hostname inside, or the host's hostname changed",
	.run = chk_hostname,
};
