// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * signal-host: the harness starts a host process (a child of its own named
 * "nsrh-victim"); the box must neither see it in /proc nor reach it with
 * kill(pid, 0), and the victim must still be alive when the box ends.
 */
#include "config.h"

#include "checks.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int chk_signal_host(struct hx_ctx *ctx, struct hx_result *res)
{
	char pid[32], buf[600];
	const char *args[] = { HX_PROBE_TARGET "/nsrun-probe", "facts", "--victim", pid, NULL };
	struct run_box b;
	struct facts f;
	struct nsr_err err = { 0 };
	const char *k;
	pid_t victim;
	int bad = 0;

	fflush(NULL);
	victim = fork();
	if (victim < 0)
		return hx_fail(res, "cannot fork the victim");
	if (victim == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, "nsrh-victim");
		for (;;)
			pause();
	}
	snprintf(pid, sizeof(pid), "%ld", (long)victim);
	if (run_once(ctx, args, &b, &err) < 0) {
		CHK_EXPECT(res, bad, false, "cannot start nsrun: %s",
			   nsr_err_text(&err, buf, sizeof(buf)));
	} else if (facts_parse(b.out, b.out_len, &f) == 0) {
		k = facts_get(&f, "victim_kill");
		CHK_EXPECT(res, bad, facts_has(&f, "done", "1"), "the probe did not finish");
		CHK_EXPECT(res, bad, k != NULL && strcmp(k, "ESRCH") == 0,
			   "kill(host pid %s, 0) inside gave %s, expected ESRCH", pid,
			   k ? k : "(not reported)");
		CHK_EXPECT(res, bad, !chk_sees_comm(&f, "nsrh-victim"),
			   "the host process nsrh-victim is visible inside");
		facts_free(&f);
	}
	if (bad > 0)
		run_note(&b, res);
	run_free(&b);
	CHK_EXPECT(res, bad, kill(victim, 0) == 0 && waitpid(victim, NULL, WNOHANG) == 0,
		   "the host victim process did not survive the box");
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);
	return chk_done(res, bad);
}

const struct hx_check hx_check_signal_host = {
	.name = "signal-host",
	.proves = "a host process started by the harness is neither visible in /proc inside nor reachable with kill(pid, 0), and survives the box",
	.fails = "the process visible, kill(pid, 0) not ESRCH, or the process gone",
	.run = chk_signal_host,
};
