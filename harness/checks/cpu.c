// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cpu: only under a policy with `cpu = N`. The probe runs more busy
 * processes than N (N rounded up, plus one) for CPU_BUSY_MS of wall time;
 * the CPU time they got (user + system) over the wall time it took must not
 * exceed N by more than CPU_TOLERANCE_PCT percent plus CPU_SLACK_MS (the
 * kernel enforces the quota per 100 ms period, in slices of a few ms). While
 * the box holds, the cpu cgroup of the probe's host pid must carry the
 * quota: cpu.max (v2) or cpu.cfs_quota_us / cpu.cfs_period_us (v1) equal
 * to N within a thousandth. Where N is at least the host's CPU count the
 * box cannot use more anyway: only the quota is checked.
 */
#include "config.h"

#include "checks.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CPU_BUSY_MS 1000
#define CPU_TOLERANCE_PCT 20
#define CPU_SLACK_MS 50

/* The quota and period of the cgroup, in µs; quota -1 when unlimited. */
static int cpu_quota(const char *dir, bool v2, long long *quota, long long *period, char *shown,
		     size_t sz)
{
	char q[64], p[64];

	if (v2) {
		if (chk_read_line(dir, "cpu.max", q, sizeof(q)) < 0)
			return -1;
		if (nsr_fmt(shown, sz, "%s/cpu.max is \"%s\"", dir, q) < 0)
			shown[0] = '\0';
		if (sscanf(q, "%63s %lld", p, period) != 2)
			return -1;
		*quota = strcmp(p, "max") == 0 ? -1 : strtoll(p, NULL, 10);
		return 0;
	}
	if (chk_read_line(dir, "cpu.cfs_quota_us", q, sizeof(q)) < 0 ||
	    chk_read_line(dir, "cpu.cfs_period_us", p, sizeof(p)) < 0)
		return -1;
	if (nsr_fmt(shown, sz, "%s: cpu.cfs_quota_us %s, cpu.cfs_period_us %s", dir, q, p) < 0)
		shown[0] = '\0';
	*quota = strtoll(q, NULL, 10);
	*period = strtoll(p, NULL, 10);
	return 0;
}

static void cpu_cgroup(const struct hx_ctx *ctx, pid_t pid, struct hx_result *res, int *bad)
{
	long long milli = ctx->t->exp.cpu_milli, quota = -1, period = 0;
	char dir[PATH_MAX], shown[PATH_MAX + 128] = "";
	bool v2 = false;

	if (host_cgroup_dir(pid, "cpu", dir, sizeof(dir), &v2) < 0) {
		CHK_EXPECT(res, *bad, false,
			   "the box's process %ld is in no cpu cgroup the host "
			   "has mounted",
			   (long)pid);
		return;
	}
	if (cpu_quota(dir, v2, &quota, &period, shown, sizeof(shown)) < 0) {
		CHK_EXPECT(res, *bad, false, "cannot read the cpu quota of the box's cgroup %s", dir);
		return;
	}
	CHK_EXPECT(res, *bad,
		   quota > 0 && period > 0 && llabs(quota * 1000 - milli * period) <= period,
		   "%s: %s, expected %lld.%03lld CPUs", shown,
		   quota <= 0 ? "no quota" : "another quota", milli / 1000, milli % 1000);
}

static int chk_cpu(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct hx_expect *e = &ctx->t->exp;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	long long procs = (e->cpu_milli + 999) / 1000 + 1;
	bool measure = online > 0 && (long long)e->cpu_milli < online * 1000LL;
	char nprocs[32], ms[32];
	const char *args[] = { HX_PROBE_TARGET "/nsrun-probe", "cpu", nprocs, ms, NULL };
	struct run_box b;
	struct facts f;
	long wall = 0, used = -1, got = 0;
	pid_t pid;
	int bad = 0;

	if (!e->has_cpu)
		return hx_skip(res, "policy %s sets no cpu", ctx->t->policy);
	/* The box's init, the probe and its processes under a pids limit. */
	if (e->has_pids && procs + 4 > (long long)e->pids)
		procs = (long long)e->pids > 5 ? (long long)e->pids - 4 : 1;
	if (!measure)
		hx_note(res,
			"cpu = %u.%03u is not below the host's %ld CPUs: only the quota is "
			"checked",
			e->cpu_milli / 1000, e->cpu_milli % 1000, online);
	snprintf(nprocs, sizeof(nprocs), "%lld", measure ? procs : 0LL);
	snprintf(ms, sizeof(ms), "%d", measure ? CPU_BUSY_MS : 0);
	if (chk_box_ready(ctx, args, &b, &pid, res) < 0) {
		run_free(&b);
		return -1;
	}
	cpu_cgroup(ctx, pid, res, &bad);
	chk_box_go(&b);
	run_finish(&b);
	if (measure && facts_parse(b.out, b.out_len, &f) == 0) {
		CHK_EXPECT(res, bad,
			   facts_long(facts_get(&f, "cpu_wall_ms"), &wall) == 0 &&
				   facts_long(facts_get(&f, "cpu_used_ms"), &used) == 0 &&
				   facts_long(facts_get(&f, "cpu_procs"), &got) == 0 && wall > 0,
			   "the probe did not report its CPU time");
		CHK_EXPECT(res, bad,
			   used <= (long long)e->cpu_milli * wall * (100 + CPU_TOLERANCE_PCT) / 100000 +
					   CPU_SLACK_MS,
			   "%ld busy processes got %ld ms of CPU in %ld ms: %.2f CPUs, more than "
			   "cpu = %u.%03u (+%d%%, +%d ms)",
			   got, used, wall, wall > 0 ? (double)used / (double)wall : 0.0,
			   e->cpu_milli / 1000, e->cpu_milli % 1000, CPU_TOLERANCE_PCT, CPU_SLACK_MS);
		if (got < procs)
			hx_note(res, "only %ld of %lld busy processes started", got, procs);
		facts_free(&f);
	}
	if (bad > 0)
		run_note(&b, res);
	run_free(&b);
	return chk_done(res, bad);
}

const struct hx_check hx_check_cpu = {
	.name = "cpu",
	.proves = "with cpu = N: the box's cpu cgroup carries the quota (cpu.max, or "
		  "cpu.cfs_quota_us over cpu.cfs_period_us, = N), and N+1 busy processes "
		  "inside get at most N CPUs of user+system time over wall time (+20%, +50 ms)",
	.fails = "no quota or another one in the box's cgroup (the files are shown), or more "
		 "CPU time than that (the measured CPUs are shown); skipped without cpu",
	.run = chk_cpu,
};
