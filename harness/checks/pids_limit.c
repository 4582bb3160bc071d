// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pids-limit: only under a policy with `pids`. The probe forks until
 * refused, stopping itself at pids + 64 (the limit is then not holding).
 * Passes when fork was refused with EAGAIN near the limit (the box's own
 * init and the probe count), the host could still fork meanwhile, and no
 * process of the probe is left on the host once the box has ended.
 */
#include "config.h"

#include "checks.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PIDS_SLACK 8 /* init, probe, nsrun's own helpers in the box */
#define PIDS_OVER 64

static bool pids_host_can_fork(void)
{
	pid_t c = fork();
	int st;

	if (c < 0)
		return false;
	if (c == 0)
		_exit(0);
	return waitpid(c, &st, 0) == c && WIFEXITED(st);
}

static int chk_pids_limit(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct hx_expect *e = &ctx->t->exp;
	char max[32], token[64], left[512], buf[600];
	const char *args[] = { HX_PROBE_TARGET "/nsrun-probe", "fork", max, "--token", token, NULL };
	struct run_box b;
	struct facts f;
	struct nsr_err err = { 0 };
	long forked = -1;
	int bad = 0, i;
	size_t n = 1;

	if (!e->has_pids)
		return hx_skip(res, "policy %s sets no pids limit", ctx->t->policy);
	snprintf(max, sizeof(max), "%llu", (unsigned long long)e->pids + PIDS_OVER);
	snprintf(token, sizeof(token), "nsrh-fork-%s", ctx->token);
	if (run_start(ctx, args, &b, &err) < 0) {
		run_free(&b);
		return hx_fail(res, "cannot start nsrun: %s", nsr_err_text(&err, buf, sizeof(buf)));
	}
	if (run_until(&b, "ready=1") < 0) {
		CHK_EXPECT(res, bad, false, "the probe never reported its fork count");
	} else {
		CHK_EXPECT(res, bad, pids_host_can_fork(),
			   "the host could not fork while the box held its limit");
		run_send(&b, "go\n");
	}
	run_finish(&b);
	if (facts_parse(b.out, b.out_len, &f) == 0) {
		const char *en = facts_get(&f, "fork_errno");

		facts_long(facts_get(&f, "forked"), &forked);
		CHK_EXPECT(res, bad, en != NULL && strcmp(en, "EAGAIN") == 0,
			   "fork inside stopped with %s after %ld children (limit %llu, "
			   "stopped at %s): the limit is not holding",
			   en ? en : "nothing", forked, (unsigned long long)e->pids, max);
		CHK_EXPECT(res, bad,
			   forked >= 0 && (unsigned long long)forked <= e->pids &&
				   (unsigned long long)forked + PIDS_SLACK >= e->pids,
			   "%ld children forked inside; limit %llu", forked,
			   (unsigned long long)e->pids);
		facts_free(&f);
	}
	/* Nothing of the fork bomb may outlive the box (give it 3 s). */
	for (i = 0; i < 30 && (n = host_procs_with(token, left, sizeof(left))) > 0; i++)
		usleep(100000);
	CHK_EXPECT(res, bad, n == 0, "processes of the box left on the host: %s", left);
	if (bad > 0)
		run_note(&b, res);
	run_free(&b);
	return chk_done(res, bad);
}

const struct hx_check hx_check_pids_limit = {
	.name = "pids-limit",
	.proves = "with pids: fork inside is refused with EAGAIN at the limit (give or take the box's init), the host forks meanwhile, and nothing of the box outlives it",
	.fails = "fork succeeding past the limit or failing otherwise, the host unable to fork, processes of the box left over; skipped without pids",
	.run = chk_pids_limit,
};
