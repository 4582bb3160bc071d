// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memory-oom: only under a policy with `memory`, and only when twice the
 * limit fits easily in the host's available memory. The probe touches up
 * to twice the limit and says "not_killed" if it gets there. Passes when
 * nsrun exits 137 with its "killed: memory limit" message, the probe did
 * not get far past the limit, and a host bystander process survived.
 */
#include "config.h"

#include "checks.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static long long oom_available_mib(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	long long kb = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "MemAvailable: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

static int chk_memory_oom(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct hx_expect *e = &ctx->t->exp;
	long long limit_mib = (long long)(e->memory >> 20), step;
	char max[32], steps[32], buf[600];
	const char *args[] = { HX_PROBE_TARGET "/nsrun-probe", "memory", max, steps, NULL };
	struct run_box b;
	struct facts f;
	struct nsr_err err = { 0 };
	long touched = 0;
	pid_t bystander;
	int bad = 0;

	if (!e->has_memory)
		return hx_skip(res, "policy %s sets no memory limit", ctx->t->policy);
	if (limit_mib < 1)
		limit_mib = 1;
	if (oom_available_mib() < 4 * limit_mib)
		return hx_skip(res,
			       "twice the memory limit (%lld MiB) does not fit easily "
			       "in the host's available memory",
			       2 * limit_mib);
	step = limit_mib >= 64 ? limit_mib / 16 : 2;
	snprintf(max, sizeof(max), "%lld", 2 * limit_mib);
	snprintf(steps, sizeof(steps), "%lld", step);
	fflush(NULL);
	bystander = fork();
	if (bystander == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	if (run_once(ctx, args, &b, &err) < 0) {
		hx_fail(res, "cannot start nsrun: %s", nsr_err_text(&err, buf, sizeof(buf)));
		bad++;
	} else if (facts_parse(b.out, b.out_len, &f) == 0) {
		size_t n = facts_count(&f, "touched_mib");

		if (n > 0)
			facts_long(facts_nth(&f, "touched_mib", n - 1), &touched);
		CHK_EXPECT(res, bad, !facts_has(&f, "not_killed", "1"),
			   "touched %ld MiB, twice the limit, and was not killed", touched);
		CHK_EXPECT(res, bad, run_exit_code(&b) == 137, "nsrun exited %d, expected 137",
			   run_exit_code(&b));
		CHK_EXPECT(res, bad, strstr(b.err, "killed: memory limit") != NULL,
			   "nsrun did not report the memory limit kill on stderr");
		CHK_EXPECT(res, bad, touched <= limit_mib + step,
			   "touched %ld MiB under a %lld MiB limit", touched, limit_mib);
		facts_free(&f);
	}
	CHK_EXPECT(res, bad,
		   bystander > 0 && kill(bystander, 0) == 0 && waitpid(bystander, NULL, WNOHANG) == 0,
		   "a host bystander process did not survive the box's OOM");
	if (bystander > 0) {
		kill(bystander, SIGKILL);
		waitpid(bystander, NULL, 0);
	}
	if (bad > 0)
		run_note(&b, res);
	run_free(&b);
	return chk_done(res, bad);
}

const struct hx_check hx_check_memory_oom = {
	.name = "memory-oom",
	.proves = "with memory: touching twice the limit gets the box OOM-killed, nsrun exits 137 and says so, and a host bystander process survives",
	.fails = "twice the limit touched, another exit status, no 'killed: memory limit' message, the bystander gone; skipped without memory or when twice the limit does not fit the host's free memory",
	.run = chk_memory_oom,
};
